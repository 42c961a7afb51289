//! # A self-signed certificate
//!
//! `--tls-self-signed`: an ECDSA P-256 key and a certificate for it, made
//! once and kept in the state directory, so the fingerprint a user checked
//! stays the same across restarts. The X.509 DER is written here (a few
//! fixed structures) rather than with a certificate crate: ring already
//! makes the key and the signature, and the binary must stay small.

use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_ASN1_SIGNING};
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// How long a made certificate is valid.
const VALID_DAYS: i64 = 3650;
/// File names in the state directory.
pub const CERT_FILE: &str = "https-cert.pem";
pub const KEY_FILE: &str = "https-key.pem";

const OID_ECDSA_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
const OID_SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];
const OID_BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];

/// The certificate and key files in `dir`, made first if they are not there.
/// `names` are the host names and addresses the certificate is for.
pub fn ensure(dir: &Path, names: &[String], now_unix: i64) -> Result<(PathBuf, PathBuf), String> {
    let (cert, key) = (dir.join(CERT_FILE), dir.join(KEY_FILE));
    if cert.exists() && key.exists() {
        return Ok((cert, key));
    }
    let (cert_der, pkcs8) = make(names, now_unix)?;
    write_private(&key, &pem("PRIVATE KEY", &pkcs8))?;
    std::fs::write(&cert, pem("CERTIFICATE", &cert_der))
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    Ok((cert, key))
}

/// A new key (PKCS#8) and a self-signed certificate (DER) for `names`.
pub fn make(names: &[String], now_unix: i64) -> Result<(Vec<u8>, Vec<u8>), String> {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
        .map_err(|_| "cannot make a key")?;
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
        .map_err(|_| "cannot read the new key")?;
    let mut serial = [0u8; 16];
    ring::rand::SecureRandom::fill(&rng, &mut serial).map_err(|_| "no randomness")?;
    serial[0] &= 0x7f; // a positive INTEGER
    let algorithm = seq(&tlv(0x06, OID_ECDSA_SHA256));
    let name = seq(&set(&seq(&[
        tlv(0x06, OID_COMMON_NAME),
        tlv(0x0c, b"ftpgate"),
    ]
    .concat())));
    let validity = seq(&[
        time(now_unix - 86_400),
        time(now_unix + VALID_DAYS * 86_400),
    ]
    .concat());
    let spki = seq(&[
        seq(&[tlv(0x06, OID_EC_PUBLIC_KEY), tlv(0x06, OID_P256)].concat()),
        bit_string(pair.public_key().as_ref()),
    ]
    .concat());
    let tbs = seq(&[
        tlv(0xa0, &tlv(0x02, &[2])),
        tlv(0x02, &serial),
        algorithm.clone(),
        name.clone(),
        validity,
        name,
        spki,
        tlv(
            0xa3,
            &seq(&[subject_alt_names(names), basic_constraints()].concat()),
        ),
    ]
    .concat());
    let signature = pair.sign(&rng, &tbs).map_err(|_| "cannot sign")?;
    let cert = seq(&[tbs, algorithm, bit_string(signature.as_ref())].concat());
    Ok((cert, pkcs8.as_ref().to_vec()))
}

fn subject_alt_names(names: &[String]) -> Vec<u8> {
    let general: Vec<u8> = names
        .iter()
        .flat_map(|n| match n.parse::<IpAddr>() {
            Ok(IpAddr::V4(v4)) => tlv(0x87, &v4.octets()),
            Ok(IpAddr::V6(v6)) => tlv(0x87, &v6.octets()),
            Err(_) => tlv(0x82, n.as_bytes()),
        })
        .collect();
    seq(&[tlv(0x06, OID_SUBJECT_ALT_NAME), tlv(0x04, &seq(&general))].concat())
}

/// Not a CA (critical, like the CA/Browser Forum asks of a leaf).
fn basic_constraints() -> Vec<u8> {
    seq(&[
        tlv(0x06, OID_BASIC_CONSTRAINTS),
        tlv(0x01, &[0xff]),
        tlv(0x04, &seq(&[])),
    ]
    .concat())
}

/// A DER element: tag, definite length, contents.
fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = contents.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(contents);
    out
}

fn seq(contents: &[u8]) -> Vec<u8> {
    tlv(0x30, contents)
}

fn set(contents: &[u8]) -> Vec<u8> {
    tlv(0x31, contents)
}

fn bit_string(bytes: &[u8]) -> Vec<u8> {
    tlv(0x03, &[&[0u8][..], bytes].concat())
}

/// UTCTime before 2050, GeneralizedTime from then on (RFC 5280 §4.1.2.5).
fn time(unix: i64) -> Vec<u8> {
    let (y, mo, d) = crate::calendar::civil_from_days(unix.div_euclid(86_400));
    let secs = unix.rem_euclid(86_400);
    let (h, mi, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if (1950..2050).contains(&y) {
        tlv(
            0x17,
            format!("{:02}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z", y % 100).as_bytes(),
        )
    } else {
        tlv(
            0x18,
            format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z").as_bytes(),
        )
    }
}

pub fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Writes a key readable by its owner only.
fn write_private(path: &Path, text: &str) -> Result<(), String> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_lengths_and_base64() {
        assert_eq!(tlv(0x04, &[1, 2]), vec![0x04, 2, 1, 2]);
        let long = tlv(0x04, &[0u8; 300]);
        assert_eq!(&long[..4], &[0x04, 0x82, 0x01, 0x2c]);
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(b"fooba"), "Zm9vYmE=");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
    }

    #[test]
    fn converts_days_to_dates() {
        assert_eq!(time(0), tlv(0x17, b"700101000000Z"));
        assert_eq!(time(2_524_608_000), tlv(0x18, b"20500101000000Z"));
    }

    #[test]
    fn the_made_certificate_is_accepted_by_rustls() {
        let (cert, key) = make(&["localhost".into(), "127.0.0.1".into()], 1_764_547_200).unwrap();
        let dir = std::env::temp_dir().join(format!("ftpgate-selfsigned-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (c, k) = (dir.join("c.pem"), dir.join("k.pem"));
        std::fs::write(&c, pem("CERTIFICATE", &cert)).unwrap();
        std::fs::write(&k, pem("PRIVATE KEY", &key)).unwrap();
        let tls = super::super::tls::Tls::from_files(&c, &k).unwrap();
        assert_eq!(tls.fingerprint().len(), 32 * 3 - 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
