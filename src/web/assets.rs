//! # Assets
//!
//! CSS, JS and the icon, embedded from `assets/` and served under a versioned
//! path (`/assets/<version>/<file>`) with long, immutable caching: a new build
//! changes the version, so browsers never see stale files.
//!
//! Every file is embedded gzipped (build.rs compresses `assets/`), which
//! is how browsers take them; a client that refuses gzip gets [`plain`].

use rust_embed::RustEmbed;
use std::borrow::Cow;
use std::sync::OnceLock;

#[derive(RustEmbed)]
#[folder = "$OUT_DIR/assets/"]
struct Files;

/// The largest embedded file once inflated: a bound for [`plain`], well
/// above today's biggest (app.js, ~50 KiB).
const MAX_PLAIN: usize = 1 << 20;

/// build.rs writes a fixed gzip header (no name, no time) and the usual
/// 8-byte trailer (CRC-32, size) around raw deflate.
const GZIP_HEADER: usize = 10;
const GZIP_TRAILER: usize = 8;

/// The version segment: a digest of every embedded file, so it changes with content.
pub fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let mut names: Vec<_> = Files::iter().collect();
        names.sort();
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        for name in names {
            if let Some(file) = Files::get(&name) {
                ctx.update(name.as_bytes());
                ctx.update(&file.metadata.sha256_hash());
            }
        }
        ctx.finish().as_ref()[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    })
}

/// The URL of an embedded file, e.g. `url("app.css")`.
pub fn url(name: &str) -> String {
    format!("/assets/{}/{name}", version())
}

/// The gzipped bytes and content type of `name` when `version` is current.
pub fn get(version_seg: &str, name: &str) -> Option<(Cow<'static, [u8]>, &'static str)> {
    if version_seg != version() {
        return None;
    }
    let file = Files::get(name)?;
    Some((file.data, content_type(name)))
}

/// The file itself, inflated from what [`get`] returned (build.rs made it,
/// so a failure here is a build defect; it still answers with no bytes
/// rather than a panic).
pub fn plain(gzipped: &[u8]) -> Vec<u8> {
    let Some(deflated) = gzipped.get(GZIP_HEADER..gzipped.len().saturating_sub(GZIP_TRAILER))
    else {
        return Vec::new();
    };
    miniz_oxide::inflate::decompress_to_vec_with_limit(deflated, MAX_PLAIN).unwrap_or_default()
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
#[path = "asset_comments.rs"]
mod asset_comments;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_file_inflates_to_the_file_in_assets() {
        let mut seen = 0;
        for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/assets")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            let (gzipped, _) = get(version(), &name).expect("embedded");
            assert!(gzipped.starts_with(&[0x1f, 0x8b, 8, 0]), "{name} is gzip");
            let source = std::fs::read(&path).unwrap();
            let want = match path.extension().and_then(|e| e.to_str()) {
                // build.rs leaves out the lines that are only a comment.
                Some("js" | "css") => asset_comments::without_comment_lines(&source),
                _ => source,
            };
            assert_eq!(plain(&gzipped), want, "{name}");
            seen += 1;
        }
        assert!(seen >= 3, "assets/ has the CSS, the JS and the icons");
        assert!(plain(&[0x1f, 0x8b]).is_empty());
    }
}
