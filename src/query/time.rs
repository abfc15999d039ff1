//! The time words of a query: `2h`, `3d`, `2026-11-24` (local midnight), RFC 3339, and
//! durations like `30s`.

use chrono::{DateTime, Duration, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::clock::Clock;

/// `2h` → two hours before `now`; a date → that day's local midnight; RFC 3339 as given.
pub(super) fn instant(value: &str, clock: &Clock) -> Option<DateTime<Utc>> {
    if let Some(ago) = relative(value) {
        return clock.now.checked_sub_signed(ago);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Some(t.with_timezone(&Utc));
    }
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?;
    midnight(date, clock)
}

/// The local day `value` names, as `[midnight, next midnight)`.
pub(super) fn day(value: &str, clock: &Clock) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?;
    let next = date.succ_opt()?;
    Some((midnight(date, clock)?, midnight(next, clock)?))
}

/// `date`'s first instant in the clock's zone. A midnight skipped by a DST change is taken as
/// the earliest local time of that day that exists, an hour later.
fn midnight(date: NaiveDate, clock: &Clock) -> Option<DateTime<Utc>> {
    let local = date.and_hms_opt(0, 0, 0)?;
    match clock.zone {
        Some(zone) => first_instant(&zone, local),
        None => first_instant(&Local, local),
    }
}

fn first_instant<Tz: TimeZone>(zone: &Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    zone.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
}

/// `90m`, `2h`, `3d`, `1w` as a span of time.
/// Whether `value` is a time counted back from now (`2h`), not a date or an instant.
pub(super) fn is_relative(value: &str) -> bool {
    relative(value).is_some()
}

fn relative(value: &str) -> Option<Duration> {
    let unit = value.chars().last()?;
    let n: i64 = value.get(..value.len() - unit.len_utf8())?.parse().ok()?;
    if n < 0 {
        return None;
    }
    match unit {
        'm' => Duration::try_minutes(n),
        'h' => Duration::try_hours(n),
        'd' => Duration::try_days(n),
        'w' => Duration::try_weeks(n),
        _ => None,
    }
}

/// `30s`, `2m`, `1h` or a bare number of seconds, in milliseconds.
pub(super) fn duration_ms(value: &str) -> Option<i64> {
    let (number, scale) = match value.chars().last()? {
        's' => (&value[..value.len() - 1], 1_000),
        'm' => (&value[..value.len() - 1], 60_000),
        'h' => (&value[..value.len() - 1], 3_600_000),
        _ => (value, 1_000),
    };
    let n: i64 = number.parse().ok()?;
    if n < 0 {
        return None;
    }
    n.checked_mul(scale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn clock() -> Clock {
        Clock {
            now: Utc.with_ymd_and_hms(2026, 11, 25, 15, 0, 0).unwrap(),
            zone: FixedOffset::west_opt(8 * 3600),
        }
    }

    #[test]
    fn relative_times_count_back_from_now() {
        let c = clock();
        assert_eq!(instant("2h", &c), Some(c.now - Duration::hours(2)));
        assert_eq!(instant("90m", &c), Some(c.now - Duration::minutes(90)));
        assert_eq!(instant("1w", &c), Some(c.now - Duration::days(7)));
        assert_eq!(instant("2x", &c), None);
        assert_eq!(instant("-2h", &c), None);
        assert_eq!(instant("h", &c), None);
        assert_eq!(instant("99999999999999w", &c), None);
    }

    #[test]
    fn a_date_is_local_midnight_and_rfc3339_is_exact() {
        let c = clock();
        assert_eq!(
            instant("2026-11-24", &c),
            Some(Utc.with_ymd_and_hms(2026, 11, 24, 8, 0, 0).unwrap())
        );
        assert_eq!(
            instant("2026-11-24T10:00:00+01:00", &c),
            Some(Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap())
        );
        let (start, end) = day("2026-11-24", &c).unwrap();
        assert_eq!(end - start, Duration::days(1));
        assert_eq!(day("2026-13-01", &c), None);
    }

    #[test]
    fn durations() {
        assert_eq!(duration_ms("30s"), Some(30_000));
        assert_eq!(duration_ms("2m"), Some(120_000));
        assert_eq!(duration_ms("45"), Some(45_000));
        assert_eq!(duration_ms("1h"), Some(3_600_000));
        assert_eq!(duration_ms("x"), None);
        assert_eq!(duration_ms("é"), None);
        assert_eq!(duration_ms("-3s"), None);
    }
}
