//! swlog: a terminal inspector for SignalWire voice logs.
//!
//! The binary in `main.rs` is a thin shell over this library so that the integration tests can
//! drive the same client, demo server and UI loop that users run.

pub mod api;
pub mod app;
pub mod call;
pub mod calls;
pub mod chain;
pub mod clipboard;
pub mod clock;
pub mod cmd;
pub mod compat_cache;
pub mod config;
pub mod demo;
pub mod download;
pub mod export;
pub mod fsx;
pub mod history;
pub mod index;
pub mod inspector;
pub mod list;
pub mod logging;
pub mod present;
pub mod query;
pub mod search;
pub mod secret;
pub mod session;
pub mod spaces;
pub mod summary;
pub mod tail;
pub mod term_input;
pub mod testkit;
pub mod text;
pub mod token_command;
pub mod tui;
pub mod ui;
pub mod view;
pub mod why;
