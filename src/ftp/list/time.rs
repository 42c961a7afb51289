//! # Calendar arithmetic
//!
//! Clock words and UTC dates to Unix seconds, shared by all listing shapes;
//! `parse_time_val` (MLSD `modify`, MDTM) also serves `ftp::parse`, and
//! `days_from_civil` the web layer.

use super::words::num;

/// `H:MM`, `HH:MM` or `HH:MM:SS`. Range checks happen in `timestamp`.
pub(super) fn clock(word: &[u8]) -> Option<(u32, u32, u32)> {
    let mut parts = word.split(|&b| b == b':');
    let hour = parts.next().filter(|p| p.len() <= 2)?;
    let minute = parts.next().filter(|p| p.len() == 2)?;
    let second = match parts.next() {
        Some(p) if p.len() == 2 => num(p)?,
        Some(_) => return None,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((num(hour)?, num(minute)?, second))
}

/// Unix seconds for a UTC date and time, or `None` if any field is out of range.
pub(super) fn timestamp(year: i64, month: u32, day: u32, h: u32, m: u32, s: u32) -> Option<i64> {
    let valid = (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && h < 24
        && m < 60
        && s <= 60; // RFC 3659 allows a leap second
    let secs = i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s);
    let days = days_from_civil(year, month, day);
    valid.then(|| days.checked_mul(86_400)?.checked_add(secs))?
}

/// RFC 3659 §2.3 `time-val`: `YYYYMMDDHHMMSS` in UTC, optionally followed
/// by `.` and one or more digits of fraction, which are dropped. The one
/// parser for MLSD `modify` facts and MDTM replies, so both refuse the same
/// impossible dates (Feb 31, month 13, hour 24) and junk fractions.
pub fn parse_time_val(value: &[u8]) -> Option<i64> {
    let (main, fraction) = match value.iter().position(|&b| b == b'.') {
        Some(dot) => (&value[..dot], Some(&value[dot + 1..])),
        None => (value, None),
    };
    let bad_fraction = fraction.is_some_and(|f| f.is_empty() || !f.iter().all(u8::is_ascii_digit));
    if main.len() != 14 || bad_fraction {
        return None;
    }
    let year = i64::from(num(&main[..4])?);
    let field = |at: usize| num(&main[at..at + 2]);
    timestamp(
        year,
        field(4)?,
        field(6)?,
        field(8)?,
        field(10)?,
        field(12)?,
    )
}

fn days_in_month(year: i64, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar, after
/// Howard Hinnant's `days_from_civil`. `month` (1..=12) and `day` are not
/// checked; out-of-range values give a meaningless but harmless result, and
/// years beyond about ±25 quadrillion saturate instead of overflowing.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Let the year begin in March, so the leap day is the last day of a year
    // and the month lengths before any date do not depend on leap years.
    let y = year.saturating_sub(i64::from(month <= 2));
    // The calendar repeats every 400 years (146 097 days).
    let era = y.div_euclid(400);
    let year_of_era = y.rem_euclid(400);
    // March is month 0 and February month 11.
    let march_month = (i64::from(month) + 9) % 12;
    // Days in the months before this one; from March on the lengths run
    // 31,30,31,30,31 twice and more, which (153 * m + 2) / 5 counts exactly.
    let day_of_year = (153 * march_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 719 468 days lie between 0000-03-01 and 1970-01-01.
    era.saturating_mul(146_097)
        .saturating_add(day_of_era - 719_468)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::utc;
    use super::*;

    #[test]
    fn days_from_civil_matches_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1600, 2, 29), -135_081);
        assert_eq!(days_from_civil(1, 1, 1), -719_162);
        assert_eq!(days_from_civil(9999, 12, 31), 2_932_896);
        // Absurd input saturates rather than panicking.
        assert!(days_from_civil(i64::MAX, u32::MAX, u32::MAX) > 0);
        assert!(days_from_civil(i64::MIN, 0, 0) < 0);
    }

    #[test]
    fn timestamps_match_known_seconds() {
        assert_eq!(utc(2024, 2, 29, 13, 45), 1_709_214_300);
        assert_eq!(timestamp(2019, 6, 30, 23, 59, 59), Some(1_561_939_199));
        assert_eq!(utc(2000, 1, 1, 0, 0), 946_684_800);
        assert_eq!(timestamp(2023, 2, 29, 0, 0, 0), None);
        assert_eq!(timestamp(2024, 4, 31, 0, 0, 0), None);
        assert_eq!(timestamp(2024, 13, 1, 0, 0, 0), None);
        assert_eq!(timestamp(2024, 1, 1, 24, 0, 0), None);
    }

    #[test]
    fn parses_rfc3659_time_val_with_and_without_fraction() {
        assert_eq!(parse_time_val(b"20240229134500"), Some(1_709_214_300));
        assert_eq!(parse_time_val(b"20240229134500.123"), Some(1_709_214_300));
        assert_eq!(parse_time_val(b"19980615100045.0"), Some(897_904_845));
        // RFC 3659 §2.3 allows a leap second.
        assert_eq!(parse_time_val(b"20161231235960"), Some(1_483_228_800));
    }

    #[test]
    fn rejects_impossible_time_vals() {
        for bad in [
            &b"20240231000000"[..], // Feb 31
            b"20230229000000",      // Feb 29 of a common year
            b"20241301000000",      // month 13
            b"20240001000000",      // month 0
            b"20240100000000",      // day 0
            b"20240101240000",      // hour 24
            b"20240101006000",      // minute 60
            b"20240101000061",      // second 61
        ] {
            assert_eq!(
                parse_time_val(bad),
                None,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn rejects_malformed_time_vals() {
        for bad in [
            &b""[..],
            b"2024",
            b"2024022913450",   // 13 digits
            b"202402291345000", // 15 digits (the Y2K "19100" bug)
            b"20240229134500.", // empty fraction
            b"20240229134500.1x",
            b"20240229134500.-1",
            b"2024022913450.0",
            b"+0240229134500",
            b"2024-02-29 13:45",
            b" 20240229134500",
        ] {
            assert_eq!(
                parse_time_val(bad),
                None,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
