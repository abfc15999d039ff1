//! The clock's part of the state: the spinner's ticks, the live refresh of the shown record
//! and when the loop must wake without input.

use std::time::Instant;

use super::live::{self, is_live_status};
use super::msg::Effect;
use super::notices::{Notice, Scope};
use super::{App, EventsState, InFlight, Tab, View};

impl App {
    /// Whether the spinner needs ticks.
    pub fn wants_ticks(&self) -> bool {
        let events_loading = self.investigation.tab == Tab::Events
            && matches!(self.shown_events(), Some(EventsState::Loading));
        let call_loading = matches!(self.view, View::Call(_)) && self.tree.loading.is_some();
        self.in_flight.as_ref().is_some_and(|f| !f.background) || events_loading || call_loading
    }

    /// The next instant something is due without input: a live refresh, or the end of a
    /// change highlight. The loop sleeps until then; `None` means sleep until a message.
    pub fn next_deadline(&self) -> Option<Instant> {
        let refresh = self
            .live
            .next
            .filter(|_| self.live.enabled && self.in_flight.is_none());
        let highlight = self.changed.as_ref().map(|(_, until)| *until);
        let notice = self.notices.next_expiry();
        let call = self
            .tree
            .live
            .next
            .filter(|_| matches!(self.view, View::Call(_)) && self.tree.loading.is_none());
        [refresh, highlight, notice, call]
            .into_iter()
            .flatten()
            .min()
    }

    /// Whether the shown record is a call still in progress: not final, and not stale.
    pub fn shown_is_live(&self) -> bool {
        self.shown_not_final() && self.shown_stale_for().is_none()
    }

    fn shown_not_final(&self) -> bool {
        self.shown_record()
            .and_then(|f| f.log.status.value().map(|s| is_live_status(s)))
            .unwrap_or(false)
    }

    /// How long the shown record's non-final call has gone on, when that is past the bound
    /// live refresh allows: it is not refreshed by itself then.
    pub fn shown_stale_for(&self) -> Option<chrono::Duration> {
        if !self.shown_not_final() {
            return None;
        }
        let log = &self.shown_record()?.log;
        let so_far = log
            .duration_ms
            .value()
            .map(|ms| std::time::Duration::from_millis(u64::try_from(*ms).unwrap_or(0)))
            .or_else(|| {
                log.duration
                    .value()
                    .map(|s| std::time::Duration::from_secs(u64::try_from(*s).unwrap_or(0)))
            })
            .unwrap_or_default();
        live::stale_for(
            log.created_at.value().copied(),
            so_far,
            self.clock().now,
            self.live.max_age,
        )
    }

    /// "not final after 1d 3h — not refreshing", for a stale record.
    pub fn stale_note(&self) -> Option<String> {
        self.shown_stale_for()
            .map(|age| format!("not final after {} — not refreshing", live::span_words(age)))
    }

    /// Advances the spinner, ends an expired highlight, and starts a due live refresh.
    pub(super) fn on_tick(&mut self, now: Instant) -> (Vec<Effect>, bool) {
        self.spinner = self.spinner.wrapping_add(1);
        let mut changed = self.wants_ticks() | self.notices.expire(now);
        if self
            .changed
            .as_ref()
            .is_some_and(|(_, until)| *until <= now)
        {
            self.changed = None;
            changed = true;
        }
        if matches!(self.view, View::Call(_)) {
            let effects = self.call_tick(now);
            let changed = changed || !effects.is_empty();
            return (effects, changed);
        }
        if self.in_flight.is_none() && self.live.due(now) {
            if let View::Record(id) = self.view {
                let origin = self.origin_for(id);
                if self.unreachable_reason(&origin).is_some() {
                    self.live.stop();
                    return (vec![], changed);
                }
                self.generation += 1;
                self.fetching = Some(origin.clone());
                self.in_flight = Some(InFlight {
                    id,
                    started: now,
                    background: true,
                    refresh: true,
                    by_hand: false,
                });
                self.live.next = None;
                return (
                    vec![Effect::Fetch {
                        id,
                        generation: self.generation,
                        profile: origin.profile,
                    }],
                    true,
                );
            }
            self.live.stop();
        }
        (vec![], changed)
    }

    /// Turns live refresh on or off (the `l` key).
    pub(super) fn toggle_live(&mut self) {
        self.live.enabled = !self.live.enabled;
        let now = Instant::now();
        let live = self.shown_is_live();
        self.live.after_success(live, now);
        let text = match (self.live.enabled, self.stale_note()) {
            (true, Some(note)) => format!("Live refresh on; this call is {note}"),
            (true, None) => "Live refresh on".to_owned(),
            (false, _) => "Live refresh off".to_owned(),
        };
        self.notify(Notice::info(Scope::Session, text).in_slot("live"));
    }
}
