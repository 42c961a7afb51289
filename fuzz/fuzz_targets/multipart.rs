//! The streaming multipart/form-data reader over any body, read in uneven pieces.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ftpgate::fuzz::multipart(data));
