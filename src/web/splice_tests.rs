//! The splice relay over real loopback sockets: exact counts, short
//! sources, stalled peers, the abort flag and the fallback hand-over.

use super::*;
use std::io::Write;
use std::net::TcpListener;
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Two connected loopback sockets.
fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let a = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (b, _) = listener.accept().unwrap();
    (a, b)
}

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

/// A peer that sends `bytes`, then closes (or, with `linger`, stays open).
fn sender(mut peer: TcpStream, bytes: Vec<u8>, linger: bool) -> JoinHandle<TcpStream> {
    thread::spawn(move || {
        let _ = peer.write_all(&bytes);
        if !linger {
            let _ = peer.shutdown(std::net::Shutdown::Write);
        }
        peer
    })
}

/// A peer that reads everything until the end of the stream.
fn receiver(mut peer: TcpStream) -> JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut got = Vec::new();
        peer.read_to_end(&mut got).unwrap();
        got
    })
}

/// A sink socket, with a record of what went through user space.
struct ToSocket<'a> {
    socket: &'a TcpStream,
    written: Vec<u8>,
}

impl Sink for &mut ToSocket<'_> {
    fn drain(&mut self, outlet: &Outlet, n: usize) -> io::Result<usize> {
        outlet.drain(self.socket, n)
    }
    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.written.extend_from_slice(bytes);
        (&mut &*self.socket).write_all(bytes)
    }
}

/// A sink that refuses splices, as a socket without splice support would.
struct Refusing<'a>(ToSocket<'a>);

/// Relays from `src` to `sink` with the real splices.
fn run(
    src: &TcpStream,
    sink: &TcpStream,
    want: Want,
    abort: &AtomicBool,
) -> Result<u64, (Stop, u64)> {
    let mut to = ToSocket {
        socket: sink,
        written: Vec::new(),
    };
    let result = relay(
        Pipe::pair().unwrap(),
        want,
        abort,
        |inlet, max| inlet.fill(src, max),
        &mut to,
    );
    assert!(to.written.is_empty(), "bytes went through user space");
    result
}

#[test]
fn moves_exactly_the_bytes_asked_for_and_leaves_the_rest() {
    let input = data(5_000_003);
    let (src, src_peer) = pair();
    let (sink, sink_peer) = pair();
    let mut extra = input.clone();
    extra.extend_from_slice(b"not for the sink");
    let feeder = sender(src_peer, extra, false);
    let got = receiver(sink_peer);
    let moved = run(
        &src,
        &sink,
        Want::Exactly(5_000_003),
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(moved, 5_000_003);
    drop(sink);
    assert!(got.join().unwrap() == input, "the sink got other bytes");
    feeder.join().unwrap();
    let mut rest = Vec::new();
    (&src).read_to_end(&mut rest).unwrap();
    assert_eq!(rest, b"not for the sink");
}

#[test]
fn moves_everything_until_the_source_ends() {
    let input = data(3_145_735);
    let (src, src_peer) = pair();
    let (sink, sink_peer) = pair();
    let feeder = sender(src_peer, input.clone(), false);
    let got = receiver(sink_peer);
    let moved = run(&src, &sink, Want::ToEnd, &AtomicBool::new(false)).unwrap();
    assert_eq!(moved, input.len() as u64);
    drop(sink);
    assert!(got.join().unwrap() == input, "the sink got other bytes");
    feeder.join().unwrap();
}

#[test]
fn a_source_that_ends_short_is_a_read_failure() {
    let (src, src_peer) = pair();
    let (sink, sink_peer) = pair();
    let feeder = sender(src_peer, data(100_000), false);
    let got = receiver(sink_peer);
    let err = run(&src, &sink, Want::Exactly(100_001), &AtomicBool::new(false)).unwrap_err();
    assert!(
        matches!(&err, (Stop::Read(e), 100_000) if e.kind() == io::ErrorKind::UnexpectedEof),
        "{err:?}"
    );
    drop(sink);
    assert_eq!(got.join().unwrap().len(), 100_000);
    feeder.join().unwrap();
}

#[test]
fn a_source_that_stalls_hits_its_read_timeout() {
    let (src, src_peer) = pair();
    let (sink, sink_peer) = pair();
    src.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    // Sends a little, then keeps the connection open without sending more.
    let feeder = sender(src_peer, data(1000), true);
    let got = receiver(sink_peer);
    let err = run(&src, &sink, Want::ToEnd, &AtomicBool::new(false)).unwrap_err();
    assert!(
        matches!(&err, (Stop::Read(e), 1000) if e.kind() == io::ErrorKind::WouldBlock),
        "{err:?}"
    );
    drop(sink);
    assert_eq!(got.join().unwrap().len(), 1000);
    drop(feeder.join().unwrap());
}

#[test]
fn a_sink_that_stops_reading_hits_its_write_timeout() {
    let (src, src_peer) = pair();
    let (sink, _sink_peer_never_reads) = pair();
    sink.set_write_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    // Far more than the two sockets' buffers can hold.
    let total = 256 << 20;
    let feeder = thread::spawn(move || {
        let chunk = data(1 << 20);
        let mut peer = src_peer;
        for _ in 0..256 {
            if peer.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let err = run(&src, &sink, Want::ToEnd, &AtomicBool::new(false)).unwrap_err();
    assert!(
        matches!(&err, (Stop::Write(e), n) if e.kind() == io::ErrorKind::WouldBlock && *n < total),
        "{err:?}"
    );
    // The feeder's writes fail once the source is gone.
    drop(src);
    feeder.join().unwrap();
}

#[test]
fn an_abort_before_the_start_moves_nothing() {
    let (src, src_peer) = pair();
    let (sink, sink_peer) = pair();
    let feeder = sender(src_peer, data(10_000), false);
    let got = receiver(sink_peer);
    let err = run(&src, &sink, Want::ToEnd, &AtomicBool::new(true)).unwrap_err();
    assert!(matches!(err, (Stop::Aborted, 0)), "{err:?}");
    drop(sink);
    assert!(got.join().unwrap().is_empty());
    feeder.join().unwrap();
}

/// Sets the abort flag once `after` bytes went through.
struct AbortAfter<'a> {
    socket: &'a TcpStream,
    abort: &'a AtomicBool,
    after: usize,
    drained: usize,
}

impl Sink for &mut AbortAfter<'_> {
    fn drain(&mut self, outlet: &Outlet, n: usize) -> io::Result<usize> {
        let n = outlet.drain(self.socket, n)?;
        self.drained += n;
        if self.drained >= self.after {
            self.abort.store(true, Ordering::Release);
        }
        Ok(n)
    }
    fn write(&mut self, _: &[u8]) -> io::Result<()> {
        unreachable!("sockets take splices")
    }
}

#[test]
fn stops_at_the_next_chunk_once_aborted() {
    let (src, src_peer) = pair();
    let (sink, sink_peer) = pair();
    let total = 64 << 20;
    let feeder = thread::spawn(move || {
        let mut peer = src_peer;
        let _ = peer.write_all(&data(total));
    });
    let got = receiver(sink_peer);
    let abort = AtomicBool::new(false);
    let mut to = AbortAfter {
        socket: &sink,
        abort: &abort,
        after: 1 << 20,
        drained: 0,
    };
    let err = relay(
        Pipe::pair().unwrap(),
        Want::ToEnd,
        &abort,
        |inlet, max| inlet.fill(&src, max),
        &mut to,
    )
    .unwrap_err();
    assert!(matches!(err, (Stop::Aborted, _)), "{err:?}");
    // The splice under way is finished, no further one is begun.
    assert!(err.1 < (1 << 20) + PIPE_BYTES as u64, "{}", err.1);
    assert_eq!(err.1, to.drained as u64);
    drop(sink);
    assert_eq!(got.join().unwrap().len() as u64, err.1);
    drop(src);
    feeder.join().unwrap();
}

/// A sink that never gets a byte.
struct Nowhere;

impl Sink for Nowhere {
    fn drain(&mut self, _: &Outlet, _: usize) -> io::Result<usize> {
        unreachable!("nothing was filled")
    }
    fn write(&mut self, _: &[u8]) -> io::Result<()> {
        unreachable!("nothing was filled")
    }
}

#[test]
fn a_failure_after_the_abort_counts_as_the_abort() {
    let abort = AtomicBool::new(false);
    let err = relay(
        Pipe::pair().unwrap(),
        Want::ToEnd,
        &abort,
        |_, _| {
            abort.store(true, Ordering::Release);
            Err(io::ErrorKind::WouldBlock.into())
        },
        Nowhere,
    )
    .unwrap_err();
    assert!(matches!(err, (Stop::Aborted, 0)), "{err:?}");
}

#[test]
fn a_source_that_refuses_splices_leaves_the_whole_transfer_to_the_copy() {
    let err = relay(
        Pipe::pair().unwrap(),
        Want::Exactly(10),
        &AtomicBool::new(false),
        |_, _| Err(io::Error::from_raw_os_error(38 /* ENOSYS */)),
        Nowhere,
    )
    .unwrap_err();
    assert!(matches!(err, (Stop::Unsupported, 0)), "{err:?}");
}

impl Sink for &mut Refusing<'_> {
    fn drain(&mut self, _: &Outlet, _: usize) -> io::Result<usize> {
        Err(io::Error::from_raw_os_error(22 /* EINVAL */))
    }
    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        (&mut self.0).write(bytes)
    }
}

#[test]
fn a_sink_that_refuses_splices_gets_the_bytes_read_back() {
    let input = data(3_000_017);
    let (src, src_peer) = pair();
    let (sink, sink_peer) = pair();
    let feeder = sender(src_peer, input.clone(), false);
    let got = receiver(sink_peer);
    let mut to = Refusing(ToSocket {
        socket: &sink,
        written: Vec::new(),
    });
    let moved = relay(
        Pipe::pair().unwrap(),
        Want::Exactly(3_000_017),
        &AtomicBool::new(false),
        |inlet, max| inlet.fill(&src, max),
        &mut to,
    )
    .unwrap();
    assert_eq!(moved, 3_000_017);
    assert!(to.0.written == input, "read back other bytes");
    sink.shutdown(std::net::Shutdown::Write).unwrap();
    assert!(got.join().unwrap() == input, "the sink got other bytes");
    feeder.join().unwrap();
}

/// Refuses splices after the first one went through.
struct RefusingLater<'a>(&'a TcpStream, usize);

impl Sink for &mut RefusingLater<'_> {
    fn drain(&mut self, outlet: &Outlet, n: usize) -> io::Result<usize> {
        self.1 += 1;
        match self.1 {
            1 => outlet.drain(self.0, n),
            _ => Err(io::Error::from_raw_os_error(22 /* EINVAL */)),
        }
    }
    fn write(&mut self, _: &[u8]) -> io::Result<()> {
        unreachable!("no fallback once bytes went through")
    }
}

#[test]
fn a_refusal_after_bytes_moved_is_a_write_failure() {
    let (src, src_peer) = pair();
    let (sink, _sink_peer) = pair();
    let feeder = sender(src_peer, data(5 << 20), false);
    let mut to = RefusingLater(&sink, 0);
    let err = relay(
        Pipe::pair().unwrap(),
        Want::ToEnd,
        &AtomicBool::new(false),
        |inlet, max| inlet.fill(&src, max),
        &mut to,
    )
    .unwrap_err();
    assert!(matches!(&err, (Stop::Write(_), n) if *n > 0), "{err:?}");
    drop(src);
    let _ = feeder.join();
}

#[test]
fn tells_a_missing_splice_from_other_failures() {
    for errno in [22, 38, 95] {
        assert!(unsupported(&io::Error::from_raw_os_error(errno)), "{errno}");
    }
    assert!(unsupported(&io::ErrorKind::Unsupported.into()));
    for errno in [
        32,  /* EPIPE */
        104, /* ECONNRESET */
        11,  /* EAGAIN */
    ] {
        assert!(
            !unsupported(&io::Error::from_raw_os_error(errno)),
            "{errno}"
        );
    }
}
