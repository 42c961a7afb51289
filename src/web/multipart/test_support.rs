//! # Test helpers
//!
//! Body builders, chunked readers and assertions that the multipart tests of
//! every file share.

use super::{Error, Multipart, PartHeaders};
use std::fmt;
use std::io::{self, Read};

pub(super) const B: &[u8] = b"----WebKitFormBoundaryx7MA4YWxkTrZu0gW";

/// Hands out the body in reads of at most `chunk` bytes.
pub(super) struct Chunked<'a> {
    pub(super) data: &'a [u8],
    pub(super) chunk: usize,
}

impl Read for Chunked<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.chunk.min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

pub(super) type Parts = Vec<(PartHeaders, Vec<u8>)>;

/// Reads every part: the body in `chunk`-byte reads, parts in `out`-byte reads.
pub(super) fn parse_with(
    body: &[u8],
    boundary: &[u8],
    chunk: usize,
    out: usize,
) -> Result<Parts, Error> {
    let mut form = Multipart::new(Chunked { data: body, chunk }, boundary);
    let mut parts = Vec::new();
    let mut buf = vec![0; out];
    while let Some(headers) = form.next_part()? {
        let mut data = Vec::new();
        loop {
            let n = form.part_reader().read(&mut buf)?;
            if n == 0 {
                break;
            }
            data.extend_from_slice(&buf[..n]);
        }
        parts.push((headers, data));
    }
    Ok(parts)
}

/// Parses with 1-byte, 7-byte and large reads, which must all agree.
pub(super) fn parse_b(body: &[u8], boundary: &[u8]) -> Result<Parts, Error> {
    let big = parse_with(body, boundary, 1 << 20, 256 * 1024);
    for (chunk, out) in [(1, 1), (7, 13), (1 << 20, 3)] {
        let other = parse_with(body, boundary, chunk, out);
        assert_eq!(
            format!("{other:?}"),
            format!("{big:?}"),
            "{chunk}-byte reads"
        );
    }
    big
}

pub(super) fn parse(body: &[u8]) -> Result<Parts, Error> {
    parse_b(body, B)
}

/// A body with boundary `B`: (header lines, data) per part.
pub(super) fn form(parts: &[(String, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (headers, data) in parts {
        body.extend_from_slice(&[b"--", B, b"\r\n", headers.as_bytes(), b"\r\n\r\n"].concat());
        body.extend_from_slice(&[data, &b"\r\n"[..]].concat());
    }
    body.extend_from_slice(&[b"--", B, b"--\r\n"].concat());
    body
}

pub(super) fn field(name: &str) -> String {
    format!("Content-Disposition: form-data; name=\"{name}\"")
}

pub(super) fn file(name: &str, filename: &str) -> String {
    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"")
}

pub(super) fn headers(
    name: &str,
    filename: Option<&[u8]>,
    content_type: Option<&str>,
) -> PartHeaders {
    PartHeaders {
        name: name.into(),
        filename: filename.map(<[u8]>::to_vec),
        content_type: content_type.map(str::to_string),
    }
}

/// Deterministic pseudo-random bytes (xorshift).
pub(super) fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect()
}

pub(super) fn assert_truncated<T: fmt::Debug>(r: Result<T, Error>) {
    assert!(matches!(r, Err(Error::Truncated)), "{r:?}");
}

pub(super) fn assert_malformed<T: fmt::Debug>(r: Result<T, Error>) {
    assert!(matches!(r, Err(Error::Malformed(_))), "{r:?}");
}
