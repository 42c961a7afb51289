//! The in-process third-party FTP server: libunftp with its filesystem
//! back-end, on a tokio runtime in a background thread, so `cargo test` needs
//! nothing installed. The demo example includes this file too.

use async_trait::async_trait;
use libunftp::ServerBuilder;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use unftp_core::auth::{AuthenticationError, Authenticator, Credentials, Principal};
use unftp_sbe_fs::Filesystem;

/// Accepts exactly one user and password, like a real account.
#[derive(Debug)]
struct OneUser {
    user: String,
    password: String,
}

#[async_trait]
impl Authenticator for OneUser {
    async fn authenticate(
        &self,
        username: &str,
        creds: &Credentials,
    ) -> Result<Principal, AuthenticationError> {
        if username != self.user {
            return Err(AuthenticationError::BadUser);
        }
        if creds.password.as_deref() != Some(self.password.as_str()) {
            return Err(AuthenticationError::BadPassword);
        }
        Ok(Principal {
            username: username.to_string(),
        })
    }
}

/// A running in-process server.
pub struct Unftp {
    pub port: u16,
    /// The directory it serves.
    pub root: PathBuf,
}

/// Starts a server serving `root` on a free loopback port for one account.
pub fn start(root: PathBuf, user: &str, password: &str) -> Unftp {
    start_with(root, user, password, None)
}

/// Like [`start`], with FTPS (explicit AUTH TLS) from a PEM certificate
/// and key file: libunftp's default is TLS 1.2 with session resumption.
#[allow(dead_code)] // the demo example includes this file and has no FTPS
pub fn start_ftps(root: PathBuf, user: &str, password: &str, cert: PathBuf, key: PathBuf) -> Unftp {
    start_with(root, user, password, Some((cert, key)))
}

fn start_with(
    root: PathBuf,
    user: &str,
    password: &str,
    ftps: Option<(PathBuf, PathBuf)>,
) -> Unftp {
    let auth = std::sync::Arc::new(OneUser {
        user: user.into(),
        password: password.into(),
    });
    // Ask the OS for a free port, then hand it to libunftp (which binds by address).
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let served = root.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        runtime.block_on(async move {
            let mut builder = ServerBuilder::with_authenticator(
                Box::new(move || Filesystem::new(root.clone()).expect("fs root")),
                auth,
            )
            .greeting("ftpgate in-process FTP server (libunftp)")
            .passive_ports(30000..=39999);
            if let Some((cert, key)) = ftps {
                builder = builder.ftps(cert, key);
            }
            let server = builder.build().expect("libunftp server");
            if let Err(e) = server.listen(format!("127.0.0.1:{port}")).await {
                panic!("libunftp stopped: {e}");
            }
        });
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "libunftp did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Unftp { port, root: served }
}
