//! `GET /zip/<dir>/`: folders and selections as a streamed ZIP, against
//! every configured FTP server. Each archive is checked by tools nobody
//! here wrote: Python's `zipfile` (names, contents, CRCs) and `unzip -t`;
//! its `Content-Length` is exact; links are not stored; a file that
//! vanishes midway cuts the response instead of leaving a gap; a folder of
//! 70,000 entries gets the ZIP64 end record.

mod common;

use common::http::{encode, Http};
use common::{targets, web};
use std::path::{Path, PathBuf};
use std::process::Command;

fn save(bytes: &[u8]) -> PathBuf {
    let path = common::temp_dir("zip").join("archive.zip");
    std::fs::write(&path, bytes).unwrap();
    path
}

/// What Python's zipfile makes of the archive: `name<TAB>size<TAB>sha256`
/// per entry, after checking every CRC (`testzip`).
fn python_view(zip: &Path) -> Vec<String> {
    let script = r#"
import hashlib, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    if bad is not None:
        sys.exit("bad CRC: " + bad)
    for i in z.infolist():
        data = z.read(i)
        print("%s\t%d\t%s" % (i.filename, i.file_size, hashlib.sha256(data).hexdigest()))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(zip)
        .output()
        .expect("python3 (the CI installs it)");
    assert!(
        out.status.success(),
        "zipfile: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

/// `unzip -t` passes (Info-ZIP checks every CRC and the central directory).
fn unzip_tests(zip: &Path) {
    let out = match Command::new("unzip").arg("-t").arg(zip).output() {
        Ok(out) => out,
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but unzip can't run: {e}")
        }
        Err(e) => return eprintln!("unzip not found ({e}); skipping unzip -t"),
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("No errors"), "{text}");
}

fn line(name: &str, data: &[u8]) -> String {
    format!("{name}\t{}\t{}", data.len(), common::sha256(data))
}

fn dir_line(name: &str) -> String {
    format!("{name}\t0\t{}", common::sha256(b""))
}

fn get_zip(http: &mut Http, dir: &str, query: &str) -> common::http::Resp {
    let r = http.get(&format!("/zip{}/{query}", encode(dir.as_bytes())));
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.complete, "the archive ended cleanly");
    assert_eq!(r.header("Content-Type"), Some("application/zip"));
    let len: usize = r.header("Content-Length").unwrap().parse().unwrap();
    assert_eq!(len, r.body.len(), "Content-Length is exact");
    r
}

#[test]
fn a_folder_downloads_as_a_zip_that_zipfile_and_unzip_accept() {
    for t in targets() {
        let (srv, mut http) = web::start();
        let (_, mut c, dir) = web::scratch_login(&mut http, &t, "zip");
        let big = common::pattern(3 * 1024 * 1024 + 17, 3);
        common::put_file(&mut c, &format!("{dir}/big.bin"), &big);
        common::put_file(&mut c, &format!("{dir}/naïve file.txt"), b"unicode\n");
        common::put_file(&mut c, &format!("{dir}/empty"), b"");
        c.mkd(format!("{dir}/sub")).unwrap();
        c.mkd(format!("{dir}/sub/empty dir")).unwrap();
        common::put_file(&mut c, &format!("{dir}/sub/inner.txt"), b"inner");

        let r = get_zip(&mut http, &dir, "");
        let base = dir.rsplit('/').next().unwrap();
        let disposition = r.header("Content-Disposition").unwrap();
        assert!(
            disposition.contains(&format!("{base}.zip")),
            "{disposition}"
        );
        let zip = save(&r.body);
        let mut want = vec![
            dir_line(&format!("{base}/")),
            line(&format!("{base}/big.bin"), &big),
            line(&format!("{base}/naïve file.txt"), b"unicode\n"),
            line(&format!("{base}/empty"), b""),
            dir_line(&format!("{base}/sub/")),
            dir_line(&format!("{base}/sub/empty dir/")),
            line(&format!("{base}/sub/inner.txt"), b"inner"),
        ];
        want.sort();
        assert_eq!(python_view(&zip), want, "{}", t.name);
        unzip_tests(&zip);

        // A selection: some entries of the folder, named from the folder.
        let r = get_zip(&mut http, &dir, "?name=sub&name=empty");
        let mut want = vec![
            line("empty", b""),
            dir_line("sub/"),
            dir_line("sub/empty dir/"),
            line("sub/inner.txt", b"inner"),
        ];
        want.sort();
        assert_eq!(python_view(&save(&r.body)), want, "{}", t.name);

        let r = http.get(&format!("/zip{}/?name=nothere", encode(dir.as_bytes())));
        assert_eq!(r.status, 404, "{}: {}", t.name, r.text());
        srv.stop();
    }
}

/// The in-process server's folder on disk, for what FTP can't make.
fn local(dir: &str) -> PathBuf {
    common::local_server()
        .root
        .join(dir.trim_start_matches('/'))
}

/// Links are not stored, whatever the server makes of them: vsftpd's LIST
/// says `l`; pyftpdlib's MLSD describes a link's target (`type=file`, or
/// `type=dir`) and only its LIST tells. (libunftp lists a link as the file
/// it points to, so no client can tell it is one: it is not tried here.)
#[test]
fn links_are_not_stored_and_names_need_not_be_utf8() {
    use std::os::unix::ffi::OsStrExt;
    for (t, root) in common::targets_with_roots() {
        if t.name == "libunftp" {
            continue;
        }
        let (srv, mut http) = web::start();
        let (_, mut c, dir) = web::scratch_login(&mut http, &t, "zip-links");
        let here = root.join(dir.trim_start_matches('/'));
        common::put_file(&mut c, &format!("{dir}/kept.txt"), b"kept");
        std::fs::create_dir(here.join("outside")).unwrap();
        std::fs::write(here.join("outside/secret.txt"), b"secret").unwrap();
        c.mkd(format!("{dir}/tree")).unwrap();
        common::put_file(&mut c, &format!("{dir}/tree/own.txt"), b"own");
        std::os::unix::fs::symlink("../outside", here.join("tree/ln")).unwrap();
        std::os::unix::fs::symlink("../outside/secret.txt", here.join("tree/ln.txt")).unwrap();
        // pyftpdlib lists a name that is not UTF-8 but can't RETR it (550).
        let latin1 = t.name == "vsftpd";
        if latin1 {
            let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
            std::fs::write(here.join("tree").join(name), b"latin-1").unwrap();
        }

        let r = get_zip(&mut http, &dir, "?name=tree&name=kept.txt");
        let zip = save(&r.body);
        let view = python_view(&zip);
        assert!(
            view.contains(&line("kept.txt", b"kept")),
            "{}: {view:?}",
            t.name
        );
        assert!(
            view.contains(&line("tree/own.txt", b"own")),
            "{}: {view:?}",
            t.name
        );
        assert!(
            !view
                .iter()
                .any(|l| l.contains("secret") || l.contains("ln")),
            "{}: {view:?}",
            t.name
        );
        // Not UTF-8: stored as the bytes, without the UTF-8 flag.
        let latin = format!("\t7\t{}", common::sha256(b"latin-1"));
        let has_latin = view.iter().any(|l| l.ends_with(&latin));
        assert_eq!(has_latin, latin1, "{}: {view:?}", t.name);
        assert_eq!(view.len(), 3 + usize::from(latin1), "{}: {view:?}", t.name);
        unzip_tests(&zip);
        srv.stop();
    }
}

#[test]
fn a_folder_of_seventy_thousand_entries_gets_the_zip64_end() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (_, _c, dir) = web::scratch_login(&mut http, t, "zip-many");
    let folder = local(&dir);
    for i in 0..70_000 {
        std::fs::File::create(folder.join(format!("f{i:05}"))).unwrap();
    }
    std::fs::write(folder.join("last.txt"), b"the last one").unwrap();
    let r = get_zip(&mut http, &dir, "");
    let zip = save(&r.body);
    let view = python_view(&zip);
    assert_eq!(view.len(), 70_002, "the folder, 70,000 files and last.txt");
    let base = dir.rsplit('/').next().unwrap();
    assert!(view.contains(&line(&format!("{base}/last.txt"), b"the last one")));
    // The end of central directory says 0xFFFF entries: the ZIP64 record has the count.
    let end = &r.body[r.body.len() - 22..];
    assert_eq!(&end[..4], &[0x50, 0x4b, 0x05, 0x06]);
    assert_eq!(u16::from_le_bytes([end[10], end[11]]), 0xFFFF);
    unzip_tests(&zip);
    srv.stop();
}

#[test]
fn a_file_that_shrinks_midway_cuts_the_archive() {
    use std::io::Read;
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (_, mut c, dir) = web::scratch_login(&mut http, t, "zip-cut");
    common::put_file(&mut c, &format!("{dir}/a.txt"), b"first");
    // The walk sees 64 MiB; while the archive waits for this test to read
    // it (a few MiB of socket buffers at most), the file shrinks to 1 MiB.
    let path = local(&dir).join("b.bin");
    std::fs::write(&path, common::pattern(64 << 20, 1)).unwrap();
    let mut s = http.open("GET", &format!("/zip{}/", encode(dir.as_bytes())), &[], 0);
    let mut first = [0u8; 12];
    s.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(1 << 20)
        .unwrap();
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest);
    let text = String::from_utf8_lossy(&rest);
    let head_end = text.find("\r\n\r\n").expect("a head");
    let length: usize = text[..head_end]
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .expect("Content-Length")
        .trim()
        .parse()
        .unwrap();
    let body = rest.len() - (head_end + 4);
    assert!(
        body < length,
        "the archive was cut: {body} of {length} bytes"
    );
    srv.stop();
}

/// The page's checkboxes send `item=` (the name percent-encoded) with
/// `selected=1`; nothing ticked is a 400, not the whole folder.
#[test]
fn the_pages_selection_names_entries_percent_encoded() {
    let t = &targets()[0];
    let (srv, mut http) = web::start();
    let (_, mut c, dir) = web::scratch_login(&mut http, t, "zip-items");
    common::put_file(&mut c, &format!("{dir}/a b%.txt"), b"one");
    common::put_file(&mut c, &format!("{dir}/other.txt"), b"two");
    let page = http
        .get(&format!("/browse{}/", encode(dir.as_bytes())))
        .text();
    assert!(
        page.contains(r#"value="a%20b%25.txt" form="selection""#),
        "{page}"
    );
    let r = get_zip(&mut http, &dir, "?selected=1&item=a%2520b%2525.txt");
    assert_eq!(python_view(&save(&r.body)), [line("a b%.txt", b"one")]);
    let r = http.get(&format!("/zip{}/?selected=1", encode(dir.as_bytes())));
    assert_eq!(r.status, 400, "{}", r.text());
    srv.stop();
}
