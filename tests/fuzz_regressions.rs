//! Inputs found by fuzzing (`fuzz/`, see its README) or saved as seeds for it, replayed in the
//! normal suite: each file in tests/fuzz-corpus/ is a response body that must parse (or be
//! refused with an error) and render without a panic or a control character on screen.

mod common;

use common::frame::{assert_renders_clean, fetched_from_bytes};

#[test]
fn every_saved_fuzz_input_parses_and_renders_clean() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    for file in files {
        let body = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let name = file.display();
        // A body that is not a JSON object is an error for the user, which is fine; what
        // parses must render clean.
        if let Ok(fetched) = fetched_from_bytes(&body) {
            let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                assert_renders_clean(&fetched)
            }));
            assert!(drawn.is_ok(), "{name} failed to render clean");
        }
    }
}
