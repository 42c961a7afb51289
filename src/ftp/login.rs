//! # Greeting and login
//!
//! The replies between the TCP connection and a logged-in session: the
//! greeting (RFC 959 §5.4, "Connection Establishment") and USER/PASS. The
//! codes each step accepts are listed here; the server quirks are commented.

use super::command::Command;
use super::control::Control;
use super::error::{Error, Result};
use super::not_ftp::{binary_start, NotFtp};
use super::reply::codes::{LOGGED_IN, LOGIN_INCORRECT, NEED_PASSWORD};

/// How the greeting left the session, and what it said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Greeting {
    /// 230: the server logged us in already (no USER/PASS needed); else
    /// 220, and USER/PASS come next.
    pub(super) logged_in: bool,
    /// The greeting's text (lossy, lines joined): names the server
    /// software more often than not.
    pub(super) text: String,
}

/// Reads the greeting, skipping a 120 "ready in nnn minutes" before it.
/// Something that is not an FTP server is told apart from a broken one by
/// the first byte: every FTP reply starts with a digit.
pub(super) fn greet(control: &mut Control) -> Result<Greeting> {
    let first = control.peek()?[0];
    if binary_start(first) {
        // No line end may ever come (a TLS or database peer): don't wait for one.
        return Err(control.fail(Error::NotFtp(NotFtp::Other)));
    }
    let mut greeting = match control.read() {
        // Text that is not a reply (IMAP's `* OK`, POP3's `+OK`): the line
        // is read whole first, so HTTP and SSH banners are still named.
        Err(Error::Protocol(_)) if !first.is_ascii_digit() => {
            return Err(Error::NotFtp(NotFtp::Other))
        }
        read => read?,
    };
    if greeting.code == 120 {
        greeting = control.read()?;
    }
    match greeting.code {
        220 | 230 => Ok(Greeting {
            logged_in: greeting.code == 230,
            text: greeting.text(),
        }),
        _ => Err(Error::Reply {
            command: "greeting",
            reply: greeting,
        }),
    }
}

/// Sends USER, then PASS when the server asks for it.
/// 530/430 become [`Error::LoginIncorrect`].
pub(super) fn user_pass(control: &mut Control, user: &[u8], password: &[u8]) -> Result<()> {
    let reply = control.cmd(Command::User(user))?;
    match reply.code {
        // Some servers (vsftpd with some setups) accept the user alone.
        230 => Ok(()),
        _ if reply.is(NEED_PASSWORD) => pass(control, password),
        _ if reply.is(LOGIN_INCORRECT) => Err(Error::LoginIncorrect(reply)),
        _ => Err(Error::Reply {
            command: "USER",
            reply,
        }),
    }
}

fn pass(control: &mut Control, password: &[u8]) -> Result<()> {
    let reply = control.cmd(Command::Pass(password))?;
    match reply.code {
        _ if reply.is(LOGGED_IN) => Ok(()),
        _ if reply.is(LOGIN_INCORRECT) => Err(Error::LoginIncorrect(reply)),
        332 => Err(Error::Unsupported("ACCT (account) logins")),
        _ => Err(Error::Reply {
            command: "PASS",
            reply,
        }),
    }
}
