//! # FTPS settings
//!
//! Whether to use TLS (RFC 4217) and what to trust: the system's CA store,
//! an extra CA file, and certificates a person pinned by fingerprint. Plain
//! data, so the settings exist (and say "off") in a build without TLS.

use super::cert::Fingerprint;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

/// When to use TLS on the control and data connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain FTP; AUTH TLS is never sent.
    Off,
    /// TLS when the server accepts `AUTH TLS`, plain FTP when it refuses.
    /// The default with the `tls` feature.
    Prefer,
    /// TLS or nothing: a refused `AUTH TLS` is [`Error::TlsRequired`],
    /// before the user name or password is sent.
    ///
    /// [`Error::TlsRequired`]: super::Error::TlsRequired
    Require,
    /// TLS from the first byte (port 990 style), before the greeting.
    Implicit,
}

impl TlsMode {
    /// Every policy, in the order a person is offered them.
    pub const ALL: [TlsMode; 4] = [
        TlsMode::Prefer,
        TlsMode::Require,
        TlsMode::Implicit,
        TlsMode::Off,
    ];

    /// The policy's word in flags and forms: `prefer`, `require`, `implicit`, `off`.
    pub fn word(self) -> &'static str {
        match self {
            TlsMode::Prefer => "prefer",
            TlsMode::Require => "require",
            TlsMode::Implicit => "implicit",
            TlsMode::Off => "off",
        }
    }

    /// The policy a word names.
    pub fn from_word(word: &str) -> Option<TlsMode> {
        TlsMode::ALL.into_iter().find(|m| m.word() == word)
    }
}

impl Default for TlsMode {
    fn default() -> Self {
        if cfg!(feature = "tls") {
            TlsMode::Prefer
        } else {
            TlsMode::Off
        }
    }
}

/// Certificates accepted for a server by their fingerprint, keyed by
/// `host:port` as given to [`Client::connect`] (host lower-cased). Shared:
/// clones see the same pins, so the web layer fills it once a person has
/// confirmed a certificate, and every later connection reads it.
///
/// [`Client::connect`]: super::Client::connect
#[derive(Debug, Clone, Default)]
pub struct PinStore(Arc<RwLock<HashMap<String, Fingerprint>>>);

impl PinStore {
    /// The key of a server: `host:port`, host lower-cased, IPv6 without brackets.
    pub fn key(host: &str, port: u16) -> String {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        format!("{}:{port}", host.to_ascii_lowercase())
    }

    /// The pinned fingerprint for `key`.
    pub fn get(&self, key: &str) -> Option<Fingerprint> {
        let pins = self.0.read().unwrap_or_else(|p| p.into_inner());
        pins.get(key).copied()
    }

    /// Pins `fingerprint` for `key`, replacing any earlier pin.
    pub fn set(&self, key: impl Into<String>, fingerprint: Fingerprint) {
        let mut pins = self.0.write().unwrap_or_else(|p| p.into_inner());
        pins.insert(key.into(), fingerprint);
    }

    /// A separate store with these pins and `fingerprint` for `key` too: one
    /// login attempt trusts a certificate a person just confirmed, without
    /// every other session trusting it before that login succeeded.
    pub fn with(&self, key: impl Into<String>, fingerprint: Fingerprint) -> PinStore {
        let mut pins = self.0.read().unwrap_or_else(|p| p.into_inner()).clone();
        pins.insert(key.into(), fingerprint);
        PinStore(Arc::new(RwLock::new(pins)))
    }

    /// Every pin, sorted by key (to save them).
    pub fn entries(&self) -> Vec<(String, Fingerprint)> {
        let pins = self.0.read().unwrap_or_else(|p| p.into_inner());
        let mut all: Vec<(String, Fingerprint)> =
            pins.iter().map(|(k, v)| (k.clone(), *v)).collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    /// Forgets the pin of `key`; the CA store decides again.
    pub fn remove(&self, key: &str) -> Option<Fingerprint> {
        let mut pins = self.0.write().unwrap_or_else(|p| p.into_inner());
        pins.remove(key)
    }
}

/// What a server's certificate is checked against.
#[derive(Debug, Clone)]
pub struct Trust {
    /// Trust the CAs in [`SYSTEM_CA_FILE`] (when the file exists).
    pub system_roots: bool,
    /// A PEM file of further CA certificates (a company or test CA).
    pub extra_ca: Option<PathBuf>,
    /// Certificates pinned by fingerprint: for a pinned server only the
    /// pinned certificate is accepted, whatever the CAs say.
    pub pins: PinStore,
}

/// Debian's (and most distributions') bundle of trusted CA certificates.
pub const SYSTEM_CA_FILE: &str = "/etc/ssl/certs/ca-certificates.crt";

impl Default for Trust {
    fn default() -> Self {
        Trust {
            system_roots: true,
            extra_ca: None,
            pins: PinStore::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_key_lowercases_and_unbrackets() {
        assert_eq!(PinStore::key("FTP.Example.com", 21), "ftp.example.com:21");
        assert_eq!(PinStore::key("[::1]", 990), "::1:990");
    }

    #[test]
    fn clones_share_pins() {
        let pins = PinStore::default();
        let other = pins.clone();
        let fp = Fingerprint::of(b"cert");
        other.set("h:21", fp);
        assert_eq!(pins.get("h:21"), Some(fp));
        assert_eq!(pins.remove("h:21"), Some(fp));
        assert_eq!(other.get("h:21"), None);
    }
}
