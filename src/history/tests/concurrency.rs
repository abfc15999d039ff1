//! Several writers at once: threads, and other swlog processes (this test binary run again),
//! one of them killed mid-write.

use super::*;

#[test]
fn threads_writing_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let per_thread = 15u128;
    let threads: Vec<_> = (0..4u128)
        .map(|tag| {
            let dir = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let mut h = open(&dir);
                for i in 0..per_thread {
                    let n = tag << 32 | i;
                    ok(h.record(record_of(n, 0, "+1"), Some(("{}", t(0)))));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let h = open(dir.path());
    assert_eq!(h.entries().len(), 4 * per_thread as usize);
    assert_eq!(
        files_under(&dir.path().join("cache")).len(),
        4 * per_thread as usize
    );
}

const CHILD_DIR: &str = "SWLOG_TEST_HISTORY_DIR";
const CHILD_TAG: &str = "SWLOG_TEST_HISTORY_TAG";
const CHILD_COUNT: &str = "SWLOG_TEST_HISTORY_COUNT";

/// Runs this test binary again as a separate process that records lookups.
fn spawn_writer(dir: &Path, tag: u128, count: u128) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "history::tests::concurrency::child_writer",
            "--exact",
            "--ignored",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, dir)
        .env(CHILD_TAG, tag.to_string())
        .env(CHILD_COUNT, count.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The child side of the multi-process tests: does nothing unless spawned by them. Records
/// `COUNT` lookups tagged `TAG` (forever when `COUNT` is 0), each with a body.
#[test]
#[ignore = "run by the multi-process tests as a separate process"]
fn child_writer() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let tag: u128 = std::env::var(CHILD_TAG).unwrap().parse().unwrap();
    let count: u128 = std::env::var(CHILD_COUNT).unwrap().parse().unwrap();
    let mut h = open_with(
        Path::new(&dir),
        Options {
            cap: 100_000,
            cache: true,
        },
    );
    let mut i = 0;
    while count == 0 || i < count {
        let n = tag << 32 | i;
        let body = format!("{{\"n\":{n},\"pad\":\"{}\"}}", "x".repeat(2000));
        ok(h.record(record_of(n, 0, "+1"), Some((&body, Utc::now()))));
        i += 1;
    }
}

#[test]
fn two_processes_writing_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let count = 25u128;
    let children = [
        spawn_writer(dir.path(), 1, count),
        spawn_writer(dir.path(), 2, count),
    ];
    let mut h = open_with(
        dir.path(),
        Options {
            cap: 100_000,
            cache: true,
        },
    );
    for i in 0..count {
        ok(h.record(record_of(3 << 32 | i, 0, "+1"), None));
    }
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    ok(h.reload());
    let all = ids(&h);
    assert_eq!(all.len(), 3 * count as usize);
    for tag in 1..=3u128 {
        for i in 0..count {
            assert!(all.contains(&id(tag << 32 | i)), "lost {tag}/{i}");
        }
    }
}

#[test]
fn a_process_killed_at_any_moment_leaves_a_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    for (round, delay_ms) in [7u64, 23, 41, 66].into_iter().enumerate() {
        let mut child = spawn_writer(dir.path(), round as u128 + 1, 0);
        let started = Instant::now();
        while !file(dir.path()).exists() && started.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();
        // The next swlog finds a whole file: no damage reported, every body readable.
        let h = open_with(
            dir.path(),
            Options {
                cap: 100_000,
                cache: true,
            },
        );
        assert!(!h.entries().is_empty());
        for e in h.entries() {
            let (body, _) = h.cached_body(e.id).unwrap_or_default();
            if !body.is_empty() {
                serde_json::from_str::<serde_json::Value>(&body).unwrap();
            }
        }
        assert!(temp_files(dir.path()).is_empty());
    }
}
