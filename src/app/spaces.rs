//! Which profile each lookup goes to, and switching the session's profile (`P`). A record is
//! refreshed, and its chain and events fetched, with the profile it was opened with; an ID
//! never found goes to the session's profile. A profile that is gone from the config, or now
//! points at another space, is never asked: the cached copy is shown with the reason.

use crate::api::LogRef;

use super::msg::Effect;
use super::notices::{Notice, Scope};
use super::{App, Failure, View};
use crate::config::Choice;
use crate::text::sanitize;

/// Where a lookup was made: the profile and the space it pointed at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The profile's name.
    pub profile: String,
    /// The space.
    pub space: String,
}

impl Origin {
    /// "profile staging (space acme-staging)", sanitised.
    pub fn words(&self) -> String {
        format!(
            "profile {} (space {})",
            sanitize(&self.profile),
            sanitize(&self.space)
        )
    }
}

/// The profile picker's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Picker {
    /// The selected choice.
    pub selected: usize,
}

impl App {
    /// The session's profile and space: where new lookups go.
    pub fn session_origin(&self) -> Origin {
        Origin {
            profile: self.context.profile.clone(),
            space: self.context.space.clone(),
        }
    }

    /// Where `id` is fetched: the profile its record was opened with this session, else the
    /// one its history entry found it with, else (never found) the session's.
    pub fn origin_for(&self, id: LogRef) -> Origin {
        if let Some(origin) = self.origins.get(&id) {
            return origin.clone();
        }
        match self.sidebar.history.get(id.id) {
            Some(e) if e.summary().is_some() => Origin {
                profile: e.profile.clone(),
                space: e.space.clone(),
            },
            _ => self.session_origin(),
        }
    }

    /// The space and project a ticket of `id` names: the start-up profile's in full when `id`
    /// was found with it, else its profile's space and project as the config names them.
    pub(super) fn place_for(&self, id: LogRef) -> crate::present::place::Place {
        self.place_of(&self.origin_for(id))
    }

    /// The space and project a ticket of something found in `origin` names (a search's calls).
    pub(super) fn place_of(&self, origin: &Origin) -> crate::present::place::Place {
        use crate::present::place::Place;
        let origin = origin.clone();
        if origin == self.session_origin() {
            return self.place.clone();
        }
        let project = self
            .profiles
            .iter()
            .find(|c| c.name == origin.profile && c.space.as_deref() == Some(&origin.space))
            .and_then(|c| c.project.as_deref());
        Place::named(&origin.space, project)
    }

    /// Why `origin` cannot be asked now, if it cannot: its profile is gone from the config,
    /// or it now points at another space than the lookup was made in.
    pub fn unreachable_reason(&self, origin: &Origin) -> Option<String> {
        let name = sanitize(&origin.profile);
        match self.profiles.iter().find(|c| c.name == origin.profile) {
            None => Some(format!("profile {name} is no longer in the config")),
            Some(c) if c.space.as_deref() != Some(origin.space.as_str()) => Some(format!(
                "profile {name} now points at space {}, not {}",
                sanitize(c.space.as_deref().unwrap_or("(none)")),
                sanitize(&origin.space)
            )),
            Some(_) => None,
        }
    }

    /// Shows what is known of `id` when its profile cannot be asked: the cached copy with a
    /// notice saying where it came from and why it is not refreshed, or the reason alone.
    pub(super) fn show_unreachable(
        &mut self,
        id: LogRef,
        origin: &Origin,
        reason: String,
    ) -> Vec<Effect> {
        let cancel = self.cancel_in_flight();
        if self.records.contains_key(&id) {
            let age = self
                .cached_at
                .get(&id)
                .map(|at| format!(" fetched {}", self.clock().age(*at)))
                .unwrap_or_default();
            let text = format!(
                "Showing the copy{age} from {}: it cannot be refreshed, {reason}; i and Enter look it up with profile {}",
                origin.words(),
                sanitize(&self.context.profile)
            );
            self.notify(Notice::warn(Scope::Lookup, text).in_slot("refresh"));
            if self.view != View::Record(id) {
                self.show_record(id);
            }
        } else {
            let text = format!(
                "{} was looked up with {}, and {reason}: nothing was fetched",
                id,
                origin.words()
            );
            self.notify(Notice::error(Scope::Lookup, text.clone()));
            self.view = View::Failed {
                id: Some(id),
                failure: Failure::Unreachable(text),
            };
            self.reset_detail();
        }
        self.unreachable.insert(id, reason);
        self.records_version += 1;
        cancel
    }

    /// What the detail pane says above a record about where it came from, each with whether it
    /// is a warning: another profile's record (plain information), one that cannot be
    /// refreshed, one whose last refresh failed (warnings).
    pub fn origin_notes(&self, id: LogRef) -> Vec<(String, bool)> {
        let mut notes = Vec::new();
        let origin = self.origin_for(id);
        if origin != self.session_origin() {
            notes.push((format!("From {}", origin.words()), false));
        }
        if let Some(reason) = self.unreachable.get(&id) {
            notes.push((format!("Cannot be refreshed: {reason}"), true));
        }
        if let Some(mark) = self
            .sidebar
            .history
            .get(id.id)
            .and_then(|e| e.refresh_note(self.clock().now))
        {
            let copy = self
                .cached_at
                .get(&id)
                .map(|at| format!(": showing the copy fetched {}", self.clock().age(*at)))
                .unwrap_or_default();
            notes.push((format!("{}{copy}", capitalise(&mark)), true));
        }
        notes
    }

    /// Opens the profile picker on the profile in effect.
    pub(super) fn open_picker(&mut self) {
        let selected = self
            .profiles
            .iter()
            .position(|c| c.name == self.context.profile)
            .unwrap_or(0);
        self.overlay = super::Overlay::Picker(Picker { selected });
    }

    /// Moves the picker's selection by `delta`.
    pub(super) fn move_picker(&mut self, delta: isize) {
        let last = self.profiles.len().saturating_sub(1);
        if let super::Overlay::Picker(p) = &mut self.overlay {
            p.selected = p.selected.saturating_add_signed(delta).min(last);
        }
    }

    /// Makes the picker's selection the session's profile: new lookups go there.
    pub(super) fn choose_profile(&mut self) {
        let Some(picker) = self.overlay.picker() else {
            return;
        };
        self.overlay = super::Overlay::None;
        let Some(choice) = self.profiles.get(picker.selected).cloned() else {
            return;
        };
        self.switch_to(&choice);
    }

    /// Makes `choice` the session's profile.
    pub fn switch_to(&mut self, choice: &Choice) {
        let Some(space) = choice.space.clone() else {
            self.notify(Notice::error(
                Scope::Action,
                format!(
                    "Profile {} names no valid space: fix it in the config file",
                    sanitize(&choice.name)
                ),
            ));
            return;
        };
        self.context.profile = choice.name.clone();
        self.context.place = choice.place.clone().unwrap_or_else(|| space.clone());
        self.context.space = space;
        self.context.project = choice
            .project
            .as_deref()
            .map(crate::api::client::short_project)
            .unwrap_or_default();
        self.records_version += 1;
        let text = format!("New lookups go to {}", self.session_origin().words());
        self.notify(Notice::info(Scope::Session, text).in_slot("profile"));
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use ratatui::layout::Size;

    use super::*;
    use crate::app::msg::Message;
    use crate::app::{Action, Context};
    use crate::history::{Entry, History, Lookup, Options, Summary};

    const ID: &str = "7a1c3e5f-2b4d-4f6a-8c0e-1d3f5a7b9c21";

    fn app(history: History) -> App {
        let ctx = Context {
            space: "acme".into(),
            place: "acme".into(),
            project: "4c1e0f7a…".into(),
            profile: "default".into(),
        };
        let mut app = App::new(ctx, Size::new(120, 40), false, history);
        app.fixed_now = chrono::Utc
            .with_ymd_and_hms(2026, 11, 25, 17, 0, 0)
            .single();
        app.profiles.push(Choice {
            name: "staging".into(),
            space: Some("acme-staging".into()),
            place: Some("acme-staging".into()),
            project: Some("5ca1ab1e-0000".into()),
            source: "config file",
        });
        app
    }

    fn fetch_profile(effects: &[Effect]) -> Option<String> {
        effects.iter().find_map(|e| match e {
            Effect::Fetch { profile, .. } => Some(profile.clone()),
            _ => None,
        })
    }

    #[test]
    fn the_picked_profile_takes_new_lookups() {
        let mut app = app(History::in_memory(Options::default()));
        assert_eq!(
            fetch_profile(&app.open_input(ID)).as_deref(),
            Some("default")
        );
        for action in [Action::Profiles, Action::Down, Action::ChooseProfile] {
            app.update(Message::Action(action));
        }
        assert_eq!(app.overlay.picker(), None);
        assert_eq!(
            (app.context.profile.as_str(), app.context.space.as_str()),
            ("staging", "acme-staging")
        );
        let other = "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11";
        assert_eq!(
            fetch_profile(&app.open_input(other)).as_deref(),
            Some("staging")
        );
    }

    #[test]
    fn a_record_found_with_a_profile_now_gone_is_never_fetched_there() {
        let mut history = History::in_memory(Options::default());
        let log = crate::api::model::VoiceLog::from_object(serde_json::Map::new());
        let entry = Entry::new(
            ID.parse().unwrap_or_default(),
            chrono::Utc::now(),
            "old",
            "acme-old",
            Lookup::Record(Summary::of(&log)),
        );
        assert!(history.record(entry, None).is_empty());
        let mut app = app(history);
        let effects = app.visit(LogRef::voice(ID.parse().unwrap_or_default()));
        assert_eq!(fetch_profile(&effects), None, "{effects:?}");
        assert!(
            matches!(&app.view, View::Failed { failure: Failure::Unreachable(why), .. }
                if why.contains("profile old is no longer in the config")),
            "{:?}",
            app.view
        );
        // A profile of that name pointing at another space is no better.
        app.profiles.push(Choice {
            name: "old".into(),
            space: Some("acme".into()),
            place: Some("acme".into()),
            project: None,
            source: "config file",
        });
        let effects = app.visit(LogRef::voice(ID.parse().unwrap_or_default()));
        assert_eq!(fetch_profile(&effects), None);
        assert!(
            matches!(&app.view, View::Failed { failure: Failure::Unreachable(why), .. }
            if why.contains("now points at space acme, not acme-old"))
        );
        // Typed (or pasted) and submitted, the ID is a new lookup with the session's profile.
        let effects = app.open_input(ID);
        assert_eq!(fetch_profile(&effects).as_deref(), Some("default"));
    }
}
