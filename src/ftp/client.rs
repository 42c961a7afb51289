//! # Client
//!
//! The public face of the FTP client: connect and log in, directory commands,
//! and the start of listings and transfers. Each operation lists the reply
//! codes it accepts; the quirks of real servers it tolerates are commented
//! where they are tolerated. The wire itself belongs to `Control`.

use super::cert::Fingerprint;
use super::command::{check_argument, Command};
use super::control::Control;
use super::data::{Channel, DataPort, Opened};
use super::error::{Error, LoginStep, Result};
use super::features::Features;
#[cfg(not(feature = "tls"))]
use super::ftps::TlsMode;
use super::list::{self, Entry, Format};
use super::login;
use super::parse;
use super::reply::codes::{FILE_ACTION_DONE, NOT_IMPLEMENTED};
use super::stream::Stream;
#[cfg(feature = "tls")]
use super::tls;
use super::transfer::{self, Download, Restart, Upload};
use super::Config;
use std::fmt;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// A data connection between its opening and the transfer command's 1xx.
enum Pending {
    /// Passive: connected (under `PROT P`, with its TLS handshake begun).
    Connected(Stream),
    /// Active: the server connects after the command.
    Listening(std::net::TcpListener),
}

/// A logged-in (or about to be) FTP control connection.
pub struct Client {
    control: Control,
    data: DataPort,
    pub(super) config: Config,
    features: Features,
    /// `TYPE I` was accepted.
    binary: bool,
    /// The greeting was already 230: no USER/PASS needed.
    greeted_logged_in: bool,
    /// What the greeting said.
    greeting: String,
    /// When the greeting and USER/PASS must be over (`Config::login_timeout`
    /// after the TCP connection).
    login_deadline: Instant,
    /// SIZE answered 500/502/504 once: don't ask again.
    size_refused: bool,
    restart: Restart,
    /// The TLS session under `PROT P`, for the data connections.
    #[cfg(feature = "tls")]
    tls: Option<tls::Session>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("data", &self.data)
            .field("features", &self.features)
            .field("broken", &self.control.is_broken())
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
                Ok(stream) => return Client::handshake(stream, *addr, (host, port), config),
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

    /// The greeting and, as `config.tls` asks, TLS: all of it within the
    /// login timeout, and before anything about the user is sent.
    fn handshake(
        stream: TcpStream,
        peer: SocketAddr,
        (host, port): (&str, u16),
        config: &Config,
    ) -> Result<Client> {
        let login_deadline = Instant::now() + config.login_timeout;
        let mut control = Control::new(stream, config.io_timeout)?;
        let expired = Error::LoginTimeout {
            step: LoginStep::Greeting,
            limit: config.login_timeout,
        };
        #[cfg(feature = "tls")]
        let (greeting, tls) = control.within(login_deadline, expired, |c| {
            tls::greet(c, host, port, config)
        })?;
        #[cfg(not(feature = "tls"))]
        let greeting = {
            let _ = (host, port);
            if matches!(config.tls, TlsMode::Require | TlsMode::Implicit) {
                return Err(Error::TlsRequired(
                    "this build of ftpgate has no TLS".into(),
                ));
            }
            control.within(login_deadline, expired, login::greet)?
        };
        Ok(Client {
            control,
            data: DataPort::new(peer, config),
            config: config.clone(),
            features: Features::default(),
            binary: false,
            greeted_logged_in: greeting.logged_in,
            greeting: greeting.text,
            login_deadline,
            size_refused: false,
            restart: Restart::default(),
            #[cfg(feature = "tls")]
            tls,
        })
    }

    /// True when the control connection (and, with it, every data
    /// connection: `PROT P`) runs under TLS.
    pub fn is_encrypted(&self) -> bool {
        self.control.is_encrypted()
    }

    /// SHA-256 of the server's certificate, under TLS.
    pub fn certificate(&self) -> Option<Fingerprint> {
        #[cfg(feature = "tls")]
        return self.tls.as_ref().and_then(tls::Session::fingerprint);
        #[cfg(not(feature = "tls"))]
        None
    }

    /// Logs in, then asks FEAT once and switches to binary mode.
    /// 530/430 become [`Error::LoginIncorrect`]. USER/PASS must end within
    /// what is left of `Config::login_timeout` since [`Client::connect`]
    /// ([`Error::LoginTimeout`]); FEAT and TYPE have the io timeout.
    pub fn login(&mut self, user: impl AsRef<[u8]>, password: impl AsRef<[u8]>) -> Result<()> {
        let (user, password) = (user.as_ref(), password.as_ref());
        check_argument("user name", user)?;
        check_argument("password", password)?;
        if !self.greeted_logged_in {
            let expired = Error::LoginTimeout {
                step: LoginStep::Login,
                limit: self.config.login_timeout,
            };
            self.control.within(self.login_deadline, expired, |c| {
                login::user_pass(c, user, password)
            })?;
        }
        self.after_login()
    }

    fn after_login(&mut self) -> Result<()> {
        let reply = self.control.cmd(Command::Feat)?;
        if reply.code == 211 {
            self.features = Features::from_reply(&reply);
        }
        if self.features.utf8 {
            // Servers that list UTF8 but refuse OPTS still work: the answer only informs.
            self.control.cmd(Command::OptsUtf8On)?;
        }
        if let Some(facts) = self.features.mlst_opts.clone() {
            // Informational too: without it the listing has no modes.
            self.control.cmd(Command::OptsMlst(&facts))?;
        }
        self.ensure_binary()
    }

    /// What FEAT said.
    pub fn features(&self) -> &Features {
        &self.features
    }

    /// The server's address (data connections go only here).
    pub fn peer(&self) -> SocketAddr {
        self.data.peer()
    }

    /// False once the control connection failed, timed out or got 421: reconnect.
    pub fn is_usable(&self) -> bool {
        !self.control.is_broken()
    }

    /// The current directory (RFC 959 Appendix II quoting).
    pub fn pwd(&mut self) -> Result<Vec<u8>> {
        let reply = self.control.expect(Command::Pwd, &[257])?;
        parse::parse_pwd(reply.first_line_text())
    }

    /// Changes the current directory.
    pub fn cwd(&mut self, path: impl AsRef<[u8]>) -> Result<()> {
        self.control
            .expect(Command::Cwd(path.as_ref()), FILE_ACTION_DONE)
            .map(drop)
    }

    /// Goes to the parent directory.
    pub fn cdup(&mut self) -> Result<()> {
        // 200 is RFC 959's code for CDUP; most servers send 250 like CWD.
        self.control.expect(Command::Cdup, &[200, 250]).map(drop)
    }

    /// Creates a directory.
    pub fn mkd(&mut self, path: impl AsRef<[u8]>) -> Result<()> {
        // 257 per RFC 959; a few embedded servers answer 250.
        self.control
            .expect(Command::Mkd(path.as_ref()), &[257, 250])
            .map(drop)
    }

    /// Removes an empty directory.
    pub fn rmd(&mut self, path: impl AsRef<[u8]>) -> Result<()> {
        self.control
            .expect(Command::Rmd(path.as_ref()), FILE_ACTION_DONE)
            .map(drop)
    }

    /// Deletes a file.
    pub fn dele(&mut self, path: impl AsRef<[u8]>) -> Result<()> {
        self.control
            .expect(Command::Dele(path.as_ref()), FILE_ACTION_DONE)
            .map(drop)
    }

    /// Renames or moves `from` to `to` (RNFR then RNTO).
    pub fn rename(&mut self, from: impl AsRef<[u8]>, to: impl AsRef<[u8]>) -> Result<()> {
        // Check both before sending RNFR, so a bad target leaves no pending rename.
        check_argument("path", to.as_ref())?;
        self.control.expect(Command::Rnfr(from.as_ref()), &[350])?;
        self.control
            .expect(Command::Rnto(to.as_ref()), FILE_ACTION_DONE)
            .map(drop)
    }

    /// Size of a file in bytes (binary mode, so it matches what RETR sends).
    pub fn size(&mut self, path: impl AsRef<[u8]>) -> Result<u64> {
        let reply = self.control.expect(Command::Size(path.as_ref()), &[213])?;
        parse::parse_size(reply.first_line_text())
    }

    /// Modification time of a file, Unix seconds (UTC).
    pub fn mdtm(&mut self, path: impl AsRef<[u8]>) -> Result<i64> {
        let reply = self.control.expect(Command::Mdtm(path.as_ref()), &[213])?;
        parse::parse_mdtm(reply.first_line_text())
    }

    /// Changes a file's or folder's permission bits with `SITE CHMOD`
    /// (`mode` at most `0o7777`). Servers that lack it answer 500/502/504
    /// (libunftp), or 550 when it is switched off (vsftpd `chmod_enable=NO`).
    pub fn chmod(&mut self, path: impl AsRef<[u8]>, mode: u16) -> Result<()> {
        if mode > list::MAX_MODE {
            return Err(Error::Unsupported("a permission mode over 7777"));
        }
        // 200 is what vsftpd and pyftpdlib send; 250 from a few others.
        self.control
            .expect(Command::SiteChmod(mode, path.as_ref()), &[200, 250])
            .map(drop)
    }

    /// Keeps the connection alive / checks it is still there.
    pub fn noop(&mut self) -> Result<()> {
        self.control.expect(Command::Noop, &[200]).map(drop)
    }

    /// Says goodbye; errors are ignored because the connection ends anyway.
    pub fn quit(mut self) {
        if !self.control.is_broken() {
            let _ = self.control.cmd(Command::Quit);
            self.control.close();
        }
    }

    /// Lists a directory (`""` for the current one): MLSD when offered, else LIST.
    /// Without MLSD the listing is taken with `CWD path` + `LIST`, because LIST
    /// arguments are passed to `ls` by many servers (spaces and `-` break them),
    /// so the current directory changes to `path`.
    pub fn list(&mut self, path: impl AsRef<[u8]>) -> Result<Vec<Entry>> {
        let format = if self.features.mlsd {
            Format::Mlsd
        } else {
            Format::List
        };
        self.list_as(path.as_ref(), format)
    }

    /// Lists a directory with LIST even when the server offers MLSD
    /// (`CWD path` + `LIST`, so the current directory changes to `path`).
    /// A second opinion for a tree walk: pyftpdlib's MLSD says `type=dir`
    /// for a link to a folder, while its LIST shows the link (`lrwxrwxrwx`).
    pub fn list_long(&mut self, path: impl AsRef<[u8]>) -> Result<Vec<Entry>> {
        self.list_as(path.as_ref(), Format::List)
    }

    fn list_as(&mut self, path: &[u8], format: Format) -> Result<Vec<Entry>> {
        check_argument("path", path)?;
        let command = match format {
            Format::Mlsd => Command::Mlsd(path),
            Format::List => {
                if !path.is_empty() {
                    self.cwd(path)?;
                }
                Command::List
            }
        };
        let max_bytes = self.config.max_listing_bytes;
        let text = self.start_transfer(command, None)?.read_capped(max_bytes)?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let entries = list::parse_listing(&text, format, now);
        if entries.len() > self.config.max_listing_entries {
            return Err(Error::ListingTooLarge {
                limit: format!("{} entries", self.config.max_listing_entries),
            });
        }
        Ok(entries)
    }

    /// Starts a download at `offset`. SIZE (when the server has it) tells how
    /// many bytes must arrive: fewer is an error at [`Download::finish`].
    pub fn retr(&mut self, path: impl AsRef<[u8]>, offset: u64) -> Result<Download<'_>> {
        let path = path.as_ref();
        check_argument("path", path)?;
        self.ensure_binary()?;
        let size = self.size_if_offered(path)?;
        self.retr_sized(path, offset, size)
    }

    /// Like [`Client::retr`] when the caller already asked SIZE: `size` is the
    /// whole file's size, or `None` when the server does not tell.
    pub fn retr_sized(
        &mut self,
        path: impl AsRef<[u8]>,
        offset: u64,
        size: Option<u64>,
    ) -> Result<Download<'_>> {
        let path = path.as_ref();
        check_argument("path", path)?;
        self.ensure_binary()?;
        if let Some(size) = size {
            if offset > size || (offset == size && offset > 0) {
                return Err(Error::OffsetPastEnd { offset, size });
            }
        }
        let expected = size.map(|s| s - offset);
        self.start_transfer(Command::Retr(path), Some(offset))
            .map(|d| d.expecting(expected))
    }

    /// Starts an upload to `path`, replacing any file there when it finishes.
    pub fn stor(&mut self, path: impl AsRef<[u8]>) -> Result<Upload<'_>> {
        let path = path.as_ref();
        check_argument("path", path)?;
        self.ensure_binary()?;
        let data = self.open_data()?;
        self.restart.at(&mut self.control, 0)?;
        transfer::begin(&mut self.control, Command::Stor(path))?;
        let data = self.ready_data(data, "STOR")?;
        Ok(Upload::new(&mut self.control, data))
    }

    /// Continues an upload to `path`, whose first `offset` bytes the server
    /// already holds: `REST offset` + `STOR`, or `APPE` where REST is refused.
    /// The caller checks beforehand that the file is exactly `offset` long
    /// (APPE appends to whatever is there) and afterwards that SIZE is right
    /// (a server may accept REST and still write from the start).
    pub fn stor_from(&mut self, path: impl AsRef<[u8]>, offset: u64) -> Result<Upload<'_>> {
        if offset == 0 {
            return self.stor(path);
        }
        let path = path.as_ref();
        check_argument("path", path)?;
        self.ensure_binary()?;
        let data = self.open_data()?;
        let command = match self.restart.at(&mut self.control, offset) {
            Ok(()) => Command::Stor(path),
            Err(Error::Unsupported(_)) => Command::Appe(path),
            Err(Error::Reply { reply, .. }) if reply.code >= 500 => Command::Appe(path),
            Err(e) => return Err(e),
        };
        let verb = command.verb();
        transfer::begin(&mut self.control, command)?;
        let data = self.ready_data(data, verb)?;
        Ok(Upload::new(&mut self.control, data))
    }

    fn size_if_offered(&mut self, path: &[u8]) -> Result<Option<u64>> {
        if self.size_refused || (self.features.feat && !self.features.size) {
            return Ok(None);
        }
        match self.size(path) {
            Ok(size) => Ok(Some(size)),
            Err(Error::Reply { reply, .. }) if reply.is(NOT_IMPLEMENTED) => {
                self.size_refused = true;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Opens the data connection, positions the file with REST for RETR
    /// (`rest` is `None` for listings), then sends the command.
    pub(super) fn start_transfer(
        &mut self,
        command: Command,
        rest: Option<u64>,
    ) -> Result<Download<'_>> {
        // A bad argument must fail before EPSV opens a connection for nothing.
        command.encode()?;
        let data = self.open_data()?;
        if let Some(offset) = rest {
            self.restart.at(&mut self.control, offset)?;
        }
        let verb = command.verb();
        transfer::begin(&mut self.control, command)?;
        let data = self.ready_data(data, verb)?;
        Ok(Download::new(&mut self.control, data))
    }

    /// Opens a data connection; under `PROT P` a passive one's TLS
    /// handshake starts. An active one waits for [`Client::ready_data`].
    fn open_data(&mut self) -> Result<Pending> {
        match self.data.open(&mut self.control)? {
            Opened::Listening(listener) => Ok(Pending::Listening(listener)),
            Opened::Connected(tcp) => self.start_tls(tcp).map(Pending::Connected),
        }
    }

    fn start_tls(&self, tcp: TcpStream) -> Result<Stream> {
        #[cfg(feature = "tls")]
        if let Some(session) = &self.tls {
            return session.start_data(tcp);
        }
        Ok(Stream::Plain(tcp))
    }

    /// After the transfer command's 1xx: an active data connection is
    /// accepted, and the data connection's TLS handshake ends. If either
    /// fails, the transfer is aborted.
    fn ready_data(&mut self, data: Pending, verb: &'static str) -> Result<Stream> {
        let data = match data {
            Pending::Connected(stream) => stream,
            Pending::Listening(listener) => {
                let accepted = self.data.accept(listener, &mut self.control, verb);
                let started = accepted.and_then(|tcp| self.start_tls(tcp));
                match started {
                    Ok(stream) => stream,
                    Err(e) => {
                        // A final reply already ended the transfer; else ABOR it.
                        if !matches!(e, Error::Reply { .. }) {
                            transfer::abort(&mut self.control);
                        }
                        return Err(e);
                    }
                }
            }
        };
        #[cfg(feature = "tls")]
        if let Some(session) = &self.tls {
            return session.finish_data(data).inspect_err(|_| {
                transfer::abort(&mut self.control);
            });
        }
        Ok(data)
    }

    /// What the server's greeting said.
    pub fn greeting(&self) -> &str {
        &self.greeting
    }

    /// The server certificate's summary, under TLS.
    pub fn certificate_summary(&self) -> Option<super::cert::CertSummary> {
        #[cfg(feature = "tls")]
        return self.tls.as_ref().and_then(tls::Session::summary);
        #[cfg(not(feature = "tls"))]
        None
    }

    /// Sends USER alone and returns the reply, whatever it is: whether the
    /// server takes a login on this connection (a plain one, when TLS
    /// might be required) without sending a password.
    pub fn probe_user(&mut self, user: impl AsRef<[u8]>) -> Result<super::Reply> {
        self.control.cmd(Command::User(user.as_ref()))
    }

    /// Lists the current folder over a data connection opened with
    /// `channel` alone (no fallbacks): whether that command works with this
    /// server. Returns the entries listed and, for PASV, the address the
    /// server named in its reply.
    pub fn try_channel(&mut self, channel: Channel) -> Result<(usize, Option<std::net::IpAddr>)> {
        let before = self.data.only(channel);
        let max = self.config.max_listing_bytes;
        let listed = self
            .start_transfer(Command::List, None)
            .and_then(|d| d.read_capped(max));
        let announced = self.data.announced();
        self.data.restore(before);
        let text = listed?;
        let lines = text
            .split(|&b| b == b'\n')
            .filter(|l| !l.trim_ascii().is_empty());
        Ok((lines.count(), announced))
    }

    /// The command this connection opens data connections with (what its
    /// fallbacks arrived at).
    pub fn channel(&self) -> Channel {
        self.data.channel()
    }

    /// Opens data connections with `channel` from now on, when the
    /// configured mode allows it: what another connection to the same
    /// server learnt, so it does not fall back again.
    pub fn start_with(&mut self, channel: Channel) {
        self.data.start_with(channel);
    }

    fn ensure_binary(&mut self) -> Result<()> {
        if !self.binary {
            self.control.expect(Command::TypeImage, &[200])?;
            self.binary = true;
        }
        Ok(())
    }
}
