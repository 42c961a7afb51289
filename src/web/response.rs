//! # Responses
//!
//! Small builders for the responses handlers return, and the security
//! headers every response carries. Header values are built only from our own
//! ASCII text or percent-encoded paths: no untrusted byte reaches a header.

use maud::Markup;
use std::io::Cursor;
use tiny_http::{Header, Response};

/// A response whose body is in memory (pages, JSON, redirects).
pub type Page = Response<Cursor<Vec<u8>>>;

/// The security headers of every response (DESIGN.md, issue "web appliance").
pub const SECURITY_HEADERS: [(&str, &str); 5] = [
    (
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
         connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
];

/// Builds a header from our own text; `None` (and a log line) if it isn't valid.
pub fn header(name: &str, value: &str) -> Option<Header> {
    let ok = value.bytes().all(|b| (0x20..0x7f).contains(&b));
    let built = if ok {
        Header::from_bytes(name, value).ok()
    } else {
        None
    };
    if built.is_none() {
        crate::log_error!("refusing to send an invalid {name} header");
    }
    built
}

fn with(page: Page, name: &str, value: &str) -> Page {
    match header(name, value) {
        Some(h) => page.with_header(h),
        None => page,
    }
}

/// An HTML page.
pub fn html(status: u16, markup: Markup) -> Page {
    let page = Response::from_data(markup.into_string().into_bytes()).with_status_code(status);
    no_store(with(page, "Content-Type", "text/html; charset=utf-8"))
}

/// A JSON body.
pub fn json(status: u16, body: String) -> Page {
    let page = Response::from_data(body.into_bytes()).with_status_code(status);
    no_store(with(page, "Content-Type", "application/json"))
}

/// Plain text.
pub fn text(status: u16, body: &str) -> Page {
    let page = Response::from_data(body.as_bytes().to_vec()).with_status_code(status);
    with(page, "Content-Type", "text/plain; charset=utf-8")
}

/// 303 See Other to `location` (a path we built, percent-encoded).
pub fn redirect(location: &str) -> Page {
    let page = Response::from_data(Vec::new()).with_status_code(303);
    no_store(with(page, "Location", location))
}

/// Adds a `Set-Cookie` header.
pub fn set_cookie(page: Page, cookie: &str) -> Page {
    with(page, "Set-Cookie", cookie)
}

/// Marks a response as never to be cached (pages show private listings).
pub fn no_store(page: Page) -> Page {
    with(page, "Cache-Control", "no-store")
}

/// Static, versioned asset: cached for a year.
pub fn asset(bytes: Vec<u8>, content_type: &str) -> Page {
    let page = with(Response::from_data(bytes), "Content-Type", content_type);
    with(page, "Cache-Control", "public, max-age=31536000, immutable")
}

/// Adds the security headers; called once for every response sent.
pub fn secure(mut page: Page) -> Page {
    for (name, value) in SECURITY_HEADERS {
        if let Some(h) = header(name, value) {
            page.add_header(h);
        }
    }
    page
}

/// Escapes a string as a JSON string literal (with quotes).
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // `<` escaped too, so JSON shown by a browser can never form a tag.
            c if (c as u32) < 0x20 || c == '<' || c == '>' || c == '&' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `{"error": "..."}`.
pub fn json_error(status: u16, message: &str) -> Page {
    json(status, format!("{{\"error\":{}}}", json_string(message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_string("a\"b\\c\n<x>"), r#""a\"b\\c\n\u003cx\u003e""#);
        assert_eq!(json_string("é✓"), "\"é✓\"");
        assert_eq!(json_string("\u{1}"), r#""\u0001""#);
    }

    #[test]
    fn refuses_header_values_with_crlf_or_non_ascii() {
        assert!(header("Location", "/a\r\nSet-Cookie: x").is_none());
        assert!(header("Location", "/é").is_none());
        assert!(header("Location", "/a%20b").is_some());
    }
}
