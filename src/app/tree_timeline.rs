//! The merged timeline's events in the Call view, selectable like the legs above them: ↓ past
//! the last leg goes on into the events of the open timeline, ↑ from the first comes back;
//! Enter or → unfolds the selected event (its whole line, details in full, wrapped), ← folds
//! it; `y` copies its line whole and `c` its leg's ID, however the pane cut the row.

use uuid::Uuid;

use super::{Action, App};

impl App {
    /// How many events the open timeline of the shown call lists; none when it is closed.
    fn call_events(&self) -> usize {
        match self.shown_call() {
            Some(c) if self.tree.timeline => c.timeline.as_ref().map_or(0, |t| t.entries.len()),
            _ => 0,
        }
    }

    /// Moves the selection among the timeline's events, or from the last leg into them and
    /// back; whether `action` was taken here (else it moves among the legs).
    pub(super) fn move_in_call_timeline(&mut self, action: Action) -> bool {
        let events = self.call_events();
        let last_leg = self
            .shown_call()
            .map_or(0, |c| c.tree.legs.len().saturating_sub(1));
        let t = &mut self.tree;
        if events == 0 {
            t.event = None;
            t.unfolded = None;
            return false;
        }
        let last = events - 1;
        t.event = match (action, t.event) {
            (Action::Down, None) if t.selected >= last_leg => Some(0),
            (Action::Down, Some(i)) => Some((i + 1).min(last)),
            (Action::Up, Some(0)) => {
                t.selected = last_leg;
                None
            }
            (Action::Up, Some(i)) => Some(i - 1),
            (Action::Bottom, _) => Some(last),
            (Action::Top, _) => None,
            (Action::Unfold | Action::Open, Some(i)) => {
                t.unfolded = (t.unfolded != Some(i)).then_some(i);
                Some(i)
            }
            (Action::Fold, Some(i)) => {
                t.unfolded = None;
                Some(i)
            }
            (Action::Unfold | Action::Fold, None) => return true,
            _ => return false,
        };
        if action == Action::Top {
            t.selected = 0;
        }
        self.keep_leg_visible();
        true
    }

    /// The selected event of the open timeline: its line with its details in full, and the ID
    /// of the leg it belongs to.
    pub(super) fn selected_call_event(&self) -> Option<(String, Uuid)> {
        let i = self.tree.event.filter(|_| self.tree.timeline)?;
        let call = self.shown_call()?;
        let entry = call.timeline.as_ref()?.entries.get(i)?;
        let pane = crate::call::lines::pane_timeline(call);
        Some((pane.events.get(i)?.full.clone(), entry.log_id))
    }
}
