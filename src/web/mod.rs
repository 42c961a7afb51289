//! # The web appliance
//!
//! Serves the HTTP contract of DESIGN.md with `tiny_http`: a fixed set of
//! worker threads take requests from one listener; a panic in a handler
//! becomes a 500 page and a log line while every other request goes on.
//! No FTP wire details here: handlers use `crate::ftp` through the pool.
//! Stopping gracefully is in `shutdown`.

pub mod assets;
mod browse;
mod download;
pub mod error;
mod format;
pub mod listener;
mod login;
mod manage;
pub mod multipart;
pub mod paths;
mod pipe;
pub mod pool;
pub mod response;
mod routes;
pub mod session;
pub mod shutdown;
mod sorting;
mod tree;
mod upload;
pub mod views;

use crate::config::Config;
use crate::{log_error, log_info};
use session::Store;
use shutdown::{Event, Shutdown};
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Instant;

/// Everything a request handler can reach.
pub struct App {
    pub config: Config,
    pub sessions: Store,
    /// Whether the server is stopping, and the transfers' abort flag.
    pub shutdown: Shutdown,
}

/// A running server: its address and its threads.
pub struct Running {
    pub addr: SocketAddr,
    server: Arc<tiny_http::Server>,
    /// The socket tiny_http accepts on (a duplicate), to stop listening.
    listener: TcpListener,
    app: Arc<App>,
    workers: Vec<std::thread::JoinHandle<()>>,
    heartbeat: std::thread::JoinHandle<()>,
}

impl Running {
    /// For tests: stops taking requests, waits for the workers (and so for
    /// every running request), and closes every session.
    pub fn stop(self) {
        self.app.shutdown.begin();
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
}

/// Binds the configured address and serves in background threads.
pub fn start(config: Config) -> io::Result<Running> {
    let listener = listener::bind(config.listen, config.http_timeout)?;
    start_on(listener, config)
}

/// Serves on a listener made by [`listener::bind`].
pub fn start_on(listener: TcpListener, config: Config) -> io::Result<Running> {
    let addr = listener.local_addr()?;
    let accepting = listener.try_clone()?;
    let server = tiny_http::Server::from_listener(accepting, None).map_err(io::Error::other)?;
    let server = Arc::new(server);
    let app = Arc::new(App {
        sessions: Store::new(config.session_idle, config.max_sessions),
        config,
        shutdown: Shutdown::default(),
    });
    let stopping = app.shutdown.stopping.clone();
    let heartbeat = listener::heartbeat(addr, app.config.http_timeout, stopping)?;
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
        listener,
        app,
        workers,
        heartbeat,
    })
}

fn worker(server: &tiny_http::Server, app: &App) {
    loop {
        match server.recv() {
            Ok(request) => handle(app, request),
            // The stop closed the listener, or woke this worker to end it.
            Err(_) if app.shutdown.stopping() => return,
            Err(e) => {
                // tiny_http's accept thread has ended: nothing more will come.
                log_error!("the HTTP listener failed: {e}");
                app.shutdown.notify(Event::ListenerFailed);
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
    let Some(busy) = app.shutdown.enter() else {
        // Received before the listener closed, or on a kept-alive connection.
        let page = routes::stopping_page(&request);
        let (status, bytes) = send(request, page);
        log_info!("{method} {path} {status} {bytes}B (stopping)");
        return (status, bytes);
    };
    let routed = catch_unwind(AssertUnwindSafe(|| route(app, &mut request)));
    let (status, bytes) = match routed {
        Ok(routes::Reply::Page(page)) => {
            // Once transfers are being cut the stop waits only for their
            // cleanup, which is done: tiny_http may now read the rest of an
            // unfinished upload body before it lets go of the request.
            if app.shutdown.aborting() {
                drop(busy);
            }
            send(request, page)
        }
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
            shutdown: Shutdown::default(),
        };
        let request = tiny_http::TestRequest::new().with_path("/boom").into();
        let outcome = handle_with(&app, request, |_, _| panic!("a bug in a handler"));
        assert_eq!(outcome.0, 500);
        let request = tiny_http::TestRequest::new().with_path("/healthz").into();
        assert_eq!(handle_with(&app, request, routes::route).0, 200);
    }
}
