//! What the history keeps of a found record, and how entries written by an older swlog are
//! read: format 1 kept the type's label ("Relay PSTN call", "Unknown type `x`"); format 2 keeps
//! the `type` as sent, so that a later swlog can word it anew. A label that maps back to a type
//! becomes that type; one that does not is kept as written and shown as it was.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::VoiceLog;
use crate::api::model::{Kind, LogType};

/// What a lookup found: a summary of the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "SummaryIn")]
pub struct Summary {
    /// The `type` as sent (`relay_pstn_call`); `None` when the record had none.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub wire_type: Option<Value>,
    /// Whether the record was a deleted log (no `type`, a `discarded_at`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    /// A format-1 label that could not be mapped back to a type, shown as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The status word as sent.
    #[serde(default)]
    pub status: Option<String>,
    /// Origin as sent.
    #[serde(default)]
    pub from: Option<String>,
    /// Destination as sent.
    #[serde(default)]
    pub to: Option<String>,
    /// The charge in dollars.
    #[serde(default)]
    pub charge: Option<f64>,
    /// The parent leg's ID as sent.
    #[serde(default)]
    pub parent_id: Option<String>,
}

/// A summary as either format wrote it.
#[derive(Deserialize)]
struct SummaryIn {
    #[serde(rename = "type", default)]
    wire_type: Option<Value>,
    #[serde(default)]
    deleted: bool,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    charge: Option<f64>,
    #[serde(default)]
    parent_id: Option<String>,
}

impl From<SummaryIn> for Summary {
    fn from(s: SummaryIn) -> Self {
        let (wire_type, deleted, kind) = match (s.wire_type, s.kind) {
            (Some(t), _) => (Some(t), s.deleted, None),
            (None, Some(label)) => migrate(label),
            (None, None) => (None, s.deleted, None),
        };
        Self {
            wire_type,
            deleted,
            kind,
            status: s.status,
            from: s.from,
            to: s.to,
            charge: s.charge,
            parent_id: s.parent_id,
        }
    }
}

/// A format-1 label mapped back to what was sent: the type, or a deleted log, or (when it
/// cannot be mapped) the label kept as written.
fn migrate(label: String) -> (Option<Value>, bool, Option<String>) {
    if let Some(t) = LogType::ALL.into_iter().find(|t| t.label() == label) {
        return (Some(Value::String(t.wire().to_owned())), false, None);
    }
    if label == Kind::Discarded.label() {
        return (None, true, None);
    }
    if label == Kind::Unknown(None).label() {
        return (None, false, None);
    }
    if let Some(t) = label
        .strip_prefix("Unknown type `")
        .and_then(|l| l.strip_suffix('`'))
    {
        return (Some(Value::String(t.to_owned())), false, None);
    }
    (None, false, Some(label))
}

impl Summary {
    /// The summary of a fetched record.
    pub fn of(log: &VoiceLog) -> Self {
        Self {
            wire_type: log.raw.get("type").cloned(),
            deleted: log.kind == Kind::Discarded,
            kind: None,
            status: log.status.value().cloned(),
            from: log.from.value().cloned(),
            to: log.to.value().cloned(),
            charge: log.charge.get(),
            parent_id: log.parent_id.value().cloned(),
        }
    }

    /// The record's kind, as the type sent says (`None` for a format-1 label kept as written).
    pub fn record_kind(&self) -> Option<Kind> {
        if self.kind.is_some() {
            return None;
        }
        Some(match &self.wire_type {
            Some(Value::String(s)) => LogType::from_wire(s)
                .map_or_else(|| Kind::Unknown(Some(Value::String(s.clone()))), Kind::Call),
            Some(v) => Kind::Unknown(Some(v.clone())),
            None if self.deleted => Kind::Discarded,
            None => Kind::Unknown(None),
        })
    }

    /// The type in words (not sanitised), e.g. "Relay PSTN call".
    pub fn label(&self) -> String {
        match (self.record_kind(), &self.kind) {
            (Some(k), _) => k.label(),
            (None, label) => label.clone().unwrap_or_default(),
        }
    }

    /// The type as the sidebar's filter matches it, borrowed: a known type's label, else the
    /// type as sent.
    pub fn filter_text(&self) -> &str {
        match (&self.kind, &self.wire_type) {
            (Some(label), _) => label,
            (None, Some(Value::String(s))) => {
                LogType::from_wire(s).map_or(s.as_str(), |t| t.label())
            }
            (None, Some(_)) => "Unknown type",
            (None, None) if self.deleted => "Deleted log",
            (None, None) => "Log without a type",
        }
    }

    /// The type in a few words (not sanitised), for the narrow sidebar.
    pub fn short_label(&self) -> String {
        match (self.record_kind(), &self.kind) {
            (Some(k), _) => k.short_label(),
            (None, label) => label.clone().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(v: Value) -> Summary {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn format_1_labels_map_back_to_the_type_sent() {
        let pstn = read(json!({"kind": "Relay PSTN call", "status": "completed"}));
        assert_eq!(pstn.wire_type, Some(json!("relay_pstn_call")));
        assert_eq!(pstn.kind, None);
        assert_eq!(pstn.label(), "Relay PSTN call");
        assert_eq!(pstn.short_label(), "PSTN call");
        let unknown = read(json!({"kind": "Unknown type `ai_agent_call`"}));
        assert_eq!(unknown.wire_type, Some(json!("ai_agent_call")));
        assert_eq!(unknown.short_label(), "ai_agent_call");
        let deleted = read(json!({"kind": "Deleted log"}));
        assert!(deleted.deleted);
        assert_eq!(deleted.label(), "Deleted log");
        let none = read(json!({"kind": "Log without a type"}));
        assert_eq!(none.record_kind(), Some(Kind::Unknown(None)));
    }

    #[test]
    fn a_label_that_cannot_be_mapped_is_kept_readable() {
        let odd = read(json!({"kind": "Something swlog once said"}));
        assert_eq!(odd.label(), "Something swlog once said");
        assert_eq!(odd.short_label(), "Something swlog once said");
        // Written back as it was read, so that nothing is lost.
        let again = read(serde_json::to_value(&odd).unwrap());
        assert_eq!(again, odd);
    }

    #[test]
    fn format_2_keeps_the_wire_type_and_round_trips() {
        let s = read(json!({"type": "laml_call", "from": "+1"}));
        let written = serde_json::to_value(&s).unwrap();
        assert_eq!(written["type"], json!("laml_call"));
        assert!(written.get("kind").is_none(), "{written}");
        assert_eq!(read(written), s);
        let odd = read(json!({"type": 7}));
        assert_eq!(odd.label(), "Unknown type 7");
    }
}
