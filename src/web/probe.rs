//! # Probing a path
//!
//! What is at a path, and its size, on servers that lack commands. A folder
//! is found with `CWD` (some servers answer SIZE for a folder, others refuse
//! it with the same 550 as a missing file); a file with `SIZE`, or, where the
//! server does not implement SIZE, in the parent folder's listing.

use super::paths;
use crate::ftp::{self, codes, Client, Kind};

/// What a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A file (or a link shown as one), with its size when known.
    File(Option<u64>),
    Dir,
    Missing,
}

fn not_implemented(e: &ftp::Error) -> bool {
    matches!(e, ftp::Error::Reply { reply, .. } if reply.is(codes::NOT_IMPLEMENTED))
}

/// What `path` names: CWD, then SIZE, else the parent listing.
pub fn find(c: &mut Client, path: &[u8]) -> ftp::Result<Found> {
    match c.cwd(path) {
        Ok(()) => return Ok(Found::Dir),
        Err(ftp::Error::Reply { .. }) => {}
        Err(e) => return Err(e),
    }
    match c.size(path) {
        Ok(size) => Ok(Found::File(Some(size))),
        Err(e) if not_implemented(&e) => from_listing(c, path),
        Err(ftp::Error::Reply { .. }) => Ok(Found::Missing),
        Err(e) => Err(e),
    }
}

/// The size of the file at `path`: SIZE, else its entry in the parent
/// listing (`None` when neither says). A missing file is SIZE's error.
pub fn size(c: &mut Client, path: &[u8]) -> ftp::Result<Option<u64>> {
    match c.size(path) {
        Ok(size) => Ok(Some(size)),
        Err(e) if not_implemented(&e) => match from_listing(c, path)? {
            Found::File(size) => Ok(size),
            Found::Dir | Found::Missing => Err(e),
        },
        Err(e) => Err(e),
    }
}

fn from_listing(c: &mut Client, path: &[u8]) -> ftp::Result<Found> {
    let (dir, name) = paths::split(path);
    let entry = c.list(&dir)?.into_iter().find(|e| e.name == name);
    Ok(match entry.map(|e| (e.kind, e.size)) {
        None => Found::Missing,
        Some((Kind::Dir, _)) => Found::Dir,
        Some((_, size)) => Found::File(size),
    })
}
