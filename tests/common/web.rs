//! Starts ftpgate on a free loopback port for a test, and logs in to it.

use super::http::{input_value, Http, Resp};
use super::Target;
use ftpgate::config::Config;
use ftpgate::ftp::Client;
use ftpgate::web::{self, Running};
use std::time::Duration;

/// Test configuration: loopback, short HTTP timeout so cut transfers end quickly.
pub fn config() -> Config {
    Config {
        listen: "127.0.0.1:0".parse().expect("addr"),
        http_timeout: Duration::from_secs(3),
        workers: 6,
        // Plain FTP: the scripted fakes do not answer AUTH TLS.
        ftp: ftpgate::ftp::Config {
            tls: ftpgate::ftp::TlsMode::Off,
            ..ftpgate::ftp::Config::default()
        },
        ..Config::default()
    }
}

/// A running ftpgate and a client for it.
pub fn start_with(config: Config) -> (Running, Http) {
    let listener = ftpgate::http::bind(config.listen).expect("bind");
    let running = web::start_on(listener, config).expect("start ftpgate");
    let http = Http::new(running.addr);
    (running, http)
}

/// Starts ftpgate with the default test config.
pub fn start() -> (Running, Http) {
    start_with(config())
}

/// Fetches the login form and submits it; returns the POST's response.
pub fn login_as(http: &mut Http, host: &str, port: u16, user: &str, password: &str) -> Resp {
    login_with(http, host, port, user, password, &[])
}

/// [`login_as`] with more form fields (`tls`, `mode`).
pub fn login_with(
    http: &mut Http,
    host: &str,
    port: u16,
    user: &str,
    password: &str,
    extra: &[(&str, &[u8])],
) -> Resp {
    let form = http.get("/login");
    assert_eq!(form.status, 200);
    let page = form.text();
    // When logged in, the page also has the logout form's token: take the login form's.
    let login_form = &page[page.find("action=\"/login\"").expect("login form")..];
    let csrf = input_value(login_form, "csrf").expect("csrf field in login form");
    let port = port.to_string();
    let mut fields: Vec<(&str, &[u8])> = vec![
        ("csrf", csrf.as_bytes()),
        ("host", host.as_bytes()),
        ("port", port.as_bytes()),
        ("user", user.as_bytes()),
        ("password", password.as_bytes()),
    ];
    fields.extend_from_slice(extra);
    http.post_form("/login", &fields)
}

/// Logs in to `target` and returns the session's CSRF token.
pub fn login(http: &mut Http, target: &Target) -> String {
    let resp = login_as(
        http,
        &target.host,
        target.port,
        &target.user,
        &target.password,
    );
    assert_eq!(
        resp.status,
        303,
        "{}: login failed: {}",
        target.name,
        resp.text()
    );
    csrf(http, "/browse/")
}

/// The session's CSRF token, from a JSON listing.
pub fn csrf(http: &mut Http, dir: &str) -> String {
    let resp = http.get(&format!("{dir}?format=json"));
    let text = resp.text();
    let at = text.find("\"csrf\":\"").expect("csrf in JSON listing") + 8;
    text[at..at + text[at..].find('"').expect("end quote")].to_string()
}

/// The session's CSRF token, from the logout form (the first `csrf` field) of a page.
pub fn csrf_from_page(http: &mut Http, path: &str) -> String {
    let page = http.get(path).text();
    input_value(&page, "csrf").expect("csrf field in the page")
}

/// Logs in over HTTP and makes a fresh folder for `test` with the FTP
/// client: (the session's CSRF token, the client, the folder).
pub fn scratch_login(http: &mut Http, target: &Target, test: &str) -> (String, Client, String) {
    let csrf = login(http, target);
    let mut c = target.login();
    let dir = String::from_utf8(super::scratch(&mut c, test)).unwrap();
    (csrf, c, dir)
}
