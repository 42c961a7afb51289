//! # Handlers
//!
//! One file per route family; each handler takes the app, the exchange and
//! the request context and returns a [`Reply`](super::context::Reply). The
//! route table (`routes.rs`) is the only caller.

pub mod archive;
pub mod browse;
pub mod bulk;
pub mod chmod;
pub mod copy;
#[cfg(feature = "doctor")]
pub mod doctor;
pub mod download;
pub mod edit;
pub mod login;
pub mod manage;
pub mod new_file;
pub mod preview;
pub mod resume;
pub mod search;
pub mod upload;
