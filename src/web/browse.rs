//! # Browse
//!
//! `GET /browse/<path>/`: lists a directory through the session's pooled
//! connection and renders it as a page or, for scripts, as JSON.

use super::error::{Error, Result};
use super::format::{exact_size, human_size, iso_time, short_time};
use super::paths;
use super::response::{self, json_string};
use super::routes::{Ctx, Reply};
use super::views::model::{Crumb, EntryKind, EntryView, Listing};
use super::views::pages;
use super::App;
use crate::ftp::{Entry, Kind};

/// `GET /browse/<path>/`.
pub fn page(app: &App, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let raw = &ctx.path["/browse".len()..];
    let dir = paths::decode(raw)?;
    if !raw.ends_with('/') {
        return Ok(response::redirect(&paths::browse_url(&dir)).into());
    }
    let listed = session
        .pool
        .run(&session.creds, &app.config.ftp, |c| c.list(&dir));
    let mut entries = match listed {
        Ok(entries) => entries,
        Err(e) => return not_a_dir(app, ctx, &dir, e),
    };
    sort(&mut entries);
    if ctx.json {
        return Ok(response::json(200, to_json(&dir, &entries, &session.csrf)).into());
    }
    let listing = view(&dir, &entries, &session.csrf);
    let title = String::from_utf8_lossy(&dir).into_owned();
    Ok(response::html(200, pages::browse(&ctx.layout(&title), &listing)).into())
}

/// A path that can't be listed may be a file (a symlink clicked as a folder):
/// then download it; otherwise report the listing error.
fn not_a_dir(app: &App, ctx: &Ctx, dir: &[u8], err: Error) -> Result<Reply> {
    let session = ctx.session()?;
    if err.status() == 404 && dir != b"/" {
        let size = session
            .pool
            .run(&session.creds, &app.config.ftp, |c| c.size(dir));
        if size.is_ok() {
            return Ok(response::redirect(&paths::download_url(dir)).into());
        }
    }
    Err(err)
}

/// Directories first, then everything else, each by name (case-insensitive).
fn sort(entries: &mut [Entry]) {
    entries.sort_by_cached_key(|e| {
        (
            e.kind != Kind::Dir,
            String::from_utf8_lossy(&e.name).to_lowercase(),
            e.name.clone(),
        )
    });
}

fn view(dir: &[u8], entries: &[Entry], csrf: &str) -> Listing {
    Listing {
        path: String::from_utf8_lossy(dir).into_owned(),
        crumbs: crumbs(dir),
        parent_href: (dir != b"/").then(|| paths::browse_url(&paths::split(dir).0)),
        entries: entries.iter().map(|e| entry_view(dir, e)).collect(),
        csrf: csrf.to_string(),
        upload_action: format!("/upload{}", &paths::browse_url(dir)["/browse".len()..]),
        cwd: String::from_utf8_lossy(dir).into_owned(),
        json_href: format!("{}?format=json", paths::browse_url(dir)),
    }
}

fn crumbs(dir: &[u8]) -> Vec<Crumb> {
    let mut out = vec![Crumb {
        label: "/".into(),
        href: "/browse/".into(),
    }];
    let mut path = Vec::new();
    for seg in dir.split(|&b| b == b'/').filter(|s| !s.is_empty()) {
        path.push(b'/');
        path.extend_from_slice(seg);
        out.push(Crumb {
            label: String::from_utf8_lossy(seg).into_owned(),
            href: paths::browse_url(&path),
        });
    }
    out
}

fn entry_view(dir: &[u8], e: &Entry) -> EntryView {
    let path = paths::join(dir, &e.name);
    let (kind, href, download_href, link_target) = match &e.kind {
        Kind::Dir => (EntryKind::Dir, paths::browse_url(&path), None, None),
        Kind::File => (EntryKind::File, paths::download_url(&path), None, None),
        Kind::Symlink { target } => (
            EntryKind::Symlink,
            paths::browse_url(&path),
            Some(paths::download_url(&path)),
            target
                .as_ref()
                .map(|t| String::from_utf8_lossy(t).into_owned()),
        ),
        // Devices and lines the parser did not understand: offer the download,
        // which fails with the server's own reason if it isn't a file.
        _ => (EntryKind::Other, paths::download_url(&path), None, None),
    };
    EntryView {
        name: String::from_utf8_lossy(&e.name).into_owned(),
        kind,
        href,
        download_href,
        size_human: e.size.filter(|_| e.kind != Kind::Dir).map(human_size),
        size_exact: e.size.filter(|_| e.kind != Kind::Dir).map(exact_size),
        modified: e.modified.map(short_time),
        modified_iso: e.modified.map(iso_time),
        link_target,
    }
}

fn to_json(dir: &[u8], entries: &[Entry], csrf: &str) -> String {
    let items: Vec<String> = entries
        .iter()
        .map(|e| {
            let kind = match e.kind {
                Kind::File => "file",
                Kind::Dir => "dir",
                Kind::Symlink { .. } => "link",
                _ => "other",
            };
            let path = paths::join(dir, &e.name);
            let href = match e.kind {
                Kind::Dir => paths::browse_url(&path),
                _ => paths::download_url(&path),
            };
            format!(
                "{{\"name\":{},\"type\":\"{kind}\",\"size\":{},\"modified\":{},\"href\":{}}}",
                json_string(&String::from_utf8_lossy(&e.name)),
                e.size.map_or("null".into(), |s| s.to_string()),
                e.modified
                    .map_or("null".into(), |m| json_string(&iso_time(m))),
                json_string(&href),
            )
        })
        .collect();
    format!(
        "{{\"path\":{},\"entries\":[{}],\"csrf\":{}}}",
        json_string(&String::from_utf8_lossy(dir)),
        items.join(","),
        json_string(csrf)
    )
}
