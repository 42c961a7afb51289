//! # Browse
//!
//! `GET /browse/<path>/`: lists a directory through the session's pooled
//! connection, sorted and filtered as the query asks (`sorting`), and
//! renders it as a page or, for scripts, as JSON.

use crate::ftp::{Entry, Kind};
use crate::http::Exchange;
use crate::web::context::Ctx;
use crate::web::context::Reply;
use crate::web::error::{Error, Result};
use crate::web::format::{exact_size, human_size, iso_time, relative_time, short_time};
use crate::web::json::Object;
use crate::web::paths;
use crate::web::response;
use crate::web::sorting::{Key, View};
use crate::web::views::model::{Crumb, EntryKind, EntryView, Icon, Listing, SortHeader};
use crate::web::views::pages;
use crate::web::App;
use std::time::{SystemTime, UNIX_EPOCH};

/// `GET /browse/<path>/`.
pub fn page(_: &App, _: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let dir = ctx.target.clone();
    if !ctx.path.ends_with('/') {
        return Ok(response::redirect(&paths::browse_url(&dir)).into());
    }
    let listed = session.pool.run(|c| Ok(c.list(&dir)?));
    let entries = match listed {
        Ok(entries) => entries,
        Err(e) => return not_a_dir(ctx, &dir, e),
    };
    let order = View::from_query(&ctx.query);
    let (entries, total) = order.apply(entries);
    if ctx.json {
        return Ok(response::json(200, to_json(&dir, &entries, &session.csrf)).into());
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let listing = view(&dir, &entries, total, &order, &session.csrf, now);
    let title = String::from_utf8_lossy(&dir).into_owned();
    Ok(response::html(200, pages::browse(&ctx.layout(&title), &listing)).into())
}

/// A path that can't be listed may be a file (a symlink clicked as a folder):
/// then download it; otherwise report the listing error.
fn not_a_dir(ctx: &Ctx, dir: &[u8], err: Error) -> Result<Reply> {
    let session = ctx.session()?;
    if err.status() == 404 && dir != b"/" {
        let size = session.pool.run(|c| Ok(c.size(dir)?));
        if size.is_ok() {
            return Ok(response::redirect(&paths::download_url(dir)).into());
        }
    }
    Err(err)
}

fn view(
    dir: &[u8],
    entries: &[Entry],
    total: usize,
    order: &View,
    csrf: &str,
    now: i64,
) -> Listing {
    let href = paths::browse_url(dir);
    let headers = [
        (Key::Name, "Name", "name"),
        (Key::Size, "Size", "size"),
        (Key::Modified, "Modified", "modified"),
    ]
    .into_iter()
    .map(|(key, label, class)| SortHeader {
        label,
        class,
        href: order.href(key),
        aria_sort: order.aria_sort(key),
    })
    .collect();
    let action = |verb: &str| format!("/{verb}{}", &href["/browse".len()..]);
    Listing {
        path: String::from_utf8_lossy(dir).into_owned(),
        crumbs: crumbs(dir),
        parent_href: (dir != b"/").then(|| paths::browse_url(&paths::split(dir).0)),
        entries: entries.iter().map(|e| entry_view(dir, e, now)).collect(),
        total,
        headers,
        q: order.q.clone(),
        sort: order.key.as_str(),
        order: if order.desc { "desc" } else { "asc" },
        csrf: csrf.to_string(),
        upload_action: action("upload"),
        mkdir_action: action("mkdir"),
        cwd: String::from_utf8_lossy(dir).into_owned(),
        json_href: format!("{href}?format=json"),
        href,
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

fn entry_view(dir: &[u8], e: &Entry, now: i64) -> EntryView {
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
    let size = e.size.filter(|_| e.kind != Kind::Dir);
    EntryView {
        name: String::from_utf8_lossy(&e.name).into_owned(),
        kind,
        icon: icon(kind, &e.name),
        href,
        download_href,
        size_human: size.map(human_size),
        size_exact: size.map(exact_size),
        size_bytes: size,
        modified: e.modified.map(|m| relative_time(m, now)),
        modified_exact: e.modified.map(|m| format!("{} UTC", short_time(m))),
        modified_iso: e.modified.map(iso_time),
        modified_secs: e.modified,
        link_target,
        rename_href: format!("/rename{}", paths::encode(&path)),
        delete_href: format!("/delete{}", paths::encode(&path)),
    }
}

/// The icon for an entry: its kind, and for files the kind of content the
/// name's extension suggests.
fn icon(kind: EntryKind, name: &[u8]) -> Icon {
    const IMAGE: &[&str] = &[
        "jpg", "jpeg", "png", "gif", "webp", "svg", "bmp", "tif", "tiff", "heic", "avif", "ico",
        "raw", "cr2", "nef",
    ];
    const ARCHIVE: &[&str] = &[
        "zip", "tar", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar", "lz", "lzma", "cab", "iso",
        "deb", "rpm", "apk", "jar",
    ];
    const TEXT: &[&str] = &[
        "txt", "md", "log", "csv", "tsv", "json", "xml", "yml", "yaml", "toml", "ini", "conf",
        "cfg", "html", "htm", "css", "js", "rs", "py", "sh", "c", "h", "cpp", "go", "java", "sql",
        "nfo", "srt",
    ];
    match kind {
        EntryKind::Dir => Icon::Folder,
        EntryKind::Symlink => Icon::Link,
        EntryKind::Other => Icon::Other,
        EntryKind::File => {
            let ext = name
                .iter()
                .rposition(|&b| b == b'.')
                .map(|i| String::from_utf8_lossy(&name[i + 1..]).to_ascii_lowercase())
                .unwrap_or_default();
            let is = |list: &[&str]| list.contains(&ext.as_str());
            if is(IMAGE) {
                Icon::Image
            } else if is(ARCHIVE) {
                Icon::Archive
            } else if is(TEXT) {
                Icon::Text
            } else {
                Icon::File
            }
        }
    }
}

fn to_json(dir: &[u8], entries: &[Entry], csrf: &str) -> String {
    let items: Vec<Object> = entries
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
            Object::new()
                .str("name", &String::from_utf8_lossy(&e.name))
                .str("type", kind)
                .opt("size", e.size, |o, k, s| o.num(k, s))
                .opt("modified", e.modified, |o, k, m| o.str(k, &iso_time(m)))
                .str("href", &href)
        })
        .collect();
    Object::new()
        .str("path", &String::from_utf8_lossy(dir))
        .objects("entries", items)
        .str("csrf", csrf)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icons_follow_kind_and_extension() {
        assert_eq!(icon(EntryKind::Dir, b"photos.zip"), Icon::Folder);
        assert_eq!(icon(EntryKind::Symlink, b"a.png"), Icon::Link);
        assert_eq!(icon(EntryKind::Other, b"tty0"), Icon::Other);
        assert_eq!(icon(EntryKind::File, b"Beach.JPG"), Icon::Image);
        assert_eq!(icon(EntryKind::File, b"backup.tar.gz"), Icon::Archive);
        assert_eq!(icon(EntryKind::File, b"README.md"), Icon::Text);
        assert_eq!(icon(EntryKind::File, b"movie.mkv"), Icon::File);
        assert_eq!(icon(EntryKind::File, b"Makefile"), Icon::File);
        assert_eq!(icon(EntryKind::File, b".profile"), Icon::File);
        assert_eq!(icon(EntryKind::File, b"caf\xe9.txt"), Icon::Text);
    }
}
