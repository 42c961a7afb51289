//! # Unix `ls -l` lines
//!
//! The mode word, the `total` line and the name (with a symlink's target);
//! finding and reading the date columns is `unix_date`'s part.

use super::mode;
use super::unix_date::find_unix_date;
use super::words::{parse_u64, Words};
use super::{Entry, Kind};

/// `total 42` (or German `insgesamt 42`, or `total 12K` from `ls -h`).
pub(super) fn is_total_line(words: &Words) -> bool {
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
pub(super) fn unix_type(mode: &[u8]) -> Option<u8> {
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

pub(super) fn parse_unix(words: &Words, type_char: u8, now: i64) -> Option<Entry> {
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
            // Not at the very start: a name must be left before the arrow
            // (fuzzing found `13:45  ->  -> x`, once an entry with no name).
            let arrow = name
                .windows(4)
                .skip(1)
                .position(|w| w == b" -> ")
                .map(|at| at + 1);
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
        mode: words.get(0).and_then(mode::from_ls),
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{entry, link, list, mlsd, one, utc};
    use super::super::Kind;

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
        // macOS (BSD) `ls` prints a time for six months either side of now:
        // seen on March 1st, Aug 15 is 167 days ahead, not 199 days back.
        assert_eq!(
            e,
            entry(
                b"notes.txt",
                Kind::File,
                Some(1024),
                Some(utc(2024, 8, 15, 16, 2))
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
    fn parses_symlink_with_arrow() {
        let e = one(b"lrwxrwxrwx 1 u g 13 Feb 29 13:45 my link -> ../target dir");
        assert_eq!(e.name, b"my link");
        assert_eq!(e.kind, link(b"../target dir"));
        let e = one(b"lrwxrwxrwx 1 u g 13 Feb 29 13:45 bare link");
        assert_eq!(e.name, b"bare link");
        assert_eq!(e.kind, Kind::Symlink { target: None });
    }

    #[test]
    fn a_link_whose_name_begins_with_the_arrow_keeps_a_name() {
        let e = one(b"lrwxrwxrwx 1 u g 9 Feb 29 13:45  ->  -> music.mp3");
        assert_eq!(e.name, b" -> ");
        assert_eq!(
            e.kind,
            Kind::Symlink {
                target: Some(b"music.mp3".to_vec())
            }
        );
        let e = one(b"lrwxrwxrwx 1 u g 9 Feb 29 13:45  -> ");
        assert!(!e.name.is_empty());
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
    fn parses_pureftpd_widened_columns() {
        let e = one(b"-rw-r--r--    1 ftpuser    ftpgroup           1048576 Feb 29 13:45 big.bin");
        assert_eq!(
            e,
            entry(b"big.bin", Kind::File, Some(1_048_576), Some(1_709_214_300))
        );
    }

    #[test]
    fn marks_unix_names_no_file_can_have_invalid() {
        let text = b"-rw-r--r-- 1 u g 5 Feb 29 13:45 ../../../logout\n\
                     drwxr-xr-x 2 u g 5 Feb 29 13:45 a/b\n\
                     lrwxrwxrwx 1 u g 5 Feb 29 13:45 x/y -> /etc\n\
                     -rw-r--r-- 1 u g 5 Feb 29 13:45 cr\rname\n\
                     -rw-r--r-- 1 u g 5 Feb 29 13:45 . .\n";
        let got: Vec<_> = list(text).into_iter().map(|e| (e.name, e.kind)).collect();
        let want = [
            (b"../../../logout".to_vec(), Kind::Invalid),
            (b"a/b".to_vec(), Kind::Invalid),
            (b"x/y".to_vec(), Kind::Invalid),
            (b"cr\rname".to_vec(), Kind::Invalid),
            (b". .".to_vec(), Kind::File),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn parses_busybox_line() {
        let e = one(b"drwxr-xr-x    2 0        0             160 Feb 29 13:45 usb\tdisk");
        assert_eq!(
            e,
            entry(b"usb\tdisk", Kind::Dir, Some(160), Some(1_709_214_300))
        );
    }
}
