//! # Fuzz entry points
//!
//! The `cargo fuzz` targets in `fuzz/` link ftpgate as an ordinary crate and
//! see only its public API. These functions let them reach the internal
//! parsers without making the real modules public: each takes the fuzzer's
//! bytes, drives one parser over them, and asserts what must hold for any
//! input. A panic here is a bug in the parser (or in an invariant). Not an
//! API: hidden from the docs, and free to change with the parsers.

use crate::ftp::list::{days_from_civil, Line};
use crate::ftp::list::{parse_list_line, parse_listing, parse_mlsd_line, Entry, Format, Kind};
use crate::ftp::reply::{read_reply, Reply, MAX_LINE_BYTES, MAX_REPLY_LINES};
use crate::web::multipart::{self, Multipart, PartHeaders, MAX_BOUNDARY_BYTES, MAX_PARTS};
use std::collections::HashSet;
use std::io::{self, BufRead, BufReader, Cursor, Read};

/// Feeds `data` to the HTTP head scanner in pieces (the first byte picks
/// their size), then parses what it found: the scanner must agree with
/// itself however the bytes arrive, never pass a head over the caps, and a
/// parsed head must hold only what the caps and RFC 9112 allow.
pub fn http_head(data: &[u8]) {
    use crate::http::{Framing, Head, Scanner, MAX_HEAD, MAX_HEADERS};
    let whole = Scanner::default().scan(data);
    let step = 1 + usize::from(data.first().copied().unwrap_or(0) % 97);
    let mut scanner = Scanner::default();
    let mut pieces = Ok(None);
    for end in (step..data.len() + step).step_by(step) {
        pieces = scanner.scan(&data[..end.min(data.len())]);
        if !matches!(pieces, Ok(None)) {
            break;
        }
    }
    assert_eq!(whole, pieces, "the scanner depends on how the head arrives");
    let Ok(Some(end)) = whole else { return };
    assert!(end <= data.len() && end <= MAX_HEAD);
    let skip = Scanner::leading_blank(&data[..end]);
    let Ok(head) = Head::parse(&data[skip..end]) else {
        return;
    };
    assert!(head.headers.len() <= MAX_HEADERS);
    assert!(head.target.bytes().all(|b| b.is_ascii_graphic()));
    assert!(head.target.starts_with('/') || head.target == "*");
    assert!(head.minor <= 1);
    let te = head
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding"));
    let cl = head
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-length"));
    assert!(!(te && cl), "both framings accepted");
    if head.framing == Framing::Chunked {
        assert!(te && head.minor == 1);
    }
    assert!(head
        .headers
        .iter()
        .all(|(_, v)| !v.contains(&0) && !v.contains(&b'\n')));
}

/// Decodes `data` as a chunked body (and, with the first byte odd, as a
/// `Content-Length` body of the second byte's length): never more body than
/// input, and the same result however large the reads.
pub fn http_body(data: &[u8]) {
    use crate::http::{decode_body, Framing};
    let framing = match data.first() {
        Some(b) if b % 2 == 1 => Framing::Length(u64::from(data.get(1).copied().unwrap_or(0))),
        _ => Framing::Chunked,
    };
    let input = data.get(2..).unwrap_or_default();
    if let Ok(body) = decode_body(input, framing) {
        assert!(body.len() <= input.len(), "more body than input");
        if let Framing::Length(n) = framing {
            assert_eq!(body.len() as u64, n);
        }
    }
}

/// The clock of the listing target: 2024-03-01 00:00:00 UTC.
const NOW: i64 = 1_709_251_200;

/// A boundary as Chromium sends it, for inputs that do not bring their own.
const FIXED_BOUNDARY: &[u8] = b"----WebKitFormBoundaryx7MA4YWxkTrZu0gW";

/// Feeds `data` to the FTP reply reader as the control connection's bytes and
/// reads replies until an error or EOF, once from a `Cursor` (whole lines per
/// `fill_buf`) and once through a small `BufReader` whose capacity the first
/// byte picks (lines split across reads); both must read the same replies.
pub fn ftp_reply(data: &[u8]) {
    let whole = read_replies(Cursor::new(data), data.len());
    let capacity = 1 + usize::from(data.first().copied().unwrap_or(0) % 64);
    let pieces = read_replies(BufReader::with_capacity(capacity, data), data.len());
    assert_eq!(whole, pieces, "replies depend on how the stream is split");
}

/// Every reply up to the first error, and that error (`None` never: the
/// stream always ends in one, `Closed` at the latest).
fn read_replies<R: BufRead>(mut stream: R, input_len: usize) -> (Vec<Reply>, String) {
    let mut replies: Vec<Reply> = Vec::new();
    let mut line_bytes = 0;
    loop {
        match read_reply(&mut stream) {
            Ok(reply) => {
                check_reply(&reply);
                line_bytes += reply.lines.iter().map(|l| l.len() + 1).sum::<usize>();
                // Each line takes at least its LF from the stream, so the reader
                // always makes progress and never invents bytes.
                assert!(line_bytes <= input_len, "replies longer than the input");
                replies.push(reply);
            }
            Err(e) => return (replies, format!("{e:?}")),
        }
    }
}

fn check_reply(reply: &Reply) {
    assert!((100..=599).contains(&reply.code), "code {}", reply.code);
    assert!(!reply.lines.is_empty() && reply.lines.len() <= MAX_REPLY_LINES);
    let code = reply.code.to_string();
    assert!(reply.lines[0].starts_with(code.as_bytes()));
    for line in &reply.lines {
        assert!(line.len() < MAX_LINE_BYTES, "line over the cap");
        assert!(!line.contains(&b'\n') && !line.contains(&0), "{line:?}");
    }
    if reply.lines.len() > 1 {
        let last = reply.lines.last().map(Vec::as_slice).unwrap_or_default();
        let ends = last == code.as_bytes() || last.starts_with(format!("{code} ").as_bytes());
        assert!(ends, "multi-line reply ends without its code");
    }
    assert!(!reply.text().chars().any(char::is_control));
    assert!(reply.first_line_text().len() <= reply.lines[0].len());
}

/// Parses `data` as a whole listing (LIST and MLSD) with a fixed clock, and
/// each of its lines with the LIST (Unix or DOS/IIS) and the MLSD line parser.
pub fn ftp_listing(data: &[u8]) {
    let lines: Vec<&[u8]> = data
        .split(|&b| b == b'\n')
        .map(|raw| raw.strip_suffix(b"\r").unwrap_or(raw))
        .collect();
    let line_set: HashSet<&[u8]> = lines.iter().copied().collect();
    for format in [Format::List, Format::Mlsd] {
        let entries = parse_listing(data, format, NOW);
        assert!(entries.len() <= lines.len(), "more entries than lines");
        for entry in &entries {
            check_entry(entry, data);
            let dot = matches!(&entry.name[..], b"." | b"..");
            assert!(!dot || entry.kind == Kind::Unknown, "a dot entry is kept");
            if entry.kind == Kind::Unknown {
                assert!(line_set.contains(&entry.name[..]), "unknown is not a line");
            }
        }
    }
    for line in lines {
        if let Line::Entry(entry) = parse_list_line(line, NOW) {
            check_entry(&entry, line);
            assert!(entry.kind != Kind::Unknown);
            assert!(
                list_name_is_tail(&entry, line),
                "name is not the line's tail"
            );
        }
        if let Line::Entry(entry) = parse_mlsd_line(line) {
            check_entry(&entry, line);
            assert!(line.ends_with(&entry.name), "name is not the line's tail");
        }
    }
}

/// What holds for an entry of any shape parsed out of `input`.
fn check_entry(entry: &Entry, input: &[u8]) {
    assert!(!entry.name.is_empty(), "empty name");
    assert!(
        entry.name.len() <= input.len(),
        "name longer than the input"
    );
    assert!(!entry.name.contains(&b'\n'), "name spans lines");
    if let Kind::Symlink { target: Some(t) } = &entry.kind {
        assert!(!t.is_empty() && t.len() < input.len(), "bad symlink target");
    }
    // Every format writes at most a four-digit year; the six-month rule may
    // add one to 9999.
    let earliest = days_from_civil(0, 1, 1) * 86_400;
    let latest = days_from_civil(10_001, 1, 1) * 86_400;
    if let Some(t) = entry.modified {
        assert!((earliest..latest).contains(&t), "time {t} out of range");
    }
}

/// A LIST name is the rest of its line, less a symlink's ` -> target`.
fn list_name_is_tail(entry: &Entry, line: &[u8]) -> bool {
    let arrow = |target: &[u8]| [&entry.name[..], b" -> ", target].concat();
    match &entry.kind {
        Kind::Symlink { target: Some(t) } => line.ends_with(&arrow(t)),
        Kind::Symlink { target: None } => {
            line.ends_with(&entry.name) || line.ends_with(&arrow(b""))
        }
        // An invalid name may have been a link's, its target cut off.
        Kind::Invalid => {
            line.ends_with(&entry.name)
                || line.windows(entry.name.len() + 4).any(|w| w == arrow(b""))
        }
        _ => line.ends_with(&entry.name),
    }
}

/// Reads `data` as a `multipart/form-data` body through a reader that hands it
/// out in uneven pieces, and again in one piece: both must agree.
///
/// Layout: `[mode, pieces, out]`, then the body. `mode & 3` picks the
/// boundary: 0 a fixed one, 1 the raw bytes of the body's first line, 2 the
/// first line as a `Content-Type` value for [`multipart::boundary`]. `mode & 4`
/// reads parts with `read_field` instead of a part reader. `pieces` seeds the
/// read sizes (and an `Interrupted` now and then), `out` sizes the output buffer.
pub fn multipart(data: &[u8]) {
    let [mode, pieces, out, rest @ ..] = data else {
        return;
    };
    let Some((boundary, body)) = choose_boundary(*mode, rest) else {
        return;
    };
    let how = Reading {
        fields: mode & 4 != 0,
        out: 1 + usize::from(*out) * 37,
    };
    let limit = [1, 2, 7, 64, 4096, 1 << 20][usize::from(pieces % 6)];
    let uneven = Uneven {
        data: body,
        seed: u64::from(*pieces),
        limit,
        interrupt: pieces & 0x80 != 0,
    };
    let got = read_form(Multipart::new(uneven, &boundary), &how);
    let whole = read_form(Multipart::new(body, &boundary), &how);
    assert_eq!(got, whole, "the parts depend on how the body is split");
    let out_bytes: usize = got.0.iter().map(|(_, data)| data.len()).sum();
    assert!(out_bytes <= body.len(), "more part bytes than body bytes");
    assert!(got.0.len() <= MAX_PARTS);
    let delimiter = [b"\r\n--", &boundary[..]].concat();
    for (_, data) in &got.0 {
        let inside = data.windows(delimiter.len()).any(|w| w == delimiter);
        assert!(!inside, "a part's data holds its delimiter");
    }
}

/// The boundary and the body, per `mode` (see [`multipart`]).
fn choose_boundary(mode: u8, rest: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    let (first, body) = match rest.iter().position(|&b| b == b'\n') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    match mode & 3 {
        1 => Some((
            first[..first.len().min(MAX_BOUNDARY_BYTES + 1)].to_vec(),
            body,
        )),
        2 => {
            let boundary = multipart::boundary(std::str::from_utf8(first).ok()?).ok()?;
            assert!((1..=MAX_BOUNDARY_BYTES).contains(&boundary.len()));
            assert!(boundary.iter().all(|&b| b == b' ' || b.is_ascii_graphic()));
            Some((boundary, body))
        }
        _ => Some((FIXED_BOUNDARY.to_vec(), rest)),
    }
}

/// How the parts are read out.
struct Reading {
    /// `read_field` (capped at `out`) instead of a part reader.
    fields: bool,
    /// Bytes per part-reader read, and the field cap.
    out: usize,
}

/// The parts read and how reading ended (`Ok`, or the error's `Debug`).
type Form = (Vec<(PartHeaders, Vec<u8>)>, String);

fn read_form<R: Read>(mut form: Multipart<R>, how: &Reading) -> Form {
    let mut parts = Vec::new();
    let end = loop {
        let headers = match form.next_part() {
            Ok(Some(headers)) => headers,
            Ok(None) => {
                assert!(matches!(form.next_part(), Ok(None)), "read past the end");
                break "Ok".to_string();
            }
            Err(e) => {
                // A body cut short or garbled never turns into a clean end.
                assert!(form.next_part().is_err(), "clean end after {e:?}");
                break format!("{e:?}");
            }
        };
        match read_part(&mut form, how) {
            Ok(data) => parts.push((headers, data)),
            Err(e) => break format!("{e:?}"),
        }
    };
    (parts, end)
}

fn read_part<R: Read>(form: &mut Multipart<R>, how: &Reading) -> Result<Vec<u8>, multipart::Error> {
    if how.fields {
        return form.read_field(how.out);
    }
    let mut data = Vec::new();
    let mut buf = vec![0; how.out];
    loop {
        match form.part_reader().read(&mut buf)? {
            0 => return Ok(data),
            n => data.extend_from_slice(&buf[..n]),
        }
    }
}

/// Hands out a body in pieces of 1..=`limit` bytes from a seeded sequence,
/// with `Interrupted` errors now and then when `interrupt` is set, as a slow
/// socket would.
struct Uneven<'a> {
    data: &'a [u8],
    seed: u64,
    limit: usize,
    interrupt: bool,
}

impl Read for Uneven<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        // Zero bytes read means EOF: a reader that asked for none would
        // mistake a live body for a cut one.
        assert!(!out.is_empty(), "the multipart reader asked for no bytes");
        self.seed = self
            .seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let roll = usize::try_from(self.seed >> 40).unwrap_or(0);
        if self.interrupt && roll % 5 == 0 {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = (1 + roll % self.limit).min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inputs that have broken parsers like these before: empty, cut, caps,
    /// NUL, CR without LF, huge numbers, and non-UTF-8.
    fn hostile() -> Vec<Vec<u8>> {
        let mut inputs: Vec<Vec<u8>> = [
            &b""[..],
            b"\n",
            b"\r\r\n\0",
            b"220-a\r\n220 b\r\n221",
            b"999 x\r\n",
            b"-rw-r--r-- 1 u g 99999999999999999999 Feb 29 13:45 a -> \n",
            b"lrwxrwxrwx 1 u g 1 Jan 1 9999 l ->  -> x\r\n.\r\n..\n",
            b"02-29-24  01:45PM  <DIR>  \r\n99-99-9999 99:99PM 1 \xff",
            b"type=OS.unix=slink:;modify=99999999999999.; \n",
        ]
        .map(<[u8]>::to_vec)
        .to_vec();
        let mut long = b"220-".to_vec();
        long.resize(MAX_LINE_BYTES + 1, b'a');
        inputs.push(long);
        inputs.push(b"250-\r\n".repeat(MAX_REPLY_LINES + 1));
        inputs.push([b"\0\x03\x05", FIXED_BOUNDARY, b"\r\n"].concat());
        let body = [
            b"--",
            FIXED_BOUNDARY,
            b"\r\nContent-Disposition: form-data; name=\"f\"; filename*=UTF-8''%zz\r\n\r\n",
            b"x\r\n--",
            FIXED_BOUNDARY,
            b"--\r\n",
        ]
        .concat();
        for head in [&b"\x00\x00\x00"[..], b"\x04\x81\x01", b"\x01\x85\x00"] {
            inputs.push([head, &body].concat());
        }
        inputs.push(b"\x02\x03\x10multipart/form-data; boundary=\"a b\"\n--a b--".to_vec());
        inputs.push(b"\x01\x02\x00\n--\r\n--".to_vec());
        inputs
    }

    #[test]
    fn entry_points_survive_hostile_inputs() {
        for input in hostile() {
            for cut in [input.len(), input.len() / 2, 1] {
                let input = &input[..cut.min(input.len())];
                ftp_reply(input);
                ftp_listing(input);
                multipart(input);
                http_head(input);
                http_body(input);
            }
        }
    }

    #[test]
    fn multipart_entry_reads_a_valid_form() {
        let form = (
            vec![(
                PartHeaders {
                    name: "csrf".into(),
                    filename: None,
                    content_type: None,
                },
                b"tok".to_vec(),
            )],
            "Ok".to_string(),
        );
        let body = [
            b"--",
            FIXED_BOUNDARY,
            b"\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n--",
            FIXED_BOUNDARY,
            b"--\r\n",
        ]
        .concat();
        let uneven = Uneven {
            data: &body,
            seed: 3,
            limit: 2,
            interrupt: true,
        };
        let how = Reading {
            fields: false,
            out: 1,
        };
        assert_eq!(
            read_form(Multipart::new(uneven, FIXED_BOUNDARY), &how),
            form
        );
        multipart(&[b"\x00\x83\x00", &body[..]].concat());
    }
}
