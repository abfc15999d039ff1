//! Why a call went wrong, in the inspector: a LaML leg's Compatibility record and recordings,
//! asked in the background once the record (or its whole call) is shown and never for other
//! leg types, kept for the session (and on disk, by the loop's task); the outcome and quality block under a record's fields
//! ("quality: loading…", then the values); the verdict of a whole call; and saving the
//! selected recording into the download directory, its progress in the status bar.

use std::collections::HashMap;
use std::path::PathBuf;

use super::msg::Effect;
use super::notices::{Notice, Scope};
use super::{App, View};
use crate::api::LogRef;
use crate::api::compat::Quality;
use crate::present::RowKey;
use crate::view::detail::{Doc, LABEL_WIDTH, Selectable};
use crate::view::{Line, Role};
use crate::why::load::{self, Answer};
use crate::why::{self, CallWhy, Compat, LegInput, LegWhy};

/// What the Compatibility API said of this session's legs, and the recording being saved.
#[derive(Debug, Default)]
pub struct Answers {
    /// By leg; `None` while it is being asked.
    by_leg: HashMap<LogRef, Option<Answer>>,
    /// Bumped at each answer, so that the views know to rebuild.
    pub(super) version: u64,
    /// Where recordings are saved.
    pub(super) download_dir: Option<PathBuf>,
    /// The sid of the recording being saved.
    saving: Option<String>,
    /// Whether answers are kept on disk, like the logs' bodies.
    pub(super) keep: bool,
}

impl App {
    /// Sets where `D` saves recordings.
    pub fn set_download_dir(&mut self, dir: PathBuf) {
        self.answers.download_dir = Some(dir);
    }

    /// Keeps the Compatibility answers on disk (`cache`, unless `--no-cache`).
    pub fn set_compat_cache(&mut self, keep: bool) {
        self.answers.keep = keep;
    }

    /// Asks about the shown LaML leg, or the LaML legs of the shown whole call, not asked yet.
    pub(super) fn ask_compat(&mut self) -> Vec<Effect> {
        let legs: Vec<(LogRef, crate::api::VoiceLog)> = match &self.view {
            View::Record(id) => self
                .records
                .get(id)
                .map(|f| vec![(*id, f.log.clone())])
                .unwrap_or_default(),
            View::Call(id) => self
                .shown_call()
                .map(|c| {
                    c.tree
                        .legs
                        .iter()
                        .map(|l| (id.sibling(l.id), l.log.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            _ => vec![],
        };
        let mut effects = Vec::new();
        for (id, log) in legs {
            if !load::is_laml(&log) || self.answers.by_leg.contains_key(&id) {
                continue;
            }
            self.answers.by_leg.insert(id, None);
            self.answers.version += 1;
            effects.push(Effect::AskCompat {
                id,
                log: Box::new(log),
                profile: self.origin_for(id).profile,
                keep: self.answers.keep,
            });
        }
        effects
    }

    /// Keeps what the Compatibility API said of leg `id`.
    pub(super) fn on_compat(&mut self, id: LogRef, answer: Answer) {
        self.answers.by_leg.insert(id, Some(answer));
        self.answers.version += 1;
    }

    /// What is known of leg `id` for explaining it: `Loading` while it is asked.
    fn compat_input(
        &self,
        id: LogRef,
        log: &crate::api::VoiceLog,
    ) -> (Compat, Vec<crate::api::compat::Recording>) {
        if !load::is_laml(log) {
            return (Compat::NotLaml, vec![]);
        }
        match self.answers.by_leg.get(&id) {
            Some(Some(a)) => (a.compat.clone(), a.recordings.clone()),
            _ => (Compat::Loading, vec![]),
        }
    }

    /// The shown record explained on its own, when it has anything to say: a LaML leg, or a
    /// leg whose own log carries quality fields.
    pub fn shown_why(&self) -> Option<LegWhy> {
        let View::Record(id) = self.view else {
            return None;
        };
        let log = &self.records.get(&id)?.log;
        if !load::is_laml(log) && Quality::from_object(&log.raw).is_empty() {
            return None;
        }
        let (compat, recordings) = self.compat_input(id, log);
        let input = LegInput {
            log,
            ordinal: 1,
            compat,
            events: None,
            recordings,
        };
        why::explain(&[input]).legs.into_iter().next()
    }

    /// The shown whole call explained, with what is known of each leg so far.
    pub fn shown_call_why(&self) -> Option<CallWhy> {
        let View::Call(id) = self.view else {
            return None;
        };
        let call = self.shown_call()?;
        let known: Vec<(Compat, Vec<_>)> = call
            .tree
            .legs
            .iter()
            .map(|l| self.compat_input(id.sibling(l.id), &l.log))
            .collect();
        let answers: Vec<Answer> = known
            .into_iter()
            .map(|(compat, recordings)| Answer {
                compat,
                recordings,
                ..Answer::not_asked()
            })
            .collect();
        Some(why::explain(&load::inputs(call, &answers)))
    }

    /// The outcome and quality block of the shown record, under its fields.
    pub(super) fn quality_block(&self, doc: &mut Doc) {
        let Some(leg) = self.shown_why() else {
            return;
        };
        doc.blank();
        doc.line(Line::styled("Outcome and quality", Role::Heading));
        let answer = match self.view {
            View::Record(id) => self.answers.by_leg.get(&id),
            _ => None,
        };
        if leg.quality_source == why::QualitySource::None("loading".into()) {
            doc.line(Line::styled("quality: loading…", Role::Dim));
            return;
        }
        for (i, r) in why::lines::rows(&leg).into_iter().enumerate() {
            let key = r.recording.map_or(RowKey::Quality(i), RowKey::Recording);
            let what = if r.label.is_empty() {
                "the value".to_owned()
            } else {
                format!("`{}`", r.label)
            };
            doc.row(Selectable {
                key,
                label: r.label.to_owned(),
                value: r.value.clone(),
                tone: r.tone,
                label_width: LABEL_WIDTH,
                fresh: false,
                link: None,
                copy: Some((what, r.value)),
                line: None,
            });
        }
        if let Some(Some(a)) = answer {
            if let Some(n) = &a.notice {
                doc.para(format!("Note: {n}"), Role::Dim);
            }
            if let Some(n) = &a.recordings_note {
                doc.para(format!("⚠ {n}"), Role::Warn);
            }
        }
        if !leg.recordings.is_empty() {
            let hint = super::bindings::key_hints(
                super::bindings::KeyContext::Fields,
                &[(super::Action::SaveRecording, "save the selected recording")],
            );
            doc.para(hint, Role::Dim);
        }
    }

    /// `w`: saves the selected recording (the only one, when one is not selected) into the
    /// download directory.
    pub(super) fn save_recording(&mut self) -> Vec<Effect> {
        let View::Record(id) = self.view else {
            return vec![];
        };
        let recordings = match self.answers.by_leg.get(&id) {
            Some(Some(a)) => a.recordings.clone(),
            _ => vec![],
        };
        let selected = match self.detail().get().key(self.detail_selected) {
            Some(RowKey::Recording(i)) => Some(*i),
            _ => None,
        };
        let Some(rec) = selected
            .or_else(|| (recordings.len() == 1).then_some(0))
            .and_then(|i| recordings.get(i))
        else {
            let words = if recordings.is_empty() {
                "No recording here to save"
            } else {
                "Select a recording (↓ to its row), then D saves it"
            };
            self.notify(Notice::info(Scope::Action, words).in_slot("recording"));
            return vec![];
        };
        if let Some(sid) = &self.answers.saving {
            let words = format!("Still saving {sid}: one recording at a time");
            self.notify(Notice::info(Scope::Action, words).in_slot("recording"));
            return vec![];
        }
        let Some(dir) = self.answers.download_dir.clone() else {
            self.notify(
                Notice::warn(
                    Scope::Action,
                    "No download directory: set download_dir in the config file",
                )
                .in_slot("recording"),
            );
            return vec![];
        };
        self.answers.saving = Some(rec.sid.clone());
        self.notify(
            Notice::info(Scope::Session, format!("Saving {}…", rec.sid)).in_slot("recording"),
        );
        vec![Effect::SaveRecording {
            id,
            recording: Box::new(rec.clone()),
            dir,
            profile: self.origin_for(id).profile,
        }]
    }

    /// A recording being saved moved on: the status bar says how far.
    pub(super) fn on_recording_progress(&mut self, sid: &str, done: u64, total: Option<u64>) {
        let words = match total.filter(|t| *t > 0) {
            Some(t) => format!("Saving {sid}: {}%", done.saturating_mul(100) / t),
            None => format!("Saving {sid}: {} KB", done / 1024),
        };
        self.notify(Notice::info(Scope::Session, words).in_slot("recording"));
    }

    /// A recording was saved, or not: the status bar says where, or why.
    pub(super) fn on_recording_saved(&mut self, result: Result<String, String>) {
        self.answers.saving = None;
        let notice = match result {
            Ok(words) => Notice::info(Scope::Session, words),
            Err(words) => Notice::error(Scope::Session, words),
        };
        self.notify(notice.in_slot("recording"));
    }
}
