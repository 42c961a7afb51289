//! # Line endings of an edited file
//!
//! A browser sends a `<textarea>` with every line break as CRLF, whatever
//! the file had (the HTML form submission rules normalise newlines), so
//! what arrives says nothing about the file. The file's own convention,
//! seen when it was opened, decides instead: a file whose every line ended
//! in CRLF keeps CRLF; any other (LF, none, or a mix, which the textarea
//! cannot keep anyway) is saved with LF, the convention of the Unix
//! servers ftpgate mostly talks to. A lone CR is left as it is.

/// How the lines of the saved file end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eol {
    Lf,
    Crlf,
}

impl Eol {
    /// Seen in the file as opened: CRLF only when there is a line break
    /// and every one of them is CRLF.
    pub fn of(bytes: &[u8]) -> Eol {
        let mut breaks = bytes.iter().enumerate().filter(|&(_, &b)| b == b'\n');
        let mut any = false;
        let all_crlf = breaks.all(|(i, _)| {
            any = true;
            i > 0 && bytes[i - 1] == b'\r'
        });
        if any && all_crlf {
            Eol::Crlf
        } else {
            Eol::Lf
        }
    }

    /// The word in the edit form's hidden field.
    pub fn as_str(self) -> &'static str {
        match self {
            Eol::Lf => "lf",
            Eol::Crlf => "crlf",
        }
    }

    /// Back from the form field; anything but `crlf` is LF.
    pub fn from_field(value: Option<&[u8]>) -> Eol {
        match value {
            Some(b"crlf") => Eol::Crlf,
            _ => Eol::Lf,
        }
    }

    /// `text` (as the browser, or curl, sent it) with every line break
    /// made this one: CRLF → LF, or a bare LF → CRLF (curl sends LF).
    pub fn apply(self, text: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len());
        for (i, &b) in text.iter().enumerate() {
            let after_cr = i > 0 && text[i - 1] == b'\r';
            match (self, b) {
                (Eol::Lf, b'\n') if after_cr => {
                    out.pop();
                    out.push(b'\n');
                }
                (Eol::Crlf, b'\n') if !after_cr => out.extend_from_slice(b"\r\n"),
                _ => out.push(b),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_file_of_crlf_lines_is_crlf() {
        assert_eq!(Eol::of(b"a\r\nb\r\n"), Eol::Crlf);
        assert_eq!(Eol::of(b"a\r\nb"), Eol::Crlf);
        assert_eq!(Eol::of(b"a\nb\n"), Eol::Lf);
        assert_eq!(Eol::of(b"a\r\nb\n"), Eol::Lf, "mixed");
        assert_eq!(Eol::of(b"no breaks"), Eol::Lf);
        assert_eq!(Eol::of(b""), Eol::Lf);
        assert_eq!(Eol::of(b"\n"), Eol::Lf);
        assert_eq!(Eol::of(b"\r\n"), Eol::Crlf);
    }

    #[test]
    fn what_the_browser_sends_gets_the_files_line_endings() {
        // A browser's submission: CRLF everywhere.
        assert_eq!(Eol::Lf.apply(b"a\r\nb\r\n"), b"a\nb\n");
        assert_eq!(Eol::Crlf.apply(b"a\r\nb\r\n"), b"a\r\nb\r\n");
        // curl's: LF.
        assert_eq!(Eol::Crlf.apply(b"a\nb\n"), b"a\r\nb\r\n");
        assert_eq!(Eol::Lf.apply(b"a\nb"), b"a\nb");
        // A lone CR stays; so does a CR before CRLF.
        assert_eq!(Eol::Lf.apply(b"a\rb\r\r\n"), b"a\rb\r\n");
        assert_eq!(Eol::Crlf.apply(b"a\rb"), b"a\rb");
        assert_eq!(Eol::from_field(Some(b"crlf")), Eol::Crlf);
        assert_eq!(Eol::from_field(Some(b"CRLF")), Eol::Lf);
        assert_eq!(Eol::from_field(None), Eol::Lf);
    }
}
