//! # Splice
//!
//! Moves bytes from one TCP socket to another through a kernel pipe with
//! splice(2): the bytes never enter user space, and the pages a socket
//! received are passed on as they are. This is the relay for plain
//! downloads and PUT uploads (`relay` picks it, or `pipe` when either side
//! is TLS). As in `pipe`, the calling thread takes bytes in while a helper
//! thread puts them out, and two pipes take turns (one filling while the
//! other drains, handed over by `turns`), so neither socket waits for the
//! other: with one shared pipe the two threads went in lock-step, each
//! asleep in the kernel while the other held the pipe (BENCHMARKS.md).
//!
//! Every wait is bounded by a socket's timeout: splice honours
//! `SO_RCVTIMEO` on the socket it reads and `SO_SNDTIMEO` on the one it
//! writes (a stall ends in `WouldBlock`, tested below), and it never waits
//! on a pipe: a pipe is filled only when empty and drained of exactly what
//! it holds.

use super::turns::{Ending, Turns};
use rustix::pipe::{fcntl_getpipe_size, fcntl_setpipe_size, pipe_with, splice};
use rustix::pipe::{PipeFlags, SpliceFlags};
use std::fs::File;
use std::io::{self, Read};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};

/// The pipe's capacity asked for: the most one splice moves. Kernel
/// memory, not the process's (the pipe holds references to the socket
/// buffers' pages, not copies); 1 MiB is Linux's `pipe-max-size` for
/// unprivileged processes. BENCHMARKS.md compares 64 KiB, 256 KiB and 1 MiB.
pub const PIPE_BYTES: usize = 1024 * 1024;

/// Pipes taking turns in one relay.
const DEPTH: usize = 2;

/// Bytes read back at a time when a socket refuses splices from the pipe.
const READ_BACK_BYTES: usize = 64 * 1024;

/// The pipe's write end: bytes come in from a socket.
pub struct Inlet(File);

/// The pipe's read end: bytes go out to a socket (or back to user space).
pub struct Outlet(File);

/// A kernel pipe for one transfer.
pub struct Pipe {
    inlet: Inlet,
    outlet: Outlet,
    /// The most bytes one [`Inlet::fill`] may move.
    capacity: usize,
}

impl Pipe {
    /// The pipes one relay needs.
    pub fn pair() -> io::Result<[Pipe; DEPTH]> {
        Ok([Pipe::new()?, Pipe::new()?])
    }

    /// A new pipe of [`PIPE_BYTES`], or smaller when the kernel refuses
    /// that size (`pipe-user-pages-soft` reached): it works the same, in
    /// smaller chunks.
    pub fn new() -> io::Result<Pipe> {
        let (read, write) = pipe_with(PipeFlags::CLOEXEC)?;
        let capacity = match fcntl_setpipe_size(&write, PIPE_BYTES) {
            Ok(size) => size,
            Err(_) => fcntl_getpipe_size(&write)?,
        };
        Ok(Pipe {
            inlet: Inlet(File::from(write)),
            outlet: Outlet(File::from(read)),
            capacity,
        })
    }
}

impl Inlet {
    /// Moves up to `max` bytes from `from` into the pipe: what has arrived,
    /// or the first bytes to arrive within the socket's read timeout. 0 at
    /// the end of the stream.
    pub fn fill(&self, from: &TcpStream, max: usize) -> io::Result<usize> {
        retry(|| {
            Ok(splice(
                from,
                None,
                &self.0,
                None,
                max,
                SpliceFlags::empty(),
            )?)
        })
    }
}

impl Outlet {
    /// Moves up to `n` bytes of what the pipe holds to `to`, waiting at most
    /// the socket's write timeout for room.
    pub fn drain(&self, to: &TcpStream, n: usize) -> io::Result<usize> {
        retry(|| Ok(splice(&self.0, None, to, None, n, SpliceFlags::empty())?))
    }

    /// Reads what the pipe holds into user space (the fallback for a socket
    /// that refuses splices).
    pub fn read_back(&self, buf: &mut [u8]) -> io::Result<usize> {
        retry(|| (&self.0).read(buf))
    }
}

/// One system call, retried on `Interrupted`.
fn retry(mut call: impl FnMut() -> io::Result<usize>) -> io::Result<usize> {
    loop {
        match call() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Errors that say the kernel cannot splice these descriptors at all (an
/// old kernel, a seccomp filter, a socket type without splice support): the
/// bytes are then copied through user space instead.
pub fn unsupported(e: &io::Error) -> bool {
    const EINVAL: i32 = 22;
    const ENOSYS: i32 = 38;
    const EOPNOTSUPP: i32 = 95;
    matches!(e.raw_os_error(), Some(EINVAL | ENOSYS | EOPNOTSUPP))
        || e.kind() == io::ErrorKind::Unsupported
}

/// How many bytes the relay moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// Exactly this many: the source ending sooner is a read failure.
    Exactly(u64),
    /// Everything until the source ends.
    ToEnd,
}

/// Why a relay stopped early; it comes with the bytes that reached the sink.
#[derive(Debug)]
pub enum Stop {
    /// The source failed, stalled past its timeout, or ended short of `Want::Exactly`.
    Read(io::Error),
    /// The sink failed or stalled past its timeout.
    Write(io::Error),
    /// The abort flag was set (the server is stopping).
    Aborted,
    /// The kernel refused the first splice from the source: nothing was
    /// taken, the caller copies the whole transfer instead.
    Unsupported,
}

/// Where a relay puts its bytes (driven from the helper thread).
pub trait Sink: Send {
    /// Moves up to `n` bytes of what the pipe holds to the sink's socket
    /// (one [`Outlet::drain`]).
    fn drain(&mut self, outlet: &Outlet, n: usize) -> io::Result<usize>;
    /// Writes bytes read back from the pipe, when the socket refused splices.
    fn write(&mut self, bytes: &[u8]) -> io::Result<()>;
}

/// Relays until `want` is met or the source ends: `fill` moves source bytes
/// into an empty pipe (at most the count it is given, one [`Inlet::fill`])
/// on this thread, `sink` takes them out on a helper thread, with two pipes
/// taking turns. Looks at `abort` before each splice. Returns the bytes
/// that reached the sink. An error after `abort` was set counts as the
/// abort: a socket stuck when the abort came is what the abort ended.
pub fn relay<F, S>(
    pipes: [Pipe; DEPTH],
    want: Want,
    abort: &AtomicBool,
    mut fill: F,
    mut sink: S,
) -> Result<u64, (Stop, u64)>
where
    F: FnMut(&Inlet, usize) -> io::Result<usize>,
    S: Sink,
{
    // One copy of the machinery for every caller (it is the same code).
    let result = run(&pipes, want, abort, &mut fill, &mut sink);
    match result {
        Err((Stop::Read(_) | Stop::Write(_), n)) if abort.load(Ordering::Acquire) => {
            Err((Stop::Aborted, n))
        }
        other => other,
    }
}

type FillFn<'a> = dyn FnMut(&Inlet, usize) -> io::Result<usize> + 'a;

fn run(
    pipes: &[Pipe; DEPTH],
    want: Want,
    abort: &AtomicBool,
    fill: &mut FillFn<'_>,
    sink: &mut dyn Sink,
) -> Result<u64, (Stop, u64)> {
    let turns = Turns::new(pipes.iter().collect());
    let (taken, given) = std::thread::scope(|scope| {
        let out = scope.spawn(|| give(&turns, abort, sink));
        let taken = take(&turns, want, abort, fill);
        let given = out.join().unwrap_or_else(|_| {
            Err((
                Stop::Write(io::Error::other("the relay thread panicked")),
                0,
            ))
        });
        (taken, given)
    });
    match (taken, given) {
        (_, Err(stop)) => Err(stop),
        (Some(Stop::Unsupported), Ok(0)) => Err((Stop::Unsupported, 0)),
        (Some(Stop::Unsupported), Ok(n)) => Err((Stop::Read(io::ErrorKind::Unsupported.into()), n)),
        (Some(stop), Ok(n)) => Err((stop, n)),
        (None, Ok(n)) => Ok(n),
    }
}

/// The calling thread's half: source → each empty pipe in turn. `None`
/// when the source ended (or the sink stopped taking).
fn take(
    turns: &Turns<&Pipe>,
    want: Want,
    abort: &AtomicBool,
    fill: &mut FillFn<'_>,
) -> Option<Stop> {
    let _end = Ending::filler(turns);
    let limit = limit(want);
    let mut taken = 0u64;
    while taken < limit {
        if abort.load(Ordering::Acquire) {
            return Some(Stop::Aborted);
        }
        // No empty pipe comes back once the helper has failed.
        let pipe = turns.take_empty()?;
        match fill(&pipe.inlet, room(limit - taken, pipe.capacity)) {
            Ok(0) if want == Want::ToEnd => return None,
            Ok(0) => return Some(Stop::Read(short(taken, limit))),
            Ok(n) => {
                taken += n as u64;
                turns.hand_on(pipe, n);
            }
            Err(e) if taken == 0 && unsupported(&e) => return Some(Stop::Unsupported),
            Err(e) => return Some(Stop::Read(e)),
        }
    }
    None
}

/// The helper thread's half: each filled pipe drained to the sink, then
/// given back; read back and written when the sink's socket refuses splices.
fn give(turns: &Turns<&Pipe>, abort: &AtomicBool, sink: &mut dyn Sink) -> Result<u64, (Stop, u64)> {
    let _end = Ending::emptier(turns);
    let mut given = 0u64;
    let mut copy: Option<Vec<u8>> = None;
    while let Some((pipe, mut held)) = turns.take_full() {
        while held > 0 {
            if abort.load(Ordering::Acquire) {
                return Err((Stop::Aborted, given));
            }
            let n = match copy.as_mut() {
                None => match sink.drain(&pipe.outlet, held) {
                    Err(e) if given == 0 && unsupported(&e) => {
                        copy = Some(vec![0u8; READ_BACK_BYTES]);
                        continue;
                    }
                    other => other.map_err(|e| (Stop::Write(e), given))?,
                },
                Some(buf) => {
                    let len = held.min(buf.len());
                    let n = pipe
                        .outlet
                        .read_back(&mut buf[..len])
                        .map_err(|e| (Stop::Write(e), given))?;
                    sink.write(&buf[..n]).map_err(|e| (Stop::Write(e), given))?;
                    n
                }
            };
            if n == 0 {
                return Err((Stop::Write(io::ErrorKind::WriteZero.into()), given));
            }
            held -= n.min(held);
            given += n as u64;
        }
        turns.give_back(pipe);
    }
    Ok(given)
}

fn limit(want: Want) -> u64 {
    match want {
        Want::Exactly(n) => n,
        Want::ToEnd => u64::MAX,
    }
}

fn room(left: u64, capacity: usize) -> usize {
    usize::try_from(left).map_or(capacity, |left| left.min(capacity))
}

fn short(taken: u64, limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("the source ended after {taken} of {limit} bytes"),
    )
}

#[cfg(test)]
#[path = "splice_tests.rs"]
mod tests;
