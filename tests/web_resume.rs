//! Resumable uploads (`PUT /upload/<dir>/<name>?upload=ID`), against every
//! configured FTP server: a connection cut midway leaves the old file as it
//! was and the received bytes in a part, which `GET` reports and a
//! `Content-Range` PUT continues (REST+STOR) into a whole file; a wrong
//! offset is answered with the right one; cancel, logout and a day's
//! neglect delete parts.

mod common;

use common::http::{encode, Http};
use common::{sha256, targets, web};
use std::io::Write;
use std::net::Shutdown;
use std::time::{Duration, Instant, SystemTime};

/// Prefix of a part (`web::handlers::resume::PART_PREFIX`).
const PART_PREFIX: &str = ".ftpgate-part-";

fn url(path: &str, query: &str) -> String {
    format!("/upload{}?{query}", encode(path.as_bytes()))
}

/// The `offset` of a status answer (also in its `Upload-Offset` header).
fn offset(http: &mut Http, path: &str, id: &str, size: usize) -> u64 {
    let r = http.get(&url(path, &format!("upload={id}&size={size}")));
    assert_eq!(r.status, 200, "{}", r.text());
    let header: u64 = r.header("Upload-Offset").unwrap().parse().unwrap();
    assert!(
        r.text().contains(&format!("\"offset\":{header}")),
        "{}",
        r.text()
    );
    header
}

/// Sends the head and the first `sent` bytes of a resumable PUT of `data`,
/// then closes the connection: a dropped Wi-Fi link, as the server sees it.
fn cut_upload(http: &mut Http, path: &str, query: &str, csrf: &str, data: &[u8], sent: usize) {
    let mut s = http.open(
        "PUT",
        &url(path, query),
        &[("X-CSRF-Token", csrf)],
        data.len() as u64,
    );
    s.write_all(&data[..sent]).unwrap();
    s.flush().unwrap();
    s.shutdown(Shutdown::Both).unwrap();
}

/// Waits until the server holds `want` bytes of the part (the cut request
/// closes its data connection after the browser's side is gone).
fn wait_offset(http: &mut Http, path: &str, id: &str, size: usize, want: u64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got = offset(http, path, id, size);
        if got == want {
            return;
        }
        assert!(Instant::now() < deadline, "offset {got}, want {want}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_cut_upload_resumes_and_replaces_the_old_file_only_when_whole() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, mut c, dir) = web::scratch_login(&mut http, &t, "resume");
        let path = format!("{dir}/big file ✓.bin");
        common::put_file(&mut c, &path, b"the old content");
        let data = common::pattern(1024 * 1024 + 13, 5);
        let n = data.len();

        let status = http.get(&url(&path, &format!("upload=a1&size={n}")));
        assert!(
            status.text().contains("\"exists\":true"),
            "{}",
            status.text()
        );
        assert_eq!(offset(&mut http, &path, "a1", n), 0, "{}", t.name);

        cut_upload(
            &mut http,
            &path,
            "upload=a1&overwrite=1",
            &csrf,
            &data,
            400_000,
        );
        wait_offset(&mut http, &path, "a1", n, 400_000);
        assert_eq!(
            common::get_file(&mut c, &path),
            b"the old content",
            "{}",
            t.name
        );

        let range = format!("bytes 400000-{}/{n}", n - 1);
        let r = http.send(
            "PUT",
            &url(&path, "upload=a1&overwrite=1"),
            &[("X-CSRF-Token", &csrf), ("Content-Range", &range)],
            &data[400_000..],
        );
        assert_eq!(r.status, 201, "{}: {}", t.name, r.text());
        assert_eq!(
            sha256(&common::get_file(&mut c, &path)),
            sha256(&data),
            "{}",
            t.name
        );
        // The part became the file.
        assert_eq!(offset(&mut http, &path, "a1", n), 0, "{}", t.name);
        srv.stop();
    }
}

#[test]
fn a_wrong_offset_is_answered_with_the_one_the_server_holds() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, mut c, dir) = web::scratch_login(&mut http, &t, "resume-416");
        let path = format!("{dir}/x.bin");
        let data = common::pattern(300_000, 8);
        let n = data.len();
        cut_upload(&mut http, &path, "upload=b2", &csrf, &data, 100_000);
        wait_offset(&mut http, &path, "b2", n, 100_000);

        let r = http.send(
            "PUT",
            &url(&path, "upload=b2&offset=50000"),
            &[("X-CSRF-Token", &csrf)],
            &data[50_000..],
        );
        assert_eq!(r.status, 416, "{}: {}", t.name, r.text());
        assert_eq!(r.header("Upload-Offset"), Some("100000"), "{}", t.name);
        assert!(c.size(&path).is_err(), "{}: the file appeared", t.name);

        // `?offset=` is the other spelling of the range.
        let r = http.send(
            "PUT",
            &url(&path, &format!("upload=b2&offset=100000&size={n}")),
            &[("X-CSRF-Token", &csrf)],
            &data[100_000..],
        );
        assert_eq!(r.status, 201, "{}: {}", t.name, r.text());
        assert_eq!(
            sha256(&common::get_file(&mut c, &path)),
            sha256(&data),
            "{}",
            t.name
        );
        srv.stop();
    }
}

#[test]
fn sending_from_the_start_again_replaces_a_part() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (csrf, mut c, dir) = web::scratch_login(&mut http, t, "resume-restart");
    let path = format!("{dir}/again.bin");
    let data = common::pattern(200_000, 2);
    cut_upload(
        &mut http,
        &path,
        "upload=c3",
        &csrf,
        &common::pattern(200_000, 99),
        150_000,
    );
    wait_offset(&mut http, &path, "c3", data.len(), 150_000);
    let r = http.send(
        "PUT",
        &url(&path, "upload=c3"),
        &[("X-CSRF-Token", &csrf)],
        &data,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(sha256(&common::get_file(&mut c, &path)), sha256(&data));
    srv.stop();
}

#[test]
fn a_conflict_is_known_before_a_byte_is_sent() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (csrf, mut c, dir) = web::scratch_login(&mut http, t, "resume-409");
    let path = format!("{dir}/taken.txt");
    common::put_file(&mut c, &path, b"mine");
    let r = http.get(&url(&path, "upload=d4&size=5"));
    assert!(r.text().contains("\"exists\":true"), "{}", r.text());
    let r = http.send(
        "PUT",
        &url(&path, "upload=d4"),
        &[("X-CSRF-Token", &csrf)],
        b"yours",
    );
    assert_eq!(r.status, 409, "{}", r.text());
    assert_eq!(common::get_file(&mut c, &path), b"mine");
    srv.stop();
}

#[test]
fn bad_requests_change_nothing() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (csrf, mut c, dir) = web::scratch_login(&mut http, t, "resume-400");
    let path = format!("{dir}/y.bin");
    /// Query, extra headers, body, expected status.
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a [u8], u16);
    let cases: [Case; 6] = [
        // The body is not the rest of the file.
        ("upload=e5&size=10", vec![], b"12345", 400),
        (
            "upload=e5",
            vec![("Content-Range", "bytes 0-3/10")],
            b"1234",
            400,
        ),
        ("upload=bad%20id", vec![], b"x", 400),
        ("upload=e5&size=abc", vec![], b"x", 400),
        ("upload=e5&offset=20&size=10", vec![], b"", 400),
        // No CSRF header.
        ("upload=e5", vec![("X-CSRF-Token", "forged")], b"x", 403),
    ];
    for (query, extra, body, want) in cases {
        let mut headers = vec![("X-CSRF-Token", csrf.as_str())];
        if extra.iter().any(|(k, _)| *k == "X-CSRF-Token") {
            headers.clear();
        }
        headers.extend(extra.iter().cloned());
        let r = http.send("PUT", &url(&path, query), &headers, body);
        assert_eq!(r.status, want, "{query}: {}", r.text());
    }
    assert!(c.size(&path).is_err(), "the file appeared");
    srv.stop();
}

/// Names in the in-process server's folder (its MLSD shows dot files).
fn local_names(dir: &str) -> Vec<String> {
    let root = &common::local_server().root;
    std::fs::read_dir(root.join(dir.trim_start_matches('/')))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn wait_no_part(dir: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while local_names(dir).iter().any(|n| n.starts_with(PART_PREFIX)) {
        assert!(Instant::now() < deadline, "{:?}", local_names(dir));
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn cancel_and_logout_delete_the_parts() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (csrf, _c, dir) = web::scratch_login(&mut http, t, "resume-gone");
    let data = common::pattern(100_000, 4);
    let path = format!("{dir}/cancelled.bin");
    cut_upload(&mut http, &path, "upload=f6", &csrf, &data, 30_000);
    wait_offset(&mut http, &path, "f6", data.len(), 30_000);
    assert!(local_names(&dir).iter().any(|n| n.starts_with(PART_PREFIX)));
    let r = http.send(
        "DELETE",
        &url(&path, &format!("upload=f6&size={}", data.len())),
        &[("X-CSRF-Token", &csrf)],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("\"deleted\":true"), "{}", r.text());
    wait_no_part(&dir);

    let path = format!("{dir}/left.bin");
    cut_upload(&mut http, &path, "upload=g7", &csrf, &data, 30_000);
    wait_offset(&mut http, &path, "g7", data.len(), 30_000);
    let r = http.post_form("/logout", &[("csrf", csrf.as_bytes())]);
    assert_eq!(r.status, 303, "{}", r.text());
    wait_no_part(&dir);
    srv.stop();
}

#[test]
fn a_visit_deletes_parts_left_for_a_day_and_nothing_else() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (_csrf, _c, dir) = web::scratch_login(&mut http, t, "resume-stale");
    let folder = common::local_server()
        .root
        .join(dir.trim_start_matches('/'));
    let two_days_ago = SystemTime::now() - Duration::from_secs(2 * 24 * 3600);
    let names = [
        ".ftpgate-part-00112233445566778899aabbccddeeff",
        ".ftpgate-upload-0011223344556677",
        "mine.txt",
        ".ftpgate-old-0011223344556677-kept.txt",
    ];
    for name in names {
        let f = std::fs::File::create(folder.join(name)).unwrap();
        f.set_modified(two_days_ago).unwrap();
    }
    std::fs::write(
        folder.join(".ftpgate-part-ffeeddccbbaa99887766554433221100"),
        b"new",
    )
    .unwrap();
    let r = http.get(&format!("/browse{}/", encode(dir.as_bytes())));
    assert_eq!(r.status, 200);
    // The sweep runs once the page is sent.
    let want = [
        ".ftpgate-old-0011223344556677-kept.txt",
        ".ftpgate-part-ffeeddccbbaa99887766554433221100",
        "mine.txt",
    ];
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut left = local_names(&dir);
        left.sort();
        if left == want {
            break;
        }
        assert!(Instant::now() < deadline, "{left:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    srv.stop();
}
