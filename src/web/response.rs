//! # Responses
//!
//! Small builders for the responses handlers return, and the security
//! headers every response carries. Header values are built only from our own
//! ASCII text or percent-encoded paths: no untrusted byte reaches a header.
//! Streamed pages go out through an [`Encoder`]: buffered, and gzipped as
//! they are written when the browser accepts it (RFC 1952 over
//! `miniz_oxide`'s raw deflate, in constant memory).

use super::crc32::Crc32;
use crate::http::{valid_header, Response};
use maud::Markup;
use miniz_oxide::deflate::core::{compress, CompressorOxide, TDEFLFlush, TDEFLStatus};
use miniz_oxide::DataFormat;
use std::io::{self, BufWriter, Write};

/// Bytes gathered before a write to the socket (a chunk, when chunked).
const STREAM_BUFFER: usize = 16 * 1024;
/// Deflate level: 6, zlib's default; 1 makes listings 25% bigger for
/// little CPU saved next to rendering them.
const GZIP_LEVEL: u8 = 6;

/// A response whose body is in memory (pages, JSON, redirects).
pub type Page = Response;

/// The policy of ftpgate's own pages: only its own script, styles and images.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The preview page's policy: the page's, plus its own audio and video and
/// the frame a PDF is shown in (all `/download/…?inline=1`, same origin).
pub const PREVIEW_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self'; media-src 'self'; frame-src 'self'; connect-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The security headers of every response (DESIGN.md, issue "web appliance").
pub const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("Content-Security-Policy", PAGE_CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
];

/// The headers of a file shown inline (`/download/<path>?inline=1`), in
/// place of [`SECURITY_HEADERS`]: `sandbox` makes it a document of no
/// origin with no script, whatever it holds; `[0]` may never be framed,
/// `[1]` (a PDF) only by ftpgate's own preview page. Chromium 156's PDF
/// viewer draws under `sandbox`, top-level and framed (checked by hand and
/// by tests/browser/preview.test.mjs); only an `<iframe sandbox>` attribute
/// makes it refuse the PDF.
pub const INLINE_HEADERS: [[(&str, &str); 5]; 2] = [
    [
        ("Content-Security-Policy", "sandbox; frame-ancestors 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ],
    [
        ("Content-Security-Policy", "sandbox; frame-ancestors 'self'"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "SAMEORIGIN"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ],
];

/// Adds a header built from our own text; one that isn't valid is left out
/// (and logged), so no untrusted byte can reach the wire.
pub fn with(page: Page, name: &str, value: &str) -> Page {
    if valid_header(name, value) {
        page.with_header(name, value)
    } else {
        crate::log_error!("refusing to send an invalid {name} header");
        page
    }
}

/// An HTML page.
pub fn html(status: u16, markup: Markup) -> Page {
    let page = Response::new(status, markup.into_string().into_bytes());
    no_store(with(page, "Content-Type", "text/html; charset=utf-8"))
}

/// A JSON body.
pub fn json(status: u16, body: String) -> Page {
    let page = Response::new(status, body.into_bytes());
    no_store(with(page, "Content-Type", "application/json"))
}

/// Plain text.
pub fn text(status: u16, body: &str) -> Page {
    let page = Response::new(status, body.as_bytes().to_vec());
    with(page, "Content-Type", "text/plain; charset=utf-8")
}

/// 303 See Other to `location` (a path we built, percent-encoded).
pub fn redirect(location: &str) -> Page {
    no_store(with(Response::new(303, Vec::new()), "Location", location))
}

/// Adds a `Set-Cookie` header.
pub fn set_cookie(page: Page, cookie: &str) -> Page {
    with(page, "Set-Cookie", cookie)
}

/// Marks a response as never to be cached (pages show private listings).
pub fn no_store(page: Page) -> Page {
    with(page, "Cache-Control", "no-store")
}

/// Static, versioned asset: cached for a year.
pub fn asset(bytes: Vec<u8>, content_type: &str) -> Page {
    let page = with(Response::new(200, bytes), "Content-Type", content_type);
    with(page, "Cache-Control", "public, max-age=31536000, immutable")
}

/// Adds the security headers; called once for every response sent. Over
/// HTTPS every cookie gets `Secure`, so a browser never sends it in clear.
pub fn secure(mut page: Page, https: bool) -> Page {
    if https {
        for (name, value) in &mut page.headers {
            if name.eq_ignore_ascii_case("Set-Cookie") {
                value.push_str("; Secure");
            }
        }
    }
    for (name, value) in SECURITY_HEADERS {
        page = page.with_header(name, value);
    }
    page
}

/// A `q` value (RFC 9110 section 12.4.2: `0` to `1`, at most three
/// decimals) above zero. Read as digits rather than as a float, so no
/// float parser is in the binary; anything else counts as a refusal.
fn positive_q(q: &str) -> bool {
    let (int, frac) = q.split_once('.').unwrap_or((q, ""));
    let well_formed = matches!(int, "0" | "1")
        && frac.len() <= 3
        && frac.bytes().all(|b| b.is_ascii_digit())
        && (int == "0" || frac.bytes().all(|b| b == b'0'));
    well_formed && (int == "1" || frac.bytes().any(|b| b != b'0'))
}

/// Whether `Accept-Encoding` (RFC 9110 §12.5.3) allows gzip: `gzip` (or
/// `x-gzip`, or `*`) listed without `q=0`. A `gzip;q=0` refuses it even
/// when `*` is there.
pub fn accepts_gzip(accept_encoding: Option<&str>) -> bool {
    let mut star = false;
    for item in accept_encoding.unwrap_or("").split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = parts.any(|p| {
            let p = p.trim().to_ascii_lowercase();
            p.strip_prefix("q=").is_some_and(|q| !positive_q(q.trim()))
        });
        match coding.as_str() {
            "gzip" | "x-gzip" => return !refused,
            "*" => star = !refused,
            _ => {}
        }
    }
    star
}

/// The head of a streamed, private body (a listing): its type, never
/// cached, `Vary: Accept-Encoding`, gzip when chosen, the security headers.
pub fn stream_headers(content_type: &str, gzip: bool) -> Vec<(String, String)> {
    stream_headers_with(content_type, gzip, PAGE_CSP)
}

/// [`stream_headers`] with another `Content-Security-Policy` (the preview page's).
pub fn stream_headers_with(content_type: &str, gzip: bool, csp: &str) -> Vec<(String, String)> {
    let mut h = vec![
        ("Content-Type", content_type),
        ("Cache-Control", "no-store"),
        ("Vary", "Accept-Encoding"),
    ];
    if gzip {
        h.push(("Content-Encoding", "gzip"));
    }
    h.extend(SECURITY_HEADERS.iter().map(|&(k, v)| {
        if k == "Content-Security-Policy" {
            (k, csp)
        } else {
            (k, v)
        }
    }));
    h.into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A streamed body as it leaves: buffered, gzipped or not.
pub enum Encoder<W: Write> {
    Plain(BufWriter<W>),
    Gzip(Gzip<W>),
}

impl<W: Write> Encoder<W> {
    pub fn new(inner: W, gzip: bool) -> Self {
        if gzip {
            Encoder::Gzip(Gzip::new(inner))
        } else {
            Encoder::Plain(BufWriter::with_capacity(STREAM_BUFFER, inner))
        }
    }

    /// Sends what was written so far (the top of a page, before the slow part).
    pub fn push_out(&mut self) -> io::Result<()> {
        match self {
            Encoder::Plain(w) => w.flush(),
            Encoder::Gzip(g) => g.sync(),
        }
    }

    /// Ends the encoding (gzip's trailer) and hands back the writer below.
    pub fn finish(self) -> io::Result<W> {
        match self {
            Encoder::Plain(w) => w.into_inner().map_err(|e| e.into_error()),
            Encoder::Gzip(g) => g.finish(),
        }
    }
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        match self {
            Encoder::Plain(w) => w.write(data),
            Encoder::Gzip(g) => g.write(data),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.push_out()
    }
}

/// A gzip member (RFC 1952) written as the data passes: a 10-byte header,
/// raw deflate, CRC-32 and length. ~300 KiB of compressor state, on the heap.
pub struct Gzip<W: Write> {
    inner: W,
    deflate: Box<CompressorOxide>,
    out: Vec<u8>,
    crc: Crc32,
    len: u32,
    header_sent: bool,
}

/// The gzip header: magic, deflate, no flags, no time, no extra flags, OS unknown.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];

impl<W: Write> Gzip<W> {
    pub fn new(inner: W) -> Self {
        // Built on the heap: the compressor is too big for a 256 KiB thread stack.
        let mut deflate = Box::<CompressorOxide>::default();
        deflate.set_format_and_level(DataFormat::Raw, GZIP_LEVEL);
        Gzip {
            inner,
            deflate,
            out: vec![0; STREAM_BUFFER],
            crc: Crc32::new(),
            len: 0,
            header_sent: false,
        }
    }

    /// Runs the compressor over `data` with `flush`, writing what it gives.
    fn run(&mut self, mut data: &[u8], flush: TDEFLFlush) -> io::Result<()> {
        if !self.header_sent {
            self.inner.write_all(&GZIP_HEADER)?;
            self.header_sent = true;
        }
        loop {
            let (status, read, wrote) = compress(&mut self.deflate, data, &mut self.out, flush);
            data = &data[read..];
            self.inner.write_all(&self.out[..wrote])?;
            match status {
                TDEFLStatus::Done => return Ok(()),
                TDEFLStatus::Okay if data.is_empty() && wrote < self.out.len() => return Ok(()),
                TDEFLStatus::Okay => {}
                _ => return Err(io::Error::other("deflate failed")),
            }
        }
    }

    /// Emits everything written so far as whole deflate blocks, and flushes.
    pub fn sync(&mut self) -> io::Result<()> {
        self.run(&[], TDEFLFlush::Sync)?;
        self.inner.flush()
    }

    /// Writes the last block and the trailer; returns the writer below.
    pub fn finish(mut self) -> io::Result<W> {
        self.run(&[], TDEFLFlush::Finish)?;
        let mut trailer = [0u8; 8];
        trailer[..4].copy_from_slice(&self.crc.value().to_le_bytes());
        trailer[4..].copy_from_slice(&self.len.to_le_bytes());
        self.inner.write_all(&trailer)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for Gzip<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.crc.update(data);
        // ISIZE is the length modulo 2^32 (RFC 1952 §2.3.1).
        self.len = self.len.wrapping_add(data.len() as u32);
        self.run(data, TDEFLFlush::None)?;
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sync()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inflates a gzip member, checking its header and trailer.
    fn gunzip(data: &[u8]) -> Vec<u8> {
        assert_eq!(&data[..10], &GZIP_HEADER);
        let body = &data[10..data.len() - 8];
        let plain = miniz_oxide::inflate::decompress_to_vec(body).expect("valid deflate");
        let trailer = &data[data.len() - 8..];
        let mut crc = Crc32::new();
        crc.update(&plain);
        assert_eq!(trailer[..4], crc.value().to_le_bytes());
        assert_eq!(trailer[4..], (plain.len() as u32).to_le_bytes());
        plain
    }

    #[test]
    fn gzip_round_trips_in_small_writes_with_syncs() {
        let text: Vec<u8> = (0..20_000)
            .flat_map(|i| format!("<tr><td>file-{i:05}.jpg</td></tr>\n").into_bytes())
            .collect();
        let mut g = Gzip::new(Vec::new());
        for (n, piece) in text.chunks(333).enumerate() {
            g.write_all(piece).unwrap();
            if n == 3 {
                g.sync().unwrap();
            }
        }
        let zipped = g.finish().unwrap();
        assert!(
            zipped.len() * 10 < text.len(),
            "{} of {}",
            zipped.len(),
            text.len()
        );
        assert_eq!(gunzip(&zipped), text);
        assert_eq!(gunzip(&Gzip::new(Vec::new()).finish().unwrap()), b"");
    }

    #[test]
    fn a_sync_sends_everything_written_so_far() {
        let mut g = Gzip::new(Vec::new());
        g.write_all(b"<!DOCTYPE html><html><head>").unwrap();
        g.sync().unwrap();
        let sent = g.inner.clone();
        let mut inflate = miniz_oxide::inflate::stream::InflateState::new(DataFormat::Raw);
        let mut out = vec![0; 100];
        let r = miniz_oxide::inflate::stream::inflate(
            &mut inflate,
            &sent[10..],
            &mut out,
            miniz_oxide::MZFlush::Sync,
        );
        assert_eq!(&out[..r.bytes_written], b"<!DOCTYPE html><html><head>");
    }

    #[test]
    fn the_compressor_fits_a_connection_thread_stack() {
        // Half of it: the rest is for the router and handler frames below.
        let stack = crate::http::THREAD_STACK / 2;
        let t = std::thread::Builder::new().stack_size(stack);
        let zipped = t
            .spawn(|| Gzip::new(Vec::new()).finish().unwrap())
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(zipped.len(), 10 + 2 + 8);
    }

    #[test]
    fn gzip_is_chosen_only_when_accepted() {
        for yes in [
            "gzip",
            "gzip, deflate, br",
            "br;q=1.0, gzip;q=0.5",
            "*",
            "X-GZIP",
            "deflate, *;q=0.1",
        ] {
            assert!(accepts_gzip(Some(yes)), "{yes}");
        }
        for no in [
            "",
            "identity",
            "br",
            "gzip;q=0",
            "gzip;q=0.0, *",
            "*;q=0",
            "gzip;q=x",
            "gzipx",
            "gzip;q=0.000",
            "gzip;q=0.0000",
            "gzip;q=1.5",
            "gzip;q=-1",
            "gzip;q=",
        ] {
            assert!(!accepts_gzip(Some(no)), "{no}");
        }
        for yes in ["gzip;q=0.001", "gzip;q=1.000", "gzip;q=1", "gzip; Q=0.5"] {
            assert!(accepts_gzip(Some(yes)), "{yes}");
        }
        assert!(!accepts_gzip(None));
    }

    #[test]
    fn streamed_heads_vary_and_carry_the_security_headers() {
        let h = stream_headers("text/html; charset=utf-8", true);
        let has = |k: &str, v: &str| h.iter().any(|(a, b)| a == k && b == v);
        assert!(has("Vary", "Accept-Encoding"));
        assert!(has("Content-Encoding", "gzip"));
        assert!(has("Cache-Control", "no-store"));
        for (k, v) in SECURITY_HEADERS {
            assert!(has(k, v), "{k}");
        }
        let h = stream_headers("application/json", false);
        assert!(!h.iter().any(|(k, _)| k == "Content-Encoding"));
    }

    #[test]
    fn leaves_out_header_values_with_crlf_or_non_ascii() {
        assert!(redirect("/a\r\nSet-Cookie: x").header("Location").is_none());
        assert!(redirect("/é").header("Location").is_none());
        assert_eq!(redirect("/a%20b").header("Location"), Some("/a%20b"));
    }
}
