//! # The FTP doctor
//!
//! Takes one connection to an FTP server through every step ftpgate
//! depends on (name resolution, TCP, greeting, TLS, login, FEAT, names,
//! the listing, each kind of data connection, optionally a write) and says
//! in plain words how each went, what the server said and what would fix
//! it. The web page (`/doctor`) and the command line (`ftpgate doctor`)
//! both show the [`Report`]. Built on the FTP client alone.

pub mod advice;
pub mod report;

use crate::ftp::{self, Channel, Client, Error, Kind, TlsMode};
use advice::Software;
pub use report::{Report, Status, Step};
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The steps, in the order the report shows them.
pub const RESOLVE: &str = "Name resolution";
pub const TCP: &str = "TCP connection";
pub const GREETING: &str = "Greeting";
pub const TLS: &str = "TLS";
pub const LOGIN: &str = "Login";
pub const FEAT: &str = "Features (FEAT)";
pub const NAMES: &str = "File names (UTF-8)";
pub const LISTING: &str = "Listing";
pub const EPSV: &str = "Passive mode (EPSV)";
pub const PASV: &str = "Passive mode (PASV)";
pub const ACTIVE: &str = "Active mode (EPRT/PORT)";
pub const WRITE: &str = "Write test";
const ALL: [&str; 12] = [
    RESOLVE, TCP, GREETING, TLS, LOGIN, FEAT, NAMES, LISTING, EPSV, PASV, ACTIVE, WRITE,
];

/// Most addresses a name resolves to that are shown and tried.
const MAX_ADDRESSES: usize = 4;
/// Most unparsed listing lines shown, and how much of each.
const MAX_UNPARSED_SHOWN: usize = 3;
const MAX_LINE_SHOWN: usize = 160;
/// The data connection of each test waits at most this long, whatever the
/// configured connect timeout: the doctor tries up to four of them.
const MAX_DATA_WAIT: Duration = Duration::from_secs(5);
/// The write test's file size.
const WRITE_BYTES: usize = 256 * 1024;

/// What to check.
#[derive(Debug, Clone)]
pub struct Request {
    pub host: String,
    pub port: u16,
    pub user: String,
    /// Timeouts, encryption and trust, as a login would use them.
    pub config: ftp::Config,
    /// Create, upload, download, compare and delete a file in a temporary name.
    pub write_test: bool,
}

impl Request {
    /// `ftp://user@host:port` (`ftps://` for implicit TLS, `ftpes://` for
    /// TLS required), never a password.
    pub fn target(&self) -> String {
        let scheme = match self.config.tls {
            TlsMode::Implicit => "ftps",
            TlsMode::Require => "ftpes",
            _ => "ftp",
        };
        let host = if self.host.contains(':') && !self.host.starts_with('[') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        format!("{scheme}://{}@{host}:{}", self.user, self.port)
    }
}

/// Runs every step; the password is used for the login and never kept,
/// and scrubbed from whatever the server said ([`Report::scrub`]).
pub fn run(req: &Request, password: &[u8]) -> Report {
    let mut config = req.config.clone();
    config.connect_timeout = config
        .connect_timeout
        .min(MAX_DATA_WAIT.max(Duration::from_secs(1)));
    let mut report = Report {
        target: req.target(),
        when: now_utc(),
        steps: Vec::new(),
        works: false,
        login_refused: false,
        untrusted: None,
        verdict: String::new(),
    };
    let fatal = check(req, &config, password, &mut report).err();
    report.skip_rest(&ALL, "Not checked: an earlier step failed.");
    report.conclude(fatal);
    report.scrub(password, &req.user);
    report
}

/// A step that must work failed: why, for the verdict.
type Fatal = String;

/// The steps until one that must work fails.
fn check(
    req: &Request,
    config: &ftp::Config,
    password: &[u8],
    r: &mut Report,
) -> Result<(), Fatal> {
    let addrs = resolve(req, r)?;
    connect_tcp(req, config, &addrs, r)?;
    let mut c = greet(req, config, r)?;
    let software = advice::software(c.greeting());
    tls(req, config, &c, r);
    login(req, config, &mut c, password, r)?;
    features(&c, r);
    let listed = listing(&mut c, r);
    let works = data_connections(&mut c, software, r);
    if !req.write_test {
        r.push(Step::new(
            WRITE,
            Status::Skipped,
            "Not asked for: tick \"Also test writing\" (--write-test) to create, upload, download and delete a temporary file.",
        ));
    }
    let Some(channel) = works else {
        c.quit();
        return fail("no kind of data connection works, so listings and transfers fail (see the passive and active mode steps)");
    };
    if let Err(e) = listed {
        c.quit();
        return fail(format!("listing the home folder fails: {e}"));
    }
    if req.write_test {
        c.start_with(channel);
        write_test(&mut c, r);
    }
    c.quit();
    Ok(())
}

fn resolve(req: &Request, r: &mut Report) -> Result<Vec<SocketAddr>, Fatal> {
    let host = req.host.trim_start_matches('[').trim_end_matches(']');
    let started = Instant::now();
    let found = (host, req.port).to_socket_addrs();
    let took = started.elapsed();
    let addrs: Vec<SocketAddr> = match found {
        Ok(addrs) => addrs.take(MAX_ADDRESSES).collect(),
        Err(_) => Vec::new(),
    };
    if addrs.is_empty() {
        let mut step = Step::new(
            RESOLVE,
            Status::Fail,
            format!("The name {host} was not found."),
        )
        .took(took)
        .detail("Check the spelling, or type the server's IP address instead.");
        if host.ends_with(".local") {
            step = step.detail(".local names are found by mDNS (Avahi): this device needs it running, else use the address.");
        }
        r.push(step);
        return fail(format!("the name {host} was not found"));
    }
    let list: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
    let summary = if host.parse::<IpAddr>().is_ok() || host.contains('%') {
        format!("{host} is an address: nothing to look up.")
    } else {
        format!("{host} is {}.", list.join(", "))
    };
    r.push(Step::new(RESOLVE, Status::Ok, summary).took(took));
    Ok(addrs)
}

fn connect_tcp(
    req: &Request,
    config: &ftp::Config,
    addrs: &[SocketAddr],
    r: &mut Report,
) -> Result<(), Fatal> {
    let mut failures = Vec::new();
    for addr in addrs {
        let started = Instant::now();
        match TcpStream::connect_timeout(addr, config.connect_timeout) {
            Ok(_) => {
                let mut step = Step::new(TCP, Status::Ok, format!("Connected to {addr}."))
                    .took(started.elapsed());
                for f in failures {
                    step = step.detail(f);
                }
                r.push(step);
                return Ok(());
            }
            Err(e) => failures.push(match e.kind() {
                std::io::ErrorKind::ConnectionRefused => format!(
                    "{addr} refused the connection: nothing listens on port {} there.",
                    req.port
                ),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => format!(
                    "No answer from {addr} within {} s: the host is off, or a firewall drops the packets.",
                    config.connect_timeout.as_secs()
                ),
                _ => format!("{addr}: {e}."),
            }),
        }
    }
    let mut step = Step::new(TCP, Status::Fail, failures.join(" "));
    step = step.detail(format!(
        "Is the FTP server running, and on port {}? FTP is usually on 21, implicit FTPS on 990. SFTP is a different protocol (SSH, port 22) that ftpgate does not speak.",
        req.port
    ));
    r.push(step);
    fail(format!("no TCP connection to port {}", req.port))
}

fn greet(req: &Request, config: &ftp::Config, r: &mut Report) -> Result<Client, Fatal> {
    let started = Instant::now();
    let connected = Client::connect(&req.host, req.port, config);
    let took = started.elapsed();
    let e = match connected {
        Ok(c) => {
            let text = advice::shorten(c.greeting(), MAX_LINE_SHOWN);
            r.push(
                Step::new(GREETING, Status::Ok, "The server greeted.")
                    .said(Some(text))
                    .took(took),
            );
            return Ok(c);
        }
        Err(e) => e,
    };
    let tls_failure = match &e {
        Error::TlsRequired(why) => Some((
            "The server offers no TLS, and \"TLS only\" was chosen. Nothing secret was sent.".to_string(),
            Some(why.clone()),
        )),
        Error::UntrustedCertificate { cert, reason } => {
            let mut step = Step::new(
                TLS,
                Status::Fail,
                format!("The server's certificate cannot be verified ({reason}). Nothing secret was sent."),
            );
            step.details = certificate_lines(cert);
            step.details.push(format!("If this fingerprint is the one the server's administrator gives, trust it: \"Trust and check again\" here, \"Trust and connect\" on the login page, or ftpgate doctor --trust {}.", cert.fingerprint));
            r.untrusted = Some(cert.fingerprint);
            r.push(Step::new(GREETING, Status::Ok, "The server greeted.").took(took));
            r.push(step);
            return fail("the server's TLS certificate is not trusted");
        }
        Error::CertificateChanged { expected, got } => Some((
            format!("The certificate differs from the one pinned for this server (pinned {expected}, now {got}): an attack, or a renewed certificate."),
            None,
        )),
        Error::Tls(why) => Some((format!("The TLS handshake failed: {why}."), None)),
        _ => None,
    };
    if let Some((summary, said)) = tls_failure {
        r.push(Step::new(GREETING, Status::Ok, "The server greeted.").took(took));
        r.push(Step::new(TLS, Status::Fail, summary).said(said));
        return fail("TLS could not be started");
    }
    let mut step = match &e {
        Error::NotFtp(what) => Step::new(
            GREETING,
            Status::Fail,
            format!("What answers on port {} speaks {what}, not FTP: check the port.", req.port),
        ),
        Error::Timeout { .. } | Error::LoginTimeout { .. } => {
            let mut step = Step::new(
                GREETING,
                Status::Fail,
                format!(
                    "The connection opened, but the server sent no greeting within {} s.",
                    config.login_timeout.min(config.io_timeout).as_secs()
                ),
            );
            if config.tls != TlsMode::Implicit {
                step = step.detail("A server for implicit TLS (usually port 990) waits for a TLS handshake first: choose \"Implicit TLS\".");
            }
            step
        }
        Error::Reply { reply, .. } => Step::new(
            GREETING,
            Status::Fail,
            "The server turned the connection away.",
        )
        .said(Some(reply.said())),
        Error::Closed => Step::new(
            GREETING,
            Status::Fail,
            "The server closed the connection before greeting: too many connections, or this address is banned.",
        ),
        other => Step::new(GREETING, Status::Fail, format!("{other}.")),
    };
    step.took = Some(took);
    let why = step.summary.clone();
    r.push(step);
    fail(why)
}

/// Under TLS: the certificate, and whether a plain login is refused. Without
/// it: whether it was chosen or missing.
fn tls(req: &Request, config: &ftp::Config, c: &Client, r: &mut Report) {
    if !cfg!(feature = "tls") {
        r.push(Step::new(
            TLS,
            Status::Skipped,
            "TLS not checked: this ftpgate was built without TLS.",
        ));
        return;
    }
    if !c.is_encrypted() {
        let step = match config.tls {
            TlsMode::Off => Step::new(TLS, Status::Note, "Not used: plain FTP was chosen."),
            _ => Step::new(
                TLS,
                Status::Warn,
                "The server does not offer TLS: the password and the files travel unencrypted.",
            )
            .verdict("nothing is encrypted (the server offers no TLS)"),
        };
        r.push(step);
        return;
    }
    let mut step = Step::new(
        TLS,
        Status::Ok,
        "On, for the login and every data connection.",
    );
    if let Some(cert) = c.certificate_summary() {
        step.details = certificate_lines(&cert);
    }
    if config.tls != TlsMode::Implicit {
        step = match plain_login_refused(req, config) {
            Some((true, said)) => step
                .detail("The server refuses logins without TLS: good.")
                .detail(format!("Without TLS it said: {said}")),
            Some((false, _)) => step.detail(
                "The server also accepts logins without TLS: a client set to plain FTP would send the password unencrypted.",
            ),
            None => step,
        };
    }
    r.push(step);
}

/// On a second, plain connection: whether USER is refused (TLS required),
/// with the reply. No password is sent on it.
fn plain_login_refused(req: &Request, config: &ftp::Config) -> Option<(bool, String)> {
    let plain = ftp::Config {
        tls: TlsMode::Off,
        ..config.clone()
    };
    let mut c = Client::connect(&req.host, req.port, &plain).ok()?;
    let reply = c.probe_user(&req.user).ok()?;
    c.quit();
    let accepted = matches!(reply.code, 230 | 331 | 332);
    Some((!accepted, reply.said()))
}

fn certificate_lines(cert: &ftp::CertSummary) -> Vec<String> {
    let or = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
    vec![
        format!(
            "Certificate for: {} ({})",
            or(&cert.subject_cn),
            or(&cert.subject_o)
        ),
        format!(
            "Issued by: {} ({})",
            or(&cert.issuer_cn),
            or(&cert.issuer_o)
        ),
        format!("Valid from {} to {}", cert.not_before, cert.not_after),
        format!("SHA-256 fingerprint: {}", cert.fingerprint),
    ]
}

fn login(
    req: &Request,
    config: &ftp::Config,
    c: &mut Client,
    password: &[u8],
    r: &mut Report,
) -> Result<(), Fatal> {
    let started = Instant::now();
    let result = c.login(&req.user, password);
    let took = started.elapsed();
    let e = match result {
        Ok(()) => {
            r.push(Step::new(LOGIN, Status::Ok, format!("Logged in as {}.", req.user)).took(took));
            return Ok(());
        }
        Err(e) => e,
    };
    r.login_refused = matches!(e, Error::LoginIncorrect(_));
    let step = match &e {
        Error::LoginIncorrect(reply) => {
            let said = reply.said();
            let wants_tls = ["tls", "ssl", "encrypt", "secure"]
                .iter()
                .any(|w| said.to_ascii_lowercase().contains(w));
            if wants_tls && !c.is_encrypted() {
                Step::new(
                    LOGIN,
                    Status::Fail,
                    "The server requires TLS before the login: choose \"TLS when the server offers it\" or \"TLS only\".",
                )
            } else {
                Step::new(LOGIN, Status::Fail, "Wrong user name or password.")
            }
            .said(Some(said))
        }
        Error::LoginTimeout { limit, .. } => Step::new(
            LOGIN,
            Status::Fail,
            format!(
                "The server greeted, then did not answer the login within {} s: it hangs after the greeting (overloaded, or a firewall or proxy in between stalls the connection).",
                limit.as_secs()
            ),
        ),
        Error::Timeout { .. } => Step::new(
            LOGIN,
            Status::Fail,
            format!(
                "The server greeted, then went silent for {} s during the login.",
                config.io_timeout.as_secs()
            ),
        ),
        Error::Reply { command, reply } => Step::new(
            LOGIN,
            Status::Fail,
            format!("The server refused {command} during the login."),
        )
        .said(Some(reply.said())),
        other => Step::new(LOGIN, Status::Fail, format!("{other}.")),
    };
    let why = step.summary.clone();
    r.push(step.took(took));
    fail(why)
}

fn features(c: &Client, r: &mut Report) {
    let f = c.features();
    if !f.feat {
        r.push(Step::new(
            FEAT,
            Status::Note,
            "The server does not answer FEAT: ftpgate assumes no MLSD and no UTF8, and lists with LIST.",
        ));
        return;
    }
    let yes_no = |on: bool| if on { "yes" } else { "no" };
    r.push(Step::new(
        FEAT,
        Status::Ok,
        format!(
            "MLSD {}, UTF8 {}, SIZE {}.",
            yes_no(f.mlsd),
            yes_no(f.utf8),
            yes_no(f.size)
        ),
    ));
}

/// Lists the home folder and reports the names and the parsing.
fn listing(c: &mut Client, r: &mut Report) -> ftp::Result<()> {
    let started = Instant::now();
    let format = if c.features().mlsd { "MLSD" } else { "LIST" };
    let entries = match c.list("") {
        Ok(entries) => entries,
        Err(e) => {
            r.push(Step::new(
                NAMES,
                Status::Skipped,
                "Not checked: the listing failed.",
            ));
            r.push(
                Step::new(
                    LISTING,
                    Status::Fail,
                    format!("{format} of the home folder failed: {e}."),
                )
                .took(started.elapsed()),
            );
            return Err(e);
        }
    };
    let took = started.elapsed();
    names(c, &entries, r);
    let unknown: Vec<&ftp::Entry> = entries.iter().filter(|e| e.kind == Kind::Unknown).collect();
    let total = entries.len();
    let step = if total == 0 {
        Step::new(
            LISTING,
            Status::Note,
            format!("{format}: the home folder is empty, so there was nothing to parse. Put a file there and check again."),
        )
    } else if unknown.is_empty() {
        Step::new(
            LISTING,
            Status::Ok,
            format!("{format}: all {total} lines understood."),
        )
    } else {
        let parsed = total - unknown.len();
        let mut step = Step::new(
            LISTING,
            Status::Warn,
            format!(
                "{format}: {parsed} of {total} lines understood ({}%); the others show as unknown entries.",
                parsed * 100 / total
            ),
        )
        .verdict(format!(
            "{} of {total} listing lines are not understood",
            unknown.len()
        ));
        step = step.detail("The first lines not understood (a bug report with them helps):");
        for e in unknown.iter().take(MAX_UNPARSED_SHOWN) {
            step = step.detail(format!(
                "  {}",
                advice::shorten(&String::from_utf8_lossy(&e.name), MAX_LINE_SHOWN)
            ));
        }
        step
    };
    r.push(step.took(took));
    Ok(())
}

fn names(c: &Client, entries: &[ftp::Entry], r: &mut Report) {
    let named = entries.iter().filter(|e| e.kind != Kind::Unknown);
    let odd: Vec<&ftp::Entry> = named
        .filter(|e| std::str::from_utf8(&e.name).is_err())
        .collect();
    let announced = c.features().utf8;
    let step = if let Some(first) = odd.first() {
        Step::new(
            NAMES,
            Status::Warn,
            format!(
                "{} not UTF-8{}: the server uses Latin-1 or another old code page. ftpgate shows them with replacement marks, and still opens, downloads and renames them by their exact bytes.",
                match odd.len() {
                    1 => "1 name is".to_string(),
                    n => format!("{n} names are"),
                },
                if announced { ", although the server announces UTF8" } else { "" }
            ),
        )
        .detail(format!(
            "For example: {}",
            advice::shorten(&String::from_utf8_lossy(&first.name), MAX_LINE_SHOWN)
        ))
        .verdict("some file names are not UTF-8")
    } else if announced {
        Step::new(NAMES, Status::Ok, "UTF8 announced; every name is UTF-8.")
    } else {
        Step::new(
            NAMES,
            Status::Note,
            "UTF8 not announced, but every name seen is valid UTF-8.",
        )
    };
    r.push(step);
}

/// Tests EPSV, PASV and active mode each with a listing; returns a channel
/// that works, passive first. Each step's words depend on the others (a
/// refused EPSV matters only when PASV fails too), so all run first.
fn data_connections(c: &mut Client, software: Software, r: &mut Report) -> Option<Channel> {
    let peer = c.peer();
    let v4 = peer.is_ipv4();
    let (epsv, epsv_took) = timed(|| c.try_channel(Channel::Epsv));
    let pasv = v4.then(|| timed(|| c.try_channel(Channel::Pasv)));
    let (active, active_took) = timed(|| {
        let eprt = c.try_channel(Channel::Eprt).map(|_| Channel::Eprt);
        match eprt {
            Err(Error::Reply { reply, .. }) if v4 && reply.code >= 500 => {
                c.try_channel(Channel::Port).map(|_| Channel::Port)
            }
            other => other,
        }
    });
    let epsv_ok = epsv.is_ok();
    let pasv_ok = matches!(&pasv, Some((Ok(_), _)));
    let passive_ok = epsv_ok || pasv_ok;
    let active_channel = active.as_ref().ok().copied();
    let active_ok = active_channel.is_some();
    // A refusal is worth a word only when nothing else takes its place.
    let refused = |fallback: bool| match (fallback, active_ok) {
        (true, _) | (_, true) => Status::Note,
        _ => Status::Fail,
    };

    let step = match epsv {
        Ok(_) => Step::new(EPSV, Status::Ok, "Works."),
        Err(Error::Reply { reply, .. }) => {
            let step = if pasv_ok {
                Step::new(
                    EPSV,
                    Status::Note,
                    "Not supported: ftpgate uses PASV instead.",
                )
                .verdict("the server has no EPSV (ftpgate uses PASV)")
            } else if v4 {
                Step::new(EPSV, refused(false), "Refused by the server.")
            } else {
                Step::new(
                    EPSV,
                    refused(false),
                    "Refused, and over IPv6 there is no PASV to fall back on.",
                )
            };
            step.said(Some(reply.said()))
        }
        Err(e) => unreachable_port(EPSV, &e, software),
    };
    r.push(step.took(epsv_took));

    let step = match pasv {
        None => Step::new(
            PASV,
            Status::Skipped,
            "Not for IPv6: PASV cannot carry an IPv6 address (EPSV does).",
        ),
        Some((result, took)) => match result {
            Ok((_, announced)) => pasv_works(peer.ip(), announced, software),
            Err(Error::Reply { reply, .. }) => {
                let mut step = Step::new(PASV, refused(epsv_ok), "Refused by the server.")
                    .said(Some(reply.said()));
                if !epsv_ok && software == Software::Vsftpd {
                    step = step.detail("Passive mode is off on this vsftpd: pasv_enable=YES in vsftpd.conf turns it on.");
                }
                step
            }
            Err(e) => unreachable_port(PASV, &e, software),
        }
        .took(took),
    };
    r.push(step);

    let quiet = if passive_ok {
        Status::Note
    } else {
        Status::Fail
    };
    let step = match active {
        Ok(channel) if passive_ok => Step::new(
            ACTIVE,
            Status::Ok,
            format!("Works ({}): the server connected back to ftpgate.", channel.verb()),
        ),
        Ok(channel) => Step::new(
            ACTIVE,
            Status::Warn,
            format!(
                "Works ({}): the server connected back to ftpgate. It is the only kind of data connection that works here; ftpgate switches to it by itself.",
                channel.verb()
            ),
        )
        .verdict("only active mode works (ftpgate switches to it by itself)"),
        Err(Error::Reply { reply, .. }) if reply.code == 425 => Step::new(
            ACTIVE,
            quiet,
            "The server could not connect back to ftpgate: a firewall on this device, or NAT between the two, blocks it. Open the ports of --ftp-active-ports, or use passive mode.",
        )
        .said(Some(reply.said())),
        Err(Error::Reply { reply, .. }) => Step::new(
            ACTIVE,
            quiet,
            if passive_ok {
                "Refused by the server (fine: passive mode works)."
            } else {
                "Refused by the server."
            },
        )
        .said(Some(reply.said())),
        Err(Error::Timeout { .. }) => Step::new(
            ACTIVE,
            quiet,
            "The server never connected back to ftpgate: a firewall on this device, or NAT between the two, is in the way.",
        ),
        Err(e) => Step::new(ACTIVE, quiet, format!("{e}.")),
    };
    r.push(step.took(active_took));
    if epsv_ok {
        Some(Channel::Epsv)
    } else if pasv_ok {
        Some(Channel::Pasv)
    } else {
        active_channel
    }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let out = f();
    (out, started.elapsed())
}

/// A PASV that worked: fine, or it named an address other than the server's.
fn pasv_works(peer: IpAddr, announced: Option<IpAddr>, software: Software) -> Step {
    let Some(named) = announced.filter(|a| a.to_canonical() != peer.to_canonical()) else {
        return Step::new(
            PASV,
            Status::Ok,
            "Works; the server announces its own address.",
        );
    };
    let kind = match named {
        IpAddr::V4(v4) => advice::unroutable(v4),
        IpAddr::V6(_) => None,
    };
    let what = kind.map(|k| format!(" ({k})")).unwrap_or_default();
    let mut step = Step::new(
        PASV,
        Status::Warn,
        format!(
            "Works, but the server announces {named}{what} instead of its own address {peer}: a NAT or container setup. ftpgate connects to {peer} anyway; many other clients try {named} and hang."
        ),
    )
    .verdict(format!("passive mode needs the NAT fix (PASV announces {named}, not {peer})"));
    step = step.detail(format!("Fix on the server, so that it announces {peer}:"));
    for fix in advice::passive_address_fix(software, peer) {
        step = step.detail(format!("  {fix}"));
    }
    step
}

/// A data connection the server agreed to but that could not be opened.
fn unreachable_port(title: &'static str, e: &Error, software: Software) -> Step {
    let summary = match e {
        Error::Timeout { .. } => "The server named a port, but connecting to it timed out: a firewall in front of the server lets the control port through but not the passive ports.".to_string(),
        Error::Connect { .. } => format!("The server named a port, but the connection was refused ({e})."),
        other => format!("{other}."),
    };
    Step::new(title, Status::Warn, summary).detail(advice::passive_ports_fix(software))
}

/// Creates a file in a fresh temporary name, uploads, downloads and
/// compares it, and deletes it. Never touches an existing file.
fn write_test(c: &mut Client, r: &mut Report) {
    let started = Instant::now();
    let mut bytes = vec![0u8; WRITE_BYTES + 4];
    if ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes).is_err() {
        r.push(Step::new(
            WRITE,
            Status::Skipped,
            "No random bytes for a temporary name.",
        ));
        return;
    }
    let tag = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let data = &bytes[4..];
    let name = format!(".ftpgate-doctor-{tag:08x}.tmp");
    let outcome = write_steps(c, &name, data);
    let step = match outcome {
        Ok(()) => Step::new(
            WRITE,
            Status::Ok,
            format!("Created {name}, uploaded 256 KiB, read the same bytes back, deleted it."),
        ),
        Err((stage, e)) => {
            let left = if stage == "checking the name" || c.dele(&name).is_ok() {
                String::new()
            } else {
                format!(" {name} may be left behind; delete it by hand.")
            };
            let said = match &e {
                Error::Reply { reply, .. } => Some(reply.said()),
                _ => None,
            };
            Step::new(
                WRITE,
                Status::Warn,
                format!("Failed while {stage}: {e}.{left}"),
            )
            .said(said)
            .verdict("writing fails (see the write test)")
        }
    };
    r.push(step.took(started.elapsed()));
}

fn write_steps(c: &mut Client, name: &str, data: &[u8]) -> Result<(), (&'static str, Error)> {
    match c.size(name) {
        Ok(_) => {
            return Err((
                "checking the name",
                Error::Protocol(format!("{name} exists already; it was left alone")),
            ))
        }
        Err(Error::Reply { .. }) => {}
        Err(e) => return Err(("checking the name", e)),
    }
    let up = |c: &mut Client| -> ftp::Result<()> {
        let mut upload = c.stor(name)?;
        upload.write_all(data).map_err(Error::Io)?;
        upload.finish().map(drop)
    };
    up(c).map_err(|e| ("uploading", e))?;
    let down = |c: &mut Client| -> ftp::Result<Vec<u8>> {
        let mut download = c.retr(name, 0)?;
        let mut back = Vec::with_capacity(data.len());
        download.read_to_end(&mut back).map_err(Error::Io)?;
        download.finish()?;
        Ok(back)
    };
    let back = down(c).map_err(|e| ("downloading", e))?;
    if back != data {
        return Err((
            "comparing",
            Error::Protocol(format!(
                "{} bytes came back for {} sent, not the same",
                back.len(),
                data.len()
            )),
        ));
    }
    c.dele(name).map_err(|e| ("deleting", e))
}

fn fail<T>(why: impl Into<String>) -> Result<T, Fatal> {
    Err(why.into())
}

/// `YYYY-MM-DD HH:MM UTC`.
fn now_utc() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (y, m, d) = crate::calendar::civil_from_days(secs.div_euclid(86_400));
    let day = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        day / 3600,
        day % 3600 / 60
    )
}
