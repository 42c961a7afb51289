//! # Connection pool
//!
//! Each session keeps its FTP control connections open between requests, so
//! browsing does not pay a login per click. A request checks one out (a
//! `Lease`), extra ones are opened for concurrent transfers up to a cap, and a
//! connection the server dropped (421, EOF, restart) is replaced transparently
//! by the one retry path, [`Pool::retry`]. The pool owns the credentials and
//! the FTP settings it connects with. No lock is held across network I/O.

use super::{lock, Credentials};
use crate::ftp::{self, Channel, Client};
use crate::log_debug;
use crate::web::error::{Error, Result};
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Idle connections kept per session; more are closed when returned.
const MAX_IDLE: usize = 2;
/// An idle connection older than this is checked with NOOP before use.
const CHECK_AFTER: Duration = Duration::from_secs(15);

/// A session's FTP connections.
#[derive(Debug)]
pub struct Pool {
    creds: Credentials,
    config: ftp::Config,
    idle: Mutex<Vec<(Client, Instant)>>,
    busy: AtomicUsize,
    max: usize,
    closed: AtomicBool,
    /// How the last connection returned opens data connections (after
    /// EPSV → PASV → EPRT → PORT fallbacks): new ones start there.
    channel: Mutex<Option<Channel>>,
}

/// Connects and logs in with a session's credentials.
pub fn connect(creds: &Credentials, config: &ftp::Config) -> ftp::Result<Client> {
    let mut client = Client::connect(&creds.host, creds.port, config)?;
    client.login(&creds.user, creds.password.expose())?;
    Ok(client)
}

impl Pool {
    /// An empty pool allowing `max` connections at once.
    pub fn new(max: usize, creds: Credentials, config: ftp::Config) -> Self {
        Pool {
            creds,
            config,
            idle: Mutex::new(Vec::new()),
            busy: AtomicUsize::new(0),
            max,
            closed: AtomicBool::new(false),
            channel: Mutex::new(None),
        }
    }

    /// Keeps `client` (the one that logged in) for the next request.
    pub fn put(&self, client: Client) {
        *lock(&self.channel) = Some(client.channel());
        lock(&self.idle).push((client, Instant::now()));
    }

    /// The credentials the pool logs in with.
    pub fn creds(&self) -> &Credentials {
        &self.creds
    }

    /// A new connection, logged in.
    pub fn connect(&self) -> ftp::Result<Client> {
        let mut client = connect(&self.creds, &self.config)?;
        if let Some(channel) = *lock(&self.channel) {
            client.start_with(channel);
        }
        Ok(client)
    }

    /// Checks out a working connection: an idle one if it still answers, else a new one.
    pub fn checkout(&self) -> Result<Lease<'_>> {
        if self.closed.load(Ordering::Acquire) {
            return Err(Error::NotLoggedIn);
        }
        if self.busy.fetch_add(1, Ordering::AcqRel) >= self.max {
            self.busy.fetch_sub(1, Ordering::AcqRel);
            return Err(Error::Busy(format!(
                "This session already has {} transfers running; wait for one to finish.",
                self.max
            )));
        }
        let mut lease = Lease {
            pool: self,
            client: None,
            reused: false,
        };
        loop {
            // Taken in its own statement: the guard must not live through the NOOP.
            let next = lock(&self.idle).pop();
            let Some((mut client, since)) = next else {
                break;
            };
            if since.elapsed() < CHECK_AFTER || client.noop().is_ok() {
                lease.client = Some(client);
                lease.reused = true;
                return Ok(lease);
            }
            log_debug!("dropping a stale FTP connection");
        }
        lease.client = Some(self.connect()?);
        Ok(lease)
    }

    /// Runs `op` on a checked-out connection, through [`Pool::retry`].
    pub fn run<T>(&self, op: impl FnMut(&mut Client) -> Result<T>) -> Result<T> {
        let mut lease = self.checkout()?;
        self.retry(&mut lease, op)
    }

    /// Runs `op` on `lease`; if a reused connection turns out dead, it is
    /// replaced and `op` runs once more. The one reconnect-and-retry path.
    pub fn retry<T>(
        &self,
        lease: &mut Lease<'_>,
        mut op: impl FnMut(&mut Client) -> Result<T>,
    ) -> Result<T> {
        match op(lease) {
            Err(e) if e.is_connection_lost() && lease.reused => {
                log_debug!("FTP connection lost ({e}); reconnecting");
                lease.replace(self.connect()?);
                op(lease)
            }
            other => other,
        }
    }

    /// Makes `lease` usable again after its connection broke (to clean up).
    pub fn revive(&self, lease: &mut Lease<'_>) -> ftp::Result<()> {
        if !lease.is_usable() {
            lease.replace(self.connect()?);
        }
        Ok(())
    }

    /// The session ended: no more connections are handed out.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Closes every idle connection with QUIT; leases in flight close when returned.
    pub fn close_all(&self) {
        self.closed.store(true, Ordering::Release);
        let idle: Vec<_> = lock(&self.idle).drain(..).collect();
        for (client, _) in idle {
            client.quit();
        }
    }
}

/// A checked-out connection; returned to the pool when dropped.
pub struct Lease<'a> {
    pool: &'a Pool,
    client: Option<Client>,
    reused: bool,
}

impl Lease<'_> {
    /// Swaps in a new connection (after the old one died).
    fn replace(&mut self, client: Client) {
        self.client = Some(client);
        self.reused = false;
    }
}

impl Deref for Lease<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.client
            .as_ref()
            .expect("lease holds a client until dropped")
    }
}

impl DerefMut for Lease<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        self.client
            .as_mut()
            .expect("lease holds a client until dropped")
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            let keep = client.is_usable() && !self.pool.closed.load(Ordering::Acquire);
            if client.is_usable() {
                *lock(&self.pool.channel) = Some(client.channel());
            }
            let mut idle = lock(&self.pool.idle);
            if keep && idle.len() < MAX_IDLE {
                idle.push((client, Instant::now()));
            } else {
                drop(idle);
                client.quit();
            }
        }
        self.pool.busy.fetch_sub(1, Ordering::AcqRel);
    }
}
