//! # Data connections
//!
//! Opening the passive-mode data connection. The server only chooses the
//! port: we always connect to the control connection's peer address, so a
//! server cannot make ftpgate connect to a third host (the PASV bounce).

use super::command::Command;
use super::control::{configure, Control};
use super::error::{Error, Result};
use super::parse;
use super::reply::codes::EPSV_REFUSED;
use super::Config;
use crate::{log_debug, log_warn};
use std::io;
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::Duration;

/// Which passive command to use; EPSV until the server shows it can't.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Passive {
    /// RFC 2428 extended passive mode (also works over IPv6).
    Epsv,
    /// RFC 959 passive mode, IPv4 only.
    Pasv,
}

/// Why a data connection attempt failed.
enum ConnectFailure {
    /// The port was refused: worth retrying with PASV.
    Refused(io::Error),
    /// Anything else.
    Other(Error),
}

/// Where and how data connections are opened: the control connection's
/// peer, the passive mode that works with it, and the socket timeouts.
#[derive(Debug)]
pub(super) struct DataPort {
    peer: SocketAddr,
    passive: Passive,
    connect_timeout: Duration,
    io_timeout: Duration,
}

impl DataPort {
    /// Data connections to `peer`, EPSV first.
    pub(super) fn new(peer: SocketAddr, config: &Config) -> DataPort {
        DataPort {
            peer,
            passive: Passive::Epsv,
            connect_timeout: config.connect_timeout,
            io_timeout: config.io_timeout,
        }
    }

    /// The server's address (data connections go only here).
    pub(super) fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// Opens a data connection. EPSV first; on 500/502/522 or a refused
    /// port, PASV from then on (IPv4 only: PASV cannot name an IPv6 port).
    pub(super) fn open(&mut self, control: &mut Control) -> Result<TcpStream> {
        let ip = self.peer.ip();
        if self.passive == Passive::Epsv {
            let reply = control.cmd(Command::Epsv)?;
            match reply.code {
                229 => {
                    let port = parse::parse_epsv(reply.first_line_text())?;
                    match self.connect(ip, port) {
                        Ok(s) => return Ok(s),
                        Err(ConnectFailure::Refused(e)) if ip.is_ipv4() => {
                            log_warn!("EPSV port {port} refused ({e}); using PASV from now on");
                        }
                        Err(ConnectFailure::Refused(e)) => return Err(Error::Io(e)),
                        Err(ConnectFailure::Other(e)) => return Err(e),
                    }
                }
                _ if reply.is(EPSV_REFUSED) && ip.is_ipv4() => {}
                _ => {
                    return Err(Error::Reply {
                        command: "EPSV",
                        reply,
                    })
                }
            }
            self.passive = Passive::Pasv;
        }
        let reply = control.expect(Command::Pasv, &[227])?;
        let (written, port) = parse::parse_pasv(reply.first_line_text())?;
        if IpAddr::from(written) != ip {
            log_debug!(
                "PASV named {}; connecting to {} instead",
                IpAddr::from(written),
                ip
            );
        }
        self.connect(ip, port).map_err(|f| match f {
            ConnectFailure::Refused(source) => Error::Connect {
                addr: SocketAddr::new(ip, port).to_string(),
                source,
            },
            ConnectFailure::Other(e) => e,
        })
    }

    /// Connects to `ip:port` with the configured timeouts.
    fn connect(&self, ip: IpAddr, port: u16) -> std::result::Result<TcpStream, ConnectFailure> {
        let addr = SocketAddr::new(ip, port);
        let stream =
            TcpStream::connect_timeout(&addr, self.connect_timeout).map_err(|e| {
                match e.kind() {
                    io::ErrorKind::ConnectionRefused => ConnectFailure::Refused(e),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                        ConnectFailure::Other(Error::Timeout {
                            during: "opening the data connection",
                        })
                    }
                    _ => ConnectFailure::Other(Error::Connect {
                        addr: addr.to_string(),
                        source: e,
                    }),
                }
            })?;
        configure(&stream, self.io_timeout).map_err(|e| ConnectFailure::Other(Error::Io(e)))?;
        Ok(stream)
    }
}
