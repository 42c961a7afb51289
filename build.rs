//! Gzips `assets/` into `$OUT_DIR/assets/` once, at build time, for
//! `web::assets` to embed: every browser asks for gzip, so the binary holds
//! only the compressed bytes (70 KiB of CSS and JS are 20 KiB gzipped) and
//! the rare client that refuses gzip gets them inflated per request.

use std::{env, fs, path::PathBuf};

// Shared with web::assets' test, which checks what is embedded against it.
#[path = "src/web/asset_comments.rs"]
mod asset_comments;
use asset_comments::without_comment_lines;

fn main() {
    println!("cargo:rerun-if-changed=assets");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("assets");
    // Files removed from assets/ must not linger in the embedded set.
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).expect("create $OUT_DIR/assets");
    let mut names: Vec<_> = fs::read_dir("assets")
        .expect("read assets/")
        .map(|e| e.expect("read assets/").path())
        .filter(|p| p.is_file())
        .collect();
    names.sort();
    for path in names {
        let data = fs::read(&path).expect("read an asset");
        let name = path.file_name().expect("a file name");
        let data = match path.extension().and_then(|e| e.to_str()) {
            Some("js" | "css") => without_comment_lines(&data),
            _ => data,
        };
        fs::write(out.join(name), gzip(&data)).expect("write a gzipped asset");
    }
}

/// One gzip member (RFC 1952) with no name and no time, so builds of the
/// same assets are byte-identical: the fixed 10-byte header that
/// `web::assets::plain` skips, raw deflate at the best level, CRC-32 and size.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff];
    out.extend(miniz_oxide::deflate::compress_to_vec(data, 10));
    out.extend(crc32(data).to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}
