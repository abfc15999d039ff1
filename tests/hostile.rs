//! What a hostile server, an odd machine or a careless config can do to swlog (issue 10), each
//! against the real binary or the real client and a server on 127.0.0.1 that the test starts.

// clippy.toml allows `expect` inside #[test] functions only; the helpers here and in `common`
// are test code too, where a failed setup should stop the test with its reason.
#![allow(clippy::expect_used)]

mod common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use swlog::history::{History, Options};
use tokio::net::TcpListener;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{Swlog, closed_port, id, log_path, record};

/// A "proxy" on 127.0.0.1 that only counts the connections made to it.
async fn counting_proxy() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let seen = Arc::new(AtomicUsize::new(0));
    let count = seen.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (url, seen)
}

/// Mounts `response` for log `n`.
async fn answer(server: &MockServer, n: u32, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(log_path(&id(n))))
        .respond_with(response)
        .mount(server)
        .await;
}

/// A server that fails the test if any request reaches it.
async fn untouchable() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    server
}

/// The history of a data directory, as `swlog history --format json` would give its entries.
fn history_in(data: &Path) -> Value {
    let (h, _) = History::open(data.join("swlog"), Options::default());
    serde_json::json!({ "entries": h.entries() })
}

#[tokio::test]
async fn a_plain_http_request_never_goes_through_a_proxy() {
    let server = MockServer::start().await;
    answer(
        &server,
        1,
        ResponseTemplate::new(200).set_body_json(record(&id(1))),
    )
    .await;
    let (proxy, seen) = counting_proxy().await;
    let ran = Swlog::at(&server.uri())
        .env("HTTP_PROXY", &proxy)
        .env("http_proxy", &proxy)
        .env("ALL_PROXY", &proxy)
        .env("all_proxy", &proxy)
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(
        seen.load(Ordering::SeqCst),
        0,
        "the proxy was sent the request"
    );
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(1));
}

#[tokio::test]
async fn a_failing_https_proxy_is_named_in_the_error() {
    let proxy_port = closed_port();
    let target = format!("https://127.0.0.1:{}", closed_port());
    let ran = Swlog::at(&target)
        .env(
            "HTTPS_PROXY",
            &format!("http://user:pw@127.0.0.1:{proxy_port}"),
        )
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!(
            "through the proxy http://127.0.0.1:{proxy_port} (from $HTTPS_PROXY)"
        )),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("pw@"), "{}", ran.stderr);
}

#[tokio::test]
async fn a_redirect_is_an_error_naming_its_host_and_is_not_followed() {
    let server = MockServer::start().await;
    let elsewhere = untouchable().await;
    let to = format!("{}/api/voice/logs/{}", elsewhere.uri(), id(1));
    answer(
        &server,
        1,
        ResponseTemplate::new(302).insert_header("Location", to.as_str()),
    )
    .await;
    let ran = Swlog::at(&server.uri()).get(&[&id(1)]).run().await;
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    let host = elsewhere.uri().trim_start_matches("http://").to_owned();
    assert!(
        ran.stderr.contains(&format!(
            "redirected (HTTP 302) to {host}: the API does not redirect"
        )),
        "{}",
        ran.stderr
    );
    // `untouchable` checks on drop that nothing reached it.
}

#[tokio::test]
async fn an_answer_for_another_id_is_an_error_and_nothing_is_cached() {
    let server = MockServer::start().await;
    answer(
        &server,
        1,
        ResponseTemplate::new(200).set_body_json(record(&id(2))),
    )
    .await;
    let data = tempfile::tempdir().expect("temp dir");
    let ran = Swlog::at(&server.uri())
        .env("XDG_DATA_HOME", &data.path().to_string_lossy())
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    let said = format!("The server answered with log {} for {}", id(2), id(1));
    assert!(ran.stderr.contains(&said), "{}", ran.stderr);
    let (h, _) = History::open(data.path().join("swlog"), Options::default());
    let id1 = uuid::Uuid::parse_str(&id(1)).expect("uuid");
    assert_eq!(h.cached_body(id1), None, "nothing cached for {id1}");
    let history = history_in(data.path());
    let entries = history["entries"].as_array().expect("entries");
    assert!(
        entries.iter().all(|e| e["lookup"].get("record").is_none()),
        "recorded as found: {history}"
    );
}

/// Makes a FIFO at `path` with the `mkfifo` command.
fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    assert!(made, "mkfifo {}", path.display());
}

#[tokio::test]
async fn a_symlinked_cache_dir_is_left_alone_and_the_files_it_points_to_are_kept() {
    let server = MockServer::start().await;
    answer(
        &server,
        1,
        ResponseTemplate::new(200).set_body_json(record(&id(1))),
    )
    .await;
    let data = tempfile::tempdir().expect("temp dir");
    let project = tempfile::tempdir().expect("temp dir");
    let theirs = project.path().join("package.json");
    std::fs::write(&theirs, "{}").expect("write");
    std::fs::create_dir_all(data.path().join("swlog")).expect("mkdir");
    std::os::unix::fs::symlink(project.path(), data.path().join("swlog/cache")).expect("link");
    let ran = Swlog::at(&server.uri())
        .env("XDG_DATA_HOME", &data.path().to_string_lossy())
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        theirs.exists(),
        "swlog deleted a file through the symlinked cache"
    );
    let count = std::fs::read_dir(project.path()).expect("list").count();
    assert_eq!(count, 1, "swlog wrote through the symlinked cache");
    // The bodies live in the database now: the link is not even looked at, and the lookup's
    // body is cached all the same.
    let (h, _) = History::open(data.path().join("swlog"), Options::default());
    let id1 = uuid::Uuid::parse_str(&id(1)).expect("uuid");
    assert!(h.cached_body(id1).is_some(), "{}", ran.stderr);
}

#[tokio::test]
async fn a_fifo_or_device_where_a_file_is_expected_is_refused_at_once() {
    let server = MockServer::start().await;
    answer(
        &server,
        1,
        ResponseTemplate::new(200).set_body_json(record(&id(1))),
    )
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    let fifo_s = fifo.to_string_lossy().into_owned();

    // --config FIFO: a usage error naming what it is.
    let ran = Swlog::at(&server.uri())
        .args(["--config", fifo_s.as_str()])
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("it is a FIFO, not a regular file"),
        "{}",
        ran.stderr
    );

    // SWLOG_CONFIG=/dev/urandom: refused, not read until memory runs out.
    let ran = Swlog::at(&server.uri())
        .env("SWLOG_CONFIG", "/dev/urandom")
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("character device"), "{}", ran.stderr);

    // A FIFO as the database, or as an older swlog's history.json: the lookup works, the
    // history says why it is not kept or not imported.
    for (name, said) in [
        (
            "index.db",
            "index.db is a FIFO, not a regular file: not used",
        ),
        (
            "history.json",
            "history.json was not imported: it is a FIFO",
        ),
    ] {
        let data = dir.path().join(format!("data-{name}"));
        std::fs::create_dir_all(data.join("swlog")).expect("mkdir");
        mkfifo(&data.join("swlog").join(name));
        let ran = Swlog::at(&server.uri())
            .env("XDG_DATA_HOME", &data.to_string_lossy())
            .get(&[&id(1)])
            .run()
            .await;
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        assert!(ran.stderr.contains(said), "{}", ran.stderr);
    }

    // --log-file FIFO: said once, and the lookup goes on.
    let ran = Swlog::at(&server.uri())
        .args(["--log-file", fifo_s.as_str()])
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("is a FIFO, not a regular file"),
        "{}",
        ran.stderr
    );
}

/// A private config directory holding `config.toml` with `text`; returns the directory.
fn config_dir(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("swlog")).expect("mkdir");
    std::fs::write(dir.path().join("swlog/config.toml"), text).expect("write");
    dir
}

#[tokio::test]
async fn a_token_command_that_never_ends_is_killed_after_its_timeout() {
    let server = untouchable().await;
    let config = config_dir(
        "token_command_timeout_secs = 1\n[profiles.default]\nproject_id = \"p\"\ntoken_command = \"sleep 1000\"\n",
    );
    let started = std::time::Instant::now();
    let ran = Swlog::bare()
        .env("XDG_CONFIG_HOME", &config.path().to_string_lossy())
        .args(["--base-url", server.uri().as_str()])
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("token_command `sleep 1000` failed: no answer within 1s, so it was killed"),
        "{}",
        ran.stderr
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[tokio::test]
async fn durations_out_of_range_are_config_errors_naming_the_key() {
    let server = untouchable().await;
    let config = config_dir("live_refresh_secs = 18446744073709551615\n");
    let ran = Swlog::at(&server.uri())
        .env("XDG_CONFIG_HOME", &config.path().to_string_lossy())
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(
            "live_refresh_secs = 18446744073709551615 is out of range: give 0 to 86400 seconds"
        ),
        "{}",
        ran.stderr
    );
    let config = config_dir("timeout_secs = 100000\n");
    let ran = Swlog::at(&server.uri())
        .env("XDG_CONFIG_HOME", &config.path().to_string_lossy())
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("timeout_secs = 100000 is out of range: give 1 to 600 seconds"),
        "{}",
        ran.stderr
    );
}

/// A `history.json` holding `n` failed lookups of IDs 1..=n, the newest last.
fn history_of(n: u32) -> String {
    let entries: Vec<Value> = (1..=n)
        .map(|i| {
            serde_json::json!({
                "id": id(i),
                "at": format!("2026-01-01T00:00:{i:02}Z"),
                "profile": "default",
                "space": "acme",
                "lookup": {"error": "not found"}
            })
        })
        .collect();
    serde_json::json!({"version": 1, "entries": entries}).to_string()
}

#[tokio::test]
async fn a_smaller_history_limit_never_shrinks_the_history_until_pruned() {
    let server = MockServer::start().await;
    answer(
        &server,
        99,
        ResponseTemplate::new(200).set_body_json(record(&id(99))),
    )
    .await;
    let data = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(data.path().join("swlog")).expect("mkdir");
    std::fs::write(data.path().join("swlog/history.json"), history_of(30)).expect("write");
    let config = config_dir("history_limit = 10\n");
    let run = |args: Vec<String>| {
        Swlog::at(&server.uri())
            .env("XDG_DATA_HOME", &data.path().to_string_lossy())
            .env("XDG_CONFIG_HOME", &config.path().to_string_lossy())
            .args(args)
            .run()
    };
    let ran = run(vec!["get".into(), id(99)]).await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let count = |h: Value| h["entries"].as_array().map(Vec::len);
    // One lookup added, one evicted: the other 29 stay.
    assert_eq!(count(history_in(data.path())), Some(30));
    let ran = run(vec!["history".into(), "prune".into()]).await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("pruned 20 lookups; 10 kept"),
        "{}",
        ran.stderr
    );
    assert_eq!(count(history_in(data.path())), Some(10));
}

#[tokio::test]
async fn invisible_and_direction_characters_are_made_visible_in_text_and_json() {
    let server = MockServer::start().await;
    let mut body = record(&id(1));
    body["from"] = Value::from("+1206\u{200b}555\u{200d}1212\u{061c}");
    body["to"] = Value::from("\u{feff}+1206555\u{2028}3434\u{2029}");
    answer(&server, 1, ResponseTemplate::new(200).set_body_json(body)).await;
    let invisible = [
        '\u{200b}', '\u{200d}', '\u{061c}', '\u{feff}', '\u{2028}', '\u{2029}',
    ];
    let ran = Swlog::at(&server.uri()).get(&[&id(1)]).run().await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(!ran.stdout.contains(invisible), "{}", ran.stdout);
    assert!(
        ran.stdout
            .contains("+1206\\u{200b}555\\u{200d}1212\\u{61c}"),
        "{}",
        ran.stdout
    );
    let ran = Swlog::at(&server.uri())
        .get(&["--format", "json", &id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(!ran.stdout.contains(invisible), "{}", ran.stdout);
    assert!(ran.stdout.contains("\\u200b"), "{}", ran.stdout);
}

#[tokio::test]
async fn a_byte_order_mark_and_an_out_of_range_number_still_give_the_record() {
    let server = MockServer::start().await;
    let mut body = record(&id(1)).to_string().replace(
        "\"charge\":0.01,\"charge_details\"",
        "\"charge\":1e999,\"charge_details\"",
    );
    assert!(body.contains("1e999"), "{body}");
    body.insert(0, '\u{feff}');
    answer(
        &server,
        1,
        ResponseTemplate::new(200).set_body_raw(body, "application/json"),
    )
    .await;
    let ran = Swlog::at(&server.uri()).get(&[&id(1)]).run().await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("+12065551212"), "{}", ran.stdout);
    assert!(
        ran.stdout.contains("Charge      1e+999 (unexpected type)"),
        "the invalid value is shown as sent:\n{}",
        ran.stdout
    );
}

#[tokio::test]
async fn an_eof_or_an_error_on_the_terminal_input_ends_the_loop() {
    use futures::StreamExt as _;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::layout::Size;
    use swlog::api::{Client, ClientOptions, Endpoint};
    use swlog::app::{App, Context};
    use swlog::history::{History, Options};
    use swlog::inspector::{channel, run_loop};

    type Input = futures::stream::BoxStream<'static, std::io::Result<crossterm::event::Event>>;
    let ends: [(&str, Input); 2] = [
        ("EOF", futures::stream::empty().boxed()),
        (
            "an error",
            futures::stream::iter([Err(std::io::Error::other("EIO"))]).boxed(),
        ),
    ];
    let endpoint =
        Endpoint::from_base_url(&format!("http://127.0.0.1:{}", closed_port())).expect("base URL");
    let client = Client::new(
        endpoint,
        common::PROJECT,
        swlog::secret::Secret::new(common::TOKEN),
        ClientOptions::default(),
    )
    .expect("client");
    for (what, input) in ends {
        let context = Context {
            space: "demo".into(),
            place: "demo".into(),
            project: "p".into(),
            profile: "default".into(),
        };
        let mut app = App::new(
            context,
            Size::new(80, 24),
            false,
            History::in_memory(Options::default()),
        );
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        let mut clipboard = swlog::clipboard::Recording::new();
        let ran = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            run_loop(
                &mut terminal,
                &mut app,
                input,
                &swlog::spaces::Spaces::single("default", "acme", client.clone()),
                &mut clipboard,
                channel(),
                vec![],
            ),
        )
        .await;
        assert!(matches!(ran, Ok(Ok(()))), "the loop did not end on {what}");
    }
}
