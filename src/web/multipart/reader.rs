//! # The reader
//!
//! Walks the body through one fixed buffer: finds delimiters without holding
//! a part whole, reads each part's header lines, and hands out part bodies.

use super::headers::{disposition, split_at_byte, valid_boundary, PartHeaders};
use super::search::Delimiter;
use super::{Error, BUFFER_BYTES, MAX_PARTS, MAX_PART_HEADER_BYTES};
use std::io::{self, Read};

/// Where the reader stands in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first boundary.
    Preamble,
    /// Inside a part's body.
    Body,
    /// Just after a delimiter (`\r\n--boundary`), before `--` or the headers.
    Boundary,
    /// After the closing boundary.
    Done,
    /// An earlier error left the position undefined.
    Failed(&'static str),
}

/// A streaming `multipart/form-data` reader: owns the body and one buffer of
/// [`BUFFER_BYTES`]; memory use does not depend on the body.
pub struct Multipart<R: Read> {
    body: R,
    buf: Box<[u8]>,
    /// Unread bytes are `buf[pos..end]`.
    pos: usize,
    end: usize,
    /// How many bytes from `pos` are known to be part data (no delimiter).
    clear: usize,
    /// `\r\n--` followed by the boundary.
    delim: Delimiter,
    state: State,
    parts: usize,
}

impl<R: Read> Multipart<R> {
    /// Reads `body`, whose parts are separated by `boundary` (see
    /// [`boundary()`](super::boundary()); an invalid one makes every call fail).
    pub fn new(body: R, boundary: &[u8]) -> Self {
        let mut buf = vec![0; BUFFER_BYTES].into_boxed_slice();
        // A virtual line break before the body lets a boundary at the very
        // start match the delimiter `\r\n--boundary` like every later one.
        buf[..2].copy_from_slice(b"\r\n");
        let state = match valid_boundary(boundary) {
            true => State::Preamble,
            false => State::Failed("the multipart boundary is invalid"),
        };
        let delim = Delimiter::new(boundary);
        Multipart {
            body,
            buf,
            pos: 0,
            end: 2,
            clear: 0,
            delim,
            state,
            parts: 0,
        }
    }

    /// Advances to the next part (skipping any unread rest of the current
    /// one) and returns its headers, or `Ok(None)` after the closing boundary.
    pub fn next_part(&mut self) -> Result<Option<PartHeaders>, Error> {
        match self.state {
            State::Done => return Ok(None),
            State::Failed(why) => return Err(Error::Malformed(why)),
            State::Preamble | State::Body => self.skip_body()?,
            State::Boundary => {}
        }
        match self.start_part() {
            Ok(part) => {
                self.state = part.as_ref().map_or(State::Done, |_| State::Body);
                Ok(part)
            }
            Err(e) => {
                self.state = State::Failed("reading went on after an earlier error");
                Err(e)
            }
        }
    }

    /// Reader over the current part's body; returns 0 at the end of the part
    /// (and before the first part). A body cut short fails with kind
    /// `UnexpectedEof`, never `Ok(0)`; `Error::from` turns it back into
    /// [`Error::Truncated`].
    pub fn part_reader(&mut self) -> PartReader<'_, R> {
        PartReader { parts: self }
    }

    /// Reads the current part's body whole, for small text fields; fails with
    /// [`Error::FieldTooLarge`] when it exceeds `max` bytes.
    pub fn read_field(&mut self, max: usize) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        if !self.in_body()? {
            return Ok(out);
        }
        loop {
            let n = self.advance()?;
            if n == 0 {
                return Ok(out);
            }
            if out.len() + n > max {
                return Err(Error::FieldTooLarge);
            }
            out.extend_from_slice(&self.buf[self.pos..self.pos + n]);
            self.consume(n);
        }
    }

    /// True inside a part's body, false where a part reader reads nothing.
    fn in_body(&self) -> Result<bool, Error> {
        match self.state {
            State::Body => Ok(true),
            State::Failed(why) => Err(Error::Malformed(why)),
            _ => Ok(false),
        }
    }

    /// Copies part data into `out`; 0 at the end of the part.
    fn read_body(&mut self, out: &mut [u8]) -> Result<usize, Error> {
        if out.is_empty() || !self.in_body()? {
            return Ok(0);
        }
        let n = self.advance()?.min(out.len());
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.consume(n);
        Ok(n)
    }

    /// Skips the rest of the preamble or of the current part.
    fn skip_body(&mut self) -> Result<(), Error> {
        while self.advance()? > 0 {
            self.consume(self.clear);
        }
        Ok(())
    }

    /// Returns how many bytes at `pos` are part data, reading more when none
    /// are known; 0 means the delimiter was reached and consumed.
    fn advance(&mut self) -> Result<usize, Error> {
        while self.clear == 0 {
            let (at, found) = self.delim.find(&self.buf[self.pos..self.end]);
            if found && at == 0 {
                self.pos += self.delim.len();
                self.state = State::Boundary;
                return Ok(0);
            }
            self.clear = at;
            if at == 0 && !self.fill()? {
                return Err(Error::Truncated);
            }
        }
        Ok(self.clear)
    }

    fn consume(&mut self, n: usize) {
        self.pos += n;
        self.clear -= n;
    }

    /// Moves the unread bytes to the front and reads more after them;
    /// `Ok(false)` at the end of the body. Callers keep at most
    /// `MAX_PART_HEADER_BYTES` unread, so there is always room.
    fn fill(&mut self) -> Result<bool, Error> {
        self.buf.copy_within(self.pos..self.end, 0);
        self.end -= self.pos;
        self.pos = 0;
        let free = self.buf.len() - self.end;
        loop {
            match self.body.read(&mut self.buf[self.end..]) {
                Ok(n) => {
                    self.end += n.min(free);
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Reads until at least `n` bytes are unread.
    fn ensure(&mut self, n: usize) -> Result<(), Error> {
        while self.end - self.pos < n {
            if !self.fill()? {
                return Err(Error::Truncated);
            }
        }
        Ok(())
    }

    /// After a delimiter: `None` at the closing one, else the part's headers.
    fn start_part(&mut self) -> Result<Option<PartHeaders>, Error> {
        self.clear = 0;
        self.ensure(2)?;
        if self.buf[self.pos..self.end].starts_with(b"--") {
            return Ok(None);
        }
        // Transport padding (RFC 2046 allows spaces and tabs) before the CRLF.
        let mut padding = 0;
        while matches!(self.buf[self.pos], b' ' | b'\t') {
            padding += 1;
            if padding > MAX_PART_HEADER_BYTES {
                return Err(Error::HeadersTooLarge);
            }
            self.pos += 1;
            self.ensure(2)?;
        }
        if !self.buf[self.pos..self.end].starts_with(b"\r\n") {
            return Err(Error::Malformed(
                "a boundary is not followed by a line break",
            ));
        }
        self.pos += 2;
        if self.parts >= MAX_PARTS {
            return Err(Error::TooManyParts);
        }
        self.parts += 1;
        self.read_headers().map(Some)
    }

    /// Reads header lines up to the empty line that ends them.
    fn read_headers(&mut self) -> Result<PartHeaders, Error> {
        let mut budget = MAX_PART_HEADER_BYTES;
        let mut part: Option<PartHeaders> = None;
        let mut content_type = None;
        loop {
            let len = self.line(budget)?;
            let line = &self.buf[self.pos..self.pos + len];
            self.pos += len + 2;
            budget -= len + 2;
            if line.is_empty() {
                break;
            }
            let (name, value) = split_at_byte(line, b':');
            if name.len() == line.len() {
                return Err(Error::Malformed("a part header has no colon"));
            }
            let (name, value) = (name.trim_ascii(), value.trim_ascii());
            if name.eq_ignore_ascii_case(b"content-disposition") && part.is_none() {
                part = Some(disposition(value)?);
            } else if name.eq_ignore_ascii_case(b"content-type") && content_type.is_none() {
                content_type = Some(String::from_utf8_lossy(value).into_owned());
            }
        }
        let mut part = part.ok_or(Error::Malformed("a part has no Content-Disposition header"))?;
        part.content_type = content_type;
        Ok(part)
    }

    /// The length of the next line (without its CRLF), which must fit with
    /// its CRLF in `budget` bytes.
    fn line(&mut self, budget: usize) -> Result<usize, Error> {
        let mut from = 0;
        loop {
            let unread = &self.buf[self.pos..self.end];
            let window = &unread[..unread.len().min(budget)];
            if let Some(i) = window[from..].windows(2).position(|w| w == b"\r\n") {
                return Ok(from + i);
            }
            if unread.len() >= budget {
                return Err(Error::HeadersTooLarge);
            }
            from = window.len().saturating_sub(1);
            if !self.fill()? {
                return Err(Error::Truncated);
            }
        }
    }
}

/// Reads the body of the current part; see [`Multipart::part_reader`].
pub struct PartReader<'a, R: Read> {
    parts: &'a mut Multipart<R>,
}

impl<R: Read> Read for PartReader<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.parts.read_body(out).map_err(Error::into_io)
    }
}
