//! # Words and numbers
//!
//! The blank-separated tokenizer and the digit parsing that the listing
//! parsers share.

/// The blank-separated words of a line, with their positions kept so the
/// name can be cut from the original bytes, spaces and all.
pub(super) struct Words<'a> {
    line: &'a [u8],
    spans: Vec<(usize, usize)>,
}

impl<'a> Words<'a> {
    pub(super) fn new(line: &'a [u8]) -> Self {
        let mut spans = Vec::new();
        let mut start = None;
        for (i, &b) in line.iter().enumerate() {
            match (is_blank(b), start) {
                (true, Some(s)) => {
                    spans.push((s, i));
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        if let Some(s) = start {
            spans.push((s, line.len()));
        }
        Words { line, spans }
    }

    pub(super) fn get(&self, i: usize) -> Option<&'a [u8]> {
        self.spans.get(i).map(|&(s, e)| &self.line[s..e])
    }

    pub(super) fn count(&self) -> usize {
        self.spans.len()
    }

    /// Everything after word `i` and exactly one blank.
    pub(super) fn after_one_blank(&self, i: usize) -> &'a [u8] {
        let end = self.spans.get(i).map_or(self.line.len(), |&(_, e)| e);
        self.line.get(end + 1..).unwrap_or_default()
    }

    /// Everything from word `i` on (all blanks before it dropped).
    pub(super) fn rest_from(&self, i: usize) -> &'a [u8] {
        self.spans.get(i).map_or(&[], |&(s, _)| &self.line[s..])
    }
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Decimal digits only (no sign, no blanks) into a `u64`; `None` on overflow.
pub(super) fn parse_u64(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |acc, &b| {
        let digit = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        acc.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// A short decimal field (date parts) as `u32`.
pub(super) fn num(digits: &[u8]) -> Option<u32> {
    parse_u64(digits).and_then(|n| u32::try_from(n).ok())
}
