//! Servers that bend the rules, met over HTTP: a SIZE that lies, a server
//! that won't rename over a file, one without SIZE, a file named like a
//! folder. Scripted servers assert every command they receive, so "the old
//! file was never deleted" is checked by the script itself.

mod common;

use common::fake::{self, expect, Fake, Step};
use common::http::{Http, Part};
use common::{targets, web};

fn login(server: &Fake) -> (ftpgate::web::Running, Http) {
    let (srv, mut http) = web::start();
    let r = web::login_as(&mut http, "127.0.0.1", server.port, "u", "p");
    assert_eq!(r.status, 303, "{}", r.text());
    (srv, http)
}

fn pwd() -> [Step; 2] {
    [expect("PWD"), fake::send("257 \"/\"\r\n")]
}

/// The session's CSRF token from the JSON listing of `/` (scripted as MLSD).
fn csrf_from_listing(http: &mut Http) -> String {
    let text = http.get("/browse/?format=json").text();
    let at = text.find("\"csrf\":\"").expect("csrf") + 8;
    text[at..at + text[at..].find('"').unwrap()].to_string()
}

fn listing_steps() -> Vec<Step> {
    vec![
        expect("EPSV"),
        Step::Epsv,
        expect("MLSD /"),
        fake::send("150 listing\r\n"),
        Step::DataSend(b"type=file;size=5; a.txt\r\n".to_vec()),
        fake::send("226 done\r\n"),
    ]
}

/// A SIZE of 1000 for a file the server sends 5000 bytes of: the browser
/// gets 999 bytes and a cut connection, never a clean 1000.
#[test]
fn a_server_sending_more_than_its_size_never_gives_a_complete_download() {
    let mut steps = fake::login(&["SIZE", "MLSD"]);
    steps.extend(pwd());
    steps.extend([
        expect("SIZE /f.bin"),
        fake::send("213 1000\r\n"),
        expect("EPSV"),
        Step::Epsv,
        expect("RETR /f.bin"),
        fake::send("150 here\r\n"),
        Step::DataSend(vec![9u8; 5000]),
        Step::Hangup,
    ]);
    let server = Fake::start(steps);
    let (srv, mut http) = login(&server);
    let r = http.get("/download/f.bin");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Length"), Some("1000"));
    assert!(
        !r.complete,
        "a download longer than SIZE must not look complete"
    );
    assert!(r.body.len() < 1000, "{}", r.body.len());
    server.join();
    srv.stop();
}

fn upload_steps(after_stor: Vec<Step>) -> Vec<Step> {
    let mut steps = fake::login(&["SIZE", "MLSD"]);
    steps.extend(pwd());
    steps.extend(listing_steps());
    steps.extend([
        expect("CWD /a.txt"),
        fake::send("550 not a folder\r\n"),
        expect("SIZE /a.txt"),
        fake::send("213 5\r\n"),
        expect("EPSV"),
        Step::Epsv,
        Step::ExpectPrefix(b"STOR /.ftpgate-upload-".to_vec()),
        fake::send("150 send it\r\n"),
        Step::DataRecv,
        fake::send("226 stored\r\n"),
        Step::ExpectPrefix(b"RNFR /.ftpgate-upload-".to_vec()),
        fake::send("350 go on\r\n"),
        expect("RNTO /a.txt"),
        fake::send("553 will not overwrite\r\n"),
    ]);
    steps.extend(after_stor);
    steps
}

fn replace_upload(http: &mut Http, csrf: &str) -> common::http::Resp {
    let parts = [
        Part {
            name: "csrf",
            filename: None,
            data: csrf.as_bytes(),
        },
        Part {
            name: "overwrite",
            filename: None,
            data: b"1",
        },
        Part {
            name: "file",
            filename: Some("a.txt"),
            data: b"new!!",
        },
    ];
    http.post_multipart("/upload/", &parts, &[])
}

/// A server that refuses every rename of the old file: the replace is
/// refused, the old file is never deleted (the script would fail on a DELE
/// of /a.txt) and only the temporary file goes.
#[test]
fn replacing_on_a_server_that_refuses_renames_keeps_the_old_file() {
    let server = Fake::start(upload_steps(vec![
        expect("RNFR /a.txt"),
        fake::send("550 Permission denied.\r\n"),
        Step::ExpectPrefix(b"DELE /.ftpgate-upload-".to_vec()),
        fake::send("250 gone\r\n"),
    ]));
    let (srv, mut http) = login(&server);
    let csrf = csrf_from_listing(&mut http);
    let r = replace_upload(&mut http, &csrf);
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.text().contains("Permission denied"), "{}", r.text());
    assert_eq!(server.join(), b"new!!");
    srv.stop();
}

/// A server that won't rename over a file but renames otherwise: the old
/// file goes aside, the new one in, then the old copy is deleted.
#[test]
fn replacing_moves_the_old_file_aside_before_deleting_it() {
    let server = Fake::start(upload_steps(vec![
        expect("RNFR /a.txt"),
        fake::send("350 go on\r\n"),
        Step::ExpectPrefix(b"RNTO /.ftpgate-old-".to_vec()),
        fake::send("250 moved\r\n"),
        Step::ExpectPrefix(b"RNFR /.ftpgate-upload-".to_vec()),
        fake::send("350 go on\r\n"),
        expect("RNTO /a.txt"),
        fake::send("250 moved\r\n"),
        Step::ExpectPrefix(b"DELE /.ftpgate-old-".to_vec()),
        fake::send("250 gone\r\n"),
    ]));
    let (srv, mut http) = login(&server);
    let csrf = csrf_from_listing(&mut http);
    let r = replace_upload(&mut http, &csrf);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(server.join(), b"new!!");
    srv.stop();
}

/// When moving the new file in fails after the old one went aside, the old
/// one is moved back under its name.
#[test]
fn a_failed_replace_moves_the_old_file_back() {
    let server = Fake::start(upload_steps(vec![
        expect("RNFR /a.txt"),
        fake::send("350 go on\r\n"),
        Step::ExpectPrefix(b"RNTO /.ftpgate-old-".to_vec()),
        fake::send("250 moved\r\n"),
        Step::ExpectPrefix(b"RNFR /.ftpgate-upload-".to_vec()),
        fake::send("350 go on\r\n"),
        expect("RNTO /a.txt"),
        fake::send("553 no\r\n"),
        Step::ExpectPrefix(b"RNFR /.ftpgate-old-".to_vec()),
        fake::send("350 go on\r\n"),
        expect("RNTO /a.txt"),
        fake::send("250 back\r\n"),
        Step::ExpectPrefix(b"DELE /.ftpgate-upload-".to_vec()),
        fake::send("250 gone\r\n"),
    ]));
    let (srv, mut http) = login(&server);
    let csrf = csrf_from_listing(&mut http);
    let r = replace_upload(&mut http, &csrf);
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(server.join(), b"new!!");
    srv.stop();
}

/// A server without SIZE: existence comes from the listing, so an upload
/// onto an existing name is still a 409.
#[test]
fn without_size_an_existing_name_is_still_a_conflict() {
    let mut steps = fake::login(&["MLSD"]);
    steps.extend(pwd());
    steps.extend(listing_steps());
    steps.extend([
        expect("CWD /a.txt"),
        fake::send("550 not a folder\r\n"),
        expect("SIZE /a.txt"),
        fake::send("502 no SIZE here\r\n"),
    ]);
    steps.extend(listing_steps());
    let server = Fake::start(steps);
    let (srv, mut http) = login(&server);
    let csrf = csrf_from_listing(&mut http);
    let parts = [
        Part {
            name: "csrf",
            filename: None,
            data: csrf.as_bytes(),
        },
        Part {
            name: "file",
            filename: Some("a.txt"),
            data: b"new!!",
        },
    ];
    let r = http.post_multipart("/upload/", &parts, &[]);
    assert_eq!(r.status, 409, "{}", r.text());
    server.join();
    srv.stop();
}

/// A server without SIZE still serves ranges: the length comes from the listing.
#[test]
fn without_size_a_range_is_still_served_from_the_listing_size() {
    let mut steps = fake::login(&["MLSD", "REST STREAM"]);
    steps.extend(pwd());
    steps.extend([expect("SIZE /a.txt"), fake::send("502 no SIZE here\r\n")]);
    steps.extend(listing_steps());
    steps.extend([
        expect("EPSV"),
        Step::Epsv,
        expect("REST 2"),
        fake::send("350 restarting\r\n"),
        expect("RETR /a.txt"),
        fake::send("150 here\r\n"),
        Step::DataSend(b"llo".to_vec()),
        fake::send("226 done\r\n"),
    ]);
    let server = Fake::start(steps);
    let (srv, mut http) = login(&server);
    let r = http.get_with("/download/a.txt", &[("Range", "bytes=2-")]);
    assert_eq!(r.status, 206, "{}", r.text());
    assert_eq!(r.header("Content-Range"), Some("bytes 2-4/5"));
    assert_eq!(r.body, b"llo");
    assert!(r.complete);
    server.join();
    srv.stop();
}

/// Uploading a file whose name a folder already has is a clear 409.
#[test]
fn a_file_named_like_an_existing_folder_is_a_conflict() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let csrf = web::login(&mut http, &t);
        let mut c = t.login();
        let dir = String::from_utf8(common::scratch(&mut c, "named-like-folder")).unwrap();
        c.mkd(format!("{dir}/docs")).unwrap();
        let parts = [
            Part {
                name: "csrf",
                filename: None,
                data: csrf.as_bytes(),
            },
            Part {
                name: "overwrite",
                filename: None,
                data: b"1",
            },
            Part {
                name: "file",
                filename: Some("docs"),
                data: b"x",
            },
        ];
        let r = http.post_multipart(&format!("/upload{dir}/"), &parts, &[]);
        assert_eq!(r.status, 409, "{}: {}", t.name, r.text());
        assert!(r.text().contains("folder"), "{}: {}", t.name, r.text());
        srv.stop();
    }
}

/// Names no file can have are shown, escaped, but never linked or offered
/// for rename or delete; a link's href browses it and carries its target.
#[test]
fn impossible_names_are_shown_but_never_linked() {
    let mut steps = fake::login(&["SIZE", "MLSD"]);
    steps.extend(pwd());
    let listing = b"type=file;size=5; ..\r\ntype=file;size=1; a/b\r\ntype=dir; ok\r\n\
                    type=OS.unix=slink:/srv/x;size=6; ln\r\n"
        .to_vec();
    for _ in 0..2 {
        steps.extend([
            expect("EPSV"),
            Step::Epsv,
            expect("MLSD /"),
            fake::send("150 listing\r\n"),
            Step::DataSend(listing.clone()),
            fake::send("226 done\r\n"),
        ]);
    }
    let server = Fake::start(steps);
    let (srv, mut http) = login(&server);
    let page = http.get("/browse/").text();
    assert!(page.contains("invalid"), "{page}");
    for bad in [
        "/download/..",
        "/download/a/b",
        "/delete/a/b",
        "/rename/..",
        "/browse/a/b",
    ] {
        assert!(
            !page.contains(&format!("href=\"{bad}")),
            "{bad} is linked: {page}"
        );
    }
    assert!(page.contains("href=\"/browse/ok/\""), "{page}");
    let json = http.get("/browse/?format=json").text();
    // `.` and `..` are every folder's own entries: left out, never shown.
    assert!(!json.contains(r#""name":"..""#), "{json}");
    let invalid =
        r#"{"name":"a/b","type":"invalid","size":null,"modified":null,"mode":null,"href":null}"#;
    assert!(json.contains(invalid), "{json}");
    assert!(
        json.contains(r#""name":"ln","type":"link","size":null"#),
        "{json}"
    );
    assert!(
        json.contains(r#""href":"/browse/ln/","target":"/srv/x""#),
        "{json}"
    );
    server.join();
    srv.stop();
}

/// vsftpd's bare "550 Failed to change directory." for a folder its parent
/// lists is "not allowed" (403, with the server's words), not "missing", and
/// the error page leads back to the parent folder.
#[test]
fn a_listed_folder_the_server_refuses_to_open_is_403_and_leads_to_its_parent() {
    let mut steps = fake::login(&["SIZE", "MLSD"]);
    steps.extend(pwd());
    steps.extend([
        expect("EPSV"),
        Step::Epsv,
        expect("MLSD /pub/secret"),
        // Take the data connection the client opened (the fake has one data
        // listener: a stale connection would be the next listing's).
        Step::DataHold(std::time::Duration::ZERO),
        fake::send("550 Failed to change directory.\r\n"),
        expect("SIZE /pub/secret"),
        fake::send("550 Could not get file size.\r\n"),
        expect("EPSV"),
        Step::Epsv,
        expect("MLSD /pub"),
        fake::send("150 listing\r\n"),
        Step::DataSend(b"type=dir; secret\r\n".to_vec()),
        fake::send("226 done\r\n"),
    ]);
    let server = Fake::start(steps);
    let (srv, mut http) = login(&server);
    let r = http.get("/browse/pub/secret/");
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(
        r.text().contains("550 Failed to change directory."),
        "{}",
        r.text()
    );
    assert!(r.text().contains("href=\"/browse/pub/\""), "{}", r.text());
    server.join();
    srv.stop();
}
