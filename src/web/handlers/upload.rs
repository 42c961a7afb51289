//! # Upload
//!
//! `POST /upload/<dir>/`: the multipart body is read as a stream, each file
//! part going straight into `STOR` of a temporary name in the target folder,
//! renamed to its real name only after the server confirmed the transfer. A
//! failed or abandoned upload deletes the temporary file and leaves any
//! existing file untouched.

use super::resume;
use crate::ftp;
use crate::http::Exchange;
use crate::web::context::Reply;
use crate::web::context::{check_csrf, Ctx};
use crate::web::error::{Error, Result};
use crate::web::json::Object;
use crate::web::multipart::{self, Multipart};
use crate::web::paths;
use crate::web::probe::{self, Found};
use crate::web::relay::{self, Source};
use crate::web::replace;
use crate::web::response::{self, Page};
use crate::web::session::Lease;
use crate::web::session::{hex, Session};
use crate::web::views::model::{Flash, FlashKind};
use crate::web::App;

/// Prefix of temporary upload names (hidden on Unix servers).
pub const TEMP_PREFIX: &str = ".ftpgate-upload-";

/// What happened to one file.
enum Outcome {
    Stored,
    Exists,
}

/// `PUT /upload/<dir>/<name>`: the body is the file (what `curl -T` and the
/// script send); `X-CSRF-Token` header, `?overwrite=1`. The same temporary
/// name, the same replace rules, and 409 before a byte of the body is read
/// when the name exists (with `Expect: 100-continue`, none is even sent).
pub fn put(app: &App, ex: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    check_csrf(ex, session, None)?;
    if ctx.path.ends_with('/') {
        return Err(Error::BadRequest(
            "name the file in the address: PUT /upload/<folder>/<name>".into(),
        ));
    }
    let overwrite = paths::field(&ctx.query, "overwrite") == Some(b"1");
    if paths::field(&ctx.query, "upload").is_some() {
        return resume::put(app, ex, ctx, overwrite);
    }
    let (dir, name) = paths::split(&ctx.target);
    paths::check_name(&name)?;
    let mut lease = session.pool.checkout()?;
    let shown = String::from_utf8_lossy(&name).into_owned();
    match store(
        app,
        session,
        &mut lease,
        &dir,
        &name,
        overwrite,
        &mut ex.body(),
    )? {
        Outcome::Exists => Err(Error::Conflict(format!(
            "{shown} already exists here; add ?overwrite=1 to replace it."
        ))),
        Outcome::Stored if ctx.json => {
            let body = Object::new().strs("uploaded", [shown.as_str()]);
            Ok(response::json(201, body.finish()).into())
        }
        Outcome::Stored => Ok(response::text(201, &format!("Uploaded {shown}\n")).into()),
    }
}

/// `POST /upload/<dir>/`.
pub fn handle(app: &App, ex: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let dir = ctx.target.clone();
    let content_type = ex.header("Content-Type").unwrap_or_default().to_string();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return Err(Error::BadRequest(
            "uploads must be sent as multipart/form-data".into(),
        ));
    }
    let boundary = multipart::boundary(&content_type)?;
    let mut csrf_ok = match ex.header("X-CSRF-Token") {
        Some(t) if session.csrf_ok(t.as_bytes()) => true,
        Some(_) => return Err(Error::Csrf),
        None => false,
    };
    let mut overwrite = paths::field(&ctx.query, "overwrite") == Some(b"1");
    let mut body = Multipart::new(ex.body(), &boundary);
    let mut lease: Option<Lease> = None;
    let (mut stored, mut exists) = (Vec::new(), Vec::new());
    while let Some(part) = body.next_part()? {
        match (part.name.as_str(), part.filename) {
            ("csrf", None) => {
                csrf_ok = session.csrf_ok(&body.read_field(256)?);
                if !csrf_ok {
                    return Err(Error::Csrf);
                }
            }
            ("overwrite", None) => overwrite = matches!(&body.read_field(16)?[..], b"1" | b"on"),
            (_, Some(filename)) if !filename.is_empty() => {
                if !csrf_ok {
                    return Err(Error::Csrf);
                }
                let name = base_name(&filename);
                paths::check_name(name)?;
                let lease = match &mut lease {
                    Some(l) => l,
                    None => lease.insert(session.pool.checkout()?),
                };
                let shown = String::from_utf8_lossy(name).into_owned();
                match store(
                    app,
                    session,
                    lease,
                    &dir,
                    name,
                    overwrite,
                    &mut body.part_reader(),
                )? {
                    Outcome::Stored => stored.push(shown),
                    Outcome::Exists => exists.push(shown),
                }
            }
            // Unknown fields and empty file inputs are skipped.
            _ => {}
        }
    }
    if !csrf_ok {
        return Err(Error::Csrf);
    }
    finish(ctx, session, &dir, stored, exists).map(Reply::from)
}

fn finish(
    ctx: &Ctx,
    session: &Session,
    dir: &[u8],
    stored: Vec<String>,
    exists: Vec<String>,
) -> Result<Page> {
    if stored.is_empty() && exists.is_empty() {
        return Err(Error::BadRequest(
            "choose at least one file to upload".into(),
        ));
    }
    if !exists.is_empty() {
        let verb = if exists.len() == 1 { "exists" } else { "exist" };
        let mut msg = format!(
            "{} already {verb} here; tick \"Replace files that already exist\" to overwrite.",
            exists.join(", ")
        );
        if !stored.is_empty() {
            msg.push_str(&format!(" Uploaded: {}.", stored.join(", ")));
        }
        return Err(Error::Conflict(msg));
    }
    if ctx.json {
        let body = Object::new().strs("uploaded", stored.iter().map(String::as_str));
        return Ok(response::json(200, body.finish()));
    }
    let text = match stored.len() {
        1 => format!("Uploaded {}", stored[0]),
        n => format!("Uploaded {n} files: {}", stored.join(", ")),
    };
    session.set_flash(Flash {
        kind: FlashKind::Success,
        text,
    });
    Ok(response::redirect(&paths::browse_url(dir)))
}

/// Old Internet Explorer sends the whole Windows path (`C:\dir\file.txt`):
/// keep its last component. Any other name is used as sent (and checked).
fn base_name(filename: &[u8]) -> &[u8] {
    let windows_path = filename.get(1..3) == Some(&b":\\"[..]) || filename.starts_with(b"\\\\");
    match filename.iter().rposition(|&b| b == b'\\') {
        Some(i) if windows_path => &filename[i + 1..],
        _ => filename,
    }
}

/// Stores one part under a temporary name, then renames it into place.
fn store(
    app: &App,
    session: &Session,
    lease: &mut Lease,
    dir: &[u8],
    name: &[u8],
    overwrite: bool,
    part: &mut dyn Source,
) -> Result<Outcome> {
    let target = paths::join(dir, name);
    let exists = target_exists(lease, dir, name)?;
    if exists && !overwrite {
        return Ok(Outcome::Exists);
    }
    let tag = hex(&app.sessions.random::<8>());
    let temp = paths::join(dir, format!("{TEMP_PREFIX}{tag}").as_bytes());
    let result = transfer(app, lease, &temp, part)
        .and_then(|_| replace::put_in_place(lease, &temp, &target, exists, &tag));
    if let Err(e) = &result {
        crate::log_warn!(
            "upload to {:?} failed: {e}",
            String::from_utf8_lossy(&target)
        );
        remove_temp(session, lease, &temp);
    }
    result.map(|_| Outcome::Stored)
}

/// Whether a file named `name` is in `dir`; a folder there is a conflict
/// (a file can't take its name).
pub(super) fn target_exists(c: &mut ftp::Client, dir: &[u8], name: &[u8]) -> Result<bool> {
    match probe::find(c, &paths::join(dir, name))? {
        Found::Missing => Ok(false),
        Found::File(_) => Ok(true),
        Found::Dir => Err(Error::Conflict(format!(
            "There is a folder named “{}” here; a file can't take its name.",
            String::from_utf8_lossy(name)
        ))),
    }
}

/// Copies the part into STOR and waits for the server's confirmation
/// (`relay::upload`: spliced for a raw body on plain connections).
fn transfer(app: &App, client: &mut ftp::Client, temp: &[u8], part: &mut dyn Source) -> Result<()> {
    relay::upload(app, client, temp, part)
}

/// Deletes a temporary file, on a fresh connection if the old one broke.
pub(super) fn remove_temp(session: &Session, lease: &mut Lease, temp: &[u8]) {
    let removed = session.pool.revive(lease).and_then(|_| lease.dele(temp));
    if let Err(e) = removed {
        crate::log_error!(
            "could not delete temporary {:?}: {e}",
            String::from_utf8_lossy(temp)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::base_name;

    #[test]
    fn keeps_only_the_file_of_a_windows_path() {
        assert_eq!(base_name(b"C:\\Users\\me\\a.txt"), b"a.txt");
        assert_eq!(base_name(b"\\\\server\\share\\b.txt"), b"b.txt");
        assert_eq!(base_name(b"back\\slash.txt"), b"back\\slash.txt");
        assert_eq!(base_name(b"a/b.txt"), b"a/b.txt");
    }
}
