//! The rows of docs/bad-inputs.md that no other test file covers: a host that cannot resolve, a
//! TLS handshake with a server that speaks plain HTTP, a token with a trailing newline, config
//! files that are missing or cannot be read, and a history file that cannot be read. Real HTTP on
//! 127.0.0.1 only; nothing here reaches another machine.

// clippy.toml allows `expect` inside #[test] functions only; the helpers here and in `common`
// are test code too, where a failed setup should stop the test with its reason.
#![allow(clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use swlog::api::ApiError;
use swlog::api::error::ErrorClass;
use swlog::history::{self, History, Options, Warning};
use wiremock::matchers::{basic_auth, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{PROJECT, Swlog, TOKEN, client_at, id, log_path, record, uuid};

/// A host that can never be a DNS name: a label is at most 63 bytes (RFC 1035), and this one has
/// 64. Refused before any lookup, so nothing leaves the process.
fn not_a_dns_name() -> String {
    format!("{}.invalid", "a".repeat(64))
}

#[tokio::test]
async fn a_host_that_cannot_be_a_dns_name_is_a_dns_failure_not_retried() {
    let host = not_a_dns_name();
    let started = Instant::now();
    let e = client_at(&format!("https://{host}"))
        .fetch_log(uuid(1))
        .await
        .expect_err("no such host");
    assert!(
        matches!(&e, ApiError::Dns { host: h } if *h == host),
        "{e:?}"
    );
    assert_eq!(e.class(), ErrorClass::Remote);
    assert!(e.to_string().contains(&host), "{e}");
    // Not retried: three tries with backoff would take at least 30 ms here.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

/// A real resolver failure, with no DNS query leaving the machine: swlog runs in a network
/// namespace of its own (`unshare -n`), which has no interface but a loopback that is down, so
/// the resolver's query to the nameserver of /etc/resolv.conf fails at once (ENETUNREACH).
#[test]
fn swlog_get_when_the_name_cannot_be_resolved_exits_5() {
    let permitted = std::process::Command::new("unshare")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !permitted {
        // Creating a network namespace needs root (tests run as root on CI): there, it must work.
        assert!(
            !is_root(),
            "`unshare -n` failed even as root; this test needs util-linux's unshare"
        );
        eprintln!("skipped: `unshare -n` needs root");
        return;
    }
    let home = tempfile::tempdir().expect("temp dir");
    let out = std::process::Command::new("unshare")
        .arg("-n")
        .arg(env!("CARGO_BIN_EXE_swlog"))
        .args(["--base-url", "https://nonexistent.invalid", "get", &id(1)])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("SIGNALWIRE_PROJECT_ID", PROJECT)
        .env("SIGNALWIRE_API_TOKEN", TOKEN)
        .env("NO_COLOR", "1")
        .output()
        .expect("run swlog");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.contains("Could not resolve nonexistent.invalid"),
        "{stderr}"
    );
    assert!(!stderr.contains(TOKEN));
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find(|l| l.starts_with("Uid:"))
            .is_some_and(|l| l.split_whitespace().nth(1) == Some("0"))
    })
}

#[tokio::test]
async fn https_to_a_plain_http_server_is_a_tls_failure_not_retried() {
    let server = MockServer::start().await;
    let base = server.uri().replacen("http://", "https://", 1);
    let e = client_at(&base)
        .fetch_log(uuid(1))
        .await
        .expect_err("no TLS there");
    assert!(matches!(e, ApiError::Tls { .. }), "{e:?}");
    assert_eq!(e.short(), "TLS failure");
    let message = e.to_string();
    assert!(!message.contains(TOKEN), "{message}");
    common::assert_no_raw_controls("the TLS error", &message);
    // The handshake failed, so no HTTP request ever reached the server's router.
    let received = server.received_requests().await.unwrap_or_default();
    assert!(received.is_empty(), "{received:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_with_a_trailing_newline_is_sent_without_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(log_path(&id(1))))
        .and(basic_auth(PROJECT, TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(record(&id(1))))
        .expect(1)
        .mount(&server)
        .await;
    // As `export SIGNALWIRE_API_TOKEN="$(cat token-file)"` leaves it when the file ends in CRLF,
    // or as a copy from a password manager often arrives.
    let ran = Swlog::at(&server.uri())
        .env("SIGNALWIRE_API_TOKEN", &format!("{TOKEN}\r\n"))
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(ran.stdout.contains("+12065551212"), "{}", ran.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_config_file_falls_back_to_the_environment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(log_path(&id(1))))
        .respond_with(ResponseTemplate::new(200).set_body_json(record(&id(1))))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("nowhere").join("config.toml");
    let ran = Swlog::at(&server.uri())
        .args(["--config", missing.to_str().expect("UTF-8 path")])
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
}

/// Tests run as root, which ignores permission bits, so a mode-000 file would still be read.
/// A directory where the file should be, and a file that is not UTF-8, cannot be read by anyone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_config_file_is_a_usage_error_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let a_dir = dir.path().join("config-dir.toml");
    std::fs::create_dir(&a_dir).expect("mkdir");
    let not_utf8 = dir.path().join("latin1.toml");
    std::fs::write(&not_utf8, b"[profiles.default]\nspace = \"caf\xe9\"\n").expect("write");
    for config in [&a_dir, &not_utf8] {
        let shown = config.to_str().expect("UTF-8 path");
        // No credentials in the environment: the file is needed, and cannot be used.
        let ran = Swlog::bare()
            .args(["--config", shown])
            .get(&[&id(1)])
            .run()
            .await;
        assert_eq!(ran.code, 2, "{shown}: {ran:?}");
        assert!(
            ran.stderr.contains("cannot use config file") && ran.stderr.contains(shown),
            "{shown}: {}",
            ran.stderr
        );
    }
}

#[test]
fn a_history_file_that_cannot_be_read_is_moved_aside_and_the_history_still_works() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A directory where history.json should be: reading it fails whoever you are.
    std::fs::create_dir(dir.path().join("history.json")).expect("mkdir");
    let options = Options {
        cap: 10,
        cache: false,
    };
    let (mut h, warnings) = History::open(dir.path(), options.clone());
    assert!(
        matches!(warnings.as_slice(), [Warning::Damaged { kept: 0, moved_to, .. }] if moved_to.exists()),
        "{warnings:?}"
    );
    let entry = history::Entry::new(
        uuid(1),
        chrono::Utc::now(),
        "default",
        "acme",
        history::Lookup::Error("not found".into()),
    );
    assert!(h.record(entry, None).is_empty(), "a save works again");
    let (again, warnings) = History::open(dir.path(), options);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(again.entries().len(), 1);
}

/// Every `file::test` named in docs/bad-inputs.md is a test function in that file, and the table
/// keeps at least 30 rows.
#[test]
fn every_row_names_a_test_that_exists() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/bad-inputs.md")).expect("the table");
    let rows: Vec<&str> = doc
        .lines()
        .filter(|l| l.starts_with("| ") && l[2..].starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert!(rows.len() >= 30, "only {} rows", rows.len());
    for row in rows {
        let cited: Vec<&str> = row.split('`').filter(|s| s.contains(".rs::")).collect();
        assert!(!cited.is_empty(), "a row without a test: {row}");
        for c in cited {
            let (file, test) = c.split_once("::").expect("file::test");
            let source = std::fs::read_to_string(root.join(file))
                .unwrap_or_else(|e| panic!("{file}, cited in the table: {e}"));
            assert!(
                source.contains(&format!("fn {test}(")),
                "{c} is cited in docs/bad-inputs.md but no such test exists"
            );
        }
    }
}
