//! # Partials
//!
//! The pieces the browse page is built from: breadcrumbs, the entry table and
//! its rows, the upload and download-by-name forms, and the small line icons.
//! Icons are plain SVG markup (no data URIs: the CSP allows images from 'self' only).

use super::model::{Crumb, EntryKind, EntryView, Listing};
use maud::{html, Markup};

/// Partial: a small line icon for an entry kind, labelled for screen readers.
pub(super) fn kind_icon(kind: EntryKind) -> Markup {
    let (class, label) = match kind {
        EntryKind::Dir => ("icon icon-dir", "Folder"),
        EntryKind::File => ("icon icon-file", "File"),
        EntryKind::Symlink => ("icon icon-link", "Link"),
        EntryKind::Other => ("icon icon-other", "Other"),
    };
    html! {
        svg class=(class) viewBox="0 0 20 20" role="img" aria-label=(label) focusable="false" {
            @match kind {
                EntryKind::Dir => {
                    path d="M2 5.5A1.5 1.5 0 0 1 3.5 4h4l2 2h7A1.5 1.5 0 0 1 18 7.5v7a1.5 1.5 0 0 1-1.5 1.5h-13A1.5 1.5 0 0 1 2 14.5z" {}
                }
                EntryKind::File => {
                    path d="M5 2.75h6.5l3.5 3.5v11H5z" {}
                    path d="M11.5 2.75v3.5H15" {}
                }
                EntryKind::Symlink => {
                    path d="M5 2.75h6.5l3.5 3.5v11H5z" {}
                    path d="M8 14v-2a2 2 0 0 1 2-2h3m-1.75-1.75L13 10l-1.75 1.75" {}
                }
                EntryKind::Other => {
                    path d="M5 2.75h10v14.5H5z" stroke-dasharray="2 2" {}
                    path d="M8.5 8.5a1.5 1.5 0 1 1 2 1.4c-.4.2-.5.5-.5.9v.4M10 13.5v.01" {}
                }
            }
        }
    }
}

/// Partial: an arrow pointing up, for the "Up" link.
fn up_icon() -> Markup {
    html! {
        svg.icon viewBox="0 0 20 20" aria-hidden="true" focusable="false" {
            path d="M10 16V4m-5 5 5-5 5 5" {}
        }
    }
}

/// Partial: the breadcrumb trail; the last crumb is the current page.
pub(super) fn breadcrumbs(crumbs: &[Crumb]) -> Markup {
    html! {
        nav.crumbs aria-label="Breadcrumb" {
            ol {
                @for (i, crumb) in crumbs.iter().enumerate() {
                    li {
                        @if i + 1 == crumbs.len() {
                            a href=(crumb.href) aria-current="page" { (crumb.label) }
                        } @else {
                            a href=(crumb.href) { (crumb.label) }
                        }
                    }
                }
            }
        }
    }
}

/// Partial: the bar above the table: "Up", the entry count, the JSON link.
pub(super) fn toolbar(listing: &Listing) -> Markup {
    let count = listing.entries.len();
    html! {
        div.toolbar {
            @if let Some(parent) = &listing.parent_href {
                a.button href=(parent) { (up_icon()) "Up" }
            }
            span.count { (count) @if count == 1 { " item" } @else { " items" } }
            a.json href=(listing.json_href) type="application/json" { "JSON" }
        }
    }
}

/// Partial: the entry table, or a clear message when the folder is empty.
pub(super) fn entries(listing: &Listing) -> Markup {
    html! {
        @if listing.entries.is_empty() {
            p.empty { "This folder is empty." }
        } @else {
            div.table-wrap {
                table.listing {
                    caption.visually-hidden { "Contents of " (listing.path) }
                    thead {
                        tr {
                            th.name scope="col" { "Name" }
                            th.size scope="col" { "Size" }
                            th.modified scope="col" { "Modified" }
                        }
                    }
                    tbody {
                        @for entry in &listing.entries {
                            (entry_row(entry))
                        }
                    }
                }
            }
        }
    }
}

/// Partial: one row: icon, name link (a download for files), size, time.
fn entry_row(e: &EntryView) -> Markup {
    let row_class = match e.kind {
        EntryKind::Dir => "entry dir",
        EntryKind::File => "entry file",
        EntryKind::Symlink => "entry link",
        EntryKind::Other => "entry other",
    };
    html! {
        tr class=(row_class) {
            td.name {
                div.name-cell {
                    (kind_icon(e.kind))
                    div.name-text {
                        a.entry-name href=(e.href) download[e.kind == EntryKind::File] { (e.name) }
                        @if e.kind == EntryKind::Symlink {
                            @if let Some(target) = &e.link_target {
                                span.target { "→ " (target) }
                            }
                            @if let Some(download) = &e.download_href {
                                a.small href=(download) download { "download" }
                            }
                        }
                    }
                }
            }
            td.size title=[e.size_exact.as_deref()] {
                @if let Some(size) = &e.size_human { (size) } @else { span.muted aria-hidden="true" { "—" } }
            }
            td.modified {
                @if let Some(modified) = &e.modified {
                    time datetime=[e.modified_iso.as_deref()] title=[e.modified_iso.as_deref()] { (modified) }
                }
            }
        }
    }
}

/// Partial: the upload form. The `overwrite` box comes before the file input
/// on purpose: the server reads the parts in order, streaming each file as it
/// arrives, so the option must arrive first.
pub(super) fn upload_form(listing: &Listing) -> Markup {
    html! {
        section.card.upload aria-labelledby="upload-title" {
            h2 #upload-title { "Upload files here" }
            form.stack method="post" action=(listing.upload_action) enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(listing.csrf);
                label.check {
                    input type="checkbox" name="overwrite" value="1";
                    " Replace files that already exist"
                }
                div.field {
                    label for="upload-files" { "Files" }
                    input #upload-files type="file" name="file" multiple required;
                }
                div { button.button.primary type="submit" { "Upload" } }
            }
        }
    }
}

/// Partial: the "download by exact name" form, for names a listing can't show.
pub(super) fn download_form(listing: &Listing) -> Markup {
    html! {
        section.card.by-name aria-labelledby="by-name-title" {
            h2 #by-name-title { "Download by name" }
            form.stack method="get" action="/download" {
                div.field {
                    label for="by-name-path" { "File name or path" }
                    div.inline {
                        input #by-name-path type="text" name="path" required autocomplete="off"
                            autocapitalize="off" spellcheck="false" aria-describedby="by-name-hint";
                        button.button type="submit" { "Download" }
                    }
                    p #by-name-hint .hint { "Relative to this folder, or a full path starting with /." }
                }
                input type="hidden" name="cwd" value=(listing.cwd);
            }
        }
    }
}
