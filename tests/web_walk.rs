//! The tree walk behind "delete folder and everything in it", against
//! scripted servers for each way a server can describe a link to a folder
//! (issue 2: a recursive delete once went through such a link and removed
//! files outside the folder). Every script lists each command ftpgate may
//! send, so a DELE or RMD that should not happen fails the test; the real
//! servers' part is in `web_manage.rs`.

mod common;

use common::fake::{self, expect, send, Fake, Step};
use common::http::{Http, Resp};
use common::web;

/// Greeting, login, FEAT (`features`), TYPE I, then ftpgate's PWD.
fn web_login(features: &[&str]) -> Vec<Step> {
    let mut steps = fake::login(features);
    steps.extend([expect("PWD"), send("257 \"/\" is home\r\n")]);
    steps
}

/// `MLSD dir` answered with `body`.
fn mlsd(dir: &str, body: &str) -> Vec<Step> {
    vec![
        expect("EPSV"),
        Step::Epsv,
        expect(format!("MLSD {dir}")),
        send("150 here\r\n"),
        Step::DataSend(body.as_bytes().to_vec()),
        send("226 done\r\n"),
    ]
}

/// `CWD dir` + `LIST` answered with `body`.
fn list(dir: &str, body: &str) -> Vec<Step> {
    vec![
        expect(format!("CWD {dir}")),
        send("250 ok\r\n"),
        expect("EPSV"),
        Step::Epsv,
        expect("LIST"),
        send("150 here\r\n"),
        Step::DataSend(body.as_bytes().to_vec()),
        send("226 done\r\n"),
    ]
}

/// `CWD path`, then `PWD` answering `pwd`.
fn cwd_pwd(path: &str, pwd: &str) -> Vec<Step> {
    vec![
        expect(format!("CWD {path}")),
        send("250 ok\r\n"),
        expect("PWD"),
        send(&format!("257 \"{pwd}\"\r\n")),
    ]
}

/// `command` answered `250`.
fn ok(command: &str) -> Vec<Step> {
    vec![expect(command), send("250 ok\r\n")]
}

fn dir_line(name: &str) -> String {
    format!("drwxr-xr-x 2 u g 4096 Jan  1  2024 {name}\r\n")
}

/// Logs in to `steps` played by a fake, gets the CSRF token (a JSON listing
/// of `/`, answered by `home`), runs `test`, logs out (QUIT ends every
/// script, so a command the script does not list fails the test).
fn run(
    mut steps: Vec<Step>,
    home: Vec<Step>,
    script: Vec<Step>,
    test: impl FnOnce(&mut Http, &str),
) {
    steps.extend(home);
    steps.extend(script);
    steps.extend([expect("QUIT"), send("221 bye\r\n")]);
    let server = Fake::start(steps);
    let (srv, mut http) = web::start();
    let r = web::login_as(&mut http, "127.0.0.1", server.port, "u", "p");
    assert_eq!(r.status, 303, "{}", r.text());
    let csrf = web::csrf(&mut http, "/browse/");
    test(&mut http, &csrf);
    let r = http.post_form("/logout", &[("csrf", csrf.as_bytes())]);
    assert_eq!(r.status, 303, "{}", r.text());
    server.join();
    srv.stop();
}

fn preview(http: &mut Http, path: &str) -> Resp {
    http.get(&format!("/delete{path}?format=json"))
}

fn delete_tree(http: &mut Http, csrf: &str, path: &str) -> Resp {
    http.send(
        "POST",
        &format!("/delete{path}"),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ],
        format!("csrf={csrf}&recursive=1").as_bytes(),
    )
}

/// What an MLSD server says of `/t` in `/`, and the root checks: LIST of
/// `/` shows a folder, `CWD /t` lands in `/t`.
fn mlsd_root_is_a_folder() -> Vec<Step> {
    let mut s = mlsd("/", "type=dir; t\r\n");
    s.extend(list("/", &dir_line("t")));
    s.extend(cwd_pwd("/t", "/t"));
    s.extend(cwd_pwd("/", "/"));
    s
}

/// pyftpdlib: MLSD says `type=dir` for the link `ln -> ../victim`, its
/// LIST says `l`. The preview counts the link once; the delete removes it
/// with DELE and never lists, enters or RMDs it.
#[test]
fn pyftpdlib_shape_mlsd_dir_with_list_link_is_deleted_as_a_link() {
    let tree = "type=dir;modify=20240101000000; ln\r\ntype=file;size=1; a.txt\r\n";
    let long = "lrwxrwxrwx 1 u g 9 Jan  1  2024 ln -> ../victim\r\n\
                -rw-r--r-- 1 u g 1 Jan  1  2024 a.txt\r\n";
    let walk = || {
        let mut s = mlsd_root_is_a_folder();
        s.extend(mlsd("/t", tree));
        s.extend(list("/t", long));
        s.extend(ok("CWD /"));
        s
    };
    let mut script = walk();
    script.extend(walk());
    script.extend(ok("DELE /t/a.txt"));
    script.extend(ok("DELE /t/ln"));
    script.extend(ok("RMD /t"));
    run(web_login(&["MLSD"]), mlsd("/", ""), script, |http, csrf| {
        let p = preview(http, "/t").text();
        assert!(
            p.ends_with("\"type\":\"dir\",\"empty\":false,\"files\":2,\"folders\":0,\"links\":1}"),
            "{p}"
        );
        let r = delete_tree(http, csrf, "/t");
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(r.text().contains("\"links\":1"), "{}", r.text());
    });
}

/// `Type=dir;…;UNIX.slink=/target` and `type=dir;OS.unix=slink:/target`:
/// the link facts win over `type`, without asking LIST.
#[test]
fn link_facts_on_an_mlsd_dir_make_it_a_link() {
    let tree = "Type=dir;Modify=20240101000000;UNIX.mode=0777;UNIX.slink=/victim; a\r\n\
                type=dir;OS.unix=slink:/victim; b\r\n";
    let mut script = mlsd_root_is_a_folder();
    script.extend(mlsd("/t", tree));
    script.extend(ok("CWD /"));
    script.extend(ok("DELE /t/b"));
    script.extend(ok("DELE /t/a"));
    script.extend(ok("RMD /t"));
    run(web_login(&["MLSD"]), mlsd("/", ""), script, |http, csrf| {
        let r = delete_tree(http, csrf, "/t");
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(
            r.text().contains("\"files\":2,\"folders\":0,\"links\":2"),
            "{}",
            r.text()
        );
    });
}

/// A server that shows a plain `d` for the link everywhere: `CWD /t/ln`
/// lands in `/victim`, so it is a link. When the server then refuses to
/// DELE it, that is reported and nothing goes through it (no RMD).
#[test]
fn a_folder_whose_cwd_lands_elsewhere_is_removed_only_as_a_link() {
    let tree = format!("{}-rw-r--r-- 1 u g 1 Jan  1  2024 f\r\n", dir_line("ln"));
    let mut script = list("/", &dir_line("t"));
    script.extend(cwd_pwd("/t", "/t"));
    script.extend(cwd_pwd("/", "/"));
    script.extend(list("/t", &tree));
    script.extend(cwd_pwd("/t/ln", "/victim"));
    script.extend(cwd_pwd("/t", "/t"));
    script.extend(ok("CWD /"));
    script.extend(ok("DELE /t/f"));
    script.extend([expect("DELE /t/ln"), send("550 Is a directory.\r\n")]);
    run(web_login(&[]), list("/", ""), script, |http, csrf| {
        let r = delete_tree(http, csrf, "/t");
        assert_eq!(r.status, 403, "{}", r.text());
        let body = r.text();
        assert!(body.contains("Deleted 1 file from"), "{body}");
        assert!(
            body.contains("/t/ln: not allowed (550 Is a directory.); it is a link"),
            "{body}"
        );
    });
}

/// An endless tree (`d/d/d/…`): the depth cap refuses it while planning,
/// before any DELE or RMD, and says so.
#[test]
fn an_endless_tree_is_refused_before_anything_is_deleted() {
    let mut script = list("/", &dir_line("t"));
    script.extend(cwd_pwd("/t", "/t"));
    script.extend(cwd_pwd("/", "/"));
    let mut folder = String::from("/t");
    for depth in 1..=tree_max_depth() {
        script.extend(list(&folder, &dir_line("d")));
        let child = format!("{folder}/d");
        script.extend(cwd_pwd(&child, &child));
        if depth == 1 {
            script.extend(cwd_pwd("/t", "/t"));
        }
        folder = child;
    }
    script.extend(ok("CWD /"));
    run(web_login(&[]), list("/", ""), script, |http, csrf| {
        let r = delete_tree(http, csrf, "/t");
        assert_eq!(r.status, 409, "{}", r.text());
        assert!(
            r.text().contains("nested more than 32 deep"),
            "{}",
            r.text()
        );
        assert!(r.text().contains("nothing was deleted"), "{}", r.text());
    });
}

/// `tree::MAX_DEPTH`, as the README states it.
fn tree_max_depth() -> usize {
    32
}

/// 10,001 files in one folder: over the entry cap, refused before any DELE
/// (the POST used to delete 10,000 and then answer 409).
#[test]
fn a_folder_over_the_entry_cap_is_refused_before_anything_is_deleted() {
    let many: String = (0..=10_000)
        .map(|i| format!("type=file;size=1; f{i}\r\n"))
        .collect();
    let mut script = mlsd_root_is_a_folder();
    script.extend(mlsd("/t", &many));
    script.extend(ok("CWD /"));
    run(web_login(&["MLSD"]), mlsd("/", ""), script, |http, csrf| {
        let r = delete_tree(http, csrf, "/t");
        assert_eq!(r.status, 409, "{}", r.text());
        assert!(
            r.text().contains("more than 10000 files and folders"),
            "{}",
            r.text()
        );
    });
}

/// A name no file can have in a listing: the walk refuses, acting on
/// nothing (a DELE of `/t/../../etc/passwd` climbs out of the tree).
#[test]
fn a_name_no_file_can_have_refuses_the_walk() {
    let tree = "type=file;size=1; ../../etc/passwd\r\ntype=file;size=1; ok.txt\r\n";
    let mut script = mlsd_root_is_a_folder();
    script.extend(mlsd("/t", tree));
    script.extend(ok("CWD /"));
    run(web_login(&["MLSD"]), mlsd("/", ""), script, |http, csrf| {
        let r = delete_tree(http, csrf, "/t");
        assert_eq!(r.status, 409, "{}", r.text());
        assert!(
            r.text()
                .contains("“../../etc/passwd” in /t, a name no file can have"),
            "{}",
            r.text()
        );
    });
}

/// vsftpd: "550 Failed to change directory." for a folder without
/// permission that was just listed: 403 with the server's words, not 404,
/// for the folder itself and for one inside the tree.
#[test]
fn a_listed_folder_the_server_will_not_enter_is_403_not_404() {
    let locked = || {
        [
            expect("CWD /t/locked"),
            send("550 Failed to change directory.\r\n"),
        ]
    };
    let mut script = list("/", &dir_line("t"));
    script.extend(cwd_pwd("/t", "/t"));
    script.extend(cwd_pwd("/", "/"));
    script.extend(list("/t", &dir_line("locked")));
    script.extend(locked());
    script.extend(ok("CWD /"));
    // Deleting the locked folder itself.
    script.extend(list("/t", &dir_line("locked")));
    script.extend(locked());
    run(web_login(&[]), list("/", ""), script, |http, csrf| {
        let r = delete_tree(http, csrf, "/t");
        assert_eq!(r.status, 403, "{}", r.text());
        assert!(
            r.text()
                .contains("“/t/locked” could not be entered (the server said “550 Failed to change directory.”)"),
            "{}",
            r.text()
        );
        let r = delete_tree(http, csrf, "/t/locked");
        assert_eq!(r.status, 403, "{}", r.text());
        assert!(
            r.text().contains("“/t/locked” could not be entered"),
            "{}",
            r.text()
        );
    });
}
