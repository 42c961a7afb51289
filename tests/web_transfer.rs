//! Browsing, downloading and uploading over HTTP, end to end, against every
//! configured FTP server; plus the failure cases that must lose nothing.

mod common;

use common::fake::{self, expect, Fake, Step};
use common::http::{encode, Http, Part};
use common::{pattern, sha256, targets, web, Target};
use std::io::Write;
use std::time::{Duration, Instant};

/// Logs in, makes a fresh folder via the FTP client, returns (csrf, folder URL path).
fn setup(http: &mut Http, t: &Target, test: &str) -> (String, String) {
    let csrf = web::login(http, t);
    let mut c = t.login();
    let dir = common::scratch(&mut c, test);
    c.quit();
    (csrf, String::from_utf8(dir).unwrap())
}

fn upload(
    http: &mut Http,
    dir: &str,
    csrf: &str,
    files: &[(&str, &[u8])],
    overwrite: bool,
) -> common::http::Resp {
    let mut parts = vec![Part {
        name: "csrf",
        filename: None,
        data: csrf.as_bytes(),
    }];
    if overwrite {
        parts.push(Part {
            name: "overwrite",
            filename: None,
            data: b"1",
        });
    }
    for (name, data) in files {
        parts.push(Part {
            name: "file",
            filename: Some(name),
            data,
        });
    }
    http.post_multipart(&format!("/upload{}/", encode(dir.as_bytes())), &parts, &[])
}

fn download(http: &mut Http, path: &str) -> common::http::Resp {
    http.get(&format!("/download{}", encode(path.as_bytes())))
}

#[test]
fn ten_mib_upload_and_download_checked_by_sha256() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, dir) = setup(&mut http, &t, "big");
        let data = pattern(10 * 1024 * 1024, 9);
        let r = upload(&mut http, &dir, &csrf, &[("ten.bin", &data)], false);
        assert_eq!(r.status, 303, "{}: {}", t.name, r.text());
        let page = http.get(r.header("Location").unwrap()).text();
        assert!(page.contains("Uploaded ten.bin"), "{}", t.name);
        let got = download(&mut http, &format!("{dir}/ten.bin"));
        assert_eq!(got.status, 200);
        assert!(got.complete);
        assert_eq!(got.header("Content-Length"), Some("10485760"));
        assert_eq!(got.header("Content-Type"), Some("application/octet-stream"));
        assert_eq!(got.header("X-Content-Type-Options"), Some("nosniff"));
        assert_eq!(sha256(&got.body), sha256(&data), "{}", t.name);
        srv.stop();
    }
}

#[test]
fn multi_file_upload_conflict_and_overwrite() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, dir) = setup(&mut http, &t, "multi");
        let r = upload(
            &mut http,
            &dir,
            &csrf,
            &[("a.txt", b"first a"), ("b.txt", b"first b")],
            false,
        );
        assert_eq!(r.status, 303, "{}: {}", t.name, r.text());
        let r = upload(&mut http, &dir, &csrf, &[("a.txt", b"second a")], false);
        assert_eq!(r.status, 409, "{}", t.name);
        assert!(
            r.text().contains("a.txt already exists here"),
            "{}",
            r.text()
        );
        // Two names: "exist", not "exists".
        let r = upload(
            &mut http,
            &dir,
            &csrf,
            &[("a.txt", b"x"), ("b.txt", b"y")],
            false,
        );
        assert_eq!(r.status, 409, "{}", t.name);
        assert!(
            r.text().contains("a.txt, b.txt already exist here"),
            "{}",
            r.text()
        );
        assert_eq!(
            download(&mut http, &format!("{dir}/a.txt")).body,
            b"first a",
            "{}",
            t.name
        );
        let r = upload(&mut http, &dir, &csrf, &[("a.txt", b"second a")], true);
        assert_eq!(r.status, 303, "{}: {}", t.name, r.text());
        assert_eq!(
            download(&mut http, &format!("{dir}/a.txt")).body,
            b"second a",
            "{}",
            t.name
        );
        let listing = http
            .get(&format!("/browse{}/?format=json", encode(dir.as_bytes())))
            .text();
        assert!(
            !listing.contains(".ftpgate-upload-"),
            "{}: temp left: {listing}",
            t.name
        );
        srv.stop();
    }
}

#[test]
fn odd_names_upload_list_and_download() {
    let names = [
        "with space.txt",
        "<img src=x onerror=alert(1)>.txt",
        "quo'te;semi.txt",
        "naïve ✓ ünï.txt",
        "#hash%20.txt",
    ];
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, dir) = setup(&mut http, &t, "odd");
        for (i, name) in names.iter().enumerate() {
            let data = pattern(1000 + i, i as u64);
            let r = upload(&mut http, &dir, &csrf, &[(name, &data)], false);
            assert_eq!(r.status, 303, "{}: {name}: {}", t.name, r.text());
            let got = download(&mut http, &format!("{dir}/{name}"));
            assert_eq!(got.body, data, "{}: {name}", t.name);
            let cd = got.header("Content-Disposition").unwrap();
            assert!(
                cd.contains(&format!(
                    "filename*=UTF-8''{}",
                    encode(name.as_bytes()).replace('/', "%2F")
                )),
                "{cd}"
            );
        }
        // Browsers send a double quote in a file name as %22, so that name is
        // made over FTP and fetched over HTTP.
        let quoted = format!("{dir}/say \"hi\".txt");
        let mut c = t.login();
        let mut up = c.stor(&quoted).unwrap();
        up.write_all(b"quoted").unwrap();
        up.finish().unwrap();
        c.quit();
        let got = download(&mut http, &quoted);
        assert_eq!(got.body, b"quoted", "{}", t.name);
        let cd = got.header("Content-Disposition").unwrap();
        assert!(cd.ends_with("filename*=UTF-8''say%20%22hi%22.txt"), "{cd}");
        let page = http
            .get(&format!("/browse{}/", encode(dir.as_bytes())))
            .text();
        assert!(
            page.contains("&lt;img src=x onerror=alert(1)&gt;.txt"),
            "{}",
            t.name
        );
        assert!(!page.contains("<img src=x"), "{}", t.name);
        srv.stop();
    }
}

#[test]
fn upload_refuses_bad_names_and_missing_csrf() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (csrf, dir) = setup(&mut http, t, "bad");
    for bad in ["..", ".", "a/b.txt"] {
        let r = upload(&mut http, &dir, &csrf, &[(bad, b"x")], false);
        assert_eq!(r.status, 400, "{bad}");
    }
    let r = upload(&mut http, &dir, "wrong", &[("x.txt", b"x")], false);
    assert_eq!(r.status, 403);
    let parts = [Part {
        name: "file",
        filename: Some("x.txt"),
        data: b"x",
    }];
    let r = http.post_multipart(&format!("/upload{}/", encode(dir.as_bytes())), &parts, &[]);
    assert_eq!(r.status, 403);
    // The header form works for scripts.
    let r = http.post_multipart(
        &format!("/upload{}/", encode(dir.as_bytes())),
        &parts,
        &[("X-CSRF-Token", &csrf)],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let listing = http
        .get(&format!("/browse{}/?format=json", encode(dir.as_bytes())))
        .text();
    assert!(listing.contains("\"x.txt\""), "{listing}");
    srv.stop();
}

#[test]
fn aborted_upload_leaves_existing_file_and_no_temp() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, dir) = setup(&mut http, &t, "abort");
        assert_eq!(
            upload(&mut http, &dir, &csrf, &[("keep.bin", b"original")], false).status,
            303
        );
        // Announce 8 MiB, send 3 MiB, then close the connection as a closed tab would.
        let full = common::http::multipart_body(&[
            Part {
                name: "csrf",
                filename: None,
                data: csrf.as_bytes(),
            },
            Part {
                name: "overwrite",
                filename: None,
                data: b"1",
            },
            Part {
                name: "file",
                filename: Some("keep.bin"),
                data: &pattern(8 << 20, 5),
            },
        ]);
        let ct = format!("multipart/form-data; boundary={}", common::http::BOUNDARY);
        let path = format!("/upload{}/", encode(dir.as_bytes()));
        let mut s = http.open("POST", &path, &[("Content-Type", &ct)], full.len() as u64);
        s.write_all(&full[..3 << 20]).unwrap();
        drop(s);
        let listing_url = format!("/browse{}/?format=json", encode(dir.as_bytes()));
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let listing = http.get(&listing_url).text();
            if !listing.contains(".ftpgate-upload-") {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{}: temporary file left: {listing}",
                t.name
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        assert_eq!(
            download(&mut http, &format!("{dir}/keep.bin")).body,
            b"original",
            "{}",
            t.name
        );
        srv.stop();
    }
}

#[test]
fn range_requests_resume_with_206() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, dir) = setup(&mut http, &t, "range");
        let data = pattern(300_000, 1);
        upload(&mut http, &dir, &csrf, &[("r.bin", &data)], false);
        let url = format!("/download{}", encode(format!("{dir}/r.bin").as_bytes()));
        let r = http.get_with(&url, &[("Range", "bytes=100000-")]);
        assert_eq!(r.status, 206, "{}", t.name);
        assert_eq!(
            r.header("Content-Range"),
            Some("bytes 100000-299999/300000")
        );
        assert_eq!(r.body, &data[100_000..]);
        let r = http.get_with(&url, &[("Range", "bytes=10-19")]);
        assert_eq!(
            (r.status, r.body.as_slice()),
            (206, &data[10..20]),
            "{}",
            t.name
        );
        let r = http.get_with(&url, &[("Range", "bytes=-5")]);
        assert_eq!(r.body, &data[data.len() - 5..]);
        let r = http.get_with(&url, &[("Range", "bytes=400000-")]);
        assert_eq!(
            (r.status, r.header("Content-Range")),
            (416, Some("bytes */300000"))
        );
        // The connection is still good after the partial reads aborted transfers.
        assert_eq!(
            download(&mut http, &format!("{dir}/r.bin")).body,
            data,
            "{}",
            t.name
        );
        srv.stop();
    }
}

#[test]
fn download_by_name_resolves_against_the_folder() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (csrf, dir) = setup(&mut http, t, "byname");
    upload(&mut http, &dir, &csrf, &[("n.txt", b"by name")], false);
    let r = http.get(&format!(
        "/download?path=n.txt&cwd={}",
        encode(dir.as_bytes())
    ));
    assert_eq!(r.status, 303);
    let to = r.header("Location").unwrap().to_string();
    assert_eq!(http.get(&to).body, b"by name");
    let r = http.get(&format!(
        "/download?path={}",
        encode(format!("{dir}/n.txt").as_bytes())
    ));
    assert_eq!(http.get(r.header("Location").unwrap()).body, b"by name");
    assert_eq!(http.get("/download?path=").status, 400);
    assert_eq!(
        download(&mut http, &format!("{dir}/missing.txt")).status,
        404
    );
    srv.stop();
}

#[test]
fn listing_shows_folders_first_and_json() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (csrf, dir) = setup(&mut http, &t, "list");
        let mut c = t.login();
        c.mkd(format!("{dir}/zeta folder")).unwrap();
        c.quit();
        upload(&mut http, &dir, &csrf, &[("alpha.txt", b"12345")], false);
        let page = http
            .get(&format!("/browse{}/", encode(dir.as_bytes())))
            .text();
        let (folder, file) = (
            page.rfind("zeta folder").unwrap(),
            page.rfind("alpha.txt").unwrap(),
        );
        assert!(folder < file, "{}: folders first", t.name);
        let json = http
            .get(&format!("/browse{}/?format=json", encode(dir.as_bytes())))
            .text();
        assert!(
            json.contains("\"name\":\"alpha.txt\",\"type\":\"file\",\"size\":5"),
            "{json}"
        );
        assert!(
            json.contains("\"name\":\"zeta folder\",\"type\":\"dir\""),
            "{json}"
        );
        let missing = http.get(&format!("/browse{}/nope/", encode(dir.as_bytes())));
        assert_eq!(missing.status, 404, "{}", t.name);
        assert!(
            missing.text().contains("No such file or folder"),
            "{}",
            missing.text()
        );
        let empty_dir = format!("{dir}/zeta folder");
        let page = http
            .get(&format!("/browse{}/", encode(empty_dir.as_bytes())))
            .text();
        assert!(page.contains("empty"), "{}", t.name);
        srv.stop();
    }
}

/// The FTP server dies mid-download: the browser must see a broken body.
#[test]
fn truncated_download_never_looks_complete() {
    let size = 1_000_000usize;
    let mut steps = fake::login(&["SIZE", "MLSD"]);
    steps.extend([expect("PWD"), fake::send("257 \"/\"\r\n")]);
    steps.extend([
        expect("SIZE /big.bin"),
        fake::send(&format!("213 {size}\r\n")),
        expect("EPSV"),
        Step::Epsv,
        expect("RETR /big.bin"),
        fake::send("150 here it comes\r\n"),
        Step::DataSend(vec![7u8; 300_000]),
        Step::Hangup,
    ]);
    let server = Fake::start(steps);
    let (srv, mut http) = web::start();
    let r = web::login_as(&mut http, "127.0.0.1", server.port, "u", "p");
    assert_eq!(r.status, 303, "{}", r.text());
    let r = http.get("/download/big.bin");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Length"), Some("1000000"));
    assert!(!r.complete, "a cut download must not look complete");
    assert!(r.body.len() < size);
    server.join();
    srv.stop();
}
