//! # Credentials
//!
//! Where and as whom a session logs in. The password is a [`Secret`]: it
//! never prints (`***` in `Debug`) and its bytes are zeroed when dropped.

use std::fmt;

/// A password that never prints and is zeroed when dropped.
pub struct Secret(Vec<u8>);

impl Secret {
    /// Wraps the bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Secret(bytes)
    }
    /// The bytes, for the FTP PASS command only.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.iter_mut().for_each(|b| *b = 0);
        // Keeps the zeroing from being optimised away as a dead store.
        std::hint::black_box(&self.0);
    }
}

/// Where and as whom a session logs in.
#[derive(Debug)]
pub struct Credentials {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: Secret,
}
