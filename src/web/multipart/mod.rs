//! # Multipart
//!
//! A streaming reader of `multipart/form-data` request bodies (RFC 7578,
//! RFC 2046 §5.1). Uploads of several GiB go from the browser straight into
//! FTP `STOR`, so the body is never held whole: one fixed buffer, capped part
//! headers, and a body that stops before its closing boundary is reported as
//! [`Error::Truncated`] (a closed tab), never as the clean end of a part.
//!
//! Measured once by hand (release build, a 1 GiB part with a 38-byte
//! boundary fed in 64 KiB reads and copied out in 256 KiB reads, shared
//! 2-core VM): about 2.8 GiB/s for random bytes, 2.2 GiB/s for text with a
//! CRLF every 80 bytes; far above what a router's network delivers.

#[cfg(test)]
mod form_tests;
mod headers;
#[cfg(test)]
mod hostile_tests;
mod reader;
mod search;
#[cfg(test)]
mod test_support;

pub use headers::{boundary, PartHeaders};
pub use reader::{Multipart, PartReader};

use std::fmt;
use std::io;

/// The one buffer a reader owns; part bodies are copied out of it. Each
/// refill reads up to this much from the request: with 64 KiB reads the
/// kernel never grew the connection's receive window (~430 KB) and the
/// browser waited on it (BENCHMARKS.md, issue 12).
pub const BUFFER_BYTES: usize = 256 * 1024;
/// Cap on all header lines of one part together, line breaks included.
pub const MAX_PART_HEADER_BYTES: usize = 8 * 1024;
/// Most parts one body may have.
pub const MAX_PARTS: usize = 1000;
/// Longest boundary RFC 2046 allows.
pub const MAX_BOUNDARY_BYTES: usize = 70;

/// Why a multipart body could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Reading the request body failed.
    Io(io::Error),
    /// The body ended before its closing boundary: the upload was cut short
    /// (typically the browser went away), so any partial file must go.
    Truncated,
    /// The body or a part's headers are not valid `multipart/form-data`.
    Malformed(&'static str),
    /// A field read with [`Multipart::read_field`] is longer than allowed.
    FieldTooLarge,
    /// The headers of one part exceed [`MAX_PART_HEADER_BYTES`].
    HeadersTooLarge,
    /// The body has more than [`MAX_PARTS`] parts.
    TooManyParts,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "the upload could not be read: {e}"),
            Error::Truncated => write!(f, "the upload was cut short"),
            Error::Malformed(why) => write!(f, "malformed multipart body: {why}"),
            Error::FieldTooLarge => write!(f, "a form field is too large"),
            Error::HeadersTooLarge => write!(f, "the headers of a form part are too large"),
            Error::TooManyParts => write!(f, "the form has more than {MAX_PARTS} parts"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// Gives back an [`Error`] that a [`PartReader`] wrapped in an `io::Error`;
/// any `UnexpectedEof` counts as [`Error::Truncated`].
impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        match e.downcast::<Error>() {
            Ok(inner) => inner,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Error::Truncated,
            Err(e) => Error::Io(e),
        }
    }
}

impl Error {
    /// The `io::Error` a [`PartReader`] returns: kind `UnexpectedEof` for
    /// [`Error::Truncated`], `InvalidData` for a malformed body.
    fn into_io(self) -> io::Error {
        match self {
            Error::Io(e) => e,
            Error::Truncated => io::Error::new(io::ErrorKind::UnexpectedEof, self),
            other => io::Error::new(io::ErrorKind::InvalidData, other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::assert_truncated;
    use super::*;

    #[test]
    fn errors_read_well() {
        assert_eq!(Error::Truncated.to_string(), "the upload was cut short");
        let m = Error::Malformed("a part is not form-data").to_string();
        assert_eq!(m, "malformed multipart body: a part is not form-data");
        let io_err = Error::HeadersTooLarge.into_io();
        assert_eq!(io_err.kind(), io::ErrorKind::InvalidData);
        assert!(matches!(Error::from(io_err), Error::HeadersTooLarge));
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        assert!(matches!(Error::from(reset), Error::Io(_)));
        assert_truncated::<()>(Err(io::Error::from(io::ErrorKind::UnexpectedEof).into()));
    }
}
