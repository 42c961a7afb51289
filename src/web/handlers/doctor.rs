//! # The FTP doctor
//!
//! `GET /doctor` shows the login form's fields with a write-test box;
//! `POST /doctor` checks them like a login does (throttle, CSRF, the
//! address and the allow-list), runs [`crate::doctor`] and shows the
//! report, or sends it as plain text (`?format=text` or
//! `Accept: text/plain`) for scripts. A wrong password counts as a failed
//! login, so the doctor is no way around the login throttle.

use super::login::{fresh_form, read_attempt, with_login_cookie};
use crate::doctor::{self, Request};
use crate::http::Exchange;
use crate::web::context::{Ctx, Reply};
use crate::web::error::Result;
use crate::web::paths::field;
use crate::web::response;
use crate::web::views::doctor::{page_with, Checked};
use crate::web::App;
use std::time::Instant;

const TITLE: &str = "FTP doctor";

/// `GET /doctor`.
pub fn form(app: &App, req: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let form = fresh_form(app, req);
    let page = response::html(200, page_with(&ctx.layout(TITLE), &form, false, None));
    Ok(with_login_cookie(page, &form).into())
}

/// Whether the client asked for the plain-text report.
fn wants_text(req: &Exchange<'_>, ctx: &Ctx) -> bool {
    let accept = req
        .header("Accept")
        .is_some_and(|a| a.trim_start().starts_with("text/plain"));
    accept || field(&ctx.query, "format") == Some(b"text")
}

/// `POST /doctor`: run the check.
pub fn submit(app: &App, req: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let client_ip = crate::http::canonical(req.peer.ip());
    let text_wanted = wants_text(req, ctx);
    let attempt = match read_attempt(app, req, ctx)? {
        Ok(attempt) => attempt,
        Err((mut shown, why)) => {
            if text_wanted {
                return Ok(response::text(400, &format!("{why}\n")).into());
            }
            shown.error = Some(why);
            let page = page_with(&ctx.layout(TITLE), &shown, false, None);
            return Ok(with_login_cookie(response::html(400, page), &shown).into());
        }
    };
    let write_test = field(&attempt.fields, "write") == Some(b"1");
    let request = Request {
        host: attempt.creds.host.clone(),
        port: attempt.creds.port,
        user: attempt.creds.user.clone(),
        config: attempt.ftp_config.clone(),
        write_test,
    };
    let password = attempt.creds.password.expose();
    let report = doctor::run(&request, password);
    if report.login_refused {
        app.logins.failed(client_ip, Instant::now());
    }
    crate::log_info!("doctor: {}: {}", report.target, report.verdict);
    let text = report.text();
    if text_wanted {
        return Ok(response::text(200, &text).into());
    }
    // A certificate that could not be verified: the form offers to trust it
    // for the next check (the same confirmation as the login's).
    let mut shown = attempt.shown;
    shown.trust = report.untrusted.map(|fp| fp.to_string());
    let checked = Checked {
        report: &report,
        text: &text,
    };
    let page = page_with(&ctx.layout(TITLE), &shown, write_test, Some(checked));
    Ok(with_login_cookie(response::html(200, page), &shown).into())
}
