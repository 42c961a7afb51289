//! The listing's comfort features over HTTP: sort and filter in the query
//! string (they must work without JavaScript), icons by kind, relative
//! times with exact values in `title`, and the row links to rename/delete.

mod common;

use common::http::{encode, Http};
use common::{targets, web};
use std::io::Write;

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
