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
    /// Whether the session's FTP connection is encrypted (FTPS), when logged in.
    pub encrypted: Option<bool>,
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
    /// The encryption chosen: `prefer`, `require`, `implicit` or `off`
    /// (empty: this build has no TLS and the choice is not shown).
    pub tls: String,
    /// The encryption is fixed by `--ftp-tls`: shown, not editable.
    pub tls_locked: bool,
    /// The data connection mode: `auto`, `passive` or `active`.
    pub mode: String,
    /// The mode is fixed by `--ftp-mode`: shown, not editable.
    pub mode_locked: bool,
    /// The fingerprint of a certificate shown for confirmation: sent back
    /// (with the password typed again) to trust it for this server.
    pub trust: Option<String>,
    pub csrf: String,
    /// Why the last attempt failed, in words a person understands.
    pub error: Option<String>,
    /// The page to return to after logging in (a checked local path).
    pub next: Option<String>,
    /// The account this browser is logged in to already, which a new login
    /// replaces (for every tab).
    pub replacing: Option<String>,
    /// A demo's password, shown beside the form.
    pub password_hint: Option<String>,
}

/// One link in the breadcrumb trail.
#[derive(Debug, Clone)]
pub struct Crumb {
    pub label: String,
    pub href: String,
}

/// What an entry is, for the link and the row's `data-kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Dir,
    File,
    /// A symbolic link; `href` browses it when it may be a directory.
    Symlink,
    /// A device, socket or pipe.
    Other,
    /// A line ftpgate could not read, or a name no file can have: shown
    /// (escaped), never linked or acted on.
    Invalid,
}

impl EntryKind {
    /// The word in `data-kind`, row classes and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Dir => "dir",
            EntryKind::File => "file",
            EntryKind::Symlink => "link",
            EntryKind::Other => "other",
            EntryKind::Invalid => "invalid",
        }
    }
}

/// Which symbol of the icon sprite (`assets/icons.svg`) an entry shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    Folder,
    File,
    Link,
    Image,
    Archive,
    Text,
    Other,
}

impl Icon {
    /// The symbol's id in the sprite, also the icon's class suffix.
    pub fn id(self) -> &'static str {
        match self {
            Icon::Folder => "dir",
            Icon::File => "file",
            Icon::Link => "link",
            Icon::Image => "image",
            Icon::Archive => "archive",
            Icon::Text => "text",
            Icon::Other => "other",
        }
    }

    /// What a screen reader says for it.
    pub fn label(self) -> &'static str {
        match self {
            Icon::Folder => "Folder",
            Icon::File => "File",
            Icon::Link => "Link",
            Icon::Image => "Image",
            Icon::Archive => "Archive",
            Icon::Text => "Text file",
            Icon::Other => "Other",
        }
    }
}

/// One row of a listing.
#[derive(Debug, Clone)]
pub struct EntryView {
    /// The name, decoded lossily for display.
    pub name: String,
    pub kind: EntryKind,
    pub icon: Icon,
    /// Browse link for directories (and symlinks); for files the preview
    /// page when ftpgate can show them (`previews`), else the download.
    pub href: String,
    /// For files the download (the row's Download action); for symlinks
    /// too, since a link may point to a file.
    pub download_href: Option<String>,
    /// A file whose name opens its preview page.
    pub previews: bool,
    /// "1.5 MiB"; exact bytes go in `size_exact` for the `title`.
    pub size_human: Option<String>,
    pub size_exact: Option<String>,
    /// Bytes, for `data-size` (the script sorts and filters rows with it).
    pub size_bytes: Option<u64>,
    /// "3 minutes ago", the exact "2026-11-28 14:03 UTC" for `title`, the
    /// ISO 8601 form for `datetime`, and Unix seconds for `data-modified`.
    pub modified: Option<String>,
    pub modified_exact: Option<String>,
    pub modified_iso: Option<String>,
    pub modified_secs: Option<i64>,
    pub link_target: Option<String>,
    /// `GET /rename/<path>` and `GET /delete/<path>`: the pages that work without JS.
    pub rename_href: String,
    pub delete_href: String,
    /// `GET /edit/<path>`, for a text-like file.
    pub edit_href: Option<String>,
    /// The mode as `rw-r--r--` and `0644`, when the listing told it, and
    /// the permissions page it links to (`GET /chmod/<path>`).
    pub mode_letters: Option<String>,
    pub mode_octal: Option<String>,
    pub chmod_href: String,
    /// The selection checkbox's value: the name, percent-encoded (a name
    /// need not be UTF-8); `None` for an entry that is never acted on.
    pub select_value: Option<String>,
    /// The checkbox comes ticked ("Select all on this page").
    pub selected: bool,
}

/// A sortable column header.
#[derive(Debug, Clone)]
pub struct SortHeader {
    /// "Name", "Size", "Modified".
    pub label: &'static str,
    /// The `th` class: `name`, `size`, `modified`.
    pub class: &'static str,
    /// `?sort=size&order=desc` (keeps the filter).
    pub href: String,
    /// `ascending`/`descending` on the current column.
    pub aria_sort: Option<&'static str>,
}

/// The frame of a directory page: all of it but the entries, known before
/// the listing is read (so it can leave at once).
#[derive(Debug, Clone)]
pub struct Folder {
    /// The directory as text, e.g. `/pub/music`.
    pub path: String,
    pub crumbs: Vec<Crumb>,
    pub parent_href: Option<String>,
    /// The filter text (`?q=`), and the sort to keep when filtering.
    pub q: String,
    pub sort: &'static str,
    pub order: &'static str,
    /// This listing's URL, the filter form's action.
    pub href: String,
    pub csrf: String,
    /// `POST` target of the upload form (`/upload/<dir>/`).
    pub upload_action: String,
    /// `POST` target of the new-folder form (`/mkdir/<dir>/`), and of
    /// the new-empty-file one (`/new-file/<dir>/`).
    pub mkdir_action: String,
    pub new_file_action: String,
    /// The folder as a ZIP (`/zip/<dir>/`).
    pub zip_href: String,
    /// `/search/<dir>/`: the filter's text, in every folder below.
    pub search_href: String,
    /// The confirmation for deleting the ticked entries (`/delete-selected/<dir>/`).
    pub delete_selected_href: String,
    /// The folder picker for moving them (`/move-selected/<dir>/`), and for
    /// copying them (`/copy-selected/<dir>/`).
    pub move_selected_href: String,
    pub copy_selected_href: String,
    /// The current directory, as the hidden `cwd` of the download-by-name form.
    pub cwd: String,
    /// Link to the same listing as JSON.
    pub json_href: String,
}

/// The part of a directory page that needs the entries: the count, the
/// pager and the table around one page of rows.
#[derive(Debug, Clone)]
pub struct Contents {
    /// The directory as text, for the table's caption.
    pub path: String,
    /// Entries in the folder, before the filter.
    pub total: usize,
    /// Entries the filter kept (all of them without one).
    pub matched: usize,
    pub q: String,
    /// The unfiltered listing ("Show all").
    pub href: String,
    pub headers: Vec<SortHeader>,
    pub pager: Pager,
    /// How many rows this page shows (they are written after the head).
    pub rows: usize,
    /// This page with every checkbox ticked (`&select=all`).
    pub select_all_href: String,
}

/// Where a page of rows sits among the pages of a listing.
#[derive(Debug, Clone)]
pub struct Pager {
    /// 1-based; past `pages` when the address asked for a page that isn't there.
    pub page: usize,
    pub pages: usize,
    /// Position of the first row shown, 1-based (0 when none).
    pub first_row: usize,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub last_href: String,
    /// The jump form keeps these: the listing's URL, sort, order and filter.
    pub action: String,
    pub sort: &'static str,
    pub order: &'static str,
    pub q: String,
}

/// A listing that failed after its page had begun: said in the page.
#[derive(Debug, Clone)]
pub struct ListingFailed {
    pub title: String,
    pub message: String,
    pub server_said: Option<String>,
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
    /// A list under the message (what a recursive delete could not remove).
    pub details: Vec<String>,
    /// Where to go from here (the listing, or the login page).
    pub back_href: String,
}

/// The "really delete?" page, the no-JavaScript confirmation.
#[derive(Debug, Clone)]
pub struct DeleteConfirm {
    /// The name and full path, for display.
    pub name: String,
    pub path: String,
    pub kind: EntryKind,
    /// For a folder: what is inside it (recursively).
    pub files: usize,
    pub folders: usize,
    /// A non-empty folder: the form sends `recursive=1`.
    pub recursive: bool,
    /// `POST /delete/<path>`.
    pub action: String,
    pub csrf: String,
    /// The folder holding it (Cancel).
    pub back_href: String,
}

/// The confirmation before deleting several entries of a folder.
#[derive(Debug, Clone)]
pub struct DeleteMany {
    /// The folder they are in, for display.
    pub folder: String,
    pub items: Vec<DeleteManyItem>,
    /// Everything that goes, the entries themselves included.
    pub files: usize,
    pub folders: usize,
    /// `POST /delete-selected/<dir>/`.
    pub action: String,
    pub csrf: String,
    /// The folder (Cancel).
    pub back_href: String,
}

/// The folder picker for moving several entries.
#[derive(Debug, Clone)]
pub struct MovePicker {
    /// "Move" or "Copy".
    pub verb: &'static str,
    pub count: usize,
    /// Where they are now, and the folder being looked at.
    pub folder: String,
    pub pick: String,
    /// The picker one folder up, unless at the top.
    pub parent_href: Option<String>,
    pub folders: Vec<PickFolder>,
    /// The items, percent-encoded, sent back as `item`.
    pub items: Vec<String>,
    /// `POST /move-selected/<dir>/`.
    pub action: String,
    pub csrf: String,
    pub back_href: String,
}

/// A folder to browse into in a [`MovePicker`].
#[derive(Debug, Clone)]
pub struct PickFolder {
    pub name: String,
    pub href: String,
}

/// One entry of a [`DeleteMany`].
#[derive(Debug, Clone)]
pub struct DeleteManyItem {
    pub name: String,
    /// The name percent-encoded, sent back as `item`.
    pub value: String,
    pub kind: EntryKind,
    /// For a folder: what is inside it.
    pub files: usize,
    pub folders: usize,
}

/// The rename/move form page, the no-JavaScript way to rename.
#[derive(Debug, Clone)]
pub struct RenameForm {
    pub name: String,
    pub path: String,
    /// For the script: only a file's name has an extension to keep.
    pub kind: EntryKind,
    /// `POST /rename/<path>`.
    pub action: String,
    pub csrf: String,
    pub back_href: String,
}

/// The top of a search's page (`/search/<dir>/?q=`).
#[derive(Debug, Clone)]
pub struct SearchHead {
    pub crumbs: Vec<Crumb>,
    /// The folder searched, as shown.
    pub path: String,
    pub q: String,
    /// Back to the folder, its filter set to the same text.
    pub folder_href: String,
    pub json_href: String,
}

/// One match, as its line in the results.
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub name: String,
    pub kind: EntryKind,
    /// Opens it (browse a folder or link, download a file).
    pub href: String,
    /// The folder it is in, as shown, and its listing.
    pub folder: String,
    pub folder_href: String,
    pub size: Option<String>,
}

/// The end of a search's page: what was read and why it stopped.
#[derive(Debug, Clone)]
pub struct SearchEnd {
    pub summary: String,
    /// Why not everything was read, when it was not.
    pub stopped: Option<String>,
}

/// How the preview page shows its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Image,
    /// An `<img>` of it, and its source as text.
    Svg,
    Text,
    Pdf,
    Audio,
    Video,
    /// No preview for this kind of file: only the download.
    Nothing,
}

/// The preview page: one file shown in the page, with its download, the
/// way back and the previous and next previewable files of its folder.
#[derive(Debug, Clone)]
pub struct Preview {
    pub name: String,
    /// The folder it is in, as text.
    pub folder: String,
    pub crumbs: Vec<Crumb>,
    pub shown: Shown,
    /// `/download/<path>?inline=1`: what the image, player or frame loads.
    pub inline_href: String,
    /// `/download/<path>`: the attachment.
    pub download_href: String,
    /// The folder's listing, in the order the preview came from.
    pub back_href: String,
    /// "1.5 MiB", and the exact bytes for its `title`.
    pub size: Option<String>,
    pub size_exact: Option<String>,
    pub prev: Option<Neighbour>,
    pub next: Option<Neighbour>,
    /// "3 of 12": this file among the folder's previews.
    pub position: Option<(usize, usize)>,
    /// For text: said above it when only its start is shown.
    pub cut: Option<String>,
}

/// The previous or next previewable file.
#[derive(Debug, Clone)]
pub struct Neighbour {
    pub name: String,
    pub href: String,
}
