//! FTPS through the login page: an unknown certificate is shown with its
//! fingerprint and trusted only when the person confirms it (typing the
//! password again); the pin is then kept in the state directory, and the
//! session says it is encrypted.
#![cfg(feature = "tls")]

mod common;

use common::fake_tls::{self, expect, send, FakeTls, Identity, Step};
use common::http::{input_value, Http, Resp};
use common::web;

fn login(http: &mut Http, port: u16, trust: Option<&str>) -> Resp {
    let page = http.get("/login").text();
    let form = &page[page.find("action=\"/login\"").expect("login form")..];
    let csrf = input_value(form, "csrf").expect("csrf");
    let port = port.to_string();
    let mut fields: Vec<(&str, &[u8])> = vec![
        ("csrf", csrf.as_bytes()),
        ("host", b"127.0.0.1"),
        ("port", port.as_bytes()),
        ("user", b"u"),
        ("password", b"p"),
        ("tls", b"prefer"),
    ];
    if let Some(fp) = trust {
        fields.push(("trust", fp.as_bytes()));
    }
    http.post_form("/login", &fields)
}

#[test]
fn an_unknown_certificate_is_trusted_only_after_confirmation_and_remembered() {
    let served = Identity::new();
    let mut steps = vec![
        send("220 ready\r\n"),
        expect("AUTH TLS"),
        send("234 go ahead\r\n"),
        Step::StartTls(served.clone()),
        Step::ClosedWithout("USER"),
        Step::Reaccept,
    ];
    steps.extend(fake_tls::login(&served));
    steps.extend([expect("PWD"), send("257 \"/\"\r\n")]);
    let fake = FakeTls::start(steps);
    let state = common::temp_dir("web-ftps-state");
    let _ = std::fs::remove_dir_all(&state);
    std::fs::create_dir_all(&state).unwrap();
    let (srv, mut http) = web::start_with(ftpgate::config::Config {
        state_dir: Some(state.clone()),
        ..web::config()
    });

    let first = login(&mut http, fake.port, None);
    assert_eq!(first.status, 401, "{}", first.text());
    let fingerprint = served.fingerprint.to_string();
    let page = first.text();
    assert!(page.contains(&fingerprint), "{page}");
    assert!(page.contains("Trust and connect"), "{page}");
    let offered = input_value(&page[page.find("action=\"/login\"").unwrap()..], "trust");
    assert_eq!(offered.as_deref(), Some(fingerprint.as_str()));

    let second = login(&mut http, fake.port, Some(&fingerprint));
    assert_eq!(second.status, 303, "{}", second.text());
    let browse_flash = http.get("/login").text();
    assert!(browse_flash.contains("tls-on"), "{browse_flash}");
    let saved = std::fs::read_to_string(state.join("ftps-pins")).unwrap();
    assert!(
        saved.contains(&format!("127.0.0.1:{} {fingerprint}", fake.port)),
        "{saved}"
    );
    fake.join();
    srv.stop();
}
