//! # Transfer gate
//!
//! Each running download or upload holds a few fixed buffers (`pipe`), so
//! their number across all sessions is what bounds memory: a gate lets
//! `--workers` of them stream at once and makes the rest wait their turn.
//! Pages, logins and listings never wait here.

use super::session::lock;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// A counting semaphore with a timed wait.
#[derive(Debug)]
pub struct Gate {
    running: Mutex<usize>,
    max: usize,
    freed: Condvar,
}

/// A place inside the gate, given back when dropped.
pub struct Turn<'a>(&'a Gate);

impl Gate {
    pub fn new(max: usize) -> Gate {
        Gate {
            running: Mutex::new(0),
            max: max.max(1),
            freed: Condvar::new(),
        }
    }

    /// Waits up to `wait` for a turn.
    pub fn enter(&self, wait: Duration) -> Option<Turn<'_>> {
        let deadline = Instant::now() + wait;
        let mut running = lock(&self.running);
        while *running >= self.max {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            running = match self.freed.wait_timeout(running, left) {
                Ok((r, _)) => r,
                Err(p) => p.into_inner().0,
            };
        }
        *running += 1;
        Some(Turn(self))
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        *lock(&self.0.running) -= 1;
        self.0.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lets_max_in_and_the_next_after_one_leaves() {
        let gate = Gate::new(2);
        let a = gate.enter(Duration::ZERO).unwrap();
        let _b = gate.enter(Duration::ZERO).unwrap();
        assert!(gate.enter(Duration::from_millis(10)).is_none());
        drop(a);
        assert!(gate.enter(Duration::ZERO).is_some());
    }

    #[test]
    fn a_waiter_gets_the_turn_that_is_given_back() {
        let gate = std::sync::Arc::new(Gate::new(1));
        let held = gate.enter(Duration::ZERO).unwrap();
        let waiter = {
            let gate = gate.clone();
            std::thread::spawn(move || gate.enter(Duration::from_secs(30)).is_some())
        };
        std::thread::sleep(Duration::from_millis(20));
        drop(held);
        assert!(waiter.join().unwrap());
    }
}
