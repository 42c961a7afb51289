//! The login deadline (`Config::login_timeout`): the greeting and USER/PASS
//! must be over within it however a server spreads its bytes, played by
//! scripted fake servers. Every read here is shorter than the io timeout, so
//! only the total deadline can stop these logins.

mod common;

use common::fake::{expect, send, Fake, Step};
use ftpgate::ftp::{Client, Config, Error, LoginStep};
use std::time::Duration;

/// A login deadline far shorter than the io timeout, so a stall of one read
/// can never be what fails these tests.
fn config() -> Config {
    Config {
        connect_timeout: Duration::from_secs(2),
        io_timeout: Duration::from_secs(5),
        login_timeout: Duration::from_millis(300),
        tls: ftpgate::ftp::TlsMode::Off,
        ..Config::default()
    }
}

/// `text` one byte every 100 ms: each read waits far less than the io
/// timeout, and the whole takes far longer than the login deadline.
fn trickle_slowly(text: &str) -> Vec<Step> {
    text.bytes()
        .flat_map(|b| [Step::Send(vec![b]), Step::Sleep(Duration::from_millis(100))])
        .collect()
}

fn login_err(steps: Vec<Step>) -> Error {
    let fake = Fake::start(steps);
    let err = Client::connect("127.0.0.1", fake.port, &config())
        .and_then(|mut c| c.login("u", "p"))
        .unwrap_err();
    drop(fake); // the script may still be playing; its thread ends with the process
    err
}

fn timed_out_at(err: &Error) -> Option<LoginStep> {
    match err {
        Error::LoginTimeout { step, limit } if *limit == config().login_timeout => Some(*step),
        _ => None,
    }
}

#[test]
fn silent_server_times_out_at_the_greeting() {
    let err = login_err(vec![Step::Sleep(Duration::from_secs(3))]);
    assert_eq!(timed_out_at(&err), Some(LoginStep::Greeting), "{err:?}");
    assert!(err.is_connection_lost());
}

#[test]
fn greeting_trickled_one_byte_at_a_time_times_out() {
    let err = login_err(trickle_slowly("220 a very slow hello from the fake\r\n"));
    assert_eq!(timed_out_at(&err), Some(LoginStep::Greeting), "{err:?}");
}

#[test]
fn trickled_user_reply_times_out_at_the_login() {
    let mut steps = vec![send("220 quick hello\r\n"), expect("USER u")];
    steps.extend(trickle_slowly("331 password, eventually, please\r\n"));
    let err = login_err(steps);
    assert_eq!(timed_out_at(&err), Some(LoginStep::Login), "{err:?}");
}

#[test]
fn silence_after_pass_times_out_at_the_login() {
    let err = login_err(vec![
        send("220 quick hello\r\n"),
        expect("USER u"),
        send("331 password please\r\n"),
        expect("PASS p"),
        Step::Sleep(Duration::from_secs(3)),
    ]);
    assert_eq!(timed_out_at(&err), Some(LoginStep::Login), "{err:?}");
}

#[test]
fn commands_after_login_wait_the_io_timeout_not_the_deadline() {
    let fake = Fake::start(vec![
        send("220 hi\r\n"),
        expect("USER u"),
        send("331 pass\r\n"),
        expect("PASS p"),
        send("230 in\r\n"),
        expect("FEAT"),
        send("502 no\r\n"),
        expect("TYPE I"),
        send("200 ok\r\n"),
        expect("PWD"),
        // Longer than the whole login deadline, well within the io timeout.
        Step::Sleep(Duration::from_millis(600)),
        send("257 \"/late\"\r\n"),
    ]);
    let mut c = Client::connect("127.0.0.1", fake.port, &config()).expect("connect");
    c.login("u", "p").expect("login");
    assert_eq!(c.pwd().expect("pwd after the deadline"), b"/late");
    fake.join();
}

#[test]
fn io_timeout_shorter_than_the_deadline_still_reports_a_stall() {
    let fake = Fake::start(vec![Step::Sleep(Duration::from_secs(3))]);
    let config = Config {
        io_timeout: Duration::from_millis(200),
        login_timeout: Duration::from_secs(5),
        ..config()
    };
    let err = Client::connect("127.0.0.1", fake.port, &config).unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}
