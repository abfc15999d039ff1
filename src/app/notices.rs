//! What the inspector tells the user besides the panes: a queue of notices instead of one
//! message slot, so that a later message never hides an earlier warning. A notice goes away
//! only by expiring (info, through the loop's deadline), being dismissed, or its scope ending.

use std::time::{Duration, Instant};

/// How long an info notice stays.
pub const INFO_FOR: Duration = Duration::from_secs(6);

/// How a notice reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Something done; expires by itself.
    Info,
    /// Something the user should know; kept until dismissed or its scope ends.
    Warn,
    /// Something that went wrong; kept until dismissed or its scope ends.
    Error,
}

/// How long a notice is relevant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The whole session (start-up and history warnings; info that should outlive the next
    /// key, which expires anyway): ends only when dismissed.
    Session,
    /// The current lookup: ends when another lookup starts.
    Lookup,
    /// One action (a key press): ends when the next action starts.
    Action,
}

/// One notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// How it reads.
    pub level: Level,
    /// How long it is relevant.
    pub scope: Scope,
    /// What it says.
    pub text: String,
    /// A notice with the same slot replaces this one (e.g. the last copy, the last refresh).
    pub slot: Option<&'static str>,
}

impl Notice {
    /// An info notice.
    pub fn info(scope: Scope, text: impl Into<String>) -> Self {
        Self::new(Level::Info, scope, text)
    }

    /// A warning.
    pub fn warn(scope: Scope, text: impl Into<String>) -> Self {
        Self::new(Level::Warn, scope, text)
    }

    /// An error.
    pub fn error(scope: Scope, text: impl Into<String>) -> Self {
        Self::new(Level::Error, scope, text)
    }

    fn new(level: Level, scope: Scope, text: impl Into<String>) -> Self {
        let text: String = text.into();
        // Notices quote paths, settings and server words: made safe once, here, for all of them.
        let text = match crate::text::sanitize(&text) {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(safe) => safe,
        };
        Self {
            level,
            scope,
            text,
            slot: None,
        }
    }

    /// The same notice, replacing any earlier one in `slot`.
    #[must_use]
    pub fn in_slot(mut self, slot: &'static str) -> Self {
        self.slot = Some(slot);
        self
    }
}

/// A notice in the queue.
#[derive(Debug, Clone)]
pub struct Queued {
    /// The notice.
    pub notice: Notice,
    /// When it expires (info only).
    pub expires: Option<Instant>,
}

/// The notices shown, oldest first.
#[derive(Debug, Default)]
pub struct Notices {
    items: Vec<Queued>,
}

impl Notices {
    /// Adds a notice as the newest. The same text, or the same slot, replaces the older one.
    pub fn push(&mut self, notice: Notice, now: Instant) {
        self.items.retain(|q| {
            q.notice.text != notice.text && (notice.slot.is_none() || q.notice.slot != notice.slot)
        });
        let expires = (notice.level == Level::Info).then(|| now + INFO_FOR);
        self.items.push(Queued { notice, expires });
    }

    /// Drops the notice in `slot`, if any.
    pub fn end_slot(&mut self, slot: &'static str) {
        self.items.retain(|q| q.notice.slot != Some(slot));
    }

    /// Ends a scope: its notices go.
    pub fn end_scope(&mut self, scope: Scope) {
        self.items.retain(|q| q.notice.scope != scope);
    }

    /// Drops the notices expired at `now`; whether any went.
    pub fn expire(&mut self, now: Instant) -> bool {
        let before = self.items.len();
        self.items.retain(|q| q.expires.is_none_or(|at| at > now));
        self.items.len() != before
    }

    /// When the next notice expires.
    pub fn next_expiry(&self) -> Option<Instant> {
        self.items.iter().filter_map(|q| q.expires).min()
    }

    /// Dismisses the notice at `index` (oldest first).
    pub fn dismiss(&mut self, index: usize) {
        if index < self.items.len() {
            self.items.remove(index);
        }
    }

    /// Dismisses every notice.
    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// The newest notice.
    pub fn newest(&self) -> Option<&Notice> {
        self.items.last().map(|q| &q.notice)
    }

    /// All notices, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Notice> + ExactSizeIterator {
        self.items.iter().map(|q| &q.notice)
    }

    /// How many notices there are.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_later_notice_never_hides_an_earlier_warning() {
        let now = Instant::now();
        let mut n = Notices::default();
        n.push(Notice::warn(Scope::Session, "history damaged"), now);
        n.push(
            Notice::info(Scope::Session, "copies go through OSC 52"),
            now,
        );
        n.end_scope(Scope::Lookup);
        assert_eq!(
            n.newest().map(|n| n.text.as_str()),
            Some("copies go through OSC 52")
        );
        assert!(n.expire(now + INFO_FOR));
        assert_eq!(n.newest().map(|n| n.text.as_str()), Some("history damaged"));
        assert!(!n.expire(now + INFO_FOR * 100), "a warning never expires");
        assert_eq!(n.next_expiry(), None);
    }

    #[test]
    fn scopes_end_only_their_notices() {
        let now = Instant::now();
        let mut n = Notices::default();
        n.push(Notice::error(Scope::Lookup, "not found"), now);
        n.push(Notice::error(Scope::Action, "could not copy"), now);
        n.push(Notice::warn(Scope::Session, "not saved"), now);
        n.end_scope(Scope::Action);
        assert_eq!(n.len(), 2);
        n.end_scope(Scope::Lookup);
        assert_eq!(
            n.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(),
            ["not saved"]
        );
        n.dismiss(0);
        assert!(n.is_empty());
    }

    #[test]
    fn a_slot_or_the_same_text_replaces_the_older_notice() {
        let now = Instant::now();
        let mut n = Notices::default();
        n.push(Notice::info(Scope::Action, "Copied a").in_slot("copy"), now);
        n.push(Notice::warn(Scope::Session, "not saved"), now);
        n.push(Notice::info(Scope::Action, "Copied b").in_slot("copy"), now);
        n.push(Notice::warn(Scope::Session, "not saved"), now);
        let texts: Vec<_> = n.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(texts, ["Copied b", "not saved"]);
    }
}
