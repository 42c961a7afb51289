//! Permissions over HTTP: the mode column from LIST and MLSD, the chmod
//! page, `SITE CHMOD` against the real servers that offer it (the mode
//! checked on their disk), and the clear refusal where a server lacks it.

mod common;

use common::fake::{self, expect, send, Fake, Step};
use common::http::{encode, Http};
use common::{targets_with_roots, web, Target};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// The steps ftpgate's login sends: the client login, then PWD.
fn web_login(features: &[&str]) -> Vec<Step> {
    let mut steps = fake::login(features);
    steps.extend([expect("PWD"), send("257 \"/\" is home\r\n")]);
    steps
}

fn mode_on_disk(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn chmod(http: &mut Http, path: &str, fields: &[(&str, &[u8])]) -> common::http::Resp {
    http.post_form(&format!("/chmod{}", encode(path.as_bytes())), fields)
}

#[test]
fn the_listing_shows_the_mode_from_list() {
    let mut steps = web_login(&[]);
    steps.extend([
        expect("CWD /"),
        send("250 ok\r\n"),
        expect("EPSV"),
        Step::Epsv,
        expect("LIST"),
        send("150 here\r\n"),
        Step::DataSend(
            b"-rw-r-----    1 ftp      ftp             5 Feb 29 13:45 secret.txt\r\n\
              drwxr-sr-x    2 ftp      ftp          4096 Feb 29 13:45 shared\r\n\
              02-29-24  01:45PM                 1024 iis.txt\r\n"
                .to_vec(),
        ),
        send("226 done\r\n"),
    ]);
    let server = Fake::start(steps);
    let (srv, mut http) = web::start();
    assert_eq!(
        web::login_as(&mut http, "127.0.0.1", server.port, "u", "p").status,
        303
    );
    let page = http.get("/browse/").text();
    assert!(
        page.contains("<th class=\"perms\" scope=\"col\">Permissions</th>"),
        "{page}"
    );
    assert!(
        page.contains(
            "<a class=\"mode\" href=\"/chmod/secret.txt\" title=\"0640: change the permissions\" \
             aria-label=\"Permissions of secret.txt: rw-r----- (0640)\"><code>rw-r-----</code></a>"
        ),
        "{page}"
    );
    assert!(page.contains("<code>rwxr-sr-x</code>"), "setgid: {page}");
    assert!(
        !page.contains("href=\"/chmod/iis.txt\""),
        "no mode, no link: {page}"
    );
    server.join();
    srv.stop();
}

#[test]
fn the_json_listing_carries_the_unix_mode_fact_from_mlsd() {
    let mut steps = web_login(&["MLSD"]);
    steps.extend([
        expect("EPSV"),
        Step::Epsv,
        expect("MLSD /"),
        send("150 here\r\n"),
        Step::DataSend(
            b"type=file;size=3;UNIX.mode=0754; run.sh\r\ntype=file;size=1;UNIX.mode=99; odd\r\n"
                .to_vec(),
        ),
        send("226 done\r\n"),
    ]);
    let server = Fake::start(steps);
    let (srv, mut http) = web::start();
    web::login_as(&mut http, "127.0.0.1", server.port, "u", "p");
    let body = http.get("/browse/?format=json").text();
    assert!(
        body.contains(
            "\"name\":\"run.sh\",\"type\":\"file\",\"size\":3,\"modified\":null,\"mode\":\"0754\""
        ),
        "{body}"
    );
    assert!(
        body.contains(
            "\"name\":\"odd\",\"type\":\"file\",\"size\":1,\"modified\":null,\"mode\":null,"
        ),
        "a bad fact is no mode: {body}"
    );
    server.join();
    srv.stop();
}

#[test]
fn a_550_to_site_chmod_says_the_server_does_not_allow_it() {
    let mut steps = web_login(&["MLSD"]);
    steps.extend([
        expect("EPSV"),
        Step::Epsv,
        expect("MLSD /"),
        send("150 here\r\n"),
        Step::DataSend(b"type=file;size=1;UNIX.mode=0644; f.txt\r\n".to_vec()),
        send("226 done\r\n"),
        expect("SITE CHMOD 600 /f.txt"),
        send("550 Permission denied.\r\n"),
    ]);
    let server = Fake::start(steps);
    let (srv, mut http) = web::start();
    web::login_as(&mut http, "127.0.0.1", server.port, "u", "p");
    let csrf = web::csrf_from_page(&mut http, "/login");
    let r = chmod(
        &mut http,
        "/f.txt",
        &[("csrf", csrf.as_bytes()), ("mode", b"600")],
    );
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(
        r.text().contains(
            "This FTP server does not allow changing permissions (it said “550 Permission denied.”)"
        ),
        "{}",
        r.text()
    );
    server.join();
    srv.stop();
}

/// Logs in over HTTP and makes a file and a folder with the FTP client.
fn setup(http: &mut Http, t: &Target, root: &Path) -> (String, String, std::path::PathBuf) {
    let csrf = web::login(http, t);
    let mut c = t.login();
    let dir = String::from_utf8(common::scratch(&mut c, "chmod")).unwrap();
    common::put_file(&mut c, &format!("{dir}/run me.sh"), b"#!/bin/sh\n");
    c.mkd(format!("{dir}/box")).unwrap();
    let disk = root.join(dir.trim_start_matches('/'));
    (csrf, dir, disk)
}

#[test]
fn site_chmod_changes_the_mode_where_the_server_offers_it() {
    for (t, root) in targets_with_roots() {
        let (srv, mut http) = web::start();
        let (csrf, dir, disk) = setup(&mut http, &t, &root);
        let file = format!("{dir}/run me.sh");
        let before = mode_on_disk(&disk.join("run me.sh"));
        let page = http.get(&format!("/chmod{}", encode(file.as_bytes())));
        assert_eq!(page.status, 200, "{}: {}", t.name, page.text());
        let shown = format!("{before:04o}");
        assert!(
            page.text()
                .contains(&format!("name=\"was\" value=\"{shown}\"")),
            "{}: the page shows the mode the listing told: {}",
            t.name,
            page.text()
        );
        let r = chmod(
            &mut http,
            &file,
            &[("csrf", csrf.as_bytes()), ("mode", b"0750")],
        );
        if t.name == "libunftp" {
            // libunftp has no SITE CHMOD.
            assert!(matches!(r.status, 501 | 403), "{}: {}", t.name, r.text());
            assert!(
                r.text()
                    .contains("This FTP server does not allow changing permissions (it said “"),
                "{}",
                r.text()
            );
            assert_eq!(mode_on_disk(&disk.join("run me.sh")), before, "unchanged");
            srv.stop();
            continue;
        }
        assert_eq!(r.status, 303, "{}: {}", t.name, r.text());
        let next = http.get(r.header("Location").unwrap()).text();
        assert!(
            next.contains("Changed the permissions of “run me.sh” to rwxr-x--- (0750)"),
            "{}: {next}",
            t.name
        );
        assert_eq!(mode_on_disk(&disk.join("run me.sh")), 0o750, "{}", t.name);
        assert!(
            next.contains("<code>rwxr-x---</code>"),
            "{}: the listing shows it: {next}",
            t.name
        );

        // The boxes, when the octal field is left as the page showed it.
        let boxes: [(&str, &[u8]); 7] = [
            ("csrf", csrf.as_bytes()),
            ("was", b"0750"),
            ("mode", b"0750"),
            ("bit", b"0400"),
            ("bit", b"0200"),
            ("bit", b"0040"),
            ("bit", b"0004"),
        ];
        let r = chmod(&mut http, &file, &boxes);
        assert_eq!(r.status, 303, "{}: {}", t.name, r.text());
        assert_eq!(mode_on_disk(&disk.join("run me.sh")), 0o644, "{}", t.name);

        // A folder too.
        let r = chmod(
            &mut http,
            &format!("{dir}/box"),
            &[("csrf", csrf.as_bytes()), ("mode", b"700")],
        );
        assert_eq!(r.status, 303, "{}: {}", t.name, r.text());
        assert_eq!(mode_on_disk(&disk.join("box")), 0o700, "{}", t.name);
        srv.stop();
    }
}

#[test]
fn bad_modes_are_refused_before_the_server_is_asked() {
    for (t, root) in targets_with_roots() {
        let (srv, mut http) = web::start();
        let (csrf, dir, disk) = setup(&mut http, &t, &root);
        let file = format!("{dir}/run me.sh");
        let before = mode_on_disk(&disk.join("run me.sh"));
        for bad in [
            &b"8"[..],
            b"07777",
            b"10000",
            b"u+x",
            b"-1",
            b"0o644",
            b"6 4",
        ] {
            let r = chmod(
                &mut http,
                &file,
                &[("csrf", csrf.as_bytes()), ("mode", bad)],
            );
            assert_eq!(r.status, 400, "{}: {bad:?}: {}", t.name, r.text());
        }
        let r = chmod(
            &mut http,
            &file,
            &[("csrf", csrf.as_bytes()), ("bit", b"4000")],
        );
        assert_eq!(r.status, 400, "{}: setuid is no box", t.name);
        let r = chmod(&mut http, &file, &[("mode", b"777")]);
        assert_eq!(r.status, 403, "{}: no CSRF token", t.name);
        let r = chmod(
            &mut http,
            &format!("{dir}/missing"),
            &[("csrf", csrf.as_bytes()), ("mode", b"600")],
        );
        assert_eq!(r.status, 404, "{}: {}", t.name, r.text());
        assert_eq!(mode_on_disk(&disk.join("run me.sh")), before, "{}", t.name);
        srv.stop();
    }
}
