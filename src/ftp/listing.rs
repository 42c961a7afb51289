//! # Compact listings, parsed as they arrive
//!
//! A big folder must not decide whether the appliance survives: this module
//! reads a listing line by line off the data connection (one fixed buffer)
//! and keeps it as one byte arena for the names plus fixed-width columns,
//! with no `String` or `Vec` per entry: 100,000 entries take ~2.1 MiB plus
//! their names (BENCHMARKS.md, "Large folders"). Each line goes through the
//! same parser as [`Client::list`], so both agree on every entry.

use super::client::Client;
use super::command::{check_argument, Command};
use super::error::{Error, Result};
use super::list::{self, Entry, Format, Kind};
use std::io::{BufRead, BufReader, Read};
use std::time::{SystemTime, UNIX_EPOCH};

/// Read buffer on the data connection.
const READ_BUFFER: usize = 32 * 1024;
/// Longest listing line kept whole (a name is at most 255 bytes on common
/// file systems, a path 4 KiB). A longer line is kept cut to this length,
/// as an unknown entry; the rest of it still counts toward the byte cap.
pub const MAX_LINE_BYTES: usize = 8 * 1024;

/// What a listed entry is, in one byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryType {
    File,
    Dir,
    Symlink,
    /// A device, socket, pipe.
    Other,
    /// A line no parser understood; the name is the raw line.
    Unknown,
    /// A name no real file can have (`..`, `/`, NUL, CR): shown, never acted on.
    Invalid,
}

/// A directory listing in compact form: entry `i` is `name(i)`, `kind(i)`…
/// in the order the server sent them.
#[derive(Debug, Default)]
pub struct Entries {
    /// Every name, one after another.
    names: Vec<u8>,
    /// Where entry `i`'s name starts in `names` (it ends where `i + 1`'s starts).
    starts: Vec<u32>,
    kinds: Vec<EntryType>,
    /// `u64::MAX`: the server gave no size.
    sizes: Vec<u64>,
    /// `i64::MIN`: the server gave no time.
    times: Vec<i64>,
    /// `u16::MAX` (not a mode: those end at `0o7777`): the server gave none.
    modes: Vec<u16>,
    /// Symlink targets, rare: (entry, start, end in `link_bytes`), by entry.
    links: Vec<(u32, u32, u32)>,
    link_bytes: Vec<u8>,
}

const NO_SIZE: u64 = u64::MAX;
const NO_TIME: i64 = i64::MIN;
const NO_MODE: u16 = u16::MAX;

impl Entries {
    /// How many entries.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// No entries at all.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The raw name bytes of entry `i`.
    pub fn name(&self, i: usize) -> &[u8] {
        let start = self.starts[i] as usize;
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.names.len(), |&e| e as usize);
        &self.names[start..end]
    }

    pub fn kind(&self, i: usize) -> EntryType {
        self.kinds[i]
    }

    /// Bytes, when the server said.
    pub fn size(&self, i: usize) -> Option<u64> {
        Some(self.sizes[i]).filter(|&s| s != NO_SIZE)
    }

    /// Unix seconds, when the server said.
    pub fn modified(&self, i: usize) -> Option<i64> {
        Some(self.times[i]).filter(|&t| t != NO_TIME)
    }

    /// Permission bits (`0o644`), when the listing told them.
    pub fn mode(&self, i: usize) -> Option<u16> {
        Some(self.modes[i]).filter(|&m| m != NO_MODE)
    }

    /// A symlink's target, when the server told it.
    pub fn link_target(&self, i: usize) -> Option<&[u8]> {
        let at = self.links.binary_search_by_key(&i, |l| l.0 as usize).ok()?;
        let (_, start, end) = self.links[at];
        Some(&self.link_bytes[start as usize..end as usize])
    }

    /// Appends one entry. `false` when the arena would pass 4 GiB (a cap
    /// far above any listing cap; the caller reports the listing too large).
    pub fn push(&mut self, entry: &Entry) -> bool {
        let fits = |arena: &[u8], more: usize| arena.len() + more <= u32::MAX as usize;
        let target = match &entry.kind {
            Kind::Symlink { target } => target.as_deref(),
            _ => None,
        };
        if !fits(&self.names, entry.name.len())
            || !fits(&self.link_bytes, target.map_or(0, <[u8]>::len))
        {
            return false;
        }
        let index = self.len() as u32;
        self.starts.push(self.names.len() as u32);
        self.names.extend_from_slice(&entry.name);
        self.kinds.push(match entry.kind {
            Kind::File => EntryType::File,
            Kind::Dir => EntryType::Dir,
            Kind::Symlink { .. } => EntryType::Symlink,
            Kind::Other => EntryType::Other,
            Kind::Unknown => EntryType::Unknown,
            Kind::Invalid => EntryType::Invalid,
        });
        self.sizes.push(entry.size.unwrap_or(NO_SIZE));
        self.times.push(entry.modified.unwrap_or(NO_TIME));
        self.modes.push(entry.mode.unwrap_or(NO_MODE));
        if let Some(t) = target {
            let start = self.link_bytes.len() as u32;
            self.link_bytes.extend_from_slice(t);
            self.links
                .push((index, start, self.link_bytes.len() as u32));
        }
        true
    }

    /// Parses a whole listing held in memory (tests, small tools).
    pub fn parse(text: &[u8], format: Format, now: i64) -> Entries {
        let mut out = Entries::default();
        for entry in list::parse_listing(text, format, now) {
            out.push(&entry);
        }
        out
    }
}

/// A listing whose command the server accepted (1xx); its entries are still
/// to be read, with [`Pending::read`] or [`Pending::read_then`].
pub struct Pending<'a> {
    download: super::Download<'a>,
    format: Format,
    max_bytes: usize,
    max_entries: usize,
}

impl Client {
    /// Starts listing `path` like [`Client::list`] (MLSD when offered, else
    /// `CWD path` + `LIST`) and returns once the server accepted the command
    /// (1xx); [`Pending::read_then`] tells when the path is known to exist.
    pub fn open_listing(&mut self, path: impl AsRef<[u8]>) -> Result<Pending<'_>> {
        let path = path.as_ref();
        check_argument("path", path)?;
        let (format, command) = if self.features().mlsd {
            (Format::Mlsd, Command::Mlsd(path))
        } else {
            if !path.is_empty() {
                self.cwd(path)?;
            }
            (Format::List, Command::List)
        };
        let (max_bytes, max_entries) = (
            self.config.max_listing_bytes,
            self.config.max_listing_entries,
        );
        Ok(Pending {
            download: self.start_transfer(command, None)?,
            format,
            max_bytes,
            max_entries,
        })
    }

    /// Lists `path` into the compact form, parsing while the data arrives.
    pub fn list_compact(&mut self, path: impl AsRef<[u8]>) -> Result<Entries> {
        self.open_listing(path)?.read()
    }
}

impl Pending<'_> {
    /// Reads and parses the listing line by line, within the client's caps
    /// (`Config::max_listing_bytes`, `max_listing_entries`), then checks the
    /// server's final reply. Past a cap the transfer is aborted.
    pub fn read(self) -> Result<Entries> {
        self.read_then(|| {})
    }

    /// Like [`Pending::read`], calling `exists` once the server has shown
    /// the directory is there: at once after `CWD` + `LIST`; for MLSD at
    /// its first line, or when it ended well (some servers, libunftp among
    /// them, accept MLSD of a missing path with 150 and refuse it only
    /// after). An error before `exists` is about the path; after it, about
    /// the transfer.
    pub fn read_then(mut self, exists: impl FnOnce()) -> Result<Entries> {
        let mut exists = Some(exists);
        let mut confirm = || exists.take().map_or((), |f| f());
        if self.format == Format::List {
            confirm();
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let (format, max_bytes, max_entries) = (self.format, self.max_bytes, self.max_entries);
        let too_many = || Error::ListingTooLarge {
            limit: format!("{max_entries} entries"),
        };
        let too_big = || Error::ListingTooLarge {
            limit: format!("{} MiB", max_bytes / (1024 * 1024)),
        };
        let io = |e| Error::io(e, "reading a listing");
        let mut entries = Entries::default();
        let mut reader = BufReader::with_capacity(READ_BUFFER, &mut self.download);
        let mut line = Vec::with_capacity(256);
        let mut bytes = 0usize;
        loop {
            line.clear();
            let n = (&mut reader)
                .take(MAX_LINE_BYTES as u64)
                .read_until(b'\n', &mut line)
                .map_err(io)?;
            if n == 0 {
                break;
            }
            confirm();
            bytes += n;
            if line.last() != Some(&b'\n') && n == MAX_LINE_BYTES {
                bytes += skip_line(&mut reader, max_bytes.saturating_sub(bytes) + 1).map_err(io)?;
            }
            if bytes > max_bytes {
                return Err(too_big());
            }
            // One line through the whole-listing parser: the same rules
            // (blank lines, `.` and `..`, unknown lines kept) for both paths.
            for entry in list::parse_listing(&line, format, now) {
                if entries.len() == max_entries || !entries.push(&entry) {
                    return Err(too_many());
                }
            }
        }
        drop(reader);
        self.download.finish()?;
        confirm();
        Ok(entries)
    }
}

/// Drops the rest of an over-long line, up to `max` bytes; returns how many.
fn skip_line(reader: &mut impl BufRead, max: usize) -> std::io::Result<usize> {
    let mut skipped = 0;
    while skipped < max {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let (n, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(at) => (at + 1, true),
            None => (buf.len(), false),
        };
        reader.consume(n);
        skipped += n;
        if done {
            break;
        }
    }
    Ok(skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_709_214_300; // 2024-02-29 13:45 UTC

    #[test]
    fn keeps_every_field_of_every_kind() {
        let text = b"-rw-r--r-- 1 u g 5 Feb 29 13:45 a.txt\r\n\
                     drwxr-xr-x 2 u g 4096 Feb 29 13:45 dir\r\n\
                     lrwxrwxrwx 1 u g 7 Feb 29 13:45 l -> /target\r\n\
                     crw-rw---- 1 root tty 4, 64 Feb 10 08:00 tty\r\n\
                     not a listing line\r\n";
        let e = Entries::parse(text, Format::List, NOW);
        assert_eq!(e.len(), 5);
        assert_eq!(e.name(0), b"a.txt");
        assert_eq!((e.kind(0), e.size(0)), (EntryType::File, Some(5)));
        assert!(e.modified(0).is_some());
        assert_eq!((e.name(1), e.kind(1)), (&b"dir"[..], EntryType::Dir));
        assert_eq!((e.name(2), e.kind(2)), (&b"l"[..], EntryType::Symlink));
        assert_eq!(e.link_target(2), Some(&b"/target"[..]));
        assert_eq!(e.link_target(0), None);
        assert_eq!(e.kind(3), EntryType::Other);
        assert_eq!(e.kind(4), EntryType::Unknown);
        assert_eq!(e.name(4), b"not a listing line");
        assert_eq!((e.size(4), e.modified(4)), (None, None));
        let modes: Vec<_> = (0..5).map(|i| e.mode(i)).collect();
        assert_eq!(
            modes,
            [Some(0o644), Some(0o755), Some(0o777), Some(0o660), None]
        );
    }

    #[test]
    fn matches_the_whole_listing_parser() {
        let text = b"type=file;size=3;modify=20240229134500;UNIX.mode=0600; caf\xe9\r\n\
                     type=dir; .\r\ntype=cdir; x\r\ntype=OS.unix=slink:/t; ln\r\n";
        let whole = list::parse_listing(text, Format::Mlsd, NOW);
        let compact = Entries::parse(text, Format::Mlsd, NOW);
        assert_eq!(compact.len(), whole.len());
        for (i, w) in whole.iter().enumerate() {
            assert_eq!(compact.name(i), &w.name[..]);
            assert_eq!(compact.size(i), w.size);
            assert_eq!(compact.modified(i), w.modified);
            assert_eq!(compact.mode(i), w.mode);
        }
        assert_eq!(compact.mode(0), Some(0o600));
    }

    #[test]
    fn skips_the_rest_of_an_over_long_line() {
        let mut data = vec![b'x'; MAX_LINE_BYTES * 3];
        data.extend_from_slice(b"\nnext");
        let mut r = BufReader::with_capacity(100, &data[MAX_LINE_BYTES..]);
        let skipped = skip_line(&mut r, usize::MAX).unwrap();
        assert_eq!(skipped, MAX_LINE_BYTES * 2 + 1);
        let mut rest = String::new();
        r.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "next");
    }
}
