//! Everything that knows HTTP and JSON: the voice-log model, the ID and endpoint rules, the
//! client and its typed errors.

pub mod client;
pub mod endpoint;
pub mod error;
pub mod id;
pub mod model;

pub use client::{Client, ClientOptions, Fetched};
pub use endpoint::Endpoint;
pub use error::ApiError;
pub use id::{IdError, extract_id};
pub use model::{LogType, VoiceLog};
