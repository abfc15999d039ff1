//! Each field of a log as a [`Row`]: its value in words, or why there is none.

use serde_json::Value;

use super::format::duration_ms;
use super::{Row, RowKey, Tone};
use crate::api::model::{Field, Key, VoiceLog};
use crate::clock::Clock;
use crate::text::sanitize;

pub(super) fn text_of(f: &Field<String>) -> Option<String> {
    f.value().map(|s| sanitize(s).into_owned())
}

/// The value of an unexpected JSON type, compact. serde_json escapes control characters in
/// strings, and the result is sanitised besides, for keys.
pub(crate) fn odd(v: &Value) -> String {
    sanitize(&v.to_string()).into_owned()
}

pub(crate) fn absent<T>(key: RowKey, f: &Field<T>) -> Option<Row> {
    match f {
        Field::Missing => Some(Row::new(key, "— (not sent)", Tone::Empty)),
        Field::Null => Some(Row::new(key, "—", Tone::Empty)),
        Field::Invalid(v) => Some(Row::new(
            key,
            format!("{} (unexpected type)", odd(v)),
            Tone::Odd,
        )),
        Field::Value(_) => None,
    }
}

pub(super) fn string_row(key: RowKey, f: &Field<String>) -> Row {
    absent(key.clone(), f)
        .unwrap_or_else(|| Row::new(key, text_of(f).unwrap_or_default(), Tone::Normal))
}

pub(super) fn time_row(
    key: RowKey,
    f: &Field<chrono::DateTime<chrono::Utc>>,
    clock: &Clock,
) -> Row {
    match f {
        Field::Value(t) => {
            let mut row = Row::new(
                key,
                format!("{} · {}", clock.local_and_utc(*t), clock.age(*t)),
                Tone::Normal,
            );
            row.copy = Some(t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
            row
        }
        Field::Invalid(Value::String(s)) => Row::new(
            key,
            format!("{} (not a date swlog can read)", sanitize(s)),
            Tone::Odd,
        ),
        other => absent(key.clone(), other).unwrap_or_else(|| Row::new(key, "—", Tone::Empty)),
    }
}

pub(super) fn duration_row(log: &VoiceLog) -> Row {
    match (&log.duration_ms, &log.duration) {
        (Field::Value(ms), _) => {
            let mut row = Row::new(RowKey::Duration, duration_ms(*ms), Tone::Normal);
            row.copy = Some(ms.to_string());
            row
        }
        (_, Field::Value(s)) => {
            let mut row = Row::new(
                RowKey::Duration,
                duration_ms(s.saturating_mul(1000)),
                Tone::Normal,
            );
            row.copy = Some((s.saturating_mul(1000)).to_string());
            row
        }
        (ms, s) if log.kind.has(Key::DurationMs) => absent(RowKey::Duration, ms)
            .or_else(|| absent(RowKey::Duration, s))
            .unwrap_or_else(|| Row::new(RowKey::Duration, "—", Tone::Empty)),
        (_, s) => absent(RowKey::Duration, s)
            .unwrap_or_else(|| Row::new(RowKey::Duration, "—", Tone::Empty)),
    }
}

pub(super) fn billing_row(log: &VoiceLog) -> Row {
    let Field::Value(billed) = log.billing_ms else {
        return absent(RowKey::Billed, &log.billing_ms)
            .unwrap_or_else(|| Row::new(RowKey::Billed, "—", Tone::Empty));
    };
    let actual = log.duration_ms.get();
    let mut value = duration_ms(billed);
    let mut tone = Tone::Normal;
    match actual {
        // Older documentation gave billing in seconds: 60 for a minute.
        Some(a) if billed > 0 && billed < 1000 && a >= 1000 => {
            value.push_str(&format!(
                " (as ms; if seconds, {})",
                duration_ms(billed.saturating_mul(1000))
            ));
            tone = Tone::Warn;
        }
        // Both numbers are the server's: their difference can leave i64 (a billing of 2^62 ms
        // against a duration of -2^63), so it saturates rather than overflows.
        Some(a) if billed > a => value.push_str(&format!(
            " · {} more than actual (rounded up)",
            duration_ms(billed.saturating_sub(a))
        )),
        Some(a) if billed < a => value.push_str(&format!(
            " · {} less than actual",
            duration_ms(a.saturating_sub(billed))
        )),
        Some(_) => value.push_str(" · same as actual"),
        None => {}
    }
    let mut row = Row::new(RowKey::Billed, value, tone);
    row.copy = Some(billed.to_string());
    row
}

pub(super) fn url_row(f: &Field<Value>) -> Row {
    match f {
        Field::Value(Value::String(s)) => {
            Row::new(RowKey::Url, sanitize(s).into_owned(), Tone::Normal)
        }
        Field::Value(other) => Row::new(RowKey::Url, odd(other), Tone::Odd),
        other => {
            absent(RowKey::Url, other).unwrap_or_else(|| Row::new(RowKey::Url, "—", Tone::Empty))
        }
    }
}

pub(super) fn parent_row(log: &VoiceLog) -> Row {
    match (&log.parent_id, log.parent_uuid()) {
        (_, Some(id)) => {
            let mut row = Row::new(RowKey::Parent, id.to_string(), Tone::Link);
            row.link = Some(id);
            row
        }
        (Field::Value(s), None) => Row::new(
            RowKey::Parent,
            format!("{} (not a valid ID)", sanitize(s)),
            Tone::Odd,
        ),
        (other, None) => match absent(RowKey::Parent, other) {
            Some(row) if matches!(other, Field::Null) => {
                Row::new(RowKey::Parent, "— (this is the first leg)", row.tone)
            }
            Some(row) => row,
            None => Row::new(RowKey::Parent, "—", Tone::Empty),
        },
    }
}

pub(super) fn id_row(log: &VoiceLog) -> Row {
    match &log.id {
        Field::Value(id) => Row::new(RowKey::Id, id.to_string(), Tone::Normal),
        other => {
            absent(RowKey::Id, other).unwrap_or_else(|| Row::new(RowKey::Id, "—", Tone::Empty))
        }
    }
}

pub(super) fn extra_row(key: &str, v: &Value) -> Row {
    let (value, tone) = match v {
        Value::String(s) => (sanitize(s).into_owned(), Tone::Normal),
        Value::Null => ("—".to_owned(), Tone::Empty),
        other => (odd(other), Tone::Normal),
    };
    Row::new(RowKey::Extra(key.to_owned()), value, tone)
}
