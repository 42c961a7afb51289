//! # Acting on a plan
//!
//! Removes what a plan holds, deepest first, then the plan's folder: DELE
//! for files and links (a link goes, never what it points to), RMD for
//! folders. Carries on past failures and reports each one; a folder that
//! could not be emptied is left in place, and a link the server will not
//! DELE is reported, never RMDed.

use super::plan::{Class, Plan};
use super::Count;
use crate::ftp::{self, Client};
use crate::web::error::Error;

/// Most failures listed by name; the rest are counted.
const MAX_LISTED_FAILURES: usize = 20;

/// What a recursive delete did.
#[derive(Debug, Default)]
pub struct Report {
    /// Removed, not counting the folder itself.
    pub removed: Count,
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

    /// Records an FTP error: its status, and why in the server's words.
    fn fail_with(&mut self, path: Vec<u8>, e: ftp::Error, link: bool) {
        let err = Error::seen(e);
        let mut why = match err.server_said() {
            Some(said) => format!("{} ({said})", err.title().to_lowercase()),
            None => err.to_string(),
        };
        if link {
            why.push_str("; it is a link, and ftpgate never deletes what a link points to");
        }
        self.failed.push(Failure {
            path,
            status: err.status(),
            why,
        });
    }
}

/// Deletes everything in `plan`, deepest first, then its folder.
pub fn delete(c: &mut Client, plan: &Plan) -> Report {
    let mut report = Report::default();
    // Whether each folder (and the root, last) still holds something.
    let mut kept = vec![false; plan.len()];
    let mut root_kept = false;
    for step in plan.steps_deepest_first() {
        let path = plan.path(step.index);
        let gone = match step.class {
            // Emptied or not, its RMD tells; skip it when something stayed.
            Class::Dir if kept[step.index] => false,
            Class::Dir => match c.rmd(&path) {
                Ok(()) => {
                    report.removed.folders += 1;
                    true
                }
                Err(e) => {
                    report.fail_with(path, e, false);
                    false
                }
            },
            Class::File | Class::Link { .. } => match c.dele(&path) {
                Ok(()) => {
                    report.removed.files += 1;
                    if matches!(step.class, Class::Link { .. }) {
                        report.removed.links += 1;
                    }
                    true
                }
                Err(e) => {
                    let link = matches!(step.class, Class::Link { .. });
                    report.fail_with(path, e, link);
                    false
                }
            },
        };
        if !gone {
            match step.parent {
                Some(parent) => kept[parent] = true,
                None => root_kept = true,
            }
        }
    }
    if !root_kept {
        if let Err(e) = c.rmd(plan.root()) {
            report.fail_with(plan.root().to_vec(), e, false);
        }
    }
    report
}
