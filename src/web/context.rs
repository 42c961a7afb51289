//! # Request context
//!
//! What every handler gets besides the exchange: the session, the FTP path
//! the address names (decoded once, by the router), the query, JSON or
//! HTML. And the request helpers handlers share: headers, cookies, capped
//! forms, the CSRF check. Below the router, so no handler imports it.

use super::error::{Error, Result};
use super::paths;
use super::response::Page;
use super::session::Session;
use super::views::model::Layout;
use crate::http::{BodyError, Exchange, Method};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Largest urlencoded form body accepted (login, rename, ...): 413 past it,
/// known from `Content-Length` before a byte is read.
pub const MAX_FORM_BYTES: usize = 64 * 1024;
/// A whole form must arrive within this, however slowly it trickles.
pub const FORM_DEADLINE: Duration = Duration::from_secs(20);

/// What a handler produced.
pub enum Reply {
    /// A response in memory, to send.
    Page(Page),
    /// The handler streamed its response itself (a download).
    Sent,
}

impl From<Page> for Reply {
    fn from(p: Page) -> Self {
        Reply::Page(p)
    }
}

/// Which folder an error page's "back" link leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Back {
    /// The session's home (or the login page).
    Home,
    /// The folder the route names (`/mkdir/<dir>/`, `/upload/<dir>/`).
    Dir,
    /// The folder holding what the route names (`/rename/<path>`).
    Parent,
}

/// Facts about the request every handler may need.
#[derive(Clone)]
pub struct Ctx {
    pub method: Method,
    /// The URL path as sent (still percent-encoded).
    pub path: String,
    /// The FTP path after the route's prefix, decoded (`/` for prefix-less routes).
    pub target: Vec<u8>,
    pub query: Vec<(String, Vec<u8>)>,
    pub json: bool,
    pub session: Option<Arc<Session>>,
}

impl Ctx {
    /// The session, or `NotLoggedIn`.
    pub fn session(&self) -> Result<&Arc<Session>> {
        self.session.as_ref().ok_or(Error::NotLoggedIn)
    }

    /// The page frame for a logged-in (or not) user; takes the flash message.
    pub fn layout(&self, title: &str) -> Layout {
        Layout {
            title: title.to_string(),
            account: self.session.as_ref().map(|s| s.account()),
            encrypted: self.session.as_ref().map(|s| s.encrypted),
            csrf: self.session.as_ref().map(|s| s.csrf.clone()),
            flash: self.session.as_ref().and_then(|s| s.take_flash()),
        }
    }
}

/// Whether the client asked for JSON (`Accept` or `?format=json`).
pub fn wants_json(ex: &Exchange<'_>, query: &[(String, Vec<u8>)]) -> bool {
    let accept = ex
        .header("Accept")
        .is_some_and(|a| a.contains("application/json"));
    accept || paths::field(query, "format") == Some(b"json")
}

/// A cookie's value from the `Cookie` header(s).
pub fn cookie(ex: &Exchange<'_>, name: &str) -> Option<String> {
    ex.head
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
        .filter_map(|(_, v)| std::str::from_utf8(v).ok())
        .find_map(|v| cookie_in(v, name))
        .map(str::to_string)
}

/// The value of `name` in one `Cookie` header: `name=value` pairs split on
/// `;` (RFC 6265 section 5.4), names and values trimmed of spaces, values
/// as sent (quotes and all). A pair without `=` or with an empty name is
/// skipped. Written here rather than taken from the `cookie` crate, whose
/// date support alone (the `time` crate) cost 12 KiB of the binary.
fn cookie_in<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .map(|(n, v)| (n.trim(), v.trim()))
        .find(|(n, _)| !n.is_empty() && *n == name)
        .map(|(_, v)| v)
}

/// Reads an urlencoded form body, capped at [`MAX_FORM_BYTES`] and [`FORM_DEADLINE`].
pub fn read_form(ex: &mut Exchange<'_>) -> Result<Vec<(String, Vec<u8>)>> {
    read_form_capped(ex, MAX_FORM_BYTES)
}

/// Like [`read_form`] with a cap of its own (the text editor's form holds
/// a whole file).
pub fn read_form_capped(ex: &mut Exchange<'_>, max: usize) -> Result<Vec<(String, Vec<u8>)>> {
    let deadline = Instant::now() + FORM_DEADLINE;
    match ex.body().read_capped(max, deadline) {
        Ok(body) => Ok(paths::parse_form(&body)),
        Err(BodyError::TooLarge) => Err(Error::TooLarge(format!(
            "The form is larger than {} KiB.",
            max / 1024
        ))),
        Err(BodyError::Io(_)) => Err(Error::BadRequest("the form could not be read".into())),
    }
}

/// Checks the session's CSRF token from the `X-CSRF-Token` header or a form field.
pub fn check_csrf(ex: &Exchange<'_>, session: &Session, form_value: Option<&[u8]>) -> Result<()> {
    let token = ex.header("X-CSRF-Token").map(str::as_bytes).or(form_value);
    match token {
        Some(t) if session.csrf_ok(t) => Ok(()),
        _ => Err(Error::Csrf),
    }
}

#[cfg(test)]
mod tests {
    use super::cookie_in;

    #[test]
    fn cookies_are_found_by_name_in_a_header() {
        let h = "a=1; ftpgate_session=abc ;  b = two words ;junk; =x; ftpgate_session=second";
        assert_eq!(
            cookie_in(h, "ftpgate_session"),
            Some("abc"),
            "the first one counts"
        );
        assert_eq!(cookie_in(h, "b"), Some("two words"));
        assert_eq!(cookie_in(h, "junk"), None);
        assert_eq!(cookie_in(h, ""), None);
        assert_eq!(cookie_in("q=\"v\"", "q"), Some("\"v\""));
        assert_eq!(cookie_in("", "a"), None);
        assert_eq!(cookie_in("A=1", "a"), None, "names are case-sensitive");
    }
}
