//! # Dates in `ls -l` lines
//!
//! Finds the date columns however many owner/group columns come first, reads
//! month names of common locales, and applies the six-month rule of `ls`.

use super::time::{clock, days_from_civil, timestamp};
use super::words::{num, Words};

/// Where the date of an `ls -l` line sits: the size word index and the index
/// of the last date word, after which the name starts.
pub(super) struct UnixDate {
    pub(super) size_at: usize,
    pub(super) last: usize,
    pub(super) modified: Option<i64>,
}

/// Scans for `Mon DD HH:MM|YYYY`, `DD Mon HH:MM|YYYY` or `YYYY-MM-DD HH:MM`
/// preceded by a size, so the number of owner/group/link columns does not matter.
pub(super) fn find_unix_date(words: &Words, now: i64) -> Option<UnixDate> {
    // Word 0 is the mode and word 1 at the earliest the size.
    (2..words.count()).find_map(|i| {
        let size_like = words
            .get(i - 1)?
            .iter()
            .all(|&b| b.is_ascii_digit() || b == b',');
        if !size_like {
            return None;
        }
        let (a, b) = (words.get(i)?, words.get(i + 1)?);
        if let Some((year, month, day)) = iso_date(a) {
            let (h, m, s) = clock(b)?;
            let modified = timestamp(year, month, day, h, m, s);
            return Some(UnixDate {
                size_at: i - 1,
                last: i + 1,
                modified,
            });
        }
        let (month, day) = match (month_number(a), day_number(b)) {
            (Some(month), Some(day)) => (month, day),
            _ => (month_number(b)?, day_number(a)?),
        };
        let modified = match words.get(i + 2)? {
            w if w.len() == 4 && w.iter().all(u8::is_ascii_digit) => {
                timestamp(i64::from(num(w)?), month, day, 0, 0, 0)
            }
            w => {
                let (h, m, s) = clock(w)?;
                resolve_year(now, month, day, h, m, s)
            }
        };
        Some(UnixDate {
            size_at: i - 1,
            last: i + 2,
            modified,
        })
    })
}

/// Picks the year that puts a yearless `ls` date nearest to `now`.
///
/// `ls` prints a time instead of a year only for recent dates: GNU `ls`
/// for the six months before now, other `ls` (and some servers) for six
/// months either side. Either way the date lies within about half a year
/// of `now`, and exactly one year puts it there: the nearest. FileZilla's
/// rule (this year, or last year if more than a day ahead) is right only
/// for the first style: "Jan  1 00:00" listed in October means next
/// January there, not last. Clock skew and time zones need no slack under
/// this rule. Feb 29 takes the nearest year that has one.
fn resolve_year(now: i64, month: u32, day: u32, h: u32, m: u32, s: u32) -> Option<i64> {
    let year = year_of(now);
    (year - 8..=year + 1)
        .filter_map(|y| timestamp(y, month, day, h, m, s))
        .min_by_key(|&t| t.abs_diff(now))
}

/// The calendar year (UTC) of a Unix time, clamped to years 1970..=9999.
fn year_of(time: i64) -> i64 {
    let days = time.clamp(0, 253_402_300_799) / 86_400;
    // Start low (no year has 366+ days) and walk forward; at most ~25 steps.
    let mut year = 1970 + days / 366;
    while days_from_civil(year + 1, 1, 1) <= days {
        year += 1;
    }
    year
}

/// Month abbreviations as `ls` prints them in common locales (English, German,
/// French, Spanish, Italian, Dutch, Portuguese): lower case, in UTF-8 and, where
/// that differs, Latin-1. The index plus one is the month number.
const MONTHS: [&[&[u8]]; 12] = [
    &[b"jan", b"janv", b"ene", b"gen", "jän".as_bytes(), b"j\xe4n"],
    &[
        b"feb",
        b"fev",
        b"fevr",
        "fév".as_bytes(),
        "févr".as_bytes(),
        b"f\xe9v",
        b"f\xe9vr",
    ],
    &[b"mar", b"mars", b"mrz", b"mrt", "mär".as_bytes(), b"m\xe4r"],
    &[b"apr", b"avr", b"abr"],
    &[b"may", b"mai", b"mei", b"mag"],
    &[b"jun", b"juin", b"giu"],
    &[b"jul", b"juil", b"lug"],
    &[b"aug", b"aout", "août".as_bytes(), b"ao\xfbt", b"ago"],
    &[b"sep", b"sept", b"set"],
    &[b"oct", b"okt", b"ott", b"out"],
    &[b"nov"],
    &[b"dec", b"dez", b"dic", "déc".as_bytes(), b"d\xe9c"],
];

/// A month name (case-insensitive for ASCII letters, trailing `.` allowed) to 1..=12.
fn month_number(word: &[u8]) -> Option<u32> {
    let word = word.strip_suffix(b".").unwrap_or(word).to_ascii_lowercase();
    let index = MONTHS
        .iter()
        .position(|names| names.contains(&word.as_slice()))?;
    u32::try_from(index + 1).ok()
}

/// A day of month, one or two digits, optionally followed by `.` (German `5.`).
fn day_number(word: &[u8]) -> Option<u32> {
    let word = word.strip_suffix(b".").unwrap_or(word);
    num(word).filter(|d| word.len() <= 2 && (1..=31).contains(d))
}

/// `YYYY-MM-DD`, as `ls --time-style=long-iso` prints it.
fn iso_date(word: &[u8]) -> Option<(i64, u32, u32)> {
    match word {
        [y @ .., b'-', m1, m2, b'-', d1, d2] if y.len() == 4 => {
            Some((i64::from(num(y)?), num(&[*m1, *m2])?, num(&[*d1, *d2])?))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{entry, list, one, utc};
    use super::super::{parse_listing, Format, Kind};

    #[test]
    fn parses_six_month_rule_last_year() {
        let e = one(b"-rw-r--r-- 1 u g 5 Nov 20 10:00 f");
        assert_eq!(e.modified, Some(1_700_474_400)); // 2023-11-20 10:00
    }

    #[test]
    fn parses_six_month_rule_this_year() {
        let e = one(b"-rw-r--r-- 1 u g 5 Feb 20 10:00 f");
        assert_eq!(e.modified, Some(1_708_423_200)); // 2024-02-20 10:00
                                                     // A few days ahead (clock skew, time zones) still counts as this year.
        let e = one(b"-rw-r--r-- 1 u g 5 Mar  3 10:00 f");
        assert_eq!(e.modified, Some(utc(2024, 3, 3, 10, 0)));
    }

    #[test]
    fn parses_six_month_rule_across_new_year() {
        // Client at 2023-12-31 23:00, server already in the new year.
        let now = utc(2023, 12, 31, 23, 0);
        let e = &parse_listing(b"-rw-r--r-- 1 u g 5 Jan  1 00:30 f", Format::List, now)[0];
        assert_eq!(e.modified, Some(1_704_069_000)); // 2024-01-01 00:30
    }

    /// An `ls` that prints times for dates up to six months ahead (BSD
    /// style, some embedded servers): seen in October, "Jan 1" is next year.
    #[test]
    fn parses_future_dates_of_an_ls_that_shows_them_with_a_time() {
        let now = utc(2026, 10, 1, 12, 0);
        let at = |line: &[u8]| parse_listing(line, Format::List, now)[0].modified;
        assert_eq!(
            at(b"-rw-r--r-- 1 u g 5 Jan  1 00:00 f"),
            Some(utc(2027, 1, 1, 0, 0))
        );
        assert_eq!(
            at(b"-rw-r--r-- 1 u g 5 Mar 31 23:59 f"),
            Some(utc(2027, 3, 31, 23, 59))
        );
        // GNU `ls` style, six months back, from the same clock.
        assert_eq!(
            at(b"-rw-r--r-- 1 u g 5 Apr  2 00:00 f"),
            Some(utc(2026, 4, 2, 0, 0))
        );
        assert_eq!(
            at(b"-rw-r--r-- 1 u g 5 Sep 30 08:00 f"),
            Some(utc(2026, 9, 30, 8, 0))
        );
    }

    #[test]
    fn parses_leap_day_without_year() {
        let now = utc(2025, 1, 10, 0, 0);
        let e = &parse_listing(b"-rw-r--r-- 1 u g 5 Feb 29 13:45 f", Format::List, now)[0];
        assert_eq!(e.modified, Some(1_709_214_300));
    }

    #[test]
    fn parses_year_instead_of_time() {
        let e = one(b"-rw-r--r-- 1 u g 77 Mar 15  2021 archive.tar");
        assert_eq!(
            e,
            entry(b"archive.tar", Kind::File, Some(77), Some(1_615_766_400))
        );
    }

    #[test]
    fn keeps_entry_with_impossible_date() {
        let e = one(b"-rw-r--r-- 1 u g 77 Feb 30  2021 odd");
        assert_eq!(e, entry(b"odd", Kind::File, Some(77), None));
    }

    #[test]
    fn parses_german_month_names() {
        let text = "-rw-r--r-- 1 u g 1 Mär  3  2023 a\n\
                    -rw-r--r-- 1 u g 2 Okt 10  2022 b\n\
                    -rw-r--r-- 1 u g 3 Dez 24  2021 c\n\
                    -rw-r--r-- 1 u g 4 5. Mai  2022 d\n";
        let got: Vec<_> = list(text.as_bytes())
            .into_iter()
            .map(|e| e.modified)
            .collect();
        let want = [
            utc(2023, 3, 3, 0, 0),
            utc(2022, 10, 10, 0, 0),
            utc(2021, 12, 24, 0, 0),
            utc(2022, 5, 5, 0, 0),
        ];
        assert_eq!(got, want.map(Some));
        // The same month from a Latin-1 server.
        let e = one(b"-rw-r--r-- 1 u g 1 M\xe4r  3  2023 a");
        assert_eq!(e.modified, Some(utc(2023, 3, 3, 0, 0)));
    }

    #[test]
    fn parses_french_and_spanish_month_names() {
        let text = "-rw-r--r-- 1 u g 1 févr. 3  2023 a\n\
                    -rw-r--r-- 1 u g 2 août 10  2022 b\n\
                    -rw-r--r-- 1 u g 3 déc. 24  2021 c\n\
                    -rw-r--r-- 1 u g 4 ene 5  2022 d\n\
                    -rw-r--r-- 1 u g 5 ABR 6  2022 e\n";
        let got: Vec<_> = list(text.as_bytes())
            .into_iter()
            .map(|e| e.modified)
            .collect();
        let want = [
            utc(2023, 2, 3, 0, 0),
            utc(2022, 8, 10, 0, 0),
            utc(2021, 12, 24, 0, 0),
            utc(2022, 1, 5, 0, 0),
            utc(2022, 4, 6, 0, 0),
        ];
        assert_eq!(got, want.map(Some));
    }

    #[test]
    fn parses_day_before_month() {
        let e = one(b"-rw-r--r-- 1 u g 5 7 May 2022 x");
        assert_eq!(e, entry(b"x", Kind::File, Some(5), Some(1_651_881_600)));
    }

    #[test]
    fn parses_long_iso_dates() {
        let e = one(b"-rw-r--r-- 1 u g 5 2024-02-29 13:45 iso name");
        assert_eq!(
            e,
            entry(b"iso name", Kind::File, Some(5), Some(1_709_214_300))
        );
    }
}
