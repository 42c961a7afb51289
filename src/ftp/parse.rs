//! # Reply parsers
//!
//! Pure functions that pull data out of reply text: the PWD path (RFC 959
//! Appendix II), PASV/EPSV ports (RFC 959 §4.1.2, RFC 2428 §3), SIZE and MDTM
//! (RFC 3659 §4, §3). Servers in the wild bend each format; the quirks each
//! parser tolerates are noted where it tolerates them.

use super::error::{Error, Result};
use super::list::parse_time_val;

/// The path inside a 257 reply: `"/a""b" is current` is `/a"b`.
/// Text before the opening quote is tolerated (some servers put `PWD:` there).
pub fn parse_pwd(text: &[u8]) -> Result<Vec<u8>> {
    let start = text
        .iter()
        .position(|&b| b == b'"')
        .ok_or_else(|| Error::Protocol("PWD reply has no quoted path".into()))?;
    let mut path = Vec::new();
    let mut rest = &text[start + 1..];
    loop {
        match rest {
            [b'"', b'"', tail @ ..] => {
                path.push(b'"');
                rest = tail;
            }
            [b'"', ..] => return Ok(path),
            [b, tail @ ..] => {
                path.push(*b);
                rest = tail;
            }
            [] => return Err(Error::Protocol("PWD reply has an unclosed quote".into())),
        }
    }
}

/// The port of a 227 reply and the address the server wrote. Servers differ
/// on parentheses (optional in the wild), so this finds the first run of six
/// comma-separated numbers anywhere in the text.
pub fn parse_pasv(text: &[u8]) -> Result<([u8; 4], u16)> {
    let bad = |why: &str| Error::Protocol(format!("bad PASV reply: {why}"));
    let mut i = 0;
    while i < text.len() {
        if text[i].is_ascii_digit() && (i == 0 || !text[i - 1].is_ascii_digit()) {
            if let Some(nums) = six_numbers(&text[i..]) {
                if nums.iter().any(|&n| n > 255) {
                    return Err(bad("number over 255"));
                }
                let port = (nums[4] << 8) | nums[5];
                if port == 0 {
                    return Err(bad("port 0"));
                }
                let ip = [nums[0] as u8, nums[1] as u8, nums[2] as u8, nums[3] as u8];
                return Ok((ip, port as u16));
            }
        }
        i += 1;
    }
    Err(bad("no address in it"))
}

/// Reads `a,b,c,d,e,f` at the start of `text` (spaces around commas allowed).
fn six_numbers(text: &[u8]) -> Option<[u32; 6]> {
    let mut nums = [0u32; 6];
    let mut pos = 0;
    for (k, slot) in nums.iter_mut().enumerate() {
        if k > 0 {
            while text.get(pos) == Some(&b' ') {
                pos += 1;
            }
            if text.get(pos) != Some(&b',') {
                return None;
            }
            pos += 1;
            while text.get(pos) == Some(&b' ') {
                pos += 1;
            }
        }
        let digits = text[pos..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 || digits > 3 {
            return None;
        }
        *slot = std::str::from_utf8(&text[pos..pos + digits])
            .ok()?
            .parse()
            .ok()?;
        pos += digits;
    }
    Some(nums)
}

/// The port of a 229 reply: `(|||6446|)`. The delimiter is whatever character
/// follows the opening parenthesis (RFC 2428 allows any of 33..=126).
pub fn parse_epsv(text: &[u8]) -> Result<u16> {
    let bad = |why: &str| Error::Protocol(format!("bad EPSV reply: {why}"));
    let open = text
        .iter()
        .position(|&b| b == b'(')
        .ok_or_else(|| bad("no parenthesis"))?;
    let inner = &text[open + 1..];
    let delim = *inner.first().ok_or_else(|| bad("empty"))?;
    if !(33..=126).contains(&delim) || delim.is_ascii_digit() {
        return Err(bad("invalid delimiter"));
    }
    // |proto|addr|port| : the port is the fourth field.
    let mut fields = inner.split(|&b| b == delim);
    let port = fields.nth(3).ok_or_else(|| bad("missing port"))?;
    if fields.next().is_none() {
        return Err(bad("unterminated"));
    }
    let port = std::str::from_utf8(port)
        .ok()
        .and_then(|p| p.parse::<u32>().ok())
        .ok_or_else(|| bad("port is not a number"))?;
    match u16::try_from(port) {
        Ok(p) if p != 0 => Ok(p),
        _ => Err(bad("port outside 1..65535")),
    }
}

/// The number in a 213 SIZE reply.
pub fn parse_size(text: &[u8]) -> Result<u64> {
    std::str::from_utf8(text)
        .ok()
        .and_then(|t| t.trim().parse().ok())
        .ok_or_else(|| Error::Protocol("SIZE reply is not a number".into()))
}

/// The time in a 213 MDTM reply (RFC 3659 §3: a `time-val`,
/// `YYYYMMDDHHMMSS[.sss]`, UTC) as Unix seconds. Blanks around it are
/// tolerated; the time itself must be one the MLSD parser accepts too.
pub fn parse_mdtm(text: &[u8]) -> Result<i64> {
    parse_time_val(text.trim_ascii())
        .ok_or_else(|| Error::Protocol("MDTM reply is not a time".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc959_pwd_with_doubled_quote() {
        assert_eq!(
            parse_pwd(br#""/a""b" is current directory"#).unwrap(),
            b"/a\"b"
        );
    }
    #[test]
    fn parses_pwd_with_text_before_quote() {
        assert_eq!(parse_pwd(br#"PWD: "/home/x y""#).unwrap(), b"/home/x y");
    }
    #[test]
    fn rejects_pwd_with_unclosed_quote() {
        assert!(parse_pwd(br#""/home"#).is_err());
        assert!(parse_pwd(b"/home is cwd").is_err());
    }

    #[test]
    fn parses_vsftpd_pasv() {
        let (ip, port) = parse_pasv(b"Entering Passive Mode (127,0,0,1,200,10).").unwrap();
        assert_eq!((ip, port), ([127, 0, 0, 1], 200 * 256 + 10));
    }
    #[test]
    fn parses_pasv_without_parentheses() {
        let (ip, port) = parse_pasv(b"Entering Passive Mode 10,1,2,3,4,5").unwrap();
        assert_eq!((ip, port), ([10, 1, 2, 3], 1029));
    }
    #[test]
    fn parses_pasv_with_spaces_and_leading_numbers() {
        // A digit-only word before the address must not confuse the scan.
        let (_, port) = parse_pasv(b"227 ok = 192, 168, 1, 2, 0, 21").unwrap();
        assert_eq!(port, 21);
    }
    #[test]
    fn rejects_pasv_octet_over_255() {
        assert!(parse_pasv(b"(256,0,0,1,4,5)").is_err());
        assert!(parse_pasv(b"(1,0,0,1,4,300)").is_err());
    }
    #[test]
    fn rejects_pasv_port_zero_and_garbage() {
        assert!(parse_pasv(b"(127,0,0,1,0,0)").is_err());
        assert!(parse_pasv(b"Entering Passive Mode").is_err());
        assert!(parse_pasv(b"(1,2,3,4,5)").is_err());
    }

    #[test]
    fn parses_epsv_pipes() {
        assert_eq!(
            parse_epsv(b"Entering Extended Passive Mode (|||6446|)").unwrap(),
            6446
        );
    }
    #[test]
    fn parses_epsv_other_delimiter() {
        assert_eq!(parse_epsv(b"ok (!!!21!)").unwrap(), 21);
    }
    #[test]
    fn rejects_epsv_port_out_of_range() {
        assert!(parse_epsv(b"(|||0|)").is_err());
        assert!(parse_epsv(b"(|||65536|)").is_err());
        assert!(parse_epsv(b"(|||99999999999|)").is_err());
        assert!(parse_epsv(b"(|||12").is_err());
        assert!(parse_epsv(b"no parens").is_err());
    }

    #[test]
    fn parses_size_over_4gib() {
        assert_eq!(parse_size(b"5368709120").unwrap(), 5_368_709_120);
        assert!(parse_size(b"huge").is_err());
    }
    #[test]
    fn parses_mdtm_with_fraction() {
        assert_eq!(parse_mdtm(b"20240229134500").unwrap(), 1_709_214_300);
        assert_eq!(parse_mdtm(b"20240229134500.123").unwrap(), 1_709_214_300);
        // Blanks around the time were tolerated before and still are.
        assert_eq!(parse_mdtm(b"20240229134500 ").unwrap(), 1_709_214_300);
        assert!(parse_mdtm(b"2024").is_err());
        assert!(parse_mdtm(b"20241329134500").is_err());
    }

    #[test]
    fn rejects_mdtm_that_mlsd_rejects() {
        use super::super::list::{parse_listing, Format};
        // Each of these was accepted before MDTM and MLSD shared one parser.
        for bad in [
            &b"20240231000000"[..],
            b"20230229120000",
            b"20240229134500.abc",
            b"20240229134500.",
        ] {
            let shown = String::from_utf8_lossy(bad);
            assert!(parse_mdtm(bad).is_err(), "{shown}");
            let line = [&b"type=file;modify="[..], bad, b"; f"].concat();
            assert_eq!(
                parse_listing(&line, Format::Mlsd, 0)[0].modified,
                None,
                "{shown}"
            );
        }
        assert!(parse_mdtm(b"20240229134500.12 3").is_err());
    }
}
