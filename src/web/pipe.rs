//! # Pipe
//!
//! Copies a stream to another through a helper thread and a few fixed
//! buffers (handed over by `turns`), so reading the next chunk overlaps
//! with writing the last one.
//! A single-threaded relay alternates between its two sockets and leaves the
//! machine idle half the time (BENCHMARKS.md: uploads ran at ~0.6 of curl).
//! Both sides check an abort flag between chunks, so a stopping server can
//! cut a transfer without touching its sockets (see `shutdown`).

use super::turns::{Ending, Turns};
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};

/// Size of each buffer.
pub const CHUNK_BYTES: usize = 256 * 1024;
/// Buffers in flight; memory per transfer is `CHUNK_BYTES * DEPTH`. Two
/// (one filling, one emptying) upload multipart bodies as fast as three did
/// once the multipart reader reads 256 KiB at a time (BENCHMARKS.md, issue 12).
const DEPTH: usize = 2;

/// Which side failed.
#[derive(Debug)]
pub enum Failure {
    Read(io::Error),
    Write(io::Error),
    /// `abort` was set: the server is stopping.
    Aborted,
}

/// The write half, as the helper thread calls it.
type WriteFn<'a> = dyn FnMut(&[u8]) -> io::Result<()> + Send + 'a;

/// Reads `reader` to its end on this thread and hands each chunk to `write`
/// on a helper thread. Returns the bytes written, or which side failed first
/// (with the bytes written until then). Once `abort` is set, no further
/// chunk is read or written, and any failure is reported as `Aborted`.
pub fn pipe<W>(
    reader: &mut dyn Read,
    mut write: W,
    abort: &AtomicBool,
) -> Result<u64, (Failure, u64)>
where
    W: FnMut(&[u8]) -> io::Result<()> + Send,
{
    // One copy of the machinery for every caller (it is the same code).
    copy(reader, &mut write, abort)
}

fn copy(
    reader: &mut dyn Read,
    write: &mut WriteFn<'_>,
    abort: &AtomicBool,
) -> Result<u64, (Failure, u64)> {
    let buffers = (0..DEPTH).map(|_| vec![0u8; CHUNK_BYTES]).collect();
    let turns = Turns::new(buffers);
    std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            let _end = Ending::emptier(&turns);
            let mut written = 0u64;
            while let Some((buf, n)) = turns.take_full() {
                if abort.load(Ordering::Acquire) {
                    return Err((Failure::Aborted, written));
                }
                if let Err(e) = write(&buf[..n]) {
                    return Err((Failure::Write(e), written));
                }
                written += n as u64;
                turns.give_back(buf);
            }
            Ok(written)
        });
        let read_failure = {
            let _end = Ending::filler(&turns);
            loop {
                if abort.load(Ordering::Acquire) {
                    break Some(Failure::Aborted);
                }
                // No empty buffer comes back when the writer has failed.
                let Some(mut buf) = turns.take_empty() else {
                    break None;
                };
                match read_some(reader, &mut buf) {
                    Ok(0) => break None,
                    Ok(n) => turns.hand_on(buf, n),
                    Err(e) => break Some(Failure::Read(e)),
                }
            }
        };
        let outcome = writer.join().unwrap_or_else(|_| {
            Err((
                Failure::Write(io::Error::other("the writer thread panicked")),
                0,
            ))
        });
        let result = match (read_failure, outcome) {
            (_, Err(write_failure)) => Err(write_failure),
            (Some(failure), Ok(written)) => Err((failure, written)),
            (None, Ok(written)) => Ok(written),
        };
        match result {
            // A socket that timed out or broke after the abort was set was
            // stuck when the abort came: the abort is what ended it.
            Err((_, written)) if abort.load(Ordering::Acquire) => Err((Failure::Aborted, written)),
            other => other,
        }
    })
}

/// One read, retried on `Interrupted`.
fn read_some(reader: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match reader.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader handing out `data` in uneven pieces, then failing if asked.
    struct Uneven<'a> {
        data: &'a [u8],
        fail_at_end: bool,
    }

    impl Read for Uneven<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.data.is_empty() {
                return match self.fail_at_end {
                    true => Err(io::Error::new(io::ErrorKind::UnexpectedEof, "cut")),
                    false => Ok(0),
                };
            }
            let n = buf
                .len()
                .min(self.data.len())
                .min(1 + self.data.len() % 70_000);
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 % 253) as u8).collect()
    }

    #[test]
    fn copies_everything_in_order() {
        let input = data(3_000_000);
        let mut out = Vec::new();
        let mut r = Uneven {
            data: &input,
            fail_at_end: false,
        };
        let n = pipe(
            &mut r,
            |chunk| {
                out.extend_from_slice(chunk);
                Ok(())
            },
            &AtomicBool::new(false),
        )
        .unwrap();
        assert_eq!(n, input.len() as u64);
        assert_eq!(out, input);
    }

    #[test]
    fn reports_a_read_failure() {
        let input = data(500_000);
        let mut r = Uneven {
            data: &input,
            fail_at_end: true,
        };
        let err = pipe(&mut r, |_| Ok(()), &AtomicBool::new(false)).unwrap_err();
        assert!(matches!(err, (Failure::Read(_), 500_000)), "{err:?}");
    }

    #[test]
    fn reports_a_write_failure_and_stops_reading() {
        let input = data(5_000_000);
        let mut r = Uneven {
            data: &input,
            fail_at_end: false,
        };
        let mut calls = 0;
        let write = |_: &[u8]| {
            calls += 1;
            if calls == 2 {
                Err(io::Error::new(io::ErrorKind::BrokenPipe, "gone"))
            } else {
                Ok(())
            }
        };
        let err = pipe(&mut r, write, &AtomicBool::new(false)).unwrap_err();
        assert!(matches!(err.0, Failure::Write(_)), "{err:?}");
        // Stopped early: the reader did not drain the whole input.
        assert!(r.data.len() > 1_000_000, "{}", r.data.len());
    }

    /// An endless reader that sets `abort` once it has handed out `after` bytes.
    struct AbortAfter<'a> {
        after: usize,
        given: usize,
        abort: &'a AtomicBool,
    }

    impl Read for AbortAfter<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.given >= self.after {
                self.abort.store(true, Ordering::Release);
            }
            let n = buf.len().min(10_000);
            buf[..n].fill(7);
            self.given += n;
            Ok(n)
        }
    }

    #[test]
    fn stops_at_the_next_chunk_once_aborted() {
        let abort = AtomicBool::new(false);
        let mut r = AbortAfter {
            after: 1_000_000,
            given: 0,
            abort: &abort,
        };
        let err = pipe(&mut r, |_| Ok(()), &abort).unwrap_err();
        assert!(matches!(err.0, Failure::Aborted), "{err:?}");
        // Stopped within a few chunks of the abort, not at the end of the input.
        assert!(r.given < 1_000_000 + 10 * CHUNK_BYTES, "{}", r.given);
    }

    #[test]
    fn an_abort_before_the_start_copies_nothing() {
        let input = data(100);
        let mut r = Uneven {
            data: &input,
            fail_at_end: false,
        };
        let mut wrote = false;
        let err = pipe(
            &mut r,
            |_| {
                wrote = true;
                Ok(())
            },
            &AtomicBool::new(true),
        )
        .unwrap_err();
        assert!(matches!(err, (Failure::Aborted, 0)), "{err:?}");
        assert!(!wrote);
    }

    /// A read that is stuck when the abort comes, then times out.
    struct StuckUntilAbort<'a>(&'a AtomicBool);

    impl Read for StuckUntilAbort<'_> {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            self.0.store(true, Ordering::Release);
            Err(io::Error::new(io::ErrorKind::TimedOut, "stalled"))
        }
    }

    #[test]
    fn a_read_that_times_out_after_the_abort_counts_as_the_abort() {
        let abort = AtomicBool::new(false);
        let err = pipe(&mut StuckUntilAbort(&abort), |_| Ok(()), &abort).unwrap_err();
        assert!(matches!(err, (Failure::Aborted, 0)), "{err:?}");
    }
}
