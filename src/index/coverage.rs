//! Coverage arithmetic, pure: spans of `created_at` seen completely by a scan, merged when they
//! overlap or touch, and a window split into what they cover and the holes between.
//!
//! Times are Unix milliseconds and every span is half-open, `[from, to)`, so that two scans
//! that meet at an instant (one up to 12:00, the next from 12:00) join without a gap.

use chrono::{DateTime, Utc};

/// A span of `created_at`, `[from, to)` in Unix milliseconds, seen completely as of `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The first instant covered.
    pub from: i64,
    /// The first instant after the span.
    pub to: i64,
    /// When the scan that saw it ran (Unix milliseconds).
    pub as_of: i64,
}

impl Span {
    /// Whether `other` overlaps or touches this span (and so merges with it).
    pub fn touches(&self, other: &Span) -> bool {
        self.from <= other.to && other.from <= self.to
    }

    fn contains(&self, other: &Span) -> bool {
        self.from <= other.from && other.to <= self.to
    }
}

/// `new` merged with the spans it touches. The merged span is as old as its oldest part that
/// `new` did not read again: a span wholly inside `new` was superseded by it, one sticking out
/// still holds what an older scan saw.
pub fn absorb(new: Span, touching: &[Span]) -> Span {
    touching
        .iter()
        .filter(|s| s.touches(&new))
        .fold(new, |acc, s| Span {
            from: acc.from.min(s.from),
            to: acc.to.max(s.to),
            as_of: if new.contains(s) {
                acc.as_of
            } else {
                acc.as_of.min(s.as_of)
            },
        })
}

/// `spans` (sorted, disjoint, not touching) with `new` recorded: the same invariant holds after.
/// An empty `new` (`from >= to`) changes nothing.
pub fn insert(spans: &[Span], new: Span) -> Vec<Span> {
    if new.from >= new.to {
        return spans.to_vec();
    }
    let (touching, mut rest): (Vec<Span>, Vec<Span>) = spans.iter().partition(|s| s.touches(&new));
    rest.push(absorb(new, &touching));
    rest.sort_by_key(|s| s.from);
    rest
}

/// `window` (`[from, to)`) split against `spans` (sorted, disjoint): the covered parts, each
/// clipped to the window and keeping its `as_of`, and the holes between them, in time order.
/// An empty window has neither.
pub fn split(spans: &[Span], from: i64, to: i64) -> (Vec<Span>, Vec<(i64, i64)>) {
    let mut covered = Vec::new();
    let mut holes = Vec::new();
    if from >= to {
        return (covered, holes);
    }
    let mut at = from;
    for s in spans {
        if s.to <= from || s.from >= to {
            continue;
        }
        let start = s.from.max(from);
        if start > at {
            holes.push((at, start));
        }
        let end = s.to.min(to);
        covered.push(Span {
            from: start,
            to: end,
            as_of: s.as_of,
        });
        at = at.max(end);
    }
    if at < to {
        holes.push((at, to));
    }
    (covered, holes)
}

/// A window of `created_at`, `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The first instant in the window.
    pub from: DateTime<Utc>,
    /// The first instant after it.
    pub to: DateTime<Utc>,
}

impl Window {
    /// The window `[from, to)`.
    pub fn new(from: DateTime<Utc>, to: DateTime<Utc>) -> Self {
        Self { from, to }
    }

    pub(super) fn millis(&self) -> (i64, i64) {
        (self.from.timestamp_millis(), self.to.timestamp_millis())
    }

    pub(super) fn from_millis(from: i64, to: i64) -> Self {
        Self::new(time(from), time(to))
    }
}

/// A covered part of a window, and when it was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Covered {
    /// The part covered.
    pub window: Window,
    /// When the scan that covered it ran.
    pub as_of: DateTime<Utc>,
}

/// A window as the index knows it: what is covered and what must still be fetched.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Coverage {
    /// The covered parts, oldest first.
    pub covered: Vec<Covered>,
    /// The uncovered parts, oldest first.
    pub holes: Vec<Window>,
}

impl Coverage {
    /// Whether the whole window is covered.
    pub fn is_complete(&self) -> bool {
        self.holes.is_empty()
    }

    /// The oldest `as_of` among the covered parts: the answer is as fresh as this.
    pub fn as_of(&self) -> Option<DateTime<Utc>> {
        self.covered.iter().map(|c| c.as_of).min()
    }

    pub(super) fn from_split(covered: Vec<Span>, holes: Vec<(i64, i64)>) -> Self {
        Self {
            covered: covered
                .into_iter()
                .map(|s| Covered {
                    window: Window::from_millis(s.from, s.to),
                    as_of: time(s.as_of),
                })
                .collect(),
            holes: holes
                .into_iter()
                .map(|(f, t)| Window::from_millis(f, t))
                .collect(),
        }
    }
}

/// A stored instant back as a time; out-of-range values (never written by the index) clamp.
pub(super) fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or(if ms < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}
