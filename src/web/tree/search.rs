//! # Searching a tree
//!
//! Names below a folder that contain some text, handed out as they are
//! found, folder by folder, shallow ones first (a queue, not a stack), so
//! the first results come while deep folders are still unread. Reading
//! changes nothing, so where a delete refuses the whole walk this one
//! skips what it cannot list or enter and says how many it skipped. Links
//! are matched by name but never entered, with the same checks as every
//! walk (`walk::Folder::check_dir`), so a search never leaves the tree.

use super::plan::Class;
use super::walk::Folder;
use super::{MAX_ARCHIVE_ENTRIES, MAX_ARCHIVE_PLAN_BYTES, MAX_DEPTH};
use crate::ftp::{Client, Entry, Kind};
use crate::web::paths;
use std::collections::VecDeque;
use std::io;

/// Most matches shown: a search for "e" must not list a whole disk.
pub const MAX_RESULTS: usize = 1_000;

/// Why a search ended before the whole tree was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// [`MAX_RESULTS`] matches were found.
    Results,
    /// The entries read reached the archive walk's cap.
    Entries,
    /// The folders still to read held too many bytes of names.
    Folders,
}

/// What a search read.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Searched {
    pub matches: usize,
    pub folders: usize,
    pub entries: usize,
    /// Folders that could not be listed or entered (a permission, a
    /// vanished folder): left out, not fatal.
    pub skipped: usize,
    /// Folders below [`MAX_DEPTH`], not read.
    pub too_deep: usize,
    pub stopped: Option<Stop>,
}

/// Reads `root` (an existing folder) and everything below it, calling
/// `found(folder, entry)` for each entry whose name `matches`. A failure of
/// `found` (the browser went away) ends the search with that error.
pub fn search(
    c: &mut Client,
    root: &[u8],
    matches: impl Fn(&[u8]) -> bool,
    mut found: impl FnMut(&[u8], &Entry) -> io::Result<()>,
) -> io::Result<Searched> {
    let mut done = Searched::default();
    // Folders to read, with their PWD once checked and their depth.
    let mut queue: VecDeque<(Vec<u8>, Option<Vec<u8>>, usize)> = VecDeque::new();
    let mut queued_bytes = root.len();
    queue.push_back((root.to_vec(), None, 1));
    while let Some((dir, pwd, depth)) = queue.pop_front() {
        queued_bytes -= dir.len();
        let Ok(entries) = c.list(&dir) else {
            done.skipped += 1;
            continue;
        };
        done.folders += 1;
        let mut folder = Folder::new(&dir, pwd);
        for entry in &entries {
            done.entries += 1;
            if done.entries > MAX_ARCHIVE_ENTRIES {
                done.stopped = Some(Stop::Entries);
                return Ok(done);
            }
            // A folder is checked first (it may be a link that calls itself
            // one: then it is found as the link it is, and not entered).
            let mut link = None;
            if entry.kind == Kind::Dir {
                if depth >= MAX_DEPTH {
                    done.too_deep += 1;
                } else {
                    match folder.check_dir(c, &entry.name) {
                        Ok((Class::Dir, child_pwd)) => {
                            let child = paths::join(&dir, &entry.name);
                            queued_bytes += child.len();
                            if queued_bytes > MAX_ARCHIVE_PLAN_BYTES {
                                done.stopped = Some(Stop::Folders);
                                return Ok(done);
                            }
                            queue.push_back((child, child_pwd, depth + 1));
                        }
                        Ok((Class::Link { target }, _)) => link = Some(Kind::Symlink { target }),
                        Ok(_) => {}
                        Err(_) => done.skipped += 1,
                    }
                }
            }
            // A raw line no parser read, or a name no file can have, is no name to find.
            let named = !matches!(entry.kind, Kind::Unknown | Kind::Invalid);
            if named && matches(&entry.name) {
                match link {
                    Some(kind) => found(
                        &dir,
                        &Entry {
                            kind,
                            ..entry.clone()
                        },
                    )?,
                    None => found(&dir, entry)?,
                }
                done.matches += 1;
                if done.matches >= MAX_RESULTS {
                    done.stopped = Some(Stop::Results);
                    return Ok(done);
                }
            }
        }
    }
    Ok(done)
}
