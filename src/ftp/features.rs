//! # Features
//!
//! What the server said it offers in its FEAT reply (RFC 2389). The client
//! asks once after login and chooses MLSD, UTF8 and SIZE by it; MDTM and
//! REST are simply tried (REST's refusal is an error the caller sees).

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
                Some(b"MLST") | Some(b"MLSD") => f.mlsd = true,
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
    }
}
