//! Derived values in words: durations, money, times and ages.

use chrono::{DateTime, FixedOffset, Local, Utc};

/// `125340` ms → `2m 05.340s`; `5209` → `5.209s`; `3725000` → `1h 02m 05.000s`.
pub fn duration_ms(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.unsigned_abs();
    let (h, rem) = (ms / 3_600_000, ms % 3_600_000);
    let (m, rem) = (rem / 60_000, rem % 60_000);
    let (s, milli) = (rem / 1000, rem % 1000);
    if h > 0 {
        format!("{sign}{h}h {m:02}m {s:02}.{milli:03}s")
    } else if m > 0 {
        format!("{sign}{m}m {s:02}.{milli:03}s")
    } else {
        format!("{sign}{s}.{milli:03}s")
    }
}

/// An offset into a timeline: `+00.000s`, `+12.340s`, `+1m 05.000s`; seconds get two digits
/// under a minute so that a column of offsets lines up.
pub fn offset_ms(ms: i64) -> String {
    match ms {
        0..60_000 => format!("+{:02}.{:03}s", ms / 1000, ms % 1000),
        60_000.. => format!("+{}", duration_ms(ms)),
        _ => duration_ms(ms),
    }
}

/// `99800` as `99,800`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Dollars with at least two and at most six decimals: `$0.01`, `$0.0125`, `$0.00375`.
pub fn money(amount: f64) -> String {
    let mut s = format!("{:.6}", amount.abs());
    while s.ends_with('0') && s.len() - s.find('.').unwrap_or(s.len()) > 3 {
        s.pop();
    }
    let sign = if amount < 0.0 && s.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        "-"
    } else {
        ""
    };
    format!("{sign}${s}")
}

/// A signed difference in dollars: `+$0.02` or `-$0.005`.
pub fn money_delta(amount: f64) -> String {
    if amount >= 0.0 {
        format!("+{}", money(amount))
    } else {
        money(amount)
    }
}

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
    fn durations() {
        assert_eq!(duration_ms(125_340), "2m 05.340s");
        assert_eq!(duration_ms(5_209), "5.209s");
        assert_eq!(duration_ms(0), "0.000s");
        assert_eq!(duration_ms(60_000), "1m 00.000s");
        assert_eq!(duration_ms(3_725_000), "1h 02m 05.000s");
        assert_eq!(duration_ms(-1_500), "-1.500s");
        assert_eq!(duration_ms(i64::MIN).chars().next(), Some('-'));
    }

    #[test]
    fn offsets() {
        assert_eq!(offset_ms(0), "+00.000s");
        assert_eq!(offset_ms(12_340), "+12.340s");
        assert_eq!(offset_ms(59_999), "+59.999s");
        assert_eq!(offset_ms(65_000), "+1m 05.000s");
        assert_eq!(offset_ms(3_725_000), "+1h 02m 05.000s");
        assert_eq!(offset_ms(-1_500), "-1.500s");
    }

    #[test]
    fn money_amounts() {
        assert_eq!(money(0.01), "$0.01");
        assert_eq!(money(0.0125), "$0.0125");
        assert_eq!(money(0.00375), "$0.00375");
        assert_eq!(money(0.0), "$0.00");
        assert_eq!(money(12.5), "$12.50");
        assert_eq!(money(-0.02), "-$0.02");
        assert_eq!(money_delta(0.02), "+$0.02");
        assert_eq!(money_delta(-0.005), "-$0.005");
    }

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
