//! The plain socket a zero-copy relay borrows: lent only where the bytes on
//! it are the body itself, and every byte taken or written through it is
//! counted against the framing exactly as `read` and `write_all` count them.

use super::body::{Body, State};
use super::exchange::Exchange;
use super::head::{Framing, Head};
use super::response::Length;
use super::wire::Wire;
use std::io::{self, Cursor, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};

/// A plain wire (the server's end) and the client's end of a loopback pair.
fn plain() -> (Wire, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    let socket = server.try_clone().unwrap();
    (Wire::plain(server, socket), client)
}

/// One splice's stand-in: reads up to `n` bytes from the socket.
fn take(socket: &TcpStream, n: usize, into: &mut Vec<u8>) -> io::Result<usize> {
    let mut buf = vec![0u8; n];
    let got = (&mut &*socket).read(&mut buf)?;
    into.extend_from_slice(&buf[..got]);
    Ok(got)
}

fn body<'a>(wire: &'a mut Wire, state: &'a mut State, owed: &'a mut bool) -> Body<'a> {
    Body {
        wire,
        state,
        continue_owed: owed,
    }
}

#[test]
fn the_socket_is_lent_only_for_an_unbuffered_length_body_on_plain_tcp() {
    let (mut wire, mut client) = plain();
    let (mut state, mut owed) = (State::Length(10), false);
    assert!(body(&mut wire, &mut state, &mut owed)
        .plain_socket()
        .is_some());
    let mut chunked = State::ChunkSize;
    assert!(body(&mut wire, &mut chunked, &mut owed)
        .plain_socket()
        .is_none());
    // Bytes already in the input buffer must be read first.
    client.write_all(b"abc").unwrap();
    while wire.buffered().is_empty() {
        wire.fill(100).unwrap();
    }
    let b = body(&mut wire, &mut state, &mut owed);
    assert_eq!(b.buffered(), 3);
    assert!(b.plain_socket().is_none());
    // An in-memory (or TLS) wire never lends a socket.
    let mut memory = Wire::new(Box::new(Cursor::new(b"0123456789".to_vec())), None);
    let mut b = body(&mut memory, &mut state, &mut owed);
    assert!(b.plain_socket().is_none());
    let refused = b.read_raw(10, |_, _| unreachable!()).unwrap_err();
    assert_eq!(refused.kind(), io::ErrorKind::Unsupported);
}

#[test]
fn read_raw_takes_no_byte_past_the_body_and_counts_every_one() {
    let (mut wire, mut client) = plain();
    client.write_all(b"0123456789NEXT").unwrap();
    let (mut state, mut owed) = (State::Length(10), true);
    let mut b = body(&mut wire, &mut state, &mut owed);
    let mut got = Vec::new();
    while got.len() < 10 {
        let n = b
            .read_raw(1000, |socket, want| {
                assert!(want <= 10 - got.len(), "offered {want}");
                take(socket, want, &mut got)
            })
            .unwrap();
        assert!(n > 0);
    }
    assert_eq!(got, b"0123456789");
    assert_eq!(b.read_raw(1000, |_, _| unreachable!()).unwrap(), 0);
    assert_eq!(state, State::Done);
    // The owed 100 Continue went out before the first byte was taken.
    let mut answer = [0u8; 25];
    client.read_exact(&mut answer).unwrap();
    assert_eq!(&answer, b"HTTP/1.1 100 Continue\r\n\r\n");
    // What follows the body is still there for the next request.
    let mut next = [0u8; 4];
    wire.plain_socket().unwrap().read_exact(&mut next).unwrap();
    assert_eq!(&next, b"NEXT");
}

#[test]
fn a_body_cut_short_under_read_raw_fails_and_breaks_the_connection() {
    let (mut wire, mut client) = plain();
    client.write_all(b"abc").unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let (mut state, mut owed) = (State::Length(10), false);
    let mut b = body(&mut wire, &mut state, &mut owed);
    let mut got = Vec::new();
    let mut last = Ok(0);
    for _ in 0..10 {
        last = b.read_raw(10, |socket, want| take(socket, want, &mut got));
        if last.is_err() {
            break;
        }
    }
    assert_eq!(last.unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    assert_eq!(got, b"abc");
    assert_eq!(state, State::Broken);
}

/// A streamed 200 of `length` over a plain wire for `request`.
fn with_body_writer(request: &[u8], length: Length, test: impl FnOnce(&mut super::BodyWriter<'_>)) {
    let (mut wire, _client) = plain();
    let head = Head::parse(request).unwrap();
    assert_eq!(head.framing, Framing::Length(0));
    let peer = "127.0.0.1:1".parse().unwrap();
    let mut ex = Exchange::new(head, peer, &mut wire, false);
    let mut out = ex.stream(200, &[], length).unwrap();
    test(&mut out);
}

#[test]
fn write_raw_never_writes_past_the_length_and_counts_what_it_wrote() {
    with_body_writer(
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        Length::Known(10),
        |out| {
            assert!(out.plain_socket().is_some());
            let over = out.write_raw(11, |_, _| unreachable!()).unwrap_err();
            assert_eq!(over.kind(), io::ErrorKind::InvalidInput);
            let n = out
                .write_raw(4, |socket, n| (&mut &*socket).write(&b"0123"[..n]))
                .unwrap();
            assert_eq!(n, 4);
            assert_eq!(out.remaining(), Some(6));
            let zero = out.write_raw(6, |_, _| Ok(0)).unwrap_err();
            assert_eq!(zero.kind(), io::ErrorKind::WriteZero);
            assert_eq!(out.remaining(), Some(6));
        },
    );
}

#[test]
fn no_socket_is_lent_for_a_chunked_or_head_response() {
    with_body_writer(
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        Length::Unknown,
        |out| {
            assert!(out.plain_socket().is_none());
            let refused = out.write_raw(1, |_, _| unreachable!()).unwrap_err();
            assert_eq!(refused.kind(), io::ErrorKind::Unsupported);
        },
    );
    with_body_writer(
        b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n",
        Length::Known(10),
        |out| {
            assert!(out.plain_socket().is_none());
        },
    );
}
