//! # Folder trees
//!
//! What "delete folder and everything in it" needs: counting a tree for the
//! confirmation, and removing it depth-first. Both walk the server with
//! LIST/MLSD, never follow symbolic links (a link is removed, not entered),
//! and stop at named caps on depth and entries, so a huge or looping tree
//! is refused with a clear message instead of running for hours.

use super::error::{Error, Result};
use super::paths;
use crate::ftp::{self, Client, Kind};

/// Deepest folder nesting walked below the folder being deleted.
pub const MAX_DEPTH: usize = 32;
/// Most entries (files, links and folders, at every level) walked.
pub const MAX_ENTRIES: usize = 10_000;
/// Most failures listed by name; the rest are counted.
const MAX_LISTED_FAILURES: usize = 20;

/// What a folder holds, recursively.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    /// Files, links and anything else that is not a folder.
    pub files: usize,
    pub folders: usize,
}

impl Count {
    fn total(&self) -> usize {
        self.files + self.folders
    }
}

/// What a recursive delete did.
#[derive(Debug, Default)]
pub struct Report {
    /// Removed, not counting the folder itself.
    pub removed: Count,
    /// Whether the folder itself is gone.
    pub dir_removed: bool,
    /// Each path that could not be removed, and why.
    pub failed: Vec<Failure>,
}

/// Something a recursive delete could not remove.
#[derive(Debug)]
pub struct Failure {
    pub path: Vec<u8>,
    /// The HTTP status the error maps to (403 for permission denied).
    pub status: u16,
    pub why: String,
}

impl Report {
    /// One line per failure, the first `MAX_LISTED_FAILURES` of them.
    pub fn failure_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .failed
            .iter()
            .take(MAX_LISTED_FAILURES)
            .map(|f| format!("{}: {}", String::from_utf8_lossy(&f.path), f.why))
            .collect();
        if self.failed.len() > MAX_LISTED_FAILURES {
            lines.push(format!(
                "… and {} more",
                self.failed.len() - MAX_LISTED_FAILURES
            ));
        }
        lines
    }
}

/// Counts what `dir` holds. Refuses trees deeper than [`MAX_DEPTH`] or
/// larger than [`MAX_ENTRIES`].
pub fn count(client: &mut Client, dir: &[u8]) -> Result<Count> {
    let mut count = Count::default();
    count_into(client, dir, 0, &mut count)?;
    Ok(count)
}

fn count_into(client: &mut Client, dir: &[u8], depth: usize, count: &mut Count) -> Result<()> {
    if depth >= MAX_DEPTH {
        return Err(too_big(&format!(
            "folders nested more than {MAX_DEPTH} deep"
        )));
    }
    for entry in client.list(dir)? {
        if entry.kind == Kind::Dir {
            count.folders += 1;
        } else {
            count.files += 1;
        }
        if count.total() > MAX_ENTRIES {
            return Err(too_big(&format!(
                "more than {MAX_ENTRIES} files and folders"
            )));
        }
        if entry.kind == Kind::Dir {
            count_into(client, &paths::join(dir, &entry.name), depth + 1, count)?;
        }
    }
    Ok(())
}

fn too_big(what: &str) -> Error {
    Error::Conflict(format!(
        "This folder holds {what}; ftpgate does not delete that much in one go. \
         Delete some of its folders first."
    ))
}

/// Deletes everything in `dir`, then `dir` itself, depth-first. Carries on
/// past failures and reports each one; a folder that could not be emptied
/// is left in place (its RMD would fail anyway). Caps as in [`count`].
pub fn delete(client: &mut Client, dir: &[u8]) -> Report {
    let mut report = Report::default();
    let mut budget = MAX_ENTRIES;
    if empty_out(client, dir, 0, &mut budget, &mut report) {
        report.dir_removed = remove_dir(client, dir, &mut report);
    }
    report
}

/// Deletes what `dir` holds; true when it all went.
fn empty_out(
    client: &mut Client,
    dir: &[u8],
    depth: usize,
    budget: &mut usize,
    report: &mut Report,
) -> bool {
    if depth >= MAX_DEPTH {
        report.fail(dir, 409, format!("nested more than {MAX_DEPTH} deep"));
        return false;
    }
    let entries = match client.list(dir) {
        Ok(entries) => entries,
        Err(e) => {
            report.fail_with(dir, e);
            return false;
        }
    };
    let mut all_gone = true;
    for entry in entries {
        if *budget == 0 {
            report.fail(
                dir,
                409,
                format!("stopped after {MAX_ENTRIES} files and folders"),
            );
            return false;
        }
        *budget -= 1;
        let path = paths::join(dir, &entry.name);
        let gone = if entry.kind == Kind::Dir {
            let removed = empty_out(client, &path, depth + 1, budget, report)
                && remove_dir(client, &path, report);
            if removed {
                report.removed.folders += 1;
            }
            removed
        } else {
            // Files, links (never followed) and anything else.
            match client.dele(&path) {
                Ok(()) => {
                    report.removed.files += 1;
                    true
                }
                Err(e) => {
                    report.fail_with(&path, e);
                    false
                }
            }
        };
        all_gone &= gone;
    }
    all_gone
}

/// RMD; true when the folder is gone.
fn remove_dir(client: &mut Client, dir: &[u8], report: &mut Report) -> bool {
    // Without MLSD the listing changed into `dir` (CWD + LIST); some servers
    // will not remove the folder they stand in.
    if !client.features().mlsd {
        let _ = client.cwd("/");
    }
    match client.rmd(dir) {
        Ok(()) => true,
        Err(e) => {
            report.fail_with(dir, e);
            false
        }
    }
}

impl Report {
    fn fail(&mut self, path: &[u8], status: u16, why: String) {
        self.failed.push(Failure {
            path: path.to_vec(),
            status,
            why,
        });
    }

    /// Records an FTP error: its status, and why in the server's words.
    fn fail_with(&mut self, path: &[u8], e: ftp::Error) {
        let err = Error::Refused(e);
        let why = match err.server_said() {
            Some(said) => format!("{} ({said})", err.title().to_lowercase()),
            None => err.to_string(),
        };
        self.fail(path, err.status(), why);
    }
}
