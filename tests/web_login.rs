//! Logging in and out over HTTP, sessions, CSRF and the headers every
//! response carries. Runs against every configured FTP server.

mod common;

use common::http::{input_value, Http};
use common::{targets, web};
use std::net::TcpListener;
use std::time::Duration;

#[test]
fn root_redirects_to_login_without_a_session() {
    let (srv, mut http) = web::start();
    let r = http.get("/");
    assert_eq!((r.status, r.header("Location")), (303, Some("/login")));
    assert_eq!(http.get("/healthz").text(), "ok");
    srv.stop();
}

#[test]
fn login_form_has_fields_and_security_headers() {
    let (srv, mut http) = web::start();
    let r = http.get("/login");
    let page = r.text();
    for field in ["host", "port", "user", "password", "csrf"] {
        assert!(
            page.contains(&format!("name=\"{field}\"")),
            "missing {field}"
        );
    }
    assert_eq!(input_value(&page, "port").as_deref(), Some("21"));
    let csp = r.header("Content-Security-Policy").expect("CSP");
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(r.header("Referrer-Policy"), Some("no-referrer"));
    srv.stop();
}

#[test]
fn login_success_redirects_home_with_flash_and_cookie() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let r = web::login_as(&mut http, &t.host, t.port, &t.user, &t.password);
        assert_eq!(r.status, 303, "{}: {}", t.name, r.text());
        let location = r.header("Location").expect("location").to_string();
        assert!(location.starts_with("/browse/"), "{location}");
        let set = r
            .headers
            .iter()
            .find(|(k, v)| k == "Set-Cookie" && v.starts_with("ftpgate_session="));
        let set = &set.expect("session cookie").1;
        for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(set.contains(attr), "{set}");
        }
        assert!(
            !set.contains(&t.password),
            "the password must never reach the browser"
        );
        let page = http.get(&location).text();
        assert!(
            page.contains(&format!("Connected to {} as {}", t.host, t.user)),
            "{}: {page}",
            t.name
        );
        // The flash shows once.
        assert!(!http.get(&location).text().contains("Connected to"));
        srv.stop();
    }
}

#[test]
fn wrong_password_keeps_the_form_but_not_the_password() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let r = web::login_as(&mut http, &t.host, t.port, &t.user, "wrong-Pa55word");
        assert_eq!(r.status, 401, "{}", t.name);
        let page = r.text();
        assert!(
            page.contains("Wrong user name or password"),
            "{}: {page}",
            t.name
        );
        assert_eq!(input_value(&page, "user").as_deref(), Some(t.user.as_str()));
        assert_eq!(input_value(&page, "host").as_deref(), Some(t.host.as_str()));
        assert!(!page.contains("wrong-Pa55word"));
        srv.stop();
    }
}

#[test]
fn unreachable_servers_get_plain_messages() {
    let (srv, mut http) = web::start();
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let r = web::login_as(&mut http, "127.0.0.1", closed, "u", "p");
    assert_eq!(r.status, 401);
    assert!(r.text().contains("refused the connection"), "{}", r.text());

    let r = web::login_as(&mut http, "no-such-host.invalid", 21, "u", "p");
    assert!(r.text().contains("was not found"), "{}", r.text());

    // Accepts but never greets.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let (srv2, mut http2) = web::start_with(ftpgate::config::Config {
        ftp: ftpgate::ftp::Config {
            io_timeout: Duration::from_secs(1),
            ..Default::default()
        },
        ..web::config()
    });
    let r = web::login_as(&mut http2, "127.0.0.1", port, "u", "p");
    assert!(
        r.text().contains("No answer from 127.0.0.1 port"),
        "{}",
        r.text()
    );
    assert!(r.text().contains("within 1 seconds"), "{}", r.text());
    drop(silent);

    let r = web::login_as(&mut http, "bad host!", 21, "u", "p");
    assert_eq!(r.status, 401);
    assert!(r.text().contains("Check the server address"));
    srv.stop();
    srv2.stop();
}

#[test]
fn http_server_is_named_as_such() {
    // Something on the FTP port that answers in HTTP (a proxy, a web admin page).
    let fake =
        common::fake::Fake::start(vec![common::fake::send("HTTP/1.1 400 Bad Request\r\n\r\n")]);
    let (srv, mut http) = web::start();
    let r = web::login_as(&mut http, "127.0.0.1", fake.port, "u", "p");
    assert_eq!(r.status, 401);
    assert!(r.text().contains("speaks HTTP, not FTP"), "{}", r.text());
    fake.join();
    srv.stop();
}

#[test]
fn silent_close_suggests_the_port_is_wrong() {
    let fake = common::fake::Fake::start(vec![common::fake::Step::Hangup]);
    let (srv, mut http) = web::start();
    let r = web::login_as(&mut http, "127.0.0.1", fake.port, "u", "p");
    assert!(r.text().contains("closed the connection"), "{}", r.text());
    assert!(r.text().contains("FTP server port"), "{}", r.text());
    fake.join();
    srv.stop();
}

#[test]
fn login_without_or_with_wrong_csrf_is_403() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let fields: [(&str, &[u8]); 4] = [
        ("host", t.host.as_bytes()),
        ("port", b"21"),
        ("user", t.user.as_bytes()),
        ("password", t.password.as_bytes()),
    ];
    assert_eq!(http.post_form("/login", &fields).status, 403);
    http.get("/login");
    let mut with_bad = fields.to_vec();
    with_bad.push(("csrf", b"0000.1111"));
    assert_eq!(http.post_form("/login", &with_bad).status, 403);
    srv.stop();
}

#[test]
fn every_login_gets_a_new_session_id() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    web::login(&mut http, t);
    let first = http.cookie("ftpgate_session").unwrap().to_string();
    web::login(&mut http, t);
    let second = http.cookie("ftpgate_session").unwrap().to_string();
    assert_ne!(first, second);
    srv.stop();
}

#[test]
fn tampered_cookie_is_logged_out() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    web::login(&mut http, t);
    let cookie = http.cookie("ftpgate_session").unwrap().to_string();
    let mut bytes = cookie.into_bytes();
    bytes[0] = if bytes[0] == b'0' { b'1' } else { b'0' };
    http.cookies = vec![("ftpgate_session".into(), String::from_utf8(bytes).unwrap())];
    let r = http.get("/browse/");
    assert_eq!(
        (r.status, r.header("Location")),
        (303, Some("/login?expired=1&next=%2Fbrowse%2F"))
    );
    let r = http.get_with("/browse/", &[("Accept", "application/json")]);
    assert_eq!(r.status, 401);
    assert!(r.text().starts_with("{\"error\":"), "{}", r.text());
    srv.stop();
}

#[test]
fn logout_needs_csrf_then_forgets_the_session() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let csrf = web::login(&mut http, &t);
        assert_eq!(http.post_form("/logout", &[]).status, 403, "{}", t.name);
        assert_eq!(
            http.get("/browse/?format=json").status,
            200,
            "still logged in"
        );
        let old = http.cookie("ftpgate_session").unwrap().to_string();
        let r = http.post_form("/logout", &[("csrf", csrf.as_bytes())]);
        assert_eq!(
            (r.status, r.header("Location")),
            (303, Some("/login?bye=1"))
        );
        assert!(http.cookie("ftpgate_session").is_none(), "cookie expired");
        // Replaying the old cookie does not bring the session back.
        http.cookies.push(("ftpgate_session".into(), old));
        assert_eq!(http.get("/browse/?format=json").status, 401, "{}", t.name);
        srv.stop();
    }
}

#[test]
fn the_login_form_remembers_host_port_and_user_but_not_the_password() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let csrf = web::login(&mut http, t);
    let last = http.cookie("ftpgate_last").expect("remembered").to_string();
    assert!(!last.contains("s3cret"), "{last}");
    http.post_form("/logout", &[("csrf", csrf.as_bytes())]);
    let page = http.get("/login").text();
    assert_eq!(input_value(&page, "host"), Some(t.host.clone()));
    assert_eq!(input_value(&page, "port"), Some(t.port.to_string()));
    assert_eq!(input_value(&page, "user"), Some(t.user.clone()));
    assert!(!page.contains(&t.password));
    // A forged cookie is only text in a form field, escaped.
    http.cookies.retain(|(n, _)| n != "ftpgate_last");
    http.cookies.push((
        "ftpgate_last".into(),
        "h=%22%3E%3Cscript%3E&p=21&u=x".into(),
    ));
    let page = http.get("/login").text();
    assert!(!page.contains("\"><script>"), "{page}");
    assert!(
        page.contains("value=\"&quot;&gt;&lt;script&gt;\""),
        "{page}"
    );
    srv.stop();
}

#[test]
fn locked_host_ignores_the_submitted_host() {
    let t = &targets()[0];
    let mut config = web::config();
    config.locked_host = Some((t.host.clone(), t.port));
    let (srv, mut http) = web::start_with(config);
    let page = http.get("/login").text();
    assert!(page.contains(&t.host));
    let r = web::login_as(&mut http, "elsewhere.invalid", 1, &t.user, &t.password);
    assert_eq!(r.status, 303, "{}", r.text());
    srv.stop();
}

#[test]
fn unknown_routes_and_methods() {
    let (srv, mut http) = web::start();
    assert_eq!(http.get("/nope").status, 404);
    assert_eq!(http.post_form("/healthz", &[]).status, 405);
    let mut other = Http::new(srv.addr);
    assert_eq!(other.get("/assets/old-version/app.css").status, 404);
    srv.stop();
}

#[test]
fn logging_in_again_ends_the_old_session() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    web::login(&mut http, t);
    let old = http.cookie("ftpgate_session").unwrap().to_string();
    web::login(&mut http, t);
    let mut stale = Http::new(srv.addr);
    stale.cookies.push(("ftpgate_session".into(), old));
    let r = stale.get("/browse/");
    assert_eq!(r.status, 303, "the old cookie still browses");
    assert_eq!(
        r.header("Location"),
        Some("/login?expired=1&next=%2Fbrowse%2F")
    );
    assert_eq!(http.get("/browse/").status, 200);
    srv.stop();
}

#[test]
fn one_address_cannot_take_every_session() {
    let t = &targets()[0];
    let mut config = web::config();
    config.max_sessions_per_ip = 2;
    let (srv, _) = web::start_with(config);
    for _ in 0..2 {
        let mut browser = Http::new(srv.addr);
        web::login(&mut browser, t);
    }
    let mut third = Http::new(srv.addr);
    let r = web::login_as(&mut third, &t.host, t.port, &t.user, &t.password);
    assert_eq!(r.status, 401, "{}", r.text());
    assert!(r.text().contains("already has 2 sessions"), "{}", r.text());
    srv.stop();
}

#[test]
fn the_allow_list_refuses_other_servers_before_connecting() {
    let t = &targets()[0];
    let mut config = web::config();
    config.ftp_allow =
        Some(ftpgate::config::AllowList::parse("192.0.2.0/24:21, nas.invalid").unwrap());
    let (srv, mut http) = web::start_with(config);
    let r = web::login_as(&mut http, &t.host, t.port, &t.user, &t.password);
    assert_eq!(r.status, 401, "{}", r.text());
    assert!(r.text().contains("not allowed to reach"), "{}", r.text());
    srv.stop();
    let mut config = web::config();
    let rule = format!("{}:{}", t.host, t.port);
    config.ftp_allow = Some(ftpgate::config::AllowList::parse(&rule).unwrap());
    let (srv, mut http) = web::start_with(config);
    let r = web::login_as(&mut http, &t.host, t.port, &t.user, &t.password);
    assert_eq!(r.status, 303, "{}", r.text());
    srv.stop();
}

#[cfg(feature = "tls")]
#[test]
fn the_session_says_whether_it_is_encrypted_and_require_refuses_a_plain_server() {
    // libunftp here speaks plain FTP: "prefer" falls back and says so.
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    web::login(&mut http, t);
    let page = http.get("/browse/").text();
    assert!(page.contains("not encrypted"), "{page}");
    srv.stop();

    let (srv, mut http) = web::start();
    let tls: &[(&str, &[u8])] = &[("tls", b"require")];
    let r = web::login_with(&mut http, &t.host, t.port, &t.user, &t.password, tls);
    assert_eq!(r.status, 401, "{}", r.text());
    assert!(r.text().contains("does not offer TLS"), "{}", r.text());
    assert!(
        r.text().contains("<option value=\"require\" selected>"),
        "{}",
        r.text()
    );
    srv.stop();
}

/// The login form's CSRF token (the page may hold the logout form's too).
fn login_csrf(http: &mut Http, path: &str) -> (String, String) {
    let page = http.get(path).text();
    let form = &page[page.find("action=\"/login\"").expect("login form")..];
    (input_value(form, "csrf").expect("csrf"), page)
}

#[test]
fn an_ended_session_returns_to_the_page_asked_for_and_nowhere_else() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    web::login(&mut http, t);
    http.cookies = vec![("ftpgate_session".into(), "0".repeat(64))];
    let r = http.get("/browse/some%20folder/?sort=size&q=a%26b");
    assert_eq!(r.status, 303);
    let to = r.header("Location").unwrap().to_string();
    assert_eq!(
        to,
        "/login?expired=1&next=%2Fbrowse%2Fsome%2520folder%2F%3Fsort%3Dsize%26q%3Da%2526b"
    );
    let (csrf, page) = login_csrf(&mut http, &to);
    let next = input_value(&page, "next").expect("next is carried by the form");
    assert_eq!(next, "/browse/some%20folder/?sort=size&q=a%26b");
    let login = |http: &mut Http, csrf: &str, next: &str| {
        http.post_form(
            "/login",
            &[
                ("csrf", csrf.as_bytes()),
                ("host", t.host.as_bytes()),
                ("port", t.port.to_string().as_bytes()),
                ("user", t.user.as_bytes()),
                ("password", t.password.as_bytes()),
                ("next", next.as_bytes()),
            ],
        )
    };
    let r = login(&mut http, &csrf, &next);
    assert_eq!((r.status, r.header("Location")), (303, Some(next.as_str())));
    // Anything that is not a page of this ftpgate leads home instead.
    for hostile in [
        "//evil.example/",
        "/\\evil.example/",
        "https://evil.example/",
        "/login?x=1",
        "/browse/\r\nSet-Cookie: x=1",
        "browse/",
    ] {
        let (csrf, _) = login_csrf(&mut http, "/login");
        let r = login(&mut http, &csrf, hostile);
        let location = r.header("Location").unwrap_or("");
        assert_eq!(r.status, 303, "{hostile:?}");
        assert!(location.starts_with("/browse/"), "{hostile:?} → {location}");
        assert!(
            !location.contains("evil") && !location.contains('\r'),
            "{location}"
        );
        let page = http.get(&format!(
            "/login?next={}",
            common::http::encode(hostile.as_bytes())
        ));
        assert!(input_value(&page.text(), "next").is_none(), "{hostile:?}");
    }
    srv.stop();
}

#[test]
fn the_server_field_takes_host_port_and_ftp_urls() {
    let t = &targets()[0];
    let root = common::local_server().root.clone();
    std::fs::create_dir_all(root.join("url start")).unwrap();
    let local = common::local_server();
    let (srv, mut http) = web::start();
    // host:port wins over the Port field, which then shows it.
    let r = web::login_as(
        &mut http,
        &format!("127.0.0.1:{}", local.port),
        21,
        common::USER,
        common::PASSWORD,
    );
    assert_eq!(r.status, 303, "{}", r.text());
    // A URL gives the user and the folder to open.
    let (csrf, _) = login_csrf(&mut http, "/login");
    let url = format!(
        "ftp://{}@127.0.0.1:{}/url%20start/",
        common::USER,
        local.port
    );
    let r = http.post_form(
        "/login",
        &[
            ("csrf", csrf.as_bytes()),
            ("host", url.as_bytes()),
            ("port", b"21"),
            ("user", b""),
            ("password", common::PASSWORD.as_bytes()),
        ],
    );
    assert_eq!(
        (r.status, r.header("Location")),
        (303, Some("/browse/url%20start/")),
        "{}",
        r.text()
    );
    // A password in the address is refused and never shown back.
    let (csrf, _) = login_csrf(&mut http, "/login");
    let r = http.post_form(
        "/login",
        &[
            ("csrf", csrf.as_bytes()),
            (
                "host",
                format!("ftp://ann:Hunter2secret@{}:{}", t.host, t.port).as_bytes(),
            ),
            ("port", b"21"),
            ("user", b"ann"),
            ("password", b""),
        ],
    );
    assert_eq!(r.status, 401);
    let page = r.text();
    assert!(page.contains("Password field"), "{page}");
    assert!(
        !page.contains("Hunter2secret"),
        "the form never shows it back: {page}"
    );
    assert_eq!(
        input_value(&page, "host").as_deref(),
        Some(format!("ftp://ann@{}:{}", t.host, t.port).as_str())
    );
    // Not FTP at all.
    let (csrf, _) = login_csrf(&mut http, "/login");
    let r = http.post_form(
        "/login",
        &[
            ("csrf", csrf.as_bytes()),
            ("host", b"http://nas/"),
            ("port", b"21"),
            ("user", b"ann"),
            ("password", b"x"),
        ],
    );
    assert_eq!(r.status, 401);
    assert!(r.text().contains("is not FTP"), "{}", r.text());
    srv.stop();
}

#[test]
fn a_second_login_from_this_browser_says_it_replaces_the_session() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    assert!(!http.get("/login").text().contains("login-replacing"));
    web::login(&mut http, t);
    let page = http.get("/login").text();
    assert!(page.contains("id=\"login-replacing\""), "{page}");
    assert!(
        page.contains(&format!("{}@{}", t.user, t.host)),
        "names the account"
    );
    assert!(page.contains("every tab"), "{page}");
    srv.stop();
}

#[test]
fn a_prefilled_server_wins_over_the_remembered_login_and_shows_its_password() {
    let mut config = web::config();
    config.prefill = Some(ftpgate::config::Prefill {
        host: "127.0.0.1".into(),
        port: 40_123,
        user: "demo".into(),
        password_hint: Some("demo-pass".into()),
    });
    let (srv, mut http) = web::start_with(config);
    http.cookies.push((
        "ftpgate_last".into(),
        "h=old.example&p=2121&u=olduser".into(),
    ));
    let page = http.get("/login").text();
    assert_eq!(input_value(&page, "host").as_deref(), Some("127.0.0.1"));
    assert_eq!(input_value(&page, "port").as_deref(), Some("40123"));
    assert_eq!(input_value(&page, "user").as_deref(), Some("demo"));
    assert!(page.contains("<code>demo-pass</code>"), "{page}");
    assert!(
        input_value(&page, "password").is_none(),
        "still never a value"
    );
    srv.stop();
    // Without a prefill the remembered login fills the form, as before.
    let (srv, mut http) = web::start();
    http.cookies.push((
        "ftpgate_last".into(),
        "h=old.example&p=2121&u=olduser".into(),
    ));
    let page = http.get("/login").text();
    assert_eq!(input_value(&page, "host").as_deref(), Some("old.example"));
    assert!(!page.contains("login-demo"));
    srv.stop();
}
