//! # Directory listings
//!
//! Pure parsers for the three listing shapes servers send: MLSD (RFC 3659 §7),
//! Unix `ls -l` style LIST, and DOS/IIS style LIST. No I/O here; the clock is a
//! parameter so the six-month rule of `ls` is testable.

/// What kind of thing a directory entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    /// A symbolic link; the target when the server told it.
    Symlink {
        target: Option<Vec<u8>>,
    },
    /// A device, socket, pipe or anything else that is neither file nor dir.
    Other,
    /// A line no parser understood; `Entry::name` holds the raw line.
    Unknown,
}

/// One entry of a directory listing. Names are raw bytes: servers may send
/// Latin-1 or other non-UTF-8 names, and those must round-trip unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: Vec<u8>,
    pub kind: Kind,
    pub size: Option<u64>,
    /// Modification time in seconds since the Unix epoch (UTC as far as the server says).
    pub modified: Option<i64>,
}

/// Which listing command produced the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 3659 MLSD facts.
    Mlsd,
    /// Classic LIST: Unix `ls -l` or DOS/IIS, detected per line.
    List,
}

/// What one listing line turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A directory entry.
    Entry(Entry),
    /// A line that names no entry to show: `total N`, `.`, `..`, MLSD `cdir`/`pdir`.
    Skip,
    /// A line of no shape this module knows.
    Unknown,
}

/// Parses a whole listing. `now` (Unix seconds) resolves Unix dates without a year.
pub fn parse_listing(text: &[u8], format: Format, now: i64) -> Vec<Entry> {
    let mut out = Vec::new();
    for raw in text.split(|&b| b == b'\n') {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let parsed = match format {
            Format::Mlsd => parse_mlsd_line(line),
            Format::List => parse_list_line(line, now),
        };
        match parsed {
            Line::Entry(entry) => out.push(entry),
            Line::Skip => {}
            // Keep what we cannot read, so the user still sees that something is there.
            Line::Unknown => out.push(Entry {
                name: line.to_vec(),
                kind: Kind::Unknown,
                size: None,
                modified: None,
            }),
        }
    }
    out
}

/// Parses one MLSD line (`fact=value;fact=value; name`, no line ending).
/// The facts end at the first space; everything after that one space is the name.
pub fn parse_mlsd_line(line: &[u8]) -> Line {
    let Some(space) = line.iter().position(|&b| b == b' ') else {
        return Line::Unknown;
    };
    let (facts, name) = (&line[..space], &line[space + 1..]);
    if name.is_empty() {
        return Line::Unknown;
    }
    let (mut kind, mut size, mut sizd, mut modified) = (Kind::File, None, None, None);
    for fact in facts.split(|&b| b == b';').filter(|f| !f.is_empty()) {
        // Split on the first `=` only: `type=OS.unix=slink:/x` keeps its value whole.
        let Some(eq) = fact.iter().position(|&b| b == b'=').filter(|&eq| eq > 0) else {
            return Line::Unknown;
        };
        let (key, value) = (&fact[..eq], &fact[eq + 1..]);
        if key.eq_ignore_ascii_case(b"type") {
            match mlsd_type(value) {
                Some(k) => kind = k,
                None => return Line::Skip,
            }
        } else if key.eq_ignore_ascii_case(b"size") {
            size = parse_u64(value);
        } else if key.eq_ignore_ascii_case(b"sizd") {
            sizd = parse_u64(value);
        } else if key.eq_ignore_ascii_case(b"modify") {
            modified = parse_mlsd_time(value);
        }
    }
    if kind == Kind::Dir {
        size = sizd.or(size);
    }
    Line::Entry(Entry {
        name: name.to_vec(),
        kind,
        size,
        modified,
    })
}

/// Maps an MLSD `type` value to a kind; `None` for `cdir`/`pdir`, which are skipped.
fn mlsd_type(value: &[u8]) -> Option<Kind> {
    let lower = value.to_ascii_lowercase();
    let kind = match lower.as_slice() {
        b"file" => Kind::File,
        b"dir" => Kind::Dir,
        b"cdir" | b"pdir" => return None,
        _ => {
            let link = [&b"os.unix=slink"[..], b"os.unix=symlink"]
                .into_iter()
                .find(|p| lower.starts_with(p));
            // The target keeps its case, so slice the original value.
            match link.map(|p| &value[p.len()..]) {
                Some([]) | Some([b':']) => Kind::Symlink { target: None },
                Some([b':', target @ ..]) => Kind::Symlink {
                    target: Some(target.to_vec()),
                },
                _ => Kind::Other,
            }
        }
    };
    Some(kind)
}

/// `YYYYMMDDHHMMSS` with an optional `.sss` fraction, which is dropped.
fn parse_mlsd_time(value: &[u8]) -> Option<i64> {
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

/// Parses one LIST line (no line ending): Unix `ls -l` or DOS/IIS, whichever fits.
pub fn parse_list_line(line: &[u8], now: i64) -> Line {
    let words = Words::new(line);
    if is_total_line(&words) {
        return Line::Skip;
    }
    let parsed = match words.get(0).and_then(unix_type) {
        Some(type_char) => parse_unix(&words, type_char, now),
        None => parse_dos(&words),
    };
    match parsed {
        Some(e) if e.name == b"." || e.name == b".." => Line::Skip,
        Some(e) => Line::Entry(e),
        None => Line::Unknown,
    }
}

/// The blank-separated words of a line, with their positions kept so the
/// name can be cut from the original bytes, spaces and all.
struct Words<'a> {
    line: &'a [u8],
    spans: Vec<(usize, usize)>,
}

impl<'a> Words<'a> {
    fn new(line: &'a [u8]) -> Self {
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

    fn get(&self, i: usize) -> Option<&'a [u8]> {
        self.spans.get(i).map(|&(s, e)| &self.line[s..e])
    }

    fn count(&self) -> usize {
        self.spans.len()
    }

    /// Everything after word `i` and exactly one blank.
    fn after_one_blank(&self, i: usize) -> &'a [u8] {
        let end = self.spans.get(i).map_or(self.line.len(), |&(_, e)| e);
        self.line.get(end + 1..).unwrap_or_default()
    }

    /// Everything from word `i` on (all blanks before it dropped).
    fn rest_from(&self, i: usize) -> &'a [u8] {
        self.spans.get(i).map_or(&[], |&(s, _)| &self.line[s..])
    }
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `total 42` (or German `insgesamt 42`, or `total 12K` from `ls -h`).
fn is_total_line(words: &Words) -> bool {
    let first = words.get(0).unwrap_or_default();
    let starts_digit = words
        .get(1)
        .and_then(<[u8]>::first)
        .is_some_and(u8::is_ascii_digit);
    words.count() == 2
        && starts_digit
        && (first.eq_ignore_ascii_case(b"total") || first.eq_ignore_ascii_case(b"insgesamt"))
}

/// The type letter of an `ls -l` mode word such as `drwxr-sr-t+`.
fn unix_type(mode: &[u8]) -> Option<u8> {
    let (&type_char, rest) = mode.split_first()?;
    // ACL (`+`), extended attribute (`@`) or SELinux context (`.`) markers.
    let perms = match rest {
        [p @ .., b'+' | b'@' | b'.'] if p.len() == 9 => p,
        p => p,
    };
    let ok = b"-dlbcps".contains(&type_char)
        && perms.len() == 9
        && perms.iter().all(|b| b"rwxsStT-".contains(b));
    ok.then_some(type_char)
}

fn parse_unix(words: &Words, type_char: u8, now: i64) -> Option<Entry> {
    let date = find_unix_date(words, now)?;
    let mut name = words.after_one_blank(date.last);
    if name.is_empty() {
        return None;
    }
    let size_word = words.get(date.size_at).unwrap_or_default();
    let (kind, size) = match type_char {
        b'd' => (Kind::Dir, parse_u64(size_word)),
        b'-' => (Kind::File, parse_u64(size_word)),
        b'l' => {
            let arrow = name.windows(4).position(|w| w == b" -> ");
            let target = arrow
                .map(|at| name[at + 4..].to_vec())
                .filter(|t| !t.is_empty());
            name = arrow.map_or(name, |at| &name[..at]);
            (Kind::Symlink { target }, parse_u64(size_word))
        }
        // Devices show `major, minor` where the size goes; no size is meaningful.
        _ => (Kind::Other, None),
    };
    Some(Entry {
        name: name.to_vec(),
        kind,
        size,
        modified: date.modified,
    })
}

/// Where the date of an `ls -l` line sits: the size word index and the index
/// of the last date word, after which the name starts.
struct UnixDate {
    size_at: usize,
    last: usize,
    modified: Option<i64>,
}

/// Scans for `Mon DD HH:MM|YYYY`, `DD Mon HH:MM|YYYY` or `YYYY-MM-DD HH:MM`
/// preceded by a size, so the number of owner/group/link columns does not matter.
fn find_unix_date(words: &Words, now: i64) -> Option<UnixDate> {
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

/// How far ahead of `now` a yearless date may lie and still count as this year.
/// `ls` prints a time only for dates in the past six months, so anything
/// ahead is clock skew or time zone; a week covers that generously.
const FUTURE_SLACK: i64 = 7 * 86_400;

/// Picks the latest year that puts a yearless `ls` date no later than now plus
/// slack. Looking back a few years lets Feb 29 find a leap year.
fn resolve_year(now: i64, month: u32, day: u32, h: u32, m: u32, s: u32) -> Option<i64> {
    let limit = now.saturating_add(FUTURE_SLACK);
    let year = year_of(now);
    (year - 8..=year + 1)
        .rev()
        .filter_map(|y| timestamp(y, month, day, h, m, s))
        .find(|&t| t <= limit)
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

/// `H:MM`, `HH:MM` or `HH:MM:SS`. Range checks happen in `timestamp`.
fn clock(word: &[u8]) -> Option<(u32, u32, u32)> {
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

fn parse_dos(words: &Words) -> Option<Entry> {
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

/// Decimal digits only (no sign, no blanks) into a `u64`; `None` on overflow.
fn parse_u64(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |acc, &b| {
        let digit = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        acc.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// A short decimal field (date parts) as `u32`.
fn num(digits: &[u8]) -> Option<u32> {
    parse_u64(digits).and_then(|n| u32::try_from(n).ok())
}

/// Unix seconds for a UTC date and time, or `None` if any field is out of range.
fn timestamp(year: i64, month: u32, day: u32, h: u32, m: u32, s: u32) -> Option<i64> {
    let valid = (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && h < 24
        && m < 60
        && s <= 60; // RFC 3659 allows a leap second
    let secs = i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s);
    let days = days_from_civil(year, month, day);
    valid.then(|| days.checked_mul(86_400)?.checked_add(secs))?
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
    use super::*;

    /// 2024-03-01 00:00:00 UTC, the clock for most tests.
    const NOW: i64 = 1_709_251_200;

    fn utc(y: i64, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
        timestamp(y, mo, d, h, mi, 0).expect("valid test date")
    }

    fn list(text: &[u8]) -> Vec<Entry> {
        parse_listing(text, Format::List, NOW)
    }

    fn one(text: &[u8]) -> Entry {
        let mut entries = list(text);
        assert_eq!(entries.len(), 1, "{entries:?}");
        entries.remove(0)
    }

    fn mlsd(text: &[u8]) -> Vec<Entry> {
        parse_listing(text, Format::Mlsd, NOW)
    }

    fn entry(name: &[u8], kind: Kind, size: Option<u64>, modified: Option<i64>) -> Entry {
        Entry {
            name: name.to_vec(),
            kind,
            size,
            modified,
        }
    }

    fn link(target: &[u8]) -> Kind {
        Kind::Symlink {
            target: Some(target.to_vec()),
        }
    }

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
    fn parses_vsftpd_file_line() {
        let e = one(b"-rw-r--r--    1 ftp      ftp          5120 Feb 29 13:45 report.pdf\r\n");
        assert_eq!(
            e,
            entry(b"report.pdf", Kind::File, Some(5120), Some(1_709_214_300))
        );
    }

    #[test]
    fn parses_vsftpd_symlink_line() {
        let e =
            one(b"lrwxrwxrwx    1 ftp      ftp            11 Jan 05 09:07 current -> releases/v2");
        let when = Some(utc(2024, 1, 5, 9, 7));
        assert_eq!(e, entry(b"current", link(b"releases/v2"), Some(11), when));
    }

    #[test]
    fn parses_proftpd_line_with_acl_plus() {
        let e = one(b"drwxr-xr-x+   3 alice    staff        4096 Oct  5  2023 shared");
        assert_eq!(
            e,
            entry(
                b"shared",
                Kind::Dir,
                Some(4096),
                Some(utc(2023, 10, 5, 0, 0))
            )
        );
    }

    #[test]
    fn parses_macos_line_with_at() {
        let e = one(b"-rw-r--r--@  1 bob  staff  1024 Aug 15 16:02 notes.txt");
        // August is after March 1st, so under the six-month rule it is last year.
        assert_eq!(
            e,
            entry(
                b"notes.txt",
                Kind::File,
                Some(1024),
                Some(utc(2023, 8, 15, 16, 2))
            )
        );
    }

    #[test]
    fn parses_selinux_dot_marker() {
        let e = one(b"-rw-r--r--. 1 root root 0 Feb  1 08:00 policy.conf");
        assert_eq!(
            e,
            entry(
                b"policy.conf",
                Kind::File,
                Some(0),
                Some(utc(2024, 2, 1, 8, 0))
            )
        );
    }

    #[test]
    fn parses_libunftp_lines() {
        let text = b"-rw-r--r--            1         1000         1000           5120 Feb 29 13:45 report.pdf\r\n\
                     drwxr-xr-x            2            0            0           4096  Jun 30 2019 old\r\n";
        let want = [
            entry(b"report.pdf", Kind::File, Some(5120), Some(1_709_214_300)),
            entry(b"old", Kind::Dir, Some(4096), Some(utc(2019, 6, 30, 0, 0))),
        ];
        assert_eq!(list(text), want);
        let got = mlsd(b"type=file;size=5120;modify=20240229134500;unix.uid=1000;unix.gid=1000; report.pdf\r\n");
        assert_eq!(got, want[..1]);
    }

    #[test]
    fn parses_line_without_group() {
        let e = one(b"-rw-r--r-- 1 owner 1234 Jan 01 12:00 name");
        assert_eq!(
            e,
            entry(
                b"name",
                Kind::File,
                Some(1234),
                Some(utc(2024, 1, 1, 12, 0))
            )
        );
    }

    #[test]
    fn parses_line_with_only_mode_and_size() {
        let e = one(b"-rw-r--r-- 99 Jan 01 2020 bare");
        assert_eq!(
            e,
            entry(b"bare", Kind::File, Some(99), Some(utc(2020, 1, 1, 0, 0)))
        );
    }

    #[test]
    fn parses_numeric_ids() {
        let e = one(b"-rw-rw-r--   1 1001     100            42 Dec 31  1999 old.txt");
        assert_eq!(
            e,
            entry(b"old.txt", Kind::File, Some(42), Some(946_598_400))
        );
    }

    #[test]
    fn parses_owner_named_like_a_month() {
        let e = one(b"-rw-r--r-- 1 may 12 7 Feb 20 10:00 x");
        assert_eq!(
            e,
            entry(b"x", Kind::File, Some(7), Some(utc(2024, 2, 20, 10, 0)))
        );
    }

    #[test]
    fn parses_setuid_sticky_letters() {
        let text = b"-rwsr-Sr-T 1 u g 1 Jan  1  2020 a\n\
                     drwxrwxrwt 9 u g 2 Jan  1  2020 tmp\n\
                     ---S--S--t 1 u g 3 Jan  1  2020 odd\n";
        let got: Vec<_> = list(text).into_iter().map(|e| (e.name, e.kind)).collect();
        let want = [
            (b"a".to_vec(), Kind::File),
            (b"tmp".to_vec(), Kind::Dir),
            (b"odd".to_vec(), Kind::File),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn parses_device_file_size_column() {
        let text = b"crw-rw----   1 root  dialout   4,  64 Feb 10 08:00 ttyS0\n\
                     brw-rw----   1 root  disk      8,0 Feb 10 08:00 sda\n\
                     crw-rw-rw-   1 root  tty       5,   0 Feb 10 08:00 tty\n\
                     prw-r--r--   1 root  root      0 Feb 10 08:00 fifo\n\
                     srwxrwxrwx   1 root  root      0 Feb 10 08:00 sock\n";
        let when = Some(utc(2024, 2, 10, 8, 0));
        let want: Vec<_> = [&b"ttyS0"[..], b"sda", b"tty", b"fifo", b"sock"]
            .iter()
            .map(|n| entry(n, Kind::Other, None, when))
            .collect();
        assert_eq!(list(text), want);
    }

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
    fn parses_symlink_with_arrow() {
        let e = one(b"lrwxrwxrwx 1 u g 13 Feb 29 13:45 my link -> ../target dir");
        assert_eq!(e.name, b"my link");
        assert_eq!(e.kind, link(b"../target dir"));
        let e = one(b"lrwxrwxrwx 1 u g 13 Feb 29 13:45 bare link");
        assert_eq!(e.name, b"bare link");
        assert_eq!(e.kind, Kind::Symlink { target: None });
    }

    #[test]
    fn keeps_leading_spaces_in_unix_name() {
        let e = one(b"-rw-r--r-- 1 u g 5 Jan  1 12:00  lead");
        assert_eq!(e.name, b" lead");
        let e = one(b"-rw-r--r-- 1 u g 5 Jan  1  2020   two");
        assert_eq!(e.name, b"  two");
    }

    #[test]
    fn parses_names_with_spaces() {
        let e = one(b"-rw-r--r-- 1 u g 5 Jan  1 12:00 my  file Jan 1 12:00.txt \r\n");
        assert_eq!(e.name, b"my  file Jan 1 12:00.txt ");
        assert_eq!(e.modified, Some(utc(2024, 1, 1, 12, 0)));
    }

    #[test]
    fn parses_size_over_4gib() {
        let e = one(b"-rw-r--r-- 1 u g 5368709120 Feb 29 13:45 disk.img");
        assert_eq!(e.size, Some(5_368_709_120));
    }

    #[test]
    fn skips_total_line() {
        let text = b"total 24\r\n-rw-r--r-- 1 u g 5 Feb 29 13:45 a\r\ninsgesamt 8\r\ntotal 12K\r\n";
        let names: Vec<_> = list(text).into_iter().map(|e| e.name).collect();
        assert_eq!(names, [b"a".to_vec()]);
    }

    #[test]
    fn skips_dot_entries() {
        let text = b"drwxr-xr-x 2 u g 4096 Feb 29 13:45 .\n\
                     drwxr-xr-x 9 u g 4096 Feb 29 13:45 ..\n\
                     drwxr-xr-x 2 u g 4096 Feb 29 13:45 ...\n";
        let names: Vec<_> = list(text).into_iter().map(|e| e.name).collect();
        assert_eq!(names, [b"...".to_vec()]);
    }

    #[test]
    fn parses_pureftpd_widened_columns() {
        let e = one(b"-rw-r--r--    1 ftpuser    ftpgroup           1048576 Feb 29 13:45 big.bin");
        assert_eq!(
            e,
            entry(b"big.bin", Kind::File, Some(1_048_576), Some(1_709_214_300))
        );
    }

    #[test]
    fn parses_busybox_line() {
        let e = one(b"drwxr-xr-x    2 0        0             160 Feb 29 13:45 usb\tdisk");
        assert_eq!(
            e,
            entry(b"usb\tdisk", Kind::Dir, Some(160), Some(1_709_214_300))
        );
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

    #[test]
    fn parses_mlsd_facts_case_insensitive() {
        let got = mlsd(b"Type=FILE;SIZE=1;Modify=20240229134500;UNIX.mode=0644; a.txt\r\n");
        assert_eq!(
            got,
            [entry(b"a.txt", Kind::File, Some(1), Some(1_709_214_300))]
        );
    }

    #[test]
    fn keeps_extra_spaces_in_mlsd_name() {
        let got = mlsd(b"type=file;size=3;   lead and trail ");
        assert_eq!(got[0].name, b"  lead and trail ");
    }

    #[test]
    fn skips_mlsd_cdir_pdir() {
        let text = b"type=cdir;modify=20240229134500; /home/u\r\n\
                     type=pdir;modify=20240229134500; ..\r\n\
                     type=dir;sizd=12;size=4096;modify=20240229134500; docs\r\n";
        assert_eq!(
            mlsd(text),
            [entry(b"docs", Kind::Dir, Some(12), Some(1_709_214_300))]
        );
    }

    #[test]
    fn parses_mlsd_unix_slink_target() {
        let got = mlsd(b"type=OS.unix=slink:/Var/Log;size=9; logs");
        assert_eq!(got, [entry(b"logs", link(b"/Var/Log"), Some(9), None)]);
    }

    #[test]
    fn parses_mlsd_other_types() {
        let text = b"type=OS.unix=symlink; l\ntype=os.unix=slink; m\ntype=OS.unix=blk-8/0; sda\ntype=weird; w\nsize=5; notype\n";
        let kinds: Vec<_> = mlsd(text).into_iter().map(|e| (e.name, e.kind)).collect();
        let none = Kind::Symlink { target: None };
        let want = [
            (b"l".to_vec(), none.clone()),
            (b"m".to_vec(), none),
            (b"sda".to_vec(), Kind::Other),
            (b"w".to_vec(), Kind::Other),
            (b"notype".to_vec(), Kind::File),
        ];
        assert_eq!(kinds, want);
    }

    #[test]
    fn parses_mlsd_value_with_equals() {
        let got = mlsd(b"type=file;unique=a=b==;x.attr=k=v;size=9; f");
        assert_eq!(got, [entry(b"f", Kind::File, Some(9), None)]);
    }

    #[test]
    fn parses_mlsd_name_with_semicolon() {
        let got = mlsd(b"type=file;size=1; a;b; c=d");
        assert_eq!(got[0].name, b"a;b; c=d");
        // No facts at all is allowed by the RFC grammar.
        assert_eq!(mlsd(b" bare")[0], entry(b"bare", Kind::File, None, None));
    }

    #[test]
    fn parses_mlsd_modify_with_fraction() {
        let got = mlsd(b"modify=20240229134500.123;size=5368709120; big");
        assert_eq!(
            got,
            [entry(
                b"big",
                Kind::File,
                Some(5_368_709_120),
                Some(1_709_214_300)
            )]
        );
    }

    #[test]
    fn keeps_mlsd_entry_with_bad_numbers() {
        let text = b"type=file;size=12x;modify=2024022913450; a\n\
                     type=file;size=99999999999999999999;modify=20240230000000; b\n\
                     type=file;modify=20240229134500.; c\n";
        let got: Vec<_> = mlsd(text)
            .into_iter()
            .map(|e| (e.kind, e.size, e.modified))
            .collect();
        assert_eq!(got, vec![(Kind::File, None, None); 3]);
    }

    #[test]
    fn keeps_unknown_line_as_raw_entry() {
        let text = b"this is not a listing\r\ndrwxr-xr-x garbage\n";
        let want = [
            entry(b"this is not a listing", Kind::Unknown, None, None),
            entry(b"drwxr-xr-x garbage", Kind::Unknown, None, None),
        ];
        assert_eq!(list(text), want);
        let want = [
            entry(b"nospace", Kind::Unknown, None, None),
            entry(
                b"-rw-r--r-- 1 u g 5 Feb 29 13:45 x",
                Kind::Unknown,
                None,
                None,
            ),
        ];
        assert_eq!(mlsd(b"nospace\n-rw-r--r-- 1 u g 5 Feb 29 13:45 x\n"), want);
    }

    #[test]
    fn keeps_latin1_name_bytes() {
        let e = one(b"-rw-r--r-- 1 u g 5 Feb 29 13:45 caf\xe9 \xff\xfe.txt");
        assert_eq!(e.name, b"caf\xe9 \xff\xfe.txt");
        assert_eq!(mlsd(b"type=file; r\xe9sum\xe9")[0].name, b"r\xe9sum\xe9");
        assert_eq!(one(b"02-29-24 01:45PM 7 \xc0\xc1").name, b"\xc0\xc1");
    }

    #[test]
    fn skips_blank_lines_and_handles_mixed_endings() {
        let text = b"\r\n\n-rw-r--r-- 1 u g 1 Feb 29 13:45 a\n   \r\n02-29-24 01:45PM 2 b\r\n";
        let names: Vec<_> = list(text).into_iter().map(|e| e.name).collect();
        assert_eq!(names, [b"a".to_vec(), b"b".to_vec()]);
    }

    /// Cheap deterministic byte generator, so the garbage is the same every run.
    fn noise(seed: &mut u64) -> u8 {
        *seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let alphabet = b" \t\r:;=-,.+@0123456789drwxlspbcJanFebMr<DIR>PM\xe4\xff";
        alphabet[usize::from((*seed >> 33) as u8) % alphabet.len()]
    }

    #[test]
    fn no_panic_on_garbage() {
        let samples: [&[u8]; 8] = [
            b"-rw-r--r-- 1 u g 5368709120 Feb 29 13:45 a -> b",
            b"crw-rw---- 1 root tty 4,  64 Feb 10 08:00 tty",
            b"-rw-r--r-- 1 u g 99999999999999999999999999 Jan 99 99:99 x",
            b"-rw-r--r-- 1 u g 1 Jan 31 9999 x",
            b"02-29-24  01:45PM       <DIR>          Reports",
            b"99-99-9999 99:99PM 99999999999999999999999 x",
            b"type=OS.unix=slink:;size=99999999999999999999999;modify=99999999999999.; n",
            b"modify=00000000000000;sizd=-1;=;type=; x",
        ];
        let clocks = [i64::MIN, -1, 0, NOW, i64::MAX];
        for sample in samples {
            for cut in 0..=sample.len() {
                for now in clocks {
                    parse_listing(&sample[..cut], Format::List, now);
                    parse_listing(&sample[..cut], Format::Mlsd, now);
                }
            }
        }
        let mut seed = 7;
        for len in 0..400 {
            let line: Vec<u8> = (0..len).map(|_| noise(&mut seed)).collect();
            for now in clocks {
                parse_listing(&line, Format::List, now);
                parse_listing(&line, Format::Mlsd, now);
            }
        }
        let huge = [b'9'; 10_000];
        assert_eq!(list(&huge)[0].kind, Kind::Unknown);
        assert_eq!(mlsd(&huge)[0].kind, Kind::Unknown);
    }
}
