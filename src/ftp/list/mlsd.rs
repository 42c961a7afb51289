//! # MLSD lines
//!
//! RFC 3659 §7 machine listings (`fact=value;fact=value; name`): the facts
//! ftpgate shows and the name after the first space, kept byte for byte.

use super::mode;
use super::time::parse_time_val;
use super::words::parse_u64;
use super::{checked, Entry, Kind, Line};

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
    let (mut link, mut unix_mode) = (None, None);
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
            modified = parse_time_val(value);
        } else if key.eq_ignore_ascii_case(b"unix.mode") {
            unix_mode = mode::from_octal(value);
        } else if let Some(target) = link_fact(key, value) {
            link = Some(target);
        }
    }
    if kind == Kind::Dir {
        size = sizd.or(size);
    }
    // A link fact wins over `type`: servers that follow links for `type`
    // say `dir` for a link to a folder, and a walk must not go in.
    if let Some(target) = link {
        let told = match &kind {
            Kind::Symlink { target } => target.clone(),
            _ => None,
        };
        kind = Kind::Symlink {
            target: target.or(told),
        };
    }
    Line::Entry(checked(Entry {
        name: name.to_vec(),
        kind,
        size,
        modified,
        mode: unix_mode,
    }))
}

/// A fact that marks a link whatever `type` says: `UNIX.slink=/target`
/// (Pure-FTPd style, an empty value allowed) or `OS.unix=slink[:/target]`
/// written as a fact of its own. `Some(None)`: a link, target not told.
fn link_fact(key: &[u8], value: &[u8]) -> Option<Option<Vec<u8>>> {
    let told = |t: &[u8]| (!t.is_empty()).then(|| t.to_vec());
    if key.eq_ignore_ascii_case(b"unix.slink") {
        return Some(told(value));
    }
    if !key.eq_ignore_ascii_case(b"os.unix") {
        return None;
    }
    let lower = value.to_ascii_lowercase();
    let word = [&b"slink"[..], b"symlink"]
        .into_iter()
        .find(|w| lower.starts_with(w))?;
    match &value[word.len()..] {
        [] => Some(None),
        [b':', target @ ..] => Some(told(target)),
        _ => None,
    }
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

#[cfg(test)]
mod tests {
    use super::super::test_support::{entry, link, mlsd};
    use super::*;

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

    /// Pure-FTPd style: `type` follows the link, `UNIX.slink` tells the truth.
    #[test]
    fn parses_mlsd_dir_with_unix_slink_fact_as_a_link() {
        let got =
            mlsd(b"Type=dir;Modify=20240229134500;UNIX.mode=0777;UNIX.slink=/srv/victim; ln\r\n");
        assert_eq!(
            got,
            [entry(
                b"ln",
                link(b"/srv/victim"),
                None,
                Some(1_709_214_300)
            )]
        );
        let got = mlsd(b"type=file;size=3;unix.slink=; f");
        assert_eq!(got[0].kind, Kind::Symlink { target: None });
    }

    #[test]
    fn parses_mlsd_os_unix_slink_fact_whatever_the_type() {
        let got = mlsd(b"type=dir;OS.unix=slink:/srv/victim; ln\ntype=dir;os.unix=symlink; m\n");
        let kinds: Vec<_> = got.into_iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [link(b"/srv/victim"), Kind::Symlink { target: None }]
        );
        // Other `OS.unix` facts say nothing about links.
        assert_eq!(mlsd(b"type=dir;OS.unix=chr-4/64; d")[0].kind, Kind::Dir);
        // A type that already says link keeps its target.
        let got = mlsd(b"type=OS.unix=slink:/a;UNIX.slink=; l");
        assert_eq!(got[0].kind, link(b"/a"));
    }

    #[test]
    fn marks_mlsd_names_no_file_can_have_invalid() {
        let text = b"type=file; ../../../logout\ntype=dir; a/b\ntype=file; nul\0x\ntype=file; cr\rx\ntype=file; ok\\fine\n";
        let kinds: Vec<_> = mlsd(text).into_iter().map(|e| (e.name, e.kind)).collect();
        let want = [
            (b"../../../logout".to_vec(), Kind::Invalid),
            (b"a/b".to_vec(), Kind::Invalid),
            (b"nul\0x".to_vec(), Kind::Invalid),
            (b"cr\rx".to_vec(), Kind::Invalid),
            (b"ok\\fine".to_vec(), Kind::File),
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
}
