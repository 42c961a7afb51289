//! The `ftpgate` binary: the web appliance is built on top of the `ftp` module.

fn main() {
    eprintln!(
        "ftpgate {}: the web interface is not built yet",
        env!("CARGO_PKG_VERSION")
    );
    std::process::exit(2);
}
