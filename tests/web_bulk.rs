//! Deleting several entries at once (`/delete-selected/<dir>/`), against
//! every configured FTP server: the confirmation counts what goes (each
//! folder walked), the POST deletes exactly the ticked entries and leaves
//! the rest; a name that is not there refuses the whole request before any
//! change; the CSRF token is required.

mod common;

use common::http::encode;
use common::{targets, web};
use ftpgate::ftp::Client;

#[test]
fn the_ticked_entries_go_and_the_rest_stays() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let csrf = web::login(&mut http, &t);
        let mut c = t.login();
        let dir = String::from_utf8(common::scratch(&mut c, "bulk")).unwrap();
        common::put_file(&mut c, &format!("{dir}/a b.txt"), b"a");
        common::put_file(&mut c, &format!("{dir}/keep.txt"), b"k");
        c.mkd(format!("{dir}/tree")).unwrap();
        c.mkd(format!("{dir}/tree/sub")).unwrap();
        common::put_file(&mut c, &format!("{dir}/tree/sub/x.txt"), b"x");
        common::put_file(&mut c, &format!("{dir}/tree/y.txt"), b"y");
        let base = format!("/delete-selected{}/", encode(dir.as_bytes()));
        let query = "?item=a%2520b.txt&item=tree";

        let r = http.get(&format!("{base}{query}&format=json"));
        assert_eq!(r.status, 200, "{}: {}", t.name, r.text());
        let preview = r.text();
        assert!(
            preview.ends_with(r#""files":3,"folders":2,"links":0}"#),
            "{}: {preview}",
            t.name
        );
        let page = http.get(&format!("{base}{query}")).text();
        assert!(page.contains(r#"name="item" value="a%20b.txt""#), "{page}");
        assert!(page.contains("Delete 2 items"), "{page}");
        assert_eq!(
            common::names(&mut c, &dir).len(),
            3,
            "{}: the preview changed nothing",
            t.name
        );

        let forged = http.post_form(&base, &[("csrf", b"forged"), ("item", b"tree")]);
        assert_eq!(forged.status, 403, "{}", t.name);
        let refused = http.post_form(
            &base,
            &[
                ("csrf", csrf.as_bytes()),
                ("item", b"tree"),
                ("item", b"nothere"),
            ],
        );
        assert_eq!(refused.status, 404, "{}: {}", t.name, refused.text());
        assert_eq!(
            common::names(&mut c, &dir).len(),
            3,
            "{}: nothing was deleted",
            t.name
        );

        let r = http.post_form(
            &base,
            &[
                ("csrf", csrf.as_bytes()),
                ("item", b"a%20b.txt"),
                ("item", b"tree"),
            ],
        );
        assert_eq!(r.status, 303, "{}: {}", t.name, r.text());
        assert_eq!(common::names(&mut c, &dir), ["keep.txt"], "{}", t.name);
        let flash = http
            .get(&format!("/browse{}/", encode(dir.as_bytes())))
            .text();
        assert!(
            flash.contains("Deleted 3 files and 2 folders"),
            "{}: {flash}",
            t.name
        );
        srv.stop();
    }
}

#[test]
fn ticked_entries_move_to_a_picked_folder_and_never_replace() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let csrf = web::login(&mut http, &t);
        let mut c = t.login();
        let dir = String::from_utf8(common::scratch(&mut c, "move")).unwrap();
        common::put_file(&mut c, &format!("{dir}/a.txt"), b"a");
        common::put_file(&mut c, &format!("{dir}/b.txt"), b"b");
        c.mkd(format!("{dir}/d")).unwrap();
        c.mkd(format!("{dir}/d/sub")).unwrap();
        common::put_file(&mut c, &format!("{dir}/d/in.txt"), b"in");
        c.mkd(format!("{dir}/archive")).unwrap();
        common::put_file(&mut c, &format!("{dir}/archive/b.txt"), b"older b");
        let base = format!("/move-selected{}/", encode(dir.as_bytes()));

        // The picker: the folders here, each a link that keeps the items.
        let page = http.get(&format!("{base}?item=a.txt&item=d")).text();
        assert!(page.contains(">archive/<"), "{}: {page}", t.name);
        assert!(page.contains(r#"name="item" value="a.txt""#), "{page}");
        let inside = http.get(&format!("{base}?item=a.txt&pick=archive")).text();
        assert!(
            inside.contains(&format!(r#"value="{dir}/archive""#)),
            "{inside}"
        );

        let post = |http: &mut common::http::Http, items: &[&str], to: &str| {
            let mut fields: Vec<(&str, &[u8])> =
                vec![("csrf", csrf.as_bytes()), ("to", to.as_bytes())];
            fields.extend(items.iter().map(|i| ("item", i.as_bytes())));
            http.post_form(&base, &fields)
        };
        // A name taken there: nothing moves, nothing is replaced.
        let r = post(&mut http, &["a.txt", "b.txt"], "archive");
        assert_eq!(r.status, 409, "{}: {}", t.name, r.text());
        assert_eq!(
            common::names(&mut c, &format!("{dir}/archive")),
            ["b.txt"],
            "{}",
            t.name
        );
        assert_eq!(
            common::names(&mut c, &dir),
            ["a.txt", "archive", "b.txt", "d"],
            "{}",
            t.name
        );
        // A folder into itself.
        let r = post(&mut http, &["d"], "d/sub");
        assert_eq!(r.status, 400, "{}: {}", t.name, r.text());

        let r = post(&mut http, &["a.txt", "d"], "archive");
        assert_eq!(r.status, 303, "{}: {}", t.name, r.text());
        assert_eq!(
            common::names(&mut c, &dir),
            ["archive", "b.txt"],
            "{}",
            t.name
        );
        assert_eq!(
            common::names(&mut c, &format!("{dir}/archive")),
            ["a.txt", "b.txt", "d"],
            "{}",
            t.name
        );
        assert_eq!(
            common::names(&mut c, &format!("{dir}/archive/d")),
            ["in.txt", "sub"]
        );
        // Relative, upwards: back out of the archive by ../
        let back = format!(
            "/move-selected{}/",
            encode(format!("{dir}/archive").as_bytes())
        );
        let fields: Vec<(&str, &[u8])> =
            vec![("csrf", csrf.as_bytes()), ("to", b".."), ("item", b"a.txt")];
        let r = http.post_form(&back, &fields);
        assert_eq!(r.status, 303, "{}: {}", t.name, r.text());
        assert_eq!(
            common::names(&mut c, &dir),
            ["a.txt", "archive", "b.txt"],
            "{}",
            t.name
        );
        srv.stop();
    }
}

#[test]
fn ticked_entries_copy_whole_and_never_replace() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let csrf = web::login(&mut http, &t);
        let mut c = t.login();
        let dir = String::from_utf8(common::scratch(&mut c, "copy")).unwrap();
        let big = common::pattern(2 * 1024 * 1024 + 5, 6);
        common::put_file(&mut c, &format!("{dir}/big.bin"), &big);
        c.mkd(format!("{dir}/d")).unwrap();
        c.mkd(format!("{dir}/d/sub")).unwrap();
        common::put_file(&mut c, &format!("{dir}/d/sub/in.txt"), b"in");
        c.mkd(format!("{dir}/to")).unwrap();
        common::put_file(&mut c, &format!("{dir}/to/taken.txt"), b"mine");
        common::put_file(&mut c, &format!("{dir}/taken.txt"), b"theirs");
        let base = format!("/copy-selected{}/", encode(dir.as_bytes()));
        let page = http.get(&format!("{base}?item=big.bin")).text();
        assert!(page.contains("Copy 1 item from"), "{page}");

        let post = |http: &mut common::http::Http, items: &[&str]| {
            let mut fields: Vec<(&str, &[u8])> = vec![("csrf", csrf.as_bytes()), ("to", b"to")];
            fields.extend(items.iter().map(|i| ("item", i.as_bytes())));
            http.post_form(&base, &fields)
        };
        let r = post(&mut http, &["big.bin", "taken.txt"]);
        assert_eq!(r.status, 409, "{}: {}", t.name, r.text());
        assert_eq!(
            common::names(&mut c, &format!("{dir}/to")),
            ["taken.txt"],
            "{}",
            t.name
        );

        let r = post(&mut http, &["big.bin", "d"]);
        assert_eq!(r.status, 303, "{}: {}", t.name, r.text());
        let read = |c: &mut Client, p: &str| {
            let mut d = c.retr(p, 0).unwrap();
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut d, &mut out).unwrap();
            d.finish().unwrap();
            out
        };
        assert_eq!(
            common::sha256(&read(&mut c, &format!("{dir}/to/big.bin"))),
            common::sha256(&big),
            "{}",
            t.name
        );
        assert_eq!(
            read(&mut c, &format!("{dir}/to/d/sub/in.txt")),
            b"in",
            "{}",
            t.name
        );
        assert_eq!(
            common::names(&mut c, &format!("{dir}/to")),
            ["big.bin", "d", "taken.txt"]
        );
        // The originals stay.
        assert_eq!(
            common::names(&mut c, &dir),
            ["big.bin", "d", "taken.txt", "to"],
            "{}",
            t.name
        );
        let flash = http
            .get(&format!("/browse{}/", encode(dir.as_bytes())))
            .text();
        assert!(
            flash.contains("Copied 2 files and 2 folders"),
            "{}: {flash}",
            t.name
        );
        srv.stop();
    }
}

/// A name that is not UTF-8 moves and copies as its bytes (the page's
/// checkboxes send it percent-encoded). Only vsftpd keeps such names as
/// bytes: libunftp lists them lossily (U+FFFD) and pyftpdlib lists them but
/// refuses to open them.
#[test]
fn names_that_are_not_utf8_move_and_copy() {
    use std::os::unix::ffi::OsStrExt;
    for (t, root) in common::targets_with_roots() {
        if t.name != "vsftpd" {
            continue;
        }
        let (srv, mut http) = web::start();
        let csrf = web::login(&mut http, &t);
        let mut c = t.login();
        let dir = String::from_utf8(common::scratch(&mut c, "latin")).unwrap();
        let here = root.join(dir.trim_start_matches('/'));
        std::fs::write(
            here.join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt")),
            b"latin",
        )
        .unwrap();
        c.mkd(format!("{dir}/moved")).unwrap();
        c.mkd(format!("{dir}/copied")).unwrap();
        for (verb, to) in [("copy", "copied"), ("move", "moved")] {
            let url = format!("/{verb}-selected{}/", encode(dir.as_bytes()));
            let fields: Vec<(&str, &[u8])> = vec![
                ("csrf", csrf.as_bytes()),
                ("to", to.as_bytes()),
                ("item", b"caf%E9.txt"),
            ];
            let r = http.post_form(&url, &fields);
            assert_eq!(r.status, 303, "{}: {verb}: {}", t.name, r.text());
            let got = std::fs::read(
                here.join(to)
                    .join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt")),
            );
            assert_eq!(got.unwrap(), b"latin", "{}: {verb}", t.name);
        }
        assert!(!here
            .join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt"))
            .exists());
        srv.stop();
    }
}

/// "Select all on this page" (`?select=all`) ticks the rows without script;
/// `all=1` ("every page") acts on every entry of the folder.
#[test]
fn select_all_and_every_page() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let csrf = web::login(&mut http, t);
    let mut c = t.login();
    let dir = String::from_utf8(common::scratch(&mut c, "all")).unwrap();
    for n in ["x.txt", "y.txt", "z.txt"] {
        common::put_file(&mut c, &format!("{dir}/{n}"), n.as_bytes());
    }
    let page = http
        .get(&format!("/browse{}/?select=all", encode(dir.as_bytes())))
        .text();
    assert_eq!(
        page.matches(r#"form="selection" checked"#).count(),
        3,
        "{page}"
    );
    let plain = http
        .get(&format!("/browse{}/", encode(dir.as_bytes())))
        .text();
    assert!(!plain.contains(r#"form="selection" checked"#));
    let base = format!("/delete-selected{}/", encode(dir.as_bytes()));
    let preview = http.get(&format!("{base}?all=1&format=json")).text();
    assert!(
        preview.ends_with(r#""files":3,"folders":0,"links":0}"#),
        "{preview}"
    );
    let r = http.post_form(&base, &[("csrf", csrf.as_bytes()), ("all", b"1")]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(common::names(&mut c, &dir).is_empty());
    srv.stop();
}
