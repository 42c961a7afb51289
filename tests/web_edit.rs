//! Editing text files and making empty ones over HTTP, end to end, against
//! every configured FTP server: the editor opens and saves through a
//! temporary name, keeps line endings, refuses a save over a file that
//! changed since it was opened (keeping the text, saving a copy that
//! replaces nothing), refuses unconfirmed saves of non-UTF-8 files, and
//! holds its 1 MiB cap to the byte.

mod common;

use common::http::{encode, input_value, Http, Resp};
use common::{targets, targets_with_roots, web};

/// The editor's cap (README: 1 MiB).
const CAP: usize = 1024 * 1024;

/// What the edit page recorded when it opened the file.
struct Opened {
    page: String,
    size: String,
    mdtm: String,
    eol: String,
    utf8: String,
}

fn open(http: &mut Http, path: &str) -> Opened {
    let r = http.get(&format!("/edit{}", encode(path.as_bytes())));
    assert_eq!(r.status, 200, "{}", r.text());
    let page = r.text();
    let field = |name| input_value(&page, name).unwrap_or_else(|| panic!("no {name}: {page}"));
    Opened {
        size: field("size"),
        mdtm: field("mdtm"),
        eol: field("eol"),
        utf8: field("utf8"),
        page: page.clone(),
    }
}

/// POSTs the edit form as a browser would (`extra` adds or overrides fields).
fn save(
    http: &mut Http,
    path: &str,
    csrf: &str,
    o: &Opened,
    text: &[u8],
    extra: &[(&str, &[u8])],
) -> Resp {
    let mut fields: Vec<(&str, &[u8])> = vec![
        ("csrf", csrf.as_bytes()),
        ("size", o.size.as_bytes()),
        ("mdtm", o.mdtm.as_bytes()),
        ("eol", o.eol.as_bytes()),
        ("utf8", o.utf8.as_bytes()),
        ("text", text),
    ];
    fields.extend_from_slice(extra);
    http.post_form(&format!("/edit{}", encode(path.as_bytes())), &fields)
}

fn follow(http: &mut Http, r: &Resp) -> String {
    assert_eq!(r.status, 303, "{}", r.text());
    http.get(r.header("Location").expect("Location")).text()
}

#[test]
fn new_file_makes_an_empty_file_and_never_replaces_one() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, mut c, dir) = web::scratch_login(&mut http, &t, "newfile");
        let url = format!("/new-file{}/", encode(dir.as_bytes()));
        let r = http.post_form(
            &url,
            &[("csrf", csrf.as_bytes()), ("name", b"todo list.txt")],
        );
        assert!(
            follow(&mut http, &r).contains("Created the empty file “todo list.txt”"),
            "{}",
            t.name
        );
        assert_eq!(
            c.size(format!("{dir}/todo list.txt")).unwrap(),
            0,
            "{}",
            t.name
        );

        common::put_file(&mut c, &format!("{dir}/taken.txt"), b"keep me");
        let r = http.post_form(&url, &[("csrf", csrf.as_bytes()), ("name", b"taken.txt")]);
        assert_eq!(r.status, 409, "{}: {}", t.name, r.text());
        assert!(
            r.text()
                .contains("already exists here; nothing was replaced"),
            "{}",
            r.text()
        );
        assert_eq!(
            common::get_file(&mut c, &format!("{dir}/taken.txt")),
            b"keep me",
            "{}",
            t.name
        );
        c.mkd(format!("{dir}/a folder")).unwrap();
        let r = http.post_form(&url, &[("csrf", csrf.as_bytes()), ("name", b"a folder")]);
        assert_eq!(r.status, 409, "{}: a folder's name is taken too", t.name);

        for bad in [&b"x\r\nDELE taken.txt"[..], b"a/b", b"", b"..", b"n\0"] {
            let r = http.post_form(&url, &[("csrf", csrf.as_bytes()), ("name", bad)]);
            assert_eq!(r.status, 400, "{}: {bad:?}: {}", t.name, r.text());
        }
        let r = http.post_form(&url, &[("name", b"nocsrf.txt")]);
        assert_eq!(r.status, 403, "{}", t.name);
        assert_eq!(
            common::names(&mut c, &dir),
            ["a folder", "taken.txt", "todo list.txt"],
            "{}",
            t.name
        );
        let r = http.send(
            "POST",
            &url,
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept", "application/json"),
                ("X-CSRF-Token", &csrf),
            ],
            b"name=j.txt",
        );
        assert_eq!(r.status, 200, "{}: {}", t.name, r.text());
        assert!(
            r.text()
                .contains("\"message\":\"Created the empty file “j.txt”\""),
            "{}",
            r.text()
        );
        srv.stop();
    }
}

#[test]
fn the_editor_saves_through_a_temporary_name_and_keeps_lf() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, mut c, dir) = web::scratch_login(&mut http, &t, "edit");
        let path = format!("{dir}/notes.txt");
        common::put_file(&mut c, &path, b"\none <b>&amp;\ntwo\n");
        let o = open(&mut http, &path);
        assert_eq!(
            (o.size.as_str(), o.eol.as_str(), o.utf8.as_str()),
            ("18", "lf", "1"),
            "{}",
            t.name
        );
        assert!(!o.mdtm.is_empty(), "{}: MDTM answered", t.name);
        // The leading empty line survives the textarea's parsing rule; the text is escaped.
        assert!(
            o.page
                .contains(">\n\none &lt;b&gt;&amp;amp;\ntwo\n</textarea>"),
            "{}",
            o.page
        );

        // A browser sends CRLF whatever the file had: the file keeps LF.
        let r = save(
            &mut http,
            &path,
            &csrf,
            &o,
            b"\r\none\r\ntwo\r\nthree\r\n",
            &[],
        );
        assert!(
            follow(&mut http, &r).contains("Saved “notes.txt”"),
            "{}",
            t.name
        );
        assert_eq!(
            common::get_file(&mut c, &path),
            b"\none\ntwo\nthree\n",
            "{}",
            t.name
        );
        assert_eq!(
            common::names(&mut c, &dir),
            ["notes.txt"],
            "{}: no temporary file left",
            t.name
        );

        // A stale form (what was opened before that save) is now a conflict.
        let r = save(&mut http, &path, &csrf, &o, b"stale", &[]);
        assert_eq!(r.status, 409, "{}: {}", t.name, r.text());
        assert_eq!(
            common::get_file(&mut c, &path),
            b"\none\ntwo\nthree\n",
            "{}",
            t.name
        );

        let fresh = open(&mut http, &path);
        let r = save(&mut http, &path, "wrong", &fresh, b"x", &[]);
        assert_eq!(r.status, 403, "{}", t.name);
        assert_eq!(
            common::get_file(&mut c, &path),
            b"\none\ntwo\nthree\n",
            "{}",
            t.name
        );
        srv.stop();
    }
}

#[test]
fn a_file_of_crlf_lines_keeps_crlf() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, mut c, dir) = web::scratch_login(&mut http, &t, "crlf");
        let path = format!("{dir}/win.ini");
        common::put_file(&mut c, &path, b"[a]\r\nb=1\r\n");
        let o = open(&mut http, &path);
        assert_eq!(o.eol, "crlf", "{}", t.name);
        let r = save(&mut http, &path, &csrf, &o, b"[a]\r\nb=2\r\n", &[]);
        assert_eq!(r.status, 303, "{}: {}", t.name, r.text());
        assert_eq!(
            common::get_file(&mut c, &path),
            b"[a]\r\nb=2\r\n",
            "{}",
            t.name
        );
        // curl sends LF: still CRLF.
        let o = open(&mut http, &path);
        let r = save(&mut http, &path, &csrf, &o, b"[a]\nb=3\n", &[]);
        assert_eq!(r.status, 303, "{}: {}", t.name, r.text());
        assert_eq!(
            common::get_file(&mut c, &path),
            b"[a]\r\nb=3\r\n",
            "{}",
            t.name
        );
        srv.stop();
    }
}

#[test]
fn a_file_changed_since_it_was_opened_is_not_overwritten() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, mut c, dir) = web::scratch_login(&mut http, &t, "conflict");
        let path = format!("{dir}/plan.txt");
        common::put_file(&mut c, &path, b"version 1\n");
        common::put_file(
            &mut c,
            &format!("{dir}/plan (edited).txt"),
            b"an older copy\n",
        );
        let o = open(&mut http, &path);
        // Someone else saves meanwhile.
        common::put_file(&mut c, &path, b"version 2 from elsewhere\n");
        let mine = b"my <edit> & more\r\n";
        let r = save(&mut http, &path, &csrf, &o, mine, &[]);
        assert_eq!(r.status, 409, "{}: {}", t.name, r.text());
        let page = r.text();
        assert!(
            page.contains("changed on the FTP server since you opened it"),
            "{page}"
        );
        assert!(
            page.contains(">\nmy &lt;edit&gt; &amp; more\n</textarea>"),
            "the text is kept: {page}"
        );
        assert!(page.contains("value=\"copy\""), "{page}");
        assert!(page.contains(">Reload (lose my edits)</a>"), "{page}");
        assert_eq!(
            common::get_file(&mut c, &path),
            b"version 2 from elsewhere\n",
            "{}",
            t.name
        );

        // Save as a copy: the first free name, nothing replaced.
        let resend = Opened {
            page: String::new(),
            size: input_value(&page, "size").unwrap(),
            mdtm: input_value(&page, "mdtm").unwrap(),
            eol: input_value(&page, "eol").unwrap(),
            utf8: input_value(&page, "utf8").unwrap(),
        };
        let r = save(
            &mut http,
            &path,
            &csrf,
            &resend,
            mine,
            &[("action", b"copy")],
        );
        assert!(
            follow(&mut http, &r).contains("Saved your text as “plan (edited 2).txt”"),
            "{}",
            t.name
        );
        assert_eq!(
            common::get_file(&mut c, &format!("{dir}/plan (edited 2).txt")),
            b"my <edit> & more\n"
        );
        assert_eq!(
            common::get_file(&mut c, &format!("{dir}/plan (edited).txt")),
            b"an older copy\n"
        );
        assert_eq!(
            common::get_file(&mut c, &path),
            b"version 2 from elsewhere\n",
            "{}",
            t.name
        );
        assert_eq!(
            common::names(&mut c, &dir),
            ["plan (edited 2).txt", "plan (edited).txt", "plan.txt"],
            "{}",
            t.name
        );

        // Deleted since it was opened: a conflict too, and nothing appears.
        let o = open(&mut http, &path);
        c.dele(&path).unwrap();
        let r = save(&mut http, &path, &csrf, &o, b"x", &[]);
        assert_eq!(r.status, 409, "{}: {}", t.name, r.text());
        assert!(c.size(&path).is_err(), "{}", t.name);
        srv.stop();
    }
}

#[test]
fn a_change_of_the_same_size_is_seen_by_mdtm() {
    for (t, root) in targets_with_roots() {
        let (srv, mut http) = web::start();
        let (csrf, mut c, dir) = web::scratch_login(&mut http, &t, "mdtm");
        let path = format!("{dir}/same.txt");
        common::put_file(&mut c, &path, b"aaaa");
        let o = open(&mut http, &path);
        assert!(!o.mdtm.is_empty(), "{}: MDTM answered", t.name);
        common::put_file(&mut c, &path, b"bbbb");
        // Same size; make sure the time differs whatever the clock's second.
        let disk = root.join(dir.trim_start_matches('/')).join("same.txt");
        let file = std::fs::File::options().write(true).open(&disk).unwrap();
        let earlier = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        file.set_modified(earlier).unwrap();
        let r = save(&mut http, &path, &csrf, &o, b"cccc", &[]);
        assert_eq!(r.status, 409, "{}: {}", t.name, r.text());
        assert_eq!(common::get_file(&mut c, &path), b"bbbb", "{}", t.name);
        srv.stop();
    }
}

#[test]
fn saving_keeps_the_mode_where_the_server_tells_and_changes_it() {
    use std::os::unix::fs::PermissionsExt;
    for (t, root) in targets_with_roots() {
        // libunftp's MLSD has no mode and it has no SITE CHMOD: the saved
        // file gets its default mode there, which nothing can avoid.
        if t.name == "libunftp" {
            continue;
        }
        let (srv, mut http) = web::start();
        let (csrf, mut c, dir) = web::scratch_login(&mut http, &t, "keepmode");
        let path = format!("{dir}/run.sh");
        common::put_file(&mut c, &path, b"#!/bin/sh\necho 1\n");
        let disk = root.join(dir.trim_start_matches('/')).join("run.sh");
        std::fs::set_permissions(&disk, std::fs::Permissions::from_mode(0o750)).unwrap();
        let o = open(&mut http, &path);
        let r = save(&mut http, &path, &csrf, &o, b"#!/bin/sh\r\necho 2\r\n", &[]);
        assert_eq!(r.status, 303, "{}: {}", t.name, r.text());
        assert_eq!(
            common::get_file(&mut c, &path),
            b"#!/bin/sh\necho 2\n",
            "{}",
            t.name
        );
        let mode = std::fs::metadata(&disk).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o750, "{}: still executable", t.name);
        srv.stop();
    }
}

#[test]
fn the_editor_holds_its_cap_to_the_byte() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, mut c, dir) = web::scratch_login(&mut http, &t, "cap");
        let at_cap = format!("{dir}/at-cap.txt");
        let over = format!("{dir}/over.txt");
        common::put_file(&mut c, &at_cap, &vec![b'a'; CAP]);
        common::put_file(&mut c, &over, &vec![b'b'; CAP + 1]);
        let o = open(&mut http, &at_cap);
        assert_eq!(o.size, CAP.to_string(), "{}", t.name);
        let r = http.get(&format!("/edit{}", encode(over.as_bytes())));
        assert_eq!(r.status, 413, "{}", t.name);
        assert!(r.text().contains("Too large to edit here"), "{}", r.text());
        assert!(
            r.text()
                .contains(&format!("href=\"/download{}\"", encode(over.as_bytes()))),
            "offers the download: {}",
            r.text()
        );
        // Saving: the cap holds for the text as it will be written.
        let r = save(&mut http, &at_cap, &csrf, &o, &vec![b'c'; CAP + 1], &[]);
        assert_eq!(r.status, 413, "{}: {}", t.name, r.text());
        assert_eq!(
            common::get_file(&mut c, &at_cap),
            vec![b'a'; CAP],
            "{}",
            t.name
        );
        let r = save(&mut http, &at_cap, &csrf, &o, &vec![b'c'; CAP], &[]);
        assert_eq!(r.status, 303, "{}: {}", t.name, r.text());
        assert_eq!(
            common::get_file(&mut c, &at_cap),
            vec![b'c'; CAP],
            "{}",
            t.name
        );
        srv.stop();
    }
}

#[test]
fn a_file_that_is_not_utf8_is_saved_only_when_confirmed() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, mut c, dir) = web::scratch_login(&mut http, &t, "latin1");
        let path = format!("{dir}/caf.txt");
        common::put_file(&mut c, &path, b"caf\xe9\n");
        let o = open(&mut http, &path);
        assert_eq!(o.utf8, "0", "{}", t.name);
        assert!(o.page.contains("not valid UTF-8"), "{}", o.page);
        assert!(o.page.contains("caf\u{FFFD}"), "{}", o.page);
        let text = "caf\u{FFFD}!\r\n".as_bytes();
        let r = save(&mut http, &path, &csrf, &o, text, &[]);
        assert_eq!(r.status, 400, "{}: {}", t.name, r.text());
        assert!(
            r.text().contains("caf\u{FFFD}!"),
            "the text is kept: {}",
            r.text()
        );
        assert_eq!(
            common::get_file(&mut c, &path),
            b"caf\xe9\n",
            "{}: untouched",
            t.name
        );
        let r = save(&mut http, &path, &csrf, &o, text, &[("lossy", b"1")]);
        assert_eq!(r.status, 303, "{}: {}", t.name, r.text());
        assert_eq!(
            common::get_file(&mut c, &path),
            "caf\u{FFFD}!\n".as_bytes(),
            "{}",
            t.name
        );
        srv.stop();
    }
}

#[test]
fn folders_and_missing_files_are_not_edited() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (_, mut c, dir) = web::scratch_login(&mut http, &t, "noedit");
        c.mkd(format!("{dir}/sub")).unwrap();
        let r = http.get(&format!("/edit{}/sub", encode(dir.as_bytes())));
        assert_eq!(r.status, 400, "{}: {}", t.name, r.text());
        let r = http.get(&format!("/edit{}/nothing.txt", encode(dir.as_bytes())));
        assert_eq!(r.status, 404, "{}: {}", t.name, r.text());
        let r = http.get("/edit/");
        assert_eq!(r.status, 400, "{}: the top folder", t.name);
        srv.stop();
    }
}

#[test]
fn the_json_editor_round_trips_for_scripts() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (csrf, mut c, dir) = web::scratch_login(&mut http, t, "json");
    let path = format!("{dir}/s.txt");
    common::put_file(&mut c, &path, b"hi\n");
    let r = http.get(&format!("/edit{}?format=json", encode(path.as_bytes())));
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.text();
    assert!(body.contains("\"text\":\"hi\\n\""), "{body}");
    assert!(body.contains("\"size\":3"), "{body}");
    assert!(body.contains("\"eol\":\"lf\",\"utf8\":true"), "{body}");
    let at = body.find("\"mdtm\":").expect("mdtm") + 7;
    let mdtm: String = body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let r = http.send(
        "POST",
        &format!("/edit{}", encode(path.as_bytes())),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
            ("X-CSRF-Token", &csrf),
        ],
        format!("size=3&mdtm={mdtm}&text=bye%0A").as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        r.text().contains("\"message\":\"Saved “s.txt”\""),
        "{}",
        r.text()
    );
    assert_eq!(common::get_file(&mut c, &path), b"bye\n");
    srv.stop();
}
