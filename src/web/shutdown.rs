//! # Shutdown
//!
//! A graceful stop, for SIGTERM from systemd and Ctrl-C: refuse new
//! connections, give running requests a grace period, then cut the transfers
//! still running at their next chunk (an upload then deletes its temporary
//! file and is never renamed into place), QUIT every FTP session, report.
//! The state lives in `App`, shared by the request threads and the thread
//! that stops the server.

use super::format::count;
use super::Running;
use crate::{log_info, log_warn};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// After the abort, how much longer than `--http-timeout` requests get to
/// clean up: a browser that stalled mid-upload holds its request in a read
/// for up to that timeout, then the temporary file is deleted over FTP.
const CLEANUP_MARGIN: Duration = Duration::from_secs(5);

/// Why [`Running::wait`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A [`Stopper`] asked (the binary's signal thread), for this reason.
    Requested(&'static str),
    /// The listening socket broke: nothing more will come (exit non-zero).
    ListenerFailed,
}

/// What a graceful stop did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Requests running when the stop began.
    pub running: usize,
    /// Transfers cut when the grace period was over.
    pub aborted: usize,
    /// Requests that had still not ended when ftpgate stopped waiting.
    pub abandoned: usize,
    /// FTP sessions logged out.
    pub sessions: usize,
}

/// The stop state every request thread can see.
#[derive(Debug, Default)]
pub struct Shutdown {
    /// Set when the stop begins (always with `state` locked, see [`Shutdown::enter`]).
    stopping: AtomicBool,
    /// Set when the grace period is over: pipes fail at their next chunk.
    abort: AtomicBool,
    /// Transfers that failed because of `abort`.
    aborted: AtomicUsize,
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct State {
    /// Requests being handled.
    busy: usize,
    /// The first reason to stop waiting in [`Running::wait`].
    event: Option<Event>,
}

/// A request in progress: the stop waits for it until it is dropped.
pub struct Busy<'a>(&'a Shutdown);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.lock().busy -= 1;
        self.0.changed.notify_all();
    }
}

impl Shutdown {
    fn lock(&self) -> MutexGuard<'_, State> {
        super::session::lock(&self.state)
    }

    /// Counts a new request in, or `None` once the stop has begun. Checked and
    /// counted under the lock the stop takes to read the count, so no request
    /// can slip in after the stop has looked.
    pub fn enter(&self) -> Option<Busy<'_>> {
        let mut state = self.lock();
        if self.stopping.load(Ordering::Acquire) {
            return None;
        }
        state.busy += 1;
        Some(Busy(self))
    }

    /// Whether the stop has begun.
    pub fn stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }

    /// The flag transfers check between chunks (see `pipe`).
    pub fn abort_flag(&self) -> &AtomicBool {
        &self.abort
    }

    /// Whether the grace period is over.
    pub fn aborting(&self) -> bool {
        self.abort.load(Ordering::Acquire)
    }

    /// Records a transfer cut by the abort.
    pub fn count_aborted(&self) {
        self.aborted.fetch_add(1, Ordering::AcqRel);
    }

    /// Wakes [`Running::wait`]; the first event wins.
    pub fn notify(&self, event: Event) {
        self.lock().event.get_or_insert(event);
        self.changed.notify_all();
    }

    /// Blocks until [`Shutdown::notify`].
    fn wait_event(&self) -> Event {
        let state = self.lock();
        let state = self
            .changed
            .wait_while(state, |s| s.event.is_none())
            .unwrap_or_else(|p| p.into_inner());
        state.event.unwrap_or(Event::ListenerFailed)
    }

    /// Turns new requests away; returns how many are running.
    pub(super) fn begin(&self) -> usize {
        let state = self.lock();
        self.stopping.store(true, Ordering::Release);
        state.busy
    }

    /// Waits until no request is running or `timeout` passed; returns how many still are.
    pub(super) fn wait_idle(&self, timeout: Duration) -> usize {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        while state.busy > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            state = match self.changed.wait_timeout(state, left) {
                Ok((s, _)) => s,
                Err(p) => p.into_inner().0,
            };
        }
        state.busy
    }
}

/// Asks a running server to stop, from another thread.
#[derive(Clone)]
pub struct Stopper(Arc<super::App>);

impl Stopper {
    /// Makes [`Running::wait`] return [`Event::Requested`] with `why`.
    pub fn request(&self, why: &'static str) {
        self.0.shutdown.notify(Event::Requested(why));
    }
}

impl Running {
    /// A handle that makes [`Running::wait`] return.
    pub fn stopper(&self) -> Stopper {
        Stopper(self.app.clone())
    }

    /// Blocks until a [`Stopper`] asks or the listener fails.
    pub fn wait(&self) -> Event {
        self.app.shutdown.wait_event()
    }

    /// Stops gracefully: new connections are refused at once (requests that
    /// were already received get 503), running requests get `grace` to end,
    /// then transfers are cut and get a little longer to clean up; finally
    /// every session's FTP connections QUIT. Threads still stuck after that
    /// are left behind: the caller is about to exit.
    pub fn shutdown(mut self, why: &str, grace: Duration) -> Outcome {
        let shutdown = &self.app.shutdown;
        let running = shutdown.begin();
        match self.server.stop_listening() {
            Ok(()) => log_info!("stopping ({why}): new connections are refused"),
            Err(e) => log_warn!("stopping ({why}): the socket stays open ({e}); requests get 503"),
        }
        let mut left = running;
        if running > 0 {
            log_info!(
                "{} still running, waiting up to {} s",
                count(running, "request"),
                grace.as_secs()
            );
            left = shutdown.wait_idle(grace);
        }
        if left > 0 {
            log_warn!("grace period over: cutting {}", count(left, "request"));
            shutdown.abort.store(true, Ordering::Release);
            left = shutdown.wait_idle(self.app.config.http_timeout + CLEANUP_MARGIN);
            let aborted = shutdown.aborted.load(Ordering::Acquire);
            log_warn!("aborted {}", count(aborted, "transfer"));
        }
        if left > 0 {
            log_warn!(
                "{} did not end in time; stopping anyway",
                count(left, "request")
            );
        }
        let sessions = self.app.sessions.drain();
        for s in &sessions {
            s.pool.close_all();
        }
        log_info!(
            "stopped ({} logged out)",
            count(sessions.len(), "FTP session")
        );
        Outcome {
            running,
            aborted: shutdown.aborted.load(Ordering::Acquire),
            abandoned: left,
            sessions: sessions.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_request_enters_once_stopping() {
        let s = Shutdown::default();
        let busy = s.enter().expect("not stopping yet");
        assert_eq!(s.begin(), 1);
        assert!(s.enter().is_none());
        drop(busy);
        assert_eq!(s.wait_idle(Duration::ZERO), 0);
    }

    #[test]
    fn waits_for_running_requests_up_to_the_timeout() {
        let s = Arc::new(Shutdown::default());
        let (entered_tx, entered) = std::sync::mpsc::channel();
        let (release, release_rx) = std::sync::mpsc::channel::<()>();
        let request = {
            let s = s.clone();
            std::thread::spawn(move || {
                let _busy = s.enter().expect("not stopping yet");
                entered_tx.send(()).unwrap();
                let _ = release_rx.recv();
            })
        };
        entered.recv().unwrap();
        assert_eq!(s.begin(), 1);
        assert_eq!(s.wait_idle(Duration::from_millis(20)), 1);
        release.send(()).unwrap();
        assert_eq!(s.wait_idle(Duration::from_secs(30)), 0);
        request.join().unwrap();
    }

    #[test]
    fn the_first_event_wins() {
        let s = Shutdown::default();
        s.notify(Event::Requested("SIGTERM"));
        s.notify(Event::ListenerFailed);
        assert_eq!(s.wait_event(), Event::Requested("SIGTERM"));
    }
}
