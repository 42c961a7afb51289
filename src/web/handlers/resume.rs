//! # Resumable uploads
//!
//! `PUT /upload/<dir>/<name>?upload=ID` writes the file to a temporary name
//! (its "part") that is the same for the same folder, name, size and upload
//! id, so when the connection is cut the part stays on the server and the
//! next attempt continues it: it asks how much is there (`GET` with the same
//! query), then sends the rest with `Content-Range: bytes START-END/SIZE`
//! (or `?offset=START`), which becomes `REST START` + `STOR` (or `APPE`).
//! Only a complete part, checked with SIZE, is renamed to its real name, by
//! the same rules as any upload; until then the old file is untouched.
//! `DELETE` with the same query abandons a part. Parts a session leaves are
//! deleted when it ends, and any left for a day (a restart, a lost browser)
//! when someone next opens the folder.

use super::upload::{remove_temp, target_exists, TEMP_PREFIX};
use crate::ftp::{self, Client, Entries, EntryType};
use crate::http::Exchange;
use crate::web::context::{check_csrf, Ctx, Reply};
use crate::web::error::{Error, Result};
use crate::web::json::Object;
use crate::web::paths;
use crate::web::pipe::Failure;
use crate::web::probe::{self, Found};
use crate::web::relay::{self, Source};
use crate::web::replace;
use crate::web::response::{self, Page};
use crate::web::session::{hex, Claim, Lease, Refusal, Session};
use crate::web::App;
use ring::digest;
use std::time::Duration;

/// Prefix of a resumable upload's part (hidden on Unix servers).
pub const PART_PREFIX: &str = ".ftpgate-part-";
/// Longest upload id, which the browser makes (`[A-Za-z0-9_-]`).
pub const MAX_ID_BYTES: usize = 64;
/// A part or temporary upload untouched this long is abandoned.
const STALE_AFTER_SECS: i64 = 24 * 3600;
/// Abandoned files deleted per folder visit, at most.
const MAX_SWEPT: usize = 16;
/// How long a request waits for an earlier one still writing the same part
/// (a cut connection's request closing its data connection).
const CLAIM_WAIT: Duration = Duration::from_secs(10);

/// One resumable upload, as its request names it.
struct Upload {
    dir: Vec<u8>,
    name: Vec<u8>,
    target: Vec<u8>,
    part: Vec<u8>,
    /// The whole file's size.
    size: u64,
}

impl Upload {
    /// The upload the query names: `upload` (the id), and the size from
    /// `size` (or from the PUT's range, when `size` is absent).
    fn from(ctx: &Ctx, size: Option<u64>) -> Result<Upload> {
        if ctx.path.ends_with('/') {
            return Err(Error::BadRequest(
                "name the file in the address: /upload/<folder>/<name>".into(),
            ));
        }
        let id = paths::field(&ctx.query, "upload").unwrap_or_default();
        let id_ok = !id.is_empty()
            && id.len() <= MAX_ID_BYTES
            && id
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
        if !id_ok {
            return Err(Error::BadRequest(format!(
                "upload= must be 1 to {MAX_ID_BYTES} letters, digits, '-' or '_'"
            )));
        }
        let size = match (number(ctx, "size")?, size) {
            (Some(a), Some(b)) if a != b => {
                return Err(Error::BadRequest(format!(
                    "size={a} but the range says the file has {b} bytes"
                )))
            }
            (Some(n), _) | (None, Some(n)) => n,
            (None, None) => {
                return Err(Error::BadRequest(
                    "a resumable upload needs the file's size: add size=<bytes>".into(),
                ))
            }
        };
        let (dir, name) = paths::split(&ctx.target);
        paths::check_name(&name)?;
        let part = paths::join(&dir, part_name(&dir, &name, size, id).as_bytes());
        Ok(Upload {
            target: paths::join(&dir, &name),
            dir,
            name,
            part,
            size,
        })
    }

    fn shown(&self) -> String {
        String::from_utf8_lossy(&self.name).into_owned()
    }
}

/// The part's name: the same for the same folder, name, size and id, and
/// nothing else (SHA-256, 128 bits shown).
fn part_name(dir: &[u8], name: &[u8], size: u64, id: &[u8]) -> String {
    let mut ctx = digest::Context::new(&digest::SHA256);
    for field in [dir, name, size.to_string().as_bytes(), id] {
        ctx.update(&(field.len() as u64).to_be_bytes());
        ctx.update(field);
    }
    format!("{PART_PREFIX}{}", hex(&ctx.finish().as_ref()[..16]))
}

fn number(ctx: &Ctx, name: &str) -> Result<Option<u64>> {
    let Some(raw) = paths::field(&ctx.query, name) else {
        return Ok(None);
    };
    digits(raw)
        .map(Some)
        .ok_or_else(|| Error::BadRequest(format!("{name}= must be a number of bytes")))
}

/// Plain decimal digits, no sign, no overflow.
fn digits(raw: &[u8]) -> Option<u64> {
    if raw.is_empty() || raw.len() > 20 || !raw.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(raw).ok()?.parse().ok()
}

/// `Content-Range: bytes START-END/SIZE` of a request body (RFC 9110
/// §14.4): where the body starts, and the file's size. The body must run
/// to the end of the file.
fn content_range(value: &str) -> Result<(u64, u64)> {
    let bad = || {
        Error::BadRequest(format!(
            "Content-Range must be \"bytes START-END/SIZE\" with END = SIZE - 1 (got {:?})",
            crate::logging::quoted(value, 80)
        ))
    };
    let rest = value.trim().strip_prefix("bytes ").ok_or_else(bad)?;
    let (range, size) = rest.split_once('/').ok_or_else(bad)?;
    let (start, end) = range.split_once('-').ok_or_else(bad)?;
    let [start, end, size] = [start, end, size].map(|s| digits(s.as_bytes()));
    match (start, end, size) {
        (Some(start), Some(end), Some(size))
            if start <= end && end.checked_add(1) == Some(size) =>
        {
            Ok((start, size))
        }
        _ => Err(bad()),
    }
}

/// How much of the part the server holds: 0 when there is none, `None`
/// when the server can't say (no SIZE, no sizes in its listing).
fn held(c: &mut Client, part: &[u8]) -> Result<Option<u64>> {
    match probe::find(c, part)? {
        Found::Missing => Ok(Some(0)),
        Found::File(size) => Ok(size),
        Found::Dir => Err(Error::Conflict(
            "a folder has the upload's temporary name".into(),
        )),
    }
}

/// Claims the part, or says why not.
fn claim<'s>(session: &'s Session, up: &Upload) -> Result<Claim<'s>> {
    session
        .parts
        .claim(&up.part, CLAIM_WAIT)
        .map_err(|why| match why {
            Refusal::Busy => Error::Busy(format!(
                "The last attempt at uploading {} is still finishing; try again in a moment.",
                up.shown()
            )),
            Refusal::TooMany => Error::Busy(format!(
                "This session has {} unfinished uploads; finish or cancel some first.",
                crate::web::session::MAX_PARTS
            )),
        })
}

/// An answer that tells where the part stands: `Upload-Offset` and JSON.
fn standing(status: u16, up: &Upload, offset: u64, extra: Object) -> Page {
    let body = extra.num("offset", offset).num("size", up.size).finish();
    response::with(
        response::json(status, body),
        "Upload-Offset",
        &offset.to_string(),
    )
}

/// `GET /upload/<dir>/<name>?upload=ID&size=N`: how many bytes of the
/// upload the server holds (`offset`), and whether the name is taken
/// (`exists`), so a script knows about a conflict before it sends a byte.
pub fn status(_app: &App, _ex: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let up = Upload::from(ctx, None)?;
    let _claim = claim(session, &up)?;
    let mut lease = session.pool.checkout()?;
    let exists = session
        .pool
        .retry(&mut lease, |c| Ok(probe::find(c, &up.target)?))?;
    let offset = held(&mut lease, &up.part)?;
    let extra = Object::new()
        .bool("exists", exists != Found::Missing)
        .bool("folder", exists == Found::Dir)
        .bool("resumable", offset.is_some());
    Ok(response::no_store(standing(200, &up, offset.unwrap_or(0), extra)).into())
}

/// `DELETE /upload/<dir>/<name>?upload=ID&size=N` (`X-CSRF-Token`): the
/// upload is abandoned and its part deleted.
pub fn cancel(_app: &App, ex: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    check_csrf(ex, session, None)?;
    let up = Upload::from(ctx, None)?;
    let claim = claim(session, &up)?;
    let mut lease = session.pool.checkout()?;
    let deleted = match session.pool.retry(&mut lease, |c| Ok(c.dele(&up.part)?)) {
        Ok(()) => true,
        Err(Error::Ftp(e)) if e.code().is_some_and(|code| code == 550 || code == 450) => false,
        Err(e) => return Err(e),
    };
    claim.finished();
    let body = Object::new().bool("deleted", deleted).finish();
    Ok(response::json(200, body).into())
}

/// The resumable `PUT`: see the module's text.
pub fn put(app: &App, ex: &mut Exchange<'_>, ctx: &Ctx, overwrite: bool) -> Result<Reply> {
    let session = ctx.session()?;
    let range = ex.header("Content-Range").map(content_range).transpose()?;
    let start = match (range, number(ctx, "offset")?) {
        (Some((a, _)), Some(b)) if a != b => {
            return Err(Error::BadRequest(
                "offset= and Content-Range disagree".into(),
            ))
        }
        (Some((n, _)), _) | (None, Some(n)) => n,
        (None, None) => 0,
    };
    // The size: the range's, else `size=`, else what the body's length implies.
    let implied = range
        .map(|(_, size)| size)
        .or_else(|| ex.body_length().and_then(|len| start.checked_add(len)));
    let implied = if number(ctx, "size")?.is_some() && range.is_none() {
        None
    } else {
        implied
    };
    let up = Upload::from(ctx, implied)?;
    if start > up.size {
        return Err(Error::BadRequest(format!(
            "offset {start} is past the end of a {}-byte file",
            up.size
        )));
    }
    if let Some(len) = ex.body_length() {
        if start.checked_add(len) != Some(up.size) {
            return Err(Error::BadRequest(format!(
                "the body has {len} bytes, but bytes {start} to the end of a {}-byte file are {}",
                up.size,
                up.size - start
            )));
        }
    }
    let claim = claim(session, &up)?;
    let mut lease = session.pool.checkout()?;
    let exists = session
        .pool
        .retry(&mut lease, |c| target_exists(c, &up.dir, &up.name))?;
    if exists && !overwrite {
        return Err(Error::Conflict(format!(
            "{} already exists here; add ?overwrite=1 to replace it.",
            up.shown()
        )));
    }
    let have = held(&mut lease, &up.part)?;
    if start > 0 && have != Some(start) {
        let Some(have) = have else {
            return Err(Error::Ftp(ftp::Error::Unsupported(
                "SIZE, which resuming an upload needs: send the whole file again",
            )));
        };
        let message = format!(
            "The server holds {have} bytes of this upload, not {start}: continue from {have}."
        );
        return Ok(standing(416, &up, have, Object::new().str("error", &message)).into());
    }
    let result = send(app, &mut lease, &claim, &up, start, &mut ex.body()).and_then(|()| {
        let tag = hex(&app.sessions.random::<8>());
        let placed = replace::put_in_place(&mut lease, &up.part, &up.target, exists, &tag);
        if placed.is_err() {
            remove_temp(session, &mut lease, &up.part);
            claim.finished();
        }
        placed
    });
    match result {
        Ok(()) => {
            claim.finished();
            let body = Object::new().strs("uploaded", [up.shown().as_str()]);
            let page = if ctx.json {
                response::json(201, body.finish())
            } else {
                response::text(201, &format!("Uploaded {}\n", up.shown()))
            };
            Ok(page.into())
        }
        Err(e) => {
            // A session that ended meanwhile can't come back for its part.
            if session.pool.is_closed() {
                remove_temp(session, &mut lease, &up.part);
                claim.finished();
            }
            Err(e)
        }
    }
}

/// Writes the body to the part from `start`, then checks the part is
/// whole. A cut keeps what arrived for the next attempt.
fn send(
    app: &App,
    lease: &mut Lease<'_>,
    claim: &Claim<'_>,
    up: &Upload,
    start: u64,
    body: &mut dyn Source,
) -> Result<()> {
    if start < up.size {
        let _turn = app.transfer_turn()?;
        claim.writing();
        let mut upload = lease.stor_from(&up.part, start)?;
        let copied = relay::into_upload(app, &mut upload, body);
        match copied {
            Ok(_) => {
                upload.finish()?;
            }
            Err((Failure::Read(e), sent)) => {
                // Closing the data connection (rather than ABOR) makes the
                // server keep every byte it received.
                let kept = upload.finish().is_ok();
                crate::log_info!(
                    "upload of {:?} cut after {} of {} bytes ({e}); {}",
                    String::from_utf8_lossy(&up.target),
                    start + sent,
                    up.size,
                    if kept {
                        "kept for resuming"
                    } else {
                        "the server did not confirm the part"
                    }
                );
                return Err(Error::Upload(crate::web::multipart::Error::from(e)));
            }
            Err((Failure::Write(e), _)) => return Err(Error::Ftp(ftp::Error::Io(e))),
            Err((Failure::Aborted, _)) => {
                app.shutdown.count_aborted();
                return Err(Error::Stopping);
            }
        }
    }
    // A server may take REST and still write from the start, or stop short:
    // such a part is worthless, and must not be continued either.
    match held(lease, &up.part)? {
        Some(n) if n != up.size => {
            if let Err(e) = lease.dele(&up.part) {
                crate::log_warn!("could not delete a wrong upload part: {e}");
            } else {
                claim.finished();
            }
            Err(Error::Incomplete {
                message: format!(
                    "The server stored {n} bytes of {} instead of {}; nothing was replaced. Send it again.",
                    up.shown(),
                    up.size
                ),
                status: 502,
                details: Vec::new(),
            })
        }
        _ => Ok(()),
    }
}

/// After a folder was shown: deletes the parts and temporary uploads in it
/// that nobody touched for a day (left by a restart or a browser that never
/// came back), a few per visit. Never anything else: a name only ftpgate
/// makes, a file, and old.
pub fn sweep_stale(session: &Session, dir: &[u8], entries: &Entries, now: i64) {
    let stale: Vec<Vec<u8>> = (0..entries.len())
        .filter(|&i| {
            let name = entries.name(i);
            let ours = [PART_PREFIX, TEMP_PREFIX]
                .iter()
                .any(|p| name.starts_with(p.as_bytes()));
            ours && entries.kind(i) == EntryType::File
                && entries
                    .modified(i)
                    .is_some_and(|t| now.saturating_sub(t) > STALE_AFTER_SECS)
        })
        .take(MAX_SWEPT)
        .map(|i| paths::join(dir, entries.name(i)))
        .collect();
    if stale.is_empty() {
        return;
    }
    let Ok(mut lease) = session.pool.checkout() else {
        return;
    };
    for path in stale {
        match lease.dele(&path) {
            Ok(()) => crate::log_info!(
                "deleted the abandoned upload {:?}",
                String::from_utf8_lossy(&path)
            ),
            Err(e) => crate::log_debug!("could not delete an abandoned upload: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_part_name_depends_on_every_field() {
        let base = part_name(b"/d", b"a.iso", 10, b"id1");
        assert_eq!(base, part_name(b"/d", b"a.iso", 10, b"id1"));
        assert!(base.starts_with(PART_PREFIX));
        assert_eq!(base.len(), PART_PREFIX.len() + 32);
        for other in [
            part_name(b"/e", b"a.iso", 10, b"id1"),
            part_name(b"/d", b"b.iso", 10, b"id1"),
            part_name(b"/d", b"a.iso", 11, b"id1"),
            part_name(b"/d", b"a.iso", 10, b"id2"),
            // Length-prefixed: moving bytes between fields changes the name.
            part_name(b"/d", b"a.is", 10, b"oid1"),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn reads_a_content_range() {
        assert_eq!(content_range("bytes 0-9/10").unwrap(), (0, 10));
        assert_eq!(content_range("bytes 4-9/10").unwrap(), (4, 10));
        assert_eq!(content_range(" bytes 9-9/10 ").unwrap(), (9, 10));
        for bad in [
            "bytes 0-8/10",  // stops short of the end
            "bytes 5-4/10",  // backwards
            "bytes */10",    // no range
            "bytes 0-9/*",   // no size
            "bytes -1-9/10", // sign
            "bytes 0-9",     // no size at all
            "items 0-9/10",  // unit
            "bytes 0-18446744073709551615/18446744073709551616",
            "bytes 0x1-9/10",
        ] {
            assert!(content_range(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn digits_are_plain_decimal() {
        assert_eq!(digits(b"0"), Some(0));
        assert_eq!(digits(b"18446744073709551615"), Some(u64::MAX));
        for bad in [
            &b""[..],
            b"+1",
            b"-1",
            b"1 ",
            b"18446744073709551616",
            b"1e3",
        ] {
            assert_eq!(digits(bad), None, "{bad:?}");
        }
    }
}
