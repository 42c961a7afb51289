//! # HTTPS set-up
//!
//! Turns `--tls-cert/--tls-key` or `--tls-self-signed` into the HTTP
//! server's certificate, and serves the optional plain-HTTP listener that
//! only redirects browsers to the HTTPS address.

use crate::config::{Config, TlsFiles};
use crate::http::{self, Exchange, Response};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

/// The certificate to serve, if HTTPS is configured; its fingerprint is logged.
pub fn certificate(config: &Config) -> io::Result<Option<Arc<http::Tls>>> {
    let Some(files) = &config.tls else {
        return Ok(None);
    };
    let (cert, key) = match files {
        TlsFiles::Files { cert, key } => (cert.clone(), key.clone()),
        TlsFiles::SelfSigned => {
            let dir = config
                .state_dir
                .as_deref()
                .ok_or_else(|| io::Error::other("no state directory"))?;
            std::fs::create_dir_all(dir)?;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            http::selfsigned::ensure(dir, &names(config.listen), now).map_err(io::Error::other)?
        }
    };
    let tls = http::Tls::from_files(&cert, &key).map_err(io::Error::other)?;
    crate::log_info!(
        "HTTPS certificate SHA-256 fingerprint: {}",
        tls.fingerprint()
    );
    Ok(Some(Arc::new(tls)))
}

/// What a made certificate is for: localhost, this machine's name, and the
/// listening address when it is a specific one.
fn names(listen: SocketAddr) -> Vec<String> {
    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    if let Ok(host) = std::fs::read_to_string("/etc/hostname") {
        let host = host.trim();
        if !host.is_empty() && crate::config::check_host(host).is_ok() {
            names.push(host.to_string());
            names.push(format!("{host}.local"));
        }
    }
    if !listen.ip().is_unspecified() && !listen.ip().is_loopback() {
        names.push(listen.ip().to_string());
    }
    names
}

/// The handler of the plain-HTTP listener: 308 to the same path on HTTPS.
pub struct Redirect {
    /// The HTTPS port browsers are sent to.
    pub port: u16,
}

impl http::Handler for Redirect {
    fn handle(&self, ex: &mut Exchange<'_>) {
        let host = ex
            .header("Host")
            .map(host_only)
            .filter(|h| crate::config::check_host(h.trim_matches(['[', ']'])).is_ok());
        let response = match host {
            Some(host) => {
                let location = format!("https://{host}:{}{}", self.port, ex.head.target);
                Response::plain(
                    308,
                    &format!("This ftpgate is served over HTTPS: {location}"),
                )
                .with_header("Location", &location)
            }
            None => Response::plain(
                400,
                "This ftpgate is served over HTTPS; the request named no valid host.",
            ),
        };
        if ex.respond(response).is_err() {
            crate::log_debug!("redirect not delivered");
        }
    }
}

/// `host:port` → `host`; `[v6]:port` → `[v6]`.
fn host_only(value: &str) -> &str {
    let value = value.trim();
    match value.strip_prefix('[') {
        Some(rest) => rest.find(']').map_or(value, |i| &value[..i + 2]),
        None => value.rsplit_once(':').map_or(value, |(h, _)| h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_host_of_a_host_header() {
        assert_eq!(host_only("nas.local:8080"), "nas.local");
        assert_eq!(host_only("nas"), "nas");
        assert_eq!(host_only("[fe80::1]:80"), "[fe80::1]");
        assert_eq!(host_only("[::1]"), "[::1]");
    }

    #[test]
    fn redirects_to_the_same_path_on_https_and_refuses_odd_hosts() {
        let redirect = Redirect { port: 8443 };
        let out = http::testing::exchange(
            b"GET /browse/a%20b/?q=x HTTP/1.1\r\nHost: nas:8080\r\n\r\n",
            |ex| http::Handler::handle(&redirect, ex),
        );
        let text = String::from_utf8_lossy(&out);
        assert!(text.starts_with("HTTP/1.1 308 "), "{text}");
        assert!(
            text.contains("Location: https://nas:8443/browse/a%20b/?q=x\r\n"),
            "{text}"
        );
        let out = http::testing::exchange(b"GET / HTTP/1.1\r\nHost: evil\"/x\r\n\r\n", |ex| {
            http::Handler::handle(&redirect, ex)
        });
        assert!(String::from_utf8_lossy(&out).starts_with("HTTP/1.1 400 "));
    }
}
