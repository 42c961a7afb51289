//! # FTPS (RFC 4217)
//!
//! TLS on the control connection (explicit `AUTH TLS`, or implicit from the
//! first byte) and on every data connection (`PROT P`). Certificates are
//! checked by a verifier of our own: a pinned fingerprint first, else the
//! CA store with the host name; a refusal keeps what a person needs to
//! decide (the certificate's summary). Data connections must resume the
//! control connection's TLS session and show the same certificate.

use super::cert::{CertSummary, Fingerprint};
use super::command::Command;
use super::control::Control;
use super::error::{Error, Result};
use super::ftps::{PinStore, TlsMode, Trust, SYSTEM_CA_FILE};
use super::login::{self, Greeting};
use super::stream::Stream;
use super::Config;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore,
    SignatureScheme, StreamOwned, SupportedProtocolVersion,
};
use std::io;
use std::net::TcpStream;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Instant;

/// TLS 1.2 only, for control and data alike. FTPS servers that insist on
/// session reuse (vsftpd's default `require_ssl_reuse=YES`) accept a data
/// connection only when it resumes the control connection's session; a
/// TLS 1.2 session is resumed as often as needed. Measured against Debian's
/// vsftpd 3.0.3 with `require_ssl_reuse=YES` (tests/ftps_servers.rs, CI's
/// vsftpd-tls): with TLS 1.3 allowed, listings and downloads resumed but a
/// 10 MiB STOR ended in `426 Failure reading network stream`; with TLS 1.2
/// all pass. libunftp turns TLS 1.3 off by default for an upload bug with
/// resumption too. rustls' TLS 1.2 offers only ECDHE with AEAD ciphers.
static VERSIONS: &[&SupportedProtocolVersion] = &[&rustls::version::TLS12];

/// What `AUTH TLS` answers when the server agrees (RFC 4217 §4.1).
const AUTH_OK: u16 = 234;

/// The greeting, with TLS as `config.tls` asks: implicit TLS before it,
/// or `AUTH TLS` after it (and before anything else is sent). The session
/// comes back when the connection is encrypted.
pub(super) fn greet(
    control: &mut Control,
    host: &str,
    port: u16,
    config: &Config,
) -> Result<(Greeting, Option<Session>)> {
    if config.tls == TlsMode::Off {
        return Ok((login::greet(control)?, None));
    }
    let mut session = Session::new(host, port, &config.trust)?;
    if config.tls == TlsMode::Implicit {
        control.upgrade(|tcp, deadline| session.control(tcp, deadline))?;
        let greeting = login::greet(control)?;
        protect(control)?;
        return Ok((greeting, Some(session)));
    }
    let greeting = login::greet(control)?;
    let reply = control.cmd(Command::AuthTls)?;
    if reply.code != AUTH_OK {
        // 500/502/504/534: no TLS here (334, "ADAT needed", is GSSAPI's).
        return match config.tls {
            TlsMode::Require => Err(Error::TlsRequired(format!(
                "AUTH TLS: {} {}",
                reply.code,
                reply.text()
            ))),
            _ => Ok((greeting, None)),
        };
    }
    control.upgrade(|tcp, deadline| session.control(tcp, deadline))?;
    protect(control)?;
    Ok((greeting, Some(session)))
}

/// `PBSZ 0` then `PROT P`: data connections under TLS too (RFC 4217 §8, §9).
fn protect(control: &mut Control) -> Result<()> {
    control.expect(Command::Pbsz0, &[200])?;
    control.expect(Command::ProtP, &[200]).map(drop)
}

/// The TLS settings of one client: one `ClientConfig` (so its session cache
/// lets data connections resume the control connection's session) and the
/// server name every connection is checked against.
pub(super) struct Session {
    config: Arc<ClientConfig>,
    name: ServerName<'static>,
    verifier: Arc<Verifier>,
    /// The control connection's certificate, once it is up.
    fingerprint: Option<Fingerprint>,
    summary: Option<CertSummary>,
}

impl Session {
    fn new(host: &str, port: u16, trust: &Trust) -> Result<Session> {
        let host_only = host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(host_only)
            .map_err(|e| Error::Tls(format!("{host}: {e}")))?
            .to_owned();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let roots = Arc::new(roots(trust)?);
        let webpki = if roots.is_empty() {
            None
        } else {
            WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
                .build()
                .ok()
        };
        let verifier = Arc::new(Verifier {
            key: PinStore::key(host, port),
            pins: trust.pins.clone(),
            webpki,
            algorithms: provider.signature_verification_algorithms,
            control: Mutex::new(None),
            failure: Mutex::new(None),
        });
        let config = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(VERSIONS)
            .map_err(|e| Error::Tls(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(verifier.clone())
            .with_no_client_auth();
        Ok(Session {
            config: Arc::new(config),
            name,
            verifier,
            fingerprint: None,
            summary: None,
        })
    }

    /// SHA-256 of the control connection's certificate.
    pub(super) fn fingerprint(&self) -> Option<Fingerprint> {
        self.fingerprint
    }

    /// The control connection certificate's summary.
    pub(super) fn summary(&self) -> Option<CertSummary> {
        self.summary.clone()
    }

    /// The handshake of the control connection; from then on only its
    /// certificate is accepted on data connections.
    fn control(&mut self, tcp: TcpStream, deadline: Option<Instant>) -> Result<Stream> {
        let mut stream = StreamOwned::new(self.connection()?, tcp);
        self.handshake(&mut stream, deadline)?;
        let fingerprint = leaf(&stream.conn)?;
        *lock(&self.verifier.control) = Some(fingerprint);
        self.fingerprint = Some(fingerprint);
        self.summary = stream
            .conn
            .peer_certificates()
            .and_then(|chain| chain.first())
            .and_then(|der| CertSummary::from_der(der));
        Ok(Stream::Tls(Box::new(stream)))
    }

    /// Starts TLS on a new data connection: the ClientHello goes out now,
    /// the rest of the handshake waits for [`Session::finish_data`] after
    /// the server's 150 (servers start TLS on the data connection either
    /// before or after that reply; this works for both).
    pub(super) fn start_data(&self, mut tcp: TcpStream) -> Result<Stream> {
        let mut conn = self.connection()?;
        conn.write_tls(&mut tcp)
            .map_err(|e| Error::io(e, "starting TLS on the data connection"))?;
        Ok(Stream::Tls(Box::new(StreamOwned::new(conn, tcp))))
    }

    /// Ends a data connection's handshake and checks it shows the control
    /// connection's certificate (a resumed session carries it too).
    pub(super) fn finish_data(&self, data: Stream) -> Result<Stream> {
        let Stream::Tls(mut stream) = data else {
            return Ok(data);
        };
        self.handshake(&mut stream, None)?;
        let got = leaf(&stream.conn)?;
        match self.fingerprint {
            Some(control) if control == got => Ok(Stream::Tls(stream)),
            Some(control) => Err(Error::DataCertificateMismatch { control, data: got }),
            None => Err(Error::Tls("no control connection certificate".into())),
        }
    }

    fn connection(&self) -> Result<ClientConnection> {
        ClientConnection::new(self.config.clone(), self.name.clone())
            .map_err(|e| Error::Tls(e.to_string()))
    }

    /// Runs the handshake to its end: each read and write within the
    /// socket's io timeout, and all of it by `deadline` (the login's) when
    /// there is one; the caller restores the socket's timeout. A
    /// certificate the verifier refused comes back as its own error, with
    /// what the verifier learnt.
    fn handshake(
        &self,
        s: &mut StreamOwned<ClientConnection, TcpStream>,
        deadline: Option<Instant>,
    ) -> Result<()> {
        let io_timeout = s.sock.read_timeout().ok().flatten();
        while s.conn.is_handshaking() {
            if let Some(deadline) = deadline {
                let left = deadline.saturating_duration_since(Instant::now());
                let wait = io_timeout.map_or(left, |t| t.min(left));
                if left.is_zero() || s.sock.set_read_timeout(Some(wait)).is_err() {
                    return Err(Error::Timeout {
                        during: "the TLS handshake",
                    });
                }
            }
            if let Err(e) = s.conn.complete_io(&mut s.sock) {
                if let Some(refusal) = lock(&self.verifier.failure).take() {
                    return Err(refusal);
                }
                return Err(match e.kind() {
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Error::Timeout {
                        during: "the TLS handshake",
                    },
                    _ => Error::Tls(format!("handshake failed: {e}")),
                });
            }
        }
        Ok(())
    }
}

/// The leaf certificate's fingerprint of a finished handshake.
fn leaf(conn: &ClientConnection) -> Result<Fingerprint> {
    match conn.peer_certificates().and_then(|c| c.first()) {
        Some(cert) => Ok(Fingerprint::of(cert)),
        None => Err(Error::Tls("the server sent no certificate".into())),
    }
}

/// The trusted CAs: the system store (parsed once per process) and the
/// extra CA file (read at each connection, so a replaced file counts).
fn roots(trust: &Trust) -> Result<RootCertStore> {
    let mut store = RootCertStore::empty();
    if trust.system_roots {
        store.add_parsable_certificates(system_roots().iter().cloned());
    }
    if let Some(path) = &trust.extra_ca {
        let (added, _) = store.add_parsable_certificates(pem_file(path)?);
        if added == 0 {
            return Err(Error::Tls(format!(
                "{}: no CA certificate in it",
                path.display()
            )));
        }
    }
    Ok(store)
}

fn system_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    // A missing or unreadable store leaves only pins and the extra CA file.
    ROOTS.get_or_init(|| pem_file(Path::new(SYSTEM_CA_FILE)).unwrap_or_default())
}

fn pem_file(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let bad = |e: rustls::pki_types::pem::Error| Error::Tls(format!("{}: {e}", path.display()));
    CertificateDer::pem_file_iter(path)
        .map_err(bad)?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(bad)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Pin first, else webpki with the roots and the host name; for data
/// connections, only the control connection's certificate.
#[derive(Debug)]
struct Verifier {
    /// `host:port` in the pin store.
    key: String,
    pins: PinStore,
    /// `None` when no CA is trusted at all.
    webpki: Option<Arc<WebPkiServerVerifier>>,
    algorithms: WebPkiSupportedAlgorithms,
    /// Set once the control connection is up.
    control: Mutex<Option<Fingerprint>>,
    /// Why the last certificate was refused, for the handshake's error.
    failure: Mutex<Option<Error>>,
}

impl Verifier {
    fn refuse(&self, why: Error) -> std::result::Result<ServerCertVerified, rustls::Error> {
        *lock(&self.failure) = Some(why);
        Err(rustls::Error::InvalidCertificate(
            CertificateError::ApplicationVerificationFailure,
        ))
    }
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let got = Fingerprint::of(end_entity);
        let control = *lock(&self.control);
        if let Some(control) = control {
            if got == control {
                return Ok(ServerCertVerified::assertion());
            }
            return self.refuse(Error::DataCertificateMismatch { control, data: got });
        }
        if let Some(expected) = self.pins.get(&self.key) {
            if got == expected {
                return Ok(ServerCertVerified::assertion());
            }
            return self.refuse(Error::CertificateChanged { expected, got });
        }
        let reason = match &self.webpki {
            None => "no CA certificates are trusted".to_string(),
            Some(webpki) => {
                match webpki.verify_server_cert(
                    end_entity,
                    intermediates,
                    server_name,
                    ocsp_response,
                    now,
                ) {
                    Ok(verified) => return Ok(verified),
                    Err(e) => e.to_string(),
                }
            }
        };
        let cert = CertSummary::from_der(end_entity).unwrap_or(CertSummary {
            subject_cn: None,
            subject_o: None,
            issuer_cn: None,
            issuer_o: None,
            not_before: "?".into(),
            not_after: "?".into(),
            fingerprint: got,
        });
        self.refuse(Error::UntrustedCertificate {
            cert: Box::new(cert),
            reason,
        })
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
