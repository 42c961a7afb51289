//! # Directory listings
//!
//! Pure parsers for the three listing shapes servers send: MLSD (RFC 3659 §7),
//! Unix `ls -l` style LIST, and DOS/IIS style LIST. No I/O here; the clock is a
//! parameter so the six-month rule of `ls` is testable.

mod dos;
mod mlsd;
mod mode;
#[cfg(test)]
mod test_support;
mod time;
mod unix;
mod unix_date;
mod words;

pub use mlsd::parse_mlsd_line;
pub use mode::MAX_MODE;
pub use time::{days_from_civil, parse_time_val};

use dos::parse_dos;
use unix::{is_total_line, parse_unix, unix_type};
use words::Words;

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
    /// A name no real file can have ([`is_valid_name`] says no: `.`, `..`,
    /// or a `/`, NUL or CR in it), as the server sent it. Never to be
    /// linked to or acted on: `/download/../../logout` is not a file.
    Invalid,
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
    /// Permission bits (`0o644`), from LIST's mode word or MLSD's `UNIX.mode`.
    pub mode: Option<u16>,
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
    /// A line that names no entry to show: `total N`, MLSD `cdir`/`pdir`.
    /// (`.` and `..` are entries here; `parse_listing` drops them for every format.)
    Skip,
    /// A line of no shape this module knows.
    Unknown,
}

/// Whether `name` could name a real entry of a folder: not empty, not `.`
/// or `..`, and without `/`, NUL or CR (LF cannot reach here: it ends the
/// line). A name that fails is what a broken or hostile server sends to
/// make a link climb out of the folder.
pub fn is_valid_name(name: &[u8]) -> bool {
    !matches!(name, b"" | b"." | b"..") && !name.iter().any(|b| matches!(b, b'/' | 0 | b'\r'))
}

/// Marks an entry whose name fails [`is_valid_name`] as [`Kind::Invalid`].
/// `.` and `..` stay as they are: they are the listing's own dot entries,
/// which `parse_listing` drops.
fn checked(mut entry: Entry) -> Entry {
    if !matches!(&entry.name[..], b"." | b"..") && !is_valid_name(&entry.name) {
        entry.kind = Kind::Invalid;
    }
    entry
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
            // `.` and `..` name no entry whatever the format (an MLSD
            // `type=dir; .` too): a walk of the tree must never take them.
            Line::Entry(entry) if matches!(&entry.name[..], b"." | b"..") => {}
            Line::Entry(entry) => out.push(entry),
            Line::Skip => {}
            // Keep what we cannot read, so the user still sees that something is there.
            Line::Unknown => out.push(Entry {
                name: line.to_vec(),
                kind: Kind::Unknown,
                size: None,
                modified: None,
                mode: None,
            }),
        }
    }
    out
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
    parsed.map_or(Line::Unknown, |e| Line::Entry(checked(e)))
}

#[cfg(test)]
mod tests {
    use super::test_support::{entry, list, mlsd, one, NOW};
    use super::*;

    #[test]
    fn names_no_file_can_have_are_invalid() {
        for bad in [
            &b""[..],
            b".",
            b"..",
            b"a/b",
            b"/",
            b"../x",
            b"n\0",
            b"c\rr",
        ] {
            assert!(!is_valid_name(bad), "{bad:?}");
        }
        for good in [
            &b"..."[..],
            b". .",
            b" lead",
            b"a\\b",
            b"caf\xe9",
            b"-rf",
            b"a\tb",
        ] {
            assert!(is_valid_name(good), "{good:?}");
        }
    }

    /// IIS sample with a hostile name: DOS lines are checked like the rest.
    #[test]
    fn marks_dos_names_no_file_can_have_invalid() {
        let e = one(b"02-29-24  01:45PM       <DIR>          ..\\..\\x/y");
        assert_eq!(e.kind, Kind::Invalid);
    }

    #[test]
    fn skips_dot_names_in_mlsd_too() {
        let text = b"type=dir; .\r\ntype=dir; ..\r\ntype=file; a\r\n";
        let names: Vec<_> = parse_listing(text, Format::Mlsd, 0)
            .into_iter()
            .map(|e| e.name)
            .collect();
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
