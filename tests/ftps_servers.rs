//! FTPS against real servers (`ftps://` entries of `FTPGATE_TEST_SERVERS`:
//! CI's vsftpd with `require_ssl_reuse=YES`, `force_local_logins_ssl=YES`
//! and `force_local_data_ssl=YES`, and pyftpdlib's `TLS_FTPHandler` on
//! pyOpenSSL with TLS required on control and data): listing, a 10 MiB round
//! trip and a resumed download, all under `PROT P`. Under `CI=true` a missing server
//! fails; elsewhere these tests have nothing to run against.

#![cfg(feature = "tls")]

mod common;

use common::{join, pattern, scratch, sha256, tls_targets};
use std::io::{Read, Write};

#[test]
fn lists_under_prot_p() {
    for t in tls_targets() {
        let mut c = t.login();
        assert!(c.is_encrypted(), "{}", t.name);
        let dir = scratch(&mut c, "ftps-list");
        let mut up = c.stor(join(&dir, "seen.txt")).unwrap();
        up.write_all(b"listed").unwrap();
        up.finish().unwrap();
        let names: Vec<Vec<u8>> = c.list(&dir).unwrap().into_iter().map(|e| e.name).collect();
        assert!(
            names.contains(&b"seen.txt".to_vec()),
            "{}: {names:?}",
            t.name
        );
        // Several data connections in a row, each resuming the session.
        for _ in 0..3 {
            c.list(&dir).unwrap();
        }
    }
}

#[test]
fn round_trips_ten_mib_with_sha256() {
    for t in tls_targets() {
        let mut c = t.login();
        let dir = scratch(&mut c, "ftps-big");
        let path = join(&dir, "big.bin");
        let body = pattern(10 * 1024 * 1024, 7);
        let mut up = c.stor(&path).unwrap();
        up.write_all(&body).unwrap();
        assert_eq!(up.finish().unwrap(), body.len() as u64, "{}", t.name);
        let mut down = c.retr(&path, 0).unwrap();
        let mut back = Vec::new();
        down.read_to_end(&mut back).unwrap();
        down.finish().unwrap();
        assert_eq!(sha256(&back), sha256(&body), "{}", t.name);
    }
}

#[test]
fn resumes_a_download_with_rest() {
    for t in tls_targets() {
        let mut c = t.login();
        let dir = scratch(&mut c, "ftps-rest");
        let path = join(&dir, "part.bin");
        let body = pattern(300_000, 3);
        let mut up = c.stor(&path).unwrap();
        up.write_all(&body).unwrap();
        up.finish().unwrap();
        let mut down = c.retr(&path, 123_456).unwrap();
        let mut back = Vec::new();
        down.read_to_end(&mut back).unwrap();
        down.finish().unwrap();
        assert_eq!(sha256(&back), sha256(&body[123_456..]), "{}", t.name);
        // And from the start again: the REST offset does not stick.
        let mut down = c.retr(&path, 0).unwrap();
        let mut all = Vec::new();
        down.read_to_end(&mut all).unwrap();
        down.finish().unwrap();
        assert_eq!(sha256(&all), sha256(&body), "{}", t.name);
    }
}

/// The whole appliance over FTPS to each server (vsftpd with
/// `require_ssl_reuse=YES`, pyftpdlib): log in through the web page, see it encrypted, upload, list, download.
#[test]
fn the_appliance_works_over_ftps_as_over_plain_ftp() {
    use common::http::encode;
    for t in tls_targets() {
        let config = ftpgate::config::Config {
            ftp: t.config(),
            ftp_tls_locked: true,
            ..common::web::config()
        };
        let (srv, mut http) = common::web::start_with(config);
        let csrf = common::web::login(&mut http, &t);
        let page = http.get("/login").text();
        assert!(page.contains("tls-on"), "{}: {page}", t.name);
        let mut c = t.login();
        let dir = String::from_utf8(scratch(&mut c, "ftps-web")).unwrap();
        let body = pattern(1024 * 1024 + 3, 11);
        let url = format!("/upload{}", encode(format!("{dir}/web.bin").as_bytes()));
        let r = http.send("PUT", &url, &[("X-CSRF-Token", &csrf)], &body);
        assert_eq!(r.status, 201, "{}: {}", t.name, r.text());
        let listing = http
            .get(&format!("/browse{}/?format=json", encode(dir.as_bytes())))
            .text();
        assert!(listing.contains("\"web.bin\""), "{}: {listing}", t.name);
        let r = http.get(&format!(
            "/download{}",
            encode(format!("{dir}/web.bin").as_bytes())
        ));
        assert_eq!(r.status, 200, "{}", t.name);
        assert!(r.complete, "{}", t.name);
        assert_eq!(sha256(&r.body), sha256(&body), "{}", t.name);
        srv.stop();
    }
}
