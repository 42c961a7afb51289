//! # ZIP archives, written as they stream
//!
//! The format side of "download as ZIP" (APPNOTE 6.3): stored entries (no
//! compression: a router should not spend its CPU deflating photos), each
//! file's CRC-32 taken while it passes and written after it in a data
//! descriptor, the UTF-8 flag for UTF-8 names, ZIP64 for a file of 4 GiB or
//! more, an offset past 4 GiB or more than 65,535 entries. Every size is
//! known before the first byte (the listing says them), so [`Layout`] can
//! tell the archive's exact length up front: the response carries a real
//! `Content-Length`, and a cut archive never looks complete.

use std::io::{self, Write};

/// One entry of an archive.
#[derive(Debug, Clone)]
pub struct Item {
    /// The name in the archive: relative, `/` between folders, a folder's
    /// ending in `/`.
    pub name: Vec<u8>,
    /// Bytes of the file (0 for a folder).
    pub size: u64,
    /// Last change, Unix seconds (UTC), when known.
    pub modified: Option<i64>,
    pub dir: bool,
}

/// Sizes and offsets past this need ZIP64 fields.
const MAX_32: u64 = 0xFFFF_FFFF;
/// Entries past this need the ZIP64 end record.
const MAX_16: usize = 0xFFFF;

const LOCAL_SIG: u32 = 0x0403_4b50;
const DESCRIPTOR_SIG: u32 = 0x0807_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const END64_SIG: u32 = 0x0606_4b50;
const LOCATOR64_SIG: u32 = 0x0706_4b50;
const END_SIG: u32 = 0x0605_4b50;
/// General purpose flags: bit 3, sizes and CRC follow the data; bit 11, UTF-8 name.
const FLAG_DESCRIPTOR: u16 = 1 << 3;
const FLAG_UTF8: u16 = 1 << 11;
/// "Made by" Unix (3), so the external attributes carry permissions.
const MADE_BY_UNIX: u16 = 3 << 8;

/// Where every entry of an archive lands, and its length.
#[derive(Debug)]
pub struct Layout {
    /// Offset of each entry's local header.
    offsets: Vec<u64>,
    central_start: u64,
    central_len: u64,
    len: u64,
}

impl Layout {
    pub fn of(items: &[Item]) -> Layout {
        let mut offsets = Vec::with_capacity(items.len());
        let mut at = 0u64;
        for item in items {
            offsets.push(at);
            at += local_header(item).len() as u64 + item.size + descriptor_len(item);
        }
        let central_start = at;
        let central_len: u64 = items
            .iter()
            .zip(&offsets)
            .map(|(item, &offset)| central_header(item, 0, offset).len() as u64)
            .sum();
        let end = end_records(items.len(), central_start, central_len).len() as u64;
        Layout {
            offsets,
            central_start,
            central_len,
            len: central_start + central_len + end,
        }
    }

    /// The whole archive's length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }
}

/// Writes an archive entry by entry, checking it against its layout.
pub struct Writer<'a> {
    items: &'a [Item],
    layout: &'a Layout,
    crcs: Vec<u32>,
}

impl<'a> Writer<'a> {
    pub fn new(items: &'a [Item], layout: &'a Layout) -> Writer<'a> {
        Writer {
            items,
            layout,
            crcs: Vec::with_capacity(items.len()),
        }
    }

    /// The local header of the next entry (whose data follows it).
    pub fn start(&self, w: &mut dyn Write) -> io::Result<()> {
        w.write_all(&local_header(&self.items[self.crcs.len()]))
    }

    /// Ends the current entry, whose data had this CRC-32.
    pub fn end(&mut self, crc: u32, w: &mut dyn Write) -> io::Result<()> {
        let item = &self.items[self.crcs.len()];
        if !item.dir {
            w.write_all(&descriptor(item, crc))?;
        }
        self.crcs.push(crc);
        Ok(())
    }

    /// The central directory and end records, after the last entry.
    pub fn finish(self, w: &mut dyn Write) -> io::Result<()> {
        assert_eq!(self.crcs.len(), self.items.len(), "every entry written");
        let entries = self.items.iter().zip(&self.crcs).zip(&self.layout.offsets);
        for ((item, &crc), &offset) in entries {
            w.write_all(&central_header(item, crc, offset))?;
        }
        let layout = self.layout;
        w.write_all(&end_records(
            self.items.len(),
            layout.central_start,
            layout.central_len,
        ))
    }
}

/// The file needs 8-byte sizes (local ZIP64 extra, 8-byte descriptor).
fn big(item: &Item) -> bool {
    item.size >= MAX_32
}

fn flags(item: &Item) -> u16 {
    let utf8 = if std::str::from_utf8(&item.name).is_ok() {
        FLAG_UTF8
    } else {
        0
    };
    if item.dir {
        utf8
    } else {
        utf8 | FLAG_DESCRIPTOR
    }
}

fn version(zip64: bool) -> u16 {
    if zip64 {
        45
    } else {
        20
    }
}

fn local_header(item: &Item) -> Vec<u8> {
    let (time, date) = dos_time(item.modified);
    let mut h = Vec::with_capacity(30 + item.name.len() + 20);
    put32(&mut h, LOCAL_SIG);
    put16(&mut h, version(big(item)));
    put16(&mut h, flags(item));
    put16(&mut h, 0); // stored
    put16(&mut h, time);
    put16(&mut h, date);
    // CRC and sizes come in the descriptor (a folder has none: all zero).
    put32(&mut h, 0);
    let size = if big(item) { MAX_32 as u32 } else { 0 };
    put32(&mut h, size);
    put32(&mut h, size);
    put16(&mut h, item.name.len() as u16);
    put16(&mut h, if big(item) { 20 } else { 0 });
    h.extend_from_slice(&item.name);
    if big(item) {
        put16(&mut h, 0x0001); // ZIP64 extra: sizes, zero here as the descriptor has them
        put16(&mut h, 16);
        put64(&mut h, 0);
        put64(&mut h, 0);
    }
    h
}

fn descriptor_len(item: &Item) -> u64 {
    match (item.dir, big(item)) {
        (true, _) => 0,
        (false, true) => 24,
        (false, false) => 16,
    }
}

fn descriptor(item: &Item, crc: u32) -> Vec<u8> {
    let mut d = Vec::with_capacity(24);
    put32(&mut d, DESCRIPTOR_SIG);
    put32(&mut d, crc);
    if big(item) {
        put64(&mut d, item.size);
        put64(&mut d, item.size);
    } else {
        put32(&mut d, item.size as u32);
        put32(&mut d, item.size as u32);
    }
    d
}

fn central_header(item: &Item, crc: u32, offset: u64) -> Vec<u8> {
    let (time, date) = dos_time(item.modified);
    let far = offset >= MAX_32;
    let mut extra = Vec::new();
    if big(item) {
        put64(&mut extra, item.size);
        put64(&mut extra, item.size);
    }
    if far {
        put64(&mut extra, offset);
    }
    let zip64 = !extra.is_empty();
    let mut h = Vec::with_capacity(46 + item.name.len() + 4 + extra.len());
    put32(&mut h, CENTRAL_SIG);
    put16(&mut h, MADE_BY_UNIX | version(zip64));
    put16(&mut h, version(zip64));
    put16(&mut h, flags(item));
    put16(&mut h, 0);
    put16(&mut h, time);
    put16(&mut h, date);
    put32(&mut h, crc);
    let size = if big(item) {
        MAX_32 as u32
    } else {
        item.size as u32
    };
    put32(&mut h, size);
    put32(&mut h, size);
    put16(&mut h, item.name.len() as u16);
    put16(&mut h, if zip64 { extra.len() as u16 + 4 } else { 0 });
    put16(&mut h, 0); // comment
    put16(&mut h, 0); // disk
    put16(&mut h, 0); // internal attributes
                      // Unix mode in the high half; MS-DOS's directory bit for folders.
    let attrs = if item.dir {
        (0o040_755 << 16) | 0x10
    } else {
        0o100_644 << 16
    };
    put32(&mut h, attrs);
    put32(&mut h, if far { MAX_32 as u32 } else { offset as u32 });
    h.extend_from_slice(&item.name);
    if zip64 {
        put16(&mut h, 0x0001);
        put16(&mut h, extra.len() as u16);
        h.extend_from_slice(&extra);
    }
    h
}

/// The end of central directory record, preceded by the ZIP64 end record
/// and its locator when the counts or offsets need them.
fn end_records(entries: usize, central_start: u64, central_len: u64) -> Vec<u8> {
    let zip64 = entries > MAX_16 || central_start >= MAX_32 || central_len >= MAX_32;
    let mut e = Vec::with_capacity(98);
    if zip64 {
        let end64_at = central_start + central_len;
        put32(&mut e, END64_SIG);
        put64(&mut e, 44); // the record's size after this field
        put16(&mut e, MADE_BY_UNIX | 45);
        put16(&mut e, 45);
        put32(&mut e, 0);
        put32(&mut e, 0);
        put64(&mut e, entries as u64);
        put64(&mut e, entries as u64);
        put64(&mut e, central_len);
        put64(&mut e, central_start);
        put32(&mut e, LOCATOR64_SIG);
        put32(&mut e, 0);
        put64(&mut e, end64_at);
        put32(&mut e, 1);
    }
    let count = if zip64 { MAX_16 as u16 } else { entries as u16 };
    put32(&mut e, END_SIG);
    put16(&mut e, 0);
    put16(&mut e, 0);
    put16(&mut e, count);
    put16(&mut e, count);
    put32(&mut e, central_len.min(MAX_32) as u32);
    put32(&mut e, central_start.min(MAX_32) as u32);
    put16(&mut e, 0);
    e
}

/// MS-DOS time and date (2-second steps, 1980 to 2107), UTC; unknown or
/// out of range → 1980-01-01 00:00.
fn dos_time(modified: Option<i64>) -> (u16, u16) {
    let Some(t) = modified else {
        return (0, 0x21);
    };
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let (y, m, d) = crate::calendar::civil_from_days(days);
    if !(1980..=2107).contains(&y) {
        return (0, 0x21);
    }
    let time = ((secs / 3600) << 11) | (((secs % 3600) / 60) << 5) | ((secs % 60) / 2);
    let date = ((y - 1980) << 9) | (i64::from(m) << 5) | i64::from(d);
    (time as u16, date as u16)
}

fn put16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn put32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn put64(v: &mut Vec<u8>, x: u64) {
    v.extend_from_slice(&x.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::crc32::Crc32;

    fn file(name: &str, data: &[u8]) -> Item {
        Item {
            name: name.as_bytes().to_vec(),
            size: data.len() as u64,
            modified: Some(1_764_590_400), // 2025-12-01 12:00:00 UTC
            dir: false,
        }
    }

    /// Writes a whole archive of `items` with `data` as the files' contents.
    fn archive(items: &[Item], data: &[&[u8]]) -> Vec<u8> {
        let layout = Layout::of(items);
        let mut out = Vec::new();
        let mut w = Writer::new(items, &layout);
        let mut files = data.iter();
        for item in items {
            w.start(&mut out).unwrap();
            let mut crc = Crc32::new();
            if !item.dir {
                let d = files.next().unwrap();
                crc.update(d);
                out.extend_from_slice(d);
            }
            w.end(if item.dir { 0 } else { crc.value() }, &mut out)
                .unwrap();
        }
        w.finish(&mut out).unwrap();
        assert_eq!(
            out.len() as u64,
            layout.len(),
            "the layout's length is exact"
        );
        out
    }

    fn u16_at(b: &[u8], i: usize) -> u16 {
        u16::from_le_bytes([b[i], b[i + 1]])
    }

    fn u32_at(b: &[u8], i: usize) -> u32 {
        u32::from_le_bytes(b[i..i + 4].try_into().unwrap())
    }

    #[test]
    fn a_small_archive_has_the_records_where_its_end_says() {
        let items = [
            Item {
                name: b"photos/".to_vec(),
                size: 0,
                modified: None,
                dir: true,
            },
            file("photos/a.txt", b"hello"),
            file("photos/naïve.txt", b""),
        ];
        let zip = archive(&items, &[b"hello", b""]);
        assert_eq!(u32_at(&zip, 0), LOCAL_SIG);
        let end = zip.len() - 22;
        assert_eq!(u32_at(&zip, end), END_SIG);
        assert_eq!(u16_at(&zip, end + 10), 3, "entries");
        let central = u32_at(&zip, end + 16) as usize;
        assert_eq!(u32_at(&zip, central), CENTRAL_SIG);
        // The second entry's CRC in the central directory is hello's.
        let second = central + 46 + items[0].name.len();
        assert_eq!(u32_at(&zip, second + 16), 0x3610_a686);
        assert_eq!(u16_at(&zip, second + 8) & FLAG_UTF8, FLAG_UTF8);
    }

    #[test]
    fn a_name_that_is_not_utf8_has_no_utf8_flag() {
        let item = file("caf\u{e9}", b"x");
        let mut latin1 = item.clone();
        latin1.name = b"caf\xe9".to_vec();
        assert_eq!(flags(&item) & FLAG_UTF8, FLAG_UTF8);
        assert_eq!(flags(&latin1) & FLAG_UTF8, 0);
    }

    #[test]
    fn a_big_file_gets_zip64_fields_and_the_layout_still_adds_up() {
        let item = Item {
            name: b"big.iso".to_vec(),
            size: 5 << 30,
            modified: None,
            dir: false,
        };
        let local = local_header(&item);
        assert_eq!(u16_at(&local, 4), 45);
        assert_eq!(u16_at(&local, 28), 20, "ZIP64 extra");
        assert_eq!(descriptor(&item, 7).len(), 24);
        let central = central_header(&item, 7, 0);
        assert_eq!(u32_at(&central, 20), 0xFFFF_FFFF);
        assert_eq!(u16_at(&central, 30), 20, "sizes in the extra");
        // A second entry after it sits past 4 GiB: its offset goes in the extra.
        let after = central_header(&file("b", b"x"), 1, 5 << 30);
        assert_eq!(u32_at(&after, 42), 0xFFFF_FFFF);
        assert_eq!(u16_at(&after, 30), 12);
        let end = end_records(2, (5 << 30) + 100, 200);
        assert_eq!(u32_at(&end, 0), END64_SIG);
        assert_eq!(end.len(), 56 + 20 + 22);
    }

    #[test]
    fn more_than_65535_entries_get_the_zip64_end() {
        assert_eq!(end_records(MAX_16, 10, 10).len(), 22);
        let end = end_records(MAX_16 + 1, 10, 10);
        assert_eq!(u32_at(&end, 0), END64_SIG);
        assert_eq!(u16_at(&end, 56 + 20 + 8), 0xFFFF);
    }

    #[test]
    fn dos_times() {
        assert_eq!(dos_time(None), (0, 0x21));
        // 2025-12-01 12:00:00
        let (time, date) = dos_time(Some(1_764_590_400));
        assert_eq!(time, 12 << 11);
        assert_eq!(date, (45 << 9) | (12 << 5) | 1);
        assert_eq!(dos_time(Some(0)), (0, 0x21), "1970 is before DOS time");
    }
}
