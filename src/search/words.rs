//! Where an answer came from, in words: the window searched and what the index and the network
//! each gave, the same words on the CLI's stderr and in the inspector's status line.

use chrono::{DateTime, TimeDelta, Utc};

use super::Source;
use crate::present::format::{Clock, thousands};

impl Source {
    /// `since 24 h: 2026-12-05 07:40 → now`, or `2026-12-05 12:00 → 2026-12-05 18:00`.
    pub fn window_words(&self, clock: &Clock) -> String {
        let to = if self.window.to >= clock.now - TimeDelta::seconds(5) {
            "now".to_owned()
        } else {
            minutes(clock, self.window.to)
        };
        let from = minutes(clock, self.window.from);
        if self.defaulted {
            let hours = (self.window.to - self.window.from).num_hours();
            format!("since {hours} h (the default): {from} → {to}")
        } else {
            format!("{from} → {to}")
        }
    }

    /// `from the index (as of 14:02) · 2 pages fetched`; `2 pages fetched` when the index
    /// gave nothing; for an offline answer, how much of the window it leaves out.
    pub fn origin_words(&self, clock: &Clock) -> String {
        let mut parts = Vec::new();
        if let Some(as_of) = self.as_of {
            parts.push(format!("from the index (as of {})", when(clock, as_of)));
        } else if self.offline {
            parts.push("nothing in the index".to_owned());
        }
        if self.offline {
            parts.push("offline".to_owned());
        } else if self.pages > 0 || self.as_of.is_none() {
            parts.push(format!(
                "{} {} fetched",
                thousands(self.pages),
                if self.pages == 1 { "page" } else { "pages" }
            ));
        }
        if self.rereads > 0 {
            parts.push(format!("{} re-read", thousands(self.rereads)));
        }
        if self.uncovered > TimeDelta::zero() {
            parts.push(format!(
                "{} of this window not covered",
                span(self.uncovered)
            ));
        }
        parts.join(" · ")
    }
}

/// `13:58` today, `2026-12-05 13:58` another day, in the user's zone.
fn when(clock: &Clock, t: DateTime<Utc>) -> String {
    let full = minutes(clock, t);
    let today = minutes(clock, clock.now);
    match (full.get(..10), today.get(..10)) {
        (Some(day), Some(now)) if day == now => full.get(11..).unwrap_or(&full).to_owned(),
        _ => full,
    }
}

/// `2026-12-05 07:40` in the user's zone.
fn minutes(clock: &Clock, t: DateTime<Utc>) -> String {
    let full = clock.local(t);
    full.get(..16).unwrap_or(&full).to_owned()
}

/// `3 h 10 m`, `12 m`, `40 s`.
pub fn span(d: TimeDelta) -> String {
    let s = d.num_seconds().max(0);
    let (h, m) = (s / 3600, (s % 3600) / 60);
    match (h, m) {
        (0, 0) => format!("{s} s"),
        (0, m) => format!("{m} m"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Window;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn source() -> Source {
        Source {
            window: Window::new(at("2026-12-04T14:00:00Z"), at("2026-12-05T14:00:00Z")),
            defaulted: true,
            indexed: true,
            from_index: 3,
            pages: 2,
            rereads: 0,
            as_of: Some(at("2026-12-05T13:02:00Z")),
            uncovered: TimeDelta::zero(),
            offline: false,
        }
    }

    #[test]
    fn the_window_and_the_sources_are_said_in_words() {
        let clock = Clock::fixed(at("2026-12-05T14:00:00Z"));
        let s = source();
        assert_eq!(
            s.window_words(&clock),
            "since 24 h (the default): 2026-12-04 14:00 → now"
        );
        assert_eq!(
            s.origin_words(&clock),
            "from the index (as of 13:02) · 2 pages fetched"
        );
        let network = Source {
            as_of: None,
            pages: 1,
            defaulted: false,
            window: Window::new(at("2026-12-05T12:00:00Z"), at("2026-12-05T13:00:00Z")),
            ..source()
        };
        assert_eq!(network.origin_words(&clock), "1 page fetched");
        assert_eq!(
            network.window_words(&clock),
            "2026-12-05 12:00 → 2026-12-05 13:00"
        );
        let offline = Source {
            offline: true,
            pages: 0,
            uncovered: TimeDelta::minutes(190),
            ..source()
        };
        assert_eq!(
            offline.origin_words(&clock),
            "from the index (as of 13:02) · offline · 3 h 10 m of this window not covered"
        );
        let yesterday = Clock::fixed(at("2026-12-06T09:00:00Z"));
        assert!(
            s.origin_words(&yesterday)
                .starts_with("from the index (as of 2026-12-05 13:02)"),
            "another day's time has its date"
        );
    }
}
