//! # Download
//!
//! `GET /download/<path>` streams the file from the FTP data connection to
//! the browser through one fixed buffer. The response head is written here
//! (not by tiny_http) so that Content-Length is a u64 on every platform and a
//! transfer that fails midway can never look complete: with a length the body
//! stops short; without one our own chunked encoding never gets its last chunk.

use super::error::{Error, Result};
use super::paths;
use super::pipe::{pipe, Failure};
use super::response::{self, SECURITY_HEADERS};
use super::routes::{error_reply, header, Ctx, Reply};
use super::App;
use crate::ftp::{self, Client, Download};
use crate::log_debug;
use std::io::{Read, Write};
use tiny_http::Request;

/// A parsed `Range: bytes=` request (one range only; others get the whole file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    /// `bytes=start-` or `bytes=start-end` (end inclusive).
    From(u64, Option<u64>),
    /// `bytes=-n`: the last n bytes.
    Suffix(u64),
}

/// What to send, decided while routing.
pub struct Plan {
    ctx: Ctx,
    path: Vec<u8>,
    range: Option<Range>,
    head: bool,
}

/// `GET /download/<path>`: checks the session and parses the request.
pub fn plan(req: &Request, ctx: &Ctx) -> Result<Plan> {
    ctx.session()?;
    let path = paths::decode(&ctx.path["/download".len()..])?;
    if path == b"/" {
        return Err(Error::BadRequest("no file named in the address".into()));
    }
    Ok(Plan {
        ctx: ctx.clone(),
        path,
        range: header(req, "Range").and_then(|r| parse_range(&r)),
        head: *req.method() == tiny_http::Method::Head,
    })
}

/// `GET /download?path=P&cwd=D`: the "download by name" form.
pub fn by_name(ctx: &Ctx) -> Result<response::Page> {
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
    Ok(response::redirect(&paths::download_url(&path)))
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

/// Streams the file; returns (status, body bytes sent) for the access log.
pub fn send(app: &App, req: Request, plan: Plan) -> (u16, u64) {
    let Ok(session) = plan.ctx.session().cloned() else {
        return reply_error(req, &plan.ctx, Error::NotLoggedIn);
    };
    let mut lease = match session.pool.checkout(&session.creds, &app.config.ftp) {
        Ok(lease) => lease,
        Err(e) => return reply_error(req, &plan.ctx, e),
    };
    // A reused connection may have died while idle: retry once on a new one.
    let mut prepared = prepare(&mut lease, &plan);
    if matches!(&prepared, Err(Error::Ftp(e)) if e.is_connection_lost()) && lease.reused() {
        match super::pool::connect(&session.creds, &app.config.ftp) {
            Ok(fresh) => lease.replace(fresh),
            Err(e) => return reply_error(req, &plan.ctx, e.into()),
        }
        prepared = prepare(&mut lease, &plan);
    }
    let shape = match prepared {
        Ok(shape) => shape,
        Err(e) => return reply_error(req, &plan.ctx, e),
    };
    if plan.head {
        let mut writer = req.into_writer();
        let _ = writer
            .write_all(head(&plan.path, &shape).as_bytes())
            .and_then(|_| writer.flush());
        return (shape.status, 0);
    }
    let download = match lease.retr_sized(&plan.path, shape.start, shape.total) {
        Ok(d) => d,
        Err(e) => return reply_error(req, &plan.ctx, e.into()),
    };
    stream(app, req, &plan, &shape, download)
}

/// The response's shape, known before the first byte is sent.
struct Shape {
    status: u16,
    start: u64,
    /// Bytes of body to send; `None` when the server gives no size.
    len: Option<u64>,
    total: Option<u64>,
}

fn prepare(client: &mut Client, plan: &Plan) -> Result<Shape> {
    let total = match client.size(&plan.path) {
        Ok(size) => Some(size),
        Err(ftp::Error::Reply { reply, .. }) if matches!(reply.code, 500 | 502 | 504) => None,
        Err(e) => return Err(e.into()),
    };
    let Some(total) = total else {
        return Ok(Shape {
            status: 200,
            start: 0,
            len: None,
            total: None,
        });
    };
    let (start, end) = match plan.range {
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

fn head(path: &[u8], shape: &Shape) -> String {
    let (_, name) = paths::split(path);
    let mut h = String::with_capacity(1024);
    let reason = if shape.status == 206 {
        "Partial Content"
    } else {
        "OK"
    };
    h.push_str(&format!("HTTP/1.1 {} {reason}\r\n", shape.status));
    h.push_str("Content-Type: application/octet-stream\r\n");
    match shape.len {
        Some(len) => h.push_str(&format!("Content-Length: {len}\r\n")),
        None => h.push_str("Transfer-Encoding: chunked\r\n"),
    }
    if let (206, Some(len), Some(total)) = (shape.status, shape.len, shape.total) {
        let end = shape.start + len - 1;
        h.push_str(&format!(
            "Content-Range: bytes {}-{end}/{total}\r\n",
            shape.start
        ));
    }
    h.push_str(&format!(
        "Content-Disposition: {}\r\n",
        content_disposition(&name)
    ));
    h.push_str("Accept-Ranges: bytes\r\nCache-Control: no-store\r\n");
    for (k, v) in SECURITY_HEADERS {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str("\r\n");
    h
}

/// RFC 6266: an ASCII fallback and `filename*=UTF-8''…` carrying any name.
/// Names that are not UTF-8 are read as Latin-1, the usual legacy encoding.
pub fn content_disposition(name: &[u8]) -> String {
    let text: String = match std::str::from_utf8(name) {
        Ok(s) => s.to_string(),
        Err(_) => name.iter().map(|&b| b as char).collect(),
    };
    let fallback: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        paths::encode_component(text.as_bytes())
    )
}

/// Copies the body. On any failure it stops without completing the body.
fn stream(
    app: &App,
    req: Request,
    plan: &Plan,
    shape: &Shape,
    mut download: Download<'_>,
) -> (u16, u64) {
    let mut writer = req.into_writer();
    if writer
        .write_all(head(&plan.path, shape).as_bytes())
        .is_err()
    {
        return (shape.status, 0);
    }
    let chunked = shape.len.is_none();
    let limit = shape.len.unwrap_or(u64::MAX);
    let framed = |chunk: &[u8]| {
        if chunked {
            write!(writer, "{:x}\r\n", chunk.len())?;
            writer.write_all(chunk)?;
            writer.write_all(b"\r\n")
        } else {
            writer.write_all(chunk)
        }
    };
    let abort = app.shutdown.abort_flag();
    let sent = match pipe(&mut (&mut download).take(limit), framed, abort) {
        Ok(sent) => sent,
        Err((Failure::Read(e), sent)) => {
            crate::log_warn!(
                "download of {:?} failed after {sent} bytes: {e}",
                lossy(&plan.path)
            );
            return (shape.status, sent);
        }
        Err((Failure::Write(_), sent)) => {
            log_debug!("browser went away after {sent} bytes");
            return (shape.status, sent);
        }
        Err((Failure::Aborted, sent)) => {
            // The body stays short of its length (or its last chunk), so the
            // browser sees a failed download, not a complete one.
            app.shutdown.count_aborted();
            crate::log_warn!(
                "download of {:?} cut after {sent} bytes: ftpgate is stopping",
                lossy(&plan.path)
            );
            return (shape.status, sent);
        }
    };
    if sent < limit && shape.len.is_some() {
        crate::log_warn!(
            "download of {:?} ended after {sent} of {limit} bytes",
            lossy(&plan.path)
        );
        return (shape.status, sent);
    }
    // A range that stops before the end leaves the rest unread: dropping aborts.
    if shape.start + sent == shape.total.unwrap_or(u64::MAX) || chunked {
        if let Err(e) = download.finish() {
            crate::log_warn!("download of {:?}: {e}", lossy(&plan.path));
            return (shape.status, sent);
        }
    }
    if chunked {
        let _ = writer.write_all(b"0\r\n\r\n");
    }
    let _ = writer.flush();
    (shape.status, sent)
}

fn lossy(path: &[u8]) -> String {
    String::from_utf8_lossy(path).into_owned()
}

fn reply_error(req: Request, ctx: &Ctx, err: Error) -> (u16, u64) {
    let size = match &err {
        Error::Ftp(ftp::Error::OffsetPastEnd { size, .. }) => Some(*size),
        _ => None,
    };
    match error_reply(ctx, err) {
        Reply::Page(page) => {
            let page = match size {
                Some(s) => match response::header("Content-Range", &format!("bytes */{s}")) {
                    Some(h) => page.with_header(h),
                    None => page,
                },
                None => page,
            };
            super::send(req, page)
        }
        Reply::Download(_) => (500, 0),
    }
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
            cd.starts_with("attachment; filename=\"a _quoted_; name___.txt\""),
            "{cd}"
        );
        assert!(
            cd.ends_with("filename*=UTF-8''a%20%22quoted%22%3B%20name%0D%0A%E2%9C%93.txt"),
            "{cd}"
        );
        let latin1 = content_disposition(b"caf\xe9");
        assert!(latin1.ends_with("UTF-8''caf%C3%A9"), "{latin1}");
    }
}
