//! One row of the history and what it says about a lookup, with the display helpers that
//! sanitise what came from the server.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Summary;
use crate::api::{Family, LogRef};
use crate::text::sanitize;

/// How a lookup ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lookup {
    /// The record was found.
    Record(Summary),
    /// The lookup failed; a short kind such as "not found" ([`ApiError::short`]).
    Error(String),
}

/// One row of the history: the last lookup of one log ID.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The log ID.
    pub id: Uuid,
    /// The family of the log. Absent from files written before families existed, which hold
    /// voice logs only; left out for a voice log, so that a voice log's entry reads the same
    /// as before.
    #[serde(default, skip_serializing_if = "Family::is_voice")]
    pub family: Family,
    /// When the lookup was made.
    pub at: DateTime<Utc>,
    /// The profile it was made with.
    pub profile: String,
    /// The space it was made in.
    pub space: String,
    /// What it found.
    pub lookup: Lookup,
    /// Whether the user pinned it (pinned entries sort first and are never evicted).
    #[serde(default)]
    pub pinned: bool,
    /// The user's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The last refresh of a found record that failed, kept beside the record instead of
    /// replacing it. Absent from files written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_failed: Option<RefreshFailed>,
    /// A digest of the response body this lookup found (64 bits of a hash, in hex), when it was
    /// cached: the same body fetched again is then neither written nor read again, and the
    /// cached body counts as confirmed at `at`. Absent from files written before it existed;
    /// anything but a string is read as absent (it only ever costs reading the body again).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "read_digest"
    )]
    pub body_digest: Option<String>,
}

/// A refresh of a found record that failed: what went wrong, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefreshFailed {
    /// A short kind such as "not found".
    pub what: String,
    /// When it failed.
    pub at: DateTime<Utc>,
}

/// A body digest as read: a string, or nothing whatever else is there.
fn read_digest<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        _ => None,
    })
}

impl Entry {
    /// A new, unpinned entry without a note.
    pub fn new(
        id: Uuid,
        at: DateTime<Utc>,
        profile: impl Into<String>,
        space: impl Into<String>,
        lookup: Lookup,
    ) -> Self {
        Self {
            id,
            family: Family::Voice,
            at,
            profile: profile.into(),
            space: space.into(),
            lookup,
            pinned: false,
            note: None,
            refresh_failed: None,
            body_digest: None,
        }
    }

    /// The same entry for a log of `family`.
    pub fn in_family(self, family: Family) -> Self {
        Self { family, ..self }
    }

    /// The log this entry is about: its family and ID.
    pub fn log(&self) -> LogRef {
        LogRef::new(self.family, self.id)
    }

    /// The record's summary, when the lookup found one.
    pub fn summary(&self) -> Option<&Summary> {
        match &self.lookup {
            Lookup::Record(s) => Some(s),
            Lookup::Error(_) => None,
        }
    }

    /// The title to show (sanitised): the type, or what went wrong.
    pub fn title(&self) -> String {
        match &self.lookup {
            Lookup::Record(s) => sanitize(&s.label()).into_owned(),
            Lookup::Error(e) => format!("Lookup failed: {}", sanitize(e)),
        }
    }

    /// The status word (sanitised).
    pub fn status(&self) -> Option<String> {
        let s = self.summary()?.status.as_deref()?;
        Some(sanitize(s).into_owned())
    }

    /// `from → to` (sanitised), when either is known.
    pub fn parties(&self) -> Option<String> {
        let s = self.summary()?;
        if s.from.is_none() && s.to.is_none() {
            return None;
        }
        let side = |v: &Option<String>| v.as_deref().map_or("—".into(), sanitize).into_owned();
        Some(format!("{} → {}", side(&s.from), side(&s.to)))
    }

    /// The note (sanitised).
    pub fn note(&self) -> Option<String> {
        self.note.as_deref().map(|n| sanitize(n).into_owned())
    }

    /// Profile and space (sanitised), e.g. `default · acme`.
    pub fn origin(&self) -> String {
        format!("{} · {}", sanitize(&self.profile), sanitize(&self.space))
    }

    /// "last refresh failed: not found · 2m ago" (sanitised), when the last refresh failed.
    pub fn refresh_note(&self, now: DateTime<Utc>) -> Option<String> {
        let f = self.refresh_failed.as_ref()?;
        Some(format!(
            "last refresh failed: {} · {}",
            sanitize(&f.what),
            crate::present::format::age_between(f.at, now)
        ))
    }

    /// One line for a list (sanitised): title, status and parties, e.g.
    /// `Relay PSTN call · completed · +1555… → +1555…`.
    pub fn line(&self) -> String {
        let mut parts = vec![self.title()];
        parts.extend(self.status());
        parts.extend(self.parties());
        parts.join(" · ")
    }
}
