//! Runs the real `ftpgate` binary, for tests of what only a process shows:
//! signals, exit status, log lines. It listens on a port the OS picks and
//! the address is read from its "listening on" line.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `ftpgate` process; killed on drop if still running.
pub struct Ftpgate {
    child: Child,
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
}

impl Ftpgate {
    /// Starts the binary with `args` on `127.0.0.1:0`; waits until it listens.
    pub fn start(args: &[&str]) -> Ftpgate {
        Ftpgate::start_program(Path::new(env!("CARGO_BIN_EXE_ftpgate")), args)
    }

    /// The same with the demo example.
    pub fn start_demo(args: &[&str]) -> Ftpgate {
        Ftpgate::start_program(&demo_path(), args)
    }

    /// The OS process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    fn start_program(program: &Path, args: &[&str]) -> Ftpgate {
        let mut cmd = Command::new(program);
        for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("FTPGATE_")) {
            cmd.env_remove(name);
        }
        let mut child = cmd
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the ftpgate binary");
        let stderr = child.stderr.take().expect("stderr is piped");
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        let mut gate = Ftpgate {
            child,
            addr: "127.0.0.1:1".parse().expect("addr"),
            log,
        };
        let line = gate.wait_for_log("listening on http://", Duration::from_secs(30));
        let at = line.find("http://").expect("url") + "http://".len();
        gate.addr = line[at..]
            .trim_end_matches('/')
            .parse()
            .expect("address in log");
        gate
    }

    /// Sends a signal by name (`TERM`, `INT`) with kill(1).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Everything logged so far, one line per line.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// Waits until a log line contains `text` and returns it; panics after `within`.
    pub fn wait_for_log(&self, text: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            let found = self
                .log
                .lock()
                .unwrap()
                .iter()
                .find(|l| l.contains(text))
                .cloned();
            if let Some(line) = found {
                return line;
            }
            assert!(
                Instant::now() < deadline,
                "no log line with {text:?} within {within:?}; log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the process to exit; panics (and kills it) after `within`.
    pub fn wait_exit(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                // Let the reader thread take the last lines.
                std::thread::sleep(Duration::from_millis(50));
                return status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "ftpgate did not exit within {within:?}; log:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Ftpgate {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The demo example: a plain `cargo test` builds examples before it runs
/// any test, beside the tests' own executables (`cargo test --test demo`
/// alone does not: build it with `cargo build --example demo` first).
pub fn demo_path() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    let demo = profile.join("examples").join("demo");
    assert!(
        demo.is_file(),
        "{} is missing: run `cargo test` (or `cargo build --example demo`)",
        demo.display()
    );
    demo
}
