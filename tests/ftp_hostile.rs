//! Odd and hostile server behaviour, played by scripted fake servers.
//! Each test names the behaviour; real servers are covered in `ftp_client.rs`.

mod common;

use common::fake::{self, expect, login, send, Fake, Step};
use ftpgate::ftp::{Client, Error, Kind, NotFtp};
use std::io::Read;
use std::time::Duration;

fn with_login(features: &[&str], rest: Vec<Step>) -> Fake {
    let mut steps = login(features);
    steps.extend(rest);
    Fake::start(steps)
}

fn connect_err(steps: Vec<Step>) -> Error {
    let fake = Fake::start(steps);
    let err = Client::connect("127.0.0.1", fake.port, &fake::client_config())
        .and_then(|mut c| c.login("u", "p"))
        .unwrap_err();
    drop(fake); // the script may be left waiting; its thread ends with the process
    err
}

#[test]
fn multi_line_greeting() {
    let mut steps = vec![send("220-Welcome\r\n220-to the\r\n   server\r\n")];
    steps.extend(login(&[]));
    let fake = Fake::start(steps);
    fake::connect(&fake);
    fake.join();
}

#[test]
fn reply_with_220_continuation_lines() {
    let mut banner = String::from("250-Directory changed. Read this:\r\n");
    for i in 0..220 {
        banner.push_str(&format!("250-line {i}\r\n"));
    }
    banner.push_str("250 OK\r\n");
    let fake = with_login(&[], vec![expect("CWD /x"), Step::Send(banner.into_bytes())]);
    fake::connect(&fake)
        .cwd("/x")
        .expect("long 250 reply accepted");
    fake.join();
}

#[test]
fn byte_at_a_time_replies() {
    let steps = vec![
        Step::Trickle(b"220-slow\r\n220 server\r\n".to_vec()),
        expect("USER u"),
        Step::Trickle(b"331 pass\r\n".to_vec()),
        expect("PASS p"),
        Step::Trickle(b"230 in\r\n".to_vec()),
        expect("FEAT"),
        Step::Trickle(b"211-Feat\r\n SIZE\r\n211 End\r\n".to_vec()),
        expect("TYPE I"),
        Step::Trickle(b"200 ok\r\n".to_vec()),
        expect("PWD"),
        Step::Trickle(b"257 \"/slow\"\r\n".to_vec()),
    ];
    let fake = Fake::start(steps);
    assert_eq!(fake::connect(&fake).pwd().unwrap(), b"/slow");
    fake.join();
}

#[test]
fn user_answered_230_without_password() {
    let fake = Fake::start(vec![
        send("220 hi\r\n"),
        expect("USER u"),
        send("230 no password needed\r\n"),
        expect("FEAT"),
        send("500 what\r\n"),
        expect("TYPE I"),
        send("200 ok\r\n"),
    ]);
    fake::connect(&fake);
    fake.join();
}

#[test]
fn greeting_already_logged_in() {
    let fake = Fake::start(vec![
        send("230 already in\r\n"),
        expect("FEAT"),
        send("502 no\r\n"),
        expect("TYPE I"),
        send("200 ok\r\n"),
    ]);
    fake::connect(&fake);
    fake.join();
}

#[test]
fn login_incorrect_is_clear() {
    for code in ["530", "430"] {
        let err = connect_err(vec![
            send("220 hi\r\n"),
            expect("USER u"),
            send("331 pass\r\n"),
            expect("PASS p"),
            Step::Send(format!("{code} Login incorrect.\r\n").into_bytes()),
        ]);
        assert!(matches!(err, Error::LoginIncorrect(_)), "{err:?}");
        assert!(err.to_string().contains("login incorrect"), "{err}");
    }
}

#[test]
fn greeting_that_is_http() {
    let err = connect_err(vec![send("HTTP/1.1 400 Bad Request\r\nServer: x\r\n\r\n")]);
    assert!(matches!(err, Error::NotFtp(NotFtp::Http)), "{err:?}");
    assert!(err.is_connection_lost());
}

#[test]
fn greeting_that_is_an_openssh_banner() {
    let err = connect_err(vec![send("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n")]);
    assert!(matches!(err, Error::NotFtp(NotFtp::Ssh)), "{err:?}");
    // The peer's banner is not ours to show.
    assert!(!err.to_string().contains("OpenSSH"), "{err}");
}

#[test]
fn greeting_that_is_binary_fails_without_waiting_for_a_line() {
    // A TLS alert record (no line end ever comes), a MySQL 8 handshake (a
    // length byte, then NULs), an IMAP banner (text, but no reply code).
    let tls_alert = b"\x15\x03\x03\x00\x02\x02\x46".to_vec();
    let mysql = b"J\x00\x00\x00\x0a8.0.36\x00".to_vec();
    let imap = b"* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n".to_vec();
    for banner in [tls_alert, mysql, imap] {
        let err = connect_err(vec![
            Step::Send(banner.clone()),
            Step::Sleep(Duration::from_secs(2)),
        ]);
        assert!(
            matches!(err, Error::NotFtp(NotFtp::Other)),
            "{banner:?}: {err:?}"
        );
        assert!(!err.to_string().contains("Dovecot"), "{err}");
    }
}

#[test]
fn greeting_421_too_many_users() {
    let err = connect_err(vec![send("421 Too many users\r\n")]);
    assert_eq!(err.code(), Some(421));
    assert!(err.is_connection_lost());
}

#[test]
fn reply_line_over_cap_nul_and_bad_code() {
    let long = format!("220 {}\r\n", "x".repeat(9000));
    for bad in [long.as_str(), "220 a\0b\r\n", "22 short\r\n", "2x0 hi\r\n"] {
        let err = connect_err(vec![send(bad)]);
        assert!(matches!(err, Error::Protocol(_)), "{bad:.20}: {err:?}");
    }
}

#[test]
fn too_many_reply_lines() {
    let mut flood = String::from("220-start\r\n");
    for _ in 0..5000 {
        flood.push_str("220-more\r\n");
    }
    let err = connect_err(vec![Step::Send(flood.into_bytes())]);
    assert!(
        matches!(err, Error::Protocol(ref m) if m.contains("lines")),
        "{err:?}"
    );
}

#[test]
fn reply_421_on_any_command_marks_connection_lost() {
    type Op = fn(&mut Client) -> Result<(), Error>;
    let ops: [(&str, Op); 10] = [
        ("PWD", |c| c.pwd().map(drop)),
        ("CWD /x", |c| c.cwd("/x")),
        ("CDUP", |c| c.cdup()),
        ("MKD d", |c| c.mkd("d")),
        ("DELE f", |c| c.dele("f")),
        ("RNFR a", |c| c.rename("a", "b")),
        ("MDTM f", |c| c.mdtm("f").map(drop)),
        ("NOOP", |c| c.noop()),
        ("EPSV", |c| c.list("").map(drop)),
        ("EPSV", |c| c.stor("f").map(drop)),
    ];
    for (command, op) in ops {
        let fake = with_login(&[], vec![expect(command), send("421 Service closing\r\n")]);
        let mut c = fake::connect(&fake);
        let err = op(&mut c).unwrap_err();
        assert_eq!(err.code(), Some(421), "{command}: {err:?}");
        assert!(err.is_connection_lost(), "{command}");
        assert!(!c.is_usable(), "{command}");
        fake.join();
    }
}

#[test]
fn server_stops_mid_reply_times_out() {
    let fake = with_login(
        &[],
        vec![
            expect("PWD"),
            send("257-\"/a\" start"),
            Step::Sleep(Duration::from_secs(2)),
        ],
    );
    let mut c = fake::connect(&fake);
    assert!(matches!(c.pwd(), Err(Error::Timeout { .. })));
    assert!(!c.is_usable());
    fake.join();
}

#[test]
fn pwd_with_unclosed_quote() {
    let fake = with_login(&[], vec![expect("PWD"), send("257 \"/a is current\r\n")]);
    assert!(matches!(
        fake::connect(&fake).pwd(),
        Err(Error::Protocol(_))
    ));
    fake.join();
}

#[test]
fn crlf_in_argument_never_reaches_the_socket() {
    let fake = with_login(&[], vec![expect("NOOP"), send("200 ok\r\n")]);
    let mut c = fake::connect(&fake);
    let err = c.dele("a\r\nRMD /").unwrap_err();
    assert!(
        matches!(err, Error::InvalidArgument { byte: b'\r', .. }),
        "{err:?}"
    );
    assert!(c.rename("a", "b\nc").is_err());
    assert!(c.retr("x\0", 0).is_err());
    assert!(c.stor("x\n").is_err());
    assert!(c.list("d\r").is_err());
    // The next command on the wire is NOOP: nothing of the above was sent.
    c.noop().unwrap();
    fake.join();
}

#[test]
fn crlf_in_login_never_reaches_the_socket() {
    let fake = Fake::start(vec![
        send("220 hi\r\n"),
        expect("QUIT"),
        send("221 bye\r\n"),
    ]);
    let mut c = Client::connect("127.0.0.1", fake.port, &fake::client_config()).unwrap();
    let err = c.login("u\r\nDELE x", "p").unwrap_err();
    assert!(err.to_string().contains("user name"), "{err}");
    let err = c.login("u", "p\nx").unwrap_err();
    assert!(err.to_string().contains("password"), "{err}");
    assert!(!err.to_string().contains("p\nx"));
    c.quit();
    fake.join();
}

fn retr_script(size: Option<&str>, extra: Vec<Step>) -> Vec<Step> {
    let mut steps = vec![expect("SIZE f")];
    steps.push(send(size.unwrap_or("502 SIZE not implemented\r\n")));
    steps.push(expect("EPSV"));
    steps.push(Step::Epsv);
    steps.push(expect("RETR f"));
    steps.extend(extra);
    steps
}

fn read_all(c: &mut Client, path: &str) -> Result<Vec<u8>, Error> {
    let mut d = c.retr(path, 0)?;
    let mut out = Vec::new();
    d.read_to_end(&mut out).map_err(Error::Io)?;
    d.finish()?;
    Ok(out)
}

#[test]
fn download_with_226_before_data() {
    let fake = with_login(
        &["SIZE"],
        retr_script(
            Some("213 5\r\n"),
            vec![
                send("150 here\r\n226 already done\r\n"),
                Step::DataSend(b"hello".to_vec()),
            ],
        ),
    );
    assert_eq!(read_all(&mut fake::connect(&fake), "f").unwrap(), b"hello");
    fake.join();
}

#[test]
fn size_unsupported_download_still_works() {
    let fake = with_login(
        &["SIZE"],
        retr_script(
            None,
            vec![
                send("125 go\r\n"),
                Step::DataSend(b"abc".to_vec()),
                send("226 ok\r\n"),
            ],
        ),
    );
    let mut c = fake::connect(&fake);
    assert_eq!(read_all(&mut c, "f").unwrap(), b"abc");
    fake.join();
}

#[test]
fn size_larger_than_delivered_is_an_error() {
    let fake = with_login(
        &["SIZE"],
        retr_script(
            Some("213 100\r\n"),
            vec![
                send("150 go\r\n"),
                Step::DataSend(vec![7; 50]),
                send("226 ok\r\n"),
            ],
        ),
    );
    let err = read_all(&mut fake::connect(&fake), "f").unwrap_err();
    assert!(
        matches!(
            err,
            Error::ShortTransfer {
                expected: 100,
                received: 50
            }
        ),
        "{err:?}"
    );
    fake.join();
}

#[test]
fn reply_150_then_426() {
    let fake = with_login(
        &[],
        vec![
            expect("EPSV"),
            Step::Epsv,
            expect("RETR f"),
            send("150 go\r\n"),
            Step::DataSend(vec![1; 10]),
            send("426 Connection closed; transfer aborted.\r\n"),
        ],
    );
    let err = read_all(&mut fake::connect(&fake), "f").unwrap_err();
    assert_eq!(err.code(), Some(426), "{err:?}");
    fake.join();
}

#[test]
fn reply_150_then_silence_times_out() {
    let fake = with_login(
        &[],
        vec![
            expect("EPSV"),
            Step::Epsv,
            expect("RETR f"),
            send("150 go\r\n"),
            Step::DataHold(Duration::from_secs(2)),
        ],
    );
    let mut c = fake::connect(&fake);
    let mut d = c.retr("f", 0).unwrap();
    let err = d.read(&mut [0u8; 16]).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
        "{err:?}"
    );
    drop(d);
    fake.join();
}

/// The server refuses on the control connection at once but never closes
/// the data connection: the transfer ends within a second with its reply,
/// not after the io timeout, and the connection stays in sync.
#[test]
fn reply_550_at_once_with_data_left_open_ends_the_download_within_a_second() {
    let fake = with_login(
        &[],
        vec![
            expect("EPSV"),
            Step::Epsv,
            expect("RETR f"),
            send("150 go\r\n550 Failed to open file.\r\n"),
            Step::DataHold(Duration::from_secs(3)),
            expect("NOOP"),
            send("200 ok\r\n"),
        ],
    );
    let config = ftpgate::ftp::Config {
        io_timeout: Duration::from_secs(30),
        ..fake::client_config()
    };
    let mut c = Client::connect("127.0.0.1", fake.port, &config).unwrap();
    c.login("u", "p").unwrap();
    let started = std::time::Instant::now();
    let mut d = c.retr("f", 0).unwrap();
    let err = d.read(&mut [0u8; 16]).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1), "{err:?}");
    assert!(
        err.to_string().contains("550 Failed to open file."),
        "{err}"
    );
    let err = d.finish().unwrap_err();
    assert_eq!(err.code(), Some(550), "{err:?}");
    c.noop().expect("still in sync");
    fake.join();
}

#[test]
fn reply_550_at_once_with_data_left_open_ends_the_listing_within_a_second() {
    let fake = with_login(
        &["MLSD"],
        vec![
            expect("EPSV"),
            Step::Epsv,
            expect("MLSD /d"),
            send("150 listing\r\n"),
            send("550 Permission denied.\r\n"),
            Step::DataHold(Duration::from_secs(3)),
        ],
    );
    let config = ftpgate::ftp::Config {
        io_timeout: Duration::from_secs(30),
        ..fake::client_config()
    };
    let mut c = Client::connect("127.0.0.1", fake.port, &config).unwrap();
    c.login("u", "p").unwrap();
    let started = std::time::Instant::now();
    let err = c.list("/d").unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1), "{err:?}");
    assert_eq!(err.code(), Some(550), "{err:?}");
    assert!(c.is_usable());
    fake.join();
}

/// STOR: the server refuses and stops reading; the writes that stall end
/// with its reply instead of waiting out the io timeout.
#[test]
fn reply_552_while_an_upload_stalls_ends_it_within_a_second() {
    use std::io::Write;
    let fake = with_login(
        &[],
        vec![
            expect("EPSV"),
            Step::Epsv,
            expect("STOR f"),
            send("150 go\r\n552 Quota exceeded.\r\n"),
            Step::DataHold(Duration::from_secs(4)),
        ],
    );
    let config = ftpgate::ftp::Config {
        io_timeout: Duration::from_secs(30),
        ..fake::client_config()
    };
    let mut c = Client::connect("127.0.0.1", fake.port, &config).unwrap();
    c.login("u", "p").unwrap();
    let mut up = c.stor("f").unwrap();
    let chunk = vec![7u8; 1 << 20];
    let mut stalled = None;
    for _ in 0..256 {
        let started = std::time::Instant::now();
        if let Err(e) = up.write_all(&chunk) {
            stalled = Some((e, started.elapsed()));
            break;
        }
    }
    let (err, took) = stalled.expect("the writes end once the buffers are full");
    assert!(took < Duration::from_secs(1), "{err:?} after {took:?}");
    assert!(err.to_string().contains("552 Quota exceeded."), "{err}");
    assert_eq!(up.finish().unwrap_err().code(), Some(552));
    fake.join();
}

#[test]
fn rest_past_end_of_file_refused_before_retr() {
    let fake = with_login(
        &["SIZE", "REST STREAM"],
        vec![
            expect("SIZE f"),
            send("213 10\r\n"),
            expect("NOOP"),
            send("200 ok\r\n"),
        ],
    );
    let mut c = fake::connect(&fake);
    let err = c.retr("f", 20).err().expect("offset past end");
    assert!(
        matches!(
            err,
            Error::OffsetPastEnd {
                offset: 20,
                size: 10
            }
        ),
        "{err:?}"
    );
    c.noop().unwrap();
    fake.join();
}

#[test]
fn rest_past_end_without_size_gets_server_error() {
    let fake = with_login(
        &["REST STREAM"],
        vec![
            expect("EPSV"),
            Step::Epsv,
            expect("REST 20"),
            send("350 Restarting at 20\r\n"),
            expect("RETR f"),
            send("554 Invalid REST parameter\r\n"),
        ],
    );
    let mut c = fake::connect(&fake);
    let err = c.retr("f", 20).err().expect("server refuses");
    assert_eq!(err.code(), Some(554));
    fake.join();
}

#[test]
fn resume_with_rest() {
    let fake = with_login(
        &["SIZE", "REST STREAM"],
        vec![
            expect("SIZE f"),
            send("213 10\r\n"),
            expect("EPSV"),
            Step::Epsv,
            expect("REST 4"),
            send("350 ok\r\n"),
            expect("RETR f"),
            send("150 go\r\n"),
            Step::DataSend(b"456789".to_vec()),
            send("226 ok\r\n"),
        ],
    );
    let mut c = fake::connect(&fake);
    let mut d = c.retr("f", 4).unwrap();
    assert_eq!(d.expected_len(), Some(6));
    let mut out = Vec::new();
    d.read_to_end(&mut out).unwrap();
    assert_eq!(d.finish().unwrap(), 6);
    assert_eq!(out, b"456789");
    fake.join();
}

#[test]
fn stor_552_disk_full() {
    let fake = with_login(
        &[],
        vec![
            expect("EPSV"),
            Step::Epsv,
            expect("STOR big"),
            send("150 send it\r\n"),
            Step::DataRecv,
            send("552 Requested file action aborted. Exceeded storage allocation.\r\n"),
        ],
    );
    let mut c = fake::connect(&fake);
    let mut up = c.stor("big").unwrap();
    std::io::Write::write_all(&mut up, b"lots of data").unwrap();
    let err = up.finish().unwrap_err();
    assert_eq!(err.code(), Some(552), "{err:?}");
    assert_eq!(fake.join(), b"lots of data");
}

#[test]
fn epsv_refused_falls_back_to_pasv_and_remembers() {
    let listing = b"type=file;size=3; a\r\n".to_vec();
    let fake = with_login(
        &["MLSD"],
        vec![
            expect("EPSV"),
            send("500 EPSV not understood\r\n"),
            expect("PASV"),
            Step::Pasv("227 Entering Passive Mode (127,0,0,1,{port})\r\n".into()),
            expect("MLSD /d"),
            send("150 ok\r\n"),
            Step::DataSend(listing.clone()),
            send("226 ok\r\n"),
            expect("PASV"),
            Step::Pasv("227 Entering Passive Mode (127,0,0,1,{port})\r\n".into()),
            expect("MLSD /d"),
            send("150 ok\r\n"),
            Step::DataSend(listing),
            send("226 ok\r\n"),
        ],
    );
    let mut c = fake::connect(&fake);
    assert_eq!(c.list("/d").unwrap().len(), 1);
    assert_eq!(c.list("/d").unwrap().len(), 1);
    fake.join();
}

#[test]
fn epsv_port_refused_falls_back_to_pasv() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let fake = with_login(
        &["MLSD"],
        vec![
            expect("EPSV"),
            Step::Send(format!("229 ok (|||{closed}|)\r\n").into_bytes()),
            expect("PASV"),
            Step::Pasv("227 ok (127,0,0,1,{port})\r\n".into()),
            expect("MLSD"),
            send("150 ok\r\n"),
            Step::DataSend(b"type=dir; sub\r\n".to_vec()),
            send("226 ok\r\n"),
        ],
    );
    let entries = fake::connect(&fake).list("").unwrap();
    assert_eq!(entries[0].kind, Kind::Dir);
    fake.join();
}

#[test]
fn pasv_with_foreign_ip_connects_to_control_peer() {
    // The reply names 10.9.8.7; the data listener is on 127.0.0.1 only, so the
    // listing arrives only if the client ignored the written address.
    let fake = with_login(
        &["MLSD"],
        vec![
            expect("EPSV"),
            send("502 no\r\n"),
            expect("PASV"),
            Step::Pasv("227 Entering Passive Mode (10,9,8,7,{port})\r\n".into()),
            expect("MLSD"),
            send("150 ok\r\n"),
            Step::DataSend(b"type=file;size=1; x\r\n".to_vec()),
            send("226 ok\r\n"),
        ],
    );
    assert_eq!(fake::connect(&fake).list("").unwrap()[0].name, b"x");
    fake.join();
}

#[test]
fn pasv_without_parentheses() {
    let fake = with_login(
        &["MLSD"],
        vec![
            expect("EPSV"),
            send("522 use PASV\r\n"),
            expect("PASV"),
            Step::Pasv("227 Entering Passive Mode 127,0,0,1,{port}\r\n".into()),
            expect("MLSD"),
            send("150 ok\r\n"),
            Step::DataSend(b"type=file;size=1; y\r\n".to_vec()),
            send("226 ok\r\n"),
        ],
    );
    assert_eq!(fake::connect(&fake).list("").unwrap()[0].name, b"y");
    fake.join();
}

#[test]
fn bad_epsv_and_pasv_ports_are_protocol_errors() {
    for reply in ["229 x (|||0|)\r\n", "229 x (|||70000|)\r\n"] {
        let fake = with_login(&[], vec![expect("EPSV"), send(reply)]);
        assert!(
            matches!(fake::connect(&fake).list(""), Err(Error::Protocol(_))),
            "{reply}"
        );
        fake.join();
    }
    let fake = with_login(
        &[],
        vec![
            expect("EPSV"),
            send("500 no\r\n"),
            expect("PASV"),
            send("227 (127,0,0,1,300,1)\r\n"),
        ],
    );
    assert!(matches!(
        fake::connect(&fake).list(""),
        Err(Error::Protocol(_))
    ));
    fake.join();
}

#[test]
fn list_answered_125_like_pyftpdlib() {
    let fake = with_login(
        &[],
        vec![
            expect("CWD /pub"),
            send("250 ok\r\n"),
            expect("EPSV"),
            Step::Epsv,
            expect("LIST"),
            send("125 Data connection already open. Transfer starting.\r\n"),
            Step::DataSend(b"-rw-r--r-- 1 u g 12 Jan 01 2020 readme\r\n".to_vec()),
            send("226 Transfer complete.\r\n"),
        ],
    );
    let entries = fake::connect(&fake).list("/pub").unwrap();
    assert_eq!(
        (entries[0].name.as_slice(), entries[0].size),
        (&b"readme"[..], Some(12))
    );
    fake.join();
}

#[test]
fn latin1_names_round_trip_as_bytes() {
    let fake = with_login(
        &["MLSD", "SIZE"],
        vec![
            expect("EPSV"),
            Step::Epsv,
            expect("MLSD"),
            send("150 ok\r\n"),
            Step::DataSend(b"type=file;size=2; caf\xe9.txt\r\n".to_vec()),
            send("226 ok\r\n"),
            expect(b"DELE caf\xe9.txt"),
            send("250 deleted\r\n"),
        ],
    );
    let mut c = fake::connect(&fake);
    let name = c.list("").unwrap().remove(0).name;
    assert_eq!(name, b"caf\xe9.txt");
    c.dele(&name).unwrap();
    fake.join();
}

#[test]
fn listing_over_byte_cap_is_too_large() {
    let fake = with_login(
        &["MLSD"],
        vec![
            expect("EPSV"),
            Step::Epsv,
            expect("MLSD"),
            send("150 ok\r\n"),
            Step::DataSend(b"type=file; x\r\n".repeat(1000)),
        ],
    );
    let mut c = Client::connect(
        "127.0.0.1",
        fake.port,
        &ftpgate::ftp::Config {
            max_listing_bytes: 1024,
            ..fake::client_config()
        },
    )
    .unwrap();
    c.login("u", "p").unwrap();
    let err = c.list("").unwrap_err();
    assert!(matches!(err, Error::ListingTooLarge { .. }), "{err:?}");
    assert!(err.to_string().contains("too large"));
    drop(c);
    let _ = fake.join();
}

#[test]
fn listing_over_entry_cap_is_too_large() {
    let fake = with_login(
        &["MLSD"],
        vec![
            expect("EPSV"),
            Step::Epsv,
            expect("MLSD"),
            send("150 ok\r\n"),
            Step::DataSend(b"type=file; x\r\n".repeat(11)),
            send("226 ok\r\n"),
        ],
    );
    let mut c = Client::connect(
        "127.0.0.1",
        fake.port,
        &ftpgate::ftp::Config {
            max_listing_entries: 10,
            ..fake::client_config()
        },
    )
    .unwrap();
    c.login("u", "p").unwrap();
    assert!(matches!(c.list(""), Err(Error::ListingTooLarge { .. })));
    fake.join();
}

#[test]
fn dropped_download_sends_abor_and_stays_usable() {
    let fake = with_login(
        &[],
        vec![
            expect("EPSV"),
            Step::Epsv,
            expect("RETR big"),
            send("150 go\r\n"),
            Step::DataSend(vec![0; 4 * 1024 * 1024]),
            expect("ABOR"),
            expect("NOOP"),
            send("426 Transfer aborted\r\n226 ABOR successful\r\n200 NOOP ok\r\n"),
            expect("PWD"),
            send("257 \"/\"\r\n"),
        ],
    );
    let mut c = fake::connect(&fake);
    let mut d = c.retr("big", 0).unwrap();
    let mut first = [0u8; 1000];
    d.read_exact(&mut first).unwrap();
    drop(d);
    assert!(c.is_usable());
    assert_eq!(c.pwd().unwrap(), b"/");
    fake.join();
}
