//! # HTTPS
//!
//! The server side of TLS (rustls with the ring provider): a certificate
//! and key from PEM files, reloadable while running (SIGHUP), and the
//! handshake of each connection, done on the connection's own thread under
//! the head deadline, so a client that opens TLS and stalls is cut off like
//! a slow HTTP client.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;

/// Largest certificate or key file read.
pub const MAX_PEM_BYTES: u64 = 256 * 1024;

/// The certificate in use and where it came from.
pub struct Tls {
    cert: PathBuf,
    key: PathBuf,
    config: RwLock<Arc<ServerConfig>>,
    fingerprint: RwLock<String>,
}

impl Tls {
    /// Loads a PEM certificate chain and its private key.
    pub fn from_files(cert: &Path, key: &Path) -> Result<Tls, String> {
        let (config, fingerprint) = load(cert, key)?;
        Ok(Tls {
            cert: cert.to_path_buf(),
            key: key.to_path_buf(),
            config: RwLock::new(Arc::new(config)),
            fingerprint: RwLock::new(fingerprint),
        })
    }

    /// Reads the files again; on any error the old certificate stays in use.
    pub fn reload(&self) -> Result<(), String> {
        let (config, fingerprint) = load(&self.cert, &self.key)?;
        *self.config.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(config);
        *self.fingerprint.write().unwrap_or_else(|p| p.into_inner()) = fingerprint;
        Ok(())
    }

    /// SHA-256 of the leaf certificate, as browsers show it (`AB:CD:…`).
    pub fn fingerprint(&self) -> String {
        self.fingerprint
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn current(&self) -> Arc<ServerConfig> {
        self.config
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Runs the handshake on `tcp` until `deadline`; the stream to serve, or
    /// `None` if the client failed or stalled.
    pub(super) fn accept(
        &self,
        tcp: TcpStream,
        deadline: Instant,
    ) -> Option<StreamOwned<ServerConnection, TcpStream>> {
        let conn = ServerConnection::new(self.current()).ok()?;
        let mut stream = StreamOwned::new(conn, tcp);
        while stream.conn.is_handshaking() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || stream.sock.set_read_timeout(Some(left)).is_err() {
                return None;
            }
            if let Err(e) = stream.conn.complete_io(&mut stream.sock) {
                crate::log_debug!("TLS handshake failed: {e}");
                return None;
            }
        }
        Some(stream)
    }
}

fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_PEM_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.len() as u64 > MAX_PEM_BYTES {
        return Err(format!(
            "{}: larger than {} KiB",
            path.display(),
            MAX_PEM_BYTES / 1024
        ));
    }
    Ok(bytes)
}

fn load(cert: &Path, key: &Path) -> Result<(ServerConfig, String), String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&read_capped(cert)?)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    let Some(leaf) = chain.first() else {
        return Err(format!("{}: no certificate in it", cert.display()));
    };
    let fingerprint = fingerprint(leaf);
    let private = PrivateKeyDer::from_pem_slice(&read_capped(key)?)
        .map_err(|e| format!("{}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, private)
        .map_err(|e| format!("{} with {}: {e}", cert.display(), key.display()))?;
    Ok((config, fingerprint))
}

/// SHA-256 of a DER certificate as colon-separated upper-case hex.
pub fn fingerprint(der: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    digest
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}
