//! # Relay
//!
//! Moves a transfer's bytes between the FTP data connection and the
//! browser. When both are plain TCP the kernel moves them (`splice`): no
//! copy through user space, and no buffer of ours to hold. Under TLS on
//! either side (HTTPS, FTPS), for a chunked request body, for a multipart
//! part (its body is parsed) or where the kernel refuses to splice, the
//! bytes go through `pipe`'s fixed buffers instead. Either way the same promises
//! hold: exact byte counts, the abort flag between chunks, the sockets'
//! deadlines, and the transfer gate (taken by the callers).

use super::multipart::{self, PartReader};
use super::pipe::{pipe, Failure};
use super::splice::{self, Outlet, Pipe, Sink, Stop, Want};
use super::App;
use crate::ftp::{self, Download, Upload};
use crate::http::{Body, BodyWriter};
use crate::log_debug;
use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Bytes relayed since the start, by path: what the tests (and a curious
/// operator, in the debug log) can check the zero-copy path against.
#[derive(Debug, Default)]
pub struct Counts {
    spliced: AtomicU64,
    copied: AtomicU64,
}

/// A snapshot of [`Counts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Relayed {
    /// Moved by splice(2), never entering user space.
    pub spliced: u64,
    /// Copied through user-space buffers.
    pub copied: u64,
}

impl Counts {
    pub fn snapshot(&self) -> Relayed {
        Relayed {
            spliced: self.spliced.load(Ordering::Relaxed),
            copied: self.copied.load(Ordering::Relaxed),
        }
    }

    fn add(&self, spliced: u64, copied: u64) {
        self.spliced.fetch_add(spliced, Ordering::Relaxed);
        self.copied.fetch_add(copied, Ordering::Relaxed);
    }
}

/// Where an upload's bytes come from: a raw request body (`PUT`), which a
/// plain connection lets the kernel move, or a multipart part, which is
/// parsed in user space.
pub trait Source: Read {
    /// The request body itself, when the upload is the whole body.
    fn request_body(&mut self) -> Option<Body<'_>> {
        None
    }
}

impl Source for Body<'_> {
    fn request_body(&mut self) -> Option<Body<'_>> {
        Some(self.reborrow())
    }
}

impl<R: Read> Source for PartReader<'_, R> {}

/// Sends exactly `limit` bytes of `download` as `body`, or fewer and a
/// failure. Returns what reached the browser.
pub fn download(
    app: &App,
    download: &mut Download<'_>,
    body: &mut BodyWriter<'_>,
    limit: u64,
) -> Result<u64, (Failure, u64)> {
    let abort = app.shutdown.abort_flag();
    if download.plain_socket().is_some() && body.plain_socket().is_some() {
        if let Ok(pipes) = Pipe::pair() {
            let mut sink = ToBrowser {
                body: &mut *body,
                copied: 0,
            };
            let moved = splice::relay(
                pipes,
                Want::Exactly(limit),
                abort,
                |inlet, max| download.read_raw(|socket| inlet.fill(socket, max)),
                &mut sink,
            );
            if let Some(result) = settled(app, moved, sink.copied) {
                return result;
            }
            log_debug!("splice refused; copying the download instead");
        }
    }
    counted(
        app,
        pipe(
            &mut download.take(limit),
            |chunk| body.write_all(chunk),
            abort,
        ),
    )
}

/// Stores `part` as `temp` with STOR and waits for the server's
/// confirmation. A stopping server cuts the copy; the STOR is then aborted
/// when the upload drops.
pub fn upload(
    app: &App,
    client: &mut ftp::Client,
    temp: &[u8],
    part: &mut dyn Source,
) -> super::error::Result<()> {
    use super::error::Error;
    let _turn = app.transfer_turn()?;
    let mut upload = client.stor(temp)?;
    let copied = into_upload(app, &mut upload, part);
    match copied {
        Ok(_) => {}
        Err((Failure::Read(e), _)) => return Err(Error::Upload(multipart::Error::from(e))),
        Err((Failure::Write(e), _)) => return Err(Error::Ftp(ftp::Error::Io(e))),
        Err((Failure::Aborted, _)) => {
            app.shutdown.count_aborted();
            return Err(Error::Stopping);
        }
    }
    upload.finish()?;
    Ok(())
}

/// Copies `part` into a started upload (STOR or APPE): spliced for a raw
/// body when both sides are plain, else through `pipe`. Returns the bytes
/// written, or which side failed with the bytes written until then; the
/// caller finishes or drops the upload.
pub fn into_upload(
    app: &App,
    upload: &mut Upload<'_>,
    part: &mut dyn Source,
) -> Result<u64, (Failure, u64)> {
    let abort = app.shutdown.abort_flag();
    match part.request_body() {
        Some(mut body) => raw_upload(app, upload, &mut body, abort),
        None => counted(app, pipe(part, |chunk| upload.write_all(chunk), abort)),
    }
}

/// A raw body into STOR: the bytes that came with the head through user
/// space, the rest spliced when both sides are plain.
fn raw_upload(
    app: &App,
    upload: &mut Upload<'_>,
    body: &mut Body<'_>,
    abort: &AtomicBool,
) -> Result<u64, (Failure, u64)> {
    let mut sent = 0;
    if upload.plain_socket().is_some() {
        // At most the input buffer (a head and what came with it).
        let mut buf = vec![0u8; body.buffered()];
        while body.buffered() > 0 {
            let n = body.read(&mut buf).map_err(|e| (Failure::Read(e), sent))?;
            upload
                .write_all(&buf[..n])
                .map_err(|e| (Failure::Write(e), sent))?;
            sent += n as u64;
        }
        app.relayed.add(0, sent);
    }
    if upload.plain_socket().is_some() && body.plain_socket().is_some() {
        if let Ok(pipes) = Pipe::pair() {
            let mut sink = ToServer {
                upload: &mut *upload,
                copied: 0,
            };
            let moved = splice::relay(
                pipes,
                Want::ToEnd,
                abort,
                |inlet, max| body.read_raw(max, |socket, max| inlet.fill(socket, max)),
                &mut sink,
            );
            if let Some(result) = settled(app, moved, sink.copied) {
                return plus(sent, result);
            }
            log_debug!("splice refused; copying the upload instead");
        }
    }
    plus(
        sent,
        counted(app, pipe(body, |chunk| upload.write_all(chunk), abort)),
    )
}

/// The browser's end of a spliced download.
struct ToBrowser<'b, 'w> {
    body: &'b mut BodyWriter<'w>,
    /// Bytes written through user space (a socket that refused splices).
    copied: u64,
}

impl Sink for &mut ToBrowser<'_, '_> {
    fn drain(&mut self, outlet: &Outlet, n: usize) -> io::Result<usize> {
        let n = self.body.remaining().map_or(n, |left| room(left, n));
        self.body.write_raw(n, |socket, n| outlet.drain(socket, n))
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.copied += bytes.len() as u64;
        self.body.write_all(bytes)
    }
}

/// The FTP server's end of a spliced upload.
struct ToServer<'u, 'c> {
    upload: &'u mut Upload<'c>,
    /// Bytes written through user space (a socket that refused splices).
    copied: u64,
}

impl Sink for &mut ToServer<'_, '_> {
    fn drain(&mut self, outlet: &Outlet, n: usize) -> io::Result<usize> {
        self.upload.write_raw(|socket| outlet.drain(socket, n))
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.copied += bytes.len() as u64;
        self.upload.write_all(bytes)
    }
}

/// A splice relay's outcome as a copy's, counted; `None` when the kernel
/// refused to splice before anything moved (the caller copies instead).
fn settled(
    app: &App,
    moved: Result<u64, (Stop, u64)>,
    copied: u64,
) -> Option<Result<u64, (Failure, u64)>> {
    let n = match &moved {
        Err((Stop::Unsupported, _)) => return None,
        Ok(n) | Err((_, n)) => *n,
    };
    app.relayed.add(n - copied.min(n), copied.min(n));
    Some(moved.map_err(|(stop, n)| {
        let failure = match stop {
            Stop::Read(e) => Failure::Read(e),
            Stop::Write(e) => Failure::Write(e),
            Stop::Aborted => Failure::Aborted,
            // Returned above: a refusal before anything moved is no failure.
            Stop::Unsupported => Failure::Read(io::ErrorKind::Unsupported.into()),
        };
        (failure, n)
    }))
}

/// `result` with `sent` more bytes before it.
fn plus(sent: u64, result: Result<u64, (Failure, u64)>) -> Result<u64, (Failure, u64)> {
    result
        .map(|n| sent + n)
        .map_err(|(failure, n)| (failure, sent + n))
}

fn room(left: u64, n: usize) -> usize {
    usize::try_from(left).map_or(n, |left| left.min(n))
}

/// Counts a buffered copy's bytes.
fn counted(app: &App, copied: Result<u64, (Failure, u64)>) -> Result<u64, (Failure, u64)> {
    let n = match &copied {
        Ok(n) | Err((_, n)) => *n,
    };
    app.relayed.add(0, n);
    copied
}
