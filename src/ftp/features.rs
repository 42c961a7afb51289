//! # Features
//!
//! What the server said it offers in its FEAT reply (RFC 2389). The client
//! asks once after login and chooses MLSD, UTF8 and SIZE by it; MDTM and
//! REST are simply tried (REST's refusal is an error the caller sees).
//! An MLST line that offers `UNIX.mode` without turning it on (pyftpdlib:
//! `unix.mode;` without the `*`) gives the `OPTS MLST` that turns it on.

use super::reply::Reply;

/// What the server offered in its FEAT reply (RFC 2389).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    /// FEAT itself answered; when false the flags below are guesses (all off).
    pub feat: bool,
    /// MLST/MLSD (RFC 3659 §7).
    pub mlsd: bool,
    /// UTF8 (RFC 2640): we then send `OPTS UTF8 ON`.
    pub utf8: bool,
    /// SIZE (RFC 3659 §4).
    pub size: bool,
    /// The facts for `OPTS MLST` (RFC 3659 §7.9): those already on, plus
    /// `UNIX.mode` when the server offers it switched off.
    pub(super) mlst_opts: Option<Vec<u8>>,
}

/// Most facts read from the MLST line, and the longest fact name kept:
/// a reply is capped, but a hostile one must not grow the OPTS line.
const MAX_FACTS: usize = 32;
const MAX_FACT_BYTES: usize = 32;

/// The `OPTS MLST` facts for an MLST feature line's facts (`type*;unix.mode;`),
/// when `unix.mode` is offered but off.
fn mlst_opts(facts: &[u8]) -> Option<Vec<u8>> {
    let mut on = Vec::new();
    let mut mode_off = false;
    for fact in facts
        .split(|&b| b == b';')
        .filter(|f| !f.is_empty())
        .take(MAX_FACTS)
    {
        let (name, enabled) = match fact.strip_suffix(b"*") {
            Some(name) => (name, true),
            None => (fact, false),
        };
        let plain = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_');
        if name.is_empty() || name.len() > MAX_FACT_BYTES || !name.iter().all(plain) {
            continue;
        }
        if name.eq_ignore_ascii_case(b"unix.mode") {
            mode_off = !enabled;
        }
        if enabled || name.eq_ignore_ascii_case(b"unix.mode") {
            on.extend_from_slice(name);
            on.push(b';');
        }
    }
    mode_off.then_some(on)
}

impl Features {
    /// Reads the feature lines of a 211 reply.
    pub(super) fn from_reply(reply: &Reply) -> Features {
        let mut f = Features {
            feat: true,
            ..Features::default()
        };
        // Feature lines start with a space; the first and last lines carry the code.
        for line in reply.lines.iter().skip(1) {
            let word = line
                .split(|b| b.is_ascii_whitespace())
                .find(|w| !w.is_empty());
            match word.map(|w| w.to_ascii_uppercase()).as_deref() {
                Some(b"MLST") => {
                    f.mlsd = true;
                    let facts = line.trim_ascii().get(4..).unwrap_or_default();
                    f.mlst_opts = mlst_opts(facts.trim_ascii());
                }
                Some(b"MLSD") => f.mlsd = true,
                Some(b"UTF8") => f.utf8 = true,
                Some(b"SIZE") => f.size = true,
                _ => {}
            }
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(lines: &[&str]) -> Reply {
        Reply {
            code: 211,
            lines: lines.iter().map(|l| l.as_bytes().to_vec()).collect(),
        }
    }

    #[test]
    fn parses_vsftpd_feat() {
        let f = Features::from_reply(&reply(&[
            "211-Features:",
            " EPRT",
            " MDTM",
            " PASV",
            " REST STREAM",
            " SIZE",
            " TVFS",
            " UTF8",
            "211 End",
        ]));
        assert!(f.feat && f.size && f.utf8 && !f.mlsd);
    }

    #[test]
    fn parses_pyftpdlib_mlst_with_facts() {
        let f = Features::from_reply(&reply(&[
            "211-Features supported:",
            " MLST type*;perm;size*;modify*;",
            "211 End FEAT.",
        ]));
        assert!(f.mlsd && !f.size);
        assert_eq!(f.mlst_opts, None, "no UNIX.mode offered");
    }

    #[test]
    fn turns_on_pyftpdlib_unix_mode_keeping_the_facts_that_are_on() {
        let f = Features::from_reply(&reply(&[
            "211-Features supported:",
            " MLST type*;perm*;size*;modify*;unique*;unix.mode;unix.uid;unix.gid;",
            "211 End FEAT.",
        ]));
        assert_eq!(
            f.mlst_opts.as_deref(),
            Some(&b"type;perm;size;modify;unique;unix.mode;"[..])
        );
        // Already on (ProFTPD), or junk in the fact list: nothing to ask.
        assert_eq!(mlst_opts(b"type*;size*;UNIX.mode*;"), None);
        assert_eq!(mlst_opts(b"type*;unix.mode\r\nDELE x;"), None);
        assert_eq!(
            mlst_opts(b"type*;bad fact*;unix.mode;").as_deref(),
            Some(&b"type;unix.mode;"[..])
        );
    }
}
