//! Raw HTTP/1.1 for the hostile-HTTP tests: the bytes a test writes go out
//! exactly as written, responses are parsed by hand, and every read and
//! write has a timeout, so a server that hangs fails the test instead of
//! blocking it. Also the process facts those tests check: RSS and open
//! descriptors (the server runs in this process).

use super::http::encode;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

/// Longer than any answer may take: only a hang gets here.
pub const TIMEOUT: Duration = Duration::from_secs(15);
/// Most bytes of one response we keep (our pages are far smaller).
const MAX_RESPONSE: usize = 4 * 1024 * 1024;

/// One response as received.
#[derive(Debug, Clone)]
pub struct Reply {
    /// `HTTP/1.1 200 OK`, without CRLF; empty if the server closed first.
    pub status_line: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Whether the connection was closed after this response (see [`send`]).
    pub closed: bool,
}

impl Reply {
    /// The status code (0 when nothing was answered).
    pub fn status(&self) -> u16 {
        self.status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    /// A header's first value (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether the server announced `Connection: close`.
    pub fn says_close(&self) -> bool {
        self.header("Connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A connection, with what was received and not yet parsed.
pub struct Conn {
    pub stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    /// Connects with read and write timeouts of [`TIMEOUT`].
    pub fn open(addr: SocketAddr) -> Conn {
        let stream = TcpStream::connect(addr).expect("connect to ftpgate");
        stream.set_read_timeout(Some(TIMEOUT)).expect("timeout");
        stream.set_write_timeout(Some(TIMEOUT)).expect("timeout");
        let _ = stream.set_nodelay(true);
        Conn {
            stream,
            buf: Vec::new(),
        }
    }

    /// Writes all of `bytes` (an error means the server closed or reset).
    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)
    }

    /// Reads one more piece into the buffer: `false` at end of stream or
    /// reset. Panics on a timeout: the server hangs.
    fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 16 * 1024];
        match self.stream.read(&mut chunk) {
            Ok(0) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                assert!(self.buf.len() <= MAX_RESPONSE, "an endless response");
                true
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                panic!("no answer within {TIMEOUT:?}: the server hangs")
            }
            Err(_) => false,
        }
    }

    /// The next response (a `100 Continue` counts as one), or `None` if the
    /// connection ended before a whole one arrived.
    pub fn response(&mut self) -> Option<Reply> {
        let end = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            if !self.fill() {
                return None;
            }
        };
        let head = String::from_utf8_lossy(&self.buf[..end - 4]).into_owned();
        self.buf.drain(..end);
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or("").to_string();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        let mut reply = Reply {
            status_line,
            headers,
            body: Vec::new(),
            closed: false,
        };
        if reply.status() >= 200 {
            reply.body = self.body(&reply)?;
        }
        Some(reply)
    }

    fn body(&mut self, reply: &Reply) -> Option<Vec<u8>> {
        if reply
            .header("Transfer-Encoding")
            .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
        {
            return self.chunked();
        }
        let len: usize = match reply.header("Content-Length") {
            Some(l) => l.parse().expect("a numeric Content-Length"),
            None => {
                while self.fill() {}
                return Some(std::mem::take(&mut self.buf));
            }
        };
        while self.buf.len() < len {
            if !self.fill() {
                return None;
            }
        }
        Some(self.buf.drain(..len).collect())
    }

    fn chunked(&mut self) -> Option<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line = self.line()?;
            let size = usize::from_str_radix(line.trim(), 16).expect("a chunk size");
            while self.buf.len() < size + 2 {
                if !self.fill() {
                    return None;
                }
            }
            body.extend(self.buf.drain(..size));
            self.buf.drain(..2);
            if size == 0 {
                return Some(body);
            }
        }
    }

    fn line(&mut self) -> Option<String> {
        loop {
            if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line = String::from_utf8_lossy(&self.buf[..i]).into_owned();
                self.buf.drain(..i + 2);
                return Some(line);
            }
            if !self.fill() {
                return None;
            }
        }
    }

    /// Waits for the end of the stream (or a reset), dropping what comes
    /// first; true if it came within [`TIMEOUT`], false if still open then.
    pub fn closes(&mut self) -> bool {
        let mut sink = [0u8; 16 * 1024];
        loop {
            match self.stream.read(&mut sink) {
                Ok(0) => return true,
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    return false
                }
                Err(_) => return true,
            }
        }
    }

    /// Whether the connection still serves: a `GET /healthz` on it is answered 200.
    pub fn still_serves(&mut self) -> bool {
        if self.write(&get_closing("/healthz")).is_err() {
            return false;
        }
        self.response().is_some_and(|r| r.status() == 200)
    }
}

/// Sends `bytes` on a new connection and reads one response. `closed`: if
/// the response says `Connection: close`, the connection must then end (a
/// panic if it does not); otherwise a `GET /healthz` is sent on it, and
/// `closed` says whether that went unanswered.
pub fn send(addr: SocketAddr, bytes: &[u8]) -> Reply {
    let mut conn = Conn::open(addr);
    // A server that answers before reading everything may reset the rest.
    let _ = conn.write(bytes);
    let Some(mut reply) = conn.response() else {
        return Reply {
            status_line: String::new(),
            headers: Vec::new(),
            body: Vec::new(),
            closed: true,
        };
    };
    reply.closed = if reply.says_close() {
        assert!(
            conn.closes(),
            "{}: said Connection: close but kept the connection open",
            reply.status_line
        );
        true
    } else {
        !conn.still_serves()
    };
    reply
}

/// `GET path` with a Host header, kept alive.
pub fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").into_bytes()
}

/// `GET path` asking for the connection to close after it.
pub fn get_closing(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").into_bytes()
}

/// Asserts that a fresh connection gets `200 ok` for `GET /healthz`.
pub fn healthy(addr: SocketAddr) {
    let r = send(addr, &get_closing("/healthz"));
    assert_eq!(
        (r.status_line.as_str(), r.text().as_str()),
        ("HTTP/1.1 200 OK", "ok"),
        "the server no longer serves /healthz"
    );
}

/// A line of /proc/self/status in KiB (`VmRSS`, `VmHWM`).
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/self/status"))
}

/// The peak resident set of this process from now on: a buffer the server
/// filled and freed again still shows in it.
pub struct Peak {
    before_kib: u64,
}

impl Peak {
    /// Resets the kernel's high-water mark (`VmHWM`) to the current RSS.
    pub fn start() -> Peak {
        std::fs::write("/proc/self/clear_refs", "5").expect("reset VmHWM (Linux 4.0 or later)");
        Peak {
            before_kib: status_kib("VmRSS"),
        }
    }

    /// How far the peak rose above the RSS at the start, in MiB.
    pub fn growth_mib(&self) -> u64 {
        status_kib("VmHWM").saturating_sub(self.before_kib) / 1024
    }
}

/// Open descriptors of this process (entries of /proc/self/fd).
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .count()
}

/// Tests that measure the whole process (RSS, descriptors) run alone:
/// every other test holds [`shared`], they hold [`exclusive`].
static PROCESS: RwLock<()> = RwLock::new(());

pub fn shared() -> RwLockReadGuard<'static, ()> {
    PROCESS.read().unwrap_or_else(|p| p.into_inner())
}

pub fn exclusive() -> RwLockWriteGuard<'static, ()> {
    PROCESS.write().unwrap_or_else(|p| p.into_inner())
}

/// The login form's CSRF token from `GET /login` (its `ftpgate_login`
/// cookie holds the same value: the double-submit pair).
pub fn login_token(addr: SocketAddr) -> String {
    let r = send(addr, &get_closing("/login"));
    assert_eq!(r.status(), 200, "{}", r.status_line);
    r.all("Set-Cookie")
        .iter()
        .find_map(|c| c.strip_prefix("ftpgate_login="))
        .and_then(|c| c.split(';').next())
        .expect("ftpgate_login cookie")
        .to_string()
}

/// The bytes of `POST /login` with `token` as form field and cookie.
pub fn login_request(token: &str, fields: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = format!("csrf={}", encode(token.as_bytes()));
    for (k, v) in fields {
        body.push_str(&format!("&{}={}", encode(k.as_bytes()), encode(v)));
    }
    let mut req = format!(
        "POST /login HTTP/1.1\r\nHost: x\r\nCookie: ftpgate_login={token}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body.as_bytes());
    req
}
