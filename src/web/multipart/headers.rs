//! # Part headers
//!
//! The boundary of a request's `Content-Type` and the `Content-Disposition`
//! of each part: parameters, quoting, and RFC 5987 `filename*`.

use super::{Error, MAX_BOUNDARY_BYTES};

/// The headers of one part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartHeaders {
    /// The form field name from `Content-Disposition` (lossy UTF-8).
    pub name: String,
    /// The raw bytes of the file name, as sent (not percent-decoded, except
    /// for `filename*`); `None` for a plain field.
    pub filename: Option<Vec<u8>>,
    /// The part's `Content-Type`, if it has one.
    pub content_type: Option<String>,
}

/// Extracts the boundary from a request `Content-Type` value such as
/// `multipart/form-data; boundary=----WebKitFormBoundaryabc` (quoted or not;
/// the parameter name is case-insensitive). A missing or empty boundary, one
/// longer than 70 bytes, or one with control or non-ASCII bytes is rejected.
pub fn boundary(content_type: &str) -> Result<Vec<u8>, Error> {
    let (_, rest) = split_at_byte(content_type.as_bytes(), b';');
    let value = params(rest)?
        .into_iter()
        .find(|(key, _)| key == b"boundary")
        .map(|(_, value)| value)
        .ok_or(Error::Malformed("the request has no multipart boundary"))?;
    if !valid_boundary(&value) {
        return Err(Error::Malformed("the multipart boundary is invalid"));
    }
    Ok(value)
}

pub(super) fn valid_boundary(b: &[u8]) -> bool {
    (1..=MAX_BOUNDARY_BYTES).contains(&b.len())
        && b.last() != Some(&b' ')
        && b.iter().all(|&c| c == b' ' || c.is_ascii_graphic())
}

/// Splits at the first `sep` (which is dropped); all of `s` if none.
pub(super) fn split_at_byte(s: &[u8], sep: u8) -> (&[u8], &[u8]) {
    match s.iter().position(|&b| b == sep) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, &[]),
    }
}

/// Parses `Content-Disposition: form-data; name=...; filename=...`.
pub(super) fn disposition(value: &[u8]) -> Result<PartHeaders, Error> {
    let (kind, rest) = split_at_byte(value, b';');
    if !kind.trim_ascii().eq_ignore_ascii_case(b"form-data") {
        return Err(Error::Malformed("a part is not form-data"));
    }
    let (mut name, mut plain, mut extended) = (None, None, None);
    for (key, value) in params(rest)? {
        let slot = match key.as_slice() {
            b"name" => &mut name,
            b"filename" => &mut plain,
            b"filename*" => &mut extended,
            _ => continue,
        };
        slot.get_or_insert(value);
    }
    let name = name.ok_or(Error::Malformed("a part has no field name"))?;
    let filename = match (extended.as_deref().map(ext_value), plain) {
        (Some(Some(decoded)), _) => Some(decoded),
        (Some(None), None) => return Err(Error::Malformed("a filename* cannot be decoded")),
        (_, plain) => plain,
    };
    let name = String::from_utf8_lossy(&name).into_owned();
    Ok(PartHeaders {
        name,
        filename,
        content_type: None,
    })
}

/// A header parameter: lowercased name and unquoted value.
type Param = (Vec<u8>, Vec<u8>);

/// Parses `; key=value; key="quoted"` parameters: keys lowercased, values
/// unquoted. Parameters without `=` are ignored.
fn params(mut s: &[u8]) -> Result<Vec<Param>, Error> {
    let mut out = Vec::new();
    loop {
        s = s.trim_ascii_start();
        match s.first() {
            None => return Ok(out),
            Some(b';') => {
                s = &s[1..];
                continue;
            }
            Some(_) => {}
        }
        let key_end = s
            .iter()
            .position(|&b| b == b'=' || b == b';')
            .unwrap_or(s.len());
        let key = s[..key_end].trim_ascii().to_ascii_lowercase();
        s = &s[key_end..];
        if s.first() != Some(&b'=') {
            continue;
        }
        s = s[1..].trim_ascii_start();
        let value;
        if let Some(quoted) = s.strip_prefix(b"\"") {
            (value, s) = unquote(quoted)?;
            s = s.trim_ascii_start();
            if !(s.is_empty() || s[0] == b';') {
                return Err(Error::Malformed("text follows a quoted header parameter"));
            }
        } else {
            let (raw, rest) = split_at_byte(s, b';');
            value = raw.trim_ascii().to_vec();
            s = rest;
        }
        out.push((key, value));
    }
}

/// Reads a quoted string up to its closing quote (the opening one already
/// taken). Only `\"` and `\\` are escapes: any other backslash stays, so a
/// Windows path such as `C:\dir\a.txt` from an old browser survives.
fn unquote(s: &[u8]) -> Result<(Vec<u8>, &[u8]), Error> {
    let mut value = Vec::new();
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        match (b, s.get(i + 1)) {
            (b'"', _) => return Ok((value, &s[i + 1..])),
            (b'\\', Some(&next @ (b'"' | b'\\'))) => {
                value.push(next);
                i += 2;
            }
            _ => {
                value.push(b);
                i += 1;
            }
        }
    }
    Err(Error::Malformed("a quoted header parameter is not closed"))
}

/// Decodes an RFC 5987 value `charset'language'percent-encoded` (UTF-8 or
/// ISO-8859-1) to UTF-8 bytes; `None` if it cannot be.
fn ext_value(v: &[u8]) -> Option<Vec<u8>> {
    let mut fields = v.splitn(3, |&b| b == b'\'');
    let (charset, _language, encoded) = (fields.next()?, fields.next()?, fields.next()?);
    let bytes = percent_decode(encoded)?;
    if charset.eq_ignore_ascii_case(b"utf-8") {
        Some(bytes)
    } else if charset.eq_ignore_ascii_case(b"iso-8859-1") {
        Some(
            bytes
                .iter()
                .map(|&b| char::from(b))
                .collect::<String>()
                .into_bytes(),
        )
    } else {
        None
    }
}

fn percent_decode(s: &[u8]) -> Option<Vec<u8>> {
    let hex = |b: Option<&u8>| char::from(*b?).to_digit(16);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        if b == b'%' {
            let (hi, lo) = (hex(s.get(i + 1))?, hex(s.get(i + 2))?);
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_malformed, form, headers, parse};
    use super::*;

    #[test]
    fn filenames() {
        let cases: [(&str, &[u8]); 9] = [
            ("filename=\"a b.txt\"", b"a b.txt"),
            ("filename=\"naïve ☃.txt\"", "naïve ☃.txt".as_bytes()),
            ("filename=\"%22quoted%22.txt\"", b"%22quoted%22.txt"),
            ("filename=\"a;b; c=d.txt\"", b"a;b; c=d.txt"),
            ("filename=\"say \\\"hi\\\" \\\\ok\"", b"say \"hi\" \\ok"),
            ("filename=\"C:\\dir\\a.txt\"", b"C:\\dir\\a.txt"),
            ("filename=plain.txt ; x=1", b"plain.txt"),
            ("  filename  =  \"spaced.txt\"  ", b"spaced.txt"),
            ("filename=\"first\"; filename=\"second\"", b"first"),
        ];
        for (param, want) in cases {
            let h = format!("Content-Disposition: form-data; name=\"f\"; {param}");
            let parts = parse(&form(&[(h, b"x")])).unwrap();
            assert_eq!(parts[0].0.filename.as_deref(), Some(want), "{param}");
        }
        let h = "Content-Disposition: form-data; name=field%22x; foo".to_string();
        let parts = parse(&form(&[(h, b"x")])).unwrap();
        assert_eq!(parts[0].0, headers("field%22x", None, None));
    }

    #[test]
    fn extended_filename() {
        let cases: [(&str, &[u8]); 4] = [
            (
                "filename=\"fallback.txt\"; filename*=UTF-8''na%C3%AFve%20file.txt",
                "naïve file.txt".as_bytes(),
            ),
            ("filename*=utf-8'en'%E2%98%83", "☃".as_bytes()),
            ("filename*=ISO-8859-1''na%EFve", "naïve".as_bytes()),
            (
                "filename*=KOI8-R''%C1; filename=\"fallback.txt\"",
                b"fallback.txt",
            ),
        ];
        for (param, want) in cases {
            let h = format!("Content-Disposition: form-data; name=\"f\"; {param}");
            let parts = parse(&form(&[(h, b"x")])).unwrap();
            assert_eq!(parts[0].0.filename.as_deref(), Some(want), "{param}");
        }
        for bad in [
            "filename*=UTF-8''bad%zz",
            "filename*=UTF-8''cut%4",
            "filename*=no-quotes",
        ] {
            let h = format!("Content-Disposition: form-data; name=\"f\"; {bad}");
            assert_malformed(parse(&form(&[(h, b"x")])));
        }
    }

    #[test]
    fn boundary_parsing() {
        let ok = [
            ("multipart/form-data; boundary=abc", "abc"),
            ("multipart/form-data;boundary=\"a b:c\"", "a b:c"),
            ("Multipart/Form-Data; BOUNDARY=xyz; charset=utf-8", "xyz"),
            (
                "multipart/form-data; charset=\"x;y\"; Boundary = \"q\\\"q\" ",
                "q\"q",
            ),
            (
                "multipart/form-data; boundary=----WebKitFormBoundaryABC123",
                "----WebKitFormBoundaryABC123",
            ),
        ];
        for (ct, want) in ok {
            assert_eq!(boundary(ct).unwrap(), want.as_bytes(), "{ct}");
        }
        let seventy = format!("multipart/form-data; boundary={}", "b".repeat(70));
        assert_eq!(boundary(&seventy).unwrap().len(), 70);
        let too_long = format!("multipart/form-data; boundary={}", "b".repeat(71));
        let bad = [
            "multipart/form-data",
            "multipart/form-data; charset=utf-8",
            "multipart/form-data; boundary=",
            "multipart/form-data; boundary=\"\"",
            "multipart/form-data; boundary=\"abc",
            "multipart/form-data; boundary=\"ab \"",
            "multipart/form-data; boundary=a\u{1}b",
            "multipart/form-data; boundary=caf\u{e9}",
            "multipart/form-data; myboundary=abc",
            &too_long,
        ];
        for ct in bad {
            assert_malformed(boundary(ct));
        }
    }
}
