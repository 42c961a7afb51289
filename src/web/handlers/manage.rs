//! # Managing files
//!
//! New folder (`POST /mkdir/<dir>/`), rename or move (`GET`/`POST
//! /rename/<path>`) and delete (`GET`/`POST /delete/<path>`). The GET routes
//! are the pages that work without JavaScript: the rename form and the
//! "really delete?" confirmation; JSON clients get a preview from the
//! latter. Each change checks first what is there, so an existing name is
//! never replaced (many servers' RNTO would silently overwrite) and a
//! non-empty folder is only removed when asked for, after a confirmation
//! that says how much goes.

use crate::ftp::{Client, Entry, Kind};
use crate::http::Exchange;
use crate::web::context::Reply;
use crate::web::context::{check_csrf, read_form, Ctx};
use crate::web::error::{Error, Result};
use crate::web::format::{self, count};
use crate::web::json::Object;
use crate::web::paths::{self, field};
use crate::web::response::{self, Page};
use crate::web::session::Session;
use crate::web::tree::{self, Class, Count, Purpose};
use crate::web::views::model::{DeleteConfirm, EntryKind, Flash, FlashKind, RenameForm};
use crate::web::views::pages;
use crate::web::App;

/// `POST /mkdir/<dir>/` with `name`.
pub fn mkdir(_: &App, req: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    create_new(req, ctx, ".", "Created folder", |c, target| {
        c.mkd(target).map_err(Error::Refused)
    })
}

/// A new entry named by the form's `name` in the folder of `ctx`: the name
/// checked before anything reaches the server, 409 when it is taken (the
/// message ends with `taken_tail`), else `make` on the free path and a
/// flash "`created` “name”". Shared by New folder and New file.
pub(super) fn create_new(
    req: &mut Exchange<'_>,
    ctx: &Ctx,
    taken_tail: &str,
    created: &str,
    mut make: impl FnMut(&mut Client, &[u8]) -> Result<()>,
) -> Result<Reply> {
    let session = ctx.session()?;
    let dir = ctx.target.clone();
    let form = read_form(req)?;
    check_csrf(req, session, field(&form, "csrf"))?;
    let name = field(&form, "name").unwrap_or(b"");
    paths::check_name(name)?;
    let target = paths::join(&dir, name);
    session.pool.run(|c| {
        if find(c, &target)?.is_some() {
            return Err(Error::Conflict(format!(
                "“{}” already exists here{taken_tail}",
                shown(name)
            )));
        }
        make(c, &target)
    })?;
    let message = format!("{created} “{}”", shown(name));
    Ok(done(ctx, session, &dir, &target, message, None).into())
}

/// `GET /rename/<path>`: the rename form.
pub fn rename_page(_: &App, _: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let path = changeable(&ctx.target, "renamed")?;
    let entry = session.pool.run(|c| existing(c, &path))?;
    let (dir, name) = paths::split(&path);
    let form = RenameForm {
        name: shown(&name),
        path: shown(&path),
        kind: entry_kind(&entry.kind),
        action: format!("/rename{}", paths::encode(&path)),
        csrf: session.csrf.clone(),
        back_href: paths::browse_url(&dir),
    };
    let layout = ctx.layout(&format!("Rename {}", form.name));
    Ok(response::html(200, pages::rename(&layout, &form)).into())
}

/// `POST /rename/<path>` with `to`: a new name in the same folder, or an
/// absolute path to move it.
pub fn rename(_: &App, req: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let path = changeable(&ctx.target, "renamed")?;
    let form = read_form(req)?;
    check_csrf(req, session, field(&form, "csrf"))?;
    let (dir, name) = paths::split(&path);
    let to = field(&form, "to").unwrap_or(b"");
    let dest = destination(&dir, to)?;
    if dest == path {
        return Err(Error::BadRequest(
            "the new name is the same as the old one".into(),
        ));
    }
    session.pool.run(|c| {
        let entry = existing(c, &path)?;
        if entry.kind == Kind::Dir && dest.starts_with(&paths::join(&path, b"")) {
            return Err(Error::BadRequest(
                "a folder cannot be moved into itself".into(),
            ));
        }
        if find(c, &dest)?.is_some() {
            return Err(Error::Conflict(format!(
                "“{}” already exists; choose another name or delete it first.",
                shown(&dest)
            )));
        }
        c.rename(&path, &dest).map_err(Error::Refused)
    })?;
    let (dest_dir, dest_name) = paths::split(&dest);
    let message = if dest_dir == dir {
        format!("Renamed “{}” to “{}”", shown(&name), shown(&dest_name))
    } else {
        format!("Moved “{}” to {}", shown(&name), shown(&dest))
    };
    Ok(done(ctx, session, &dir, &dest, message, None).into())
}

/// Longest `to` path accepted (its last part is a name, checked as such).
const MAX_PATH_BYTES: usize = 4096;

/// Where `to` puts an entry of `dir`: a plain name (renamed in place), an
/// absolute path, or a path relative to `dir` (`../archive/a.txt`,
/// `sub/a.txt`).
fn destination(dir: &[u8], to: &[u8]) -> Result<Vec<u8>> {
    if to.len() > MAX_PATH_BYTES {
        return Err(Error::BadRequest(format!(
            "the new path is longer than {MAX_PATH_BYTES} bytes"
        )));
    }
    if !to.contains(&b'/') {
        paths::check_name(to)?;
        return Ok(paths::join(dir, to));
    }
    let dest = paths::resolve(dir, to)?;
    if dest == b"/" {
        return Err(Error::BadRequest(
            "the new path must name a file or folder".into(),
        ));
    }
    Ok(dest)
}

/// `GET /delete/<path>`: the confirmation page, or for JSON a preview of
/// what would go: `{"path","name","type","empty","files","folders","links"}`.
/// The counts come from the same plan the delete acts on, so they are
/// what it would remove; a tree the delete would refuse is refused here.
pub fn delete_page(_: &App, _: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let path = changeable(&ctx.target, "deleted")?;
    let (class, inside) = session.pool.run(|c| {
        let entry = existing(c, &path)?;
        let class = tree::classify(c, &path, &entry, Purpose::Delete)?;
        let inside = match class {
            Class::Dir => tree::plan(c, &path, Purpose::Delete)?.count(),
            _ => Count::default(),
        };
        Ok((class, inside))
    })?;
    let (dir, name) = paths::split(&path);
    let kind = class_kind(&class);
    if ctx.json {
        let body = Object::new()
            .str("path", &shown(&path))
            .str("name", &shown(&name))
            .str("type", kind.as_str())
            .bool("empty", inside == Count::default())
            .num("files", inside.files as u64)
            .num("folders", inside.folders as u64)
            .num("links", inside.links as u64);
        return Ok(response::json(200, body.finish()).into());
    }
    let confirm = DeleteConfirm {
        name: shown(&name),
        path: shown(&path),
        kind,
        files: inside.files,
        folders: inside.folders,
        recursive: inside != Count::default(),
        action: format!("/delete{}", paths::encode(&path)),
        csrf: session.csrf.clone(),
        back_href: paths::browse_url(&dir),
    };
    let layout = ctx.layout(&format!("Delete {}", confirm.name));
    Ok(response::html(200, pages::confirm_delete(&layout, &confirm)).into())
}

/// `POST /delete/<path>`: a file, a link or an empty folder; a folder with
/// everything in it only with `recursive=1`, after the whole tree was
/// walked and found within the caps (nothing is deleted otherwise).
pub fn delete(_: &App, req: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let path = changeable(&ctx.target, "deleted")?;
    let form = read_form(req)?;
    check_csrf(req, session, field(&form, "csrf"))?;
    let recursive = matches!(field(&form, "recursive"), Some(b"1" | b"on"));
    let (dir, name) = paths::split(&path);
    let name = shown(&name);
    let (message, removed) = session.pool.run(|c| {
        let entry = existing(c, &path)?;
        match tree::classify(c, &path, &entry, Purpose::Delete)? {
            // Files, and links: the link goes, never what it points to.
            Class::File => {
                c.dele(&path).map_err(Error::seen)?;
                return Ok((format!("Deleted “{name}”"), None));
            }
            Class::Link { .. } => {
                c.dele(&path).map_err(|e| refused_link(&name, e))?;
                return Ok((format!("Deleted the link “{name}”"), None));
            }
            Class::Dir => {}
        }
        if !recursive {
            if !c.list(&path).map_err(Error::seen)?.is_empty() {
                return Err(Error::Conflict(format!(
                    "The folder “{name}” is not empty. Its Delete link offers to delete it \
                     with everything in it."
                )));
            }
            c.rmd(&path).map_err(Error::seen)?;
            return Ok((format!("Deleted folder “{name}”"), None));
        }
        let plan = tree::plan(c, &path, Purpose::Delete)?;
        let report = tree::delete(c, &plan);
        let Count { files, folders, .. } = report.removed;
        let what = format::contents(files, folders);
        if let Some(first) = report.failed.first() {
            return Err(Error::Incomplete {
                message: format!(
                    "Deleted {what} from “{name}”, but {} could not be deleted:",
                    count(report.failed.len(), "item")
                ),
                status: first.status,
                details: report.failure_lines(),
            });
        }
        Ok((
            format!("Deleted folder “{name}” and everything in it ({what})"),
            Some(report.removed),
        ))
    })?;
    Ok(done(ctx, session, &dir, &path, message, removed).into())
}

/// The server would not DELE a link: say so, and that nothing else is tried
/// (an RMD could go through the link on some servers).
fn refused_link(name: &str, e: crate::ftp::Error) -> Error {
    let e = Error::seen(e);
    if e.is_connection_lost() {
        return e;
    }
    let said = e.server_said().unwrap_or_else(|| e.to_string());
    Error::Unsafe {
        message: format!(
            "“{name}” is a link, and the FTP server would not delete it (it said “{said}”). \
             ftpgate deletes a link only as a link, never what it points to, so nothing \
             was deleted."
        ),
        status: e.status(),
    }
}

/// The decoded path of a rename or delete; the top folder is refused.
pub(super) fn changeable(path: &[u8], verb: &str) -> Result<Vec<u8>> {
    if path == b"/" {
        return Err(Error::BadRequest(format!(
            "the top folder cannot be {verb}"
        )));
    }
    Ok(path.to_vec())
}

/// The entry at `path`, or a 404 that names it.
pub(super) fn existing(c: &mut Client, path: &[u8]) -> Result<Entry> {
    find(c, path)?.ok_or_else(|| {
        Error::Missing(format!(
            "There is no “{}” on the FTP server (it may have just been moved or deleted).",
            shown(path)
        ))
    })
}

/// Looks `path` up in its folder's listing. Servers that hide dot files
/// (vsftpd's default) list less than there is, so a name not listed is
/// probed with SIZE (a file) and CWD (a folder) before it counts as absent.
pub(super) fn find(c: &mut Client, path: &[u8]) -> Result<Option<Entry>> {
    let (dir, name) = paths::split(path);
    let listed = match c.list(&dir) {
        Ok(listed) => listed,
        // vsftpd: "550 Failed to change directory." for a folder it may not
        // enter: 403 when that folder is there, 404 when it is not.
        Err(e) => return Err(tree::refusal(c, &dir, e)),
    };
    if let Some(entry) = listed.into_iter().find(|e| e.name == name) {
        return Ok(Some(entry));
    }
    let probe = |kind| Entry {
        name: name.clone(),
        kind,
        size: None,
        modified: None,
        mode: None,
    };
    if c.size(path).is_ok() {
        return Ok(Some(probe(Kind::File)));
    }
    if c.cwd(path).is_ok() {
        return Ok(Some(probe(Kind::Dir)));
    }
    Ok(None)
}

/// Success: JSON `{"message", "path"[, "files", "folders"]}`, or 303 back to `dir` with
/// the message as a flash.
pub(super) fn done(
    ctx: &Ctx,
    session: &Session,
    dir: &[u8],
    path: &[u8],
    message: String,
    removed: Option<Count>,
) -> Page {
    if ctx.json {
        let mut body = Object::new()
            .str("message", &message)
            .str("path", &shown(path));
        if let Some(Count {
            files,
            folders,
            links,
        }) = removed
        {
            body = body
                .num("files", files as u64)
                .num("folders", folders as u64)
                .num("links", links as u64);
        }
        return response::json(200, body.finish());
    }
    session.set_flash(Flash {
        kind: FlashKind::Success,
        text: message,
    });
    response::redirect(&paths::browse_url(dir))
}

fn class_kind(class: &Class) -> EntryKind {
    match class {
        Class::Dir => EntryKind::Dir,
        Class::File => EntryKind::File,
        Class::Link { .. } => EntryKind::Symlink,
    }
}

fn entry_kind(kind: &Kind) -> EntryKind {
    match kind {
        Kind::Dir => EntryKind::Dir,
        Kind::File => EntryKind::File,
        Kind::Symlink { .. } => EntryKind::Symlink,
        _ => EntryKind::Other,
    }
}

/// A name or path as text (lossy for bytes that are not UTF-8).
pub(super) fn shown(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_are_names_in_the_folder_or_absolute_paths() {
        assert_eq!(destination(b"/pub", b"b.txt").unwrap(), b"/pub/b.txt");
        assert_eq!(destination(b"/pub", b"/a/./b/../c").unwrap(), b"/a/c");
        assert_eq!(destination(b"/", b" lead").unwrap(), b"/ lead");
        assert_eq!(
            destination(b"/pub/x", b"../archive/a.txt").unwrap(),
            b"/pub/archive/a.txt"
        );
        assert_eq!(
            destination(b"/pub", b"sub/a.txt").unwrap(),
            b"/pub/sub/a.txt"
        );
        for bad in [
            &b""[..],
            b".",
            b"..",
            b"../..",
            b"a\r\nDELE x",
            b"a\0",
            b"/",
            b"/..",
        ] {
            assert!(destination(b"/pub", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_top_folder_is_not_changeable() {
        assert!(changeable(b"/", "deleted").is_err());
        assert_eq!(changeable(b"/a b", "deleted").unwrap(), b"/a b");
        // The router decodes; a path that climbs back to the top is the top.
        assert!(changeable(&paths::decode("/a/..").unwrap(), "deleted").is_err());
    }
}
