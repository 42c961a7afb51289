//! # Login and logout
//!
//! The login form (with its own double-submit CSRF token, since there is no
//! session yet), the FTP login behind it, and logout. Failures say in plain
//! words what went wrong and keep what was typed, except the password.

use super::error::{Error, Result};
use super::paths::{self, field};
use super::pool::{self, Pool};
use super::response::{self, Page};
use super::routes::{check_csrf, cookie, read_form, Ctx};
use super::session::{Credentials, Secret, COOKIE, LOGIN_COOKIE};
use super::views::model::{Flash, FlashKind, Layout, LoginForm};
use super::views::pages;
use super::App;
use crate::config::check_host;
use crate::ftp;
use tiny_http::Request;

/// Attributes of every cookie we set.
const COOKIE_ATTRS: &str = "HttpOnly; SameSite=Strict; Path=/";

/// `GET /login`.
pub fn form(app: &App, ctx: &Ctx) -> Page {
    let mut form = prefilled(app);
    let notice = if ctx.query.iter().any(|(k, _)| k == "expired") {
        Some("Your session ended; please log in again.")
    } else if ctx.query.iter().any(|(k, _)| k == "bye") {
        Some("You are logged out.")
    } else {
        None
    };
    form.csrf = app.sessions.login_token();
    let mut layout = ctx.layout("Log in");
    layout.flash = notice.map(|t| Flash {
        kind: FlashKind::Info,
        text: t.to_string(),
    });
    render(200, &layout, form)
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
    }
    if let Some((host, port)) = &app.config.locked_host {
        form.host = host.clone();
        form.port = port.to_string();
        form.host_locked = true;
    }
    form
}

fn render(status: u16, layout: &Layout, form: LoginForm) -> Page {
    let cookie = format!(
        "{LOGIN_COOKIE}={}; {COOKIE_ATTRS}; Max-Age=86400",
        form.csrf
    );
    response::set_cookie(response::html(status, pages::login(layout, &form)), &cookie)
}

/// `POST /login`: connect, log in, create the session.
pub fn submit(app: &App, req: &mut Request, ctx: &Ctx) -> Result<Page> {
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
    let mut shown = prefilled(app);
    if !shown.host_locked {
        shown.host = text("host");
        shown.port = text("port");
    }
    shown.user = text("user");
    shown.csrf = app.sessions.login_token();
    let password = Secret::new(field(&form, "password").unwrap_or(b"").to_vec());
    let fail = |mut shown: LoginForm, why: String| {
        shown.error = Some(why);
        Ok(render(401, &ctx.layout("Log in"), shown))
    };
    let port = match shown.port.parse::<u16>() {
        Ok(p) if p > 0 => p,
        _ => return fail(shown, "The port must be a number from 1 to 65535.".into()),
    };
    let host = shown
        .host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    if let Err(e) = check_host(&host) {
        return fail(shown, format!("Check the server address: {e}."));
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
    let (client, home) = match login(&creds, &app.config.ftp) {
        Ok(ok) => ok,
        Err(e) => {
            let why = explain(&e, &creds, &app.config.ftp);
            crate::log_info!(
                "login to {}:{} as {:?} failed: {e}",
                creds.host,
                creds.port,
                creds.user
            );
            return fail(shown, why);
        }
    };
    let pool = Pool::new(app.config.max_connections_per_session);
    pool.put(client);
    let flash = format!("Connected to {} as {}", creds.host, creds.user);
    let Some((session, cookie_value)) = app.sessions.create(creds, home, pool) else {
        return fail(
            shown,
            "Too many people are logged in right now; try again later.".into(),
        );
    };
    session.set_flash(Flash {
        kind: FlashKind::Success,
        text: flash,
    });
    let page = response::redirect(&paths::browse_url(&session.home));
    let page = response::set_cookie(page, &format!("{COOKIE}={cookie_value}; {COOKIE_ATTRS}"));
    Ok(response::set_cookie(
        page,
        &format!("{LOGIN_COOKIE}=; {COOKIE_ATTRS}; Max-Age=0"),
    ))
}

fn login(creds: &Credentials, config: &ftp::Config) -> ftp::Result<(ftp::Client, Vec<u8>)> {
    let mut client = pool::connect(creds, config)?;
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
        ftp::Error::Protocol(m) if m.contains("HTTP") => {
            format!("{at} speaks HTTP, not FTP: check the port.")
        }
        ftp::Error::Closed => {
            format!("{at} closed the connection during login (is that an FTP server port?)")
        }
        ftp::Error::InvalidArgument { .. } => format!("{}.", capitalized(&e.to_string())),
        other => format!("Could not log in to {at}: {other}."),
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// `POST /logout`: QUIT, forget the credentials, expire the cookie.
pub fn logout(app: &App, req: &mut Request, ctx: &Ctx) -> Result<Page> {
    let form = read_form(req)?;
    let Some(session) = &ctx.session else {
        // Already logged out: nothing to protect, just go to the login page.
        return Ok(response::redirect("/login"));
    };
    check_csrf(req, session, field(&form, "csrf"))?;
    app.sessions.remove(session);
    let page = response::redirect("/login?bye=1");
    Ok(response::set_cookie(
        page,
        &format!("{COOKIE}=; {COOKIE_ATTRS}; Max-Age=0"),
    ))
}
