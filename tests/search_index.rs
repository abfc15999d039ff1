//! The local index through the binary, against the busy test space: a repeated search and a
//! second question answered from disk in a few requests, `--fresh` and `--offline`, a space that
//! cannot be reached, the whole call, the timestamp probe, and what the index file survives (a
//! symlink, FIFO or directory in its place, damage, two swlogs at once). Each run shares one
//! data directory, as a user's runs do.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;
use swlog::demo::busy::{BusyOptions, BusyServer, PROJECT_ID, TOKEN};

use common::{Ran, Swlog};

fn options() -> BusyOptions {
    BusyOptions {
        rows_per_hour: 600,
        days: 2,
        ..BusyOptions::default()
    }
}

/// swlog on `server`, its data (the index) in `data`.
fn swlog(server: &BusyServer, data: &Path) -> Swlog {
    Swlog::bare()
        .env("SIGNALWIRE_PROJECT_ID", PROJECT_ID)
        .env("SIGNALWIRE_API_TOKEN", TOKEN)
        .env("XDG_DATA_HOME", data.to_str().unwrap())
        .secret(TOKEN)
        .args(["--base-url", &server.base_url()])
}

async fn run(server: &BusyServer, data: &Path, args: &[&str]) -> (Ran, u64) {
    server.reset_counts();
    let ran = swlog(server, data).args(args).run().await;
    (ran, server.counts().list + server.counts().item)
}

fn index_path(data: &Path) -> PathBuf {
    data.join("swlog").join("index.db")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_search_and_another_question_over_the_same_hours_come_from_the_index() {
    let server = BusyServer::start(options()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let search = [
        "list",
        "--since",
        "20h",
        "--number",
        "4155550123",
        "--format",
        "ndjson",
    ];
    let (first, cold) = run(&server, data.path(), &search).await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stdout.lines().count() > 10, "{}", first.stderr);
    assert!(
        cold >= 12,
        "20 hours of 600 an hour is 12 pages at least: {cold}"
    );
    let (again, warm) = run(&server, data.path(), &search).await;
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(ids(&again.stdout), ids(&first.stdout), "the same answer");
    assert!(
        warm <= 3,
        "a repeated search makes at most 3 requests: {warm}"
    );
    assert!(again.stderr.contains("from the index"), "{}", again.stderr);

    // Another question inside the covered hours: the same rows as a fresh read of them.
    let other = [
        "list",
        "--since",
        "6h",
        "status:failed,busy",
        "--format",
        "ndjson",
    ];
    let (indexed, requests) = run(&server, data.path(), &other).await;
    assert!(requests <= 3, "{requests}");
    let (fresh, fresh_requests) =
        run(&server, data.path(), &[&other[..], &["--fresh"]].concat()).await;
    assert!(
        fresh_requests >= 3,
        "--fresh reads the window again: {fresh_requests}"
    );
    assert_eq!(ids(&indexed.stdout), ids(&fresh.stdout));
    assert!(!ids(&fresh.stdout).is_empty());
}

fn ids(ndjson: &str) -> Vec<String> {
    ndjson
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["id"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_answers_from_the_index_and_says_what_it_does_not_cover() {
    let server = BusyServer::start(options()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let all = ["--limit", "100000"];
    let (_, _) = run(
        &server,
        data.path(),
        &[&["list", "--since", "3h", "-q"][..], &all].concat(),
    )
    .await;
    let (ran, requests) = run(
        &server,
        data.path(),
        &[
            &["list", "--since", "5h", "--offline", "--format", "ndjson"][..],
            &all,
        ]
        .concat(),
    )
    .await;
    assert_eq!(requests, 0, "offline asks nothing");
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(!ran.stdout.is_empty());
    assert!(
        ran.stderr.contains("offline") && ran.stderr.contains(" of this window not covered"),
        "{}",
        ran.stderr
    );
    // The three hours held, nothing older.
    let held = server.rows_between(
        server.now() - chrono::TimeDelta::hours(3),
        server.now() + chrono::TimeDelta::seconds(1),
    );
    assert!(ran.stdout.lines().count().abs_diff(held) <= 2, "{held}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_space_that_cannot_be_reached_still_gets_what_the_index_holds() {
    let server = BusyServer::start(options()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let url = server.base_url();
    let args = [
        "list", "--since", "2h", "--format", "ndjson", "--limit", "100000",
    ];
    let (warm, _) = run(&server, data.path(), &args).await;
    drop(server);
    let ran = Swlog::bare()
        .env("SIGNALWIRE_PROJECT_ID", PROJECT_ID)
        .env("SIGNALWIRE_API_TOKEN", TOKEN)
        .env("XDG_DATA_HOME", data.path().to_str().unwrap())
        .args(["--base-url", &url, "--timeout", "3"])
        .args(args)
        .run()
        .await;
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    assert!(ran.stderr.contains("from the index"), "{}", ran.stderr);
    // Everything the index holds: the rows that were to be read again too.
    let now: std::collections::HashSet<_> = ids(&ran.stdout).into_iter().collect();
    let before: std::collections::HashSet<_> = ids(&warm.stdout).into_iter().collect();
    assert_eq!(now, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_call_in_the_same_hour_needs_no_list_request() {
    let server = BusyServer::start(options()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    // Two calls of 26 hours ago, found with another data dir so that nothing is indexed yet.
    let (found, _) = run(
        &server,
        other.path(),
        &[
            "list", "--since", "26h", "--until", "25h", "--type", "laml", "--format", "ndjson",
        ],
    )
    .await;
    let roots: Vec<String> = found
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["parent_id"].is_null())
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(roots.len() > 5);
    // The older call first: its date's stream reads the rest of the date on the way.
    server.reset_counts();
    let first = swlog(&server, data.path())
        .args(["call", &roots[roots.len() - 1], "--no-events"])
        .run()
        .await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    let cold = server.counts();
    assert!(cold.list >= 1);
    server.reset_counts();
    let next = swlog(&server, data.path())
        .args(["call", &roots[1], "--no-events"])
        .run()
        .await;
    assert_eq!(next.code, 0, "{}", next.stderr);
    let warm = server.counts();
    assert_eq!(warm.list, 0, "the call's window is covered");
    assert!(warm.item <= 3, "the leg and its parents: {warm:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_probe_learns_whether_timestamps_narrow_and_remembers_it() {
    for (honour, learnt) in [(true, "timestamps"), (false, "dates")] {
        let server = BusyServer::start(BusyOptions {
            honour_timestamps: honour,
            ..options()
        })
        .await
        .unwrap();
        let data = tempfile::tempdir().unwrap();
        run(
            &server,
            data.path(),
            &["list", "--since", "3h", "-q", "--limit", "100000"],
        )
        .await;
        let (shown, _) = run(&server, data.path(), &["index", "--format", "json"]).await;
        let json: Value = serde_json::from_str(&shown.stdout).unwrap();
        assert_eq!(
            json["spaces"][0]["learnt"]["time_filter"]["value"], learnt,
            "{json}"
        );
        // A cold hour of yesterday: one page when timestamps narrow, the day's pages after it
        // when only dates do.
        let (_, requests) = run(
            &server,
            data.path(),
            &["list", "--since", "30h", "--until", "29h", "-q"],
        )
        .await;
        if honour {
            assert_eq!(requests, 1, "{:?}", server.counts());
        } else {
            assert!(requests > 3, "{requests}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn something_else_where_the_index_should_be_is_left_alone_and_the_search_goes_on() {
    let server = BusyServer::start(options()).await.unwrap();
    let target = tempfile::NamedTempFile::new().unwrap();
    type Make<'a> = Box<dyn Fn(&Path) + 'a>;
    let kinds: [(&str, Make); 3] = [
        (
            "symbolic link",
            Box::new(|p: &Path| std::os::unix::fs::symlink(target.path(), p).unwrap()),
        ),
        (
            "FIFO",
            Box::new(|p: &Path| {
                assert!(
                    std::process::Command::new("mkfifo")
                        .arg(p)
                        .status()
                        .unwrap()
                        .success()
                )
            }),
        ),
        (
            "directory",
            Box::new(|p: &Path| std::fs::create_dir(p).unwrap()),
        ),
    ];
    for (what, make) in kinds {
        let data = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(data.path().join("swlog")).unwrap();
        make(&index_path(data.path()));
        let (ran, _) = run(
            &server,
            data.path(),
            &["list", "--since", "1h", "--format", "ndjson"],
        )
        .await;
        assert_eq!(ran.code, 0, "{what}: {}", ran.stderr);
        assert!(
            !ran.stdout.is_empty(),
            "{what}: the answer comes from the network"
        );
        assert_eq!(
            ran.stderr.matches("not a regular file").count(),
            1,
            "{what}: one notice: {}",
            ran.stderr
        );
    }
    assert_eq!(
        std::fs::read(target.path()).unwrap(),
        b"",
        "the link's target untouched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_index_is_moved_aside_and_rebuilt() {
    let server = BusyServer::start(options()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(data.path().join("swlog")).unwrap();
    let junk = b"SQLite format 3\0 but not really, just junk bytes".repeat(100);
    std::fs::write(index_path(data.path()), &junk).unwrap();
    let (ran, _) = run(
        &server,
        data.path(),
        &["list", "--since", "1h", "--format", "ndjson"],
    )
    .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(!ran.stdout.is_empty());
    assert!(ran.stderr.contains("moved aside"), "{}", ran.stderr);
    let aside: Vec<_> = std::fs::read_dir(data.path().join("swlog"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("index.db.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(
        std::fs::read(data.path().join("swlog").join(&aside[0])).unwrap(),
        junk
    );
    let (again, requests) = run(
        &server,
        data.path(),
        &["list", "--since", "1h", "-q", "--limit", "100000"],
    )
    .await;
    assert!(again.stderr.is_empty(), "{}", again.stderr);
    assert!(requests <= 3, "the new index answers: {requests}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_swlogs_searching_and_indexing_at_once_both_answer_right() {
    let server = BusyServer::start(options()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let args = [
        "list", "--since", "10h", "--format", "ndjson", "--limit", "100000",
    ];
    let (a, b) = tokio::join!(
        swlog(&server, data.path()).args(args).run(),
        swlog(&server, data.path()).args(args).run()
    );
    for ran in [&a, &b] {
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        assert!(!ran.stderr.contains("locked"), "{}", ran.stderr);
    }
    assert_eq!(ids(&a.stdout).len(), ids(&b.stdout).len());
    let expected = server.rows_between(
        server.now() - chrono::TimeDelta::hours(10),
        server.now() + chrono::TimeDelta::seconds(1),
    );
    assert!(
        ids(&a.stdout).len().abs_diff(expected) <= 2,
        "{} vs {expected}",
        ids(&a.stdout).len()
    );
    // Neither left the file unusable, and the token is not in it.
    let (again, _) = run(&server, data.path(), &[&args[..], &["-q"]].concat()).await;
    assert_eq!(ids(&again.stdout), ids(&a.stdout));
    let bytes = std::fs::read(index_path(data.path())).unwrap();
    assert!(!bytes.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_in_the_middle_of_indexing_loses_at_most_the_page_being_written() {
    let server = BusyServer::start(BusyOptions {
        page_latency: std::time::Duration::from_millis(40),
        ..options()
    })
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let args = [
        "list", "--since", "30h", "--format", "ndjson", "--limit", "100000", "-q",
    ];
    for pages in [2, 5, 9] {
        server.reset_counts();
        let (cmd, _home) = swlog(&server, data.path()).args(args).into_std();
        let mut cmd = cmd;
        let mut child = cmd
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while server.counts().list < pages && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    let (ran, _) = run(&server, data.path(), &args).await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(!ran.stderr.contains("damaged"), "{}", ran.stderr);
    let expected = server.rows_between(
        server.now() - chrono::TimeDelta::hours(30),
        server.now() + chrono::TimeDelta::seconds(1),
    );
    assert!(
        ids(&ran.stdout).len().abs_diff(expected) <= 2,
        "{} of {expected}",
        ids(&ran.stdout).len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn index_prune_takes_an_age_and_refuses_anything_else() {
    let server = BusyServer::start(options()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    run(
        &server,
        data.path(),
        &["list", "--since", "3h", "-q", "--limit", "100000"],
    )
    .await;
    let (bad, _) = run(
        &server,
        data.path(),
        &["index", "prune", "--older-than", "bogus"],
    )
    .await;
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("give an age such as 30d"),
        "{}",
        bad.stderr
    );
    let (pruned, requests) = run(
        &server,
        data.path(),
        &["index", "prune", "--older-than", "1h"],
    )
    .await;
    assert_eq!((pruned.code, requests), (0, 0), "{}", pruned.stderr);
    assert!(
        pruned.stderr.contains("rows older than"),
        "{}",
        pruned.stderr
    );
    let (shown, _) = run(&server, data.path(), &["index", "--format", "json"]).await;
    let json: Value = serde_json::from_str(&shown.stdout).unwrap();
    let rows = json["rows"].as_u64().unwrap() as usize;
    let left = server.rows_between(
        server.now() - chrono::TimeDelta::hours(1),
        server.now() + chrono::TimeDelta::seconds(1),
    );
    assert!(rows.abs_diff(left) <= 2, "{rows} vs {left}");
    let covered = json["spaces"][0]["covered"][0]["from"].as_str().unwrap();
    let from: chrono::DateTime<chrono::Utc> = covered.parse().unwrap();
    assert!(
        from >= server.now() - chrono::TimeDelta::minutes(61),
        "coverage pruned too: {from}"
    );
    let (cleared, _) = run(&server, data.path(), &["index", "clear"]).await;
    assert_eq!(cleared.code, 0);
    let (empty, _) = run(&server, data.path(), &["index", "--format", "json"]).await;
    let json: Value = serde_json::from_str(&empty.stdout).unwrap();
    assert_eq!(json["rows"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_limit_over_a_partly_covered_window_is_filled_from_the_newest_rows() {
    let server = BusyServer::start(options()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let hours = |h: i64| (server.now() - chrono::TimeDelta::hours(h)).to_rfc3339();
    let (since4, since5, until1) = (hours(4), hours(5), hours(1));
    let cover = [
        "list", "--since", &since4, "--until", &until1, "--limit", "100000", "-q",
    ];
    run(&server, data.path(), &cover).await;
    // The stored rows read again by the date's stream are counted once, not twice.
    let ask = [
        "list", "--since", &since5, "--until", &until1, "--limit", "2000", "--format", "ndjson",
    ];
    let (ran, _) = run(&server, data.path(), &ask).await;
    let (fresh, _) = run(&server, data.path(), &[&ask[..], &["--fresh"]].concat()).await;
    assert_eq!(ids(&ran.stdout).len(), 2000, "{}", ran.stderr);
    assert_eq!(ids(&ran.stdout), ids(&fresh.stdout));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_index_a_small_limit_still_reads_whole_pages() {
    let server = BusyServer::start(options()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let config = data.path().join("config.toml");
    std::fs::write(&config, "index = false\n").unwrap();
    let since = (server.now() - chrono::TimeDelta::hours(30)).to_rfc3339();
    let until = (server.now() - chrono::TimeDelta::hours(20)).to_rfc3339();
    let args = [
        "--config",
        config.to_str().unwrap(),
        "list",
        "--since",
        &since,
        "--until",
        &until,
        "--limit",
        "3",
    ];
    let (ran, requests) = run(&server, data.path(), &args).await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(
        ran.stdout.lines().count(),
        4,
        "header and 3 rows: {}",
        ran.stdout
    );
    assert!(requests <= 20, "pages of 1,000, not of 3: {requests}");
    assert!(
        !index_path(data.path()).exists(),
        "index = false writes none"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_cap_leaves_a_newest_stretch_without_gaps() {
    let server = BusyServer::start(options()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let args = [
        "list",
        "--since",
        "40h",
        "--max-scan",
        "9000",
        "--limit",
        "100000",
        "--format",
        "ndjson",
    ];
    let (ran, _) = run(&server, data.path(), &args).await;
    assert!(ran.stderr.contains("scan cap reached"), "{}", ran.stderr);
    let times: Vec<chrono::DateTime<chrono::Utc>> = ran
        .stdout
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["created_at"].as_str().unwrap().parse().unwrap()
        })
        .collect();
    let oldest = *times.iter().min().unwrap();
    let held = server.rows_between(oldest, server.now() + chrono::TimeDelta::seconds(1));
    assert!(
        times.len().abs_diff(held) <= 2,
        "{} printed, {held} on the server since the oldest",
        times.len()
    );
}
