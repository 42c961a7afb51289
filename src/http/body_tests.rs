use super::*;
use std::io::Cursor;
use std::time::Duration;

/// A wire over in-memory bytes.
fn wire(bytes: &[u8]) -> (Wire, ()) {
    (Wire::new(Box::new(Cursor::new(bytes.to_vec())), None), ())
}

fn read_all(bytes: &[u8], framing: Framing) -> (io::Result<Vec<u8>>, State, Vec<u8>) {
    let (mut wire, _client) = wire(bytes);
    let mut state = State::new(framing);
    let mut owed = false;
    let mut body = Body {
        wire: &mut wire,
        state: &mut state,
        continue_owed: &mut owed,
    };
    let mut out = Vec::new();
    let result = body.read_to_end(&mut out).map(|_| out);
    let rest = wire.buffered().to_vec();
    (result, state, rest)
}

#[test]
fn reads_exactly_content_length_and_leaves_the_next_request() {
    let (body, state, rest) = read_all(b"helloGET /", Framing::Length(5));
    assert_eq!(body.unwrap(), b"hello");
    assert_eq!(state, State::Done);
    assert_eq!(rest, b"GET /");
}

#[test]
fn a_body_cut_short_is_an_error() {
    let (body, state, _) = read_all(b"hel", Framing::Length(5));
    assert_eq!(body.unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    assert_eq!(state, State::Broken);
}

#[test]
fn decodes_chunks_with_extensions_and_trailers() {
    let input = b"5;name=val\r\nhello\r\n6 ; x\r\n world\r\n0\r\nTrailer: t\r\n\r\nNEXT";
    let (body, state, rest) = read_all(input, Framing::Chunked);
    assert_eq!(body.unwrap(), b"hello world");
    assert_eq!(state, State::Done);
    assert_eq!(rest, b"NEXT");
}

#[test]
fn refuses_bad_chunk_framing() {
    for bad in [
        &b"5\nhello\r\n0\r\n\r\n"[..],
        b"5\r\nhello\n0\r\n\r\n",
        b"5\r\nhelloX\r\n0\r\n\r\n",
        b"-5\r\nhello\r\n0\r\n\r\n",
        b"0x5\r\nhello\r\n0\r\n\r\n",
        b"\r\n",
        b"5\r\nhel",
        b"10000000000000000\r\n",
        b"5\r\nhello\r\n0\r\n",
    ] {
        let (body, state, _) = read_all(bad, Framing::Chunked);
        assert!(body.is_err(), "{:?}", String::from_utf8_lossy(bad));
        assert_eq!(state, State::Broken);
    }
}

#[test]
fn chunk_size_lines_are_capped() {
    let long = format!("5;{}\r\nhello\r\n0\r\n\r\n", "e".repeat(MAX_CHUNK_LINE));
    assert!(read_all(long.as_bytes(), Framing::Chunked).0.is_err());
    let fits = format!("5;{}\r\nhello\r\n0\r\n\r\n", "e".repeat(MAX_CHUNK_LINE - 2));
    assert_eq!(
        read_all(fits.as_bytes(), Framing::Chunked).0.unwrap(),
        b"hello"
    );
}

#[test]
fn trailers_are_capped() {
    let many = format!("0\r\n{}\r\n", "T: v\r\n".repeat(MAX_TRAILERS + 1));
    assert!(read_all(many.as_bytes(), Framing::Chunked).0.is_err());
    let fits = format!("0\r\n{}\r\n", "T: v\r\n".repeat(MAX_TRAILERS));
    assert!(read_all(fits.as_bytes(), Framing::Chunked).0.is_ok());
}

#[test]
fn parses_chunk_sizes_strictly() {
    assert_eq!(parse_chunk_size(b"ff").unwrap(), 255);
    assert_eq!(parse_chunk_size(b"0000000000000000000a").unwrap(), 10);
    assert_eq!(parse_chunk_size(b"ffffffffffffffff").unwrap(), u64::MAX);
    assert_eq!(parse_chunk_size(b"A\t;ext").unwrap(), 10);
    for bad in [
        &b""[..],
        b" 5",
        b"5 x",
        b"+5",
        b"1_0",
        b"1ffffffffffffffff",
        b"5\r",
    ] {
        assert!(
            parse_chunk_size(bad).is_err(),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn a_capped_read_refuses_a_long_body_before_reading_it() {
    let (mut wire, _client) = wire(b"");
    let mut state = State::new(Framing::Length(70_000));
    let mut owed = true;
    let mut body = Body {
        wire: &mut wire,
        state: &mut state,
        continue_owed: &mut owed,
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    assert!(matches!(
        body.read_capped(65_536, deadline),
        Err(BodyError::TooLarge)
    ));
    // Nothing was read and no 100 Continue was promised.
    assert!(owed);
    assert_eq!(state, State::Length(70_000));
}

#[test]
fn a_capped_read_refuses_a_chunked_body_once_it_passes_the_cap() {
    let input = format!("{:x}\r\n{}\r\n0\r\n\r\n", 100, "x".repeat(100));
    let (mut wire, _client) = wire(input.as_bytes());
    let mut state = State::new(Framing::Chunked);
    let mut owed = false;
    let mut body = Body {
        wire: &mut wire,
        state: &mut state,
        continue_owed: &mut owed,
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    assert!(matches!(
        body.read_capped(99, deadline),
        Err(BodyError::TooLarge)
    ));
}
