//! # Wire
//!
//! One connection's byte stream (plain TCP, or TLS: anything that reads and
//! writes) with its input buffer. Bytes read past a head stay in the buffer
//! for the body or the next pipelined request; large body reads bypass the
//! buffer. A plain-TCP wire also lends out its socket, so a zero-copy relay
//! can move body bytes with splice(2) (see `Body::read_raw`).

use super::limits::INPUT_BUFFER;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A connection's stream: TCP, or TLS over TCP.
pub trait Transport: Read + Write + Send {}
impl<T: Read + Write + Send> Transport for T {}

/// The stream, the socket under it (for timeouts and shutdown) and the input buffer.
pub struct Wire {
    pub(super) io: Box<dyn Transport>,
    /// `None` for an in-memory wire (tests, fuzzing): no timeouts then.
    socket: Option<TcpStream>,
    /// `io` is `socket` itself (no TLS in between).
    plain: bool,
    /// The longest any one read may stall (`io_timeout`), deadlines or not.
    stall: Option<Duration>,
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl Wire {
    pub fn new(io: Box<dyn Transport>, socket: Option<TcpStream>) -> Wire {
        Wire {
            io,
            socket,
            plain: false,
            stall: None,
            buf: Vec::new(),
            start: 0,
            end: 0,
        }
    }

    /// A wire over plain TCP: `stream` itself, `socket` a clone of it.
    pub fn plain(stream: TcpStream, socket: TcpStream) -> Wire {
        Wire {
            plain: true,
            ..Wire::new(Box::new(stream), Some(socket))
        }
    }

    /// The socket, when the bytes on it are the HTTP bytes themselves
    /// (plain TCP, not TLS): what a zero-copy relay may read or write.
    pub fn plain_socket(&self) -> Option<&TcpStream> {
        self.socket.as_ref().filter(|_| self.plain)
    }

    /// Bytes received and not yet consumed.
    pub fn buffered(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    pub fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.end);
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// Reads once more into the buffer, which may grow up to `max` bytes in
    /// all; returns the bytes added (0 at end of stream).
    pub fn fill(&mut self, max: usize) -> io::Result<usize> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let grown = (self.buf.len() * 2).clamp(INPUT_BUFFER, max.max(INPUT_BUFFER));
            if grown <= self.buf.len() {
                return Err(io::Error::new(
                    io::ErrorKind::OutOfMemory,
                    "input buffer full",
                ));
            }
            self.buf.resize(grown, 0);
        }
        let limit = self.buf.len().min(max.max(self.end + 1));
        let n = retry(|| self.io.read(&mut self.buf[self.end..limit]))?;
        self.end += n;
        Ok(n)
    }

    /// Gives back a buffer a long head made large, once it is empty.
    pub fn shrink(&mut self) {
        if self.start == self.end && self.buf.len() > INPUT_BUFFER {
            self.buf = Vec::new();
            self.start = 0;
            self.end = 0;
        }
    }

    /// Reads into `out`: buffered bytes first, else straight from the stream.
    pub fn read_into(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        if self.start == self.end {
            if out.len() >= INPUT_BUFFER {
                return retry(|| self.io.read(out));
            }
            if self.fill(INPUT_BUFFER)? == 0 {
                return Ok(0);
            }
        }
        let n = out.len().min(self.end - self.start);
        out[..n].copy_from_slice(&self.buf[self.start..self.start + n]);
        self.consume(n);
        Ok(n)
    }

    /// Reads one CRLF-terminated line of at most `max` bytes (CRLF not
    /// counted) and returns it without the CRLF. A bare LF, a longer line or
    /// the end of the stream is an error.
    pub fn read_line(&mut self, max: usize) -> io::Result<Vec<u8>> {
        loop {
            let data = self.buffered();
            if let Some(i) = data.iter().position(|&b| b == b'\n') {
                if i == 0 || data[i - 1] != b'\r' || i - 1 > max {
                    return Err(invalid("a line in the body framing is not CRLF-terminated"));
                }
                let line = data[..i - 1].to_vec();
                self.consume(i + 1);
                return Ok(line);
            }
            if data.len() > max + 1 {
                return Err(invalid("a line in the body framing is too long"));
            }
            if self.fill(max + 2 + self.buffered().len())? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the body ended early",
                ));
            }
        }
    }

    /// Sets the socket's read timeout to what is left until `deadline`, but
    /// never longer than one read may stall; `TimedOut` once it has passed.
    pub fn read_until(&mut self, deadline: Instant) -> io::Result<()> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "deadline passed"));
        }
        self.set_read_timeout(self.stall.map_or(left, |s| s.min(left)))
    }

    /// The longest one read may stall from now on (also set as the read timeout).
    pub fn set_stall(&mut self, stall: Duration) -> io::Result<()> {
        self.stall = Some(stall);
        self.set_read_timeout(stall)
    }

    pub fn set_read_timeout(&self, timeout: Duration) -> io::Result<()> {
        match &self.socket {
            Some(s) => s.set_read_timeout(Some(timeout)),
            None => Ok(()),
        }
    }

    pub fn set_write_timeout(&self, timeout: Duration) -> io::Result<()> {
        match &self.socket {
            Some(s) => s.set_write_timeout(Some(timeout)),
            None => Ok(()),
        }
    }

    /// Closes our sending side (the peer reads the end of the stream).
    pub fn shutdown_write(&self) -> io::Result<()> {
        match &self.socket {
            Some(s) => s.shutdown(std::net::Shutdown::Write),
            None => Ok(()),
        }
    }

    pub fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.io.write_all(bytes)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.io.flush()
    }
}

/// A read, retried on `Interrupted`.
fn retry(mut read: impl FnMut() -> io::Result<usize>) -> io::Result<usize> {
    loop {
        match read() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// An `InvalidData` error: the peer broke the protocol.
pub fn invalid(why: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why)
}

/// Whether a read error is a timeout (`WouldBlock` on Unix sockets).
pub fn timed_out(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}
