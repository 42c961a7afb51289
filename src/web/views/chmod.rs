//! # The permissions page
//!
//! Nine checkboxes (owner, group, others × read, write, execute) and the
//! same mode in octal, in one form that works without script; the script
//! keeps the two in step. The handler reads the octal field when it was
//! changed from what the page showed, else the boxes.

use super::layout::page;
use super::model::Layout;
use maud::{html, Markup};

/// One checkbox: its bit (in octal, the value it sends), its label, ticked.
#[derive(Debug, Clone)]
pub struct ModeBox {
    pub bit: String,
    pub who: &'static str,
    pub what: &'static str,
    pub checked: bool,
}

/// The chmod form for one entry.
#[derive(Debug, Clone)]
pub struct ChmodForm {
    pub name: String,
    pub path: String,
    /// "file", "folder" or "link", for the heading.
    pub kind: &'static str,
    /// The mode shown: `0644` and `rw-r--r--`, or empty when the listing
    /// did not tell it.
    pub octal: String,
    pub letters: String,
    pub boxes: Vec<ModeBox>,
    /// `POST /chmod/<path>`.
    pub action: String,
    pub csrf: String,
    pub back_href: String,
}

/// The permissions form: the boxes in a table, the octal field, Change.
pub fn chmod(layout: &Layout, c: &ChmodForm) -> Markup {
    let content = html! {
        section.card.narrow aria-labelledby="chmod-title" {
            h1 #chmod-title { "Permissions of this " (c.kind) }
            p.confirm-name { strong { (c.name) } br; span.muted { (c.path) } }
            @if c.octal.is_empty() {
                p.hint { "The server's listing does not say what they are now." }
            } @else {
                p { "Now: " code.mode { (c.letters) } " (" (c.octal) ")" }
            }
            form #chmod-form .chmod-form.stack method="post" action=(c.action) {
                input type="hidden" name="csrf" value=(c.csrf);
                input type="hidden" name="was" value=(c.octal);
                fieldset.mode-boxes {
                    legend { "Who may do what" }
                    @for who in ["Owner", "Group", "Others"] {
                        div.mode-row {
                            span.mode-who { (who) }
                            @for b in c.boxes.iter().filter(|b| b.who == who) {
                                label.check {
                                    input type="checkbox" name="bit" value=(b.bit) checked[b.checked]
                                        aria-label={ (b.who) " " (b.what) };
                                    " " (b.what)
                                }
                            }
                        }
                    }
                }
                div.field {
                    label for="chmod-mode" { "Or as octal" }
                    input #chmod-mode type="text" name="mode" value=(c.octal) inputmode="numeric"
                        pattern="[0-7]{1,4}" maxlength="4" autocomplete="off"
                        aria-describedby="chmod-hint";
                    p #chmod-hint .hint {
                        "One to four digits 0–7, such as 644 or 0755. When you change it, it "
                        "wins over the boxes."
                    }
                }
                div.actions {
                    button.button.primary type="submit" { "Change permissions" }
                    a.button href=(c.back_href) { "Cancel" }
                }
            }
        }
    };
    page(layout, "page-chmod", content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_are_labelled_ticked_and_names_escaped() {
        let boxes = vec![
            ModeBox {
                bit: "0400".into(),
                who: "Owner",
                what: "read",
                checked: true,
            },
            ModeBox {
                bit: "0004".into(),
                who: "Others",
                what: "read",
                checked: false,
            },
        ];
        let c = ChmodForm {
            name: "<i>x</i>".into(),
            path: "/<i>x</i>".into(),
            kind: "file",
            octal: "0400".into(),
            letters: "r--------".into(),
            boxes,
            action: "/chmod/%3Ci%3Ex".into(),
            csrf: "t".into(),
            back_href: "/browse/".into(),
        };
        let html = chmod(&Layout::default(), &c).into_string();
        assert!(!html.contains("<i>x"), "{html}");
        assert!(
            html.contains("value=\"0400\" checked aria-label=\"Owner read\""),
            "{html}"
        );
        assert!(
            html.contains("value=\"0004\" aria-label=\"Others read\""),
            "{html}"
        );
        assert!(html.contains("name=\"was\" value=\"0400\""), "{html}");
        assert!(html.contains("name=\"mode\" value=\"0400\""), "{html}");
    }
}
