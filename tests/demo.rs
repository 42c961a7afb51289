//! The demo example as a newcomer runs it: Ctrl-C stops it the way
//! ftpgate stops (logged), and its sample tree does not stay behind.

mod common;

use common::process::Ftpgate;
use std::time::Duration;

#[test]
fn the_demo_stops_on_a_signal_logs_it_and_removes_its_sample_tree() {
    for signal in ["INT", "TERM"] {
        let mut demo = Ftpgate::start_demo(&[]);
        let tree = std::env::temp_dir().join(format!("ftpgate-demo-{}", demo.id()));
        assert!(
            tree.join("README.txt").is_file(),
            "the sample tree is there while it runs"
        );
        demo.signal(signal);
        let status = demo.wait_exit(Duration::from_secs(30));
        assert!(status.success(), "{signal}: {status:?}\n{}", demo.log());
        let log = demo.log();
        assert!(
            log.contains("stopping"),
            "{signal}: the stop is logged:\n{log}"
        );
        assert!(log.contains("demo: stopped; removed"), "{log}");
        assert!(
            !tree.exists(),
            "{signal}: {} is left behind",
            tree.display()
        );
    }
}

#[test]
fn a_busy_port_says_how_to_pick_another_with_cargo() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = std::process::Command::new(common::process::demo_path())
        .args(["--listen", &addr])
        .output()
        .expect("run the demo");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cargo run --release --example demo -- --listen 127.0.0.1:8081"),
        "{err}"
    );
}

#[test]
fn the_readme_installs_the_browser_tests_before_running_them() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut seen = 0;
    for (at, _) in readme.match_indices("node --test tests/browser") {
        seen += 1;
        let line_start = readme[..at].rfind('\n').map_or(0, |n| n + 1);
        let line = &readme[line_start..at];
        assert!(
            line.contains("npm ci --prefix tests/browser") && line.contains("--example demo"),
            "on a fresh clone node --test needs npm ci and the demo built first: {line}"
        );
    }
    assert!(seen > 0, "the README says how to run the browser tests");
}
