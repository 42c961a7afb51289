//! # Exchange
//!
//! One request and its response, as a handler sees them: the parsed head,
//! the body as a reader, and exactly one response, either in memory or
//! streamed through a [`BodyWriter`] that can only end cleanly when every
//! promised byte was written. The connection decides afterwards whether it
//! can serve another request.

use super::body::{Body, State};
use super::head::{Framing, Head, Method};
use super::limits::MAX_DRAIN;
use super::response::{head_bytes, Connection, Length, Response};
use super::wire::Wire;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream};

/// Where the response stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Out {
    /// Nothing written yet.
    Pending,
    /// A head was written and a body is being streamed.
    Streaming,
    /// The whole response was written.
    Done,
    /// The response failed midway: the connection must close, never looking complete.
    Broken,
}

/// A request being answered.
pub struct Exchange<'c> {
    pub head: Head,
    pub peer: SocketAddr,
    /// The connection is HTTPS.
    pub secure: bool,
    pub(super) wire: &'c mut Wire,
    pub(super) body: State,
    pub(super) continue_owed: bool,
    pub(super) out: Out,
    /// The connection closes after this exchange.
    pub(super) close: bool,
    /// Status and body bytes written, for the caller's access log.
    status: u16,
    sent: u64,
}

impl<'c> Exchange<'c> {
    pub(super) fn new(head: Head, peer: SocketAddr, wire: &'c mut Wire, close: bool) -> Self {
        Exchange {
            body: State::new(head.framing),
            continue_owed: head.expect_continue,
            close: close || !head.keep_alive,
            head,
            peer,
            secure: false,
            wire,
            out: Out::Pending,
            status: 0,
            sent: 0,
        }
    }

    pub fn method(&self) -> &Method {
        &self.head.method
    }

    /// The path part of the target (before `?`).
    pub fn path(&self) -> &str {
        self.head.target.split('?').next().unwrap_or("")
    }

    /// The query string (after `?`), or "".
    pub fn query(&self) -> &str {
        self.head.target.split_once('?').map_or("", |(_, q)| q)
    }

    /// The first value of a header, if it is UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.header(name)
    }

    /// The request body.
    pub fn body(&mut self) -> Body<'_> {
        Body {
            wire: self.wire,
            state: &mut self.body,
            continue_owed: &mut self.continue_owed,
        }
    }

    /// The body's length as the head declared it (`None` when chunked).
    pub fn body_length(&self) -> Option<u64> {
        match self.head.framing {
            Framing::Length(n) => Some(n),
            Framing::Chunked => None,
        }
    }

    /// Asks for the connection to close after this response.
    pub fn close_after(&mut self) {
        self.close = true;
    }

    /// The status and body bytes sent so far (status 0: nothing yet).
    pub fn sent(&self) -> (u16, u64) {
        (self.status, self.sent)
    }

    /// Whether a response has been started.
    pub fn responded(&self) -> bool {
        self.out != Out::Pending
    }

    /// Whether the connection must close after the response, decided before
    /// its head is written: a body left unread is drained only when small.
    fn plan_close(&mut self) -> Connection {
        let drainable = match self.body {
            State::Done => true,
            State::Length(left) => left <= MAX_DRAIN && !self.continue_owed,
            _ => false,
        };
        self.close |= !drainable;
        match (self.close, self.head.minor) {
            (true, _) => Connection::Close,
            (false, 0) => Connection::KeepAlive,
            (false, _) => Connection::Implied,
        }
    }

    /// Sends a response held in memory. A second response, or one with an
    /// invalid header, is a bug: logged, and a 500 (or a close) instead.
    pub fn respond(&mut self, response: Response) -> io::Result<()> {
        if self.out != Out::Pending {
            crate::log_error!("a second response for one request (a bug)");
            self.close = true;
            return Ok(());
        }
        let close = self.plan_close();
        let len = response.body.len() as u64;
        let (status, mut bytes, body) = match head_bytes(
            response.status,
            &response.headers,
            Length::Known(len),
            true,
            close,
        ) {
            Some(head) => (response.status, head, response.body),
            None => {
                let fallback =
                    Response::plain(500, "ftpgate hit a bug while answering; it was logged");
                let head = head_bytes(
                    500,
                    &fallback.headers,
                    Length::Known(fallback.body.len() as u64),
                    true,
                    close,
                );
                (500, head.unwrap_or_default(), fallback.body)
            }
        };
        self.status = status;
        self.out = Out::Broken;
        let with_body = self.head.method != Method::Head;
        if with_body && body.len() <= 64 * 1024 {
            // One write: head and body leave in the same segment.
            bytes.extend_from_slice(&body);
            self.wire.write_all(&bytes)?;
        } else {
            self.wire.write_all(&bytes)?;
            if with_body {
                self.wire.write_all(&body)?;
            }
        }
        self.wire.flush()?;
        self.sent = if with_body { body.len() as u64 } else { 0 };
        self.out = Out::Done;
        Ok(())
    }

    /// Writes a head and returns the writer of its body. With
    /// `Length::Known`, the body must be exactly that long to end cleanly;
    /// with `Unknown`, it is chunked (HTTP/1.1) or ends with the connection.
    pub fn stream(
        &mut self,
        status: u16,
        headers: &[(String, String)],
        length: Length,
    ) -> io::Result<BodyWriter<'_>> {
        if self.out != Out::Pending {
            return Err(io::Error::other("a response was already sent"));
        }
        let chunked = self.head.minor == 1;
        if length == Length::Unknown && !chunked {
            self.close = true;
        }
        let close = self.plan_close();
        let Some(head) = head_bytes(status, headers, length, chunked, close) else {
            self.respond(Response::plain(
                500,
                "ftpgate hit a bug while answering; it was logged",
            ))?;
            return Err(io::Error::other("invalid response header"));
        };
        self.status = status;
        self.out = Out::Broken;
        self.wire.write_all(&head)?;
        let mode = match (self.head.method == Method::Head, length) {
            (true, _) => Mode::Discard,
            (false, Length::Known(n)) => Mode::Length(n),
            (false, Length::Unknown) if chunked => Mode::Chunked,
            (false, Length::Unknown) => Mode::UntilClose,
        };
        self.out = Out::Streaming;
        Ok(BodyWriter {
            ex_out: &mut self.out,
            sent: &mut self.sent,
            wire: self.wire,
            mode,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// This many bytes are still owed.
    Length(u64),
    Chunked,
    /// HTTP/1.0 without a length: the close ends the body.
    UntilClose,
    /// A HEAD request: nothing is written.
    Discard,
}

/// The body of a streamed response. Dropped without [`BodyWriter::finish`],
/// the response counts as failed and the connection closes short of the
/// length (or without the last chunk), so the client never sees a clean end.
pub struct BodyWriter<'a> {
    wire: &'a mut Wire,
    ex_out: &'a mut Out,
    sent: &'a mut u64,
    mode: Mode,
}

impl BodyWriter<'_> {
    /// Ends the body cleanly: only if every promised byte was written.
    pub fn finish(self) -> io::Result<()> {
        match self.mode {
            Mode::Length(0) | Mode::Discard | Mode::UntilClose => {}
            Mode::Length(left) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("{left} bytes of the body were never written"),
                ));
            }
            Mode::Chunked => self.wire.write_all(b"0\r\n\r\n")?,
        }
        self.wire.flush()?;
        *self.ex_out = Out::Done;
        Ok(())
    }

    /// The socket a zero-copy writer may put the body on: plain TCP (not
    /// TLS) and a body of known length. `None` for chunked bodies (they need
    /// their framing), HEAD and TLS.
    pub fn plain_socket(&self) -> Option<&TcpStream> {
        match self.mode {
            Mode::Length(_) => self.wire.plain_socket(),
            _ => None,
        }
    }

    /// Lets `op` write up to `max` bytes of body straight to the socket (one
    /// splice), and counts what it wrote. `max` past the bytes still owed is
    /// refused, as [`Write::write_all`] refuses more body than the length;
    /// so is a socket that is not [`BodyWriter::plain_socket`]. A failed
    /// write leaves the body short: it never ends cleanly then.
    pub fn write_raw(
        &mut self,
        max: usize,
        op: impl FnOnce(&TcpStream, usize) -> io::Result<usize>,
    ) -> io::Result<usize> {
        let Mode::Length(left) = self.mode else {
            return Err(io::ErrorKind::Unsupported.into());
        };
        if max as u64 > left {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "more body than Content-Length",
            ));
        }
        if max == 0 {
            return Ok(0);
        }
        let Some(socket) = self.wire.plain_socket() else {
            return Err(io::ErrorKind::Unsupported.into());
        };
        let n = op(socket, max)?;
        if n == 0 || n > max {
            return Err(io::ErrorKind::WriteZero.into());
        }
        self.mode = Mode::Length(left - n as u64);
        *self.sent += n as u64;
        Ok(n)
    }

    /// Bytes of body still owed (`None` without a length).
    pub fn remaining(&self) -> Option<u64> {
        match self.mode {
            Mode::Length(n) => Some(n),
            _ => None,
        }
    }
}

impl Write for BodyWriter<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.write_all(data)?;
        Ok(data.len())
    }

    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        match &mut self.mode {
            Mode::Length(left) => {
                if data.len() as u64 > *left {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "more body than Content-Length",
                    ));
                }
                self.wire.write_all(data)?;
                *left -= data.len() as u64;
            }
            Mode::Chunked => {
                self.wire
                    .write_all(format!("{:x}\r\n", data.len()).as_bytes())?;
                self.wire.write_all(data)?;
                self.wire.write_all(b"\r\n")?;
            }
            Mode::UntilClose => self.wire.write_all(data)?,
            Mode::Discard => return Ok(()),
        }
        *self.sent += data.len() as u64;
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.wire.flush()
    }
}

impl Drop for BodyWriter<'_> {
    fn drop(&mut self) {
        if *self.ex_out == Out::Streaming {
            *self.ex_out = Out::Broken;
        }
    }
}
