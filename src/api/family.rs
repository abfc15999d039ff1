//! The log families: the seam a new kind of log (messaging, fax, video, conference, the
//! Compatibility API's calls) comes in by. A [`Family`] says where its logs are and what they
//! have; a [`LogRef`] addresses one log of one family everywhere a log is named.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::paths;

/// A family of logs that share one shape and one set of API paths.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Voice logs (`/api/voice/logs`): call legs, with parents, events and whole calls.
    #[default]
    Voice,
}

impl Family {
    /// Every family, in the order they are offered.
    pub const ALL: [Family; 1] = [Family::Voice];

    /// The path that lists this family's logs.
    pub fn list_path(self) -> &'static str {
        match self {
            Family::Voice => paths::VOICE_LOGS,
        }
    }

    /// The path of one log.
    pub fn item_path(self, id: Uuid) -> String {
        match self {
            Family::Voice => paths::voice_log(id),
        }
    }

    /// The path of one log's events, when this family's logs have events.
    pub fn events_path(self, id: Uuid) -> Option<String> {
        match self {
            Family::Voice => Some(paths::voice_log_events(id)),
        }
    }

    /// Whether this family's logs have events.
    pub fn has_events(self) -> bool {
        self.events_path(Uuid::nil()).is_some()
    }

    /// Whether a log of this family can have a parent log (`parent_id`): a chain to follow.
    pub fn has_parents(self) -> bool {
        match self {
            Family::Voice => true,
        }
    }

    /// Whether a log of this family belongs to a whole call that can be loaded as a tree.
    pub fn has_whole_call(self) -> bool {
        match self {
            Family::Voice => true,
        }
    }

    /// Whether this is the voice family (what a record that names no family is).
    pub fn is_voice(&self) -> bool {
        *self == Family::Voice
    }

    /// The family's name in words, e.g. `voice`.
    pub fn label(self) -> &'static str {
        match self {
            Family::Voice => "voice",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One log, addressed: its family and its ID. Shown as the ID alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LogRef {
    /// The family it belongs to (voice, when not said).
    #[serde(default)]
    pub family: Family,
    /// Its ID.
    pub id: Uuid,
}

impl LogRef {
    /// A log of `family`.
    pub fn new(family: Family, id: Uuid) -> Self {
        Self { family, id }
    }

    /// A voice log.
    pub fn voice(id: Uuid) -> Self {
        Self::new(Family::Voice, id)
    }

    /// The path of the log.
    pub fn path(self) -> String {
        self.family.item_path(self.id)
    }

    /// The path of the log's events, when its family has events.
    pub fn events_path(self) -> Option<String> {
        self.family.events_path(self.id)
    }

    /// Another log of the same family (a parent, a child, a leg of the same call).
    pub fn sibling(self, id: Uuid) -> Self {
        Self::new(self.family, id)
    }
}

impl fmt::Display for LogRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.id, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11";

    #[test]
    fn a_voice_log_is_where_the_paths_say() {
        let id = Uuid::parse_str(ID).unwrap();
        let log = LogRef::voice(id);
        assert_eq!(log.path(), paths::voice_log(id));
        assert_eq!(log.events_path(), Some(paths::voice_log_events(id)));
        assert_eq!(Family::Voice.list_path(), paths::VOICE_LOGS);
        assert!(Family::Voice.has_events());
        assert!(Family::Voice.has_parents() && Family::Voice.has_whole_call());
    }

    #[test]
    fn a_log_ref_shows_as_its_id_and_reads_without_a_family_as_voice() {
        let id = Uuid::parse_str(ID).unwrap();
        assert_eq!(LogRef::voice(id).to_string(), ID);
        let old: LogRef = serde_json::from_value(serde_json::json!({ "id": ID })).unwrap();
        assert_eq!(old, LogRef::voice(id));
        let written = serde_json::to_value(LogRef::voice(id)).unwrap();
        assert_eq!(written, serde_json::json!({"family": "voice", "id": ID}));
        assert_eq!(serde_json::from_value::<LogRef>(written).unwrap(), old);
    }
}
