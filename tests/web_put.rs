//! `PUT /upload/<dir>/<name>`: the raw-body upload `curl -T` and the script
//! use, against every configured FTP server: SHA-256 round trip, 409 without
//! `overwrite=1` (answered before the body, so `Expect: 100-continue` never
//! gets its 100), replacing, CSRF, and a folder address refused.

mod common;

use common::http::{encode, Http};
use common::{targets, web, Target};
use ftpgate::ftp::Client;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

fn setup(http: &mut Http, t: &Target) -> (String, Client, String) {
    let csrf = web::login(http, t);
    let mut c = t.login();
    let dir = String::from_utf8(common::scratch(&mut c, "put")).unwrap();
    (csrf, c, dir)
}

fn put(http: &mut Http, path: &str, query: &str, csrf: &str, body: &[u8]) -> common::http::Resp {
    let url = format!("/upload{}{query}", encode(path.as_bytes()));
    http.send("PUT", &url, &[("X-CSRF-Token", csrf)], body)
}

#[test]
fn a_raw_upload_round_trips_and_never_replaces_without_overwrite() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, mut c, dir) = setup(&mut http, &t);
        let path = format!("{dir}/raw file ✓.bin");
        let data = common::pattern(1024 * 1024 + 7, 9);
        let r = put(&mut http, &path, "", &csrf, &data);
        assert_eq!(r.status, 201, "{}: {}", t.name, r.text());
        assert_eq!(
            common::sha256(&common::get_file(&mut c, &path)),
            common::sha256(&data),
            "{}",
            t.name
        );

        let r = put(&mut http, &path, "", &csrf, b"other");
        assert_eq!(r.status, 409, "{}: {}", t.name, r.text());
        assert_eq!(
            common::sha256(&common::get_file(&mut c, &path)),
            common::sha256(&data),
            "{}",
            t.name
        );

        let r = put(&mut http, &path, "?overwrite=1", &csrf, b"replaced");
        assert_eq!(r.status, 201, "{}: {}", t.name, r.text());
        assert!(
            common::get_file(&mut c, &path) == b"replaced",
            "{}: not replaced",
            t.name
        );
        srv.stop();
    }
}

#[test]
fn a_raw_upload_needs_the_csrf_header_and_a_file_name() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (csrf, _c, dir) = setup(&mut http, t);
    let url = format!("/upload{}", encode(format!("{dir}/x.bin").as_bytes()));
    assert_eq!(http.send("PUT", &url, &[], b"x").status, 403);
    assert_eq!(
        http.send("PUT", &url, &[("X-CSRF-Token", "forged")], b"x")
            .status,
        403
    );
    let folder = format!("/upload{}/", encode(dir.as_bytes()));
    let r = http.send("PUT", &folder, &[("X-CSRF-Token", &csrf)], b"x");
    assert_eq!(r.status, 400, "{}", r.text());
    srv.stop();
}

/// curl's way: `Expect: 100-continue`, then the body only after `100`. For
/// a name that exists, the 409 comes first and no 100 is ever sent.
#[test]
fn an_existing_name_is_refused_before_the_body_is_asked_for() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (csrf, mut c, dir) = setup(&mut http, t);
    let path = format!("{dir}/exists.txt");
    assert_eq!(put(&mut http, &path, "", &csrf, b"old").status, 201);
    let cookie: Vec<String> = http
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let mut s = TcpStream::connect(srv.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    let head = format!(
        "PUT /upload{} HTTP/1.1\r\nHost: x\r\nCookie: {}\r\nX-CSRF-Token: {csrf}\r\n\
         Content-Length: 1000000\r\nExpect: 100-continue\r\n\r\n",
        encode(path.as_bytes()),
        cookie.join("; ")
    );
    s.write_all(head.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 409 "), "{text}");
    assert!(!text.contains("100 Continue"), "{text}");
    assert_eq!(common::get_file(&mut c, &path), b"old");
    srv.stop();
}
