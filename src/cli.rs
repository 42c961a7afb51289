//! # `ftpgate doctor`
//!
//! The FTP doctor on the command line: `ftpgate doctor [--write-test]
//! [--tls MODE] [--trust SHA256] ftp://user@host:port`. The address is
//! read like the login form's Server field; the password comes from
//! `FTPGATE_PASSWORD`, else from the terminal without echo (`stty`). The
//! other FTP settings (timeouts, CA file, pins, active-mode ports) come
//! from the same `FTPGATE_*` variables as the server's. Prints the
//! plain-text report; exits 0 when the server works, 1 when not, 2 on a
//! usage error.

use crate::config;
use crate::doctor::{self, Request};
use crate::ftp::{Fingerprint, TlsMode};
use crate::web::address;
use std::io::{BufRead, Read, Write};

/// `ftpgate doctor --help`.
pub const HELP: &str = "\
ftpgate doctor: check a connection to an FTP server, step by step

Usage: ftpgate doctor [OPTIONS] ftp://USER@HOST[:PORT]
       (ftps:// for implicit TLS, ftpes:// for TLS only; host:port works too,
       with --user)

Options:
  --user NAME        the user name, when the address carries none (anonymous)
  --tls MODE         prefer (default), require, implicit or off
  --trust SHA256     trust the server certificate with this fingerprint
  --write-test       also create, upload, download and delete a temporary file
  -h, --help         this text

The password is read from FTPGATE_PASSWORD, else asked for on the terminal.
Other FTP settings come from the FTPGATE_FTP_* variables (see ftpgate --help).
Exit status: 0 the server works, 1 it does not, 2 a usage error.
";

/// Most bytes of a typed password.
const MAX_PASSWORD: usize = 1024;

/// Runs the subcommand with its arguments (after `doctor`); the exit status.
pub fn doctor_main(args: impl IntoIterator<Item = String>) -> i32 {
    // The report says what the fallbacks' warnings would.
    crate::logging::set_max_level(crate::logging::Level::Error);
    match parse(args) {
        Ok(Some(req)) => {
            let Some(password) = password() else {
                eprintln!(
                    "ftpgate doctor: no password (set FTPGATE_PASSWORD or run it in a terminal)"
                );
                return 2;
            };
            let report = doctor::run(&req, &password);
            print!("{}", report.text());
            i32::from(!report.works)
        }
        Ok(None) => {
            print!("{HELP}");
            0
        }
        Err(e) => {
            eprintln!("ftpgate doctor: {e} (see ftpgate doctor --help)");
            2
        }
    }
}

/// The check the arguments ask for; `None` for `--help`.
fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Request>, String> {
    let mut args = args.into_iter();
    let (mut address, mut user, mut tls, mut trust, mut write_test) =
        (None, None, None, None, false);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--write-test" => write_test = true,
            "--user" => user = Some(value("--user")?),
            "--tls" => {
                let v = value("--tls")?;
                tls = Some(TlsMode::from_word(&v).ok_or(format!(
                    "--tls: {v:?} is not prefer, require, implicit or off"
                ))?);
            }
            "--trust" => {
                let v = value("--trust")?;
                trust = Some(
                    Fingerprint::parse(&v)
                        .ok_or(format!("--trust: {v:?} is not a SHA-256 fingerprint"))?,
                );
            }
            a if a.starts_with('-') => return Err(format!("unknown option {a:?}")),
            _ if address.is_some() => return Err("only one server address".into()),
            a => address = Some(a.to_string()),
        }
    }
    let address = address.ok_or("no server address")?;
    let server = address::parse(&address)?;
    // The server's own settings, from its environment (FTPGATE_FTP_*).
    let settings = match config::parse(Vec::new(), |name| std::env::var(name).ok())? {
        config::Action::Run(c) => c,
        _ => return Err("unexpected settings".into()),
    };
    let mut ftp = settings.ftp;
    if let Some(mode) = tls.or(server.tls) {
        ftp.tls = mode;
    }
    let port = server.port.unwrap_or(if ftp.tls == TlsMode::Implicit {
        990
    } else {
        21
    });
    if let Some(fp) = trust {
        ftp.trust.pins = ftp
            .trust
            .pins
            .with(crate::ftp::PinStore::key(&server.host, port), fp);
    }
    Ok(Some(Request {
        host: server.host,
        port,
        user: server.user.or(user).unwrap_or_else(|| "anonymous".into()),
        config: ftp,
        write_test,
    }))
}

/// `FTPGATE_PASSWORD`, else a line typed on the terminal with echo off.
fn password() -> Option<Vec<u8>> {
    if let Some(p) = std::env::var_os("FTPGATE_PASSWORD") {
        return Some(p.into_encoded_bytes());
    }
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    let mut out = &tty;
    let _ = write!(out, "Password: ");
    let _ = out.flush();
    let echo = Echo::off(&tty);
    let mut line = Vec::new();
    let read =
        std::io::BufReader::new((&tty).take(MAX_PASSWORD as u64 + 2)).read_until(b'\n', &mut line);
    drop(echo);
    let _ = writeln!(out);
    read.ok()?;
    while line.last().is_some_and(|b| matches!(b, b'\n' | b'\r')) {
        line.pop();
    }
    Some(line)
}

/// The terminal's echo, switched off until dropped (also when reading fails).
struct Echo<'a> {
    tty: &'a std::fs::File,
    before: Option<rustix::termios::Termios>,
}

impl<'a> Echo<'a> {
    fn off(tty: &'a std::fs::File) -> Echo<'a> {
        use rustix::termios::{tcgetattr, tcsetattr, LocalModes, OptionalActions};
        let before = tcgetattr(tty).ok();
        if let Some(mut quiet) = before.clone() {
            quiet.local_modes.remove(LocalModes::ECHO);
            let _ = tcsetattr(tty, OptionalActions::Now, &quiet);
        }
        Echo { tty, before }
    }
}

impl Drop for Echo<'_> {
    fn drop(&mut self) {
        if let Some(before) = &self.before {
            let _ =
                rustix::termios::tcsetattr(self.tty, rustix::termios::OptionalActions::Now, before);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_the_address_and_options() {
        let req = parse(args(&["--write-test", "ftp://ann@nas.local:2121"]))
            .unwrap()
            .unwrap();
        assert_eq!(
            (req.host.as_str(), req.port, req.user.as_str()),
            ("nas.local", 2121, "ann")
        );
        assert!(req.write_test);
        let req = parse(args(&["ftps://[fe80::1%eth0]"])).unwrap().unwrap();
        assert_eq!((req.port, req.config.tls), (990, TlsMode::Implicit));
        assert_eq!(req.user, "anonymous");
        let req = parse(args(&["--user", "bob", "--tls", "off", "10.0.0.2"]))
            .unwrap()
            .unwrap();
        assert_eq!(
            (req.user.as_str(), req.port, req.config.tls),
            ("bob", 21, TlsMode::Off)
        );
        assert!(parse(args(&["--help"])).unwrap().is_none());
    }

    #[test]
    fn refuses_what_it_cannot_use() {
        assert!(parse(args(&[])).is_err());
        assert!(parse(args(&["ftp://ann:secret@nas"]))
            .unwrap_err()
            .contains("password"));
        assert!(parse(args(&["--tls", "maybe", "nas"])).is_err());
        assert!(parse(args(&["--bogus", "nas"])).is_err());
        assert!(parse(args(&["a", "b"])).is_err());
    }
}
