//! # Permission bits
//!
//! The mode a listing tells: the nine `rwx` letters of an `ls -l` mode word
//! (with `s`/`S`/`t`/`T` for setuid, setgid and sticky) or the octal MLSD
//! `UNIX.mode` fact (RFC 3659 §7.7 leaves it to the server; ProFTPD,
//! Pure-FTPd and pyftpdlib send `0644`). Either becomes the same `u16`.

/// The highest mode there is: setuid, setgid, sticky and `rwxrwxrwx`.
pub const MAX_MODE: u16 = 0o7777;

/// Most digits accepted in `UNIX.mode` (`0644`; a few servers pad to six).
const MAX_OCTAL_DIGITS: usize = 6;

/// The mode of an `ls -l` mode word such as `-rwsr-xr-T+`, when its nine
/// permission letters are all where they belong.
pub(super) fn from_ls(word: &[u8]) -> Option<u16> {
    let perms = word.get(1..10)?;
    let (mut bits, mut special) = (0u16, 0u16);
    // Owner, group, others: read, write, then execute or its special
    // letter (lower case: the special bit and x; upper case: without x).
    for (i, triple) in perms.chunks(3).enumerate() {
        let (letter, flag) = if i == 2 {
            (b't', 0o1000)
        } else {
            (b's', 0o4000 >> i)
        };
        bits <<= 3;
        bits |= match triple[0] {
            b'r' => 4,
            b'-' => 0,
            _ => return None,
        };
        bits |= match triple[1] {
            b'w' => 2,
            b'-' => 0,
            _ => return None,
        };
        let x = triple[2];
        if x == b'x' || x == letter {
            bits |= 1;
        } else if x != b'-' && x != letter.to_ascii_uppercase() {
            return None;
        }
        if x.eq_ignore_ascii_case(&letter) {
            special |= flag;
        }
    }
    Some(special | bits)
}

/// The mode in a `UNIX.mode` value: octal digits only, at most
/// [`MAX_OCTAL_DIGITS`] of them, no more than [`MAX_MODE`]. pyftpdlib 2
/// writes Python's `0o755`: that prefix is taken too.
pub(super) fn from_octal(value: &[u8]) -> Option<u16> {
    let value = match value {
        [b'0', b'o' | b'O', digits @ ..] => digits,
        _ => value,
    };
    if value.is_empty() || value.len() > MAX_OCTAL_DIGITS {
        return None;
    }
    let mut mode = 0u32;
    for &b in value {
        if !(b'0'..=b'7').contains(&b) {
            return None;
        }
        mode = mode * 8 + u32::from(b - b'0');
    }
    u16::try_from(mode).ok().filter(|&m| m <= MAX_MODE)
}

#[cfg(test)]
mod tests {
    use super::super::{parse_listing, Format};
    use super::*;

    #[test]
    fn reads_the_nine_letters_of_a_vsftpd_mode_word() {
        assert_eq!(from_ls(b"-rw-r--r--"), Some(0o644));
        assert_eq!(from_ls(b"drwxr-xr-x"), Some(0o755));
        assert_eq!(from_ls(b"----------"), Some(0));
        assert_eq!(from_ls(b"-rwxrwxrwx"), Some(0o777));
    }

    #[test]
    fn reads_setuid_setgid_and_sticky_letters() {
        assert_eq!(from_ls(b"-rwsr-xr-x"), Some(0o4755));
        assert_eq!(from_ls(b"-rwSr--r--"), Some(0o4644));
        assert_eq!(from_ls(b"drwxr-sr-x"), Some(0o2755));
        assert_eq!(from_ls(b"drwxrwxrwt"), Some(0o1777));
        assert_eq!(from_ls(b"drwxrwxrwT"), Some(0o1776));
        assert_eq!(from_ls(b"drwxr-xr-x+"), Some(0o755), "ACL marker");
    }

    #[test]
    fn refuses_letters_out_of_place() {
        for bad in [
            &b"-rw-r--r"[..],
            b"-wr-r--r--",
            b"-rwtr--r--",
            b"-rw-r--r-s",
            b"-rw-r--r-?",
        ] {
            assert_eq!(from_ls(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn reads_octal_unix_mode_facts() {
        assert_eq!(from_octal(b"0644"), Some(0o644));
        assert_eq!(from_octal(b"755"), Some(0o755));
        assert_eq!(from_octal(b"7777"), Some(MAX_MODE));
        assert_eq!(from_octal(b"000644"), Some(0o644));
        assert_eq!(from_octal(b"0"), Some(0));
    }

    #[test]
    fn reads_pyftpdlib_python_octal() {
        assert_eq!(from_octal(b"0o755"), Some(0o755));
        assert_eq!(from_octal(b"0o4755"), Some(0o4755));
        assert_eq!(from_octal(b"0o"), None);
        assert_eq!(from_octal(b"0o0o7"), None);
    }

    #[test]
    fn refuses_octal_facts_out_of_range_or_not_octal() {
        for bad in [
            &b""[..],
            b"10000",
            b"0648",
            b"+644",
            b" 644",
            b"0x1a4",
            b"0000644",
            b"99999999999",
        ] {
            assert_eq!(from_octal(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn listings_carry_the_mode_from_list_and_mlsd() {
        let list = parse_listing(
            b"-rw-r--r--    1 ftp      ftp          5120 Feb 29 13:45 report.pdf\r\n\
              02-29-24  01:45PM                 1024 iis.txt\r\n",
            Format::List,
            0,
        );
        assert_eq!(list[0].mode, Some(0o644));
        assert_eq!(list[1].mode, None, "DOS listings have no mode");
        let mlsd = parse_listing(
            b"type=file;size=1;UNIX.mode=0640; a\r\ntype=file;unix.mode=0999; b\r\ntype=file; c\r\n",
            Format::Mlsd,
            0,
        );
        let modes: Vec<_> = mlsd.iter().map(|e| e.mode).collect();
        assert_eq!(modes, [Some(0o640), None, None]);
    }
}
