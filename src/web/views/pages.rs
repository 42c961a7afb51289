//! # Pages
//!
//! The pages handlers render whole: login, the delete confirmation, the
//! rename form and errors (the browse page is streamed: `views::browse`). Each takes the shared [`Layout`] and its own view
//! model and returns finished HTML; every user-controlled string goes
//! through maud's escaping.

use super::layout::page;
use super::model::{
    DeleteConfirm, DeleteMany, EntryKind, ErrorPage, Layout, LoginForm, MovePicker, RenameForm,
};
use crate::web::format::{contents, count};
use maud::{html, Markup};

/// The port shown when the form carries none.
const DEFAULT_PORT: &str = "21";

/// The login page: server, port, user and password, posted to `/login`.
/// When `form.host_locked`, the server is shown as text and cannot be changed.
pub fn login(layout: &Layout, form: &LoginForm) -> Markup {
    let focus = first_empty_field(form);
    let content = html! {
        section.card.narrow aria-labelledby="login-title" {
            h1 #login-title { "Connect to an FTP server" }
            @if let Some(error) = &form.error {
                div #login-error .form-error role="alert" { p { (error) } }
            }
            @if let Some(account) = &form.replacing {
                div #login-replacing .notice role="status" {
                    p { "This browser is connected as " strong { (account) } " already. "
                        "Connecting again ends that session in every tab of this browser. "
                        a href="/" { "Back to the files" } }
                }
            }
            @if let Some(password) = &form.password_hint {
                p #login-demo .hint { "Demo server: the password is " code { (password) } "." }
            }
            form.stack method="post" action="/login" data-busy="Connecting…"
                aria-describedby=[form.error.as_ref().map(|_| "login-error")] {
                input type="hidden" name="csrf" value=(form.csrf);
                @if let Some(next) = &form.next {
                    input type="hidden" name="next" value=(next);
                }
                (server_fields(form, focus))
                (account_fields(form, focus))
                (encryption_field(form))
                (choice_field("mode", "Data connection", &MODE_CHOICES, &form.mode, form.mode_locked))
                @if let Some(fingerprint) = &form.trust {
                    input type="hidden" name="trust" value=(fingerprint);
                    p.hint { "To trust this certificate for this server from now on, check its fingerprint "
                        "with the server's administrator, type the password again and press "
                        strong { "Trust and connect" } "." }
                    div { button.button.primary.wide type="submit" { "Trust and connect" } }
                } @else {
                    div { button.button.primary.wide type="submit" { "Connect" } }
                }
            }
            @if cfg!(feature = "doctor") {
                p.hint #login-doctor { "Cannot connect? The " a href="/doctor" { "FTP doctor" }
                    " checks each step and says what to fix." }
            }
        }
    };
    page(layout, "page-login", content)
}

/// Partial: the user name and password inputs.
pub(super) fn account_fields(form: &LoginForm, focus: Focus) -> Markup {
    html! {
        div.field {
            label for="login-user" { "User name" }
            input #login-user type="text" name="user" value=(form.user)
                autocomplete="username" autocapitalize="off" spellcheck="false"
                autofocus[focus == Focus::User];
        }
        div.field {
            label for="login-password" { "Password" }
            input #login-password type="password" name="password"
                autocomplete="current-password" autofocus[focus == Focus::Password];
        }
    }
}

/// Which login field gets `autofocus`: the first one still to fill in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Focus {
    Host,
    User,
    Password,
}

pub(super) fn first_empty_field(form: &LoginForm) -> Focus {
    if !form.host_locked && form.host.is_empty() {
        Focus::Host
    } else if form.user.is_empty() {
        Focus::User
    } else {
        Focus::Password
    }
}

/// The encryption choices: (form value, words).
pub const TLS_CHOICES: [(&str, &str); 4] = [
    ("prefer", "TLS when the server offers it"),
    ("require", "TLS only (refuse servers without it)"),
    ("implicit", "Implicit TLS (port 990)"),
    ("off", "None: plain FTP"),
];

/// The data connection choices: (form value, words).
pub const MODE_CHOICES: [(&str, &str); 3] = [
    ("auto", "Passive, or active when passive fails"),
    ("passive", "Passive only"),
    ("active", "Active: the server connects to ftpgate"),
];

/// Partial: the encryption select, or the fixed choice as text when locked.
pub(super) fn encryption_field(form: &LoginForm) -> Markup {
    html! {
        @if !form.tls.is_empty() {
            (choice_field("tls", "Encryption", &TLS_CHOICES, &form.tls, form.tls_locked))
        }
    }
}

/// Partial: a select named `name`, or the fixed choice as text when locked.
fn choice_field(
    name: &str,
    label: &str,
    choices: &[(&str, &str)],
    value: &str,
    locked: bool,
) -> Markup {
    let id = format!("login-{name}");
    html! {
        @if locked {
            @let words = choices.iter().find(|(v, _)| *v == value).map_or("", |(_, w)| *w);
            p.server { (label) ": " strong { (words) } }
        } @else {
            div.field {
                label for=(id) { (label) }
                select #(id) name=(name) {
                    @for (v, text) in choices {
                        option value=(v) selected[value == *v] { (text) }
                    }
                }
            }
        }
    }
}

/// Partial: host and port inputs, or the fixed server as text when locked.
pub(super) fn server_fields(form: &LoginForm, focus: Focus) -> Markup {
    let port = if form.port.is_empty() {
        DEFAULT_PORT
    } else {
        form.port.as_str()
    };
    html! {
        @if form.host_locked {
            p.server { "Server: " strong { (form.host) ":" (port) } }
        } @else {
            div.server-row {
                div.field.host {
                    label for="login-host" { "Server" }
                    input #login-host type="text" name="host" value=(form.host) required
                        inputmode="url" autocapitalize="off" spellcheck="false"
                        placeholder="ftp.example.com" autofocus[focus == Focus::Host];
                }
                div.field.port {
                    label for="login-port" { "Port" }
                    input #login-port type="number" name="port" value=(port)
                        min="1" max="65535" required inputmode="numeric";
                }
            }
        }
    }
}

/// An error page: status and title, what happened, what the FTP server said,
/// and a way back.
pub fn error(layout: &Layout, err: &ErrorPage) -> Markup {
    let content = html! {
        section.card.narrow.error-page aria-labelledby="error-title" {
            h1 #error-title { span.status { (err.status) } " " (err.title) }
            p { (err.message) }
            @if !err.details.is_empty() {
                ul.details { @for d in &err.details { li { (d) } } }
            }
            @if let Some(said) = &err.server_said {
                div.server-said {
                    p { "The server said:" }
                    pre { code { (said) } }
                }
            }
            p { a.button href=(err.back_href) { (back_label(&err.back_href)) } }
        }
    };
    page(layout, "page-error", content)
}

/// "Really delete?": what will go, a Delete button and a way back. A
/// non-empty folder says how much is inside and posts `recursive=1`.
pub fn confirm_delete(layout: &Layout, c: &DeleteConfirm) -> Markup {
    let heading = match (c.kind, c.recursive) {
        (EntryKind::Dir, true) => "Delete this folder and everything in it?",
        (EntryKind::Dir, false) => "Delete this empty folder?",
        (EntryKind::Symlink, _) => "Delete this link?",
        _ => "Delete this file?",
    };
    let content = html! {
        section.card.narrow aria-labelledby="confirm-title" {
            h1 #confirm-title { (heading) }
            p.confirm-name { strong { (c.name) } br; span.muted { (c.path) } }
            @if c.recursive {
                p.warning {
                    "It holds " (contents(c.files, c.folders))
                    ". All of them will be deleted from the FTP server; this cannot be undone."
                }
            } @else if c.kind == EntryKind::Symlink {
                p { "Only the link goes; what it points to stays." }
            } @else {
                p { "This cannot be undone." }
            }
            form.confirm-delete.actions method="post" action=(c.action) {
                input type="hidden" name="csrf" value=(c.csrf);
                @if c.recursive {
                    input type="hidden" name="recursive" value="1";
                }
                button.button.danger type="submit" {
                    @if c.recursive { "Delete everything" } @else { "Delete" }
                }
                // Focus on the harmless choice: a stray Enter must not delete.
                a.button href=(c.back_href) autofocus { "Cancel" }
            }
        }
    };
    page(layout, "page-confirm", content)
}

/// "Delete these?": each entry with what it holds, the totals, and the
/// form that deletes them (Cancel focused).
pub fn confirm_delete_many(layout: &Layout, c: &DeleteMany) -> Markup {
    let content = html! {
        section.card.narrow aria-labelledby="confirm-title" {
            h1 #confirm-title { "Delete " (count(c.items.len(), "item")) "?" }
            p.muted { "From " (c.folder) }
            ul.delete-list {
                @for item in &c.items {
                    li {
                        strong { (item.name) }
                        @match item.kind {
                            EntryKind::Dir => {
                                " — a folder holding " (contents(item.files, item.folders))
                            }
                            EntryKind::Symlink => { " — a link (only the link goes)" }
                            _ => {}
                        }
                    }
                }
            }
            p.warning {
                (contents(c.files, c.folders))
                " will be deleted from the FTP server, everything in the folders included; \
                 this cannot be undone."
            }
            form.confirm-delete.actions method="post" action=(c.action) {
                input type="hidden" name="csrf" value=(c.csrf);
                @for item in &c.items {
                    input type="hidden" name="item" value=(item.value);
                }
                button.button.danger type="submit" { "Delete " (count(c.items.len(), "item")) }
                // Focus on the harmless choice: a stray Enter must not delete.
                a.button href=(c.back_href) autofocus { "Cancel" }
            }
        }
    };
    page(layout, "page-confirm", content)
}

/// "Move (or Copy) N items to…": the folders here to go into, one up, and the form
/// with the folder (editable: a path typed works too).
pub fn move_picker(layout: &Layout, m: &MovePicker) -> Markup {
    let content = html! {
        section.card.narrow aria-labelledby="move-title" {
            h1 #move-title { (m.verb) " " (count(m.count, "item")) " from " (m.folder) }
            p { "Looking at " strong { (m.pick) } }
            ul.pick-list aria-label="Folders here" {
                @if let Some(up) = &m.parent_href {
                    li { a href=(up) { "↑ One folder up" } }
                }
                @for f in &m.folders {
                    li { a href=(f.href) { (f.name) "/" } }
                }
                @if m.folders.is_empty() {
                    li.muted { "No folders here." }
                }
            }
            form.move-form.stack method="post" action=(m.action) {
                input type="hidden" name="csrf" value=(m.csrf);
                @for item in &m.items {
                    input type="hidden" name="item" value=(item);
                }
                div.field {
                    label for="move-to" { (m.verb) " to" }
                    input #move-to type="text" name="to" value=(m.pick) required
                        autocomplete="off" autocapitalize="off" spellcheck="false"
                        aria-describedby="move-hint";
                    p #move-hint .hint { "A folder: a full path, or relative to " (m.folder) " (../archive)." }
                }
                div.actions {
                    button.button.primary type="submit" { (m.verb) " here" }
                    a.button href=(m.back_href) { "Cancel" }
                }
            }
        }
    };
    page(layout, "page-move", content)
}

/// The rename/move form: a new name, or a full path to move the entry.
pub fn rename(layout: &Layout, r: &RenameForm) -> Markup {
    let content = html! {
        section.card.narrow aria-labelledby="rename-title" {
            h1 #rename-title { "Rename or move" }
            p.confirm-name { strong { (r.name) } br; span.muted { (r.path) } }
            form.rename-form.stack method="post" action=(r.action) data-kind=(r.kind.as_str()) {
                input type="hidden" name="csrf" value=(r.csrf);
                div.field {
                    label for="rename-to" { "New name" }
                    input #rename-to type="text" name="to" value=(r.name) required autofocus
                        autocomplete="off" autocapitalize="off" spellcheck="false"
                        aria-describedby="rename-hint";
                    p #rename-hint .hint { "A new name in the same folder, or a full path starting with / to move it." }
                }
                div.actions {
                    button.button.primary type="submit" { "Rename" }
                    a.button href=(r.back_href) { "Cancel" }
                }
            }
        }
    };
    page(layout, "page-rename", content)
}

/// Words for the way back, from where it leads.
fn back_label(href: &str) -> &'static str {
    if href.starts_with("/login") {
        "Go to the login page"
    } else if href.starts_with("/browse") {
        "Back to the folder"
    } else {
        "Go back"
    }
}
