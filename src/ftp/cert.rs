//! # Certificate summaries
//!
//! What a person needs to decide whether to trust a server's certificate:
//! subject and issuer names, validity dates and the SHA-256 fingerprint. A
//! small DER walker over the X.509 fields (RFC 5280 §4.1) rather than a
//! certificate crate: only five fields are read, and nothing is trusted here.

use std::fmt;

/// SHA-256 of a DER certificate: what a pin stores and a person compares.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// The fingerprint of a DER certificate.
    pub fn of(der: &[u8]) -> Fingerprint {
        let digest = ring::digest::digest(&ring::digest::SHA256, der);
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(digest.as_ref());
        Fingerprint(bytes)
    }

    /// Parses 64 hex digits, with or without `:` between the bytes.
    pub fn parse(text: &str) -> Option<Fingerprint> {
        let hex: Vec<u8> = text.bytes().filter(|b| *b != b':').collect();
        if hex.len() != 64 {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, pair) in hex.chunks(2).enumerate() {
            let digits = std::str::from_utf8(pair).ok()?;
            bytes[i] = u8::from_str_radix(digits, 16).ok()?;
        }
        Some(Fingerprint(bytes))
    }
}

impl fmt::Display for Fingerprint {
    /// `AB:CD:…`, as browsers and `openssl x509 -fingerprint -sha256` show it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// The fields of a certificate a person checks before trusting it. Names
/// are `None` when absent; text is decoded lossily and never trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSummary {
    /// Subject common name (CN).
    pub subject_cn: Option<String>,
    /// Subject organisation (O).
    pub subject_o: Option<String>,
    /// Issuer common name (CN).
    pub issuer_cn: Option<String>,
    /// Issuer organisation (O).
    pub issuer_o: Option<String>,
    /// Start of validity, `YYYY-MM-DD` (UTC).
    pub not_before: String,
    /// End of validity, `YYYY-MM-DD` (UTC).
    pub not_after: String,
    /// SHA-256 of the whole certificate.
    pub fingerprint: Fingerprint,
}

const OID_COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
const OID_ORGANIZATION: &[u8] = &[0x55, 0x04, 0x0a];

impl CertSummary {
    /// Reads the summary of a DER certificate; `None` when it is not one.
    pub fn from_der(der: &[u8]) -> Option<CertSummary> {
        let (tag, cert, _) = tlv(der)?;
        let (_, tbs, _) = tlv(cert).filter(|t| tag == 0x30 && t.0 == 0x30)?;
        let mut rest = tbs;
        // version [0] EXPLICIT is optional (absent means v1).
        if rest.first() == Some(&0xa0) {
            rest = tlv(rest)?.2;
        }
        let (_serial, _, rest) = tlv(rest)?;
        let (_signature, _, rest) = tlv(rest)?;
        let (_, issuer, rest) = tlv(rest)?;
        let (_, validity, rest) = tlv(rest)?;
        let (_, subject, _) = tlv(rest)?;
        let (t1, before, after_rest) = tlv(validity)?;
        let (t2, after, _) = tlv(after_rest)?;
        Some(CertSummary {
            subject_cn: attribute(subject, OID_COMMON_NAME),
            subject_o: attribute(subject, OID_ORGANIZATION),
            issuer_cn: attribute(issuer, OID_COMMON_NAME),
            issuer_o: attribute(issuer, OID_ORGANIZATION),
            not_before: date(t1, before)?,
            not_after: date(t2, after)?,
            fingerprint: Fingerprint::of(der),
        })
    }
}

/// One DER element: (tag, contents, what follows). Definite lengths only,
/// up to four length bytes; `None` on anything malformed or truncated.
fn tlv(bytes: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |a, b| a << 8 | usize::from(*b));
        rest = &rest[n..];
        len
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// The first value of attribute `oid` in a Name (SEQUENCE of SETs of
/// SEQUENCE { OID, value }).
fn attribute(mut name: &[u8], oid: &[u8]) -> Option<String> {
    while !name.is_empty() {
        let (_, set, rest) = tlv(name)?;
        name = rest;
        let mut pairs = set;
        while !pairs.is_empty() {
            let (_, pair, more) = tlv(pairs)?;
            pairs = more;
            let (_, id, value) = tlv(pair)?;
            if id == oid {
                let (_, text, _) = tlv(value)?;
                return Some(String::from_utf8_lossy(text).into_owned());
            }
        }
    }
    None
}

/// `YYYY-MM-DD` from a UTCTime (tag 0x17, RFC 5280 §4.1.2.5.1: `YY` under
/// 50 is 20YY) or a GeneralizedTime (tag 0x18).
fn date(tag: u8, text: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(text).ok()?;
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit()).then_some(());
    let (year, rest) = match tag {
        0x17 => {
            let yy: u32 = text.get(..2)?.parse().ok()?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, text.get(2..)?)
        }
        0x18 => (text.get(..4)?.parse().ok()?, text.get(4..)?),
        _ => return None,
    };
    let (month, day) = (rest.get(..2)?, rest.get(2..4)?);
    digits(month)?;
    digits(day)?;
    Some(format!("{year:04}-{month}-{day}"))
}

#[cfg(all(test, feature = "tls"))]
mod tests {
    use super::*;

    /// 2023-11-14 22:13:20 UTC.
    const NOW: i64 = 1_700_000_000;

    #[test]
    fn reads_a_selfsigned_certificate() {
        let names = vec!["localhost".to_string()];
        let (der, _) = crate::http::selfsigned::make(&names, NOW).unwrap();
        let s = CertSummary::from_der(&der).unwrap();
        assert_eq!(s.subject_cn.as_deref(), Some("ftpgate"));
        assert_eq!(s.issuer_cn.as_deref(), Some("ftpgate"));
        assert_eq!(s.subject_o, None);
        assert_eq!(s.issuer_o, None);
        assert_eq!(s.not_before, "2023-11-13");
        assert_eq!(s.not_after, "2033-11-11");
        assert_eq!(s.fingerprint, Fingerprint::of(&der));
    }

    #[test]
    fn refuses_truncated_der() {
        let (der, _) = crate::http::selfsigned::make(&[], NOW).unwrap();
        for cut in [0, 1, 2, der.len() / 2] {
            assert_eq!(CertSummary::from_der(&der[..cut]), None, "cut at {cut}");
        }
    }
}

#[cfg(test)]
mod plain_tests {
    use super::*;

    #[test]
    fn reads_organisation_and_common_name_from_a_name() {
        // SEQUENCE { SET { SEQ { O, "Org" } }, SET { SEQ { CN, "host" } } }
        let name = [
            0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x01, b'O', 0x31, 0x0a,
            0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, b'H',
        ];
        assert_eq!(attribute(&name, OID_ORGANIZATION).as_deref(), Some("O"));
        assert_eq!(attribute(&name, OID_COMMON_NAME).as_deref(), Some("H"));
    }

    #[test]
    fn utctime_before_50_is_this_century() {
        assert_eq!(date(0x17, b"491231235959Z").as_deref(), Some("2049-12-31"));
        assert_eq!(date(0x17, b"500101000000Z").as_deref(), Some("1950-01-01"));
        assert_eq!(
            date(0x18, b"20500101000000Z").as_deref(),
            Some("2050-01-01")
        );
        assert_eq!(date(0x17, b"50x101000000Z"), None);
    }

    #[test]
    fn fingerprint_round_trips_with_and_without_colons() {
        let fp = Fingerprint::of(b"x");
        assert_eq!(Fingerprint::parse(&fp.to_string()), Some(fp));
        assert_eq!(
            Fingerprint::parse(&fp.to_string().replace(':', "")),
            Some(fp)
        );
        assert_eq!(Fingerprint::parse("AB"), None);
    }

    #[test]
    fn long_form_lengths() {
        let mut der = vec![0x04, 0x81, 0x80];
        der.extend([7u8; 0x80]);
        let (tag, body, rest) = tlv(&der).unwrap();
        assert_eq!((tag, body.len(), rest.len()), (0x04, 0x80, 0));
        assert_eq!(tlv(&[0x04, 0x81]), None);
        assert_eq!(tlv(&[0x04, 0x02, 1]), None);
    }
}
