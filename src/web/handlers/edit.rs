//! # Editing text files
//!
//! `GET /edit/<path>`: the file in a `<textarea>` form (no script needed),
//! up to [`MAX_EDIT_BYTES`]; `POST /edit/<path>`: saves it. A save goes to
//! a temporary name beside the file and is renamed over it only once it is
//! complete (`replace`), so the old text is never gone before the new one
//! is whole. The form carries what was opened (SIZE and MDTM): if the file
//! changed on the server since, nothing is saved, the user's text comes
//! back, with "Reload" and "Save as a copy" (a new name, never replacing).

use super::manage::{done, shown};
use super::upload::TEMP_PREFIX;
use crate::ftp::{self, Client};
use crate::http::Exchange;
use crate::web::context::{check_csrf, read_form_capped, Ctx, Reply};
use crate::web::copies;
use crate::web::eol::Eol;
use crate::web::error::{Error, Result};
use crate::web::format::human_size;
use crate::web::json::Object;
use crate::web::paths::{self, field};
use crate::web::probe::{self, Found};
use crate::web::replace;
use crate::web::response;
use crate::web::session::hex;
use crate::web::views::edit::{self as view, EditForm, TooLarge};
use crate::web::App;
use std::io::{Read, Write};

/// Largest file edited in the browser; a larger one gets its download.
pub const MAX_EDIT_BYTES: usize = 1024 * 1024;
/// Largest save form: the text with every byte percent-encoded (3×) at
/// worst, and room for the small fields.
pub const MAX_EDIT_FORM_BYTES: usize = 3 * MAX_EDIT_BYTES + 16 * 1024;

/// What identifies the version of a file that was opened: SIZE, and MDTM
/// where the server has it (`None`: not told, so not compared). MDTM has
/// whole seconds, so a change of the same size within the second of the
/// opening goes unseen; no FTP command tells more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: Option<u64>,
    mdtm: Option<i64>,
}

impl Stamp {
    /// The file's stamp now; `None` when it is not there any more.
    fn now(c: &mut Client, path: &[u8]) -> Result<Option<Stamp>> {
        // `find`, not SIZE alone: where SIZE is not implemented, its
        // refusal must not read as "deleted".
        let size = match probe::find(c, path)? {
            Found::File(size) => size,
            Found::Dir | Found::Missing => return Ok(None),
        };
        Ok(Some(Stamp {
            size,
            mdtm: mdtm(c, path)?,
        }))
    }

    /// Whether `now` is another version than this one.
    fn changed(self, now: Option<Stamp>) -> bool {
        let Some(now) = now else { return true };
        (self.size.is_some() && self.size != now.size)
            || (self.mdtm.is_some() && self.mdtm != now.mdtm)
    }
}

/// MDTM, or `None` where the server refuses it (500/502/504, or 550 from
/// servers that answer it only for some files) or answers something that
/// is not a time: then the size alone tells a change.
fn mdtm(c: &mut Client, path: &[u8]) -> Result<Option<i64>> {
    match c.mdtm(path) {
        Ok(t) => Ok(Some(t)),
        Err(ftp::Error::Reply { reply, .. }) if reply.code >= 500 => Ok(None),
        Err(ftp::Error::Protocol(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A file as opened for editing.
enum Opened {
    Text {
        bytes: Vec<u8>,
        stamp: Stamp,
    },
    /// Over the cap: its size when the server told it.
    TooLarge(Option<u64>),
}

/// `GET /edit/<path>`: the form, or (JSON) `{"path","text","size","mdtm","eol","utf8"}`.
pub fn page(app: &App, _: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let path = super::manage::changeable(&ctx.target, "edited")?;
    let opened = {
        let _turn = app.transfer_turn()?;
        session.pool.run(|c| open(c, &path))?
    };
    let (bytes, stamp) = match opened {
        Opened::Text { bytes, stamp } => (bytes, stamp),
        Opened::TooLarge(size) => return too_large(ctx, &path, size),
    };
    let (text, utf8) = match String::from_utf8(bytes) {
        Ok(text) => (text, true),
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), false),
    };
    let eol = Eol::of(text.as_bytes());
    if ctx.json {
        let body = Object::new()
            .str("path", &shown(&path))
            .str("text", &text)
            .opt("size", stamp.size, |o, k, s| o.num(k, s))
            .opt("mdtm", stamp.mdtm, |o, k, m| o.num(k, m))
            .str("eol", eol.as_str())
            .bool("utf8", utf8);
        return Ok(response::json(200, body.finish()).into());
    }
    let mut opened = form(ctx, &path, text, stamp, eol)?;
    opened.utf8 = utf8;
    let layout = ctx.layout(&format!("Edit {}", opened.name));
    Ok(response::html(200, view::edit(&layout, &opened)).into())
}

/// Reads the file if it is a file within the cap.
fn open(c: &mut Client, path: &[u8]) -> Result<Opened> {
    let size = match probe::find(c, path)? {
        Found::File(size) => size,
        Found::Dir => return Err(Error::BadRequest(format!("“{}” is a folder", shown(path)))),
        Found::Missing => {
            return Err(Error::Missing(format!(
                "There is no “{}” on the FTP server (it may have just been moved or deleted).",
                shown(path)
            )))
        }
    };
    if size.is_some_and(|s| s > MAX_EDIT_BYTES as u64) {
        return Ok(Opened::TooLarge(size));
    }
    let mdtm = mdtm(c, path)?;
    let mut download = c.retr_sized(path, 0, size)?;
    let mut bytes = Vec::new();
    // The server's SIZE is no promise: read one byte past the cap at most.
    (&mut download)
        .take(MAX_EDIT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(ftp::Error::Io)?;
    if bytes.len() > MAX_EDIT_BYTES {
        return Ok(Opened::TooLarge(None)); // dropping the download aborts it
    }
    download.finish()?;
    Ok(Opened::Text {
        bytes,
        stamp: Stamp { size, mdtm },
    })
}

/// The form around `text`, with what was opened.
fn form(ctx: &Ctx, path: &[u8], text: String, stamp: Stamp, eol: Eol) -> Result<EditForm> {
    let session = ctx.session()?;
    let (dir, name) = paths::split(path);
    Ok(EditForm {
        name: shown(&name),
        path: shown(path),
        action: format!("/edit{}", paths::encode(path)),
        download_href: paths::download_url(path),
        back_href: paths::browse_url(&dir),
        csrf: session.csrf.clone(),
        text,
        size: stamp.size.map(|s| s.to_string()).unwrap_or_default(),
        mdtm: stamp.mdtm.map(|m| m.to_string()).unwrap_or_default(),
        eol: eol.as_str(),
        utf8: true,
        error: None,
        conflict: false,
    })
}

/// 413 with the page that offers the download instead.
fn too_large(ctx: &Ctx, path: &[u8], size: Option<u64>) -> Result<Reply> {
    let cap = human_size(MAX_EDIT_BYTES as u64);
    let said = size.map_or_else(|| format!("over {cap}"), human_size);
    if ctx.json {
        return Err(Error::TooLarge(format!(
            "“{}” is {said}; ftpgate edits files of up to {cap}.",
            shown(path)
        )));
    }
    let (dir, name) = paths::split(path);
    let page = TooLarge {
        name: shown(&name),
        size: said,
        cap,
        download_href: paths::download_url(path),
        back_href: paths::browse_url(&dir),
    };
    let layout = ctx.layout(&format!("Edit {}", page.name));
    Ok(response::html(413, view::too_large(&layout, &page)).into())
}

/// What a save did.
enum Saved {
    /// The file holds the new text.
    InPlace,
    /// The text went to this new name beside it.
    Copy(Vec<u8>),
    /// The file changed on the server since it was opened: nothing saved.
    Changed,
}

/// `POST /edit/<path>` with `csrf`, `text`, and what the form was opened
/// with (`size`, `mdtm`, `eol`, `utf8`); `action=copy` saves as a copy;
/// `lossy=1` confirms saving a file that was not UTF-8.
pub fn save(app: &App, req: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let path = super::manage::changeable(&ctx.target, "edited")?;
    let form = read_form_capped(req, MAX_EDIT_FORM_BYTES)?;
    check_csrf(req, session, field(&form, "csrf"))?;
    let eol = Eol::from_field(field(&form, "eol"));
    let text = eol.apply(field(&form, "text").unwrap_or(b""));
    if text.len() > MAX_EDIT_BYTES {
        return Err(Error::TooLarge(format!(
            "The text is {} bytes; ftpgate saves at most {MAX_EDIT_BYTES} bytes ({}) from the editor.",
            text.len(),
            human_size(MAX_EDIT_BYTES as u64)
        )));
    }
    let opened = Stamp {
        size: number(&form, "size")?,
        mdtm: number(&form, "mdtm")?,
    };
    let utf8 = field(&form, "utf8") != Some(b"0");
    let again = |error: Option<String>, conflict: bool| -> Result<EditForm> {
        let mut f = form_again(ctx, &path, &text, opened, eol)?;
        (f.utf8, f.error, f.conflict) = (utf8, error, conflict);
        Ok(f)
    };
    if !utf8 && !matches!(field(&form, "lossy"), Some(b"1" | b"on")) {
        let why = "This file was not valid UTF-8 text; tick “Save anyway” to save it with \
                   the unreadable bytes replaced, or Cancel.";
        if ctx.json {
            return Err(Error::BadRequest(format!("{why} (send lossy=1)")));
        }
        let f = again(Some(why.into()), false)?;
        let layout = ctx.layout(&format!("Edit {}", f.name));
        return Ok(response::html(400, view::edit(&layout, &f)).into());
    }
    let copy = field(&form, "action") == Some(b"copy");
    let tag = hex(&app.sessions.random::<8>());
    let saved = {
        let _turn = app.transfer_turn()?;
        session.pool.run(|c| {
            if copy {
                save_copy(c, &path, &text, &tag).map(Saved::Copy)
            } else {
                save_in_place(c, &path, &text, opened, &tag)
            }
        })?
    };
    let (dir, name) = paths::split(&path);
    let (message, at) = match saved {
        Saved::InPlace => (format!("Saved “{}”", shown(&name)), path.clone()),
        Saved::Copy(copy) => (
            format!("Saved your text as “{}”", shown(&copy)),
            paths::join(&dir, &copy),
        ),
        Saved::Changed => return changed(ctx, again(None, true)?),
    };
    Ok(done(ctx, session, &dir, &at, message, None).into())
}

/// 409: the form again, the text kept, Reload and Save as a copy offered.
fn changed(ctx: &Ctx, f: EditForm) -> Result<Reply> {
    let why = format!(
        "“{}” changed on the FTP server since it was opened (or was moved or deleted); \
         nothing was saved. Open it again, or save as a copy (action=copy).",
        f.name
    );
    if ctx.json {
        return Err(Error::Conflict(why));
    }
    let layout = ctx.layout(&format!("Edit {}", f.name));
    Ok(response::html(409, view::edit(&layout, &f)).into())
}

/// The form as it was sent, for showing it again.
fn form_again(ctx: &Ctx, path: &[u8], text: &[u8], opened: Stamp, eol: Eol) -> Result<EditForm> {
    let text = String::from_utf8_lossy(text).into_owned();
    form(ctx, path, text, opened, eol)
}

/// An optional number from a hidden field (empty: not told).
fn number<T: std::str::FromStr>(form: &[(String, Vec<u8>)], name: &str) -> Result<Option<T>> {
    match field(form, name).unwrap_or(b"").trim_ascii() {
        b"" => Ok(None),
        value => std::str::from_utf8(value)
            .ok()
            .and_then(|v| v.parse().ok())
            .map(Some)
            .ok_or_else(|| Error::BadRequest(format!("the form's {name} is not a number"))),
    }
}

/// Saves over the file, unless it changed since `opened`: checked before
/// the upload and again once the new text is complete under its temporary
/// name, so only the rename itself is left for another writer to race.
fn save_in_place(
    c: &mut Client,
    path: &[u8],
    text: &[u8],
    opened: Stamp,
    tag: &str,
) -> Result<Saved> {
    if opened.changed(Stamp::now(c, path)?) {
        return Ok(Saved::Changed);
    }
    // The renamed-in file is a new one, with the server's default mode: the
    // old mode (where the listing tells it) is put back afterwards, so a
    // script stays executable.
    let mode = super::manage::find(c, path)?.and_then(|e| e.mode);
    let temp = temp_beside(path, tag);
    let result = store(c, &temp, text).and_then(|()| {
        if opened.changed(Stamp::now(c, path)?) {
            return Ok(Saved::Changed);
        }
        replace::put_in_place(c, &temp, path, true, tag)?;
        if let Some(mode) = mode {
            if let Err(e) = c.chmod(path, mode) {
                crate::log_debug!("could not put the mode back on {:?}: {e}", shown(path));
            }
        }
        Ok(Saved::InPlace)
    });
    if !matches!(result, Ok(Saved::InPlace)) {
        remove_temp(c, &temp);
    }
    result
}

/// Saves beside the file under the first free copy name; never replaces.
fn save_copy(c: &mut Client, path: &[u8], text: &[u8], tag: &str) -> Result<Vec<u8>> {
    let (dir, name) = paths::split(path);
    let copy = copies::free_name(c, &dir, &name)?;
    let temp = temp_beside(path, tag);
    let result = store(c, &temp, text)
        .and_then(|()| replace::put_in_place(c, &temp, &paths::join(&dir, &copy), false, tag));
    if result.is_err() {
        remove_temp(c, &temp);
    }
    result.map(|()| copy)
}

fn temp_beside(path: &[u8], tag: &str) -> Vec<u8> {
    let (dir, _) = paths::split(path);
    paths::join(&dir, format!("{TEMP_PREFIX}{tag}").as_bytes())
}

/// STOR of the whole text, confirmed by the server.
fn store(c: &mut Client, temp: &[u8], text: &[u8]) -> Result<()> {
    let mut upload = c.stor(temp)?;
    upload.write_all(text).map_err(ftp::Error::Io)?;
    upload.finish()?;
    Ok(())
}

fn remove_temp(c: &mut Client, temp: &[u8]) {
    if let Err(e) = c.dele(temp) {
        crate::log_warn!("could not delete temporary {:?}: {e}", shown(temp));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_compares_only_what_was_told() {
        let opened = Stamp {
            size: Some(5),
            mdtm: Some(100),
        };
        assert!(!opened.changed(Some(opened)));
        assert!(opened.changed(Some(Stamp {
            size: Some(6),
            mdtm: Some(100)
        })));
        assert!(opened.changed(Some(Stamp {
            size: Some(5),
            mdtm: Some(101)
        })));
        assert!(
            opened.changed(Some(Stamp {
                size: Some(5),
                mdtm: None
            })),
            "MDTM went away"
        );
        assert!(opened.changed(None), "deleted");
        let size_only = Stamp {
            size: Some(5),
            mdtm: None,
        };
        assert!(!size_only.changed(Some(Stamp {
            size: Some(5),
            mdtm: Some(7)
        })));
        assert!(size_only.changed(Some(Stamp {
            size: Some(4),
            mdtm: Some(7)
        })));
    }
}
