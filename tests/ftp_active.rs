//! Active mode (EPRT, then PORT) and IPv6 data connections: against vsftpd
//! and pyftpdlib, against a vsftpd with passive mode switched off (the auto
//! fallback), against pyftpdlib on `::1`, and hostile servers played by the
//! scripted fake (a data connection from another address is refused).

mod common;

use common::fake::{self, expect, login, send, Fake, Step};
use common::{get_file, named_target, names, put_file, targets, unique, Target};
use ftpgate::ftp::{Channel, Client, Config, DataMode, Error};
use std::io::Read;

fn login_with(t: &Target, config: &Config) -> Client {
    let mut c = Client::connect(&t.host, t.port, config)
        .unwrap_or_else(|e| panic!("{}: connect: {e}", t.name));
    c.login(&t.user, &t.password)
        .unwrap_or_else(|e| panic!("{}: login: {e}", t.name));
    c
}

/// Upload, list, download and delete one file: every kind of data connection.
fn round_trip(c: &mut Client, server: &str) {
    let name = unique("active");
    let path = format!("/{name}.bin");
    let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    put_file(c, &path, &data);
    assert!(names(c, "/").contains(&format!("{name}.bin")), "{server}");
    assert_eq!(get_file(c, &path), data, "{server}");
    c.dele(&path).unwrap();
}

/// One test, the servers one after the other: pyftpdlib 2.2's active mode
/// closes each finished active connection's file descriptor a second time
/// ("fd was no longer in socket_map" in its log), which can cut whatever
/// other connection reused that number meanwhile. Only one session at a
/// time then.
#[test]
fn active_mode_against_real_servers() {
    let config = Config {
        data_mode: DataMode::Active,
        ..Config::default()
    };
    // A range of 16 free ports (the unit tests in ftp/data.rs check that a
    // port outside the range is never taken, and what a full range says).
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let low = probe.local_addr().unwrap().port().min(65535 - 16);
    drop(probe);
    let ranged = Config {
        active_ports: Some(low..=low + 15),
        ..config.clone()
    };
    for t in targets() {
        let mut c = login_with(&t, &config);
        if t.name == "libunftp" {
            // libunftp has no active mode: the refusal names the command.
            let err = c.list("/").unwrap_err();
            assert!(err.to_string().contains("PORT"), "libunftp: {err}");
            continue;
        }
        round_trip(&mut c, &t.name);
        assert_eq!(c.channel(), Channel::Eprt, "{}", t.name);
        c.quit();

        let mut c = login_with(&t, &ranged);
        round_trip(&mut c, &t.name);
        round_trip(&mut c, &t.name);
        c.quit();
    }
}

#[test]
fn auto_mode_goes_active_when_passive_is_off() {
    let Some(t) = named_target("vsftpd-active") else {
        return;
    };
    let mut c = login_with(&t, &Config::default());
    round_trip(&mut c, &t.name);
    assert_eq!(c.channel(), Channel::Eprt);
    c.quit();

    // A second connection told what worked asks EPRT straight away.
    let mut c = login_with(&t, &Config::default());
    c.start_with(Channel::Eprt);
    assert_eq!(c.channel(), Channel::Eprt);
    round_trip(&mut c, &t.name);
    c.quit();

    // Passive only: the refusal is the server's own.
    let passive = Config {
        data_mode: DataMode::Passive,
        ..Config::default()
    };
    let mut c = login_with(&t, &passive);
    let err = c.list("/").unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Reply {
                command: "PASV",
                ..
            }
        ),
        "vsftpd-active in passive mode: {err}"
    );
}

#[test]
fn ipv6_passive_and_active() {
    let Some(t) = named_target("pyftpdlib-v6") else {
        return;
    };
    assert_eq!(t.host, "[::1]");
    let mut c = login_with(&t, &Config::default());
    assert!(c.peer().is_ipv6());
    round_trip(&mut c, &t.name);
    assert_eq!(c.channel(), Channel::Epsv);
    // PASV cannot name an IPv6 port: never picked up from another connection.
    c.start_with(Channel::Pasv);
    assert_eq!(c.channel(), Channel::Epsv);
    c.quit();

    let active = Config {
        data_mode: DataMode::Active,
        ..Config::default()
    };
    let mut c = login_with(&t, &active);
    round_trip(&mut c, &t.name);
    assert_eq!(c.channel(), Channel::Eprt, "EPRT |2|::1|port|");
    c.quit();
}

fn active_fake(rest: Vec<Step>) -> Fake {
    let mut steps = login(&[]);
    steps.extend(rest);
    Fake::start(steps)
}

fn active_client(fake: &Fake) -> Client {
    let config = Config {
        data_mode: DataMode::Active,
        ..fake::client_config()
    };
    let mut c = Client::connect("127.0.0.1", fake.port, &config).unwrap();
    c.login("u", "p").unwrap();
    c
}

fn read_file(c: &mut Client, path: &str) -> Result<Vec<u8>, Error> {
    let mut down = c.retr_sized(path, 0, None)?;
    let mut bytes = Vec::new();
    down.read_to_end(&mut bytes).map_err(Error::Io)?;
    down.finish()?;
    Ok(bytes)
}

#[test]
fn port_when_the_server_refuses_eprt() {
    let fake = active_fake(vec![
        Step::ExpectPrefix(b"EPRT |1|127.0.0.1|".to_vec()),
        send("502 EPRT not implemented\r\n"),
        Step::Port,
        expect("RETR f"),
        send("150 here it comes\r\n"),
        Step::ActiveSend {
            from: "127.0.0.1",
            bytes: b"through PORT".to_vec(),
        },
        send("226 done\r\n"),
    ]);
    let mut c = active_client(&fake);
    assert_eq!(read_file(&mut c, "f").unwrap(), b"through PORT");
    assert_eq!(c.channel(), Channel::Port);
    drop(c);
    fake.join();
}

#[test]
fn a_data_connection_from_another_address_is_refused() {
    let fake = active_fake(vec![
        Step::Eprt,
        expect("RETR f"),
        send("150 here it comes\r\n"),
        // Someone else on the network gets to the port first.
        Step::ActiveSend {
            from: "127.0.0.2",
            bytes: b"PLANTED".to_vec(),
        },
        Step::ActiveSend {
            from: "127.0.0.1",
            bytes: b"the real file".to_vec(),
        },
        send("226 done\r\n"),
    ]);
    let mut c = active_client(&fake);
    assert_eq!(read_file(&mut c, "f").unwrap(), b"the real file");
    drop(c);
    fake.join();
}

#[test]
fn only_a_stranger_connecting_times_out() {
    let fake = active_fake(vec![
        Step::Eprt,
        expect("RETR f"),
        send("150 here it comes\r\n"),
        Step::ActiveSend {
            from: "127.0.0.2",
            bytes: b"PLANTED".to_vec(),
        },
        expect("ABOR"),
        send("226 aborted\r\n"),
    ]);
    let mut c = active_client(&fake);
    let err = read_file(&mut c, "f").unwrap_err();
    assert!(
        matches!(err, Error::Timeout { during } if during.contains("active mode")),
        "{err}"
    );
    drop(c);
    fake.join();
}

#[test]
fn the_server_failing_to_connect_ends_the_wait_at_once() {
    let fake = active_fake(vec![
        Step::Eprt,
        expect("RETR f"),
        send("150 here it comes\r\n"),
        send("425 Can't open data connection\r\n"),
        expect("NOOP"),
        send("200 still here\r\n"),
    ]);
    let mut c = active_client(&fake);
    // The reply, not the connect timeout (a Timeout error), ended the wait.
    let err = read_file(&mut c, "f").unwrap_err();
    assert_eq!(err.code(), Some(425), "{err}");
    // In sync: the next command gets its own reply.
    c.noop().unwrap();
    drop(c);
    fake.join();
}

#[test]
fn auto_mode_goes_active_after_passive_is_refused() {
    let mut steps = login(&[]);
    steps.extend([
        expect("EPSV"),
        send("500 EPSV not understood\r\n"),
        expect("PASV"),
        send("502 PASV disabled\r\n"),
        Step::Eprt,
        expect("RETR f"),
        send("150 ok\r\n"),
        Step::ActiveSend {
            from: "127.0.0.1",
            bytes: b"active".to_vec(),
        },
        send("226 done\r\n"),
    ]);
    let fake = Fake::start(steps);
    let mut c = fake::connect(&fake);
    assert_eq!(read_file(&mut c, "f").unwrap(), b"active");
    assert_eq!(c.channel(), Channel::Eprt);
    drop(c);
    fake.join();
}
