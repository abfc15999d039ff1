//! What time it is and in which zone ([`Clock`], so that tests can pin both), and times and
//! ages in words. A base module: it imports nothing of swlog's.

use chrono::{DateTime, FixedOffset, Local, Utc};

/// How "now" and the local zone are known to the presenter, so that tests can pin them.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// The current instant.
    pub now: DateTime<Utc>,
    /// The user's zone; `None` reads the system's local zone.
    pub zone: Option<FixedOffset>,
}

impl Clock {
    /// The real clock in the system's zone.
    pub fn system() -> Self {
        Self {
            now: Utc::now(),
            zone: None,
        }
    }

    /// A fixed clock in UTC, for tests and snapshots.
    pub fn fixed(now: DateTime<Utc>) -> Self {
        Self {
            now,
            zone: FixedOffset::east_opt(0),
        }
    }

    /// `2024-05-06 14:20:00 +02:00` in the user's zone.
    pub fn local(&self, t: DateTime<Utc>) -> String {
        match self.zone {
            Some(z) => t
                .with_timezone(&z)
                .format("%Y-%m-%d %H:%M:%S %:z")
                .to_string(),
            None => t
                .with_timezone(&Local)
                .format("%Y-%m-%d %H:%M:%S %:z")
                .to_string(),
        }
    }

    /// `t` in the user's zone and in UTC, or once, in UTC, when the two agree at `t` (a zone
    /// can be UTC in winter only), because the same time said twice reads as two facts.
    pub fn local_and_utc(&self, t: DateTime<Utc>) -> String {
        let offset = match self.zone {
            Some(z) => z.local_minus_utc(),
            None => t.with_timezone(&Local).offset().local_minus_utc(),
        };
        if offset == 0 {
            utc(t)
        } else {
            format!("{} · {}", self.local(t), utc(t))
        }
    }

    /// `3h ago`, `in 5m` or `just now`.
    pub fn age(&self, t: DateTime<Utc>) -> String {
        age_between(t, self.now)
    }
}

/// `2024-05-06 12:20:00 UTC`.
pub fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// The age of `t` seen from `now`, in its largest unit.
pub fn age_between(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - t).num_seconds();
    let (future, secs) = (secs < 0, secs.unsigned_abs());
    let amount = match secs {
        0..=9 => return "just now".to_owned(),
        10..=59 => format!("{secs}s"),
        60..=3_599 => format!("{}m", secs / 60),
        3_600..=86_399 => format!("{}h", secs / 3_600),
        86_400..=2_591_999 => format!("{}d", secs / 86_400),
        2_592_000..=31_535_999 => format!("{}mo", secs / 2_592_000),
        _ => format!("{}y", secs / 31_536_000),
    };
    if future {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ages() {
        let now = Utc
            .with_ymd_and_hms(2024, 5, 6, 15, 20, 0)
            .single()
            .unwrap();
        let at = |h, m, s| Utc.with_ymd_and_hms(2024, 5, 6, h, m, s).single().unwrap();
        assert_eq!(age_between(at(12, 20, 0), now), "3h ago");
        assert_eq!(age_between(at(15, 19, 55), now), "just now");
        assert_eq!(age_between(at(15, 19, 30), now), "30s ago");
        assert_eq!(age_between(at(15, 25, 0), now), "in 5m");
        assert_eq!(age_between(now - chrono::Duration::days(3), now), "3d ago");
        assert_eq!(
            age_between(now - chrono::Duration::days(400), now),
            "1y ago"
        );
    }

    #[test]
    fn local_and_utc_times() {
        let t = Utc
            .with_ymd_and_hms(2024, 5, 6, 12, 20, 0)
            .single()
            .unwrap();
        let clock = Clock {
            now: t,
            zone: FixedOffset::east_opt(2 * 3600),
        };
        assert_eq!(clock.local(t), "2024-05-06 14:20:00 +02:00");
        assert_eq!(utc(t), "2024-05-06 12:20:00 UTC");
        assert_eq!(
            clock.local_and_utc(t),
            "2024-05-06 14:20:00 +02:00 · 2024-05-06 12:20:00 UTC"
        );
        let utc_clock = Clock::fixed(t);
        assert_eq!(utc_clock.local_and_utc(t), "2024-05-06 12:20:00 UTC");
    }
}
