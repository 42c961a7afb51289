//! Search in subfolders (`/search/<dir>/?q=`) against every configured FTP
//! server: matches at every depth in any case, as HTML and as JSON, links
//! matched by name but never entered (on the servers that show links), and
//! the refusals.

mod common;

use common::http::encode;
use common::web;

#[test]
fn names_are_found_at_every_depth_in_any_case_and_links_are_not_entered() {
    for (t, root) in common::targets_with_roots() {
        let (srv, mut http) = web::start();
        let (_, mut c, dir) = web::scratch_login(&mut http, &t, "search");
        c.mkd(format!("{dir}/a")).unwrap();
        c.mkd(format!("{dir}/a/b")).unwrap();
        c.mkd(format!("{dir}/c")).unwrap();
        common::put_file(&mut c, &format!("{dir}/a/Report-1.txt"), b"one");
        common::put_file(&mut c, &format!("{dir}/a/b/old REPORT 2.txt"), b"two two");
        common::put_file(&mut c, &format!("{dir}/c/other.txt"), b"x");
        c.mkd(format!("{dir}/c/reports")).unwrap();
        // A link into a folder outside the tree, holding a match: its name is
        // found (it contains "report"), what is behind it never is.
        let links = t.name != "libunftp"; // libunftp shows a link as its target
        if links {
            // Outside the searched folder but inside the server's root, so
            // the server can follow the link: only the walk keeps out.
            let outside = common::unique("search-outside");
            std::fs::create_dir(root.join(&outside)).unwrap();
            std::fs::write(root.join(&outside).join("report-secret.txt"), b"secret").unwrap();
            let here = root.join(dir.trim_start_matches('/'));
            std::os::unix::fs::symlink(format!("../../{outside}"), here.join("c/report-link"))
                .unwrap();
            assert!(
                here.join("c/report-link/report-secret.txt").is_file(),
                "the link resolves"
            );
        }
        let base = format!("/search{}/", encode(dir.as_bytes()).replace("%2F", "/"));
        let page = http.get(&format!("{base}?q=report")).text();
        assert!(page.contains("Report-1.txt"), "{}: {page}", t.name);
        assert!(page.contains("old REPORT 2.txt"), "{}: {page}", t.name);
        assert!(
            page.contains(">reports</a>/"),
            "{}: a folder matches too: {page}",
            t.name
        );
        assert!(!page.contains("other.txt"), "{}", t.name);
        assert!(
            !page.contains("report-secret"),
            "{}: a link was entered: {page}",
            t.name
        );
        let found = if links { 4 } else { 3 };
        assert!(
            page.contains(&format!("{found} matches found in 5 folders")),
            "{}: {page}",
            t.name
        );
        // The deepest one links to its file and to its folder.
        assert!(
            page.contains(&format!(
                "href=\"/preview{}/a/b/old%20REPORT%202.txt\"",
                dir
            )),
            "{}: {page}",
            t.name
        );
        assert!(
            page.contains(&format!("href=\"/browse{}/a/b/\"", dir)),
            "{}",
            t.name
        );

        let json = http.get(&format!("{base}?q=REPORT&format=json")).text();
        assert!(
            json.starts_with(&format!(
                "{{\"path\":\"{dir}\",\"q\":\"REPORT\",\"results\":["
            )),
            "{json}"
        );
        assert!(json.contains(&format!("\"path\":\"{dir}/a/b/old REPORT 2.txt\",\"name\":\"old REPORT 2.txt\",\"type\":\"file\",\"size\":7")), "{}: {json}", t.name);
        assert!(json.contains("\"type\":\"dir\""), "{json}");
        if links {
            assert!(
                json.contains("\"name\":\"report-link\",\"type\":\"link\""),
                "{}: {json}",
                t.name
            );
        }
        assert!(
            json.ends_with("\"skipped\":0,\"too_deep\":0,\"stopped\":null}"),
            "{}: {json}",
            t.name
        );
        assert!(!json.contains("secret"), "{json}");
        srv.stop();
    }
}

#[test]
fn a_search_needs_a_folder_a_session_and_sane_text() {
    let t = &common::targets()[0];
    let (srv, mut http) = web::start();
    let r = http.get("/search/?q=x");
    assert_eq!(r.status, 303, "not logged in");
    assert!(r
        .header("Location")
        .unwrap()
        .starts_with("/login?expired=1"));
    let (_, _c, dir) = web::scratch_login(&mut http, t, "search-refusals");
    assert_eq!(
        http.get(&format!("/search{dir}/no-such-folder/?q=x"))
            .status,
        404
    );
    let r = http.get(&format!("/search{dir}/?q="));
    assert_eq!(
        (r.status, r.header("Location")),
        (303, Some(format!("/browse{dir}/").as_str()))
    );
    let long = "x".repeat(257);
    assert_eq!(http.get(&format!("/search{dir}/?q={long}")).status, 400);
    assert_eq!(http.get(&format!("/search{dir}/?q=a%0Ab")).status, 400);
    // Nothing found says so.
    let page = http
        .get(&format!("/search{dir}/?q=nothing-has-this"))
        .text();
    assert!(
        page.contains("No names contain “nothing-has-this” in 1 folder"),
        "{page}"
    );
    srv.stop();
}
