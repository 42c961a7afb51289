//! # Web errors
//!
//! One error type for handlers and the one place that maps every error,
//! FTP ones included, to an HTTP status and words a person understands.

use super::multipart;
use crate::ftp;
use std::fmt;

/// Everything a handler can fail with.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The FTP server said no, or could not be talked to.
    Ftp(ftp::Error),
    /// The server refused a change (MKD, RNFR/RNTO, DELE, RMD) on a path
    /// that was just seen to exist: a bare 550 then means "not allowed",
    /// not "no such file" (vsftpd: "550 Create directory operation failed.").
    Refused(ftp::Error),
    /// Bad input from the browser.
    BadRequest(String),
    /// Missing or wrong CSRF token.
    Csrf,
    /// No valid session.
    NotLoggedIn,
    /// No such route.
    NotFound,
    /// No such file or folder on the FTP server, in words that name it.
    Missing(String),
    /// Method not allowed on this route.
    Method,
    /// The name exists and overwriting was not asked for.
    Conflict(String),
    /// Part of the work failed (a recursive delete): what happened, the
    /// status of the first failure, and one line per failure.
    Incomplete {
        message: String,
        status: u16,
        details: Vec<String>,
    },
    /// A tree walk refused to start changing things (a cap, or an entry it
    /// cannot classify safely): nothing was changed. The status is 409, or
    /// the one of the server's refusal that stopped the walk.
    Unsafe { message: String, status: u16 },
    /// Too many sessions or concurrent connections.
    Busy(String),
    /// The upload body could not be read.
    Upload(multipart::Error),
    /// ftpgate is stopping (SIGTERM/SIGINT): the request was refused or cut.
    Stopping,
    /// The request body is larger than this route accepts.
    TooLarge(String),
    /// Too many failed logins from this address: wait this many seconds.
    Throttled { retry_after: u64 },
}

/// Result alias for handlers.
pub type Result<T> = std::result::Result<T, Error>;

impl From<ftp::Error> for Error {
    fn from(e: ftp::Error) -> Self {
        Error::Ftp(e)
    }
}

impl From<multipart::Error> for Error {
    fn from(e: multipart::Error) -> Self {
        Error::Upload(e)
    }
}

impl Error {
    /// The HTTP status (DESIGN.md "Error mapping").
    pub fn status(&self) -> u16 {
        match self {
            Error::Ftp(e) => ftp_status(e),
            Error::Refused(e) => match ftp_status(e) {
                404 if !says_missing(e) => 403,
                status => status,
            },
            Error::BadRequest(_) => 400,
            Error::Csrf => 403,
            Error::NotLoggedIn => 401,
            Error::NotFound | Error::Missing(_) => 404,
            Error::Method => 405,
            Error::Conflict(_) => 409,
            Error::Incomplete { status, .. } | Error::Unsafe { status, .. } => *status,
            Error::Busy(_) | Error::Stopping => 503,
            Error::Upload(_) => 400,
            Error::TooLarge(_) => 413,
            Error::Throttled { .. } => 429,
        }
    }

    /// A short title for the error page.
    pub fn title(&self) -> &'static str {
        match self {
            Error::Stopping => return "Stopping",
            Error::Incomplete { .. } => return "Not everything was deleted",
            Error::Unsafe { .. } => return "Nothing was changed",
            _ => {}
        }
        match self.status() {
            400 => "Bad request",
            401 => "Not logged in",
            403 => "Not allowed",
            404 => "Not found",
            405 => "Method not allowed",
            409 => "Already exists",
            413 => "Too large",
            429 => "Too many attempts",
            416 => "Range not satisfiable",
            501 => "Not supported by the server",
            502 => "FTP server problem",
            503 => "Busy",
            504 => "FTP server not answering",
            507 => "Server disk full",
            _ => "Something went wrong",
        }
    }

    /// Whether the FTP connection broke (worth one retry on a fresh one).
    pub fn is_connection_lost(&self) -> bool {
        matches!(self, Error::Ftp(e) | Error::Refused(e) if e.is_connection_lost())
    }

    /// Lines listed under the message (what could not be done).
    pub fn details(&self) -> &[String] {
        match self {
            Error::Incomplete { details, .. } => details,
            _ => &[],
        }
    }

    /// The FTP server's own words, when it sent any.
    pub fn server_said(&self) -> Option<String> {
        match self {
            Error::Ftp(ftp::Error::Reply { reply, .. } | ftp::Error::LoginIncorrect(reply))
            | Error::Refused(ftp::Error::Reply { reply, .. }) => Some(reply.said()),
            _ => None,
        }
    }
}

impl Error {
    /// An FTP error about a path that was just seen in its parent's
    /// listing: a bare 550 then means "not allowed", not "no such file"
    /// (vsftpd: "550 Failed to change directory." for a folder without
    /// permission), so it is 403 with the server's words unless the words
    /// say missing. For a path not seen, use `Error::Ftp` (`?`).
    pub fn seen(e: ftp::Error) -> Error {
        Error::Refused(e)
    }
}

/// Whether the server's words say the path is not there.
fn says_missing(e: &ftp::Error) -> bool {
    let ftp::Error::Reply { reply, .. } = e else {
        return false;
    };
    let text = reply.text().to_ascii_lowercase();
    MISSING_WORDS.iter().any(|w| text.contains(w))
}

/// Words servers use for "no such file" whatever the code.
const MISSING_WORDS: &[&str] = &["no such", "not found", "not exist", "doesn't exist"];

/// Maps an FTP error: 530 → 403, 550 → 404 or 403 by text, 552 → 507,
/// connection problems → 502, timeouts → 504.
fn ftp_status(e: &ftp::Error) -> u16 {
    use ftp::Error as F;
    match e {
        F::LoginIncorrect(_) => 401,
        F::Timeout { .. } | F::LoginTimeout { .. } => 504,
        F::InvalidArgument { .. } => 400,
        F::OffsetPastEnd { .. } => 416,
        F::Unsupported(_) => 501,
        F::Reply { reply, .. } => {
            // Servers disagree on codes (pyftpdlib: "501 No such directory"),
            // so the words decide first, then the code.
            let text = reply.text().to_ascii_lowercase();
            let said = |words: &[&str]| words.iter().any(|w| text.contains(w));
            if said(&["permission", "denied", "not allowed", "access"]) {
                403
            } else if said(MISSING_WORDS) {
                404
            } else {
                match reply.code {
                    530 | 532 => 403,
                    550 | 450 => 404,
                    553 => 400,
                    552 | 452 => 507,
                    502 | 504 => 501,
                    _ => 502,
                }
            }
        }
        _ => 502,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Refused(_) if self.status() == 403 => write!(f, "The FTP server refused this."),
            Error::Ftp(e) | Error::Refused(e) => match e {
                ftp::Error::Reply { .. } if ftp_status(e) == 404 => {
                    write!(f, "No such file or folder on the FTP server.")
                }
                ftp::Error::Reply { .. } if ftp_status(e) == 403 => {
                    write!(f, "The FTP server does not allow this (permission denied).")
                }
                ftp::Error::Reply { reply, .. } if matches!(reply.code, 552 | 452) => {
                    write!(f, "The FTP server has no space left for this file.")
                }
                // The other refusals read alike, whatever the command: the
                // server's own words follow on the page (and in JSON as
                // `server_said`), never a bare "STOR failed: 553 …".
                ftp::Error::Reply { reply, .. } if reply.code == 553 => write!(
                    f,
                    "The FTP server refused this name (it may not allow some of its \
                     characters here, or this folder takes no new files)."
                ),
                ftp::Error::Reply { reply, .. } if (400..500).contains(&reply.code) => write!(
                    f,
                    "The FTP server could not do this just now; try again in a moment."
                ),
                ftp::Error::Reply { .. } => write!(f, "The FTP server refused this."),
                _ => write!(f, "{}", capitalize(&e.to_string())),
            },

            Error::BadRequest(m) => write!(f, "{}", capitalize(m)),
            Error::Csrf => write!(
                f,
                "The form was stale or came from another site; reload the page and try again."
            ),
            Error::NotLoggedIn => write!(f, "Your session ended; please log in again."),
            Error::NotFound => write!(f, "There is no such page."),
            Error::Method => write!(f, "This address does not accept that method."),
            Error::Conflict(m) | Error::Busy(m) | Error::TooLarge(m) | Error::Missing(m) => {
                write!(f, "{m}")
            }
            Error::Incomplete { message, .. } | Error::Unsafe { message, .. } => {
                write!(f, "{message}")
            }
            Error::Throttled { retry_after } => write!(
                f,
                "Too many failed logins from your address; try again in {retry_after} seconds."
            ),
            Error::Upload(e) => write!(f, "{}", capitalize(&e.to_string())),
            Error::Stopping => write!(
                f,
                "ftpgate is stopping or restarting, so this request was refused or cut short \
                 (a file whose upload was cut is not saved). Try again in a moment."
            ),
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ftp::Reply;

    fn reply(code: u16, text: &str) -> Error {
        let line = format!("{code} {text}").into_bytes();
        Error::Ftp(ftp::Error::Reply {
            command: "X",
            reply: Reply {
                code,
                lines: vec![line],
            },
        })
    }

    #[test]
    fn maps_ftp_replies_to_status() {
        assert_eq!(reply(550, "No such file or directory").status(), 404);
        assert_eq!(reply(550, "Permission denied").status(), 403);
        assert_eq!(reply(530, "Not logged in").status(), 403);
        assert_eq!(reply(552, "Quota exceeded").status(), 507);
        assert_eq!(reply(421, "Bye").status(), 502);
        assert_eq!(reply(501, "No such directory.").status(), 404);
        assert_eq!(
            Error::Ftp(ftp::Error::Timeout { during: "x" }).status(),
            504
        );
        assert_eq!(Error::Ftp(ftp::Error::Closed).status(), 502);
    }

    #[test]
    fn shows_the_server_text() {
        assert_eq!(
            reply(550, "gone").server_said().as_deref(),
            Some("550 gone")
        );
        assert!(reply(550, "gone").to_string().contains("No such file"));
    }

    #[test]
    fn refusals_read_alike_whatever_the_command() {
        // Once "X failed: 553 Could not create file." on uploads only.
        for (code, text, words) in [
            (553, "Could not create file.", "refused this name"),
            (451, "Local error", "try again in a moment"),
            (500, "Unknown command", "The FTP server refused this."),
        ] {
            let e = reply(code, text);
            let shown = e.to_string();
            assert!(shown.contains(words), "{code}: {shown}");
            assert!(
                !shown.contains("failed") && !shown.contains(text),
                "{shown}"
            );
            assert_eq!(e.server_said(), Some(format!("{code} {text}")));
        }
    }

    #[test]
    fn a_refused_change_is_forbidden_unless_the_server_says_missing() {
        let refused = |code, text| match reply(code, text) {
            Error::Ftp(e) => Error::Refused(e),
            _ => unreachable!(),
        };
        let e = refused(550, "Create directory operation failed.");
        assert_eq!(e.status(), 403);
        assert_eq!(e.to_string(), "The FTP server refused this.");
        assert_eq!(
            e.server_said().as_deref(),
            Some("550 Create directory operation failed.")
        );
        assert_eq!(refused(550, "No such file or directory").status(), 404);
        assert_eq!(refused(550, "Permission denied").status(), 403);
        assert_eq!(refused(552, "Quota exceeded").status(), 507);
        assert_eq!(refused(421, "Bye").status(), 502);
    }

    /// vsftpd, a folder without permission: listed in its parent, CWD refused.
    #[test]
    fn a_seen_folder_vsftpd_will_not_enter_is_403_not_404() {
        let Error::Ftp(e) = reply(550, "Failed to change directory.") else {
            unreachable!()
        };
        let e = Error::seen(e);
        assert_eq!((e.status(), e.title()), (403, "Not allowed"));
        assert_eq!(
            e.server_said().as_deref(),
            Some("550 Failed to change directory.")
        );
        assert_eq!(reply(550, "Failed to change directory.").status(), 404);
    }

    #[test]
    fn an_unsafe_walk_says_nothing_was_changed() {
        let e = Error::Unsafe {
            message: "too deep".into(),
            status: 409,
        };
        assert_eq!((e.status(), e.title()), (409, "Nothing was changed"));
        assert_eq!(e.to_string(), "too deep");
    }
}
