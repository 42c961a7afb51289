//! # Test helpers
//!
//! The fixed clock and the shorthands that the listing tests of every file share.

use super::time::timestamp;
use super::{parse_listing, Entry, Format, Kind};

/// 2024-03-01 00:00:00 UTC, the clock for most tests.
pub(super) const NOW: i64 = 1_709_251_200;

pub(super) fn utc(y: i64, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    timestamp(y, mo, d, h, mi, 0).expect("valid test date")
}

/// The shorthands compare whole entries without the mode, which `mode.rs`
/// tests on its own: so each sample line here keeps one subject.
fn without_modes(entries: Vec<Entry>) -> Vec<Entry> {
    entries
        .into_iter()
        .map(|e| Entry { mode: None, ..e })
        .collect()
}

pub(super) fn list(text: &[u8]) -> Vec<Entry> {
    without_modes(parse_listing(text, Format::List, NOW))
}

pub(super) fn one(text: &[u8]) -> Entry {
    let mut entries = list(text);
    assert_eq!(entries.len(), 1, "{entries:?}");
    entries.remove(0)
}

pub(super) fn mlsd(text: &[u8]) -> Vec<Entry> {
    without_modes(parse_listing(text, Format::Mlsd, NOW))
}

pub(super) fn entry(name: &[u8], kind: Kind, size: Option<u64>, modified: Option<i64>) -> Entry {
    Entry {
        name: name.to_vec(),
        kind,
        size,
        modified,
        mode: None,
    }
}

pub(super) fn link(target: &[u8]) -> Kind {
    Kind::Symlink {
        target: Some(target.to_vec()),
    }
}
