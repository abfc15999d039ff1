//! The layer rules of `src/`, checked on the code itself so that they stay true: every
//! top-level module has a place in one order (docs/architecture.md draws it), and a module
//! imports only from modules below it, with at most four named exceptions. Since no import runs
//! up, no two top-level modules can import each other, directly or round a circle. The same
//! check keeps source files (tests aside) under 500 lines.
//!
//! It reads the code as text: comments and string literals are blanked out first, and test
//! code (`tests.rs`, `tests/` folders and `#[cfg(test)]` modules) is left out, since tests may
//! reach across layers.

// clippy.toml allows `expect` inside #[test] functions only; the helpers here are test code too.
#![allow(clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules, lowest first, each with its layer's name. A module may import from
/// the modules before it in this list.
const ORDER: &[(&str, &str)] = &[
    ("text", "base"),
    ("secret", "base"),
    ("fsx", "base"),
    ("clock", "base"),
    ("logging", "base"),
    ("token_command", "base"),
    ("term_input", "base"),
    ("testkit", "base"),
    ("clipboard", "platform"),
    ("api", "api"),
    ("demo", "demo"),
    ("config", "config"),
    ("chain", "domain"),
    ("present", "domain"),
    ("query", "domain"),
    ("list", "domain"),
    ("export", "domain"),
    ("call", "domain"),
    ("calls", "domain"),
    ("summary", "domain"),
    ("why", "domain"),
    ("index", "store"),
    ("history", "store"),
    ("search", "store"),
    ("download", "store"),
    ("tail", "store"),
    ("compat_cache", "store"),
    ("spaces", "session"),
    ("session", "session"),
    ("view", "tui"),
    ("app", "tui"),
    ("ui", "tui"),
    ("tui", "tui"),
    ("inspector", "tui"),
    ("cmd", "bin"),
];

/// Imports allowed to run up, each as (file, module it imports) with the reason; at most four.
const EXCEPTIONS: &[(&str, &str, &str)] = &[];

/// Source files longer than this (tests aside) are rooms with more than one job.
const MAX_LINES: usize = 500;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Whether `rel` (relative to src/) is test code as a whole file.
fn is_test_file(rel: &Path) -> bool {
    rel.file_name().is_some_and(|n| n == "tests.rs")
        || rel.components().any(|c| c.as_os_str() == "tests")
}

/// The module path of a file: `a/b.rs` and `a/b/mod.rs` are `[a, b]`; `lib.rs` and `main.rs`
/// are the crate root.
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && !(parts.is_empty() && (stem == "lib" || stem == "main")) {
        parts.push(stem.to_owned());
    }
    parts
}

/// The code of `text` with comments removed and string and char literals emptied, so that
/// neither a doc comment nor a message naming `crate::x` counts as an import.
fn code_only(text: &str) -> String {
    strip(text, false)
}

/// `text` without its comments, string literals kept.
fn without_comments(text: &str) -> String {
    strip(text, true)
}

fn strip(text: &str, keep_strings: bool) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == b'r'
            && (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#'))
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                out.push('r');
                i += 1;
                continue;
            }
            j += 1;
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            while j < b.len() && !b[j..].starts_with(&close) {
                j += 1;
            }
            let end = (j + close.len()).min(b.len());
            if keep_strings {
                out.push_str(&text[i..end]);
            } else {
                out.push_str("\"\"");
            }
            i = end;
        } else if c == b'"' {
            let start = i;
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            if keep_strings {
                out.push_str(&text[start..i.min(b.len())]);
            } else {
                out.push_str("\"\"");
            }
        } else if c == b'\'' && (b.get(i + 2) == Some(&b'\'') || (b.get(i + 1) == Some(&b'\\'))) {
            // A char literal ('x', '\n', '\u{1b}'); a lifetime ('a) has no closing quote.
            let mut j = i + 1;
            if b.get(j) == Some(&b'\\') {
                j += 1;
            }
            while j < b.len() && b[j] != b'\'' {
                j += 1;
            }
            i = j + 1;
            out.push_str("' '");
        } else {
            // Whole characters, whatever their length in bytes.
            let ch = text[i..].chars().next().expect("a char");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// `code` without its `#[cfg(test)]` items (a `mod tests { … }`, a test-only function).
fn without_test_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        // The item ends at its first `;` before any `{`, or at the brace closing its first `{`.
        let semi = after.find(';');
        let open = after.find('{');
        let end = match (semi, open) {
            (Some(s), Some(o)) if s < o => s + 1,
            (_, Some(o)) => {
                let mut depth = 0;
                let mut end = after.len();
                for (k, ch) in after[o..].char_indices() {
                    match ch {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = o + k + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (Some(s), None) => s + 1,
            (None, None) => after.len(),
        };
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The identifier at the start of `s` (after spaces).
fn ident(s: &str) -> &str {
    let s = s.trim_start();
    let end = s.find(|c: char| !is_ident(c)).unwrap_or(s.len());
    &s[..end]
}

/// The top-level modules `code` (of the module at `path`) names, by `crate::x`,
/// `crate::{x, y::z}` or enough `super::` to climb to the crate root.
fn targets(code: &str, path: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = code.as_bytes();
    for (at, _) in code.match_indices("crate::") {
        if at > 0 && is_ident(bytes[at - 1] as char) {
            continue;
        }
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.trim_start().strip_prefix('{') {
            // Top-level names of the group: those after `{` or a `,` at depth 0.
            let mut depth = 0;
            let mut expect = true;
            for (k, ch) in group.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => expect = true,
                    c if expect && is_ident(c) => {
                        out.insert(ident(&group[k..]).to_owned());
                        expect = false;
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(ident(rest).to_owned());
        }
    }
    // `super::super::x` from a module `depth` levels down reaches the root when it climbs
    // `depth` times.
    let depth = path.len();
    if depth > 0 {
        let climb = "super::".repeat(depth);
        for (at, _) in code.match_indices(climb.as_str()) {
            if at > 0 && is_ident(bytes[at - 1] as char) {
                continue;
            }
            let rest = &code[at + climb.len()..];
            if rest.starts_with("super::") {
                continue;
            }
            if let Some(group) = rest.strip_prefix('{') {
                for name in group.split('}').next().unwrap_or("").split(',') {
                    out.insert(ident(name).to_owned());
                }
            } else {
                out.insert(ident(rest).to_owned());
            }
        }
    }
    out.retain(|t| !t.is_empty() && t != "self");
    out
}

/// Each source file (tests aside) relative to src/, with its code and its length in lines.
fn sources() -> Vec<(PathBuf, String, usize)> {
    let mut all = Vec::new();
    files(&src(), &mut all);
    all.sort();
    all.into_iter()
        .filter_map(|path| {
            let rel = path.strip_prefix(src()).expect("under src").to_path_buf();
            if is_test_file(&rel) {
                return None;
            }
            let text = std::fs::read_to_string(&path).expect("read a source file");
            let lines = text.lines().count();
            Some((rel, without_test_items(&code_only(&text)), lines))
        })
        .collect()
}

/// Every import of a top-level module by a file of another, as (file, from, to).
fn imports() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (rel, code, _) in sources() {
        let path = module_path(&rel);
        let Some(from) = path.first() else {
            continue; // lib.rs and main.rs: the root declares the modules.
        };
        for to in targets(&code, &path) {
            if &to != from {
                out.push((rel.display().to_string(), from.clone(), to));
            }
        }
    }
    out
}

fn rank(module: &str) -> Option<usize> {
    ORDER.iter().position(|(m, _)| *m == module)
}

#[test]
fn every_top_level_module_has_a_place_in_the_layers() {
    let mut unplaced = BTreeSet::new();
    for (rel, _, _) in sources() {
        if let Some(top) = module_path(&rel).first()
            && rank(top).is_none()
        {
            unplaced.insert(top.clone());
        }
    }
    assert!(
        unplaced.is_empty(),
        "give these modules a place in ORDER (and in docs/architecture.md): {unplaced:?}"
    );
}

#[test]
fn no_import_runs_up_a_layer_but_the_named_exceptions() {
    assert!(EXCEPTIONS.len() <= 4, "at most four exceptions");
    let mut up = Vec::new();
    let mut used = BTreeSet::new();
    for (file, from, to) in imports() {
        let (Some(a), Some(b)) = (rank(&from), rank(&to)) else {
            continue; // Not a module (a macro or a type at the crate root), or unplaced.
        };
        if b > a {
            if let Some(e) = EXCEPTIONS.iter().find(|(f, t, _)| *f == file && *t == to) {
                used.insert((e.0, e.1));
            } else {
                up.push(format!(
                    "{file} ({from}, {}) imports {to} ({})",
                    ORDER[a].1, ORDER[b].1
                ));
            }
        }
    }
    assert!(up.is_empty(), "imports that run up:\n{}", up.join("\n"));
    let stale: Vec<_> = EXCEPTIONS
        .iter()
        .filter(|(f, t, _)| !used.contains(&(*f, *t)))
        .collect();
    assert!(stale.is_empty(), "exceptions no longer needed: {stale:?}");
}

#[test]
fn no_two_top_level_modules_import_each_other_round_a_circle() {
    // Redundant with the order while there are no exceptions; it names the circle if one of
    // them closes one.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, from, to) in imports() {
        if rank(&to).is_some() {
            graph.entry(from).or_default().insert(to);
        }
    }
    fn reaches(
        graph: &BTreeMap<String, BTreeSet<String>>,
        from: &str,
        goal: &str,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        graph.get(from).into_iter().flatten().any(|next| {
            next == goal || (seen.insert(next.clone()) && reaches(graph, next, goal, seen))
        })
    }
    let circles: Vec<&String> = graph
        .keys()
        .filter(|m| reaches(&graph, m, m, &mut BTreeSet::new()))
        .collect();
    assert!(circles.is_empty(), "modules on a circle: {circles:?}");
}

#[test]
fn no_source_file_is_over_500_lines_tests_aside() {
    let long: Vec<String> = sources()
        .into_iter()
        .filter(|(_, _, lines)| *lines > MAX_LINES)
        .map(|(rel, _, lines)| format!("{} ({lines})", rel.display()))
        .collect();
    assert!(long.is_empty(), "split these: {long:?}");
}

#[test]
fn the_api_paths_are_written_in_one_module() {
    const PATHS: &str = "api/paths.rs";
    let mut all = Vec::new();
    files(&src(), &mut all);
    let mut elsewhere = Vec::new();
    for path in all {
        let rel = path.strip_prefix(src()).expect("under src").to_path_buf();
        if is_test_file(&rel) || rel == Path::new(PATHS) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read a source file");
        let code = without_test_items(&without_comments(&text));
        if code.contains("\"/api/") {
            elsewhere.push(rel.display().to_string());
        }
    }
    assert!(
        elsewhere.is_empty(),
        "API paths written outside {PATHS}: {elsewhere:?}"
    );
}

#[test]
fn the_reader_sees_imports_and_not_comments_or_strings() {
    let code = code_only(
        "use crate::api::X; // crate::cmd\n/* crate::ui */ let s = \"crate::app\"; \
         let r = r#\"crate::view\"#; let c = '\"'; use crate::{text, history::{a, b}};\n\
         fn f<'a>(x: &'a str) { super::super::config::load(); }",
    );
    let found = targets(&code, &["app".to_owned(), "keys".to_owned()]);
    let want: BTreeSet<String> = ["api", "text", "history", "config"]
        .map(str::to_owned)
        .into();
    assert_eq!(found, want);
    let tested = without_test_items(&code_only(
        "use crate::a;\n#[cfg(test)]\nmod tests { use crate::b; fn g() {} }\n#[cfg(test)]\nmod more;\nuse crate::c;",
    ));
    assert_eq!(
        targets(&tested, &["x".to_owned()]),
        ["a", "c"].map(str::to_owned).into()
    );
}
