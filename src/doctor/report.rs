//! # The doctor's report
//!
//! The steps a check went through, each with its outcome in plain words and
//! what the server said, then the verdict; and the same as plain text for a
//! forum post. Nothing here knows HTML or FTP.

use std::fmt::Write;
use std::time::Duration;

/// How a step went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Works.
    Ok,
    /// Works, with something worth knowing.
    Note,
    /// Works around a problem, or a problem other clients will have.
    Warn,
    /// Does not work.
    Fail,
    /// Not checked (an earlier step failed, or it was not asked for).
    Skipped,
}

impl Status {
    /// The word the report and the page show.
    pub fn word(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Note => "note",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
            Status::Skipped => "skip",
        }
    }
}

/// One step of the check.
#[derive(Debug, Clone)]
pub struct Step {
    pub title: &'static str,
    pub status: Status,
    /// What happened, in a sentence or two.
    pub summary: String,
    /// More lines: a fix, the first lines that did not parse, certificate fields.
    pub details: Vec<String>,
    /// The server's reply that decided the outcome, when there was one.
    pub server_said: Option<String>,
    pub took: Option<Duration>,
    /// A few words for the verdict, when this step changes it.
    pub verdict: Option<String>,
}

impl Step {
    pub fn new(title: &'static str, status: Status, summary: impl Into<String>) -> Step {
        Step {
            title,
            status,
            summary: summary.into(),
            details: Vec::new(),
            server_said: None,
            took: None,
            verdict: None,
        }
    }

    pub fn took(mut self, took: Duration) -> Step {
        self.took = Some(took);
        self
    }

    pub fn said(mut self, reply: Option<String>) -> Step {
        self.server_said = reply;
        self
    }

    pub fn detail(mut self, line: impl Into<String>) -> Step {
        self.details.push(line.into());
        self
    }

    pub fn verdict(mut self, words: impl Into<String>) -> Step {
        self.verdict = Some(words.into());
        self
    }
}

/// A whole check.
#[derive(Debug, Clone)]
pub struct Report {
    /// `ftp://user@host:port`, never a password.
    pub target: String,
    /// When the check ran, `YYYY-MM-DD HH:MM UTC`.
    pub when: String,
    pub steps: Vec<Step>,
    /// True when files can be listed and moved (the verdict starts "Works").
    pub works: bool,
    /// The server refused the user name or password (a failed login, for
    /// the login throttle).
    pub login_refused: bool,
    /// The certificate the server showed when it could not be verified: what
    /// "Trust and check again" (`--trust`) would pin for the next check.
    pub untrusted: Option<crate::ftp::Fingerprint>,
    pub verdict: String,
}

impl Report {
    /// Adds a step, returning its status.
    pub fn push(&mut self, step: Step) -> Status {
        let status = step.status;
        self.steps.push(step);
        status
    }

    /// Every step named but not reached, marked skipped.
    pub fn skip_rest(&mut self, titles: &[&'static str], why: &str) {
        for title in titles {
            if !self.steps.iter().any(|s| s.title == *title) {
                self.steps.push(Step::new(title, Status::Skipped, why));
            }
        }
    }

    /// Sets the verdict from the steps: the first failure if a step that
    /// must work failed, else "Works" and the steps' own verdict words.
    pub fn conclude(&mut self, fatal: Option<String>) {
        if let Some(why) = fatal {
            self.works = false;
            let end = if why.ends_with('.') { "" } else { "." };
            self.verdict = format!("Does not work: {why}{end}");
            return;
        }
        self.works = true;
        let notes: Vec<&str> = self
            .steps
            .iter()
            .filter(|s| matches!(s.status, Status::Warn | Status::Note | Status::Fail))
            .filter_map(|s| s.verdict.as_deref())
            .collect();
        self.verdict = if notes.is_empty() {
            "Works: nothing to fix.".to_string()
        } else {
            format!("Works; {}.", notes.join("; "))
        };
    }

    /// Replaces the password with `***` wherever a server's words may have
    /// carried it (an echo in a reply, a listing line): the summaries, the
    /// replies and the details. Not when the user name holds it: that name
    /// is in the report anyway, and would be mangled.
    pub fn scrub(&mut self, password: &[u8], user: &str) {
        let Ok(password) = std::str::from_utf8(password) else {
            return;
        };
        if password.len() < 3 || user.contains(password) {
            return;
        }
        let clean = |s: &mut String| {
            if s.contains(password) {
                *s = s.replace(password, "***");
            }
        };
        for step in &mut self.steps {
            clean(&mut step.summary);
            step.server_said.iter_mut().for_each(clean);
            step.details.iter_mut().for_each(clean);
        }
        clean(&mut self.verdict);
    }

    /// The report as plain text for a forum post or an e-mail.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "FTP doctor report (ftpgate {}), {}",
            env!("CARGO_PKG_VERSION"),
            self.when
        );
        let _ = writeln!(out, "Server: {}", self.target);
        let _ = writeln!(out, "Verdict: {}", self.verdict);
        out.push('\n');
        for step in &self.steps {
            let took = step
                .took
                .map(|t| format!(" ({})", millis(t)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "[{:>4}] {}: {}{took}",
                step.status.word(),
                step.title,
                step.summary
            );
            if let Some(said) = &step.server_said {
                let _ = writeln!(out, "       The server said: {said}");
            }
            for line in &step.details {
                let _ = writeln!(out, "       {line}");
            }
        }
        out
    }
}

/// `12 ms`, `1.4 s`: how long a step took, without floats.
pub fn millis(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{}.{} s", ms / 1000, ms % 1000 / 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            target: "ftp://ann@nas:21".into(),
            when: "2026-12-01 10:00 UTC".into(),
            steps: Vec::new(),
            works: false,
            login_refused: false,
            untrusted: None,
            verdict: String::new(),
        }
    }

    #[test]
    fn verdict_collects_the_warnings() {
        let mut r = report();
        r.push(Step::new("Login", Status::Ok, "logged in"));
        r.push(
            Step::new("PASV", Status::Warn, "NAT")
                .verdict("passive mode needs the NAT fix to be faster"),
        );
        r.conclude(None);
        assert!(r.works);
        assert_eq!(
            r.verdict,
            "Works; passive mode needs the NAT fix to be faster."
        );
        r.conclude(Some("wrong password".into()));
        assert!(!r.works);
        assert_eq!(r.verdict, "Does not work: wrong password.");
    }

    #[test]
    fn text_has_every_step_and_never_the_password() {
        let mut r = report();
        r.push(
            Step::new("Login", Status::Fail, "refused")
                .said(Some("530 bad password hunter2".into()))
                .took(Duration::from_millis(1234)),
        );
        r.skip_rest(&["Login", "FEAT"], "not reached");
        r.conclude(Some("refused".into()));
        r.scrub(b"hunter2", "ann");
        let text = r.text();
        assert!(text.contains("[FAIL] Login: refused (1.2 s)"), "{text}");
        assert!(
            text.contains("The server said: 530 bad password ***"),
            "{text}"
        );
        assert!(text.contains("[skip] FEAT: not reached"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        // A password inside the user name is left: the name shows it anyway.
        let mut r = report();
        r.push(Step::new("Login", Status::Ok, "Logged in as demo."));
        r.scrub(b"demo", "demo");
        assert!(r.text().contains("Logged in as demo."));
    }
}
