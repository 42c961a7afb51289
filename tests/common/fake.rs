//! A scripted fake FTP server for hostile and odd behaviour only: a
//! `TcpListener` thread that plays a script of replies and asserts each
//! command it receives. Real behaviour is tested against real servers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::thread::JoinHandle;
use std::time::Duration;

/// One step of a script.
pub enum Step {
    /// Write these bytes on the control connection.
    Send(Vec<u8>),
    /// Write these bytes one at a time.
    Trickle(Vec<u8>),
    /// Read one command line and assert it is exactly these bytes (without CRLF).
    Expect(Vec<u8>),
    /// Read one command line and assert it starts with these bytes.
    ExpectPrefix(Vec<u8>),
    /// Answer 229 with the port of the data listener.
    Epsv,
    /// Answer with this text, `{port}` replaced by PASV's `p1,p2` of the data listener.
    Pasv(String),
    /// Accept the data connection, send these bytes, close it.
    DataSend(Vec<u8>),
    /// Accept the data connection, read to EOF; the bytes are returned by `join`.
    DataRecv,
    /// Accept the data connection and keep it open and silent for this long.
    DataHold(Duration),
    /// Read an `EPRT |1|ip|port|` (or `PORT h,h,h,h,p,p`) command, keep its
    /// address for the next `Active*` step and answer 200.
    Eprt,
    Port,
    /// Connect to the address of the last EPRT/PORT from `from` (a local
    /// address such as 127.0.0.2), send these bytes and close.
    ActiveSend {
        from: &'static str,
        bytes: Vec<u8>,
    },
    /// Pause.
    Sleep(Duration),
    /// Close everything now.
    Hangup,
}

/// Shorthands for scripts.
pub fn send(s: &str) -> Step {
    Step::Send(s.as_bytes().to_vec())
}
pub fn expect(s: impl AsRef<[u8]>) -> Step {
    Step::Expect(s.as_ref().to_vec())
}

/// Greeting, USER/PASS, FEAT (with these feature lines) and TYPE I.
pub fn login(features: &[&str]) -> Vec<Step> {
    let mut feat = String::from("211-Features:\r\n");
    for f in features {
        feat.push_str(&format!(" {f}\r\n"));
    }
    feat.push_str("211 End\r\n");
    let mut steps = vec![
        send("220 fake ready\r\n"),
        expect("USER u"),
        send("331 password please\r\n"),
        expect("PASS p"),
        send("230 welcome\r\n"),
        expect("FEAT"),
        Step::Send(feat.into_bytes()),
    ];
    if features.contains(&"UTF8") {
        steps.push(expect("OPTS UTF8 ON"));
        steps.push(send("200 ok\r\n"));
    }
    steps.push(expect("TYPE I"));
    steps.push(send("200 binary\r\n"));
    steps
}

/// A running fake server.
pub struct Fake {
    pub port: u16,
    handle: JoinHandle<Vec<u8>>,
}

impl Fake {
    /// Starts a server that plays `steps` to the first client.
    pub fn start(steps: Vec<Step>) -> Fake {
        Fake::start_sessions(vec![steps])
    }

    /// Plays one script per connection, in order (for reconnect tests).
    pub fn start_sessions(sessions: Vec<Vec<Step>>) -> Fake {
        let control = TcpListener::bind("127.0.0.1:0").expect("bind control");
        let data = TcpListener::bind("127.0.0.1:0").expect("bind data");
        let port = control.local_addr().expect("addr").port();
        let handle = std::thread::spawn(move || {
            let mut received = Vec::new();
            for steps in sessions {
                received.extend(play(&control, &data, steps));
            }
            received
        });
        Fake { port, handle }
    }

    /// Waits for the script to end; returns the bytes received by `DataRecv`.
    /// A failed expectation in the script panics here.
    pub fn join(self) -> Vec<u8> {
        match self.handle.join() {
            Ok(bytes) => bytes,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

fn play(control: &TcpListener, data: &TcpListener, steps: Vec<Step>) -> Vec<u8> {
    let (stream, _) = control.accept().expect("accept control");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut writer = stream.try_clone().expect("clone");
    let mut reader = BufReader::new(stream);
    let data_port = data.local_addr().expect("addr").port();
    let mut received = Vec::new();
    let mut active: Option<std::net::SocketAddr> = None;
    for step in steps {
        match step {
            Step::Send(bytes) => writer.write_all(&bytes).expect("send"),
            Step::Trickle(bytes) => {
                for b in bytes {
                    writer.write_all(&[b]).expect("trickle");
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
            Step::Expect(want) => {
                let mut line = Vec::new();
                reader.read_until(b'\n', &mut line).expect("read command");
                let mut want = want;
                want.extend_from_slice(b"\r\n");
                assert_eq!(
                    String::from_utf8_lossy(&line),
                    String::from_utf8_lossy(&want),
                    "fake server got an unexpected command"
                );
                assert_eq!(line, want, "fake server got unexpected bytes");
            }
            Step::ExpectPrefix(want) => {
                let mut line = Vec::new();
                reader.read_until(b'\n', &mut line).expect("read command");
                assert!(
                    line.starts_with(&want),
                    "fake server expected {:?}..., got {:?}",
                    String::from_utf8_lossy(&want),
                    String::from_utf8_lossy(&line)
                );
            }
            Step::Epsv => {
                let reply = format!("229 Entering Extended Passive Mode (|||{data_port}|)\r\n");
                writer.write_all(reply.as_bytes()).expect("send");
            }
            Step::Pasv(template) => {
                let p = format!("{},{}", data_port >> 8, data_port & 0xff);
                writer
                    .write_all(template.replace("{port}", &p).as_bytes())
                    .expect("send");
            }
            Step::DataSend(bytes) => {
                let (mut d, _) = data.accept().expect("accept data");
                let _ = d.write_all(&bytes);
            }
            Step::DataRecv => {
                let (mut d, _) = data.accept().expect("accept data");
                d.set_read_timeout(Some(Duration::from_secs(10)))
                    .expect("timeout");
                d.read_to_end(&mut received).expect("read data");
            }
            Step::DataHold(how_long) => {
                let (d, _) = data.accept().expect("accept data");
                std::thread::sleep(how_long);
                drop(d);
            }
            Step::Eprt | Step::Port => {
                let mut line = String::new();
                reader.read_line(&mut line).expect("read command");
                let addr = parse_active(line.trim_end())
                    .unwrap_or_else(|| panic!("fake server expected EPRT or PORT, got {line:?}"));
                assert_eq!(
                    line.starts_with("EPRT"),
                    matches!(step, Step::Eprt),
                    "fake server got {line:?}"
                );
                active = Some(addr);
                writer.write_all(b"200 ok\r\n").expect("send");
            }
            Step::ActiveSend { from, bytes } => {
                let to = active.expect("an EPRT or PORT before ActiveSend");
                // A refused stranger may be reset before or while writing.
                if let Ok(mut d) = connect_from(from, to) {
                    let _ = d.write_all(&bytes);
                }
            }
            Step::Sleep(how_long) => std::thread::sleep(how_long),
            Step::Hangup => break,
        }
    }
    received
}

/// The address in an `EPRT |1|ip|port|`, `EPRT |2|ip|port|` or
/// `PORT h1,h2,h3,h4,p1,p2` line.
pub fn parse_active(line: &str) -> Option<std::net::SocketAddr> {
    if let Some(arg) = line.strip_prefix("EPRT ") {
        let parts: Vec<&str> = arg.split('|').collect();
        let [_, _, ip, port, _] = parts.as_slice() else {
            return None;
        };
        return Some(std::net::SocketAddr::new(
            ip.parse().ok()?,
            port.parse().ok()?,
        ));
    }
    let n: Vec<u8> = line
        .strip_prefix("PORT ")?
        .split(',')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [a, b, c, d, p1, p2] = n.as_slice() else {
        return None;
    };
    Some(std::net::SocketAddr::from((
        [*a, *b, *c, *d],
        u16::from_be_bytes([*p1, *p2]),
    )))
}

/// A TCP connection to `to` from the local address `from` (any port).
pub fn connect_from(from: &str, to: std::net::SocketAddr) -> std::io::Result<std::net::TcpStream> {
    use socket2::{Domain, Socket, Type};
    let from: std::net::IpAddr = from.parse().expect("a local address");
    let socket = Socket::new(Domain::for_address(to), Type::STREAM, None)?;
    socket.bind(&std::net::SocketAddr::new(from, 0).into())?;
    socket.connect_timeout(&to.into(), Duration::from_secs(5))?;
    Ok(socket.into())
}

/// Connects a client with short timeouts, for tests of silence; plain FTP
/// (the scripts do not answer AUTH TLS: FTPS has its own fake).
pub fn client_config() -> ftpgate::ftp::Config {
    ftpgate::ftp::Config {
        connect_timeout: Duration::from_secs(2),
        io_timeout: Duration::from_millis(700),
        tls: ftpgate::ftp::TlsMode::Off,
        ..ftpgate::ftp::Config::default()
    }
}

/// Connects to the fake and logs in as u/p.
pub fn connect(fake: &Fake) -> ftpgate::ftp::Client {
    let mut c = ftpgate::ftp::Client::connect("127.0.0.1", fake.port, &client_config())
        .expect("connect to fake");
    c.login("u", "p").expect("login to fake");
    c
}
