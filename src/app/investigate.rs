//! What the inspector fetches besides the record: a leg's events (when the Events view is
//! open) and its chain of parent legs (as soon as the leg is shown). Both are declared by the
//! state: [`App::follow_up`] asks for whatever the shown record needs and does not have yet.

use std::collections::HashMap;

use crate::api::LogRef;

use super::msg::Effect;
use super::{App, View};
use crate::api::{ApiError, Events, Fetched};
use crate::chain::Chain;

/// Which view of a record the detail pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    /// The fields and the charge breakdown.
    #[default]
    Fields,
    /// The events timeline.
    Events,
}

/// A leg's events, as far as they are known.
#[derive(Debug, Clone)]
pub enum EventsState {
    /// Being fetched.
    Loading,
    /// Fetched (a 404 is kept as an empty list: no events recorded).
    Loaded(Events),
    /// The fetch failed.
    Failed(ApiError),
}

/// A leg's chain of parents, as far as it is known.
#[derive(Debug, Clone)]
pub enum ChainState {
    /// The parents are being followed.
    Loading,
    /// Followed.
    Resolved(Chain),
}

/// The investigation state of this session's legs.
#[derive(Debug, Default)]
pub struct Investigation {
    /// Events by leg.
    pub events: HashMap<LogRef, EventsState>,
    /// Chains by leg.
    pub chains: HashMap<LogRef, ChainState>,
    /// The view of the detail pane.
    pub tab: Tab,
    /// The selected event.
    pub event_selected: usize,
    /// The event whose details are unfolded.
    pub event_expanded: Option<usize>,
}

impl App {
    /// Asks for what the shown record needs: its chain if it has a parent (in a family whose
    /// logs have parents), its events if the Events view is open. Called after every update.
    pub(super) fn follow_up(&mut self) -> Vec<Effect> {
        let mut effects = self.ask_compat();
        let View::Record(id) = self.view else {
            return effects;
        };
        if let Some(f) = self.records.get(&id)
            && id.family.has_parents()
            && !self.investigation.chains.contains_key(&id)
            && f.log.parent_id.value().is_some()
        {
            self.investigation.chains.insert(id, ChainState::Loading);
            effects.push(Effect::ResolveChain {
                id,
                log: Box::new(f.log.clone()),
                profile: self.origin_for(id).profile,
            });
        }
        if self.investigation.tab == Tab::Events && !self.investigation.events.contains_key(&id) {
            self.investigation.events.insert(id, EventsState::Loading);
            self.events_version += 1;
            effects.push(Effect::FetchEvents {
                id,
                profile: self.origin_for(id).profile,
            });
        }
        effects
    }

    /// Keeps a leg's events; a 404 means none were recorded.
    pub(super) fn on_events(
        &mut self,
        id: LogRef,
        result: Result<crate::api::FetchedEvents, ApiError>,
    ) {
        let state = match result {
            Ok(f) => EventsState::Loaded(f.events),
            Err(ApiError::NotFound { .. }) => EventsState::Loaded(Events {
                items: vec![],
                shape: crate::api::events::Shape::Expected,
                extras: vec![],
            }),
            Err(e) => EventsState::Failed(e),
        };
        self.investigation.events.insert(id, state);
        self.events_version += 1;
    }

    /// Keeps a leg's chain, and the parents it fetched, so that opening them is instant.
    pub(super) fn on_chain(&mut self, id: LogRef, chain: Chain) {
        let now = self.clock().now;
        // The parents were fetched where the leg was: revisiting them goes there too.
        let origin = self.origin_for(id);
        for (leg, log) in chain.legs() {
            if let Some(leg) = leg.map(|leg| id.sibling(leg))
                && leg != id
                && !self.records.contains_key(&leg)
            {
                let body = serde_json::Value::Object(log.raw.clone()).to_string();
                let fetched = Fetched {
                    log: log.clone(),
                    body,
                    fetched_at: now,
                    elapsed: std::time::Duration::ZERO,
                    attempts: 1,
                };
                self.records.insert(leg, fetched);
                self.origins.insert(leg, origin.clone());
                self.records_version += 1;
            }
        }
        self.investigation
            .chains
            .insert(id, ChainState::Resolved(chain));
    }

    /// Legs known here (this session's records or the history) whose parent is `id`.
    pub fn known_children(&self, id: LogRef) -> Vec<LogRef> {
        let same_family = self
            .records
            .iter()
            .filter(|(k, _)| k.family == id.family)
            .map(|(k, f)| (&k.id, &f.log));
        let mut children: Vec<LogRef> = crate::chain::known_children(id.id, same_family)
            .into_iter()
            .map(|child| id.sibling(child))
            .collect();
        for entry in self.sidebar.history.entries() {
            let parent = entry
                .summary()
                .and_then(|s| s.parent_id.as_deref())
                .and_then(|p| uuid::Uuid::try_parse(p.trim()).ok());
            let child = entry.log();
            if parent == Some(id.id)
                && child.family == id.family
                && child != id
                && !children.contains(&child)
            {
                children.push(child);
            }
        }
        children
    }

    /// The shown leg's events, if the Events view has them.
    pub fn shown_events(&self) -> Option<&EventsState> {
        let View::Record(id) = self.view else {
            return None;
        };
        self.investigation.events.get(&id)
    }

    /// What the raw JSON view shows: whose body it is ("log ID", "events of ID") and the body.
    /// In the Events view that is the events' body once fetched (`data` as sent, and any other
    /// top-level fields), else the log's.
    pub fn raw_json(&self) -> Option<(String, serde_json::Value)> {
        use serde_json::{Map, Value};
        let View::Record(id) = self.view else {
            return None;
        };
        let fetched = self.records.get(&id)?;
        if self.investigation.tab == Tab::Events
            && let Some(EventsState::Loaded(events)) = self.investigation.events.get(&id)
        {
            let mut body = Map::new();
            if events.shape != crate::api::events::Shape::NoData {
                body.insert("data".to_owned(), events.data());
            }
            body.extend(events.extras.iter().cloned());
            return Some((format!("events of {id}"), Value::Object(body)));
        }
        Some((format!("log {id}"), Value::Object(fetched.log.raw.clone())))
    }
}
