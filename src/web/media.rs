//! # Media types
//!
//! Which files the preview page can show, and the only content types
//! ftpgate ever sends inline (`GET /download/<path>?inline=1`): a fixed
//! allow-list by extension. The bytes come from an FTP server nobody vetted,
//! so nothing is sniffed and nothing scriptable is ever labelled as a
//! document type: HTML, SVG, XML and source code go out as `text/plain`
//! (the preview page shows them escaped in a `<pre>`), and anything not
//! listed here is an `application/octet-stream` attachment.

/// How the preview page shows a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Image,
    /// Drawn by `<img>` (where script never runs), its source shown as text.
    Svg,
    Text,
    Pdf,
    Audio,
    Video,
}

/// The content type of text sent inline: never a type a browser renders
/// as a document.
const TEXT_PLAIN: &str = "text/plain; charset=utf-8";

/// Extension, kind, content type sent inline.
const TYPES: &[(&str, Kind, &str)] = &[
    ("jpg", Kind::Image, "image/jpeg"),
    ("jpeg", Kind::Image, "image/jpeg"),
    ("png", Kind::Image, "image/png"),
    ("gif", Kind::Image, "image/gif"),
    ("webp", Kind::Image, "image/webp"),
    ("avif", Kind::Image, "image/avif"),
    ("bmp", Kind::Image, "image/bmp"),
    ("ico", Kind::Image, "image/x-icon"),
    ("svg", Kind::Svg, TEXT_PLAIN),
    ("pdf", Kind::Pdf, "application/pdf"),
    ("mp4", Kind::Video, "video/mp4"),
    // QuickTime and iTunes video are the MP4 container: Firefox refuses
    // `video/quicktime` but plays the same file labelled `video/mp4`.
    ("m4v", Kind::Video, "video/mp4"),
    ("mov", Kind::Video, "video/mp4"),
    ("webm", Kind::Video, "video/webm"),
    ("ogv", Kind::Video, "video/ogg"),
    ("mp3", Kind::Audio, "audio/mpeg"),
    ("ogg", Kind::Audio, "audio/ogg"),
    ("oga", Kind::Audio, "audio/ogg"),
    // Opus files are an Ogg stream.
    ("opus", Kind::Audio, "audio/ogg"),
    ("wav", Kind::Audio, "audio/wav"),
    ("flac", Kind::Audio, "audio/flac"),
    ("m4a", Kind::Audio, "audio/mp4"),
    ("aac", Kind::Audio, "audio/aac"),
];

/// Extensions shown as text (and sent inline as `text/plain`).
const TEXT: &[&str] = &[
    "txt",
    "text",
    "md",
    "markdown",
    "rst",
    "adoc",
    "org",
    "log",
    "out",
    "csv",
    "tsv",
    "json",
    "jsonl",
    "ndjson",
    "geojson",
    "xml",
    "xsl",
    "xslt",
    "xsd",
    "rss",
    "atom",
    "plist",
    "html",
    "htm",
    "xhtml",
    "yaml",
    "yml",
    "toml",
    "ini",
    "cfg",
    "conf",
    "config",
    "cnf",
    "properties",
    "env",
    "service",
    "desktop",
    "rules",
    "sh",
    "bash",
    "zsh",
    "fish",
    "ksh",
    "ps1",
    "bat",
    "cmd",
    "py",
    "pyw",
    "rb",
    "pl",
    "pm",
    "php",
    "lua",
    "tcl",
    "r",
    "rs",
    "c",
    "h",
    "cc",
    "cpp",
    "cxx",
    "hpp",
    "hh",
    "cs",
    "java",
    "kt",
    "kts",
    "scala",
    "groovy",
    "gradle",
    "go",
    "swift",
    "m",
    "mm",
    "js",
    "mjs",
    "cjs",
    "ts",
    "tsx",
    "jsx",
    "vue",
    "svelte",
    "css",
    "scss",
    "sass",
    "less",
    "sql",
    "diff",
    "patch",
    "nfo",
    "srt",
    "vtt",
    "ass",
    "tex",
    "bib",
    "cmake",
    "mk",
    "dockerfile",
    "hs",
    "ml",
    "mli",
    "ex",
    "exs",
    "erl",
    "hrl",
    "clj",
    "el",
    "lisp",
    "scm",
    "dart",
    "zig",
    "nim",
    "asm",
    "s",
    "proto",
    "graphql",
    "gql",
    "tf",
    "nix",
    "lock",
    "gitignore",
    "gitattributes",
    "editorconfig",
    "htaccess",
    "bashrc",
    "zshrc",
    "profile",
    "vimrc",
    "npmrc",
];

/// Names without an extension that are text by convention.
const TEXT_NAMES: &[&str] = &[
    "readme",
    "license",
    "licence",
    "copying",
    "authors",
    "changelog",
    "changes",
    "news",
    "todo",
    "install",
    "makefile",
    "dockerfile",
    "containerfile",
    "vagrantfile",
    "procfile",
    "gemfile",
    "rakefile",
];

/// The lowercased extension of `name` (after its last dot), if it has one.
fn extension(name: &[u8]) -> Option<String> {
    let dot = name.iter().rposition(|&b| b == b'.')?;
    let ext = std::str::from_utf8(&name[dot + 1..]).ok()?;
    (!ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

/// How the preview page shows `name`, or `None` when it shows nothing.
pub fn kind(name: &[u8]) -> Option<Kind> {
    let Some(ext) = extension(name) else {
        let plain = std::str::from_utf8(name).ok()?.to_ascii_lowercase();
        return TEXT_NAMES.contains(&plain.as_str()).then_some(Kind::Text);
    };
    if let Some((_, kind, _)) = TYPES.iter().find(|(e, _, _)| *e == ext) {
        return Some(*kind);
    }
    TEXT.contains(&ext.as_str()).then_some(Kind::Text)
}

/// How a file is sent when asked for inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inline {
    pub content_type: &'static str,
    /// Whether ftpgate's own preview page may frame it (PDF only).
    pub framed: bool,
    /// The type depends on `Sec-Fetch-Dest` (SVG): caches must know.
    pub varies: bool,
}

/// The content type `name` is sent inline with, or `None`: then it is an
/// attachment like any download. `fetch_dest` is the request's
/// `Sec-Fetch-Dest`: an SVG is `image/svg+xml` only for an `<img>` (where
/// script never runs), and plain text anywhere else (a tab, a frame).
pub fn inline(name: &[u8], fetch_dest: Option<&str>) -> Option<Inline> {
    let kind = kind(name)?;
    let listed = extension(name).and_then(|ext| TYPES.iter().find(|(e, _, _)| *e == ext));
    let content_type = match (kind, fetch_dest) {
        (Kind::Svg, Some("image")) => "image/svg+xml",
        (Kind::Text | Kind::Svg, _) => TEXT_PLAIN,
        _ => listed.map(|(_, _, t)| *t)?,
    };
    Some(Inline {
        content_type,
        framed: kind == Kind::Pdf,
        varies: kind == Kind::Svg,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_extension_in_any_case() {
        assert_eq!(kind(b"IMG_0001.JPG"), Some(Kind::Image));
        assert_eq!(kind(b"a.b.png"), Some(Kind::Image));
        assert_eq!(kind(b"drawing.svg"), Some(Kind::Svg));
        assert_eq!(kind(b"clip.MOV"), Some(Kind::Video));
        assert_eq!(kind(b"song.opus"), Some(Kind::Audio));
        assert_eq!(kind(b"manual.pdf"), Some(Kind::Pdf));
        assert_eq!(kind(b"main.rs"), Some(Kind::Text));
        assert_eq!(kind(b"index.html"), Some(Kind::Text));
        assert_eq!(kind(b"Makefile"), Some(Kind::Text));
        assert_eq!(kind(b".bashrc"), Some(Kind::Text));
        assert_eq!(kind(b"archive.tar.gz"), None);
        assert_eq!(kind(b"noext"), None);
        assert_eq!(kind(b"trailing."), None);
        assert_eq!(kind(b"caf\xe9.png"), Some(Kind::Image));
        assert_eq!(kind(b"x.\xe9"), None);
    }

    #[test]
    fn only_listed_types_go_inline() {
        let t = |name: &[u8]| inline(name, None).map(|i| i.content_type);
        assert_eq!(t(b"a.jpeg"), Some("image/jpeg"));
        assert_eq!(t(b"a.webm"), Some("video/webm"));
        assert_eq!(t(b"a.m4a"), Some("audio/mp4"));
        assert_eq!(t(b"a.pdf"), Some("application/pdf"));
        assert_eq!(t(b"a.exe"), None);
        assert_eq!(t(b"a.zip"), None);
        assert!(inline(b"a.pdf", None).unwrap().framed);
        assert!(!inline(b"a.png", None).unwrap().framed);
    }

    #[test]
    fn scriptable_text_is_only_ever_plain_text() {
        for name in [
            &b"a.html"[..],
            b"a.htm",
            b"a.xhtml",
            b"a.xml",
            b"a.js",
            b"a.svg",
        ] {
            for dest in [None, Some("document"), Some("iframe"), Some("script")] {
                let got = inline(name, dest).unwrap();
                assert_eq!(got.content_type, TEXT_PLAIN, "{name:?} {dest:?}");
                assert!(!got.framed);
            }
        }
        assert_eq!(
            inline(b"a.svg", Some("image")).unwrap().content_type,
            "image/svg+xml"
        );
        assert!(inline(b"a.svg", Some("image")).unwrap().varies);
        assert_eq!(
            inline(b"a.html", Some("image")).unwrap().content_type,
            TEXT_PLAIN
        );
    }
}
