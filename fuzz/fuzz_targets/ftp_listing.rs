//! The LIST (Unix, DOS/IIS) and MLSD listing parsers over any listing bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ftpgate::fuzz::ftp_listing(data));
