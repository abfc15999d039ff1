//! swlog: a terminal inspector for SignalWire voice logs.
//!
//! The binary in `main.rs` is a thin shell over this library so that the integration tests can
//! drive the same client, demo server and UI loop that users run.

pub mod api;
pub mod cli;
pub mod clipboard;
pub mod config;
pub mod demo;
pub mod get;
pub mod history;
pub mod logging;
pub mod present;
pub mod secret;
pub mod summary;
pub mod text;

/// Runs the interactive inspector.
pub async fn run_tui(_global: &cli::Global, _id: Option<String>) -> u8 {
    eprintln!("swlog: the inspector is not built yet; use `swlog get`");
    cli::exit::USAGE
}
