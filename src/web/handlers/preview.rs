//! # Preview
//!
//! `GET /preview/<path>`: a page showing one file as `media` says (image,
//! text, PDF, audio, video), with its download, the way back, and the
//! folder's previous and next previewable files in the order of the
//! listing it was opened from (`?sort=&order=&q=` travel along). Images,
//! PDFs and media load from `/download/<path>?inline=1`: streamed, seeking
//! through `Range` → REST. Text is read here, at most [`MAX_TEXT_BYTES`]
//! of it (the rest of the transfer is aborted, never read), and streamed
//! into the page escaped, so a hostile file shows as its own source.

use crate::ftp::{Entries, EntryType, Head};
use crate::http::{Exchange, Length};
use crate::log_debug;
use crate::web::context::{Ctx, Reply};
use crate::web::error::{Error, Result};
use crate::web::format::{exact_size, human_size};
use crate::web::handlers::browse::crumbs;
use crate::web::media::{self, Kind};
use crate::web::paths;
use crate::web::probe;
use crate::web::response::{self, Encoder, PREVIEW_CSP};
use crate::web::sorting::{View, PAGE_ROWS};
use crate::web::views::model::{Neighbour, Preview, Shown};
use crate::web::views::preview;
use crate::web::App;
use std::borrow::Cow;
use std::io::Write;

/// Most bytes of a file a text preview reads and shows: 1 MiB.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;
/// Text is escaped and written this much at a time.
const TEXT_PIECE: usize = 16 * 1024;

/// `GET /preview/<path>`.
pub fn page(app: &App, ex: &mut Exchange<'_>, ctx: &Ctx) -> Result<Reply> {
    let session = ctx.session()?;
    let path = ctx.target.clone();
    if path == b"/" {
        return Err(Error::BadRequest("no file named in the address".into()));
    }
    let (dir, name) = paths::split(&path);
    let kind = media::kind(&name);
    let view = View::from_query(&ctx.query);
    let mut lease = session.pool.checkout()?;
    // A missing file is the same 404 page a download gets.
    let size = session
        .pool
        .retry(&mut lease, |c| Ok(probe::size(c, &path)?))?;
    let around = match session
        .pool
        .retry(&mut lease, |c| Ok(c.list_compact(&dir)?))
    {
        Ok(entries) => Some(entries),
        Err(e) => {
            // The file can still be shown, without previous and next.
            log_debug!("no listing around a preview: {e}");
            session.pool.revive(&mut lease)?;
            None
        }
    };
    // The turn bounds how many texts are held in memory at once.
    let turn = match kind {
        Some(Kind::Text | Kind::Svg) => Some(app.transfer_turn()?),
        _ => None,
    };
    let head = if turn.is_some() {
        Some(session.pool.retry(&mut lease, |c| {
            Ok(c.retr_sized(&path, 0, size)?.read_head(MAX_TEXT_BYTES)?)
        })?)
    } else {
        None
    };
    drop(lease);
    let model = model(&path, kind, size, around.as_ref(), &view, head.as_ref());
    let text = head.as_ref().map(|h| decode(&h.bytes, h.complete));
    send(ex, ctx, &model, text.as_deref());
    drop(turn);
    Ok(Reply::Sent)
}

fn model(
    path: &[u8],
    kind: Option<Kind>,
    size: Option<u64>,
    around: Option<&Entries>,
    view: &View,
    head: Option<&Head>,
) -> Preview {
    let (dir, name) = paths::split(path);
    let near = around.map(|e| neighbours(e, view, &dir, &name));
    let near = near.unwrap_or_default();
    let cut = head.filter(|h| !h.complete).map(|_| match size {
        Some(total) => format!(
            "Showing the first {} MiB of {} ({}); download the file for all of it.",
            MAX_TEXT_BYTES >> 20,
            human_size(total),
            exact_size(total)
        ),
        None => format!(
            "Showing the first {} MiB; download the file for all of it.",
            MAX_TEXT_BYTES >> 20
        ),
    });
    Preview {
        name: String::from_utf8_lossy(&name).into_owned(),
        folder: String::from_utf8_lossy(&dir).into_owned(),
        crumbs: crumbs(&dir),
        shown: match kind {
            Some(Kind::Image) => Shown::Image,
            Some(Kind::Svg) => Shown::Svg,
            Some(Kind::Text) => Shown::Text,
            Some(Kind::Pdf) => Shown::Pdf,
            Some(Kind::Audio) => Shown::Audio,
            Some(Kind::Video) => Shown::Video,
            None => Shown::Nothing,
        },
        inline_href: format!("{}?inline=1", paths::download_url(path)),
        download_href: paths::download_url(path),
        back_href: paths::browse_url(&dir) + &view.page_href(near.page),
        size: size.map(human_size),
        size_exact: size.map(exact_size),
        prev: near.prev,
        next: near.next,
        position: near.position,
        cut,
    }
}

/// Where a file sits among its folder's previews.
#[derive(Debug, Default)]
struct Near {
    prev: Option<Neighbour>,
    next: Option<Neighbour>,
    position: Option<(usize, usize)>,
    /// The listing page (200 rows each) the file is on, for the way back.
    page: usize,
}

/// The previewable files of the folder, in the listing's order (sort and
/// filter of `view`), around `name`.
fn neighbours(entries: &Entries, view: &View, dir: &[u8], name: &[u8]) -> Near {
    let order = view.apply(entries);
    let page = order
        .iter()
        .position(|&i| entries.name(i as usize) == name)
        .map_or(1, |at| at / PAGE_ROWS + 1);
    let shown: Vec<usize> = order
        .iter()
        .map(|&i| i as usize)
        .filter(|&i| entries.kind(i) == EntryType::File && media::kind(entries.name(i)).is_some())
        .collect();
    let Some(at) = shown.iter().position(|&i| entries.name(i) == name) else {
        return Near {
            page,
            ..Near::default()
        };
    };
    let query = view.page_href(1);
    let link = |i: usize| Neighbour {
        name: String::from_utf8_lossy(entries.name(i)).into_owned(),
        href: paths::preview_url(&paths::join(dir, entries.name(i))) + &query,
    };
    Near {
        prev: at.checked_sub(1).map(|p| link(shown[p])),
        next: shown.get(at + 1).map(|&n| link(n)),
        position: Some((at + 1, shown.len())),
        page,
    }
}

/// A preview's text: UTF-8 with each invalid sequence shown as U+FFFD
/// (`from_utf8_lossy`). When the cap cut a character in two, its first
/// bytes are left out rather than shown as a U+FFFD the file doesn't have.
pub fn decode(bytes: &[u8], complete: bool) -> Cow<'_, str> {
    let bytes = if complete {
        bytes
    } else {
        without_cut_char(bytes)
    };
    String::from_utf8_lossy(bytes)
}

/// `bytes` without a trailing UTF-8 sequence that stops short.
fn without_cut_char(bytes: &[u8]) -> &[u8] {
    let tail = bytes.len().saturating_sub(3);
    let Some(lead) = (tail..bytes.len()).rev().find(|&i| bytes[i] & 0xC0 != 0x80) else {
        return bytes;
    };
    let needs = match bytes[lead] {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return bytes,
    };
    if bytes.len() - lead < needs {
        &bytes[..lead]
    } else {
        bytes
    }
}

/// `text` in pieces of at most `max` bytes (`max` ≥ 4), cut between characters.
fn pieces(text: &str, max: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = max.min(rest.len());
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

/// Streams the page, the text escaped piece by piece into its slot.
fn send(ex: &mut Exchange<'_>, ctx: &Ctx, model: &Preview, text: Option<&str>) {
    let gzip = response::accepts_gzip(ex.header("Accept-Encoding"));
    let headers = response::stream_headers_with("text/html; charset=utf-8", gzip, PREVIEW_CSP);
    let frame = preview::page(&ctx.layout(&model.name), model);
    let sent = ex.stream(200, &headers, Length::Unknown).and_then(|body| {
        let mut out = Encoder::new(body, gzip);
        out.write_all(frame.before.as_bytes())?;
        for piece in text.map(|t| pieces(t, TEXT_PIECE)).into_iter().flatten() {
            out.write_all(preview::text(piece).into_string().as_bytes())?;
        }
        out.write_all(frame.after.as_bytes())?;
        out.finish()?.finish()
    });
    if let Err(e) = sent {
        log_debug!("browser went away during a preview: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_bytes_become_replacement_characters() {
        assert_eq!(decode(b"caf\xe9 ok", true), "caf\u{fffd} ok");
        assert_eq!(decode("naïve".as_bytes(), true), "naïve");
        assert!(matches!(decode(b"plain", true), Cow::Borrowed(_)));
    }

    #[test]
    fn a_character_cut_by_the_cap_is_left_out() {
        let check = "a✓".as_bytes(); // ✓ is three bytes
        assert_eq!(decode(&check[..2], false), "a");
        assert_eq!(decode(&check[..3], false), "a");
        assert_eq!(decode(check, false), "a✓");
        // A whole file that ends short is shown as it is.
        assert_eq!(decode(&check[..3], true), "a\u{fffd}");
        assert_eq!(decode(b"x\xf0\x9f\x98", false), "x");
        assert_eq!(decode(b"x\xff", false), "x\u{fffd}");
    }

    #[test]
    fn pieces_split_between_characters() {
        let text = "ab✓cd✓✓e";
        let got: Vec<&str> = pieces(text, 4).collect();
        assert_eq!(got.concat(), text);
        assert!(got.iter().all(|p| p.len() <= 4 && !p.is_empty()), "{got:?}");
        assert_eq!(pieces("", 4).count(), 0);
    }
}
