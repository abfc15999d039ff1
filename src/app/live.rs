//! Live calls: while the shown record's status is not final, it is fetched again every few
//! seconds (backing off on failures), until the status is final or the user turns it off.

use std::time::{Duration, Instant};

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
}

impl Live {
    /// A schedule refreshing every `interval`.
    pub fn new(interval: Duration) -> Self {
        Self {
            enabled: !interval.is_zero(),
            interval,
            next: None,
            failures: 0,
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
