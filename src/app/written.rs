//! The last copy, seen and kept: every copy (`y`, `c`, `Y`, `s`) is remembered with what it is,
//! the list of notices (`m`) shows its text, and `w` writes it to a new file in the download
//! directory (the current one when that does not exist), for when the clipboard cannot be
//! reached (a terminal that refuses OSC 52, no X server).

use super::App;
use super::msg::Effect;
use super::notices::{Notice, Scope};

impl App {
    /// Remembers a copy about to be made.
    pub(super) fn remember_copy(&mut self, effect: &Effect) {
        if let Effect::Copy { what, text } = effect {
            self.last_copy = Some((what.clone(), text.clone()));
        }
    }

    /// The last copy: what it is in words, and its text.
    pub fn last_copy(&self) -> Option<(&str, &str)> {
        self.last_copy
            .as_ref()
            .map(|(what, text)| (what.as_str(), text.as_str()))
    }

    /// `w`: writes the last copy to a new file.
    pub(super) fn write_copy(&mut self) -> Vec<Effect> {
        let Some((what, text)) = self.last_copy.clone() else {
            self.notify(Notice::info(
                Scope::Action,
                "Nothing copied yet: y, c, Y or s copies, then w writes the copy to a file",
            ));
            return vec![];
        };
        let dir = self
            .answers
            .download_dir
            .clone()
            .filter(|d| d.is_dir())
            .unwrap_or_else(|| std::path::PathBuf::from("."));
        let stamp = {
            let clock = self.clock();
            let local = clock.local(clock.now);
            // `2026-12-06 14:03:05 +00:00` → `2026-12-06T1403`.
            let (date, time) = local.split_once(' ').unwrap_or((&local, ""));
            format!("{date}T{}", time.get(..5).unwrap_or("").replace(':', ""))
        };
        let json = what.contains("JSON");
        let kind = if what.contains("ticket") || what.contains("bundle") || what.contains("summary")
        {
            "ticket"
        } else {
            "copy"
        };
        vec![Effect::Write {
            dir,
            stem: format!("swlog-{kind}-{stamp}"),
            ext: if json { "json" } else { "txt" },
            text,
        }]
    }

    /// The last copy was written, or not.
    pub(super) fn on_written(&mut self, result: Result<std::path::PathBuf, String>) {
        let notice = match result {
            Ok(path) => Notice::info(
                Scope::Session,
                format!("Wrote the last copy to {}", path.display()),
            ),
            Err(e) => Notice::error(Scope::Action, format!("Could not write the copy: {e}")),
        };
        self.notify(notice.in_slot("copy"));
    }
}
