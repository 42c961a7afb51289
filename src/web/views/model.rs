//! # View models
//!
//! Plain structs that handlers fill and templates render. Templates never see
//! FTP types; every string here is display text (escaped by maud) or a URL
//! that the handler already percent-encoded.

/// How a flash message looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashKind {
    Success,
    Error,
    Info,
}

/// A one-time message shown at the top of the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub kind: FlashKind,
    pub text: String,
}

/// What every page shows around its content.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// The `<title>` and main heading context.
    pub title: String,
    /// `user@host` when logged in: shows the logout button.
    pub account: Option<String>,
    /// The session's CSRF token, for the logout form.
    pub csrf: Option<String>,
    pub flash: Option<Flash>,
}

/// The login form. Never carries the password back.
#[derive(Debug, Clone, Default)]
pub struct LoginForm {
    pub host: String,
    pub port: String,
    pub user: String,
    /// The server is fixed by `--ftp-host`: host and port are shown, not editable.
    pub host_locked: bool,
    pub csrf: String,
    /// Why the last attempt failed, in words a person understands.
    pub error: Option<String>,
}

/// One link in the breadcrumb trail.
#[derive(Debug, Clone)]
pub struct Crumb {
    pub label: String,
    pub href: String,
}

/// What an entry is, for the icon and the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Dir,
    File,
    /// A symbolic link; `href` browses it when it may be a directory.
    Symlink,
    /// A device, socket, or a line the server sent that could not be parsed.
    Other,
}

/// One row of a listing.
#[derive(Debug, Clone)]
pub struct EntryView {
    /// The name, decoded lossily for display.
    pub name: String,
    pub kind: EntryKind,
    /// Browse link for directories (and symlinks), download link for files.
    pub href: String,
    /// For symlinks: the download link, since a link may point to a file.
    pub download_href: Option<String>,
    /// "1.5 MiB"; exact bytes go in `size_exact` for the `title`.
    pub size_human: Option<String>,
    pub size_exact: Option<String>,
    /// "2026-11-28 14:03" (UTC) and the full ISO 8601 form for `title`/`datetime`.
    pub modified: Option<String>,
    pub modified_iso: Option<String>,
    pub link_target: Option<String>,
}

/// A directory page.
#[derive(Debug, Clone)]
pub struct Listing {
    /// The directory as text, e.g. `/pub/music`.
    pub path: String,
    pub crumbs: Vec<Crumb>,
    pub parent_href: Option<String>,
    /// Directories first, then files; already sorted.
    pub entries: Vec<EntryView>,
    pub csrf: String,
    /// `POST` target of the upload form (`/upload/<dir>/`).
    pub upload_action: String,
    /// The current directory, as the hidden `cwd` of the download-by-name form.
    pub cwd: String,
    /// Link to the same listing as JSON.
    pub json_href: String,
}

/// An error page.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub status: u16,
    /// Short: "Not found", "Permission denied".
    pub title: String,
    /// What happened and what to do, in plain words.
    pub message: String,
    /// The FTP server's own reply text, shown as is (escaped).
    pub server_said: Option<String>,
    /// Where to go from here (the listing, or the login page).
    pub back_href: String,
}
