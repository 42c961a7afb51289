//! # Display formats
//!
//! Sizes and times as people read them ("1.5 MiB", "3 minutes ago"), with
//! the exact forms that go in `title` attributes and JSON.

use crate::ftp::days_from_civil;

/// "512 B", "1.5 KiB", "3.2 GiB".
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    // In integers, rounding half to even as `{:.1}` does: no float
    // formatting code in the binary for this one use.
    let mut unit = 0;
    let mut scale: u128 = 1;
    while u128::from(bytes) >= scale * 1024 && unit < UNITS.len() - 1 {
        scale *= 1024;
        unit += 1;
    }
    let bytes = u128::from(bytes);
    if bytes < 10 * scale {
        let tenths = div_round_even(bytes * 10, scale);
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    } else {
        format!("{} {}", div_round_even(bytes, scale), UNITS[unit])
    }
}

/// `n / d`, a tie going to the even quotient.
fn div_round_even(n: u128, d: u128) -> u128 {
    let (q, r) = (n / d, n % d);
    if 2 * r > d || (2 * r == d && q % 2 == 1) {
        q + 1
    } else {
        q
    }
}

/// "1 234 567 bytes" for the title of a size.
pub fn exact_size(bytes: u64) -> String {
    let digits = bytes.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out} bytes")
}

/// Unix seconds → (year, month, day, hour, minute, second), UTC.
fn civil(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    // Years 0..=9999 only: keeps the year search short whatever a server sends.
    let secs = secs.clamp(-62_167_219_200, 253_402_300_799);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Inverse of days_from_civil: find the year, then the day of the year.
    // The first guess must not be past the year: 366-day years going
    // forward, 365-day years going back.
    let mut year = 1970 + days.div_euclid(if days < 0 { 365 } else { 366 });
    while days_from_civil(year + 1, 1, 1) <= days {
        year += 1;
    }
    let mut month = 1;
    while month < 12 && days_from_civil(year, month + 1, 1) <= days {
        month += 1;
    }
    let day = (days - days_from_civil(year, month, 1) + 1) as u32;
    (
        year,
        month,
        day,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
    )
}

/// "2026-11-28 14:03" (UTC).
pub fn short_time(secs: i64) -> String {
    let (y, mo, d, h, mi, _) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}")
}

/// "2026-11-28T14:03:00Z".
pub fn iso_time(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// "1 file", "12 folders", "0 transfers": counts in messages and log lines
/// read as sentences.
pub fn count(n: usize, what: &str) -> String {
    match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    }
}

/// "3 files and 2 folders", leaving out a kind there is none of ("1 file",
/// "2 folders"; "0 files" when there is nothing at all).
pub fn contents(files: usize, folders: usize) -> String {
    match (files, folders) {
        (_, 0) => count(files, "file"),
        (0, _) => count(folders, "folder"),
        _ => format!("{} and {}", count(files, "file"), count(folders, "folder")),
    }
}

/// "just now", "3 minutes ago", "yesterday", "12 days ago"; older (and
/// future: a server clock ahead of ours) times as the date, "2025-03-14".
/// `now` is a parameter so tests fix the clock.
pub fn relative_time(secs: i64, now: i64) -> String {
    const MINUTE: i64 = 60;
    const HOUR: i64 = 60 * MINUTE;
    const DAY: i64 = 24 * HOUR;
    let ago = now.saturating_sub(secs);
    let plural = |n: i64, unit: &str| match n {
        1 => format!("1 {unit} ago"),
        n => format!("{n} {unit}s ago"),
    };
    if (-MINUTE..MINUTE).contains(&ago) {
        // A minute of clock skew between ftpgate and the server still reads well.
        "just now".into()
    } else if (MINUTE..HOUR).contains(&ago) {
        plural(ago / MINUTE, "minute")
    } else if (HOUR..DAY).contains(&ago) {
        plural(ago / HOUR, "hour")
    } else if (DAY..2 * DAY).contains(&ago) {
        "yesterday".into()
    } else if (2 * DAY..=30 * DAY).contains(&ago) {
        plural(ago / DAY, "day")
    } else {
        short_time(secs)[..10].to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(5 * 1024 * 1024 * 1024), "5.0 GiB");
        assert_eq!(human_size(300 * 1024 * 1024), "300 MiB");
        // The same words the float formatting gave, at and around every
        // rounding edge of the first units.
        let float = |bytes: u64| {
            let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
            let (mut value, mut unit) = (bytes as f64, 0);
            while value >= 1024.0 && unit < units.len() - 1 {
                value /= 1024.0;
                unit += 1;
            }
            match (unit, value < 10.0) {
                (0, _) => format!("{bytes} B"),
                (_, true) => format!("{value:.1} {}", units[unit]),
                (_, false) => format!("{value:.0} {}", units[unit]),
            }
        };
        for base in [1024u64, 10 * 1024, 1024 * 1024, 10 * 1024 * 1024, 1 << 40] {
            for step in [1u64, 51, 52, 102, 103, 512, 1000] {
                for bytes in [
                    base,
                    base + step,
                    base - step,
                    base * 3 + step,
                    base * 1023 + step,
                ] {
                    assert_eq!(human_size(bytes), float(bytes), "{bytes}");
                }
            }
        }
        assert_eq!(human_size(u64::MAX), float(u64::MAX));
        assert_eq!(exact_size(1234567), "1,234,567 bytes");
        assert_eq!(exact_size(12), "12 bytes");
    }

    #[test]
    fn times_are_utc() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_time(1_709_214_300), "2024-02-29T13:45:00Z");
        assert_eq!(short_time(1_709_214_300), "2024-02-29 13:45");
        assert_eq!(iso_time(-1), "1969-12-31T23:59:59Z");
        assert_eq!(iso_time(4_102_444_800), "2100-01-01T00:00:00Z");
    }

    #[test]
    fn counts_read_as_words() {
        assert_eq!(count(1, "request"), "1 request");
        assert_eq!(count(0, "transfer"), "0 transfers");
        assert_eq!(count(2, "FTP session"), "2 FTP sessions");
        assert_eq!(contents(3, 0), "3 files");
        assert_eq!(contents(0, 1), "1 folder");
        assert_eq!(contents(1, 2), "1 file and 2 folders");
        assert_eq!(contents(0, 0), "0 files");
    }

    #[test]
    fn relative_times_read_as_words() {
        let now = 1_709_214_300; // 2024-02-29 13:45 UTC
        assert_eq!(relative_time(now, now), "just now");
        assert_eq!(relative_time(now + 30, now), "just now");
        assert_eq!(relative_time(now - 59, now), "just now");
        assert_eq!(relative_time(now - 60, now), "1 minute ago");
        assert_eq!(relative_time(now - 3 * 60 - 5, now), "3 minutes ago");
        assert_eq!(relative_time(now - 3600, now), "1 hour ago");
        assert_eq!(relative_time(now - 5 * 3600, now), "5 hours ago");
        assert_eq!(relative_time(now - 86_400, now), "yesterday");
        assert_eq!(relative_time(now - 2 * 86_400, now), "2 days ago");
        assert_eq!(relative_time(now - 30 * 86_400, now), "30 days ago");
        assert_eq!(relative_time(now - 31 * 86_400, now), "2024-01-29");
        assert_eq!(relative_time(now + 3600, now), "2024-02-29");
        assert_eq!(relative_time(i64::MIN, now), "0000-01-01");
    }
}
