//! Deleting several entries at once (`/delete-selected/<dir>/`), against
//! every configured FTP server: the confirmation counts what goes (each
//! folder walked), the POST deletes exactly the ticked entries and leaves
//! the rest; a name that is not there refuses the whole request before any
//! change; the CSRF token is required.

mod common;

use common::http::encode;
use common::{targets, web};
use ftpgate::ftp::Client;
use std::io::Write;

fn put_file(c: &mut Client, path: &str, data: &[u8]) {
    let mut up = c.stor(path).unwrap();
    up.write_all(data).unwrap();
    up.finish().unwrap();
}

fn names(c: &mut Client, dir: &str) -> Vec<String> {
    let mut n: Vec<String> = c
        .list(dir)
        .unwrap()
        .into_iter()
        .map(|e| String::from_utf8_lossy(&e.name).into_owned())
        .collect();
    n.sort();
    n
}

#[test]
fn the_ticked_entries_go_and_the_rest_stays() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let csrf = web::login(&mut http, &t);
        let mut c = t.login();
        let dir = String::from_utf8(common::scratch(&mut c, "bulk")).unwrap();
        put_file(&mut c, &format!("{dir}/a b.txt"), b"a");
        put_file(&mut c, &format!("{dir}/keep.txt"), b"k");
        c.mkd(format!("{dir}/tree")).unwrap();
        c.mkd(format!("{dir}/tree/sub")).unwrap();
        put_file(&mut c, &format!("{dir}/tree/sub/x.txt"), b"x");
        put_file(&mut c, &format!("{dir}/tree/y.txt"), b"y");
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
            names(&mut c, &dir).len(),
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
            names(&mut c, &dir).len(),
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
        assert_eq!(names(&mut c, &dir), ["keep.txt"], "{}", t.name);
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
