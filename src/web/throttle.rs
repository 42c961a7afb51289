//! # Login throttle
//!
//! Failed logins are counted per client address (IPv6 by /64, since one
//! machine can hold a whole /64): after `FREE_FAILURES` in `WINDOW`, that
//! address waits before its next try, twice as long each time up to
//! `MAX_BLOCK`, and gets 429 with `Retry-After` until then. Other addresses
//! are never slowed. The table is bounded: past `MAX_TRACKED` addresses the
//! stalest entry goes.

use super::session::lock;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed in a window before the first wait.
pub const FREE_FAILURES: u32 = 5;
/// How long failures are remembered after the last one.
pub const WINDOW: Duration = Duration::from_secs(10 * 60);
/// The first wait; each further failure while throttled doubles it.
pub const FIRST_BLOCK: Duration = Duration::from_secs(30);
/// The longest wait.
pub const MAX_BLOCK: Duration = Duration::from_secs(15 * 60);
/// Most addresses remembered at once.
pub const MAX_TRACKED: usize = 4096;

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last: Instant,
    blocked_until: Option<Instant>,
}

/// Failed logins per client address.
#[derive(Debug, Default)]
pub struct Throttle {
    table: Mutex<HashMap<IpAddr, Entry>>,
}

/// IPv4 as is, IPv6 by its /64.
fn key(ip: IpAddr) -> IpAddr {
    match crate::http::canonical(ip) {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        v4 => v4,
    }
}

impl Throttle {
    /// `Err(seconds)` while `ip` must wait.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let table = lock(&self.table);
        match table.get(&key(ip)).and_then(|e| e.blocked_until) {
            Some(until) if until > now => Err((until - now).as_secs().max(1)),
            _ => Ok(()),
        }
    }

    /// Counts a failed login from `ip`.
    pub fn failed(&self, ip: IpAddr, now: Instant) {
        let mut table = lock(&self.table);
        if table.len() >= MAX_TRACKED && !table.contains_key(&key(ip)) {
            table.retain(|_, e| now.duration_since(e.last) < WINDOW);
            if table.len() >= MAX_TRACKED {
                if let Some(stalest) = table.iter().min_by_key(|(_, e)| e.last).map(|(k, _)| *k) {
                    table.remove(&stalest);
                }
            }
        }
        let entry = table.entry(key(ip)).or_insert(Entry {
            failures: 0,
            last: now,
            blocked_until: None,
        });
        if now.duration_since(entry.last) >= WINDOW {
            entry.failures = 0;
        }
        entry.failures += 1;
        entry.last = now;
        if entry.failures >= FREE_FAILURES {
            let doublings = (entry.failures - FREE_FAILURES).min(16);
            let wait = FIRST_BLOCK.saturating_mul(1 << doublings).min(MAX_BLOCK);
            entry.blocked_until = Some(now + wait);
        }
    }

    /// A correct login from `ip` clears its record.
    pub fn succeeded(&self, ip: IpAddr) {
        lock(&self.table).remove(&key(ip));
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        lock(&self.table).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([192, 168, 1, last])
    }

    #[test]
    fn waits_after_five_failures_doubling_up_to_the_cap() {
        let t = Throttle::default();
        let now = Instant::now();
        for _ in 0..FREE_FAILURES - 1 {
            t.failed(ip(1), now);
            assert!(t.check(ip(1), now).is_ok());
        }
        t.failed(ip(1), now);
        assert_eq!(t.check(ip(1), now), Err(30));
        let later = now + FIRST_BLOCK;
        assert!(t.check(ip(1), later).is_ok());
        t.failed(ip(1), later);
        assert_eq!(t.check(ip(1), later), Err(60));
        for _ in 0..20 {
            t.failed(ip(1), later);
        }
        assert_eq!(t.check(ip(1), later), Err(MAX_BLOCK.as_secs()));
    }

    #[test]
    fn another_address_is_never_slowed_and_success_clears() {
        let t = Throttle::default();
        let now = Instant::now();
        for _ in 0..10 {
            t.failed(ip(1), now);
        }
        assert!(t.check(ip(1), now).is_err());
        assert!(t.check(ip(2), now).is_ok());
        t.succeeded(ip(1));
        assert!(t.check(ip(1), now).is_ok());
    }

    #[test]
    fn failures_are_forgotten_after_the_window() {
        let t = Throttle::default();
        let now = Instant::now();
        for _ in 0..FREE_FAILURES - 1 {
            t.failed(ip(1), now);
        }
        t.failed(ip(1), now + WINDOW);
        assert!(t.check(ip(1), now + WINDOW).is_ok());
    }

    #[test]
    fn ipv6_addresses_of_one_slash_64_share_a_record() {
        let t = Throttle::default();
        let now = Instant::now();
        for i in 0..FREE_FAILURES {
            t.failed(format!("2001:db8::{i}").parse().unwrap(), now);
        }
        assert!(t.check("2001:db8::ffff".parse().unwrap(), now).is_err());
        assert!(t.check("2001:db8:0:1::1".parse().unwrap(), now).is_ok());
    }

    #[test]
    fn the_table_is_bounded() {
        let t = Throttle::default();
        let now = Instant::now();
        for i in 0..(MAX_TRACKED as u32 + 10) {
            t.failed(
                IpAddr::from(i.to_be_bytes()),
                now + Duration::from_millis(i as u64),
            );
        }
        assert_eq!(t.len(), MAX_TRACKED);
    }
}
