//! # Configuration
//!
//! Flags and `FTPGATE_*` environment variables become one validated `Config`.
//! A flag wins over its variable. Hand-written because an argument-parsing
//! crate would cost more flash than the whole parser.

pub mod allow;

use crate::ftp;
use crate::logging::Level;
pub use allow::AllowList;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Everything the appliance needs to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address the web interface listens on.
    pub listen: SocketAddr,
    /// Timeouts and caps of every FTP connection.
    pub ftp: ftp::Config,
    /// How long an HTTP connection may stall (also closes idle keep-alives).
    pub http_timeout: Duration,
    /// A session unused this long is logged out.
    pub session_idle: Duration,
    /// Most sessions alive at once.
    pub max_sessions: usize,
    /// Most sessions one client address may hold.
    pub max_sessions_per_ip: usize,
    /// Most open HTTP connections, in total and from one client address.
    pub max_http_connections: usize,
    pub max_http_per_ip: usize,
    /// Most FTP connections one session may hold at once (concurrent transfers).
    pub max_connections_per_session: usize,
    /// Downloads and uploads streaming at once across all sessions (each
    /// holds ~0.75 MiB of buffers); more wait for a turn.
    pub workers: usize,
    /// How long running transfers may go on after SIGTERM/SIGINT before they are cut.
    pub shutdown_grace: Duration,
    /// `--ftp-host`: the only FTP server allowed; the login form shows it fixed.
    pub locked_host: Option<(String, u16)>,
    /// `--ftp-tls` was given: the login form shows the encryption fixed.
    pub ftp_tls_locked: bool,
    /// `--ftp-mode` was given: the login form shows the data connection fixed.
    pub ftp_mode_locked: bool,
    /// `--ftp-allow`: the only FTP servers that may be reached.
    pub ftp_allow: Option<AllowList>,
    /// HTTPS: certificate and key files (PEM), or made once in `state_dir`.
    pub tls: Option<TlsFiles>,
    /// Where ftpgate may keep state (the self-signed certificate); without it nothing is written.
    pub state_dir: Option<PathBuf>,
    /// A plain-HTTP listener that only redirects to HTTPS.
    pub http_redirect: Option<SocketAddr>,
    /// `--log`, applied by `main` (parsing changes nothing global).
    pub log_level: Option<Level>,
    /// Prefills the login form (the demo uses it).
    pub prefill: Option<Prefill>,
}

impl Config {
    /// The HTTP server's limits.
    pub fn http(&self) -> crate::http::Config {
        let head = crate::http::Config::default().head_timeout;
        crate::http::Config {
            head_timeout: head.min(self.http_timeout),
            io_timeout: self.http_timeout,
            max_connections: self.max_http_connections,
            max_per_ip: self.max_http_per_ip,
            ..crate::http::Config::default()
        }
    }
}

/// Where the HTTPS certificate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsFiles {
    /// `--tls-cert FILE --tls-key FILE`.
    Files { cert: PathBuf, key: PathBuf },
    /// `--tls-self-signed`: made once in the state directory.
    SelfSigned,
}

/// Values shown in the login form before anyone typed.
#[derive(Debug, Clone, Default)]
pub struct Prefill {
    pub host: String,
    pub port: u16,
    pub user: String,
    /// Shown on the login page (the demo's well-known password; a real
    /// server's password is never configured here).
    pub password_hint: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([0, 0, 0, 0], 8080)),
            ftp: ftp::Config::default(),
            http_timeout: Duration::from_secs(20),
            session_idle: Duration::from_secs(30 * 60),
            max_sessions: 64,
            max_sessions_per_ip: 8,
            max_http_connections: 256,
            max_http_per_ip: 32,
            max_connections_per_session: 4,
            workers: 16,
            shutdown_grace: Duration::from_secs(30),
            locked_host: None,
            ftp_allow: None,
            ftp_tls_locked: false,
            ftp_mode_locked: false,
            tls: None,
            state_dir: None,
            http_redirect: None,
            log_level: None,
            prefill: None,
        }
    }
}

/// `--help` text.
pub const HELP: &str = "\
ftpgate: a web FTP client for your LAN

Usage: ftpgate [OPTIONS]

Options (each also read from the environment variable shown):
  --listen ADDR             address:port of the web interface   [FTPGATE_LISTEN, 0.0.0.0:8080]
  --ftp-host HOST[:PORT]    only allow this FTP server; the login form shows it fixed
                                                                [FTPGATE_FTP_HOST]
  --ftp-connect-timeout S   seconds to connect to an FTP server [FTPGATE_FTP_CONNECT_TIMEOUT, 10]
  --ftp-login-timeout S     seconds for an FTP server's greeting and login in all
                                                                [FTPGATE_FTP_LOGIN_TIMEOUT, 10]
  --ftp-timeout S           seconds an FTP server may stay silent
                                                                [FTPGATE_FTP_TIMEOUT, 30]
  --http-timeout S          seconds a browser connection may stall; also ends idle
                            keep-alive connections              [FTPGATE_HTTP_TIMEOUT, 20]
  --session-idle M          minutes until an unused session is logged out
                                                                [FTPGATE_SESSION_IDLE, 30]
  --max-sessions N          sessions alive at once              [FTPGATE_MAX_SESSIONS, 64]
  --max-connections N       FTP connections per session (concurrent transfers)
                                                                [FTPGATE_MAX_CONNECTIONS, 4]
 --ftp-tls MODE            FTPS: prefer (TLS when offered), require, implicit (port
                            990) or off; fixes the login form's choice [FTPGATE_FTP_TLS, prefer]
  --ftp-mode MODE           FTP data connections: auto (passive, active when passive
                            cannot connect), passive or active; fixes the login
                            form's choice                       [FTPGATE_FTP_MODE, auto]
  --ftp-active-ports LOW-HIGH  ports active mode listens on (for a firewall rule)
                                                                [FTPGATE_FTP_ACTIVE_PORTS, any]
  --ftp-ca FILE             also trust the CA certificates in this PEM file
                                                                [FTPGATE_FTP_CA]
  --ftp-pin LIST            trust these certificates: HOST:PORT=SHA256, comma-separated
                                                                [FTPGATE_FTP_PIN]
  --ftp-allow LIST          only these FTP servers: names, addresses, CIDR networks, each
                            with an optional :port or :port-port, comma-separated
                                                                [FTPGATE_FTP_ALLOW]
  --max-sessions-per-ip N   sessions one client address may hold
                                                                [FTPGATE_MAX_SESSIONS_PER_IP, 8]
  --max-http-connections N  open browser connections in all     [FTPGATE_MAX_HTTP_CONNECTIONS, 256]
  --max-http-per-ip N       open browser connections from one address
                                                                [FTPGATE_MAX_HTTP_PER_IP, 32]
  --workers N               downloads and uploads streaming at once; more wait
                                                                [FTPGATE_WORKERS, 16]
  --shutdown-grace S        seconds running transfers may go on after SIGTERM or
                            SIGINT before they are cut          [FTPGATE_SHUTDOWN_GRACE, 30]
  --tls-cert FILE           HTTPS with this PEM certificate chain (with --tls-key;
                            SIGHUP reloads both)                [FTPGATE_TLS_CERT]
  --tls-key FILE            its PEM private key                 [FTPGATE_TLS_KEY]
  --tls-self-signed         HTTPS with a certificate made once in --state-dir; its
                            fingerprint is printed at start     [FTPGATE_TLS_SELF_SIGNED=1]
  --state-dir DIR           where ftpgate keeps state (the self-signed certificate)
                                                                [FTPGATE_STATE_DIR]
  --http-redirect ADDR      also listen for plain HTTP here, only to redirect to HTTPS
                                                                [FTPGATE_HTTP_REDIRECT]
  --log LEVEL               error, warn, info or debug          [FTPGATE_LOG, info]
  -h, --help                this text
  -V, --version             the version
";

/// What the command line asked for.
#[derive(Debug)]
pub enum Action {
    Run(Box<Config>),
    Help,
    Version,
}

/// Settings names, in flag form, with their environment variables.
const SETTINGS: [(&str, &str); 26] = [
    ("--listen", "FTPGATE_LISTEN"),
    ("--ftp-host", "FTPGATE_FTP_HOST"),
    ("--ftp-connect-timeout", "FTPGATE_FTP_CONNECT_TIMEOUT"),
    ("--ftp-timeout", "FTPGATE_FTP_TIMEOUT"),
    ("--ftp-login-timeout", "FTPGATE_FTP_LOGIN_TIMEOUT"),
    ("--http-timeout", "FTPGATE_HTTP_TIMEOUT"),
    ("--session-idle", "FTPGATE_SESSION_IDLE"),
    ("--max-sessions", "FTPGATE_MAX_SESSIONS"),
    ("--max-connections", "FTPGATE_MAX_CONNECTIONS"),
    ("--workers", "FTPGATE_WORKERS"),
    ("--ftp-allow", "FTPGATE_FTP_ALLOW"),
    ("--ftp-tls", "FTPGATE_FTP_TLS"),
    ("--ftp-mode", "FTPGATE_FTP_MODE"),
    ("--ftp-active-ports", "FTPGATE_FTP_ACTIVE_PORTS"),
    ("--ftp-ca", "FTPGATE_FTP_CA"),
    ("--ftp-pin", "FTPGATE_FTP_PIN"),
    ("--max-sessions-per-ip", "FTPGATE_MAX_SESSIONS_PER_IP"),
    ("--max-http-connections", "FTPGATE_MAX_HTTP_CONNECTIONS"),
    ("--max-http-per-ip", "FTPGATE_MAX_HTTP_PER_IP"),
    ("--shutdown-grace", "FTPGATE_SHUTDOWN_GRACE"),
    ("--tls-cert", "FTPGATE_TLS_CERT"),
    ("--tls-key", "FTPGATE_TLS_KEY"),
    ("--tls-self-signed", "FTPGATE_TLS_SELF_SIGNED"),
    ("--state-dir", "FTPGATE_STATE_DIR"),
    ("--http-redirect", "FTPGATE_HTTP_REDIRECT"),
    ("--log", "FTPGATE_LOG"),
];

/// Parses arguments (without the program name) over the environment `env`.
pub fn parse(
    args: impl IntoIterator<Item = String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Action, String> {
    let mut given: Vec<(&'static str, String)> = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Action::Help),
            "-V" | "--version" => return Ok(Action::Version),
            _ => {}
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        let Some(&(name, _)) = SETTINGS.iter().find(|(f, _)| *f == flag) else {
            return Err(format!("unknown option {arg:?} (see --help)"));
        };
        let value = match inline {
            Some(v) => v,
            // The one switch: no value follows it.
            None if name == "--tls-self-signed" => "1".to_string(),
            None => args.next().ok_or_else(|| format!("{name} needs a value"))?,
        };
        given.push((name, value));
    }
    let lookup = |flag: &str| -> Option<(String, String)> {
        let from_flag = given
            .iter()
            .rev()
            .find(|(f, _)| *f == flag)
            .map(|(_, v)| v.clone());
        let var = SETTINGS.iter().find(|(f, _)| *f == flag).map(|(_, v)| *v)?;
        from_flag
            .map(|v| (flag.to_string(), v))
            .or_else(|| env(var).map(|v| (var.to_string(), v)))
    };
    build(&lookup).map(|c| Action::Run(Box::new(c)))
}

fn build(lookup: &dyn Fn(&str) -> Option<(String, String)>) -> Result<Config, String> {
    let mut c = Config::default();
    if let Some((src, v)) = lookup("--listen") {
        c.listen = v
            .parse()
            .map_err(|_| format!("{src}: {v:?} is not an address:port"))?;
    }
    if let Some((src, v)) = lookup("--ftp-host") {
        c.locked_host = Some(parse_host_port(&v).map_err(|e| format!("{src}: {e}"))?);
    }
    let secs = |flag: &str, min: u64| -> Result<Option<Duration>, String> {
        lookup(flag)
            .map(|(src, v)| number(&src, &v, min).map(Duration::from_secs))
            .transpose()
    };
    if let Some(d) = secs("--ftp-connect-timeout", 1)? {
        c.ftp.connect_timeout = d;
    }
    if let Some(d) = secs("--ftp-timeout", 1)? {
        c.ftp.io_timeout = d;
    }
    if let Some(d) = secs("--ftp-login-timeout", 1)? {
        c.ftp.login_timeout = d;
    }
    if let Some(d) = secs("--http-timeout", 1)? {
        c.http_timeout = d;
    }
    if let Some(m) = secs("--session-idle", 1)? {
        c.session_idle = m * 60;
    }
    // 0 is allowed: cut transfers at once, still cleaning up after them.
    if let Some(d) = secs("--shutdown-grace", 0)? {
        c.shutdown_grace = d;
    }
    let count = |flag: &str| -> Result<Option<usize>, String> {
        lookup(flag)
            .map(|(src, v)| number(&src, &v, 1).map(|n| n as usize))
            .transpose()
    };
    c.max_sessions = count("--max-sessions")?.unwrap_or(c.max_sessions);
    c.max_connections_per_session =
        count("--max-connections")?.unwrap_or(c.max_connections_per_session);
    c.workers = count("--workers")?.unwrap_or(c.workers);
    c.max_sessions_per_ip = count("--max-sessions-per-ip")?.unwrap_or(c.max_sessions_per_ip);
    c.max_http_connections = count("--max-http-connections")?.unwrap_or(c.max_http_connections);
    c.max_http_per_ip = count("--max-http-per-ip")?.unwrap_or(c.max_http_per_ip);
    if let Some((src, v)) = lookup("--ftp-allow") {
        c.ftp_allow = Some(AllowList::parse(&v).map_err(|e| format!("{src}: {e}"))?);
    }
    if let Some((src, v)) = lookup("--ftp-mode") {
        c.ftp.data_mode = ftp::DataMode::from_name(&v)
            .ok_or_else(|| format!("{src}: {v:?} is not auto, passive or active"))?;
        c.ftp_mode_locked = true;
    }
    if let Some((src, v)) = lookup("--ftp-active-ports") {
        c.ftp.active_ports = Some(port_range(&v).map_err(|e| format!("{src}: {e}"))?);
    }
    build_tls(lookup, &mut c)?;
    build_ftps(lookup, &mut c)?;
    if let Some((src, v)) = lookup("--log") {
        let level = Level::parse(&v)
            .ok_or_else(|| format!("{src}: {v:?} is not error, warn, info or debug"))?;
        c.log_level = Some(level);
    }
    Ok(c)
}

/// `LOW-HIGH` (or one port): where active mode may listen.
fn port_range(v: &str) -> Result<std::ops::RangeInclusive<u16>, String> {
    let (low, high) = v.split_once('-').unwrap_or((v, v));
    let port = |p: &str| p.trim().parse::<u16>().ok().filter(|p| *p > 0);
    match (port(low), port(high)) {
        (Some(l), Some(h)) if l <= h => Ok(l..=h),
        _ => Err(format!("{v:?} is not a port range like 50000-50100")),
    }
}

fn build_tls(
    lookup: &dyn Fn(&str) -> Option<(String, String)>,
    c: &mut Config,
) -> Result<(), String> {
    c.state_dir = lookup("--state-dir").map(|(_, v)| PathBuf::from(v));
    let cert = lookup("--tls-cert").map(|(_, v)| PathBuf::from(v));
    let key = lookup("--tls-key").map(|(_, v)| PathBuf::from(v));
    let self_signed = lookup("--tls-self-signed")
        .is_some_and(|(_, v)| matches!(v.as_str(), "1" | "true" | "yes"));
    c.tls = match (cert, key, self_signed) {
        (None, None, false) => None,
        (Some(cert), Some(key), false) => Some(TlsFiles::Files { cert, key }),
        (None, None, true) if c.state_dir.is_some() => Some(TlsFiles::SelfSigned),
        (None, None, true) => {
            return Err("--tls-self-signed needs --state-dir to keep its certificate".into())
        }
        (_, _, true) => return Err("--tls-self-signed or --tls-cert/--tls-key, not both".into()),
        _ => return Err("--tls-cert and --tls-key go together".into()),
    };
    if c.tls.is_some() && !cfg!(feature = "tls") {
        return Err("this ftpgate was built without TLS (the \"tls\" feature)".into());
    }
    if let Some((src, v)) = lookup("--http-redirect") {
        if c.tls.is_none() {
            return Err(format!(
                "{src} redirects to HTTPS: it needs --tls-cert or --tls-self-signed"
            ));
        }
        c.http_redirect = Some(
            v.parse()
                .map_err(|_| format!("{src}: {v:?} is not an address:port"))?,
        );
    }
    Ok(())
}

fn build_ftps(
    lookup: &dyn Fn(&str) -> Option<(String, String)>,
    c: &mut Config,
) -> Result<(), String> {
    let given = ["--ftp-tls", "--ftp-ca", "--ftp-pin"]
        .iter()
        .find_map(|f| lookup(f));
    if let Some((src, _)) = given.filter(|_| !cfg!(feature = "tls")) {
        return Err(format!(
            "{src}: this ftpgate was built without TLS (the \"tls\" feature)"
        ));
    }
    if let Some((src, v)) = lookup("--ftp-tls") {
        c.ftp.tls = ftp::TlsMode::from_word(v.trim())
            .ok_or_else(|| format!("{src}: {v:?} is not prefer, require, implicit or off"))?;
        c.ftp_tls_locked = true;
    }
    if let Some((_, v)) = lookup("--ftp-ca") {
        c.ftp.trust.extra_ca = Some(PathBuf::from(v));
    }
    if let Some((src, v)) = lookup("--ftp-pin") {
        for entry in v.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let bad = || format!("{src}: {entry:?} is not HOST:PORT=SHA256");
            let (server, fp) = entry.split_once('=').ok_or_else(bad)?;
            let (host, port) = parse_host_port(server).map_err(|e| format!("{src}: {e}"))?;
            let fp = ftp::Fingerprint::parse(fp.trim()).ok_or_else(bad)?;
            c.ftp.trust.pins.set(ftp::PinStore::key(&host, port), fp);
        }
    }
    Ok(())
}

fn number(src: &str, v: &str, min: u64) -> Result<u64, String> {
    match v.trim().parse::<u64>() {
        Ok(n) if n >= min && n <= 1_000_000 => Ok(n),
        _ => Err(format!(
            "{src}: {v:?} is not a number from {min} to 1000000"
        )),
    }
}

/// Splits `host`, `host:port`, `[v6]:port` or a bare IPv6 address; the port defaults to 21.
pub fn parse_host_port(s: &str) -> Result<(String, u16), String> {
    let s = s.trim();
    let bad_port = |p: &str| format!("{p:?} is not a port from 1 to 65535");
    let port = |p: &str| {
        p.parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| bad_port(p))
    };
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or("unclosed [ in host")?;
        match after.strip_prefix(':') {
            Some(p) => (host, port(p)?),
            None if after.is_empty() => (host, 21),
            None => return Err(format!("unexpected {after:?} after ]")),
        }
    } else if s.matches(':').count() == 1 {
        let (h, p) = s.split_once(':').unwrap_or((s, ""));
        (h, port(p)?)
    } else {
        (s, 21)
    };
    check_host(host)?;
    Ok((host.to_string(), port))
}

/// A host name or address: letters, digits, `.-_:` only (no spaces, no URL parts).
pub fn check_host(host: &str) -> Result<(), String> {
    let ok = !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._:%".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(format!("{host:?} is not a host name or IP address"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str], env: &[(&str, &str)]) -> Result<Config, String> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        match parse(args.iter().map(|s| s.to_string()), |k| {
            env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        })? {
            Action::Run(c) => Ok(*c),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ftp_mode_and_active_ports() {
        let c = run(&[], &[]).unwrap();
        assert_eq!(c.ftp.data_mode, ftp::DataMode::Auto);
        assert!(!c.ftp_mode_locked && c.ftp.active_ports.is_none());
        let c = run(
            &["--ftp-mode", "active", "--ftp-active-ports", "50000-50100"],
            &[],
        )
        .unwrap();
        assert_eq!(c.ftp.data_mode, ftp::DataMode::Active);
        assert!(c.ftp_mode_locked);
        assert_eq!(c.ftp.active_ports, Some(50000..=50100));
        let c = run(&[], &[("FTPGATE_FTP_ACTIVE_PORTS", "2021")]).unwrap();
        assert_eq!(c.ftp.active_ports, Some(2021..=2021));
        for bad in ["50100-50000", "0-10", "x", "1-70000"] {
            assert!(run(&["--ftp-active-ports", bad], &[]).is_err(), "{bad}");
        }
        assert!(run(&["--ftp-mode", "port"], &[]).is_err());
    }

    #[test]
    fn listens_on_both_families() {
        let c = run(&["--listen", "[::]:8080"], &[]).unwrap();
        assert!(c.listen.is_ipv6() && c.listen.ip().is_unspecified());
    }

    #[test]
    fn defaults_listen_on_8080() {
        assert_eq!(run(&[], &[]).unwrap().listen.port(), 8080);
    }

    #[test]
    fn flag_beats_environment() {
        let c = run(
            &["--listen", "127.0.0.1:9000"],
            &[("FTPGATE_LISTEN", "127.0.0.1:1")],
        )
        .unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:9000");
        let c = run(&[], &[("FTPGATE_LISTEN", "127.0.0.1:1")]).unwrap();
        assert_eq!(c.listen.port(), 1);
        let c = run(&["--session-idle=5"], &[]).unwrap();
        assert_eq!(c.session_idle, Duration::from_secs(300));
    }

    #[test]
    fn rejects_bad_values_naming_the_source() {
        let e = run(&[], &[("FTPGATE_FTP_TIMEOUT", "soon")]).unwrap_err();
        assert!(e.contains("FTPGATE_FTP_TIMEOUT"), "{e}");
        let e = run(&["--workers", "0"], &[]).unwrap_err();
        assert!(e.contains("--workers"), "{e}");
        assert!(run(&["--bogus", "1"], &[]).is_err());
        assert!(run(&["--listen"], &[]).is_err());
    }

    #[test]
    fn shutdown_grace_from_flag_or_environment() {
        assert_eq!(
            run(&[], &[]).unwrap().shutdown_grace,
            Duration::from_secs(30)
        );
        let c = run(&["--shutdown-grace", "5"], &[]).unwrap();
        assert_eq!(c.shutdown_grace, Duration::from_secs(5));
        let c = run(&[], &[("FTPGATE_SHUTDOWN_GRACE", "0")]).unwrap();
        assert_eq!(c.shutdown_grace, Duration::ZERO);
        let e = run(&[], &[("FTPGATE_SHUTDOWN_GRACE", "-1")]).unwrap_err();
        assert!(e.contains("FTPGATE_SHUTDOWN_GRACE"), "{e}");
        assert!(HELP.contains("--shutdown-grace"));
    }

    #[test]
    fn help_and_version() {
        assert!(matches!(
            parse(["--help".to_string()], |_| None),
            Ok(Action::Help)
        ));
        assert!(matches!(
            parse(["-V".to_string()], |_| None),
            Ok(Action::Version)
        ));
    }

    #[test]
    fn parses_host_and_port_shapes() {
        assert_eq!(
            parse_host_port("nas.local").unwrap(),
            ("nas.local".into(), 21)
        );
        assert_eq!(
            parse_host_port("10.0.0.2:2121").unwrap(),
            ("10.0.0.2".into(), 2121)
        );
        assert_eq!(parse_host_port("[::1]:21").unwrap(), ("::1".into(), 21));
        assert_eq!(parse_host_port("fe80::1").unwrap(), ("fe80::1".into(), 21));
        assert!(parse_host_port("host:0").is_err());
        assert!(parse_host_port("host:99999").is_err());
        assert!(parse_host_port("a b").is_err());
        assert!(parse_host_port("ftp://x").is_err());
    }

    #[test]
    fn locks_the_ftp_host() {
        let c = run(&["--ftp-host", "nas:2121"], &[]).unwrap();
        assert_eq!(c.locked_host, Some(("nas".into(), 2121)));
    }
}
