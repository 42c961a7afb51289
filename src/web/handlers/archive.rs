//! # Download as ZIP
//!
//! `GET /zip/<dir>/`: the folder and everything in it as `<folder>.zip`;
//! `?name=A&name=B`: only those entries of the folder (files or folders).
//! The tree is walked first with the safe walk (links are never entered,
//! and not stored: an archive holds what is in the tree, not what a link
//! points to), changing nothing; then every file is streamed from `RETR`
//! into the response as it arrives, stored, with its CRC-32 taken on the
//! way. Sizes come from the walk, so the response has an exact
//! `Content-Length`; a file that fails or changes size midway cuts the
//! response, which therefore never looks complete.

use crate::ftp::Client;
use crate::http::{Exchange, Length};
use crate::log_debug;
use crate::web::context::{Ctx, Reply};
use crate::web::crc32::Crc32;
use crate::web::error::{Error, Result};
use crate::web::handlers::download::content_disposition;
use crate::web::paths;
use crate::web::pipe::{pipe, Failure};
use crate::web::probe::{self, Found};
use crate::web::response::SECURITY_HEADERS;
use crate::web::tree::{self, Class, Purpose, MAX_ARCHIVE_ENTRIES};
use crate::web::zip::{Item, Layout, Writer};
use crate::web::App;
use std::io::{Read, Write};

/// One entry to write, and where its bytes come from.
struct Source {
    item: Item,
    /// The file on the FTP server (`None` for a folder).
    path: Option<Vec<u8>>,
}

/// `GET /zip/<dir>/[?name=...]`.
pub fn send(app: &App, ex: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let dir = ctx.target.clone();
    if !ctx.path.ends_with('/') {
        return Err(Error::BadRequest(
            "name a folder: /zip/<folder>/, with ?name= for some of its entries".into(),
        ));
    }
    // `name=` as typed (curl), `item=` percent-encoded (the page's
    // checkboxes: a name need not be UTF-8).
    let mut names = Vec::new();
    for (key, value) in &ctx.query {
        match key.as_str() {
            "name" => names.push(value.clone()),
            "item" => names.push(paths::decode_component(value)?),
            _ => {}
        }
    }
    for name in &names {
        paths::check_name(name)?;
    }
    // "Every page" ticked: the whole folder, as the toolbar's link gives it.
    let all = paths::field(&ctx.query, "all") == Some(b"1");
    if all {
        names.clear();
    }
    if names.is_empty() && !all && paths::field(&ctx.query, "selected").is_some() {
        return Err(Error::BadRequest(
            "tick at least one file or folder to download".into(),
        ));
    }
    let mut lease = session.pool.checkout()?;
    let sources = session
        .pool
        .retry(&mut lease, |c| gather(c, &dir, &names))?;
    let items: Vec<Item> = sources.iter().map(|s| s.item.clone()).collect();
    let layout = Layout::of(&items);
    let _turn = app.transfer_turn()?;
    let file_name = archive_name(&dir, &names);
    let mut headers: Vec<(String, String)> = vec![
        ("Content-Type".into(), "application/zip".into()),
        (
            "Content-Disposition".into(),
            content_disposition(file_name.as_bytes()),
        ),
        ("Cache-Control".into(), "no-store".into()),
    ];
    headers.extend(
        SECURITY_HEADERS
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    let mut body = match ex.stream(200, &headers, Length::Known(layout.len())) {
        Ok(body) => body,
        Err(e) => {
            log_debug!("browser went away before the archive began: {e}");
            return Ok(Reply::Sent);
        }
    };
    let mut writer = Writer::new(&items, &layout);
    for source in &sources {
        let written = writer
            .start(&mut body)
            .map_err(Cut::Browser)
            .and_then(|()| match &source.path {
                // An empty file has nothing to fetch: a folder of 70,000 of
                // them costs no 70,000 RETRs.
                Some(path) if source.item.size > 0 => {
                    copy(app, &mut lease, path, source.item.size, &mut body)
                }
                _ => Ok(Crc32::new().value()),
            });
        let crc = match written {
            Ok(crc) => crc,
            Err(cut) => {
                cut.log(&dir, source);
                return Ok(Reply::Sent); // the body is dropped unfinished: cut
            }
        };
        if let Err(e) = writer.end(crc, &mut body) {
            Cut::Browser(e).log(&dir, source);
            return Ok(Reply::Sent);
        }
    }
    if let Err(e) = writer.finish(&mut body).and_then(|()| body.finish()) {
        log_debug!("browser went away at the end of an archive: {e}");
    }
    Ok(Reply::Sent)
}

/// Why an archive stopped midway.
enum Cut {
    Browser(std::io::Error),
    Server(String),
    Stopping,
}

impl Cut {
    fn log(self, dir: &[u8], at: &Source) {
        let name = String::from_utf8_lossy(&at.item.name);
        let dir = String::from_utf8_lossy(dir);
        match self {
            Cut::Browser(e) => log_debug!("browser went away during the archive of {dir:?}: {e}"),
            Cut::Server(why) => {
                crate::log_warn!("archive of {dir:?} cut at {name:?}: {why}")
            }
            Cut::Stopping => {
                crate::log_warn!("archive of {dir:?} cut at {name:?}: ftpgate is stopping")
            }
        }
    }
}

/// Streams one file of `size` bytes into `out`; returns its CRC-32.
fn copy(
    app: &App,
    c: &mut Client,
    path: &[u8],
    size: u64,
    out: &mut (dyn Write + Send),
) -> std::result::Result<u32, Cut> {
    let mut download = c
        .retr_sized(path, 0, Some(size))
        .map_err(|e| Cut::Server(e.to_string()))?;
    let mut crc = Crc32::new();
    let copied = pipe(
        &mut (&mut download).take(size),
        |chunk| {
            crc.update(chunk);
            out.write_all(chunk)
        },
        app.shutdown.abort_flag(),
    );
    match copied {
        Ok(sent) if sent == size => {}
        Ok(sent) => {
            return Err(Cut::Server(format!(
                "the file ended after {sent} of {size} bytes"
            )))
        }
        Err((Failure::Read(e), _)) => return Err(Cut::Server(e.to_string())),
        Err((Failure::Write(e), _)) => return Err(Cut::Browser(e)),
        Err((Failure::Aborted, _)) => {
            app.shutdown.count_aborted();
            return Err(Cut::Stopping);
        }
    }
    download
        .finish()
        .map_err(|e| Cut::Server(format!("the server did not confirm the file: {e}")))?;
    Ok(crc.value())
}

/// The archive's file name: the folder's, or the one entry's.
fn archive_name(dir: &[u8], names: &[Vec<u8>]) -> String {
    let base = match names {
        [one] => one.clone(),
        _ => paths::split(dir).1,
    };
    let base = String::from_utf8_lossy(&base).into_owned();
    if base.is_empty() {
        "files.zip".into()
    } else {
        format!("{base}.zip")
    }
}

/// What the archive holds: the folder itself (named after it), or the
/// chosen entries of it, each folder walked; names relative to `dir`.
fn gather(c: &mut Client, dir: &[u8], names: &[Vec<u8>]) -> Result<Vec<Source>> {
    let mut sources = Vec::new();
    if names.is_empty() {
        if probe::find(c, dir)? != Found::Dir {
            return Err(Error::Missing(format!(
                "There is no folder {}.",
                String::from_utf8_lossy(dir)
            )));
        }
        let (_, base) = paths::split(dir);
        add_tree(c, dir, &base, &mut sources)?;
        return Ok(sources);
    }
    let listing = c.list(dir)?;
    for name in names {
        let Some(entry) = listing.iter().find(|e| &e.name == name) else {
            return Err(Error::Missing(format!(
                "There is no “{}” in {}.",
                String::from_utf8_lossy(name),
                String::from_utf8_lossy(dir)
            )));
        };
        let path = paths::join(dir, name);
        match tree::classify(c, &path, entry, Purpose::Archive)? {
            Class::Dir => add_tree(c, &path, name, &mut sources)?,
            Class::File => {
                let size = match entry.size {
                    Some(n) => n,
                    None => size_of(c, &path)?,
                };
                push(
                    &mut sources,
                    name.clone(),
                    false,
                    size,
                    entry.modified,
                    Some(path),
                )?;
            }
            // A link is not in the tree: what it points to may be anywhere.
            Class::Link { .. } => {}
        }
    }
    Ok(sources)
}

/// The folder `path`, stored as `name/`, and everything in it.
fn add_tree(c: &mut Client, path: &[u8], name: &[u8], sources: &mut Vec<Source>) -> Result<()> {
    let plan = tree::plan(c, path, Purpose::Archive)?;
    let prefix = |relative: &[u8]| -> Vec<u8> {
        let mut n = Vec::with_capacity(name.len() + 1 + relative.len());
        if !name.is_empty() {
            n.extend_from_slice(name);
            n.push(b'/');
        }
        n.extend_from_slice(relative);
        n
    };
    if !name.is_empty() {
        push(sources, name.to_vec(), true, 0, None, None)?;
    }
    for entry in plan.entries() {
        let full = paths::join(path, &entry.relative);
        match entry.class {
            Class::Dir => push(
                sources,
                prefix(&entry.relative),
                true,
                0,
                entry.modified,
                None,
            )?,
            Class::File => {
                let size = match entry.size {
                    Some(n) => n,
                    None => size_of(c, &full)?,
                };
                push(
                    sources,
                    prefix(&entry.relative),
                    false,
                    size,
                    entry.modified,
                    Some(full),
                )?;
            }
            Class::Link { .. } => {}
        }
    }
    Ok(())
}

fn size_of(c: &mut Client, path: &[u8]) -> Result<u64> {
    probe::size(c, path)?.ok_or_else(|| Error::Unsafe {
        message: format!(
            "The FTP server does not tell the size of {}, which an archive needs up front. \
             No archive was made.",
            String::from_utf8_lossy(path)
        ),
        status: 502,
    })
}

/// Adds an entry, with a name safe to unpack anywhere, within the caps.
fn push(
    sources: &mut Vec<Source>,
    mut name: Vec<u8>,
    dir: bool,
    size: u64,
    modified: Option<i64>,
    path: Option<Vec<u8>>,
) -> Result<()> {
    if sources.len() >= MAX_ARCHIVE_ENTRIES {
        return Err(Error::Unsafe {
            message: format!(
                "This holds more than {MAX_ARCHIVE_ENTRIES} files and folders; ftpgate does not \
                 put that much in one archive, so no archive was made."
            ),
            status: 409,
        });
    }
    // Names come from the walk, whose parts are checked file names; a
    // backslash would still be a separator to Windows tools.
    for b in name.iter_mut() {
        if *b == b'\\' {
            *b = b'_';
        }
    }
    if dir {
        name.push(b'/');
    }
    if name.len() > usize::from(u16::MAX) {
        return Err(Error::Unsafe {
            message: "A path in this folder is longer than a ZIP name can be. No archive was made."
                .into(),
            status: 409,
        });
    }
    sources.push(Source {
        item: Item {
            name,
            size,
            modified,
            dir,
        },
        path,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_archive_after_the_folder_or_the_one_entry() {
        assert_eq!(archive_name(b"/pub/photos", &[]), "photos.zip");
        assert_eq!(archive_name(b"/", &[]), "files.zip");
        assert_eq!(archive_name(b"/pub", &[b"a".to_vec()]), "a.zip");
        assert_eq!(
            archive_name(b"/pub", &[b"a".to_vec(), b"b".to_vec()]),
            "pub.zip"
        );
    }

    #[test]
    fn entry_names_lose_backslashes_and_folders_end_in_a_slash() {
        let mut s = Vec::new();
        push(&mut s, b"..\\..\\evil".to_vec(), false, 1, None, None).unwrap();
        push(&mut s, b"d".to_vec(), true, 0, None, None).unwrap();
        assert_eq!(s[0].item.name, b".._.._evil");
        assert_eq!(s[1].item.name, b"d/");
        assert!(push(&mut s, vec![b'n'; 70_000], false, 1, None, None).is_err());
    }
}
