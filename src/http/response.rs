//! # Responses
//!
//! A response whose body is in memory, the status line and headers written
//! in one piece, and the framing of streamed bodies. A header that would put
//! CR, LF or NUL (or any control byte) on the wire is a bug in the caller:
//! it is never written, the response becomes a 500 and the bug is logged.

use std::fmt::Write as _;

/// A response with its body in memory (pages, JSON, redirects).
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body,
        }
    }

    /// Adds a header (checked when the response is written).
    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A plain-text response, as the server itself gives for refused requests.
    pub fn plain(status: u16, text: &str) -> Response {
        Response::new(status, format!("{text}\n").into_bytes())
            .with_header("Content-Type", "text/plain; charset=utf-8")
    }
}

/// The whole response, head and body, for a connection that then closes.
pub fn closing_bytes(response: &Response) -> Vec<u8> {
    let length = Length::Known(response.body.len() as u64);
    let mut bytes = head_bytes(
        response.status,
        &response.headers,
        length,
        true,
        Connection::Close,
    )
    .unwrap_or_default();
    bytes.extend_from_slice(&response.body);
    bytes
}

/// How a response body is delimited on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    /// `Content-Length`.
    Known(u64),
    /// Chunked for HTTP/1.1 clients; for HTTP/1.0 the connection's close ends it.
    Unknown,
}

/// What the response says of the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// HTTP/1.1's default: kept open, nothing said.
    Implied,
    /// An HTTP/1.0 client asked to keep it open: say yes, or it will wait for the close.
    KeepAlive,
    /// Closed after this response: `Connection: close`.
    Close,
}

/// Headers the server writes itself: a handler's copy would contradict it.
const FRAMING_HEADERS: [&str; 3] = ["content-length", "transfer-encoding", "connection"];

/// Whether a header can be written as is: a token name and a value of
/// visible ASCII, spaces and tabs.
pub fn valid_header(name: &str, value: &str) -> bool {
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    !name.is_empty()
        && name.bytes().all(token)
        && value
            .bytes()
            .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
}

/// The reason phrase of a status.
pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        303 => "See Other",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        414 => "URI Too Long",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// The status line and headers, or `None` if a header is invalid (logged).
/// `chunked` says which framing `Length::Unknown` gets.
pub fn head_bytes(
    status: u16,
    headers: &[(String, String)],
    length: Length,
    chunked: bool,
    connection: Connection,
) -> Option<Vec<u8>> {
    let mut out = String::with_capacity(512);
    let _ = write!(out, "HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        if !valid_header(name, value) || !(100..=999).contains(&status) {
            crate::log_error!("refusing to send an invalid {name:?} header (a bug)");
            return None;
        }
        if FRAMING_HEADERS.iter().any(|f| name.eq_ignore_ascii_case(f)) {
            continue;
        }
        let _ = write!(out, "{name}: {value}\r\n");
    }
    match length {
        Length::Known(n) => {
            let _ = write!(out, "Content-Length: {n}\r\n");
        }
        Length::Unknown if chunked => out.push_str("Transfer-Encoding: chunked\r\n"),
        Length::Unknown => {}
    }
    match connection {
        Connection::Implied => {}
        Connection::KeepAlive => out.push_str("Connection: keep-alive\r\n"),
        Connection::Close => out.push_str("Connection: close\r\n"),
    }
    out.push_str("\r\n");
    Some(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(name: &str, value: &str) -> Vec<(String, String)> {
        vec![(name.to_string(), value.to_string())]
    }

    #[test]
    fn writes_status_headers_and_length() {
        let head = head_bytes(
            200,
            &h("Content-Type", "text/plain"),
            Length::Known(5),
            true,
            Connection::Implied,
        );
        assert_eq!(
            String::from_utf8(head.unwrap()).unwrap(),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"
        );
        let head = head_bytes(200, &[], Length::Unknown, true, Connection::Close).unwrap();
        let head = String::from_utf8(head).unwrap();
        assert!(
            head.contains("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"),
            "{head}"
        );
        let head = String::from_utf8(
            head_bytes(200, &[], Length::Unknown, false, Connection::Close).unwrap(),
        )
        .unwrap();
        assert!(!head.contains("Transfer-Encoding"), "{head}");
    }

    #[test]
    fn tells_an_http_1_0_client_its_connection_stays_open() {
        let head = head_bytes(200, &[], Length::Known(0), true, Connection::KeepAlive).unwrap();
        assert!(String::from_utf8(head)
            .unwrap()
            .ends_with("Connection: keep-alive\r\n\r\n"));
    }

    #[test]
    fn never_writes_control_bytes_in_a_header() {
        for bad in ["/a\r\nSet-Cookie: x", "a\nb", "a\0b", "caf\u{e9}", "\u{7f}"] {
            assert!(
                head_bytes(
                    303,
                    &h("Location", bad),
                    Length::Known(0),
                    true,
                    Connection::Implied
                )
                .is_none(),
                "{bad:?}"
            );
        }
        assert!(head_bytes(
            200,
            &h("Bad Name", "x"),
            Length::Known(0),
            true,
            Connection::Implied
        )
        .is_none());
        assert!(head_bytes(
            200,
            &h("", "x"),
            Length::Known(0),
            true,
            Connection::Implied
        )
        .is_none());
        assert!(head_bytes(
            200,
            &h("X-Ok", "a\tb c"),
            Length::Known(0),
            true,
            Connection::Implied
        )
        .is_some());
    }

    #[test]
    fn a_handlers_framing_headers_are_replaced_by_the_servers() {
        let headers = vec![
            ("Content-Length".to_string(), "999".to_string()),
            ("Connection".to_string(), "keep-alive".to_string()),
        ];
        let head = String::from_utf8(
            head_bytes(200, &headers, Length::Known(3), true, Connection::Close).unwrap(),
        )
        .unwrap();
        assert_eq!(
            head,
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\n"
        );
    }
}
