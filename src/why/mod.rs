//! Why a call went the way it did: each leg's SIP result, who answered, its audio quality and
//! recordings, and one verdict sentence for the call whose every clause names the leg it comes
//! from ("Answered by a machine on LaML call #1; 12 s of poor audio (MOS 2.1, jitter 45 ms)
//! on LaML call #1; billed 1 min for 12 s."). Pure: the records come in, words go out.

pub mod lines;
pub mod load;
pub mod quality;
pub mod sip;

use uuid::Uuid;

use crate::api::VoiceLog;
use crate::api::compat::{CompatCall, Quality, Recording};
use crate::api::model::{Kind, LogType, Outcome};
use crate::text::sanitize;

/// What the Compatibility API said of one leg.
#[derive(Debug, Clone, PartialEq)]
pub enum Compat {
    /// Not a LaML call: the Compatibility API knows only those, so it was not asked.
    NotLaml,
    /// Its record.
    Found(Box<CompatCall>),
    /// The API has no record of it (404).
    NotFound,
    /// Not asked, and why (a `url` on another origin).
    Refused(String),
    /// The request failed, in words.
    Failed(String),
    /// Not back yet.
    Loading,
}

/// What one leg brings to the verdict.
#[derive(Debug, Clone)]
pub struct LegInput<'a> {
    /// The leg's voice log.
    pub log: &'a VoiceLog,
    /// Its place in the call, from 1 (the root).
    pub ordinal: usize,
    /// Its Compatibility record, or why there is none.
    pub compat: Compat,
    /// How many of its events are warnings and errors, when its events were read.
    pub events: Option<(usize, usize)>,
    /// Its recordings, when they were read.
    pub recordings: Vec<Recording>,
}

/// Where a leg's quality measures came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QualitySource {
    /// The Compatibility record.
    Compat,
    /// The voice log itself (some Relay logs carry the fields).
    VoiceLog,
    /// Nowhere, and why, in words.
    None(String),
}

/// One leg, explained.
#[derive(Debug, Clone, PartialEq)]
pub struct LegWhy {
    /// Its ID.
    pub id: Option<Uuid>,
    /// `LaML call #1`.
    pub label: String,
    /// Its `type` as sent.
    pub wire_type: Option<String>,
    /// Its status as sent (sanitised).
    pub status: Option<String>,
    /// The final SIP code as sent, when the Compatibility record has one.
    pub sip_result_code: Option<String>,
    /// The code's meaning, when swlog knows the code.
    pub sip_meaning: Option<String>,
    /// `human` or `machine` (sanitised), when detection ran.
    pub answered_by: Option<String>,
    /// Its audio quality measures.
    pub quality: Quality,
    /// Where they came from.
    pub quality_source: QualitySource,
    /// What is wrong with its Compatibility record, in words (a 404, a refusal, an error).
    pub note: Option<String>,
    /// Its recordings.
    pub recordings: Vec<Recording>,
    /// This leg's clauses of the verdict.
    pub clauses: Vec<String>,
}

/// A call, explained.
#[derive(Debug, Clone, PartialEq)]
pub struct CallWhy {
    /// The legs, in the call's order.
    pub legs: Vec<LegWhy>,
    /// One sentence.
    pub verdict: String,
}

/// Explains the legs of a call (the root first).
pub fn explain(legs: &[LegInput<'_>]) -> CallWhy {
    let explained: Vec<LegWhy> = legs.iter().map(leg).collect();
    let mut clauses: Vec<String> = explained.iter().flat_map(|l| l.clauses.clone()).collect();
    if let Some(root) = legs.first()
        && let Some(billing) = billing_clause(root.log)
    {
        clauses.push(billing);
    }
    let verdict = if clauses.is_empty() {
        quiet_verdict(&explained)
    } else {
        sentence(&clauses)
    };
    CallWhy {
        legs: explained,
        verdict,
    }
}

fn leg(input: &LegInput<'_>) -> LegWhy {
    let log = input.log;
    let label = crate::call::lines::label(log, input.ordinal);
    let status = log.status.value().map(|s| sanitize(s).into_owned());
    let (record, note) = match &input.compat {
        Compat::Found(c) => (Some(c.as_ref()), None),
        Compat::NotFound => (
            None,
            Some("no Compatibility record for this call".to_owned()),
        ),
        Compat::Refused(why) | Compat::Failed(why) => (None, Some(sanitize(why).into_owned())),
        Compat::NotLaml | Compat::Loading => (None, None),
    };
    let own = Quality::from_object(&log.raw);
    let (quality, quality_source) = match record {
        Some(c) if !c.quality.is_empty() => (c.quality, QualitySource::Compat),
        _ if !own.is_empty() => (own, QualitySource::VoiceLog),
        Some(_) => (
            Quality::default(),
            QualitySource::None("its Compatibility record has no quality data".to_owned()),
        ),
        None => (
            Quality::default(),
            QualitySource::None(no_quality(log, &input.compat)),
        ),
    };
    let sip_result_code = record.and_then(|c| c.sip_result_code.as_deref().map(clean));
    let code = record.and_then(CompatCall::sip_code);
    let answered_by = record.and_then(|c| c.answered_by.as_deref().map(clean));

    let mut clauses = Vec::new();
    if answered_by.as_deref() == Some("machine") {
        clauses.push(format!("answered by a machine on {label}"));
    }
    match code {
        Some(code) if !sip::is_success(code) => {
            clauses.push(format!("{label} ended with {}", sip::describe(code)));
        }
        _ => {
            if log.outcome() == Outcome::Bad
                && let Some(s) = &status
            {
                clauses.push(format!("{label} {}", status_words(s)));
            }
        }
    }
    if quality::is_flagged(&quality) {
        let band = quality
            .mos
            .map(quality::MosBand::of)
            .filter(|b| b.is_flagged())
            .map_or("troubled".to_owned(), |b| b.word().to_owned());
        let length = log
            .duration_ms
            .get()
            .filter(|ms| *ms > 0)
            .map_or(String::new(), |ms| format!("{} of ", spoken(ms)));
        clauses.push(format!(
            "{length}{band} audio ({}) on {label}",
            quality::problems(&quality)
        ));
    }
    if let Some((warnings, errors)) = input.events {
        if errors > 0 {
            clauses.push(format!("{} on {label}", count(errors, "error event")));
        } else if warnings > 0 {
            clauses.push(format!("{} on {label}", count(warnings, "warning")));
        }
    }
    LegWhy {
        id: log.id.get(),
        label,
        wire_type: match &log.kind {
            Kind::Call(t) => Some(t.wire().to_owned()),
            _ => None,
        },
        status,
        sip_meaning: code.and_then(sip::meaning).map(|m| m.meaning.to_owned()),
        sip_result_code,
        answered_by,
        quality,
        quality_source,
        note,
        recordings: input.recordings.clone(),
        clauses,
    }
}

/// Why a leg has no quality data, in words.
fn no_quality(log: &VoiceLog, compat: &Compat) -> String {
    match (&log.kind, compat) {
        (Kind::Call(LogType::LamlCall), Compat::Loading) => "loading".to_owned(),
        (Kind::Call(LogType::LamlCall), _) => "no Compatibility record to read it from".to_owned(),
        (kind, _) => format!(
            "SignalWire gives no quality data for {}",
            match kind {
                Kind::Call(t) => format!("{} legs", t.short_label().trim_end_matches(" call")),
                _ => "this kind of leg".to_owned(),
            }
        ),
    }
}

/// The billing clause of the root: billed time against actual time when they differ by a
/// whole second or more.
fn billing_clause(root: &VoiceLog) -> Option<String> {
    let billed = root.billing_ms.get()?;
    let actual = root.duration_ms.get()?;
    if billed < 0 || actual < 0 {
        return None;
    }
    if billed == 0 {
        return (root.charge.get().unwrap_or(0.0) == 0.0 && actual == 0)
            .then(|| "nothing billed".to_owned());
    }
    (billed - actual >= 1000).then(|| format!("billed {} for {}", spoken(billed), spoken(actual)))
}

/// A verdict for a call with nothing to flag.
fn quiet_verdict(legs: &[LegWhy]) -> String {
    let human = legs
        .iter()
        .find(|l| l.answered_by.as_deref() == Some("human"))
        .map(|l| format!(", answered by a human on {}", l.label))
        .unwrap_or_default();
    let measured = legs
        .iter()
        .any(|l| !matches!(l.quality_source, QualitySource::None(_)));
    let audio = if measured {
        ", no audio problems measured"
    } else {
        ""
    };
    format!("Nothing went wrong that SignalWire reports{human}{audio}.")
}

/// `busy` → `was busy`, `no-answer` → `had no answer`.
fn status_words(status: &str) -> String {
    match status {
        "busy" => "was busy".to_owned(),
        "no-answer" => "had no answer".to_owned(),
        "canceled" | "cancelled" => "was canceled before it was answered".to_owned(),
        "failed" => "failed".to_owned(),
        other => format!("ended as {other}"),
    }
}

/// Clauses as one sentence: the first capitalised, joined by semicolons, a full stop.
fn sentence(clauses: &[String]) -> String {
    let joined = clauses.join("; ");
    let mut chars = joined.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// A duration as said aloud, to the second: `12 s`, `1 min`, `2 min 5 s`, `1 h 2 min`.
pub fn spoken(ms: i64) -> String {
    let s = (ms + 500) / 1000;
    match s {
        ..60 => format!("{s} s"),
        60..3600 if s % 60 == 0 => format!("{} min", s / 60),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// A value from the server, sanitised and cut to a sensible length.
fn clean(s: &str) -> String {
    crate::text::truncate_chars(&sanitize(s.trim()), 40).into_owned()
}

#[cfg(test)]
mod tests;
