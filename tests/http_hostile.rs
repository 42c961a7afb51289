//! The HTTP server facing hostile clients: every cap one byte under (served)
//! and over (refused with its status), framing tricks, floods, trickles and
//! abandoned requests. Driven over raw sockets (`common::raw`); after each
//! case the server must still answer `GET /healthz`, and the memory cases
//! bound this process's peak RSS (the server runs in it).

mod common;

use common::raw::{self, Conn, Peak, Reply};
use common::{local_server, web, PASSWORD, USER};
use ftpgate::config::Config;
use ftpgate::web::Running;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Most a memory case may raise the peak RSS: the server holds at most a
/// 32 KiB head and a 64 KiB form per connection; the unbounded behaviour
/// these cases guard against would hold the whole 64–256 MiB.
const RSS_BOUND_MIB: u64 = 16;
const MIB: u64 = 1024 * 1024;

fn start() -> (Running, SocketAddr) {
    start_with(web::config())
}

fn start_with(config: Config) -> (Running, SocketAddr) {
    let (srv, _) = web::start_with(config);
    let addr = srv.addr;
    (srv, addr)
}

/// What the connection does after the answer.
enum Then {
    /// The answer says `Connection: close` and the connection ends.
    Closes,
    /// The answer keeps the connection, and it serves the next request.
    KeepsOpen,
}

/// Sends `request` to a fresh server and checks the exact status line, what
/// the connection does next, and that the server still serves.
fn check(request: &[u8], status_line: &str, then: Then) -> Reply {
    let _process = raw::shared();
    let (srv, addr) = start();
    let r = raw::send(addr, request);
    assert_eq!(r.status_line, status_line, "{}", r.text());
    match then {
        Then::Closes => assert!(r.says_close() && r.closed, "{r:?}"),
        Then::KeepsOpen => assert!(!r.says_close() && !r.closed, "{r:?}"),
    }
    raw::healthy(addr);
    srv.stop();
    r
}

/// One `#[test]` per row: request => status line, then what the connection does.
macro_rules! cases {
    ($($(#[$doc:meta])* $name:ident: $request:expr => $status:literal, $then:ident;)*) => {$(
        $(#[$doc])*
        #[test]
        fn $name() {
            check(&$request[..], $status, Then::$then);
        }
    )*};
}

/// `GET /healthz?aaa… HTTP/1.1` whose request line is `len` bytes (CRLF not counted).
fn request_line(len: usize) -> Vec<u8> {
    let query = "a".repeat(len - "GET /healthz? HTTP/1.1".len());
    format!("GET /healthz?{query} HTTP/1.1\r\nHost: x\r\n\r\n").into_bytes()
}

/// A `GET /healthz` with one header line of `len` bytes (CRLF not counted).
fn header_line(len: usize) -> Vec<u8> {
    let value = "a".repeat(len - "X-Big: ".len());
    format!("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {value}\r\n\r\n").into_bytes()
}

/// A `GET /healthz` with `count` header lines, Host included.
fn headers(count: usize) -> Vec<u8> {
    let mut head = String::from("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    for i in 1..count {
        head.push_str(&format!("X-H{i}: v\r\n"));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// A `GET /healthz` head of exactly `total` bytes, final blank line included.
fn head_of(total: usize) -> Vec<u8> {
    let mut head = String::from("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    let mut left = total - head.len() - 2;
    while left > 0 {
        // "X-Pad: " + value + CRLF (at least 10 bytes), each well under the line cap.
        let mut line = left.min(8002);
        if left > line && left - line < 10 {
            line -= 10;
        }
        assert!(line >= 10, "cannot pad {left} bytes");
        head.push_str(&format!("X-Pad: {}\r\n", "a".repeat(line - 9)));
        left -= line;
    }
    head.push_str("\r\n");
    assert_eq!(head.len(), total);
    head.into_bytes()
}

/// `GET /healthz` with these extra header lines (each ending in CRLF).
fn healthz_with(lines: &str) -> Vec<u8> {
    format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{lines}\r\n").into_bytes()
}

/// `POST /login` with these framing header lines, then `body` as is.
fn login_post(lines: &str, body: &[u8]) -> Vec<u8> {
    let mut req = format!(
        "POST /login HTTP/1.1\r\nHost: x\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n{lines}\r\n"
    )
    .into_bytes();
    req.extend_from_slice(body);
    req
}

/// `POST /login` with a chunked body written as is.
fn chunked_login(body: &str) -> Vec<u8> {
    login_post("Transfer-Encoding: chunked\r\n", body.as_bytes())
}

/// `POST /login` with a form of `len` bytes (no CSRF token: the login is 403 once read).
fn login_form_of(len: usize) -> Vec<u8> {
    let body = format!("a={}", "x".repeat(len - 2));
    login_post(&format!("Content-Length: {len}\r\n"), body.as_bytes())
}

/// `POST /healthz` (405) with a body of `len` bytes the handler never reads.
fn unread_body(len: usize) -> Vec<u8> {
    let mut req =
        format!("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: {len}\r\n\r\n").into_bytes();
    req.resize(req.len() + len, b'z');
    req
}

cases! {
    request_line_of_8192_bytes_is_served: request_line(8192) => "HTTP/1.1 200 OK", KeepsOpen;
    request_line_of_8193_bytes_is_414: request_line(8193) => "HTTP/1.1 414 URI Too Long", Closes;
    header_line_of_8192_bytes_is_served: header_line(8192) => "HTTP/1.1 200 OK", KeepsOpen;
    header_line_of_8193_bytes_is_431:
        header_line(8193) => "HTTP/1.1 431 Request Header Fields Too Large", Closes;
    sixty_four_headers_are_served: headers(64) => "HTTP/1.1 200 OK", KeepsOpen;
    sixty_five_headers_are_431: headers(65) => "HTTP/1.1 431 Request Header Fields Too Large", Closes;
    head_of_32768_bytes_is_served: head_of(32 * 1024) => "HTTP/1.1 200 OK", KeepsOpen;
    head_of_32769_bytes_is_431:
        head_of(32 * 1024 + 1) => "HTTP/1.1 431 Request Header Fields Too Large", Closes;

    /// The handler never reads it: answered, then closed (too big to drain).
    content_length_of_100_gb_on_healthz_is_answered_then_closed:
        healthz_with("Content-Length: 100000000000\r\n") => "HTTP/1.1 200 OK", Closes;
    content_length_of_u64_max_on_healthz_is_answered_then_closed:
        healthz_with("Content-Length: 18446744073709551615\r\n") => "HTTP/1.1 200 OK", Closes;
    content_length_past_u64_is_400:
        healthz_with("Content-Length: 18446744073709551616\r\n") => "HTTP/1.1 400 Bad Request", Closes;
    negative_content_length_is_400:
        healthz_with("Content-Length: -5\r\n") => "HTTP/1.1 400 Bad Request", Closes;
    signed_content_length_is_400:
        healthz_with("Content-Length: +5\r\n") => "HTTP/1.1 400 Bad Request", Closes;
    hex_content_length_is_400:
        healthz_with("Content-Length: 0x5\r\n") => "HTTP/1.1 400 Bad Request", Closes;
    conflicting_content_length_headers_are_400:
        healthz_with("Content-Length: 5\r\nContent-Length: 6\r\n") => "HTTP/1.1 400 Bad Request", Closes;
    conflicting_content_length_list_is_400:
        healthz_with("Content-Length: 5, 6\r\n") => "HTTP/1.1 400 Bad Request", Closes;
    content_length_with_transfer_encoding_is_400:
        login_post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", b"0\r\n\r\n")
        => "HTTP/1.1 400 Bad Request", Closes;
    gzip_transfer_coding_is_400:
        login_post("Transfer-Encoding: gzip\r\n", b"") => "HTTP/1.1 400 Bad Request", Closes;
    chunked_twice_is_400:
        login_post("Transfer-Encoding: chunked, chunked\r\n", b"0\r\n\r\n")
        => "HTTP/1.1 400 Bad Request", Closes;
    transfer_encoding_in_http_1_0_is_400:
        b"POST /login HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        => "HTTP/1.1 400 Bad Request", Closes;
    obs_fold_header_is_400:
        healthz_with("X-Folded: a\r\n b\r\n") => "HTTP/1.1 400 Bad Request", Closes;

    /// The one-under case of every chunk rule: the form is read, then the login's CSRF check says 403.
    a_chunked_form_is_read: chunked_login("3\r\na=b\r\n0\r\n\r\n") => "HTTP/1.1 403 Forbidden", KeepsOpen;
    negative_chunk_size_is_400: chunked_login("-1\r\na\r\n0\r\n\r\n") => "HTTP/1.1 400 Bad Request", Closes;
    hex_prefixed_chunk_size_is_400:
        chunked_login("0x3\r\na=b\r\n0\r\n\r\n") => "HTTP/1.1 400 Bad Request", Closes;
    chunk_size_of_17_hex_digits_is_400:
        chunked_login("10000000000000003\r\na=b\r\n0\r\n\r\n") => "HTTP/1.1 400 Bad Request", Closes;
    /// 16 hex digits is a size: the form cap stops it.
    chunk_size_of_16_hex_digits_hits_the_form_cap:
        chunked_login(&format!("ffffffffffffffff\r\na={}", "x".repeat(64 * 1024)))
        => "HTTP/1.1 413 Content Too Large", Closes;
    chunk_size_line_of_1024_bytes_is_read:
        chunked_login(&format!("3;{}\r\na=b\r\n0\r\n\r\n", "e".repeat(1022)))
        => "HTTP/1.1 403 Forbidden", KeepsOpen;
    chunk_size_line_of_1025_bytes_is_400:
        chunked_login(&format!("3;{}\r\na=b\r\n0\r\n\r\n", "e".repeat(1023)))
        => "HTTP/1.1 400 Bad Request", Closes;
    chunk_data_longer_than_its_size_is_400:
        chunked_login("3\r\na=bcd\r\n0\r\n\r\n") => "HTTP/1.1 400 Bad Request", Closes;
    chunk_data_without_its_crlf_is_400:
        chunked_login("3\r\na=b0\r\n\r\n") => "HTTP/1.1 400 Bad Request", Closes;

    cr_in_the_request_line_is_400:
        b"GET /heal\rthz HTTP/1.1\r\nHost: x\r\n\r\n" => "HTTP/1.1 400 Bad Request", Closes;
    lf_in_the_request_line_is_400:
        b"GET /heal\nthz HTTP/1.1\r\nHost: x\r\n\r\n" => "HTTP/1.1 400 Bad Request", Closes;
    nul_in_the_request_line_is_400:
        b"GET /heal\0thz HTTP/1.1\r\nHost: x\r\n\r\n" => "HTTP/1.1 400 Bad Request", Closes;
    cr_in_a_header_value_is_400: healthz_with("X-A: a\rb\r\n") => "HTTP/1.1 400 Bad Request", Closes;
    lf_in_a_header_value_is_400: healthz_with("X-A: a\nb\r\n") => "HTTP/1.1 400 Bad Request", Closes;
    nul_in_a_header_value_is_400: healthz_with("X-A: a\0b\r\n") => "HTTP/1.1 400 Bad Request", Closes;
    raw_non_utf8_byte_in_the_path_is_400:
        b"GET /healthz\xff HTTP/1.1\r\nHost: x\r\n\r\n" => "HTTP/1.1 400 Bad Request", Closes;
    raw_utf8_in_the_path_is_400:
        "GET /h\u{e9}althz HTTP/1.1\r\nHost: x\r\n\r\n".as_bytes() => "HTTP/1.1 400 Bad Request", Closes;

    /// The router decodes the path before the handler looks for a session:
    /// a bad path is 400 even logged out (a good one redirects to the login).
    browse_path_with_percent_00_is_400: raw::get("/browse/a%00b") => "HTTP/1.1 400 Bad Request", KeepsOpen;
    browse_path_with_percent_zz_is_400: raw::get("/browse/%zz") => "HTTP/1.1 400 Bad Request", KeepsOpen;
    browse_path_with_a_cut_escape_is_400: raw::get("/browse/a%4") => "HTTP/1.1 400 Bad Request", KeepsOpen;
    browse_path_with_an_escaped_slash_is_400:
        raw::get("/browse/a%2Fb") => "HTTP/1.1 400 Bad Request", KeepsOpen;

    http_0_9_request_is_400: b"GET /\r\n" => "HTTP/1.1 400 Bad Request", Closes;
    request_line_without_a_version_is_400: b"GET /\r\n\r\n" => "HTTP/1.1 400 Bad Request", Closes;
    http_2_0_is_505:
        b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n" => "HTTP/1.1 505 HTTP Version Not Supported", Closes;
    http_1_2_is_505:
        b"GET /healthz HTTP/1.2\r\nHost: x\r\n\r\n" => "HTTP/1.1 505 HTTP Version Not Supported", Closes;
    http_2_preface_is_505:
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" => "HTTP/1.1 505 HTTP Version Not Supported", Closes;

    unknown_method_on_a_route_is_405:
        b"BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n" => "HTTP/1.1 405 Method Not Allowed", KeepsOpen;
    unknown_method_off_the_routes_is_404:
        b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n" => "HTTP/1.1 404 Not Found", KeepsOpen;
    four_kib_method_is_405:
        format!("{} /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "B".repeat(4096)).as_bytes()
        => "HTTP/1.1 405 Method Not Allowed", KeepsOpen;
    method_past_the_line_cap_is_414:
        format!("{} /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "B".repeat(8192)).as_bytes()
        => "HTTP/1.1 414 URI Too Long", Closes;

    expect_other_than_100_continue_is_400:
        login_post("Expect: something-else\r\nContent-Length: 3\r\n", b"a=b")
        => "HTTP/1.1 400 Bad Request", Closes;
    http_1_1_without_host_is_400: b"GET /healthz HTTP/1.1\r\n\r\n" => "HTTP/1.1 400 Bad Request", Closes;
    two_host_headers_are_400: healthz_with("Host: y\r\n") => "HTTP/1.1 400 Bad Request", Closes;
    a_host_list_is_400:
        b"GET /healthz HTTP/1.1\r\nHost: x, y\r\n\r\n" => "HTTP/1.1 400 Bad Request", Closes;
    http_1_0_without_host_or_keep_alive_is_served_then_closed:
        b"GET /healthz HTTP/1.0\r\n\r\n" => "HTTP/1.1 200 OK", Closes;
    http_1_0_with_keep_alive_stays_open:
        b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" => "HTTP/1.1 200 OK", KeepsOpen;
    absolute_form_target_is_served:
        b"GET http://x/healthz HTTP/1.1\r\nHost: x\r\n\r\n" => "HTTP/1.1 200 OK", KeepsOpen;

    /// A body the handler left unread is drained up to 256 KiB, keeping the connection.
    unread_body_of_100_bytes_is_drained: unread_body(100) => "HTTP/1.1 405 Method Not Allowed", KeepsOpen;
    unread_body_of_256_kib_is_drained:
        unread_body(256 * 1024) => "HTTP/1.1 405 Method Not Allowed", KeepsOpen;
    unread_body_past_256_kib_closes:
        unread_body(256 * 1024 + 1) => "HTTP/1.1 405 Method Not Allowed", Closes;
    login_form_of_64_kib_is_read: login_form_of(64 * 1024) => "HTTP/1.1 403 Forbidden", KeepsOpen;
    /// Refused from Content-Length; the small body is then drained.
    login_form_past_64_kib_is_413:
        login_form_of(64 * 1024 + 1) => "HTTP/1.1 413 Content Too Large", KeepsOpen;
}

#[test]
fn huge_content_lengths_in_a_row_are_each_answered() {
    let _process = raw::shared();
    let (srv, addr) = start();
    for i in 0..16 {
        let len = if i % 2 == 0 {
            "100000000000"
        } else {
            "18446744073709551615"
        };
        let r = raw::send(addr, &healthz_with(&format!("Content-Length: {len}\r\n")));
        assert_eq!(r.status_line, "HTTP/1.1 200 OK", "request {i}");
        assert!(r.closed, "request {i}");
    }
    raw::healthy(addr);
    srv.stop();
}

#[test]
fn identical_duplicate_content_lengths_are_one_length() {
    let _process = raw::shared();
    let (srv, addr) = start();
    for lines in [
        "Content-Length: 5\r\nContent-Length: 5\r\n",
        "Content-Length: 5, 5\r\n",
    ] {
        let mut conn = Conn::open(addr);
        let mut bytes = healthz_with(lines);
        bytes.extend_from_slice(b"hello");
        bytes.extend_from_slice(&raw::get_closing("/nope"));
        conn.write(&bytes).expect("send");
        let first = conn.response().expect("first answer");
        assert_eq!(first.status_line, "HTTP/1.1 200 OK", "{lines:?}");
        // The 5 body bytes were skipped, not read as the next request.
        let second = conn.response().expect("second answer");
        assert_eq!(second.status_line, "HTTP/1.1 404 Not Found", "{lines:?}");
        assert!(conn.closes());
    }
    raw::healthy(addr);
    srv.stop();
}

#[test]
fn three_pipelined_requests_get_three_answers_in_order() {
    let _process = raw::shared();
    let (srv, addr) = start();
    let mut conn = Conn::open(addr);
    let mut bytes = raw::get("/healthz");
    bytes.extend(raw::get("/healthz"));
    bytes.extend(raw::get_closing("/healthz"));
    conn.write(&bytes).expect("send");
    for i in 0..3 {
        let r = conn.response().unwrap_or_else(|| panic!("answer {i}"));
        assert_eq!((r.status(), r.text().as_str()), (200, "ok"), "answer {i}");
    }
    assert!(conn.closes());
    // Different requests show the order.
    let mut conn = Conn::open(addr);
    let mut bytes = raw::get("/nope");
    bytes.extend(raw::get("/healthz"));
    bytes.extend(raw::get_closing("/login"));
    conn.write(&bytes).expect("send");
    let statuses: Vec<u16> = (0..3)
        .map(|_| conn.response().expect("answer").status())
        .collect();
    assert_eq!(statuses, [404, 200, 200]);
    assert!(conn.closes());
    raw::healthy(addr);
    srv.stop();
}

#[test]
fn a_post_body_is_never_read_as_the_next_request() {
    let _process = raw::shared();
    let (srv, addr) = start();
    let smuggled = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    let mut bytes = login_post(&format!("Content-Length: {}\r\n", smuggled.len()), smuggled);
    bytes.extend(raw::get_closing("/nope"));
    let mut conn = Conn::open(addr);
    conn.write(&bytes).expect("send");
    let login = conn.response().expect("login answer");
    assert_eq!(
        login.status_line,
        "HTTP/1.1 403 Forbidden",
        "{}",
        login.text()
    );
    let next = conn.response().expect("second answer");
    assert_eq!(next.status_line, "HTTP/1.1 404 Not Found");
    assert!(conn.closes(), "exactly two answers, then the close");
    raw::healthy(addr);
    srv.stop();
}

#[test]
fn an_unread_body_keeps_the_connection_only_when_the_answer_says_so() {
    let _process = raw::shared();
    let (srv, addr) = start();
    for len in [100, 300 * 1024] {
        let mut conn = Conn::open(addr);
        let mut bytes = unread_body(len);
        bytes.extend(raw::get_closing("/healthz"));
        let _ = conn.write(&bytes);
        let r = conn.response().expect("answer");
        assert_eq!(r.status_line, "HTTP/1.1 405 Method Not Allowed", "{len}");
        if r.says_close() {
            assert!(conn.closes(), "{len}: said close, stayed open");
        } else {
            let next = conn.response().expect("the next request's answer");
            assert_eq!(next.status_line, "HTTP/1.1 200 OK", "{len}");
        }
    }
    raw::healthy(addr);
    srv.stop();
}

/// Peak RSS growth must stay under the bound.
fn assert_bounded(peak: &Peak, what: &str) {
    let grew = peak.growth_mib();
    assert!(
        grew < RSS_BOUND_MIB,
        "{what}: peak RSS grew by {grew} MiB (bound {RSS_BOUND_MIB} MiB)"
    );
}

/// Writes `piece` `count` times on a second handle of the connection's
/// socket, in the background; stops at the first failed write. Returns
/// the bytes written and how writing ended.
fn stream(conn: &Conn, piece: Vec<u8>, count: u64) -> JoinHandle<(u64, Option<io::Error>)> {
    let mut socket = conn.stream.try_clone().expect("clone socket");
    thread::spawn(move || {
        let mut sent = 0;
        for _ in 0..count {
            if let Err(e) = socket.write_all(&piece) {
                return (sent, Some(e));
            }
            sent += piece.len() as u64;
        }
        (sent, None)
    })
}

/// The stream ended because the server closed, well before `total`.
fn assert_cut(writer: JoinHandle<(u64, Option<io::Error>)>, total: u64) {
    let (sent, error) = writer.join().expect("writer thread");
    let kind = error.as_ref().map(io::Error::kind);
    assert!(
        matches!(
            kind,
            Some(io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset)
        ),
        "the server should close the connection, writing ended with {error:?} after {sent} bytes"
    );
    assert!(sent < total / 2, "{sent} of {total} bytes went in");
}

/// Sends `head` plus `filler` up to `total` bytes: the first 40 KiB, then
/// the answer must come (so it was sent after at most 40 KiB was read),
/// then the rest streams until the server cuts it off.
fn oversized(head: &[u8], filler: u8, total: u64, status_line: &str) {
    let _process = raw::exclusive();
    let (srv, addr) = start();
    raw::healthy(addr);
    let peak = Peak::start();
    let mut conn = Conn::open(addr);
    let mut first = head.to_vec();
    first.resize(40 * 1024, filler);
    conn.write(&first).expect("first 40 KiB");
    let r = conn.response().expect("an answer after 40 KiB");
    assert_eq!(r.status_line, status_line);
    assert!(r.says_close(), "{r:?}");
    let writer = stream(&conn, vec![filler; MIB as usize], total / MIB);
    assert_cut(writer, total);
    assert!(conn.closes());
    assert_bounded(&peak, status_line);
    raw::healthy(addr);
    srv.stop();
}

#[test]
fn a_64_mib_request_line_is_414_in_bounded_memory() {
    oversized(
        b"GET /healthz?",
        b'a',
        64 * MIB,
        "HTTP/1.1 414 URI Too Long",
    );
}

#[test]
fn a_256_mib_header_line_is_431_in_bounded_memory() {
    oversized(
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ",
        b'a',
        256 * MIB,
        "HTTP/1.1 431 Request Header Fields Too Large",
    );
}

#[test]
fn a_request_with_100000_headers_is_431_in_bounded_memory() {
    let _process = raw::exclusive();
    let (srv, addr) = start();
    raw::healthy(addr);
    let peak = Peak::start();
    let mut conn = Conn::open(addr);
    let line = b"X-H: v\r\n";
    let mut first = b"GET /healthz HTTP/1.1\r\nHost: x\r\n".to_vec();
    for _ in 0..100 {
        first.extend_from_slice(line);
    }
    conn.write(&first).expect("the first 100 headers");
    let r = conn.response().expect("an answer after 100 headers");
    assert_eq!(
        r.status_line,
        "HTTP/1.1 431 Request Header Fields Too Large"
    );
    // The other 99,900, whatever becomes of them; the connection must end.
    let writer = stream(&conn, line.repeat(999), 100);
    let _ = writer.join();
    let _ = conn.stream.shutdown(std::net::Shutdown::Write);
    assert!(conn.closes());
    assert_bounded(&peak, "100,000 headers");
    raw::healthy(addr);
    srv.stop();
}

#[test]
fn a_64_mib_login_form_is_413_before_its_body_is_read() {
    let _process = raw::exclusive();
    let (srv, addr) = start();
    raw::healthy(addr);
    let peak = Peak::start();
    let mut conn = Conn::open(addr);
    conn.write(&login_post(
        &format!("Content-Length: {}\r\n", 64 * MIB),
        b"",
    ))
    .expect("head");
    // Not a byte of the body sent yet.
    let r = conn.response().expect("an answer to the head alone");
    assert_eq!(r.status_line, "HTTP/1.1 413 Content Too Large");
    assert!(r.says_close(), "{r:?}");
    let writer = stream(&conn, vec![b'a'; MIB as usize], 64);
    assert_cut(writer, 64 * MIB);
    assert_bounded(&peak, "64 MiB form");
    raw::healthy(addr);
    srv.stop();
}

#[test]
fn a_64_mib_chunked_login_form_is_413_in_bounded_memory() {
    let _process = raw::exclusive();
    let (srv, addr) = start();
    raw::healthy(addr);
    let peak = Peak::start();
    let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
    chunk.resize(chunk.len() + 64 * 1024, b'a');
    chunk.extend_from_slice(b"\r\n");
    let mut conn = Conn::open(addr);
    let mut first = login_post("Transfer-Encoding: chunked\r\n", b"");
    first.extend(chunk.repeat(2));
    conn.write(&first).expect("the first 128 KiB");
    let r = conn.response().expect("an answer past the form cap");
    assert_eq!(r.status_line, "HTTP/1.1 413 Content Too Large");
    let writer = stream(&conn, chunk, 1024);
    assert_cut(writer, 64 * MIB);
    assert_bounded(&peak, "64 MiB chunked form");
    raw::healthy(addr);
    srv.stop();
}

/// Sends `bytes` one at a time, `every` apart, until stopped or refused.
fn trickle(conn: &Conn, bytes: Vec<u8>, every: Duration) -> (Arc<AtomicBool>, JoinHandle<()>) {
    let stop = Arc::new(AtomicBool::new(false));
    let mut socket = conn.stream.try_clone().expect("clone socket");
    let stopped = stop.clone();
    let writer = thread::spawn(move || {
        for b in bytes {
            if stopped.load(Ordering::Relaxed) || socket.write_all(&[b]).is_err() {
                return;
            }
            thread::sleep(every);
        }
    });
    (stop, writer)
}

#[test]
fn a_head_trickled_past_its_deadline_is_408() {
    let _process = raw::shared();
    // The head deadline is min(10 s, http_timeout).
    let (srv, addr) = start_with(Config {
        http_timeout: Duration::from_secs(2),
        ..web::config()
    });
    let mut conn = Conn::open(addr);
    let mut bytes = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ".to_vec();
    bytes.resize(bytes.len() + 75, b'a');
    let started = Instant::now();
    let (stop, writer) = trickle(&conn, bytes, Duration::from_millis(200));
    let r = conn.response().expect("an answer to the trickle");
    stop.store(true, Ordering::Relaxed);
    assert_eq!(r.status_line, "HTTP/1.1 408 Request Timeout");
    assert!(r.says_close(), "{r:?}");
    assert!(conn.closes());
    // Trickling all 114 bytes takes 23 s: the answer must not wait for that.
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "{:?}",
        started.elapsed()
    );
    let _ = writer.join();
    raw::healthy(addr);
    srv.stop();
}

#[test]
fn a_slow_head_within_its_deadline_is_served() {
    let _process = raw::shared();
    let (srv, addr) = start_with(Config {
        http_timeout: Duration::from_secs(10),
        ..web::config()
    });
    let mut conn = Conn::open(addr);
    // 51 bytes 20 ms apart: about 1 s of a 10 s deadline.
    let (_, writer) = trickle(
        &conn,
        raw::get_closing("/healthz"),
        Duration::from_millis(20),
    );
    let r = conn.response().expect("an answer");
    assert_eq!(r.status_line, "HTTP/1.1 200 OK");
    let _ = writer.join();
    raw::healthy(addr);
    srv.stop();
}

#[test]
fn six_hundred_505s_leak_no_descriptors() {
    let _process = raw::exclusive();
    let (srv, addr) = start();
    raw::healthy(addr);
    let before = raw::open_fds();
    for version in ["HTTP/2.0", "HTTP/1.2"].iter().cycle().take(600) {
        let r = raw::send(
            addr,
            format!("GET /healthz {version}\r\nHost: x\r\n\r\n").as_bytes(),
        );
        assert_eq!(r.status_line, "HTTP/1.1 505 HTTP Version Not Supported");
        assert!(r.closed);
    }
    // Connection threads end a moment after their client; wait for them.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut after = raw::open_fds();
    while after > before + 8 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(50));
        after = raw::open_fds();
    }
    assert!(
        after <= before + 8,
        "{before} descriptors before, {after} after"
    );
    raw::healthy(addr);
    srv.stop();
}

#[test]
fn a_body_abandoned_past_the_form_cap_is_413_and_closed() {
    let _process = raw::shared();
    let (srv, addr) = start();
    let r = raw::send(
        addr,
        &login_post("Content-Length: 1000000\r\n", b"a=bcdefghi"),
    );
    assert_eq!(r.status_line, "HTTP/1.1 413 Content Too Large");
    assert!(r.says_close() && r.closed, "{r:?}");
    raw::healthy(addr);
    srv.stop();
}

#[test]
fn an_abandoned_body_holds_only_its_connection_and_only_for_the_io_timeout() {
    let _process = raw::shared();
    let (srv, addr) = start_with(Config {
        http_timeout: Duration::from_secs(2),
        ..web::config()
    });
    let mut conn = Conn::open(addr);
    conn.write(&login_post("Content-Length: 60000\r\n", b"a=bcdefghi"))
        .expect("send");
    // Other clients are served meanwhile.
    raw::healthy(addr);
    raw::healthy(addr);
    // Within 15 s (the io timeout is 2 s): an answer then the close, or the close.
    if let Some(r) = conn.response() {
        assert_eq!(r.status_line, "HTTP/1.1 400 Bad Request", "{}", r.text());
        assert!(r.says_close(), "{r:?}");
        assert!(conn.closes());
    }
    raw::healthy(addr);
    srv.stop();
}

#[test]
fn expect_100_continue_with_a_form_over_the_cap_is_413_without_continue() {
    let _process = raw::shared();
    let (srv, addr) = start();
    let mut conn = Conn::open(addr);
    conn.write(&login_post(
        &format!("Expect: 100-continue\r\nContent-Length: {}\r\n", 70 * 1024),
        b"",
    ))
    .expect("send");
    let r = conn.response().expect("an answer");
    assert_eq!(r.status_line, "HTTP/1.1 413 Content Too Large");
    assert!(r.says_close(), "{r:?}");
    assert!(conn.closes());
    raw::healthy(addr);
    srv.stop();
}

#[test]
fn expect_100_continue_gets_continue_before_the_body_is_sent() {
    let _process = raw::shared();
    let (srv, addr) = start();
    let mut conn = Conn::open(addr);
    conn.write(&login_post(
        "Expect: 100-continue\r\nContent-Length: 3\r\n",
        b"",
    ))
    .expect("send");
    let interim = conn.response().expect("100 Continue");
    assert_eq!(interim.status_line, "HTTP/1.1 100 Continue");
    conn.write(b"a=b").expect("body");
    let r = conn.response().expect("the final answer");
    assert_eq!(r.status_line, "HTTP/1.1 403 Forbidden", "{}", r.text());
    assert!(conn.still_serves());
    raw::healthy(addr);
    srv.stop();
}

#[test]
fn a_flood_from_one_address_gets_503_past_the_per_address_cap() {
    let _process = raw::shared();
    let (srv, addr) = start_with(Config {
        max_http_per_ip: 8,
        http_timeout: Duration::from_secs(10),
        ..web::config()
    });
    let mut admitted: Vec<Conn> = (0..8)
        .map(|i| {
            let mut c = Conn::open(addr);
            c.write(&raw::get("/healthz")).expect("send");
            let r = c
                .response()
                .unwrap_or_else(|| panic!("connection {i} answered"));
            assert_eq!(r.status_line, "HTTP/1.1 200 OK", "connection {i}");
            c
        })
        .collect();
    for i in 8..18 {
        let mut c = Conn::open(addr);
        let r = c
            .response()
            .unwrap_or_else(|| panic!("connection {i} got a 503"));
        assert_eq!(
            r.status_line, "HTTP/1.1 503 Service Unavailable",
            "connection {i}"
        );
        assert_eq!(r.header("Retry-After"), Some("2"), "connection {i}");
        assert!(r.says_close() && c.closes(), "connection {i}");
    }
    assert!(admitted[0].still_serves(), "the admitted ones go on");
    admitted.clear();
    // Once the flood's connections are gone, the address is served again.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = raw::send(addr, &raw::get_closing("/healthz"));
        if r.status() == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still refused: {}",
            r.status_line
        );
        thread::sleep(Duration::from_millis(100));
    }
    raw::healthy(addr);
    srv.stop();
}

#[test]
fn idle_connections_at_the_total_cap_make_room_for_a_new_one() {
    let _process = raw::shared();
    let (srv, addr) = start_with(Config {
        max_http_connections: 12,
        max_http_per_ip: 100,
        http_timeout: Duration::from_secs(10),
        ..web::config()
    });
    let mut idle: Vec<Conn> = Vec::new();
    for i in 0..12 {
        let mut c = Conn::open(addr);
        c.write(&raw::get("/healthz")).expect("send");
        let r = c.response();
        assert_eq!(
            r.as_ref().map(|r| r.status_line.as_str()),
            Some("HTTP/1.1 200 OK"),
            "connection {i} of 12 (the cap) must be served"
        );
        idle.push(c);
    }
    let r = raw::send(addr, &raw::get_closing("/healthz"));
    assert_eq!(r.status_line, "HTTP/1.1 200 OK", "the 13th connection");
    let shed = idle
        .iter_mut()
        .map(Conn::still_serves)
        .filter(|up| !up)
        .count();
    assert!(shed >= 1, "no idle connection was closed");
    raw::healthy(addr);
    srv.stop();
}

/// A port where nothing speaks FTP: every connection is counted and dropped.
struct Listener {
    port: u16,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Listener {
    fn start() -> Listener {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, stopped) = (connections.clone(), stop.clone());
        let thread = thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((s, _)) => {
                        count.fetch_add(1, Ordering::Relaxed);
                        drop(s);
                    }
                    Err(_) => thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Listener {
            port,
            connections,
            stop,
            thread: Some(thread),
        }
    }

    fn connections(mut self) -> usize {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.connections.load(Ordering::Relaxed)
    }
}

/// Logs in as `user` to the listener: the page, and how many connections it got.
fn login_with_user(user: &str) -> (Reply, usize) {
    let _process = raw::shared();
    let (srv, addr) = start();
    let ftp = Listener::start();
    let token = raw::login_token(addr);
    let port = ftp.port.to_string();
    let r = raw::send(
        addr,
        &raw::login_request(
            &token,
            &[
                ("host", b"127.0.0.1"),
                ("port", port.as_bytes()),
                ("user", user.as_bytes()),
                ("password", b"x"),
            ],
        ),
    );
    raw::healthy(addr);
    srv.stop();
    (r, ftp.connections())
}

#[test]
fn a_60_kb_user_name_never_reaches_the_ftp_server() {
    let (r, connections) = login_with_user(&"u".repeat(60_000));
    assert_eq!(r.status_line, "HTTP/1.1 401 Unauthorized");
    assert!(
        r.text()
            .contains("The user name is longer than 256 characters."),
        "{}",
        r.text()
    );
    assert!(
        !r.text().contains(&"u".repeat(257)),
        "the name is not echoed"
    );
    assert_eq!(connections, 0, "the FTP server was contacted");
}

#[test]
fn a_256_character_user_name_is_tried_on_the_ftp_server() {
    let (r, connections) = login_with_user(&"u".repeat(256));
    assert_eq!(r.status_line, "HTTP/1.1 401 Unauthorized");
    assert!(r.text().contains("closed the connection"), "{}", r.text());
    assert!(connections >= 1, "the FTP server was never contacted");
}

#[test]
fn wrong_passwords_are_throttled_after_five() {
    let _process = raw::shared();
    let ftp = local_server();
    let (srv, addr) = start();
    let token = raw::login_token(addr);
    let port = ftp.port.to_string();
    let attempt = |password: &str| {
        raw::send(
            addr,
            &raw::login_request(
                &token,
                &[
                    ("host", b"127.0.0.1"),
                    ("port", port.as_bytes()),
                    ("user", USER.as_bytes()),
                    ("password", password.as_bytes()),
                ],
            ),
        )
    };
    for i in 1..=200 {
        let r = attempt(&format!("wrong {i}"));
        if i <= 5 {
            assert_eq!(r.status_line, "HTTP/1.1 401 Unauthorized", "attempt {i}");
            assert!(
                r.text().contains("Wrong user name or password."),
                "attempt {i}"
            );
        } else {
            assert_eq!(
                r.status_line, "HTTP/1.1 429 Too Many Requests",
                "attempt {i}"
            );
            let wait: u64 = r
                .header("Retry-After")
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("attempt {i}: Retry-After in {:?}", r.headers));
            assert!(wait >= 1, "attempt {i}: Retry-After {wait}");
        }
    }
    // Even the right password waits now: nothing reaches the FTP server.
    assert_eq!(attempt(PASSWORD).status(), 429);
    raw::healthy(addr);
    srv.stop();
}

#[test]
fn a_session_cookie_with_re_cased_hex_is_not_a_session() {
    let _process = raw::shared();
    let ftp = local_server();
    let (srv, addr) = start();
    let token = raw::login_token(addr);
    let port = ftp.port.to_string();
    let r = raw::send(
        addr,
        &raw::login_request(
            &token,
            &[
                ("host", b"127.0.0.1"),
                ("port", port.as_bytes()),
                ("user", USER.as_bytes()),
                ("password", PASSWORD.as_bytes()),
            ],
        ),
    );
    assert_eq!(r.status_line, "HTTP/1.1 303 See Other", "{}", r.text());
    let cookie = r
        .all("Set-Cookie")
        .iter()
        .find_map(|c| c.strip_prefix("ftpgate_session="))
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_string();
    let browse = |value: &str| {
        let req =
            format!("GET /browse/ HTTP/1.1\r\nHost: x\r\nCookie: ftpgate_session={value}\r\n\r\n");
        raw::send(addr, req.as_bytes())
    };
    assert_eq!(browse(&cookie).status_line, "HTTP/1.1 200 OK");
    let upper = cookie.to_ascii_uppercase();
    assert_ne!(upper, cookie, "the cookie has hex letters to re-case");
    let r = browse(&upper);
    assert_eq!(r.status_line, "HTTP/1.1 303 See Other");
    assert_eq!(
        r.header("Location"),
        Some("/login?expired=1&next=%2Fbrowse%2F")
    );
    // The real cookie still works: the re-cased one was simply not ours.
    assert_eq!(browse(&cookie).status_line, "HTTP/1.1 200 OK");
    raw::healthy(addr);
    srv.stop();
}

#[test]
fn a_browse_path_that_decodes_without_a_session_redirects_to_the_login() {
    let r = check(
        &raw::get("/browse/ok"),
        "HTTP/1.1 303 See Other",
        Then::KeepsOpen,
    );
    assert_eq!(
        r.header("Location"),
        Some("/login?expired=1&next=%2Fbrowse%2Fok")
    );
}
