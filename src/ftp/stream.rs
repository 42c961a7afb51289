//! # Streams
//!
//! A control or data connection is a TCP socket, or (FTPS, RFC 4217) TLS
//! over one. Timeouts are always set on the socket underneath: a read that
//! times out inside TLS fails the same way, and rustls keeps any partial
//! record for the next read.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

/// A connection to the server, plain or under TLS.
pub(super) enum Stream {
    /// Plain FTP.
    Plain(TcpStream),
    /// FTPS: TLS over the socket.
    #[cfg(feature = "tls")]
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Stream {
    /// The socket underneath, for timeouts and shutdown.
    pub(super) fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            #[cfg(feature = "tls")]
            Stream::Tls(s) => &s.sock,
        }
    }

    /// The socket, when the data on it is not encrypted (plain FTP): what a
    /// zero-copy relay may read or write.
    pub(super) fn plain(&self) -> Option<&TcpStream> {
        match self {
            Stream::Plain(s) => Some(s),
            #[cfg(feature = "tls")]
            Stream::Tls(_) => None,
        }
    }

    /// True under TLS.
    pub(super) fn is_encrypted(&self) -> bool {
        !matches!(self, Stream::Plain(_))
    }

    /// Ends the sending side: TLS close_notify first (so the server can tell
    /// a complete upload from a cut one), then the TCP shutdown. Waits up to
    /// `io_timeout` for the TLS bytes to leave.
    pub(super) fn finish_writing(&mut self, io_timeout: Duration) -> io::Result<()> {
        self.tcp().set_write_timeout(Some(io_timeout))?;
        #[cfg(feature = "tls")]
        if let Stream::Tls(s) = self {
            s.flush()?;
            s.conn.send_close_notify();
            while s.conn.wants_write() {
                s.conn.write_tls(&mut s.sock)?;
            }
        }
        self.tcp().shutdown(Shutdown::Write)
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            #[cfg(feature = "tls")]
            Stream::Tls(s) => match s.read(buf) {
                // A data connection closed without close_notify: many servers
                // do this. Truncation is still caught: the final reply (over
                // the protected control connection) and SIZE must agree.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(0),
                read => read,
            },
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            #[cfg(feature = "tls")]
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            #[cfg(feature = "tls")]
            Stream::Tls(s) => s.flush(),
        }
    }
}
