//! # Partials
//!
//! The pieces the browse page is built from: breadcrumbs, the toolbar (new
//! folder, filter, upload), the count and pager, the sortable entry table
//! and its rows, the download-by-name form, and icons from the embedded sprite
//! (`assets/icons.svg`, referenced by `<use>`: the CSP allows 'self' only).

use super::model::{Contents, Crumb, EntryKind, EntryView, Folder, Icon};
use crate::web::assets;
use maud::{html, Markup, PreEscaped};

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

/// Partial: the toolbar at the top of a folder: "Up", the new-folder and
/// filter forms, the JSON link, and the upload form, so none of them waits
/// below thousands of rows.
pub(super) fn toolbar(folder: &Folder) -> Markup {
    html! {
        div.toolbar {
            @if let Some(parent) = &folder.parent_href {
                a.button href=(parent) { (up_icon()) "Up" }
            }
            form.mkdir.inline method="post" action=(folder.mkdir_action) {
                input type="hidden" name="csrf" value=(folder.csrf);
                label for="mkdir-name" { "New folder" }
                input #mkdir-name type="text" name="name" required autocomplete="off"
                    autocapitalize="off" spellcheck="false";
                button.button type="submit" { "Create" }
            }
            form.new-file.inline method="post" action=(folder.new_file_action) {
                input type="hidden" name="csrf" value=(folder.csrf);
                label for="new-file-name" { "New file" }
                input #new-file-name type="text" name="name" required autocomplete="off"
                    autocapitalize="off" spellcheck="false";
                // Not "Create": that names the new-folder button.
                button.button type="submit" { "Add" }
            }
            form.filter.inline method="get" action=(folder.href) role="search" {
                label for="filter-q" { "Filter" }
                input #filter-q type="search" name="q" value=(folder.q) autocomplete="off"
                    autocapitalize="off" spellcheck="false";
                input type="hidden" name="sort" value=(folder.sort);
                input type="hidden" name="order" value=(folder.order);
                button.button.filter-submit type="submit" { "Filter" }
                // The same text, in every folder below (a page of its own).
                button.button.search-submit type="submit" formaction=(folder.search_href) {
                    "Search subfolders"
                }
            }
            a.button.zip href=(folder.zip_href) download { "Download as ZIP" }
            a.json href=(folder.json_href) type="application/json" { "JSON" }
        }
        // The rows' checkboxes belong to this form (`form="selection"`), so
        // it works without script and nests in nothing.
        form #selection .selection-bar method="get" action=(folder.zip_href) {
            input type="hidden" name="selected" value="1";
            span.selection-count { "Tick entries to act on several at once:" }
            button.button type="submit" { "Download selected as ZIP" }
            button.button type="submit" formaction=(folder.move_selected_href) { "Move selected…" }
            button.button type="submit" formaction=(folder.copy_selected_href) { "Copy selected…" }
            // A GET to the confirmation page: the CSRF token never rides in a URL.
            button.button.delete-selected type="submit" formaction=(folder.delete_selected_href) {
                "Delete selected…"
            }
        }
        (upload_form(folder))
    }
}

/// "10 items", or "3 of 10 items" when a filter is on.
fn count_text(c: &Contents) -> String {
    let items = |n: usize| if n == 1 { "item" } else { "items" };
    if c.q.is_empty() {
        format!("{} {}", count_number(c.total), items(c.total))
    } else {
        format!(
            "{} of {} {}",
            count_number(c.matched),
            count_number(c.total),
            items(c.total)
        )
    }
}

/// 20000 → "20,000".
fn count_number(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Partial: what the listing shows: the count and pager, then the table
/// (with `slot` where the rows go) or a message when there is nothing to show.
pub(super) fn contents(c: &Contents, slot: &'static str) -> Markup {
    let p = &c.pager;
    html! {
        div.listing-head {
            span.count aria-live="polite" { (count_text(c)) }
            @if p.pages > 1 { (pager(c, true)) }
        }
        @if c.total == 0 {
            p.empty { "This folder is empty." }
        } @else if c.matched == 0 {
            p.empty { "No names match “" (c.q) "”. " a href=(c.href) { "Show all" } }
        } @else if c.rows == 0 {
            p.empty {
                "There is no page " (p.page) "; this listing has " (p.pages) " pages. "
                a href=(p.last_href) { "Go to the last page" }
            }
        } @else {
            div.select-all {
                a.select-all-page href=(c.select_all_href) { "Select all on this page" }
                @if p.pages > 1 {
                    label.check {
                        input type="checkbox" name="all" value="1" form="selection";
                        " Act on all " (count_number(c.total)) " entries of this folder (every page)"
                    }
                }
            }
            div.table-wrap {
                table.listing {
                    caption.visually-hidden { "Contents of " (c.path) }
                    thead {
                        tr {
                            @for h in &c.headers {
                                th class=(h.class) scope="col" aria-sort=[h.aria_sort] {
                                    a.sort href=(h.href) { (h.label) }
                                }
                            }
                            th.perms scope="col" { "Permissions" }
                            th.actions scope="col" { span.visually-hidden { "Actions" } }
                        }
                    }
                    tbody { (PreEscaped(slot)) }
                }
            }
            @if p.pages > 1 { (pager(c, false)) }
        }
    }
}

/// Partial: previous/next links, where this page is, and (at the top) a
/// form to jump to any page: all plain links and a GET form, no script
/// needed. The script follows the bottom pager's `rel="next"` as you scroll.
fn pager(c: &Contents, top: bool) -> Markup {
    let p = &c.pager;
    let last_row = p.first_row + c.rows.saturating_sub(1);
    let label = if top { "Pages" } else { "Pages, bottom" };
    html! {
        nav.pager aria-label=(label) {
            @if let Some(prev) = &p.prev_href {
                a.button.pager-prev href=(prev) rel="prev" { "‹ Previous" }
            }
            span.pager-at {
                "Page " (p.page) " of " (p.pages)
                @if c.rows > 0 { " (" (count_number(p.first_row)) "–" (count_number(last_row)) ")" }
            }
            @if let Some(next) = &p.next_href {
                a.button.pager-next href=(next) rel="next" { "Next ›" }
            }
            @if top {
                form.pager-jump.inline method="get" action=(p.action) {
                    label for="pager-page" { "Page" }
                    input #pager-page type="number" name="page" min="1" max=(p.pages)
                        value=(p.page.min(p.pages)) inputmode="numeric";
                    input type="hidden" name="sort" value=(p.sort);
                    input type="hidden" name="order" value=(p.order);
                    @if !p.q.is_empty() { input type="hidden" name="q" value=(p.q); }
                    button.button type="submit" { "Go" }
                }
            }
        }
    }
}

/// Partial: one row: icon, name link (a file's preview, or its download),
/// size, time, and the download (files), rename and delete links. The `data-*` attributes carry the raw
/// values for the script (filtering as you type).
pub(super) fn entry_row(e: &EntryView) -> Markup {
    let row_class = format!("entry {}", e.kind.as_str());
    html! {
        tr class=(row_class) data-name=(e.name) data-kind=(e.kind.as_str())
            data-size=(e.size_bytes.map(|s| s.to_string()).unwrap_or_default())
            data-modified=(e.modified_secs.map(|s| s.to_string()).unwrap_or_default()) {
            td.name {
                div.name-cell {
                    @if let Some(value) = &e.select_value {
                        input.select type="checkbox" name="item" value=(value) form="selection"
                            checked[e.selected] aria-label={ "Select " (e.name) };
                    }
                    (icon(e.icon))
                    div.name-text {
                        @if e.kind == EntryKind::Invalid {
                            span.entry-name.invalid title="The server sent a line ftpgate cannot read, or a name no file can have: it is shown, never opened or changed." { (e.name) }
                        } @else {
                            a.entry-name href=(e.href) download[e.kind == EntryKind::File && !e.previews] { (e.name) }
                        }
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
            td.perms {
                @if let (Some(letters), Some(octal)) = (&e.mode_letters, &e.mode_octal) {
                    @if e.kind == EntryKind::Invalid {
                        code title=(octal) { (letters) }
                    } @else {
                        a.mode href=(e.chmod_href) title={ (octal) ": change the permissions" }
                            aria-label={ "Permissions of " (e.name) ": " (letters) " (" (octal) ")" } {
                            code { (letters) }
                        }
                    }
                }
            }
            td.actions {
                @if e.kind != EntryKind::Invalid {
                @if let (EntryKind::File, Some(download)) = (e.kind, &e.download_href) {
                    a.action.action-download href=(download) download aria-label={ "Download " (e.name) } { "Download" }
                }
                @if let Some(edit) = &e.edit_href {
                    a.action.action-edit href=(edit) aria-label={ "Edit " (e.name) } { "Edit" }
                }
                a.action.action-rename href=(e.rename_href) aria-label={ "Rename " (e.name) } { "Rename" }
                a.action.action-delete href=(e.delete_href) aria-label={ "Delete " (e.name) } { "Delete" }
                }
            }
        }
    }
}

/// Partial: the upload form. The `overwrite` box comes before the file input
/// on purpose: the server reads the parts in order, streaming each file as it
/// arrives, so the option must arrive first.
fn upload_form(folder: &Folder) -> Markup {
    html! {
        section.upload aria-labelledby="upload-title" {
            h2 #upload-title { "Upload files here" }
            form.upload-form method="post" action=(folder.upload_action) enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(folder.csrf);
                label.check {
                    input type="checkbox" name="overwrite" value="1";
                    " Replace files that already exist"
                }
                label.visually-hidden for="upload-files" { "Files" }
                input #upload-files type="file" name="file" multiple required;
                button.button.primary type="submit" { "Upload" }
            }
        }
    }
}

/// Partial: the "download by exact name" form, for names a listing can't show.
pub(super) fn download_form(folder: &Folder) -> Markup {
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
                input type="hidden" name="cwd" value=(folder.cwd);
            }
        }
    }
}
