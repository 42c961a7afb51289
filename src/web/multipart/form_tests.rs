//! # Well-formed bodies
//!
//! End-to-end reads of bodies as browsers send them, including the awkward
//! but valid corners: lookalike delimiters, padding, big and binary parts.

use super::test_support::{field, file, form, headers, noise, parse, parse_b, Chunked, B};
use super::{Multipart, BUFFER_BYTES};
use std::io::{self, Read};

#[test]
fn two_fields_and_two_files() {
    let all: Vec<u8> = (0..=255).collect();
    let body = form(&[
        (field("csrf"), b"abc123"),
        (field("overwrite"), b"1"),
        (
            file("file", "a.txt") + "\r\nContent-Type: text/plain",
            b"hello\r\nworld\r\n",
        ),
        (
            file("file", "b.bin") + "\r\nContent-Type: application/octet-stream",
            &all,
        ),
    ]);
    let parts = parse(&body).unwrap();
    assert_eq!(parts.len(), 4);
    assert_eq!(parts[0], (headers("csrf", None, None), b"abc123".to_vec()));
    assert_eq!(parts[1], (headers("overwrite", None, None), b"1".to_vec()));
    let a = headers("file", Some(b"a.txt"), Some("text/plain"));
    assert_eq!(parts[2], (a, b"hello\r\nworld\r\n".to_vec()));
    let b = headers("file", Some(b"b.bin"), Some("application/octet-stream"));
    assert_eq!(parts[3], (b, all));
}

#[test]
fn chrome_style_body() {
    let ct = "multipart/form-data; boundary=----WebKitFormBoundaryx7MA4YWxkTrZu0gW";
    let boundary = super::boundary(ct).unwrap();
    assert_eq!(boundary, B);
    let body = b"------WebKitFormBoundaryx7MA4YWxkTrZu0gW\r\n\
        Content-Disposition: form-data; name=\"csrf\"\r\n\r\n\
        tok\r\n\
        ------WebKitFormBoundaryx7MA4YWxkTrZu0gW\r\n\
        Content-Disposition: form-data; name=\"file\"; filename=\"say %22hi%22%0D%0A.txt\"\r\n\
        Content-Type: text/plain\r\n\r\n\
        hi\r\n\
        ------WebKitFormBoundaryx7MA4YWxkTrZu0gW\r\n\
        Content-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\
        Content-Type: application/octet-stream\r\n\r\n\
        \r\n\
        ------WebKitFormBoundaryx7MA4YWxkTrZu0gW--\r\n";
    let parts = parse_b(body, &boundary).unwrap();
    assert_eq!(parts[0], (headers("csrf", None, None), b"tok".to_vec()));
    let hi = headers("file", Some(b"say %22hi%22%0D%0A.txt"), Some("text/plain"));
    assert_eq!(parts[1], (hi, b"hi".to_vec()));
    let empty = headers("file", Some(b""), Some("application/octet-stream"));
    assert_eq!(parts[2], (empty, vec![]));
    assert_eq!(parts.len(), 3);
}

#[test]
fn firefox_style_body() {
    let ct = "multipart/form-data; boundary=---------------------------735323031399963166993862150";
    let boundary = super::boundary(ct).unwrap();
    let body = b"-----------------------------735323031399963166993862150\r\n\
        content-disposition: form-data; name=\"overwrite\"\r\n\r\n\
        on\r\n\
        -----------------------------735323031399963166993862150\r\n\
        CONTENT-DISPOSITION: FORM-DATA; NAME=\"upload\"; FILENAME=\"old \\\"quoted\\\".txt\"\r\n\
        content-type: text/plain;charset=UTF-8\r\n\r\n\
        -----------------------------735323031399963166993862150 is not here\r\n\
        -----------------------------735323031399963166993862150--";
    let parts = parse_b(body, &boundary).unwrap();
    assert_eq!(parts[0], (headers("overwrite", None, None), b"on".to_vec()));
    let h = headers(
        "upload",
        Some(b"old \"quoted\".txt"),
        Some("text/plain;charset=UTF-8"),
    );
    let data = b"-----------------------------735323031399963166993862150 is not here";
    assert_eq!(parts[1], (h, data.to_vec()));
}

#[test]
fn preamble_epilogue_and_transport_padding() {
    let mut body = b"This is the preamble.\r\n--".to_vec();
    body.extend_from_slice(&[&B[..10], b"\r\n--", B, b" \t \r\n"].concat());
    body.extend_from_slice(&[field("a").as_bytes(), b"\r\n\r\nA\r\n--", B, b"\t\r\n"].concat());
    body.extend_from_slice(&[field("b").as_bytes(), b"\r\n\r\nB\r\n--", B, b"--"].concat());
    body.extend_from_slice(&[b"\r\nepilogue\r\n--", B, b"\r\ngarbage\r\n--", B].concat());
    let parts = parse(&body).unwrap();
    assert_eq!(parts[0], (headers("a", None, None), b"A".to_vec()));
    assert_eq!(parts[1], (headers("b", None, None), b"B".to_vec()));
    assert_eq!(parts.len(), 2);
    // A line break alone before the first boundary is a preamble too.
    let body = [&b"\r\n"[..], &form(&[(field("x"), b"1")])].concat();
    assert_eq!(parse(&body).unwrap()[0].1, b"1");
}

#[test]
fn data_with_delimiter_lookalikes() {
    let last = B.len() - 1;
    let tricky: Vec<Vec<u8>> = vec![
        b"\r\n--".to_vec(),
        [b"\r\n--", &B[..last]].concat(),
        [b"x\r\n--", &B[..last], b"X\r\n--", &B[..5]].concat(),
        b"ends with CR\r".to_vec(),
        b"ends with CRLF\r\n".to_vec(),
        [b"\r\r\n--", &B[..5], b"\r\n-\r\n--x"].concat(),
        [b"--", B, b" no CRLF before"].concat(),
        [b"\n--", B, b"\r--", B].concat(),
        [B, b"\r\n\r\n--"].concat(),
        b"\r\n\r\n\r\n\r".to_vec(),
    ];
    let body = form(
        &tricky
            .iter()
            .map(|d| (field("t"), &d[..]))
            .collect::<Vec<_>>(),
    );
    let parts = parse(&body).unwrap();
    let got: Vec<Vec<u8>> = parts.into_iter().map(|(_, d)| d).collect();
    assert_eq!(got, tricky);
}

#[test]
fn self_overlapping_boundary() {
    let body = b"--ab\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n\
        \r\n--a\r\n-\r\n--\r\n--a\r\r\n--ab\r\n\
        Content-Disposition: form-data; name=\"y\"\r\n\r\n--a\r\n--ab--";
    let parts = parse_b(body, b"ab").unwrap();
    assert_eq!(parts[0].1, b"\r\n--a\r\n-\r\n--\r\n--a\r");
    assert_eq!(parts[1].1, b"--a");
}

#[test]
fn binary_data_round_trips() {
    let mut data: Vec<u8> = (0..=255).cycle().take(256 * 3).collect();
    data.extend(noise(7, 3 * BUFFER_BYTES + 11));
    let body = form(&[(file("f", "x.bin"), &data), (field("after"), b"ok")]);
    let parts = parse(&body).unwrap();
    assert!(parts[0].1 == data, "binary data changed");
    assert_eq!(parts[1].1, b"ok");
}

#[test]
fn empty_parts() {
    let body = form(&[
        (file("f", "empty.txt"), b""),
        (field("e"), b""),
        (file("f", ""), b""),
    ]);
    let parts = parse(&body).unwrap();
    assert_eq!(parts[0], (headers("f", Some(b"empty.txt"), None), vec![]));
    assert_eq!(parts[1], (headers("e", None, None), vec![]));
    assert_eq!(parts[2], (headers("f", Some(b""), None), vec![]));
}

#[test]
fn skipping_and_reading_out_of_order() {
    let data = noise(5, 200_000);
    let mut body = b"preamble\r\n".to_vec();
    body.extend(form(&[
        (file("a", "a"), &data),
        (file("b", "b"), &data),
        (field("c"), b"C"),
    ]));
    let mut form = Multipart::new(
        Chunked {
            data: &body,
            chunk: 9000,
        },
        B,
    );
    assert_eq!(
        form.part_reader().read(&mut [0; 8]).unwrap(),
        0,
        "no part yet"
    );
    assert_eq!(form.next_part().unwrap().unwrap().name, "a");
    let mut head = [0; 1000];
    form.part_reader().read_exact(&mut head).unwrap();
    assert_eq!(head[..], data[..1000]);
    assert_eq!(form.next_part().unwrap().unwrap().name, "b");
    assert_eq!(form.next_part().unwrap().unwrap().name, "c");
    assert_eq!(form.read_field(10).unwrap(), b"C");
    assert_eq!(form.part_reader().read(&mut [0; 8]).unwrap(), 0);
    assert!(form.next_part().unwrap().is_none());
    assert!(form.next_part().unwrap().is_none());
    assert_eq!(form.part_reader().read(&mut [0; 8]).unwrap(), 0);
}

/// Repeats `block` forever.
struct Cycle {
    block: Vec<u8>,
    at: usize,
}

impl Read for Cycle {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = out.len().min(self.block.len() - self.at);
        out[..n].copy_from_slice(&self.block[self.at..self.at + n]);
        self.at = (self.at + n) % self.block.len();
        Ok(n)
    }
}

/// Length and FNV-1a hash of everything `r` yields.
fn checksum(mut r: impl Read) -> (u64, u64) {
    let (mut len, mut hash) = (0, 0xcbf2_9ce4_8422_2325_u64);
    let mut buf = vec![0; 256 * 1024];
    while let n @ 1.. = r.read(&mut buf).unwrap() {
        len += n as u64;
        for &b in &buf[..n] {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    (len, hash)
}

/// Noise sprinkled with delimiter prefixes but no delimiter, even when
/// repeated.
fn tricky_block() -> Vec<u8> {
    let mut block = noise(13, 9973);
    for (i, at) in (0..block.len() - 64).step_by(401).enumerate() {
        let prefix = [b"\r\n--", &B[..i % B.len()]].concat();
        block[at..at + prefix.len()].copy_from_slice(&prefix);
    }
    let delim = [b"\r\n--", B].concat();
    let twice = [&block[..], &block].concat();
    assert!(!twice.windows(delim.len()).any(|w| w == delim));
    block
}

#[test]
fn streams_32_mib() {
    const LEN: u64 = 32 << 20;
    let block = tricky_block();
    let data = || {
        Cycle {
            block: block.clone(),
            at: 0,
        }
        .take(LEN)
    };
    let want = checksum(data());
    assert_eq!(want.0, LEN);
    let head = [
        b"--",
        B,
        b"\r\n",
        file("f", "big.bin").as_bytes(),
        b"\r\n\r\n",
    ]
    .concat();
    let tail = [b"\r\n--", B, b"--\r\n"].concat();
    let body = io::Cursor::new(head).chain(data()).chain(&tail[..]);
    let mut form = Multipart::new(body, B);
    let part = form.next_part().unwrap().unwrap();
    assert_eq!(part.filename.unwrap(), b"big.bin");
    assert_eq!(checksum(form.part_reader()), want);
    assert!(form.next_part().unwrap().is_none());
}
