//! # Connection
//!
//! Serves one connection on its own thread: wait for a head (an idle wait
//! that gives way when the server stops or runs short of connections), read
//! it under the head deadline, hand the exchange to the handler, then drain
//! or close. Requests are answered strictly in order, so pipelining works.

use super::body::State;
use super::exchange::{Exchange, Out};
use super::head::{Head, HeadError, Scanner};
use super::limits::{Config, DRAIN_DEADLINE, IDLE_TICK, MAX_DRAIN, MAX_HEAD};
use super::response::{closing_bytes, Response};
use super::server::Shared;
use super::wire::{timed_out, Wire};
use super::Handler;
use crate::log_debug;
use std::io::{self, Read};
use std::net::{Shutdown, SocketAddr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

/// Serves requests on `wire` until the client or the server ends the connection.
pub(super) fn serve(
    mut wire: Wire,
    peer: SocketAddr,
    handler: &dyn Handler,
    shared: &Shared,
    secure: bool,
) {
    let config = &shared.config;
    if wire.set_write_timeout(config.io_timeout).is_err() {
        return;
    }
    let mut idle_deadline = Instant::now() + config.head_timeout;
    let mut served = false;
    loop {
        let head = match read_head(&mut wire, config, shared, idle_deadline, served) {
            Ok(Some(head)) => head,
            Ok(None) => return,
            Err(e) => {
                log_debug!("{peer}: {} ({})", e.reason(), e.status());
                refuse(&mut wire, e);
                return;
            }
        };
        if wire.set_stall(config.io_timeout).is_err() {
            return;
        }
        let mut ex = Exchange::new(head, peer, &mut wire, shared.stopping());
        ex.secure = secure;
        let handled = catch_unwind(AssertUnwindSafe(|| handler.handle(&mut ex)));
        if handled.is_err() {
            crate::log_error!(
                "a request handler panicked: {} {}",
                ex.method().as_str(),
                ex.path()
            );
        }
        if ex.out == Out::Pending {
            ex.close_after();
            let _ = ex.respond(Response::plain(
                500,
                "ftpgate hit a bug while answering; it was logged",
            ));
        }
        let keep = ex.out == Out::Done && !ex.close && drain(&mut ex);
        let unread = !matches!(ex.body, State::Done);
        if !keep {
            if unread && ex.out == Out::Done {
                linger(&mut wire);
            }
            return;
        }
        wire.shrink();
        served = true;
        idle_deadline = Instant::now() + config.idle_timeout;
    }
}

/// Waits for the next request and reads its head. `Ok(None)`: close quietly
/// (the client left, stayed idle too long, or the server needs the slot: a
/// kept-alive connection gives way then, a new one waits for its request).
fn read_head(
    wire: &mut Wire,
    config: &Config,
    shared: &Shared,
    idle_deadline: Instant,
    served: bool,
) -> Result<Option<Head>, HeadError> {
    while wire.buffered().is_empty() {
        if shared.stopping() || (served && shared.short_of_connections()) {
            return Ok(None);
        }
        let left = idle_deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || wire.set_read_timeout(left.min(IDLE_TICK)).is_err() {
            return Ok(None);
        }
        match wire.fill(MAX_HEAD) {
            Ok(0) => return Ok(None),
            Ok(_) => {}
            Err(e) if timed_out(&e) => {}
            Err(_) => return Ok(None),
        }
    }
    let deadline = Instant::now() + config.head_timeout;
    let mut scanner = Scanner::default();
    loop {
        if let Some(end) = scanner.scan(wire.buffered())? {
            let bytes = wire.buffered();
            let skip = Scanner::leading_blank(bytes);
            let head = Head::parse(&bytes[skip..end]);
            wire.consume(end);
            return head.map(Some);
        }
        if wire.read_until(deadline).is_err() {
            return Err(HeadError::TimedOut);
        }
        match wire.fill(MAX_HEAD) {
            // Cut off mid-head: nobody is left to answer.
            Ok(0) => return Ok(None),
            Ok(_) => {}
            Err(e) if timed_out(&e) => return Err(HeadError::TimedOut),
            Err(_) => return Ok(None),
        }
    }
}

/// Answers a head that was refused, then closes.
fn refuse(wire: &mut Wire, e: HeadError) {
    let bytes = closing_bytes(&Response::plain(e.status(), e.reason()));
    if wire.write_all(&bytes).and_then(|_| wire.flush()).is_ok() {
        linger(wire);
    }
}

/// Reads and drops what is left of a small unread body so the connection
/// can serve the next request; false if it can't be done quickly.
fn drain(ex: &mut Exchange<'_>) -> bool {
    let State::Length(left) = ex.body else {
        return matches!(ex.body, State::Done);
    };
    if left > MAX_DRAIN {
        return false;
    }
    let deadline = Instant::now() + DRAIN_DEADLINE;
    let mut sink = [0u8; 4096];
    while !matches!(ex.body, State::Done) {
        if ex.wire.read_until(deadline).is_err() {
            return false;
        }
        match ex.body().read(&mut sink) {
            Ok(0) => break,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    ex.wire.shrink();
    true
}

/// Closes our side, then reads and drops what the client still sends for a
/// moment, so that closing with unread data does not reset the connection
/// before the client has read our answer.
fn linger(wire: &mut Wire) {
    let _ = wire.flush();
    if wire.shutdown_write().is_err() {
        return;
    }
    let deadline = Instant::now() + DRAIN_DEADLINE;
    let mut sink = [0u8; 4096];
    let mut budget = 16 * MAX_DRAIN;
    while budget > 0 && wire.read_until(deadline).is_ok() {
        match wire.io.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(n) => budget = budget.saturating_sub(n as u64),
        }
    }
}

/// A connection refused before it was served (over a cap): a 503 written
/// without waiting, then closed.
pub(super) fn refuse_connection(stream: std::net::TcpStream, why: &str, retry_after: u32) {
    let response = Response::plain(503, why).with_header("Retry-After", &retry_after.to_string());
    let bytes = closing_bytes(&response);
    // A fresh socket's send buffer is empty: this write never waits, and
    // non-blocking makes sure the acceptor can't be held by it.
    let _ = stream.set_nonblocking(true);
    let _ = io::Write::write_all(&mut &stream, &bytes);
    let _ = stream.shutdown(Shutdown::Write);
}
