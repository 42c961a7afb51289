//! # New empty file
//!
//! `POST /new-file/<dir>/` with `name`: an empty file, made with a STOR of
//! zero bytes. The name is checked as a new folder's is (CR, LF, NUL and
//! `/` refused before anything reaches the server), and a name already
//! there is refused with 409: nothing is ever replaced.

use super::manage::create_new;
use crate::http::Exchange;
use crate::web::context::{Ctx, Reply};
use crate::web::error::{Error, Result};
use crate::web::App;

/// `POST /new-file/<dir>/` with `csrf`, `name`.
pub fn create(_: &App, req: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let taken = "; nothing was replaced.";
    create_new(req, ctx, taken, "Created the empty file", |c, target| {
        // The name was just seen free: a refusal is "not allowed", not "missing".
        c.stor(target)
            .map_err(Error::Refused)?
            .finish()
            .map_err(Error::Refused)?;
        Ok(())
    })
}
