//! # Views
//!
//! HTML pages built with maud at compile time. Handlers fill the view models
//! in [`model`] and call a function in [`pages`]; templates never see FTP types,
//! and every user-controlled string is escaped by maud.

pub mod browse;
pub mod chmod;
#[cfg(feature = "doctor")]
pub mod doctor;
pub mod edit;
mod layout;
pub mod model;
pub mod pages;
mod parts;
pub mod preview;

#[cfg(test)]
mod tests {
    use super::model::*;
    use super::pages;

    /// A hostile string carrying `tag`, so each field's escaping is checked separately.
    fn evil(tag: &str) -> String {
        format!("<script>alert({tag})</script> & \"qq\"")
    }

    /// What `evil(tag)` must look like in the page.
    fn escaped(tag: &str) -> String {
        format!("&lt;script&gt;alert({tag})&lt;/script&gt; &amp; &quot;qq&quot;")
    }

    fn assert_escaped(html: &str, tags: &[&str]) {
        for tag in tags {
            assert!(
                html.contains(&escaped(tag)),
                "{tag} is not rendered escaped"
            );
        }
        assert!(!html.contains("<script>alert"), "raw script in {html}");
        assert!(!html.contains("\"qq\""), "raw quote in {html}");
    }

    fn logged_in() -> Layout {
        Layout {
            title: evil("title"),
            account: Some(evil("account")),
            encrypted: Some(true),
            csrf: Some(evil("csrf")),
            flash: Some(Flash {
                kind: FlashKind::Error,
                text: evil("flash"),
            }),
        }
    }

    fn logged_out() -> Layout {
        Layout {
            title: "Log in".into(),
            ..Layout::default()
        }
    }

    fn login_form() -> LoginForm {
        LoginForm {
            host: "ftp.example.com".into(),
            port: "2121".into(),
            user: "alice".into(),
            host_locked: false,
            tls: "prefer".into(),
            tls_locked: false,
            mode: "auto".into(),
            mode_locked: false,
            trust: None,
            csrf: "tok123".into(),
            error: None,
            next: None,
            replacing: None,
            password_hint: None,
        }
    }

    fn entry(name: &str, kind: EntryKind) -> EntryView {
        EntryView {
            name: name.into(),
            kind,
            icon: Icon::File,
            href: format!("/x/{}", name.len()),
            download_href: None,
            previews: false,
            size_human: Some("1.5 MiB".into()),
            size_exact: Some("1,572,864 bytes".into()),
            size_bytes: Some(1_572_864),
            modified: Some("3 minutes ago".into()),
            modified_exact: Some("2026-11-28 14:03 UTC".into()),
            modified_iso: Some("2026-11-28T14:03:00Z".into()),
            modified_secs: Some(1_795_874_580),
            link_target: None,
            rename_href: format!("/rename/x/{}", name.len()),
            delete_href: format!("/delete/x/{}", name.len()),
            edit_href: Some(format!("/edit/x/{}", name.len())),
            mode_letters: Some("rw-r--r--".into()),
            mode_octal: Some("0644".into()),
            chmod_href: format!("/chmod/x/{}", name.len()),
            select_value: Some(name.to_string()),
            selected: false,
        }
    }

    fn crumb(label: &str, href: &str) -> Crumb {
        Crumb {
            label: label.into(),
            href: href.into(),
        }
    }

    /// A browse page's view models and its rows.
    struct Listing {
        folder: Folder,
        contents: Contents,
        entries: Vec<EntryView>,
    }

    /// The browse page as the handler streams it, in one string.
    fn browse_page(layout: &Layout, l: &Listing) -> maud::Markup {
        let page = super::browse::page(layout, &l.folder);
        let inner = super::browse::contents(&l.contents);
        let mut html = page.before;
        html.push_str(&inner.before);
        for e in &l.entries {
            html.push_str(&super::browse::row(e).into_string());
        }
        html.push_str(&inner.after);
        html.push_str(&page.after);
        maud::PreEscaped(html)
    }

    fn listing(entries: Vec<EntryView>) -> Listing {
        let folder = Folder {
            path: "/pub/music".into(),
            crumbs: vec![
                crumb("/", "/browse/"),
                crumb("pub", "/browse/pub/"),
                crumb("music", "/browse/pub/music/"),
            ],
            parent_href: Some("/browse/pub/".into()),
            q: String::new(),
            sort: "name",
            order: "asc",
            href: "/browse/pub/music/".into(),
            csrf: "tok123".into(),
            upload_action: "/upload/pub/music/".into(),
            zip_href: "/zip/pub/music/".into(),
            search_href: "/search/pub/music/".into(),
            delete_selected_href: "/delete-selected/pub/music/".into(),
            move_selected_href: "/move-selected/pub/music/".into(),
            copy_selected_href: "/copy-selected/pub/music/".into(),
            mkdir_action: "/mkdir/pub/music/".into(),
            new_file_action: "/new-file/pub/music/".into(),
            cwd: "/pub/music".into(),
            json_href: "/browse/pub/music/?format=json".into(),
        };
        let contents = Contents {
            select_all_href: "?sort=name&order=asc&select=all".into(),
            path: "/pub/music".into(),
            total: entries.len(),
            matched: entries.len(),
            q: String::new(),
            href: "/browse/pub/music/".into(),
            headers: vec![
                SortHeader {
                    label: "Name",
                    class: "name",
                    href: "?sort=name&order=desc".into(),
                    aria_sort: Some("ascending"),
                },
                SortHeader {
                    label: "Size",
                    class: "size",
                    href: "?sort=size&order=desc".into(),
                    aria_sort: None,
                },
                SortHeader {
                    label: "Modified",
                    class: "modified",
                    href: "?sort=modified&order=desc".into(),
                    aria_sort: None,
                },
            ],
            pager: Pager {
                page: 1,
                pages: 1,
                first_row: usize::from(!entries.is_empty()),
                prev_href: None,
                next_href: None,
                last_href: "?sort=name&order=asc".into(),
                action: "/browse/pub/music/".into(),
                sort: "name",
                order: "asc",
                q: String::new(),
            },
            rows: entries.len(),
        };
        Listing {
            folder,
            contents,
            entries,
        }
    }

    fn error_page() -> ErrorPage {
        ErrorPage {
            status: 404,
            title: "Not found".into(),
            message: "There is no such file.".into(),
            server_said: Some("550 No such file or directory.".into()),
            details: Vec::new(),
            back_href: "/browse/pub/".into(),
        }
    }

    fn confirm(recursive: bool) -> DeleteConfirm {
        DeleteConfirm {
            name: "old".into(),
            path: "/pub/old".into(),
            kind: EntryKind::Dir,
            files: 12,
            folders: 1,
            recursive,
            action: "/delete/pub/old".into(),
            csrf: "tok123".into(),
            back_href: "/browse/pub/".into(),
        }
    }

    fn rename_form() -> RenameForm {
        RenameForm {
            name: "a.txt".into(),
            path: "/pub/a.txt".into(),
            kind: EntryKind::File,
            action: "/rename/pub/a.txt".into(),
            csrf: "tok123".into(),
            back_href: "/browse/pub/".into(),
        }
    }

    #[test]
    fn delete_confirmation_says_how_much_goes_and_posts_recursive() {
        let html = pages::confirm_delete(&logged_in(), &confirm(true)).into_string();
        assert!(html.contains("Delete this folder and everything in it?"));
        assert!(html.contains("It holds 12 files and 1 folder."));
        // No "and 0 folders".
        let only_files = DeleteConfirm {
            folders: 0,
            ..confirm(true)
        };
        let html = pages::confirm_delete(&logged_in(), &only_files).into_string();
        assert!(html.contains("It holds 12 files."), "{html}");
        assert!(html.contains("method=\"post\" action=\"/delete/pub/old\""));
        assert!(html.contains("name=\"recursive\" value=\"1\""));
        assert!(html.contains("href=\"/browse/pub/\" autofocus>Cancel</a>"));
        let html = pages::confirm_delete(&logged_in(), &confirm(false)).into_string();
        assert!(html.contains("Delete this empty folder?"));
        assert!(!html.contains("recursive"));
        let mut evil_one = confirm(true);
        evil_one.name = evil("cname");
        evil_one.path = evil("cpath");
        let html = pages::confirm_delete(&logged_in(), &evil_one).into_string();
        assert_escaped(&html, &["cname", "cpath"]);
    }

    #[test]
    fn rename_form_is_prefilled_labelled_and_escaped() {
        let html = pages::rename(&logged_in(), &rename_form()).into_string();
        assert!(html.contains("method=\"post\" action=\"/rename/pub/a.txt\""));
        assert!(html.contains("for=\"rename-to\""));
        assert!(html.contains("name=\"to\" value=\"a.txt\""));
        let mut evil_one = rename_form();
        evil_one.name = evil("rname");
        let html = pages::rename(&logged_in(), &evil_one).into_string();
        assert_escaped(&html, &["rname"]);
    }

    fn edit_form() -> super::edit::EditForm {
        super::edit::EditForm {
            name: "a.txt".into(),
            path: "/a.txt".into(),
            action: "/edit/a.txt".into(),
            text: "hello".into(),
            eol: "lf",
            utf8: true,
            ..Default::default()
        }
    }

    fn chmod_form() -> super::chmod::ChmodForm {
        super::chmod::ChmodForm {
            name: "a.txt".into(),
            path: "/a.txt".into(),
            kind: "file",
            octal: "0644".into(),
            letters: "rw-r--r--".into(),
            boxes: Vec::new(),
            action: "/chmod/a.txt".into(),
            csrf: "tok123".into(),
            back_href: "/browse/".into(),
        }
    }

    #[test]
    fn edit_and_chmod_pages_escape_every_field() {
        let mut e = edit_form();
        (e.name, e.path, e.text, e.error) = (
            evil("ename"),
            evil("epath"),
            evil("etext"),
            Some(evil("eerror")),
        );
        (e.size, e.mdtm) = (evil("esize"), evil("emdtm"));
        e.conflict = true;
        let html = super::edit::edit(&logged_in(), &e).into_string();
        assert_escaped(
            &html,
            &["ename", "epath", "etext", "eerror", "esize", "emdtm"],
        );
        let mut c = chmod_form();
        (c.name, c.path, c.octal, c.letters) = (
            evil("cname"),
            evil("cpath"),
            evil("coctal"),
            evil("cletters"),
        );
        let html = super::chmod::chmod(&logged_in(), &c).into_string();
        assert_escaped(&html, &["cname", "cpath", "coctal", "cletters"]);
    }

    /// One of each page, logged in (`true`) and out.
    fn all_pages() -> Vec<(bool, String)> {
        let mut link = entry("l", EntryKind::Symlink);
        link.download_href = Some("/download/l".into());
        link.link_target = Some("/t".into());
        let full = listing(vec![
            entry("d", EntryKind::Dir),
            entry("f", EntryKind::File),
            link,
        ]);
        let mut failed = login_form();
        failed.error = Some("Login incorrect.".into());
        let (inn, out) = (logged_in(), logged_out());
        vec![
            (false, pages::login(&out, &login_form())),
            (true, pages::login(&inn, &failed)),
            (true, browse_page(&inn, &full)),
            (false, browse_page(&out, &listing(vec![]))),
            (true, pages::error(&inn, &error_page())),
            (false, pages::error(&out, &error_page())),
            (true, pages::confirm_delete(&inn, &confirm(true))),
            (true, pages::rename(&inn, &rename_form())),
            (true, super::edit::edit(&inn, &edit_form())),
            (true, super::chmod::chmod(&inn, &chmod_form())),
        ]
        .into_iter()
        .map(|(logged_in, html)| (logged_in, html.into_string()))
        .collect()
    }

    #[test]
    fn browse_escapes_names_paths_crumbs_links_and_the_layout() {
        let mut file = entry(&evil("name"), EntryKind::File);
        file.href = evil("href");
        file.mode_letters = Some(evil("mode"));
        file.mode_octal = Some(evil("octal"));
        file.edit_href = Some(evil("edit"));
        file.chmod_href = evil("chmod");
        let mut link = entry(&evil("link"), EntryKind::Symlink);
        link.link_target = Some(evil("target"));
        let mut list = listing(vec![file, link]);
        list.folder.path = evil("path");
        list.contents.path = evil("path");
        list.folder
            .crumbs
            .push(crumb(&evil("crumb"), &evil("crumbhref")));
        list.folder.cwd = evil("cwd");
        let html = browse_page(&logged_in(), &list).into_string();
        let tags = [
            "name",
            "href",
            "link",
            "target",
            "path",
            "crumb",
            "crumbhref",
            "cwd",
            "mode",
            "octal",
            "edit",
            "chmod",
        ];
        assert_escaped(&html, &tags);
        assert_escaped(&html, &["title", "account", "csrf", "flash"]);
    }

    #[test]
    fn error_page_escapes_title_message_and_server_reply() {
        let page = ErrorPage {
            title: evil("etitle"),
            message: evil("message"),
            server_said: Some(evil("said")),
            ..error_page()
        };
        let html = pages::error(&logged_in(), &page).into_string();
        assert_escaped(&html, &["etitle", "message", "said", "flash"]);
        assert!(html.contains("The server said:"));
        assert!(html.contains("href=\"/browse/pub/\""));
    }

    #[test]
    fn error_page_shows_no_server_block_when_the_server_said_nothing() {
        let page = ErrorPage {
            server_said: None,
            ..error_page()
        };
        let html = pages::error(&logged_out(), &page).into_string();
        assert!(html.contains("404") && html.contains("Not found"));
        assert!(!html.contains("The server said"));
    }

    #[test]
    fn login_escapes_the_error_and_what_was_typed() {
        let form = LoginForm {
            host: evil("host"),
            port: evil("port"),
            user: evil("user"),
            error: Some(evil("error")),
            next: Some(evil("next")),
            replacing: Some(evil("account")),
            password_hint: Some(evil("hint")),
            ..login_form()
        };
        let html = pages::login(&logged_out(), &form).into_string();
        assert_escaped(
            &html,
            &["host", "port", "user", "error", "next", "account", "hint"],
        );
        assert!(html.contains("role=\"alert\""));
    }

    #[test]
    fn login_never_renders_a_password_value() {
        for (_, html) in &all_pages()[..2] {
            let start = html.find("name=\"password\"").expect("password input");
            let tag_start = html[..start].rfind('<').unwrap();
            let tag = &html[tag_start..start + html[start..].find('>').unwrap()];
            assert!(tag.contains("type=\"password\""), "{tag}");
            assert!(tag.contains("autocomplete=\"current-password\""), "{tag}");
            assert!(!tag.contains("value="), "{tag}");
        }
    }

    #[test]
    fn login_form_posts_to_login_with_csrf_and_labelled_fields() {
        let html = pages::login(&logged_out(), &login_form()).into_string();
        assert!(html.contains("method=\"post\" action=\"/login\""));
        assert!(html.contains("<input type=\"hidden\" name=\"csrf\" value=\"tok123\">"));
        for id in ["login-host", "login-port", "login-user", "login-password"] {
            assert!(html.contains(&format!("for=\"{id}\"")), "no label for {id}");
        }
        assert!(html.contains("autocomplete=\"username\""));
        assert!(html.contains("value=\"2121\""));
        assert!(html.contains(">Connect</button>"));
        assert!(
            !html.contains("role=\"alert\""),
            "no error block without an error"
        );
    }

    #[test]
    fn login_offers_the_encryption_choices_or_shows_the_fixed_one() {
        let html = pages::login(&logged_out(), &login_form()).into_string();
        assert!(
            html.contains(r#"<select id="login-tls" name="tls">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<option value="prefer" selected>"#),
            "{html}"
        );
        assert!(html.contains(r#"<option value="require">"#), "{html}");
        let locked = LoginForm {
            tls: "require".into(),
            tls_locked: true,
            ..login_form()
        };
        let html = pages::login(&logged_out(), &locked).into_string();
        assert!(!html.contains(r#"name="tls""#), "{html}");
        assert!(html.contains("Encryption: <strong>TLS only"), "{html}");
        assert!(
            html.contains(r#"<select id="login-mode" name="mode">"#),
            "{html}"
        );
        let mode_locked = LoginForm {
            mode: "active".into(),
            mode_locked: true,
            ..login_form()
        };
        let html = pages::login(&logged_out(), &mode_locked).into_string();
        assert!(!html.contains(r#"name="mode""#), "{html}");
        assert!(html.contains("Data connection: <strong>Active"), "{html}");
        let without_tls = LoginForm {
            tls: String::new(),
            ..login_form()
        };
        assert!(!pages::login(&logged_out(), &without_tls)
            .into_string()
            .contains("Encryption"));
    }

    #[test]
    fn the_top_bar_says_whether_the_ftp_connection_is_encrypted() {
        let html = pages::login(&logged_in(), &login_form()).into_string();
        assert!(html.contains(r#"class="tls tls-on""#), "{html}");
        let plain = Layout {
            encrypted: Some(false),
            ..logged_in()
        };
        let html = pages::login(&plain, &login_form()).into_string();
        assert!(html.contains("not encrypted"), "{html}");
    }

    #[test]
    fn login_port_defaults_to_21_when_empty() {
        let form = LoginForm {
            port: String::new(),
            ..login_form()
        };
        let html = pages::login(&logged_out(), &form).into_string();
        assert!(html.contains("name=\"port\" value=\"21\""));
    }

    #[test]
    fn locked_host_is_shown_as_text_without_host_or_port_inputs() {
        let form = LoginForm {
            host_locked: true,
            ..login_form()
        };
        let html = pages::login(&logged_out(), &form).into_string();
        assert!(!html.contains("name=\"host\""));
        assert!(!html.contains("name=\"port\""));
        assert!(html.contains("ftp.example.com:2121"));
        assert!(html.contains("name=\"user\""));
    }

    #[test]
    fn empty_folder_says_so_instead_of_an_empty_table() {
        let html = browse_page(&logged_in(), &listing(vec![])).into_string();
        assert!(html.contains("This folder is empty."));
        assert!(!html.contains("<table"));
        let html = browse_page(&logged_in(), &listing(vec![entry("a", EntryKind::File)]));
        assert!(!html.into_string().contains("This folder is empty."));
    }

    #[test]
    fn logout_form_appears_only_when_logged_in() {
        for (logged_in, html) in all_pages() {
            assert_eq!(html.contains("action=\"/logout\""), logged_in, "{html}");
            assert_eq!(html.contains(">Log out</button>"), logged_in);
        }
        let html = browse_page(&logged_in(), &listing(vec![])).into_string();
        let logout = &html[html.find("action=\"/logout\"").unwrap()..];
        assert!(logout.contains(&format!("name=\"csrf\" value=\"{}\"", escaped("csrf"))));
    }

    #[test]
    fn no_page_has_inline_style_or_inline_script() {
        for (_, html) in all_pages() {
            assert!(!html.contains("style="), "inline style attribute");
            assert!(!html.contains("<style"), "inline style element");
            let scripts: Vec<_> = html.match_indices("<script").collect();
            assert_eq!(scripts.len(), 1, "exactly the app.js script");
            for (at, _) in scripts {
                let rest = &html[at..];
                let open_end = rest.find('>').unwrap();
                assert!(rest[..open_end].contains(" src=\"/assets/"));
                assert!(
                    rest[open_end + 1..].starts_with("</script>"),
                    "script has a body"
                );
            }
        }
    }

    #[test]
    fn every_page_has_doctype_lang_viewport_title_and_versioned_assets() {
        let css = crate::web::assets::url("app.css");
        let js = crate::web::assets::url("app.js");
        let icon = crate::web::assets::url("favicon.svg");
        for (_, html) in all_pages() {
            assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
            assert!(html.contains("<meta charset=\"utf-8\">"));
            assert!(html.contains("name=\"viewport\""));
            assert!(html.contains("<title>") && html.contains("ftpgate</title>"));
            assert!(html.contains(&format!("rel=\"stylesheet\" href=\"{css}\"")));
            assert!(html.contains(&format!("src=\"{js}\" defer")));
            assert!(html.contains(&format!(
                "rel=\"icon\" type=\"image/svg+xml\" href=\"{icon}\""
            )));
        }
    }

    #[test]
    fn flash_is_dismissable_and_errors_are_alerts() {
        let mut layout = logged_in();
        let html = pages::error(&layout, &error_page()).into_string();
        assert!(html.contains("class=\"flash flash-error\" role=\"alert\""));
        assert!(html.contains("for=\"flash-dismiss\""));
        assert!(html.contains("id=\"flash-dismiss\""));
        // Announced as what it does, not as a checkbox.
        let input = &html[html.find("id=\"flash-dismiss\"").unwrap()..];
        let input = &input[..input.find('>').unwrap()];
        assert!(
            input.contains("role=\"button\" aria-pressed=\"false\"")
                && input.contains("aria-label=\"Dismiss message\""),
            "{input}"
        );
        layout.flash = Some(Flash {
            kind: FlashKind::Success,
            text: "Uploaded.".into(),
        });
        let html = pages::error(&layout, &error_page()).into_string();
        assert!(html.contains("class=\"flash flash-success\" role=\"status\""));
        layout.flash = None;
        let html = pages::error(&layout, &error_page()).into_string();
        assert!(!html.contains("flash-dismiss"));
    }

    #[test]
    fn files_download_directories_browse_and_symlinks_offer_both() {
        let mut link = entry("l", EntryKind::Symlink);
        link.href = "/browse/l/".into();
        link.download_href = Some("/download/l".into());
        link.link_target = Some("/srv/target".into());
        let mut dir = entry("d", EntryKind::Dir);
        dir.href = "/browse/d/".into();
        let mut file = entry("f", EntryKind::File);
        file.href = "/download/f".into();
        let html = browse_page(&logged_in(), &listing(vec![dir, file, link])).into_string();
        assert!(html.contains("href=\"/browse/d/\">d</a>"));
        assert!(html.contains("href=\"/download/f\" download>f</a>"));
        assert!(html.contains("href=\"/browse/l/\">l</a>"));
        assert!(html.contains("→ /srv/target"));
        assert!(html.contains("href=\"/download/l\" download>download</a>"));
    }

    #[test]
    fn rows_carry_exact_size_and_iso_time() {
        let html = browse_page(&logged_in(), &listing(vec![entry("f", EntryKind::File)]));
        let html = html.into_string();
        assert!(html.contains("title=\"1,572,864 bytes\">1.5 MiB</td>"));
        assert!(html.contains("<time datetime=\"2026-11-28T14:03:00Z\""));
        for col in ["Name", "Size", "Modified"] {
            assert!(
                html.contains(&format!(
                    "class=\"sort\" href=\"?sort={}&amp;order=desc\">{col}</a></th>",
                    col.to_lowercase()
                )),
                "{col}"
            );
        }
    }

    #[test]
    fn breadcrumbs_mark_the_last_crumb_current_and_up_needs_a_parent() {
        let mut list = listing(vec![]);
        let html = browse_page(&logged_in(), &list).into_string();
        assert!(html.contains("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><ol>"));
        assert_eq!(html.matches("aria-current=\"page\"").count(), 1);
        assert!(html.contains("href=\"/browse/pub/music/\" aria-current=\"page\">music</a>"));
        assert!(html.contains("href=\"/browse/pub/\">"), "the Up link");
        list.folder.parent_href = None;
        list.folder.crumbs.truncate(1);
        let html = browse_page(&logged_in(), &list).into_string();
        assert!(!html.contains(">Up</a>"));
    }

    #[test]
    fn upload_form_sends_csrf_and_overwrite_before_the_files() {
        let html = browse_page(&logged_in(), &listing(vec![])).into_string();
        let form = &html[html
            .find("action=\"/upload/pub/music/\"")
            .expect("upload form")..];
        assert!(html.contains(
            "method=\"post\" action=\"/upload/pub/music/\" enctype=\"multipart/form-data\""
        ));
        let csrf = form.find("name=\"csrf\" value=\"tok123\"").unwrap();
        let overwrite = form.find("name=\"overwrite\" value=\"1\"").unwrap();
        let files = form
            .find("type=\"file\" name=\"file\" multiple required")
            .unwrap();
        assert!(csrf < overwrite && overwrite < files);
        assert!(form.contains("Replace files that already exist"));
    }

    #[test]
    fn download_by_name_form_gets_path_relative_to_cwd() {
        let html = browse_page(&logged_in(), &listing(vec![])).into_string();
        assert!(html.contains("method=\"get\" action=\"/download\""));
        assert!(html.contains("name=\"path\""));
        assert!(html.contains("<input type=\"hidden\" name=\"cwd\" value=\"/pub/music\">"));
        assert!(html.contains("href=\"/browse/pub/music/?format=json\""));
    }
}
