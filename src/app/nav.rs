//! Back and forward through opened places (logs, the list of calls, whole calls), like a browser. Records
//! only previewed (moving through the sidebar) are not pages: a run of previews takes the place
//! of one page.

use crate::api::LogRef;

/// A page of the browsing history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    /// A log, by its ID.
    Record(LogRef),
    /// The list of calls the last search found.
    Calls,
    /// The start screen: where `[` from the first search goes back to.
    Welcome,
    /// The whole call a leg belongs to (the Call view), by the leg's or the root's ID.
    Call(LogRef),
}

impl Place {
    /// The log's ID when this is a log's page.
    pub fn record(self) -> Option<LogRef> {
        match self {
            Place::Record(id) => Some(id),
            Place::Calls | Place::Call(_) | Place::Welcome => None,
        }
    }
}

impl From<LogRef> for Place {
    fn from(id: LogRef) -> Self {
        Place::Record(id)
    }
}

/// The browsing history of this session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Nav {
    back: Vec<Place>,
    current: Option<Place>,
    forward: Vec<Place>,
    /// The current log is a preview: the next preview or visit replaces it.
    previewing: bool,
}

impl Nav {
    /// The log being looked at, when the current place is a log.
    pub fn current(&self) -> Option<LogRef> {
        match self.current {
            Some(Place::Record(id)) => Some(id),
            _ => None,
        }
    }

    /// The place being looked at.
    pub fn place(&self) -> Option<Place> {
        self.current
    }

    /// Goes to `id` as a new page: the current one goes on the back stack (unless it was only
    /// previewed), forward is cleared. Visiting the current log again changes nothing but
    /// making a preview a page.
    pub fn visit(&mut self, place: impl Into<Place>) {
        let id = place.into();
        let was_preview = std::mem::take(&mut self.previewing);
        if self.current == Some(id) {
            return;
        }
        if let Some(current) = self.current.replace(id)
            && !was_preview
        {
            self.back.push(current);
        }
        self.forward.clear();
    }

    /// Shows `id` without making it a page: the opened log goes back once, and further
    /// previews replace each other, so that `[` returns to what was opened, not to every row
    /// passed over.
    pub fn preview(&mut self, id: LogRef) {
        let id = Place::Record(id);
        if self.current == Some(id) {
            return;
        }
        if let Some(current) = self.current.replace(id)
            && !self.previewing
        {
            self.back.push(current);
        }
        self.previewing = true;
    }

    /// Steps back; the new current log, if there was one to go back to.
    pub fn back(&mut self) -> Option<Place> {
        let previous = self.back.pop()?;
        let was_preview = std::mem::take(&mut self.previewing);
        if let Some(current) = self.current.replace(previous)
            && !was_preview
        {
            self.forward.push(current);
        }
        Some(previous)
    }

    /// Steps forward; the new current log, if there was one to go forward to.
    pub fn forward(&mut self) -> Option<Place> {
        let next = self.forward.pop()?;
        let was_preview = std::mem::take(&mut self.previewing);
        if let Some(current) = self.current.replace(next)
            && !was_preview
        {
            self.back.push(current);
        }
        Some(next)
    }

    /// How many steps back and forward are possible.
    pub fn depth(&self) -> (usize, usize) {
        (self.back.len(), self.forward.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> LogRef {
        LogRef::voice(uuid::Uuid::from_u128(n))
    }

    fn at(n: u128) -> Option<Place> {
        Some(Place::Record(id(n)))
    }

    #[test]
    fn back_and_forward_like_a_browser() {
        let mut nav = Nav::default();
        assert_eq!(nav.back(), None);
        nav.visit(id(1));
        nav.visit(id(2));
        nav.visit(id(3));
        assert_eq!(nav.back(), at(2));
        assert_eq!(nav.back(), at(1));
        assert_eq!(nav.back(), None);
        assert_eq!(nav.forward(), at(2));
        nav.visit(id(4));
        assert_eq!(nav.forward(), None, "a new visit clears forward");
        assert_eq!(nav.depth(), (2, 0));
        assert_eq!(nav.current(), Some(id(4)));
        assert_eq!(nav.place(), at(4));
    }

    #[test]
    fn previews_are_not_pages() {
        let mut nav = Nav::default();
        nav.visit(id(1));
        nav.visit(id(2));
        for n in 3..30 {
            nav.preview(id(n));
        }
        assert_eq!(nav.depth(), (2, 0), "the opened log went back once");
        assert_eq!(nav.back(), at(2), "back to what was opened");
        assert_eq!(
            nav.depth(),
            (1, 0),
            "the preview is not a page to go forward to"
        );
        nav.preview(id(7));
        nav.visit(id(7));
        nav.visit(id(8));
        assert_eq!(nav.back(), at(7), "opening a preview makes it a page");
    }

    #[test]
    fn revisiting_the_current_log_is_not_a_step() {
        let mut nav = Nav::default();
        nav.visit(id(1));
        nav.visit(id(1));
        assert_eq!(nav.depth(), (0, 0));
    }

    #[test]
    fn the_list_of_calls_is_a_page_between_logs() {
        let mut nav = Nav::default();
        nav.visit(id(1));
        nav.visit(Place::Calls);
        nav.visit(id(2));
        assert_eq!(nav.current(), Some(id(2)));
        assert_eq!(nav.back(), Some(Place::Calls));
        assert_eq!(nav.current(), None, "the list is not a log");
        assert_eq!(nav.back(), at(1));
        assert_eq!(nav.forward(), Some(Place::Calls));
        assert_eq!(nav.forward(), at(2));
    }
}

#[cfg(test)]
mod place_tests {
    use super::*;

    #[test]
    fn a_call_is_a_page_between_logs() {
        let leg = LogRef::voice(uuid::Uuid::from_u128(1));
        let other = LogRef::voice(uuid::Uuid::from_u128(2));
        let mut nav = Nav::default();
        nav.visit(leg);
        nav.visit(Place::Call(leg));
        assert_eq!(nav.current(), None, "no log is looked at in the Call view");
        nav.visit(other);
        assert_eq!(nav.back(), Some(Place::Call(leg)));
        assert_eq!(nav.back(), Some(Place::Record(leg)));
        assert_eq!(nav.forward(), Some(Place::Call(leg)));
    }
}
