//! The `ftpgate` binary: parse the configuration, serve until stopped.

use ftpgate::config::{self, Action};

fn main() {
    let env = |name: &str| std::env::var(name).ok();
    let config = match config::parse(std::env::args().skip(1), env) {
        Ok(Action::Run(config)) => *config,
        Ok(Action::Help) => {
            print!("{}", config::HELP);
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
    match ftpgate::web::start(config) {
        Ok(running) => {
            running.wait();
            // The workers only end when the listener failed (logged above).
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("ftpgate: cannot serve: {e}");
            std::process::exit(1);
        }
    }
}
