//! # Transfers
//!
//! `Download` is a `Read` over the data connection and `Upload` a `Write`.
//! Each must be `finish`ed to learn whether the server confirmed the
//! transfer; dropping one early aborts it (ABOR) and leaves the control
//! connection in sync, or marks it unusable. Over plain FTP both also lend
//! their socket to a zero-copy relay (`read_raw`, `write_raw`), under the
//! same stall watch and byte count. The REST bookkeeping that positions a
//! transfer lives here too.

use super::command::Command;
use super::control::Control;
use super::error::{Error, Result};
use super::reply::codes::{NOT_IMPLEMENTED, PRELIMINARY, TRANSFER_DONE};
use super::reply::Reply;
use super::stream::Stream;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Most replies read while resynchronising after ABOR.
const MAX_ABORT_REPLIES: usize = 5;
/// How long to wait for a transfer reply that comes after ABOR's sync point.
const LATE_REPLY_WAIT: Duration = Duration::from_millis(500);

/// How long a data read or write may stall before the control connection
/// is looked at: a server that answers `550` at once but leaves the data
/// connection open ends the transfer within this, not the io timeout.
const WATCH_INTERVAL: Duration = Duration::from_millis(200);
/// How long one look at the control connection waits for a reply to start.
const PEEK_WAIT: Duration = Duration::from_millis(1);

/// The io timeout a data socket was opened with, and the socket set to
/// wake up every [`WATCH_INTERVAL`] instead.
fn watch(data: &TcpStream, io_timeout: io::Result<Option<Duration>>) -> Duration {
    let io_timeout = io_timeout.ok().flatten().unwrap_or(Duration::from_secs(30));
    let interval = Some(WATCH_INTERVAL.min(io_timeout));
    // If either fails, the socket keeps its io timeout: slower, still bounded.
    let _ = data.set_read_timeout(interval);
    let _ = data.set_write_timeout(interval);
    io_timeout
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// While the data connection is stalled: a reply already on the control
/// connection. `None` when there is none (or the control connection broke:
/// the data connection's own timeout then ends the wait).
fn early_reply(control: &mut Control) -> Option<Reply> {
    match control.read_late_reply(PEEK_WAIT) {
        Ok(Some(reply)) if !reply.is(PRELIMINARY) => Some(reply),
        _ => None,
    }
}

/// The io error a read or write ends with when the server refused the
/// transfer on the control connection; `finish` returns the reply itself.
fn refused(reply: &Reply) -> io::Error {
    io::Error::other(format!(
        "the FTP server ended the transfer: {} {}",
        reply.code,
        reply.text()
    ))
}

/// Runs `op` (one read or write on a data socket set up by [`watch`]) until
/// it does something, looking at the control connection each time it stalls:
/// a final reply there is kept in `early`, and a negative one ends the wait.
/// Gives up with a timeout after `io_timeout` of stalling.
fn watched(
    control: &mut Control,
    early: &mut Option<Reply>,
    io_timeout: Duration,
    mut op: impl FnMut() -> io::Result<usize>,
) -> io::Result<usize> {
    let started = Instant::now();
    loop {
        match op() {
            Err(e) if is_timeout(&e) => {
                if early.is_none() {
                    *early = early_reply(control);
                }
                if let Some(reply) = early.as_ref().filter(|r| r.code >= 400) {
                    return Err(refused(reply));
                }
                if started.elapsed() >= io_timeout {
                    return Err(io::ErrorKind::TimedOut.into());
                }
            }
            done => return done,
        }
    }
}

/// Sends a transfer command (RETR, STOR, LIST, MLSD) once its data
/// connection is open; 125 or 150 must follow. The final 226 may arrive
/// before the data is read: it waits in the control buffer until `finish`.
pub(super) fn begin(control: &mut Control, command: Command) -> Result<()> {
    let verb = command.verb();
    let reply = control.cmd(command)?;
    if reply.is(PRELIMINARY) {
        Ok(())
    } else {
        Err(Error::Reply {
            command: verb,
            reply,
        })
    }
}

/// Whether the server may still hold a REST offset. Some servers (libunftp)
/// keep the offset of an aborted transfer for the next one, which would make
/// a later download start mid-file and a later upload write mid-file; so
/// after any non-zero REST the next transfer sends `REST 0`.
#[derive(Debug, Default)]
pub(super) struct Restart {
    sent: bool,
}

impl Restart {
    /// Sends REST when the next transfer must start at `offset`, or when an
    /// earlier offset must be cleared.
    pub(super) fn at(&mut self, control: &mut Control, offset: u64) -> Result<()> {
        if offset == 0 && !self.sent {
            return Ok(());
        }
        let reply = control.cmd(Command::Rest(offset))?;
        match reply.code {
            350 => {
                self.sent = offset > 0;
                Ok(())
            }
            // A server without REST holds no offset either.
            _ if reply.is(NOT_IMPLEMENTED) && offset == 0 => {
                self.sent = false;
                Ok(())
            }
            _ if reply.is(NOT_IMPLEMENTED) => Err(Error::Unsupported("REST (resuming transfers)")),
            _ => Err(Error::Reply {
                command: "REST",
                reply,
            }),
        }
    }
}

/// The first bytes of a file ([`Download::read_head`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub bytes: Vec<u8>,
    /// The bytes are the whole file (the server confirmed the transfer).
    pub complete: bool,
}

/// A download in progress. Read it to the end, then call [`Download::finish`].
pub struct Download<'a> {
    control: &'a mut Control,
    data: Option<Stream>,
    received: u64,
    expected: Option<u64>,
    io_timeout: Duration,
    /// The transfer's final reply, when it came while the data stalled.
    early: Option<Reply>,
}

impl<'a> Download<'a> {
    pub(super) fn new(control: &'a mut Control, data: Stream) -> Self {
        let io_timeout = watch(data.tcp(), data.tcp().read_timeout());
        Download {
            control,
            data: Some(data),
            received: 0,
            expected: None,
            io_timeout,
            early: None,
        }
    }

    pub(super) fn expecting(mut self, expected: Option<u64>) -> Self {
        self.expected = expected;
        self
    }

    /// Reads the whole transfer (a listing), refusing more than `max` bytes.
    pub(super) fn read_capped(mut self, max: usize) -> Result<Vec<u8>> {
        let mut text = Vec::new();
        // One byte over the cap tells "too large" apart from "exactly at the cap".
        let read = (&mut self).take(max as u64 + 1).read_to_end(&mut text);
        if let Err(e) = read {
            return Err(self.refusal().unwrap_or(Error::io(e, "reading a listing")));
        }
        if text.len() > max {
            return Err(Error::ListingTooLarge {
                limit: format!("{} MiB", max / (1024 * 1024)),
            });
        }
        self.finish()?;
        Ok(text)
    }

    /// Reads at most `max` bytes (a preview). When the file ends within
    /// them the transfer is finished (226 and SIZE checked); otherwise it
    /// is dropped, which aborts it (ABOR) and keeps the control connection
    /// in sync: no more than `max` bytes are kept, and the rest is never read.
    pub fn read_head(mut self, max: usize) -> Result<Head> {
        let hint = self.expected.map_or(max, |e| e.min(max as u64) as usize);
        let mut bytes = Vec::with_capacity(hint);
        let read = (&mut self).take(max as u64).read_to_end(&mut bytes);
        if let Err(e) = read {
            return Err(self.refusal().unwrap_or(Error::io(e, "reading a file")));
        }
        let more = bytes.len() == max
            && match self.expected {
                Some(expected) => expected > max as u64,
                // No SIZE: one more byte tells "exactly max" from "longer".
                None => {
                    let mut one = [0u8; 1];
                    match self.read(&mut one) {
                        Ok(n) => n > 0,
                        Err(e) => {
                            return Err(self.refusal().unwrap_or(Error::io(e, "reading a file")))
                        }
                    }
                }
            };
        if !more {
            self.finish()?;
        }
        Ok(Head {
            bytes,
            complete: !more,
        })
    }

    /// Bytes the server said will arrive (from SIZE, minus the offset).
    pub fn expected_len(&self) -> Option<u64> {
        self.expected
    }

    /// Bytes read so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// The data socket, when it is plain FTP (not FTPS): what
    /// [`Download::read_raw`] lends out.
    pub fn plain_socket(&self) -> Option<&TcpStream> {
        self.data.as_ref().and_then(Stream::plain)
    }

    /// Lets `op` read from the data socket itself (one splice), under the
    /// same watch as [`Read::read`]: `op` runs again after each stall of the
    /// watch interval (it must fail with `WouldBlock` or `TimedOut` then), a
    /// refusal on the control connection ends it, and so does the io
    /// timeout. The bytes it returns are counted as received; 0 is the end
    /// of the data. Fails with `Unsupported` under FTPS.
    pub fn read_raw(
        &mut self,
        mut op: impl FnMut(&TcpStream) -> io::Result<usize>,
    ) -> io::Result<usize> {
        let Some(socket) = self.data.as_ref().and_then(Stream::plain) else {
            return Err(io::ErrorKind::Unsupported.into());
        };
        let n = watched(self.control, &mut self.early, self.io_timeout, || {
            op(socket)
        })?;
        self.received += n as u64;
        Ok(n)
    }

    /// Checks the final reply (226/250) and the byte count. Call after reading
    /// to the end; an unread rest is an error ([`Error::ShortTransfer`]).
    pub fn finish(mut self) -> Result<u64> {
        if let Some(e) = self.refusal() {
            self.data = None;
            return Err(e);
        }
        let Some(mut data) = self.data.take() else {
            return Err(Error::Closed);
        };
        // Anything still unread means the caller stopped early.
        let mut probe = [0u8; 1];
        let at_eof = matches!(data.read(&mut probe), Ok(0));
        drop(data);
        if !at_eof {
            if self.early.is_none() {
                abort(self.control);
            }
            return Err(self.short());
        }
        let reply = match self.early.take() {
            Some(reply) => reply,
            None => self.control.read()?,
        };
        if !reply.is(TRANSFER_DONE) {
            return Err(Error::Reply {
                command: "transfer",
                reply,
            });
        }
        match self.expected {
            Some(expected) if expected != self.received => Err(self.short()),
            _ => Ok(self.received),
        }
    }

    /// The server's refusal, when it came on the control connection while
    /// the data connection stalled.
    fn refusal(&self) -> Option<Error> {
        let reply = self.early.as_ref().filter(|r| r.code >= 400)?;
        Some(Error::Reply {
            command: "transfer",
            reply: reply.clone(),
        })
    }

    fn short(&self) -> Error {
        Error::ShortTransfer {
            expected: self.expected.unwrap_or(0),
            received: self.received,
        }
    }
}

impl Read for Download<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(data) = self.data.as_mut() else {
            return Ok(0);
        };
        let n = watched(self.control, &mut self.early, self.io_timeout, || {
            data.read(buf)
        })?;
        self.received += n as u64;
        Ok(n)
    }
}

impl Drop for Download<'_> {
    fn drop(&mut self) {
        if let Some(data) = self.data.take() {
            drop(data);
            // With its final reply read, the transfer is over: nothing to abort.
            if self.early.is_none() {
                abort(self.control);
            }
        }
    }
}

/// An upload in progress. Write the bytes, then call [`Upload::finish`].
pub struct Upload<'a> {
    control: &'a mut Control,
    data: Option<Stream>,
    sent: u64,
    io_timeout: Duration,
    /// The transfer's final reply, when it came while the data stalled.
    early: Option<Reply>,
}

impl<'a> Upload<'a> {
    pub(super) fn new(control: &'a mut Control, data: Stream) -> Self {
        let io_timeout = watch(data.tcp(), data.tcp().write_timeout());
        Upload {
            control,
            data: Some(data),
            sent: 0,
            io_timeout,
            early: None,
        }
    }

    /// Bytes written so far.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// The data socket, when it is plain FTP (not FTPS): what
    /// [`Upload::write_raw`] lends out.
    pub fn plain_socket(&self) -> Option<&TcpStream> {
        self.data.as_ref().and_then(Stream::plain)
    }

    /// Lets `op` write to the data socket itself (one splice), under the same
    /// watch as [`Write::write`]; the bytes it returns are counted as sent.
    /// Fails with `Unsupported` under FTPS.
    pub fn write_raw(
        &mut self,
        mut op: impl FnMut(&TcpStream) -> io::Result<usize>,
    ) -> io::Result<usize> {
        let Some(socket) = self.data.as_ref().and_then(Stream::plain) else {
            return Err(io::ErrorKind::Unsupported.into());
        };
        let n = watched(self.control, &mut self.early, self.io_timeout, || {
            op(socket)
        })?;
        self.sent += n as u64;
        Ok(n)
    }

    /// Closes the data connection and waits for the server's 226/250, which
    /// says the file is stored. Anything else (552 disk full, 451) is an error.
    pub fn finish(mut self) -> Result<u64> {
        let Some(mut data) = self.data.take() else {
            return Err(Error::Closed);
        };
        // The end of file is the close (under TLS, close_notify first); shut
        // down first so the server sees it even if the socket lingers. If it
        // fails, the server's final reply says what it made of the upload.
        let _ = data.finish_writing(self.io_timeout);
        drop(data);
        let reply = match self.early.take() {
            Some(reply) => reply,
            None => self.control.read()?,
        };
        if reply.is(TRANSFER_DONE) {
            Ok(self.sent)
        } else {
            Err(Error::Reply {
                command: "STOR",
                reply,
            })
        }
    }
}

impl Write for Upload<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(data) = self.data.as_mut() else {
            return Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "upload finished",
            ));
        };
        let n = watched(self.control, &mut self.early, self.io_timeout, || {
            data.write(buf)
        })?;
        self.sent += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.data.as_mut().map_or(Ok(()), |d| d.flush())
    }
}

impl Drop for Upload<'_> {
    fn drop(&mut self) {
        if let Some(data) = self.data.take() {
            drop(data);
            // With its final reply read, the transfer is over: nothing to abort.
            if self.early.is_none() {
                abort(self.control);
            }
        }
    }
}

/// Brings the control connection back in sync after an unfinished transfer.
/// The data connection is already closed. ABOR's answers differ (426 then 226,
/// or 226 then 225, ...), so a NOOP follows and replies are read until its 200.
/// Two replies should precede it (the transfer's and ABOR's); some servers
/// (libunftp) send the transfer's 426 only after the NOOP's 200, so when one is
/// missing it is waited for briefly.
pub(super) fn abort(control: &mut Control) {
    if control.send(&Command::Abor).is_err() || control.send(&Command::Noop).is_err() {
        control.mark_broken();
        return;
    }
    for before in 0..MAX_ABORT_REPLIES {
        match control.read() {
            Ok(reply) if reply.code == 200 => {
                if before < 2 && control.read_late_reply(LATE_REPLY_WAIT).is_err() {
                    control.mark_broken();
                }
                return;
            }
            Ok(_) => continue,
            Err(_) => break,
        }
    }
    control.mark_broken();
}
