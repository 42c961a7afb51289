//! # Logging
//!
//! One line per event on stderr, no colours, so it reads well in `journalctl`.
//! A tiny leveled logger instead of a logging crate: the binary must stay small.
//! Callers must never pass secrets; FTP commands are logged through their
//! redacting `Display`.

use std::sync::atomic::{AtomicU8, Ordering};

/// How much to log. Set once from `FTPGATE_LOG` (`error`, `warn`, `info`, `debug`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
}

static MAX_LEVEL: AtomicU8 = AtomicU8::new(Level::Info as u8);

impl Level {
    /// Parses a level name as written in `FTPGATE_LOG`.
    pub fn parse(s: &str) -> Option<Level> {
        match s.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Level::Error),
            "warn" | "warning" => Some(Level::Warn),
            "info" => Some(Level::Info),
            "debug" => Some(Level::Debug),
            _ => None,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
        }
    }
}

/// Sets the most verbose level that is written.
pub fn set_max_level(level: Level) {
    MAX_LEVEL.store(level as u8, Ordering::Relaxed);
}

/// Whether a message at `level` would be written.
pub fn enabled(level: Level) -> bool {
    level as u8 <= MAX_LEVEL.load(Ordering::Relaxed)
}

/// Writes one line. Use the `log_*!` macros, which skip formatting when disabled.
pub fn write(level: Level, target: &str, args: std::fmt::Arguments<'_>) {
    // Control characters from servers or browsers could forge extra log lines.
    let text = args.to_string().replace(|c: char| c.is_control(), "?");
    eprintln!("{} {}: {}", level.label(), target, text);
}

/// Untrusted text for a log line: at most `max` characters, control
/// characters escaped, and `…` where it was cut.
pub fn quoted(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max)
        .flat_map(char::escape_debug)
        .collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

/// Logs at a level: `log_at!(Level::Warn, "pasv address {} ignored", ip)`.
#[macro_export]
macro_rules! log_at {
    ($level:expr, $($arg:tt)+) => {
        if $crate::logging::enabled($level) {
            $crate::logging::write($level, module_path!(), format_args!($($arg)+));
        }
    };
}

/// Logs a debug line.
#[macro_export]
macro_rules! log_debug { ($($arg:tt)+) => { $crate::log_at!($crate::logging::Level::Debug, $($arg)+) }; }
/// Logs an info line.
#[macro_export]
macro_rules! log_info { ($($arg:tt)+) => { $crate::log_at!($crate::logging::Level::Info, $($arg)+) }; }
/// Logs a warning.
#[macro_export]
macro_rules! log_warn { ($($arg:tt)+) => { $crate::log_at!($crate::logging::Level::Warn, $($arg)+) }; }
/// Logs an error.
#[macro_export]
macro_rules! log_error { ($($arg:tt)+) => { $crate::log_at!($crate::logging::Level::Error, $($arg)+) }; }

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_level_names() {
        assert_eq!(Level::parse("DEBUG"), Some(Level::Debug));
        assert_eq!(Level::parse(" warn "), Some(Level::Warn));
        assert_eq!(Level::parse("loud"), None);
        assert!(Level::Error < Level::Debug);
    }
}
