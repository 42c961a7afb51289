//! # Putting a new file in place
//!
//! A finished upload (or copy) sits complete under a temporary name; this
//! moves it to its real name without ever losing the old content first. A
//! new name is one RNFR/RNTO. Replacing tries the same rename (on most
//! servers an atomic replace); if the server refuses to rename over a file,
//! the old file is renamed aside, the new one renamed in, and only then is
//! the old one deleted; if any step fails, what was done is undone, so the
//! old file stays under its name. A server that refuses renames altogether
//! gets its old file left alone and the replace refused.

use super::error::{Error, Result};
use super::paths;
use crate::ftp::Client;

/// Prefix of the name an old file waits under while it is being replaced.
pub const ASIDE_PREFIX: &str = ".ftpgate-old-";

/// Moves the complete `temp` to `target`. `replacing`: `target` exists and
/// may be replaced. `aside_tag` makes the aside name unique (random hex).
/// On error `temp` is still there for the caller to delete; `target` holds
/// what it held before.
pub fn put_in_place(
    c: &mut Client,
    temp: &[u8],
    target: &[u8],
    replacing: bool,
    aside_tag: &str,
) -> Result<()> {
    let first = match c.rename(temp, target) {
        Ok(()) => return Ok(()),
        Err(e) if replacing && e.code().is_some_and(|code| code >= 500) => e,
        Err(e) => return Err(e.into()),
    };
    crate::log_debug!("the server would not rename over the old file ({first}); moving it aside");
    let (dir, name) = paths::split(target);
    let mut aside_name = format!("{ASIDE_PREFIX}{aside_tag}-").into_bytes();
    aside_name.extend_from_slice(&name);
    let aside = paths::join(&dir, &aside_name);
    if let Err(e) = c.rename(target, &aside) {
        crate::log_warn!(
            "cannot replace {:?}: the server refuses to rename it ({e})",
            lossy(target)
        );
        return Err(Error::Refused(e));
    }
    if let Err(e) = c.rename(temp, target) {
        // Undo: the old file goes back under its name.
        if let Err(back) = c.rename(&aside, target) {
            crate::log_error!(
                "replacing {:?} failed and the old file could not be moved back from {:?}: {back}",
                lossy(target),
                lossy(&aside)
            );
        }
        return Err(Error::Refused(e));
    }
    if let Err(e) = c.dele(&aside) {
        // The new file is in place; the old one is left under its hidden name.
        crate::log_warn!(
            "replaced {:?} but could not delete the old copy {:?}: {e}",
            lossy(target),
            lossy(&aside)
        );
    }
    Ok(())
}

fn lossy(path: &[u8]) -> String {
    String::from_utf8_lossy(path).into_owned()
}
