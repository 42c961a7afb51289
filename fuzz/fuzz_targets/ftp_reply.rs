//! The FTP reply reader over any control-connection bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ftpgate::fuzz::ftp_reply(data));
