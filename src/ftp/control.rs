//! # Control connection
//!
//! The one owner of the control socket: it writes each command in a single
//! `write_all`, reads bounded replies, and remembers when the connection broke
//! so nothing is sent on it again. The client, the data-connection code and
//! the transfers all talk to the server through this type.

use super::command::Command;
use super::error::{Error, Result};
use super::reply::{read_reply, Reply};
use super::stream::Stream;
use crate::log_debug;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Read buffer of the control connection: a whole FEAT or banner usually
/// arrives in one read, and replies are capped at `reply::MAX_LINE_BYTES` per line.
const READ_BUFFER_BYTES: usize = 16 * 1024;

/// Sets the read/write timeouts and disables Nagle on a socket (control or data).
pub(super) fn configure(stream: &TcpStream, io_timeout: Duration) -> io::Result<()> {
    stream.set_read_timeout(Some(io_timeout))?;
    stream.set_write_timeout(Some(io_timeout))?;
    stream.set_nodelay(true)
}

/// The control connection of one client.
pub(super) struct Control {
    /// The reply reader; commands are written to the stream inside it.
    reader: BufReader<Timed>,
    /// A lost connection or an unfinished reply: nothing more may be sent.
    broken: bool,
}

impl Control {
    /// Takes over a connected socket, setting its timeouts.
    pub(super) fn new(stream: TcpStream, io_timeout: Duration) -> Result<Control> {
        configure(&stream, io_timeout).map_err(Error::Io)?;
        let timed = Timed {
            stream: Stream::Plain(stream),
            io_timeout,
            deadline: None,
            expired: false,
        };
        Ok(Control {
            reader: BufReader::with_capacity(READ_BUFFER_BYTES, timed),
            broken: false,
        })
    }

    /// Puts TLS under the connection: `wrap` gets the socket and returns
    /// the stream that replaces it (with its handshake done). Bytes the
    /// server sent before the handshake are refused, not read as replies
    /// later: they were not protected (curl's CVE-2021-22947). Inside
    /// [`Control::within`], `wrap` gets its deadline, and running out of it
    /// counts as the deadline's expiry.
    #[cfg(feature = "tls")]
    pub(super) fn upgrade(
        &mut self,
        wrap: impl FnOnce(TcpStream, Option<Instant>) -> Result<Stream>,
    ) -> Result<()> {
        if !self.reader.buffer().is_empty() {
            self.broken = true;
            return Err(Error::Protocol(
                "the server sent data before the TLS handshake".into(),
            ));
        }
        let timed = self.reader.get_mut();
        let tcp = timed.stream.tcp().try_clone().map_err(Error::Io)?;
        match wrap(tcp, timed.deadline) {
            Ok(stream) => {
                timed.stream = stream;
                Ok(())
            }
            Err(e) => {
                let ran_out = timed.deadline.is_some_and(|d| Instant::now() >= d);
                timed.expired = ran_out && matches!(e, Error::Timeout { .. });
                self.broken = true;
                Err(e)
            }
        }
    }

    /// Ends the connection cleanly: under TLS with close_notify (vsftpd
    /// logs a control connection cut without it). Errors are ignored: the
    /// server may have hung up after QUIT already.
    pub(super) fn close(&mut self) {
        let timed = self.reader.get_mut();
        let _ = timed.stream.finish_writing(timed.io_timeout);
        self.broken = true;
    }

    /// True once the connection runs under TLS.
    pub(super) fn is_encrypted(&self) -> bool {
        self.reader.get_ref().stream.is_encrypted()
    }

    /// Our end of the control connection: where active mode listens.
    pub(super) fn local_addr(&self) -> io::Result<std::net::SocketAddr> {
        self.reader.get_ref().stream.tcp().local_addr()
    }

    /// False once the connection failed, timed out, got 421 or lost sync.
    pub(super) fn is_broken(&self) -> bool {
        self.broken
    }

    /// Marks the connection unusable (a transfer could not be resynchronised).
    pub(super) fn mark_broken(&mut self) {
        self.broken = true;
    }

    /// Sends a command and checks the reply code is one of `ok`.
    pub(super) fn expect(&mut self, command: Command, ok: &[u16]) -> Result<Reply> {
        let verb = command.verb();
        let reply = self.cmd(command)?;
        if reply.is(ok) {
            Ok(reply)
        } else {
            Err(Error::Reply {
                command: verb,
                reply,
            })
        }
    }

    /// Sends one command and reads its reply.
    pub(super) fn cmd(&mut self, command: Command) -> Result<Reply> {
        self.send(&command)?;
        self.read()
    }

    /// Writes one command line with a single `write_all` (split writes cost
    /// ~40 ms each through Nagle on servers that wait for the whole line).
    pub(super) fn send(&mut self, command: &Command) -> Result<()> {
        let line = command.encode()?;
        if self.broken {
            return Err(Error::Closed);
        }
        log_debug!("> {command}");
        let stream = &mut self.reader.get_mut().stream;
        let written = stream.write_all(&line).and_then(|()| stream.flush());
        written.map_err(|e| self.fail(Error::io(e, "sending a command")))
    }

    /// Reads one reply; 421 and lost connections mark the connection broken.
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

    /// The bytes received but not yet read as a reply, waiting for at least
    /// one: what a greeting starts with, before it is known to be FTP.
    pub(super) fn peek(&mut self) -> Result<&[u8]> {
        match self.reader.fill_buf() {
            Ok([]) => {
                self.broken = true;
                Err(Error::Closed)
            }
            Ok(_) => Ok(self.reader.buffer()),
            Err(e) => Err(self.fail(Error::io(e, "reading a reply"))),
        }
    }

    /// Marks the connection broken when `e` means it is gone; returns `e`.
    pub(super) fn fail(&mut self, e: Error) -> Error {
        if e.is_connection_lost() {
            self.broken = true;
        }
        e
    }

    /// Reads a reply that may still come within `wait`: `None` when nothing
    /// arrived, leaving the connection in sync.
    pub(super) fn read_late_reply(&mut self, wait: Duration) -> Result<Option<Reply>> {
        match self.wait_for_reply(wait)? {
            Some(_) => self.read().map(Some),
            None => Ok(None),
        }
    }

    /// The first byte of a reply that came (or comes within `wait`),
    /// without reading the reply: its class, `b'1'` to `b'5'`.
    pub(super) fn wait_for_reply(&mut self, wait: Duration) -> Result<Option<u8>> {
        if self.reader.buffer().is_empty() {
            let io_timeout = self.reader.get_ref().io_timeout;
            let set = |s: &TcpStream, t| s.set_read_timeout(Some(t)).map_err(Error::Io);
            set(self.reader.get_ref().stream.tcp(), wait.min(io_timeout))?;
            let peek = self.reader.fill_buf().map(|b| b.is_empty());
            set(self.reader.get_ref().stream.tcp(), io_timeout)?;
            match peek.map_err(|e| Error::io(e, "reading a reply")) {
                Ok(true) => return Err(self.fail(Error::Closed)),
                Ok(false) => {}
                Err(Error::Timeout { .. }) => return Ok(None),
                Err(e) => return Err(self.fail(e)),
            }
        }
        Ok(self.reader.buffer().first().copied())
    }

    /// Runs `f` with every read it makes ending by `deadline` as well as
    /// within the io timeout, so a server that trickles bytes cannot stretch
    /// the total. When the deadline is what stopped `f`, the error is
    /// `expired` and the connection is broken (a reply may be half read).
    pub(super) fn within<T>(
        &mut self,
        deadline: Instant,
        expired: Error,
        f: impl FnOnce(&mut Control) -> Result<T>,
    ) -> Result<T> {
        let timed = self.reader.get_mut();
        timed.deadline = Some(deadline);
        timed.expired = false;
        let result = f(self);
        let timed = self.reader.get_mut();
        timed.deadline = None;
        let hit = timed.expired;
        let restored = timed.stream.tcp().set_read_timeout(Some(timed.io_timeout));
        match result {
            Err(_) if hit => {
                self.broken = true;
                Err(expired)
            }
            Err(e) => Err(e),
            Ok(v) => restored.map(|()| v).map_err(|e| self.fail(Error::Io(e))),
        }
    }
}

/// The control socket as the reply reader sees it. With a deadline set, each
/// read may wait only for the time left (or the io timeout, if shorter).
struct Timed {
    stream: Stream,
    io_timeout: Duration,
    deadline: Option<Instant>,
    /// A read failed because the deadline, not the io timeout, ran out.
    expired: bool,
}

impl Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(deadline) = self.deadline else {
            return self.stream.read(buf);
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            self.expired = true;
            return Err(io::ErrorKind::TimedOut.into());
        }
        let by_deadline = left < self.io_timeout;
        self.stream
            .tcp()
            .set_read_timeout(Some(left.min(self.io_timeout)))?;
        let read = self.stream.read(buf);
        if let Err(e) = &read {
            let timed_out = matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            );
            self.expired = by_deadline && timed_out;
        }
        read
    }
}
