//! # Paths and URLs
//!
//! FTP paths are bytes; URLs carry them percent-encoded, one segment at a
//! time. Decoding normalises `.` and `..` so every path the handlers see is
//! absolute and clean, and refuses bytes FTP cannot carry.

use super::error::Error;

/// Decodes the `<path>` part of `/browse/<path>/` into an absolute FTP path.
/// `%2F` inside a segment is refused: a name cannot contain a slash.
pub fn decode(url_path: &str) -> Result<Vec<u8>, Error> {
    let mut segments: Vec<Vec<u8>> = Vec::new();
    for raw in url_path.split('/') {
        let seg = percent_decode(raw.as_bytes())?;
        if seg.contains(&b'/') {
            return Err(Error::BadRequest(
                "a name in the path contains a slash".into(),
            ));
        }
        match seg.as_slice() {
            b"" | b"." => {}
            b".." => {
                segments.pop();
            }
            _ => segments.push(seg),
        }
    }
    let mut path = Vec::new();
    for seg in &segments {
        path.push(b'/');
        path.extend_from_slice(seg);
    }
    if path.is_empty() {
        path.push(b'/');
    }
    check_bytes(&path)?;
    Ok(path)
}

/// Decodes one percent-encoded name (a checkbox's value); `check_name`
/// still has to pass it.
pub fn decode_component(encoded: &[u8]) -> Result<Vec<u8>, Error> {
    percent_decode(encoded)
}

/// Refuses CR, LF and NUL anywhere in a path or name from the browser.
pub fn check_bytes(bytes: &[u8]) -> Result<(), Error> {
    match bytes.iter().find(|b| matches!(b, b'\r' | b'\n' | 0)) {
        Some(b'\r') => Err(Error::BadRequest(
            "the name contains a carriage return".into(),
        )),
        Some(b'\n') => Err(Error::BadRequest("the name contains a line break".into())),
        Some(_) => Err(Error::BadRequest("the name contains a NUL byte".into())),
        None => Ok(()),
    }
}

/// Longest file or folder name accepted from the browser (file systems stop
/// at 255 bytes, NTFS at 255 UTF-16 units: up to 765 bytes of UTF-8).
pub const MAX_NAME_BYTES: usize = 1024;

/// Checks a plain name (upload, new folder): not empty, not too long, no
/// `/`, not `.`/`..`.
pub fn check_name(name: &[u8]) -> Result<(), Error> {
    check_bytes(name)?;
    if name.len() > MAX_NAME_BYTES {
        return Err(Error::BadRequest(format!(
            "the name is longer than {MAX_NAME_BYTES} bytes"
        )));
    }
    if name.is_empty() {
        return Err(Error::BadRequest("the name is empty".into()));
    }
    if name.contains(&b'/') {
        return Err(Error::BadRequest("a name cannot contain /".into()));
    }
    if name == b"." || name == b".." {
        return Err(Error::BadRequest("a name cannot be . or ..".into()));
    }
    Ok(())
}

fn percent_decode(raw: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' {
            let hex = raw
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok());
            let byte = byte.ok_or_else(|| Error::BadRequest("bad %-escape in the URL".into()))?;
            out.push(byte);
            i += 3;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// Percent-encodes bytes for a URL path, keeping `/` and unreserved characters.
pub fn encode(path: &[u8]) -> String {
    encode_with(path, b"/")
}

/// Percent-encodes bytes for a query value or a single segment.
pub fn encode_component(bytes: &[u8]) -> String {
    encode_with(bytes, b"")
}

fn encode_with(bytes: &[u8], keep: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `/browse/<dir>/` for an absolute directory path.
pub fn browse_url(dir: &[u8]) -> String {
    let enc = encode(dir);
    if enc.ends_with('/') {
        format!("/browse{enc}")
    } else {
        format!("/browse{enc}/")
    }
}

/// `/download/<path>` for an absolute file path.
pub fn download_url(path: &[u8]) -> String {
    format!("/download{}", encode(path))
}

/// `/preview/<path>` for an absolute file path.
pub fn preview_url(path: &[u8]) -> String {
    format!("/preview{}", encode(path))
}

/// Joins a directory and a name.
pub fn join(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut p = dir.to_vec();
    if p.last() != Some(&b'/') {
        p.push(b'/');
    }
    p.extend_from_slice(name);
    p
}

/// Resolves `input` (absolute, or relative to `cwd`) to a clean absolute path.
pub fn resolve(cwd: &[u8], input: &[u8]) -> Result<Vec<u8>, Error> {
    check_bytes(input)?;
    let joined = if input.starts_with(b"/") {
        input.to_vec()
    } else {
        join(cwd, input)
    };
    // Reuse the URL decoder's normalisation by encoding first.
    decode(&encode(&joined))
}

/// The directory holding `path`, and the last name in it.
pub fn split(path: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let trimmed = path.strip_suffix(b"/").unwrap_or(path);
    match trimmed.iter().rposition(|&b| b == b'/') {
        Some(0) => (b"/".to_vec(), trimmed[1..].to_vec()),
        Some(i) => (trimmed[..i].to_vec(), trimmed[i + 1..].to_vec()),
        None => (b"/".to_vec(), trimmed.to_vec()),
    }
}

/// Parses an `application/x-www-form-urlencoded` string (query or body).
pub fn parse_form(s: &[u8]) -> Vec<(String, Vec<u8>)> {
    s.split(|&b| b == b'&')
        .filter(|kv| !kv.is_empty())
        .filter_map(|kv| {
            let (k, v) = match kv.iter().position(|&b| b == b'=') {
                Some(i) => (&kv[..i], &kv[i + 1..]),
                None => (kv, &b""[..]),
            };
            let plus = |x: &[u8]| {
                x.iter()
                    .map(|&b| if b == b'+' { b' ' } else { b })
                    .collect::<Vec<_>>()
            };
            let key = percent_decode(&plus(k)).ok()?;
            let value = percent_decode(&plus(v)).ok()?;
            Some((String::from_utf8_lossy(&key).into_owned(), value))
        })
        .collect()
}

/// The first value of `name` in a parsed form.
pub fn field<'a>(form: &'a [(String, Vec<u8>)], name: &str) -> Option<&'a [u8]> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_normalises() {
        assert_eq!(decode("").unwrap(), b"/");
        assert_eq!(decode("/a/./b/../c/").unwrap(), b"/a/c");
        assert_eq!(decode("/../../etc").unwrap(), b"/etc");
        assert_eq!(decode("/caf%E9/%20lead").unwrap(), b"/caf\xe9/ lead");
    }

    #[test]
    fn refuses_slash_crlf_nul_and_bad_escapes() {
        assert!(decode("/a%2Fb").is_err());
        assert!(decode("/a%0D%0ADELE%20x").is_err());
        assert!(decode("/a%00").is_err());
        assert!(decode("/a%zz").is_err());
        assert!(decode("/a%4").is_err());
    }

    #[test]
    fn encodes_round_trip() {
        let p = b"/dir with space/#100% \"q\"/\xe9\xff".to_vec();
        assert_eq!(decode(&encode(&p)).unwrap(), p);
        assert_eq!(browse_url(b"/"), "/browse/");
        assert_eq!(browse_url(b"/a b"), "/browse/a%20b/");
        assert_eq!(download_url(b"/x/<y>"), "/download/x/%3Cy%3E");
    }

    #[test]
    fn checks_names() {
        assert!(check_name(b"ok.txt").is_ok());
        assert!(check_name(&vec![b'a'; MAX_NAME_BYTES]).is_ok());
        assert!(check_name(&vec![b'a'; MAX_NAME_BYTES + 1]).is_err());
        for bad in [&b""[..], b".", b"..", b"a/b", b"a\rb", b"a\nb", b"a\0b"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn resolves_relative_and_absolute() {
        assert_eq!(resolve(b"/pub", b"a.txt").unwrap(), b"/pub/a.txt");
        assert_eq!(resolve(b"/pub", b"../x").unwrap(), b"/x");
        assert_eq!(resolve(b"/pub", b"/etc/f").unwrap(), b"/etc/f");
        assert!(resolve(b"/pub", b"a\r\nb").is_err());
    }

    #[test]
    fn splits_paths() {
        assert_eq!(split(b"/a/b.txt"), (b"/a".to_vec(), b"b.txt".to_vec()));
        assert_eq!(split(b"/b.txt"), (b"/".to_vec(), b"b.txt".to_vec()));
    }

    #[test]
    fn parses_forms() {
        let f = parse_form(b"a=1&b=x+y%21&c&=z");
        assert_eq!(field(&f, "b"), Some(&b"x y!"[..]));
        assert_eq!(field(&f, "c"), Some(&b""[..]));
        assert_eq!(field(&f, "d"), None);
    }
}
