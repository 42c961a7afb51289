//! # FTP replies
//!
//! `Reply` is a code and its lines (RFC 959 §4.2). The reader is bounded: a line
//! longer than `MAX_LINE_BYTES` or a reply of more than `MAX_REPLY_LINES` lines is
//! a protocol error, so a hostile server cannot make us buffer without end.

use super::error::{Error, Result};
use super::not_ftp::sniff_line;
use std::fmt;
use std::io::BufRead;

/// Longest reply line accepted, CRLF included.
pub const MAX_LINE_BYTES: usize = 8 * 1024;
/// Most lines accepted in one multi-line reply (FEAT lists and banners fit easily).
pub const MAX_REPLY_LINES: usize = 1024;

/// Reply codes that operations accept as one family, named once so that each
/// operation says which family it accepts instead of repeating a list.
/// Each list is in the order RFC 959 §4.2 gives the codes.
pub mod codes {
    /// 125 "data connection already open" or 150 "about to open": a transfer
    /// (RETR, STOR, LIST, MLSD) has started (RFC 959 §4.2.1).
    pub const PRELIMINARY: &[u16] = &[125, 150];
    /// 226 "closing data connection" or 250 "file action completed": a
    /// transfer ended well; servers use either.
    pub const TRANSFER_DONE: &[u16] = &[226, 250];
    /// 250 "completed" or 200 "command okay": CWD, RMD, DELE and RNTO done;
    /// RFC 959 says 250, a few servers say 200.
    pub const FILE_ACTION_DONE: &[u16] = &[250, 200];
    /// 500 "syntax error", 502 "not implemented", 504 "not implemented for
    /// that parameter": the server does not have the command (or its form).
    pub const NOT_IMPLEMENTED: &[u16] = &[500, 502, 504];
    /// 500, 502, or 522 "protocol not supported" (RFC 2428 §3): EPSV is
    /// unavailable and PASV is worth a try.
    pub const EPSV_REFUSED: &[u16] = &[500, 502, 522];
    /// 331 "need password" or 332 "need account": USER was accepted.
    pub const NEED_PASSWORD: &[u16] = &[331, 332];
    /// 230 "logged in" or 202 "superfluous": PASS was accepted.
    pub const LOGGED_IN: &[u16] = &[230, 202];
    /// 530 "not logged in" (RFC 959) or 430 "invalid user name or password"
    /// (RFC 2577 era servers): wrong credentials.
    pub const LOGIN_INCORRECT: &[u16] = &[530, 430];
}

/// A complete server reply.
#[derive(Clone, PartialEq, Eq)]
pub struct Reply {
    /// The three-digit code, 100..=599.
    pub code: u16,
    /// Every line as received, without the line ending (code prefix included).
    pub lines: Vec<Vec<u8>>,
}

impl Reply {
    /// Is the code one of `family` (one of [`codes`])?
    pub fn is(&self, family: &[u16]) -> bool {
        family.contains(&self.code)
    }

    /// The text of the reply without codes, lines joined by spaces, lossily decoded.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (i, line) in self.lines.iter().enumerate() {
            let body = strip_code(line, self.code);
            if i > 0 {
                out.push(' ');
            }
            out.push_str(String::from_utf8_lossy(body).trim());
        }
        out.replace(|c: char| c.is_control(), "?")
    }

    /// The code and the text, `550 Permission denied.`: how a reply is
    /// quoted to people (error pages, the doctor's report).
    pub fn said(&self) -> String {
        format!("{} {}", self.code, self.text())
    }

    /// The first line after the code (where PWD, PASV and EPSV put their data).
    pub fn first_line_text(&self) -> &[u8] {
        self.lines
            .first()
            .map(|l| strip_code(l, self.code))
            .unwrap_or(b"")
    }
}

fn strip_code(line: &[u8], code: u16) -> &[u8] {
    let prefix = code.to_string();
    match line.strip_prefix(prefix.as_bytes()) {
        Some(rest) if rest.first().is_none_or(|b| *b == b' ' || *b == b'-') => {
            rest.get(1..).unwrap_or(b"")
        }
        _ => line,
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Reply({} {:?})", self.code, self.text())
    }
}

/// Reads one complete (possibly multi-line) reply.
pub fn read_reply<R: BufRead>(r: &mut R) -> Result<Reply> {
    let first = read_line(r)?;
    let (code, sep) = parse_code(&first)?;
    let mut lines = vec![first];
    if sep == Some(b'-') {
        let end = format!("{code} ");
        loop {
            if lines.len() >= MAX_REPLY_LINES {
                return Err(Error::Protocol(format!(
                    "reply has more than {MAX_REPLY_LINES} lines"
                )));
            }
            let line = read_line(r)?;
            // The last line is the code followed by a space (or the bare code).
            let last = line.starts_with(end.as_bytes()) || line == code.to_string().as_bytes();
            lines.push(line);
            if last {
                break;
            }
        }
    }
    Ok(Reply { code, lines })
}

/// Checks the three-digit code and returns it with the byte after it.
fn parse_code(line: &[u8]) -> Result<(u16, Option<u8>)> {
    if let Some(what) = sniff_line(line) {
        return Err(Error::NotFtp(what));
    }
    let digits = line.get(..3).filter(|d| d.iter().all(u8::is_ascii_digit));
    let sep = line.get(3).copied();
    match (digits, sep) {
        (Some(d), None | Some(b' ' | b'-')) if (b'1'..=b'5').contains(&d[0]) => {
            let code = d.iter().fold(0u16, |acc, b| acc * 10 + u16::from(b - b'0'));
            Ok((code, sep))
        }
        _ => Err(Error::Protocol(format!(
            "reply does not start with a three-digit code: {:?}",
            String::from_utf8_lossy(&line[..line.len().min(40)])
        ))),
    }
}

/// Reads one line, without its CRLF or LF, refusing NUL and over-long lines.
fn read_line<R: BufRead>(r: &mut R) -> Result<Vec<u8>> {
    let mut line = Vec::new();
    loop {
        let buf = r.fill_buf().map_err(|e| Error::io(e, "reading a reply"))?;
        if buf.is_empty() {
            return Err(Error::Closed);
        }
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        if line.len() + chunk.len() > MAX_LINE_BYTES {
            return Err(Error::Protocol(format!(
                "reply line longer than {} KiB",
                MAX_LINE_BYTES / 1024
            )));
        }
        line.extend_from_slice(chunk);
        let n = chunk.len();
        r.consume(n);
        if done {
            break;
        }
    }
    line.pop(); // '\n'
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    if line.contains(&0) {
        return Err(Error::Protocol("reply contains a NUL byte".into()));
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::super::not_ftp::NotFtp;
    use super::*;
    use std::io::BufReader;

    fn parse(bytes: &[u8]) -> Result<Reply> {
        read_reply(&mut BufReader::new(bytes))
    }

    #[test]
    fn reads_single_line() {
        let r = parse(b"220 Welcome\r\n").unwrap();
        assert_eq!(r.code, 220);
        assert_eq!(r.text(), "Welcome");
    }

    #[test]
    fn reads_bare_code_and_lf_only() {
        assert_eq!(parse(b"200\n").unwrap().code, 200);
    }

    #[test]
    fn reads_multi_line_with_odd_middle_lines() {
        let r = parse(b"211-Features:\r\n MLSD\r\n211-x\r\n 211 looks like end\r\n211 End\r\n")
            .unwrap();
        assert_eq!(r.code, 211);
        assert_eq!(r.lines.len(), 5);
    }

    #[test]
    fn rejects_line_over_cap() {
        let mut long = b"220 ".to_vec();
        long.resize(MAX_LINE_BYTES + 10, b'a');
        long.extend_from_slice(b"\r\n");
        assert!(matches!(parse(&long), Err(Error::Protocol(m)) if m.contains("longer")));
    }

    #[test]
    fn rejects_too_many_lines() {
        let mut text = b"250-start\r\n".to_vec();
        for _ in 0..MAX_REPLY_LINES + 5 {
            text.extend_from_slice(b"250-more\r\n");
        }
        text.extend_from_slice(b"250 end\r\n");
        assert!(matches!(parse(&text), Err(Error::Protocol(m)) if m.contains("lines")));
    }

    #[test]
    fn rejects_nul() {
        assert!(matches!(parse(b"220 a\0b\r\n"), Err(Error::Protocol(_))));
    }

    #[test]
    fn rejects_bad_codes() {
        for bad in [
            &b"22 x\r\n"[..],
            b"abc x\r\n",
            b"2200 x\r\n",
            b"620 x\r\n",
            b"\r\n",
        ] {
            assert!(matches!(parse(bad), Err(Error::Protocol(_))), "{bad:?}");
        }
    }

    #[test]
    fn rejects_http_and_ssh_lines_as_not_ftp() {
        let err = parse(b"HTTP/1.1 400 Bad Request\r\n").unwrap_err();
        assert!(matches!(err, Error::NotFtp(NotFtp::Http)), "{err:?}");
        let err = parse(b"SSH-2.0-OpenSSH_9.6\r\n").unwrap_err();
        assert!(matches!(err, Error::NotFtp(NotFtp::Ssh)), "{err:?}");
    }

    #[test]
    fn eof_is_closed() {
        assert!(matches!(parse(b""), Err(Error::Closed)));
        assert!(matches!(parse(b"220 partial"), Err(Error::Closed)));
        assert!(matches!(parse(b"220-a\r\n"), Err(Error::Closed)));
    }

    #[test]
    fn families_hold_their_codes() {
        let stor = parse(b"125 Data connection already open\r\n").unwrap();
        assert!(stor.is(codes::PRELIMINARY));
        assert!(!stor.is(codes::TRANSFER_DONE));
        let done = parse(b"250 Transfer complete (IIS)\r\n").unwrap();
        assert!(done.is(codes::TRANSFER_DONE) && done.is(codes::FILE_ACTION_DONE));
        let syst = parse(b"504 Command not implemented for that parameter\r\n").unwrap();
        assert!(syst.is(codes::NOT_IMPLEMENTED) && !syst.is(codes::EPSV_REFUSED));
    }

    #[test]
    fn first_line_text_strips_code() {
        let r = parse(b"257 \"/a\" is cwd\r\n").unwrap();
        assert_eq!(r.first_line_text(), b"\"/a\" is cwd");
    }
}
