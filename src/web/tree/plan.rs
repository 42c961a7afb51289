//! # Plans
//!
//! What a tree walk found, before anything is changed: every entry below
//! the folder, classified, in the order it was found (a folder before what
//! it holds, so the reverse order empties each folder before its RMD).
//! The caps are enforced here, by the one function that adds an entry, so
//! a tree over a cap is refused before the first change.

use super::{Count, Purpose, MAX_DEPTH};
use crate::web::error::{Error, Result};
use crate::web::paths;

/// What an entry of the tree is, as far as a walk acts on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class {
    /// A file, or anything else removed with DELE.
    File,
    /// A symbolic link: removed itself with DELE, never entered, its target
    /// never touched. The target when the server told it, or where
    /// entering it landed.
    Link { target: Option<Vec<u8>> },
    /// A folder, checked to be one: walked, then removed with RMD.
    Dir,
}

/// Where an entry hangs: the root folder of the plan, or another entry.
const ROOT: usize = usize::MAX;

#[derive(Debug)]
struct Node {
    parent: usize,
    name: Vec<u8>,
    class: Class,
    size: Option<u64>,
    modified: Option<i64>,
}

/// A file's size and last change, as its listing said.
#[derive(Debug, Clone, Copy, Default)]
pub struct Meta {
    pub size: Option<u64>,
    pub modified: Option<i64>,
}

/// One entry of a plan, for reading the tree (an archive).
pub struct Entry<'a> {
    /// The entry's path below the root, `/` between names.
    pub relative: Vec<u8>,
    pub class: &'a Class,
    pub size: Option<u64>,
    pub modified: Option<i64>,
}

/// Everything below one folder, classified; built by `walk::plan`, acted
/// on by `act::delete`. Its counts are what the act removes.
#[derive(Debug)]
pub struct Plan {
    root: Vec<u8>,
    purpose: Purpose,
    nodes: Vec<Node>,
    name_bytes: usize,
}

/// One entry of a plan, as the act sees it.
pub(super) struct Step<'a> {
    pub(super) index: usize,
    /// The entry's folder: an index, or `None` for the root.
    pub(super) parent: Option<usize>,
    pub(super) class: &'a Class,
}

impl Plan {
    /// An empty plan for the folder `root`.
    pub(super) fn new(root: &[u8], purpose: Purpose) -> Plan {
        Plan {
            root: root.to_vec(),
            purpose,
            nodes: Vec::new(),
            name_bytes: 0,
        }
    }

    /// What the walk is for.
    pub(super) fn purpose(&self) -> Purpose {
        self.purpose
    }

    /// The folder the plan is for.
    pub fn root(&self) -> &[u8] {
        &self.root
    }

    /// Adds `name` in `parent` (`None`: the root) at `depth` (1 for the
    /// root's own entries), refusing anything over a cap. Returns the
    /// entry's index, the `parent` of what it holds.
    pub(super) fn add(
        &mut self,
        parent: Option<usize>,
        name: &[u8],
        class: Class,
        depth: usize,
        meta: Meta,
    ) -> Result<usize> {
        let purpose = self.purpose;
        if class == Class::Dir && depth >= MAX_DEPTH {
            return Err(too_big(
                purpose,
                &format!("folders nested more than {MAX_DEPTH} deep"),
            ));
        }
        if self.nodes.len() >= purpose.max_entries() {
            return Err(too_big(
                purpose,
                &format!("more than {} files and folders", purpose.max_entries()),
            ));
        }
        if self.name_bytes + name.len() > purpose.max_plan_bytes() {
            return Err(too_big(
                purpose,
                &format!(
                    "names longer than {} MiB together",
                    purpose.max_plan_bytes() / (1024 * 1024)
                ),
            ));
        }
        self.name_bytes += name.len();
        self.nodes.push(Node {
            parent: parent.unwrap_or(ROOT),
            name: name.to_vec(),
            class,
            size: meta.size,
            modified: meta.modified,
        });
        Ok(self.nodes.len() - 1)
    }

    /// Every entry, a folder before what it holds, with its path below the root.
    pub fn entries(&self) -> impl Iterator<Item = Entry<'_>> {
        self.nodes.iter().enumerate().map(|(index, node)| Entry {
            relative: self.relative(index),
            class: &node.class,
            size: node.size,
            modified: node.modified,
        })
    }

    /// The path of entry `index` below the root.
    fn relative(&self, index: usize) -> Vec<u8> {
        let mut names = Vec::new();
        let mut at = index;
        while at != ROOT {
            names.push(&self.nodes[at].name[..]);
            at = self.nodes[at].parent;
        }
        names.reverse();
        names.join(&b'/')
    }

    /// What the act would remove, the root folder not counted.
    pub fn count(&self) -> Count {
        let mut count = Count::default();
        for node in &self.nodes {
            match node.class {
                Class::Dir => count.folders += 1,
                Class::Link { .. } => {
                    count.files += 1;
                    count.links += 1;
                }
                Class::File => count.files += 1,
            }
        }
        count
    }

    /// The full path of entry `index`.
    pub(super) fn path(&self, index: usize) -> Vec<u8> {
        paths::join(&self.root, &self.relative(index))
    }

    /// Every entry, deepest first: each folder comes after what it holds.
    pub(super) fn steps_deepest_first(&self) -> impl Iterator<Item = Step<'_>> {
        self.nodes
            .iter()
            .enumerate()
            .rev()
            .map(|(index, node)| Step {
                index,
                parent: (node.parent != ROOT).then_some(node.parent),
                class: &node.class,
            })
    }

    /// How many entries the plan holds.
    pub(super) fn len(&self) -> usize {
        self.nodes.len()
    }
}

/// A tree over a cap: refused whole, nothing changed.
pub(super) fn too_big(purpose: Purpose, what: &str) -> Error {
    let message = match purpose {
        Purpose::Delete => format!(
            "This folder holds {what}; ftpgate does not delete that much in one go, \
             so nothing was deleted. Delete some of its folders first."
        ),
        Purpose::Archive => format!(
            "This holds {what}; ftpgate does not put that much in one archive, \
             so no archive was made. Download some of its folders on their own."
        ),
        Purpose::Copy => format!(
            "This holds {what}; ftpgate does not copy that much in one go, \
             so nothing was copied. Copy some of its folders on their own."
        ),
    };
    Error::Unsafe {
        message,
        status: 409,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::tree::MAX_ENTRIES;
    use crate::web::tree::MAX_PLAN_BYTES;

    fn refused(r: Result<usize>) -> String {
        match r {
            Err(Error::Unsafe { message, status }) => {
                assert_eq!(status, 409);
                message
            }
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn holds_max_entries_and_refuses_one_more() {
        let mut plan = Plan::new(b"/t", Purpose::Delete);
        for i in 0..MAX_ENTRIES {
            plan.add(
                None,
                format!("f{i}").as_bytes(),
                Class::File,
                1,
                Meta::default(),
            )
            .unwrap();
        }
        let why = refused(plan.add(None, b"one-more", Class::File, 1, Meta::default()));
        assert!(why.contains("more than 10000 files"), "{why}");
        assert_eq!(plan.count().files, MAX_ENTRIES);
    }

    #[test]
    fn holds_folders_max_depth_minus_one_deep_and_refuses_deeper() {
        let mut plan = Plan::new(b"/t", Purpose::Delete);
        let mut parent = None;
        for depth in 1..MAX_DEPTH {
            parent = Some(
                plan.add(parent, b"d", Class::Dir, depth, Meta::default())
                    .unwrap(),
            );
        }
        // Files and links at the deepest level are fine: nothing to walk.
        plan.add(parent, b"f", Class::File, MAX_DEPTH, Meta::default())
            .unwrap();
        let why = refused(plan.add(parent, b"d", Class::Dir, MAX_DEPTH, Meta::default()));
        assert!(why.contains("more than 32 deep"), "{why}");
    }

    #[test]
    fn holds_max_plan_bytes_of_names_and_refuses_one_byte_more() {
        let mut plan = Plan::new(b"/t", Purpose::Delete);
        let big = vec![b'n'; MAX_PLAN_BYTES / 2];
        plan.add(None, &big, Class::File, 1, Meta::default())
            .unwrap();
        plan.add(None, &big[1..], Class::File, 1, Meta::default())
            .unwrap();
        plan.add(None, b"x", Class::File, 1, Meta::default())
            .unwrap();
        let why = refused(plan.add(None, b"y", Class::File, 1, Meta::default()));
        assert!(why.contains("names longer than 4 MiB"), "{why}");
    }

    #[test]
    fn paths_and_order_put_what_a_folder_holds_first() {
        let mut plan = Plan::new(b"/t", Purpose::Delete);
        let a = plan
            .add(None, b"a", Class::Dir, 1, Meta::default())
            .unwrap();
        plan.add(Some(a), b"x y", Class::File, 2, Meta::default())
            .unwrap();
        let link = Class::Link { target: None };
        plan.add(None, b"ln", link, 1, Meta::default()).unwrap();
        let order: Vec<Vec<u8>> = plan
            .steps_deepest_first()
            .map(|s| plan.path(s.index))
            .collect();
        assert_eq!(
            order,
            [&b"/t/ln"[..], b"/t/a/x y", b"/t/a"].map(<[u8]>::to_vec)
        );
        let count = plan.count();
        assert_eq!((count.files, count.links, count.folders), (2, 1, 1));
    }
}
