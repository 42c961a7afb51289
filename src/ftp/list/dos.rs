//! # DOS/IIS lines
//!
//! `MM-DD-YY  HH:MMPM  <DIR>|size  name`, as IIS and other Windows servers
//! answer LIST.

use super::time::{clock, timestamp};
use super::words::{num, parse_u64, Words};
use super::{Entry, Kind};

pub(super) fn parse_dos(words: &Words) -> Option<Entry> {
    let (year, month, day) = dos_date(words.get(0)?)?;
    let time_word = words.get(1)?;
    // AM/PM usually sticks to the time (`01:05PM`) but may stand apart.
    let (clock_part, mut pm) = split_am_pm(time_word);
    let mut next = 2;
    if pm.is_none() {
        pm = words
            .get(2)
            .and_then(|w| split_am_pm(w).1.filter(|_| w.len() == 2));
        next += usize::from(pm.is_some());
    }
    let (h, m, s) = clock(clock_part)?;
    let hour = match pm {
        None => Some(h),
        Some(pm) => (1..=12)
            .contains(&h)
            .then(|| h % 12 + if pm { 12 } else { 0 }),
    };
    let size_word = words.get(next)?;
    let (kind, size) = if size_word.eq_ignore_ascii_case(b"<dir>") {
        (Kind::Dir, None)
    } else if size_word.iter().all(|&b| b.is_ascii_digit() || b == b',') {
        // Some servers group digits: `1,234,567`.
        let digits: Vec<u8> = size_word.iter().copied().filter(|&b| b != b',').collect();
        (Kind::File, parse_u64(&digits))
    } else {
        return None;
    };
    let name = words.rest_from(next + 1);
    if name.is_empty() {
        return None;
    }
    Some(Entry {
        name: name.to_vec(),
        kind,
        size,
        modified: hour.and_then(|h| timestamp(year, month, day, h, m, s)),
        mode: None,
    })
}

/// `MM-DD-YY`, `MM-DD-YYYY` (or with `/`). Two-digit years below 70 are 20xx.
fn dos_date(word: &[u8]) -> Option<(i64, u32, u32)> {
    let sep = if word.contains(&b'/') { b'/' } else { b'-' };
    let parts: Vec<&[u8]> = word.split(|&b| b == sep).collect();
    let [m, d, y] = parts.as_slice() else {
        return None;
    };
    if !(1..=2).contains(&m.len()) || !(1..=2).contains(&d.len()) {
        return None;
    }
    let year = match (y.len(), i64::from(num(y)?)) {
        (2, y) if y < 70 => 2000 + y,
        (2, y) => 1900 + y,
        (4, y) => y,
        _ => return None,
    };
    Some((year, num(m)?, num(d)?))
}

/// Splits a trailing `AM`/`PM` off a word; the flag is `Some(true)` for PM.
fn split_am_pm(word: &[u8]) -> (&[u8], Option<bool>) {
    match word.len().checked_sub(2).map(|at| word.split_at(at)) {
        Some((rest, half)) if half.eq_ignore_ascii_case(b"am") => (rest, Some(false)),
        Some((rest, half)) if half.eq_ignore_ascii_case(b"pm") => (rest, Some(true)),
        _ => (word, None),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{entry, one, utc};
    use super::super::Kind;

    #[test]
    fn parses_iis_dir_line() {
        let e = one(b"02-29-24  01:45PM       <DIR>          Reports 2024\r\n");
        assert_eq!(
            e,
            entry(b"Reports 2024", Kind::Dir, None, Some(1_709_214_300))
        );
    }

    #[test]
    fn parses_iis_file_line_4_digit_year() {
        let e = one(b"12-31-1999  02:05PM             123456 old.zip");
        assert_eq!(
            e,
            entry(b"old.zip", Kind::File, Some(123_456), Some(946_649_100))
        );
    }

    #[test]
    fn parses_iis_24_hour_time() {
        let e = one(b"02-29-2024  13:45                  42 x.txt");
        assert_eq!(
            e,
            entry(b"x.txt", Kind::File, Some(42), Some(1_709_214_300))
        );
    }

    #[test]
    fn parses_iis_midnight_and_noon() {
        let e = one(b"01-01-24 12:30AM 1 a");
        assert_eq!(e.modified, Some(utc(2024, 1, 1, 0, 30)));
        let e = one(b"01-01-24 12:30 PM 1 b");
        assert_eq!(
            (e.name, e.modified),
            (b"b".to_vec(), Some(utc(2024, 1, 1, 12, 30)))
        );
        let e = one(b"01-01-70 13:30PM 1 c");
        assert_eq!((e.name, e.modified), (b"c".to_vec(), None));
    }

    #[test]
    fn parses_iis_name_starting_with_digits() {
        let e = one(b"10-05-23  09:07AM      2048 2023 budget.xlsx");
        assert_eq!(
            e,
            entry(
                b"2023 budget.xlsx",
                Kind::File,
                Some(2048),
                Some(1_696_496_820)
            )
        );
    }

    #[test]
    fn parses_iis_grouped_size_and_huge_size() {
        let e = one(b"10-05-23  09:07AM  5,368,709,120 big.iso");
        assert_eq!(e.size, Some(5_368_709_120));
        let e = one(b"10-05-23  09:07AM  99999999999999999999999 huge.iso");
        assert_eq!(
            (e.name, e.kind, e.size),
            (b"huge.iso".to_vec(), Kind::File, None)
        );
    }
}
