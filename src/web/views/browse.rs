//! # The directory page, in pieces
//!
//! A folder of 100,000 entries must never be one string in memory, so the
//! browse page is rendered in parts the handler streams: the [`page`] frame
//! (top bar, breadcrumbs, toolbar with upload, new folder and filter) leaves
//! before the listing is read; the [`contents`] frame (count, pager, table
//! head) once it is; then one [`row`] at a time. A frame is finished markup
//! cut at a constant marker, which escaped text can never contain.

use super::layout::page as layout_page;
use super::model::{
    Contents, EntryKind, EntryView, Folder, Layout, ListingFailed, SearchEnd, SearchHead, SearchHit,
};
use super::parts;
use maud::{html, Markup, PreEscaped};

/// Where a frame's inner part goes. Escaping turns every `<` of user text
/// into `&lt;`, so only the template itself can write this.
pub(super) const SLOT: &str = "<!--ftpgate:slot-->";

/// Finished HTML around a place for more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub before: String,
    pub after: String,
}

impl Frame {
    /// Cuts `markup` at its slot (a frame without one is all `before`).
    pub(super) fn cut(markup: Markup) -> Frame {
        let mut before = markup.into_string();
        match before.find(SLOT) {
            Some(at) => {
                let after = before[at + SLOT.len()..].to_string();
                before.truncate(at);
                Frame { before, after }
            }
            None => Frame {
                before,
                after: String::new(),
            },
        }
    }
}

/// The directory page around its contents: breadcrumbs, the path, the
/// toolbar (up, upload, new folder, filter) at the top; the
/// download-by-name form after the contents.
pub fn page(layout: &Layout, folder: &Folder) -> Frame {
    let content = html! {
        (parts::breadcrumbs(&folder.crumbs))
        h1.path { (folder.path) }
        (parts::toolbar(folder))
        div #listing .listing-part { (PreEscaped(SLOT)) }
        div.forms { (parts::download_form(folder)) }
    };
    Frame::cut(layout_page(layout, "page-browse", content))
}

/// The contents around the rows: the count and pager, then the table with
/// its sortable header, the rows' place in its body, and the pager again.
/// An empty folder, a filter that matched nothing or a page past the end
/// say so instead (no slot: no rows to write).
pub fn contents(c: &Contents) -> Frame {
    Frame::cut(parts::contents(c, SLOT))
}

/// One row of the table.
pub fn row(entry: &EntryView) -> Markup {
    parts::entry_row(entry)
}

/// Said in place of the contents when the listing failed after the page
/// began (its status was sent already).
pub fn failed(f: &ListingFailed) -> Markup {
    html! {
        div.listing-failed.server-said role="alert" {
            p { strong { (f.title) } ": " (f.message) }
            @if let Some(said) = &f.server_said {
                p { "The server said:" }
                pre { code { (said) } }
            }
            p { "Reload the page to try again." }
        }
    }
}

/// A search's page around its results: where it searches and for what,
/// a form to search again, then the results' place in a list that grows
/// as matches are found (`search_hit`), then [`search_end`].
pub fn search_page(layout: &Layout, s: &SearchHead) -> Frame {
    let content = html! {
        (parts::breadcrumbs(&s.crumbs))
        h1.path { "Search in " (s.path) }
        div.toolbar {
            form.filter.inline method="get" role="search" {
                label for="search-q" { "Names containing" }
                input #search-q type="search" name="q" value=(s.q) required autocomplete="off"
                    autocapitalize="off" spellcheck="false";
                button.button type="submit" { "Search subfolders" }
            }
            a.button href=(s.folder_href) { "Back to the folder" }
            a.json href=(s.json_href) type="application/json" { "JSON" }
        }
        section.search aria-labelledby="results-title" {
            h2 #results-title .visually-hidden { "Results" }
            (PreEscaped(SLOT))
        }
    };
    Frame::cut(layout_page(layout, "page-search", content))
}

/// Opens the list the matches go in (closed by [`search_end`]).
pub fn search_start() -> Markup {
    html! { (PreEscaped("<ol class=\"search-results\">")) }
}

/// One match in the results.
pub fn search_hit(h: &SearchHit) -> Markup {
    let kind = match h.kind {
        EntryKind::Dir => "folder",
        EntryKind::Symlink => "link",
        _ => "file",
    };
    html! {
        li.search-hit data-kind=(kind) {
            a.entry-name href=(h.href)
                download[h.kind == EntryKind::File && h.href.starts_with("/download/")] { (h.name) }
            @if h.kind == EntryKind::Dir { "/" }
            span.muted {
                " in " a href=(h.folder_href) { (h.folder) }
                @if let Some(size) = &h.size { " · " (size) }
            }
        }
    }
}

/// After the results: how much was read, and why it stopped early.
pub fn search_end(e: &SearchEnd) -> Markup {
    html! {
        (PreEscaped("</ol>"))
        p.search-summary role="status" { (e.summary) }
        @if let Some(why) = &e.stopped {
            p.warning { (why) }
        }
    }
}
