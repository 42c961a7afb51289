//! # Permissions
//!
//! `GET /chmod/<path>`: the permissions form (nine boxes and the octal
//! mode, no script needed); `POST /chmod/<path>`: `SITE CHMOD`. Servers
//! without it (libunftp answers 50x; vsftpd with `chmod_enable=NO` 550)
//! get a message that says so, with the server's own words.

use super::manage::{changeable, done, existing, shown};
use crate::ftp::{self, Client, Kind};
use crate::http::Exchange;
use crate::web::context::{check_csrf, read_form, Ctx, Reply};
use crate::web::error::{Error, Result};
use crate::web::paths::{self, field};
use crate::web::perms::{self, BOXES, SPECIAL_BITS};
use crate::web::response;
use crate::web::views::chmod::{self as view, ChmodForm, ModeBox};
use crate::web::App;

/// Most characters of the server's refusal quoted in the message.
const MAX_SAID_CHARS: usize = 300;

/// `GET /chmod/<path>`: the form, the current mode ticked where the
/// listing told it.
pub fn page(_: &App, _: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let path = changeable(&ctx.target, "changed")?;
    let (dir, name) = paths::split(&path);
    let (entry, mode) = session.pool.run(|c| {
        let entry = existing(c, &path)?;
        let mode = entry.mode.or_else(|| long_listing_mode(c, &dir, &name));
        Ok((entry, mode))
    })?;
    let form = ChmodForm {
        name: shown(&name),
        path: shown(&path),
        kind: match entry.kind {
            Kind::Dir => "folder",
            Kind::Symlink { .. } => "link",
            _ => "file",
        },
        octal: mode.map(perms::octal).unwrap_or_default(),
        letters: mode.map(perms::letters).unwrap_or_default(),
        boxes: BOXES
            .iter()
            .map(|&(bit, who, what)| ModeBox {
                bit: perms::octal(bit),
                who,
                what,
                checked: mode.is_some_and(|m| m & bit != 0),
            })
            .collect(),
        action: format!("/chmod{}", paths::encode(&path)),
        csrf: session.csrf.clone(),
        back_href: paths::browse_url(&dir),
    };
    let layout = ctx.layout(&format!("Permissions of {}", form.name));
    Ok(response::html(200, view::chmod(&layout, &form)).into())
}

/// The mode LIST shows, where MLSD gave none (libunftp's MLSD has no
/// `UNIX.mode` fact, its LIST has the `rwx` letters). Only for this page:
/// the listing itself is not taken twice.
fn long_listing_mode(c: &mut Client, dir: &[u8], name: &[u8]) -> Option<u16> {
    if !c.features().mlsd {
        return None;
    }
    let listed = c.list_long(dir).ok()?;
    listed.into_iter().find(|e| e.name == name)?.mode
}

/// `POST /chmod/<path>` with `csrf` and `mode` (octal, `644`), or the
/// boxes' `bit`s (with `was`, the mode the page showed).
pub fn change(_: &App, req: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let path = changeable(&ctx.target, "changed")?;
    let form = read_form(req)?;
    check_csrf(req, session, field(&form, "csrf"))?;
    let mode = chosen(&form)?;
    let (dir, name) = paths::split(&path);
    let name = shown(&name);
    session.pool.run(|c| {
        existing(c, &path)?;
        c.chmod(&path, mode).map_err(|e| refused(&name, e))
    })?;
    let message = format!(
        "Changed the permissions of “{name}” to {} ({})",
        perms::letters(mode),
        perms::octal(mode)
    );
    Ok(done(ctx, session, &dir, &path, message, None).into())
}

/// The mode asked for. The octal field wins when it differs from what
/// the page showed (`was`): without script the boxes and the field do not
/// follow each other, so the one the user changed decides. Otherwise the
/// boxes, keeping setuid, setgid and sticky from `was` (no box shows them).
fn chosen(form: &[(String, Vec<u8>)]) -> Result<u16> {
    let octal = |name| match field(form, name).map(<[u8]>::trim_ascii) {
        None | Some(b"") => Ok(None),
        Some(v) => perms::parse_octal(v).map(Some),
    };
    let (typed, was) = (octal("mode")?, octal("was")?);
    let bits: Vec<&[u8]> = form
        .iter()
        .filter(|(k, _)| k == "bit")
        .map(|(_, v)| v.as_slice())
        .collect();
    let from_page = field(form, "was").is_some();
    match typed {
        Some(mode) if typed != was => Ok(mode),
        _ if from_page || !bits.is_empty() => {
            Ok(perms::from_boxes(bits)? | (was.unwrap_or(0) & SPECIAL_BITS))
        }
        _ => Err(Error::BadRequest(
            "say which mode: mode=644 (octal), or the boxes' bit=400&bit=200…".into(),
        )),
    }
}

/// A refusal of `SITE CHMOD` in words: the server does not allow it.
fn refused(name: &str, e: ftp::Error) -> Error {
    match &e {
        ftp::Error::Reply { reply, .. } if matches!(reply.code, 500 | 502 | 504 | 550) => {
            let said: String = reply.text().chars().take(MAX_SAID_CHARS).collect();
            Error::Unsafe {
                message: format!(
                    "This FTP server does not allow changing permissions (it said “{} {said}”). \
                     The permissions of “{name}” were not changed.",
                    reply.code
                ),
                status: if reply.code == 550 { 403 } else { 501 },
            }
        }
        _ => Error::seen(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(fields: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn the_octal_field_wins_only_when_changed() {
        // Typed over what the page showed: the field.
        let f = form(&[("was", "0644"), ("mode", "600"), ("bit", "0400")]);
        assert_eq!(chosen(&f).unwrap(), 0o600);
        // Left as shown: the boxes.
        let f = form(&[
            ("was", "0644"),
            ("mode", "0644"),
            ("bit", "0400"),
            ("bit", "0200"),
        ]);
        assert_eq!(chosen(&f).unwrap(), 0o600);
        // Boxes keep setuid from what was there.
        let f = form(&[
            ("was", "4755"),
            ("mode", "4755"),
            ("bit", "0400"),
            ("bit", "0100"),
        ]);
        assert_eq!(chosen(&f).unwrap(), 0o4500);
        // Every box cleared on the page: 000.
        assert_eq!(
            chosen(&form(&[("was", "0644"), ("mode", "644")])).unwrap(),
            0
        );
        // curl: mode alone.
        assert_eq!(chosen(&form(&[("mode", "0755")])).unwrap(), 0o755);
    }

    #[test]
    fn bad_or_missing_modes_are_refused() {
        for bad in ["8", "07777", "+x", "6 4", "0o644"] {
            assert!(chosen(&form(&[("mode", bad)])).is_err(), "{bad}");
        }
        assert!(chosen(&form(&[])).is_err(), "nothing said");
        assert!(chosen(&form(&[("was", ""), ("bit", "4000")])).is_err());
    }
}
