//! A scripted fake FTPS server (RFC 4217) for hostile cases: like `fake`,
//! a `TcpListener` thread that plays replies and asserts each command, with
//! TLS (rustls, a `selfsigned::make` certificate) on the control connection
//! after `StartTls` and on data connections when a step says so.

use ftpgate::ftp::Fingerprint;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{HandshakeKind, ServerConfig, ServerConnection, StreamOwned};
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// A certificate, its server config (one session cache: data connections
/// resume the control connection's session) and its fingerprint.
#[derive(Clone)]
pub struct Identity {
    pub config: Arc<ServerConfig>,
    pub fingerprint: Fingerprint,
    pub der: Vec<u8>,
    /// The private key, PKCS#8 DER.
    pub key: Vec<u8>,
}

impl Identity {
    /// A new self-signed certificate for localhost and 127.0.0.1.
    pub fn new() -> Identity {
        let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs() as i64;
        let (der, key) = ftpgate::http::selfsigned::make(&names, now).expect("certificate");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(der.clone())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.clone())),
            )
            .expect("server config");
        Identity {
            config: Arc::new(config),
            fingerprint: Fingerprint::of(&der),
            der,
            key,
        }
    }
}

/// One step of a script.
pub enum Step {
    /// Write these bytes on the control connection (plain or TLS, as it is now).
    Send(&'static str),
    /// Read one command line and assert it is exactly this (without CRLF).
    Expect(&'static str),
    /// Run the TLS handshake on the control connection, as this identity.
    StartTls(Identity),
    /// Read `EPSV`, answer 229 with the data listener's port.
    Epsv,
    /// Accept a data connection under TLS as this identity, send the bytes,
    /// close with close_notify; asserts the session was resumed when
    /// `resumed` (what vsftpd's `require_ssl_reuse` checks).
    DataSend {
        identity: Identity,
        bytes: Vec<u8>,
        resumed: bool,
    },
    /// Accept a data connection under TLS, read to a clean close_notify;
    /// the bytes are returned by `join`.
    DataRecv(Identity),
    /// Accept a data connection and try TLS as this identity; the client is
    /// expected to refuse it.
    DataRefused(Identity),
    /// Read until the client hangs up; assert it never sent these bytes.
    ClosedWithout(&'static str),
    /// Take the next control connection (a second login), in plain text.
    Reaccept,
}

pub fn send(s: &'static str) -> Step {
    Step::Send(s)
}
pub fn expect(s: &'static str) -> Step {
    Step::Expect(s)
}

/// Greeting, AUTH TLS, handshake, PBSZ/PROT, USER/PASS, FEAT (none), TYPE I.
pub fn login(identity: &Identity) -> Vec<Step> {
    vec![
        send("220 fake ftps ready\r\n"),
        expect("AUTH TLS"),
        send("234 go ahead\r\n"),
        Step::StartTls(identity.clone()),
        expect("PBSZ 0"),
        send("200 PBSZ=0\r\n"),
        expect("PROT P"),
        send("200 private\r\n"),
        expect("USER u"),
        send("331 password please\r\n"),
        expect("PASS p"),
        send("230 welcome\r\n"),
        expect("FEAT"),
        send("211-Features:\r\n211 End\r\n"),
        expect("TYPE I"),
        send("200 binary\r\n"),
    ]
}

/// A running fake server.
pub struct FakeTls {
    pub port: u16,
    handle: JoinHandle<Vec<u8>>,
}

impl FakeTls {
    /// Plays `steps` to the first client.
    pub fn start(steps: Vec<Step>) -> FakeTls {
        let control = TcpListener::bind("127.0.0.1:0").expect("bind control");
        let data = TcpListener::bind("127.0.0.1:0").expect("bind data");
        let port = control.local_addr().expect("addr").port();
        let handle = std::thread::spawn(move || play(&control, &data, steps));
        FakeTls { port, handle }
    }

    /// Waits for the script to end (re-raising its panics); returns the
    /// bytes `DataRecv` received.
    pub fn join(self) -> Vec<u8> {
        match self.handle.join() {
            Ok(bytes) => bytes,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

enum Ctl {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
    Gone,
}

impl Ctl {
    fn io(&mut self) -> &mut dyn ReadWrite {
        match self {
            Ctl::Plain(s) => s,
            Ctl::Tls(s) => s.as_mut(),
            Ctl::Gone => panic!("control connection gone"),
        }
    }
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

fn read_line(io: &mut dyn ReadWrite) -> Vec<u8> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while !line.ends_with(b"\n") {
        match io.read(&mut byte) {
            Ok(0) => break,
            Ok(_) => line.push(byte[0]),
            Err(e) => panic!("fake ftps: reading a command: {e}"),
        }
    }
    line
}

fn accept_tls(data: &TcpListener, identity: &Identity) -> StreamOwned<ServerConnection, TcpStream> {
    let (d, _) = data.accept().expect("accept data");
    d.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let conn = ServerConnection::new(identity.config.clone()).expect("server connection");
    StreamOwned::new(conn, d)
}

fn play(control: &TcpListener, data: &TcpListener, steps: Vec<Step>) -> Vec<u8> {
    let (stream, _) = control.accept().expect("accept control");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut ctl = Ctl::Plain(stream);
    let data_port = data.local_addr().expect("addr").port();
    let mut received = Vec::new();
    for step in steps {
        match step {
            Step::Send(text) => ctl.io().write_all(text.as_bytes()).expect("send"),
            Step::Expect(want) => {
                let line = read_line(ctl.io());
                assert_eq!(
                    String::from_utf8_lossy(&line),
                    format!("{want}\r\n"),
                    "fake ftps server got an unexpected command"
                );
            }
            Step::Reaccept => {
                let (stream, _) = control.accept().expect("accept control again");
                stream
                    .set_read_timeout(Some(Duration::from_secs(10)))
                    .expect("timeout");
                ctl = Ctl::Plain(stream);
            }
            Step::StartTls(identity) => {
                let Ctl::Plain(tcp) = std::mem::replace(&mut ctl, Ctl::Gone) else {
                    panic!("TLS started twice");
                };
                let conn = ServerConnection::new(identity.config.clone()).expect("conn");
                ctl = Ctl::Tls(Box::new(StreamOwned::new(conn, tcp)));
            }
            Step::Epsv => {
                let line = read_line(ctl.io());
                assert_eq!(line, b"EPSV\r\n", "fake ftps server expected EPSV");
                let reply = format!("229 Entering Extended Passive Mode (|||{data_port}|)\r\n");
                ctl.io().write_all(reply.as_bytes()).expect("send");
            }
            Step::DataSend {
                identity,
                bytes,
                resumed,
            } => {
                let mut d = accept_tls(data, &identity);
                d.write_all(&bytes).expect("data send");
                if resumed {
                    assert_eq!(d.conn.handshake_kind(), Some(HandshakeKind::Resumed));
                }
                d.conn.send_close_notify();
                d.flush().expect("flush data");
            }
            Step::DataRecv(identity) => {
                let mut d = accept_tls(data, &identity);
                // An unclean end (no close_notify) is an error here.
                d.read_to_end(&mut received)
                    .expect("data read to close_notify");
                assert_eq!(d.conn.handshake_kind(), Some(HandshakeKind::Resumed));
            }
            Step::DataRefused(identity) => {
                let mut d = accept_tls(data, &identity);
                let mut sink = Vec::new();
                let read = d.read_to_end(&mut sink);
                assert!(read.is_err(), "the client accepted the data connection");
            }
            Step::ClosedWithout(never) => {
                // Under TLS this drives the handshake too; it ends when the
                // client refuses the certificate (an error) or hangs up.
                let mut rest = Vec::new();
                let mut buf = [0u8; 4096];
                loop {
                    match ctl.io().read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => rest.extend_from_slice(&buf[..n]),
                        Err(e) => {
                            assert_ne!(
                                e.kind(),
                                io::ErrorKind::WouldBlock,
                                "client did not hang up"
                            );
                            break;
                        }
                    }
                }
                let seen = rest.windows(never.len()).any(|w| w == never.as_bytes());
                assert!(
                    !seen,
                    "the client sent {never:?}: {:?}",
                    String::from_utf8_lossy(&rest)
                );
            }
        }
    }
    received
}
