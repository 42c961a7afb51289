//! # Listener
//!
//! tiny_http has no socket timeouts and no cap on header lines (upstream
//! issue #56), so the listening socket carries read/write timeouts, which
//! Linux copies to every accepted connection: a stalled or idle browser is
//! cut off after the timeout. The same timeout also makes `accept()` give up
//! when no one connects, and tiny_http's accept thread stops for good on any
//! error; a heartbeat connection well within the timeout keeps it waiting.
//! tiny_http cannot stop listening while requests run; `stop_listening` can.

use crate::log_debug;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Binds `addr` with read and write timeouts that accepted sockets inherit.
pub fn bind(addr: SocketAddr, timeout: Duration) -> io::Result<TcpListener> {
    let listener = TcpListener::bind(addr)?;
    // std sets socket timeouts only through TcpStream; the option belongs to
    // the socket, so a TcpStream view of the same descriptor can set it.
    let as_stream = TcpStream::from(OwnedFd::from(listener));
    as_stream.set_read_timeout(Some(timeout))?;
    as_stream.set_write_timeout(Some(timeout))?;
    Ok(TcpListener::from(OwnedFd::from(as_stream)))
}

/// Stops listening on the socket `listener` shares with tiny_http (a
/// `try_clone`): on Linux, shutdown(2) of a listening socket makes the kernel
/// refuse new connections and wakes a blocked `accept()` with an error, which
/// ends tiny_http's accept thread. Connections already accepted go on. Other
/// systems answer ENOTCONN and keep listening.
pub fn stop_listening(listener: &TcpListener) -> io::Result<()> {
    let as_stream = TcpStream::from(OwnedFd::from(listener.try_clone()?));
    as_stream.shutdown(Shutdown::Both)
}

/// Connects to `addr` every quarter of `timeout` until `stop` is set, so the
/// accept loop never sits idle for a whole timeout.
pub fn heartbeat(
    addr: SocketAddr,
    timeout: Duration,
    stop: Arc<AtomicBool>,
) -> io::Result<JoinHandle<()>> {
    let target = SocketAddr::new(reachable(addr.ip()), addr.port());
    let every = (timeout / 4).max(Duration::from_millis(100));
    std::thread::Builder::new()
        .name("heartbeat".into())
        .spawn(move || {
            while !stop.load(Ordering::Acquire) {
                std::thread::sleep(every);
                if let Err(e) = TcpStream::connect_timeout(&target, every) {
                    log_debug!("heartbeat to {target} failed: {e}");
                }
            }
        })
}

/// A wildcard address is not connectable: use loopback of the same family.
fn reachable(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn accepted_sockets_inherit_the_timeout() {
        let listener = bind("127.0.0.1:0".parse().unwrap(), Duration::from_millis(200)).unwrap();
        let _client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut accepted, _) = listener.accept().unwrap();
        assert_eq!(
            accepted.read_timeout().unwrap(),
            Some(Duration::from_millis(200))
        );
        let err = accepted.read(&mut [0u8; 1]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    }

    #[test]
    fn stop_listening_refuses_new_connections_and_wakes_accept() {
        let listener = bind("127.0.0.1:0".parse().unwrap(), Duration::from_secs(60)).unwrap();
        let addr = listener.local_addr().unwrap();
        let accepting = listener.try_clone().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(accepting.accept().map(|_| ())));
        stop_listening(&listener).unwrap();
        let woke = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("accept woke");
        assert!(woke.is_err(), "{woke:?}");
        let refused = TcpStream::connect_timeout(&addr, Duration::from_secs(10)).unwrap_err();
        assert_eq!(refused.kind(), io::ErrorKind::ConnectionRefused);
    }

    #[test]
    fn wildcard_addresses_become_loopback() {
        assert_eq!(
            reachable("0.0.0.0".parse().unwrap()),
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        );
        assert_eq!(
            reachable("::".parse().unwrap()),
            IpAddr::V6(Ipv6Addr::LOCALHOST)
        );
        assert_eq!(
            reachable("10.1.2.3".parse().unwrap()),
            "10.1.2.3".parse::<IpAddr>().unwrap()
        );
    }
}
