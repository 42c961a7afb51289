//! # Names for a copy
//!
//! "Save as a copy" never replaces anything: it takes the first of
//! `a (edited).txt`, `a (edited 2).txt`, … that is not there.

use super::error::{Error, Result};
use super::paths;
use super::probe::{self, Found};
use crate::ftp::Client;

/// Copy names tried before giving up.
const MAX_COPY_TRIES: u32 = 20;

/// `a (edited).txt`, then `a (edited 2).txt`…: the first one not there.
pub fn free_name(c: &mut Client, dir: &[u8], name: &[u8]) -> Result<Vec<u8>> {
    for n in 1..=MAX_COPY_TRIES {
        let copy = copy_name(name, n);
        paths::check_name(&copy)?;
        if probe::find(c, &paths::join(dir, &copy))? == Found::Missing {
            return Ok(copy);
        }
    }
    Err(Error::Conflict(format!(
        "{MAX_COPY_TRIES} copies of “{}” exist already; rename or delete some first.",
        String::from_utf8_lossy(name)
    )))
}

/// The `n`th copy name: ` (edited)` or ` (edited n)` before the extension
/// (a leading dot, as in `.profile`, starts no extension).
fn copy_name(name: &[u8], n: u32) -> Vec<u8> {
    let dot = name.iter().rposition(|&b| b == b'.').filter(|&i| i > 0);
    let (stem, ext) = name.split_at(dot.unwrap_or(name.len()));
    let mark = match n {
        1 => " (edited)".to_string(),
        n => format!(" (edited {n})"),
    };
    [stem, mark.as_bytes(), ext].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_names_go_before_the_extension() {
        assert_eq!(copy_name(b"notes.txt", 1), b"notes (edited).txt");
        assert_eq!(copy_name(b"notes.txt", 2), b"notes (edited 2).txt");
        assert_eq!(copy_name(b"a.tar.gz", 1), b"a.tar (edited).gz");
        assert_eq!(copy_name(b"Makefile", 1), b"Makefile (edited)");
        assert_eq!(copy_name(b".profile", 3), b".profile (edited 3)");
    }
}
