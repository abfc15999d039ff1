//! Whether a voice log matches a [`Query`].

use chrono::{DateTime, Utc};

use super::{Query, Side};
use crate::api::VoiceLog;
use crate::api::model::{Field, Kind};

impl Query {
    /// Whether `log` meets every condition. A log without a readable `created_at` is outside
    /// any window; a deleted log matches only when deleted logs are asked for.
    pub fn matches(&self, log: &VoiceLog) -> bool {
        if matches!(log.kind, Kind::Discarded) && !self.include_deleted {
            return false;
        }
        if (self.since.is_some() || self.until.is_some())
            && !log.created_at.value().is_some_and(|t| self.in_window(*t))
        {
            return false;
        }
        let from = text(&log.from);
        let to = text(&log.to);
        let sides = |side: Side| match side {
            Side::Either => [from, to],
            Side::From => [from, None],
            Side::To => [None, to],
        };
        for n in &self.numbers {
            if !sides(n.side)
                .into_iter()
                .flatten()
                .any(|s| has_digit_run(s, &n.digits))
            {
                return false;
            }
        }
        for w in &self.words {
            if !sides(w.side)
                .into_iter()
                .flatten()
                .any(|s| s.to_lowercase().contains(&w.lower))
            {
                return false;
            }
        }
        if !self.statuses.is_empty()
            && !text(&log.status)
                .is_some_and(|s| self.statuses.iter().any(|w| w.eq_ignore_ascii_case(s)))
        {
            return false;
        }
        if !self.types.is_empty() && !self.types.iter().any(|t| Some(t.as_str()) == wire(log)) {
            return false;
        }
        if let Some(d) = &self.direction {
            let Some(got) = text(&log.direction) else {
                return false;
            };
            let got = got.to_ascii_lowercase();
            // `outbound` stands for every outbound flavour the API has.
            let ok = if d == "outbound" {
                got.starts_with("outbound")
            } else {
                got == *d
            };
            if !ok {
                return false;
            }
        }
        if let Some(min) = self.min_duration_ms
            && duration_ms(log).is_none_or(|ms| ms < min)
        {
            return false;
        }
        if let Some(p) = self.parent
            && log.parent_uuid() != Some(p)
        {
            return false;
        }
        true
    }

    /// Whether `t` is in `[since, until)`.
    pub fn in_window(&self, t: DateTime<Utc>) -> bool {
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u)
    }
}

fn text(f: &Field<String>) -> Option<&str> {
    f.value().map(String::as_str)
}

/// The wire type of a log, known or not.
fn wire(log: &VoiceLog) -> Option<&str> {
    match &log.kind {
        Kind::Call(t) => Some(t.wire()),
        _ => log.raw.get("type").and_then(serde_json::Value::as_str),
    }
}

/// The duration in milliseconds, from `duration_ms` or else whole-second `duration`.
pub fn duration_ms(log: &VoiceLog) -> Option<i64> {
    log.duration_ms
        .get()
        .or_else(|| log.duration.get().and_then(|s| s.checked_mul(1000)))
}

/// Whether `needle` (digits) occurs as a contiguous run in the digits of `haystack`, ignoring
/// every other character.
pub fn has_digit_run(haystack: &str, needle: &str) -> bool {
    let needle = needle.as_bytes();
    if needle.is_empty() {
        return true;
    }
    let digits: Vec<u8> = haystack.bytes().filter(u8::is_ascii_digit).collect();
    digits.windows(needle.len()).any(|w| w == needle)
}
