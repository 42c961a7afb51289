//! Stopping the real binary with SIGTERM (systemd) and SIGINT (Ctrl-C):
//! running transfers get the grace period, the rest are cut without leaving
//! a partial file anywhere, every FTP session gets QUIT, and the exit status
//! is 0. Waits have generous upper bounds only: machines are noisy.

mod common;

use common::fake::{self, expect, Fake};
use common::http::{encode, multipart_body, read_response, Http, Part, BOUNDARY};
use common::process::Ftpgate;
use common::{pattern, sha256, targets, web, Target};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Prefix of ftpgate's temporary upload names (`web::upload::TEMP_PREFIX`).
const TEMP_PREFIX: &str = ".ftpgate-upload-";

/// Logs in through ftpgate and makes a fresh folder; returns the client, the
/// session's CSRF token and the folder.
fn setup(gate: &Ftpgate, t: &Target, test: &str) -> (Http, String, String) {
    let mut http = Http::new(gate.addr);
    let csrf = web::login(&mut http, t);
    let mut c = t.login();
    let dir = common::scratch(&mut c, test);
    c.quit();
    (http, csrf, String::from_utf8(dir).expect("utf-8 folder"))
}

/// Opens an upload of one file of `len` bytes into `dir` and sends everything
/// before the file's bytes; returns the connection and what must follow them.
fn open_upload(
    http: &mut Http,
    dir: &str,
    csrf: &str,
    name: &str,
    len: u64,
) -> (TcpStream, Vec<u8>) {
    let empty = multipart_body(&[
        Part {
            name: "csrf",
            filename: None,
            data: csrf.as_bytes(),
        },
        Part {
            name: "file",
            filename: Some(name),
            data: b"",
        },
    ]);
    let tail = format!("\r\n--{BOUNDARY}--\r\n").into_bytes();
    let head = &empty[..empty.len() - tail.len()];
    let ct = format!("multipart/form-data; boundary={BOUNDARY}");
    let path = format!("/upload{}/", encode(dir.as_bytes()));
    let total = head.len() as u64 + len + tail.len() as u64;
    let mut s = http.open("POST", &path, &[("Content-Type", &ct)], total);
    s.write_all(head).expect("send the multipart head");
    (s, tail)
}

/// Keeps sending small pieces, as a slow link does, until the connection
/// fails (ftpgate exited) or two minutes passed.
fn trickle(mut s: TcpStream) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let piece = pattern(16 * 1024, 3);
        let until = Instant::now() + Duration::from_secs(120);
        while Instant::now() < until && s.write_all(&piece).is_ok() {
            std::thread::sleep(Duration::from_millis(10));
        }
    })
}

/// Names in a folder, straight from the FTP server.
fn names(t: &Target, dir: &str) -> Vec<String> {
    let mut c = t.login();
    let entries = c.list(dir).expect("list the folder");
    c.quit();
    entries
        .into_iter()
        .map(|e| String::from_utf8_lossy(&e.name).into_owned())
        .collect()
}

/// Waits until the upload's temporary file exists: the transfer is running.
fn wait_for_temp(t: &Target, dir: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !names(t, dir).iter().any(|n| n.starts_with(TEMP_PREFIX)) {
        assert!(Instant::now() < deadline, "the upload never started");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn assert_exit_0(gate: &mut Ftpgate, within: Duration) {
    let status = gate.wait_exit(within);
    assert_eq!(status.code(), Some(0), "log:\n{}", gate.log());
}

#[test]
fn sigterm_cuts_a_slow_upload_after_the_grace_and_deletes_its_temporary_file() {
    let t = &targets()[0];
    let mut gate = Ftpgate::start(&["--shutdown-grace", "1"]);
    let (mut http, csrf, dir) = setup(&gate, t, "cut");
    let (mut s, _) = open_upload(&mut http, &dir, &csrf, "slow.bin", 256 << 20);
    s.write_all(&pattern(256 << 10, 1)).unwrap();
    let trickler = trickle(s);
    wait_for_temp(t, &dir);
    gate.signal("TERM");
    assert_exit_0(&mut gate, Duration::from_secs(30));
    let log = gate.log();
    assert!(log.contains("stopping (SIGTERM)"), "{log}");
    assert!(
        log.contains("1 request still running, waiting up to 1 s"),
        "{log}"
    );
    assert!(log.contains("aborted 1 transfer"), "{log}");
    assert!(log.contains("stopped"), "{log}");
    // Neither the temporary name nor the real one is left.
    assert_eq!(names(t, &dir), Vec::<String>::new(), "{log}");
    trickler.join().unwrap();
}

#[test]
fn transfers_that_finish_within_the_grace_complete_and_nothing_new_is_taken() {
    let t = &targets()[0];
    let mut gate = Ftpgate::start(&["--shutdown-grace", "120"]);
    let (mut http, csrf, dir) = setup(&gate, t, "finish");
    // A file to download, big enough to outlast the socket buffers.
    let big = pattern(32 << 20, 11);
    let mut c = t.login();
    let mut up = c.stor(format!("{dir}/big.bin")).unwrap();
    up.write_all(&big).unwrap();
    up.finish().unwrap();
    c.quit();

    // A kept-alive connection that has been served once.
    let mut kept = BufReader::new(TcpStream::connect(gate.addr).unwrap());
    let healthz = format!("GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n", gate.addr);
    kept.get_mut().write_all(healthz.as_bytes()).unwrap();
    assert_eq!(read_response(&mut kept, false).status, 200);

    // An upload half sent, and a download whose first bytes arrived.
    let data = pattern(4 << 20, 12);
    let (mut up, tail) = open_upload(&mut http, &dir, &csrf, "up.bin", data.len() as u64);
    up.write_all(&data[..1 << 20]).unwrap();
    wait_for_temp(t, &dir);
    let get = http.open(
        "GET",
        &format!("/download{}/big.bin", encode(dir.as_bytes())),
        &[],
        0,
    );
    let mut down = BufReader::new(get);
    assert!(!down.fill_buf().unwrap().is_empty(), "download started");

    gate.signal("TERM");
    gate.wait_for_log("2 requests still running", Duration::from_secs(30));
    let refused = TcpStream::connect(gate.addr).map(|_| ()).unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    kept.get_mut().write_all(healthz.as_bytes()).unwrap();
    let r = read_response(&mut kept, false);
    assert_eq!(r.status, 503, "{}", r.text());
    assert_eq!(r.header("Retry-After"), Some("10"));

    up.write_all(&data[1 << 20..]).unwrap();
    up.write_all(&tail).unwrap();
    let r = http.finish(up);
    assert_eq!(r.status, 303, "{}", r.text());
    let got = read_response(&mut down, false);
    assert_eq!(got.status, 200);
    assert!(got.complete, "the download was cut");
    assert_eq!(sha256(&got.body), sha256(&big));

    assert_exit_0(&mut gate, Duration::from_secs(60));
    let log = gate.log();
    assert!(!log.contains("aborted"), "{log}");
    let mut c = t.login();
    let mut stored = Vec::new();
    let mut r = c.retr(format!("{dir}/up.bin"), 0).unwrap();
    r.read_to_end(&mut stored).unwrap();
    r.finish().unwrap();
    assert_eq!(sha256(&stored), sha256(&data));
    let left = names(t, &dir);
    assert!(!left.iter().any(|n| n.starts_with(TEMP_PREFIX)), "{left:?}");
}

#[test]
fn sigint_stops_cleanly_too() {
    let t = &targets()[0];
    let mut gate = Ftpgate::start(&[]);
    let _ = setup(&gate, t, "sigint");
    gate.signal("INT");
    assert_exit_0(&mut gate, Duration::from_secs(30));
    let log = gate.log();
    assert!(log.contains("stopping (SIGINT)"), "{log}");
    assert!(log.contains("stopped (1 FTP session logged out)"), "{log}");
}

#[test]
fn shutdown_sends_quit_to_the_ftp_server() {
    let mut steps = fake::login(&["SIZE", "MLSD"]);
    // The binary prefers FTPS (TlsMode::Prefer): this server has none.
    steps.splice(
        1..1,
        [expect("AUTH TLS"), fake::send("502 no TLS here\r\n")],
    );
    steps.extend([
        expect("PWD"),
        fake::send("257 \"/\"\r\n"),
        // The session's idle connection, on SIGTERM:
        expect("QUIT"),
        fake::send("221 bye\r\n"),
    ]);
    let server = Fake::start(steps);
    let mut gate = Ftpgate::start(&[]);
    let mut http = Http::new(gate.addr);
    let r = web::login_as(&mut http, "127.0.0.1", server.port, "u", "p");
    assert_eq!(r.status, 303, "{}", r.text());
    gate.signal("TERM");
    assert_exit_0(&mut gate, Duration::from_secs(30));
    server.join();
}

#[test]
fn a_stalled_upload_is_cut_within_the_http_timeout() {
    let t = &targets()[0];
    let mut gate = Ftpgate::start(&["--shutdown-grace", "1", "--http-timeout", "3"]);
    let (mut http, csrf, dir) = setup(&gate, t, "stall");
    let (mut s, _) = open_upload(&mut http, &dir, &csrf, "stalled.bin", 64 << 20);
    s.write_all(&pattern(256 << 10, 2)).unwrap();
    wait_for_temp(t, &dir);
    // The browser goes silent but keeps the connection open.
    gate.signal("TERM");
    assert_exit_0(&mut gate, Duration::from_secs(60));
    assert_eq!(names(t, &dir), Vec::<String>::new(), "{}", gate.log());
    drop(s);
}

#[test]
fn a_second_signal_stops_at_once() {
    let t = &targets()[0];
    let mut gate = Ftpgate::start(&["--shutdown-grace", "600"]);
    let (mut http, csrf, dir) = setup(&gate, t, "twice");
    let (mut s, _) = open_upload(&mut http, &dir, &csrf, "slow.bin", 256 << 20);
    s.write_all(&pattern(256 << 10, 4)).unwrap();
    let trickler = trickle(s);
    wait_for_temp(t, &dir);
    gate.signal("TERM");
    gate.wait_for_log("1 request still running", Duration::from_secs(30));
    gate.signal("INT");
    let status = gate.wait_exit(Duration::from_secs(30));
    assert_eq!(status.code(), Some(1), "log:\n{}", gate.log());
    // Cut short on purpose: the temporary file may stay, the real name never appears.
    assert!(!names(t, &dir).contains(&"slow.bin".to_string()));
    trickler.join().unwrap();
}
