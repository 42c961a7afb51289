//! A tiny HTTP/1.1 client for the web tests: one connection per request,
//! a cookie jar, and full control over the body (so a test can cut an upload
//! short) and over how a body ends (so a test can see a truncated download).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// A response as received.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body ended as its framing said (length reached / last chunk seen).
    pub complete: bool,
}

impl Resp {
    /// A header's value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A browser-like client with a cookie jar.
pub struct Http {
    pub addr: SocketAddr,
    pub cookies: Vec<(String, String)>,
}

/// One part of a multipart body.
pub struct Part<'a> {
    pub name: &'a str,
    pub filename: Option<&'a str>,
    pub data: &'a [u8],
}

pub const BOUNDARY: &str = "----ftpgateTestBoundary7MA4YWxk";

impl Http {
    pub fn new(addr: SocketAddr) -> Http {
        Http {
            addr,
            cookies: Vec::new(),
        }
    }

    pub fn get(&mut self, path: &str) -> Resp {
        self.send("GET", path, &[], b"")
    }

    pub fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Resp {
        self.send("GET", path, headers, b"")
    }

    /// POSTs an urlencoded form.
    pub fn post_form(&mut self, path: &str, fields: &[(&str, &[u8])]) -> Resp {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k.as_bytes()), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let ct = [("Content-Type", "application/x-www-form-urlencoded")];
        self.send("POST", path, &ct, body.as_bytes())
    }

    /// POSTs a multipart body.
    pub fn post_multipart(&mut self, path: &str, parts: &[Part], headers: &[(&str, &str)]) -> Resp {
        let body = multipart_body(parts);
        let ct = format!("multipart/form-data; boundary={BOUNDARY}");
        let mut all = vec![("Content-Type", ct.as_str())];
        all.extend_from_slice(headers);
        self.send("POST", path, &all, &body)
    }

    /// Sends a request with a complete body and reads the response.
    pub fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Resp {
        let mut stream = self.open(method, path, headers, body.len() as u64);
        stream.write_all(body).expect("send body");
        let resp = read_response(&mut BufReader::new(stream), method == "HEAD");
        self.keep_cookies(&resp);
        resp
    }

    /// Opens a connection and sends the head of a request; the caller writes the body.
    pub fn open(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        len: u64,
    ) -> TcpStream {
        let mut stream = TcpStream::connect(self.addr).expect("connect to ftpgate");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            head.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
        }
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if method == "POST" || method == "PUT" {
            head.push_str(&format!("Content-Length: {len}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).expect("send head");
        stream
    }

    /// Reads a response from a connection opened with `open`.
    pub fn finish(&mut self, stream: TcpStream) -> Resp {
        let resp = read_response(&mut BufReader::new(stream), false);
        self.keep_cookies(&resp);
        resp
    }

    /// Keeps the cookies a response sets (or expires).
    pub fn keep_cookies(&mut self, resp: &Resp) {
        for (k, v) in &resp.headers {
            if !k.eq_ignore_ascii_case("Set-Cookie") {
                continue;
            }
            let pair = v.split(';').next().unwrap_or("");
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            self.cookies.retain(|(n, _)| n != name);
            if !v.contains("Max-Age=0") {
                self.cookies.push((name.to_string(), value.to_string()));
            }
        }
    }

    /// The value of a cookie in the jar.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The multipart body for `parts`, with the test boundary.
pub fn multipart_body(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match p.filename {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
                    p.name,
                    f.replace('"', "%22")
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{}\"\r\n\r\n", p.name).as_bytes(),
            ),
        }
        body.extend_from_slice(p.data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Reads one response from a connection (several in turn on a kept-alive
/// one), plain or TLS.
pub fn read_response(r: &mut impl BufRead, head_only: bool) -> Resp {
    let mut line = String::new();
    r.read_line(&mut line).expect("status line");
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.trim_end().split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut resp = Resp {
        status,
        headers,
        body: Vec::new(),
        complete: true,
    };
    if head_only || status == 304 || status == 204 {
        return resp;
    }
    let chunked = resp
        .header("Transfer-Encoding")
        .is_some_and(|t| t.contains("chunked"));
    if chunked {
        resp.complete = read_chunked(r, &mut resp.body);
    } else if let Some(len) = resp
        .header("Content-Length")
        .and_then(|l| l.parse::<u64>().ok())
    {
        let _ = r.take(len).read_to_end(&mut resp.body);
        resp.complete = resp.body.len() as u64 == len;
    } else {
        let _ = r.read_to_end(&mut resp.body);
    }
    resp
}

fn read_chunked(r: &mut impl BufRead, body: &mut Vec<u8>) -> bool {
    loop {
        let mut size = String::new();
        if r.read_line(&mut size).unwrap_or(0) == 0 {
            return false;
        }
        let Ok(n) = u64::from_str_radix(size.trim(), 16) else {
            return false;
        };
        if n == 0 {
            return true;
        }
        let before = body.len();
        let _ = r.take(n).read_to_end(body);
        if (body.len() - before) as u64 != n {
            return false;
        }
        let mut crlf = [0u8; 2];
        if r.read_exact(&mut crlf).is_err() {
            return false;
        }
    }
}

/// Percent-encodes for a URL path or form value.
pub fn encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The value of `<input name="NAME" value="...">` in a page (first match).
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let v = tag.find("value=\"")? + 7;
    let end = tag[v..].find('"')?;
    Some(
        tag[v..v + end]
            .replace("&amp;", "&")
            .replace("&quot;", "\""),
    )
}
