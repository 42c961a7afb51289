//! # FTP errors
//!
//! One error type for the whole FTP client, so the web layer can map each case
//! to an HTTP status in one place.

use super::cert::{CertSummary, Fingerprint};
use super::not_ftp::NotFtp;
use super::reply::Reply;
use std::fmt;
use std::io;
use std::time::Duration;

/// Everything that can go wrong talking to an FTP server.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The host name could not be resolved.
    Resolve { host: String, source: io::Error },
    /// No TCP connection could be made (refused, unreachable).
    Connect { addr: String, source: io::Error },
    /// The server did not answer within the configured time.
    Timeout { during: &'static str },
    /// The greeting or the login did not finish within `Config::login_timeout`
    /// (`limit`), however the server spread its bytes over that time.
    LoginTimeout { step: LoginStep, limit: Duration },
    /// Any other socket error.
    Io(io::Error),
    /// The server closed the control connection.
    Closed,
    /// An argument contained a byte that would inject a second command.
    InvalidArgument { what: &'static str, byte: u8 },
    /// The server broke the protocol (bad reply syntax, oversized reply, ...).
    Protocol(String),
    /// What answered is not an FTP server (wrong port?).
    NotFtp(NotFtp),
    /// Wrong user name or password (530/430 during login).
    LoginIncorrect(Reply),
    /// The server answered with an unexpected or negative reply.
    Reply { command: &'static str, reply: Reply },
    /// A listing exceeded the entry or byte cap.
    ListingTooLarge { limit: String },
    /// A download delivered fewer bytes than the server announced.
    ShortTransfer { expected: u64, received: u64 },
    /// The server does not offer a command this operation needs.
    Unsupported(&'static str),
    /// A download was asked to start at or past the end of the file.
    OffsetPastEnd { offset: u64, size: u64 },
    /// `TlsMode::Require`, and the server refused or lacks `AUTH TLS`
    /// (or this build has no TLS). Nothing secret was sent.
    TlsRequired(String),
    /// The TLS handshake or a TLS read/write failed (a server that says 234
    /// and goes on in plain text ends here, never in a plain session).
    Tls(String),
    /// The certificate is neither pinned nor valid under the trusted CAs:
    /// `reason` says why; `cert` is what a person checks before pinning it.
    UntrustedCertificate {
        cert: Box<CertSummary>,
        reason: String,
    },
    /// The server's certificate is not the one pinned for it.
    CertificateChanged {
        expected: Fingerprint,
        got: Fingerprint,
    },
    /// A data connection showed another certificate than the control
    /// connection (someone else answered on the data port).
    DataCertificateMismatch {
        control: Fingerprint,
        data: Fingerprint,
    },
}

/// The part of logging in that ran out of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginStep {
    /// Waiting for the server's 220 after the TCP connection.
    Greeting,
    /// The USER/PASS exchange.
    Login,
}

impl fmt::Display for LoginStep {
    /// What the server did not do, to complete "did not … within".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LoginStep::Greeting => "send its greeting",
            LoginStep::Login => "finish the login (USER/PASS)",
        })
    }
}

/// Result alias for the FTP client.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The FTP reply code behind this error, if the server sent one.
    pub fn code(&self) -> Option<u16> {
        match self {
            Error::LoginIncorrect(r) | Error::Reply { reply: r, .. } => Some(r.code),
            _ => None,
        }
    }

    /// True when the control connection can no longer be used and a new one
    /// (a reconnect) is needed: EOF, 421, timeouts, I/O and protocol errors.
    pub fn is_connection_lost(&self) -> bool {
        match self {
            Error::Closed
            | Error::Io(_)
            | Error::Timeout { .. }
            | Error::LoginTimeout { .. }
            | Error::Protocol(_)
            | Error::NotFtp(_)
            | Error::Tls(_)
            | Error::TlsRequired(_)
            | Error::UntrustedCertificate { .. }
            | Error::CertificateChanged { .. }
            | Error::DataCertificateMismatch { .. }
            | Error::Connect { .. } => true,
            Error::Reply { reply, .. } => reply.code == 421,
            _ => false,
        }
    }

    /// Wraps a socket error, telling timeouts apart.
    pub(crate) fn io(err: io::Error, during: &'static str) -> Error {
        match err.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Error::Timeout { during },
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => Error::Closed,
            _ => Error::Io(err),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Resolve { host, source } => write!(f, "host name {host:?} not found ({source})"),
            Error::Connect { addr, source } => write!(f, "could not connect to {addr}: {source}"),
            Error::Timeout { during } => {
                write!(f, "the FTP server did not answer in time ({during})")
            }
            Error::LoginTimeout { step, limit } => {
                write!(
                    f,
                    "the FTP server did not {step} within {}",
                    seconds(*limit)
                )
            }
            Error::Io(e) => write!(f, "connection error: {e}"),
            Error::Closed => write!(f, "the FTP server closed the connection"),
            Error::InvalidArgument { what, byte } => {
                let name = match byte {
                    b'\r' => "a carriage return (CR)",
                    b'\n' => "a line feed (LF)",
                    0 => "a NUL byte",
                    _ => "a forbidden byte",
                };
                write!(f, "the {what} contains {name}, which FTP cannot carry")
            }
            Error::Protocol(msg) => write!(f, "FTP protocol error: {msg}"),
            Error::NotFtp(what) => write!(f, "the server speaks {what}, not FTP (wrong port?)"),
            Error::LoginIncorrect(r) => write!(f, "login incorrect: {}", r.text()),
            Error::Reply { command, reply } => {
                write!(f, "{command} failed: {} {}", reply.code, reply.text())
            }
            Error::ListingTooLarge { limit } => {
                write!(f, "the directory is too large to list (over {limit})")
            }
            Error::ShortTransfer { expected, received } => write!(
                f,
                "transfer incomplete: received {received} of {expected} bytes"
            ),
            Error::Unsupported(what) => write!(f, "the FTP server does not support {what}"),
            Error::OffsetPastEnd { offset, size } => {
                write!(f, "cannot start at byte {offset} of a {size}-byte file")
            }
            Error::TlsRequired(why) => {
                write!(f, "the FTP server does not offer TLS, which is required ({why})")
            }
            Error::Tls(e) => write!(f, "TLS error: {e}"),
            Error::UntrustedCertificate { cert, reason } => write!(
                f,
                "the FTP server's certificate is not trusted ({reason}); SHA-256 {}",
                cert.fingerprint
            ),
            Error::CertificateChanged { expected, got } => write!(
                f,
                "the FTP server's certificate changed: pinned SHA-256 {expected}, now {got}"
            ),
            Error::DataCertificateMismatch { control, data } => write!(
                f,
                "the data connection's certificate ({data}) is not the control connection's ({control})"
            ),
        }
    }
}

/// `10 s`, or `0.3 s` for the short limits of tests.
fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        // Tenths from the milliseconds: no float formatting in the binary.
        let tenths = (d.as_millis() + 50) / 100;
        format!("{}.{} s", tenths / 10, tenths % 10)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Resolve { source, .. } | Error::Connect { source, .. } => Some(source),
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_ftp_names_the_protocol_only() {
        let e = Error::NotFtp(NotFtp::Ssh);
        assert_eq!(
            e.to_string(),
            "the server speaks SSH, not FTP (wrong port?)"
        );
        assert!(e.is_connection_lost());
    }

    #[test]
    fn login_timeout_says_step_and_limit() {
        let e = Error::LoginTimeout {
            step: LoginStep::Greeting,
            limit: Duration::from_secs(10),
        };
        assert_eq!(
            e.to_string(),
            "the FTP server did not send its greeting within 10 s"
        );
        let e = Error::LoginTimeout {
            step: LoginStep::Login,
            limit: Duration::from_millis(300),
        };
        assert_eq!(
            e.to_string(),
            "the FTP server did not finish the login (USER/PASS) within 0.3 s"
        );
        assert!(e.is_connection_lost());
    }
}
