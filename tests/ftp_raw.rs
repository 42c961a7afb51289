//! A plain data connection lent to a zero-copy relay (`read_raw`,
//! `write_raw`): what the caller moves itself is counted like `read` and
//! `write` count it (so SIZE and the final reply still decide), and a stalled
//! socket is watched the same way: the server's refusal on the control
//! connection ends it. Played by scripted fake servers.

mod common;

use common::fake::{self, expect, login, send, Fake, Step};
use ftpgate::ftp::{Client, Error};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

fn with_login(rest: Vec<Step>) -> Fake {
    let mut steps = login(&["SIZE"]);
    steps.extend(rest);
    Fake::start(steps)
}

fn retr(size: &str, extra: Vec<Step>) -> Vec<Step> {
    let mut steps = vec![
        expect("SIZE f"),
        send(size),
        expect("EPSV"),
        Step::Epsv,
        expect("RETR f"),
    ];
    steps.extend(extra);
    steps
}

/// Reads the download to its end through `read_raw` (plain reads standing
/// in for splices).
fn read_raw_to_end(d: &mut ftpgate::ftp::Download<'_>) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let mut buf = [0u8; 7];
        let n = d.read_raw(|socket: &TcpStream| (&mut &*socket).read(&mut buf))?;
        if n == 0 {
            return Ok(out);
        }
        out.extend_from_slice(&buf[..n]);
    }
}

/// A client whose io timeout is far longer than any script: a stall ends
/// only by what the server says.
fn patient(fake: &Fake) -> Client {
    let config = ftpgate::ftp::Config {
        io_timeout: Duration::from_secs(60),
        ..fake::client_config()
    };
    let mut c = Client::connect("127.0.0.1", fake.port, &config).unwrap();
    c.login("u", "p").unwrap();
    c
}

#[test]
fn raw_reads_deliver_the_file_and_finish_with_the_226() {
    let fake = with_login(retr(
        "213 11\r\n",
        vec![
            send("150 go\r\n"),
            Step::DataSend(b"hello world".to_vec()),
            send("226 ok\r\n"),
        ],
    ));
    let mut c = fake::connect(&fake);
    let mut d = c.retr("f", 0).unwrap();
    assert!(d.plain_socket().is_some());
    assert_eq!(read_raw_to_end(&mut d).unwrap(), b"hello world");
    assert_eq!(d.received(), 11);
    assert_eq!(d.finish().unwrap(), 11);
    fake.join();
}

#[test]
fn raw_reads_count_toward_the_size_check() {
    let fake = with_login(retr(
        "213 100\r\n",
        vec![
            send("150 go\r\n"),
            Step::DataSend(vec![7; 50]),
            send("226 ok\r\n"),
        ],
    ));
    let mut c = fake::connect(&fake);
    let mut d = c.retr("f", 0).unwrap();
    assert_eq!(read_raw_to_end(&mut d).unwrap().len(), 50);
    let err = d.finish().unwrap_err();
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
fn a_refusal_on_the_control_connection_ends_a_stalled_raw_read() {
    let fake = with_login(retr(
        "213 10\r\n",
        vec![
            send("150 go\r\n550 Failed to open file.\r\n"),
            Step::DataHold(Duration::from_secs(3)),
            expect("NOOP"),
            send("200 ok\r\n"),
        ],
    ));
    let mut c = patient(&fake);
    let mut d = c.retr("f", 0).unwrap();
    // Without the watch, the read would end when the data connection closes,
    // as an end of file, not with the server's refusal.
    let err = d
        .read_raw(|socket: &TcpStream| (&mut &*socket).read(&mut [0u8; 16]))
        .unwrap_err();
    assert!(
        err.to_string().contains("550 Failed to open file."),
        "{err}"
    );
    assert_eq!(d.finish().unwrap_err().code(), Some(550));
    c.noop().expect("still in sync");
    fake.join();
}

#[test]
fn raw_writes_are_counted_and_confirmed_by_the_226() {
    let fake = with_login(vec![
        expect("EPSV"),
        Step::Epsv,
        expect("STOR f"),
        send("150 send it\r\n"),
        Step::DataRecv,
        send("226 stored\r\n"),
    ]);
    let mut c = fake::connect(&fake);
    let mut up = c.stor("f").unwrap();
    assert!(up.plain_socket().is_some());
    let data = common::pattern(300_000, 2);
    let mut at = 0;
    while at < data.len() {
        let end = (at + 65_536).min(data.len());
        at += up
            .write_raw(|socket: &TcpStream| (&mut &*socket).write(&data[at..end]))
            .unwrap();
    }
    assert_eq!(up.sent(), 300_000);
    assert_eq!(up.finish().unwrap(), 300_000);
    assert!(fake.join() == data, "the server got other bytes");
}

#[test]
fn a_refusal_on_the_control_connection_ends_a_stalled_raw_write() {
    let fake = with_login(vec![
        expect("EPSV"),
        Step::Epsv,
        expect("STOR f"),
        send("150 go\r\n552 Quota exceeded.\r\n"),
        Step::DataHold(Duration::from_secs(4)),
    ]);
    let mut c = patient(&fake);
    let mut up = c.stor("f").unwrap();
    let chunk = vec![7u8; 1 << 20];
    // The server reads nothing: once the socket buffers are full, a write
    // stalls, and the watch finds the 552.
    let err = (0..256)
        .find_map(|_| {
            up.write_raw(|socket: &TcpStream| (&mut &*socket).write(&chunk))
                .err()
        })
        .expect("the writes end once the buffers are full");
    assert!(err.to_string().contains("552 Quota exceeded."), "{err}");
    assert_eq!(up.finish().unwrap_err().code(), Some(552));
    fake.join();
}
