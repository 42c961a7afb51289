//! New folder, rename/move and delete over HTTP, end to end, against every
//! configured FTP server: success, each error, CSRF, hostile names, and the
//! rule that a change never replaces or loses what is already there.

mod common;

use common::http::{encode, Http, Resp};
use common::{targets, web};
use std::io::Write;

/// POSTs a form to `/<verb><path>`; `json` asks for a JSON answer.
fn post(http: &mut Http, verb: &str, path: &str, fields: &[(&str, &str)], json: bool) -> Resp {
    let url = format!("/{verb}{}", encode(path.as_bytes()));
    let body = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v.as_bytes()).replace('/', "%2F")))
        .collect::<Vec<_>>()
        .join("&");
    let mut headers = vec![("Content-Type", "application/x-www-form-urlencoded")];
    if json {
        headers.push(("Accept", "application/json"));
    }
    http.send("POST", &url, &headers, body.as_bytes())
}

/// Follows a 303 and returns the page it leads to.
fn follow(http: &mut Http, r: &Resp) -> String {
    assert_eq!(r.status, 303, "{}", r.text());
    http.get(r.header("Location").expect("Location")).text()
}

#[test]
fn mkdir_creates_a_folder_and_refuses_existing_and_bad_names() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, mut c, dir) = web::scratch_login(&mut http, &t, "mkdir");
        let r = post(
            &mut http,
            "mkdir",
            &format!("{dir}/"),
            &[("csrf", &csrf), ("name", "new one")],
            false,
        );
        assert_eq!(
            r.header("Location"),
            Some(format!("/browse{}/", encode(dir.as_bytes())).as_str())
        );
        assert!(
            follow(&mut http, &r).contains("Created folder “new one”"),
            "{}",
            t.name
        );
        assert_eq!(common::names(&mut c, &dir), ["new one"], "{}", t.name);
        c.cwd(format!("{dir}/new one"))
            .unwrap_or_else(|e| panic!("{}: not a folder: {e}", t.name));

        let r = post(
            &mut http,
            "mkdir",
            &format!("{dir}/"),
            &[("csrf", &csrf), ("name", "new one")],
            false,
        );
        assert_eq!(r.status, 409, "{}", t.name);
        assert!(r.text().contains("already exists"), "{}", r.text());
        let back = format!(
            "href=\"/browse{}/\">Back to the folder",
            encode(dir.as_bytes())
        );
        assert!(
            r.text().contains(&back),
            "leads back to the folder: {}",
            r.text()
        );
        let r = post(
            &mut http,
            "mkdir",
            &format!("{dir}/"),
            &[("csrf", &csrf), ("name", "j ✓")],
            true,
        );
        assert_eq!(r.status, 200, "{}: {}", t.name, r.text());
        assert!(
            r.text().contains("\"message\":\"Created folder “j ✓”\""),
            "{}",
            r.text()
        );

        for bad in ["", ".", "..", "a/b", "x\r\nDELE y", "nul\0"] {
            let r = post(
                &mut http,
                "mkdir",
                &format!("{dir}/"),
                &[("csrf", &csrf), ("name", bad)],
                true,
            );
            assert_eq!(r.status, 400, "{}: {bad:?}: {}", t.name, r.text());
            assert!(r.text().starts_with("{\"error\":"), "{}", r.text());
        }
        let r = post(
            &mut http,
            "mkdir",
            &format!("{dir}/"),
            &[("name", "no-csrf")],
            false,
        );
        assert_eq!(r.status, 403, "{}", t.name);
        let r = post(
            &mut http,
            "mkdir",
            &format!("{dir}/"),
            &[("csrf", "forged"), ("name", "forged")],
            false,
        );
        assert_eq!(r.status, 403, "{}", t.name);
        let r = post(
            &mut http,
            "mkdir",
            &format!("{dir}/missing/"),
            &[("csrf", &csrf), ("name", "x")],
            true,
        );
        assert_eq!(r.status, 404, "{}: {}", t.name, r.text());
        assert_eq!(
            common::names(&mut c, &dir),
            ["j ✓", "new one"],
            "{}",
            t.name
        );
        c.quit();
        srv.stop();
    }
}

#[test]
fn rename_in_place_move_and_never_replace() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, mut c, dir) = web::scratch_login(&mut http, &t, "rename");
        common::put_file(&mut c, &format!("{dir}/a.txt"), b"contents of a");
        common::put_file(&mut c, &format!("{dir}/b.txt"), b"contents of b");
        c.mkd(format!("{dir}/sub")).unwrap();

        // The no-JavaScript form page.
        let page = http.get(&format!(
            "/rename{}",
            encode(format!("{dir}/a.txt").as_bytes())
        ));
        assert_eq!(page.status, 200, "{}", t.name);
        assert!(
            page.text().contains("name=\"to\" value=\"a.txt\""),
            "{}",
            page.text()
        );

        let r = post(
            &mut http,
            "rename",
            &format!("{dir}/a.txt"),
            &[("csrf", &csrf), ("to", "renamed a.txt")],
            false,
        );
        assert!(
            follow(&mut http, &r).contains("Renamed “a.txt” to “renamed a.txt”"),
            "{}",
            t.name
        );
        assert_eq!(
            common::names(&mut c, &dir),
            ["b.txt", "renamed a.txt", "sub"],
            "{}",
            t.name
        );

        // Onto an existing name: refused, both files as they were.
        let r = post(
            &mut http,
            "rename",
            &format!("{dir}/b.txt"),
            &[("csrf", &csrf), ("to", "renamed a.txt")],
            true,
        );
        assert_eq!(r.status, 409, "{}: {}", t.name, r.text());
        assert_eq!(
            common::get_file(&mut c, &format!("{dir}/b.txt")),
            b"contents of b"
        );
        assert_eq!(
            common::get_file(&mut c, &format!("{dir}/renamed a.txt")),
            b"contents of a"
        );

        // Move by absolute path, a file and then a folder.
        let to = format!("{dir}/sub/moved.txt");
        let r = post(
            &mut http,
            "rename",
            &format!("{dir}/b.txt"),
            &[("csrf", &csrf), ("to", &to)],
            true,
        );
        assert_eq!(r.status, 200, "{}: {}", t.name, r.text());
        assert!(
            r.text().contains(&format!("Moved “b.txt” to {to}")),
            "{}",
            r.text()
        );
        assert_eq!(
            common::names(&mut c, &format!("{dir}/sub")),
            ["moved.txt"],
            "{}",
            t.name
        );
        assert_eq!(common::get_file(&mut c, &to), b"contents of b");
        let r = post(
            &mut http,
            "rename",
            &format!("{dir}/sub"),
            &[("csrf", &csrf), ("to", &format!("{dir}/sub/inner"))],
            true,
        );
        assert_eq!(r.status, 400, "{}: into itself: {}", t.name, r.text());
        let r = post(
            &mut http,
            "rename",
            &format!("{dir}/sub"),
            &[("csrf", &csrf), ("to", "folder ✓")],
            true,
        );
        assert_eq!(r.status, 200, "{}: {}", t.name, r.text());
        assert_eq!(
            common::names(&mut c, &format!("{dir}/folder ✓")),
            ["moved.txt"],
            "{}",
            t.name
        );

        let r = post(
            &mut http,
            "rename",
            &format!("{dir}/gone.txt"),
            &[("csrf", &csrf), ("to", "x")],
            true,
        );
        assert_eq!(r.status, 404, "{}: {}", t.name, r.text());
        assert!(r.text().contains("gone.txt"), "{}", r.text());
        let from = format!("{dir}/renamed a.txt");
        // ("a/b" is a move relative to the folder now: a 404 when there is no a.)
        for bad in ["", "..", "x\r\nDELE b.txt", "renamed a.txt", "/"] {
            let r = post(
                &mut http,
                "rename",
                &from,
                &[("csrf", &csrf), ("to", bad)],
                true,
            );
            assert_eq!(r.status, 400, "{}: {bad:?}: {}", t.name, r.text());
        }
        let r = post(&mut http, "rename", &from, &[("to", "no-csrf")], true);
        assert_eq!(r.status, 403, "{}", t.name);
        let r = post(
            &mut http,
            "rename",
            "/",
            &[("csrf", &csrf), ("to", "root")],
            true,
        );
        assert_eq!(r.status, 400, "{}", t.name);
        assert_eq!(
            common::names(&mut c, &dir),
            ["folder ✓", "renamed a.txt"],
            "{}",
            t.name
        );
        c.quit();
        srv.stop();
    }
}

#[test]
fn delete_files_empty_folders_and_whole_trees_after_confirmation() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, mut c, dir) = web::scratch_login(&mut http, &t, "delete");
        common::put_file(&mut c, &format!("{dir}/file.txt"), b"bye");
        c.mkd(format!("{dir}/empty")).unwrap();
        let tree = format!("{dir}/tree ✓");
        c.mkd(&tree).unwrap();
        c.mkd(format!("{tree}/a")).unwrap();
        c.mkd(format!("{tree}/a/b")).unwrap();
        for (i, f) in ["x.txt", "a/y.txt", "a/b/z.txt", "a/b/w w.txt"]
            .iter()
            .enumerate()
        {
            common::put_file(&mut c, &format!("{tree}/{f}"), &[i as u8; 100]);
        }

        // The confirmation page and its JSON preview say what would go.
        let page = http.get(&format!(
            "/delete{}",
            encode(format!("{dir}/file.txt").as_bytes())
        ));
        assert_eq!(page.status, 200, "{}", t.name);
        assert!(page.text().contains("Delete this file?"), "{}", t.name);
        let page = http.get(&format!("/delete{}", encode(tree.as_bytes())));
        assert!(
            page.text().contains("It holds 4 files and 2 folders."),
            "{}: {}",
            t.name,
            page.text()
        );
        assert!(page.text().contains("name=\"recursive\" value=\"1\""));
        let preview = http
            .get(&format!("/delete{}?format=json", encode(tree.as_bytes())))
            .text();
        assert!(
            preview.ends_with(
                "\"type\":\"dir\",\"empty\":false,\"files\":4,\"folders\":2,\"links\":0}"
            ),
            "{}: {preview}",
            t.name
        );
        let preview = http
            .get(&format!(
                "/delete{}?format=json",
                encode(format!("{dir}/empty").as_bytes())
            ))
            .text();
        assert!(
            preview.contains("\"empty\":true,\"files\":0,\"folders\":0"),
            "{preview}"
        );

        let r = post(
            &mut http,
            "delete",
            &format!("{dir}/file.txt"),
            &[("csrf", &csrf)],
            false,
        );
        assert!(
            follow(&mut http, &r).contains("Deleted “file.txt”"),
            "{}",
            t.name
        );
        let r = post(
            &mut http,
            "delete",
            &format!("{dir}/empty"),
            &[("csrf", &csrf)],
            true,
        );
        assert_eq!(r.status, 200, "{}: {}", t.name, r.text());
        // A tree without recursive=1 is refused and left whole.
        let r = post(&mut http, "delete", &tree, &[("csrf", &csrf)], true);
        assert_eq!(r.status, 409, "{}: {}", t.name, r.text());
        assert!(r.text().contains("not empty"), "{}", r.text());
        assert_eq!(
            common::names(&mut c, &format!("{tree}/a/b")),
            ["w w.txt", "z.txt"]
        );
        let r = post(
            &mut http,
            "delete",
            &tree,
            &[("csrf", &csrf), ("recursive", "1")],
            true,
        );
        assert_eq!(r.status, 200, "{}: {}", t.name, r.text());
        assert!(
            r.text().contains("\"files\":4,\"folders\":2"),
            "{}",
            r.text()
        );
        assert!(
            common::names(&mut c, &dir).is_empty(),
            "{}: {:?}",
            t.name,
            common::names(&mut c, &dir)
        );

        common::put_file(&mut c, &format!("{dir}/kept.txt"), b"kept");
        let r = post(&mut http, "delete", &format!("{dir}/kept.txt"), &[], true);
        assert_eq!(r.status, 403, "{}: no CSRF", t.name);
        let r = post(
            &mut http,
            "delete",
            &format!("{dir}/missing.txt"),
            &[("csrf", &csrf)],
            true,
        );
        assert_eq!(r.status, 404, "{}: {}", t.name, r.text());
        let r = post(
            &mut http,
            "delete",
            "/",
            &[("csrf", &csrf), ("recursive", "1")],
            true,
        );
        assert_eq!(r.status, 400, "{}", t.name);
        let r = http.send(
            "POST",
            &format!("/delete{}%0D%0ADELE%20x", encode(dir.as_bytes())),
            &[],
            b"",
        );
        assert_eq!(r.status, 400, "{}", t.name);
        assert_eq!(common::names(&mut c, &dir), ["kept.txt"], "{}", t.name);
        c.quit();
        srv.stop();
    }
}

#[test]
fn routes_need_a_session_and_the_right_method() {
    let (srv, mut http) = web::start();
    let r = http.get("/rename/x");
    assert_eq!(
        (r.status, r.header("Location")),
        (303, Some("/login?expired=1&next=%2Frename%2Fx"))
    );
    let r = post(&mut http, "mkdir", "/", &[("name", "x")], true);
    assert_eq!(r.status, 401);
    assert_eq!(http.get("/mkdir/").status, 405);
    srv.stop();
}

/// Only the in-process server's files are on this machine's disk: a link to
/// a folder outside the tree must be removed as a link, never walked.
#[test]
fn deleting_a_tree_never_follows_a_symlink_out_of_it() {
    let root = &common::local_server().root;
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (csrf, mut c, dir) = web::scratch_login(&mut http, t, "symlink");
    let outside = root.join(dir.trim_start_matches('/')).join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("keep.txt"), b"keep").unwrap();
    c.mkd(format!("{dir}/tree")).unwrap();
    let tree = root.join(dir.trim_start_matches('/')).join("tree");
    std::os::unix::fs::symlink("../outside", tree.join("to-dir")).unwrap();
    std::os::unix::fs::symlink("../outside/keep.txt", tree.join("to-file")).unwrap();
    let r = post(
        &mut http,
        "delete",
        &format!("{dir}/tree"),
        &[("csrf", &csrf), ("recursive", "1")],
        true,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(!tree.exists());
    assert_eq!(std::fs::read(outside.join("keep.txt")).unwrap(), b"keep");
    c.quit();
    srv.stop();
}

/// vsftpd runs as an unprivileged user in CI, so a folder it may not write
/// gives real "permission denied" answers.
#[test]
fn refusals_by_the_server_are_403_and_a_partial_delete_says_what_is_left() {
    for t in targets().into_iter().filter(|t| t.name == "vsftpd") {
        let Ok(root) = std::env::var("FTPGATE_CI_VSFTPD_ROOT") else {
            panic!("vsftpd is configured but FTPGATE_CI_VSFTPD_ROOT is not set");
        };
        let (srv, mut http) = web::start();
        let (csrf, mut c, dir) = web::scratch_login(&mut http, &t, "denied");
        let base = std::path::Path::new(&root).join(dir.trim_start_matches('/'));
        let locked = base.join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::write(locked.join("stuck.txt"), b"stuck").unwrap();
        common::put_file(&mut c, &format!("{dir}/free.txt"), b"free");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
        let own = std::process::Command::new("chown")
            .arg("root:root")
            .arg(&locked)
            .status();
        assert!(
            own.is_ok_and(|s| s.success()),
            "chown root the locked folder"
        );

        let r = post(
            &mut http,
            "mkdir",
            &format!("{dir}/locked/"),
            &[("csrf", &csrf), ("name", "x")],
            true,
        );
        assert_eq!(r.status, 403, "{}", r.text());
        let r = post(
            &mut http,
            "delete",
            &format!("{dir}/locked/stuck.txt"),
            &[("csrf", &csrf)],
            false,
        );
        assert_eq!(r.status, 403, "{}", r.text());
        assert!(r.text().contains("The server said:"), "{}", r.text());
        let r = post(
            &mut http,
            "rename",
            &format!("{dir}/locked/stuck.txt"),
            &[("csrf", &csrf), ("to", "moved")],
            true,
        );
        assert_eq!(r.status, 403, "{}", r.text());

        let r = post(
            &mut http,
            "delete",
            &dir,
            &[("csrf", &csrf), ("recursive", "1")],
            true,
        );
        assert_eq!(r.status, 403, "{}", r.text());
        let body = r.text();
        assert!(body.contains("Deleted 1 file from"), "{body}");
        assert!(
            body.contains(&format!("{dir}/locked/stuck.txt: not allowed")),
            "{body}"
        );
        assert!(locked.join("stuck.txt").exists());
        assert!(!base.join("free.txt").exists());
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        c.quit();
        srv.stop();
    }
}

/// Names are bytes: a Latin-1 name (not UTF-8) is listed, downloaded,
/// renamed and deleted through its percent-encoded bytes. vsftpd stores
/// such names as sent; libunftp and pyftpdlib take UTF-8 only.
#[test]
fn a_name_that_is_not_utf8_can_be_downloaded_renamed_and_deleted() {
    for t in targets().into_iter().filter(|t| t.name == "vsftpd") {
        let (srv, mut http) = web::start();
        let (csrf, mut c, dir) = web::scratch_login(&mut http, &t, "latin1");
        let mut raw = format!("{dir}/caf").into_bytes();
        raw.extend_from_slice(b"\xe9.txt");
        let mut up = c.stor(&raw).unwrap();
        up.write_all(b"latin-1").unwrap();
        up.finish().unwrap();
        let url_path = format!("{}/caf%E9.txt", encode(dir.as_bytes()));
        let page = http
            .get(&format!("/browse{}/", encode(dir.as_bytes())))
            .text();
        assert!(page.contains("caf\u{fffd}.txt"), "shown lossily: {page}");
        assert!(
            page.contains(&format!("href=\"/download{url_path}\"")),
            "{page}"
        );
        assert_eq!(http.get(&format!("/download{url_path}")).body, b"latin-1");
        let r = http.send(
            "POST",
            &format!("/rename{url_path}"),
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept", "application/json"),
            ],
            format!("csrf={csrf}&to=caf%E9-2.txt").as_bytes(),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let mut renamed = format!("{dir}/caf").into_bytes();
        renamed.extend_from_slice(b"\xe9-2.txt");
        assert_eq!(c.size(&renamed).unwrap(), 7);
        let r = http.send(
            "POST",
            &format!("/delete{}/caf%E9-2.txt", encode(dir.as_bytes())),
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept", "application/json"),
            ],
            format!("csrf={csrf}").as_bytes(),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(c.list(&dir).unwrap().is_empty());
        c.quit();
        srv.stop();
    }
}

/// The data loss of issue 2: `tree/ln -> ../victim` on a server whose MLSD
/// calls the link a folder (pyftpdlib). The preview counts the link as one
/// entry, the delete removes it as a link, and `victim/keep.txt` stays;
/// deleting a link to a folder by its own name removes only the link.
#[test]
fn deleting_a_tree_with_a_link_to_a_folder_never_touches_the_target() {
    for (t, root) in common::targets_with_roots() {
        let (srv, mut http) = web::start();
        let (csrf, mut c, dir) = web::scratch_login(&mut http, &t, "walk-link");
        let base = root.join(dir.trim_start_matches('/'));
        std::fs::create_dir(base.join("victim")).unwrap();
        std::fs::write(base.join("victim/keep.txt"), b"keep").unwrap();
        c.mkd(format!("{dir}/tree")).unwrap();
        common::put_file(&mut c, &format!("{dir}/tree/own.txt"), b"own");
        std::os::unix::fs::symlink("../victim", base.join("tree/ln")).unwrap();
        std::os::unix::fs::symlink("victim", base.join("alias")).unwrap();

        let tree = format!("{dir}/tree");
        let preview = http
            .get(&format!("/delete{}?format=json", encode(tree.as_bytes())))
            .text();
        // libunftp's MLSD calls a link a file; the others show what it is.
        let links = if t.name == "libunftp" { 0 } else { 1 };
        let counts = format!("\"files\":2,\"folders\":0,\"links\":{links}");
        assert!(
            preview.ends_with(&format!("{counts}}}")),
            "{}: {preview}",
            t.name
        );
        let r = post(
            &mut http,
            "delete",
            &tree,
            &[("csrf", &csrf), ("recursive", "1")],
            true,
        );
        assert_eq!(r.status, 200, "{}: {}", t.name, r.text());
        assert!(r.text().contains(&counts), "{}: {}", t.name, r.text());
        assert!(!base.join("tree").exists(), "{}", t.name);
        assert_eq!(
            std::fs::read(base.join("victim/keep.txt")).unwrap(),
            b"keep",
            "{}",
            t.name
        );

        // The link itself, by its name, even with recursive=1.
        let alias = format!("{dir}/alias");
        let preview = http
            .get(&format!("/delete{}?format=json", encode(alias.as_bytes())))
            .text();
        let kind = if t.name == "libunftp" { "file" } else { "link" };
        assert!(
            preview.contains(&format!("\"type\":\"{kind}\"")),
            "{}: {preview}",
            t.name
        );
        let r = post(
            &mut http,
            "delete",
            &alias,
            &[("csrf", &csrf), ("recursive", "1")],
            true,
        );
        assert_eq!(r.status, 200, "{}: {}", t.name, r.text());
        assert!(std::fs::symlink_metadata(base.join("alias")).is_err());
        assert!(base.join("victim/keep.txt").exists(), "{}", t.name);
        c.quit();
        srv.stop();
    }
}

#[test]
fn a_scripts_error_carries_what_the_ftp_server_said() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, _c, dir) = web::scratch_login(&mut http, &t, "server-said");
        // MKD in a folder that is not there: the server's refusal, as JSON.
        let r = post(
            &mut http,
            "mkdir",
            &format!("{dir}/no-such-folder/deeper/"),
            &[("csrf", &csrf), ("name", "x")],
            true,
        );
        let body = r.text();
        assert!(r.status >= 400, "{}: {body}", t.name);
        assert!(body.contains("\"server_said\":\"5"), "{}: {body}", t.name);
        assert!(!body.contains(" failed: "), "{}: {body}", t.name);
        srv.stop();
    }
}
