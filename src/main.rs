//! The `ftpgate` binary: parse the configuration, serve until SIGTERM or
//! SIGINT, then stop gracefully (exit 0); exit 1 if the listener fails.

use ftpgate::config::{self, Action};
use ftpgate::web::{self, shutdown::Event};

fn main() {
    if std::env::args().nth(1).as_deref() == Some("doctor") {
        #[cfg(feature = "doctor")]
        std::process::exit(ftpgate::cli::doctor_main(std::env::args().skip(2)));
        #[cfg(not(feature = "doctor"))]
        {
            eprintln!("ftpgate: this build has no doctor (build with --features doctor)");
            std::process::exit(2);
        }
    }
    let env = |name: &str| std::env::var(name).ok();
    let config = match config::parse(std::env::args().skip(1), env) {
        Ok(Action::Run(config)) => *config,
        Ok(Action::Help) => {
            print!("{}", config::HELP);
            #[cfg(feature = "doctor")]
            println!("\nAnd: ftpgate doctor ftp://USER@HOST[:PORT] checks an FTP server step by step\n(ftpgate doctor --help).");
            return;
        }
        Ok(Action::Version) => {
            println!("ftpgate {}", env!("CARGO_PKG_VERSION"));
            return;
        }
        Err(e) => {
            eprintln!("ftpgate: {e}");
            std::process::exit(2);
        }
    };
    if let Some(level) = config.log_level {
        ftpgate::logging::set_max_level(level);
    }
    // Before serving: a signal that comes early then waits instead of killing us.
    let signals = match ftpgate::signals::listen() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ftpgate: cannot handle signals: {e}");
            std::process::exit(1);
        }
    };
    let grace = config.shutdown_grace;
    let running = match web::start(config) {
        Ok(running) => running,
        Err(e) => {
            eprintln!("ftpgate: cannot serve: {e}");
            std::process::exit(1);
        }
    };
    let reloader = running.reloader();
    let hangup = ftpgate::signals::on_hangup(move || {
        if let Err(e) = reloader.reload() {
            ftpgate::log_error!(
                "SIGHUP: the HTTPS certificate was not reloaded (the old one stays): {e}"
            );
        }
    });
    if let Err(e) = hangup {
        eprintln!("ftpgate: cannot handle SIGHUP: {e}");
        std::process::exit(1);
    }
    let stopper = running.stopper();
    if let Err(e) = signals.forward(move |name| stopper.request(name)) {
        eprintln!("ftpgate: cannot handle signals: {e}");
        std::process::exit(1);
    }
    match running.wait() {
        Event::Requested(why) => {
            running.shutdown(why, grace);
            std::process::exit(0);
        }
        // Logged where it happened.
        Event::ListenerFailed => std::process::exit(1),
    }
}
