//! ftpgate's HTTP body decoder over any bytes a browser could send.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ftpgate::fuzz::http_body(data));
