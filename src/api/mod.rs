//! Everything that knows HTTP and JSON: the voice-log and events models, the ID and endpoint
//! rules, the client and its typed errors.

mod answer;
pub mod audio;
pub mod client;
pub mod compat;
pub mod compat_fetch;
pub mod endpoint;
pub mod error;
pub mod events;
pub mod family;
pub mod id;
mod kind;
pub mod list;
pub mod model;
mod page;
pub mod paths;
mod proxy;
mod transport;

pub use client::{Client, ClientOptions, Fetched, FetchedEvents};
pub use endpoint::Endpoint;
pub use error::ApiError;
pub use events::{Event, Events, Level};
pub use family::{Family, LogRef};
pub use id::{IdError, KnownIds, extract_id, resolve_short, short_id};
pub use model::{LogType, VoiceLog};
