//! What the panes show and where, below both the state ([`crate::app`]) and the drawing
//! ([`crate::ui`]): the panes' rectangles, the detail document and its layout at a width, the
//! Events view's lines, the sidebar's rows. The state builds and caches these; drawing only
//! styles them (a [`Role`] becomes a colour) and puts the visible part on screen, so drawing,
//! mouse hit-testing, selection and copying read the same spans by construction.

pub mod calls;
pub mod charges;
pub mod detail;
pub mod events;
pub mod grouped;
pub mod layout;
pub mod sidebar;
pub mod tree;

use crate::api::model::Outcome;
use crate::present::Tone;

/// The spinner's frames, shown while something loads.
pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// What a piece of text is, for the theme to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Ordinary text.
    Plain,
    /// A title.
    Title,
    /// A section heading.
    Heading,
    /// A row's label.
    Label,
    /// Secondary text.
    Dim,
    /// Something to look at.
    Warn,
    /// A failure.
    Error,
    /// A good outcome.
    Good,
    /// A value the last live refresh changed.
    Changed,
    /// The filled part of a charge bar.
    Bar,
    /// A value's tone.
    Tone(Tone),
    /// A status's outcome.
    Outcome(Outcome),
}

/// A run of text in one role.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The text, already sanitised.
    pub text: String,
    /// How it looks.
    pub role: Role,
}

/// One line of a pane.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    /// Its runs, left to right.
    pub spans: Vec<Span>,
}

impl Line {
    /// A line of one run.
    pub fn styled(text: impl Into<String>, role: Role) -> Self {
        Self {
            spans: vec![Span {
                text: text.into(),
                role,
            }],
        }
    }

    /// An empty line.
    pub fn blank() -> Self {
        Self::default()
    }

    /// A line of several runs.
    pub fn of(spans: impl IntoIterator<Item = (String, Role)>) -> Self {
        Self {
            spans: spans
                .into_iter()
                .map(|(text, role)| Span { text, role })
                .collect(),
        }
    }

    /// The text without roles.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// `text` wrapped to `width` columns: at spaces, else before a `/` (so a URL's path keeps its
/// IDs whole), else anywhere (dates and IDs have no hyphens to split at). Never empty: an
/// empty text is one empty line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let options = textwrap::Options::new(width.max(1))
        .break_words(true)
        .word_separator(textwrap::WordSeparator::Custom(spaces_and_slashes))
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let lines: Vec<String> = textwrap::wrap(text, options)
        .into_iter()
        .map(|c| c.into_owned())
        .collect();
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

/// The words between spaces, each cut again before every `/` but a leading one (`https://`
/// stays together with what follows only up to its host).
fn spaces_and_slashes(line: &str) -> Box<dyn Iterator<Item = textwrap::core::Word<'_>> + '_> {
    Box::new(
        textwrap::WordSeparator::AsciiSpace
            .find_words(line)
            .flat_map(|w| {
                let mut parts = Vec::new();
                let mut start = 0;
                for (i, _) in w.word.match_indices('/') {
                    if i > start && !w.word[..i].ends_with('/') {
                        parts.push(textwrap::core::Word::from(&w.word[start..i]));
                        start = i;
                    }
                }
                let mut last = textwrap::core::Word::from(&w.word[start..]);
                last.whitespace = w.whitespace;
                parts.push(last);
                parts
            }),
    )
}

/// How many lines the raw JSON view of `raw` takes: serde_json's pretty form, which the view
/// draws line for line.
pub fn json_line_count(raw: &serde_json::Value) -> usize {
    serde_json::to_string_pretty(raw).map_or(0, |s| s.lines().count())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Every file under `dir`, in its folders too.
    fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.extend(files_under(&path));
            } else {
                files.push(path);
            }
        }
        files
    }

    /// The lines of every source file under `src/<dir>` that name module `module` as a path
    /// (`module::…`, or `crate::module` in a `use`), comments left out.
    fn naming(dir: &str, module: &str) -> Vec<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
        let mut found = Vec::new();
        let mut files = files_under(&root);
        files.sort();
        assert!(!files.is_empty(), "{} has no files", root.display());
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                let names = code.match_indices(module).any(|(i, _)| {
                    let before = code[..i].chars().next_back();
                    let after = &code[i + module.len()..];
                    !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                        && (after.starts_with("::")
                            || (code[..i].ends_with("crate::")
                                && !after.starts_with(|c: char| c.is_alphanumeric() || c == '_')))
                });
                if names {
                    found.push(format!("{}:{}: {line}", path.display(), n + 1));
                }
            }
        }
        found
    }

    /// The state never reaches into drawing to learn where a row is: it owns the layout (here,
    /// in `view`), and `ui` only draws it. `view` itself knows neither.
    #[test]
    fn the_state_never_names_the_drawing_code_and_the_view_names_neither() {
        assert_eq!(naming("app", "ui"), Vec::<String>::new());
        assert_eq!(naming("view", "ui"), Vec::<String>::new());
        assert_eq!(naming("view", "app"), Vec::<String>::new());
        // The check itself finds what it looks for.
        assert!(!naming("ui", "app").is_empty());
    }
}
