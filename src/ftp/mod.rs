//! # The FTP client
//!
//! A blocking FTP client on `std::net`, hardened against hostile servers:
//! every socket has timeouts, every reply and listing has a cap, every argument
//! is checked for CR/LF/NUL before it reaches the wire. No HTTP in here.
//!
//! ```no_run
//! use ftpgate::ftp::{Client, Config};
//! use std::io::Read;
//! let mut ftp = Client::connect("ftp.example.com", 21, &Config::default())?;
//! ftp.login("anonymous", "guest@")?;
//! for entry in ftp.list("/pub")? {
//!     println!("{}", String::from_utf8_lossy(&entry.name));
//! }
//! let mut download = ftp.retr("/pub/README", 0)?;
//! let mut text = Vec::new();
//! download.read_to_end(&mut text)?;
//! download.finish()?;
//! ftp.quit();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// Every module is private; the items below are the whole API, so the
// compiler can tell what inside is dead (as ureq's lib.rs does).
mod cert;
mod client;
mod command;
mod control;
mod data;
mod error;
mod features;
mod ftps;
// Crate-visible for the fuzz entry points (crate::fuzz) only.
pub(crate) mod list;
mod listing;
mod login;
mod not_ftp;
mod parse;
pub(crate) mod reply;
mod stream;
#[cfg(feature = "tls")]
mod tls;
mod transfer;

pub use cert::{CertSummary, Fingerprint};
pub use client::Client;
pub use data::{Channel, DataMode};
pub use error::{Error, LoginStep, Result};
pub use features::Features;
pub use ftps::{PinStore, TlsMode, Trust, SYSTEM_CA_FILE};
pub use list::{days_from_civil, is_valid_name, Entry, Kind, MAX_MODE};
pub use listing::{Entries, EntryType, Pending, MAX_LINE_BYTES};
pub use not_ftp::NotFtp;
pub use reply::{codes, Reply};
pub use transfer::{Download, Head, Upload};

use std::time::Duration;

/// Default cap on the bytes of one directory listing.
pub const DEFAULT_MAX_LISTING_BYTES: usize = 16 * 1024 * 1024;
/// Default cap on the entries of one directory listing.
pub const DEFAULT_MAX_LISTING_ENTRIES: usize = 100_000;

/// Default for [`Config::login_timeout`]: a third of the 30 s io timeout,
/// ample for a greeting and two replies from any live server.
pub const DEFAULT_LOGIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Timeouts and caps for one client.
#[derive(Debug, Clone)]
pub struct Config {
    /// Time allowed for each TCP connect (control and data).
    pub connect_timeout: Duration,
    /// Time allowed for any single read or write to stall.
    pub io_timeout: Duration,
    /// Time allowed for the greeting and USER/PASS together, counted from
    /// the TCP connection: a server that trickles its bytes cannot hold a
    /// login (and the web request waiting on it) for longer. Shorter than
    /// `io_timeout`, because a live server greets at once.
    pub login_timeout: Duration,
    /// Most bytes accepted in one listing.
    pub max_listing_bytes: usize,
    /// Most entries accepted in one listing.
    pub max_listing_entries: usize,
    /// When to use FTPS (RFC 4217); [`TlsMode::Prefer`] by default with the
    /// `tls` feature, [`TlsMode::Off`] without it.
    pub tls: TlsMode,
    /// What the server's certificate is checked against.
    pub trust: Trust,
    /// Passive, active, or passive with active as the fallback.
    pub data_mode: DataMode,
    /// The ports active mode listens on (`None`: any the system picks).
    pub active_ports: Option<std::ops::RangeInclusive<u16>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            connect_timeout: Duration::from_secs(10),
            io_timeout: Duration::from_secs(30),
            login_timeout: DEFAULT_LOGIN_TIMEOUT,
            max_listing_bytes: DEFAULT_MAX_LISTING_BYTES,
            max_listing_entries: DEFAULT_MAX_LISTING_ENTRIES,
            tls: TlsMode::default(),
            trust: Trust::default(),
            data_mode: DataMode::default(),
            active_ports: None,
        }
    }
}
