//! # Listing order and filter
//!
//! `?sort=name|size|modified&order=asc|desc&q=text` on a listing: the choice
//! lives in the URL so it works without JavaScript and can be bookmarked.
//! Directories always come first; within each group the chosen key orders
//! the entries, then the name breaks ties.

use super::paths::{self, encode_component};
use crate::ftp::{Entry, Kind};

/// Longest filter text kept; longer input is cut (it could match nothing anyway).
const MAX_QUERY_CHARS: usize = 256;

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
}

impl Default for View {
    fn default() -> Self {
        View {
            key: Key::Name,
            desc: false,
            q: String::new(),
        }
    }
}

impl View {
    /// Reads `sort`, `order` and `q`; unknown values fall back to the default.
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
        View { key, desc, q }
    }

    /// Keeps the entries that match the filter and orders them. Returns how
    /// many entries there were before filtering.
    pub fn apply(&self, mut entries: Vec<Entry>) -> (Vec<Entry>, usize) {
        let total = entries.len();
        if !self.q.is_empty() {
            let needle = self.q.to_lowercase();
            entries.retain(|e| {
                String::from_utf8_lossy(&e.name)
                    .to_lowercase()
                    .contains(&needle)
            });
        }
        let key = self.key;
        entries.sort_by_cached_key(|e| {
            let primary: i128 = match key {
                // A directory's size is the server's block size: meaningless, so by name.
                Key::Size if e.kind != Kind::Dir => e.size.map_or(-1, i128::from),
                Key::Modified => e.modified.map_or(i128::MIN, i128::from),
                _ => 0,
            };
            (
                e.kind != Kind::Dir,
                primary,
                String::from_utf8_lossy(&e.name).to_lowercase(),
                e.name.clone(),
            )
        });
        if self.desc {
            // Reverse each group in place: directories stay first.
            let dirs = entries.iter().take_while(|e| e.kind == Kind::Dir).count();
            let (d, rest) = entries.split_at_mut(dirs);
            d.reverse();
            rest.reverse();
        }
        (entries, total)
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

    fn entry(name: &str, kind: Kind, size: Option<u64>, modified: Option<i64>) -> Entry {
        Entry {
            name: name.as_bytes().to_vec(),
            kind,
            size,
            modified,
        }
    }

    fn sample() -> Vec<Entry> {
        vec![
            entry("b.txt", Kind::File, Some(10), Some(300)),
            entry("Zed", Kind::Dir, Some(4096), Some(100)),
            entry("a.bin", Kind::File, Some(5_000_000_000), Some(200)),
            entry("alpha", Kind::Dir, Some(4096), Some(400)),
            entry("c.log", Kind::File, None, None),
        ]
    }

    fn names(entries: &[Entry]) -> Vec<String> {
        entries
            .iter()
            .map(|e| String::from_utf8_lossy(&e.name).into_owned())
            .collect()
    }

    fn view(query: &str) -> View {
        View::from_query(&paths::parse_form(query.as_bytes()))
    }

    #[test]
    fn sorts_by_name_with_directories_first() {
        let (e, total) = view("").apply(sample());
        assert_eq!(total, 5);
        assert_eq!(names(&e), ["alpha", "Zed", "a.bin", "b.txt", "c.log"]);
        let (e, _) = view("sort=name&order=desc").apply(sample());
        assert_eq!(names(&e), ["Zed", "alpha", "c.log", "b.txt", "a.bin"]);
    }

    #[test]
    fn sorts_by_size_biggest_first_by_default() {
        let v = view("sort=size");
        assert!(v.desc);
        let (e, _) = v.apply(sample());
        // Directories by name (reversed with the order), unknown sizes last.
        assert_eq!(names(&e), ["Zed", "alpha", "a.bin", "b.txt", "c.log"]);
        let (e, _) = view("sort=size&order=asc").apply(sample());
        assert_eq!(names(&e), ["alpha", "Zed", "c.log", "b.txt", "a.bin"]);
    }

    #[test]
    fn sorts_by_modified_time() {
        let (e, _) = view("sort=modified&order=desc").apply(sample());
        assert_eq!(names(&e), ["alpha", "Zed", "b.txt", "a.bin", "c.log"]);
        let (e, _) = view("sort=modified&order=asc").apply(sample());
        assert_eq!(names(&e), ["Zed", "alpha", "c.log", "a.bin", "b.txt"]);
    }

    #[test]
    fn filters_ignoring_case() {
        let (e, total) = view("q=A").apply(sample());
        assert_eq!(total, 5);
        assert_eq!(names(&e), ["alpha", "a.bin"]);
        let (e, _) = view("q=nothing").apply(sample());
        assert!(e.is_empty());
    }

    #[test]
    fn unknown_values_fall_back() {
        assert_eq!(view("sort=evil&order=sideways"), View::default());
        assert_eq!(view("q=%20%20"), View::default());
        assert_eq!(view(&format!("q={}", "x".repeat(1000))).q.len(), 256);
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
