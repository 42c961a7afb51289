//! # Search in subfolders
//!
//! `GET /search/<dir>/?q=text`: names containing `text` (any case) in the
//! folder and every folder below it, through the tree walk's checks (links
//! are never entered, caps on depth, entries and results). The page begins
//! once the folder is known to exist, and each match is sent as it is
//! found, so the first ones show while deep folders are still being read.
//! `?format=json` streams the same as one JSON object.

use super::browse::{begin, crumbs, end, Out};
use crate::ftp::{Entry, Kind};
use crate::http::{Exchange, Length};
use crate::log_debug;
use crate::web::context::{Ctx, Reply};
use crate::web::error::{Error, Result};
use crate::web::format::{count, human_size};
use crate::web::json::{self, Object};
use crate::web::media;
use crate::web::paths;
use crate::web::response::{self, Encoder};
use crate::web::tree::{self, Searched, Stop};
use crate::web::views::browse;
use crate::web::views::model::{EntryKind, SearchEnd, SearchHead, SearchHit};
use crate::web::App;
use std::io::{self, Write};

/// Longest search text accepted.
pub const MAX_QUERY: usize = 256;

/// `GET /search/<dir>/?q=`.
pub fn page(_: &App, ex: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let dir = ctx.target.clone();
    let q = paths::field(&ctx.query, "q").unwrap_or(b"");
    let q = String::from_utf8_lossy(q).trim().to_string();
    if q.is_empty() {
        return Ok(response::redirect(&paths::browse_url(&dir)).into());
    }
    if q.len() > MAX_QUERY || q.chars().any(char::is_control) {
        return Err(Error::BadRequest(format!(
            "search for at most {MAX_QUERY} characters, without line breaks"
        )));
    }
    let needle = q.to_lowercase();
    let matches = |name: &[u8]| {
        String::from_utf8_lossy(name)
            .to_lowercase()
            .contains(&needle)
    };
    let gzip = response::accepts_gzip(ex.header("Accept-Encoding"));
    let mut lease = session.pool.checkout()?;
    // A folder that is not there (or not a folder) is an error page, before
    // the page begins.
    session.pool.retry(&mut lease, |c| Ok(c.cwd(&dir)?))?;
    let client = &mut *lease;
    let result = if ctx.json {
        let headers = response::stream_headers("application/json", gzip);
        let Ok(body) = ex.stream(200, &headers, Length::Unknown) else {
            return Ok(Reply::Sent);
        };
        let mut out = Encoder::new(body, gzip);
        json_search(&mut out, client, &dir, &q, &matches).and_then(|()| out.finish()?.finish())
    } else {
        let href = paths::browse_url(&dir);
        let head = SearchHead {
            crumbs: crumbs(&dir),
            path: String::from_utf8_lossy(&dir).into_owned(),
            q: q.clone(),
            folder_href: format!("{href}?q={}", paths::encode_component(q.as_bytes())),
            json_href: format!(
                "/search{}?q={}&format=json",
                &href["/browse".len()..],
                paths::encode_component(q.as_bytes())
            ),
        };
        let frame = browse::search_page(&ctx.layout(&format!("Search: {q}")), &head);
        let Some(mut out) = begin(ex, &frame.before, gzip) else {
            return Ok(Reply::Sent);
        };
        html_search(&mut out, client, &dir, &q, &matches).and_then(|()| end(out, &frame.after))
    };
    if let Err(e) = result {
        log_debug!("browser went away during a search: {e}");
    }
    Ok(Reply::Sent)
}

fn html_search(
    out: &mut Out<'_>,
    c: &mut crate::ftp::Client,
    dir: &[u8],
    q: &str,
    matches: &dyn Fn(&[u8]) -> bool,
) -> io::Result<()> {
    out.write_all(browse::search_start().into_string().as_bytes())?;
    let done = tree::search(c, dir, matches, |folder, entry| {
        out.write_all(
            browse::search_hit(&hit(folder, entry))
                .into_string()
                .as_bytes(),
        )?;
        // Each match shows as it is found, not when a buffer fills.
        out.push_out()
    })?;
    let end = SearchEnd {
        summary: summary(&done, q),
        stopped: stopped(&done),
    };
    out.write_all(browse::search_end(&end).into_string().as_bytes())
}

fn json_search(
    out: &mut Out<'_>,
    c: &mut crate::ftp::Client,
    dir: &[u8],
    q: &str,
    matches: &dyn Fn(&[u8]) -> bool,
) -> io::Result<()> {
    let head = Object::new()
        .str("path", &String::from_utf8_lossy(dir))
        .str("q", q)
        .finish();
    out.write_all(&head.as_bytes()[..head.len() - 1])?;
    out.write_all(b",\"results\":[")?;
    let mut first = true;
    let done = tree::search(c, dir, matches, |folder, entry| {
        if !std::mem::take(&mut first) {
            out.write_all(b",")?;
        }
        let h = hit(folder, entry);
        let kind = match h.kind {
            EntryKind::Dir => "dir",
            EntryKind::Symlink => "link",
            EntryKind::File => "file",
            _ => "other",
        };
        let path = paths::join(folder, &entry.name);
        let o = Object::new()
            .str("path", &String::from_utf8_lossy(&path))
            .str("name", &h.name)
            .str("type", kind)
            .opt("size", entry.size, |o, k, n| o.num(k, n))
            .opt("modified", entry.modified, |o, k, t| o.num(k, t))
            .str("href", &h.href);
        out.write_all(o.finish().as_bytes())?;
        out.push_out()
    })?;
    let stop = done.stopped.map(|s| match s {
        Stop::Results => "results",
        Stop::Entries => "entries",
        Stop::Folders => "folders",
    });
    write!(
        out,
        "],\"folders\":{},\"entries\":{},\"skipped\":{},\"too_deep\":{},\"stopped\":{}}}",
        done.folders,
        done.entries,
        done.skipped,
        done.too_deep,
        stop.map_or_else(|| "null".to_string(), json::string)
    )
}

/// A match as its line: a folder browses, a link browses (it may be a
/// folder), a file downloads.
fn hit(folder: &[u8], entry: &Entry) -> SearchHit {
    let path = paths::join(folder, &entry.name);
    let (kind, href) = match entry.kind {
        Kind::Dir => (EntryKind::Dir, paths::browse_url(&path)),
        Kind::Symlink { .. } => (EntryKind::Symlink, paths::browse_url(&path)),
        // What a click on the name does in the listing: a preview when
        // there is one, else the download.
        _ if media::kind(&entry.name).is_some() => (EntryKind::File, paths::preview_url(&path)),
        _ => (EntryKind::File, paths::download_url(&path)),
    };
    SearchHit {
        name: String::from_utf8_lossy(&entry.name).into_owned(),
        kind,
        href,
        folder: String::from_utf8_lossy(folder).into_owned(),
        folder_href: paths::browse_url(folder),
        size: (kind == EntryKind::File)
            .then_some(entry.size)
            .flatten()
            .map(human_size),
    }
}

fn summary(done: &Searched, q: &str) -> String {
    let found = match done.matches {
        0 => format!("No names contain “{q}”"),
        1 => "1 match found".to_string(),
        n => format!("{n} matches found"),
    };
    let entries = match done.entries {
        1 => "1 entry".to_string(),
        n => format!("{n} entries"),
    };
    let mut s = format!(
        "{found} in {} ({entries} read).",
        count(done.folders, "folder")
    );
    if done.skipped > 0 {
        s.push_str(&format!(
            " {} could not be opened and {} left out.",
            count(done.skipped, "folder"),
            if done.skipped == 1 { "was" } else { "were" }
        ));
    }
    s
}

fn stopped(done: &Searched) -> Option<String> {
    let deep = (done.too_deep > 0).then(|| {
        format!(
            "{} deeper than {} levels {} not searched.",
            count(done.too_deep, "folder"),
            tree::MAX_DEPTH,
            if done.too_deep == 1 { "was" } else { "were" }
        )
    });
    let why = done.stopped.map(|s| match s {
        Stop::Results => format!(
            "The search stopped at {} matches: type more of the name to narrow it.",
            tree::MAX_RESULTS
        ),
        Stop::Entries => format!(
            "The search stopped after {} entries: search a folder further down.",
            tree::MAX_ARCHIVE_ENTRIES
        ),
        Stop::Folders => {
            "The search stopped: too many folders to keep track of; search a folder further down."
                .to_string()
        }
    });
    match (why, deep) {
        (None, None) => None,
        (a, b) => Some([a, b].into_iter().flatten().collect::<Vec<_>>().join(" ")),
    }
}
