//! # The HTTP server
//!
//! A small blocking HTTP/1.1 server: an acceptor with connection caps, one
//! thread per admitted connection, request heads parsed by `httparse` under
//! line, count, size and time caps, bodies read as streams (length or
//! chunked), responses that can never end cleanly when they failed midway.
//! It knows nothing of FTP or of ftpgate's routes: `web` gives it a
//! [`Handler`]. Every cap is in `limits`.

mod body;
mod conn;
mod exchange;
mod head;
mod limits;
#[cfg(test)]
mod raw_tests;
mod response;
#[cfg(feature = "tls")]
pub mod selfsigned;
mod server;
#[cfg(test)]
pub(crate) mod testing;
#[cfg(feature = "tls")]
mod tls;
mod wire;

pub use body::{parse_chunk_size, Body, BodyError};
pub use exchange::{BodyWriter, Exchange};
pub use head::{Framing, Head, HeadError, Method, Scanner};
pub use limits::*;
pub use response::{valid_header, Length, Response};
pub use server::{bind, canonical, Options, Server};
#[cfg(feature = "tls")]
pub use tls::{fingerprint, Tls};

/// Answers requests. Called on the connection's thread; it may block as long
/// as it needs (a slow FTP server holds only this connection).
/// Decodes a request body framed by `framing` from in-memory bytes (for
/// the fuzz targets): the decoded body, or the first framing error.
pub fn decode_body(input: &[u8], framing: Framing) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut wire = wire::Wire::new(Box::new(std::io::Cursor::new(input.to_vec())), None);
    let mut state = body::State::new(framing);
    let mut owed = false;
    let mut body = body::Body {
        wire: &mut wire,
        state: &mut state,
        continue_owed: &mut owed,
    };
    let mut out = Vec::new();
    body.read_to_end(&mut out)?;
    Ok(out)
}

pub trait Handler: Send + Sync + 'static {
    /// Answers one request: exactly one of `ex.respond` or `ex.stream`. A
    /// handler that answers nothing, or panics first, gets a 500.
    fn handle(&self, ex: &mut Exchange<'_>);
}
