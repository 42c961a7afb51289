//! # The Server field
//!
//! What people paste into the login form's Server field: a host name or
//! address, `host:port`, `[v6]:port`, a bare IPv6 address (a zone like
//! `fe80::1%eth0` included), or a URL such as `ftp://ann@nas:2121/photos`
//! (`ftps://` is implicit TLS, `ftpes://` explicit TLS, as FileZilla and
//! curl spell them). Only the parts a URL can carry are taken from it; the
//! host itself is still checked by `config::check_host`.

use super::paths;
use crate::config::check_host;
use crate::ftp::TlsMode;

/// Longest Server field accepted (a host is at most 253 bytes; a URL adds a
/// user and a path).
pub const MAX_FIELD: usize = 2048;

/// The parts of a Server field. `None` means "not in the field": the form's
/// own Port, User and Encryption fields stand.
#[derive(Debug, PartialEq, Eq)]
pub struct Server {
    pub host: String,
    pub port: Option<u16>,
    pub user: Option<String>,
    /// The folder to open after logging in (a URL's path).
    pub path: Option<Vec<u8>>,
    pub tls: Option<TlsMode>,
}

/// Splits a Server field; the error says what is wrong, in words.
pub fn parse(field: &str) -> Result<Server, String> {
    let field = field.trim();
    if field.len() > MAX_FIELD {
        return Err("the address is too long".into());
    }
    let Some((scheme, rest)) = field.split_once("://") else {
        let (host, port) = host_port(field)?;
        return Ok(Server {
            host,
            port,
            user: None,
            path: None,
            tls: None,
        });
    };
    let tls = match scheme.to_ascii_lowercase().as_str() {
        "ftp" => None,
        "ftps" => Some(TlsMode::Implicit),
        "ftpes" => Some(TlsMode::Require),
        _ => {
            return Err(format!(
                "{scheme}:// is not FTP; use ftp://, ftps:// or ftpes://"
            ))
        }
    };
    // Whatever follows `?` or `#` is no part of an FTP address.
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, ""),
    };
    let (user, host_port_part) = match authority.rsplit_once('@') {
        Some((info, hp)) => (Some(info), hp),
        None => (None, authority),
    };
    let user = match user {
        // A password in the address would be shown again on a failed
        // login and kept in the browser's history: it belongs in its field.
        Some(info) if info.contains(':') => {
            return Err("type the password in the Password field, not in the address".into())
        }
        Some(info) => {
            let name = paths::decode_component(info.as_bytes())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .filter(|u| !u.chars().any(char::is_control))
                .ok_or("the user name in the address is not readable")?;
            Some(name).filter(|u| !u.is_empty())
        }
        None => None,
    };
    let (host, port) = host_port(host_port_part)?;
    let path = match path {
        "" | "/" => None,
        p => Some(paths::decode(p).map_err(|_| "the folder in the address is not readable")?),
    };
    Ok(Server {
        host,
        port,
        user,
        path,
        tls,
    })
}

/// The field as typed, less a password in a URL's user part: what the
/// form may show again.
pub fn without_password(field: &str) -> String {
    let Some((scheme, rest)) = field.split_once("://") else {
        return field.to_string();
    };
    let end = rest.find('/').unwrap_or(rest.len());
    match rest[..end].rsplit_once('@') {
        Some((info, _)) if info.contains(':') => {
            let user = info.split(':').next().unwrap_or("");
            format!("{scheme}://{user}{}", &rest[info.len()..])
        }
        _ => field.to_string(),
    }
}

/// `host`, `host:port`, `[v6]`, `[v6]:port`, or a bare IPv6 address.
fn host_port(s: &str) -> Result<(String, Option<u16>), String> {
    let port = |p: &str| {
        p.parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .map(Some)
            .ok_or_else(|| format!("{p:?} is not a port from 1 to 65535"))
    };
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or("a [ without its ]")?;
        match after.strip_prefix(':') {
            Some(p) => (host, port(p)?),
            None if after.is_empty() => (host, None),
            None => return Err(format!("unexpected {after:?} after ]")),
        }
    } else if s.matches(':').count() == 1 {
        let (h, p) = s.split_once(':').unwrap_or((s, ""));
        (h, port(p)?)
    } else {
        // No colon, or an IPv6 address without brackets (its last group is
        // not a port).
        (s, None)
    };
    check_host(host)?;
    Ok((host.to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(host: &str, port: Option<u16>) -> Server {
        Server {
            host: host.into(),
            port,
            user: None,
            path: None,
            tls: None,
        }
    }

    #[test]
    fn hosts_with_and_without_ports() {
        assert_eq!(parse(" nas.local ").unwrap(), server("nas.local", None));
        assert_eq!(parse("nas:2121").unwrap(), server("nas", Some(2121)));
        assert_eq!(parse("10.0.0.5:21").unwrap(), server("10.0.0.5", Some(21)));
        assert_eq!(parse("[::1]:2121").unwrap(), server("::1", Some(2121)));
        assert_eq!(parse("[::1]").unwrap(), server("::1", None));
        assert_eq!(parse("fe80::1%eth0").unwrap(), server("fe80::1%eth0", None));
        for bad in [
            "nas:0",
            "nas:99999",
            "nas:x",
            "[::1",
            "[::1]x",
            "",
            "a b",
            "nas:",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_give_user_port_folder_and_encryption() {
        let s = parse("ftp://ann%20b@nas:2121/photos/2026%20summer/").unwrap();
        assert_eq!(s.host, "nas");
        assert_eq!(s.port, Some(2121));
        assert_eq!(s.user.as_deref(), Some("ann b"));
        assert_eq!(s.path.as_deref(), Some(&b"/photos/2026 summer"[..]));
        assert_eq!(s.tls, None);
        let s = parse("FTPS://[2001:db8::2]/").unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.path),
            ("2001:db8::2", None, None)
        );
        assert_eq!(s.tls, Some(TlsMode::Implicit));
        assert_eq!(parse("ftpes://h").unwrap().tls, Some(TlsMode::Require));
        assert_eq!(
            parse("ftp://h/a?x=1#y").unwrap().path.as_deref(),
            Some(&b"/a"[..])
        );
        assert_eq!(parse("ftp://@h").unwrap().user, None);
    }

    #[test]
    fn urls_that_are_refused_say_why() {
        let e = parse("ftp://ann:secret@nas").unwrap_err();
        assert!(e.contains("Password field"), "{e}");
        assert!(!e.contains("secret"));
        assert_eq!(
            without_password("ftp://ann:secret@nas:21/a@b"),
            "ftp://ann@nas:21/a@b"
        );
        assert_eq!(without_password("ftp://ann@nas"), "ftp://ann@nas");
        assert_eq!(without_password("nas:21"), "nas:21");
        assert!(parse("http://nas").unwrap_err().contains("not FTP"));
        assert!(
            parse("ftp://ann%0d%0aUSER%20x@nas").is_err(),
            "CR/LF in the user"
        );
        assert!(parse("ftp://nas/a%00b").is_err(), "NUL in the folder");
        assert!(parse("ftp://").is_err());
        assert!(parse(&"h".repeat(MAX_FIELD + 1)).is_err());
    }
}
