//! The appliance facing odd FTP servers and odd browsers: reconnects,
//! refusals, a full disk, a stalled request. FTP servers are scripted fakes.

mod common;

use common::fake::{self, expect, send, Fake, Step};
use common::http::{Http, Part};
use common::web;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// The steps ftpgate's login sends: the client login, then PWD.
fn web_login(features: &[&str]) -> Vec<Step> {
    let mut steps = fake::login(features);
    steps.extend([expect("PWD"), send("257 \"/\" is home\r\n")]);
    steps
}

fn listing(steps: &mut Vec<Step>, body: &[u8]) {
    steps.extend([
        expect("EPSV"),
        Step::Epsv,
        expect("MLSD /"),
        send("150 here\r\n"),
        Step::DataSend(body.to_vec()),
        send("226 done\r\n"),
    ]);
}

#[test]
fn reconnects_after_421_with_the_stored_credentials() {
    let mut first = web_login(&["MLSD"]);
    first.extend([
        expect("EPSV"),
        send("421 Idle timeout, closing control connection.\r\n"),
    ]);
    let mut second = fake::login(&["MLSD"]);
    listing(&mut second, b"type=file;size=3; after-reconnect.txt\r\n");
    let server = Fake::start_sessions(vec![first, second]);
    let (srv, mut http) = web::start();
    assert_eq!(
        web::login_as(&mut http, "127.0.0.1", server.port, "u", "p").status,
        303
    );
    let page = http.get("/browse/");
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page.text().contains("after-reconnect.txt"));
    server.join();
    srv.stop();
}

#[test]
fn permission_denied_listing_is_403_with_the_server_text() {
    let mut steps = web_login(&["MLSD"]);
    steps.extend([
        expect("EPSV"),
        Step::Epsv,
        expect("MLSD /"),
        send("550 Permission denied.\r\n"),
    ]);
    let server = Fake::start(steps);
    let (srv, mut http) = web::start();
    web::login_as(&mut http, "127.0.0.1", server.port, "u", "p");
    let page = http.get("/browse/");
    assert_eq!(page.status, 403);
    assert!(page.text().contains("permission denied"), "{}", page.text());
    assert!(
        page.text().contains("550 Permission denied."),
        "{}",
        page.text()
    );
    server.join();
    srv.stop();
}

#[test]
fn disk_full_upload_deletes_the_temporary_file() {
    let mut steps = web_login(&["MLSD", "SIZE"]);
    steps.extend([
        expect("CWD /f.txt"),
        send("550 No such file\r\n"),
        expect("SIZE /f.txt"),
        send("550 No such file\r\n"),
        expect("EPSV"),
        Step::Epsv,
        Step::ExpectPrefix(b"STOR /.ftpgate-upload-".to_vec()),
        send("150 go on\r\n"),
        Step::DataRecv,
        send("552 Disk full\r\n"),
        Step::ExpectPrefix(b"DELE /.ftpgate-upload-".to_vec()),
        send("250 deleted\r\n"),
    ]);
    let server = Fake::start(steps);
    let (srv, mut http) = web::start();
    web::login_as(&mut http, "127.0.0.1", server.port, "u", "p");
    // A page that does not talk to the FTP server: its header has the logout form.
    let csrf = web::csrf_from_page(&mut http, "/login");
    let parts = [
        Part {
            name: "csrf",
            filename: None,
            data: csrf.as_bytes(),
        },
        Part {
            name: "file",
            filename: Some("f.txt"),
            data: b"some bytes",
        },
    ];
    let r = http.post_multipart("/upload/", &parts, &[]);
    assert_eq!(r.status, 507, "{}", r.text());
    assert!(r.text().contains("no space left"), "{}", r.text());
    assert_eq!(server.join(), b"some bytes");
    srv.stop();
}

#[test]
fn stalled_request_is_closed_by_the_http_timeout() {
    let (srv, _) = web::start(); // http_timeout: 3 s in tests
    let mut s = TcpStream::connect(srv.addr).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    // Answered 408 and closed, not left hanging until our own 30 s timeout.
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).expect("closed by the server");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408 "), "{text}");
    assert!(text.contains("Connection: close"), "{text}");
    // The server still serves others.
    assert_eq!(Http::new(srv.addr).get("/healthz").status, 200);
    srv.stop();
}

#[test]
fn keeps_accepting_after_a_quiet_spell_longer_than_the_timeout() {
    let config = ftpgate::config::Config {
        http_timeout: Duration::from_secs(1),
        ..web::config()
    };
    let (srv, mut http) = web::start_with(config);
    assert_eq!(http.get("/healthz").status, 200);
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(http.get("/healthz").status, 200);
    srv.stop();
}
