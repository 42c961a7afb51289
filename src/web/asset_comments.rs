//! Comment-only lines out of `app.js` and `app.css` before `build.rs`
//! gzips them (included by `build.rs`, and by `web::assets`' test).

/// The file less its lines that are only a comment (`// ...`, or a whole
/// `/* ... */` block starting a line): 3 KiB of the binary, gzipped. Only
/// whole lines go, so no code or string is ever cut; a line that starts a
/// comment after code stays as it is.
pub fn without_comment_lines(data: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(data).expect("assets are UTF-8");
    let mut out = String::with_capacity(text.len());
    let mut in_block = false;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if in_block {
            in_block = !t.contains("*/");
            continue;
        }
        if t.starts_with("/*") {
            in_block = !t.contains("*/");
            // A block that ends mid-line with code after it stays.
            if in_block || t.trim_end().ends_with("*/") {
                continue;
            }
        }
        if t.starts_with("//") {
            continue;
        }
        out.push_str(line);
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_comment_lines_go() {
        let js = "// a comment\nconst a = 1; // stays\n  /** doc\n   * more */\nlet s = '//x';\n/* one */ b();\n";
        let out = String::from_utf8(without_comment_lines(js.as_bytes())).unwrap();
        assert_eq!(
            out,
            "const a = 1; // stays\nlet s = '//x';\n/* one */ b();\n"
        );
        let css = "/* head\n   more */\na { b: c; }\n/* x */\n";
        let out = String::from_utf8(without_comment_lines(css.as_bytes())).unwrap();
        assert_eq!(out, "a { b: c; }\n");
    }
}
