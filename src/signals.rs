//! # Signals
//!
//! SIGTERM (what `systemctl stop` sends) and SIGINT (Ctrl-C) start a graceful
//! stop. std has no signal API and the crate forbids `unsafe`, so signal-hook
//! installs the handlers; each handler only stores the signal's number and
//! writes one byte to a pipe (both async-signal-safe), and a thread blocked on
//! the pipe turns that into an ordinary call. A second signal while stopping
//! ends the process at once, for a person who will not wait for the grace.

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::flag;
use signal_hook::low_level::pipe;
use std::io::{self, PipeReader, Read};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// Exit status when a second signal cuts the graceful stop short.
pub const FORCED_EXIT: i32 = 1;

/// Installed handlers whose first signal has not been forwarded yet.
pub struct Signals {
    reader: PipeReader,
    which: Arc<AtomicUsize>,
}

/// Installs the handlers for SIGTERM and SIGINT. Call it before serving: a
/// signal that arrives before [`Signals::forward`] waits in the pipe instead
/// of killing the process.
pub fn listen() -> io::Result<Signals> {
    // A plain pipe, not a socket pair: the systemd unit may forbid AF_UNIX.
    let (reader, writer) = io::pipe()?;
    let which = Arc::new(AtomicUsize::new(0));
    let stopping = Arc::new(AtomicBool::new(false));
    for signal in [SIGTERM, SIGINT] {
        // signal-hook runs a signal's actions in the order they were added:
        // the forced exit must come before `stopping` is set, so the first
        // signal finds it unset and only the second one exits.
        flag::register_conditional_shutdown(signal, FORCED_EXIT, stopping.clone())?;
        flag::register(signal, stopping.clone())?;
        flag::register_usize(signal, which.clone(), signal as usize)?;
        pipe::register(signal, writer.try_clone()?)?;
    }
    Ok(Signals { reader, which })
}

impl Signals {
    /// Calls `on_signal` with the signal's name ("SIGTERM", "SIGINT") on a
    /// background thread when the first signal arrives.
    pub fn forward(self, on_signal: impl FnOnce(&'static str) + Send + 'static) -> io::Result<()> {
        let Signals { mut reader, which } = self;
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                let mut byte = [0u8; 1];
                loop {
                    match reader.read(&mut byte) {
                        Ok(1) => break,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        // The write ends live in the handlers for good: not reached.
                        _ => return,
                    }
                }
                on_signal(name(which.load(Ordering::SeqCst) as i32));
            })?;
        Ok(())
    }
}

/// The name of a signal this module handles.
/// Calls `on_hangup` on a thread of its own each time SIGHUP arrives (the
/// HTTPS certificate reload), for as long as the process runs.
pub fn on_hangup(on_hangup: impl Fn() + Send + 'static) -> io::Result<()> {
    let (mut reader, writer) = io::pipe()?;
    pipe::register(SIGHUP, writer)?;
    std::thread::Builder::new()
        .name("sighup".into())
        .spawn(move || {
            let mut byte = [0u8; 1];
            loop {
                match reader.read(&mut byte) {
                    Ok(1) => on_hangup(),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    _ => return,
                }
            }
        })?;
    Ok(())
}

fn name(signal: i32) -> &'static str {
    match signal {
        SIGTERM => "SIGTERM",
        SIGINT => "SIGINT",
        _ => "a signal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_signals() {
        assert_eq!(name(SIGTERM), "SIGTERM");
        assert_eq!(name(SIGINT), "SIGINT");
        assert_eq!(name(0), "a signal");
    }

    #[test]
    fn forwards_the_first_signal_by_name() {
        let signals = listen().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        signals.forward(move |name| tx.send(name).unwrap()).unwrap();
        signal_hook::low_level::raise(SIGINT).unwrap();
        let got = rx.recv_timeout(std::time::Duration::from_secs(10));
        assert_eq!(got, Ok("SIGINT"));
    }
}
