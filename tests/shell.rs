//! swlog in a shell's habits (issue 14), as a user runs it: the real binary against wiremock or
//! the demo server on 127.0.0.1. Completion scripts parse in their shells, the man page renders,
//! CSV round-trips hostile cells through a CSV parser, `--fields` orders columns and refuses
//! unknown names before any request, `--watch` follows a record until it is final, and a
//! closed pipe ends quietly.

// clippy.toml allows `expect` inside #[test] functions only; the helpers here and in `common`
// are test code too, where a failed setup should stop the test with its reason.
#![allow(clippy::expect_used)]

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use swlog::demo::ids;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use common::{Ran, Swlog, answer, assert_no_raw_controls, id, log_path, record};

fn swlog(args: &[&str]) -> Command {
    let (mut cmd, home) = Swlog::bare().args(args).into_std();
    // The home only holds an empty config dir: these commands read no settings.
    std::mem::forget(home);
    cmd.stdin(Stdio::null());
    cmd
}

fn stdout_of(args: &[&str]) -> String {
    let out = swlog(args).output().expect("run swlog");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Runs `program -n FILE` (a syntax check) on `script`.
fn syntax_check(program: &str, script: &str) {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(script.as_bytes()).expect("write script");
    let out = Command::new(program)
        .arg("-n")
        .arg(file.path())
        .output()
        .expect("run the shell");
    assert!(
        out.status.success(),
        "{program} -n refused the script: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---- completions and the man page ------------------------------------------------------------

#[test]
fn completions_parse_in_each_shell() {
    let bash = stdout_of(&["completions", "bash"]);
    assert!(bash.contains("complete -F _swlog"), "{bash}");
    syntax_check("bash", &bash);
    for shell in ["zsh", "fish"] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.contains("swlog"), "{shell}");
        if swlog::testkit::require(shell) {
            syntax_check(shell, &script);
        }
    }
    for shell in ["elvish", "powershell"] {
        let script = stdout_of(&["completions", shell]);
        for word in ["completions", "watch", "fields"] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
    }
    let out = swlog(&["completions", "tcsh"]).output().expect("run swlog");
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

/// Bash completed `--status`, `--type`, `--profile`, `--fields` with file names: it now offers
/// their values, and the profiles from the config file as it is when completing.
#[test]
fn bash_completes_option_values_and_the_configs_profiles() {
    if !swlog::testkit::require("bash") {
        return;
    }
    let script = stdout_of(&["completions", "bash"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("swlog.bash");
    std::fs::write(&file, script).expect("write the script");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[profiles.acme]\nspace = \"acme\"\n[profiles.staging]\nspace = \"acme-staging\"\n",
    )
    .expect("write the config");
    let bin = assert_cmd::cargo::cargo_bin("swlog");
    let path = format!(
        "{}:{}",
        bin.parent().expect("the binary's directory").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let complete = |words: &str| {
        // A clean environment (no credentials, an empty home), as the other runs have.
        let (cmd, _home) = Swlog::bare().into_std();
        let cword = words.split(' ').count() - 1;
        let out = Command::new("bash")
            .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))))
            .env("PATH", &path)
            .env("SWLOG_CONFIG", &config)
            .arg("-c")
            .arg(format!(
                "source {}; COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE='{words}'; _swlog swlog \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; echo \"${{COMPREPLY[*]}}\"",
                file.display()
            ))
            .output()
            .expect("run bash");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    assert_eq!(complete("swlog list --status no"), "no-answer");
    assert_eq!(complete("swlog list --type we"), "webrtc");
    assert_eq!(complete("swlog get --fields dur"), "duration_ms");
    assert_eq!(complete("swlog history --fields pro"), "profile");
    assert_eq!(complete("swlog --profile st"), "staging");
    assert_eq!(complete("swlog list --profile a"), "acme");
}

#[test]
fn the_man_page_renders() {
    let page = stdout_of(&["man"]);
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH swlog"),
        "{page}"
    );
    if !swlog::testkit::require("groff") {
        return;
    }
    let mut groff = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run groff");
    groff
        .stdin
        .take()
        .expect("stdin")
        .write_all(page.as_bytes())
        .expect("feed groff");
    let checked = groff.wait_with_output().expect("groff");
    assert!(checked.status.success());
    assert_eq!(
        String::from_utf8_lossy(&checked.stderr),
        "",
        "groff warns about the page"
    );
    let rendered = Command::new("sh")
        .arg("-c")
        .arg("swlog_page=$(cat); printf '%s\\n' \"$swlog_page\" | groff -man -Tutf8 -P-c -P-b -P-u")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(page.as_bytes())?;
            child.wait_with_output()
        })
        .expect("render with groff");
    let text = String::from_utf8_lossy(&rendered.stdout);
    for heading in [
        "EXIT STATUS",
        "ENVIRONMENT",
        "FILES",
        "CONFIG KEYS",
        "SWLOG GET",
        "SWLOG COMPLETIONS",
    ] {
        assert!(text.contains(heading), "no {heading} in:\n{text}");
    }
    assert!(text.contains("SIGNALWIRE_API_TOKEN") && text.contains("live_refresh_secs"));
    if swlog::testkit::require("man") {
        let out = Command::new("sh")
            .arg("-c")
            .arg("man -l - >/dev/null")
            .env("MANPAGER", "cat")
            .stdin(Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                child
                    .stdin
                    .take()
                    .expect("stdin")
                    .write_all(page.as_bytes())?;
                child.wait_with_output()
            })
            .expect("man -l -");
        assert!(out.status.success(), "man -l - refused the page");
    }
}

// ---- formats and fields ------------------------------------------------------------------------

/// A record whose every text field is hostile to a spreadsheet or a terminal.
fn hostile(id: &str) -> Value {
    let mut r = record(id);
    r["from"] = json!("=HYPERLINK(\"http://evil\",\"x\")");
    r["to"] = json!("+1 415 555 0123\u{1b}]0;owned\u{7}");
    r["status"] = json!("say \"hi\",\r\nbye\u{9b}2J");
    r["type"] = json!("@SUM(A1)\u{202e}");
    r["direction"] = json!("-2+3");
    r
}

async fn hostile_server(n: u32) -> MockServer {
    let server = MockServer::start().await;
    answer(
        &server,
        n,
        ResponseTemplate::new(200).set_body_json(hostile(&id(n))),
        1,
    )
    .await;
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_round_trips_hostile_cells() {
    let server = hostile_server(1).await;
    let ran = Swlog::at(&server.uri())
        .get(&[&id(1), "--format", "csv", "--no-history"])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    // RFC 4180 ends records with CRLF: every other control must be made visible.
    assert_no_raw_controls("csv", &ran.stdout.replace("\r\n", "\n"));
    let mut reader = csv::Reader::from_reader(ran.stdout.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, swlog::export::fields::LOG_FIELDS);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a record")).collect();
    assert_eq!(rows.len(), 1);
    let cell = |name: &str| {
        let i = header.iter().position(|h| h == name).expect("column");
        rows[0][i].to_owned()
    };
    assert_eq!(cell("id"), id(1));
    assert_eq!(cell("from"), "'=HYPERLINK(\"http://evil\",\"x\")");
    assert_eq!(cell("to"), "'+1 415 555 0123\\u{1b}]0;owned\\u{7}");
    assert_eq!(cell("status"), "say \"hi\",\\u{d}\\u{a}bye\\u{9b}2J");
    assert_eq!(cell("type"), "'@SUM(A1)\\u{202e}");
    assert_eq!(cell("direction"), "'-2+3");
    assert_eq!(cell("charge"), "0.01");
    assert_eq!(cell("parent_id"), "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fields_pick_and_order_columns_in_every_format() {
    let server = MockServer::start().await;
    for (n, times) in [(1, 5), (2, 4)] {
        answer(
            &server,
            n,
            ResponseTemplate::new(200).set_body_json(record(&id(n))),
            times,
        )
        .await;
    }
    let get = |format: &'static str| {
        let uri = server.uri();
        async move {
            Swlog::at(&uri)
                .get(&[
                    &id(1),
                    &id(2),
                    "--fields",
                    "to,id,charge",
                    "--format",
                    format,
                ])
                .run()
                .await
        }
    };
    let csv = get("csv").await;
    assert_eq!(
        csv.stdout,
        format!(
            "to,id,charge\n+12065553434,{},0.01\n+12065553434,{},0.01\n",
            id(1),
            id(2)
        ),
        "LF by default: `cut -d, -f3` keeps no \\r"
    );
    let nd = get("ndjson").await;
    let lines: Vec<Value> = nd
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(
        lines[0],
        json!({"to": "+12065553434", "id": id(1), "charge": 0.01})
    );
    let keys: Vec<&String> = lines[1].as_object().expect("object").keys().collect();
    assert_eq!(keys, ["to", "id", "charge"], "the order asked");
    let text = get("text").await;
    let first = text.stdout.lines().next().expect("header");
    assert_eq!(
        first.split_whitespace().collect::<Vec<_>>(),
        ["to", "id", "charge"]
    );
    let json = get("json").await;
    let v: Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(v[1]["id"], id(2));
    let bare = Swlog::at(&server.uri())
        .get(&[&id(1), "--format", "csv", "--no-header", "--fields", "id"])
        .run()
        .await;
    assert_eq!(bare.stdout, format!("{}\n", id(1)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_field_is_a_usage_error_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    for args in [
        vec![
            "get",
            "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11",
            "--fields",
            "id,colour",
        ],
        vec!["list", "--fields", "colour", "--format", "csv"],
        vec!["history", "--fields", "id,colour"],
    ] {
        let ran = Swlog::at(&server.uri()).args(&args).run().await;
        assert_eq!(ran.code, 2, "{args:?}: {}", ran.stderr);
        assert!(
            ran.stderr
                .contains("unknown field `colour`: the fields are "),
            "{args:?}: {}",
            ran.stderr
        );
        assert!(ran.stdout.is_empty(), "{args:?}");
    }
    let ran = Swlog::at(&server.uri())
        .get(&[&id(1), "--format", "csv", "--events"])
        .run()
        .await;
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    let ran = Swlog::at(&server.uri())
        .get(&[&id(1), "--watch", "--format", "json"])
        .run()
        .await;
    assert_eq!(ran.code, 2, "{}", ran.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_and_list_print_the_same_shapes() {
    let server = MockServer::start().await;
    answer(
        &server,
        1,
        ResponseTemplate::new(200).set_body_json(record(&id(1))),
        1,
    )
    .await;
    answer(&server, 2, ResponseTemplate::new(404), 1).await;
    let (cmd, home) = Swlog::at(&server.uri()).get(&[&id(1), &id(2)]).into_std();
    let mut cmd = cmd;
    let got = cmd.output().expect("get");
    assert_eq!(got.status.code(), Some(1));
    // `swlog history` on the data `get` left.
    let history = |args: &[&str]| {
        Command::new(assert_cmd::cargo::cargo_bin("swlog"))
            .arg("history")
            .args(args)
            .env_clear()
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .output()
            .expect("history")
    };
    let crlf = history(&["--format", "csv", "--fields", "id", "--crlf"]);
    assert_eq!(
        String::from_utf8_lossy(&crlf.stdout),
        format!("id\r\n{}\r\n{}\r\n", id(2), id(1)),
        "RFC 4180's CRLF when asked"
    );
    let out = history(&[
        "--format",
        "csv",
        "--fields",
        "id,profile,space,status,error",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text,
        format!(
            "id,profile,space,status,error\n{},env,127.0.0.1,,not found\n{},env,127.0.0.1,completed,\n",
            id(2),
            id(1)
        )
    );
    // The entries as recorded: the digest the history keeps of a cached body is not among them.
    let whole = history(&["--format", "ndjson"]);
    let text = String::from_utf8_lossy(&whole.stdout);
    let found: Value = serde_json::from_str(text.lines().nth(1).expect("two lines")).expect("JSON");
    let keys: Vec<&String> = found.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        ["id", "at", "profile", "space", "lookup", "pinned"],
        "{text}"
    );
    let demo = Swlog::bare()
        .args([
            "--demo",
            "list",
            "-q",
            "--limit",
            "3",
            "--format",
            "ndjson",
            "--fields",
            "status,id",
        ])
        .run()
        .await;
    assert_eq!(demo.code, 0, "{}", demo.stderr);
    assert_eq!(demo.stdout.lines().count(), 3);
    for line in demo.stdout.lines() {
        let v: Value = serde_json::from_str(line).expect("JSON line");
        let keys: Vec<&String> = v.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["status", "id"]);
    }
}

// ---- batches and the history --------------------------------------------------------------------

/// A batch whose next lookup is slow still saves the ones before it within the batch's 100 ms:
/// the history is not held back until the end of the run, and the damaged file found when it
/// was opened (on a thread of its own, while the lookups went out) is said and kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_lookup_does_not_hold_back_saving_the_ones_before_it() {
    let server = MockServer::start().await;
    answer(
        &server,
        1,
        ResponseTemplate::new(200).set_body_json(record(&id(1))),
        1,
    )
    .await;
    answer(
        &server,
        2,
        ResponseTemplate::new(200)
            .set_body_json(record(&id(2)))
            .set_delay(Duration::from_secs(3)),
        1,
    )
    .await;
    let (mut cmd, home) = Swlog::at(&server.uri())
        .get(&[&id(1), &id(2), "--format", "json"])
        .into_std();
    let data = home.path().join("data").join("swlog");
    std::fs::create_dir_all(&data).expect("data dir");
    std::fs::write(data.join("history.json"), "{ not json").expect("damaged history");
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn swlog");
    let started = Instant::now();
    // What the database holds: the IDs recorded, read on a connection of the test's own.
    let on_disk = |data: &std::path::Path| -> String {
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
        rusqlite::Connection::open_with_flags(data.join("index.db"), flags)
            .and_then(|c| {
                c.query_row(
                    "SELECT coalesce(group_concat(id), '') FROM history",
                    [],
                    |r| r.get(0),
                )
            })
            .unwrap_or_default()
    };
    let saved_first = loop {
        let text = on_disk(&data);
        if text.contains(&id(1)) {
            break text;
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "the first lookup was not saved while the second was on its way"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!saved_first.contains(&id(2)), "{saved_first}");
    assert!(
        child.try_wait().expect("try_wait").is_none(),
        "saved only at the end: the run is already over"
    );
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("the blocking task")
        .expect("wait for swlog");
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("moved aside"), "{stderr}");
    let text = on_disk(&data);
    assert!(text.contains(&id(1)) && text.contains(&id(2)), "{text}");
    let moved = std::fs::read_dir(&data)
        .expect("data dir")
        .flatten()
        .any(|f| {
            f.file_name()
                .to_string_lossy()
                .starts_with("history.json.corrupt-")
        });
    assert!(moved, "the damaged file is kept beside the new one");
}

// ---- --watch -----------------------------------------------------------------------------------

/// A call that is in progress until `after` has passed since it was first asked for, then
/// completed.
struct Completes {
    id: String,
    first: Mutex<Option<Instant>>,
    after: Duration,
}

impl Respond for Completes {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let now = Instant::now();
        let since = *self
            .first
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get_or_insert(now);
        let mut r = record(&self.id);
        r["created_at"] = json!(chrono::Utc::now().to_rfc3339());
        if now.duration_since(since) < self.after {
            r["status"] = json!("in-progress");
            r["duration_ms"] = json!(now.duration_since(since).as_millis() as u64 / 1000 * 1000);
        }
        ResponseTemplate::new(200).set_body_json(r)
    }
}

/// `swlog get --watch` against `server`, refreshing every second.
async fn watch(server: &MockServer, args: &[&str]) -> (Ran, Duration) {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "live_refresh_secs = 1\n").expect("config");
    let started = Instant::now();
    let ran = Swlog::at(&server.uri())
        .env("SWLOG_CONFIG", config.to_str().expect("UTF-8 path"))
        .get(&[&["--watch"][..], args].concat())
        .run()
        .await;
    (ran, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_prints_each_change_until_the_record_is_final() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(log_path(&id(1))))
        .respond_with(Completes {
            id: id(1),
            first: Mutex::new(None),
            after: Duration::from_millis(2500),
        })
        .mount(&server)
        .await;
    answer(
        &server,
        2,
        ResponseTemplate::new(200).set_body_json(record(&id(2))),
        1,
    )
    .await;
    let (ran, took) = watch(
        &server,
        &[
            &id(1),
            &id(2),
            "--format",
            "ndjson",
            "--fields",
            "id,status,duration_ms",
        ],
    )
    .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(took >= Duration::from_millis(2500), "{took:?}");
    let changes: Vec<Value> = ran
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let of = |n: u32| -> Vec<(String, Value)> {
        changes
            .iter()
            .filter(|c| c["id"] == id(n))
            .map(|c| {
                (
                    c["status"].as_str().unwrap_or("").to_owned(),
                    c["duration_ms"].clone(),
                )
            })
            .collect()
    };
    // The final record once, at once; the live one at each change, then completed.
    assert_eq!(of(2), [("completed".to_owned(), json!(9638))]);
    let live = of(1);
    assert!(live.len() >= 3, "{live:?}");
    assert_eq!(live[0], ("in-progress".to_owned(), json!(0)));
    assert_eq!(
        live.last().expect("a change"),
        &("completed".to_owned(), json!(9638))
    );
    assert!(
        live[..live.len() - 1]
            .iter()
            .all(|(s, _)| s == "in-progress"),
        "{live:?}"
    );
    // Only changes: no two lines alike in a row.
    assert!(live.windows(2).all(|w| w[0] != w[1]), "{live:?}");
    assert!(!ran.stdout.contains(&id(3)));

    let text_server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(log_path(&id(1))))
        .respond_with(Completes {
            id: id(1),
            first: Mutex::new(None),
            after: Duration::from_millis(1500),
        })
        .mount(&text_server)
        .await;
    let (ran, _) = watch(&text_server, &[&id(1)]).await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let lines: Vec<&str> = ran.stdout.lines().collect();
    assert!(lines.len() >= 2, "{lines:?}");
    assert!(
        lines[0].contains(&format!(
            "  {}  in-progress  +12065551212     → +12065553434",
            id(1)
        )) && lines[0].contains(" so far"),
        "aligned, and how long it has been going: {lines:?}"
    );
    let arrows: Vec<Option<usize>> = lines.iter().map(|l| l.find('→')).collect();
    assert!(arrows.windows(2).all(|w| w[0] == w[1]), "{lines:?}");
    assert!(
        ran.stderr
            .contains("swlog: waiting for 1 call to be final (checked every 1s; Ctrl-C stops)"),
        "{}",
        ran.stderr
    );
    assert!(
        lines.last().expect("a line").contains("  completed  "),
        "{lines:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_returns_at_once_for_final_records_and_keeps_the_usual_codes() {
    let server = MockServer::start().await;
    answer(
        &server,
        1,
        ResponseTemplate::new(200).set_body_json(record(&id(1))),
        2,
    )
    .await;
    answer(&server, 2, ResponseTemplate::new(404), 2).await;
    answer(&server, 3, ResponseTemplate::new(401), 1).await;
    let (ran, took) = watch(&server, &[&id(1)]).await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        took < Duration::from_secs(1),
        "an already final record waits for nothing: {took:?}"
    );
    assert_eq!(ran.stdout.lines().count(), 1);
    let (ran, _) = watch(&server, &[&id(2)]).await;
    assert_eq!(ran.code, 3, "{}", ran.stderr);
    let (ran, _) = watch(&server, &[&id(3)]).await;
    assert_eq!(ran.code, 4, "{}", ran.stderr);
    let (ran, _) = watch(&server, &[&id(1), &id(2)]).await;
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    // In progress since two days ago: stale, not watched, and not a clean ending.
    let mut stale = record(&id(4));
    stale["status"] = json!("in-progress");
    stale["created_at"] = json!((chrono::Utc::now() - chrono::Duration::days(2)).to_rfc3339());
    answer(
        &server,
        4,
        ResponseTemplate::new(200).set_body_json(stale),
        1,
    )
    .await;
    let (ran, took) = watch(&server, &[&id(4)]).await;
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(took < Duration::from_secs(1), "{took:?}");
    assert!(
        ran.stderr
            .contains("not final after 2d 0h: stale, not watched"),
        "{}",
        ran.stderr
    );
    assert_eq!(ran.stdout.lines().count(), 1);
}

/// In progress at the first answer, then every later answer refuses the credentials.
struct ThenRefused {
    id: String,
    asked: Mutex<u32>,
}

impl Respond for ThenRefused {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut asked = self
            .asked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *asked += 1;
        if *asked > 1 {
            return ResponseTemplate::new(401);
        }
        let mut r = record(&self.id);
        r["status"] = json!("ringing");
        r["created_at"] = json!(chrono::Utc::now().to_rfc3339());
        ResponseTemplate::new(200).set_body_json(r)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_whose_refresh_is_refused_stops_watching_with_exit_1() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(log_path(&id(1))))
        .respond_with(ThenRefused {
            id: id(1),
            asked: Mutex::new(0),
        })
        .expect(2)
        .mount(&server)
        .await;
    let (ran, _) = watch(&server, &[&id(1)]).await;
    assert_eq!(ran.code, 1, "found, then refused: {}", ran.stderr);
    assert_eq!(ran.stdout.lines().count(), 1, "{}", ran.stdout);
    assert!(
        ran.stderr.contains("refresh failed, no longer watched"),
        "{}",
        ran.stderr
    );
}

// ---- closed pipes ------------------------------------------------------------------------------

#[test]
fn a_closed_pipe_ends_quietly() {
    for args in [
        &["completions", "bash"][..],
        &["man"],
        &["--demo", "list", "-q", "--format", "csv"],
        &["--demo", "list", "-q", "--format", "text", "--fields", "id"],
        &[
            "--demo",
            "get",
            "--format",
            "ndjson",
            "--no-history",
            ids::CHAIN_ROOT,
            ids::CHAIN_CHILD,
        ],
    ] {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = swlog(args)
            .stdout(Stdio::from(writer))
            .output()
            .expect("run swlog");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("cannot write"),
            "{args:?}: {stderr}"
        );
    }
}

/// `swlog get --watch ID | head -1` on a record that never changes: the watch notices the
/// reader has gone while it waits, and ends within moments (it kept polling for hours).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_ends_soon_after_its_reader_goes_away() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(log_path(&id(1))))
        .respond_with(Completes {
            id: id(1),
            first: Mutex::new(None),
            after: Duration::from_secs(3600),
        })
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.toml");
    // The default interval: a wait of 5 s between refreshes.
    std::fs::write(&config, "live_refresh_secs = 5\n").expect("config");
    let (mut cmd, _home) = Swlog::at(&server.uri())
        .env("SWLOG_CONFIG", config.to_str().expect("UTF-8 path"))
        .get(&[&id(1), "--watch", "--format", "ndjson"])
        .into_std();
    let ended = tokio::task::spawn_blocking(move || {
        use std::io::BufRead as _;
        let mut child = cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("swlog");
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut first)
            .expect("a line");
        // `head -1` exits here: the pipe's reader is gone.
        let gone = Instant::now();
        let deadline = gone + Duration::from_secs(20);
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                return (first, Some(status), gone.elapsed());
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                return (first, None, gone.elapsed());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    })
    .await
    .expect("the blocking task");
    let (first, status, after) = ended;
    assert!(first.contains("in-progress"), "{first}");
    assert!(
        status.is_some(),
        "still running {after:?} after its reader went away"
    );
    assert!(
        after < Duration::from_secs(5),
        "{after:?}: within the first wait"
    );
}
