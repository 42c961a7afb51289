//! # Server
//!
//! The acceptor: one thread that takes connections, counts them in total
//! and per client address, and gives each admitted one a thread of its own
//! with a small stack. Nothing a client does on its connection can hold the
//! acceptor or another connection: a slow client only ever holds its own
//! thread. Over a cap, idle kept-alive connections are closed first, then
//! new ones get 503 with `Retry-After`. Running out of descriptors sheds
//! connections and goes on; it never ends the server.

use super::conn;
use super::limits::{Config, IDLE_TICK, RETRY_AFTER_SECS, THREAD_STACK};
use super::wire::Wire;
use super::Handler;
use crate::{log_error, log_warn};
use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the same accept failure is logged at most.
const LOG_EVERY: Duration = Duration::from_secs(10);
/// Pause after a failed accept (out of descriptors, memory): the backlog waits.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);
/// Linux errno values for a listener that can never accept again.
const FATAL_ACCEPT_ERRORS: [i32; 3] = [
    9,  /* EBADF */
    22, /* EINVAL */
    88, /* ENOTSOCK */
];

/// What the acceptor and every connection share.
pub(super) struct Shared {
    pub(super) config: Config,
    max_connections: usize,
    stopping: AtomicBool,
    /// Set while connections are at their cap: idle ones close at their next tick.
    short: AtomicBool,
    counts: Mutex<Counts>,
    freed: Condvar,
    /// HTTPS: every connection starts with a TLS handshake.
    #[cfg(feature = "tls")]
    tls: Option<Arc<super::Tls>>,
}

#[derive(Default)]
struct Counts {
    total: usize,
    per_ip: HashMap<IpAddr, usize>,
}

impl Shared {
    pub(super) fn stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }

    pub(super) fn short_of_connections(&self) -> bool {
        self.short.load(Ordering::Acquire)
    }

    fn lock(&self) -> MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// An admitted connection's place in the counts, given back when dropped.
struct Slot {
    shared: Arc<Shared>,
    ip: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.shared.lock();
        counts.total -= 1;
        if let Some(n) = counts.per_ip.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                counts.per_ip.remove(&self.ip);
            }
        }
        if counts.total < self.shared.max_connections {
            self.shared.short.store(false, Ordering::Release);
        }
        drop(counts);
        self.shared.freed.notify_all();
    }
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    /// A duplicate of the listening socket, to stop listening.
    listener: TcpListener,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

/// Binds a listening socket (no timeouts: the acceptor waits as long as it must).
pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    TcpListener::bind(addr)
}

impl Server {
    /// Serves `listener` in the background. `on_fatal` is called if the
    /// listening socket itself breaks (nothing more will ever be accepted).
    pub fn start(
        listener: TcpListener,
        config: Config,
        handler: Arc<dyn Handler>,
        on_fatal: Box<dyn Fn(&io::Error) + Send>,
    ) -> io::Result<Server> {
        Server::start_with(listener, config, handler, on_fatal, Options::default())
    }

    /// [`Server::start`] with HTTPS when `options` has a certificate.
    // Without the `tls` feature `options` has nothing to read.
    #[cfg_attr(not(feature = "tls"), allow(unused_variables))]
    pub fn start_with(
        listener: TcpListener,
        config: Config,
        handler: Arc<dyn Handler>,
        on_fatal: Box<dyn Fn(&io::Error) + Send>,
        options: Options,
    ) -> io::Result<Server> {
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            #[cfg(feature = "tls")]
            tls: options.tls,
            max_connections: config.effective_max_connections(),
            config,
            stopping: AtomicBool::new(false),
            short: AtomicBool::new(false),
            counts: Mutex::new(Counts::default()),
            freed: Condvar::new(),
        });
        if shared.max_connections < shared.config.max_connections {
            log_warn!(
                "serving at most {} connections: the open-files limit is low",
                shared.max_connections
            );
        }
        let accepting = listener.try_clone()?;
        let acceptor = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("http-accept".into())
                .spawn(move || accept_loop(&accepting, &shared, handler, on_fatal))?
        };
        Ok(Server {
            addr,
            listener,
            shared,
            acceptor: Some(acceptor),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Open connections now.
    pub fn connections(&self) -> usize {
        self.shared.lock().total
    }

    /// Refuses new connections from now on; idle kept-alive connections
    /// close, running requests go on. On Linux, shutdown(2) of a listening
    /// socket makes the kernel refuse new connections and wakes `accept()`.
    pub fn stop_listening(&mut self) -> io::Result<()> {
        self.shared.stopping.store(true, Ordering::Release);
        let as_stream = TcpStream::from(OwnedFd::from(self.listener.try_clone()?));
        let result = as_stream.shutdown(Shutdown::Both);
        if let Some(acceptor) = self.acceptor.take() {
            if result.is_ok() {
                let _ = acceptor.join();
            }
        }
        result
    }
}

fn accept_loop(
    listener: &TcpListener,
    shared: &Arc<Shared>,
    handler: Arc<dyn Handler>,
    on_fatal: Box<dyn Fn(&io::Error) + Send>,
) {
    let mut last_logged: Option<Instant> = None;
    loop {
        let accepted = listener.accept();
        if shared.stopping() {
            return;
        }
        match accepted {
            Ok((stream, peer)) => admit(stream, peer, shared, &handler),
            Err(e)
                if e.raw_os_error()
                    .is_some_and(|c| FATAL_ACCEPT_ERRORS.contains(&c)) =>
            {
                log_error!("the HTTP listener failed: {e}");
                on_fatal(&e);
                return;
            }
            Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => {}
            Err(e) => {
                // Out of descriptors or memory: shed idle connections, wait, go on.
                shared.short.store(true, Ordering::Release);
                if last_logged.is_none_or(|t| t.elapsed() >= LOG_EVERY) {
                    log_warn!("cannot accept connections for now ({e}); closing idle ones");
                    last_logged = Some(Instant::now());
                }
                std::thread::sleep(ACCEPT_BACKOFF);
            }
        }
    }
}

/// Counts a new connection in and starts its thread, or refuses it with 503.
fn admit(stream: TcpStream, peer: SocketAddr, shared: &Arc<Shared>, handler: &Arc<dyn Handler>) {
    let ip = canonical(peer.ip());
    let slot = match take_slot(shared, ip) {
        Ok(slot) => slot,
        Err(why) => return conn::refuse_connection(stream, why, RETRY_AFTER_SECS),
    };
    let _ = stream.set_nodelay(true);
    let Ok(socket) = stream.try_clone() else {
        return conn::refuse_connection(
            stream,
            "the server is short of resources",
            RETRY_AFTER_SECS,
        );
    };
    let handler = handler.clone();
    let spawned = std::thread::Builder::new()
        .name("http-conn".into())
        .stack_size(THREAD_STACK)
        .spawn(move || {
            let Some((wire, secure)) = wrap(&slot.shared, stream, socket) else {
                return;
            };
            conn::serve(wire, peer, handler.as_ref(), &slot.shared, secure);
        });
    if let Err(e) = spawned {
        log_error!("cannot start a connection thread: {e}");
    }
}

/// The connection's stream: TLS after a handshake under the head deadline
/// (`None` if it failed or stalled), or plain TCP. `true` when encrypted.
#[cfg_attr(not(feature = "tls"), allow(unused_variables))]
fn wrap(shared: &Shared, stream: TcpStream, socket: TcpStream) -> Option<(Wire, bool)> {
    #[cfg(feature = "tls")]
    if let Some(tls) = &shared.tls {
        let deadline = Instant::now() + shared.config.head_timeout;
        let tls_stream = tls.accept(stream, deadline)?;
        return Some((Wire::new(Box::new(tls_stream), Some(socket)), true));
    }
    Some((Wire::plain(stream, socket), false))
}

/// How the server is reached beyond plain HTTP.
#[derive(Default, Clone)]
pub struct Options {
    /// HTTPS with this certificate.
    #[cfg(feature = "tls")]
    pub tls: Option<Arc<super::Tls>>,
}

/// Takes a place under the per-address and total caps. At the total cap it
/// asks idle connections to close and waits a moment for one to go.
fn take_slot(shared: &Arc<Shared>, ip: IpAddr) -> Result<Slot, &'static str> {
    let mut counts = shared.lock();
    if counts.per_ip.get(&ip).copied().unwrap_or(0) >= shared.config.max_per_ip {
        log_warn!(
            "refused a connection from {ip}: it has {} open",
            shared.config.max_per_ip
        );
        return Err("too many connections from your address");
    }
    if counts.total >= shared.max_connections {
        shared.short.store(true, Ordering::Release);
        counts = shared
            .freed
            .wait_timeout_while(counts, IDLE_TICK * 3, |c| c.total >= shared.max_connections)
            .map(|(c, _)| c)
            .unwrap_or_else(|p| p.into_inner().0);
        if counts.total >= shared.max_connections {
            return Err("too many connections; try again in a moment");
        }
    }
    counts.total += 1;
    *counts.per_ip.entry(ip).or_default() += 1;
    if counts.total >= shared.max_connections {
        shared.short.store(true, Ordering::Release);
    }
    Ok(Slot {
        shared: shared.clone(),
        ip,
    })
}

/// IPv4 clients of a dual-stack socket arrive as `::ffff:a.b.c.d`: count them as IPv4.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}
