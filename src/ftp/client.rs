//! # Client
//!
//! The control connection: login, FEAT, directory commands and the start of
//! transfers. Each operation lists the reply codes it accepts; the quirks of
//! real servers it tolerates are commented where they are tolerated.

use super::command::{check_argument, Command};
use super::data::{self, Passive};
use super::error::{Error, Result};
use super::parse;
use super::reply::codes::{FILE_ACTION_DONE, LOGGED_IN, LOGIN_INCORRECT, NEED_PASSWORD};
use super::reply::{read_reply, Reply};
use super::Config;
use crate::log_debug;
use std::fmt;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// What the server offered in its FEAT reply (RFC 2389).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    /// FEAT itself answered; when false the flags below are guesses (all off).
    pub feat: bool,
    /// MLST/MLSD (RFC 3659 §7).
    pub mlsd: bool,
    /// UTF8 (RFC 2640): we then send `OPTS UTF8 ON`.
    pub utf8: bool,
    /// SIZE (RFC 3659 §4).
    pub size: bool,
    /// MDTM (RFC 3659 §3).
    pub mdtm: bool,
    /// REST STREAM (RFC 3659 §5).
    pub rest: bool,
}

impl Features {
    fn from_reply(reply: &Reply) -> Features {
        let mut f = Features {
            feat: true,
            ..Features::default()
        };
        // Feature lines start with a space; the first and last lines carry the code.
        for line in reply.lines.iter().skip(1) {
            let word = line
                .split(|b| b.is_ascii_whitespace())
                .find(|w| !w.is_empty());
            match word.map(|w| w.to_ascii_uppercase()).as_deref() {
                Some(b"MLST") | Some(b"MLSD") => f.mlsd = true,
                Some(b"UTF8") => f.utf8 = true,
                Some(b"SIZE") => f.size = true,
                Some(b"MDTM") => f.mdtm = true,
                Some(b"REST") => f.rest = true,
                _ => {}
            }
        }
        f
    }
}

/// A logged-in (or about to be) FTP control connection.
pub struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    pub(super) peer: SocketAddr,
    pub(super) config: Config,
    pub(super) features: Features,
    pub(super) passive: Passive,
    pub(super) binary: bool,
    /// The greeting was already 230: no USER/PASS needed.
    greeted_logged_in: bool,
    /// A lost connection or an unfinished reply: the client must not be reused.
    broken: bool,
    /// SIZE answered 500/502 once: don't ask again.
    pub(super) size_refused: bool,
    /// A non-zero REST was sent: the next plain transfer sends `REST 0` first.
    pub(super) rest_sent: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("peer", &self.peer)
            .field("features", &self.features)
            .field("passive", &self.passive)
            .field("broken", &self.broken)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Connects to `host:port` (IPv4, IPv6 or a DNS name) and reads the greeting.
    pub fn connect(host: &str, port: u16, config: &Config) -> Result<Client> {
        let host_only = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<SocketAddr> = (host_only, port)
            .to_socket_addrs()
            .map_err(|source| Error::Resolve {
                host: host.to_string(),
                source,
            })?
            .collect();
        let mut last = None;
        for addr in &addrs {
            match TcpStream::connect_timeout(addr, config.connect_timeout) {
                Ok(stream) => return Client::handshake(stream, *addr, config),
                Err(e) => last = Some((addr, e)),
            }
        }
        Err(match last {
            Some((_, e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                ) =>
            {
                Error::Timeout {
                    during: "connecting",
                }
            }
            Some((addr, source)) => Error::Connect {
                addr: addr.to_string(),
                source,
            },
            None => Error::Resolve {
                host: host.to_string(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no addresses"),
            },
        })
    }

    fn handshake(stream: TcpStream, peer: SocketAddr, config: &Config) -> Result<Client> {
        data::configure(&stream, config.io_timeout).map_err(Error::Io)?;
        let writer = stream.try_clone().map_err(Error::Io)?;
        let mut client = Client {
            reader: BufReader::with_capacity(16 * 1024, stream),
            writer,
            peer,
            config: config.clone(),
            features: Features::default(),
            passive: Passive::Epsv,
            binary: false,
            greeted_logged_in: false,
            broken: false,
            size_refused: false,
            rest_sent: false,
        };
        let mut greeting = client.read()?;
        // 120: "ready in nnn minutes"; the real greeting follows.
        if greeting.code == 120 {
            greeting = client.read()?;
        }
        match greeting.code {
            220 => {}
            230 => client.greeted_logged_in = true,
            _ => {
                return Err(Error::Reply {
                    command: "greeting",
                    reply: greeting,
                })
            }
        }
        Ok(client)
    }

    /// Logs in, then asks FEAT once and switches to binary mode.
    /// 530/430 become [`Error::LoginIncorrect`].
    pub fn login(&mut self, user: impl AsRef<[u8]>, password: impl AsRef<[u8]>) -> Result<()> {
        let (user, password) = (user.as_ref(), password.as_ref());
        check_argument("user name", user)?;
        check_argument("password", password)?;
        if !self.greeted_logged_in {
            let reply = self.cmd(Command::User(user))?;
            match reply.code {
                // Some servers (vsftpd with some setups) accept the user alone.
                230 => {}
                _ if reply.is(NEED_PASSWORD) => {
                    let reply = self.cmd(Command::Pass(password))?;
                    match reply.code {
                        _ if reply.is(LOGGED_IN) => {}
                        _ if reply.is(LOGIN_INCORRECT) => return Err(Error::LoginIncorrect(reply)),
                        332 => return Err(Error::Unsupported("ACCT (account) logins")),
                        _ => {
                            return Err(Error::Reply {
                                command: "PASS",
                                reply,
                            })
                        }
                    }
                }
                _ if reply.is(LOGIN_INCORRECT) => return Err(Error::LoginIncorrect(reply)),
                _ => {
                    return Err(Error::Reply {
                        command: "USER",
                        reply,
                    })
                }
            }
        }
        self.after_login()
    }

    fn after_login(&mut self) -> Result<()> {
        let reply = self.cmd(Command::Feat)?;
        if reply.code == 211 {
            self.features = Features::from_reply(&reply);
        }
        if self.features.utf8 {
            // Servers that list UTF8 but refuse OPTS still work: the answer only informs.
            self.cmd(Command::OptsUtf8On)?;
        }
        self.ensure_binary()
    }

    /// What FEAT said.
    pub fn features(&self) -> &Features {
        &self.features
    }

    /// The server's address (data connections go only here).
    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// False once the control connection failed, timed out or got 421: reconnect.
    pub fn is_usable(&self) -> bool {
        !self.broken
    }

    /// The current directory (RFC 959 Appendix II quoting).
    pub fn pwd(&mut self) -> Result<Vec<u8>> {
        let reply = self.expect(Command::Pwd, &[257])?;
        parse::parse_pwd(reply.first_line_text())
    }

    /// Changes the current directory.
    pub fn cwd(&mut self, path: impl AsRef<[u8]>) -> Result<()> {
        self.expect(Command::Cwd(path.as_ref()), FILE_ACTION_DONE)
            .map(drop)
    }

    /// Goes to the parent directory.
    pub fn cdup(&mut self) -> Result<()> {
        // 200 is RFC 959's code for CDUP; most servers send 250 like CWD.
        self.expect(Command::Cdup, &[200, 250]).map(drop)
    }

    /// Creates a directory.
    pub fn mkd(&mut self, path: impl AsRef<[u8]>) -> Result<()> {
        // 257 per RFC 959; a few embedded servers answer 250.
        self.expect(Command::Mkd(path.as_ref()), &[257, 250])
            .map(drop)
    }

    /// Removes an empty directory.
    pub fn rmd(&mut self, path: impl AsRef<[u8]>) -> Result<()> {
        self.expect(Command::Rmd(path.as_ref()), FILE_ACTION_DONE)
            .map(drop)
    }

    /// Deletes a file.
    pub fn dele(&mut self, path: impl AsRef<[u8]>) -> Result<()> {
        self.expect(Command::Dele(path.as_ref()), FILE_ACTION_DONE)
            .map(drop)
    }

    /// Renames or moves `from` to `to` (RNFR then RNTO).
    pub fn rename(&mut self, from: impl AsRef<[u8]>, to: impl AsRef<[u8]>) -> Result<()> {
        // Check both before sending RNFR, so a bad target leaves no pending rename.
        check_argument("path", to.as_ref())?;
        self.expect(Command::Rnfr(from.as_ref()), &[350])?;
        self.expect(Command::Rnto(to.as_ref()), FILE_ACTION_DONE)
            .map(drop)
    }

    /// Size of a file in bytes (binary mode, so it matches what RETR sends).
    pub fn size(&mut self, path: impl AsRef<[u8]>) -> Result<u64> {
        let reply = self.expect(Command::Size(path.as_ref()), &[213])?;
        parse::parse_size(reply.first_line_text())
    }

    /// Modification time of a file, Unix seconds (UTC).
    pub fn mdtm(&mut self, path: impl AsRef<[u8]>) -> Result<i64> {
        let reply = self.expect(Command::Mdtm(path.as_ref()), &[213])?;
        parse::parse_mdtm(reply.first_line_text())
    }

    /// Keeps the connection alive / checks it is still there.
    pub fn noop(&mut self) -> Result<()> {
        self.expect(Command::Noop, &[200]).map(drop)
    }

    /// Says goodbye; errors are ignored because the connection ends anyway.
    pub fn quit(mut self) {
        if !self.broken {
            let _ = self.cmd(Command::Quit);
        }
    }

    /// Sends a command and checks the reply code is one of `ok`.
    pub(super) fn expect(&mut self, command: Command, ok: &[u16]) -> Result<Reply> {
        let verb = command.verb();
        let reply = self.cmd(command)?;
        if ok.contains(&reply.code) {
            Ok(reply)
        } else {
            Err(Error::Reply {
                command: verb,
                reply,
            })
        }
    }

    /// Sends one command in a single write and reads its reply.
    pub(super) fn cmd(&mut self, command: Command) -> Result<Reply> {
        self.send(&command)?;
        self.read()
    }

    pub(super) fn send(&mut self, command: &Command) -> Result<()> {
        let line = command.encode()?;
        if self.broken {
            return Err(Error::Closed);
        }
        log_debug!("> {command}");
        let written = self.writer.write_all(&line);
        written.map_err(|e| self.fail(Error::io(e, "sending a command")))
    }

    pub(super) fn read(&mut self) -> Result<Reply> {
        match read_reply(&mut self.reader) {
            Ok(reply) => {
                log_debug!("< {} {}", reply.code, reply.text());
                if reply.code == 421 {
                    // Service closing: the server hangs up after this.
                    self.broken = true;
                }
                Ok(reply)
            }
            Err(e) => Err(self.fail(e)),
        }
    }

    /// Marks the client broken when the error means the connection is gone.
    pub(super) fn fail(&mut self, e: Error) -> Error {
        if e.is_connection_lost() {
            self.broken = true;
        }
        e
    }

    /// Reads a reply that may still come within `wait`: `None` when nothing
    /// arrived, leaving the connection in sync.
    pub(super) fn read_late_reply(&mut self, wait: Duration) -> Result<Option<Reply>> {
        if self.reader.buffer().is_empty() {
            let io_timeout = self.config.io_timeout;
            let set = |s: &TcpStream, t| s.set_read_timeout(Some(t)).map_err(Error::Io);
            set(self.reader.get_ref(), wait.min(io_timeout))?;
            let peek = self.reader.fill_buf().map(|b| b.is_empty());
            set(self.reader.get_ref(), io_timeout)?;
            match peek.map_err(|e| Error::io(e, "reading a reply")) {
                Ok(true) => return Err(self.fail(Error::Closed)),
                Ok(false) => {}
                Err(Error::Timeout { .. }) => return Ok(None),
                Err(e) => return Err(self.fail(e)),
            }
        }
        self.read().map(Some)
    }

    pub(super) fn mark_broken(&mut self) {
        self.broken = true;
    }
}
