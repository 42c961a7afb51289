//! # ftpgate
//!
//! A web FTP client that runs as one small binary on a LAN device. The FTP client
//! (`ftp`) knows nothing about HTTP; the web layer uses it through a small API.

mod calendar;
#[cfg(feature = "doctor")]
pub mod cli;
pub mod config;
#[cfg(feature = "doctor")]
pub mod doctor;
pub mod ftp;
#[doc(hidden)]
pub mod fuzz;
pub mod http;
pub mod logging;
pub mod signals;
pub mod web;
