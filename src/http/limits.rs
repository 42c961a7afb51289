//! # Limits
//!
//! Every cap and deadline of the HTTP server, each a named constant with the
//! status a client gets past it (README "Limits" lists them). A cap is
//! enforced while reading: memory never holds more than the cap.

use std::time::Duration;

/// Longest request line (method, target, version): past it, 414.
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// Longest single header line: past it, 431.
pub const MAX_HEADER_LINE: usize = 8 * 1024;
/// Most header lines in one request: past it, 431.
pub const MAX_HEADERS: usize = 64;
/// Largest whole request head: past it, 431.
pub const MAX_HEAD: usize = 32 * 1024;
/// Longest chunk-size line of a chunked body, extensions included: past it, 400.
pub const MAX_CHUNK_LINE: usize = 1024;
/// Most trailer lines after the last chunk (each also ≤ `MAX_HEADER_LINE`): past it, 400.
pub const MAX_TRAILERS: usize = 16;
/// A body the handler left unread is read and dropped up to this size, to
/// keep the connection; a larger one closes the connection instead.
pub const MAX_DRAIN: u64 = 256 * 1024;
/// How long draining an unread body, or a lingering close, may take.
pub const DRAIN_DEADLINE: Duration = Duration::from_secs(2);
/// Size of each connection's input buffer while it reads a body (a head may
/// grow it up to `MAX_HEAD`; it shrinks back after).
pub const INPUT_BUFFER: usize = 8 * 1024;
/// How often a waiting connection looks up from its read to see whether the
/// server is stopping or short of connections (then an idle one closes).
pub const IDLE_TICK: Duration = Duration::from_millis(500);
/// `Retry-After` of the 503 given to a connection over a cap, in seconds.
pub const RETRY_AFTER_SECS: u32 = 2;
/// Stack of each connection thread: handlers keep big buffers on the heap.
pub const THREAD_STACK: usize = 256 * 1024;
/// File descriptors kept out of the connection cap for FTP sockets, logs
/// and the listener (see `Config::effective_max_connections`).
pub const RESERVED_FDS: usize = 32;

/// The server's tunable limits (`ftpgate --help` names the flags).
#[derive(Debug, Clone)]
pub struct Config {
    /// The whole request head must arrive within this, however it trickles: 408.
    pub head_timeout: Duration,
    /// A kept-alive connection with no new request for this long is closed.
    pub idle_timeout: Duration,
    /// A body read or a response write may stall this long.
    pub io_timeout: Duration,
    /// Most open connections in total; past it, idle ones are closed first, then 503.
    pub max_connections: usize,
    /// Most open connections from one client address: past it, 503.
    pub max_per_ip: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            head_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(15),
            io_timeout: Duration::from_secs(20),
            max_connections: 256,
            max_per_ip: 32,
        }
    }
}

impl Config {
    /// `max_connections`, lowered so that connections (one descriptor each,
    /// plus about one FTP socket behind each) cannot exhaust the process's
    /// descriptor limit: running out must shed connections, never stop the
    /// server. The limit is read from /proc (no unsafe `getrlimit` call).
    pub fn effective_max_connections(&self) -> usize {
        match open_files_limit() {
            Some(limit) => self
                .max_connections
                .min(limit.saturating_sub(RESERVED_FDS) / 2)
                .max(1),
            None => self.max_connections,
        }
    }
}

/// The soft `RLIMIT_NOFILE` from `/proc/self/limits`.
fn open_files_limit() -> Option<usize> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    parse_open_files(&text)
}

fn parse_open_files(limits: &str) -> Option<usize> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let soft = line["Max open files".len()..].split_whitespace().next()?;
    soft.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_soft_open_files_limit() {
        let text = "Limit                     Soft Limit           Hard Limit           Units\n\
                    Max processes             95000                95000                processes\n\
                    Max open files            1024                 524288               files\n";
        assert_eq!(parse_open_files(text), Some(1024));
        assert_eq!(
            parse_open_files("Max open files  unlimited  unlimited  files"),
            None
        );
        assert_eq!(parse_open_files(""), None);
    }

    #[test]
    fn the_connection_cap_leaves_room_for_ftp_sockets() {
        let c = Config::default();
        let cap = c.effective_max_connections();
        assert!((1..=c.max_connections).contains(&cap), "{cap}");
        if let Some(limit) = open_files_limit().filter(|l| *l > RESERVED_FDS + 2) {
            assert!(
                cap * 2 + RESERVED_FDS <= limit,
                "{cap} connections, limit {limit}"
            );
        }
    }
}
