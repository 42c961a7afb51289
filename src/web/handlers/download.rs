//! # Download
//!
//! `GET /download/<path>` streams the file from the FTP data connection to
//! the browser (`relay`: spliced by the kernel, or through a few fixed
//! buffers). Content-Length comes from SIZE, so a transfer that fails midway
//! can never look complete: with a length the body stops short; without one
//! the chunked body never gets its last chunk (`http::BodyWriter` only ends
//! cleanly when it was finished). `?inline=1` (what the preview page loads)
//! shows a file in the browser instead, but only with a type from the
//! allow-list (`media`), and always in a sandbox of its own.

use crate::ftp::{self, Client, Download};
use crate::http::{BodyWriter, Exchange, Length};
use crate::log_debug;
use crate::web::context::Ctx;
use crate::web::context::Reply;
use crate::web::error::{Error, Result};
use crate::web::media::{self, Inline};
use crate::web::paths;
use crate::web::pipe::Failure;
use crate::web::probe;
use crate::web::relay;
use crate::web::response::{self, INLINE_HEADERS, SECURITY_HEADERS};
use crate::web::App;
use std::io::{Read, Write};

/// A parsed `Range: bytes=` request (one range only; others get the whole file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    /// `bytes=start-` or `bytes=start-end` (end inclusive).
    From(u64, Option<u64>),
    /// `bytes=-n`: the last n bytes.
    Suffix(u64),
}

/// `GET /download?path=P&cwd=D`: the "download by name" form.
pub fn by_name(_: &App, _: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let wanted = paths::field(&ctx.query, "path").unwrap_or(b"");
    let wanted = wanted.trim_ascii();
    if wanted.is_empty() {
        return Err(Error::BadRequest(
            "type the name or path of a file to download".into(),
        ));
    }
    let cwd = match paths::field(&ctx.query, "cwd") {
        Some(d) if d.starts_with(b"/") => d.to_vec(),
        _ => session.home.clone(),
    };
    let path = paths::resolve(&cwd, wanted)?;
    Ok(response::redirect(&paths::download_url(&path)).into())
}

/// Parses `bytes=a-b`, `bytes=a-`, `bytes=-n`; anything else (several ranges,
/// other units, garbage) is ignored and the whole file is sent.
pub fn parse_range(value: &str) -> Option<Range> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        return b.parse().ok().filter(|n| *n > 0).map(Range::Suffix);
    }
    let start = a.parse().ok()?;
    let end = if b.is_empty() {
        None
    } else {
        Some(b.parse().ok()?)
    };
    match end {
        Some(e) if e < start => None,
        _ => Some(Range::From(start, end)),
    }
}

/// `GET /download/<path>`: streams the file. Errors before the first byte
/// become an error page; after it, the body is cut short.
pub fn send(app: &App, ex: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let path = ctx.target.clone();
    if path == b"/" {
        return Err(Error::BadRequest("no file named in the address".into()));
    }
    let range = ex.header("Range").and_then(parse_range);
    let inline = if paths::field(&ctx.query, "inline") == Some(b"1") {
        media::inline(&paths::split(&path).1, ex.header("Sec-Fetch-Dest"))
    } else {
        None
    };
    let mut lease = session.pool.checkout()?;
    let shape = session
        .pool
        .retry(&mut lease, |c| prepare(c, &path, range))?;
    let _turn = app.transfer_turn()?;
    let download = lease.retr_sized(&path, shape.start, shape.total)?;
    stream(app, ex, &path, &shape, inline, download);
    Ok(Reply::Sent)
}

/// The response's shape, known before the first byte is sent.
struct Shape {
    status: u16,
    start: u64,
    /// Bytes of body to send; `None` when the server gives no size.
    len: Option<u64>,
    total: Option<u64>,
}

fn prepare(client: &mut Client, path: &[u8], range: Option<Range>) -> Result<Shape> {
    // Without SIZE, the listing's size still gives a length and ranges.
    let total = probe::size(client, path)?;
    let Some(total) = total else {
        return Ok(Shape {
            status: 200,
            start: 0,
            len: None,
            total: None,
        });
    };
    let (start, end) = match range {
        None => {
            return Ok(Shape {
                status: 200,
                start: 0,
                len: Some(total),
                total: Some(total),
            })
        }
        Some(Range::From(s, e)) => (s, e.unwrap_or(u64::MAX).min(total.saturating_sub(1))),
        Some(Range::Suffix(n)) => (total.saturating_sub(n), total.saturating_sub(1)),
    };
    if start >= total {
        return Err(Error::Ftp(ftp::Error::OffsetPastEnd {
            offset: start,
            size: total,
        }));
    }
    Ok(Shape {
        status: 206,
        start,
        len: Some(end - start + 1),
        total: Some(total),
    })
}

/// The response headers (the server adds the framing ones). Shown inline,
/// the file is its own sandboxed document (`INLINE_HEADERS`): even if a
/// browser rendered it as a page, no script of it runs in ftpgate's origin.
fn headers(path: &[u8], shape: &Shape, inline: Option<Inline>) -> Vec<(String, String)> {
    let (_, name) = paths::split(path);
    let (content_type, disposition) = match inline {
        Some(i) => (i.content_type, disposition("inline", &name)),
        None => ("application/octet-stream", content_disposition(&name)),
    };
    let mut h: Vec<(String, String)> = vec![
        ("Content-Type".into(), content_type.into()),
        ("Content-Disposition".into(), disposition),
        ("Accept-Ranges".into(), "bytes".into()),
        ("Cache-Control".into(), "no-store".into()),
    ];
    if let (206, Some(len), Some(total)) = (shape.status, shape.len, shape.total) {
        let end = shape.start + len - 1;
        h.push((
            "Content-Range".into(),
            format!("bytes {}-{end}/{total}", shape.start),
        ));
    }
    let security: &[(&str, &str)] = match inline {
        // Only a PDF is framed (by the preview page, same origin): the
        // browser's PDF viewer runs in a frame.
        Some(i) if i.framed => &INLINE_HEADERS[1],
        Some(_) => &INLINE_HEADERS[0],
        None => &SECURITY_HEADERS,
    };
    if inline.is_some_and(|i| i.varies) {
        h.push(("Vary".into(), "Sec-Fetch-Dest".into()));
    }
    h.extend(security.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    h
}

/// RFC 6266: an ASCII fallback and `filename*=UTF-8''…` carrying any name.
/// Names that are not UTF-8 are read as Latin-1, the usual legacy encoding.
pub fn content_disposition(name: &[u8]) -> String {
    disposition("attachment", name)
}

/// `kind` (`attachment` or `inline`) with the name as in [`content_disposition`].
fn disposition(kind: &str, name: &[u8]) -> String {
    let text: String = match std::str::from_utf8(name) {
        Ok(s) => s.to_string(),
        Err(_) => name.iter().map(|&b| b as char).collect(),
    };
    // Only characters no header parser can read as syntax: `;`, `=`, quotes,
    // `%` and the rest become `_` (the real name travels in `filename*`).
    let safe = |c: char| c.is_ascii_alphanumeric() || " ._-()[]+~@".contains(c);
    let fallback: String = text
        .chars()
        .map(|c| if safe(c) { c } else { '_' })
        .collect();
    format!(
        "{kind}; filename=\"{fallback}\"; filename*=UTF-8''{}",
        paths::encode_component(text.as_bytes())
    )
}

/// Copies the body. On any failure it stops without completing the body.
fn stream(
    app: &App,
    ex: &mut Exchange<'_>,
    path: &[u8],
    shape: &Shape,
    inline: Option<Inline>,
    mut download: Download<'_>,
) {
    let length = shape.len.map_or(Length::Unknown, Length::Known);
    let mut body = match ex.stream(shape.status, &headers(path, shape, inline), length) {
        Ok(body) => body,
        Err(e) => return log_debug!("browser went away before the download began: {e}"),
    };
    let limit = shape.len.unwrap_or(u64::MAX);
    // A body that reaches the end of the file keeps its last byte back until
    // the data connection ended right there and the server confirmed the
    // transfer: a server that sends more, or less, than SIZE said never gets
    // a download that looks complete.
    let to_end = shape.len.is_none() || shape.start + limit == shape.total.unwrap_or(u64::MAX);
    let hold = u64::from(shape.len.is_some() && to_end && limit > 0);
    let copied = relay::download(app, &mut download, &mut body, limit - hold);
    let sent = match copied {
        Ok(sent) => sent,
        Err((Failure::Read(e), sent)) => {
            return crate::log_warn!(
                "download of {:?} failed after {sent} bytes: {e}",
                lossy(path)
            );
        }
        Err((Failure::Write(_), sent)) => {
            return log_debug!("browser went away after {sent} bytes")
        }
        Err((Failure::Aborted, sent)) => {
            // The body stays short of its length (or its last chunk), so the
            // browser sees a failed download, not a complete one.
            app.shutdown.count_aborted();
            return crate::log_warn!(
                "download of {:?} cut after {sent} bytes: ftpgate is stopping",
                lossy(path)
            );
        }
    };
    if sent < limit - hold && shape.len.is_some() {
        return crate::log_warn!(
            "download of {:?} ended after {sent} of {limit} bytes",
            lossy(path)
        );
    }
    let mut last = [0u8; 1];
    if hold == 1 {
        if let Err(e) = download.read_exact(&mut last) {
            return crate::log_warn!("download of {:?} ended one byte short: {e}", lossy(path));
        }
    }
    // A range that stops before the end leaves the rest unread: dropping aborts.
    if to_end {
        if let Err(e) = download.finish() {
            return crate::log_warn!("download of {:?}: {e}", lossy(path));
        }
    }
    if hold == 1 {
        if let Err(e) = body.write_all(&last) {
            return log_debug!("browser went away before the last byte: {e}");
        }
    }
    finish(body, path);
}

/// Ends the body cleanly: only reached when the server confirmed the transfer.
fn finish(body: BodyWriter<'_>, path: &[u8]) {
    if let Err(e) = body.finish() {
        log_debug!("download of {:?} not delivered whole: {e}", lossy(path));
    }
}

fn lossy(path: &[u8]) -> String {
    String::from_utf8_lossy(path).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ranges() {
        assert_eq!(parse_range("bytes=0-"), Some(Range::From(0, None)));
        assert_eq!(parse_range("bytes=10-19"), Some(Range::From(10, Some(19))));
        assert_eq!(parse_range("bytes=-500"), Some(Range::Suffix(500)));
        assert_eq!(parse_range("bytes=5-1"), None);
        assert_eq!(parse_range("bytes=0-1,5-6"), None);
        assert_eq!(parse_range("items=0-1"), None);
        assert_eq!(parse_range("bytes=x-"), None);
    }

    #[test]
    fn content_disposition_carries_any_name_safely() {
        let cd = content_disposition(b"a \"quoted\"; name\r\n\xe2\x9c\x93.txt");
        assert!(!cd.contains('\r') && !cd.contains('\n'));
        assert!(
            cd.starts_with("attachment; filename=\"a _quoted__ name___.txt\""),
            "{cd}"
        );
        assert!(
            cd.ends_with("filename*=UTF-8''a%20%22quoted%22%3B%20name%0D%0A%E2%9C%93.txt"),
            "{cd}"
        );
        let evil = content_disposition(b"x;y=z; filename=evil.exe");
        assert!(
            evil.starts_with("attachment; filename=\"x_y_z_ filename_evil.exe\";"),
            "{evil}"
        );
        let latin1 = content_disposition(b"caf\xe9");
        assert!(latin1.ends_with("UTF-8''caf%C3%A9"), "{latin1}");
    }
}
