//! # Sessions
//!
//! The server-side session store and the signed cookie that names a session.
//! The browser holds only `id.hmac` (256 random bits, HMAC-SHA256 with a key
//! made at start); host, user and password stay here and are wiped on logout.

mod credentials;
mod parts;
mod pool;

pub use credentials::{Credentials, Secret};
pub use parts::{Claim, Parts, Refusal, MAX_PARTS};
pub use pool::{Lease, Pool};

use crate::web::views::model::Flash;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Stack of the thread that deletes an ended session's unfinished uploads
/// (an FTP login, under TLS too).
const CLEANUP_STACK: usize = 256 * 1024;

/// Name of the session cookie.
pub const COOKIE: &str = "ftpgate_session";
/// Name of the login form's CSRF cookie (double-submit, signed).
pub const LOGIN_COOKIE: &str = "ftpgate_login";

/// One logged-in browser.
#[derive(Debug)]
pub struct Session {
    id: [u8; 32],
    /// The address that logged in (for the per-address cap).
    pub client: IpAddr,
    /// The FTP connection is encrypted (FTPS), as the login found it.
    pub encrypted: bool,
    /// The login directory (PWD right after login).
    pub home: Vec<u8>,
    /// The CSRF token every POST must carry.
    pub csrf: String,
    pub pool: Pool,
    /// Resumable uploads it left unfinished on the server.
    pub parts: Parts,
    last_seen: Mutex<Instant>,
    flash: Mutex<Option<Flash>>,
}

impl Session {
    /// The credentials the session logs in with (held by its pool).
    pub fn creds(&self) -> &Credentials {
        self.pool.creds()
    }

    /// `user@host` for the page header.
    pub fn account(&self) -> String {
        format!("{}@{}", self.creds().user, self.creds().host)
    }

    /// Leaves a message for the next page.
    pub fn set_flash(&self, flash: Flash) {
        *lock(&self.flash) = Some(flash);
    }

    /// Takes the pending message, if any.
    pub fn take_flash(&self) -> Option<Flash> {
        lock(&self.flash).take()
    }

    /// Ends the FTP side of a session that was logged out or expired: the
    /// unfinished upload parts it left are deleted, on a thread of their own
    /// so whoever ended the session does not wait for the server, then its
    /// connections QUIT.
    pub fn end(self: Arc<Self>) {
        let left = self.parts.take_left();
        if left.is_empty() {
            self.pool.close_all();
            return;
        }
        let session = Arc::clone(&self);
        let cleanup = move || {
            match session.pool.checkout() {
                Ok(mut lease) => {
                    for part in &left {
                        if let Err(e) = lease.dele(part) {
                            crate::log_warn!(
                                "could not delete the unfinished upload {:?}: {e}",
                                String::from_utf8_lossy(part)
                            );
                        }
                    }
                }
                Err(e) => {
                    crate::log_warn!("could not delete {} unfinished uploads: {e}", left.len())
                }
            }
            session.pool.close_all();
        };
        let spawned = std::thread::Builder::new()
            .name("ftpgate-cleanup".into())
            .stack_size(CLEANUP_STACK)
            .spawn(cleanup);
        if spawned.is_err() {
            self.pool.close_all();
        }
    }

    /// Checks a submitted CSRF token in constant time.
    pub fn csrf_ok(&self, token: &[u8]) -> bool {
        constant_time_eq(self.csrf.as_bytes(), token)
    }
}

/// Locks a mutex, ignoring poisoning: a panicking request must not lock others out.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// All sessions, and the key that signs their cookies.
pub struct Store {
    key: hmac::Key,
    rng: SystemRandom,
    sessions: Mutex<HashMap<[u8; 32], Arc<Session>>>,
    idle: Duration,
    max: usize,
    max_per_ip: usize,
}

/// Why no session could be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// Every session slot is taken.
    Total,
    /// This client address already has its share.
    PerIp(usize),
}

impl Store {
    /// A store with a fresh random key: cookies from an earlier run are invalid.
    pub fn new(idle: Duration, max: usize, max_per_ip: usize) -> Self {
        let rng = SystemRandom::new();
        let key = hmac::Key::generate(hmac::HMAC_SHA256, &rng).expect("system random");
        Store {
            key,
            rng,
            sessions: Mutex::new(HashMap::new()),
            idle,
            max,
            max_per_ip,
        }
    }

    /// `n` random bytes.
    pub fn random<const N: usize>(&self) -> [u8; N] {
        let mut b = [0u8; N];
        self.rng.fill(&mut b).expect("system random");
        b
    }

    /// Stores a new session; returns it with the cookie value. A fresh id on
    /// every login, so a planted cookie can never become a logged-in one.
    pub fn create(
        &self,
        home: Vec<u8>,
        pool: Pool,
        client: IpAddr,
        encrypted: bool,
    ) -> Result<(Arc<Session>, String), Full> {
        self.sweep();
        let id = self.random::<32>();
        let session = Arc::new(Session {
            id,
            client,
            encrypted,
            home,
            csrf: hex(&self.random::<32>()),
            pool,
            parts: Parts::default(),
            last_seen: Mutex::new(Instant::now()),
            flash: Mutex::new(None),
        });
        let mut all = lock(&self.sessions);
        if all.len() >= self.max {
            return Err(Full::Total);
        }
        if all.values().filter(|s| s.client == client).count() >= self.max_per_ip {
            return Err(Full::PerIp(self.max_per_ip));
        }
        all.insert(id, session.clone());
        Ok((session, self.sign(&id)))
    }

    /// The live session a cookie names; tampered, unknown or expired → None.
    pub fn lookup(&self, cookie: &str) -> Option<Arc<Session>> {
        let (id_hex, tag_hex) = cookie.split_once('.')?;
        let id: [u8; 32] = unhex(id_hex)?.try_into().ok()?;
        hmac::verify(&self.key, &id, &unhex(tag_hex)?).ok()?;
        let mut all = lock(&self.sessions);
        let session = all.get(&id)?.clone();
        let mut seen = lock(&session.last_seen);
        if seen.elapsed() > self.idle {
            drop(seen);
            all.remove(&id);
            drop(all);
            session.pool.close_all();
            return None;
        }
        *seen = Instant::now();
        drop(seen);
        Some(session)
    }

    /// Ends a session: its connections QUIT, its password is wiped when the
    /// last request using it ends.
    pub fn remove(&self, session: &Session) {
        let removed = lock(&self.sessions).remove(&session.id);
        if let Some(s) = removed {
            s.end();
        }
    }

    /// Removes expired sessions.
    pub fn sweep(&self) {
        let expired: Vec<Arc<Session>> = {
            let mut all = lock(&self.sessions);
            let ids: Vec<[u8; 32]> = all
                .iter()
                .filter(|(_, s)| lock(&s.last_seen).elapsed() > self.idle)
                .map(|(id, _)| *id)
                .collect();
            ids.iter().filter_map(|id| all.remove(id)).collect()
        };
        for s in expired {
            s.end();
        }
    }

    /// Every live session (for shutdown).
    pub fn drain(&self) -> Vec<Arc<Session>> {
        lock(&self.sessions).drain().map(|(_, s)| s).collect()
    }

    /// Number of live sessions.
    pub fn len(&self) -> usize {
        lock(&self.sessions).len()
    }

    /// True when no session is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn sign(&self, data: &[u8]) -> String {
        format!(
            "{}.{}",
            hex(data),
            hex(hmac::sign(&self.key, data).as_ref())
        )
    }

    /// A signed token for the login form, also set as the login cookie.
    pub fn login_token(&self) -> String {
        let mut nonce = b"login:".to_vec();
        nonce.extend_from_slice(&self.random::<16>());
        self.sign(&nonce)
    }

    /// The login form's token must be ours and match the cookie.
    pub fn login_token_ok(&self, form: &[u8], cookie: Option<&str>) -> bool {
        let Some(cookie) = cookie else { return false };
        if !constant_time_eq(form, cookie.as_bytes()) {
            return false;
        }
        let Some((data, tag)) = cookie.split_once('.') else {
            return false;
        };
        match (unhex(data), unhex(tag)) {
            (Some(d), Some(t)) => {
                d.starts_with(b"login:") && hmac::verify(&self.key, &d, &t).is_ok()
            }
            _ => false,
        }
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    // Only the lowercase hex we write: a re-cased cookie is another cookie.
    let ours = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    if !s.len().is_multiple_of(2) || s.len() > 256 || !s.bytes().all(ours) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials {
            host: "h".into(),
            port: 21,
            user: "u".into(),
            password: Secret::new(b"pw".to_vec()),
        }
    }

    fn pool(max: usize) -> Pool {
        Pool::new(max, creds(), crate::ftp::Config::default())
    }

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    fn store() -> Store {
        Store::new(Duration::from_secs(60), 2, 2)
    }

    #[test]
    fn cookie_names_the_session() {
        let s = store();
        let (session, cookie) = s.create(b"/".to_vec(), pool(2), ip(1), false).unwrap();
        assert!(Arc::ptr_eq(&s.lookup(&cookie).unwrap(), &session));
    }

    #[test]
    fn tampered_cookie_is_logged_out() {
        let s = store();
        let (_, cookie) = s.create(b"/".to_vec(), pool(2), ip(1), false).unwrap();
        let mut bad = cookie.clone().into_bytes();
        bad[3] = if bad[3] == b'a' { b'b' } else { b'a' };
        assert!(s.lookup(std::str::from_utf8(&bad).unwrap()).is_none());
        assert!(s.lookup("zz.zz").is_none());
        assert!(s.lookup("").is_none());
        // A cookie signed by another store's key is worthless here.
        let (_, other) = store()
            .create(b"/".to_vec(), pool(2), ip(1), false)
            .unwrap();
        assert!(s.lookup(&other).is_none());
    }

    #[test]
    fn caps_live_sessions() {
        let s = store();
        assert!(s.create(b"/".to_vec(), pool(1), ip(1), false).is_ok());
        assert!(s.create(b"/".to_vec(), pool(1), ip(1), false).is_ok());
        assert!(s.create(b"/".to_vec(), pool(1), ip(1), false).is_err());
    }

    #[test]
    fn caps_sessions_per_client_address() {
        let s = Store::new(Duration::from_secs(60), 10, 2);
        assert!(s.create(b"/".to_vec(), pool(1), ip(1), false).is_ok());
        assert!(s.create(b"/".to_vec(), pool(1), ip(1), false).is_ok());
        assert_eq!(
            s.create(b"/".to_vec(), pool(1), ip(1), false).unwrap_err(),
            Full::PerIp(2)
        );
        assert!(s.create(b"/".to_vec(), pool(1), ip(2), false).is_ok());
    }

    #[test]
    fn a_re_cased_cookie_is_not_the_session() {
        let s = store();
        let (_, cookie) = s.create(b"/".to_vec(), pool(1), ip(1), false).unwrap();
        assert!(s.lookup(&cookie).is_some());
        assert!(s.lookup(&cookie.to_ascii_uppercase()).is_none());
    }

    #[test]
    fn idle_sessions_expire() {
        let s = Store::new(Duration::from_millis(10), 4, 4);
        let (_, cookie) = s.create(b"/".to_vec(), pool(1), ip(1), false).unwrap();
        std::thread::sleep(Duration::from_millis(30));
        assert!(s.lookup(&cookie).is_none());
        assert!(s.is_empty());
    }

    #[test]
    fn removed_session_is_gone() {
        let s = store();
        let (session, cookie) = s.create(b"/".to_vec(), pool(1), ip(1), false).unwrap();
        s.remove(&session);
        assert!(s.lookup(&cookie).is_none());
    }

    #[test]
    fn login_token_needs_matching_cookie() {
        let s = store();
        let t = s.login_token();
        assert!(s.login_token_ok(t.as_bytes(), Some(&t)));
        assert!(!s.login_token_ok(t.as_bytes(), None));
        assert!(!s.login_token_ok(b"x", Some(&t)));
        let other = store().login_token();
        assert!(!s.login_token_ok(other.as_bytes(), Some(&other)));
    }

    #[test]
    fn secret_never_prints() {
        let c = creds();
        assert!(!format!("{c:?}").contains("pw"));
    }
}
