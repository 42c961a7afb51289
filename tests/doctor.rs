//! The FTP doctor: each finding from a scripted fake server that behaves
//! that way (unroutable PASV, EPSV 502, no MLSD, unknown LIST lines,
//! Latin-1 names, TLS required, silent after greeting), then the real
//! servers (all of it works), the `/doctor` page and `ftpgate doctor`.

#![cfg(feature = "doctor")]

mod common;

use common::fake::{expect, login, send, Fake, Step};
use common::http::input_value;
use common::{named_target, targets, tls_targets, Target};
use ftpgate::doctor::{self, Report, Request, Status};
use ftpgate::ftp::{Config, TlsMode};
use std::time::Duration;

const UNIX_LINES: &str = "-rw-r--r--   1 ftp ftp  1234 Jan 01  2024 a.txt\r\ndrwxr-xr-x   2 ftp ftp  4096 Jan 01  2024 docs\r\n";

fn fake_config() -> Config {
    Config {
        connect_timeout: Duration::from_secs(2),
        io_timeout: Duration::from_secs(2),
        login_timeout: Duration::from_secs(2),
        tls: TlsMode::Off,
        ..Config::default()
    }
}

fn request(port: u16, config: Config) -> Request {
    Request {
        host: "127.0.0.1".into(),
        port,
        user: "u".into(),
        config,
        write_test: false,
    }
}

/// One LIST over EPSV, the server sending `lines`.
fn list_epsv(lines: &[u8]) -> Vec<Step> {
    vec![
        expect("EPSV"),
        Step::Epsv,
        expect("LIST"),
        send("150 here\r\n"),
        Step::DataSend(lines.to_vec()),
        send("226 done\r\n"),
    ]
}

/// One LIST over PASV, the reply naming `pasv` (`{port}` filled in).
fn list_pasv(pasv: &str, lines: &[u8]) -> Vec<Step> {
    vec![
        expect("PASV"),
        Step::Pasv(pasv.into()),
        expect("LIST"),
        send("150 here\r\n"),
        Step::DataSend(lines.to_vec()),
        send("226 done\r\n"),
    ]
}

fn list_active(lines: &[u8]) -> Vec<Step> {
    vec![
        Step::Eprt,
        expect("LIST"),
        send("150 here\r\n"),
        Step::ActiveSend {
            from: "127.0.0.1",
            bytes: lines.to_vec(),
        },
        send("226 done\r\n"),
    ]
}

const OWN_PASV: &str = "227 Entering Passive Mode (127,0,0,1,{port})\r\n";

/// A whole doctor session: login, the listing (`listing`), then EPSV, PASV
/// and active tests that each list `lines`.
fn session(features: &[&str], listing: Vec<Step>, lines: &[u8], pasv: &str) -> Vec<Step> {
    let mut steps = login(features);
    steps.extend(listing);
    steps.extend(list_epsv(lines));
    steps.extend(list_pasv(pasv, lines));
    steps.extend(list_active(lines));
    steps.push(expect("QUIT"));
    steps.push(send("221 bye\r\n"));
    steps
}

/// The fake for a doctor: its TCP step connects and hangs up first.
fn doctor_fake(steps: Vec<Step>) -> Fake {
    Fake::start_sessions(vec![Vec::new(), steps])
}

fn run_fake(steps: Vec<Step>) -> Report {
    let fake = doctor_fake(steps);
    let report = doctor::run(&request(fake.port, fake_config()), b"p");
    fake.join();
    report
}

fn step<'a>(report: &'a Report, title: &str) -> &'a doctor::Step {
    report
        .steps
        .iter()
        .find(|s| s.title == title)
        .unwrap_or_else(|| panic!("no {title} step in {report:#?}"))
}

#[test]
fn every_step_of_a_healthy_server() {
    let lines = UNIX_LINES.as_bytes();
    let report = run_fake(session(&[], list_epsv(lines), lines, OWN_PASV));
    assert!(report.works, "{report:#?}");
    assert_eq!(report.verdict, "Works: nothing to fix.");
    for title in [
        doctor::RESOLVE,
        doctor::TCP,
        doctor::GREETING,
        doctor::LOGIN,
        doctor::LISTING,
        doctor::EPSV,
        doctor::PASV,
        doctor::ACTIVE,
    ] {
        assert_eq!(
            step(&report, title).status,
            Status::Ok,
            "{title}: {report:#?}"
        );
    }
    assert_eq!(step(&report, doctor::TLS).status, Status::Note);
    assert_eq!(step(&report, doctor::WRITE).status, Status::Skipped);
    assert_eq!(
        step(&report, doctor::GREETING).server_said.as_deref(),
        Some("fake ready")
    );
    let text = report.text();
    assert!(text.contains("Verdict: Works"), "{text}");
    assert!(text.contains("Server: ftp://u@127.0.0.1:"), "{text}");
}

#[test]
fn pasv_announcing_a_container_address() {
    let lines = UNIX_LINES.as_bytes();
    let report = run_fake(session(
        &[],
        list_epsv(lines),
        lines,
        "227 Entering Passive Mode (172,17,0,2,{port})\r\n",
    ));
    assert!(report.works, "{report:#?}");
    let pasv = step(&report, doctor::PASV);
    assert_eq!(pasv.status, Status::Warn);
    assert!(pasv.summary.contains("172.17.0.2"), "{}", pasv.summary);
    assert!(pasv.summary.contains("Docker"), "{}", pasv.summary);
    let fixes = pasv.details.join("\n");
    for setting in [
        "pasv_address=127.0.0.1",
        "MasqueradeAddress 127.0.0.1",
        "ForcePassiveIP 127.0.0.1",
    ] {
        assert!(fixes.contains(setting), "{fixes}");
    }
    assert!(report.verdict.contains("NAT fix"), "{}", report.verdict);
}

#[test]
fn vsftpd_greeting_gets_the_vsftpd_fix_only() {
    let lines = UNIX_LINES.as_bytes();
    let mut steps = session(
        &[],
        list_epsv(lines),
        lines,
        "227 Entering Passive Mode (10,0,0,5,{port})\r\n",
    );
    steps[0] = send("220 (vsFTPd 3.0.3)\r\n");
    let report = run_fake(steps);
    let fixes = step(&report, doctor::PASV).details.join("\n");
    assert!(fixes.contains("pasv_address=127.0.0.1"), "{fixes}");
    assert!(!fixes.contains("MasqueradeAddress"), "{fixes}");
}

#[test]
fn epsv_refused_with_502() {
    let lines = UNIX_LINES.as_bytes();
    let mut listing = vec![expect("EPSV"), send("502 EPSV not implemented\r\n")];
    listing.extend(list_pasv(OWN_PASV, lines));
    let mut steps = login(&[]);
    steps.extend(listing);
    steps.extend([expect("EPSV"), send("502 EPSV not implemented\r\n")]);
    steps.extend(list_pasv(OWN_PASV, lines));
    steps.extend(list_active(lines));
    steps.push(expect("QUIT"));
    let report = run_fake(steps);
    assert!(report.works, "{report:#?}");
    let epsv = step(&report, doctor::EPSV);
    assert_eq!(epsv.status, Status::Note);
    assert!(epsv.summary.contains("PASV instead"), "{}", epsv.summary);
    assert_eq!(
        epsv.server_said.as_deref(),
        Some("502 EPSV not implemented")
    );
    assert!(report.verdict.contains("no EPSV"), "{}", report.verdict);
}

#[test]
fn no_mlsd_and_lines_nobody_parses() {
    let lines = format!("{UNIX_LINES}?? weird record 17 ##\r\nVOL1 OS/390 junk\r\n");
    let lines = lines.as_bytes();
    let report = run_fake(session(&["SIZE"], list_epsv(lines), lines, OWN_PASV));
    assert_eq!(
        step(&report, doctor::FEAT).summary,
        "MLSD no, UTF8 no, SIZE yes."
    );
    let listing = step(&report, doctor::LISTING);
    assert_eq!(listing.status, Status::Warn, "{listing:#?}");
    assert!(
        listing
            .summary
            .starts_with("LIST: 2 of 4 lines understood (50%)"),
        "{}",
        listing.summary
    );
    let shown = listing.details.join("\n");
    assert!(shown.contains("?? weird record 17 ##"), "{shown}");
    assert!(shown.contains("VOL1 OS/390 junk"), "{shown}");
    assert!(
        report.verdict.contains("2 of 4 listing lines"),
        "{}",
        report.verdict
    );
}

#[test]
fn latin1_names() {
    let mut lines = b"-rw-r--r--   1 ftp ftp  1234 Jan 01  2024 caf".to_vec();
    lines.extend_from_slice(b"\xe9 cr\xe8me.txt\r\n");
    lines.extend_from_slice(UNIX_LINES.as_bytes());
    let report = run_fake(session(&[], list_epsv(&lines), &lines, OWN_PASV));
    let names = step(&report, doctor::NAMES);
    assert_eq!(names.status, Status::Warn, "{names:#?}");
    assert!(
        names.summary.starts_with("1 name is not UTF-8"),
        "{}",
        names.summary
    );
    assert!(names.summary.contains("Latin-1"), "{}", names.summary);
    assert!(
        names.details[0].contains("caf\u{fffd} cr\u{fffd}me.txt"),
        "{:?}",
        names.details
    );
    assert_eq!(step(&report, doctor::LISTING).status, Status::Ok);
}

#[test]
fn tls_required_by_the_server() {
    // vsftpd's force_local_logins_ssl answers USER so over plain FTP.
    let fake = doctor_fake(vec![
        send("220 ready\r\n"),
        expect("USER u"),
        send("530 Non-anonymous sessions must use encryption.\r\n"),
    ]);
    let report = doctor::run(&request(fake.port, fake_config()), b"p");
    fake.join();
    assert!(!report.works);
    let login = step(&report, doctor::LOGIN);
    assert_eq!(login.status, Status::Fail);
    assert!(login.summary.contains("requires TLS"), "{}", login.summary);
    assert_eq!(
        login.server_said.as_deref(),
        Some("530 Non-anonymous sessions must use encryption.")
    );
    assert_eq!(step(&report, doctor::LISTING).status, Status::Skipped);
}

#[test]
fn silent_after_the_greeting() {
    let fake = doctor_fake(vec![
        send("220 ready\r\n"),
        expect("USER u"),
        Step::Sleep(Duration::from_secs(3)),
    ]);
    let report = doctor::run(&request(fake.port, fake_config()), b"p");
    assert!(!report.works);
    let login = step(&report, doctor::LOGIN);
    assert_eq!(login.status, Status::Fail, "{login:#?}");
    assert!(
        login
            .summary
            .contains("did not answer the login within 2 s"),
        "{}",
        login.summary
    );
    assert!(
        report
            .verdict
            .starts_with("Does not work: The server greeted, then"),
        "{}",
        report.verdict
    );
    fake.join();
}

#[test]
fn wrong_password_nothing_listening_and_unknown_names() {
    let fake = doctor_fake(vec![
        send("220 ready\r\n"),
        expect("USER u"),
        send("331 password\r\n"),
        expect("PASS p"),
        send("530 Login incorrect.\r\n"),
    ]);
    let report = doctor::run(&request(fake.port, fake_config()), b"p");
    fake.join();
    assert!(report.login_refused);
    assert_eq!(
        step(&report, doctor::LOGIN).summary,
        "Wrong user name or password."
    );

    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let report = doctor::run(&request(port, fake_config()), b"p");
    let tcp = step(&report, doctor::TCP);
    assert_eq!(tcp.status, Status::Fail);
    assert!(
        tcp.summary.contains("refused the connection"),
        "{}",
        tcp.summary
    );
    assert_eq!(step(&report, doctor::GREETING).status, Status::Skipped);

    // A link-local address with its zone (no server there): taken as an
    // address, then no connection.
    let mut req = request(2121, fake_config());
    req.host = "fe80::1%lo".into();
    let report = doctor::run(&req, b"p");
    let resolve = step(&report, doctor::RESOLVE);
    assert_eq!(resolve.status, Status::Ok, "{report:#?}");
    assert_eq!(
        resolve.summary,
        "fe80::1%lo is an address: nothing to look up."
    );
    assert_eq!(step(&report, doctor::TCP).status, Status::Fail);
    assert!(
        report.target.starts_with("ftp://u@[fe80::1%lo]:2121"),
        "{}",
        report.target
    );

    let mut req = request(21, fake_config());
    req.host = "no-such-host.invalid".into();
    let report = doctor::run(&req, b"p");
    assert_eq!(step(&report, doctor::RESOLVE).status, Status::Fail);
    assert!(
        report
            .verdict
            .contains("no-such-host.invalid was not found"),
        "{}",
        report.verdict
    );
}

fn doctor_real(t: &Target, config: Config, write_test: bool) -> Report {
    let req = Request {
        host: t.host.clone(),
        port: t.port,
        user: t.user.clone(),
        config,
        write_test,
    };
    let report = doctor::run(&req, t.password.as_bytes());
    assert!(
        !report.text().contains(&t.password),
        "{}: the password is in the report",
        t.name
    );
    report
}

#[test]
fn real_servers_work_with_the_write_test() {
    for t in targets() {
        let report = doctor_real(&t, t.config(), true);
        assert!(report.works, "{}: {report:#?}", t.name);
        assert_eq!(
            step(&report, doctor::WRITE).status,
            Status::Ok,
            "{}: {report:#?}",
            t.name
        );
        assert_eq!(step(&report, doctor::EPSV).status, Status::Ok, "{}", t.name);
        let active = step(&report, doctor::ACTIVE).status;
        // libunftp has no active mode: a note, passive works.
        let want = if t.name == "libunftp" {
            Status::Note
        } else {
            Status::Ok
        };
        assert_eq!(active, want, "{}: {report:#?}", t.name);
    }
}

#[test]
fn ftps_servers_require_tls() {
    for t in tls_targets() {
        // The CI certificate is self-signed: first not trusted, with its
        // fingerprint to trust.
        let report = doctor_real(&t, Config::default(), false);
        assert!(!report.works, "{}: {report:#?}", t.name);
        assert_eq!(
            step(&report, doctor::TLS).status,
            Status::Fail,
            "{}",
            t.name
        );
        let fingerprint = report.untrusted.expect("the certificate to trust");
        assert!(report.text().contains(&format!("--trust {fingerprint}")));
        assert_eq!(
            step(&report, doctor::LOGIN).status,
            Status::Skipped,
            "no password sent"
        );

        let mut config = t.config();
        config.tls = TlsMode::Prefer;
        let report = doctor_real(&t, config, false);
        assert!(report.works, "{}: {report:#?}", t.name);
        let tls = step(&report, doctor::TLS);
        assert_eq!(tls.status, Status::Ok, "{}: {tls:#?}", t.name);
        let details = tls.details.join("\n");
        assert!(details.contains("SHA-256 fingerprint"), "{details}");
        assert!(
            details.contains("refuses logins without TLS"),
            "{}: {details}",
            t.name
        );
    }
}

#[test]
fn vsftpd_without_passive_mode() {
    let Some(t) = named_target("vsftpd-active") else {
        return;
    };
    let report = doctor_real(&t, Config::default(), true);
    assert!(report.works, "{report:#?}");
    assert_eq!(step(&report, doctor::ACTIVE).status, Status::Warn);
    assert!(
        report.verdict.contains("only active mode works"),
        "{}",
        report.verdict
    );
    assert_eq!(
        step(&report, doctor::WRITE).status,
        Status::Ok,
        "{report:#?}"
    );
}

#[test]
fn ipv6_server() {
    let Some(t) = named_target("pyftpdlib-v6") else {
        return;
    };
    let report = doctor_real(&t, Config::default(), false);
    assert!(report.works, "{report:#?}");
    assert_eq!(step(&report, doctor::EPSV).status, Status::Ok);
    assert_eq!(step(&report, doctor::PASV).status, Status::Skipped);
    assert_eq!(
        step(&report, doctor::ACTIVE).status,
        Status::Ok,
        "{report:#?}"
    );
    assert!(report.target.contains("[::1]"), "{}", report.target);
}

#[test]
fn the_doctor_page_and_its_plain_text() {
    let t = &targets()[0];
    let (_running, mut http) = common::web::start();
    let form = http.get("/doctor");
    assert_eq!(form.status, 200);
    let page = form.text();
    assert!(page.contains("FTP doctor"), "{page}");
    let csrf = input_value(&page, "csrf").expect("csrf field");
    let fields = |csrf: &str, password: &str| {
        vec![
            ("csrf".to_string(), csrf.as_bytes().to_vec()),
            ("host".to_string(), t.host.as_bytes().to_vec()),
            ("port".to_string(), t.port.to_string().into_bytes()),
            ("user".to_string(), t.user.as_bytes().to_vec()),
            ("password".to_string(), password.as_bytes().to_vec()),
            ("tls".to_string(), b"off".to_vec()),
        ]
    };
    fn borrowed(f: &[(String, Vec<u8>)]) -> Vec<(&str, &[u8])> {
        f.iter().map(|(k, v)| (k.as_str(), v.as_slice())).collect()
    }
    let resp = http.post_form("/doctor", &borrowed(&fields(&csrf, &t.password)));
    assert_eq!(resp.status, 200);
    let html = resp.text();
    assert!(html.contains("Works"), "{html}");
    assert!(html.contains(r#"id="doctor-text""#), "{html}");
    assert!(!html.contains(&t.password), "the password came back");

    let csrf = input_value(&html, "csrf").expect("a new csrf field");
    let resp = http.post_form(
        "/doctor?format=text",
        &borrowed(&fields(&csrf, "wrong password")),
    );
    assert_eq!(resp.status, 200);
    assert!(resp
        .header("Content-Type")
        .unwrap()
        .starts_with("text/plain"));
    let text = resp.text();
    assert!(text.contains("Verdict: Does not work"), "{text}");
    assert!(
        text.contains("[FAIL] Login: Wrong user name or password."),
        "{text}"
    );
    assert!(!text.contains("wrong password"), "{text}");

    // Without the form's token nothing is checked.
    let resp = http.post_form("/doctor", &borrowed(&fields("forged", &t.password)));
    assert_eq!(resp.status, 403, "{}", resp.text());
}

#[test]
fn ftpgate_doctor_on_the_command_line() {
    let t = &targets()[0];
    let run = |password: &str, extra: &[&str]| {
        let mut args = vec!["doctor", "--tls", "off"];
        args.extend_from_slice(extra);
        let url = format!("ftp://{}@{}:{}", t.user, t.host, t.port);
        args.push(&url);
        std::process::Command::new(env!("CARGO_BIN_EXE_ftpgate"))
            .args(&args)
            .env("FTPGATE_PASSWORD", password)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run ftpgate doctor")
    };
    let out = run(&t.password, &["--write-test"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("Verdict: Works"), "{text}");
    assert!(text.contains("[  ok] Write test"), "{text}");
    assert!(!text.contains(&t.password), "{text}");

    let out = run("not it", &[]);
    assert_eq!(out.status.code(), Some(1));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ftpgate"))
        .args(["doctor", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_doctor_page_offers_to_trust_a_certificate() {
    let Some(t) = tls_targets().into_iter().next() else {
        return;
    };
    let (_running, mut http) = common::web::start();
    let page = http.get("/doctor").text();
    let csrf = input_value(&page, "csrf").expect("csrf field");
    let port = t.port.to_string();
    let mut fields: Vec<(&str, &[u8])> = vec![
        ("csrf", csrf.as_bytes()),
        ("host", t.host.as_bytes()),
        ("port", port.as_bytes()),
        ("user", t.user.as_bytes()),
        ("password", t.password.as_bytes()),
        ("tls", b"prefer"),
    ];
    let html = http.post_form("/doctor", &fields).text();
    assert!(html.contains("Trust and check again"), "{html}");
    let trust = input_value(&html, "trust").expect("the fingerprint to trust");
    let csrf = input_value(&html, "csrf").expect("a new csrf");
    fields[0] = ("csrf", csrf.as_bytes());
    fields.push(("trust", trust.as_bytes()));
    let html = http.post_form("/doctor", &fields).text();
    assert!(html.contains("Works"), "{html}");
    assert!(!html.contains("Trust and check again"), "{html}");
}
