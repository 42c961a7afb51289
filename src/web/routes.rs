//! # Routes
//!
//! The one route table: (method, path, handler, where an error leads back
//! to). The router decodes the FTP path after a route's prefix once, finds
//! the session, and turns a handler's error into its response (`fail`).

use super::context::{cookie, wants_json, Back, Ctx, Reply};
use super::error::{Error, Result};
use super::fail::error_reply;
#[cfg(feature = "doctor")]
use super::handlers::doctor;
use super::handlers::{
    archive, browse, bulk, chmod, copy, download, edit, login, manage, new_file, preview, resume,
    search, upload,
};
use super::response;
use super::session::COOKIE;
use super::{assets, paths, App};
use crate::http::{Exchange, Method};

pub use super::fail::{internal_error_page, stopping_page};

/// A handler: the app, the exchange (body, streaming) and the context.
type Handler = fn(&App, &mut Exchange<'_>, &Ctx) -> Result<Reply>;

/// A route: `Get` also answers HEAD. A prefix ending in `/` takes the rest
/// of the path as an FTP path; any other is matched exactly.
struct Route {
    method: Method,
    path: &'static str,
    handler: Handler,
    back: Back,
}

const fn at(method: Method, path: &'static str, handler: Handler, back: Back) -> Route {
    Route {
        method,
        path,
        handler,
        back,
    }
}

const ROUTES: &[Route] = &[
    at(Method::Get, "/", home, Back::Home),
    at(Method::Get, "/healthz", healthz, Back::Home),
    at(Method::Get, "/login", login::form, Back::Home),
    at(Method::Post, "/login", login::submit, Back::Home),
    at(Method::Post, "/logout", login::logout, Back::Home),
    #[cfg(feature = "doctor")]
    at(Method::Get, "/doctor", doctor::form, Back::Home),
    #[cfg(feature = "doctor")]
    at(Method::Post, "/doctor", doctor::submit, Back::Home),
    at(Method::Get, "/download", download::by_name, Back::Home),
    at(Method::Get, "/assets/", serve_asset, Back::Home),
    at(Method::Get, "/browse/", browse::page, Back::Parent),
    at(Method::Get, "/download/", download::send, Back::Parent),
    at(Method::Get, "/preview/", preview::page, Back::Parent),
    at(Method::Get, "/zip/", archive::send, Back::Dir),
    at(Method::Get, "/search/", search::page, Back::Dir),
    at(Method::Post, "/upload/", upload::handle, Back::Dir),
    at(Method::Put, "/upload/", upload::put, Back::Parent),
    at(Method::Get, "/upload/", resume::status, Back::Parent),
    at(Method::Delete, "/upload/", resume::cancel, Back::Parent),
    at(Method::Post, "/mkdir/", manage::mkdir, Back::Dir),
    at(Method::Post, "/new-file/", new_file::create, Back::Dir),
    at(Method::Get, "/edit/", edit::page, Back::Parent),
    at(Method::Post, "/edit/", edit::save, Back::Parent),
    at(Method::Get, "/chmod/", chmod::page, Back::Parent),
    at(Method::Post, "/chmod/", chmod::change, Back::Parent),
    at(Method::Get, "/rename/", manage::rename_page, Back::Parent),
    at(Method::Post, "/rename/", manage::rename, Back::Parent),
    at(Method::Get, "/delete/", manage::delete_page, Back::Parent),
    at(Method::Post, "/delete/", manage::delete, Back::Parent),
    at(Method::Get, "/delete-selected/", bulk::confirm, Back::Dir),
    at(Method::Post, "/delete-selected/", bulk::delete, Back::Dir),
    at(Method::Get, "/move-selected/", bulk::move_page, Back::Dir),
    at(Method::Post, "/move-selected/", bulk::move_items, Back::Dir),
    at(Method::Get, "/copy-selected/", bulk::copy_page, Back::Dir),
    at(Method::Post, "/copy-selected/", copy::copy_items, Back::Dir),
];

impl Route {
    fn matches_path(&self, path: &str) -> bool {
        match self.path {
            "/" => path == "/",
            p if p.ends_with('/') => path.starts_with(p),
            p => path == p,
        }
    }

    fn matches_method(&self, method: &Method) -> bool {
        self.method == *method || (self.method == Method::Get && *method == Method::Head)
    }
}

/// Routes one request.
pub(super) fn route(app: &App, ex: &mut Exchange<'_>) -> Reply {
    let path = ex.path().to_string();
    let query = paths::parse_form(ex.query().as_bytes());
    let mut ctx = Ctx {
        method: ex.method().clone(),
        json: wants_json(ex, &query),
        query,
        session: cookie(ex, COOKIE).and_then(|c| app.sessions.lookup(&c)),
        target: b"/".to_vec(),
        path,
    };
    let candidates: Vec<&Route> = ROUTES
        .iter()
        .filter(|r| r.matches_path(&ctx.path))
        .collect();
    let Some(found) = candidates.iter().find(|r| r.matches_method(&ctx.method)) else {
        let err = if candidates.is_empty() {
            Error::NotFound
        } else {
            Error::Method
        };
        return error_reply(&ctx, Back::Home, err);
    };
    if found.path.len() > 1 && found.path.ends_with('/') {
        match paths::decode(&ctx.path[found.path.len() - 1..]) {
            Ok(target) => ctx.target = target,
            Err(e) => return error_reply(&ctx, Back::Home, e),
        }
    }
    (found.handler)(app, ex, &ctx).unwrap_or_else(|e| error_reply(&ctx, found.back, e))
}

fn home(_: &App, _: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    Ok(match &ctx.session {
        Some(s) => response::redirect(&paths::browse_url(&s.home)),
        None => response::redirect("/login"),
    }
    .into())
}

fn healthz(_: &App, _: &mut Exchange<'_>, _: &Ctx) -> Result<Reply> {
    Ok(response::text(200, "ok").into())
}

fn serve_asset(_: &App, ex: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let rest = &ctx.path["/assets/".len()..];
    let (version, name) = rest.split_once('/').ok_or(Error::NotFound)?;
    let (gzipped, content_type) = assets::get(version, name).ok_or(Error::NotFound)?;
    let page = if response::accepts_gzip(ex.header("Accept-Encoding")) {
        let page = response::asset(gzipped.into_owned(), content_type);
        response::with(page, "Content-Encoding", "gzip")
    } else {
        response::asset(assets::plain(&gzipped), content_type)
    };
    Ok(response::with(page, "Vary", "Accept-Encoding").into())
}
