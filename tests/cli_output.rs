//! What the commands do with an output that is closed or full, and with escape sequences in
//! what the user gave them (arguments, environment, config file). The real binary, its output
//! wired to a pipe nobody reads or to /dev/full.

// clippy.toml allows `expect` inside #[test] functions only; the helpers here and in `common`
// are test code too, where a failed setup should stop the test with its reason.
#![allow(clippy::expect_used)]

mod common;

use std::process::{Command, Output, Stdio};

use swlog::demo::ids;

use common::{Swlog, TOKEN, assert_no_raw_controls};

/// Where a test points a stream.
enum To {
    /// A pipe whose reader has gone (`swlog … | true`, after `true` exited).
    ClosedPipe,
    /// /dev/full: every write fails with "no space left on device".
    Full,
    /// Captured, to be read.
    Captured,
}

fn stdio(to: &To) -> Stdio {
    match to {
        To::ClosedPipe => {
            let (reader, writer) = std::io::pipe().expect("pipe");
            drop(reader);
            Stdio::from(writer)
        }
        To::Full => std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full")
            .into(),
        To::Captured => Stdio::piped(),
    }
}

/// Runs `swlog` with `args`, its stdout and stderr wired as told.
fn run(swlog: Swlog, args: &[&str], stdout: To, stderr: To) -> Output {
    let (mut cmd, home): (Command, _) = swlog.args(args).into_std();
    let out = cmd
        .stdin(Stdio::null())
        .stdout(stdio(&stdout))
        .stderr(stdio(&stderr))
        .output()
        .expect("run swlog");
    drop(home);
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_no_panic(out: &Output) {
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
}

#[test]
fn a_closed_stdout_ends_quietly_with_the_usual_code() {
    let out = run(
        Swlog::bare(),
        &["--demo", "config"],
        To::ClosedPipe,
        To::Captured,
    );
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stderr), "");
    let out = run(
        Swlog::bare(),
        &["--demo", "get", ids::CHAIN_ROOT, "--no-history"],
        To::ClosedPipe,
        To::Captured,
    );
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("cannot write"));
}

#[test]
fn a_full_stdout_is_an_error_message_and_exit_6() {
    for args in [
        &["--demo", "config"][..],
        &["--demo", "get", ids::CHAIN_ROOT, "--no-history"],
    ] {
        let out = run(Swlog::bare(), args, To::Full, To::Captured);
        assert_no_panic(&out);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(6), "{args:?}: {stderr}");
        assert!(
            stderr.ends_with("swlog: cannot write output: No space left on device (os error 28)\n"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_full_stderr_loses_only_the_diagnostics() {
    let out = run(
        Swlog::bare(),
        &["--demo", "get", ids::CHAIN_ROOT, "--no-history"],
        To::Captured,
        To::Full,
    );
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains(ids::CHAIN_ROOT));
    // Both full: nothing can be said, but the code still tells.
    let out = run(Swlog::bare(), &["--demo", "config"], To::Full, To::Full);
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(6));
}

/// An OSC 0 sequence that would retitle the terminal, and a bell.
const HOSTILE: &str = "x\u{1b}]0;PWN\u{7}";

#[test]
fn escape_sequences_in_a_profile_name_from_the_command_line_are_shown_escaped() {
    let out = run(
        Swlog::bare(),
        &["--profile", HOSTILE, "get", ids::CHAIN_ROOT],
        To::Captured,
        To::Captured,
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_no_raw_controls("stderr", &stderr);
    assert!(
        stderr.contains("no profile `x\\u{1b}]0;PWN\\u{7}`"),
        "{stderr}"
    );
}

#[test]
fn escape_sequences_in_a_bad_argument_are_shown_escaped_even_in_colour() {
    // CLICOLOR_FORCE makes clap style its errors as on a terminal, where it does not strip.
    let out = run(
        Swlog::bare().env("CLICOLOR_FORCE", "1"),
        &["--timeout", HOSTILE, "config"],
        To::Captured,
        To::Captured,
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains(HOSTILE), "{}", stderr.escape_debug());
    assert!(
        stderr.contains("x\\u{1b}]0;PWN\\u{7}"),
        "{}",
        stderr.escape_debug()
    );
}

#[test]
fn swlog_config_shows_the_environment_config_path_and_profiles_escaped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sub = dir.path().join(HOSTILE);
    std::fs::create_dir(&sub).expect("dir");
    let path = sub.join("config.toml");
    std::fs::write(
        &path,
        "[profiles.\"p\\u001b[2J\"]\nspace = \"acme\"\nproject_id = \"projx\\u001b]0;PWN\\u0007\"\ntoken_command = \"echo PTx\"\n",
    )
    .expect("config");
    let config = path.to_str().expect("UTF-8 path");
    let swlog = || Swlog::bare().args(["--config", config]);
    let out = run(
        swlog(),
        &["--profile", "p\u{1b}[2J", "config"],
        To::Captured,
        To::Captured,
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_no_raw_controls("stdout", &stdout);
    for shown in [
        "x\\u{1b}]0;PWN\\u{7}/config.toml",
        "p\\u{1b}[2J",
        "projx\\u{1b}]0;PWN",
    ] {
        assert!(stdout.contains(shown), "{shown}: {stdout}");
    }
    // A profile that is not there: the error lists the file's profiles, escaped.
    let out = run(
        swlog(),
        &["--profile", "nope", "config"],
        To::Captured,
        To::Captured,
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert_no_raw_controls("stdout", &stdout);
    assert!(stdout.contains("(profiles: p\\u{1b}[2J)"), "{stdout}");
    // The environment's credentials, used whole with no profile named: escaped too.
    let out = run(
        swlog()
            .env("SIGNALWIRE_SPACE", "acme")
            .env("SIGNALWIRE_PROJECT_ID", &format!("proj{HOSTILE}"))
            .env("SIGNALWIRE_API_TOKEN", TOKEN),
        &["config"],
        To::Captured,
        To::Captured,
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_no_raw_controls("stdout", &stdout);
    assert!(stdout.contains("projx\\u{1b}]0;PWN"), "{stdout}");
}

/// The exit codes a text lists: lines like `  3  not found` or `| 3 | not found |`.
fn codes_in(text: &str, after: &str) -> Vec<u8> {
    let start = text.find(after).expect("the exit codes section");
    text[start + after.len()..]
        .lines()
        .map(|l| l.trim_start_matches('|').trim_start())
        .filter_map(|l| l.split([' ', '|']).next()?.parse().ok())
        .collect()
}

#[test]
fn the_help_and_the_readme_list_the_same_exit_codes() {
    let out = run(Swlog::bare(), &["--help"], To::Captured, To::Captured);
    let help = text(&out.stdout);
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let readme = &readme[readme.find("### Exit codes").expect("README's exit codes")..];
    let readme = &readme[..readme[4..].find("\n#").map_or(readme.len(), |n| n + 4)];
    assert_eq!(
        codes_in(&help, "Exit codes:"),
        [0, 1, 2, 3, 4, 5, 6, 7, 130, 143],
        "{help}"
    );
    assert_eq!(
        codes_in(readme, "| --- | --- |"),
        [0, 1, 2, 3, 4, 5, 6, 7, 130, 143],
        "{readme}"
    );
}

#[test]
fn the_readme_names_the_rust_version_cargo_toml_requires() {
    let manifest = include_str!("../Cargo.toml");
    let version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = "))
        .expect("Cargo.toml's rust-version")
        .trim_matches('"');
    let readme = include_str!("../README.md");
    let setup = &readme[readme.find("## Two commands").expect("README's set-up")..];
    let setup = &setup[..setup.find("```").expect("the set-up commands")];
    assert!(
        setup.contains(&format!("Rust toolchain ({version} or newer")),
        "README's set-up should name rust-version {version}: {setup}"
    );
    assert!(
        setup.contains("compiler"),
        "the C compiler ring needs: {setup}"
    );
}

#[test]
fn a_mistyped_command_is_a_usage_error_that_suggests_the_nearest() {
    for (args, expected) in [
        (
            &["histroy"][..],
            "unknown command `histroy`: did you mean `history`?",
        ),
        (
            &["--profile", "x", "lsit"][..],
            "unknown command `lsit`: did you mean `list`?",
        ),
        // The second word is what clap trips over; the first is the mistake.
        (
            &["export", "csv"][..],
            "unknown command `export`: the commands are get",
        ),
    ] {
        let out = run(Swlog::bare(), args, To::Captured, To::Captured);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("inspector needs a terminal"), "{stderr}");
    }
}

#[test]
fn an_unknown_command_is_shown_escaped() {
    let out = run(Swlog::bare(), &[HOSTILE], To::Captured, To::Captured);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_no_raw_controls("stderr", &stderr);
    assert!(
        stderr.contains("unknown command `x\\u{1b}]0;PWN\\u{7}"),
        "{}",
        stderr.escape_debug()
    );
}

#[test]
fn text_that_holds_a_log_id_still_opens_the_inspector() {
    let ticket = format!("ticket 4711: call {} dropped", ids::CHAIN_ROOT);
    let out = run(
        Swlog::bare(),
        &["--demo", &ticket],
        To::Captured,
        To::Captured,
    );
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("unknown command"), "{stderr}");
    // Without a terminal the inspector refuses to start: that it got that far is the point.
    assert!(
        stderr.contains("the inspector needs a terminal"),
        "{stderr}"
    );
}

#[test]
fn after_only_the_demo_swlog_history_points_to_the_demo_history() {
    let data = tempfile::tempdir().expect("temp dir");
    let data_home = data.path().to_str().expect("a UTF-8 temp path");
    let swlog = || Swlog::bare().env("XDG_DATA_HOME", data_home);
    let out = run(
        swlog(),
        &["--demo", "get", ids::CHAIN_ROOT],
        To::Captured,
        To::Captured,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let out = run(swlog(), &["history"], To::Captured, To::Captured);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(text(&out.stdout), "");
    assert!(
        stderr.contains("no lookups; the demo's 1 lookup is kept apart: swlog --demo history"),
        "{stderr}"
    );

    let out = run(swlog(), &["--demo", "history"], To::Captured, To::Captured);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(text(&out.stdout).contains(ids::CHAIN_ROOT));
    let demo_dir = data.path().join("swlog").join("demo");
    assert!(stderr.contains(&demo_dir.display().to_string()), "{stderr}");
}

#[test]
fn swlog_config_with_the_demo_needs_no_settings_and_says_where_its_history_is() {
    let data = tempfile::tempdir().expect("temp dir");
    let data_home = data.path().to_str().expect("a UTF-8 temp path");
    let out = run(
        Swlog::bare().env("XDG_DATA_HOME", data_home),
        &["--demo", "config"],
        To::Captured,
        To::Captured,
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("profile      demo"), "{stdout}");
    let demo_dir = data.path().join("swlog").join("demo");
    assert!(
        stdout.contains(&format!("history      {}", demo_dir.display())),
        "{stdout}"
    );
    // `--profile staging` names the demo's second profile and its space (it said `demo`).
    let out = run(
        Swlog::bare().env("XDG_DATA_HOME", data_home),
        &["--demo", "--profile", "staging", "config"],
        To::Captured,
        To::Captured,
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("profile      staging") && stdout.contains("space        demo-staging"),
        "{stdout}"
    );
    let out = run(
        Swlog::bare().env("XDG_DATA_HOME", data_home),
        &["--demo", "--profile", "nope", "config"],
        To::Captured,
        To::Captured,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stdout).contains("no profile `nope` in the demo (profiles: demo, staging)"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn swlog_history_shows_a_profile_column_and_profile_narrows_it() {
    let data = tempfile::tempdir().expect("temp dir");
    let data_home = data.path().to_str().expect("a UTF-8 temp path");
    let swlog = || Swlog::bare().env("XDG_DATA_HOME", data_home);
    let staging_id = swlog::demo::staging::SHOWCASE[0].0;
    for args in [
        vec!["--demo", "get", ids::CHAIN_ROOT],
        vec!["--demo", "--profile", "staging", "get", staging_id],
    ] {
        let out = run(swlog(), &args, To::Captured, To::Captured);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let out = run(swlog(), &["--demo", "history"], To::Captured, To::Captured);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].contains(" UTC  staging  "), "{stdout}");
    assert!(lines[1].contains(" UTC  demo     "), "aligned: {stdout}");
    let out = run(
        swlog(),
        &["--demo", "history", "--profile", "staging"],
        To::Captured,
        To::Captured,
    );
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.contains(staging_id) && stdout.contains("(space demo-staging)"),
        "{stdout}"
    );
    // A closed pipe ends it quietly, as for every command.
    let out = run(
        swlog(),
        &["--demo", "history", "--profile", "staging"],
        To::ClosedPipe,
        To::Captured,
    );
    assert_no_panic(&out);
}

#[test]
fn swlog_history_of_a_profile_with_no_lookups_says_which_profiles_it_holds() {
    let data = tempfile::tempdir().expect("temp dir");
    let data_home = data.path().to_str().expect("a UTF-8 temp path");
    let swlog = || Swlog::bare().env("XDG_DATA_HOME", data_home);
    let staging_id = swlog::demo::staging::SHOWCASE[0].0;
    for args in [
        vec!["--demo", "get", ids::CHAIN_ROOT],
        vec!["--demo", "--profile", "staging", "get", staging_id],
    ] {
        let out = run(swlog(), &args, To::Captured, To::Captured);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    for (profile, shown) in [
        ("nosuch", "nosuch"),
        ("no\u{1b}[2Jsuch", "no\\u{1b}[2Jsuch"),
    ] {
        let out = run(
            swlog(),
            &["--demo", "history", "--profile", profile],
            To::Captured,
            To::Captured,
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout), "");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(&format!(
                "swlog: no lookups made with profile {shown} (profiles in the history: demo, staging)\n"
            )),
            "{stderr}"
        );
        assert_no_raw_controls("stderr", &stderr);
    }
}

/// Every CSV writer (list, get, history) ends quietly on a closed pipe, even when a cell is
/// longer than the csv writer's buffer and so fails inside the csv crate, not in a flush.
#[tokio::test(flavor = "multi_thread")]
async fn csv_on_a_closed_pipe_ends_quietly_for_list_get_and_history() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let log_id = common::id(0xc5);
    let mut body = common::record(&log_id);
    body["created_at"] = serde_json::json!(chrono::Utc::now().to_rfc3339());
    body["to"] = serde_json::json!(format!("sip:{}@example.com", "x".repeat(64 * 1024)));
    Mock::given(method("GET"))
        .and(path(common::log_path(&log_id)))
        .respond_with(ResponseTemplate::new(200).set_body_json(body.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/voice/logs"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"links": {"self": "x", "first": "x"}, "data": [body]}),
        ))
        .mount(&server)
        .await;
    let data = tempfile::tempdir().expect("data home");
    let data_home = data.path().to_str().expect("utf-8").to_owned();
    let uri = server.uri();
    tokio::task::spawn_blocking(move || {
        let at = || Swlog::at(&uri).env("XDG_DATA_HOME", &data_home);
        // Recorded in the history first, with its long `to`, for `history` below.
        let out = run(at(), &["get", &log_id], To::Captured, To::Captured);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        for args in [
            &["list", "since:1d", "--format", "csv"][..],
            &["get", "--no-history", "--format", "csv", &log_id],
            &["history", "--format", "csv"],
        ] {
            if args[0] == "history" {
                let (mut cmd, _home) = at().args(["history", "--format", "csv"]).into_std();
                let listed = cmd.output().expect("run swlog");
                assert!(
                    text(&listed.stdout).contains(&"x".repeat(64 * 1024)),
                    "the history holds the long cell"
                );
            }
            let out = run(at(), args, To::ClosedPipe, To::Captured);
            assert_no_panic(&out);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
            assert!(!stderr.contains("cannot write"), "{args:?}: {stderr}");
        }
    })
    .await
    .expect("runs");
}
