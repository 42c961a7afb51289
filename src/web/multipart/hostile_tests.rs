//! # Hostile bodies
//!
//! Bodies cut short, garbled or oversized: each must end in the right
//! [`Error`], never a panic or a clean end of part.

use super::test_support::{
    assert_malformed, assert_truncated, field, file, form, noise, parse, parse_with, Chunked, B,
};
use super::{Error, Multipart, BUFFER_BYTES, MAX_PARTS, MAX_PART_HEADER_BYTES};
use std::io::{self, Read};

/// A small valid body and where its closing delimiter ends.
fn small_body() -> (Vec<u8>, usize) {
    let mut body = b"preamble\r\n".to_vec();
    body.extend(form(&[
        (field("csrf"), b"tok"),
        (
            file("file", "a.txt") + "\r\nContent-Type: text/plain",
            b"data\r\n--x",
        ),
    ]));
    body.extend_from_slice(b"epilogue");
    let close = [b"--", B, b"--"].concat();
    let end = body.windows(close.len()).position(|w| w == close).unwrap() + close.len();
    (body, end)
}

#[test]
fn truncated_at_every_length() {
    let (body, end) = small_body();
    let full = parse(&body).unwrap();
    for len in 0..=body.len() {
        let result = parse(&body[..len]);
        if len < end {
            assert_truncated(result);
        } else {
            assert_eq!(result.unwrap(), full, "cut at {len}");
        }
    }
}

#[test]
fn part_reader_reports_truncation() {
    let body = form(&[(file("f", "big.bin"), &noise(3, 100_000))]);
    let cut = &body[..50_000];
    let mut form = Multipart::new(
        Chunked {
            data: cut,
            chunk: 4096,
        },
        B,
    );
    assert!(form.next_part().unwrap().is_some());
    let err = io::copy(&mut form.part_reader(), &mut io::sink()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    assert_truncated::<()>(Err(err.into()));
    // Still an error, never a clean end.
    let err = form.part_reader().read(&mut [0; 10]).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    assert_truncated(form.read_field(1 << 20));
    assert_truncated(form.next_part());
    // Skipping an unread part of a cut body fails the same way.
    let mut form = Multipart::new(
        Chunked {
            data: cut,
            chunk: 4096,
        },
        B,
    );
    assert!(form.next_part().unwrap().is_some());
    assert_truncated(form.next_part());
}

#[test]
fn missing_closing_boundary() {
    let open = [b"--", B, b"\r\n", field("a").as_bytes(), b"\r\n\r\nA"].concat();
    for tail in [&b""[..], b"\r\n", b"\r\n--", b"\r\n-", b"\r\n--\r\n"] {
        assert_truncated(parse(&[&open, tail].concat()));
    }
    for tail in [&b""[..], b"-", b"\r", b"\r\n", b" "] {
        assert_truncated(parse(&[&open, &b"\r\n--"[..], B, tail].concat()));
    }
}

#[test]
fn garbage_is_an_error() {
    assert_truncated(parse(b""));
    assert_truncated(parse(b"hello world, no boundary here"));
    for seed in 1..50 {
        assert!(parse(&noise(seed, seed as usize * 37)).is_err());
    }
    let start = [b"--", B].concat();
    let bad: [&[u8]; 9] = [
        b"xyz\r\n",
        b"\r\nno colon\r\n\r\n",
        b"\r\n\r\nno headers",
        b"\r\nContent-Type: text/plain\r\n\r\n",
        b"\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n",
        b"\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\n",
        b"\r\nContent-Disposition: form-data; name=\"a\r\n\r\n",
        b"\r\nContent-Disposition: form-data; name=\"a\"b\r\n\r\n",
        b" x\r\n",
    ];
    for tail in bad {
        let body = [&start, tail, b"data\r\n--", B, b"--"].concat();
        assert_malformed(parse(&body));
        let mut form = Multipart::new(&body[..], B);
        assert!(form.next_part().is_err());
        assert_malformed(form.next_part());
        assert!(form.part_reader().read(&mut [0; 8]).is_err());
    }
    assert_malformed(Multipart::new(&b"--\r\n"[..], b"").next_part());
}

#[test]
fn mutated_bodies_never_panic() {
    let (body, _) = small_body();
    let mut x = 11u64;
    let mut r = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 32) as usize
    };
    for _ in 0..4000 {
        let mut b = body.clone();
        for _ in 0..1 + r() % 4 {
            let at = r() % b.len();
            match r() % 4 {
                0 => b[at] = b"\r\n-\";= \\%*"[r() % 10],
                1 => b[at] = r() as u8,
                2 => drop(b.remove(at)),
                _ => b.insert(at, b"\r\n-\""[r() % 4]),
            }
        }
        let _ = parse_with(&b, B, 7, 5);
        let _ = parse_with(&b, B, 1 << 20, 1 << 10);
    }
}

#[test]
fn field_too_large() {
    let big = vec![b'x'; 3 * BUFFER_BYTES];
    let body = form(&[
        (field("a"), b"12345"),
        (field("b"), b"12345"),
        (field("c"), &big),
    ]);
    let mut form = Multipart::new(
        Chunked {
            data: &body,
            chunk: 1000,
        },
        B,
    );
    form.next_part().unwrap();
    assert!(matches!(form.read_field(4), Err(Error::FieldTooLarge)));
    form.next_part().unwrap();
    assert_eq!(form.read_field(5).unwrap(), b"12345");
    assert_eq!(form.read_field(5).unwrap(), b"", "the field is used up");
    form.next_part().unwrap();
    assert!(matches!(
        form.read_field(2 * BUFFER_BYTES),
        Err(Error::FieldTooLarge)
    ));
    assert!(form.next_part().unwrap().is_none());
    assert_eq!(form.read_field(5).unwrap(), b"", "no part: nothing to read");
}

#[test]
fn too_many_parts() {
    let parts: Vec<(String, &[u8])> = (0..=MAX_PARTS).map(|_| (field("f"), &b"v"[..])).collect();
    assert_eq!(parse(&form(&parts[..MAX_PARTS])).unwrap().len(), MAX_PARTS);
    let body = form(&parts);
    let mut form = Multipart::new(&body[..], B);
    for _ in 0..MAX_PARTS {
        assert!(form.next_part().unwrap().is_some());
    }
    assert!(matches!(form.next_part(), Err(Error::TooManyParts)));
}

#[test]
fn headers_too_large() {
    let long = |n: usize| format!("{}\r\nX-Long: {}", field("f"), "y".repeat(n));
    // `field` header + CRLF + "X-Long: " + n + CRLF + CRLF must fit.
    let fits = MAX_PART_HEADER_BYTES - field("f").len() - 2 - 8 - 2 - 2;
    assert!(parse(&form(&[(long(fits), b"x")])).is_ok());
    assert!(matches!(
        parse(&form(&[(long(fits + 1), b"x")])),
        Err(Error::HeadersTooLarge)
    ));
    let many = (0..200)
        .map(|i| format!("\r\nX-{i}: {}", "z".repeat(40)))
        .collect::<String>();
    let body = form(&[(field("f") + &many, b"x")]);
    assert!(matches!(parse(&body), Err(Error::HeadersTooLarge)));
    let pad = [b"--", B, &[b' '; MAX_PART_HEADER_BYTES + 1], b"\r\n"].concat();
    assert!(matches!(parse(&pad), Err(Error::HeadersTooLarge)));
}
