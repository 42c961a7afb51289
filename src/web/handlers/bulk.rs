//! # Several entries at once: delete, move
//!
//! Moving: `GET /move-selected/<dir>/?item=..[&pick=FOLDER]` is a folder
//! picker that works without script (browse to the folder, then "Move
//! here"); `POST` with `csrf`, the `item`s and `to` (a folder, absolute or
//! relative to `<dir>`) moves them there with RNFR/RNTO after checking
//! every one first: nothing is moved when any name is taken there (never
//! replaced) or a folder would go into itself.
//!
//! Deleting: `GET /delete-selected/<dir>/?item=..`: the confirmation, which says what
//! will go (each entry, and for folders everything in them); `POST` with
//! the same `item`s and the CSRF token: deletes them. Both start from the
//! same plan: every entry classified and every folder walked with the safe
//! walk, the caps checked for all of them together, before the first
//! change. Files and links go with DELE (a link, never what it points to),
//! folders with everything in them; what could not be deleted is reported.

use crate::ftp::{Client, Entry};
use crate::http::Exchange;
use crate::web::context::{check_csrf, read_form, Ctx, Reply};
use crate::web::error::{Error, Result};
use crate::web::format::{self, count};
use crate::web::handlers::manage;
use crate::web::json::Object;
use crate::web::paths::{self, field};
use crate::web::probe::{self, Found};
use crate::web::response;
use crate::web::session::Session;
use crate::web::tree::{self, Class, Count, Plan, Purpose, MAX_ENTRIES};
use crate::web::views::model::{
    DeleteMany, DeleteManyItem, EntryKind, Flash, FlashKind, MovePicker, PickFolder,
};
use crate::web::views::pages;
use crate::web::App;

/// One chosen entry, classified, with its plan when it is a folder.
struct Chosen {
    name: Vec<u8>,
    path: Vec<u8>,
    class: Class,
    plan: Option<Plan>,
}

impl Chosen {
    /// What deleting it removes, itself included.
    fn count(&self) -> Count {
        let mut count = self.plan.as_ref().map(Plan::count).unwrap_or_default();
        match self.class {
            Class::Dir => count.folders += 1,
            Class::Link { .. } => {
                count.files += 1;
                count.links += 1;
            }
            Class::File => count.files += 1,
        }
        count
    }
}

/// The `item=` names (percent-encoded, as the page's checkboxes send them)
/// and `name=` ones (as typed), checked; at least one. `all=1` (the page's
/// "every page" box) means every entry of `dir`, read from its listing.
pub(super) fn chosen_names(
    session: &Session,
    dir: &[u8],
    fields: &[(String, Vec<u8>)],
) -> Result<Vec<Vec<u8>>> {
    if paths::field(fields, "all") == Some(b"1") {
        let listed = session
            .pool
            .run(|c| c.list(dir).map_err(|e| tree::refusal(c, dir, e)))?;
        let names: Vec<Vec<u8>> = listed
            .into_iter()
            // Entries that are never acted on stay out of "all".
            .filter(|e| {
                !matches!(
                    e.kind,
                    crate::ftp::Kind::Invalid | crate::ftp::Kind::Unknown
                )
            })
            .map(|e| e.name)
            .collect();
        if names.is_empty() {
            return Err(Error::BadRequest("this folder is empty".into()));
        }
        return Ok(names);
    }
    let mut names = Vec::new();
    for (key, value) in fields {
        let name = match key.as_str() {
            "item" => paths::decode_component(value)?,
            "name" => value.clone(),
            _ => continue,
        };
        paths::check_name(&name)?;
        if !names.contains(&name) {
            names.push(name);
        }
    }
    if names.is_empty() {
        return Err(Error::BadRequest(
            "tick at least one file or folder to delete".into(),
        ));
    }
    Ok(names)
}

/// Classifies and walks every chosen entry; refuses before any change
/// when they hold more than a delete's cap together.
fn plan_all(c: &mut Client, dir: &[u8], names: &[Vec<u8>]) -> Result<Vec<Chosen>> {
    let listing: Vec<Entry> = c.list(dir).map_err(|e| tree::refusal(c, dir, e))?;
    let mut chosen = Vec::with_capacity(names.len());
    let mut total = 0usize;
    for name in names {
        let Some(entry) = listing.iter().find(|e| &e.name == name) else {
            return Err(Error::Missing(format!(
                "There is no “{}” in {}; nothing was deleted.",
                String::from_utf8_lossy(name),
                String::from_utf8_lossy(dir)
            )));
        };
        let path = paths::join(dir, name);
        let class = tree::classify(c, &path, entry, Purpose::Delete)?;
        let plan = match class {
            Class::Dir => Some(tree::plan(c, &path, Purpose::Delete)?),
            _ => None,
        };
        let item = Chosen {
            name: name.clone(),
            path,
            class,
            plan,
        };
        let Count { files, folders, .. } = item.count();
        total += files + folders;
        if total > MAX_ENTRIES {
            return Err(Error::Unsafe {
                message: format!(
                    "These hold more than {MAX_ENTRIES} files and folders together; ftpgate \
                     does not delete that much in one go, so nothing was deleted."
                ),
                status: 409,
            });
        }
        chosen.push(item);
    }
    Ok(chosen)
}

fn kind(class: &Class) -> EntryKind {
    match class {
        Class::Dir => EntryKind::Dir,
        Class::File => EntryKind::File,
        Class::Link { .. } => EntryKind::Symlink,
    }
}

fn sum(chosen: &[Chosen]) -> Count {
    chosen
        .iter()
        .map(Chosen::count)
        .fold(Count::default(), |a, b| Count {
            files: a.files + b.files,
            folders: a.folders + b.folders,
            links: a.links + b.links,
        })
}

/// `GET /delete-selected/<dir>/?item=..`: what would go, as a page with the
/// confirming form, or as JSON `{"items":[{"name","type","files","folders","links"}],"files","folders","links"}`.
pub fn confirm(_: &App, _: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let dir = ctx.target.clone();
    let names = chosen_names(session, &dir, &ctx.query)?;
    let chosen = session.pool.run(|c| plan_all(c, &dir, &names))?;
    let total = sum(&chosen);
    if ctx.json {
        let items = chosen.iter().map(|item| {
            let Count {
                files,
                folders,
                links,
            } = item.count();
            Object::new()
                .str("name", &String::from_utf8_lossy(&item.name))
                .str("type", kind(&item.class).as_str())
                .num("files", files as u64)
                .num("folders", folders as u64)
                .num("links", links as u64)
        });
        let body = Object::new()
            .objects("items", items)
            .num("files", total.files as u64)
            .num("folders", total.folders as u64)
            .num("links", total.links as u64);
        return Ok(response::json(200, body.finish()).into());
    }
    let page = DeleteMany {
        folder: String::from_utf8_lossy(&dir).into_owned(),
        items: chosen
            .iter()
            .map(|item| {
                let inside = item.plan.as_ref().map(Plan::count).unwrap_or_default();
                DeleteManyItem {
                    name: String::from_utf8_lossy(&item.name).into_owned(),
                    value: paths::encode_component(&item.name),
                    kind: kind(&item.class),
                    files: inside.files,
                    folders: inside.folders,
                }
            })
            .collect(),
        files: total.files,
        folders: total.folders,
        action: format!(
            "/delete-selected{}",
            &paths::browse_url(&dir)["/browse".len()..]
        ),
        csrf: session.csrf.clone(),
        back_href: paths::browse_url(&dir),
    };
    let layout = ctx.layout("Delete the selected entries");
    Ok(response::html(200, pages::confirm_delete_many(&layout, &page)).into())
}

/// `POST /delete-selected/<dir>/`: `csrf`, `item`s.
pub fn delete(_: &App, ex: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let dir = ctx.target.clone();
    let form = read_form(ex)?;
    check_csrf(ex, session, field(&form, "csrf"))?;
    let names = chosen_names(session, &dir, &form)?;
    let (removed, failed, status) = session.pool.run(|c| {
        let chosen = plan_all(c, &dir, &names)?;
        Ok(act(c, &chosen))
    })?;
    let what = format::contents(removed.files, removed.folders);
    if !failed.is_empty() {
        return Err(Error::Incomplete {
            message: format!(
                "Deleted {what}, but {} could not be deleted:",
                count(failed.len(), "item")
            ),
            status,
            details: failed,
        });
    }
    done(ctx, session, &dir, format!("Deleted {what}"), removed)
}

/// Deletes every chosen entry; returns what went, what did not (one line
/// each) and the status of the first failure.
fn act(c: &mut Client, chosen: &[Chosen]) -> (Count, Vec<String>, u16) {
    let mut removed = Count::default();
    let mut failed = Vec::new();
    let mut status = 0;
    for item in chosen {
        let shown = String::from_utf8_lossy(&item.path).into_owned();
        match (&item.class, &item.plan) {
            (Class::Dir, Some(plan)) => {
                let report = tree::delete(c, plan);
                removed.files += report.removed.files;
                removed.folders += report.removed.folders;
                removed.links += report.removed.links;
                if let Some(first) = report.failed.first() {
                    if status == 0 {
                        status = first.status;
                    }
                    failed.extend(report.failure_lines());
                } else {
                    removed.folders += 1;
                }
            }
            (class, _) => match c.dele(&item.path) {
                Ok(()) => {
                    removed.files += 1;
                    if matches!(class, Class::Link { .. }) {
                        removed.links += 1;
                    }
                }
                Err(e) => {
                    let e = Error::seen(e);
                    if status == 0 {
                        status = e.status();
                    }
                    let said = e.server_said().unwrap_or_else(|| e.to_string());
                    failed.push(format!("{shown}: {said}"));
                }
            },
        }
    }
    (removed, failed, status)
}

/// Moving or copying: the words and the route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Move,
    Copy,
}

impl Verb {
    /// "Move", "Copy".
    pub fn word(self) -> &'static str {
        match self {
            Verb::Move => "Move",
            Verb::Copy => "Copy",
        }
    }

    /// "moved", "copied".
    pub fn done(self) -> &'static str {
        match self {
            Verb::Move => "moved",
            Verb::Copy => "copied",
        }
    }

    fn route(self) -> &'static str {
        match self {
            Verb::Move => "/move-selected",
            Verb::Copy => "/copy-selected",
        }
    }
}

/// `GET /move-selected/<dir>/?item=..[&pick=F]`: the folders of `F` (by
/// default `<dir>`) to browse into, and the form that moves the items there.
pub fn move_page(app: &App, ex: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    picker(app, ex, ctx, Verb::Move)
}

/// `GET /copy-selected/<dir>/?item=..[&pick=F]`: the same picker, for a copy.
pub fn copy_page(app: &App, ex: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    picker(app, ex, ctx, Verb::Copy)
}

fn picker(_: &App, _: &mut Exchange<'_>, ctx: &Ctx, verb: Verb) -> Result<Reply> {
    let session = ctx.session()?;
    let dir = ctx.target.clone();
    let names = chosen_names(session, &dir, &ctx.query)?;
    let pick = match paths::field(&ctx.query, "pick") {
        Some(p) => paths::resolve(&dir, p)?,
        None => dir.clone(),
    };
    let entries = session.pool.run(|c| {
        c.list_compact(&pick)
            .map_err(|e| tree::refusal(c, &pick, e))
    })?;
    let items: Vec<String> = names.iter().map(|n| paths::encode_component(n)).collect();
    let base = format!(
        "{}{}",
        verb.route(),
        &paths::browse_url(&dir)["/browse".len()..]
    );
    let query: Vec<String> = items
        .iter()
        .map(|v| format!("item={}", paths::encode_component(v.as_bytes())))
        .collect();
    let query = query.join("&");
    let href = |folder: &[u8]| format!("{base}?{query}&pick={}", paths::encode_component(folder));
    let mut folders: Vec<PickFolder> = (0..entries.len())
        .filter(|&i| entries.kind(i) == crate::ftp::EntryType::Dir)
        .map(|i| PickFolder {
            name: String::from_utf8_lossy(entries.name(i)).into_owned(),
            href: href(&paths::join(&pick, entries.name(i))),
        })
        .collect();
    folders.sort_by_key(|f| f.name.to_lowercase());
    let page = MovePicker {
        verb: verb.word(),
        count: names.len(),
        folder: String::from_utf8_lossy(&dir).into_owned(),
        pick: String::from_utf8_lossy(&pick).into_owned(),
        parent_href: (pick != b"/").then(|| href(&paths::split(&pick).0)),
        folders,
        items,
        action: base,
        csrf: session.csrf.clone(),
        back_href: paths::browse_url(&dir),
    };
    let layout = ctx.layout(&format!("{} the selected entries", verb.word()));
    Ok(response::html(200, pages::move_picker(&layout, &page)).into())
}

/// `POST /move-selected/<dir>/`: `csrf`, `item`s, `to`.
pub fn move_items(_: &App, ex: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let dir = ctx.target.clone();
    let form = read_form(ex)?;
    check_csrf(ex, session, field(&form, "csrf"))?;
    let names = chosen_names(session, &dir, &form)?;
    let to = field(&form, "to").unwrap_or_default();
    if to.is_empty() {
        return Err(Error::BadRequest("name the folder to move them to".into()));
    }
    let target = paths::resolve(&dir, to)?;
    if target == dir {
        return Err(Error::BadRequest("they are in that folder already".into()));
    }
    let shown_target = String::from_utf8_lossy(&target).into_owned();
    let failed = session.pool.run(|c| {
        let moves = check_moves(c, &dir, &names, &target, Verb::Move)?;
        let mut failed = Vec::new();
        for (path, dest) in &moves {
            if let Err(e) = c.rename(path, dest) {
                let e = Error::Refused(e);
                let said = e.server_said().unwrap_or_else(|| e.to_string());
                let line = format!("{}: {said}", String::from_utf8_lossy(path));
                failed.push((e.status(), line));
            }
        }
        Ok(failed)
    })?;
    let moved = names.len() - failed.len();
    if let Some(&(status, _)) = failed.first() {
        return Err(Error::Incomplete {
            message: format!(
                "Moved {} to {shown_target}, but {} could not be moved:",
                count(moved, "item"),
                count(failed.len(), "item")
            ),
            status,
            details: failed.into_iter().map(|(_, line)| line).collect(),
        });
    }
    let message = format!("Moved {} to {shown_target}", count(moved, "item"));
    if ctx.json {
        let body = Object::new()
            .str("message", &message)
            .num("moved", moved as u64);
        return Ok(response::json(200, body.finish()).into());
    }
    session.set_flash(Flash {
        kind: FlashKind::Success,
        text: message,
    });
    Ok(response::redirect(&paths::browse_url(&dir)).into())
}

/// Every check of a move (or copy) before the first change: the target is
/// a folder, each entry is there, no folder goes into itself, no name is
/// taken there. Returns the (from, to) pairs with each entry's listing.
pub(super) fn check_moves(
    c: &mut Client,
    dir: &[u8],
    names: &[Vec<u8>],
    target: &[u8],
    verb: Verb,
) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    let done = verb.done();
    let shown = |p: &[u8]| String::from_utf8_lossy(p).into_owned();
    if probe::find(c, target)? != Found::Dir {
        return Err(Error::Missing(format!(
            "There is no folder {}; nothing was {done}.",
            shown(target)
        )));
    }
    let mut moves = Vec::with_capacity(names.len());
    let mut taken = Vec::new();
    for name in names {
        let path = paths::join(dir, name);
        let Some(entry) = manage::find(c, &path)? else {
            return Err(Error::Missing(format!(
                "There is no “{}” in {}; nothing was {done}.",
                shown(name),
                shown(dir)
            )));
        };
        let inside = paths::join(&path, b"");
        if entry.kind == crate::ftp::Kind::Dir && (target == path || target.starts_with(&inside)) {
            return Err(Error::BadRequest(format!(
                "“{}” is a folder and cannot be {done} into itself; nothing was {done}.",
                shown(name)
            )));
        }
        let dest = paths::join(target, name);
        if manage::find(c, &dest)?.is_some() {
            taken.push(shown(name));
        }
        moves.push((path, dest));
    }
    if !taken.is_empty() {
        let which = match &taken[..] {
            [one] => format!("“{one}” is"),
            many => format!("{} are", many.join(", ")),
        };
        return Err(Error::Conflict(format!(
            "{which} already in {}; nothing was {done} (ftpgate never replaces there).",
            shown(target)
        )));
    }
    Ok(moves)
}

fn done(
    ctx: &Ctx,
    session: &Session,
    dir: &[u8],
    message: String,
    removed: Count,
) -> Result<Reply> {
    if ctx.json {
        let body = Object::new()
            .str("message", &message)
            .num("files", removed.files as u64)
            .num("folders", removed.folders as u64)
            .num("links", removed.links as u64);
        return Ok(response::json(200, body.finish()).into());
    }
    session.set_flash(Flash {
        kind: FlashKind::Success,
        text: message,
    });
    Ok(response::redirect(&paths::browse_url(dir)).into())
}
