//! The subcommands, one module each.

pub mod get;
pub mod history;
