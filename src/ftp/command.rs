//! # FTP commands
//!
//! Protocol words as a type. `encode` produces the exact wire line and refuses
//! any argument holding CR, LF or NUL, which would let a file name smuggle in a
//! second command (the injection suppaftp, basic-ftp and old curl shipped).
//! `Display` is for logs and never shows the password.

use super::error::{Error, Result};
use std::fmt;
use std::net::{SocketAddr, SocketAddrV4};

/// One FTP command (RFC 959 §4.1, RFC 2389 FEAT/OPTS, RFC 2428 EPSV, RFC 3659 MLSD/SIZE/MDTM/REST).
#[derive(Clone, PartialEq, Eq)]
pub enum Command<'a> {
    User(&'a [u8]),
    Pass(&'a [u8]),
    Feat,
    /// `OPTS UTF8 ON` (RFC 2640 as deployed).
    OptsUtf8On,
    /// `OPTS MLST <facts>` (RFC 3659 §7.9): which facts MLSD sends.
    OptsMlst(&'a [u8]),
    /// `TYPE I`: binary transfers.
    TypeImage,
    Pwd,
    Cwd(&'a [u8]),
    Cdup,
    Epsv,
    Pasv,
    /// `EPRT |1|192.0.2.7|50000|` or `|2|fe80::1|50000|` (RFC 2428 §2):
    /// active mode, the server connects to this address. No zone: it only
    /// means something on our side.
    Eprt(SocketAddr),
    /// `PORT 192,0,2,7,195,80` (RFC 959): active mode over IPv4.
    Port(SocketAddrV4),
    List,
    Mlsd(&'a [u8]),
    Retr(&'a [u8]),
    Stor(&'a [u8]),
    Appe(&'a [u8]),
    Rest(u64),
    Size(&'a [u8]),
    Mdtm(&'a [u8]),
    Mkd(&'a [u8]),
    Rmd(&'a [u8]),
    Dele(&'a [u8]),
    Rnfr(&'a [u8]),
    Rnto(&'a [u8]),
    /// `SITE CHMOD <octal> <path>`: not in any RFC, but what vsftpd,
    /// ProFTPD, Pure-FTPd and pyftpdlib understand. The mode is at most
    /// `0o7777` (the caller checks; the wire form is whatever octal it is).
    SiteChmod(u16, &'a [u8]),
    Noop,
    Abor,
    Quit,
    // Without the `tls` feature nothing sends the three FTPS commands.
    /// `AUTH TLS`: start TLS on the control connection (RFC 4217 §4).
    #[cfg_attr(not(feature = "tls"), allow(dead_code))]
    AuthTls,
    /// `PBSZ 0`: the buffer size TLS needs, always 0 (RFC 4217 §8).
    #[cfg_attr(not(feature = "tls"), allow(dead_code))]
    Pbsz0,
    /// `PROT P`: data connections under TLS too (RFC 4217 §9).
    #[cfg_attr(not(feature = "tls"), allow(dead_code))]
    ProtP,
}

impl Command<'_> {
    /// The verb as sent on the wire.
    pub fn verb(&self) -> &'static str {
        match self {
            Command::User(_) => "USER",
            Command::Pass(_) => "PASS",
            Command::Feat => "FEAT",
            Command::OptsUtf8On | Command::OptsMlst(_) => "OPTS",
            Command::TypeImage => "TYPE",
            Command::Pwd => "PWD",
            Command::Cwd(_) => "CWD",
            Command::Cdup => "CDUP",
            Command::Epsv => "EPSV",
            Command::Pasv => "PASV",
            Command::Eprt(_) => "EPRT",
            Command::Port(_) => "PORT",
            Command::List => "LIST",
            Command::Mlsd(_) => "MLSD",
            Command::Retr(_) => "RETR",
            Command::Stor(_) => "STOR",
            Command::Appe(_) => "APPE",
            Command::Rest(_) => "REST",
            Command::Size(_) => "SIZE",
            Command::Mdtm(_) => "MDTM",
            Command::Mkd(_) => "MKD",
            Command::Rmd(_) => "RMD",
            Command::Dele(_) => "DELE",
            Command::Rnfr(_) => "RNFR",
            Command::Rnto(_) => "RNTO",
            Command::SiteChmod(..) => "SITE",
            Command::Noop => "NOOP",
            Command::Abor => "ABOR",
            Command::Quit => "QUIT",
            Command::AuthTls => "AUTH",
            Command::Pbsz0 => "PBSZ",
            Command::ProtP => "PROT",
        }
    }

    /// The argument and what to call it in an error message.
    fn argument(&self) -> Option<(&'static str, &[u8])> {
        match *self {
            Command::User(a) => Some(("user name", a)),
            Command::OptsMlst(a) => Some(("MLST facts", a)),
            Command::Pass(a) => Some(("password", a)),
            Command::Cwd(a)
            | Command::Mlsd(a)
            | Command::Retr(a)
            | Command::Stor(a)
            | Command::Appe(a)
            | Command::Size(a)
            | Command::Mdtm(a)
            | Command::Mkd(a)
            | Command::Rmd(a)
            | Command::Dele(a)
            | Command::Rnfr(a)
            | Command::Rnto(a)
            | Command::SiteChmod(_, a) => Some(("path", a)),
            _ => None,
        }
    }

    /// The complete wire line including CRLF, ready for a single `write_all`.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let mut line = Vec::with_capacity(16);
        line.extend_from_slice(self.verb().as_bytes());
        match self {
            Command::OptsUtf8On => line.extend_from_slice(b" UTF8 ON"),
            Command::OptsMlst(facts) => {
                check_argument("MLST facts", facts)?;
                line.extend_from_slice(b" MLST ");
                line.extend_from_slice(facts);
            }
            Command::TypeImage => line.extend_from_slice(b" I"),
            Command::AuthTls => line.extend_from_slice(b" TLS"),
            Command::Pbsz0 => line.extend_from_slice(b" 0"),
            Command::ProtP => line.extend_from_slice(b" P"),
            Command::Rest(offset) => line.extend_from_slice(format!(" {offset}").as_bytes()),
            Command::Eprt(_) | Command::Port(_) => {
                line.push(b' ');
                line.extend_from_slice(self.address().as_bytes());
            }
            Command::SiteChmod(mode, path) => {
                check_argument("path", path)?;
                line.extend_from_slice(format!(" CHMOD {mode:03o} ").as_bytes());
                line.extend_from_slice(path);
            }
            // An empty MLSD argument means "the current directory".
            Command::Mlsd([]) => {}
            _ => {
                if let Some((what, arg)) = self.argument() {
                    check_argument(what, arg)?;
                    line.push(b' ');
                    line.extend_from_slice(arg);
                }
            }
        }
        line.extend_from_slice(b"\r\n");
        Ok(line)
    }
}

impl Command<'_> {
    /// EPRT's and PORT's argument.
    fn address(&self) -> String {
        match self {
            Command::Eprt(SocketAddr::V4(a)) => format!("|1|{}|{}|", a.ip(), a.port()),
            Command::Eprt(SocketAddr::V6(a)) => format!("|2|{}|{}|", a.ip(), a.port()),
            Command::Port(a) => {
                let [h1, h2, h3, h4] = a.ip().octets();
                let [p1, p2] = a.port().to_be_bytes();
                format!("{h1},{h2},{h3},{h4},{p1},{p2}")
            }
            _ => String::new(),
        }
    }
}

/// Refuses CR, LF and NUL, naming the first one found.
pub fn check_argument(what: &'static str, arg: &[u8]) -> Result<()> {
    match arg.iter().find(|b| matches!(b, b'\r' | b'\n' | 0)) {
        Some(&byte) => Err(Error::InvalidArgument { what, byte }),
        None => Ok(()),
    }
}

/// Log form: the password is always `***`, other arguments shown lossily.
impl fmt::Display for Command<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Pass(_) => write!(f, "PASS ***"),
            Command::OptsUtf8On => write!(f, "OPTS UTF8 ON"),
            Command::OptsMlst(facts) => write!(f, "OPTS MLST {}", String::from_utf8_lossy(facts)),
            Command::TypeImage => write!(f, "TYPE I"),
            Command::AuthTls => write!(f, "AUTH TLS"),
            Command::Pbsz0 => write!(f, "PBSZ 0"),
            Command::ProtP => write!(f, "PROT P"),
            Command::Rest(o) => write!(f, "REST {o}"),
            Command::Eprt(_) | Command::Port(_) => write!(f, "{} {}", self.verb(), self.address()),
            Command::SiteChmod(mode, path) => write!(
                f,
                "SITE CHMOD {mode:03o} {}",
                String::from_utf8_lossy(path).escape_debug()
            ),
            _ => match self.argument() {
                Some((_, arg)) if !arg.is_empty() => {
                    write!(
                        f,
                        "{} {}",
                        self.verb(),
                        String::from_utf8_lossy(arg).escape_debug()
                    )
                }
                _ => write!(f, "{}", self.verb()),
            },
        }
    }
}

impl fmt::Debug for Command<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Command({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(c: Command) -> Vec<u8> {
        c.encode().expect("encodes")
    }

    #[test]
    fn encodes_user() {
        assert_eq!(wire(Command::User(b"alice")), b"USER alice\r\n");
    }
    #[test]
    fn encodes_pass() {
        assert_eq!(wire(Command::Pass(b"s3 cret")), b"PASS s3 cret\r\n");
    }
    #[test]
    fn encodes_feat() {
        assert_eq!(wire(Command::Feat), b"FEAT\r\n");
    }
    #[test]
    fn encodes_opts_utf8() {
        assert_eq!(wire(Command::OptsUtf8On), b"OPTS UTF8 ON\r\n");
    }
    #[test]
    fn encodes_type_image() {
        assert_eq!(wire(Command::TypeImage), b"TYPE I\r\n");
    }
    #[test]
    fn encodes_pwd() {
        assert_eq!(wire(Command::Pwd), b"PWD\r\n");
    }
    #[test]
    fn encodes_cwd_with_spaces() {
        assert_eq!(wire(Command::Cwd(b"/a dir/ x")), b"CWD /a dir/ x\r\n");
    }
    #[test]
    fn encodes_cdup() {
        assert_eq!(wire(Command::Cdup), b"CDUP\r\n");
    }
    #[test]
    fn encodes_epsv() {
        assert_eq!(wire(Command::Epsv), b"EPSV\r\n");
    }
    #[test]
    fn encodes_pasv() {
        assert_eq!(wire(Command::Pasv), b"PASV\r\n");
    }
    #[test]
    fn encodes_eprt_and_port() {
        let v4: SocketAddr = "192.0.2.7:50000".parse().unwrap();
        assert_eq!(wire(Command::Eprt(v4)), b"EPRT |1|192.0.2.7|50000|\r\n");
        let v6 = std::net::SocketAddrV6::new("fe80::1".parse().unwrap(), 2121, 0, 3);
        assert_eq!(
            wire(Command::Eprt(v6.into())),
            b"EPRT |2|fe80::1|2121|\r\n",
            "the zone stays on our side"
        );
        let SocketAddr::V4(v4) = v4 else { panic!() };
        assert_eq!(wire(Command::Port(v4)), b"PORT 192,0,2,7,195,80\r\n");
        assert_eq!(Command::Port(v4).to_string(), "PORT 192,0,2,7,195,80");
    }
    #[test]
    fn encodes_list() {
        assert_eq!(wire(Command::List), b"LIST\r\n");
    }
    #[test]
    fn encodes_mlsd_with_and_without_path() {
        assert_eq!(wire(Command::Mlsd(b"/pub")), b"MLSD /pub\r\n");
        assert_eq!(wire(Command::Mlsd(b"")), b"MLSD\r\n");
    }
    #[test]
    fn encodes_retr_with_latin1_bytes() {
        assert_eq!(wire(Command::Retr(b"caf\xe9")), b"RETR caf\xe9\r\n");
    }
    #[test]
    fn encodes_stor() {
        assert_eq!(
            wire(Command::Stor(b"#100% \"q\".txt")),
            b"STOR #100% \"q\".txt\r\n"
        );
    }
    #[test]
    fn encodes_rest() {
        assert_eq!(wire(Command::Rest(5_368_709_120)), b"REST 5368709120\r\n");
    }
    #[test]
    fn encodes_size() {
        assert_eq!(wire(Command::Size(b"f")), b"SIZE f\r\n");
    }
    #[test]
    fn encodes_mdtm() {
        assert_eq!(wire(Command::Mdtm(b"f")), b"MDTM f\r\n");
    }
    #[test]
    fn encodes_mkd() {
        assert_eq!(wire(Command::Mkd(b"new")), b"MKD new\r\n");
    }
    #[test]
    fn encodes_rmd() {
        assert_eq!(wire(Command::Rmd(b"old")), b"RMD old\r\n");
    }
    #[test]
    fn encodes_dele() {
        assert_eq!(wire(Command::Dele(b" lead")), b"DELE  lead\r\n");
    }
    #[test]
    fn encodes_rnfr_rnto() {
        assert_eq!(wire(Command::Rnfr(b"a")), b"RNFR a\r\n");
        assert_eq!(wire(Command::Rnto(b"b")), b"RNTO b\r\n");
    }
    #[test]
    fn encodes_opts_mlst() {
        assert_eq!(
            wire(Command::OptsMlst(b"type;size;unix.mode;")),
            b"OPTS MLST type;size;unix.mode;\r\n"
        );
        assert!(Command::OptsMlst(b"a\r\nDELE x").encode().is_err());
    }
    #[test]
    fn encodes_site_chmod_in_octal() {
        assert_eq!(
            wire(Command::SiteChmod(0o644, b"/a b.txt")),
            b"SITE CHMOD 644 /a b.txt\r\n"
        );
        assert_eq!(
            wire(Command::SiteChmod(0o4755, b"x")),
            b"SITE CHMOD 4755 x\r\n"
        );
        assert_eq!(wire(Command::SiteChmod(0o7, b"x")), b"SITE CHMOD 007 x\r\n");
        assert_eq!(
            Command::SiteChmod(0o600, b"/k").to_string(),
            "SITE CHMOD 600 /k"
        );
        assert!(Command::SiteChmod(0o644, b"x\r\nDELE y").encode().is_err());
    }
    #[test]
    fn encodes_auth_tls() {
        assert_eq!(wire(Command::AuthTls), b"AUTH TLS\r\n");
        assert_eq!(Command::AuthTls.to_string(), "AUTH TLS");
    }

    #[test]
    fn encodes_pbsz_0() {
        assert_eq!(wire(Command::Pbsz0), b"PBSZ 0\r\n");
        assert_eq!(Command::Pbsz0.to_string(), "PBSZ 0");
    }

    #[test]
    fn encodes_prot_p() {
        assert_eq!(wire(Command::ProtP), b"PROT P\r\n");
        assert_eq!(Command::ProtP.to_string(), "PROT P");
    }

    #[test]
    fn encodes_noop_abor_quit() {
        assert_eq!(wire(Command::Noop), b"NOOP\r\n");
        assert_eq!(wire(Command::Abor), b"ABOR\r\n");
        assert_eq!(wire(Command::Quit), b"QUIT\r\n");
    }

    #[test]
    fn rejects_crlf_injection_in_path() {
        let err = Command::Dele(b"x\r\nRMD /").encode().unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidArgument {
                what: "path",
                byte: b'\r'
            }
        ));
        assert!(err.to_string().contains("carriage return"), "{err}");
    }
    #[test]
    fn rejects_lf_in_user_and_nul_in_password() {
        let err = Command::User(b"a\nb").encode().unwrap_err();
        assert!(
            err.to_string().contains("user name contains a line feed"),
            "{err}"
        );
        let err = Command::Pass(b"a\0b").encode().unwrap_err();
        assert!(err.to_string().contains("password contains a NUL"), "{err}");
    }
    #[test]
    fn display_and_debug_hide_password() {
        let c = Command::Pass(b"hunter2");
        assert_eq!(c.to_string(), "PASS ***");
        assert!(!format!("{c:?}").contains("hunter2"));
        assert_eq!(Command::Cwd(b"/x").to_string(), "CWD /x");
    }
}
