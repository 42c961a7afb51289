//! # Deleting several entries at once
//!
//! `GET /delete-selected/<dir>/?item=..`: the confirmation, which says what
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
use crate::web::format::count;
use crate::web::json::Object;
use crate::web::paths::{self, field};
use crate::web::response;
use crate::web::session::Session;
use crate::web::tree::{self, Class, Count, Plan, Purpose, MAX_ENTRIES};
use crate::web::views::model::{DeleteMany, DeleteManyItem, EntryKind, Flash, FlashKind};
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
/// and `name=` ones (as typed), checked; at least one.
fn chosen_names(fields: &[(String, Vec<u8>)]) -> Result<Vec<Vec<u8>>> {
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
    let names = chosen_names(&ctx.query)?;
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
    let names = chosen_names(&form)?;
    let (removed, failed, status) = session.pool.run(|c| {
        let chosen = plan_all(c, &dir, &names)?;
        Ok(act(c, &chosen))
    })?;
    let what = format!(
        "{} and {}",
        count(removed.files, "file"),
        count(removed.folders, "folder")
    );
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
