//! # The preview page
//!
//! One file shown in the page: an image, a player, a PDF frame or the text
//! itself, with its download, the way back to the folder and links to the
//! folder's previous and next previewable files (plain links: the script
//! only adds keys and swipes). Text is streamed into the frame's slot by
//! the handler, escaped piece by piece ([`text`]).

use super::browse::{Frame, SLOT};
use super::layout::page as layout_page;
use super::model::{Layout, Neighbour, Preview, Shown};
use super::parts;
use maud::{html, Markup, PreEscaped};

/// The page around the text (a text or SVG preview), or the whole page.
pub fn page(layout: &Layout, p: &Preview) -> Frame {
    let content = html! {
        (parts::breadcrumbs(&p.crumbs))
        div.preview-head {
            h1.preview-name { (p.name) }
            p.preview-meta {
                @if let Some(size) = &p.size { span title=[p.size_exact.as_deref()] { (size) } }
                @if let Some((at, of)) = p.position { span.preview-at { (at) " of " (of) " in " (p.folder) } }
            }
            div.preview-actions {
                a.button.primary.preview-download href=(p.download_href) download { "Download" }
                a.button.preview-back href=(p.back_href) aria-keyshortcuts="Escape" { "Back to the folder" }
            }
        }
        (neighbours(p))
        div.preview-stage #preview-stage { (stage(p)) }
    };
    Frame::cut(layout_page(layout, "page-preview", content))
}

/// Partial: the previous and next files, as links.
fn neighbours(p: &Preview) -> Markup {
    let link = |n: &Neighbour, rel: &str, key: &str, label: &str| {
        let class = format!("button preview-{rel}");
        html! {
            a class=(class) href=(n.href) rel=(rel) aria-keyshortcuts=(key) title=(n.name) {
                (label) span.visually-hidden { ": " (n.name) }
            }
        }
    };
    html! {
        @if p.prev.is_some() || p.next.is_some() {
            nav.preview-nav aria-label="Other files in this folder" {
                @if let Some(prev) = &p.prev { (link(prev, "prev", "ArrowLeft", "‹ Previous")) }
                @if let Some(next) = &p.next { (link(next, "next", "ArrowRight", "Next ›")) }
            }
        }
    }
}

/// Partial: the file itself.
fn stage(p: &Preview) -> Markup {
    let unplayable = "This browser cannot play this file here; download it instead.";
    html! {
        @match p.shown {
            Shown::Image => { img.preview-image src=(p.inline_href) alt=(p.name); }
            Shown::Svg => {
                img.preview-image src=(p.inline_href) alt=(p.name);
                h2.preview-source { "Source" }
                (text_block(p))
            }
            Shown::Text => { (text_block(p)) }
            Shown::Pdf => {
                // No `sandbox` attribute: Chromium refuses a PDF in a
                // sandboxed frame ("This page has been blocked"). The PDF's
                // own `Content-Security-Policy: sandbox` header keeps any
                // script of it out of ftpgate's origin, and Chromium's
                // viewer draws under it (tests/browser/preview.test.mjs).
                iframe.preview-pdf src=(p.inline_href) title=(p.name) {}
                p.hint { "No PDF shown? This browser cannot show PDFs in the page: use Download." }
            }
            Shown::Audio => {
                audio.preview-audio src=(p.inline_href) controls preload="metadata" { (unplayable) }
            }
            Shown::Video => {
                video.preview-video src=(p.inline_href) controls preload="metadata" playsinline { (unplayable) }
            }
            Shown::Nothing => {
                p.preview-none { "ftpgate cannot show this kind of file in the page; download it to open it." }
            }
        }
    }
}

/// Partial: the `<pre>` the text is streamed into, and what was left out.
fn text_block(p: &Preview) -> Markup {
    html! {
        @if let Some(cut) = &p.cut { p.preview-cut role="note" { (cut) } }
        pre.preview-text tabindex="0" { code { (PreEscaped(SLOT)) } }
    }
}

/// One piece of the text, escaped (any `<` becomes `&lt;`: no markup from
/// the file survives, and the slot marker can never be forged by it).
pub fn text(piece: &str) -> Markup {
    html! { (piece) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::views::model::Crumb;

    fn evil(tag: &str) -> String {
        format!("<script>alert({tag})</script> & \"qq\"")
    }

    fn preview(shown: Shown) -> Preview {
        Preview {
            name: evil("name"),
            folder: evil("folder"),
            crumbs: vec![Crumb {
                label: evil("crumb"),
                href: "/browse/".into(),
            }],
            shown,
            inline_href: "/download/a%20b.png?inline=1".into(),
            download_href: "/download/a%20b.png".into(),
            back_href: "/browse/?sort=name&order=asc".into(),
            size: Some("1.5 KiB".into()),
            size_exact: Some("1,536 bytes".into()),
            prev: Some(Neighbour {
                name: evil("prev"),
                href: "/preview/p.png".into(),
            }),
            next: Some(Neighbour {
                name: evil("next"),
                href: "/preview/n.png".into(),
            }),
            position: Some((2, 3)),
            cut: Some("Showing the first 1 MiB of 2 MiB.".into()),
        }
    }

    fn whole(frame: &Frame, text: &str) -> String {
        format!(
            "{}{}{}",
            frame.before,
            super::text(text).into_string(),
            frame.after
        )
    }

    #[test]
    fn every_field_and_the_text_are_escaped() {
        for shown in [
            Shown::Image,
            Shown::Svg,
            Shown::Text,
            Shown::Pdf,
            Shown::Audio,
            Shown::Video,
            Shown::Nothing,
        ] {
            let frame = page(&Layout::default(), &preview(shown));
            let html = whole(&frame, &evil("text"));
            assert!(!html.contains("<script>alert"), "{shown:?}: {html}");
            assert_eq!(html.matches("<script").count(), 1, "only app.js");
            assert!(!html.contains("style="), "no inline style");
            assert!(!html.contains("\"qq\""), "{shown:?}");
            for tag in ["name", "folder", "crumb", "prev", "next"] {
                assert!(
                    html.contains(&format!("&lt;script&gt;alert({tag})")),
                    "{tag} in {shown:?}"
                );
            }
            assert!(html.contains("href=\"/download/a%20b.png\" download>Download</a>"));
            assert!(html.contains("rel=\"prev\""));
            assert!(html.contains("rel=\"next\""));
        }
        let frame = page(&Layout::default(), &preview(Shown::Text));
        assert!(whole(&frame, "</code></pre><script>x()</script>")
            .contains("&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;"));
        assert!(
            !super::text(SLOT).into_string().contains(SLOT),
            "the slot cannot be forged"
        );
    }

    #[test]
    fn each_kind_gets_its_element_and_text_only_a_slot() {
        let html = |s| {
            let f = page(&Layout::default(), &preview(s));
            (f.before, f.after)
        };
        let (before, after) = html(Shown::Image);
        assert!(
            before.contains("<img class=\"preview-image\" src=\"/download/a%20b.png?inline=1\"")
        );
        assert!(after.is_empty(), "no slot without text");
        let (before, _) = html(Shown::Video);
        assert!(before.contains("<video class=\"preview-video\" src=\"/download/a%20b.png?inline=1\" controls preload=\"metadata\""));
        let (before, _) = html(Shown::Audio);
        assert!(before.contains("<audio class=\"preview-audio\""));
        let (before, _) = html(Shown::Pdf);
        assert!(
            before.contains("<iframe class=\"preview-pdf\" src=\"/download/a%20b.png?inline=1\"")
        );
        let (before, after) = html(Shown::Svg);
        assert!(before.contains("<img class=\"preview-image\""));
        assert!(
            before.ends_with("<pre class=\"preview-text\" tabindex=\"0\"><code>"),
            "{before}"
        );
        assert!(after.starts_with("</code></pre>"));
        let (before, _) = html(Shown::Text);
        assert!(before.contains("Showing the first 1 MiB of 2 MiB."));
        assert!(!before.contains("preview-image"));
        let mut none = preview(Shown::Nothing);
        none.prev = None;
        none.next = None;
        let f = page(&Layout::default(), &none);
        assert!(f.before.contains("cannot show this kind of file"));
        assert!(!f.before.contains("preview-nav"));
    }
}
