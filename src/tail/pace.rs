//! How often the tail asks: a token bucket that keeps requests to one a second on average
//! whatever the poll interval, the wait after a failure (and whether to ask again at all), and
//! the dates a poll must read.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use tokio::time::Instant;

use crate::api::error::ErrorClass;
use crate::api::list::ListError;

/// Requests at most `burst` at once, then one every `every` on average.
#[derive(Debug)]
pub(super) struct Bucket {
    tokens: f64,
    burst: f64,
    every: Duration,
    last: Instant,
}

impl Bucket {
    /// A bucket holding one request, refilled one every `every`, holding at most `burst`.
    pub fn new(every: Duration, burst: u32) -> Self {
        Self {
            tokens: 1.0,
            burst: f64::from(burst.max(1)),
            every,
            last: Instant::now(),
        }
    }

    fn refill(&mut self, now: Instant) {
        if self.every.is_zero() {
            self.tokens = self.burst;
        } else {
            let gained = now.duration_since(self.last).as_secs_f64() / self.every.as_secs_f64();
            self.tokens = (self.tokens + gained).min(self.burst);
        }
        self.last = now;
    }

    /// How long until a request may be made (zero: now).
    pub fn wait(&mut self) -> Duration {
        self.refill(Instant::now());
        if self.tokens >= 1.0 {
            Duration::ZERO
        } else {
            self.every.mul_f64(1.0 - self.tokens)
        }
    }

    /// Takes one request's token, waiting for it first.
    pub async fn take(&mut self) {
        let wait = self.wait();
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
            self.refill(Instant::now());
        }
        self.tokens -= 1.0;
    }
}

/// The wait after `failures` failed polls in a row: `first`, doubled each time, at most `max`;
/// a server's `Retry-After` is what it asked for (never less than `first`).
pub(super) fn backoff(
    failures: u32,
    first: Duration,
    max: Duration,
    asked: Option<Duration>,
) -> Duration {
    match asked {
        Some(a) => a.max(first),
        None => first
            .saturating_mul(1 << failures.saturating_sub(1).min(16))
            .min(max),
    }
}

/// The UTC dates a poll reads, newest first: from the date of `horizon` (the oldest row still
/// wanted, at most `now`) to `now`'s. Just after midnight UTC that is two: the newest rows are on
/// the new date while the rows last seen are on the old one.
pub(super) fn dates(
    horizon: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    max: usize,
) -> Vec<NaiveDate> {
    let today = now.date_naive();
    let first = horizon.map_or(today, |h| h.min(now).date_naive());
    let mut out = Vec::new();
    let mut d = today;
    while d >= first && out.len() < max.max(1) {
        out.push(d);
        match d.pred_opt() {
            Some(p) => d = p,
            None => break,
        }
    }
    out
}

/// Whether asking again cannot mend `error`: refused credentials, a request the API refuses,
/// or a list that is not there. Everything else (the network, 5xx, 429, a broken page) may pass.
pub fn is_lasting(error: &ListError) -> bool {
    match error {
        ListError::Api(e) => e.class() != ErrorClass::Remote,
        ListError::NoList { .. } => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32, s: u32, day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, h, m, s).unwrap()
    }

    #[test]
    fn a_poll_reads_today_and_yesterday_across_midnight_utc() {
        let now = at(0, 0, 3, 6);
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            dates(Some(at(23, 59, 58, 5)), now, 3),
            [d("2026-12-06"), d("2026-12-05")]
        );
        assert_eq!(dates(Some(at(0, 0, 1, 6)), now, 3), [d("2026-12-06")]);
        assert_eq!(dates(None, now, 3), [d("2026-12-06")]);
        let future = at(12, 0, 0, 9);
        assert_eq!(
            dates(Some(future), now, 3),
            [d("2026-12-06")],
            "a row from the future"
        );
        assert_eq!(dates(Some(at(1, 0, 0, 1)), now, 3).len(), 3, "bounded");
    }

    #[test]
    fn backoff_doubles_to_a_cap_and_honours_retry_after() {
        let s = Duration::from_secs;
        assert_eq!(backoff(1, s(2), s(60), None), s(2));
        assert_eq!(backoff(2, s(2), s(60), None), s(4));
        assert_eq!(backoff(9, s(2), s(60), None), s(60));
        assert_eq!(
            backoff(1, s(2), s(60), Some(s(7))),
            s(7),
            "Retry-After wins"
        );
        assert_eq!(
            backoff(3, s(2), s(60), Some(s(1))),
            s(2),
            "but never below the first"
        );
    }

    #[test]
    fn the_bucket_holds_one_request_then_refills_one_per_interval() {
        let mut b = Bucket::new(Duration::from_secs(1), 2);
        assert_eq!(b.wait(), Duration::ZERO);
        b.tokens -= 1.0;
        let wait = b.wait();
        assert!(
            wait > Duration::from_millis(900) && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
    }
}
