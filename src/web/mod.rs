//! # The web appliance
//!
//! Serves the HTTP contract of DESIGN.md with `tiny_http`: a fixed set of
//! worker threads take requests from one listener; a panic in a handler
//! becomes a 500 page and a log line while every other request goes on.
//! No FTP wire details here: handlers use `crate::ftp` through the pool.

pub mod assets;
mod browse;
mod download;
pub mod error;
mod format;
mod login;
pub mod multipart;
pub mod paths;
pub mod pool;
pub mod response;
mod routes;
pub mod session;
mod upload;
pub mod views;

use crate::config::Config;
use crate::{log_error, log_info};
use session::Store;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::OwnedFd;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Everything a request handler can reach.
pub struct App {
    pub config: Config,
    pub sessions: Store,
}

/// A running server (for tests and the demo): its address and its threads.
pub struct Running {
    pub addr: SocketAddr,
    server: Arc<tiny_http::Server>,
    app: Arc<App>,
    workers: Vec<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Stops accepting, waits for the workers, and closes every session.
    pub fn stop(self) {
        self.server.unblock();
        for _ in 1..self.workers.len() {
            self.server.unblock();
        }
        for w in self.workers {
            let _ = w.join();
        }
        for s in self.app.sessions.drain() {
            s.pool.close_all();
        }
    }

    /// Blocks until the workers end (they end only when stopped).
    pub fn wait(self) {
        for w in self.workers {
            let _ = w.join();
        }
    }
}

/// Binds `addr` so that accepted sockets inherit read/write timeouts: a
/// stalled or idle browser connection is closed after `timeout`, which
/// tiny_http cannot do itself (its header reader also has no length cap).
pub fn bind(addr: SocketAddr, timeout: Duration) -> io::Result<TcpListener> {
    let listener = TcpListener::bind(addr)?;
    // std offers socket timeouts only on TcpStream; the option is per socket,
    // so set it through a TcpStream view of the same descriptor (Linux copies
    // SO_RCVTIMEO/SO_SNDTIMEO to accepted sockets).
    let as_stream = TcpStream::from(OwnedFd::from(listener));
    as_stream.set_read_timeout(Some(timeout))?;
    as_stream.set_write_timeout(Some(timeout))?;
    Ok(TcpListener::from(OwnedFd::from(as_stream)))
}

/// Binds the configured address and serves in background threads.
pub fn start(config: Config) -> io::Result<Running> {
    let listener = bind(config.listen, config.http_timeout)?;
    start_on(listener, config)
}

/// Serves on an already bound listener (see [`bind`]).
pub fn start_on(listener: TcpListener, config: Config) -> io::Result<Running> {
    let addr = listener.local_addr()?;
    let server = tiny_http::Server::from_listener(listener, None).map_err(io::Error::other)?;
    let server = Arc::new(server);
    let app = Arc::new(App {
        sessions: Store::new(config.session_idle, config.max_sessions),
        config,
    });
    let workers = (0..app.config.workers)
        .map(|i| {
            let (server, app) = (server.clone(), app.clone());
            std::thread::Builder::new()
                .name(format!("http-{i}"))
                .spawn(move || worker(&server, &app))
        })
        .collect::<io::Result<Vec<_>>>()?;
    log_info!("listening on http://{addr}/");
    Ok(Running {
        addr,
        server,
        app,
        workers,
    })
}

fn worker(server: &tiny_http::Server, app: &App) {
    // recv() fails only when the server is unblocked (stopping).
    while let Ok(request) = server.recv() {
        handle(app, request);
    }
}

/// Serves one request: route, respond, log one line.
fn handle(app: &App, mut request: tiny_http::Request) {
    let started = Instant::now();
    let method = request.method().to_string();
    let path = request.url().split('?').next().unwrap_or("").to_string();
    let routed = catch_unwind(AssertUnwindSafe(|| routes::route(app, &mut request)));
    let (status, bytes) = match routed {
        Ok(routes::Reply::Page(page)) => send(request, page),
        Ok(routes::Reply::Download(plan)) => {
            match catch_unwind(AssertUnwindSafe(|| download::send(app, request, plan))) {
                Ok(outcome) => outcome,
                Err(_) => {
                    log_error!("a download handler panicked: {method} {path}");
                    (500, 0)
                }
            }
        }
        Err(_) => {
            log_error!("a handler panicked: {method} {path}");
            send(request, routes::internal_error_page())
        }
    };
    log_info!(
        "{method} {path} {status} {bytes}B {}ms",
        started.elapsed().as_millis()
    );
}

fn send(request: tiny_http::Request, page: response::Page) -> (u16, u64) {
    let page = response::secure(page);
    let status = page.status_code().0;
    let bytes = page.data_length().unwrap_or(0) as u64;
    if let Err(e) = request.respond(page) {
        crate::log_debug!("response not delivered: {e}");
    }
    (status, bytes)
}
