//! # Page layout
//!
//! The frame every page shares: head (assets, viewport), the top bar with the
//! account and logout form, and the flash banner. Pages pass only their content.
//! No inline script or style anywhere: the page's CSP forbids both.

use super::model::{Flash, FlashKind, Layout};
use crate::web::assets;
use maud::{html, Markup, DOCTYPE};

/// The product name, in the top bar and every `<title>`.
const PRODUCT: &str = "ftpgate";

/// Wraps a page's `content` in the shared frame. `page_class` names the page
/// on `<body>` (e.g. `page-login`) so the stylesheet can tune each page.
pub(super) fn page(layout: &Layout, page_class: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(layout))
            body class=(page_class) {
                a.skip href="#main" { "Skip to content" }
                (topbar(layout))
                main #main tabindex="-1" {
                    @if let Some(flash) = &layout.flash {
                        (flash_banner(flash))
                    }
                    (content)
                }
            }
        }
    }
}

/// Partial: `<head>` with charset, viewport, title and the external assets.
fn head(layout: &Layout) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="color-scheme" content="light dark";
            title {
                @if layout.title.is_empty() {
                    (PRODUCT)
                } @else {
                    (layout.title) " — " (PRODUCT)
                }
            }
            link rel="icon" type="image/svg+xml" href=(assets::url("favicon.svg"));
            link rel="stylesheet" href=(assets::url("app.css"));
            script src=(assets::url("app.js")) defer {}
        }
    }
}

/// Partial: the top bar: product name, and when logged in the account and logout.
fn topbar(layout: &Layout) -> Markup {
    html! {
        header.topbar {
            div.wrap {
                a.brand href="/" {
                    img src=(assets::url("favicon.svg")) alt="" width="24" height="24";
                    (PRODUCT)
                }
                @if let Some(account) = &layout.account {
                    div.account {
                        span.who title=(account) { (account) }
                        @match layout.encrypted {
                            Some(true) => span.tls.tls-on title="The connection to the FTP server is encrypted (FTPS)." { "TLS" },
                            Some(false) => span.tls.tls-off title="The connection to the FTP server is not encrypted: the server did not offer TLS, or plain FTP was chosen." { "not encrypted" },
                            None => {},
                        }
                        form.logout method="post" action="/logout" {
                            @if let Some(csrf) = &layout.csrf {
                                input type="hidden" name="csrf" value=(csrf);
                            }
                            button.button.quiet type="submit" { "Log out" }
                        }
                    }
                }
            }
        }
    }
}

/// Partial: the one-time message, dismissable without JavaScript: the hidden
/// checkbox before the banner hides it when ticked (through its label, the ×).
fn flash_banner(flash: &Flash) -> Markup {
    let (class, role) = match flash.kind {
        FlashKind::Success => ("flash flash-success", "status"),
        FlashKind::Error => ("flash flash-error", "alert"),
        FlashKind::Info => ("flash flash-info", "status"),
    };
    html! {
        div.flash-wrap {
            // A button to assistive technology: what it does, not the
            // checkbox it is underneath. ARIA in HTML allows that role on a
            // checkbox only as a toggle button, with `aria-pressed` (axe's
            // aria-allowed-role); pressing it hides the banner it belongs to.
            input #flash-dismiss .flash-dismiss .visually-hidden type="checkbox"
                role="button" aria-pressed="false" aria-label="Dismiss message";
            div class=(class) role=(role) {
                p.flash-text { (flash.text) }
                label.flash-close for="flash-dismiss" title="Dismiss" {
                    span aria-hidden="true" { "×" }
                    span.visually-hidden { "Dismiss message" }
                }
            }
        }
    }
}
