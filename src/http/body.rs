//! # Request bodies
//!
//! Reads a request body as its head framed it: exactly `Content-Length`
//! bytes, or chunks (RFC 9112 §7.1) with bounded size lines and trailers,
//! strict CRLF and no size overflow. Sends `100 Continue` before the first
//! read when the client waits for it. Over plain TCP, the rest of a
//! `Content-Length` body can also be taken straight from the socket by the
//! caller (`read_raw`, for splice(2)), still counted here.

use super::head::Framing;
use super::limits::{MAX_CHUNK_LINE, MAX_HEADER_LINE, MAX_TRAILERS};
use super::wire::{invalid, Wire};
use std::io::{self, Read};
use std::net::TcpStream;
use std::time::Instant;

/// Where a body reader stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// This many bytes of a `Content-Length` body are left.
    Length(u64),
    /// Next comes a chunk-size line.
    ChunkSize,
    /// This many bytes of the current chunk are left.
    ChunkData(u64),
    /// Next comes the CRLF after a chunk's data.
    ChunkEnd,
    /// After the last chunk: this many trailer lines read so far.
    Trailers(usize),
    /// The body has been read to its end.
    Done,
    /// The body could not be read (bad framing, timeout, cut): the
    /// connection can't be used for another request.
    Broken,
}

impl State {
    pub fn new(framing: Framing) -> State {
        match framing {
            Framing::Length(0) => State::Done,
            Framing::Length(n) => State::Length(n),
            Framing::Chunked => State::ChunkSize,
        }
    }
}

/// Why a capped body read failed.
#[derive(Debug)]
pub enum BodyError {
    /// Longer than the cap (413): known from `Content-Length` before reading, or found while reading.
    TooLarge,
    /// Unreadable, cut, or too slow.
    Io(io::Error),
}

/// The body of one request, read from the connection.
pub struct Body<'a> {
    pub(super) wire: &'a mut Wire,
    pub(super) state: &'a mut State,
    /// Whether `100 Continue` is still owed before the first read.
    pub(super) continue_owed: &'a mut bool,
}

impl Body<'_> {
    /// Reads the whole body if it is at most `cap` bytes and arrives by
    /// `deadline`; a `Content-Length` over the cap is refused before a byte
    /// is read (and before `100 Continue`).
    pub fn read_capped(&mut self, cap: usize, deadline: Instant) -> Result<Vec<u8>, BodyError> {
        if let State::Length(n) = *self.state {
            if n > cap as u64 {
                return Err(BodyError::TooLarge);
            }
        }
        let mut out = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            self.wire.read_until(deadline).map_err(BodyError::Io)?;
            let n = self.read(&mut chunk).map_err(BodyError::Io)?;
            if n == 0 {
                return Ok(out);
            }
            if out.len() + n > cap {
                return Err(BodyError::TooLarge);
            }
            out.extend_from_slice(&chunk[..n]);
        }
    }

    /// The same body, borrowed again (for a reader that hands it on).
    pub fn reborrow(&mut self) -> Body<'_> {
        Body {
            wire: self.wire,
            state: self.state,
            continue_owed: self.continue_owed,
        }
    }

    /// Bytes of a `Content-Length` body already read into the input buffer
    /// (they came with the head): read them with [`Read::read`] before any
    /// [`Body::read_raw`]. 0 for a chunked body, which is only ever decoded.
    pub fn buffered(&self) -> usize {
        match *self.state {
            State::Length(left) => {
                let held = self.wire.buffered().len();
                usize::try_from(left).map_or(held, |left| held.min(left))
            }
            _ => 0,
        }
    }

    /// The socket a zero-copy reader may take the rest of the body from:
    /// plain TCP (not TLS), a `Content-Length` body not yet read to its end,
    /// and none of it in the input buffer. `None` otherwise (chunked bodies
    /// must be decoded; buffered bytes must be read first).
    pub fn plain_socket(&self) -> Option<&TcpStream> {
        match *self.state {
            State::Length(_) if self.wire.buffered().is_empty() => self.wire.plain_socket(),
            _ => None,
        }
    }

    /// Lets `op` take up to `max` bytes of the body straight from the socket
    /// (one splice), and counts them: `op` gets the socket and how many bytes
    /// it may take, never past the body's end. Like [`Read::read`], it sends
    /// an owed `100 Continue` first, returns 0 at the end of the body, fails
    /// when the body was cut short (`op` read 0 bytes) or stalled past the
    /// socket's timeout, and leaves the body broken after any failure.
    /// Fails with `Unsupported` when [`Body::plain_socket`] is `None`.
    pub fn read_raw(
        &mut self,
        max: usize,
        op: impl FnOnce(&TcpStream, usize) -> io::Result<usize>,
    ) -> io::Result<usize> {
        let left = match *self.state {
            State::Done => return Ok(0),
            State::Length(left) if max > 0 => left,
            State::Length(_) => return Ok(0),
            _ => return Err(io::ErrorKind::Unsupported.into()),
        };
        if self.plain_socket().is_none() {
            return Err(io::ErrorKind::Unsupported.into());
        }
        if *self.continue_owed {
            *self.continue_owed = false;
            self.wire.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
            self.wire.flush()?;
        }
        let want = usize::try_from(left).map_or(max, |left| left.min(max));
        let result = match self.wire.plain_socket() {
            Some(socket) => op(socket, want),
            None => Err(io::ErrorKind::Unsupported.into()),
        };
        *self.state = match result {
            Ok(n) if n > 0 && n <= want => match left - n as u64 {
                0 => State::Done,
                rest => State::Length(rest),
            },
            _ => State::Broken,
        };
        match result {
            Ok(0) => Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the request body was cut short",
            )),
            Ok(n) if n > want => Err(io::Error::other("read past the end of the body")),
            other => other,
        }
    }

    fn read_framed(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            match *self.state {
                State::Done => return Ok(0),
                State::Broken => return Err(invalid("the request body was already cut")),
                State::Length(left) => {
                    let n = self.data(out, left)?;
                    *self.state = if n as u64 == left {
                        State::Done
                    } else {
                        State::Length(left - n as u64)
                    };
                    return Ok(n);
                }
                State::ChunkData(left) => {
                    let n = self.data(out, left)?;
                    *self.state = if n as u64 == left {
                        State::ChunkEnd
                    } else {
                        State::ChunkData(left - n as u64)
                    };
                    return Ok(n);
                }
                State::ChunkSize => {
                    let line = self.wire.read_line(MAX_CHUNK_LINE)?;
                    *self.state = match parse_chunk_size(&line)? {
                        0 => State::Trailers(0),
                        n => State::ChunkData(n),
                    };
                }
                State::ChunkEnd => {
                    if !self.wire.read_line(0)?.is_empty() {
                        return Err(invalid("chunk data is longer than its size"));
                    }
                    *self.state = State::ChunkSize;
                }
                State::Trailers(count) => {
                    let line = self.wire.read_line(MAX_HEADER_LINE)?;
                    *self.state = match (line.is_empty(), count < MAX_TRAILERS) {
                        (true, _) => State::Done,
                        (false, true) => State::Trailers(count + 1),
                        (false, false) => return Err(invalid("too many trailer lines")),
                    };
                }
            }
        }
    }

    /// Up to `left` bytes of body data; the stream ending first is an error.
    fn data(&mut self, out: &mut [u8], left: u64) -> io::Result<usize> {
        let want = out.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.wire.read_into(&mut out[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the request body was cut short",
            ));
        }
        Ok(n)
    }
}

impl Read for Body<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        if *self.continue_owed && *self.state != State::Done {
            *self.continue_owed = false;
            self.wire.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
            self.wire.flush()?;
        }
        let result = self.read_framed(out);
        if result.is_err() {
            *self.state = State::Broken;
        }
        result
    }
}

/// A chunk-size line: 1–16 significant hex digits (leading zeros allowed),
/// then optionally `;` extensions (ignored), with spaces or tabs before them.
pub fn parse_chunk_size(line: &[u8]) -> io::Result<u64> {
    let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    let (hex, rest) = line.split_at(digits);
    let blanks = rest
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    let rest = &rest[blanks..];
    if digits == 0 || !(rest.is_empty() || rest[0] == b';') {
        return Err(invalid("invalid chunk size"));
    }
    let significant = &hex[hex.iter().take_while(|&&b| b == b'0').count()..];
    if significant.len() > 16 {
        return Err(invalid("chunk size overflows"));
    }
    let text = std::str::from_utf8(significant).map_err(|_| invalid("invalid chunk size"))?;
    match text {
        "" => Ok(0),
        t => u64::from_str_radix(t, 16).map_err(|_| invalid("invalid chunk size")),
    }
}

#[cfg(test)]
#[path = "body_tests.rs"]
mod tests;
