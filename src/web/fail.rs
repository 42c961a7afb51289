//! # Failing well
//!
//! Turns a handler's error into its response: JSON for scripts, a redirect
//! to the login page for an expired session, else an error page whose
//! "back" link leads to the folder the action was about. Also the pages for
//! a stopping server and for a handler that panicked.

use super::context::{wants_json, Back, Ctx, Reply};
use super::error::Error;
use super::json::Object;
use super::paths;
use super::response::{self, Page};
use super::views::model::{ErrorPage, Layout};
use super::views::pages;
use crate::http::{Exchange, Method};

/// `Retry-After` of a 503 while stopping: about a restart's time.
const RETRY_AFTER_SECS: &str = "10";

/// Turns an error into the response: JSON, a redirect to the login page, or an error page.
pub fn error_reply(ctx: &Ctx, back: Back, err: Error) -> Reply {
    let status = err.status();
    // A stop's 503 is logged by the stop and the cut transfer.
    if status >= 500 && !matches!(err, Error::Stopping) {
        crate::log_warn!(
            "{} {}: {err}",
            ctx.method.as_str(),
            crate::logging::quoted(&ctx.path, 200)
        );
    }
    let page = if ctx.json {
        json_error(&err)
    } else if matches!(err, Error::NotLoggedIn) && ctx.method == Method::Get {
        return response::redirect(&expired_url(ctx)).into();
    } else {
        let back_href = match (&ctx.session, status) {
            (None, _) | (_, 401) => "/login".to_string(),
            (Some(s), _) => {
                back_href(back, &ctx.target).unwrap_or_else(|| paths::browse_url(&s.home))
            }
        };
        let page = ErrorPage {
            status,
            title: err.title().to_string(),
            message: err.to_string(),
            server_said: err.server_said(),
            details: err.details().to_vec(),
            back_href,
        };
        response::html(status, pages::error(&ctx.layout(err.title()), &page))
    };
    extra_headers(page, &err).into()
}

/// The login page for an ended session, remembering the page asked for
/// (`login::next_page` checks it again when it comes back).
fn expired_url(ctx: &Ctx) -> String {
    if ctx.path == "/" {
        return "/login?expired=1".into();
    }
    let mut next = ctx.path.clone();
    for (i, (k, v)) in ctx.query.iter().enumerate() {
        next.push(if i == 0 { '?' } else { '&' });
        next.push_str(&paths::encode_component(k.as_bytes()));
        next.push('=');
        next.push_str(&paths::encode_component(v));
    }
    format!(
        "/login?expired=1&next={}",
        paths::encode_component(next.as_bytes())
    )
}

fn json_error(err: &Error) -> Page {
    let mut body = Object::new().str("error", &err.to_string());
    if let Some(said) = err.server_said() {
        body = body.str("server_said", &said);
    }
    if !err.details().is_empty() {
        body = body.strs("details", err.details().iter().map(String::as_str));
    }
    response::json(err.status(), body.finish())
}

fn extra_headers(page: Page, err: &Error) -> Page {
    match err {
        Error::Throttled { retry_after } => {
            response::with(page, "Retry-After", &retry_after.to_string())
        }
        Error::Stopping => response::with(page, "Retry-After", RETRY_AFTER_SECS),
        Error::Ftp(crate::ftp::Error::OffsetPastEnd { size, .. }) => {
            response::with(page, "Content-Range", &format!("bytes */{size}"))
        }
        _ => page,
    }
}

/// The listing a failed action should lead back to.
fn back_href(back: Back, target: &[u8]) -> Option<String> {
    match back {
        Back::Home => None,
        Back::Dir => Some(paths::browse_url(target)),
        Back::Parent => Some(paths::browse_url(&paths::split(target).0)),
    }
}

/// The 503 for a request that arrived after the stop began. It carries no
/// session: the sessions are about to be logged out.
pub fn stopping_page(ex: &Exchange<'_>) -> Page {
    let err = Error::Stopping;
    let query = paths::parse_form(ex.query().as_bytes());
    let page = if wants_json(ex, &query) {
        json_error(&err)
    } else {
        let page = ErrorPage {
            status: 503,
            title: err.title().to_string(),
            message: err.to_string(),
            server_said: None,
            details: Vec::new(),
            back_href: "/".into(),
        };
        let layout = Layout {
            title: err.title().into(),
            ..Layout::default()
        };
        response::html(503, pages::error(&layout, &page))
    };
    extra_headers(page, &err)
}

/// The page for a handler that panicked.
pub fn internal_error_page() -> Page {
    let page = ErrorPage {
        status: 500,
        title: "Something went wrong".into(),
        message: "ftpgate hit a bug while handling this request. It was logged; \
                  other requests are not affected."
            .into(),
        server_said: None,
        details: Vec::new(),
        back_href: "/".into(),
    };
    let layout = Layout {
        title: "Error".into(),
        ..Layout::default()
    };
    response::html(500, pages::error(&layout, &page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_lead_back_to_the_folder_of_the_action() {
        assert_eq!(
            back_href(Back::Dir, b"/pub/a b/").as_deref(),
            Some("/browse/pub/a%20b/")
        );
        assert_eq!(back_href(Back::Dir, b"/").as_deref(), Some("/browse/"));
        assert_eq!(
            back_href(Back::Parent, b"/pub/x.txt").as_deref(),
            Some("/browse/pub/")
        );
        assert_eq!(back_href(Back::Parent, b"/x").as_deref(), Some("/browse/"));
        assert_eq!(back_href(Back::Home, b"/pub/"), None);
    }
}
