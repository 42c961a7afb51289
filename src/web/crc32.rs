//! # CRC-32
//!
//! The IEEE 802.3 CRC (reflected, polynomial 0xEDB88320) that gzip and ZIP
//! carry, through `crc32fast`: it uses the CPU's carry-less multiply
//! (x86_64) or CRC32 instructions (aarch64) where the CPU has them, found
//! at run time. Our own slicing-by-8 took half of the CPU time of a ZIP
//! download (perf, BENCHMARKS.md "Download as ZIP"). One type here, so the
//! choice of implementation lives in one place.

/// A running CRC-32.
#[derive(Debug, Clone, Default)]
pub struct Crc32(crc32fast::Hasher);

impl Crc32 {
    pub fn new() -> Crc32 {
        Crc32(crc32fast::Hasher::new())
    }

    /// Adds `data`.
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The CRC of everything added so far.
    pub fn value(&self) -> u32 {
        self.0.clone().finalize()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crc(data: &[u8]) -> u32 {
        let mut c = Crc32::new();
        c.update(data);
        c.value()
    }

    /// The plain definition, a bit at a time.
    fn bitwise(data: &[u8]) -> u32 {
        let mut c = !0u32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }

    #[test]
    fn matches_the_check_value() {
        assert_eq!(crc(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc(b""), 0);
    }

    #[test]
    fn matches_the_definition_at_every_length_and_split() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 131 % 251) as u8).collect();
        for len in 0..data.len() {
            assert_eq!(crc(&data[..len]), bitwise(&data[..len]), "length {len}");
        }
        // Long enough for the SIMD paths, at odd lengths and offsets.
        let long: Vec<u8> = (0..70_001u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for (from, to) in [(0, 70_001), (3, 65_536), (1, 4_099), (17, 70_000)] {
            assert_eq!(
                crc(&long[from..to]),
                bitwise(&long[from..to]),
                "{from}..{to}"
            );
        }
        for split in 0..40 {
            let mut c = Crc32::new();
            c.update(&data[..split]);
            c.update(&data[split..]);
            assert_eq!(c.value(), bitwise(&data), "split at {split}");
        }
    }
}
