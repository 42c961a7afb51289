//! # Test support
//!
//! Runs one exchange over in-memory bytes, for handler tests elsewhere in
//! the crate.

use super::head::{Head, Scanner};
use super::wire::Wire;
use super::Exchange;
use std::io::{self, Cursor, Read, Write};
use std::sync::{Arc, Mutex};

/// Reads from a buffer, writes into a shared one.
struct Duplex {
    input: Cursor<Vec<u8>>,
    output: Arc<Mutex<Vec<u8>>>,
}

impl Read for Duplex {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.input.read(buf)
    }
}

impl Write for Duplex {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.output.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Parses `request` (head and body), lets `handle` answer it, and returns
/// every byte written in answer.
pub fn exchange(request: &[u8], handle: impl FnOnce(&mut Exchange<'_>)) -> Vec<u8> {
    let end = Scanner::default()
        .scan(request)
        .unwrap()
        .expect("a complete head");
    let head = Head::parse(&request[..end]).expect("a valid head");
    let peer = std::net::SocketAddr::from(([127, 0, 0, 1], 40000));
    let output = Arc::new(Mutex::new(Vec::new()));
    let duplex = Duplex {
        input: Cursor::new(request[end..].to_vec()),
        output: output.clone(),
    };
    let mut wire = Wire::new(Box::new(duplex), None);
    let mut ex = Exchange::new(head, peer, &mut wire, false);
    handle(&mut ex);
    drop(ex);
    let bytes = output.lock().unwrap().clone();
    bytes
}
