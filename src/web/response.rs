//! # Responses
//!
//! Small builders for the responses handlers return, and the security
//! headers every response carries. Header values are built only from our own
//! ASCII text or percent-encoded paths: no untrusted byte reaches a header.

use crate::http::{valid_header, Response};
use maud::Markup;

/// A response whose body is in memory (pages, JSON, redirects).
pub type Page = Response;

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

/// Adds a header built from our own text; one that isn't valid is left out
/// (and logged), so no untrusted byte can reach the wire.
pub fn with(page: Page, name: &str, value: &str) -> Page {
    if valid_header(name, value) {
        page.with_header(name, value)
    } else {
        crate::log_error!("refusing to send an invalid {name} header");
        page
    }
}

/// An HTML page.
pub fn html(status: u16, markup: Markup) -> Page {
    let page = Response::new(status, markup.into_string().into_bytes());
    no_store(with(page, "Content-Type", "text/html; charset=utf-8"))
}

/// A JSON body.
pub fn json(status: u16, body: String) -> Page {
    let page = Response::new(status, body.into_bytes());
    no_store(with(page, "Content-Type", "application/json"))
}

/// Plain text.
pub fn text(status: u16, body: &str) -> Page {
    let page = Response::new(status, body.as_bytes().to_vec());
    with(page, "Content-Type", "text/plain; charset=utf-8")
}

/// 303 See Other to `location` (a path we built, percent-encoded).
pub fn redirect(location: &str) -> Page {
    no_store(with(Response::new(303, Vec::new()), "Location", location))
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
    let page = with(Response::new(200, bytes), "Content-Type", content_type);
    with(page, "Cache-Control", "public, max-age=31536000, immutable")
}

/// Adds the security headers; called once for every response sent. Over
/// HTTPS every cookie gets `Secure`, so a browser never sends it in clear.
pub fn secure(mut page: Page, https: bool) -> Page {
    if https {
        for (name, value) in &mut page.headers {
            if name.eq_ignore_ascii_case("Set-Cookie") {
                value.push_str("; Secure");
            }
        }
    }
    for (name, value) in SECURITY_HEADERS {
        page = page.with_header(name, value);
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_out_header_values_with_crlf_or_non_ascii() {
        assert!(redirect("/a\r\nSet-Cookie: x").header("Location").is_none());
        assert!(redirect("/é").header("Location").is_none());
        assert_eq!(redirect("/a%20b").header("Location"), Some("/a%20b"));
    }
}
