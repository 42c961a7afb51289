//! The zero-copy relays (issue 12): over plain HTTP and plain FTP, downloads
//! and `PUT` uploads are moved by splice(2), and the appliance's counters
//! (`Running::relayed`) say so byte for byte; every promise of the buffered
//! path still holds (a download cut by the server never ends cleanly, a
//! cut upload is never renamed into place, a stop cuts a stalled transfer);
//! and where splice can't be used (HTTPS, FTPS) the bytes are copied, whole.

mod common;

use common::fake::{self, expect, Fake, Step};
use common::http::{encode, Http};
use common::process::Ftpgate;
use common::{pattern, sha256, targets, web};
use ftpgate::ftp::Client;
use ftpgate::web::Relayed;
use std::io::{BufRead, BufReader, Read, Write};
use std::time::Duration;

fn store(c: &mut Client, path: &str, data: &[u8]) {
    let mut up = c.stor(path).unwrap();
    up.write_all(data).unwrap();
    up.finish().unwrap();
}

fn names(c: &mut Client, dir: &str) -> Vec<String> {
    c.list(dir)
        .unwrap()
        .into_iter()
        .map(|e| String::from_utf8_lossy(&e.name).into_owned())
        .collect()
}

/// What was relayed between two snapshots.
fn since(before: Relayed, after: Relayed) -> Relayed {
    Relayed {
        spliced: after.spliced - before.spliced,
        copied: after.copied - before.copied,
    }
}

#[test]
fn a_plain_download_is_spliced_byte_for_byte() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (_, mut c, dir) = web::scratch_login(&mut http, &t, "splice-down");
        let data = pattern(5 * 1024 * 1024 + 3, 4);
        store(&mut c, &format!("{dir}/five.bin"), &data);
        let before = srv.relayed();
        let r = http.get(&format!("/download{}/five.bin", encode(dir.as_bytes())));
        assert_eq!(r.status, 200, "{}", t.name);
        assert!(r.complete, "{}", t.name);
        assert_eq!(sha256(&r.body), sha256(&data), "{}", t.name);
        // The last byte is held back until the server's 226, and written
        // with a plain write: every other byte went through the kernel.
        let moved = since(before, srv.relayed());
        assert_eq!(
            moved,
            Relayed {
                spliced: data.len() as u64 - 1,
                copied: 0
            },
            "{}",
            t.name
        );
        srv.stop();
    }
}

#[test]
fn a_range_in_the_middle_is_spliced_and_the_session_goes_on() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (_, mut c, dir) = web::scratch_login(&mut http, t, "splice-range");
    let data = pattern(3 * 1024 * 1024, 5);
    store(&mut c, &format!("{dir}/r.bin"), &data);
    let url = format!("/download{}/r.bin", encode(dir.as_bytes()));
    let before = srv.relayed();
    let r = http.get_with(&url, &[("Range", "bytes=1000000-1999999")]);
    assert_eq!(r.status, 206, "{}", r.text());
    assert!(r.complete);
    assert!(r.body == data[1_000_000..2_000_000], "other bytes");
    // Nothing is held back for a range that ends before the end of the file,
    // so the browser can have the last byte before the relay has returned.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while since(before, srv.relayed()).spliced < 1_000_000 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(since(before, srv.relayed()).spliced, 1_000_000);
    // The rest of the file was left unread (ABOR): the next download works.
    let whole = http.get(&url);
    assert!(whole.complete);
    assert_eq!(sha256(&whole.body), sha256(&data));
    srv.stop();
}

/// A `PUT` whose head and first `early` body bytes leave in one write (so
/// they arrive together and the body's start sits in ftpgate's input
/// buffer, with whatever else arrived before ftpgate's first read), then
/// the rest; returns the response.
fn put_in_one_go(
    http: &mut Http,
    path: &str,
    csrf: &str,
    body: &[u8],
    early: usize,
) -> common::http::Resp {
    let jar: Vec<String> = http
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let mut request = format!(
        "PUT /upload{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: {}\r\n\
         X-CSRF-Token: {csrf}\r\nContent-Length: {}\r\n\r\n",
        encode(path.as_bytes()),
        jar.join("; "),
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(&body[..early]);
    let mut s = std::net::TcpStream::connect(http.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(&request).unwrap();
    s.write_all(&body[early..]).unwrap();
    http.finish(s)
}

#[test]
fn a_put_sends_the_bytes_that_came_with_the_head_then_splices_the_rest() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, mut c, dir) = web::scratch_login(&mut http, &t, "splice-put");
        let data = pattern(4 * 1024 * 1024 + 11, 6);
        let before = srv.relayed();
        let r = put_in_one_go(&mut http, &format!("{dir}/put.bin"), &csrf, &data, 1000);
        assert_eq!(r.status, 201, "{}: {}", t.name, r.text());
        // The first read takes the head and at least the 1000 bytes sent
        // with it (one segment), at most the 8 KiB input buffer: those go
        // through user space, everything after them through the kernel.
        let moved = since(before, srv.relayed());
        assert_eq!(
            moved.spliced + moved.copied,
            data.len() as u64,
            "{}",
            t.name
        );
        assert!(
            (1000..8192).contains(&moved.copied),
            "{}: {moved:?}",
            t.name
        );
        assert_eq!(
            sha256(&common::get_file(&mut c, &format!("{dir}/put.bin"))),
            sha256(&data),
            "{}",
            t.name
        );
        srv.stop();
    }
}

#[test]
fn a_put_cut_short_is_never_renamed_into_place() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (csrf, mut c, dir) = web::scratch_login(&mut http, t, "splice-put-cut");
    let data = pattern(2 * 1024 * 1024, 7);
    let path = format!("/upload{}/cut.bin", encode(dir.as_bytes()));
    let mut s = http.open(
        "PUT",
        &path,
        &[("X-CSRF-Token", &csrf)],
        data.len() as u64 * 2,
    );
    s.write_all(&data).unwrap();
    s.shutdown(std::net::Shutdown::Write).unwrap();
    // Whatever the answer (or none), no file may be left.
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    assert!(
        !String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 201"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert!(srv.relayed().spliced > 0, "the splice path was not taken");
    // The temporary file is deleted once the request ends.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !names(&mut c, &dir).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "{:?}",
            names(&mut c, &dir)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    srv.stop();
}

/// A fake server that answers SIZE with `size`, sends `sent` bytes on the
/// data connection, then `last` on the control connection (or hangs up).
fn serving(size: usize, sent: usize, last: Option<&str>) -> Fake {
    let mut steps = fake::login(&["SIZE", "MLSD"]);
    steps.extend([expect("PWD"), fake::send("257 \"/\"\r\n")]);
    steps.extend([
        expect("SIZE /big.bin"),
        fake::send(&format!("213 {size}\r\n")),
        expect("EPSV"),
        Step::Epsv,
        expect("RETR /big.bin"),
        fake::send("150 here it comes\r\n"),
        Step::DataSend(vec![7u8; sent]),
    ]);
    match last {
        Some(reply) => steps.extend([fake::send(reply), Step::Sleep(Duration::from_millis(500))]),
        None => steps.push(Step::Hangup),
    }
    Fake::start(steps)
}

fn download_from(server: &Fake) -> (common::http::Resp, Relayed) {
    let (srv, mut http) = web::start();
    let r = web::login_as(&mut http, "127.0.0.1", server.port, "u", "p");
    assert_eq!(r.status, 303, "{}", r.text());
    let r = http.get("/download/big.bin");
    let moved = srv.relayed();
    srv.stop();
    (r, moved)
}

#[test]
fn a_spliced_download_cut_by_the_server_never_looks_complete() {
    let server = serving(1_000_000, 300_000, None);
    let (r, moved) = download_from(&server);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Length"), Some("1000000"));
    assert!(!r.complete, "a cut download must not look complete");
    assert_eq!(r.body.len(), 300_000);
    assert_eq!(moved.spliced, 300_000, "the splice path was not taken");
    server.join();
}

#[test]
fn a_spliced_download_the_server_does_not_confirm_never_looks_complete() {
    // Every byte arrives, but the server ends with 451, not 226.
    let server = serving(
        1_000_000,
        1_000_000,
        Some("451 local error in processing\r\n"),
    );
    let (r, moved) = download_from(&server);
    assert_eq!(r.status, 200);
    assert!(
        !r.complete,
        "an unconfirmed download must not look complete"
    );
    assert_eq!(r.body.len(), 999_999, "all but the held-back last byte");
    assert_eq!(moved.spliced, 999_999);
    server.join();
}

#[test]
fn a_spliced_download_whose_server_sends_more_than_its_size_never_looks_complete() {
    let server = serving(1_000_000, 1_000_100, Some("226 done\r\n"));
    let (r, _) = download_from(&server);
    assert!(
        !r.complete,
        "a download longer than SIZE must not look complete"
    );
    server.join();
}

#[test]
fn sigterm_cuts_a_spliced_download_whose_browser_stopped_reading() {
    let t = &targets()[0];
    let mut gate = Ftpgate::start(&["--shutdown-grace", "1", "--http-timeout", "2"]);
    let mut http = Http::new(gate.addr);
    web::login(&mut http, t);
    let mut c = t.login();
    let dir = String::from_utf8(common::scratch(&mut c, "splice-stop")).unwrap();
    // Far more than the sockets between here and the server hold.
    let big = pattern(256 << 20, 8);
    store(&mut c, &format!("{dir}/big.bin"), &big);
    drop(big);
    let s = http.open(
        "GET",
        &format!("/download{}/big.bin", encode(dir.as_bytes())),
        &[],
        0,
    );
    let mut down = BufReader::new(s);
    assert!(!down.fill_buf().unwrap().is_empty(), "the download began");
    // The browser reads no more: the relay waits on its socket.
    gate.signal("TERM");
    let status = gate.wait_exit(Duration::from_secs(60));
    assert_eq!(status.code(), Some(0), "log:\n{}", gate.log());
    let log = gate.log();
    assert!(log.contains("aborted 1 transfer"), "{log}");
    let r = common::http::read_response(&mut down, false);
    assert!(!r.complete, "a cut download must not look complete");
}

#[cfg(feature = "tls")]
mod tls {
    use super::*;
    use common::http::{input_value, read_response, Resp};
    use ftpgate::config::{Config, TlsFiles};
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName};
    use std::sync::Arc;

    /// One request over HTTPS with the cookies of `jar`; keeps the new ones.
    fn https(jar: &mut Http, cert: &CertificateDer<'static>, head: &str, body: &[u8]) -> Resp {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(cert.clone()).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let client = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = ServerName::try_from("localhost").unwrap();
        let conn = rustls::ClientConnection::new(Arc::new(client), name).unwrap();
        let tcp = std::net::TcpStream::connect(jar.addr).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut tls = rustls::StreamOwned::new(conn, tcp);
        let cookies: Vec<String> = jar
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let request = format!(
            "{head}\r\nHost: localhost\r\nConnection: close\r\nCookie: {}\r\nContent-Length: {}\r\n\r\n",
            cookies.join("; "),
            body.len()
        );
        tls.write_all(request.as_bytes()).unwrap();
        tls.write_all(body).unwrap();
        let resp = read_response(&mut BufReader::new(tls), false);
        jar.keep_cookies(&resp);
        resp
    }

    #[test]
    fn over_https_downloads_and_puts_are_copied_and_whole() {
        let t = &targets()[0];
        let state = common::temp_dir("splice-https");
        let _ = std::fs::remove_dir_all(&state);
        let (srv, mut jar) = web::start_with(Config {
            tls: Some(TlsFiles::SelfSigned),
            state_dir: Some(state.clone()),
            ..web::config()
        });
        let cert = CertificateDer::from_pem_file(state.join("https-cert.pem")).unwrap();
        let page = https(&mut jar, &cert, "GET /login HTTP/1.1", b"").text();
        let form = &page[page.find("action=\"/login\"").expect("login form")..];
        let login_csrf = input_value(form, "csrf").unwrap();
        let fields = format!(
            "csrf={}&host={}&port={}&user={}&password={}",
            encode(login_csrf.as_bytes()),
            encode(t.host.as_bytes()),
            t.port,
            encode(t.user.as_bytes()),
            encode(t.password.as_bytes())
        );
        let r = https(
            &mut jar,
            &cert,
            "POST /login HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded",
            fields.as_bytes(),
        );
        assert_eq!(r.status, 303, "{}", r.text());
        let json = https(&mut jar, &cert, "GET /browse/?format=json HTTP/1.1", b"").text();
        let at = json.find("\"csrf\":\"").expect("csrf") + 8;
        let csrf = json[at..at + json[at..].find('"').unwrap()].to_string();
        let mut c = t.login();
        let dir = String::from_utf8(common::scratch(&mut c, "splice-https")).unwrap();
        let data = pattern(3 * 1024 * 1024 + 1, 9);
        let path = encode(format!("{dir}/tls.bin").as_bytes());
        let before = srv.relayed();
        let put = format!("PUT /upload{path} HTTP/1.1\r\nX-CSRF-Token: {csrf}");
        let r = https(&mut jar, &cert, &put, &data);
        assert_eq!(r.status, 201, "{}", r.text());
        let r = https(
            &mut jar,
            &cert,
            &format!("GET /download{path} HTTP/1.1"),
            b"",
        );
        assert_eq!(r.status, 200);
        assert!(r.complete);
        assert_eq!(sha256(&r.body), sha256(&data));
        let moved = since(before, srv.relayed());
        assert_eq!(moved.spliced, 0, "nothing can be spliced under TLS");
        // Both ways, all but the held-back last byte of the download.
        assert_eq!(moved.copied, 2 * data.len() as u64 - 1);
        srv.stop();
    }

    #[test]
    fn over_ftps_downloads_and_puts_are_copied_and_whole() {
        for t in common::tls_targets() {
            let cert = t.tls_cert.clone().unwrap();
            let (srv, mut http) = web::start_with(Config {
                ftp: common::tls_config(&t.host, t.port, &cert),
                ..web::config()
            });
            let page = http.get("/login").text();
            let form = &page[page.find("action=\"/login\"").expect("login form")..];
            let login_csrf = input_value(form, "csrf").unwrap();
            let port = t.port.to_string();
            let r = http.post_form(
                "/login",
                &[
                    ("csrf", login_csrf.as_bytes()),
                    ("host", t.host.as_bytes()),
                    ("port", port.as_bytes()),
                    ("user", t.user.as_bytes()),
                    ("password", t.password.as_bytes()),
                    ("tls", b"require"),
                ],
            );
            assert_eq!(r.status, 303, "{}: {}", t.name, r.text());
            let csrf = web::csrf(&mut http, "/browse/");
            let mut c = t.login();
            let dir = String::from_utf8(common::scratch(&mut c, "splice-ftps")).unwrap();
            let data = pattern(3 * 1024 * 1024 + 1, 10);
            let before = srv.relayed();
            let r = put_in_one_go(&mut http, &format!("{dir}/ftps.bin"), &csrf, &data, 0);
            assert_eq!(r.status, 201, "{}: {}", t.name, r.text());
            let r = http.get(&format!("/download{}/ftps.bin", encode(dir.as_bytes())));
            assert!(r.complete, "{}", t.name);
            assert_eq!(sha256(&r.body), sha256(&data), "{}", t.name);
            let moved = since(before, srv.relayed());
            assert_eq!(
                moved.spliced, 0,
                "{}: nothing can be spliced under FTPS",
                t.name
            );
            assert_eq!(moved.copied, 2 * data.len() as u64 - 1, "{}", t.name);
            srv.stop();
        }
    }
}
