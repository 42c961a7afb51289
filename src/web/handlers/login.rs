//! # Login and logout
//!
//! The login form (with its own double-submit CSRF token, since there is no
//! session yet), the FTP login behind it, and logout. Failures say in plain
//! words what went wrong and keep what was typed, except the password.

use crate::config::AllowList;
use crate::ftp;
use crate::ftp::TlsMode;
use crate::http::Exchange;
use crate::web::address;
use crate::web::context::Reply;
use crate::web::context::{check_csrf, cookie, read_form, Ctx};
use crate::web::error::{Error, Result};
use crate::web::paths::{self, field};
use crate::web::response::{self, Page};
use crate::web::session::Pool;
use crate::web::session::{Credentials, Full, Secret, COOKIE, LOGIN_COOKIE};
use crate::web::views::model::{Flash, FlashKind, Layout, LoginForm};
use crate::web::views::pages;
use crate::web::App;
use std::time::Instant;

/// Attributes of every cookie we set.
const COOKIE_ATTRS: &str = "HttpOnly; SameSite=Strict; Path=/";
/// The last host, port and user that logged in, to prefill the form (never
/// the password): `h=<host>&p=<port>&u=<user>`, percent-encoded.
const LAST_COOKIE: &str = "ftpgate_last";
/// How long the browser keeps it: a year.
const LAST_MAX_AGE: u32 = 365 * 24 * 3600;
/// Longest host or user name remembered (and accepted back from the cookie).
const LAST_MAX_LEN: usize = 255;
/// Longest user name accepted from the form (checked before any FTP traffic).
pub const MAX_USER: usize = 256;
/// Longest password accepted from the form.
pub const MAX_PASSWORD: usize = 1024;
/// Longest port field.
const MAX_PORT: usize = 5;

/// `GET /login`.
pub fn form(app: &App, req: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let mut form = fresh_form(app, req);
    let notice = if ctx.query.iter().any(|(k, _)| k == "expired") {
        Some("Your session ended; please log in again.")
    } else if ctx.query.iter().any(|(k, _)| k == "bye") {
        Some("You are logged out.")
    } else {
        None
    };
    form.next = ctx
        .query
        .iter()
        .find(|(k, _)| k == "next")
        .and_then(|(_, v)| next_page(v));
    // Another tab of this browser may be logged in: a new login replaces
    // that session for every tab, so say so before it happens.
    form.replacing = ctx.session.as_ref().map(|s| s.account());
    let mut layout = ctx.layout("Log in");
    layout.flash = notice.map(|t| Flash {
        kind: FlashKind::Info,
        text: t.to_string(),
    });
    Ok(render(200, &layout, form).into())
}

/// An empty login form (`/login`, `/doctor`): the configured server and
/// choices, the last server and user that logged in, a new CSRF token.
pub(super) fn fresh_form(app: &App, req: &Exchange<'_>) -> LoginForm {
    let mut form = prefilled(app);
    // A prefilled server (the demo's, on a new random port each run) is
    // what this ftpgate is for: an older remembered login must not win.
    if app.config.prefill.is_none() {
        if let Some(value) = cookie(req, LAST_COOKIE) {
            remembered(&mut form, &value);
        }
    }
    form.csrf = app.sessions.login_token();
    form
}

fn prefilled(app: &App) -> LoginForm {
    let mut form = LoginForm {
        port: "21".into(),
        ..LoginForm::default()
    };
    if let Some(p) = &app.config.prefill {
        form.host = p.host.clone();
        form.port = p.port.to_string();
        form.user = p.user.clone();
        form.password_hint.clone_from(&p.password_hint);
    }
    if let Some((host, port)) = &app.config.locked_host {
        form.host = host.clone();
        form.port = port.to_string();
        form.host_locked = true;
    }
    if cfg!(feature = "tls") {
        form.tls = app.config.ftp.tls.word().to_string();
        form.tls_locked = app.config.ftp_tls_locked;
    }
    form.mode = app.config.ftp.data_mode.name().to_string();
    form.mode_locked = app.config.ftp_mode_locked;
    form
}

/// Longest page to return to after logging in (`next`).
const MAX_NEXT: usize = 2048;

/// A page of this ftpgate to return to after logging in: a path (with its
/// query) on this origin, never `//host` or a backslash trick that a browser
/// would read as another site, never the login itself, never a control
/// character that could split the `Location` header.
pub fn next_page(raw: &[u8]) -> Option<String> {
    let next = std::str::from_utf8(raw).ok()?;
    let ok = next.len() <= MAX_NEXT
        && next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && next.bytes().all(|b| b.is_ascii_graphic())
        && next != "/"
        && !next.starts_with("/login")
        && !next.starts_with("/logout");
    ok.then(|| next.to_string())
}

/// Fills host, port and user from the `ftpgate_last` cookie; a value that
/// does not look right is ignored. A locked server keeps its host and port.
fn remembered(form: &mut LoginForm, value: &str) {
    let fields = paths::parse_form(value.as_bytes());
    let text = |name| {
        field(&fields, name)
            .filter(|v| !v.is_empty() && v.len() <= LAST_MAX_LEN)
            .and_then(|v| std::str::from_utf8(v).ok())
            .filter(|v| !v.chars().any(char::is_control))
            .map(str::to_string)
    };
    if !form.host_locked {
        if let (Some(host), Some(port)) = (text("h"), text("p")) {
            if port.parse::<u16>().is_ok_and(|p| p > 0) {
                form.host = host;
                form.port = port;
            }
        }
    }
    if let Some(user) = text("u") {
        form.user = user;
    }
}

/// The `Set-Cookie` value that remembers a successful login's server and user.
fn remember(creds: &Credentials) -> Option<String> {
    if creds.host.len() > LAST_MAX_LEN || creds.user.len() > LAST_MAX_LEN {
        return None;
    }
    Some(format!(
        "{LAST_COOKIE}=h={}&p={}&u={}; {COOKIE_ATTRS}; Max-Age={LAST_MAX_AGE}",
        paths::encode_component(creds.host.as_bytes()),
        creds.port,
        paths::encode_component(creds.user.as_bytes())
    ))
}

fn render(status: u16, layout: &Layout, form: LoginForm) -> Page {
    with_login_cookie(response::html(status, pages::login(layout, &form)), &form)
}

/// The page, with the cookie half of the form's double-submit CSRF token.
pub(super) fn with_login_cookie(page: Page, form: &LoginForm) -> Page {
    let cookie = format!(
        "{LOGIN_COOKIE}={}; {COOKIE_ATTRS}; Max-Age=86400",
        form.csrf
    );
    response::set_cookie(page, &cookie)
}

/// A posted login form, read and checked before any FTP traffic: what to
/// show again, whom to log in as, and how.
#[cfg_attr(not(feature = "doctor"), allow(dead_code))]
pub(super) struct Attempt {
    /// The form as it is shown again (never with the password).
    pub shown: LoginForm,
    pub creds: Credentials,
    /// The session's own FTP settings (encryption, data connections, trust).
    pub ftp_config: ftp::Config,
    /// The folder in a URL typed as the server.
    pub start: Option<Vec<u8>>,
    /// The page to return to (`next`).
    pub next: Option<String>,
    /// A certificate the person confirmed on the page before.
    pub trust: Option<ftp::Fingerprint>,
    /// The form's other fields, less the password (the doctor's checkbox).
    pub fields: Vec<(String, Vec<u8>)>,
}

/// Reads a posted login form (`/login` and `/doctor` share it): the
/// throttle and CSRF refusals are errors; a field that is wrong comes back
/// as the form to show again with the reason.
pub(super) fn read_attempt(
    app: &App,
    req: &mut Exchange<'_>,
    ctx: &Ctx,
) -> Result<std::result::Result<Attempt, (LoginForm, String)>> {
    let client_ip = crate::http::canonical(req.peer.ip());
    if let Err(retry_after) = app.logins.check(client_ip, Instant::now()) {
        return Err(Error::Throttled { retry_after });
    }
    let form = read_form(req)?;
    let text = |name| {
        String::from_utf8_lossy(field(&form, name).unwrap_or(b""))
            .trim()
            .to_string()
    };
    if !app.sessions.login_token_ok(
        field(&form, "csrf").unwrap_or(b""),
        cookie(req, LOGIN_COOKIE).as_deref(),
    ) {
        return Err(Error::Csrf);
    }
    let next = field(&form, "next").and_then(next_page);
    let mut shown = prefilled(app);
    shown.next.clone_from(&next);
    shown.replacing = ctx.session.as_ref().map(|s| s.account());
    if !shown.host_locked {
        shown.host = text("host");
        shown.port = text("port");
    }
    shown.user = text("user");
    if !shown.tls_locked && !shown.tls.is_empty() {
        shown.tls = text("tls");
        if TlsMode::from_word(&shown.tls).is_none() {
            shown.tls = app.config.ftp.tls.word().to_string();
        }
    }
    if !shown.mode_locked {
        shown.mode = ftp::DataMode::from_name(&text("mode"))
            .unwrap_or(app.config.ftp.data_mode)
            .name()
            .to_string();
    }
    shown.csrf = app.sessions.login_token();
    let password = Secret::new(field(&form, "password").unwrap_or(b"").to_vec());
    // A certificate the person confirmed on the page before (see `explain`).
    let trust = field(&form, "trust")
        .and_then(|v| std::str::from_utf8(v).ok())
        .and_then(|v| ftp::Fingerprint::parse(v.trim()));
    let fail = |shown: LoginForm, why: String| Ok(Err((shown, why)));
    if let Some(why) = too_long(&shown, password.expose()) {
        shown.host.truncate(0);
        shown.user.truncate(0);
        return fail(shown, why);
    }
    let (host, port, start) = if shown.host_locked {
        (shown.host.clone(), shown.port.parse::<u16>().ok(), None)
    } else {
        // `host:port` or a URL: its parts win over the other fields, which
        // then show what is used.
        let server = match address::parse(&shown.host) {
            Ok(server) => server,
            Err(e) => {
                shown.host = address::without_password(&shown.host);
                return fail(shown, format!("Check the server address: {e}."));
            }
        };
        if let Some(user) = server.user {
            shown.user = user;
        }
        if let Some(mode) = server.tls {
            if shown.tls.is_empty() {
                return fail(
                    shown,
                    "This ftpgate was built without TLS: use an ftp:// address.".into(),
                );
            }
            if shown.tls_locked && TlsMode::from_word(&shown.tls) != Some(mode) {
                return fail(shown, "This ftpgate's encryption is fixed by its administrator: use a plain address without ftps://.".into());
            }
            shown.tls = mode.word().to_string();
        }
        let port = match server.port {
            Some(p) => {
                shown.port = p.to_string();
                Some(p)
            }
            None => shown.port.parse::<u16>().ok().filter(|p| *p > 0),
        };
        (server.host, port, server.path)
    };
    let Some(port) = port.filter(|p| *p > 0) else {
        return fail(shown, "The port must be a number from 1 to 65535.".into());
    };
    if let Some(allow) = &app.config.ftp_allow {
        if !allowed(allow, &host, port) {
            return fail(shown, format!("This ftpgate is not allowed to reach {host} port {port}; ask its administrator."));
        }
    }
    if shown.user.is_empty() {
        return fail(
            shown,
            "Enter a user name (anonymous for public servers).".into(),
        );
    }
    let creds = Credentials {
        host,
        port,
        user: shown.user.clone(),
        password,
    };
    // The policy is the session's own: its pool never mixes TLS settings.
    let mut ftp_config = app.config.ftp.clone();
    ftp_config.tls = match TlsMode::from_word(&shown.tls) {
        Some(mode) if !shown.tls_locked && cfg!(feature = "tls") => mode,
        _ => app.config.ftp.tls,
    };
    ftp_config.data_mode = ftp::DataMode::from_name(&shown.mode).unwrap_or(ftp_config.data_mode);
    // A confirmed certificate is trusted for this attempt only; every other
    // session trusts it once this login has succeeded with it.
    let pin_key = ftp::PinStore::key(&creds.host, creds.port);
    if let Some(fp) = trust {
        ftp_config.trust.pins = app.config.ftp.trust.pins.with(pin_key, fp);
    }
    Ok(Ok(Attempt {
        shown,
        creds,
        ftp_config,
        start,
        next,
        trust,
        fields: form.into_iter().filter(|(k, _)| k != "password").collect(),
    }))
}

/// `POST /login`: connect, log in, create the session.
pub fn submit(app: &App, req: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let client_ip = crate::http::canonical(req.peer.ip());
    let fail = |mut shown: LoginForm, why: String| {
        shown.error = Some(why);
        Ok(render(401, &ctx.layout("Log in"), shown).into())
    };
    let Attempt {
        mut shown,
        creds,
        ftp_config,
        start,
        next,
        trust,
        ..
    } = match read_attempt(app, req, ctx)? {
        Ok(attempt) => attempt,
        Err((shown, why)) => return fail(shown, why),
    };
    let pin_key = ftp::PinStore::key(&creds.host, creds.port);
    let pool = Pool::new(app.config.max_connections_per_session, creds, ftp_config);
    let creds = pool.creds();
    let (client, home) = match login(&pool) {
        Ok(ok) => ok,
        Err(e) => {
            if matches!(e, ftp::Error::LoginIncorrect(_)) {
                app.logins.failed(client_ip, Instant::now());
            }
            if let ftp::Error::UntrustedCertificate { cert, .. } = &e {
                shown.trust = Some(cert.fingerprint.to_string());
            }
            let why = explain(&e, creds, &app.config.ftp);
            crate::log_info!(
                "login to {}:{} as {:?} failed: {e}",
                creds.host,
                creds.port,
                creds.user
            );
            return fail(shown, why);
        }
    };
    let last = remember(creds);
    if let Some(fp) = trust {
        remember_pin(app, &pin_key, fp);
    }
    let encrypted = client.is_encrypted();
    // The badge beside the account says "TLS" or "not encrypted" on every page.
    let flash = match encrypted {
        true => format!(
            "Connected to {} as {} (encrypted with TLS)",
            creds.host, creds.user
        ),
        false => format!("Connected to {} as {}", creds.host, creds.user),
    };
    app.logins.succeeded(client_ip);
    pool.put(client);
    // Logging in again from this browser ends its old session first, so
    // the old cookie stops working and its slot is free for the new one.
    if let Some(old) = &ctx.session {
        app.sessions.remove(old);
    }
    let (session, cookie_value) = match app.sessions.create(home, pool, client_ip, encrypted) {
        Ok(made) => made,
        Err(Full::Total) => return fail(shown, "Too many people are logged in right now; try again later.".into()),
        Err(Full::PerIp(n)) => {
            return fail(shown, format!("Your address already has {n} sessions open; log out of one (or wait {} minutes for it to expire) first.", app.config.session_idle.as_secs() / 60))
        }
    };
    session.set_flash(Flash {
        kind: FlashKind::Success,
        text: flash,
    });
    // Where the person was going: the folder in a URL typed as the server,
    // else the page that sent them here when their session ended, else home.
    let to = match (start, next) {
        (Some(folder), _) => paths::browse_url(&folder),
        (None, Some(next)) => next,
        (None, None) => paths::browse_url(&session.home),
    };
    let page = response::redirect(&to);
    let mut page = response::set_cookie(page, &format!("{COOKIE}={cookie_value}; {COOKIE_ATTRS}"));
    if let Some(last) = last {
        page = response::set_cookie(page, &last);
    }
    Ok(response::set_cookie(page, &format!("{LOGIN_COOKIE}=; {COOKIE_ATTRS}; Max-Age=0")).into())
}

fn login(pool: &Pool) -> ftp::Result<(ftp::Client, Vec<u8>)> {
    let mut client = pool.connect()?;
    // A server without PWD still works from "/".
    let home = client.pwd().unwrap_or_else(|_| b"/".to_vec());
    Ok((client, home))
}

/// A failed login in words a person understands.
fn explain(e: &ftp::Error, creds: &Credentials, config: &ftp::Config) -> String {
    let at = format!("{} port {}", creds.host, creds.port);
    match e {
        ftp::Error::LoginIncorrect(_) => "Wrong user name or password.".into(),
        ftp::Error::Resolve { .. } => format!("The host name {} was not found.", creds.host),
        ftp::Error::Connect { .. } => {
            format!("{at} refused the connection (is an FTP server running there?).")
        }
        ftp::Error::Timeout { during } => {
            let limit = if *during == "connecting" {
                config.connect_timeout
            } else {
                config.io_timeout
            };
            format!("No answer from {at} within {} seconds.", limit.as_secs())
        }
        ftp::Error::NotFtp(what) => format!("{at} speaks {what}, not FTP: check the port."),
        ftp::Error::LoginTimeout { limit, .. } => format!(
            "{at} did not complete the FTP login within {} seconds (is an FTP server answering there?).",
            limit.as_secs()
        ),
        ftp::Error::Closed => {
            format!("{at} closed the connection during login (is that an FTP server port?)")
        }
        ftp::Error::InvalidArgument { .. } => format!("{}.", capitalized(&e.to_string())),
        ftp::Error::TlsRequired(_) => format!(
            "{at} does not offer TLS, and this login requires it. Nothing secret was sent. \
             Choose plain FTP only if you trust the network."
        ),
        ftp::Error::UntrustedCertificate { cert, reason } => format!(
            "{at} presented a certificate ftpgate cannot verify ({reason}): {}, SHA-256 \
             fingerprint {}. Nothing secret was sent. The administrator can also pin it with \
             --ftp-pin {}={}.",
            cert_words(cert),
            cert.fingerprint,
            ftp::PinStore::key(&creds.host, creds.port),
            cert.fingerprint
        ),
        ftp::Error::CertificateChanged { expected, got } => format!(
            "{at} presented a different certificate than the one pinned for it (pinned SHA-256 \
             {expected}, now {got}). This can be an attack, or a renewed certificate: ftpgate \
             stops here. Nothing secret was sent."
        ),
        other => format!("Could not log in to {at}: {other}."),
    }
}

/// Which field is over its cap, in words; nothing is sent to any server then.
fn too_long(form: &LoginForm, password: &[u8]) -> Option<String> {
    let over =
        |what: &str, max: usize| Some(format!("The {what} is longer than {max} characters."));
    if form.host.len() > address::MAX_FIELD {
        return over("server address", address::MAX_FIELD);
    }
    if form.port.len() > MAX_PORT {
        return Some("The port must be a number from 1 to 65535.".into());
    }
    if form.user.len() > MAX_USER {
        return over("user name", MAX_USER);
    }
    if password.len() > MAX_PASSWORD {
        return over("password", MAX_PASSWORD);
    }
    None
}

/// Whether `--ftp-allow` lets `host:port` be reached. The name is resolved
/// here to check addresses; one that does not resolve is left to fail later
/// only if a name entry allowed it.
fn allowed(allow: &AllowList, host: &str, port: u16) -> bool {
    use std::net::ToSocketAddrs;
    let resolved: Vec<std::net::IpAddr> = (host, port)
        .to_socket_addrs()
        .map(|addrs| addrs.map(|a| a.ip()).collect())
        .unwrap_or_default();
    allow.allows(host, port, &resolved)
}

/// Pins a certificate confirmed by a successful login, for every session,
/// and keeps it in the state directory when there is one.
fn remember_pin(app: &App, key: &str, fingerprint: ftp::Fingerprint) {
    let pins = &app.config.ftp.trust.pins;
    pins.set(key, fingerprint);
    crate::log_info!("FTPS certificate {fingerprint} trusted for {key}");
    if let Some(dir) = &app.config.state_dir {
        if let Err(e) = crate::web::pins::save(dir, pins) {
            crate::log_error!(
                "could not save the trusted certificates in {}: {e}",
                dir.display()
            );
        }
    }
}

/// A certificate in a sentence: who it names, who signed it, when it is valid.
fn cert_words(cert: &ftp::CertSummary) -> String {
    let name = |cn: &Option<String>, o: &Option<String>| match (cn, o) {
        (Some(cn), Some(o)) => format!("{cn} ({o})"),
        (Some(x), None) | (None, Some(x)) => x.clone(),
        (None, None) => "(no name)".into(),
    };
    format!(
        "issued to {}, by {}, valid {} to {}",
        name(&cert.subject_cn, &cert.subject_o),
        name(&cert.issuer_cn, &cert.issuer_o),
        cert.not_before,
        cert.not_after
    )
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// `POST /logout`: QUIT, forget the credentials, expire the cookie.
pub fn logout(app: &App, req: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let form = read_form(req)?;
    let Some(session) = &ctx.session else {
        // Already logged out: nothing to protect, just go to the login page.
        return Ok(response::redirect("/login").into());
    };
    check_csrf(req, session, field(&form, "csrf"))?;
    app.sessions.remove(session);
    let page = response::redirect("/login?bye=1");
    Ok(response::set_cookie(page, &format!("{COOKIE}=; {COOKIE_ATTRS}; Max-Age=0")).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(host: &str, user: &str) -> Credentials {
        Credentials {
            host: host.into(),
            port: 2121,
            user: user.into(),
            password: Secret::new(b"hunter2".to_vec()),
        }
    }

    /// The cookie's value, as the browser sends it back.
    fn value(set_cookie: &str) -> &str {
        let pair = set_cookie.split(';').next().unwrap();
        &pair[LAST_COOKIE.len() + 1..]
    }

    #[test]
    fn remembers_host_port_and_user_but_never_the_password() {
        let set = remember(&creds("fe80::1", "ann & \"bob\"")).unwrap();
        assert!(!set.contains("hunter2"));
        assert!(set.contains("HttpOnly; SameSite=Strict; Path=/; Max-Age=31536000"));
        let v = value(&set);
        assert!(
            v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"%&=-._~".contains(&b)),
            "{v}"
        );
        let mut form = LoginForm::default();
        remembered(&mut form, v);
        assert_eq!(
            (form.host.as_str(), form.port.as_str()),
            ("fe80::1", "2121")
        );
        assert_eq!(form.user, "ann & \"bob\"");
    }

    #[test]
    fn a_locked_server_keeps_its_host_and_only_the_user_is_filled() {
        let mut form = LoginForm {
            host: "nas".into(),
            port: "21".into(),
            host_locked: true,
            ..LoginForm::default()
        };
        remembered(&mut form, "h=evil&p=2121&u=ann");
        assert_eq!((form.host.as_str(), form.port.as_str()), ("nas", "21"));
        assert_eq!(form.user, "ann");
    }

    #[test]
    fn odd_cookie_values_are_ignored() {
        for v in [
            "h=x&p=0&u=",
            "h=x&p=99999",
            "h=%0d%0a&p=21",
            "garbage",
            "u=%FF",
        ] {
            let mut form = LoginForm::default();
            remembered(&mut form, v);
            assert_eq!(form.host, "", "{v}");
            assert_eq!(form.user, "", "{v}");
        }
        assert!(remember(&creds(&"h".repeat(300), "u")).is_none());
    }
}
