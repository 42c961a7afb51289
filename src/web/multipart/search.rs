//! # Delimiter search
//!
//! Finding `\r\n--boundary` in the body is the upload's hot loop. A
//! Boyer-Moore-Horspool search skips up to the delimiter's length per step,
//! where a byte-by-byte scan for `\r` made uploads CPU-bound (BENCHMARKS.md).

/// A delimiter with its Horspool skip table.
pub(super) struct Delimiter {
    bytes: Vec<u8>,
    /// For each byte value: how far the window may move when it is the last
    /// byte under the window and the window did not match.
    skip: [usize; 256],
}

impl Delimiter {
    /// `\r\n--` followed by the boundary.
    pub(super) fn new(boundary: &[u8]) -> Self {
        let bytes = [b"\r\n--", boundary].concat();
        let m = bytes.len();
        let mut skip = [m; 256];
        for (i, &b) in bytes[..m - 1].iter().enumerate() {
            skip[usize::from(b)] = m - 1 - i;
        }
        Delimiter { bytes, skip }
    }

    /// Its length in bytes.
    pub(super) fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The first delimiter in `data` as `(offset, true)`; else `(n, false)`
    /// where the first `n` bytes are surely data (the rest may begin a delimiter).
    pub(super) fn find(&self, data: &[u8]) -> (usize, bool) {
        let d = &self.bytes;
        let m = d.len();
        let last = d[m - 1];
        let mut i = 0;
        while i + m <= data.len() {
            let tail = data[i + m - 1];
            if tail == last && data[i..i + m] == *d {
                return (i, true);
            }
            i += self.skip[usize::from(tail)];
        }
        // No whole delimiter fits after this point: the earliest place where
        // a beginning of one could start is where the data may end.
        let start = data.len().saturating_sub(m - 1);
        match (start..data.len()).find(|&j| d.starts_with(&data[j..])) {
            Some(j) => (j, false),
            None => (data.len(), false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Delimiter;

    /// The obvious search, to compare against.
    fn naive(data: &[u8], d: &[u8]) -> (usize, bool) {
        for at in 0..data.len() {
            let rest = &data[at..];
            if rest.starts_with(d) {
                return (at, true);
            }
            if d.starts_with(rest) {
                return (at, false);
            }
        }
        (data.len(), false)
    }

    #[test]
    fn agrees_with_the_obvious_search() {
        let boundary = b"--x-ab-x";
        let d = Delimiter::new(boundary);
        let pieces: [&[u8]; 7] = [b"\r", b"\n", b"-", b"--", b"x", b"ab", b"\r\n--x-ab-x"];
        let mut seed = 12345u64;
        for _ in 0..20_000 {
            let mut data = Vec::new();
            let len = (seed % 12) as usize;
            for _ in 0..len {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                data.extend_from_slice(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            assert_eq!(
                d.find(&data),
                naive(&data, &d.bytes),
                "{:?}",
                String::from_utf8_lossy(&data)
            );
        }
    }

    #[test]
    fn finds_at_start_end_and_not_at_all() {
        let d = Delimiter::new(b"B");
        assert_eq!(d.find(b"\r\n--B rest"), (0, true));
        assert_eq!(d.find(b"data\r\n--B"), (4, true));
        assert_eq!(d.find(b"data\r\n-"), (4, false));
        assert_eq!(d.find(b"data"), (4, false));
        assert_eq!(d.find(b""), (0, false));
    }
}
