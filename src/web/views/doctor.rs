//! # The FTP doctor's page
//!
//! The form (the login form's fields, a write-test box) and, after a
//! check, its steps, the verdict and the plain-text report to copy.

use super::layout::page;
use super::model::{Layout, LoginForm};
use super::pages::{account_fields, encryption_field, first_empty_field, server_fields};
use crate::doctor::{report::millis, Report, Status};
use maud::{html, Markup};

/// A finished check, as the page shows it.
pub struct Checked<'a> {
    pub report: &'a Report,
    /// [`Report::text`].
    pub text: &'a str,
}

/// `/doctor`: the form, and the last check's report under it.
pub fn page_with(
    layout: &Layout,
    form: &LoginForm,
    write_test: bool,
    checked: Option<Checked>,
) -> Markup {
    let focus = first_empty_field(form);
    let content = html! {
        section.card.narrow aria-labelledby="doctor-title" {
            h1 #doctor-title { "FTP doctor" }
            p { "Checks a connection to an FTP server step by step, and says in plain words what works, "
                "what the server said, and what would fix the rest. Nothing is changed on the server "
                "unless you ask for the write test." }
            @if let Some(error) = &form.error {
                div #doctor-error .form-error role="alert" { p { (error) } }
            }
            form.stack method="post" action="/doctor" data-busy="Checking…" {
                input type="hidden" name="csrf" value=(form.csrf);
                (server_fields(form, focus))
                (account_fields(form, focus))
                (encryption_field(form))
                div.field.check {
                    input #doctor-write type="checkbox" name="write" value="1" checked[write_test];
                    label for="doctor-write" { "Also test writing: create, upload, download and delete a temporary file" }
                }
                @if let Some(fingerprint) = &form.trust {
                    input type="hidden" name="trust" value=(fingerprint);
                    p.hint { "The server's certificate could not be verified (see the TLS step below). "
                        "If its fingerprint is the one the server's administrator gives, type the password "
                        "again and press " strong { "Trust and check again" } "." }
                    div { button.button.primary.wide type="submit" { "Trust and check again" } }
                } @else {
                    div { button.button.primary.wide type="submit" { "Run the check" } }
                }
            }
            p.hint { a href="/login" { "Back to the login" } }
        }
        @if let Some(c) = checked {
            (report(&c))
        }
    };
    page(layout, "page-doctor", content)
}

fn status_class(status: Status) -> &'static str {
    match status {
        Status::Ok => "step-ok",
        Status::Note => "step-note",
        Status::Warn => "step-warn",
        Status::Fail => "step-fail",
        Status::Skipped => "step-skip",
    }
}

fn report(c: &Checked) -> Markup {
    let r = c.report;
    html! {
        section.card #doctor-report aria-labelledby="doctor-verdict" {
            h2 #doctor-verdict .verdict.(if r.works { "works" } else { "fails" }) { (r.verdict) }
            p.hint { (r.target) ", " (r.when) }
            ol.doctor-steps {
                @for step in &r.steps {
                    li.(status_class(step.status)) {
                        p.step-head {
                            span.step-status { (step.status.word()) }
                            " " strong { (step.title) }
                            @if let Some(t) = step.took { " " span.step-time { "(" (millis(t)) ")" } }
                        }
                        p { (step.summary) }
                        @if let Some(said) = &step.server_said {
                            p.step-said { "The server said: " code { (said) } }
                        }
                        @if !step.details.is_empty() {
                            ul { @for line in &step.details { li { (line) } } }
                        }
                    }
                }
            }
            h2 { label for="doctor-text" { "Report to copy" } }
            p.hint { "For a forum post or an e-mail to the server's administrator. It never contains the password." }
            textarea #doctor-text readonly rows="16" spellcheck="false" { (c.text) }
            div { button.button #doctor-copy type="button" hidden { "Copy the report" } }
        }
    }
}
