//! The listing's comfort features over HTTP: sort and filter in the query
//! string (they must work without JavaScript), icons by kind, relative
//! times with exact values in `title`, and the row links to rename/delete.
//! And big folders (issue 10): pages of `PAGE_ROWS` rows sorted and filtered
//! over the whole folder, gzip when asked, the toolbar first, a streamed page.

mod common;

use common::fake::{self, expect, send, Fake, Step};
use common::http::{encode, Http, Resp};
use common::{local_server, targets, unique, web};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Rows on one page: `ftpgate::web`'s `PAGE_ROWS` (the README says 200).
const PAGE_ROWS: usize = 200;

/// Names in the order the HTML rows show them.
fn row_names(page: &str) -> Vec<String> {
    page.match_indices("data-name=\"")
        .map(|(at, m)| {
            let rest = &page[at + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

/// Names in the order the JSON listing gives them.
fn json_names(http: &mut Http, url: &str) -> Vec<String> {
    let text = http.get(url).text();
    text.match_indices("{\"name\":\"")
        .map(|(at, m)| {
            let rest = &text[at + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

#[test]
fn sort_and_filter_by_query_with_folders_first() {
    for t in targets() {
        let (srv, mut http) = web::start();
        web::login(&mut http, &t);
        let mut c = t.login();
        let dir = String::from_utf8(common::scratch(&mut c, "sort")).unwrap();
        for (name, size) in [
            ("b-medium.txt", 500),
            ("a-small.png", 10),
            ("C-big.zip", 5000),
        ] {
            let mut up = c.stor(format!("{dir}/{name}")).unwrap();
            up.write_all(&vec![b'x'; size]).unwrap();
            up.finish().unwrap();
        }
        c.mkd(format!("{dir}/zz folder")).unwrap();
        c.mkd(format!("{dir}/Aa folder")).unwrap();
        c.quit();
        let base = format!("/browse{}/", encode(dir.as_bytes()));

        let page = http.get(&base).text();
        let by_name = [
            "Aa folder",
            "zz folder",
            "a-small.png",
            "b-medium.txt",
            "C-big.zip",
        ];
        assert_eq!(row_names(&page), by_name, "{}", t.name);
        assert!(page.contains(
            "aria-sort=\"ascending\"><a class=\"sort\" href=\"?sort=name&amp;order=desc\">Name"
        ));
        let page = http.get(&format!("{base}?sort=size&order=desc")).text();
        assert_eq!(
            row_names(&page),
            [
                "zz folder",
                "Aa folder",
                "C-big.zip",
                "b-medium.txt",
                "a-small.png"
            ],
            "{}",
            t.name
        );
        assert!(page.contains(
            "aria-sort=\"descending\"><a class=\"sort\" href=\"?sort=size&amp;order=asc\">Size"
        ));
        let got = json_names(
            &mut http,
            &format!("{base}?format=json&sort=size&order=asc"),
        );
        assert_eq!(
            got,
            [
                "Aa folder",
                "zz folder",
                "a-small.png",
                "b-medium.txt",
                "C-big.zip"
            ]
        );

        let page = http.get(&format!("{base}?q=FOLDER")).text();
        assert_eq!(row_names(&page), ["Aa folder", "zz folder"], "{}", t.name);
        assert!(page.contains("2 of 5 items"), "{}", t.name);
        assert!(page.contains("name=\"q\" value=\"FOLDER\""));
        let page = http.get(&format!("{base}?q=%3Cscript%3E")).text();
        assert!(
            page.contains("No names match “&lt;script&gt;”"),
            "{}",
            t.name
        );
        assert!(!page.contains("<script>"));

        // Icons by kind from the sprite; relative times with the exact time as title.
        let page = http.get(&base).text();
        for icon in ["dir", "image", "text", "archive"] {
            assert!(
                page.contains(&format!("icons.svg#{icon}\"")),
                "{}: no {icon} icon",
                t.name
            );
        }
        assert!(page.contains("<time datetime=\"20"), "{}", t.name);
        assert!(page.contains(" UTC\">"), "{}", t.name);
        assert!(page.contains(&format!(
            "href=\"/delete{}/C-big.zip\"",
            encode(dir.as_bytes())
        )));
        assert!(page.contains(&format!(
            "href=\"/rename{}/zz%20folder\"",
            encode(dir.as_bytes())
        )));
        srv.stop();
    }
}

#[test]
fn the_icon_sprite_is_served_as_svg() {
    let (srv, mut http) = web::start();
    let page = http.get("/login").text();
    let at = page.find("/assets/").unwrap();
    let version = &page[at + 8..at + 8 + page[at + 8..].find('/').unwrap()];
    let r = http.get(&format!("/assets/{version}/icons.svg"));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("image/svg+xml"));
    for id in [
        "dir", "file", "link", "image", "archive", "text", "other", "up",
    ] {
        assert!(r.text().contains(&format!("<symbol id=\"{id}\"")), "{id}");
    }
    srv.stop();
}

/// A folder of `n` empty-ish files made on the in-process server's disk:
/// `f-0000.dat`… with sizes `i % 7` bytes. Returns its URL and the names.
fn big_folder(n: usize) -> (String, Vec<(String, usize)>) {
    let name = unique("big");
    let dir = local_server().root.join(&name);
    std::fs::create_dir(&dir).unwrap();
    let files: Vec<(String, usize)> = (0..n).map(|i| (format!("f-{i:04}.dat"), i % 7)).collect();
    for (file, size) in &files {
        std::fs::write(dir.join(file), vec![b'x'; *size]).unwrap();
    }
    (format!("/browse/{name}/"), files)
}

/// Logs in to the in-process server.
fn local_login(http: &mut Http) {
    let t = &targets()[0];
    assert_eq!(t.name, "libunftp");
    web::login(http, t);
}

/// `"key":N` of a JSON text.
fn json_num(text: &str, key: &str) -> Option<u64> {
    let at = text.find(&format!("\"{key}\":"))? + key.len() + 3;
    let digits: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[test]
fn pages_of_a_big_folder_are_sorted_and_filtered_over_all_of_it() {
    let (srv, mut http) = web::start();
    local_login(&mut http);
    let (base, files) = big_folder(450);
    // What the server must show: size, largest first; equal sizes by name,
    // the whole order reversed (the name tie-break too).
    let mut by_size = files.clone();
    by_size.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    by_size.reverse();
    let want: Vec<String> = by_size.into_iter().map(|f| f.0).collect();

    let mut got = Vec::new();
    for page in 1..=3 {
        let r = http.get(&format!("{base}?sort=size&order=desc&page={page}"));
        assert_eq!(r.status, 200);
        let names = row_names(&r.text());
        assert_eq!(
            names.len(),
            if page < 3 { PAGE_ROWS } else { 50 },
            "page {page}"
        );
        assert!(
            r.text().contains(&format!("Page {page} of 3")),
            "page {page}"
        );
        got.extend(names);
    }
    assert_eq!(got, want, "the pages in turn are the whole folder in order");

    // Boundaries: page 1 has no Previous, page 3 no Next; links keep the order.
    let first = http.get(&format!("{base}?sort=size&order=desc")).text();
    assert!(!first.contains("rel=\"prev\""));
    assert!(first.contains("href=\"?sort=size&amp;order=desc&amp;page=2\" rel=\"next\""));
    assert!(first.contains("450 items"));
    assert!(first.contains("(1–200)"));
    let last = http
        .get(&format!("{base}?sort=size&order=desc&page=3"))
        .text();
    assert!(last.contains("href=\"?sort=size&amp;order=desc&amp;page=2\" rel=\"prev\""));
    assert!(!last.contains("rel=\"next\""));
    assert!(last.contains("(401–450)"));

    // Past the end: still the page (its head left before the count was
    // known), saying so with a way to the last page; no rows.
    let past = http.get(&format!("{base}?page=9"));
    assert_eq!(past.status, 200);
    assert!(row_names(&past.text()).is_empty());
    assert!(past
        .text()
        .contains("There is no page 9; this listing has 3 pages."));
    assert!(past
        .text()
        .contains("href=\"?sort=name&amp;order=asc&amp;page=3\">Go to the last page"));
    for bad in ["0", "-1", "x", ""] {
        let r = http.get(&format!("{base}?page={bad}"));
        assert_eq!(
            row_names(&r.text())[0],
            "f-0000.dat",
            "page={bad} is page 1"
        );
    }

    // The filter runs over the whole folder before the pages are cut.
    let matching: Vec<&String> = files
        .iter()
        .map(|f| &f.0)
        .filter(|n| n.contains('7'))
        .collect();
    let r = http.get(&format!("{base}?q=7&page=1")).text();
    assert!(
        r.contains(&format!("{} of 450 items", matching.len())),
        "{}",
        matching.len()
    );
    let mut filtered = row_names(&r);
    filtered.extend(row_names(&http.get(&format!("{base}?q=7&page=2")).text()));
    assert_eq!(filtered.iter().collect::<Vec<_>>(), matching);

    // JSON: one page when asked, with total/page/pages/next; all without.
    let j = http
        .get(&format!("{base}?format=json&sort=size&order=desc&page=2"))
        .text();
    assert_eq!(
        json_names(
            &mut http,
            &format!("{base}?format=json&sort=size&order=desc&page=2")
        ),
        want[200..400]
    );
    assert_eq!(json_num(&j, "total"), Some(450));
    assert_eq!(json_num(&j, "page"), Some(2));
    assert_eq!(json_num(&j, "pages"), Some(3));
    assert!(
        j.contains(&format!(
            // JSON strings escape `&` (so JSON shown as a page never forms an entity).
            "\"next\":\"{base}?sort=size\\u0026order=desc\\u0026page=3\\u0026format=json\""
        )),
        "{j}"
    );
    let j = http.get(&format!("{base}?format=json&page=3")).text();
    assert!(j.contains("\"next\":null"));
    let j = http.get(&format!("{base}?format=json&page=4")).text();
    assert!(j.contains("\"entries\":[]"), "past the end: no entries");
    let all = json_names(&mut http, &format!("{base}?format=json&q=7"));
    assert_eq!(
        all.iter().collect::<Vec<_>>(),
        matching,
        "no page asked: every match"
    );
    srv.stop();
}

/// Inflates a gzip body (RFC 1952, no optional header fields).
fn gunzip(body: &[u8]) -> Vec<u8> {
    assert_eq!(&body[..3], &[0x1f, 0x8b, 8], "gzip magic and deflate");
    let plain =
        miniz_oxide::inflate::decompress_to_vec(&body[10..body.len() - 8]).expect("deflate");
    let isize = u32::from_le_bytes(body[body.len() - 4..].try_into().unwrap());
    assert_eq!(isize as usize, plain.len());
    plain
}

#[test]
fn gzip_when_asked_decodes_to_the_same_page_and_never_otherwise() {
    let (srv, mut http) = web::start();
    local_login(&mut http);
    let (base, _) = big_folder(300);
    http.get(&base); // takes the login's flash message, shown once
    for url in [
        base.clone(),
        format!("{base}?format=json"),
        format!("{base}?q=1&sort=size"),
    ] {
        let plain = http.get(&url);
        let zipped = http.get_with(&url, &[("Accept-Encoding", "gzip, deflate, br")]);
        assert_eq!(zipped.status, 200);
        assert!(zipped.complete);
        assert_eq!(zipped.header("Content-Encoding"), Some("gzip"), "{url}");
        assert_eq!(zipped.header("Vary"), Some("Accept-Encoding"));
        assert!(zipped.header("Content-Security-Policy").is_some());
        assert_eq!(plain.header("Content-Encoding"), None, "{url}");
        assert_eq!(plain.header("Vary"), Some("Accept-Encoding"));
        let inflated = gunzip(&zipped.body);
        assert_eq!(String::from_utf8_lossy(&inflated), plain.text(), "{url}");
        assert!(zipped.body.len() * 4 < plain.body.len(), "{url}: gzip pays");
    }
    for refused in ["identity", "gzip;q=0", "br"] {
        let r = http.get_with(&base, &[("Accept-Encoding", refused)]);
        assert_eq!(r.header("Content-Encoding"), None, "{refused}");
        assert!(r.text().starts_with("<!DOCTYPE html>"));
    }
    srv.stop();
}

#[test]
fn the_toolbar_with_upload_new_folder_and_filter_comes_before_the_rows() {
    let (srv, mut http) = web::start();
    local_login(&mut http);
    let (base, _) = big_folder(30);
    let page = http.get(&base).text();
    let first_row = page.find("<tr class=\"entry").expect("rows");
    for form in ["action=\"/upload/", "action=\"/mkdir/", "id=\"filter-q\""] {
        let at = page.find(form).unwrap_or_else(|| panic!("no {form}"));
        assert!(at < first_row, "{form} comes after the first row");
    }
    srv.stop();
}

#[test]
fn a_big_folder_streams_in_chunks_with_one_page_of_rows() {
    let (srv, mut http) = web::start();
    local_login(&mut http);
    let (base, files) = big_folder(5_000);
    let r: Resp = http.get(&base);
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("Transfer-Encoding"),
        Some("chunked"),
        "streamed, not one string"
    );
    assert_eq!(r.header("Content-Length"), None);
    assert!(r.complete, "the last chunk came");
    let page = r.text();
    assert!(page.trim_end().ends_with("</html>"));
    assert_eq!(row_names(&page).len(), PAGE_ROWS);
    assert!(page.contains("5,000 items"));
    assert!(page.contains("Page 1 of 25"));
    let json = http.get(&format!("{base}?format=json"));
    assert_eq!(json.header("Transfer-Encoding"), Some("chunked"));
    assert_eq!(json_num(&json.text(), "total"), Some(5_000));
    assert_eq!(json.text().matches("{\"name\":").count(), files.len());
    srv.stop();
}

/// Reads from `s` until `want` arrived (true) or `limit` passed (false).
fn read_until(s: &mut TcpStream, got: &mut Vec<u8>, want: &str, limit: Duration) -> bool {
    let end = Instant::now() + limit;
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(got).contains(want) {
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        s.set_read_timeout(Some(left)).unwrap();
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return false,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    true
}

#[test]
fn the_top_of_the_page_leaves_before_the_listing_is_read() {
    // A LIST server (CWD says the folder is there) that accepts LIST, then
    // keeps the data connection silent, as vsftpd does while it reads and
    // stats a big folder.
    let hold = Duration::from_secs(3);
    let mut steps = fake::login(&[]);
    steps.extend([expect("PWD"), send("257 \"/\" is home\r\n")]);
    steps.extend([
        expect("CWD /"),
        send("250 ok\r\n"),
        expect("EPSV"),
        Step::Epsv,
        expect("LIST"),
        send("150 here\r\n"),
        Step::DataHold(hold),
        send("226 done\r\n"),
    ]);
    let server = Fake::start(steps);
    let (srv, mut http) = web::start();
    assert_eq!(
        web::login_as(&mut http, "127.0.0.1", server.port, "u", "p").status,
        303
    );
    let started = Instant::now();
    let mut s = http.open("GET", "/browse/", &[], 0);
    let mut got = Vec::new();
    assert!(
        read_until(&mut s, &mut got, "Upload files here", hold / 2),
        "the head and toolbar did not arrive while the listing was pending: {}",
        String::from_utf8_lossy(&got)
    );
    assert!(String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200"));
    assert!(read_until(&mut s, &mut got, "</html>", hold * 2));
    assert!(
        started.elapsed() >= hold,
        "the page ended only after the listing"
    );
    assert!(String::from_utf8_lossy(&got).contains("This folder is empty."));
    server.join();
    srv.stop();
}

#[test]
fn a_listing_that_fails_after_the_page_began_says_so_in_the_page() {
    // MLSD accepted, then the transfer fails (426): the 200 left already.
    let mut steps = fake::login(&["MLSD"]);
    steps.extend([expect("PWD"), send("257 \"/\" is home\r\n")]);
    steps.extend([
        expect("EPSV"),
        Step::Epsv,
        expect("MLSD /"),
        send("150 here\r\n"),
        Step::DataSend(b"type=file;size=1; a\r\n".to_vec()),
        send("426 Connection closed; transfer aborted.\r\n"),
    ]);
    let server = Fake::start(steps);
    let (srv, mut http) = web::start();
    web::login_as(&mut http, "127.0.0.1", server.port, "u", "p");
    let page = http.get("/browse/");
    assert_eq!(page.status, 200);
    assert!(page.complete);
    let text = page.text();
    assert!(text.contains("role=\"alert\""), "{text}");
    assert!(
        text.contains("426 Connection closed; transfer aborted."),
        "{text}"
    );
    assert!(
        row_names(&text).is_empty(),
        "no half listing is shown as if whole"
    );
    assert!(text.trim_end().ends_with("</html>"));
    server.join();
    srv.stop();
}

/// A fake server that logs in and answers one MLSD with `body` (and 226
/// when `complete`), and a client for it with these caps.
fn compact_listing(
    body: Vec<u8>,
    complete: bool,
    caps: ftpgate::ftp::Config,
) -> (Fake, ftpgate::ftp::Client) {
    let mut steps = fake::login(&["MLSD"]);
    steps.extend([
        expect("EPSV"),
        Step::Epsv,
        expect("MLSD"),
        send("150 ok\r\n"),
        Step::DataSend(body),
    ]);
    if complete {
        steps.push(send("226 ok\r\n"));
    }
    let server = Fake::start(steps);
    let mut c = ftpgate::ftp::Client::connect("127.0.0.1", server.port, &caps).unwrap();
    c.login("u", "p").unwrap();
    (server, c)
}

#[test]
fn the_compact_listing_keeps_the_byte_cap_to_the_byte() {
    let caps = ftpgate::ftp::Config {
        max_listing_bytes: 1024,
        ..fake::client_config()
    };
    // 73 lines of 14 bytes and a blank line: exactly 1,024 bytes.
    let mut at_cap = b"type=file; x\r\n".repeat(73);
    at_cap.extend_from_slice(b"\r\n");
    let (server, mut c) = compact_listing(at_cap.clone(), true, caps.clone());
    assert_eq!(c.list_compact("").unwrap().len(), 73);
    drop(c);
    server.join();
    at_cap.push(b'\n');
    let (server, mut c) = compact_listing(at_cap, false, caps);
    let err = c.list_compact("").unwrap_err();
    assert!(
        matches!(err, ftpgate::ftp::Error::ListingTooLarge { .. }),
        "{err:?}"
    );
    drop(c);
    let _ = server.join();
}

#[test]
fn the_compact_listing_keeps_the_entry_cap() {
    let caps = ftpgate::ftp::Config {
        max_listing_entries: 10,
        ..fake::client_config()
    };
    let (server, mut c) = compact_listing(b"type=file; x\r\n".repeat(10), true, caps.clone());
    assert_eq!(c.list_compact("").unwrap().len(), 10);
    drop(c);
    server.join();
    let (server, mut c) = compact_listing(b"type=file; x\r\n".repeat(11), false, caps);
    let err = c.list_compact("").unwrap_err();
    assert!(
        matches!(err, ftpgate::ftp::Error::ListingTooLarge { .. }),
        "{err:?}"
    );
    drop(c);
    let _ = server.join();
}

#[test]
fn a_listing_line_over_8_kib_is_kept_cut_as_an_unknown_entry() {
    let max = ftpgate::ftp::MAX_LINE_BYTES;
    let mut body = vec![b'z'; max * 2 + 5];
    body.extend_from_slice(b"\r\ntype=file;size=4; after\r\n");
    let (server, mut c) = compact_listing(body, true, fake::client_config());
    let entries = c.list_compact("").unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries.kind(0), ftpgate::ftp::EntryType::Unknown);
    assert_eq!(entries.name(0).len(), max);
    assert_eq!(entries.name(1), b"after");
    assert_eq!(entries.size(1), Some(4));
    drop(c);
    server.join();
}

#[test]
fn text_assets_are_gzipped_when_asked_and_decode_to_the_same_bytes() {
    let (srv, mut http) = web::start();
    let page = http.get("/login").text();
    let at = page.find("/assets/").unwrap();
    let version = &page[at + 8..at + 8 + page[at + 8..].find('/').unwrap()];
    for name in ["app.js", "app.css", "icons.svg"] {
        let url = format!("/assets/{version}/{name}");
        let plain = http.get(&url);
        assert_eq!(plain.header("Content-Encoding"), None, "{name}");
        assert_eq!(plain.header("Vary"), Some("Accept-Encoding"));
        for _ in 0..2 {
            let zipped = http.get_with(&url, &[("Accept-Encoding", "gzip")]);
            assert_eq!(zipped.header("Content-Encoding"), Some("gzip"), "{name}");
            assert_eq!(zipped.header("X-Content-Type-Options"), Some("nosniff"));
            assert_eq!(gunzip(&zipped.body), plain.body, "{name}");
        }
    }
    srv.stop();
}

#[test]
fn an_mlsd_refused_after_150_is_still_a_404() {
    // libunftp's way with a missing folder: 150, no data, then 550.
    let mut steps = fake::login(&["MLSD"]);
    steps.extend([expect("PWD"), send("257 \"/\" is home\r\n")]);
    steps.extend([
        expect("EPSV"),
        Step::Epsv,
        expect("MLSD /gone"),
        send("150 Sending directory list\r\n"),
        Step::DataSend(Vec::new()),
        send("550 File not found\r\n"),
        // The 404 asks whether it is a file (a link clicked as a folder).
        expect("SIZE /gone"),
        send("550 File not found\r\n"),
    ]);
    let server = Fake::start(steps);
    let (srv, mut http) = web::start();
    web::login_as(&mut http, "127.0.0.1", server.port, "u", "p");
    let page = http.get("/browse/gone/");
    assert_eq!(page.status, 404, "{}", page.text());
    assert!(page.text().contains("550 File not found"));
    server.join();
    srv.stop();
}
