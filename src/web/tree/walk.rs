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

use super::plan::{Class, Plan};
use crate::ftp::{self, Client, Entry, Kind};
use crate::web::error::{Error, Result};
use crate::web::paths;

/// What `path` (listed in its folder as `entry`) is: a file, a link (also
/// when the server calls it a folder but entering it lands elsewhere), or
/// a folder checked to be one. Leaves the current directory in `path`'s
/// folder. A folder that cannot be entered is refused with the server's
/// words and, as it was just listed, 403 rather than 404.
pub fn classify(c: &mut Client, path: &[u8], entry: &Entry) -> Result<Class> {
    let (parent, name) = paths::split(path);
    let simple = simple_class(&entry.kind, &parent, &name)?;
    if let Some(class) = simple {
        return Ok(class);
    }
    let mut folder = Folder::new(&parent, None);
    let (class, _pwd) = folder
        .check_dir(c, &name)
        .map_err(|e| unsafe_at(path, "could not be entered", e))?;
    Ok(class)
}

/// Walks the folder `root` (classified [`Class::Dir`]) and everything in
/// it. Changes nothing; refuses a tree over a cap or with an entry it
/// cannot classify. Leaves the current directory in `root`'s folder, out
/// of the tree (some servers will not remove the folder they stand in).
pub fn plan(c: &mut Client, root: &[u8]) -> Result<Plan> {
    let mut plan = Plan::new(root);
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
    let entries = c
        .list(dir)
        .map_err(|e| unsafe_at(dir, "could not be listed", e))?;
    let mut folder = Folder::new(dir, pwd);
    for entry in entries {
        let class = match simple_class(&entry.kind, dir, &entry.name)? {
            Some(class) => (class, None),
            None => folder.check_dir(c, &entry.name).map_err(|e| {
                unsafe_at(&paths::join(dir, &entry.name), "could not be entered", e)
            })?,
        };
        let (class, child_pwd) = class;
        let walk_in = class == Class::Dir;
        let index = plan.add(parent, &entry.name, class, depth)?;
        if walk_in {
            let child = paths::join(dir, &entry.name);
            walk(c, plan, Some(index), &child, child_pwd, depth + 1)?;
        }
    }
    Ok(())
}

/// The class of an entry that needs no server check; `None` for a folder,
/// which does. Refuses what cannot be acted on safely.
fn simple_class(kind: &Kind, dir: &[u8], name: &[u8]) -> Result<Option<Class>> {
    let at = || String::from_utf8_lossy(&paths::join(dir, name)).into_owned();
    let shown = || String::from_utf8_lossy(name).into_owned();
    match kind {
        Kind::Dir => Ok(None),
        Kind::File | Kind::Other => Ok(Some(Class::File)),
        Kind::Symlink { target } => Ok(Some(Class::Link {
            target: target.clone(),
        })),
        Kind::Invalid => Err(unsafe_entry(format!(
            "The FTP server listed an entry named “{}” in {}, a name no file can have, \
             so ftpgate cannot tell what deleting this would remove.",
            shown(),
            String::from_utf8_lossy(dir)
        ))),
        // Kind::Unknown and anything a later parser adds.
        _ => Err(unsafe_entry(format!(
            "ftpgate could not read the FTP server's listing line “{}” (at {}), so it \
             cannot tell what deleting this would remove.",
            shown(),
            at()
        ))),
    }
}

fn unsafe_entry(why: String) -> Error {
    Error::Unsafe {
        message: format!("{why} Nothing was deleted."),
        status: 409,
    }
}

/// A server refusal part-way through a walk: names the path and keeps the
/// server's words and their status (it was just listed, so 403, not 404).
fn unsafe_at(path: &[u8], what: &str, e: ftp::Error) -> Error {
    let e = Error::seen(e);
    let said = e
        .server_said()
        .map_or_else(|| e.to_string(), |s| format!("the server said “{s}”"));
    Error::Unsafe {
        message: format!(
            "“{}” {what} ({said}), so ftpgate cannot tell what deleting this would \
             remove. Nothing was deleted.",
            String::from_utf8_lossy(path)
        ),
        status: e.status(),
    }
}

/// A folder whose entries are being checked: its path, its `PWD` once
/// known, and (for MLSD listings) its LIST, fetched once when needed.
struct Folder<'a> {
    path: &'a [u8],
    pwd: Option<Vec<u8>>,
    long: Option<Vec<Entry>>,
}

impl<'a> Folder<'a> {
    fn new(path: &'a [u8], pwd: Option<Vec<u8>>) -> Folder<'a> {
        Folder {
            path,
            pwd,
            long: None,
        }
    }

    /// Checks the entry `name`, listed as a folder. Returns its class and,
    /// for a folder, its `PWD`. Fails when the server refuses CWD or PWD.
    fn check_dir(&mut self, c: &mut Client, name: &[u8]) -> ftp::Result<(Class, Option<Vec<u8>>)> {
        if c.features().mlsd {
            if let Some(Kind::Symlink { target }) = self.listed_long(c, name) {
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

    /// How this folder's LIST shows `name`, when it shows it at all.
    fn listed_long(&mut self, c: &mut Client, name: &[u8]) -> Option<Kind> {
        if self.long.is_none() {
            // No LIST (or one that fails): the CWD check still follows.
            self.long = Some(c.list_long(self.path).unwrap_or_default());
        }
        let long = self.long.as_ref()?;
        long.iter().find(|e| e.name == name).map(|e| e.kind.clone())
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
            let err = simple_class(&kind, b"/t", b"../../x").unwrap_err();
            assert_eq!(err.status(), 409);
            assert!(err.to_string().contains("Nothing was deleted"), "{err}");
        }
        let link = Kind::Symlink {
            target: Some(b"/v".to_vec()),
        };
        let target = Some(b"/v".to_vec());
        assert_eq!(
            simple_class(&link, b"/t", b"ln").unwrap(),
            Some(Class::Link { target })
        );
        assert_eq!(simple_class(&Kind::Dir, b"/t", b"d").unwrap(), None);
    }
}
