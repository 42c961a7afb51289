//! Shared test harness: the FTP servers the integration tests run against.
//!
//! Always the in-process libunftp server; plus every server named in
//! `FTPGATE_TEST_SERVERS` (`name=ftp://user:pass@host:port;...`), which `.ci/run`
//! sets for Debian's vsftpd and PyPI's pyftpdlib. An `ftps://` entry is an
//! FTPS server (explicit AUTH TLS, required) whose certificate, pinned by
//! the tests, is the PEM file in `FTPGATE_TEST_TLS_CERT`; those are
//! [`tls_targets`], not [`targets`]. Under `CI=true` a missing server is a
//! failure, never a silent skip.

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
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// Servers CI must provide.
pub const CI_SERVERS: [&str; 2] = ["vsftpd", "pyftpdlib"];
/// FTPS servers CI must provide.
pub const CI_TLS_SERVERS: [&str; 2] = ["vsftpd-tls", "pyftpdlib-tls"];
/// Servers for one kind of test each, asked for by name ([`extra_target`]),
/// never in [`targets`]: vsftpd with passive mode off, pyftpdlib on `::1`.
pub const EXTRA_SERVERS: [&str; 2] = ["vsftpd-active", "pyftpdlib-v6"];

/// One real FTP server to test against.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    /// FTPS: the server's certificate (PEM file), pinned.
    pub tls_cert: Option<PathBuf>,
}

impl Target {
    /// The client settings for this server: under FTPS, TLS required and
    /// the certificate pinned.
    pub fn config(&self) -> Config {
        let Some(cert) = &self.tls_cert else {
            return Config::default();
        };
        tls_config(&self.host, self.port, cert)
    }

    /// A fresh, logged-in client.
    pub fn login(&self) -> Client {
        let mut c = Client::connect(&self.host, self.port, &self.config())
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
        tls_cert: None,
    }];
    all.extend(
        env_targets()
            .into_iter()
            .filter(|t| t.tls_cert.is_none() && !EXTRA_SERVERS.contains(&t.name.as_str())),
    );
    require_in_ci(&all, &CI_SERVERS);
    all
}

/// The server of `FTPGATE_TEST_SERVERS` called `name` (one of
/// [`EXTRA_SERVERS`] or [`CI_SERVERS`]); `None` outside CI when it is not
/// configured, a failure under `CI=true`.
pub fn named_target(name: &str) -> Option<Target> {
    let found = env_targets().into_iter().find(|t| t.name == name);
    if found.is_none() {
        require_in_ci(&[], &[name]);
        eprintln!("skipping: FTPGATE_TEST_SERVERS has no {name} server");
    }
    found
}

/// The servers whose files are on this machine's disk, with their roots:
/// libunftp always, vsftpd and pyftpdlib when `.ci/ftp-servers.sh` started
/// them (a configured server without its root is a failure, not a skip).
pub fn targets_with_roots() -> Vec<(Target, std::path::PathBuf)> {
    targets()
        .into_iter()
        .map(|t| {
            let root = match t.name.as_str() {
                "libunftp" => local_server().root.clone(),
                name => {
                    let var = format!("FTPGATE_CI_{}_ROOT", name.to_ascii_uppercase());
                    let root = std::env::var(&var)
                        .unwrap_or_else(|_| panic!("{name} is configured but {var} is not set"));
                    std::path::PathBuf::from(root)
                }
            };
            (t, root)
        })
        .collect()
}

/// The FTPS servers of `FTPGATE_TEST_SERVERS` (none in-process).
pub fn tls_targets() -> Vec<Target> {
    let all: Vec<Target> = env_targets()
        .into_iter()
        .filter(|t| t.tls_cert.is_some())
        .collect();
    require_in_ci(&all, &CI_TLS_SERVERS);
    all
}

fn env_targets() -> Vec<Target> {
    let env = std::env::var("FTPGATE_TEST_SERVERS").unwrap_or_default();
    env.split(';')
        .filter(|s| !s.trim().is_empty())
        .map(parse_target)
        .collect()
}

fn require_in_ci(all: &[Target], names: &[&str]) {
    let env = std::env::var("FTPGATE_TEST_SERVERS").unwrap_or_default();
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        for name in names {
            assert!(
                all.iter().any(|t| t.name == *name),
                "CI=true but FTPGATE_TEST_SERVERS has no {name} server (got {env:?})"
            );
        }
    }
}

/// FTPS required, `cert` (a PEM file) pinned for `host:port`.
#[cfg(feature = "tls")]
pub fn tls_config(host: &str, port: u16, cert: &std::path::Path) -> Config {
    use ftpgate::ftp::{Fingerprint, PinStore, TlsMode, Trust};
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let der = CertificateDer::from_pem_file(cert)
        .unwrap_or_else(|e| panic!("FTPGATE_TEST_TLS_CERT {}: {e}", cert.display()));
    let pins = PinStore::default();
    pins.set(PinStore::key(host, port), Fingerprint::of(&der));
    Config {
        tls: TlsMode::Require,
        trust: Trust {
            system_roots: false,
            extra_ca: None,
            pins,
        },
        ..Config::default()
    }
}

#[cfg(not(feature = "tls"))]
pub fn tls_config(_: &str, _: u16, _: &std::path::Path) -> Config {
    panic!("an ftps:// test server needs the tls feature")
}

fn parse_target(spec: &str) -> Target {
    try_parse_target(spec).unwrap_or_else(|| {
        panic!("bad FTPGATE_TEST_SERVERS entry {spec:?}: want name=ftp[s]://user:pass@host:port")
    })
}

fn try_parse_target(spec: &str) -> Option<Target> {
    let (name, url) = spec.trim().split_once('=')?;
    let (tls_cert, rest) = match url.strip_prefix("ftps://") {
        Some(rest) => {
            let cert = std::env::var_os("FTPGATE_TEST_TLS_CERT")
                .unwrap_or_else(|| panic!("{name} is ftps:// but FTPGATE_TEST_TLS_CERT is unset"));
            (Some(PathBuf::from(cert)), rest)
        }
        None => (None, url.strip_prefix("ftp://")?),
    };
    let rest = rest.trim_end_matches('/');
    let (cred, addr) = rest.rsplit_once('@')?;
    let (user, password) = cred.split_once(':')?;
    let (host, port) = addr.rsplit_once(':')?;
    Some(Target {
        name: name.to_string(),
        host: host.to_string(),
        port: port.parse().ok()?,
        user: user.to_string(),
        password: password.to_string(),
        tls_cert,
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

/// A new empty local directory, in this test process's own folder under the
/// system temp dir.
pub fn temp_dir(prefix: &str) -> PathBuf {
    let dir = process_temp().join(unique(prefix));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// `$TMPDIR/ftpgate-test-<pid>/`. The in-process server lives in a static
/// that is never dropped, so nothing deletes its files at exit: instead the
/// first test of each process deletes the folders of processes that are
/// gone (once 7 GB of roots piled up in /tmp).
fn process_temp() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let tmp = std::env::temp_dir();
        if let Ok(entries) = std::fs::read_dir(&tmp) {
            for entry in entries.flatten() {
                let name = entry.file_name();
                let pid = name.to_str().and_then(|n| n.strip_prefix("ftpgate-test-"));
                if let Some(pid) = pid.filter(|p| p.parse::<u32>().is_ok()) {
                    if !Path::new("/proc").join(pid).exists() {
                        let _ = std::fs::remove_dir_all(entry.path());
                    }
                }
            }
        }
        tmp.join(format!("ftpgate-test-{}", std::process::id()))
    })
    .clone()
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

/// Stores `data` at `path` with the FTP client (a test's setup).
pub fn put_file(c: &mut Client, path: &str, data: &[u8]) {
    use std::io::Write;
    let mut up = c.stor(path).unwrap();
    up.write_all(data).unwrap();
    up.finish().unwrap();
}

/// The whole file at `path`, through the FTP client.
pub fn get_file(c: &mut Client, path: &str) -> Vec<u8> {
    use std::io::Read;
    let mut down = c.retr(path, 0).unwrap();
    let mut out = Vec::new();
    down.read_to_end(&mut out).unwrap();
    down.finish().unwrap();
    out
}

/// The names in `dir` as the FTP server lists them, sorted.
pub fn names(c: &mut Client, dir: &str) -> Vec<String> {
    let mut n: Vec<String> = c
        .list(dir)
        .unwrap()
        .into_iter()
        .map(|e| String::from_utf8_lossy(&e.name).into_owned())
        .collect();
    n.sort();
    n
}
