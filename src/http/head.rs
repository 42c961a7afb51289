//! # Request head
//!
//! Finds the end of a request head while it arrives, enforcing the line,
//! count and size caps on every byte read (so a client can't make us hold
//! more than `MAX_HEAD`), then parses it with `httparse` and decides how the
//! body is framed (RFC 9112 §6). Pure code over bytes; the connection does
//! the reading.

use super::limits::{MAX_HEAD, MAX_HEADERS, MAX_HEADER_LINE, MAX_REQUEST_LINE};

/// Why a request head was refused; each maps to one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadError {
    /// The request line is longer than `MAX_REQUEST_LINE` (414).
    LineTooLong,
    /// A header line, the header count or the whole head is over its cap (431).
    TooLarge,
    /// Not a valid HTTP/1.x request head (400).
    Malformed(&'static str),
    /// A version other than HTTP/1.0 or 1.1 (505).
    Version,
    /// A transfer coding other than `chunked` (400: refused like every other framing doubt).
    Coding,
    /// The head did not arrive within the head deadline (408).
    TimedOut,
}

impl HeadError {
    /// The status of the answer.
    pub fn status(self) -> u16 {
        match self {
            HeadError::LineTooLong => 414,
            HeadError::TooLarge => 431,
            HeadError::Malformed(_) | HeadError::Coding => 400,
            HeadError::Version => 505,
            HeadError::TimedOut => 408,
        }
    }

    /// A short reason for the body of the answer and the log.
    pub fn reason(self) -> &'static str {
        match self {
            HeadError::LineTooLong => "the request line is too long",
            HeadError::TooLarge => "the request headers are too large",
            HeadError::Malformed(why) => why,
            HeadError::Version => "only HTTP/1.0 and HTTP/1.1 are served",
            HeadError::Coding => "only the chunked transfer coding is accepted",
            HeadError::TimedOut => "the request did not arrive in time",
        }
    }
}

/// Finds the end of a head in a growing buffer, one new byte at a time, so
/// a trickled head costs linear time.
#[derive(Debug, Default)]
pub struct Scanner {
    /// Bytes already looked at.
    pos: usize,
    /// Where the current line starts.
    line_start: usize,
    /// Complete lines seen (the request line included; leading blank lines not).
    lines: usize,
}

impl Scanner {
    /// Looks at the bytes of `buf` not seen yet. `Ok(Some(n))`: the head is
    /// `buf[..n]`, blank line included. `Ok(None)`: more bytes are needed.
    pub fn scan(&mut self, buf: &[u8]) -> Result<Option<usize>, HeadError> {
        while self.pos < buf.len() {
            let b = buf[self.pos];
            self.pos += 1;
            if self.pos > MAX_HEAD {
                return Err(HeadError::TooLarge);
            }
            if b != b'\n' {
                // A CR may end the line: it does not count toward its length.
                if b != b'\r' {
                    self.check_line(self.pos - self.line_start)?;
                }
                continue;
            }
            let line = &buf[self.line_start..self.pos - 1];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            self.line_start = self.pos;
            if line.is_empty() {
                if self.lines > 0 {
                    return Ok(Some(self.pos));
                }
                // RFC 9112 §2.2: blank lines before the request line are ignored.
                continue;
            }
            self.lines += 1;
            if self.lines == 1 && !has_version(line) {
                // HTTP/0.9 (`GET /`) never sends the blank line we would wait for.
                return Err(HeadError::Malformed("not an HTTP/1.x request line"));
            }
            if self.lines > MAX_HEADERS + 1 {
                return Err(HeadError::TooLarge);
            }
        }
        if buf.len() >= MAX_HEAD {
            return Err(HeadError::TooLarge);
        }
        Ok(None)
    }

    fn check_line(&self, len: usize) -> Result<(), HeadError> {
        match self.lines {
            0 if len > MAX_REQUEST_LINE => Err(HeadError::LineTooLong),
            1.. if len > MAX_HEADER_LINE => Err(HeadError::TooLarge),
            _ => Ok(()),
        }
    }

    /// Bytes of blank lines before the request line, to skip.
    pub fn leading_blank(buf: &[u8]) -> usize {
        buf.iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count()
    }
}

/// Whether a request line ends in an `HTTP/` version (any: 505 comes later).
fn has_version(line: &[u8]) -> bool {
    line.rsplit(|&b| b == b' ')
        .next()
        .is_some_and(|v| v.starts_with(b"HTTP/"))
        && line.contains(&b' ')
}

/// The request method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Options,
    /// Any other token (the router answers 405 or 501).
    Other(String),
}

impl Method {
    fn parse(token: &str) -> Method {
        match token {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            "OPTIONS" => Method::Options,
            other => Method::Other(other.to_string()),
        }
    }

    /// The method as sent.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Other(s) => s,
        }
    }
}

/// How the request body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `Content-Length` bytes (0: no body).
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
}

/// A parsed request head.
#[derive(Debug, Clone)]
pub struct Head {
    pub method: Method,
    /// The origin-form target (`/path?query`), visible ASCII only.
    pub target: String,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor: u8,
    /// Names as sent; values as bytes (they may hold obs-text).
    pub headers: Vec<(String, Vec<u8>)>,
    pub framing: Framing,
    /// `Expect: 100-continue` was sent (HTTP/1.1 only).
    pub expect_continue: bool,
    /// The client asked to keep the connection open after this request.
    pub keep_alive: bool,
}

impl Head {
    /// Parses a complete head (as found by [`Scanner`], blank lines skipped).
    pub fn parse(bytes: &[u8]) -> Result<Head, HeadError> {
        let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut req = httparse::Request::new(&mut slots);
        match req.parse(bytes) {
            Ok(httparse::Status::Complete(_)) => {}
            Ok(httparse::Status::Partial) => return Err(HeadError::Malformed("incomplete head")),
            Err(httparse::Error::Version) => return Err(HeadError::Version),
            Err(httparse::Error::TooManyHeaders) => return Err(HeadError::TooLarge),
            Err(_) => return Err(HeadError::Malformed("malformed request head")),
        }
        let (Some(method), Some(target), Some(minor)) = (req.method, req.path, req.version) else {
            return Err(HeadError::Malformed("malformed request line"));
        };
        let target = origin_form(target)?;
        let headers: Vec<(String, Vec<u8>)> = req
            .headers
            .iter()
            .map(|h| (h.name.to_string(), h.value.to_vec()))
            .collect();
        if headers.iter().any(|(_, v)| v.contains(&0)) {
            return Err(HeadError::Malformed("a header holds a NUL byte"));
        }
        let mut head = Head {
            method: Method::parse(method),
            target,
            minor,
            headers,
            framing: Framing::Length(0),
            expect_continue: false,
            keep_alive: false,
        };
        head.framing = framing(&head)?;
        head.expect_continue = expect_continue(&head)?;
        head.keep_alive = keep_alive(&head);
        if minor == 1 && head.values("host").count() != 1 {
            // RFC 9112 §3.2: exactly one Host in HTTP/1.1.
            return Err(HeadError::Malformed(
                "HTTP/1.1 needs exactly one Host header",
            ));
        }
        Ok(head)
    }

    /// Every value of header `name` (case-insensitive), split at commas.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(|&b| b == b','))
            .map(<[u8]>::trim_ascii)
    }

    /// The first value of header `name`, if it is UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| std::str::from_utf8(v).ok())
    }
}

/// Accepts `/path?query`, `*` and absolute-form `http://host/path` (RFC 9112
/// §3.2.2: a server must accept it), returning the origin form.
fn origin_form(target: &str) -> Result<String, HeadError> {
    if !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(HeadError::Malformed("the request target has invalid bytes"));
    }
    if target.starts_with('/') || target == "*" {
        return Ok(target.to_string());
    }
    let lower = target
        .get(..8)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let rest = if lower.starts_with("http://") {
        &target[7..]
    } else if lower.starts_with("https://") {
        &target[8..]
    } else {
        return Err(HeadError::Malformed("the request target must be a path"));
    };
    Ok(match rest.find(['/', '?']) {
        Some(i) if rest.as_bytes()[i] == b'/' => rest[i..].to_string(),
        Some(i) => format!("/{}", &rest[i..]),
        None => "/".to_string(),
    })
}

/// RFC 9112 §6.1–6.3, strictly: chunked must be the only coding, never with
/// Content-Length; lengths must be plain digits and agree.
fn framing(head: &Head) -> Result<Framing, HeadError> {
    let has_te = head
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding"));
    let has_cl = head
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-length"));
    if has_te {
        if has_cl {
            return Err(HeadError::Malformed(
                "Content-Length and Transfer-Encoding together",
            ));
        }
        if head.minor == 0 {
            return Err(HeadError::Malformed(
                "Transfer-Encoding in an HTTP/1.0 request",
            ));
        }
        let codings: Vec<&[u8]> = head.values("transfer-encoding").collect();
        return match codings.as_slice() {
            [only] if only.eq_ignore_ascii_case(b"chunked") => Ok(Framing::Chunked),
            _ => Err(HeadError::Coding),
        };
    }
    let mut length = None;
    for value in head.values("content-length") {
        let n = parse_length(value).ok_or(HeadError::Malformed("invalid Content-Length"))?;
        if length.is_some_and(|l| l != n) {
            return Err(HeadError::Malformed("conflicting Content-Length values"));
        }
        length = Some(n);
    }
    Ok(Framing::Length(length.unwrap_or(0)))
}

/// Digits only (no sign, no space, no hex), fitting a u64.
fn parse_length(value: &[u8]) -> Option<u64> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(value).ok()?.parse().ok()
}

fn expect_continue(head: &Head) -> Result<bool, HeadError> {
    let mut expect = head.values("expect").peekable();
    if expect.peek().is_none() {
        return Ok(false);
    }
    match expect.all(|v| v.eq_ignore_ascii_case(b"100-continue")) {
        true => Ok(head.minor == 1),
        false => Err(HeadError::Malformed("unsupported Expect header")),
    }
}

fn keep_alive(head: &Head) -> bool {
    let has = |token: &[u8]| {
        head.values("connection")
            .any(|v| v.eq_ignore_ascii_case(token))
    };
    match head.minor {
        1 => !has(b"close"),
        _ => has(b"keep-alive"),
    }
}

#[cfg(test)]
#[path = "head_tests.rs"]
mod tests;
