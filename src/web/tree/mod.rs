//! # Folder trees
//!
//! The one walk every "whole folder" operation shares (delete now; archives,
//! copy and search later). It works in two steps: `plan` walks the whole
//! tree and classifies every entry, changing nothing, and refuses a tree
//! over the caps or with an entry it cannot classify safely; then an act
//! (`delete`) works from the plan alone, so the plan's counts are exactly
//! what it removes. Links are never entered: see `walk` for how a link that
//! a server calls a folder is told apart. A search (`search`) walks the
//! same way but streams what it finds and only skips what it cannot enter.

mod act;
mod plan;
mod search;
mod walk;

pub use act::delete;
pub use plan::{Class, Plan};
pub use search::{search, Searched, Stop, MAX_RESULTS};
pub use walk::{classify, plan};

use super::error::Error;
use crate::ftp::{self, Client};
use crate::web::paths;

/// Deepest folder nesting walked below the folder being deleted.
pub const MAX_DEPTH: usize = 32;
/// Most entries (files, links and folders, at every level) a delete walks.
pub const MAX_ENTRIES: usize = 10_000;
/// Most bytes of names a plan holds, all entries together: what a plan of
/// [`MAX_ENTRIES`] costs in memory stays bounded however long the names a
/// server sends.
pub const MAX_PLAN_BYTES: usize = 4 * 1024 * 1024;
/// Most entries an archive walks: reading changes nothing, so the cap is
/// only about memory (about 100 bytes an entry, names included).
pub const MAX_ARCHIVE_ENTRIES: usize = 100_000;
/// Most bytes of names an archive's plan holds.
pub const MAX_ARCHIVE_PLAN_BYTES: usize = 8 * 1024 * 1024;

/// What a walk is for: its caps, and the words of a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A recursive delete.
    Delete,
    /// A ZIP of the tree.
    Archive,
    /// A copy of the tree elsewhere on the server.
    Copy,
}

impl Purpose {
    fn max_entries(self) -> usize {
        match self {
            Purpose::Delete | Purpose::Copy => MAX_ENTRIES,
            Purpose::Archive => MAX_ARCHIVE_ENTRIES,
        }
    }

    fn max_plan_bytes(self) -> usize {
        match self {
            Purpose::Delete | Purpose::Copy => MAX_PLAN_BYTES,
            Purpose::Archive => MAX_ARCHIVE_PLAN_BYTES,
        }
    }

    /// "… so ftpgate cannot tell {what_it_does}."
    fn what_it_does(self) -> &'static str {
        match self {
            Purpose::Delete => "what deleting this would remove",
            Purpose::Archive => "what an archive of this would hold",
            Purpose::Copy => "what a copy of this would hold",
        }
    }

    /// Said after a refusal: nothing happened.
    fn nothing_done(self) -> &'static str {
        match self {
            Purpose::Delete => "Nothing was deleted.",
            Purpose::Archive => "No archive was made.",
            Purpose::Copy => "Nothing was copied.",
        }
    }
}

/// What a folder holds, recursively.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    /// Files, links and anything else that is not a folder.
    pub files: usize,
    pub folders: usize,
    /// How many of `files` are links (removed as links, never followed).
    pub links: usize,
}

/// The error for `path` failing with `e`, when `path` may have been seen:
/// if its parent's listing names it, a bare 550 (vsftpd's "550 Failed to
/// change directory." for a folder without permission) is 403 with the
/// server's words, else it stays 404. For handlers that list a folder
/// they were linked to (the browse page): one extra listing, only on error.
pub fn refusal(c: &mut Client, path: &[u8], e: ftp::Error) -> Error {
    if path == b"/" || e.is_connection_lost() || e.code().is_none() {
        return Error::Ftp(e);
    }
    let (dir, name) = paths::split(path);
    // The compact listing: a huge parent costs bytes per entry, not objects.
    match c.list_compact(&dir) {
        Ok(entries) if (0..entries.len()).any(|i| entries.name(i) == name) => Error::seen(e),
        _ => Error::Ftp(e),
    }
}
