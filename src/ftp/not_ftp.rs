//! # Not FTP
//!
//! A wrong port is the commonest login mistake, and "protocol error" does not
//! say so. These pure checks recognise what answered instead, from the first
//! bytes it sent, so the user can be told to check the port. The banner itself
//! is never echoed: it is the peer's text, not ours.

use std::fmt;

/// What answered on the port instead of an FTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotFtp {
    /// An HTTP server (a proxy, a web admin page): its line starts `HTTP/`.
    Http,
    /// An SSH server: its banner starts `SSH-` (RFC 4253 §4.2), which SFTP uses too.
    Ssh,
    /// Anything else: a TLS record, binary bytes, another text protocol.
    Other,
}

impl fmt::Display for NotFtp {
    /// The protocol's name, to complete "the server speaks …".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NotFtp::Http => "HTTP",
            NotFtp::Ssh => "SSH",
            NotFtp::Other => "another protocol",
        })
    }
}

/// A reply line that names its protocol: `HTTP/` or `SSH-` at the start.
pub(super) fn sniff_line(line: &[u8]) -> Option<NotFtp> {
    if line.starts_with(b"HTTP/") {
        Some(NotFtp::Http)
    } else if line.starts_with(b"SSH-") {
        Some(NotFtp::Ssh)
    } else {
        None
    }
}

/// Whether a greeting that starts with `first` cannot be FTP at all: every
/// FTP reply starts with a digit, and a byte that is not even text (a TLS
/// record's 0x16, a database's length byte) is not worth waiting for a line end.
pub(super) fn binary_start(first: u8) -> bool {
    !(first.is_ascii_graphic() || first == b' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_nginx_http_400() {
        assert_eq!(sniff_line(b"HTTP/1.1 400 Bad Request"), Some(NotFtp::Http));
    }

    #[test]
    fn sniffs_openssh_banner() {
        assert_eq!(
            sniff_line(b"SSH-2.0-OpenSSH_9.6p1 Ubuntu"),
            Some(NotFtp::Ssh)
        );
    }

    #[test]
    fn ftp_and_other_text_are_not_sniffed() {
        for line in [
            &b"220 vsftpd 3.0.5"[..],
            b"* OK IMAP4rev1",
            b"HTTP",
            b"ssh-2.0",
        ] {
            assert_eq!(sniff_line(line), None, "{line:?}");
        }
    }

    #[test]
    fn tls_record_and_mysql_start_are_binary() {
        // 0x16 starts a TLS handshake record, 0x15 an alert; MySQL 8 greets with
        // a length byte such as 0x4a ('J'), which is text, so only the NUL after it tells.
        assert!(binary_start(0x16));
        assert!(binary_start(0x15));
        assert!(binary_start(0));
        assert!(binary_start(0xff));
        assert!(!binary_start(b'2'));
        assert!(!binary_start(b'J'));
        assert!(!binary_start(b' '));
    }

    #[test]
    fn display_never_carries_the_banner() {
        assert_eq!(NotFtp::Http.to_string(), "HTTP");
        assert_eq!(NotFtp::Ssh.to_string(), "SSH");
        assert_eq!(NotFtp::Other.to_string(), "another protocol");
    }
}
