//! # Walking a tree
//!
//! Lists a folder and everything below it and classifies each entry,
//! changing nothing. Servers disagree about links to folders: pyftpdlib's
//! MLSD says `type=dir` (its LIST says `l`), some send `type=dir` with a
//! `UNIX.slink` fact (the parser makes that a link), some show a plain `d`
//! everywhere. So a folder is only walked into after two checks: when the
//! listing came from MLSD, LIST of the same folder must not call it a link;
//! and `CWD` into it must land, by `PWD`, exactly where its name says. A
//! folder that lands elsewhere is a link; one that cannot be entered, or an
//! entry no parser understood or with a name no file can have, refuses the
//! whole walk.

use super::plan::{Class, Meta, Plan};
use super::Purpose;
use crate::ftp::{self, Client, Entry, Kind};
use crate::web::error::{Error, Result};
use crate::web::paths;
use std::collections::HashMap;

/// What `path` (listed in its folder as `entry`) is: a file, a link (also
/// when the server calls it a folder but entering it lands elsewhere), or
/// a folder checked to be one. Leaves the current directory in `path`'s
/// folder. A folder that cannot be entered is refused with the server's
/// words and, as it was just listed, 403 rather than 404.
pub fn classify(c: &mut Client, path: &[u8], entry: &Entry, purpose: Purpose) -> Result<Class> {
    let (parent, name) = paths::split(path);
    let simple = simple_class(&entry.kind, &parent, &name, purpose)?;
    let mut folder = Folder::new(&parent, None);
    match simple {
        Some(Class::File) => return Ok(folder.check_file(c, &name, purpose)),
        Some(class) => return Ok(class),
        None => {}
    }
    let (class, _pwd) = folder
        .check_dir(c, &name)
        .map_err(|e| unsafe_at(path, "could not be entered", e, purpose))?;
    Ok(class)
}

/// Walks the folder `root` (classified [`Class::Dir`]) and everything in
/// it. Changes nothing; refuses a tree over a cap or with an entry it
/// cannot classify. Leaves the current directory in `root`'s folder, out
/// of the tree (some servers will not remove the folder they stand in).
pub fn plan(c: &mut Client, root: &[u8], purpose: Purpose) -> Result<Plan> {
    let mut plan = Plan::new(root, purpose);
    let result = walk(c, &mut plan, None, root, None, 1);
    leave(c, &paths::split(root).0);
    result.map(|()| plan)
}

/// Lists the folder `dir` (whose `PWD` is `pwd`, when checked) and adds its
/// entries at `depth`, walking into each folder.
fn walk(
    c: &mut Client,
    plan: &mut Plan,
    parent: Option<usize>,
    dir: &[u8],
    pwd: Option<Vec<u8>>,
    depth: usize,
) -> Result<()> {
    let purpose = plan.purpose();
    let entries = c
        .list(dir)
        .map_err(|e| unsafe_at(dir, "could not be listed", e, purpose))?;
    let mut folder = Folder::new(dir, pwd);
    for entry in entries {
        let class = match simple_class(&entry.kind, dir, &entry.name, purpose)? {
            Some(Class::File) => (folder.check_file(c, &entry.name, purpose), None),
            Some(class) => (class, None),
            None => folder.check_dir(c, &entry.name).map_err(|e| {
                let at = paths::join(dir, &entry.name);
                unsafe_at(&at, "could not be entered", e, purpose)
            })?,
        };
        let (class, child_pwd) = class;
        let walk_in = class == Class::Dir;
        let meta = Meta {
            size: entry.size,
            modified: entry.modified,
        };
        let index = plan.add(parent, &entry.name, class, depth, meta)?;
        if walk_in {
            let child = paths::join(dir, &entry.name);
            walk(c, plan, Some(index), &child, child_pwd, depth + 1)?;
        }
    }
    Ok(())
}

/// The class of an entry that needs no server check; `None` for a folder,
/// which does. Refuses what cannot be acted on safely.
fn simple_class(kind: &Kind, dir: &[u8], name: &[u8], purpose: Purpose) -> Result<Option<Class>> {
    let at = || String::from_utf8_lossy(&paths::join(dir, name)).into_owned();
    let shown = || String::from_utf8_lossy(name).into_owned();
    match kind {
        Kind::Dir => Ok(None),
        Kind::File | Kind::Other => Ok(Some(Class::File)),
        Kind::Symlink { target } => Ok(Some(Class::Link {
            target: target.clone(),
        })),
        Kind::Invalid => Err(unsafe_entry(
            format!(
                "The FTP server listed an entry named “{}” in {}, a name no file can have, \
                 so ftpgate cannot tell {}.",
                shown(),
                String::from_utf8_lossy(dir),
                purpose.what_it_does()
            ),
            purpose,
        )),
        // Kind::Unknown and anything a later parser adds.
        _ => Err(unsafe_entry(
            format!(
                "ftpgate could not read the FTP server's listing line “{}” (at {}), so it \
                 cannot tell {}.",
                shown(),
                at(),
                purpose.what_it_does()
            ),
            purpose,
        )),
    }
}

fn unsafe_entry(why: String, purpose: Purpose) -> Error {
    Error::Unsafe {
        message: format!("{why} {}", purpose.nothing_done()),
        status: 409,
    }
}

/// A server refusal part-way through a walk: names the path and keeps the
/// server's words and their status (it was just listed, so 403, not 404).
fn unsafe_at(path: &[u8], what: &str, e: ftp::Error, purpose: Purpose) -> Error {
    let e = Error::seen(e);
    let said = e
        .server_said()
        .map_or_else(|| e.to_string(), |s| format!("the server said “{s}”"));
    Error::Unsafe {
        message: format!(
            "“{}” {what} ({said}), so ftpgate cannot tell {}. {}",
            String::from_utf8_lossy(path),
            purpose.what_it_does(),
            purpose.nothing_done()
        ),
        status: e.status(),
    }
}

/// A folder whose entries are being checked: its path, its `PWD` once
/// known, and (for MLSD listings) its LIST, fetched once when needed.
pub(super) struct Folder<'a> {
    path: &'a [u8],
    pwd: Option<Vec<u8>>,
    /// The entries this folder's LIST shows as links (fetched once, when
    /// first needed, for MLSD servers).
    long_links: Option<HashMap<Vec<u8>, Option<Vec<u8>>>>,
}

impl<'a> Folder<'a> {
    pub(super) fn new(path: &'a [u8], pwd: Option<Vec<u8>>) -> Folder<'a> {
        Folder {
            path,
            pwd,
            long_links: None,
        }
    }

    /// Checks the entry `name`, listed as a folder. Returns its class and,
    /// for a folder, its `PWD`. Fails when the server refuses CWD or PWD.
    pub(super) fn check_dir(
        &mut self,
        c: &mut Client,
        name: &[u8],
    ) -> ftp::Result<(Class, Option<Vec<u8>>)> {
        if c.features().mlsd {
            if let Some(target) = self.listed_as_link(c, name) {
                return Ok((Class::Link { target }, None));
            }
        }
        let path = paths::join(self.path, name);
        c.cwd(&path)?;
        let landed = c.pwd()?;
        let base = match &self.pwd {
            Some(pwd) => pwd.clone(),
            None => {
                c.cwd(self.path)?;
                let pwd = c.pwd()?;
                self.pwd = Some(pwd.clone());
                pwd
            }
        };
        let expected = paths::join(&base, name);
        if same_path(&landed, &expected) {
            Ok((Class::Dir, Some(landed)))
        } else {
            Ok((
                Class::Link {
                    target: Some(landed),
                },
                None,
            ))
        }
    }

    /// Whether this folder's LIST shows `name` as a link (and its target).
    fn listed_as_link(&mut self, c: &mut Client, name: &[u8]) -> Option<Option<Vec<u8>>> {
        let links = self.long_links.get_or_insert_with(|| {
            // No LIST (or one that fails): the CWD check still follows.
            let long = c.list_long(self.path).unwrap_or_default();
            long.into_iter()
                .filter_map(|e| match e.kind {
                    Kind::Symlink { target } => Some((e.name, target)),
                    _ => None,
                })
                .collect()
        });
        links.get(name).cloned()
    }

    /// A file as MLSD showed it: for an archive or a copy, one that LIST shows as a
    /// link is a link (pyftpdlib's MLSD describes what a link points to,
    /// and reading it would read outside the tree).
    fn check_file(&mut self, c: &mut Client, name: &[u8], purpose: Purpose) -> Class {
        if purpose != Purpose::Delete && c.features().mlsd {
            if let Some(target) = self.listed_as_link(c, name) {
                return Class::Link { target };
            }
        }
        Class::File
    }
}

/// Two `PWD` answers name the same folder (a trailing `/` aside).
fn same_path(a: &[u8], b: &[u8]) -> bool {
    let trim = |p: &[u8]| -> Vec<u8> {
        let t = p.strip_suffix(b"/").unwrap_or(p);
        if t.is_empty() {
            b"/".to_vec()
        } else {
            t.to_vec()
        }
    };
    trim(a) == trim(b)
}

/// Goes back to `dir`, out of the tree; a failure only costs a later RMD.
fn leave(c: &mut Client, dir: &[u8]) {
    let _ = c.cwd(dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pwd_answers_compare_without_a_trailing_slash() {
        assert!(same_path(b"/a/b/", b"/a/b"));
        assert!(same_path(b"/", b"/"));
        assert!(!same_path(b"/victim", b"/tree/ln"));
        assert!(!same_path(b"/a/B", b"/a/b"));
    }

    #[test]
    fn entries_that_cannot_be_acted_on_refuse_the_walk() {
        for kind in [Kind::Invalid, Kind::Unknown] {
            let err = simple_class(&kind, b"/t", b"../../x", Purpose::Delete).unwrap_err();
            assert_eq!(err.status(), 409);
            assert!(err.to_string().contains("Nothing was deleted"), "{err}");
        }
        let link = Kind::Symlink {
            target: Some(b"/v".to_vec()),
        };
        let target = Some(b"/v".to_vec());
        assert_eq!(
            simple_class(&link, b"/t", b"ln", Purpose::Delete).unwrap(),
            Some(Class::Link { target })
        );
        assert_eq!(
            simple_class(&Kind::Dir, b"/t", b"d", Purpose::Delete).unwrap(),
            None
        );
        let err = simple_class(&Kind::Invalid, b"/t", b"..", Purpose::Archive).unwrap_err();
        assert!(err.to_string().contains("No archive was made"), "{err}");
    }
}
