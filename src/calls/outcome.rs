//! How a call ended, in words, from its legs' statuses: "completed", "busy", "no answer",
//! "failed on SIP call #3", "canceled before answer", "still in progress".
//!
//! The root's status says how the call ended for the caller; a leg below it that failed, was
//! busy or was not answered is named (by its type and its place in the call, root = #1), since
//! that is usually the why. A canceled leg below the root is not a failure: simultaneous dials
//! cancel the legs that lost.

use super::CallLeg;
use crate::api::model::Outcome as Tone;
use crate::list::row::Row;
use crate::query::OutcomeWord;
use crate::text::sanitize;

/// How a call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The `outcome:` word it answers to; `None` when no leg says (an unknown status).
    pub word: Option<OutcomeWord>,
    /// The leg it happened on, when not the root: its place (1-based) and type.
    pub on: Option<(usize, String)>,
    /// The root's status as sent, for an outcome swlog cannot name.
    status: String,
}

impl Outcome {
    /// The outcome of `legs` (root first, in tree order).
    pub fn of(legs: &[CallLeg], rows: &[Row]) -> Self {
        let status = |l: &CallLeg| {
            rows[l.row]
                .kept_cell("status")
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        };
        let root_status = legs.first().map(status).unwrap_or_default();
        let plain = |word| Self {
            word: Some(word),
            on: None,
            status: root_status.clone(),
        };
        if legs.iter().any(|l| rows[l.row].outcome == Tone::Live) {
            return plain(OutcomeWord::Live);
        }
        // The first leg below the root that did not connect.
        let below = legs.iter().enumerate().skip(1).find_map(|(i, l)| {
            let word = match status(l).as_str() {
                "failed" => OutcomeWord::Failed,
                "busy" => OutcomeWord::Busy,
                "no-answer" => OutcomeWord::NoAnswer,
                _ => return None,
            };
            Some((word, i + 1, rows[l.row].kind.to_string()))
        });
        let on_leg = |(word, n, kind): (OutcomeWord, usize, String)| Self {
            word: Some(word),
            on: Some((n, kind)),
            status: root_status.clone(),
        };
        match root_status.as_str() {
            "busy" => plain(OutcomeWord::Busy),
            "no-answer" => plain(OutcomeWord::NoAnswer),
            "canceled" | "cancelled" => plain(OutcomeWord::Canceled),
            "failed" => below
                .filter(|(w, ..)| *w == OutcomeWord::Failed)
                .map_or_else(|| plain(OutcomeWord::Failed), on_leg),
            _ if legs
                .first()
                .is_some_and(|l| rows[l.row].outcome == Tone::Good) =>
            {
                below.map_or_else(|| plain(OutcomeWord::Completed), on_leg)
            }
            _ => Self {
                word: None,
                on: None,
                status: root_status,
            },
        }
    }

    /// The outcome in words.
    pub fn words(&self) -> String {
        let base = match self.word {
            Some(OutcomeWord::Completed) => "completed",
            Some(OutcomeWord::Busy) => "busy",
            Some(OutcomeWord::NoAnswer) => "no answer",
            Some(OutcomeWord::Failed) => "failed",
            Some(OutcomeWord::Canceled) => "canceled before answer",
            Some(OutcomeWord::Live) => "still in progress",
            None if self.status.is_empty() => return "no status".to_owned(),
            None => return format!("status {}", sanitize(&self.status)),
        };
        match &self.on {
            Some((n, kind)) => format!("{base} on {} #{n}", sanitize(kind)),
            None => base.to_owned(),
        }
    }

    /// How it reads, for colour: a call that connected is good, a failed one bad.
    pub fn tone(&self) -> Tone {
        match self.word {
            Some(OutcomeWord::Completed) => Tone::Good,
            Some(OutcomeWord::Live) => Tone::Live,
            Some(_) => Tone::Bad,
            None => Tone::Unknown,
        }
    }
}
