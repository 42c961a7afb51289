//! # Data connections
//!
//! Opening the data connection, passive or active. In passive mode the
//! server only chooses the port: we always connect to the control
//! connection's peer address, so a server cannot make ftpgate connect to a
//! third host (the PASV bounce). In active mode we listen on the control
//! connection's local address and take a connection only from the server's
//! address, so nobody else on the network can slip in a file.

use super::command::Command;
use super::control::{configure, Control};
use super::error::{Error, Result};
use super::parse;
use super::Config;
use crate::{log_debug, log_warn};
use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::ops::RangeInclusive;
use std::time::{Duration, Instant};

/// How data connections are opened (`--ftp-mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DataMode {
    /// Passive (EPSV, then PASV); active (EPRT, then PORT) when passive
    /// cannot open a connection at all.
    #[default]
    Auto,
    /// Passive only.
    Passive,
    /// Active only: the server connects to us.
    Active,
}

impl DataMode {
    /// The name `--ftp-mode` and the login form use.
    pub fn name(self) -> &'static str {
        match self {
            DataMode::Auto => "auto",
            DataMode::Passive => "passive",
            DataMode::Active => "active",
        }
    }

    /// The mode a name stands for.
    pub fn from_name(name: &str) -> Option<DataMode> {
        [DataMode::Auto, DataMode::Passive, DataMode::Active]
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(name))
    }
}

/// The command a connection opens data connections with, learnt by falling
/// back; a session starts its next connections with what worked last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// RFC 2428 extended passive mode (IPv4 and IPv6).
    Epsv,
    /// RFC 959 passive mode, IPv4 only.
    Pasv,
    /// RFC 2428 extended active mode (IPv4 and IPv6).
    Eprt,
    /// RFC 959 active mode, IPv4 only.
    Port,
}

impl Channel {
    /// The command's name.
    pub fn verb(self) -> &'static str {
        match self {
            Channel::Epsv => "EPSV",
            Channel::Pasv => "PASV",
            Channel::Eprt => "EPRT",
            Channel::Port => "PORT",
        }
    }

    /// True for EPRT and PORT.
    pub fn is_active(self) -> bool {
        matches!(self, Channel::Eprt | Channel::Port)
    }

    fn first(mode: DataMode) -> Channel {
        match mode {
            DataMode::Auto | DataMode::Passive => Channel::Epsv,
            DataMode::Active => Channel::Eprt,
        }
    }
}

/// How long to sleep between looks at a listening socket at first; the
/// wait doubles up to [`MAX_ACCEPT_NAP`]. The server usually connects
/// before its 1xx reply is read, so the first look finds it.
const FIRST_ACCEPT_NAP: Duration = Duration::from_millis(2);
const MAX_ACCEPT_NAP: Duration = Duration::from_millis(50);
/// How long one look at the control connection waits during an accept.
const ACCEPT_PEEK_WAIT: Duration = Duration::from_millis(1);
/// Connections from other addresses refused before giving up on one
/// transfer: a flood cannot keep the wait busy for ever (the deadline ends
/// it anyway).
const MAX_STRANGERS: usize = 16;

/// A data connection on its way: connected (passive), or a socket waiting
/// for the server (active) until the transfer command's 1xx.
pub(super) enum Opened {
    Connected(TcpStream),
    Listening(TcpListener),
}

/// Where and how data connections are opened: the control connection's
/// peer, the command that works with it, and the socket timeouts.
#[derive(Debug)]
pub(super) struct DataPort {
    peer: SocketAddr,
    mode: DataMode,
    channel: Channel,
    active_ports: Option<RangeInclusive<u16>>,
    connect_timeout: Duration,
    io_timeout: Duration,
    /// No fallbacks: the channel is being tested ([`DataPort::only`]).
    fixed: bool,
    /// The address the last PASV reply named (we connect to `peer` anyway).
    announced: Option<IpAddr>,
    /// The port the last active-mode listener had: the next one in a
    /// range takes another, so a server that reuses its source port does
    /// not meet the last connection's TIME_WAIT (its SYN would go
    /// unanswered until that expires).
    last_active_port: Option<u16>,
}

impl DataPort {
    /// Data connections to (or from) `peer`, as `config.data_mode` says.
    pub(super) fn new(peer: SocketAddr, config: &Config) -> DataPort {
        DataPort {
            peer,
            mode: config.data_mode,
            channel: Channel::first(config.data_mode),
            active_ports: config.active_ports.clone(),
            connect_timeout: config.connect_timeout,
            io_timeout: config.io_timeout,
            fixed: false,
            announced: None,
            last_active_port: None,
        }
    }

    /// Opens data connections with `channel` alone, no fallbacks, until
    /// [`DataPort::restore`]: a test of that one command.
    pub(super) fn only(&mut self, channel: Channel) -> (Channel, bool) {
        let before = (self.channel, self.fixed);
        self.channel = channel;
        self.fixed = true;
        self.announced = None;
        before
    }

    /// Undoes [`DataPort::only`].
    pub(super) fn restore(&mut self, (channel, fixed): (Channel, bool)) {
        self.channel = channel;
        self.fixed = fixed;
    }

    /// The address the last PASV reply named.
    pub(super) fn announced(&self) -> Option<IpAddr> {
        self.announced
    }

    /// The server's address (data connections go only here).
    pub(super) fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// The command data connections are opened with now.
    pub(super) fn channel(&self) -> Channel {
        self.channel
    }

    /// Starts with `channel` (what worked on another connection), when the
    /// mode allows it and the address family can use it.
    pub(super) fn start_with(&mut self, channel: Channel) {
        let allowed = match self.mode {
            DataMode::Auto => true,
            DataMode::Passive => !channel.is_active(),
            DataMode::Active => channel.is_active(),
        };
        let v4_only = matches!(channel, Channel::Pasv | Channel::Port);
        if allowed && (self.peer.is_ipv4() || !v4_only) {
            self.channel = channel;
        }
    }

    /// Opens a data connection, falling back as the server shows what it
    /// lacks: EPSV → PASV (IPv4) → EPRT (in auto mode) → PORT (IPv4).
    pub(super) fn open(&mut self, control: &mut Control) -> Result<Opened> {
        loop {
            let channel = self.channel;
            let failed = match channel {
                Channel::Epsv => match self.epsv(control) {
                    Ok(s) => return Ok(Opened::Connected(s)),
                    Err(e) => e,
                },
                Channel::Pasv => match self.pasv(control) {
                    Ok(s) => return Ok(Opened::Connected(s)),
                    Err(e) => e,
                },
                Channel::Eprt | Channel::Port => match self.listen(control, channel) {
                    Ok(l) => return Ok(Opened::Listening(l)),
                    Err(e) => e,
                },
            };
            // A control connection that broke leaves nothing to try.
            let next = (!control.is_broken() && !self.fixed).then(|| self.next_channel(&failed));
            let Some(next) = next.flatten() else {
                return Err(failed);
            };
            log_warn!(
                "{} did not work ({failed}); using {} from now on",
                channel.verb(),
                next.verb()
            );
            self.channel = next;
        }
    }

    /// What to try after the current channel failed with `e`, if anything.
    fn next_channel(&self, e: &Error) -> Option<Channel> {
        let v4 = self.peer.is_ipv4();
        let auto = self.mode == DataMode::Auto;
        // 5xx: the server refuses or lacks the command (vsftpd with passive
        // off says 550); 425: it could not open the port.
        let refused = match e {
            Error::Reply { reply, .. } => reply.code >= 500 || reply.code == 425,
            Error::Connect { .. } => true,
            _ => false,
        };
        let timed_out = matches!(e, Error::Timeout { .. });
        match self.channel {
            // A timeout means a firewall or NAT drops the packets: PASV
            // would go to the same address, so auto mode goes active.
            Channel::Epsv if auto && timed_out => Some(Channel::Eprt),
            // Some servers lack EPSV, or announce a wrong port with it.
            Channel::Epsv if v4 && refused => Some(Channel::Pasv),
            // Passive cannot connect at all (a firewall in front of the
            // server's ports, or a server that only does active mode).
            Channel::Epsv | Channel::Pasv if auto && (refused || timed_out) => Some(Channel::Eprt),
            Channel::Eprt if v4 && refused => Some(Channel::Port),
            _ => None,
        }
    }

    fn epsv(&self, control: &mut Control) -> Result<TcpStream> {
        let reply = control.cmd(Command::Epsv)?;
        if reply.code != 229 {
            return Err(Error::Reply {
                command: "EPSV",
                reply,
            });
        }
        let port = parse::parse_epsv(reply.first_line_text())?;
        self.connect(port)
    }

    fn pasv(&mut self, control: &mut Control) -> Result<TcpStream> {
        let reply = control.expect(Command::Pasv, &[227])?;
        let (written, port) = parse::parse_pasv(reply.first_line_text())?;
        self.announced = Some(IpAddr::from(written));
        if IpAddr::from(written) != self.peer.ip() {
            log_debug!(
                "PASV named {}; connecting to {} instead",
                IpAddr::from(written),
                self.peer.ip()
            );
        }
        self.connect(port)
    }

    /// Connects to the server's address at `port`, with the timeouts.
    fn connect(&self, port: u16) -> Result<TcpStream> {
        let mut addr = self.peer;
        addr.set_port(port);
        let stream =
            TcpStream::connect_timeout(&addr, self.connect_timeout).map_err(|e| {
                match e.kind() {
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Error::Timeout {
                        during: "opening the data connection",
                    },
                    _ => Error::Connect {
                        addr: addr.to_string(),
                        source: e,
                    },
                }
            })?;
        configure(&stream, self.io_timeout).map_err(Error::Io)?;
        Ok(stream)
    }

    /// Listens on the control connection's local address and tells the
    /// server where, with EPRT or PORT.
    fn listen(&mut self, control: &mut Control, channel: Channel) -> Result<TcpListener> {
        let local = control.local_addr().map_err(Error::Io)?;
        let listener = bind(local, self.active_ports.clone(), self.last_active_port)?;
        let at = listener.local_addr().map_err(Error::Io)?;
        self.last_active_port = Some(at.port());
        let command = match (channel, at) {
            (Channel::Port, SocketAddr::V4(v4)) => Command::Port(v4),
            (Channel::Port, SocketAddr::V6(_)) => {
                return Err(Error::Unsupported("PORT over IPv6 (EPRT is needed)"))
            }
            _ => Command::Eprt(at),
        };
        control.expect(command, &[200])?;
        Ok(listener)
    }

    /// After the transfer command's 1xx: waits for the server to connect
    /// from its own address, refusing anyone else, until the connect
    /// timeout. A negative reply on the control connection (425: the server
    /// could not connect) ends the wait at once.
    pub(super) fn accept(
        &self,
        listener: TcpListener,
        control: &mut Control,
        verb: &'static str,
    ) -> Result<TcpStream> {
        listener.set_nonblocking(true).map_err(Error::Io)?;
        let deadline = Instant::now() + self.connect_timeout;
        let mut nap = FIRST_ACCEPT_NAP;
        let mut strangers = 0;
        loop {
            match listener.accept() {
                Ok((stream, from)) if same_host(from.ip(), self.peer.ip()) => {
                    stream.set_nonblocking(false).map_err(Error::Io)?;
                    configure(&stream, self.io_timeout).map_err(Error::Io)?;
                    return Ok(stream);
                }
                Ok((stranger, from)) => {
                    drop(stranger);
                    strangers += 1;
                    log_warn!(
                        "refused a data connection from {from}: only the FTP server {} may connect",
                        self.peer.ip()
                    );
                    if strangers >= MAX_STRANGERS {
                        return Err(Error::Protocol(format!(
                            "{strangers} data connections came from addresses other than the FTP server's"
                        )));
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::Io(e)),
            }
            // A negative reply (425: the server could not connect) ends the
            // wait. A positive one stays unread: the server may have sent
            // a small file and 226 before we looked, so its connection is
            // waiting here and the reply is the transfer's own.
            if let Some(b'4' | b'5') = control.wait_for_reply(ACCEPT_PEEK_WAIT)? {
                let reply = control.read()?;
                return Err(Error::Reply {
                    command: verb,
                    reply,
                });
            }
            if Instant::now() >= deadline {
                return Err(Error::Timeout {
                    during: "waiting for the server to open the data connection (active mode)",
                });
            }
            std::thread::sleep(nap);
            nap = (nap * 2).min(MAX_ACCEPT_NAP);
        }
    }
}

/// `a` and `b` are one host, an IPv4 address and its IPv4-mapped IPv6 form alike.
fn same_host(a: IpAddr, b: IpAddr) -> bool {
    a.to_canonical() == b.to_canonical()
}

/// A listening socket at `local`'s address (its IPv6 zone kept), on a port
/// from `ports` (tried from a varying start, so two sessions rarely race;
/// `last` only when no other is free) or one the system picks.
fn bind(
    mut local: SocketAddr,
    ports: Option<RangeInclusive<u16>>,
    last: Option<u16>,
) -> Result<TcpListener> {
    let Some(ports) = ports else {
        local.set_port(0);
        return TcpListener::bind(local).map_err(Error::Io);
    };
    let (low, high) = (*ports.start(), *ports.end());
    let span = u32::from(high.saturating_sub(low)) + 1;
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos())
        % span;
    let mut busy = None;
    let ordered = (0..span)
        .map(|i| (low as u32 + (start + i) % span) as u16)
        .filter(|p| Some(*p) != last)
        .chain(last.filter(|p| ports.contains(p)));
    for port in ordered {
        local.set_port(port);
        match TcpListener::bind(local) {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => busy = Some(e),
            Err(e) => return Err(Error::Io(e)),
        }
    }
    Err(Error::Io(io::Error::new(
        io::ErrorKind::AddrInUse,
        format!(
            "every active-mode port from {low} to {high} is in use ({})",
            busy.map_or_else(String::new, |e| e.to_string())
        ),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_names_round_trip() {
        for m in [DataMode::Auto, DataMode::Passive, DataMode::Active] {
            assert_eq!(DataMode::from_name(m.name()), Some(m));
        }
        assert_eq!(DataMode::from_name("ACTIVE"), Some(DataMode::Active));
        assert_eq!(DataMode::from_name("port"), None);
    }

    #[test]
    fn mapped_addresses_are_the_same_host() {
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert!(same_host(v4, mapped));
        assert!(!same_host(v4, "192.0.2.8".parse().unwrap()));
    }

    #[test]
    fn binds_inside_the_range_and_says_when_it_is_full() {
        let local: SocketAddr = "127.0.0.1:21".parse().unwrap();
        let first = bind(local, None, None).unwrap();
        let taken = first.local_addr().unwrap().port();
        let again = bind(local, Some(taken..=taken), None).unwrap_err();
        assert!(again.to_string().contains("in use"), "{again}");
        let range = taken.saturating_sub(3)..=taken;
        let free = bind(local, Some(range.clone()), None).unwrap();
        let port = free.local_addr().unwrap().port();
        assert!(port < taken && port >= taken.saturating_sub(3));
        drop(free);
        // The last port is taken again only when nothing else is free.
        for _ in 0..8 {
            let next = bind(local, Some(range.clone()), Some(port)).unwrap();
            assert_ne!(next.local_addr().unwrap().port(), port);
        }
        let only = bind(local, Some(port..=port), Some(port)).unwrap();
        assert_eq!(only.local_addr().unwrap().port(), port);
    }
}
