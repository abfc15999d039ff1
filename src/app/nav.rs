//! Back and forward through visited logs, like a browser.

use uuid::Uuid;

/// The browsing history of this session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Nav {
    back: Vec<Uuid>,
    current: Option<Uuid>,
    forward: Vec<Uuid>,
}

impl Nav {
    /// The log being looked at.
    pub fn current(&self) -> Option<Uuid> {
        self.current
    }

    /// Goes to `id` as a new page: the current one goes on the back stack, forward is cleared.
    /// Visiting the current log again changes nothing.
    pub fn visit(&mut self, id: Uuid) {
        if self.current == Some(id) {
            return;
        }
        if let Some(current) = self.current.replace(id) {
            self.back.push(current);
        }
        self.forward.clear();
    }

    /// Steps back; the new current log, if there was one to go back to.
    pub fn back(&mut self) -> Option<Uuid> {
        let previous = self.back.pop()?;
        if let Some(current) = self.current.replace(previous) {
            self.forward.push(current);
        }
        Some(previous)
    }

    /// Steps forward; the new current log, if there was one to go forward to.
    pub fn forward(&mut self) -> Option<Uuid> {
        let next = self.forward.pop()?;
        if let Some(current) = self.current.replace(next) {
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

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn back_and_forward_like_a_browser() {
        let mut nav = Nav::default();
        assert_eq!(nav.back(), None);
        nav.visit(id(1));
        nav.visit(id(2));
        nav.visit(id(3));
        assert_eq!(nav.back(), Some(id(2)));
        assert_eq!(nav.back(), Some(id(1)));
        assert_eq!(nav.back(), None);
        assert_eq!(nav.forward(), Some(id(2)));
        nav.visit(id(4));
        assert_eq!(nav.forward(), None, "a new visit clears forward");
        assert_eq!(nav.depth(), (2, 0));
        assert_eq!(nav.current(), Some(id(4)));
    }

    #[test]
    fn revisiting_the_current_log_is_not_a_step() {
        let mut nav = Nav::default();
        nav.visit(id(1));
        nav.visit(id(1));
        assert_eq!(nav.depth(), (0, 0));
    }
}
