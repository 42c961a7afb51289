//! # The web appliance
//!
//! Serves the HTTP contract of DESIGN.md on ftpgate's own HTTP server
//! (`crate::http`): each connection has its own thread, so a slow browser or
//! FTP server holds only its own request; a panic in a handler becomes a
//! 500 page and a log line while every other request goes on. No FTP wire
//! details here: handlers use `crate::ftp` through the pool. Stopping
//! gracefully is in `shutdown`.

pub mod address;
mod assets;
mod context;
mod copies;
mod crc32;
mod eol;
mod error;
mod fail;
mod format;
mod gate;
mod handlers;
#[cfg(feature = "tls")]
mod https;
mod json;
mod media;
pub(crate) mod multipart;
mod paths;
mod perms;
mod pins;
mod pipe;
mod probe;
mod relay;
mod replace;
mod response;
mod routes;
mod session;
pub mod shutdown;
mod sorting;
mod splice;
mod throttle;
mod tree;
mod turns;
mod views;
mod zip;

use crate::config::Config;
use crate::http::{self, Exchange};
use crate::{log_error, log_info};
pub use relay::Relayed;
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
    /// Downloads and uploads streaming at once.
    pub transfers: gate::Gate,
    /// Failed logins per client address.
    pub logins: throttle::Throttle,
    /// Bytes relayed, spliced or copied.
    pub relayed: relay::Counts,
}

impl App {
    pub fn new(config: Config) -> App {
        App {
            sessions: Store::new(
                config.session_idle,
                config.max_sessions,
                config.max_sessions_per_ip,
            ),
            transfers: gate::Gate::new(config.workers),
            logins: throttle::Throttle::default(),
            relayed: relay::Counts::default(),
            config,
            shutdown: Shutdown::default(),
        }
    }

    /// A turn to stream a file, waiting up to the HTTP timeout for one.
    pub fn transfer_turn(&self) -> error::Result<gate::Turn<'_>> {
        self.transfers
            .enter(self.config.http_timeout)
            .ok_or_else(|| {
                error::Error::Busy(
                    "ftpgate is moving as many files as it can right now; try again in a moment."
                        .into(),
                )
            })
    }
}

/// A running server: its address, the HTTP server and the app.
pub struct Running {
    pub addr: SocketAddr,
    server: http::Server,
    /// The plain-HTTP listener that redirects to HTTPS.
    redirect: Option<http::Server>,
    app: Arc<App>,
    #[cfg(feature = "tls")]
    tls: Option<Arc<http::Tls>>,
}

impl Running {
    /// For tests: stops taking requests, waits for running requests (up to
    /// the HTTP timeout), and closes every session.
    pub fn stop(mut self) {
        self.app.shutdown.begin();
        let _ = self.server.stop_listening();
        if let Some(redirect) = &mut self.redirect {
            let _ = redirect.stop_listening();
        }
        self.app.shutdown.wait_idle(self.app.config.http_timeout);
        for s in self.app.sessions.drain() {
            s.pool.close_all();
        }
    }
}

/// Binds the configured address and serves in background threads.
pub fn start(config: Config) -> io::Result<Running> {
    let listener = http::bind(config.listen)?;
    start_on(listener, config)
}

/// Serves on a listener made by [`http::bind`].
pub fn start_on(listener: TcpListener, config: Config) -> io::Result<Running> {
    let http_config = config.http();
    if let Some(dir) = &config.state_dir {
        pins::load(dir, &config.ftp.trust.pins);
    }
    let app = Arc::new(App::new(config));
    let notify = app.clone();
    let on_fatal = Box::new(move |_: &io::Error| notify.shutdown.notify(Event::ListenerFailed));
    #[cfg(feature = "tls")]
    let options = http::Options {
        tls: https::certificate(&app.config)?,
    };
    #[cfg(not(feature = "tls"))]
    let options = http::Options::default();
    let scheme = if cfg!(feature = "tls") && app.config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let server = http::Server::start_with(
        listener,
        http_config.clone(),
        Arc::new(Web(app.clone())),
        on_fatal,
        options.clone(),
    )?;
    let addr = server.addr();
    log_info!("listening on {scheme}://{addr}/");
    let redirect = match app.config.http_redirect {
        #[cfg(feature = "tls")]
        Some(at) => {
            let handler = Arc::new(https::Redirect { port: addr.port() });
            let redirect =
                http::Server::start(http::bind(at)?, http_config, handler, Box::new(|_| {}))?;
            log_info!("redirecting http://{}/ to HTTPS", redirect.addr());
            Some(redirect)
        }
        _ => None,
    };
    Ok(Running {
        addr,
        server,
        redirect,
        #[cfg(feature = "tls")]
        tls: options.tls,
        app,
    })
}

/// Reloads the HTTPS certificate from another thread (SIGHUP).
#[derive(Clone, Default)]
pub struct Reloader {
    #[cfg(feature = "tls")]
    tls: Option<Arc<http::Tls>>,
}

impl Reloader {
    /// Reads the certificate and key files again; on an error the old
    /// certificate stays in use and the error is returned.
    pub fn reload(&self) -> Result<(), String> {
        #[cfg(feature = "tls")]
        if let Some(tls) = &self.tls {
            tls.reload()?;
            log_info!(
                "HTTPS certificate reloaded; SHA-256 fingerprint: {}",
                tls.fingerprint()
            );
        }
        Ok(())
    }
}

impl Running {
    /// Bytes relayed so far by splice(2) and by buffered copies.
    pub fn relayed(&self) -> relay::Relayed {
        self.app.relayed.snapshot()
    }

    /// A handle that reloads the HTTPS certificate.
    pub fn reloader(&self) -> Reloader {
        Reloader {
            #[cfg(feature = "tls")]
            tls: self.tls.clone(),
        }
    }
}

/// The app as the HTTP server's handler.
struct Web(Arc<App>);

impl http::Handler for Web {
    fn handle(&self, ex: &mut Exchange<'_>) {
        handle_with(&self.0, ex, routes::route);
    }
}

/// Serves one request: route, respond, log one line. The router is a
/// parameter so that a test can make it panic.
fn handle_with(
    app: &App,
    ex: &mut Exchange<'_>,
    route: impl FnOnce(&App, &mut Exchange<'_>) -> context::Reply,
) {
    let started = Instant::now();
    let method = ex.method().as_str().to_string();
    let path = crate::logging::quoted(ex.path(), LOGGED_PATH_CHARS);
    let Some(busy) = app.shutdown.enter() else {
        // Received before the listener closed, or on a kept-alive connection.
        ex.close_after();
        send(ex, routes::stopping_page(ex));
        let (status, bytes) = ex.sent();
        log_info!("{method} {path} {status} {bytes}B (stopping)");
        return;
    };
    match catch_unwind(AssertUnwindSafe(|| route(app, ex))) {
        Ok(context::Reply::Page(page)) => {
            // Once transfers are being cut the stop waits only for their cleanup.
            if app.shutdown.aborting() {
                drop(busy);
            }
            send(ex, page);
        }
        Ok(context::Reply::Sent) => {}
        Err(_) => {
            log_error!("a handler panicked: {method} {path}");
            if ex.responded() {
                ex.close_after();
            } else {
                send(ex, routes::internal_error_page());
            }
        }
    }
    let (status, bytes) = ex.sent();
    let ms = started.elapsed().as_millis();
    log_info!("{method} {path} {status} {bytes}B {ms}ms");
}

/// The longest request path written to the log (a URL can be 8 KiB).
const LOGGED_PATH_CHARS: usize = 200;

/// Sends an in-memory response with the security headers.
fn send(ex: &mut Exchange<'_>, page: response::Page) {
    let secure = ex.secure;
    if let Err(e) = ex.respond(response::secure(page, secure)) {
        crate::log_debug!("response not delivered: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_handler_becomes_a_500_and_serving_goes_on() {
        let app = App::new(Config::default());
        let boom = b"GET /boom HTTP/1.1\r\nHost: x\r\n\r\n";
        let out = http::testing::exchange(boom, |ex| {
            handle_with(&app, ex, |_, _| panic!("a bug in a handler"))
        });
        assert!(
            out.starts_with(b"HTTP/1.1 500 "),
            "{}",
            String::from_utf8_lossy(&out)
        );
        let health = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
        let out = http::testing::exchange(health, |ex| handle_with(&app, ex, routes::route));
        assert!(
            out.starts_with(b"HTTP/1.1 200 "),
            "{}",
            String::from_utf8_lossy(&out)
        );
    }
}
