//! `swlog list` as users run it, against wiremock and the demo server on 127.0.0.1: usage
//! errors send nothing, every format survives hostile strings, CSV parses back with its formula
//! guard, stop messages and exit codes, and listed rows stay out of the history.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{Swlog, assert_no_raw_controls};

const LIST: &str = "/api/voice/logs";

fn page(rows: Value, next: Option<String>) -> ResponseTemplate {
    let mut links = json!({"self": "x", "first": "x"});
    if let Some(n) = next {
        links["next"] = Value::String(n);
    }
    ResponseTemplate::new(200).set_body_json(json!({"links": links, "data": rows}))
}

/// Rows whose every string is an attack: escape sequences, C1, bidi, formulas, quotes, commas
/// and line breaks.
fn hostile_rows() -> Value {
    let now = chrono::Utc::now().to_rfc3339();
    json!([
        {"id": "=HYPERLINK(\"http://evil\")", "type": "relay_pstn_call", "from": "=cmd|' /C calc'!A0",
         "to": "+1 (415) 555-0123", "status": "\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}failed",
         "direction": "@SUM(1)", "created_at": now, "duration_ms": 1000, "charge": 0.01,
         "billing_ms": "-2+3", "parent_id": "\tx"},
        {"id": "b7182dc2-00f3-40e4-a5ce-20f164b329df", "type": "relay\u{9b}31m_call",
         "from": "a,b \"quoted\"\nnext line\r", "to": "\u{202e}evil\u{2066}", "status": "+cmd",
         "created_at": now, "charge": "-0.5"}
    ])
}

async fn hostile_server() -> (MockServer, Value) {
    let server = MockServer::start().await;
    let rows = hostile_rows();
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(page(rows.clone(), None))
        .mount(&server)
        .await;
    (server, rows)
}

#[tokio::test]
async fn a_query_it_cannot_understand_exits_2_and_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(page(json!([]), None))
        .expect(0)
        .mount(&server)
        .await;
    for args in [
        vec!["list", "since:someday"],
        vec!["list", "status:no-such-status"],
        vec!["list", "--type", "carrier"],
        vec!["list", "--since", "2h", "--until", "3h"],
        vec!["list", "min:\u{1b}[2J"],
        vec!["list", "stauts:failed"],
        vec!["list", "sice:2d"],
        vec!["list", "--since", "2h", "since:1d"],
        vec!["list", "since:2h", "since:1d"],
    ] {
        let ran = Swlog::at(&server.uri()).args(&args).run().await;
        assert_eq!(ran.code, 2, "{args:?}: {}", ran.stderr);
        assert!(ran.stderr.contains("cannot understand"), "{}", ran.stderr);
        assert_no_raw_controls("stderr", &ran.stderr);
    }
}

#[tokio::test]
async fn a_misspelt_key_says_which_was_meant_and_a_uri_stays_a_word() {
    let server = MockServer::start().await;
    let ran = Swlog::at(&server.uri())
        .args(["list", "stauts:failed"])
        .run()
        .await;
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("cannot understand \"stauts:failed\" in the search: did you mean status:?"),
        "{}",
        ran.stderr
    );
    let ran = Swlog::at(&server.uri())
        .args(["list", "--since", "2h", "since:1d"])
        .run()
        .await;
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("since:1d") && ran.stderr.contains("--since 2h"),
        "names both: {}",
        ran.stderr
    );
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "nothing is sent"
    );
    let now = chrono::Utc::now().to_rfc3339();
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(page(
            json!([
                {"id": "b7182dc2-00f3-40e4-a5ce-20f164b329df", "type": "relay_sip_call",
                 "from": "sip:agent1@pbx.example.com", "to": "whatsapp:+14155550123",
                 "status": "completed", "created_at": now}
            ]),
            None,
        ))
        .mount(&server)
        .await;
    for word in ["sip:agent1@pbx", "whatsapp:+1415555"] {
        let ran = Swlog::at(&server.uri())
            .args(["list", "since:1d", word, "--format", "ndjson"])
            .run()
            .await;
        assert_eq!(ran.code, 0, "{word}: {}", ran.stderr);
        assert!(ran.stdout.contains("b7182dc2"), "{word}: {}", ran.stdout);
    }
}

#[tokio::test]
async fn hostile_strings_are_escaped_in_every_format() {
    let (server, _) = hostile_server().await;
    for format in ["table", "json", "ndjson", "csv"] {
        let ran = Swlog::at(&server.uri())
            .args(["list", "--format", format])
            .run()
            .await;
        assert_eq!(ran.code, 0, "{format}: {}", ran.stderr);
        // CSV ends its records with CRLF, as RFC 4180 says; nothing else may be raw.
        let out = ran.stdout.replace("\r\n", "\n");
        assert_no_raw_controls(format, &out);
        assert_no_raw_controls("stderr", &ran.stderr);
        assert!(
            out.contains("\\u{1b}[2J") || out.contains("\\u001b[2J"),
            "{format}: {out}"
        );
    }
}

#[tokio::test]
async fn json_and_ndjson_are_the_rows_as_received() {
    let (server, rows) = hostile_server().await;
    let ran = Swlog::at(&server.uri())
        .args(["list", "--format", "json"])
        .run()
        .await;
    let v: Value = serde_json::from_str(&ran.stdout).expect("one JSON array");
    assert_eq!(v, rows, "values survive the escaping");
    let ran = Swlog::at(&server.uri())
        .args(["list", "--format", "ndjson"])
        .run()
        .await;
    let lines: Vec<Value> = ran
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(Value::Array(lines), rows);
}

#[tokio::test]
async fn csv_quotes_per_rfc_4180_and_guards_formulas() {
    let (server, _) = hostile_server().await;
    let ran = Swlog::at(&server.uri())
        .args(["list", "--format", "csv"])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let mut reader = csv::Reader::from_reader(ran.stdout.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header.join(","),
        "created_at,id,type,direction,status,from,to,duration_ms,billing_ms,charge,parent_id"
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let cell = |r: usize, name: &str| {
        let i = header.iter().position(|h| h == name).unwrap();
        rows[r][i].to_owned()
    };
    assert_eq!(cell(0, "id"), "'=HYPERLINK(\"http://evil\")");
    assert_eq!(cell(0, "from"), "'=cmd|' /C calc'!A0");
    assert_eq!(
        cell(0, "to"),
        "+1 (415) 555-0123",
        "a phone number is not a formula"
    );
    assert_eq!(cell(0, "direction"), "'@SUM(1)");
    assert_eq!(cell(0, "billing_ms"), "'-2+3");
    assert_eq!(cell(0, "parent_id"), "'\\u{9}x");
    assert!(cell(0, "status").starts_with("\\u{1b}[2J"));
    assert_eq!(cell(1, "from"), "a,b \"quoted\"\\u{a}next line\\u{d}");
    assert_eq!(cell(1, "status"), "'+cmd");
    assert_eq!(cell(1, "charge"), "-0.5");
    assert!(
        ran.stdout
            .contains("\"a,b \"\"quoted\"\"\\u{a}next line\\u{d}\""),
        "{}",
        ran.stdout
    );
}

#[tokio::test]
async fn the_limit_and_the_scan_cap_say_so_on_stderr() {
    let server = MockServer::start().await;
    let rows: Vec<Value> = (1..=5)
        .map(|n| json!({"id": common::id(n), "type": "laml_call", "from": "+14155550123", "to": "+1", "created_at": chrono::Utc::now().to_rfc3339()}))
        .collect();
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(page(Value::Array(rows), None))
        .mount(&server)
        .await;
    let ran = Swlog::at(&server.uri())
        .args(["list", "--limit", "2", "4155550123"])
        .run()
        .await;
    assert_eq!(ran.code, 0);
    assert_eq!(
        ran.stdout.lines().count(),
        3,
        "header and two rows: {}",
        ran.stdout
    );
    assert!(
        ran.stderr
            .contains("limit reached (the newest 2 of 5 matches printed"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("narrow the window or raise --limit"),
        "{}",
        ran.stderr
    );
    let ran = Swlog::at(&server.uri())
        .args(["list", "--max-scan", "3", "nothing-like-this"])
        .run()
        .await;
    assert_eq!(ran.code, 0);
    assert!(
        ran.stderr.contains("scan cap reached (3 logs scanned"),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("raise --max-scan"), "{}", ran.stderr);
    assert!(ran.stderr.contains("no logs matched"), "{}", ran.stderr);
    assert!(ran.stdout.is_empty(), "{}", ran.stdout);
}

#[tokio::test]
async fn a_foreign_next_link_exits_5_with_the_rows_found_printed() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(page(json!([]), None))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let row = json!([{"id": common::id(1), "type": "laml_call", "from": "+14155550123", "to": "+1", "created_at": chrono::Utc::now().to_rfc3339()}]);
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param_is_missing("page_token"))
        .respond_with(page(
            row,
            Some(format!("{}{LIST}?page_token=x", elsewhere.uri())),
        ))
        .mount(&server)
        .await;
    let ran = Swlog::at(&server.uri())
        .args(["list", "--format", "ndjson"])
        .run()
        .await;
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    assert!(ran.stdout.contains(&common::id(1)), "{}", ran.stdout);
    let port = elsewhere.address().port();
    assert!(
        ran.stderr.contains(&format!("127.0.0.1:{port}")),
        "{}",
        ran.stderr
    );
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn refused_credentials_exit_4() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "Unauthorized"})))
        .mount(&server)
        .await;
    let ran = Swlog::at(&server.uri()).args(["list"]).run().await;
    assert_eq!(ran.code, 4, "{}", ran.stderr);
}

#[tokio::test]
async fn the_readme_example_works_on_the_demo_and_nothing_enters_the_history() {
    let data = tempfile::tempdir().unwrap();
    let ran = Swlog::bare()
        .env("XDG_DATA_HOME", &data.path().to_string_lossy())
        .args(["--demo", "list", "since:7d", "(415) 555-0123"])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.starts_with("CREATED"), "{}", ran.stdout);
    for spelled in ["whatsapp:+14155550123", "sip:+14155550123@", "+14155550123"] {
        assert!(ran.stdout.contains(spelled), "{spelled}: {}", ran.stdout);
    }
    assert!(!ran.stdout.contains("+14155550124"));
    assert!(ran.stderr.contains("demo data"), "{}", ran.stderr);
    let files: Vec<_> = walk(data.path());
    assert!(
        files.is_empty(),
        "nothing written to the data dir: {files:?}"
    );
    let ran = Swlog::bare()
        .args(["--demo", "list", "4155550123", "status:queued"])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let quiet = Swlog::bare()
        .args(["--demo", "list", "-q", "since:7d", "4155550123"])
        .run()
        .await;
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert!(!quiet.stderr.contains("demo data"), "-q: {}", quiet.stderr);
    assert!(ran.stderr.contains("no logs matched"), "{}", ran.stderr);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
