//! `cargo run --release --example demo`: ftpgate together with an in-process
//! FTP server (libunftp, the same third-party server the tests use) serving a
//! small sample tree, so a newcomer can try it with nothing installed.
//! The device binary carries none of this: libunftp is a dev-dependency.

// The tests' in-process server, shared so the demo runs exactly what is tested.
#[path = "../tests/common/unftp.rs"]
mod unftp;

use ftpgate::config::{self, Action, Prefill};
use ftpgate::web::shutdown::Event;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

const USER: &str = "demo";
const PASSWORD: &str = "demo";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut config = match config::parse(args, |k| std::env::var(k).ok()) {
        Ok(Action::Run(c)) => *c,
        Ok(_) => {
            print!("{}", config::HELP);
            return;
        }
        Err(e) => {
            eprintln!("demo: {e}");
            std::process::exit(2);
        }
    };
    if std::env::var("FTPGATE_LISTEN").is_err()
        && !std::env::args().any(|a| a.starts_with("--listen"))
    {
        // The demo is for this machine only unless asked otherwise.
        config.listen = SocketAddr::from(([127, 0, 0, 1], 8080));
    }
    // Before serving: Ctrl-C then stops the demo as it stops ftpgate
    // (logged, sessions logged out) and the sample tree is removed after.
    let signals = match ftpgate::signals::listen() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("demo: cannot handle signals: {e}");
            std::process::exit(1);
        }
    };
    let root = sample_tree().expect("create the sample files");
    let server = unftp::start(root.clone(), USER, PASSWORD);
    let ftp_port = server.port;
    config.prefill = Some(Prefill {
        host: "127.0.0.1".into(),
        port: ftp_port,
        user: USER.into(),
        password_hint: Some(PASSWORD.into()),
    });
    let https = config.tls.is_some();
    let grace = config.shutdown_grace;
    let running = match ftpgate::web::start(config) {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&root);
            eprintln!("demo: cannot listen: {e}");
            eprintln!(
                "  another port: cargo run --release --example demo -- --listen 127.0.0.1:8081"
            );
            std::process::exit(1);
        }
    };
    let stopper = running.stopper();
    if let Err(e) = signals.forward(move |name| stopper.request(name)) {
        eprintln!("demo: cannot handle signals: {e}");
        std::process::exit(1);
    }
    println!();
    let scheme = if https { "https" } else { "http" };
    println!("  ftpgate demo is running: {scheme}://{}/", running.addr);
    println!("  FTP server: 127.0.0.1:{ftp_port}  user: {USER}  password: {PASSWORD}");
    println!("  sample files: {}", server.root.display());
    println!("  stop with Ctrl-C");
    println!();
    let code = match running.wait() {
        Event::Requested(why) => {
            running.shutdown(why, grace);
            0
        }
        Event::ListenerFailed => 1,
    };
    match std::fs::remove_dir_all(&root) {
        Ok(()) => eprintln!("demo: stopped; removed {}", root.display()),
        Err(e) => eprintln!("demo: stopped; could not remove {}: {e}", root.display()),
    }
    std::process::exit(code);
}

/// A small tree: nested folders, a unicode name, a few MiB file.
fn sample_tree() -> std::io::Result<PathBuf> {
    let root = std::env::temp_dir().join(format!("ftpgate-demo-{}", std::process::id()));
    let write = |rel: &str, data: &[u8]| -> std::io::Result<()> {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
        std::fs::write(path, data)
    };
    write(
        "README.txt",
        b"Welcome to the ftpgate demo.\nBrowse, download, upload: it is all yours.\n",
    )?;
    write(
        "photos/2026/summer/beach.txt",
        b"(imagine a picture of a beach)\n",
    )?;
    write(
        "photos/2026/winter/snow.txt",
        b"(imagine a picture of snow)\n",
    )?;
    write(
        "documents/Résumé — ünïcödé ✓.txt",
        "Names are bytes; this one is UTF-8.\n".as_bytes(),
    )?;
    write("documents/notes with spaces.md", b"# Notes\n")?;
    let big: Vec<u8> = (0..4 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
        .collect();
    write("downloads/sample-4MiB.bin", &big)?;
    std::fs::create_dir_all(root.join("uploads"))?;
    Ok(root)
}
