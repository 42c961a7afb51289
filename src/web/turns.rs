//! # Turns
//!
//! The hand-over between a relay's two threads (`pipe`, `splice`): a few
//! buffers go round; the filling side takes an empty one, fills it and
//! hands it on, the emptying side takes the oldest full one, empties it and
//! gives it back. Either side ending wakes the other: the filler closing
//! leaves the full buffers to be emptied, then nothing; the emptier stopping
//! leaves the filler without an empty buffer. A mutex and a condvar, held
//! only to move a buffer, never during I/O: std's channels did the same in
//! ~20 KiB more code of the aarch64 binary (measured; BENCHMARKS.md).

use super::session::lock;
use std::sync::{Condvar, Mutex, MutexGuard};

/// The buffers of one relay and who holds which.
pub struct Turns<B> {
    state: Mutex<State<B>>,
    changed: Condvar,
}

struct State<B> {
    empty: Vec<B>,
    /// Oldest first, with the bytes each holds.
    full: Vec<(B, usize)>,
    closed: bool,
    stopped: bool,
    /// Threads waiting on `changed`: a change wakes them only if there are
    /// any (a wake is a system call; a relay makes thousands of changes).
    waiting: usize,
}

impl<B> Turns<B> {
    /// All `buffers` empty, for the filler to take.
    pub fn new(buffers: Vec<B>) -> Turns<B> {
        let full = Vec::with_capacity(buffers.len());
        Turns {
            state: Mutex::new(State {
                empty: buffers,
                full,
                closed: false,
                stopped: false,
                waiting: 0,
            }),
            changed: Condvar::new(),
        }
    }

    /// For the filler: an empty buffer, waiting for one to come back;
    /// `None` once the emptier has stopped.
    pub fn take_empty(&self) -> Option<B> {
        let mut state = lock(&self.state);
        loop {
            if state.stopped {
                return None;
            }
            if let Some(buf) = state.empty.pop() {
                return Some(buf);
            }
            state = self.wait(state);
        }
    }

    /// For the filler: hands on a buffer holding `n` bytes.
    pub fn hand_on(&self, buf: B, n: usize) {
        self.change(|state| state.full.push((buf, n)));
    }

    /// For the filler: nothing more comes (also when the filler fails).
    pub fn close(&self) {
        self.change(|state| state.closed = true);
    }

    /// For the emptier: the oldest full buffer, waiting for one; `None` once
    /// the filler closed and every full buffer was taken.
    pub fn take_full(&self) -> Option<(B, usize)> {
        let mut state = lock(&self.state);
        loop {
            if !state.full.is_empty() {
                return Some(state.full.remove(0));
            }
            if state.closed {
                return None;
            }
            state = self.wait(state);
        }
    }

    /// For the emptier: gives an emptied buffer back.
    pub fn give_back(&self, buf: B) {
        self.change(|state| state.empty.push(buf));
    }

    /// For the emptier: it takes no more (also when it fails or panics).
    pub fn stop(&self) {
        self.change(|state| state.stopped = true);
    }

    fn change(&self, what: impl FnOnce(&mut State<B>)) {
        let mut state = lock(&self.state);
        what(&mut state);
        let wake = state.waiting > 0;
        drop(state);
        if wake {
            self.changed.notify_all();
        }
    }

    fn wait<'s>(&self, mut state: MutexGuard<'s, State<B>>) -> MutexGuard<'s, State<B>> {
        state.waiting += 1;
        let mut state = self.changed.wait(state).unwrap_or_else(|p| p.into_inner());
        state.waiting -= 1;
        state
    }
}

/// Closes (on the filler's side) or stops (on the emptier's) when dropped,
/// so a side that returns early or panics never leaves the other waiting.
pub struct Ending<'a, B> {
    turns: &'a Turns<B>,
    filler: bool,
}

impl<'a, B> Ending<'a, B> {
    pub fn filler(turns: &'a Turns<B>) -> Self {
        Ending {
            turns,
            filler: true,
        }
    }

    pub fn emptier(turns: &'a Turns<B>) -> Self {
        Ending {
            turns,
            filler: false,
        }
    }
}

impl<B> Drop for Ending<'_, B> {
    fn drop(&mut self) {
        match self.filler {
            true => self.turns.close(),
            false => self.turns.stop(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_go_round_in_order_until_the_filler_closes() {
        let turns = Turns::new(vec![0u32, 0]);
        std::thread::scope(|s| {
            s.spawn(|| {
                let _end = Ending::filler(&turns);
                for n in 1..=100 {
                    let buf = turns.take_empty().unwrap();
                    turns.hand_on(buf + n as u32, n);
                }
            });
            let mut seen = Vec::new();
            while let Some((buf, n)) = turns.take_full() {
                seen.push(n);
                turns.give_back(buf - n as u32);
            }
            assert_eq!(seen, (1..=100).collect::<Vec<_>>());
        });
    }

    #[test]
    fn a_stopped_emptier_ends_the_fillers_wait() {
        let turns = Turns::new(vec![(), ()]);
        std::thread::scope(|s| {
            s.spawn(|| {
                let _end = Ending::emptier(&turns);
                let _ = turns.take_full();
                // Stops without giving the buffer back.
            });
            let mut taken = 0;
            while let Some(buf) = turns.take_empty() {
                taken += 1;
                turns.hand_on(buf, 1);
            }
            assert!(taken <= 3, "{taken}");
        });
    }

    #[test]
    fn a_panicking_emptier_ends_the_fillers_wait_too() {
        let turns = Turns::new(vec![(), ()]);
        let panicked = std::thread::scope(|s| {
            let emptier = s.spawn(|| {
                let _end = Ending::emptier(&turns);
                let _ = turns.take_full();
                panic!("a bug in the emptier");
            });
            while let Some(buf) = turns.take_empty() {
                turns.hand_on(buf, 1);
            }
            emptier.join().is_err()
        });
        assert!(panicked);
    }
}
