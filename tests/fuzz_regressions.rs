//! Inputs found by fuzzing (`fuzz/`, see its README) or saved as seeds for it, replayed in the
//! normal suite: each file in tests/fuzz-corpus/ is a voice-log response body, and each in
//! tests/fuzz-corpus/events/ an events body, that must parse (or be refused with an error) and
//! render without a panic or a control character on screen.

mod common;

use std::path::{Path, PathBuf};

use common::frame::{
    assert_events_render_clean, assert_renders_clean, events_from_bytes, fetched_from_bytes,
};

/// The files directly in `tests/fuzz-corpus/` + `sub`, sorted.
fn inputs(sub: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-corpus")
        .join(sub);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    files
}

#[test]
fn every_saved_fuzz_input_parses_and_renders_clean() {
    for file in inputs("") {
        let body = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        // A body that is not a JSON object is an error for the user, which is fine; what
        // parses must render clean.
        if let Ok(fetched) = fetched_from_bytes(&body) {
            let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                assert_renders_clean(&fetched)
            }));
            assert!(drawn.is_ok(), "{} failed to render clean", file.display());
        }
    }
}

#[test]
fn every_saved_events_input_parses_and_renders_clean() {
    for file in inputs("events") {
        let body = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        if let Ok(events) = events_from_bytes(&body) {
            let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                assert_events_render_clean(&events)
            }));
            assert!(drawn.is_ok(), "{} failed to render clean", file.display());
        }
    }
}

#[test]
fn every_saved_query_input_parses_or_is_refused_cleanly() {
    use chrono::TimeZone as _;
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 25, 17, 0, 0)
        .single()
        .expect("a valid date");
    let clock = swlog::present::format::Clock::fixed(now);
    for file in inputs("query") {
        let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let text = String::from_utf8_lossy(&bytes);
        match swlog::query::Query::parse(&text, &clock) {
            Ok(q) => {
                let described = q.describe(&clock);
                assert!(
                    !described.chars().any(char::is_control),
                    "{}",
                    file.display()
                );
                if let (Some(s), Some(u)) = (q.since, q.until) {
                    assert!(s < u, "{}", file.display());
                }
            }
            Err(e) => assert!(
                !e.to_string().chars().any(char::is_control),
                "{}",
                file.display()
            ),
        }
    }
}
