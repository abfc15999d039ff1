//! The time words of a query, as tickets write them: `2h`, `3d`, `2026-11-24` (local
//! midnight), `today`, `yesterday`, `monday`, local date-times without a zone, bare times
//! (`12:00`, today), ranges of a day (`12:00..18:00`), RFC 3339, and durations like `30s`.

use chrono::{
    DateTime, Datelike as _, Duration, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
    Weekday,
};

use crate::clock::Clock;

/// The instant `value` names: `2h` (two hours before now); RFC 3339 as given; a local date
/// and time without a zone (`2026-12-05T12:00`, `2026-12-05 12:00`, `yesterday 12:00`); a bare
/// time (`12:00`, today); a day (`2026-11-24`, `today`, `yesterday`, `monday`) at its local
/// midnight.
pub(super) fn instant(value: &str, clock: &Clock) -> Option<DateTime<Utc>> {
    if let Some(ago) = relative(value) {
        return clock.now.checked_sub_signed(ago);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Some(t.with_timezone(&Utc));
    }
    if let Some(time) = time_of_day(value) {
        return local(today(clock).and_time(time), clock);
    }
    if let Some(date) = date(value, clock) {
        return midnight(date, clock);
    }
    let (day, time) = value.split_once([' ', 'T'])?;
    local(date(day, clock)?.and_time(time_of_day(time)?), clock)
}

/// The local day `value` names (`2026-11-24`, `today`, `yesterday`, or a weekday's name for
/// the last such day before today), as `[midnight, next midnight)`.
pub(super) fn day(value: &str, clock: &Clock) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let date = date(value, clock)?;
    let next = date.succ_opt()?;
    Some((midnight(date, clock)?, midnight(next, clock)?))
}

/// A date or a day word: `2026-11-24`, `today`, `yesterday`, `monday` (or `mon`): the last
/// Monday before today.
pub(super) fn date(value: &str, clock: &Clock) -> Option<NaiveDate> {
    let today = today(clock);
    match value.to_ascii_lowercase().as_str() {
        "today" => return Some(today),
        "yesterday" => return today.pred_opt(),
        word => {
            if let Some(weekday) = weekday(word) {
                let back = (today.weekday().num_days_from_monday() + 7
                    - weekday.num_days_from_monday())
                    % 7;
                let back = if back == 0 { 7 } else { back };
                return today.checked_sub_signed(Duration::days(i64::from(back)));
            }
        }
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()
}

/// Whether `value`, a bare word, is a day word (`today`, `yesterday`, a weekday's whole name;
/// `mon` alone is left as text).
pub(super) fn is_day_word(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    lower == "today" || lower == "yesterday" || (lower.len() > 3 && weekday(&lower).is_some())
}

fn weekday(word: &str) -> Option<Weekday> {
    let days = [
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ];
    days.iter()
        .find(|(name, _)| word == *name || (word.len() == 3 && name.starts_with(word)))
        .map(|(_, d)| *d)
}

/// `12:00` or `12:00:30` as a time of day.
pub(super) fn time_of_day(value: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(value, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(value, "%H:%M:%S"))
        .ok()
}

/// `12:00..18:00`: a span of the day, its end after its start.
pub(super) fn time_range(value: &str) -> Option<(NaiveTime, NaiveTime)> {
    let (start, end) = value.split_once("..")?;
    let (start, end) = (time_of_day(start)?, time_of_day(end)?);
    (start < end).then_some((start, end))
}

/// `time` of the local day `date`.
pub(super) fn at(date: NaiveDate, time: NaiveTime, clock: &Clock) -> Option<DateTime<Utc>> {
    local(date.and_time(time), clock)
}

/// Today in the clock's zone.
pub(super) fn today(clock: &Clock) -> NaiveDate {
    match clock.zone {
        Some(zone) => clock.now.with_timezone(&zone).date_naive(),
        None => clock.now.with_timezone(&Local).date_naive(),
    }
}

/// A local date and time in the clock's zone; a time skipped by a DST change is taken an hour
/// later.
fn local(t: NaiveDateTime, clock: &Clock) -> Option<DateTime<Utc>> {
    match clock.zone {
        Some(zone) => first_instant(&zone, t),
        None => first_instant(&Local, t),
    }
}

/// `date`'s first instant in the clock's zone. A midnight skipped by a DST change is taken as
/// the earliest local time of that day that exists, an hour later.
fn midnight(date: NaiveDate, clock: &Clock) -> Option<DateTime<Utc>> {
    local(date.and_hms_opt(0, 0, 0)?, clock)
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
    fn dates_as_tickets_write_them() {
        // 2026-11-25 15:00 UTC is 07:00 on Wednesday 25 November at UTC-8.
        let c = clock();
        let local =
            |d: u32, h: u32, m: u32| Utc.with_ymd_and_hms(2026, 11, d, h + 8, m, 0).unwrap();
        assert_eq!(instant("today", &c), Some(local(25, 0, 0)));
        assert_eq!(instant("yesterday", &c), Some(local(24, 0, 0)));
        assert_eq!(instant("12:00", &c), Some(local(25, 12, 0)));
        assert_eq!(instant("2026-11-24T12:00", &c), Some(local(24, 12, 0)));
        assert_eq!(instant("2026-11-24 12:30", &c), Some(local(24, 12, 30)));
        assert_eq!(instant("yesterday 09:15", &c), Some(local(24, 9, 15)));
        // The last Monday before today, and a Wednesday a week back (today is one).
        assert_eq!(instant("monday", &c), Some(local(23, 0, 0)));
        assert_eq!(instant("Mon", &c), Some(local(23, 0, 0)));
        assert_eq!(instant("wednesday", &c), Some(local(18, 0, 0)));
        assert_eq!(day("yesterday", &c).map(|d| d.0), Some(local(24, 0, 0)));
        assert_eq!(instant("12:61", &c), None);
        assert_eq!(instant("someday", &c), None);
        assert_eq!(
            time_range("12:00..18:00"),
            Some((
                NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
                NaiveTime::from_hms_opt(18, 0, 0).unwrap()
            ))
        );
        assert_eq!(time_range("18:00..12:00"), None);
        assert!(is_day_word("Yesterday") && is_day_word("friday"));
        assert!(!is_day_word("yes") && !is_day_word("sun"));
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
