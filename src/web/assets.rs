//! # Assets
//!
//! CSS, JS and the icon, embedded from `assets/` and served under a versioned
//! path (`/assets/<version>/<file>`) with long, immutable caching: a new build
//! changes the version, so browsers never see stale files.

use rust_embed::RustEmbed;
use std::sync::OnceLock;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Files;

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

/// The bytes and content type of `name` when `version` is current.
pub fn get(
    version_seg: &str,
    name: &str,
) -> Option<(std::borrow::Cow<'static, [u8]>, &'static str)> {
    if version_seg != version() {
        return None;
    }
    let file = Files::get(name)?;
    Some((file.data, content_type(name)))
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
