//! The FTP client against real third-party servers: the in-process libunftp
//! always, and vsftpd and pyftpdlib when `FTPGATE_TEST_SERVERS` names them
//! (always in CI). Each test runs its body once per server.

mod common;

use common::{join, pattern, scratch, sha256, targets, Target};
use ftpgate::ftp::{Client, Config, Error, Kind};
use std::io::{Read, Write};

fn each_server(test: &str, body: impl Fn(&Target, &mut Client, &[u8])) {
    for target in targets() {
        let mut client = target.login();
        let dir = scratch(&mut client, test);
        body(&target, &mut client, &dir);
        client.quit();
    }
}

fn put(c: &mut Client, path: &[u8], data: &[u8]) {
    let mut up = c.stor(path).expect("stor");
    up.write_all(data).expect("write");
    assert_eq!(up.finish().expect("stor finish"), data.len() as u64);
}

fn get(c: &mut Client, path: &[u8], offset: u64) -> Vec<u8> {
    let mut down = c.retr(path, offset).expect("retr");
    let mut out = Vec::new();
    down.read_to_end(&mut out).expect("read");
    down.finish().expect("retr finish");
    out
}

#[test]
fn wrong_password_is_login_incorrect() {
    for t in targets() {
        let mut c = Client::connect(&t.host, t.port, &Config::default()).unwrap();
        let err = c.login(&t.user, "definitely-wrong").unwrap_err();
        assert!(
            matches!(err, Error::LoginIncorrect(_)),
            "{}: {err:?}",
            t.name
        );
    }
}

#[test]
fn connection_refused_and_unknown_host_are_clear() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = Client::connect("127.0.0.1", port, &Config::default()).unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    let err = Client::connect("no-such-host.invalid", 21, &Config::default()).unwrap_err();
    assert!(matches!(err, Error::Resolve { .. }), "{err:?}");
}

#[test]
fn ten_mib_round_trip_checked_by_sha256() {
    each_server("roundtrip", |t, c, dir| {
        let data = pattern(10 * 1024 * 1024, 42);
        let path = join(dir, "ten.bin");
        put(c, &path, &data);
        assert_eq!(c.size(&path).unwrap(), data.len() as u64, "{}", t.name);
        let back = get(c, &path, 0);
        assert_eq!(sha256(&back), sha256(&data), "{}", t.name);
        // Resume from the middle: REST.
        let tail = get(c, &path, 7_000_000);
        assert_eq!(sha256(&tail), sha256(&data[7_000_000..]), "{}", t.name);
    });
}

#[test]
fn directory_commands() {
    each_server("dirs", |t, c, dir| {
        let sub = join(dir, "sub dir");
        c.mkd(&sub).unwrap();
        c.cwd(&sub).unwrap();
        assert_eq!(c.pwd().unwrap(), sub, "{}", t.name);
        c.cdup().unwrap();
        assert_eq!(c.pwd().unwrap(), dir, "{}", t.name);
        put(c, &join(&sub, "f.txt"), b"hello");
        let err = c.rmd(&sub).unwrap_err();
        assert_eq!(
            err.code().map(|c| c / 100),
            Some(5),
            "{}: non-empty rmd: {err:?}",
            t.name
        );
        c.rename(join(&sub, "f.txt"), join(dir, "moved.txt"))
            .unwrap();
        c.rmd(&sub).unwrap();
        c.dele(join(dir, "moved.txt")).unwrap();
        assert!(c.list(dir).unwrap().is_empty(), "{}", t.name);
        c.noop().unwrap();
    });
}

#[test]
fn listing_kinds_sizes_and_times() {
    each_server("kinds", |t, c, dir| {
        let big = pattern(70_000, 7);
        put(c, &join(dir, "file.bin"), &big);
        c.mkd(join(dir, "folder")).unwrap();
        let entries = c.list(dir).unwrap();
        assert_eq!(entries.len(), 2, "{}: {entries:?}", t.name);
        let file = entries
            .iter()
            .find(|e| e.name == b"file.bin")
            .expect("file listed");
        assert_eq!(
            (&file.kind, file.size),
            (&Kind::File, Some(70_000)),
            "{}",
            t.name
        );
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let modified = file.modified.expect("modification time");
        // Servers report local time and some only to the minute: allow a day.
        assert!(
            (modified - now).abs() < 86_400,
            "{}: {modified} vs {now}",
            t.name
        );
        let mdtm = c.mdtm(join(dir, "file.bin")).unwrap();
        assert!((mdtm - now).abs() < 86_400, "{}: mdtm {mdtm}", t.name);
        let folder = entries
            .iter()
            .find(|e| e.name == b"folder")
            .expect("dir listed");
        assert_eq!(folder.kind, Kind::Dir, "{}", t.name);
    });
}

#[test]
fn odd_names_round_trip() {
    let names: [&str; 8] = [
        "with space.txt",
        "#hash%percent.txt",
        "quote\"d 'single'.txt",
        "naïve ünïcödé ✓.txt",
        "semi;colon=eq.txt",
        "trailing space .txt",
        "-dash-first.txt",
        " leading space.txt",
    ];
    each_server("names", |t, c, dir| {
        for (i, name) in names.iter().enumerate() {
            let data = pattern(100 + i, i as u64);
            put(c, &join(dir, name), &data);
            assert_eq!(get(c, &join(dir, name), 0), data, "{}: {name}", t.name);
        }
        let mut listed: Vec<String> = c
            .list(dir)
            .unwrap()
            .into_iter()
            .map(|e| String::from_utf8(e.name).unwrap())
            .collect();
        listed.sort();
        let mut want: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(listed, want, "{}", t.name);
        for name in names {
            c.dele(join(dir, name)).unwrap();
        }
        // A relative name whose first byte is a space: the argument itself starts with it.
        c.cwd(dir).unwrap();
        put(c, b" lead.txt", b"lead");
        assert_eq!(get(c, b" lead.txt", 0), b"lead", "{}", t.name);
        let listed = c.list(dir).unwrap();
        assert_eq!(listed.len(), 1, "{}", t.name);
        assert_eq!(listed[0].name, b" lead.txt", "{}", t.name);
    });
}

#[test]
fn directory_of_2000_entries() {
    each_server("many", |t, c, dir| {
        for i in 0..1800 {
            c.mkd(join(dir, format!("d{i:04}"))).unwrap();
        }
        for i in 0..200 {
            put(c, &join(dir, format!("f{i:04}")), b"x");
        }
        let entries = c.list(dir).unwrap();
        assert_eq!(entries.len(), 2000, "{}", t.name);
        assert_eq!(
            entries.iter().filter(|e| e.kind == Kind::Dir).count(),
            1800,
            "{}",
            t.name
        );
        assert!(
            entries.iter().all(|e| e.kind != Kind::Unknown),
            "{}",
            t.name
        );
    });
}

#[test]
fn dropped_download_leaves_connection_usable() {
    each_server("abort", |t, c, dir| {
        let path = join(dir, "big.bin");
        put(c, &path, &pattern(8 * 1024 * 1024, 3));
        {
            let mut d = c.retr(&path, 0).unwrap();
            let mut some = vec![0u8; 64 * 1024];
            d.read_exact(&mut some).unwrap();
        }
        // The abort must leave the connection in sync: the next commands work.
        assert!(c.is_usable(), "{}: connection unusable after ABOR", t.name);
        assert!(c.pwd().unwrap().starts_with(b"/"), "{}", t.name);
        assert_eq!(get(c, &path, 0).len(), 8 * 1024 * 1024, "{}", t.name);
    });
}

#[test]
fn missing_file_is_an_error_not_empty() {
    each_server("missing", |t, c, dir| {
        let err = c.retr(join(dir, "nope"), 0).err().expect("missing file");
        assert_eq!(err.code().map(|c| c / 100), Some(5), "{}: {err:?}", t.name);
        assert!(c.is_usable());
        assert!(c.cwd(join(dir, "nope")).is_err());
        assert!(c.list(join(dir, "nope")).is_err(), "{}", t.name);
    });
}
