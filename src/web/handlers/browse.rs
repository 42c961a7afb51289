//! # Browse
//!
//! `GET /browse/<path>/`: lists a directory through the session's pooled
//! connection without ever holding the page in memory. The top of the page
//! (toolbar included) leaves as soon as the server has shown the folder
//! exists (`ftp::Pending::read_then`); the listing is parsed into compact [`Entries`] as it arrives,
//! sorted and filtered over the whole folder (`sorting`), and one page of
//! rows is rendered straight to the socket, gzipped when the browser takes
//! it. JSON waits for the whole listing (so errors keep their status), then
//! streams every entry, or one page when `?page=` asks.

use crate::ftp::{Entries, EntryType};
use crate::http::{BodyWriter, Exchange, Length};
use crate::log_debug;
use crate::web::context::{Ctx, Reply};
use crate::web::error::{Error, Result};
use crate::web::format::{exact_size, human_size, iso_time, relative_time, short_time};
use crate::web::handlers::resume;
use crate::web::json::{self, Object};
use crate::web::media;
use crate::web::paths;
use crate::web::perms;
use crate::web::response::{self, Encoder};
use crate::web::sorting::{Key, View, Window};
use crate::web::tree;
use crate::web::views::browse;
use crate::web::views::model::{
    Contents, Crumb, EntryKind, EntryView, Folder, Icon, ListingFailed, Pager, SortHeader,
};
use crate::web::App;
use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

/// A streamed body on its way out.
pub(super) type Out<'a> = Encoder<BodyWriter<'a>>;

/// `GET /browse/<path>/`.
pub fn page(_: &App, ex: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let dir = ctx.target.clone();
    if !ctx.path.ends_with('/') {
        return Ok(response::redirect(&paths::browse_url(&dir)).into());
    }
    let mut view = View::from_query(&ctx.query);
    let gzip = response::accepts_gzip(ex.header("Accept-Encoding"));
    let mut lease = session.pool.checkout()?;
    if ctx.json {
        let listed = session
            .pool
            .retry(&mut lease, |c| Ok(c.list_compact(&dir)?));
        drop(lease);
        match listed {
            Ok(entries) => send_json(ex, &dir, &entries, &view, &session.csrf, gzip),
            Err(e) => return not_a_dir(ctx, &dir, e),
        }
        return Ok(Reply::Sent);
    }
    view.page.get_or_insert(1);
    let select_all = paths::field(&ctx.query, "select") == Some(b"all");
    let folder = folder(&dir, &view, &session.csrf);
    // The exchange moves into the page once the server has shown the folder
    // exists (so a missing one is still a 404) and before the entries are
    // read; never twice: an error before that is the retry's or the error
    // page's, an error after it is said in the page.
    let mut unsent = Some(ex);
    let mut begun: Option<(Option<Out<'_>>, String)> = None;
    let listed = session.pool.retry(&mut lease, |c| {
        let read = c.open_listing(&dir)?.read_then(|| {
            if let Some(ex) = unsent.take() {
                let title = String::from_utf8_lossy(&dir).into_owned();
                let frame = browse::page(&ctx.layout(&title), &folder);
                begun = Some((begin(ex, &frame.before, gzip), frame.after));
            }
        });
        match read {
            Err(e) if begun.is_none() => Err(e.into()),
            read => Ok(read),
        }
    });
    drop(lease); // back to the pool: `not_a_dir` may need it
    let read = match listed {
        Ok(read) => read,
        Err(e) => return not_a_dir(ctx, &dir, e),
    };
    let Some((Some(mut out), after)) = begun else {
        return Ok(Reply::Sent); // the browser went away
    };
    let (written, entries) = match read {
        Ok(entries) => (
            write_contents(&mut out, &dir, &entries, &view, select_all),
            Some(entries),
        ),
        Err(e) => (write_failed(&mut out, &Error::from(e)), None),
    };
    if let Err(e) = written.and_then(|()| end(out, &after)) {
        log_debug!("browser went away during a listing: {e}");
    }
    if let Some(entries) = entries {
        resume::sweep_stale(session, &dir, &entries, unix_now());
    }
    Ok(Reply::Sent)
}

/// Sends the head and the top of the page, and pushes them out.
pub(super) fn begin<'a>(ex: &'a mut Exchange<'_>, top: &str, gzip: bool) -> Option<Out<'a>> {
    let headers = response::stream_headers("text/html; charset=utf-8", gzip);
    let started = ex.stream(200, &headers, Length::Unknown).and_then(|body| {
        let mut out = Encoder::new(body, gzip);
        out.write_all(top.as_bytes())?;
        out.push_out()?;
        Ok(out)
    });
    started
        .map_err(|e| log_debug!("browser went away before a listing: {e}"))
        .ok()
}

/// Writes the rest of the page and ends the body cleanly.
pub(super) fn end(mut out: Out<'_>, after: &str) -> io::Result<()> {
    out.write_all(after.as_bytes())?;
    out.finish()?.finish()
}

/// A path that can't be listed may be a file (a symlink clicked as a folder):
/// then download it. Otherwise a folder its parent lists but the server
/// won't open (vsftpd's bare "550 Failed to change directory.") is 403 with
/// the server's words, and anything else the listing error.
fn not_a_dir(ctx: &Ctx, dir: &[u8], err: Error) -> Result<Reply> {
    let session = ctx.session()?;
    if err.status() != 404 || dir == b"/" {
        return Err(err);
    }
    if session.pool.run(|c| Ok(c.size(dir)?)).is_ok() {
        return Ok(response::redirect(&paths::download_url(dir)).into());
    }
    match err {
        Error::Ftp(e) => {
            let mut lease = session.pool.checkout()?;
            Err(tree::refusal(&mut lease, dir, e))
        }
        other => Err(other),
    }
}

/// The count, pager and table of one page, and its rows.
/// `select_all`: the page's checkboxes come ticked (`?select=all`, the
/// no-script "Select all on this page").
fn write_contents(
    out: &mut Out<'_>,
    dir: &[u8],
    entries: &Entries,
    view: &View,
    select_all: bool,
) -> io::Result<()> {
    let order = view.apply(entries);
    let window = view.window(order.len());
    let contents = contents(dir, entries.len(), order.len(), view, &window);
    let frame = browse::contents(&contents);
    out.write_all(frame.before.as_bytes())?;
    let now = unix_now();
    for &i in &order[window.rows] {
        let mut view = entry_view(dir, entries, i as usize, now);
        view.selected = select_all && view.select_value.is_some();
        let row = browse::row(&view);
        out.write_all(row.into_string().as_bytes())?;
    }
    out.write_all(frame.after.as_bytes())
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Says in the page why the listing stopped (its 200 left already).
fn write_failed(out: &mut Out<'_>, err: &Error) -> io::Result<()> {
    crate::log_warn!("a listing failed after its page began: {err}");
    let failed = ListingFailed {
        title: err.title().to_string(),
        message: err.to_string(),
        server_said: err.server_said(),
    };
    out.write_all(browse::failed(&failed).into_string().as_bytes())
}

fn folder(dir: &[u8], view: &View, csrf: &str) -> Folder {
    let href = paths::browse_url(dir);
    let action = |verb: &str| format!("/{verb}{}", &href["/browse".len()..]);
    Folder {
        path: String::from_utf8_lossy(dir).into_owned(),
        crumbs: crumbs(dir),
        parent_href: (dir != b"/").then(|| paths::browse_url(&paths::split(dir).0)),
        q: view.q.clone(),
        sort: view.key.as_str(),
        order: if view.desc { "desc" } else { "asc" },
        csrf: csrf.to_string(),
        upload_action: action("upload"),
        mkdir_action: action("mkdir"),
        new_file_action: action("new-file"),
        zip_href: action("zip"),
        search_href: action("search"),
        delete_selected_href: action("delete-selected"),
        move_selected_href: action("move-selected"),
        copy_selected_href: action("copy-selected"),
        cwd: String::from_utf8_lossy(dir).into_owned(),
        json_href: format!("{href}?format=json"),
        href,
    }
}

fn contents(dir: &[u8], total: usize, matched: usize, view: &View, w: &Window) -> Contents {
    let headers = [
        (Key::Name, "Name", "name"),
        (Key::Size, "Size", "size"),
        (Key::Modified, "Modified", "modified"),
    ]
    .into_iter()
    .map(|(key, label, class)| SortHeader {
        label,
        class,
        href: view.href(key),
        aria_sort: view.aria_sort(key),
    })
    .collect();
    let href = paths::browse_url(dir);
    let pager = Pager {
        page: w.page,
        pages: w.pages,
        first_row: if w.rows.is_empty() {
            0
        } else {
            w.rows.start + 1
        },
        prev_href: (w.page > 1).then(|| view.page_href((w.page - 1).min(w.pages))),
        next_href: (w.page < w.pages).then(|| view.page_href(w.page + 1)),
        last_href: view.page_href(w.pages),
        action: href.clone(),
        sort: view.key.as_str(),
        order: if view.desc { "desc" } else { "asc" },
        q: view.q.clone(),
    };
    Contents {
        path: String::from_utf8_lossy(dir).into_owned(),
        total,
        matched,
        q: view.q.clone(),
        href,
        headers,
        pager,
        rows: w.rows.len(),
        select_all_href: format!(
            "{}&select=all",
            view.page_href(view.page.unwrap_or(1).max(1))
        ),
    }
}

/// The breadcrumb trail of `dir` (the preview page shows its file's folder's).
pub(crate) fn crumbs(dir: &[u8]) -> Vec<Crumb> {
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

fn entry_view(dir: &[u8], entries: &Entries, i: usize, now: i64) -> EntryView {
    let name = entries.name(i);
    let path = paths::join(dir, name);
    let previews = entries.kind(i) == EntryType::File && media::kind(name).is_some();
    let (kind, href, download_href) = match entries.kind(i) {
        EntryType::Dir => (EntryKind::Dir, paths::browse_url(&path), None),
        EntryType::File if previews => (
            EntryKind::File,
            paths::preview_url(&path),
            Some(paths::download_url(&path)),
        ),
        EntryType::File => (
            EntryKind::File,
            paths::download_url(&path),
            Some(paths::download_url(&path)),
        ),
        EntryType::Symlink => (
            EntryKind::Symlink,
            paths::browse_url(&path),
            Some(paths::download_url(&path)),
        ),
        // Devices: offer the download, which fails with the server's own
        // reason if it isn't a file.
        EntryType::Other => (EntryKind::Other, paths::download_url(&path), None),
        // Never linked: the name is a raw line, or could climb out of the folder.
        EntryType::Unknown | EntryType::Invalid => (EntryKind::Invalid, String::new(), None),
    };
    // A link's own size is the length of its target's path: not worth showing.
    let size = entries
        .size(i)
        .filter(|_| matches!(kind, EntryKind::File | EntryKind::Other));
    let modified = entries.modified(i);
    let mode = entries.mode(i);
    let entry_icon = icon(kind, name);
    EntryView {
        name: String::from_utf8_lossy(name).into_owned(),
        kind,
        icon: entry_icon,
        href,
        download_href,
        previews,
        size_human: size.map(human_size),
        size_exact: size.map(exact_size),
        size_bytes: size,
        modified: modified.map(|m| relative_time(m, now)),
        modified_exact: modified.map(|m| format!("{} UTC", short_time(m))),
        modified_iso: modified.map(iso_time),
        modified_secs: modified,
        link_target: entries
            .link_target(i)
            .map(|t| String::from_utf8_lossy(t).into_owned()),
        rename_href: format!("/rename{}", paths::encode(&path)),
        delete_href: format!("/delete{}", paths::encode(&path)),
        edit_href: (entry_icon == Icon::Text).then(|| format!("/edit{}", paths::encode(&path))),
        mode_letters: mode.map(perms::letters),
        mode_octal: mode.map(perms::octal),
        chmod_href: format!("/chmod{}", paths::encode(&path)),
        select_value: (kind != EntryKind::Invalid).then(|| paths::encode_component(name)),
        selected: false,
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
        EntryKind::Other | EntryKind::Invalid => Icon::Other,
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

/// The JSON listing: `path`, `total` (entries the filter kept), `page`,
/// `pages`, `next` (the next page's address, or null), the entries, `csrf`.
/// Written entry by entry; without `?page=` every entry is one page.
fn send_json(
    ex: &mut Exchange<'_>,
    dir: &[u8],
    entries: &Entries,
    view: &View,
    csrf: &str,
    gzip: bool,
) {
    let order = view.apply(entries);
    let w = view.window(order.len());
    let next = (w.page < w.pages).then(|| {
        let href = paths::browse_url(dir) + &view.page_href(w.page + 1);
        href + "&format=json"
    });
    let head = Object::new()
        .str("path", &String::from_utf8_lossy(dir))
        .num("total", order.len() as u64)
        .num("page", w.page as u64)
        .num("pages", w.pages as u64)
        .opt("next", next.as_deref(), |o, k, n| o.str(k, n))
        .finish();
    let headers = response::stream_headers("application/json", gzip);
    let sent = ex.stream(200, &headers, Length::Unknown).and_then(|body| {
        let mut out = Encoder::new(body, gzip);
        // The head object without its closing brace, then the entries.
        out.write_all(&head.as_bytes()[..head.len() - 1])?;
        out.write_all(b",\"entries\":[")?;
        for (n, &i) in order[w.rows].iter().enumerate() {
            if n > 0 {
                out.write_all(b",")?;
            }
            out.write_all(entry_json(dir, entries, i as usize).as_bytes())?;
        }
        write!(out, "],\"csrf\":{}}}", json::string(csrf))?;
        out.finish()?.finish()
    });
    if let Err(e) = sent {
        log_debug!("client went away during a JSON listing: {e}");
    }
}

fn entry_json(dir: &[u8], entries: &Entries, i: usize) -> String {
    let kind = entries.kind(i);
    let path = paths::join(dir, entries.name(i));
    // A link is browsed: a link to a file is sent on to its download.
    let href = match kind {
        EntryType::Dir | EntryType::Symlink => Some(paths::browse_url(&path)),
        EntryType::File | EntryType::Other => Some(paths::download_url(&path)),
        EntryType::Unknown | EntryType::Invalid => None,
    };
    let word = match kind {
        EntryType::File => "file",
        EntryType::Dir => "dir",
        EntryType::Symlink => "link",
        EntryType::Other => "other",
        EntryType::Unknown | EntryType::Invalid => "invalid",
    };
    let size = entries
        .size(i)
        .filter(|_| matches!(kind, EntryType::File | EntryType::Other));
    let mut entry = Object::new()
        .str("name", &String::from_utf8_lossy(entries.name(i)))
        .str("type", word)
        .opt("size", size, |o, k, s| o.num(k, s))
        .opt("modified", entries.modified(i), |o, k, m| {
            o.str(k, &iso_time(m))
        })
        .opt("mode", entries.mode(i), |o, k, m| {
            o.str(k, &perms::octal(m))
        })
        .opt("href", href, |o, k, h| o.str(k, &h));
    if let Some(target) = entries.link_target(i) {
        entry = entry.str("target", &String::from_utf8_lossy(target));
    }
    entry.finish()
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
