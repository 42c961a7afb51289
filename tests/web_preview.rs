//! Previews, against every configured FTP server: `GET /preview/<path>`
//! (the page) and `GET /download/<path>?inline=1` (the bytes it shows).
//! Inline types come only from the allow-list, always sandboxed and
//! `nosniff`; HTML, SVG, XML and JS are plain text or escaped in the page;
//! text is capped at 1 MiB (one byte under and over) and decoded lossily;
//! Range works on the inline path; previous and next follow the listing.

mod common;

use common::http::{encode, Http, Resp};
use common::{pattern, targets, web};

const MIB: usize = 1024 * 1024;

fn inline(http: &mut Http, path: &str, headers: &[(&str, &str)]) -> Resp {
    http.get_with(
        &format!("/download{}?inline=1", encode(path.as_bytes())),
        headers,
    )
}

fn preview(http: &mut Http, path: &str, query: &str) -> Resp {
    let r = http.get(&format!("/preview{}{query}", encode(path.as_bytes())));
    assert!(r.complete, "the preview page ended cleanly");
    r
}

/// What is between the page's `<code>` and `</code>` (the text shown).
fn shown_text(page: &str) -> &str {
    let start = page
        .find("<pre class=\"preview-text\" tabindex=\"0\"><code>")
        .expect("a text block");
    let rest = &page[start..];
    let rest = &rest[rest.find("<code>").unwrap() + 6..];
    &rest[..rest.find("</code>").expect("end of the text")]
}

fn assert_sandboxed(r: &Resp, what: &str) {
    let csp = r.header("Content-Security-Policy").unwrap_or("");
    assert!(
        csp.split(';').any(|d| d.trim() == "sandbox"),
        "{what}: CSP {csp:?}"
    );
    assert_eq!(
        r.header("X-Content-Type-Options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(r.header("Referrer-Policy"), Some("no-referrer"), "{what}");
}

#[test]
fn inline_types_come_from_the_allow_list_sandboxed_and_nosniff() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (_, mut c, dir) = web::scratch_login(&mut http, &t, "inline");
        let cases = [
            ("a.png", "image/png"),
            ("b.JPG", "image/jpeg"),
            ("c.webp", "image/webp"),
            ("d.ico", "image/x-icon"),
            ("e.mp4", "video/mp4"),
            ("f.webm", "video/webm"),
            ("g.mov", "video/mp4"),
            ("h.mp3", "audio/mpeg"),
            ("i.wav", "audio/wav"),
            ("j.opus", "audio/ogg"),
            ("k.flac", "audio/flac"),
            ("l.pdf", "application/pdf"),
        ];
        for (n, (name, want)) in cases.iter().enumerate() {
            let data = pattern(1000 + n, n as u64);
            let path = format!("{dir}/{name}");
            common::put_file(&mut c, &path, &data);
            let r = inline(&mut http, &path, &[]);
            assert_eq!(r.status, 200, "{}: {name}: {}", t.name, r.text());
            assert!(r.complete);
            assert_eq!(r.body, data, "{name}");
            assert_eq!(r.header("Content-Type"), Some(*want), "{name}");
            let cd = r.header("Content-Disposition").unwrap();
            assert!(
                cd.starts_with(&format!("inline; filename=\"{name}\"")),
                "{cd}"
            );
            assert_sandboxed(&r, name);
            let csp = r.header("Content-Security-Policy").unwrap();
            if name.ends_with(".pdf") {
                // Framed by the preview page only.
                assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
                assert_eq!(r.header("X-Frame-Options"), Some("SAMEORIGIN"));
            } else {
                assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
                assert_eq!(r.header("X-Frame-Options"), Some("DENY"));
            }
            // Without `inline=1` the same file is the usual attachment.
            let plain = http.get(&format!("/download{}", encode(path.as_bytes())));
            assert_eq!(
                plain.header("Content-Type"),
                Some("application/octet-stream")
            );
            assert!(plain
                .header("Content-Disposition")
                .unwrap()
                .starts_with("attachment;"));
            assert_eq!(plain.body, data);
        }
        srv.stop();
    }
}

#[test]
fn anything_off_the_list_stays_an_octet_stream_attachment_inline_too() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (_, mut c, dir) = web::scratch_login(&mut http, &t, "unlisted");
        for name in ["setup.exe", "a.zip", "noext", "x.tar.gz", "photo.heic"] {
            let path = format!("{dir}/{name}");
            common::put_file(&mut c, &path, b"MZ not for you");
            let r = inline(&mut http, &path, &[("Sec-Fetch-Dest", "image")]);
            assert_eq!(r.status, 200, "{}: {name}", t.name);
            assert_eq!(
                r.header("Content-Type"),
                Some("application/octet-stream"),
                "{name}"
            );
            assert!(
                r.header("Content-Disposition")
                    .unwrap()
                    .starts_with("attachment;"),
                "{name}"
            );
            assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
        }
        srv.stop();
    }
}

#[test]
fn html_svg_xml_and_js_go_inline_only_as_plain_text() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (_, mut c, dir) = web::scratch_login(&mut http, &t, "scriptable");
        let hostile = b"<html><script>alert(1)</script><svg onload=alert(2)></svg></html>";
        for name in [
            "evil.html",
            "evil.htm",
            "evil.xhtml",
            "evil.svg",
            "evil.xml",
            "evil.js",
        ] {
            let path = format!("{dir}/{name}");
            common::put_file(&mut c, &path, hostile);
            for dest in [None, Some("document"), Some("iframe"), Some("embed")] {
                let headers: Vec<(&str, &str)> =
                    dest.map(|d| ("Sec-Fetch-Dest", d)).into_iter().collect();
                let r = inline(&mut http, &path, &headers);
                assert_eq!(r.status, 200, "{}: {name}", t.name);
                assert_eq!(
                    r.header("Content-Type"),
                    Some("text/plain; charset=utf-8"),
                    "{name} for {dest:?}"
                );
                assert_sandboxed(&r, name);
            }
        }
        // An SVG is an image only where script never runs: in an <img>.
        let r = inline(
            &mut http,
            &format!("{dir}/evil.svg"),
            &[("Sec-Fetch-Dest", "image")],
        );
        assert_eq!(r.header("Content-Type"), Some("image/svg+xml"));
        assert_eq!(r.header("Vary"), Some("Sec-Fetch-Dest"));
        assert_sandboxed(&r, "svg as an image");
        let r = inline(
            &mut http,
            &format!("{dir}/evil.html"),
            &[("Sec-Fetch-Dest", "image")],
        );
        assert_eq!(r.header("Content-Type"), Some("text/plain; charset=utf-8"));

        // In the page, the file is its own source, escaped.
        for name in ["evil.html", "evil.svg"] {
            let r = preview(&mut http, &format!("{dir}/{name}"), "");
            assert_eq!(r.status, 200, "{}", r.text());
            let page = r.text();
            assert!(!page.contains("<script>alert"), "{page}");
            assert!(!page.contains("<svg onload"), "{page}");
            assert_eq!(
                shown_text(&page),
                "&lt;html&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;svg onload=alert(2)&gt;&lt;/svg&gt;&lt;/html&gt;"
            );
        }
        let page = preview(&mut http, &format!("{dir}/evil.svg"), "").text();
        let img = format!(
            "<img class=\"preview-image\" src=\"/download{}/evil.svg?inline=1\"",
            encode(dir.as_bytes())
        );
        assert!(page.contains(&img), "{page}");
        srv.stop();
    }
}

#[test]
fn the_preview_page_has_its_own_policy_and_a_download_beside_the_file() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (_, mut c, dir) = web::scratch_login(&mut http, t, "page");
    for name in ["v.webm", "s.mp3", "p.png", "d.pdf", "z.bin"] {
        common::put_file(&mut c, &format!("{dir}/{name}"), b"bytes");
    }
    let enc = encode(dir.as_bytes());
    let r = preview(&mut http, &format!("{dir}/v.webm"), "");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
    let csp = r.header("Content-Security-Policy").unwrap();
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "media-src 'self'",
        "frame-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("unsafe"), "{csp}");
    assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
    let page = r.text();
    assert!(page.contains(&format!("<video class=\"preview-video\" src=\"/download{enc}/v.webm?inline=1\" controls preload=\"metadata\"")), "{page}");
    assert!(
        page.contains(&format!(
            "href=\"/download{enc}/v.webm\" download>Download</a>"
        )),
        "{page}"
    );
    assert!(
        page.contains(&format!("href=\"/browse{enc}/?sort=name&amp;order=asc\"")),
        "{page}"
    );
    let page = preview(&mut http, &format!("{dir}/s.mp3"), "").text();
    assert!(page.contains(&format!(
        "<audio class=\"preview-audio\" src=\"/download{enc}/s.mp3?inline=1\""
    )));
    let page = preview(&mut http, &format!("{dir}/p.png"), "").text();
    assert!(page.contains(&format!(
        "<img class=\"preview-image\" src=\"/download{enc}/p.png?inline=1\" alt=\"p.png\">"
    )));
    let page = preview(&mut http, &format!("{dir}/d.pdf"), "").text();
    assert!(page.contains(&format!(
        "<iframe class=\"preview-pdf\" src=\"/download{enc}/d.pdf?inline=1\""
    )));
    let page = preview(&mut http, &format!("{dir}/z.bin"), "").text();
    assert!(page.contains("cannot show this kind of file"), "{page}");
    assert!(page.contains(&format!(
        "href=\"/download{enc}/z.bin\" download>Download</a>"
    )));
    srv.stop();
}

#[test]
fn hostile_names_are_escaped_and_percent_encoded() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (_, mut c, dir) = web::scratch_login(&mut http, t, "names");
    let name = "\"><script>alert(1)<\\script>&.txt";
    let path = format!("{dir}/{name}");
    common::put_file(&mut c, &path, b"fine");
    common::put_file(
        &mut c,
        &format!("{dir}/<img src=x onerror=alert(2)>.png"),
        b"x",
    );
    let r = preview(&mut http, &path, "");
    assert_eq!(r.status, 200, "{}", r.text());
    let page = r.text();
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("<img src=x"), "{page}");
    assert!(page.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;\\script&gt;&amp;.txt"));
    assert!(
        page.contains("%22%3E%3Cscript%3Ealert%281%29%3C%5Cscript%3E%26.txt"),
        "{page}"
    );
    assert_eq!(shown_text(&page), "fine");
    // The next file's name, in the link and its title, is escaped too.
    assert!(
        page.contains("title=\"&lt;img src=x onerror=alert(2)&gt;.png\""),
        "{page}"
    );
    let listing = http
        .get(&format!("/browse{}/", encode(dir.as_bytes())))
        .text();
    assert!(!listing.contains("<img src=x"), "{listing}");
    srv.stop();
}

/// `n` bytes of ASCII text lines (nothing that HTML escapes).
fn text_of(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 64);
    let mut line = 0;
    while out.len() < n {
        out.extend_from_slice(format!("line {line:07} of a long log file\n").as_bytes());
        line += 1;
    }
    out.truncate(n);
    out
}

#[test]
fn text_is_capped_at_one_mib_one_byte_under_and_over() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (_, mut c, dir) = web::scratch_login(&mut http, &t, "cap");
        for (len, cut) in [
            (MIB - 1, false),
            (MIB, false),
            (MIB + 1, true),
            (3 * MIB + 5, true),
        ] {
            let data = text_of(len);
            let path = format!("{dir}/log-{len}.log");
            common::put_file(&mut c, &path, &data);
            let r = preview(&mut http, &path, "");
            assert_eq!(r.status, 200, "{}: {len}", t.name);
            let page = r.text();
            let want = &data[..len.min(MIB)];
            assert_eq!(
                shown_text(&page).as_bytes(),
                want,
                "{}: {len} bytes",
                t.name
            );
            let said = page.contains("Showing the first 1 MiB of");
            assert_eq!(said, cut, "{}: {len}", t.name);
            if cut {
                let exact = format!("{len}")
                    .as_bytes()
                    .rchunks(3)
                    .rev()
                    .map(|c| std::str::from_utf8(c).unwrap())
                    .collect::<Vec<_>>()
                    .join(",");
                assert!(
                    page.contains(&format!("({exact} bytes)")),
                    "{exact} in the note"
                );
            }
        }
        // The aborted transfers left the session's connection in step.
        let data = text_of(3 * MIB + 5);
        let r = http.get(&format!(
            "/download{}",
            encode(format!("{dir}/log-{}.log", 3 * MIB + 5).as_bytes())
        ));
        assert!(r.complete);
        assert_eq!(r.body, data, "{}", t.name);
        srv.stop();
    }
}

#[test]
fn text_is_decoded_lossily_and_a_cut_character_is_dropped() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (_, mut c, dir) = web::scratch_login(&mut http, &t, "lossy");
        common::put_file(
            &mut c,
            &format!("{dir}/latin1.txt"),
            b"caf\xe9 \xff\xfe ok \xe2\x9c\x93\n",
        );
        let page = preview(&mut http, &format!("{dir}/latin1.txt"), "").text();
        assert_eq!(
            shown_text(&page),
            "caf\u{fffd} \u{fffd}\u{fffd} ok \u{2713}\n",
            "{}",
            t.name
        );
        // A three-byte character across the cap: its first byte is shown as nothing.
        let mut data = text_of(MIB - 1);
        data.extend_from_slice("✓ after".as_bytes());
        common::put_file(&mut c, &format!("{dir}/cut.txt"), &data);
        let page = preview(&mut http, &format!("{dir}/cut.txt"), "").text();
        let shown = shown_text(&page);
        assert_eq!(shown.as_bytes(), &data[..MIB - 1], "{}", t.name);
        assert!(!shown.contains('\u{fffd}'));
        srv.stop();
    }
}

#[test]
fn range_requests_answer_206_on_the_inline_path() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (_, mut c, dir) = web::scratch_login(&mut http, &t, "range");
        let data = pattern(2 * MIB + 3, 5);
        let path = format!("{dir}/film.mp4");
        common::put_file(&mut c, &path, &data);
        let r = inline(&mut http, &path, &[("Range", "bytes=1000000-")]);
        assert_eq!(r.status, 206, "{}", t.name);
        assert_eq!(r.header("Content-Type"), Some("video/mp4"));
        assert_eq!(
            r.header("Content-Range"),
            Some(format!("bytes 1000000-{}/{}", data.len() - 1, data.len()).as_str())
        );
        assert_eq!(r.header("Accept-Ranges"), Some("bytes"));
        assert_sandboxed(&r, "a range");
        assert_eq!(r.body, &data[1_000_000..]);
        let r = inline(&mut http, &path, &[("Range", "bytes=0-1")]);
        assert_eq!(
            (r.status, r.body.as_slice()),
            (206, &data[..2]),
            "{}",
            t.name
        );
        let r = inline(&mut http, &path, &[("Range", "bytes=-7")]);
        assert_eq!(r.body, &data[data.len() - 7..]);
        // After the aborted short ranges, the whole file still comes whole.
        let r = inline(&mut http, &path, &[]);
        assert_eq!((r.status, r.body.len()), (200, data.len()));
        assert!(r.body == data);
        srv.stop();
    }
}

/// The `href` of the link with `rel`, if any.
fn rel_href(page: &str, rel: &str) -> Option<String> {
    let at = page.find(&format!("rel=\"{rel}\""))?;
    let tag = &page[page[..at].rfind("<a ").unwrap()..at];
    let href = &tag[tag.find("href=\"").unwrap() + 6..];
    Some(href[..href.find('"').unwrap()].replace("&amp;", "&"))
}

#[test]
fn previous_and_next_follow_the_listing_and_skip_what_cannot_be_shown() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (_, mut c, dir) = web::scratch_login(&mut http, &t, "near");
        for name in ["a.png", "b.txt", "c.bin", "d.mp3", "e.pdf"] {
            common::put_file(&mut c, &format!("{dir}/{name}"), name.as_bytes());
        }
        c.mkd(format!("{dir}/a-folder.png")).unwrap();
        let enc = encode(dir.as_bytes());
        let at = |name: &str, query: &str| format!("/preview{enc}/{name}{query}");
        let asc = "?sort=name&order=asc";
        let page = preview(&mut http, &format!("{dir}/b.txt"), "").text();
        assert_eq!(
            rel_href(&page, "prev"),
            Some(at("a.png", asc)),
            "{}",
            t.name
        );
        assert_eq!(
            rel_href(&page, "next"),
            Some(at("d.mp3", asc)),
            "c.bin has no preview"
        );
        assert!(page.contains("2 of 4 in "), "{page}");
        let page = preview(&mut http, &format!("{dir}/a.png"), "").text();
        assert_eq!(rel_href(&page, "prev"), None, "a folder is no preview");
        let page = preview(&mut http, &format!("{dir}/e.pdf"), "").text();
        assert_eq!(rel_href(&page, "next"), None);
        assert_eq!(rel_href(&page, "prev"), Some(at("d.mp3", asc)));
        // The listing's order travels along: newest... here, names descending.
        let desc = "?sort=name&order=desc";
        let page = preview(&mut http, &format!("{dir}/b.txt"), desc).text();
        assert_eq!(
            rel_href(&page, "prev"),
            Some(at("d.mp3", desc)),
            "{}",
            t.name
        );
        assert_eq!(rel_href(&page, "next"), Some(at("a.png", desc)));
        assert!(page.contains(&format!("href=\"/browse{enc}/?sort=name&amp;order=desc\"")));
        // And the filter: only names with "p" (a.png, d.mp3, e.pdf).
        let page = preview(&mut http, &format!("{dir}/d.mp3"), "?q=p").text();
        assert_eq!(
            rel_href(&page, "prev"),
            Some(at("a.png", "?sort=name&order=asc&q=p"))
        );
        assert!(page.contains("2 of 3 in "));
        srv.stop();
    }
}

#[test]
fn the_listing_opens_previews_by_name_and_keeps_a_download_on_every_file() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (_, mut c, dir) = web::scratch_login(&mut http, t, "rows");
    common::put_file(&mut c, &format!("{dir}/photo.jpg"), b"jpg");
    common::put_file(&mut c, &format!("{dir}/data.bin"), b"bin");
    let enc = encode(dir.as_bytes());
    let page = http.get(&format!("/browse{enc}/")).text();
    assert!(
        page.contains(&format!(
            "<a class=\"entry-name\" href=\"/preview{enc}/photo.jpg\">photo.jpg</a>"
        )),
        "{page}"
    );
    assert!(page.contains(&format!(
        "<a class=\"entry-name\" href=\"/download{enc}/data.bin\" download>data.bin</a>"
    )));
    for name in ["photo.jpg", "data.bin"] {
        assert!(page.contains(&format!(
            "<a class=\"action action-download\" href=\"/download{enc}/{name}\" download aria-label=\"Download {name}\">Download</a>"
        )), "{name}: {page}");
    }
    srv.stop();
}

#[test]
fn previews_need_a_session_and_a_missing_file_is_404() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (_, _c, dir) = web::scratch_login(&mut http, t, "missing");
    let r = preview(&mut http, &format!("{dir}/nope.txt"), "");
    assert_eq!(r.status, 404, "{}", r.text());
    assert!(r.text().contains("Back to the folder"));
    let r = preview(&mut http, &format!("{dir}/nope.png"), "");
    assert_eq!(r.status, 404);
    let mut stranger = Http::new(srv.addr);
    // To the login page, which brings them back here afterwards.
    let r = stranger.get(&format!("/preview{}/x.txt", encode(dir.as_bytes())));
    assert_eq!(r.status, 303);
    let to = r.header("Location").unwrap();
    assert!(to.starts_with("/login?expired=1&next=%2Fpreview"), "{to}");
    let r = stranger.get(&format!(
        "/download{}/x.png?inline=1",
        encode(dir.as_bytes())
    ));
    assert_eq!(r.status, 303);
    let to = r.header("Location").unwrap();
    assert!(
        to.starts_with("/login?expired=1&next=%2Fdownload") && to.ends_with("%3Finline%3D1"),
        "{to}"
    );
    srv.stop();
}
