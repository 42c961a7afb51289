//! # The text editor's pages
//!
//! The edit form (a `<textarea>` that works without script), the same form
//! again when the file changed on the server since it was opened (the
//! user's text kept, with "Reload" and "Save as a copy"), and the page for
//! a file too large to edit here. View models and templates together: no
//! other page uses them.

use super::layout::page;
use super::model::Layout;
use maud::{html, Markup};

/// The edit form, as opened or as sent back.
#[derive(Debug, Clone, Default)]
pub struct EditForm {
    /// The file's name and full path, for display.
    pub name: String,
    pub path: String,
    /// `POST /edit/<path>`, and the same address to open it fresh.
    pub action: String,
    pub download_href: String,
    /// The folder holding it.
    pub back_href: String,
    pub csrf: String,
    /// The text in the box (decoded with replacement characters).
    pub text: String,
    /// What was opened, sent back to tell a change on the server: the
    /// size in bytes and the MDTM time (Unix seconds; empty where the
    /// server has no MDTM), and the line endings to save with.
    pub size: String,
    pub mdtm: String,
    pub eol: &'static str,
    /// The file was valid UTF-8: saving needs no confirmation.
    pub utf8: bool,
    /// What went wrong with the last save (the text is still the user's).
    pub error: Option<String>,
    /// The file changed on the server since it was opened: offer Reload
    /// and Save as a copy instead of Save.
    pub conflict: bool,
}

/// A file over the editor's cap.
#[derive(Debug, Clone)]
pub struct TooLarge {
    pub name: String,
    /// "3.2 MiB", and the cap as "1 MiB".
    pub size: String,
    pub cap: String,
    pub download_href: String,
    pub back_href: String,
}

/// The editor: the file's name, a warning when it was not UTF-8, the
/// box, and Save (or, after a conflict, Reload and Save as a copy).
pub fn edit(layout: &Layout, f: &EditForm) -> Markup {
    let content = html! {
        section.card.editor aria-labelledby="edit-title" {
            h1 #edit-title { "Edit " (f.name) }
            p.muted { (f.path) " · " a href=(f.download_href) download { "Download" } }
            @if let Some(error) = &f.error {
                div #edit-error .form-error role="alert" { p { (error) } }
            }
            @if f.conflict {
                (conflict(f))
            }
            form #edit-form .edit-form.stack method="post" action=(f.action) {
                input type="hidden" name="csrf" value=(f.csrf);
                input type="hidden" name="size" value=(f.size);
                input type="hidden" name="mdtm" value=(f.mdtm);
                input type="hidden" name="eol" value=(f.eol);
                input type="hidden" name="utf8" value=(if f.utf8 { "1" } else { "0" });
                div.field {
                    label for="edit-text" { "Text" }
                    // The HTML parser drops one line break right after
                    // `<textarea>`: this one, so a file's own first empty
                    // line survives.
                    textarea #edit-text name="text" rows="24" spellcheck="false"
                        autocapitalize="off" autocomplete="off" wrap="off" { "\n" (f.text) }
                }
                @if !f.utf8 {
                    (not_utf8())
                }
                div.actions {
                    @if f.conflict {
                        button.button.primary type="submit" name="action" value="copy" { "Save as a copy" }
                        a.button href=(f.action) { "Reload (lose my edits)" }
                    } @else {
                        button.button.primary type="submit" name="action" value="save" { "Save" }
                    }
                    a.button href=(f.back_href) { "Cancel" }
                }
            }
        }
    };
    page(layout, "page-edit", content)
}

/// Partial: what happened on the server, and the two ways on.
fn conflict(f: &EditForm) -> Markup {
    html! {
        div.conflict.form-error role="alert" {
            p {
                strong { "“" (f.name) "” changed on the FTP server since you opened it" }
                " (someone or something else saved it). Nothing was saved."
            }
            p {
                "Your text is still below. " strong { "Save as a copy" }
                " puts it in a new file beside it, replacing nothing; "
                strong { "Reload" } " opens the file as it is now and drops your edits."
            }
        }
    }
}

/// Partial: the warning and confirmation for a file that was not UTF-8.
fn not_utf8() -> Markup {
    html! {
        div.warning.not-utf8 {
            p {
                "This file is not valid UTF-8 text (it may be binary). Bytes that could not be "
                "read are shown as �, and saving writes them as that character: the original "
                "bytes would be lost."
            }
            label.check {
                input type="checkbox" name="lossy" value="1";
                " Save anyway, replacing the unreadable bytes"
            }
        }
    }
}

/// "Too large to edit here": its size, the cap, and the download.
pub fn too_large(layout: &Layout, t: &TooLarge) -> Markup {
    let content = html! {
        section.card.narrow aria-labelledby="large-title" {
            h1 #large-title { "Too large to edit here" }
            p {
                "“" (t.name) "” is " (t.size) "; ftpgate edits text files of up to "
                (t.cap) " in the browser. Download it to edit it on your computer."
            }
            div.actions {
                a.button.primary href=(t.download_href) download { "Download" }
                a.button href=(t.back_href) { "Back to the folder" }
            }
        }
    };
    page(layout, "page-edit", content)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> EditForm {
        EditForm {
            name: "<b>n&</b>".into(),
            path: "/d/<b>n&</b>".into(),
            action: "/edit/d/n".into(),
            text: "\nfirst line was empty </textarea><script>x</script>".into(),
            eol: "lf",
            utf8: true,
            ..EditForm::default()
        }
    }

    #[test]
    fn the_box_keeps_a_leading_line_break_and_escapes_the_text() {
        let html = edit(&Layout::default(), &form()).into_string();
        assert!(html.contains("wrap=\"off\">\n\nfirst line"), "{html}");
        assert!(!html.contains("</textarea><script>"), "{html}");
        assert!(html.contains("&lt;/textarea&gt;&lt;script&gt;"), "{html}");
        assert!(!html.contains("<b>n&"), "{html}");
        assert!(html.contains("value=\"save\""));
        assert!(
            !html.contains("name=\"lossy\""),
            "UTF-8 needs no confirmation"
        );
    }

    #[test]
    fn a_conflict_offers_reload_and_a_copy_instead_of_save() {
        let f = EditForm {
            conflict: true,
            utf8: false,
            ..form()
        };
        let html = edit(&Layout::default(), &f).into_string();
        assert!(html.contains("value=\"copy\""), "{html}");
        assert!(html.contains("href=\"/edit/d/n\">Reload"), "{html}");
        assert!(!html.contains("value=\"save\""), "{html}");
        assert!(html.contains("name=\"lossy\""), "{html}");
        assert!(html.contains("name=\"utf8\" value=\"0\""), "{html}");
    }
}
