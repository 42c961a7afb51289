//! # Routes
//!
//! `(method, path)` → handler, the request context every handler shares
//! (session, CSRF, JSON or HTML), and the one place errors become responses.

use super::error::{Error, Result};
use super::response::{self, json_string, Page};
use super::session::{Session, COOKIE};
use super::views::model::{ErrorPage, Layout};
use super::views::pages;
use super::{assets, browse, download, login, manage, paths, upload, App};
use std::io::Read;
use std::sync::Arc;
use tiny_http::{Method, Request};

/// Largest urlencoded form body accepted (login, rename, ...).
const MAX_FORM_BYTES: u64 = 64 * 1024;
/// `Retry-After` of a 503 while stopping: about a restart's time.
const RETRY_AFTER_SECS: &str = "10";

/// What a handler produced.
pub enum Reply {
    /// A response already in memory.
    Page(Page),
    /// A file to stream from FTP (sent after routing, see `download::send`).
    Download(download::Plan),
}

impl From<Page> for Reply {
    fn from(p: Page) -> Self {
        Reply::Page(p)
    }
}

/// Facts about the request every handler may need.
#[derive(Clone)]
pub struct Ctx {
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, Vec<u8>)>,
    pub json: bool,
    pub session: Option<Arc<Session>>,
}

impl Ctx {
    /// The session, or `NotLoggedIn`.
    pub fn session(&self) -> Result<&Arc<Session>> {
        self.session.as_ref().ok_or(Error::NotLoggedIn)
    }

    /// The page frame for a logged-in (or not) user; takes the flash message.
    pub fn layout(&self, title: &str) -> Layout {
        Layout {
            title: title.to_string(),
            account: self.session.as_ref().map(|s| s.account()),
            csrf: self.session.as_ref().map(|s| s.csrf.clone()),
            flash: self.session.as_ref().and_then(|s| s.take_flash()),
        }
    }
}

/// Routes one request.
pub fn route(app: &App, req: &mut Request) -> Reply {
    let url = req.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let query = paths::parse_form(query.as_bytes());
    let accept_json = header(req, "Accept").is_some_and(|a| a.contains("application/json"));
    let ctx = Ctx {
        method: req.method().clone(),
        path: path.to_string(),
        json: accept_json || paths::field(&query, "format") == Some(b"json"),
        query,
        session: cookie(req, COOKIE).and_then(|c| app.sessions.lookup(&c)),
    };
    dispatch(app, req, &ctx).unwrap_or_else(|e| error_reply(&ctx, e))
}

fn dispatch(app: &App, req: &mut Request, ctx: &Ctx) -> Result<Reply> {
    let p = ctx.path.as_str();
    let get = matches!(ctx.method, Method::Get | Method::Head);
    let post = ctx.method == Method::Post;
    let reply: Reply = match p {
        "/" if get => match &ctx.session {
            Some(s) => response::redirect(&paths::browse_url(&s.home)).into(),
            None => response::redirect("/login").into(),
        },
        "/healthz" if get => response::text(200, "ok").into(),
        "/login" if get => login::form(app, req, ctx).into(),
        "/login" if post => login::submit(app, req, ctx)?.into(),
        "/logout" if post => login::logout(app, req, ctx)?.into(),
        "/download" if get => download::by_name(ctx)?.into(),
        _ if p.starts_with("/assets/") && get => serve_asset(p)?.into(),
        _ if p.starts_with("/browse/") && get => browse::page(app, ctx)?,
        _ if p.starts_with("/download/") && get => Reply::Download(download::plan(req, ctx)?),
        _ if p.starts_with("/upload/") && post => upload::handle(app, req, ctx)?.into(),
        _ if p.starts_with("/mkdir/") && post => manage::mkdir(app, req, ctx)?.into(),
        _ if p.starts_with("/rename/") && get => manage::rename_page(app, ctx)?.into(),
        _ if p.starts_with("/rename/") && post => manage::rename(app, req, ctx)?.into(),
        _ if p.starts_with("/delete/") && get => manage::delete_page(app, ctx)?.into(),
        _ if p.starts_with("/delete/") && post => manage::delete(app, req, ctx)?.into(),
        "/" | "/healthz" | "/login" | "/logout" | "/download" => return Err(Error::Method),
        _ if [
            "/browse/",
            "/download/",
            "/upload/",
            "/mkdir/",
            "/rename/",
            "/delete/",
            "/assets/",
        ]
        .iter()
        .any(|r| p.starts_with(r)) =>
        {
            return Err(Error::Method)
        }
        _ => return Err(Error::NotFound),
    };
    Ok(reply)
}

fn serve_asset(path: &str) -> Result<Page> {
    let rest = &path["/assets/".len()..];
    let (version, name) = rest.split_once('/').ok_or(Error::NotFound)?;
    let (bytes, content_type) = assets::get(version, name).ok_or(Error::NotFound)?;
    Ok(response::asset(bytes.into_owned(), content_type))
}

/// The first value of a request header.
pub fn header(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str().to_string())
}

/// A cookie's value from the `Cookie` header(s).
pub fn cookie(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .iter()
        .filter(|h| h.field.equiv("Cookie"))
        .flat_map(|h| cookie::Cookie::split_parse(h.value.as_str().to_string()))
        .filter_map(|c| c.ok())
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// Reads an urlencoded form body, capped.
pub fn read_form(req: &mut Request) -> Result<Vec<(String, Vec<u8>)>> {
    let mut body = Vec::new();
    req.as_reader()
        .take(MAX_FORM_BYTES + 1)
        .read_to_end(&mut body)
        .map_err(|_| Error::BadRequest("the form could not be read".into()))?;
    if body.len() as u64 > MAX_FORM_BYTES {
        return Err(Error::BadRequest("the form is too large".into()));
    }
    Ok(paths::parse_form(&body))
}

/// Checks the session's CSRF token from the `X-CSRF-Token` header or a form field.
pub fn check_csrf(req: &Request, session: &Session, form_value: Option<&[u8]>) -> Result<()> {
    let from_header = header(req, "X-CSRF-Token");
    let token = from_header.as_deref().map(str::as_bytes).or(form_value);
    match token {
        Some(t) if session.csrf_ok(t) => Ok(()),
        _ => Err(Error::Csrf),
    }
}

/// Turns an error into the response: JSON, a redirect to the login page, or an error page.
pub fn error_reply(ctx: &Ctx, err: Error) -> Reply {
    let status = err.status();
    // A stop's 503 is logged by the stop and the cut transfer.
    if status >= 500 && !matches!(err, Error::Stopping) {
        crate::log_warn!("{} {}: {err}", ctx.method, ctx.path);
    }
    if ctx.json {
        let details = err.details();
        if details.is_empty() {
            return response::json_error(status, &err.to_string()).into();
        }
        let lines: Vec<String> = details.iter().map(|d| json_string(d)).collect();
        let body = format!(
            "{{\"error\":{},\"details\":[{}]}}",
            json_string(&err.to_string()),
            lines.join(",")
        );
        return response::json(status, body).into();
    }
    if matches!(err, Error::NotLoggedIn) && ctx.method == Method::Get {
        return response::redirect("/login?expired=1").into();
    }
    let back = match (&ctx.session, status) {
        (None, _) | (_, 401) => "/login".to_string(),
        (Some(s), _) => folder_of(&ctx.path).unwrap_or_else(|| paths::browse_url(&s.home)),
    };
    let page = ErrorPage {
        status,
        title: err.title().to_string(),
        message: err.to_string(),
        server_said: err.server_said(),
        details: err.details().to_vec(),
        back_href: back,
    };
    response::html(status, pages::error(&ctx.layout(err.title()), &page)).into()
}

/// The listing a failed action should lead back to: the folder it acted in
/// (`/mkdir/<dir>/`, `/upload/<dir>/`) or the one holding its target
/// (`/rename/<path>`, `/delete/<path>`, `/download/<path>`).
fn folder_of(url_path: &str) -> Option<String> {
    const ACTIONS: [(&str, bool); 5] = [
        ("/mkdir/", true),
        ("/upload/", true),
        ("/rename/", false),
        ("/delete/", false),
        ("/download/", false),
    ];
    let (prefix, is_dir) = ACTIONS.iter().find(|(p, _)| url_path.starts_with(p))?;
    let path = paths::decode(&url_path[prefix.len() - 1..]).ok()?;
    let dir = if *is_dir { path } else { paths::split(&path).0 };
    Some(paths::browse_url(&dir))
}

/// The 503 for a request that arrived after the stop began. It carries no
/// session: the sessions are about to be logged out.
pub fn stopping_page(req: &Request) -> Page {
    let err = Error::Stopping;
    let json = header(req, "Accept").is_some_and(|a| a.contains("application/json"))
        || req.url().split_once('?').is_some_and(|(_, q)| {
            paths::field(&paths::parse_form(q.as_bytes()), "format") == Some(b"json")
        });
    let page = if json {
        response::json_error(503, &err.to_string())
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
    match response::header("Retry-After", RETRY_AFTER_SECS) {
        Some(h) => page.with_header(h),
        None => page,
    }
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
    use super::folder_of;

    #[test]
    fn errors_lead_back_to_the_folder_of_the_action() {
        assert_eq!(
            folder_of("/mkdir/pub/a%20b/").as_deref(),
            Some("/browse/pub/a%20b/")
        );
        assert_eq!(folder_of("/upload/").as_deref(), Some("/browse/"));
        assert_eq!(
            folder_of("/rename/pub/x.txt").as_deref(),
            Some("/browse/pub/")
        );
        assert_eq!(folder_of("/delete/x").as_deref(), Some("/browse/"));
        assert_eq!(
            folder_of("/download/pub/d/f").as_deref(),
            Some("/browse/pub/d/")
        );
        assert_eq!(folder_of("/browse/pub/"), None);
        assert_eq!(folder_of("/delete/a%0D%0Ab"), None);
    }
}
