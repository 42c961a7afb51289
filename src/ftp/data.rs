//! # Data connections
//!
//! Opening the passive-mode data connection. The server only chooses the
//! port: we always connect to the control connection's peer address, so a
//! server cannot make ftpgate connect to a third host (the PASV bounce).

use super::error::Error;
use std::io;
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::Duration;

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
