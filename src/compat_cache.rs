//! What the Compatibility API said of a LaML leg, kept on disk beside the logs (the index's
//! file) so that a revisit — in another inspector session, or `swlog why` run again — needs no
//! request. A kept answer is used as it is once the call can no longer change (a final status,
//! read at least the settle time after the call ended); before that it is shown while it is
//! asked again, as a log's cached body is. Only whole answers are kept (the record found, every
//! recordings page read); the credentials never reach the file (the index keeps scope by
//! origin and project, and strips any password from a URL).

use chrono::{DateTime, TimeDelta, Utc};

use crate::api::compat::{CompatCall, Recording};
use crate::api::{Client, VoiceLog};
use crate::index::{DEFAULT_SETTLE, KeptCompat, Scope, is_final};
use crate::search::{IndexHandle, scope_of};
use crate::why::Compat;
use crate::why::load::{self, Answer};

/// The kept answers of one session: on the index, or off (`cache = false`, `--no-cache`, no
/// index). Clones share the index.
#[derive(Debug, Clone)]
pub struct CompatCache {
    index: IndexHandle,
    on: bool,
    settle: TimeDelta,
}

/// A kept answer and whether it can still change.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    /// The answer as it was read.
    pub answer: Answer,
    /// When it was read.
    pub fetched_at: DateTime<Utc>,
    /// Whether the call is over and was read after its settle time: nothing more to learn.
    pub settled: bool,
}

impl CompatCache {
    /// Answers kept in `index` when `on`.
    pub fn new(index: IndexHandle, on: bool) -> Self {
        Self {
            on: on && index.is_on(),
            index,
            settle: DEFAULT_SETTLE,
        }
    }

    /// Nothing kept: every answer is asked for.
    pub fn off() -> Self {
        Self::new(IndexHandle::off(), false)
    }

    /// The same with another settle time (see [`DEFAULT_SETTLE`]).
    pub fn with_settle(mut self, settle: TimeDelta) -> Self {
        self.settle = settle;
        self
    }

    /// The answer kept for `log`'s leg in `client`'s space, if any.
    pub async fn kept(&self, client: &Client, log: &VoiceLog) -> Option<Kept> {
        let (scope, sid) = self.key(client, log)?;
        let kept = self.index.run(move |ix| ix.compat(&scope, &sid)).await??;
        let call = CompatCall::from_object(kept.record);
        let settled = settled(&call, kept.fetched_at, self.settle);
        let url = log.url.value().and_then(serde_json::Value::as_str);
        let notice = log
            .id
            .get()
            .and_then(|sid| client.compat_target(sid, url).notice);
        let answer = Answer {
            compat: Compat::Found(Box::new(call)),
            notice,
            recordings: kept
                .recordings
                .into_iter()
                .filter_map(Recording::from_object)
                .collect(),
            ..Answer::not_asked()
        };
        Some(Kept {
            answer,
            fetched_at: kept.fetched_at,
            settled,
        })
    }

    /// Keeps `answer` for `log`'s leg when it is whole: the record found and every recordings
    /// page read, nothing failed.
    pub async fn keep(&self, client: &Client, log: &VoiceLog, answer: &Answer) {
        let Compat::Found(call) = &answer.compat else {
            return;
        };
        if !answer.failures.is_empty() || answer.recordings_note.is_some() {
            return;
        }
        let Some((scope, sid)) = self.key(client, log) else {
            return;
        };
        let kept = KeptCompat {
            record: call.raw.clone(),
            recordings: answer.recordings.iter().map(|r| r.raw.clone()).collect(),
            fetched_at: Utc::now(),
        };
        self.index
            .run(move |ix| ix.record_compat(&scope, &sid, &kept))
            .await;
    }

    /// What the Compatibility API says of `log`'s leg: the kept answer when it can no longer
    /// change, else asked (and kept when whole).
    pub async fn ask(&self, client: &Client, log: &VoiceLog) -> Answer {
        if let Some(kept) = self.kept(client, log).await
            && kept.settled
        {
            return kept.answer;
        }
        self.ask_again(client, log).await
    }

    /// Asks about `log`'s leg whatever is kept, and keeps the answer when it is whole.
    pub async fn ask_again(&self, client: &Client, log: &VoiceLog) -> Answer {
        let answer = load::ask(client, log).await;
        self.keep(client, log, &answer).await;
        answer
    }

    /// Where `log`'s answer is kept: a LaML leg with an ID, in a space the index can key.
    fn key(&self, client: &Client, log: &VoiceLog) -> Option<(Scope, String)> {
        if !self.on || !load::is_laml(log) {
            return None;
        }
        let sid = log.id.get()?;
        Some((scope_of(client)?, sid.to_string()))
    }
}

/// Whether a record read at `fetched_at` can no longer change: its status is final and it was
/// read `settle` or more after the call ended (its end, or its start plus its duration).
pub fn settled(call: &CompatCall, fetched_at: DateTime<Utc>, settle: TimeDelta) -> bool {
    let end = call.end_time.or_else(|| {
        let start = call.start_time?;
        Some(start + TimeDelta::seconds(call.duration_s?))
    });
    is_final(call.status.as_deref()) && end.is_some_and(|end| fetched_at >= end + settle)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn call(v: serde_json::Value) -> CompatCall {
        match v {
            serde_json::Value::Object(o) => CompatCall::from_object(o),
            _ => CompatCall::default(),
        }
    }

    #[test]
    fn only_a_final_call_read_after_its_settle_time_is_settled() {
        let end = "Sat, 05 Dec 2026 12:00:00 +0000";
        let ended = DateTime::parse_from_rfc2822(end).unwrap().to_utc();
        let settle = TimeDelta::minutes(10);
        let done = call(json!({"status": "completed", "end_time": end}));
        assert!(settled(&done, ended + TimeDelta::minutes(11), settle));
        assert!(
            !settled(&done, ended + TimeDelta::minutes(2), settle),
            "too soon"
        );
        let live = call(json!({"status": "in-progress", "end_time": end}));
        assert!(!settled(&live, ended + TimeDelta::days(1), settle), "live");
        let no_end = call(json!({"status": "busy"}));
        assert!(
            !settled(&no_end, ended + TimeDelta::days(1), settle),
            "no end"
        );
        let by_duration = call(json!({"status": "busy", "start_time": end, "duration": 60}));
        assert!(settled(
            &by_duration,
            ended + TimeDelta::minutes(11),
            settle
        ));
        assert!(!settled(
            &by_duration,
            ended + TimeDelta::minutes(10),
            settle
        ));
    }
}
