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
        sql::<i64>(dir.path(), "SELECT count(*) FROM bodies"),
        4 * per_thread as i64
    );
}

const CHILD_DIR: &str = "SWLOG_TEST_HISTORY_DIR";
const CHILD_TAG: &str = "SWLOG_TEST_HISTORY_TAG";
const CHILD_COUNT: &str = "SWLOG_TEST_HISTORY_COUNT";
const CHILD_BATCH: &str = "SWLOG_TEST_HISTORY_BATCH";

/// Runs this test binary again as a separate process that records lookups.
fn spawn_writer(dir: &Path, tag: u128, count: u128) -> std::process::Child {
    spawn(dir, tag, count, false)
}

/// Runs this test binary again as a process that records lookups, in a batch when `batch`.
fn spawn(dir: &Path, tag: u128, count: u128, batch: bool) -> std::process::Child {
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
        .env(CHILD_BATCH, if batch { "1" } else { "" })
        .stdin(Stdio::null())
        .stdout(if batch { Stdio::piped() } else { Stdio::null() })
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The child side of the multi-process tests: does nothing unless spawned by them. Records
/// `COUNT` lookups tagged `TAG` (forever when `COUNT` is 0), each with a body; in a batch (as
/// `swlog get` does) when `BATCH` is set, writing to stdout the number of each lookup once its
/// write is committed.
#[test]
#[ignore = "run by the multi-process tests as a separate process"]
fn child_writer() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let tag: u128 = std::env::var(CHILD_TAG).unwrap().parse().unwrap();
    let count: u128 = std::env::var(CHILD_COUNT).unwrap().parse().unwrap();
    let batch = std::env::var(CHILD_BATCH).is_ok_and(|b| !b.is_empty());
    let options = Options {
        cap: 100_000,
        cache: true,
    };
    let mut h = open_with(Path::new(&dir), options);
    if batch {
        h.batch_saves(Duration::from_millis(100));
    }
    let mut out = std::io::stdout();
    let mut i = 0;
    while count == 0 || i < count {
        let n = tag << 32 | i;
        let body = format!("{{\"n\":{n},\"pad\":\"{}\"}}", "x".repeat(2000));
        ok(h.record(record_of(n, 0, "+1"), Some((&body, Utc::now()))));
        if batch && i % 10 == 9 {
            // Every tenth lookup, wait for the writer: everything up to it is committed.
            ok(h.flush());
            use std::io::Write as _;
            let _ = writeln!(out, "committed {i}");
            let _ = out.flush();
        }
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

/// The history's promise under kill -9: a batch of lookups killed at any moment, 300 times,
/// loses nothing it had committed, and the database always opens whole, with every body
/// readable.
#[test]
fn a_batch_killed_at_any_moment_300_times_loses_nothing_committed() {
    use std::io::BufRead as _;
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        cap: 100_000,
        cache: true,
    };
    // A stand-in for the kill's timing: each round lets the child commit a few writes first.
    let rounds = 300u64;
    for round in 0..rounds {
        let tag = u128::from(round) + 1;
        let mut child = spawn(dir.path(), tag, 0, true);
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = std::io::BufReader::new(stdout).lines();
        // Kill after a number of committed checkpoints that varies with the round, then at a
        // moment that varies too (0 to 3 ms into the next writes).
        let checkpoints = 1 + round % 3;
        let mut committed = None;
        let mut seen = 0;
        // The test harness writes its own lines too.
        for line in lines.by_ref().map_while(Result::ok) {
            if let Some(n) = line.strip_prefix("committed ") {
                committed = n.parse::<u128>().ok();
                seen += 1;
                if seen == checkpoints {
                    break;
                }
            }
        }
        std::thread::sleep(Duration::from_micros(round * 37 % 3000));
        child.kill().unwrap();
        child.wait().unwrap();
        let (h, warnings) = History::open(dir.path(), options.clone());
        assert!(warnings.is_empty(), "round {round}: {warnings:?}");
        let committed = committed.expect("the child committed before it was killed");
        for i in 0..=committed {
            let n = tag << 32 | i;
            assert!(
                h.get(id(n)).is_some(),
                "round {round}: lookup {i} of {committed} lost"
            );
            let (body, _) = h.cached_body(id(n)).expect("its body");
            serde_json::from_str::<serde_json::Value>(&body).unwrap();
        }
    }
}

/// Two inspectors (their saves deferred to a save thread each) and a batch of lookups, all at
/// once on one database: every lookup of each is there at the end, in each of them.
#[test]
fn two_inspectors_and_a_batch_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        cap: 100_000,
        cache: true,
    };
    let per = 40u128;
    let inspectors: Vec<_> = (1..=2u128)
        .map(|tag| {
            let (dir, options) = (dir.path().to_path_buf(), options.clone());
            std::thread::spawn(move || {
                let (mut h, _) = History::open(&dir, options);
                h.defer_saves();
                let mut saver = Saver::default();
                for i in 0..per {
                    let n = tag << 32 | i;
                    ok(h.record(record_of(n, 0, "+1"), Some(("{}", Utc::now()))));
                    if i % 3 == 0 {
                        ok(h.pin(id(n)));
                    }
                    if let Some(save) = h.take_save() {
                        h.saved(saver.run(save));
                    }
                }
                ok(h.reload());
                if let Some(save) = h.take_save() {
                    h.saved(saver.run(save));
                }
            })
        })
        .collect();
    let batch = {
        let (dir, options) = (dir.path().to_path_buf(), options.clone());
        std::thread::spawn(move || {
            let (mut h, _) = History::open_batched(&dir, options, Duration::from_millis(100));
            for i in 0..per {
                ok(h.record(record_of(3 << 32 | i, 0, "+1"), Some(("{}", Utc::now()))));
            }
            ok(h.flush());
        })
    };
    for t in inspectors {
        t.join().unwrap();
    }
    batch.join().unwrap();
    let h = open_with(dir.path(), options);
    for tag in 1..=3u128 {
        for i in 0..per {
            let n = tag << 32 | i;
            let e = h.get(id(n)).unwrap_or_else(|| panic!("lost {tag}/{i}"));
            assert_eq!(e.pinned, tag < 3 && i % 3 == 0, "{tag}/{i}");
            assert!(h.cached_body(id(n)).is_some(), "body of {tag}/{i}");
        }
    }
}
