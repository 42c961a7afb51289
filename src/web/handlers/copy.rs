//! # Copying on the server
//!
//! `POST /copy-selected/<dir>/` (`csrf`, `item`s, `to`): FTP has no copy
//! command, so each file is read with `RETR` on one of the session's
//! connections and written with `STOR` on another, through the pipe (a few
//! fixed buffers, whatever the size), to a temporary name in its new
//! folder, renamed to its name only once the server confirmed it whole.
//! Folders are walked first with the safe walk (links are not copied),
//! every check and the caps pass before the first change, and nothing that
//! exists is ever replaced.

use super::bulk::{check_moves, Verb};
use super::upload::TEMP_PREFIX;
use crate::ftp::Client;
use crate::http::Exchange;
use crate::web::context::{check_csrf, read_form, Ctx, Reply};
use crate::web::error::{Error, Result};
use crate::web::format::{self, count};
use crate::web::handlers::manage;
use crate::web::json::Object;
use crate::web::paths::{self, field};
use crate::web::pipe::{pipe, Failure};
use crate::web::response;
use crate::web::session::hex;
use crate::web::tree::{self, Class, Purpose, MAX_ENTRIES};
use crate::web::views::model::{Flash, FlashKind};
use crate::web::App;
use std::io::Write;

/// One step of a copy.
enum Step {
    /// Make this folder.
    Dir(Vec<u8>),
    /// Copy this file to there.
    File { from: Vec<u8>, to: Vec<u8> },
}

/// `POST /copy-selected/<dir>/`.
pub fn copy_items(app: &App, ex: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let dir = ctx.target.clone();
    let form = read_form(ex)?;
    check_csrf(ex, session, field(&form, "csrf"))?;
    let names = super::bulk::chosen_names(session, &dir, &form)?;
    let to = field(&form, "to").unwrap_or_default();
    if to.is_empty() {
        return Err(Error::BadRequest("name the folder to copy them to".into()));
    }
    let target = paths::resolve(&dir, to)?;
    if target == dir {
        return Err(Error::BadRequest(
            "pick another folder: a copy can't take the same name here".into(),
        ));
    }
    let shown_target = String::from_utf8_lossy(&target).into_owned();
    // Two connections: one reads while the other writes.
    let mut source = session.pool.checkout()?;
    let steps = session
        .pool
        .retry(&mut source, |c| plan(c, &dir, &names, &target))?;
    let mut dest = session.pool.checkout()?;
    let mut failed = Vec::new();
    let (mut files, mut folders) = (0, 0);
    for step in &steps {
        let result = match step {
            Step::Dir(path) => dest
                .mkd(path)
                .map_err(Error::Refused)
                .map(|()| folders += 1),
            Step::File { from, to } => {
                copy_file(app, &mut source, &mut dest, from, to).map(|()| files += 1)
            }
        };
        if let Err(e) = result {
            if matches!(e, Error::Stopping) {
                return Err(e);
            }
            let path = match step {
                Step::Dir(p) | Step::File { to: p, .. } => p,
            };
            let said = e.server_said().unwrap_or_else(|| e.to_string());
            failed.push((
                e.status(),
                format!("{}: {said}", String::from_utf8_lossy(path)),
            ));
            // A connection that broke is replaced for the rest.
            session.pool.revive(&mut source)?;
            session.pool.revive(&mut dest)?;
        }
    }
    let what = format::contents(files, folders);
    if let Some(&(status, _)) = failed.first() {
        return Err(Error::Incomplete {
            message: format!(
                "Copied {what} to {shown_target}, but {} could not be copied:",
                count(failed.len(), "item")
            ),
            status,
            details: failed.into_iter().map(|(_, line)| line).collect(),
        });
    }
    let message = format!("Copied {what} to {shown_target}");
    if ctx.json {
        let body = Object::new()
            .str("message", &message)
            .num("files", files as u64)
            .num("folders", folders as u64);
        return Ok(response::json(200, body.finish()).into());
    }
    session.set_flash(Flash {
        kind: FlashKind::Success,
        text: message,
    });
    Ok(response::redirect(&paths::browse_url(&dir)).into())
}

/// Every step of the copy, after every check; folders before what they hold.
fn plan(c: &mut Client, dir: &[u8], names: &[Vec<u8>], target: &[u8]) -> Result<Vec<Step>> {
    let pairs = check_moves(c, dir, names, target, Verb::Copy)?;
    let mut steps = Vec::new();
    for (from, to) in pairs {
        let Some(entry) = manage::find(c, &from)? else {
            return Err(Error::Missing(format!(
                "“{}” is gone; nothing was copied.",
                String::from_utf8_lossy(&from)
            )));
        };
        match tree::classify(c, &from, &entry, Purpose::Copy)? {
            Class::File => steps.push(Step::File { from, to }),
            // A link is not copied: what it points to may be anywhere.
            Class::Link { .. } => {}
            Class::Dir => {
                let plan = tree::plan(c, &from, Purpose::Copy)?;
                steps.push(Step::Dir(to.clone()));
                for e in plan.entries() {
                    let inside_to = paths::join(&to, &e.relative);
                    match e.class {
                        Class::Dir => steps.push(Step::Dir(inside_to)),
                        Class::File => steps.push(Step::File {
                            from: paths::join(&from, &e.relative),
                            to: inside_to,
                        }),
                        Class::Link { .. } => {}
                    }
                }
            }
        }
        if steps.len() > MAX_ENTRIES {
            return Err(Error::Unsafe {
                message: format!(
                    "These hold more than {MAX_ENTRIES} files and folders together; ftpgate \
                     does not copy that much in one go, so nothing was copied."
                ),
                status: 409,
            });
        }
    }
    Ok(steps)
}

/// Streams `from` (on `source`) into a temporary name beside `to` (on
/// `dest`), then renames it to `to`; the temporary file goes on failure.
fn copy_file(
    app: &App,
    source: &mut Client,
    dest: &mut Client,
    from: &[u8],
    to: &[u8],
) -> Result<()> {
    let (to_dir, _) = paths::split(to);
    let tag = hex(&app.sessions.random::<8>());
    let temp = paths::join(&to_dir, format!("{TEMP_PREFIX}{tag}").as_bytes());
    let result = stream(app, source, dest, from, &temp).and_then(|()| {
        // Checked absent before the copy began; a rename over a file that
        // appeared since is the servers' own RNTO rule (README, Limits).
        crate::web::replace::put_in_place(dest, &temp, to, false, &tag)
    });
    if result.is_err() && dest.is_usable() {
        let _ = dest.dele(&temp);
    }
    result
}

fn stream(
    app: &App,
    source: &mut Client,
    dest: &mut Client,
    from: &[u8],
    temp: &[u8],
) -> Result<()> {
    let _turn = app.transfer_turn()?;
    let mut download = source.retr(from, 0)?;
    let mut upload = dest.stor(temp)?;
    let copied = pipe(
        &mut download,
        |chunk| upload.write_all(chunk),
        app.shutdown.abort_flag(),
    );
    match copied {
        Ok(_) => {}
        Err((Failure::Read(e), _)) => return Err(Error::Ftp(crate::ftp::Error::Io(e))),
        Err((Failure::Write(e), _)) => return Err(Error::Ftp(crate::ftp::Error::Io(e))),
        Err((Failure::Aborted, _)) => {
            app.shutdown.count_aborted();
            return Err(Error::Stopping);
        }
    }
    // The source must say it sent everything (226, and SIZE's count)
    // before the copy is confirmed and renamed into place.
    download.finish()?;
    upload.finish()?;
    Ok(())
}
