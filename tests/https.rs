//! HTTPS: the self-signed certificate made once in the state directory and
//! kept across restarts, `Secure` cookies, the redirecting plain listener, a
//! stalled handshake cut off by the head deadline while others are served,
//! and a certificate reload.
#![cfg(feature = "tls")]

mod common;

use common::web;
use ftpgate::config::{Config, TlsFiles};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn config(state: &Path) -> Config {
    Config {
        tls: Some(TlsFiles::SelfSigned),
        state_dir: Some(state.to_path_buf()),
        ..web::config()
    }
}

fn cert_of(state: &Path) -> CertificateDer<'static> {
    CertificateDer::from_pem_file(state.join("https-cert.pem")).expect("the made certificate")
}

/// One request over TLS, trusting only `cert`; the whole answer as text.
fn https_get(addr: SocketAddr, cert: &CertificateDer<'static>, path: &str) -> String {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from("localhost").unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(client), name).unwrap();
    let tcp = TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    tls.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = tls.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes `request` on a new plain connection; everything read until it closes.
fn raw(addr: SocketAddr, request: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn state_dir(test: &str) -> PathBuf {
    let dir = common::temp_dir(test);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn serves_https_with_a_certificate_kept_across_restarts() {
    let state = state_dir("https-restart");
    let (srv, _) = web::start_with(config(&state));
    let cert = cert_of(&state);
    let health = https_get(srv.addr, &cert, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200 "), "{health}");
    let login = https_get(srv.addr, &cert, "/login");
    let cookies: Vec<&str> = login
        .lines()
        .filter(|l| l.starts_with("Set-Cookie:"))
        .collect();
    assert!(!cookies.is_empty(), "{login}");
    assert!(
        cookies.iter().all(|c| c.ends_with("; Secure")),
        "{cookies:?}"
    );
    srv.stop();
    let (again, _) = web::start_with(config(&state));
    assert_eq!(cert_of(&state), cert, "a restart made a new certificate");
    assert!(https_get(again.addr, &cert, "/healthz").starts_with("HTTP/1.1 200 "));
    again.stop();
    let key = std::fs::metadata(state.join("https-key.pem")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(key.permissions().mode() & 0o777, 0o600);
}

#[test]
fn a_stalled_handshake_is_cut_at_the_head_deadline_and_others_are_served() {
    let state = state_dir("https-stall");
    let (srv, _) = web::start_with(config(&state)); // head deadline: 3 s (http_timeout)
    let cert = cert_of(&state);
    let mut stalled = TcpStream::connect(srv.addr).unwrap();
    stalled.write_all(&[0x16, 0x03, 0x01]).unwrap(); // the start of a ClientHello, then nothing
    stalled
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    assert!(https_get(srv.addr, &cert, "/healthz").starts_with("HTTP/1.1 200 "));
    let started = Instant::now();
    let mut buf = [0u8; 16];
    let n = stalled.read(&mut buf).unwrap_or(0);
    assert_eq!(n, 0, "the stalled handshake got an answer");
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "not cut by the head deadline"
    );
    srv.stop();
}

#[test]
fn plain_http_on_the_https_port_is_refused_and_the_redirect_listener_redirects() {
    let state = state_dir("https-redirect");
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let redirect_at = probe.local_addr().unwrap();
    drop(probe);
    let (srv, _) = web::start_with(Config {
        http_redirect: Some(redirect_at),
        ..config(&state)
    });
    let plain = raw(srv.addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(
        !plain.starts_with("HTTP/"),
        "plain HTTP answered on the HTTPS port: {plain}"
    );
    let r = raw(
        redirect_at,
        "GET /browse/pub/?q=a HTTP/1.1\r\nHost: nas.local:8080\r\n\r\n",
    );
    assert!(r.starts_with("HTTP/1.1 308 "), "{r}");
    let want = format!(
        "Location: https://nas.local:{}/browse/pub/?q=a\r\n",
        srv.addr.port()
    );
    assert!(r.contains(&want), "{r}");
    srv.stop();
}

#[test]
fn a_reload_serves_the_new_certificate() {
    let state = state_dir("https-reload");
    let (cert_der, key_der) =
        ftpgate::http::selfsigned::make(&["localhost".into()], 1_764_547_200).unwrap();
    std::fs::create_dir_all(&state).unwrap();
    let (cert_path, key_path) = (state.join("c.pem"), state.join("k.pem"));
    let write = |c: &[u8], k: &[u8]| {
        std::fs::write(&cert_path, pem("CERTIFICATE", c)).unwrap();
        std::fs::write(&key_path, pem("PRIVATE KEY", k)).unwrap();
    };
    write(&cert_der, &key_der);
    let (srv, _) = web::start_with(Config {
        tls: Some(TlsFiles::Files {
            cert: cert_path.clone(),
            key: key_path.clone(),
        }),
        ..web::config()
    });
    let first = CertificateDer::from(cert_der);
    assert!(https_get(srv.addr, &first, "/healthz").starts_with("HTTP/1.1 200 "));
    let (next_der, next_key) =
        ftpgate::http::selfsigned::make(&["localhost".into()], 1_764_547_200).unwrap();
    write(&next_der, &next_key);
    srv.reloader().reload().unwrap();
    let next = CertificateDer::from(next_der);
    assert!(https_get(srv.addr, &next, "/healthz").starts_with("HTTP/1.1 200 "));
    // A broken file keeps the old certificate in use.
    std::fs::write(&key_path, "not a key").unwrap();
    assert!(srv.reloader().reload().is_err());
    assert!(https_get(srv.addr, &next, "/healthz").starts_with("HTTP/1.1 200 "));
    srv.stop();
}

fn pem(label: &str, der: &[u8]) -> String {
    ftpgate::http::selfsigned::pem(label, der)
}
