//! # Permission bits, as people see and type them
//!
//! `rw-r--r--` for the listing, `0644` for its title and the chmod form's
//! octal field, the strict reading of what was typed there, and the nine
//! checkboxes (owner, group, others × read, write, execute).

use super::error::{Error, Result};

/// Most digits accepted in the octal field (`7777`).
const MAX_DIGITS: usize = 4;

/// The checkboxes: their bit, who and what, in the order of `ls -l`.
pub const BOXES: [(u16, &str, &str); 9] = [
    (0o400, "Owner", "read"),
    (0o200, "Owner", "write"),
    (0o100, "Owner", "execute"),
    (0o040, "Group", "read"),
    (0o020, "Group", "write"),
    (0o010, "Group", "execute"),
    (0o004, "Others", "read"),
    (0o002, "Others", "write"),
    (0o001, "Others", "execute"),
];

/// The bits the boxes do not show: setuid, setgid, sticky.
pub const SPECIAL_BITS: u16 = 0o7000;

/// `0o644` → `0644`.
pub fn octal(mode: u16) -> String {
    format!("{mode:04o}")
}

/// `0o4755` → `rwsr-xr-x`, the way `ls -l` writes it.
pub fn letters(mode: u16) -> String {
    let mut out = String::with_capacity(9);
    for (who, special, letter) in [(6, 0o4000, 's'), (3, 0o2000, 's'), (0, 0o1000, 't')] {
        let bits = (mode >> who) & 7;
        out.push(if bits & 4 != 0 { 'r' } else { '-' });
        out.push(if bits & 2 != 0 { 'w' } else { '-' });
        out.push(match (bits & 1 != 0, mode & special != 0) {
            (true, true) => letter,
            (false, true) => letter.to_ascii_uppercase(),
            (true, false) => 'x',
            (false, false) => '-',
        });
    }
    out
}

/// A mode typed as octal: one to four digits 0–7 (`644`, `0644`, `4755`),
/// nothing else: no sign, no `0o`, no blanks inside, no `u+x`.
pub fn parse_octal(typed: &[u8]) -> Result<u16> {
    let typed = typed.trim_ascii();
    let bad = || {
        Error::BadRequest(format!(
            "“{}” is not a mode: type one to four octal digits (0–7), such as 644 or 0755",
            String::from_utf8_lossy(&typed[..typed.len().min(32)])
        ))
    };
    if typed.is_empty() || typed.len() > MAX_DIGITS {
        return Err(bad());
    }
    typed.iter().try_fold(0u16, |mode, &b| match b {
        b'0'..=b'7' => Ok(mode * 8 + u16::from(b - b'0')),
        _ => Err(bad()),
    })
}

/// The mode the ticked boxes say (each box sends its bit in octal, as
/// `bit=400`); an unknown value is refused rather than ignored.
pub fn from_boxes<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> Result<u16> {
    values.into_iter().try_fold(0u16, |mode, value| {
        let bit = parse_octal(value)?;
        if !BOXES.iter().any(|&(b, _, _)| b == bit) {
            return Err(Error::BadRequest(format!(
                "“{}” is not a permission box",
                String::from_utf8_lossy(value)
            )));
        }
        Ok(mode | bit)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_modes_as_ls_does() {
        assert_eq!(letters(0o644), "rw-r--r--");
        assert_eq!(letters(0o755), "rwxr-xr-x");
        assert_eq!(letters(0), "---------");
        assert_eq!(letters(0o4755), "rwsr-xr-x");
        assert_eq!(letters(0o2644), "rw-r-Sr--");
        assert_eq!(letters(0o1777), "rwxrwxrwt");
        assert_eq!(letters(0o1776), "rwxrwxrwT");
        assert_eq!(octal(0o644), "0644");
        assert_eq!(octal(crate::ftp::MAX_MODE), "7777");
    }

    #[test]
    fn reads_one_to_four_octal_digits_only() {
        assert_eq!(parse_octal(b"644").unwrap(), 0o644);
        assert_eq!(parse_octal(b"0644").unwrap(), 0o644);
        assert_eq!(parse_octal(b" 755 ").unwrap(), 0o755);
        assert_eq!(parse_octal(b"0").unwrap(), 0);
        assert_eq!(parse_octal(b"7777").unwrap(), crate::ftp::MAX_MODE);
        for bad in [
            &b""[..],
            b"   ",
            b"8",
            b"0648",
            b"07777",
            b"10000",
            b"+644",
            b"-1",
            b"0o644",
            b"u+x",
            b"6 4",
            b"\xe9",
        ] {
            assert!(parse_octal(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn boxes_add_up_and_unknown_ones_are_refused() {
        let ticked: [&[u8]; 4] = [b"400", b"200", b"40", b"4"];
        assert_eq!(from_boxes(ticked).unwrap(), 0o644);
        assert_eq!(from_boxes([]).unwrap(), 0);
        assert_eq!(
            from_boxes(BOXES.map(|(b, _, _)| octal(b)).iter().map(|s| s.as_bytes())).unwrap(),
            0o777
        );
        assert!(from_boxes([&b"4000"[..]]).is_err(), "setuid is not a box");
        assert!(from_boxes([&b"3"[..]]).is_err());
        assert!(from_boxes([&b"x"[..]]).is_err());
    }
}
