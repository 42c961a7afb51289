//! # Remembered certificates
//!
//! FTPS certificates a person confirmed on the login page are pinned (the
//! server's `host:port` → SHA-256 of its certificate) and, when ftpgate has a
//! state directory, kept in `ftps-pins` there, one `host:port HEX` a line, so
//! they survive a restart. Without a state directory they last until exit.

use crate::ftp::{Fingerprint, PinStore};
use std::io::Write;
use std::path::Path;

/// The file in the state directory.
pub const PINS_FILE: &str = "ftps-pins";
/// Largest pins file read (a line is ~90 bytes).
const MAX_PINS_BYTES: u64 = 1024 * 1024;

/// Adds the pins saved in `dir` to `pins`; a bad line is skipped and logged.
pub fn load(dir: &Path, pins: &PinStore) {
    use std::io::Read;
    let path = dir.join(PINS_FILE);
    let mut text = String::new();
    let read =
        std::fs::File::open(&path).and_then(|f| f.take(MAX_PINS_BYTES).read_to_string(&mut text));
    if read.is_err() {
        return;
    }
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        match line
            .split_once(' ')
            .and_then(|(k, f)| Some((k, Fingerprint::parse(f.trim())?)))
        {
            Some((key, fp)) => pins.set(key, fp),
            None => crate::log_warn!(
                "{}: skipping a line that is not `host:port SHA256`",
                path.display()
            ),
        }
    }
}

/// Writes every pin to `dir` (a temporary file renamed into place).
pub fn save(dir: &Path, pins: &PinStore) -> std::io::Result<()> {
    let mut text =
        String::from("# FTPS certificates confirmed on ftpgate's login page: host:port SHA-256\n");
    for (key, fp) in pins.entries() {
        text.push_str(&format!("{key} {fp}\n"));
    }
    let temp = dir.join(format!("{PINS_FILE}.tmp"));
    std::fs::File::create(&temp)?.write_all(text.as_bytes())?;
    std::fs::rename(&temp, dir.join(PINS_FILE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_survive_a_save_and_a_load() {
        let dir = std::env::temp_dir().join(format!("ftpgate-pins-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pins = PinStore::default();
        let fp = Fingerprint::of(b"a certificate");
        pins.set("nas:21", fp);
        save(&dir, &pins).unwrap();
        let again = PinStore::default();
        load(&dir, &again);
        assert_eq!(again.get("nas:21"), Some(fp));
        std::fs::write(dir.join(PINS_FILE), "garbage\nnas:990 zz\n").unwrap();
        let bad = PinStore::default();
        load(&dir, &bad);
        assert!(bad.entries().is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
