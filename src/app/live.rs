//! Live calls: while the shown record's status is not final, it is fetched again every few
//! seconds (backing off on failures), until the status is final or the user turns it off. A
//! record whose status stayed non-final far longer than any call lasts (a video leg still
//! `joined` from yesterday) is not live but stale: it is not refreshed by itself.

use std::time::{Duration, Instant};

/// How long past its start (and its duration so far) a non-final call is still believed live.
pub const DEFAULT_MAX_AGE: Duration = crate::config::defaults::LIVE_MAX_AGE;

/// The longest wait between refreshes after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// The live-refresh schedule of the shown record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Live {
    /// Whether refreshing is on (the `l` key toggles it).
    pub enabled: bool,
    /// The time between refreshes when all is well; zero turns live refresh off.
    pub interval: Duration,
    /// When the next refresh is due, while the shown record is live.
    pub next: Option<Instant>,
    /// Refreshes that failed in a row.
    pub failures: u32,
    /// How long after its start plus its duration so far a non-final call is refreshed.
    pub max_age: Duration,
}

impl Live {
    /// A schedule refreshing every `interval`.
    pub fn new(interval: Duration) -> Self {
        Self {
            enabled: !interval.is_zero(),
            interval,
            next: None,
            failures: 0,
            max_age: DEFAULT_MAX_AGE,
        }
    }

    /// After a record was shown or refreshed: schedule the next refresh if it is still live.
    pub fn after_success(&mut self, still_live: bool, now: Instant) {
        self.failures = 0;
        self.next = (still_live && self.enabled).then(|| now + self.interval);
    }

    /// After a refresh failed: try again later, waiting longer each time.
    pub fn after_failure(&mut self, now: Instant) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let wait = self
            .interval
            .saturating_mul(1 << self.failures.min(6))
            .min(MAX_BACKOFF);
        self.next = self.enabled.then(|| now + wait);
        wait
    }

    /// Stops refreshing (another record is shown).
    pub fn stop(&mut self) {
        self.next = None;
        self.failures = 0;
    }

    /// Whether a refresh is due at `now`.
    pub fn due(&self, now: Instant) -> bool {
        self.enabled && self.next.is_some_and(|t| t <= now)
    }
}

/// Whether a status word is not final: the call may still change.
pub fn is_live_status(status: &str) -> bool {
    matches!(
        status,
        "queued"
            | "initiated"
            | "ringing"
            | "in-progress"
            | "created"
            | "answered"
            | "joined"
            | "ending"
    )
}

/// How long a non-final call has been going when that is past the bound: it started at
/// `created_at`, has lasted `duration_so_far` by its own account, and may go on `max_age`
/// beyond that. `None` while it can still be live (or its start is unknown).
pub fn stale_for(
    created_at: Option<chrono::DateTime<chrono::Utc>>,
    duration_so_far: Duration,
    now: chrono::DateTime<chrono::Utc>,
    max_age: Duration,
) -> Option<chrono::Duration> {
    let age = now.signed_duration_since(created_at?);
    let bound = chrono::Duration::from_std(duration_so_far.saturating_add(max_age)).ok()?;
    (age > bound).then_some(age)
}

/// A span of time in the words the status uses: "1d 3h", "7h 05m", "12m".
pub fn span_words(d: chrono::Duration) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {mins:02}m")
    } else {
        format!("{mins}m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_only_live_records() {
        let now = Instant::now();
        let mut live = Live::new(Duration::from_secs(5));
        live.after_success(true, now);
        assert_eq!(live.next, Some(now + Duration::from_secs(5)));
        assert!(!live.due(now));
        assert!(live.due(now + Duration::from_secs(5)));
        live.after_success(false, now);
        assert_eq!(live.next, None);
    }

    #[test]
    fn failures_back_off_up_to_a_minute() {
        let now = Instant::now();
        let mut live = Live::new(Duration::from_secs(5));
        assert_eq!(live.after_failure(now), Duration::from_secs(10));
        assert_eq!(live.after_failure(now), Duration::from_secs(20));
        for _ in 0..10 {
            live.after_failure(now);
        }
        assert_eq!(live.after_failure(now), MAX_BACKOFF);
        live.after_success(true, now);
        assert_eq!(live.failures, 0);
    }

    #[test]
    fn zero_interval_or_off_never_refreshes() {
        let now = Instant::now();
        let mut off = Live::new(Duration::ZERO);
        off.after_success(true, now);
        assert!(!off.due(now + Duration::from_secs(3600)));
        let mut toggled = Live::new(Duration::from_secs(1));
        toggled.enabled = false;
        toggled.after_success(true, now);
        assert!(!toggled.due(now + Duration::from_secs(3600)));
    }

    #[test]
    fn a_call_is_stale_past_its_duration_plus_the_bound() {
        use chrono::TimeZone;
        let start = chrono::Utc
            .with_ymd_and_hms(2026, 11, 24, 16, 0, 0)
            .unwrap();
        let at = |h: i64, m: i64| start + chrono::Duration::hours(h) + chrono::Duration::minutes(m);
        let six = DEFAULT_MAX_AGE;
        assert_eq!(stale_for(Some(start), Duration::ZERO, at(5, 59), six), None);
        assert_eq!(
            stale_for(Some(start), Duration::ZERO, at(27, 0), six),
            Some(chrono::Duration::hours(27))
        );
        // Its own duration counts: a call that says it has lasted 3h is live until 9h.
        let three = Duration::from_secs(3 * 3600);
        assert_eq!(stale_for(Some(start), three, at(8, 59), six), None);
        assert!(stale_for(Some(start), three, at(9, 1), six).is_some());
        assert_eq!(stale_for(None, Duration::ZERO, at(100, 0), six), None);
        assert_eq!(span_words(chrono::Duration::hours(27)), "1d 3h");
        assert_eq!(span_words(chrono::Duration::minutes(425)), "7h 05m");
        assert_eq!(span_words(chrono::Duration::minutes(12)), "12m");
    }

    #[test]
    fn final_and_live_statuses() {
        for s in [
            "queued",
            "ringing",
            "in-progress",
            "answered",
            "joined",
            "ending",
            "created",
            "initiated",
        ] {
            assert!(is_live_status(s), "{s}");
        }
        for s in [
            "completed",
            "ended",
            "failed",
            "busy",
            "no-answer",
            "canceled",
            "",
        ] {
            assert!(!is_live_status(s), "{s}");
        }
    }
}
