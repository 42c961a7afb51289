//! Shared test harness: the FTP servers the integration tests run against.
//!
//! Always the in-process libunftp server; plus every server named in
//! `FTPGATE_TEST_SERVERS` (`name=ftp://user:pass@host:port;...`), which `.ci/run`
//! sets for Debian's vsftpd and PyPI's pyftpdlib. Under `CI=true` a missing
//! server is a failure, never a silent skip.

#![allow(dead_code)] // each test binary uses a different part of the harness

pub mod fake;
#[cfg(feature = "tls")]
pub mod fake_tls;
pub mod http;
pub mod process;
pub mod raw;
pub mod unftp;
pub mod web;

use ftpgate::ftp::{Client, Config};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// Servers CI must provide.
pub const CI_SERVERS: [&str; 2] = ["vsftpd", "pyftpdlib"];

/// One real FTP server to test against.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
}

impl Target {
    /// A fresh, logged-in client.
    pub fn login(&self) -> Client {
        let mut c = Client::connect(&self.host, self.port, &Config::default())
            .unwrap_or_else(|e| panic!("{}: connect: {e}", self.name));
        c.login(&self.user, &self.password)
            .unwrap_or_else(|e| panic!("{}: login: {e}", self.name));
        c
    }
}

/// The in-process server's account.
pub const USER: &str = "ftpgate";
pub const PASSWORD: &str = "s3cret pass";

/// The in-process server for this test binary, started on first use.
pub fn local_server() -> &'static unftp::Unftp {
    static SERVER: OnceLock<unftp::Unftp> = OnceLock::new();
    SERVER.get_or_init(|| unftp::start(temp_dir("unftp-root"), USER, PASSWORD))
}

/// Every server to run the suite against.
pub fn targets() -> Vec<Target> {
    let mut all = vec![Target {
        name: "libunftp".into(),
        host: "127.0.0.1".into(),
        port: local_server().port,
        user: USER.into(),
        password: PASSWORD.into(),
    }];
    let env = std::env::var("FTPGATE_TEST_SERVERS").unwrap_or_default();
    all.extend(
        env.split(';')
            .filter(|s| !s.trim().is_empty())
            .map(parse_target),
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        for name in CI_SERVERS {
            assert!(
                all.iter().any(|t| t.name == name),
                "CI=true but FTPGATE_TEST_SERVERS has no {name} server (got {env:?})"
            );
        }
    }
    all
}

fn parse_target(spec: &str) -> Target {
    try_parse_target(spec).unwrap_or_else(|| {
        panic!("bad FTPGATE_TEST_SERVERS entry {spec:?}: want name=ftp://user:pass@host:port")
    })
}

fn try_parse_target(spec: &str) -> Option<Target> {
    let (name, url) = spec.trim().split_once('=')?;
    let rest = url.strip_prefix("ftp://")?.trim_end_matches('/');
    let (cred, addr) = rest.rsplit_once('@')?;
    let (user, password) = cred.split_once(':')?;
    let (host, port) = addr.rsplit_once(':')?;
    Some(Target {
        name: name.to_string(),
        host: host.to_string(),
        port: port.parse().ok()?,
        user: user.to_string(),
        password: password.to_string(),
    })
}

/// A name no other test (or earlier run) uses.
pub fn unique(prefix: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{prefix}-{}-{}-{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A new empty local directory under the system temp dir.
pub fn temp_dir(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(unique(prefix));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Creates a fresh directory in the login directory and returns its absolute path.
pub fn scratch(client: &mut Client, test: &str) -> Vec<u8> {
    let mut home = client.pwd().expect("pwd");
    if home.last() != Some(&b'/') {
        home.push(b'/');
    }
    home.extend_from_slice(unique(test).as_bytes());
    client.mkd(&home).expect("mkd scratch");
    home
}

/// Joins a directory and a name with one slash.
pub fn join(dir: &[u8], name: impl AsRef<[u8]>) -> Vec<u8> {
    let mut p = dir.to_vec();
    if p.last() != Some(&b'/') {
        p.push(b'/');
    }
    p.extend_from_slice(name.as_ref());
    p
}

/// SHA-256 of bytes, hex.
pub fn sha256(data: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, data)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Deterministic pseudo-random bytes (xorshift), so round trips catch reordering.
pub fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}
