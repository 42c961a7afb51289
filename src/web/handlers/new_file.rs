//! # New empty file
//!
//! `POST /new-file/<dir>/` with `name`: an empty file, made with a STOR of
//! zero bytes. The name is checked as a new folder's is (CR, LF, NUL and
//! `/` refused before anything reaches the server), and a name already
//! there is refused with 409: nothing is ever replaced.

use super::manage::{done, find, shown};
use crate::http::Exchange;
use crate::web::context::{check_csrf, read_form, Ctx, Reply};
use crate::web::error::{Error, Result};
use crate::web::paths::{self, field};
use crate::web::App;

/// `POST /new-file/<dir>/` with `csrf`, `name`.
pub fn create(_: &App, req: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let dir = ctx.target.clone();
    let form = read_form(req)?;
    check_csrf(req, session, field(&form, "csrf"))?;
    let name = field(&form, "name").unwrap_or(b"");
    paths::check_name(name)?;
    let target = paths::join(&dir, name);
    session.pool.run(|c| {
        if find(c, &target)?.is_some() {
            return Err(Error::Conflict(format!(
                "“{}” already exists here; nothing was replaced.",
                shown(name)
            )));
        }
        // The name was just seen free: a refusal is "not allowed", not "missing".
        c.stor(&target)
            .map_err(Error::Refused)?
            .finish()
            .map_err(Error::Refused)?;
        Ok(())
    })?;
    let message = format!("Created the empty file “{}”", shown(name));
    Ok(done(ctx, session, &dir, &target, message, None).into())
}
