//! # Unfinished resumable uploads of a session
//!
//! A resumable upload keeps its temporary file (its "part") on the FTP server
//! when the browser's connection is cut, so the next attempt can continue it.
//! This remembers which parts the session left there, for deleting them when
//! the session ends, and lets only one request write a part at a time: a
//! retry that arrives while the cut request is still closing its data
//! connection waits for it instead of writing the same file alongside.

use super::lock;
use std::collections::HashSet;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// Unfinished parts one session may leave on the server at once.
pub const MAX_PARTS: usize = 64;

/// The parts of one session.
#[derive(Debug, Default)]
pub struct Parts {
    inner: Mutex<Inner>,
    released: Condvar,
}

#[derive(Debug, Default)]
struct Inner {
    /// Parts a request is writing now.
    busy: HashSet<Vec<u8>>,
    /// Parts on the server, unfinished (FTP paths).
    left: HashSet<Vec<u8>>,
}

/// Why a part can't be written now.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Another request is still writing it.
    Busy,
    /// The session already has [`MAX_PARTS`] unfinished parts.
    TooMany,
}

/// The right to write one part; released when dropped.
#[derive(Debug)]
pub struct Claim<'a> {
    parts: &'a Parts,
    path: Vec<u8>,
}

impl Parts {
    /// Claims `path` for writing, waiting up to `wait` for a request that
    /// still holds it. Refused when the part is new and the session already
    /// left [`MAX_PARTS`] behind.
    pub fn claim(&self, path: &[u8], wait: Duration) -> Result<Claim<'_>, Refusal> {
        let deadline = Instant::now() + wait;
        let mut inner = lock(&self.inner);
        while inner.busy.contains(path) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Refusal::Busy);
            }
            inner = self
                .released
                .wait_timeout(inner, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
        if !inner.left.contains(path) && inner.left.len() >= MAX_PARTS {
            return Err(Refusal::TooMany);
        }
        inner.busy.insert(path.to_vec());
        Ok(Claim {
            parts: self,
            path: path.to_vec(),
        })
    }

    /// Takes the list of parts left on the server that no request is
    /// writing (the session is ending; a request still writing one deletes
    /// it itself when it sees the session ended).
    pub fn take_left(&self) -> Vec<Vec<u8>> {
        let mut inner = lock(&self.inner);
        let Inner { busy, left } = &mut *inner;
        let idle: Vec<Vec<u8>> = left
            .iter()
            .filter(|p| !busy.contains(*p))
            .cloned()
            .collect();
        for p in &idle {
            left.remove(p);
        }
        idle
    }
}

impl Claim<'_> {
    /// The part is (about to be) on the server: counted as left until
    /// [`Claim::finished`].
    pub fn writing(&self) {
        lock(&self.parts.inner).left.insert(self.path.clone());
    }

    /// The part is gone from the server (renamed into place or deleted).
    pub fn finished(&self) {
        lock(&self.parts.inner).left.remove(&self.path);
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        lock(&self.parts.inner).busy.remove(&self.path);
        self.parts.released.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    const NO_WAIT: Duration = Duration::ZERO;

    #[test]
    fn one_writer_per_part() {
        let parts = Parts::default();
        let claim = parts.claim(b"/a", NO_WAIT).unwrap();
        assert_eq!(parts.claim(b"/a", NO_WAIT).unwrap_err(), Refusal::Busy);
        let other = parts.claim(b"/b", NO_WAIT).unwrap();
        drop(claim);
        parts.claim(b"/a", NO_WAIT).unwrap();
        drop(other);
    }

    #[test]
    fn a_waiting_claim_gets_the_part_when_it_is_released() {
        let parts = Arc::new(Parts::default());
        let first = parts.claim(b"/a", NO_WAIT).unwrap();
        let waiter = {
            let parts = Arc::clone(&parts);
            std::thread::spawn(move || parts.claim(b"/a", Duration::from_secs(60)).is_ok())
        };
        std::thread::sleep(Duration::from_millis(50));
        drop(first);
        assert!(waiter.join().unwrap());
    }

    #[test]
    fn unfinished_parts_are_remembered_until_finished() {
        let parts = Parts::default();
        parts.claim(b"/cut", NO_WAIT).unwrap().writing();
        drop(parts.claim(b"/refused-early", NO_WAIT).unwrap());
        let done = parts.claim(b"/done", NO_WAIT).unwrap();
        done.writing();
        done.finished();
        let writing = parts.claim(b"/writing", NO_WAIT).unwrap();
        writing.writing();
        assert_eq!(parts.take_left(), vec![b"/cut".to_vec()]);
        assert!(parts.take_left().is_empty());
        drop(writing);
        assert_eq!(parts.take_left(), vec![b"/writing".to_vec()]);
    }

    #[test]
    fn caps_the_parts_left_behind() {
        let parts = Parts::default();
        for i in 0..MAX_PARTS {
            parts
                .claim(format!("/{i}").as_bytes(), NO_WAIT)
                .unwrap()
                .writing();
        }
        assert_eq!(
            parts.claim(b"/one-more", NO_WAIT).unwrap_err(),
            Refusal::TooMany
        );
        // A part already counted can still be continued.
        parts.claim(b"/0", NO_WAIT).unwrap().finished();
        parts.claim(b"/one-more", NO_WAIT).unwrap();
    }
}
