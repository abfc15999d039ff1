//! Asking the Compatibility API about a call's legs: a LaML leg's record and recordings, each
//! leg asked on its own so that one failure costs only its own words. Other leg types are
//! never asked (the API knows only LaML calls), and nothing here can hide the voice log.

use futures::StreamExt as _;
use uuid::Uuid;

use super::{CallWhy, Compat, LegInput, explain};
use crate::api::compat::Recording;
use crate::api::compat_fetch::FetchedCompat;
use crate::api::error::ErrorClass;
use crate::api::model::{Kind, LogType};
use crate::api::{ApiError, Client, VoiceLog};
use crate::call::{self, Call, CallError};

/// How many legs are asked about at once.
const CONCURRENCY: usize = 4;

/// What the Compatibility API said of one leg.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// Its record, or why there is none.
    pub compat: Compat,
    /// Why the log's `url` was not what was read, when so.
    pub notice: Option<String>,
    /// Its recordings (none asked for a leg that is not LaML).
    pub recordings: Vec<Recording>,
    /// What went wrong reading the recordings, in words.
    pub recordings_note: Option<String>,
    /// The class of each request that failed (a 404 for the record is not a failure).
    pub failures: Vec<ErrorClass>,
}

impl Answer {
    /// The answer for a leg that is not asked about.
    pub fn not_asked() -> Self {
        Self {
            compat: Compat::NotLaml,
            notice: None,
            recordings: Vec::new(),
            recordings_note: None,
            failures: Vec::new(),
        }
    }
}

/// Whether the Compatibility API knows legs like `log`: LaML calls only.
pub fn is_laml(log: &VoiceLog) -> bool {
    matches!(log.kind, Kind::Call(LogType::LamlCall))
}

/// The record's part of an answer: a 404 is "no Compatibility record for this call", any other
/// failure its words (a 401 or 403 with the Voice scope hint), prefixed so they are not taken
/// for the voice log's own.
pub fn compat_of(result: Result<FetchedCompat, ApiError>) -> (Compat, Option<String>) {
    match result {
        Ok(f) => (Compat::Found(Box::new(f.call)), f.notice),
        Err(ApiError::NotFound { .. }) => (Compat::NotFound, None),
        Err(e) => (
            Compat::Failed(format!("Compatibility record not read: {e}")),
            None,
        ),
    }
}

/// Asks the Compatibility API about `log`: its record and its recordings, when it is a LaML
/// call; nothing at all otherwise.
pub async fn ask(client: &Client, log: &VoiceLog) -> Answer {
    let Some(sid) = log.id.get().filter(|_| is_laml(log)) else {
        return Answer::not_asked();
    };
    let url = log.url.value().and_then(serde_json::Value::as_str);
    let (record, recordings) =
        tokio::join!(client.fetch_compat(sid, url), client.fetch_recordings(sid));
    let mut failures = Vec::new();
    if let Err(e) = &record
        && !matches!(e, ApiError::NotFound { .. })
    {
        failures.push(e.class());
    }
    let (compat, notice) = compat_of(record);
    let (recordings, recordings_note) = match recordings {
        Ok(r) => {
            let skipped = (r.skipped > 0).then(|| {
                format!(
                    "{} recording{} without a usable sid left out",
                    r.skipped,
                    if r.skipped == 1 { "" } else { "s" }
                )
            });
            let note = match (r.stopped, skipped) {
                (Some(a), Some(b)) => Some(format!("{a}; {b}")),
                (a, b) => a.or(b),
            };
            (r.recordings, note)
        }
        // A call without recordings may answer 404 here: nothing to say.
        Err(ApiError::NotFound { .. }) => (Vec::new(), None),
        Err(e) => {
            failures.push(e.class());
            (Vec::new(), Some(format!("recordings not read: {e}")))
        }
    };
    Answer {
        compat,
        notice,
        recordings,
        recordings_note,
        failures,
    }
}

/// A whole call with what the Compatibility API said of each leg.
#[derive(Debug, Clone)]
pub struct Explained {
    /// The call as `swlog call` loads it.
    pub call: Call,
    /// One answer per leg of `call.tree.legs`, in order.
    pub answers: Vec<Answer>,
    /// The verdict and each leg explained.
    pub why: CallWhy,
}

/// Loads the call `id` belongs to (its legs' events within `within`), asks about each leg, and
/// explains it.
pub async fn load(
    client: &Client,
    id: Uuid,
    within: std::time::Duration,
) -> Result<Explained, CallError> {
    load_asking(
        client,
        id,
        within,
        |log| async move { ask(client, &log).await },
    )
    .await
}

/// [`load`], each leg asked about through `ask_leg` (which may answer from what it kept).
pub async fn load_asking<F, Fut>(
    client: &Client,
    id: Uuid,
    within: std::time::Duration,
    ask_leg: F,
) -> Result<Explained, CallError>
where
    F: Fn(VoiceLog) -> Fut,
    Fut: std::future::Future<Output = Answer>,
{
    let call = call::load_within(
        client,
        id,
        crate::api::list::PageSizeMemory::default(),
        Some(within),
    )
    .await?;
    let logs: Vec<VoiceLog> = call.tree.legs.iter().map(|l| l.log.clone()).collect();
    let answers: Vec<Answer> = futures::stream::iter(logs)
        .map(&ask_leg)
        .buffered(CONCURRENCY)
        .collect()
        .await;
    let why = explain(&inputs(&call, &answers));
    Ok(Explained { call, answers, why })
}

/// The legs of `call` with their answers, as [`explain`] takes them.
pub fn inputs<'a>(call: &'a Call, answers: &[Answer]) -> Vec<LegInput<'a>> {
    call.tree
        .legs
        .iter()
        .enumerate()
        .map(|(i, leg)| {
            let answer = answers.get(i);
            LegInput {
                log: &leg.log,
                ordinal: i + 1,
                compat: answer.map_or(Compat::Loading, |a| a.compat.clone()),
                events: call.timeline.as_ref().map(|t| counts(t, i)),
                recordings: answer.map(|a| a.recordings.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

/// How many of leg `i`'s events are warnings and errors.
pub fn counts(timeline: &call::Timeline, i: usize) -> (usize, usize) {
    use crate::api::events::Level;
    timeline
        .entries
        .iter()
        .filter(|e| e.leg == i)
        .fold((0, 0), |(w, e), entry| match entry.event.level.value() {
            Some(Level::Warn) => (w + 1, e),
            Some(Level::Error) => (w, e + 1),
            _ => (w, e),
        })
}
