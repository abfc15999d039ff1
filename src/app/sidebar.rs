//! The sidebar's state: the persisted lookup history, the filter typed over it, the selection,
//! and the note being edited. The history itself lives in [`crate::history`].

use tui_input::Input;
use uuid::Uuid;

use crate::api::{ApiError, Fetched, LogRef};
use crate::history::{Entry, History, Lookup, Removed, Summary, Warning};

/// What typing in the sidebar does.
#[derive(Debug, Clone, Default)]
pub enum Mode {
    /// Keys move and act on the selection.
    #[default]
    Browse,
    /// Keys edit the filter.
    Filter,
    /// Keys edit the note of the entry with this ID.
    Note(Uuid, Input),
    /// Keys answer whether to delete the entry with this ID (pinned or noted: worth a
    /// question before it goes).
    Confirm(Uuid),
}

/// The sidebar.
#[derive(Debug)]
pub struct Sidebar {
    /// The lookup history.
    pub history: History,
    /// The filter text.
    pub query: Input,
    /// What typing does.
    pub mode: Mode,
    /// Indices into the history's entries that match the filter, in display order.
    pub visible: Vec<usize>,
    /// The selected row, an index into `visible`.
    pub selected: usize,
    /// The last deleted entry, for undo.
    pub undo: Option<Removed>,
}

impl Sidebar {
    /// A sidebar over `history`.
    pub fn new(mut history: History) -> Self {
        // The loop writes the history: the inspector's update does no file I/O for it.
        history.defer_saves();
        let mut s = Self {
            history,
            query: Input::default(),
            mode: Mode::Browse,
            visible: Vec::new(),
            selected: 0,
            undo: None,
        };
        s.refresh();
        s
    }

    /// Recomputes the rows from the filter, keeping the selection on the same entry if it is
    /// still shown.
    pub fn refresh(&mut self) {
        let keep = self.selected_entry().map(|e| e.id);
        self.visible = self.history.filter(self.query.value());
        self.selected = keep
            .and_then(|id| self.position(id))
            .unwrap_or(self.selected)
            .min(self.visible.len().saturating_sub(1));
    }

    /// The row showing `id`, if it is shown.
    pub fn position(&self, id: Uuid) -> Option<usize> {
        let entries = self.history.entries();
        self.visible
            .iter()
            .position(|i| entries.get(*i).is_some_and(|e| e.id == id))
    }

    /// The shown entries, in order.
    pub fn rows(&self) -> impl Iterator<Item = &Entry> {
        let entries = self.history.entries();
        self.visible.iter().filter_map(|i| entries.get(*i))
    }

    /// The lines above and below the rows: the filter line while a filter is typed or set,
    /// the note editor while a note is edited.
    pub fn frame(&self) -> crate::view::sidebar::Frame {
        crate::view::sidebar::Frame {
            header: usize::from(
                matches!(self.mode, Mode::Filter) || !self.query.value().is_empty(),
            ),
            footer: 2 * usize::from(matches!(self.mode, Mode::Note(..))),
        }
    }

    /// How many rows are shown.
    pub fn len(&self) -> usize {
        self.visible.len()
    }

    /// Whether no row is shown.
    pub fn is_empty(&self) -> bool {
        self.visible.is_empty()
    }

    /// The selected entry.
    pub fn selected_entry(&self) -> Option<&Entry> {
        self.visible
            .get(self.selected)
            .and_then(|i| self.history.entries().get(*i))
    }

    /// Whether keys go to a text being typed (the filter or a note).
    pub fn is_typing(&self) -> bool {
        !matches!(self.mode, Mode::Browse)
    }

    /// Records a lookup's result, made with `origin`'s profile in its space, and puts the
    /// selection on it.
    pub fn record(
        &mut self,
        log: LogRef,
        result: &Result<Fetched, ApiError>,
        at: chrono::DateTime<chrono::Utc>,
        origin: &crate::app::Origin,
    ) -> Vec<Warning> {
        let id = log.id;
        // Recorded at the inspector's clock (the real one, or a test's fixed one).
        let warnings = match result {
            Ok(f) => {
                let entry = Entry::new(
                    id,
                    at,
                    &origin.profile,
                    &origin.space,
                    Lookup::Record(Summary::of(&f.log)),
                )
                .in_family(log.family);
                self.history.record(entry, Some((&f.body, at)))
            }
            Err(e) => {
                let entry = Entry::new(
                    id,
                    at,
                    &origin.profile,
                    &origin.space,
                    Lookup::Error(failure_words(e)),
                )
                .in_family(log.family);
                self.history.record(entry, None)
            }
        };
        self.refresh();
        if let Some(row) = self.position(id) {
            self.selected = row;
        }
        warnings
    }

    /// Records what a refresh of `id` found, keeping its entry where it is.
    pub fn update(
        &mut self,
        log: LogRef,
        fetched: &Fetched,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Vec<Warning> {
        let lookup = Lookup::Record(Summary::of(&fetched.log));
        let warnings = self
            .history
            .update(log.id, lookup, Some((&fetched.body, at)));
        self.refresh();
        warnings
    }

    /// Marks the found record of `id` as having failed to refresh, keeping the record.
    pub fn refresh_failed(
        &mut self,
        log: LogRef,
        error: &ApiError,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Vec<Warning> {
        let warnings = self
            .history
            .refresh_failed(log.id, &failure_words(error), at);
        self.refresh();
        warnings
    }

    /// Pins or unpins the selected entry; whether it is now pinned.
    pub fn toggle_pin(&mut self) -> Option<(bool, Vec<Warning>)> {
        let entry = self.selected_entry()?;
        let (id, pinned) = (entry.id, !entry.pinned);
        let warnings = if pinned {
            self.history.pin(id)
        } else {
            self.history.unpin(id)
        };
        self.refresh();
        if let Some(row) = self.position(id) {
            self.selected = row;
        }
        Some((pinned, warnings))
    }

    /// Deletes the selected entry, keeping it for undo; its ID.
    pub fn delete_selected(&mut self) -> Option<(Uuid, Vec<Warning>)> {
        let id = self.selected_entry()?.id;
        self.delete(id)
    }

    /// Deletes the entry of `id`, keeping it for undo; its ID, if it was there.
    pub fn delete(&mut self, id: Uuid) -> Option<(Uuid, Vec<Warning>)> {
        self.history.get(id)?;
        let (removed, warnings) = self.history.delete(id);
        self.undo = removed;
        self.refresh();
        Some((id, warnings))
    }

    /// Brings back the last deleted entry; its ID.
    pub fn undo_delete(&mut self) -> Option<(Uuid, Vec<Warning>)> {
        let removed = self.undo.take()?;
        let id = removed.entry.id;
        let warnings = self.history.restore(removed);
        self.refresh();
        if let Some(row) = self.position(id) {
            self.selected = row;
        }
        Some((id, warnings))
    }

    /// Sets (or, with an empty text, removes) the note of `id`.
    pub fn set_note(&mut self, id: Uuid, note: &str) -> Vec<Warning> {
        let note = Some(note.trim().to_owned()).filter(|n| !n.is_empty());
        let warnings = self.history.set_note(id, note);
        self.refresh();
        warnings
    }

    /// Picks up lookups made by other swlog processes.
    pub fn reload(&mut self) -> Vec<Warning> {
        let warnings = self.history.reload();
        self.refresh();
        warnings
    }
}

/// What failed, in the sidebar's few words: "not found", or the status code where the kind
/// alone ("server error") does not say which one it was.
fn failure_words(error: &ApiError) -> String {
    match error {
        ApiError::Server { status, .. } | ApiError::Status { status, .. } => {
            format!("HTTP {status}")
        }
        other => other.short().to_owned(),
    }
}
