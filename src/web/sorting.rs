//! # Listing order and filter
//!
//! `?sort=name|size|modified&order=asc|desc&q=text&page=N` on a listing: the
//! choice lives in the URL so it works without JavaScript and can be
//! bookmarked. Directories always come first; within each group the chosen
//! key orders the entries, then the name breaks ties. Sorting orders an
//! index array over the compact [`Entries`]: nothing is allocated per entry.

use super::paths::{self, encode_component};
use crate::ftp::{Entries, EntryType};
use std::ops::Range;

/// Longest filter text kept; longer input is cut (it could match nothing anyway).
const MAX_QUERY_CHARS: usize = 256;
/// Rows on one page of a listing (`?page=N`): a 100,000-entry folder is
/// 500 pages, each ~100 KB of HTML, ~10 KB gzipped.
pub const PAGE_ROWS: usize = 200;
/// Highest page number read from the query; larger numbers mean this one.
const MAX_PAGE: usize = 1_000_000;

/// A name's characters lowercased, read as `String::from_utf8_lossy` would
/// (each invalid sequence one U+FFFD), without allocating.
fn lowercase(name: &[u8]) -> impl Iterator<Item = char> + '_ {
    name.utf8_chunks()
        .flat_map(|c| {
            let bad = (!c.invalid().is_empty()).then_some(char::REPLACEMENT_CHARACTER);
            c.valid().chars().chain(bad)
        })
        .flat_map(char::to_lowercase)
}

/// The rows of one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// 1-based; may be past `pages` (then `rows` is empty).
    pub page: usize,
    /// At least 1, even for an empty listing.
    pub pages: usize,
    /// Positions in the sorted, filtered order.
    pub rows: Range<usize>,
}

/// What a listing is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Name,
    Size,
    Modified,
}

impl Key {
    pub const ALL: [Key; 3] = [Key::Name, Key::Size, Key::Modified];

    /// The value in the URL.
    pub fn as_str(self) -> &'static str {
        match self {
            Key::Name => "name",
            Key::Size => "size",
            Key::Modified => "modified",
        }
    }

    /// The order a first click asks for: names A→Z, biggest and newest first.
    fn natural_desc(self) -> bool {
        self != Key::Name
    }
}

/// The order and filter asked for in the query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub key: Key,
    pub desc: bool,
    /// The filter text: names containing it, ignoring case. Empty: all.
    pub q: String,
    /// `?page=N` (from 1); `None` when absent or not a number ≥ 1.
    pub page: Option<usize>,
}

impl Default for View {
    fn default() -> Self {
        View {
            key: Key::Name,
            desc: false,
            q: String::new(),
            page: None,
        }
    }
}

impl View {
    /// Reads `sort`, `order`, `q` and `page`; unknown values fall back to the default.
    pub fn from_query(query: &[(String, Vec<u8>)]) -> View {
        let text = |name| String::from_utf8_lossy(paths::field(query, name).unwrap_or(b""));
        let key = Key::ALL
            .into_iter()
            .find(|k| text("sort") == k.as_str())
            .unwrap_or(Key::Name);
        let desc = match &*text("order") {
            "desc" => true,
            "asc" => false,
            _ => key.natural_desc(),
        };
        let q = text("q").trim().chars().take(MAX_QUERY_CHARS).collect();
        let page = text("page")
            .parse::<usize>()
            .ok()
            .filter(|&p| p >= 1)
            .map(|p| p.min(MAX_PAGE));
        View { key, desc, q, page }
    }

    /// The entries that match the filter, in order, as indices into
    /// `entries`: one `u32` per match and nothing per entry besides (no key
    /// is cached: names are compared in place, lowercased as they go).
    pub fn apply(&self, entries: &Entries) -> Vec<u32> {
        let mut order: Vec<u32> = if self.q.is_empty() {
            (0..entries.len() as u32).collect()
        } else {
            let needle = self.q.to_lowercase();
            let mut lower = String::new();
            (0..entries.len() as u32)
                .filter(|&i| {
                    lower.clear();
                    lower.extend(lowercase(entries.name(i as usize)));
                    lower.contains(&needle)
                })
                .collect()
        };
        let key = self.key;
        let is_dir = |i: u32| entries.kind(i as usize) == EntryType::Dir;
        let primary = |i: u32| -> i128 {
            let i = i as usize;
            match key {
                // A directory's size is the server's block size: meaningless, so by name.
                Key::Size if entries.kind(i) != EntryType::Dir => {
                    entries.size(i).map_or(-1, i128::from)
                }
                Key::Modified => entries.modified(i).map_or(i128::MIN, i128::from),
                _ => 0,
            }
        };
        order.sort_unstable_by(|&a, &b| {
            let (na, nb) = (entries.name(a as usize), entries.name(b as usize));
            (!is_dir(a))
                .cmp(&!is_dir(b))
                .then_with(|| primary(a).cmp(&primary(b)))
                .then_with(|| lowercase(na).cmp(lowercase(nb)))
                .then_with(|| na.cmp(nb))
                .then_with(|| a.cmp(&b))
        });
        if self.desc {
            // Reverse each group in place: directories stay first.
            let dirs = order.iter().take_while(|&&i| is_dir(i)).count();
            let (d, rest) = order.split_at_mut(dirs);
            d.reverse();
            rest.reverse();
        }
        order
    }

    /// Which rows of `matched` this view shows: its page, or all of them
    /// when no page was asked for (JSON only).
    pub fn window(&self, matched: usize) -> Window {
        let pages = matched.div_ceil(PAGE_ROWS).max(1);
        match self.page {
            None => Window {
                page: 1,
                pages: 1,
                rows: 0..matched,
            },
            Some(page) => {
                let start = (page - 1).saturating_mul(PAGE_ROWS).min(matched);
                Window {
                    page,
                    pages,
                    rows: start..(start + PAGE_ROWS).min(matched),
                }
            }
        }
    }

    /// The link to `page` of this view (same sort and filter).
    pub fn page_href(&self, page: usize) -> String {
        let mut q = self.query(self.key, self.desc);
        if page > 1 {
            q.push_str(&format!("&page={page}"));
        }
        q
    }

    /// The link of a column header: the other direction when `key` is the
    /// current column, else that column in its natural order. Keeps the filter.
    pub fn href(&self, key: Key) -> String {
        let desc = if key == self.key {
            !self.desc
        } else {
            key.natural_desc()
        };
        self.query(key, desc)
    }

    /// The query string for `key` and `desc` with the current filter.
    fn query(&self, key: Key, desc: bool) -> String {
        let order = if desc { "desc" } else { "asc" };
        let mut q = format!("?sort={}&order={order}", key.as_str());
        if !self.q.is_empty() {
            q.push_str("&q=");
            q.push_str(&encode_component(self.q.as_bytes()));
        }
        q
    }

    /// `aria-sort` of a column header: set on the current column only.
    pub fn aria_sort(&self, key: Key) -> Option<&'static str> {
        (key == self.key).then_some(if self.desc { "descending" } else { "ascending" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ftp::{Entry, Kind};

    fn entry(name: &[u8], kind: Kind, size: Option<u64>, modified: Option<i64>) -> Entry {
        Entry {
            mode: None,
            name: name.to_vec(),
            kind,
            size,
            modified,
        }
    }

    fn sample() -> Entries {
        let mut e = Entries::default();
        for one in [
            entry(b"b.txt", Kind::File, Some(10), Some(300)),
            entry(b"Zed", Kind::Dir, Some(4096), Some(100)),
            entry(b"a.bin", Kind::File, Some(5_000_000_000), Some(200)),
            entry(b"alpha", Kind::Dir, Some(4096), Some(400)),
            entry(b"c.log", Kind::File, None, None),
        ] {
            assert!(e.push(&one));
        }
        e
    }

    fn names(entries: &Entries, order: &[u32]) -> Vec<String> {
        order
            .iter()
            .map(|&i| String::from_utf8_lossy(entries.name(i as usize)).into_owned())
            .collect()
    }

    fn view(query: &str) -> View {
        View::from_query(&paths::parse_form(query.as_bytes()))
    }

    fn sorted(query: &str) -> Vec<String> {
        let e = sample();
        names(&e, &view(query).apply(&e))
    }

    #[test]
    fn sorts_by_name_with_directories_first() {
        assert_eq!(sorted(""), ["alpha", "Zed", "a.bin", "b.txt", "c.log"]);
        assert_eq!(
            sorted("sort=name&order=desc"),
            ["Zed", "alpha", "c.log", "b.txt", "a.bin"]
        );
    }

    #[test]
    fn sorts_by_size_biggest_first_by_default() {
        assert!(view("sort=size").desc);
        // Directories by name (reversed with the order), unknown sizes last.
        assert_eq!(
            sorted("sort=size"),
            ["Zed", "alpha", "a.bin", "b.txt", "c.log"]
        );
        assert_eq!(
            sorted("sort=size&order=asc"),
            ["alpha", "Zed", "c.log", "b.txt", "a.bin"]
        );
    }

    #[test]
    fn sorts_by_modified_time() {
        assert_eq!(
            sorted("sort=modified&order=desc"),
            ["alpha", "Zed", "b.txt", "a.bin", "c.log"]
        );
        assert_eq!(
            sorted("sort=modified&order=asc"),
            ["Zed", "alpha", "c.log", "a.bin", "b.txt"]
        );
    }

    #[test]
    fn filters_ignoring_case() {
        assert_eq!(sorted("q=A"), ["alpha", "a.bin"]);
        assert!(sorted("q=nothing").is_empty());
    }

    #[test]
    fn compares_names_as_lossy_lowercase_text() {
        let mut e = Entries::default();
        for name in [
            &b"\xc9cole"[..],
            b"caf\xe9",
            b"CAFE",
            b"\xc3\xa9t\xc3\xa9",
            b"B",
        ] {
            assert!(e.push(&entry(name, Kind::File, None, None)));
        }
        // Lossy: "\xe9" and "\xc9" are U+FFFD, which sorts after every letter.
        let got = names(&e, &View::default().apply(&e));
        assert_eq!(
            got,
            ["B", "CAFE", "caf\u{fffd}", "\u{e9}t\u{e9}", "\u{fffd}cole"]
        );
        let got = names(&e, &view("q=%C3%89T").apply(&e));
        assert_eq!(got, ["\u{e9}t\u{e9}"]);
    }

    #[test]
    fn unknown_values_fall_back() {
        assert_eq!(view("sort=evil&order=sideways"), View::default());
        assert_eq!(view("q=%20%20"), View::default());
        assert_eq!(view("page=0"), View::default());
        assert_eq!(view("page=-3"), View::default());
        assert_eq!(view("page=two"), View::default());
        assert_eq!(view("page=99999999999999999999").page, None);
        assert_eq!(view("page=7777777").page, Some(MAX_PAGE));
        assert_eq!(view(&format!("q={}", "x".repeat(1000))).q.len(), 256);
    }

    #[test]
    fn pages_split_the_matches_and_one_past_the_end_is_empty() {
        let w = |q: &str, n| view(q).window(n);
        assert_eq!(w("", 450).rows, 0..450, "no page asked: all (JSON)");
        assert_eq!(w("page=1", 450).rows, 0..PAGE_ROWS);
        assert_eq!(w("page=3", 450).rows, 400..450);
        assert_eq!(w("page=3", 450).pages, 3);
        assert_eq!(w("page=2", 400).rows, 200..400);
        assert_eq!(w("page=2", 400).pages, 2);
        assert_eq!(w("page=3", 400).rows, 400..400);
        assert_eq!(w("page=1", 0).pages, 1);
        assert!(w("page=1000000", 5).rows.is_empty());
    }

    #[test]
    fn page_links_keep_sort_and_filter() {
        let v = view("sort=size&order=asc&q=a b&page=4");
        assert_eq!(v.page_href(5), "?sort=size&order=asc&q=a%20b&page=5");
        assert_eq!(v.page_href(1), "?sort=size&order=asc&q=a%20b");
        assert_eq!(
            v.href(Key::Name),
            "?sort=name&order=asc&q=a%20b",
            "a new order starts at page 1"
        );
    }

    #[test]
    fn header_links_flip_the_current_column_and_keep_the_filter() {
        let v = view("sort=size&order=desc&q=a b");
        assert_eq!(v.href(Key::Size), "?sort=size&order=asc&q=a%20b");
        assert_eq!(v.href(Key::Name), "?sort=name&order=asc&q=a%20b");
        assert_eq!(v.href(Key::Modified), "?sort=modified&order=desc&q=a%20b");
        assert_eq!(v.aria_sort(Key::Size), Some("descending"));
        assert_eq!(v.aria_sort(Key::Name), None);
        assert_eq!(View::default().href(Key::Name), "?sort=name&order=desc");
    }
}
