//! # Data connections
//!
//! Opening the passive-mode data connection and the commands that use one:
//! listings, RETR and STOR. The server only chooses the port: we always
//! connect to the control connection's peer address, so a server cannot make
//! ftpgate connect to a third host (the PASV bounce).

use super::client::Client;
use super::command::{check_argument, Command};
use super::error::{Error, Result};
use super::list::{self, Entry, Format};
use super::parse;
use super::reply::codes::{EPSV_REFUSED, NOT_IMPLEMENTED, PRELIMINARY};
use super::transfer::{Download, Upload};
use crate::{log_debug, log_warn};
use std::io::{self, Read};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Which passive command to use; EPSV until the server shows it can't.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passive {
    /// RFC 2428 extended passive mode (also works over IPv6).
    Epsv,
    /// RFC 959 passive mode, IPv4 only.
    Pasv,
}

/// Why a data connection attempt failed.
pub enum ConnectFailure {
    /// The port was refused: worth retrying with PASV.
    Refused(io::Error),
    /// Anything else.
    Other(Error),
}

/// Connects to `ip:port` with the configured timeouts.
pub fn connect(
    ip: IpAddr,
    port: u16,
    connect_timeout: Duration,
    io_timeout: Duration,
) -> std::result::Result<TcpStream, ConnectFailure> {
    let addr = SocketAddr::new(ip, port);
    let stream =
        TcpStream::connect_timeout(&addr, connect_timeout).map_err(|e| match e.kind() {
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
        })?;
    configure(&stream, io_timeout).map_err(|e| ConnectFailure::Other(Error::Io(e)))?;
    Ok(stream)
}

/// Sets the read/write timeouts and disables Nagle on a socket.
pub fn configure(stream: &TcpStream, io_timeout: Duration) -> io::Result<()> {
    stream.set_read_timeout(Some(io_timeout))?;
    stream.set_write_timeout(Some(io_timeout))?;
    stream.set_nodelay(true)
}

impl Client {
    /// Lists a directory (`""` for the current one): MLSD when offered, else LIST.
    /// Without MLSD the listing is taken with `CWD path` + `LIST`, because LIST
    /// arguments are passed to `ls` by many servers (spaces and `-` break them),
    /// so the current directory changes to `path`.
    pub fn list(&mut self, path: impl AsRef<[u8]>) -> Result<Vec<Entry>> {
        let path = path.as_ref();
        check_argument("path", path)?;
        let (format, text) = if self.features.mlsd {
            (Format::Mlsd, self.read_listing(Command::Mlsd(path))?)
        } else {
            if !path.is_empty() {
                self.cwd(path)?;
            }
            (Format::List, self.read_listing(Command::List)?)
        };
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

    fn read_listing(&mut self, command: Command) -> Result<Vec<u8>> {
        let max = self.config.max_listing_bytes;
        let mut download = self.start_transfer(command, None)?;
        let mut text = Vec::new();
        // One byte over the cap tells "too large" apart from "exactly at the cap".
        let read = (&mut download).take(max as u64 + 1).read_to_end(&mut text);
        if let Err(e) = read {
            return Err(Error::io(e, "reading a listing"));
        }
        if text.len() > max {
            return Err(Error::ListingTooLarge {
                limit: format!("{} MiB", max / (1024 * 1024)),
            });
        }
        download.finish()?;
        Ok(text)
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
        self.restart_at(0)?;
        let reply = self.cmd(Command::Stor(path))?;
        if !reply.is(PRELIMINARY) {
            return Err(Error::Reply {
                command: "STOR",
                reply,
            });
        }
        Ok(Upload::new(self, data))
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
    /// (`rest` is `None` for listings), then sends the command; 125
    /// or 150 must follow. 226 may arrive before the data is read: it waits in
    /// the control buffer until `finish`.
    fn start_transfer(&mut self, command: Command, rest: Option<u64>) -> Result<Download<'_>> {
        let verb = command.verb();
        command.encode()?;
        let data = self.open_data()?;
        if let Some(offset) = rest {
            self.restart_at(offset)?;
        }
        let reply = self.cmd(command)?;
        if !reply.is(PRELIMINARY) {
            return Err(Error::Reply {
                command: verb,
                reply,
            });
        }
        Ok(Download::new(self, data))
    }

    /// Sends REST when a transfer must start at `offset`. Some servers
    /// (libunftp) keep the offset of an aborted transfer for the next one,
    /// which would make a later download start mid-file and a later upload
    /// write mid-file; so after any non-zero REST the next transfer sends `REST 0`.
    fn restart_at(&mut self, offset: u64) -> Result<()> {
        if offset == 0 && !self.rest_sent {
            return Ok(());
        }
        let reply = self.cmd(Command::Rest(offset))?;
        match reply.code {
            350 => {
                self.rest_sent = offset > 0;
                Ok(())
            }
            _ if reply.is(NOT_IMPLEMENTED) && offset == 0 => {
                self.rest_sent = false;
                Ok(())
            }
            _ if reply.is(NOT_IMPLEMENTED) => Err(Error::Unsupported("REST (resuming downloads)")),
            _ => Err(Error::Reply {
                command: "REST",
                reply,
            }),
        }
    }

    /// EPSV first; on 500/502/522 or a refused port, PASV from then on.
    fn open_data(&mut self) -> Result<TcpStream> {
        let ip = self.peer.ip();
        if self.passive == Passive::Epsv {
            let reply = self.cmd(Command::Epsv)?;
            match reply.code {
                229 => {
                    let port = parse::parse_epsv(reply.first_line_text())?;
                    match self.connect_data(ip, port) {
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
        let reply = self.expect(Command::Pasv, &[227])?;
        let (written, port) = parse::parse_pasv(reply.first_line_text())?;
        if IpAddr::from(written) != ip {
            log_debug!(
                "PASV named {}; connecting to {} instead",
                IpAddr::from(written),
                ip
            );
        }
        self.connect_data(ip, port).map_err(|f| match f {
            ConnectFailure::Refused(source) => Error::Connect {
                addr: SocketAddr::new(ip, port).to_string(),
                source,
            },
            ConnectFailure::Other(e) => e,
        })
    }

    fn connect_data(
        &self,
        ip: IpAddr,
        port: u16,
    ) -> std::result::Result<TcpStream, ConnectFailure> {
        connect(
            ip,
            port,
            self.config.connect_timeout,
            self.config.io_timeout,
        )
    }

    pub(super) fn ensure_binary(&mut self) -> Result<()> {
        if !self.binary {
            self.expect(Command::TypeImage, &[200])?;
            self.binary = true;
        }
        Ok(())
    }
}
