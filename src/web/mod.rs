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
pub mod listener;
mod login;
pub mod multipart;
pub mod paths;
mod pipe;
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
use std::net::{SocketAddr, TcpListener};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

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
    stopping: Arc<AtomicBool>,
    heartbeat: std::thread::JoinHandle<()>,
}

impl Running {
    /// Stops accepting, waits for the workers, and closes every session.
    pub fn stop(self) {
        self.stopping.store(true, Ordering::Release);
        for _ in 0..self.workers.len() {
            self.server.unblock();
        }
        for w in self.workers {
            let _ = w.join();
        }
        let _ = self.heartbeat.join();
        for s in self.app.sessions.drain() {
            s.pool.close_all();
        }
    }

    /// Blocks until the workers end: only when the listener failed, since
    /// nothing else stops them here. The caller should exit non-zero.
    pub fn wait(self) {
        for w in self.workers {
            let _ = w.join();
        }
    }
}

/// Binds the configured address and serves in background threads.
pub fn start(config: Config) -> io::Result<Running> {
    let listener = listener::bind(config.listen, config.http_timeout)?;
    start_on(listener, config)
}

/// Serves on a listener made by [`listener::bind`].
pub fn start_on(listener: TcpListener, config: Config) -> io::Result<Running> {
    let addr = listener.local_addr()?;
    let server = tiny_http::Server::from_listener(listener, None).map_err(io::Error::other)?;
    let server = Arc::new(server);
    let stopping = Arc::new(AtomicBool::new(false));
    let heartbeat = listener::heartbeat(addr, config.http_timeout, stopping.clone())?;
    let app = Arc::new(App {
        sessions: Store::new(config.session_idle, config.max_sessions),
        config,
    });
    let workers = (0..app.config.workers)
        .map(|i| {
            let (server, app, stopping) = (server.clone(), app.clone(), stopping.clone());
            std::thread::Builder::new()
                .name(format!("http-{i}"))
                .spawn(move || worker(&server, &app, &stopping))
        })
        .collect::<io::Result<Vec<_>>>()?;
    log_info!("listening on http://{addr}/");
    Ok(Running {
        addr,
        server,
        app,
        workers,
        stopping,
        heartbeat,
    })
}

fn worker(server: &tiny_http::Server, app: &App, stopping: &AtomicBool) {
    loop {
        match server.recv() {
            Ok(request) => handle(app, request),
            Err(_) if stopping.load(Ordering::Acquire) => return,
            Err(e) => {
                // tiny_http's accept thread has ended: nothing more will come.
                log_error!("the HTTP listener failed: {e}");
                for _ in 0..app.config.workers {
                    server.unblock();
                }
                return;
            }
        }
    }
}

/// Serves one request: route, respond, log one line.
fn handle(app: &App, request: tiny_http::Request) {
    handle_with(app, request, routes::route);
}

/// `handle` with the router as a parameter, so a test can make it panic.
fn handle_with(
    app: &App,
    mut request: tiny_http::Request,
    route: impl FnOnce(&App, &mut tiny_http::Request) -> routes::Reply,
) -> (u16, u64) {
    let started = Instant::now();
    let method = request.method().to_string();
    let path = request.url().split('?').next().unwrap_or("").to_string();
    let routed = catch_unwind(AssertUnwindSafe(|| route(app, &mut request)));
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
    let ms = started.elapsed().as_millis();
    log_info!("{method} {path} {status} {bytes}B {ms}ms");
    (status, bytes)
}

/// Sends an in-memory response with the security headers.
fn send(request: tiny_http::Request, page: response::Page) -> (u16, u64) {
    let page = response::secure(page);
    let status = page.status_code().0;
    let bytes = page.data_length().unwrap_or(0) as u64;
    if let Err(e) = request.respond(page) {
        crate::log_debug!("response not delivered: {e}");
    }
    (status, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_panicking_handler_becomes_a_500_and_serving_goes_on() {
        let app = App {
            config: Config::default(),
            sessions: Store::new(Duration::from_secs(60), 1),
        };
        let request = tiny_http::TestRequest::new().with_path("/boom").into();
        let outcome = handle_with(&app, request, |_, _| panic!("a bug in a handler"));
        assert_eq!(outcome.0, 500);
        let request = tiny_http::TestRequest::new().with_path("/healthz").into();
        assert_eq!(handle_with(&app, request, routes::route).0, 200);
    }
}
