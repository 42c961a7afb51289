//! # Partials
//!
//! The pieces the browse page is built from: breadcrumbs, the toolbar (new
//! folder, filter), the sortable entry table and its rows, the upload and
//! download-by-name forms, and icons from the embedded sprite
//! (`assets/icons.svg`, referenced by `<use>`: the CSP allows 'self' only).

use super::model::{Crumb, EntryKind, EntryView, Icon, Listing};
use crate::web::assets;
use maud::{html, Markup};

/// Partial: an icon from the sprite, labelled for screen readers.
pub(super) fn icon(icon: Icon) -> Markup {
    let class = format!("icon icon-{}", icon.id());
    let href = format!("{}#{}", assets::url("icons.svg"), icon.id());
    html! {
        svg class=(class) viewBox="0 0 20 20" role="img" aria-label=(icon.label()) focusable="false" {
            use href=(href) {}
        }
    }
}

/// Partial: an arrow pointing up, for the "Up" link (decorative).
fn up_icon() -> Markup {
    let href = format!("{}#up", assets::url("icons.svg"));
    html! {
        svg.icon viewBox="0 0 20 20" aria-hidden="true" focusable="false" {
            use href=(href) {}
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

/// Partial: the bar above the table: "Up", the new-folder and filter forms,
/// the entry count, the JSON link.
pub(super) fn toolbar(listing: &Listing) -> Markup {
    html! {
        div.toolbar {
            @if let Some(parent) = &listing.parent_href {
                a.button href=(parent) { (up_icon()) "Up" }
            }
            form.mkdir.inline method="post" action=(listing.mkdir_action) {
                input type="hidden" name="csrf" value=(listing.csrf);
                label for="mkdir-name" { "New folder" }
                input #mkdir-name type="text" name="name" required autocomplete="off"
                    autocapitalize="off" spellcheck="false";
                button.button type="submit" { "Create" }
            }
            form.filter.inline method="get" action=(listing.href) role="search" {
                label for="filter-q" { "Filter" }
                input #filter-q type="search" name="q" value=(listing.q) autocomplete="off"
                    autocapitalize="off" spellcheck="false";
                input type="hidden" name="sort" value=(listing.sort);
                input type="hidden" name="order" value=(listing.order);
                button.button.filter-submit type="submit" { "Filter" }
            }
            span.count aria-live="polite" { (count_text(listing)) }
            a.json href=(listing.json_href) type="application/json" { "JSON" }
        }
    }
}

/// "10 items", or "3 of 10 items" when a filter is on.
fn count_text(listing: &Listing) -> String {
    let items = |n: usize| if n == 1 { "item" } else { "items" };
    if listing.q.is_empty() {
        format!("{} {}", listing.total, items(listing.total))
    } else {
        format!(
            "{} of {} {}",
            listing.entries.len(),
            listing.total,
            items(listing.total)
        )
    }
}

/// Partial: the entry table, or a clear message when the folder is empty or
/// nothing matches the filter.
pub(super) fn entries(listing: &Listing) -> Markup {
    html! {
        @if listing.total == 0 {
            p.empty { "This folder is empty." }
        } @else if listing.entries.is_empty() {
            p.empty { "No names match “" (listing.q) "”. " a href=(listing.href) { "Show all" } }
        } @else {
            div.table-wrap {
                table.listing {
                    caption.visually-hidden { "Contents of " (listing.path) }
                    thead {
                        tr {
                            @for h in &listing.headers {
                                th class=(h.class) scope="col" aria-sort=[h.aria_sort] {
                                    a.sort href=(h.href) { (h.label) }
                                }
                            }
                            th.actions scope="col" { span.visually-hidden { "Actions" } }
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

/// Partial: one row: icon, name link (a download for files), size, time,
/// and the rename and delete links. The `data-*` attributes carry the raw
/// values for the script (filtering as you type).
fn entry_row(e: &EntryView) -> Markup {
    let row_class = format!("entry {}", e.kind.as_str());
    html! {
        tr class=(row_class) data-name=(e.name) data-kind=(e.kind.as_str())
            data-size=(e.size_bytes.map(|s| s.to_string()).unwrap_or_default())
            data-modified=(e.modified_secs.map(|s| s.to_string()).unwrap_or_default()) {
            td.name {
                div.name-cell {
                    (icon(e.icon))
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
                    time datetime=[e.modified_iso.as_deref()] title=[e.modified_exact.as_deref()] { (modified) }
                }
            }
            td.actions {
                a.action.action-rename href=(e.rename_href) aria-label={ "Rename " (e.name) } { "Rename" }
                a.action.action-delete href=(e.delete_href) aria-label={ "Delete " (e.name) } { "Delete" }
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
            form.stack.upload-form method="post" action=(listing.upload_action) enctype="multipart/form-data" {
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
