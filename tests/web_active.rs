//! Active mode and IPv6 through the web appliance: the login form's data
//! connection choice, the auto fallback against a vsftpd with passive mode
//! off, a login to `[::1]`, and `--listen [::]` serving both families.

mod common;

use common::http::Http;
use common::web::{self, login_as};
use common::{named_target, Target};
use std::net::SocketAddr;

/// Logs in with the form's `mode` field; returns the POST's status.
fn login_mode(http: &mut Http, t: &Target, mode: &str) -> u16 {
    let mode: &[(&str, &[u8])] = &[("mode", mode.as_bytes())];
    web::login_with(http, &t.host, t.port, &t.user, &t.password, mode).status
}

/// Uploads a file with PUT, lists the folder, downloads it back.
fn put_list_get(http: &mut Http, name: &str) {
    let csrf = web::csrf(http, "/browse/");
    let body: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
    let put = http.send(
        "PUT",
        &format!("/upload/{name}"),
        &[("X-CSRF-Token", csrf.as_str())],
        &body,
    );
    assert_eq!(put.status, 201, "{}", put.text());
    let listing = http.get("/browse/?format=json").text();
    assert!(
        listing.contains(&format!("\"name\":\"{name}\"")),
        "{listing}"
    );
    let got = http.get(&format!("/download/{name}"));
    assert_eq!(got.status, 200);
    assert_eq!(got.body, body);
    let gone = http.post_form(&format!("/delete/{name}"), &[("csrf", csrf.as_bytes())]);
    assert_eq!(gone.status, 303, "{}", gone.text());
}

#[test]
fn the_login_forms_active_choice() {
    let Some(t) = named_target("vsftpd") else {
        return;
    };
    let (_running, mut http) = web::start();
    assert!(http.get("/login").text().contains(r#"name="mode""#));
    assert_eq!(login_mode(&mut http, &t, "active"), 303);
    put_list_get(&mut http, &common::unique("web-active"));
}

#[test]
fn auto_mode_through_a_server_with_passive_off() {
    let Some(t) = named_target("vsftpd-active") else {
        return;
    };
    let (_running, mut http) = web::start();
    assert_eq!(login_mode(&mut http, &t, "auto"), 303);
    put_list_get(&mut http, &common::unique("web-auto"));

    // Passive only: the listing fails with the server's own words.
    let (_running, mut http) = web::start();
    assert_eq!(login_mode(&mut http, &t, "passive"), 303);
    let listing = http.get("/browse/?format=json");
    assert!(listing.status >= 400, "{}", listing.text());
    assert!(listing.text().contains("550"), "{}", listing.text());
}

#[test]
fn a_login_to_an_ipv6_server() {
    let Some(t) = named_target("pyftpdlib-v6") else {
        return;
    };
    let (_running, mut http) = web::start();
    // `[::1]:port` in the Server field, as typed.
    let resp = login_as(
        &mut http,
        &format!("{}:{}", t.host, t.port),
        21,
        &t.user,
        &t.password,
    );
    assert_eq!(resp.status, 303, "{}", resp.text());
    put_list_get(&mut http, &common::unique("web-v6"));
}

#[test]
fn listening_on_both_families() {
    let config = ftpgate::config::Config {
        listen: "[::]:0".parse().unwrap(),
        ..web::config()
    };
    let (running, _) = web::start_with(config);
    let port = running.addr.port();
    for addr in [
        SocketAddr::from(([127, 0, 0, 1], port)),
        SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port)),
    ] {
        let resp = Http::new(addr).get("/healthz");
        assert_eq!(resp.status, 200, "{addr}");
    }
}
