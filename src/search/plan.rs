//! The fetches a window needs, planned without I/O: each hole of the index's coverage becomes
//! one or more list streams, newest first, shaped by what the server is known to narrow by.

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};

use crate::api::list::Bound;
use crate::index::Window;

/// How finely the server's list narrows by time, as learnt from its answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFilter {
    /// Not known yet: read by `created_on` dates (documented), then probe once.
    Unknown,
    /// Dates only, read as UTC days: one `created_on` stream per date.
    Dates,
    /// Dates, but not UTC days (rows of another day came back): one stream a hole, its dates
    /// widened so that any time zone's days hold the whole hole.
    WideDates,
    /// Full timestamps narrow to the instant: a hole is read in pieces, side by side.
    Timestamps,
}

impl TimeFilter {
    /// As remembered in the index.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeFilter::Unknown => "unknown",
            TimeFilter::Dates => "dates",
            TimeFilter::WideDates => "wide-dates",
            TimeFilter::Timestamps => "timestamps",
        }
    }

    /// From the index; anything else is [`TimeFilter::Unknown`].
    pub fn parse(s: &str) -> Self {
        match s {
            "dates" => TimeFilter::Dates,
            "wide-dates" => TimeFilter::WideDates,
            "timestamps" => TimeFilter::Timestamps,
            _ => TimeFilter::Unknown,
        }
    }
}

/// The shortest piece a hole is cut into when timestamps narrow: shorter ones cost a request
/// each for little.
pub const MIN_PIECE: TimeDelta = TimeDelta::hours(1);

/// One list stream: the part of the window it answers for, and the bounds it is asked with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    /// The part of the holes the stream is for: it reads until past `window.from`.
    pub window: Window,
    /// What the stream has read completely once past `window.from`: its window, and for a
    /// stream of a date (which starts at the date's newest row) the rest of that date too.
    pub extent: Window,
    /// `created_after`.
    pub after: Option<Bound>,
    /// `created_before`.
    pub before: Option<Bound>,
    /// `created_on`.
    pub on: Option<NaiveDate>,
}

impl Job {
    /// Whether a row dated `t` may come from this stream as the server reads its bounds: a
    /// `created_on` stream sends only rows of that UTC day.
    pub fn expects(&self, t: DateTime<Utc>) -> bool {
        self.on.is_none_or(|d| t.date_naive() == d)
    }
}

/// How many rows a day a space must log for a date's stream of its own to pay: below it, a
/// page holds more than a day, and one stream over the hole reads it in fewer requests.
pub const BUSY_DAY: f64 = 500.0;
/// The most dates read as streams of their own while the space's rate is not known yet (a
/// week's window touches eight).
pub const MAX_DATE_STREAMS: usize = 8;

/// The jobs for `holes` (oldest first, as the index gives them), newest first. `now` is when
/// the plan is made: a piece reaching it is asked without an end, so that the newest rows come.
/// `rows_per_day` is the space's rate as last measured, when known.
pub fn jobs(
    holes: &[Window],
    filter: TimeFilter,
    streams: usize,
    now: DateTime<Utc>,
    rows_per_day: Option<f64>,
) -> Vec<Job> {
    let mut out = Vec::new();
    for hole in holes.iter().rev() {
        if hole.from >= hole.to {
            continue;
        }
        let dates = (hole.to.date_naive() - hole.from.date_naive()).num_days() + 1;
        let quiet = match rows_per_day {
            Some(rate) => rate < BUSY_DAY,
            None => dates > MAX_DATE_STREAMS as i64,
        };
        match filter {
            TimeFilter::Unknown | TimeFilter::Dates if quiet && dates > 1 => {
                out.push(one_stream(*hole, now, 1));
            }
            TimeFilter::Unknown | TimeFilter::Dates => by_date(*hole, now, &mut out),
            TimeFilter::WideDates => out.push(one_stream(*hole, now, 2)),
            TimeFilter::Timestamps => by_piece(*hole, streams, now, &mut out),
        }
    }
    out
}

/// One `created_on` stream per UTC date the hole touches, newest first.
fn by_date(hole: Window, now: DateTime<Utc>, out: &mut Vec<Job>) {
    let mut day = hole.to.date_naive();
    loop {
        let start = midnight(day);
        let from = start.max(hole.from);
        let to = midnight(day.succ_opt().unwrap_or(day)).min(hole.to);
        if from < to {
            let top = midnight(day.succ_opt().unwrap_or(day)).min(now).max(to);
            out.push(Job {
                window: Window::new(from, to),
                extent: Window::new(from, top),
                after: None,
                before: None,
                on: Some(day),
            });
        }
        if start <= hole.from {
            break;
        }
        match day.pred_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
}

/// One stream for the whole hole, asked by UTC dates `days` wider each side (the server's
/// inclusivity is not documented: one day; its days may not be UTC days: two).
fn one_stream(hole: Window, now: DateTime<Utc>, days: u64) -> Job {
    let wider = Days::new(days);
    Job {
        window: hole,
        extent: hole,
        after: hole
            .from
            .date_naive()
            .checked_sub_days(wider)
            .map(Bound::Date),
        before: if hole.to >= now {
            None
        } else {
            hole.to
                .date_naive()
                .checked_add_days(wider)
                .map(Bound::Date)
        },
        on: None,
    }
}

/// The hole in up to `streams` pieces of at least [`MIN_PIECE`], newest first, each asked a
/// second wider than it is (the server's inclusivity is not documented).
fn by_piece(hole: Window, streams: usize, now: DateTime<Utc>, out: &mut Vec<Job>) {
    let length = hole.to - hole.from;
    let (ms, piece) = (length.num_milliseconds(), MIN_PIECE.num_milliseconds());
    let wanted = ms / piece + i64::from(ms % piece != 0);
    let pieces = wanted.clamp(1, streams.max(1) as i64);
    let step = TimeDelta::milliseconds(length.num_milliseconds() / pieces);
    let second = TimeDelta::seconds(1);
    for i in (0..pieces).rev() {
        let from = hole.from + step * i as i32;
        let to = if i == pieces - 1 {
            hole.to
        } else {
            hole.from + step * (i as i32 + 1)
        };
        out.push(Job {
            window: Window::new(from, to),
            extent: Window::new(from, to),
            after: from
                .checked_sub_signed(second)
                .map(|t| Bound::Time(floor(t))),
            before: if to >= now {
                None
            } else {
                to.checked_add_signed(second).map(|t| Bound::Time(floor(t)))
            },
            on: None,
        });
    }
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// `t` to the whole second below (timestamps are sent in seconds).
fn floor(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_hole_over_three_dates_is_one_created_on_stream_per_date_newest_first() {
        let hole = Window::new(at("2026-12-03T20:00:00Z"), at("2026-12-05T06:30:00Z"));
        let now = at("2026-12-05T06:30:00Z");
        let jobs = jobs(&[hole], TimeFilter::Dates, 4, now, None);
        let shape: Vec<_> = jobs
            .iter()
            .map(|j| (j.on, j.window.from, j.window.to))
            .collect();
        assert_eq!(
            shape,
            [
                (Some(day("2026-12-05")), at("2026-12-05T00:00:00Z"), now),
                (
                    Some(day("2026-12-04")),
                    at("2026-12-04T00:00:00Z"),
                    at("2026-12-05T00:00:00Z")
                ),
                (
                    Some(day("2026-12-03")),
                    at("2026-12-03T20:00:00Z"),
                    at("2026-12-04T00:00:00Z")
                ),
            ]
        );
        assert!(jobs.iter().all(|j| j.after.is_none() && j.before.is_none()));
        assert_eq!(jobs[0].extent, jobs[0].window);
        assert!(jobs[2].expects(at("2026-12-03T23:59:59Z")));
        assert!(
            !jobs[2].expects(at("2026-12-04T00:00:00Z")),
            "another UTC day"
        );
    }

    #[test]
    fn a_hole_ending_at_midnight_asks_nothing_of_the_next_day() {
        let hole = Window::new(at("2026-12-04T10:00:00Z"), at("2026-12-05T00:00:00Z"));
        let jobs = jobs(
            &[hole],
            TimeFilter::Unknown,
            4,
            at("2026-12-06T00:00:00Z"),
            None,
        );
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].on, Some(day("2026-12-04")));
    }

    #[test]
    fn several_holes_are_planned_newest_first() {
        let old = Window::new(at("2026-12-01T10:00:00Z"), at("2026-12-01T11:00:00Z"));
        let new = Window::new(at("2026-12-05T10:00:00Z"), at("2026-12-05T11:00:00Z"));
        let jobs = jobs(
            &[old, new],
            TimeFilter::Dates,
            4,
            at("2026-12-06T00:00:00Z"),
            None,
        );
        assert_eq!(
            jobs.iter().map(|j| j.window).collect::<Vec<_>>(),
            [new, old]
        );
    }

    #[test]
    fn timestamps_cut_a_long_hole_into_pieces_side_by_side_and_leave_the_newest_open() {
        let now = at("2026-12-05T12:00:00Z");
        let hole = Window::new(at("2026-12-04T12:00:00Z"), now);
        let jobs = jobs(&[hole], TimeFilter::Timestamps, 4, now, None);
        assert_eq!(jobs.len(), 4);
        assert_eq!(jobs[0].window, Window::new(at("2026-12-05T06:00:00Z"), now));
        assert_eq!(jobs[0].before, None, "the newest piece reaches now");
        assert_eq!(
            jobs[0].after,
            Some(Bound::Time(at("2026-12-05T05:59:59Z"))),
            "a second wider"
        );
        assert_eq!(jobs[3].window.from, hole.from);
        assert_eq!(
            jobs[3].before,
            Some(Bound::Time(at("2026-12-04T18:00:01Z")))
        );
        // Pieces touch: together they are the hole.
        for w in jobs.windows(2) {
            assert_eq!(w[0].window.from, w[1].window.to);
        }
        let short = Window::new(at("2026-12-05T11:20:00Z"), now);
        assert_eq!(
            super::jobs(&[short], TimeFilter::Timestamps, 4, now, None).len(),
            1
        );
    }

    #[test]
    fn wide_dates_read_a_hole_as_one_stream_two_days_wider_each_side() {
        let now = at("2026-12-05T12:00:00Z");
        let closed = Window::new(at("2026-12-03T12:00:00Z"), at("2026-12-04T12:00:00Z"));
        let jobs = jobs(&[closed], TimeFilter::WideDates, 4, now, None);
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].after, Some(Bound::Date(day("2026-12-01"))));
        assert_eq!(jobs[0].before, Some(Bound::Date(day("2026-12-06"))));
        let open = Window::new(at("2026-12-05T10:00:00Z"), now);
        assert_eq!(
            super::jobs(&[open], TimeFilter::WideDates, 4, now, None)[0].before,
            None
        );
    }

    #[test]
    fn a_quiet_space_or_a_long_unknown_hole_is_one_stream_and_a_busy_one_a_stream_a_date() {
        let now = at("2026-12-05T12:00:00Z");
        let week = Window::new(at("2026-11-28T12:00:00Z"), now);
        let quiet = jobs(&[week], TimeFilter::Dates, 4, now, Some(40.0));
        assert_eq!(quiet.len(), 1);
        assert_eq!(quiet[0].after, Some(Bound::Date(day("2026-11-27"))));
        assert_eq!(quiet[0].before, None, "the hole reaches now");
        assert_eq!(
            jobs(&[week], TimeFilter::Dates, 4, now, Some(48_000.0)).len(),
            8
        );
        let month = Window::new(at("2026-11-05T12:00:00Z"), now);
        assert_eq!(jobs(&[month], TimeFilter::Unknown, 4, now, None).len(), 1);
        assert_eq!(
            jobs(&[week], TimeFilter::Unknown, 4, now, None).len(),
            8,
            "a week, rate unknown: a stream a date"
        );
        let closed = Window::new(at("2026-11-28T12:00:00Z"), at("2026-11-30T12:00:00Z"));
        let one = jobs(&[closed], TimeFilter::Dates, 4, now, Some(40.0));
        assert_eq!(one[0].before, Some(Bound::Date(day("2026-12-01"))));
    }

    #[test]
    fn the_learnt_filter_round_trips_and_anything_else_is_unknown() {
        for f in [
            TimeFilter::Dates,
            TimeFilter::WideDates,
            TimeFilter::Timestamps,
            TimeFilter::Unknown,
        ] {
            assert_eq!(TimeFilter::parse(f.as_str()), f);
        }
        assert_eq!(TimeFilter::parse("junk"), TimeFilter::Unknown);
    }
}
