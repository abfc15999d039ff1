//! Working across spaces, on two loopback servers with different credentials: a lookup is
//! revisited with the profile it was made with, a failed revisit keeps the record, the picker
//! changes where new lookups go, and one profile's token never reaches the other's server.

#![allow(clippy::expect_used)]

mod common;

use crossterm::event::KeyCode;
use swlog::api::Endpoint;
use swlog::api::model::VoiceLog;
use swlog::config::{Choice, ConfigError, Settings};
use swlog::history::{Entry, History, Lookup, Options, Summary};
use swlog::secret::Secret;
use swlog::session::Session;
use swlog::spaces::{Resolver, Spaces, client_for};
use wiremock::matchers::{basic_auth, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::harness::{Harness, now};
use common::{authorizations, basic, id};

const PROJECT_A: &str = "a0000000-0000-4000-8000-00000000000a";
const TOKEN_A: &str = "PTalpha-SECRET-1111";
const PROJECT_B: &str = "b0000000-0000-4000-8000-00000000000b";
const TOKEN_B: &str = "PTbravo-SECRET-2222";

fn record(id: &str, status: &str) -> String {
    serde_json::json!({
        "id": id,
        "type": "relay_pstn_call",
        "status": status,
        "from": "+14155550100",
        "to": "+14155550111",
        "created_at": "2026-11-25T09:00:00Z",
        "duration": 12,
        "parent_id": null
    })
    .to_string()
}

/// A server that answers `ids` with their records to its own credentials, and 404 to anything
/// else it is asked with them (a request with other credentials matches nothing: 404 too).
async fn server(project: &str, token: &str, ids: &[&str]) -> MockServer {
    let server = MockServer::start().await;
    for id in ids {
        Mock::given(method("GET"))
            .and(path(format!("/api/voice/logs/{id}")))
            .and(basic_auth(project, token))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_string(record(id, "completed"))
                    .insert_header("content-type", "application/json"),
            )
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_string(r#"{"error":"Not Found"}"#)
                .insert_header("content-type", "application/json"),
        )
        .mount(&server)
        .await;
    server
}

fn settings(profile: &str, base: &str, space: &str, project: &str, token: &str) -> Settings {
    let endpoint = Endpoint::from_base_url(base)
        .expect("loopback")
        .labelled(space);
    let mut s = Settings::demo_profile(&endpoint, "demo").expect("demo settings");
    s.endpoint = endpoint;
    s.profile = profile.to_owned();
    s.project_id = project.to_owned();
    s.token = Secret::new(token);
    s
}

/// An `alpha` session on `a`, able to reach `bravo` on `b` when `b` is given (else the
/// profile is gone from the config).
fn two_profiles(a: &str, b: Option<&str>) -> (Session, Spaces) {
    let alpha = settings("alpha", a, "alpha-space", PROJECT_A, TOKEN_A);
    let client = client_for(&alpha).expect("client");
    let mut choices = vec![Choice {
        name: "alpha".into(),
        space: Some("alpha-space".into()),
        place: Some("alpha-space".into()),
        project: Some(PROJECT_A.into()),
        source: "config file",
    }];
    let bravo = b.map(|b| settings("bravo", b, "bravo-space", PROJECT_B, TOKEN_B));
    if bravo.is_some() {
        choices.push(Choice {
            name: "bravo".into(),
            space: Some("bravo-space".into()),
            place: Some("bravo-space".into()),
            project: Some(PROJECT_B.into()),
            source: "config file",
        });
    }
    let resolver: Resolver = Box::new(move |name: &str| match (&bravo, name) {
        (Some(s), "bravo") => Ok(s.clone()),
        _ => Err(ConfigError::UnknownProfile {
            name: name.to_owned(),
            path: "test".into(),
            available: vec![],
        }),
    });
    let spaces = Spaces::new("alpha", client.clone(), choices, resolver);
    // In-process: no index in the user's data dir.
    let mut alpha = alpha;
    alpha.index.enabled = false;
    let session = Session::from_parts(client, alpha, None);
    (session, spaces)
}

/// An in-memory history holding `id`, found with `bravo` an hour before [`now`], with its
/// body cached when `cached`.
fn history_with_bravo_entry(id: &str, cached: bool) -> History {
    let mut history = History::in_memory(Options {
        cache: cached,
        ..Options::default()
    });
    let body = record(id, "in-progress");
    let raw: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&body).expect("record");
    let log = VoiceLog::from_object(raw);
    let at = now() - chrono::Duration::hours(1);
    let entry = Entry::new(
        id.parse().expect("uuid"),
        at,
        "bravo",
        "bravo-space",
        Lookup::Record(Summary::of(&log)),
    );
    let warnings = history.record(entry, Some((&body, at)));
    assert!(warnings.is_empty(), "{warnings:?}");
    history
}

/// Opens the sidebar's first entry (Tab to the sidebar, Enter).
fn open_first_entry(h: &Harness) {
    h.press(KeyCode::Tab);
    h.press(KeyCode::Enter);
}

#[tokio::test]
async fn an_entry_from_profile_b_opened_in_an_a_session_reaches_server_b_only() {
    let b_id = id(0xb1);
    let a = server(PROJECT_A, TOKEN_A, &[]).await;
    let b = server(PROJECT_B, TOKEN_B, &[&b_id]).await;
    let (session, spaces) = two_profiles(&a.uri(), Some(&b.uri()));
    let history = history_with_bravo_entry(&b_id, false);
    let h = Harness::start_spaces(session, Some(spaces), 120, 40, Some((history, vec![])));
    open_first_entry(&h);
    h.wait_for("the record from bravo", |s| s.contains("● completed"))
        .await;
    let screen = h.screen();
    assert!(
        screen.contains("From profile bravo (space bravo-space)"),
        "{screen}"
    );
    assert!(
        !screen.contains("⚠ From"),
        "where a record came from is no warning: {screen}"
    );
    let app = h.quit().await;
    assert!(authorizations(&a).await.is_empty(), "nothing went to A");
    assert_eq!(authorizations(&b).await, vec![basic(PROJECT_B, TOKEN_B)]);
    let entry = app
        .sidebar()
        .history
        .get(b_id.parse().expect("uuid"))
        .expect("entry");
    assert_eq!(
        (entry.profile.as_str(), entry.space.as_str()),
        ("bravo", "bravo-space")
    );
}

#[tokio::test]
async fn a_404_on_revisit_keeps_the_record_and_marks_the_entry() {
    let b_id = id(0xb2);
    let a = server(PROJECT_A, TOKEN_A, &[]).await;
    // B no longer has it.
    let b = server(PROJECT_B, TOKEN_B, &[]).await;
    let (session, spaces) = two_profiles(&a.uri(), Some(&b.uri()));
    let history = history_with_bravo_entry(&b_id, true);
    let h = Harness::start_spaces(session, Some(spaces), 120, 40, Some((history, vec![])));
    open_first_entry(&h);
    let screen = h
        .wait_for("the failed refresh", |s| s.contains("Refresh failed"))
        .await;
    assert!(
        screen.contains("● in-progress"),
        "the cached copy stays: {screen}"
    );
    assert!(
        screen.contains("Last refresh failed: not found"),
        "{screen}"
    );
    let app = h.quit().await;
    let entry = app
        .sidebar()
        .history
        .get(b_id.parse().expect("uuid"))
        .expect("entry");
    assert!(entry.summary().is_some(), "the record is kept: {entry:?}");
    assert_eq!(
        entry.refresh_failed.as_ref().map(|f| f.what.as_str()),
        Some("not found")
    );
    assert!(authorizations(&a).await.is_empty(), "nothing went to A");
}

#[tokio::test]
async fn server_b_gone_shows_the_cached_copy_with_a_notice_and_keeps_the_record() {
    let b_id = id(0xb3);
    let a = server(PROJECT_A, TOKEN_A, &[]).await;
    let b = server(PROJECT_B, TOKEN_B, &[]).await;
    let gone = b.uri();
    drop(b);
    let (session, spaces) = two_profiles(&a.uri(), Some(&gone));
    let history = history_with_bravo_entry(&b_id, true);
    let h = Harness::start_spaces(session, Some(spaces), 120, 40, Some((history, vec![])));
    open_first_entry(&h);
    let screen = h
        .wait_for("the failed refresh", |s| s.contains("Refresh failed"))
        .await;
    assert!(screen.contains("● in-progress"), "{screen}");
    let app = h.quit().await;
    let entry = app
        .sidebar()
        .history
        .get(b_id.parse().expect("uuid"))
        .expect("entry");
    assert!(entry.summary().is_some(), "the record is kept: {entry:?}");
    assert!(authorizations(&a).await.is_empty(), "nothing went to A");
}

#[tokio::test]
async fn a_profile_gone_from_the_config_shows_the_cached_copy_and_fetches_nothing() {
    let b_id = id(0xb4);
    let a = server(PROJECT_A, TOKEN_A, &[]).await;
    let (session, spaces) = two_profiles(&a.uri(), None);
    let history = history_with_bravo_entry(&b_id, true);
    let h = Harness::start_spaces(session, Some(spaces), 120, 40, Some((history, vec![])));
    open_first_entry(&h);
    let screen = h
        .wait_for("the notice", |s| s.contains("Cannot be refreshed"))
        .await;
    assert!(screen.contains("● in-progress"), "{screen}");
    assert!(
        screen.contains("profile bravo is no longer in the config"),
        "{screen}"
    );
    let app = h.quit().await;
    assert!(
        authorizations(&a).await.is_empty(),
        "nothing fetched from the wrong space"
    );
    let entry = app
        .sidebar()
        .history
        .get(b_id.parse().expect("uuid"))
        .expect("entry");
    assert!(entry.summary().is_some());
}

#[tokio::test]
async fn the_picker_changes_where_new_lookups_go_and_each_token_stays_home() {
    let a_id = id(0xa1);
    let b_id = id(0xb5);
    let a = server(PROJECT_A, TOKEN_A, &[&a_id]).await;
    let b = server(PROJECT_B, TOKEN_B, &[&b_id]).await;
    let (session, spaces) = two_profiles(&a.uri(), Some(&b.uri()));
    let h = Harness::start_spaces(session, Some(spaces), 120, 40, None);
    h.look_up(&a_id).await;
    // To the detail pane, where `P` opens the picker; bravo is the second choice.
    h.press(KeyCode::Esc);
    h.type_text("P");
    let screen = h.wait_for("the picker", |s| s.contains(" Profiles ")).await;
    assert!(screen.contains("space bravo-space"), "{screen}");
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    h.wait_for("the status bar", |s| {
        s.contains("profile bravo · space bravo-space")
    })
    .await;
    h.look_up(&b_id).await;
    let app = h.quit().await;
    assert_eq!(authorizations(&a).await, vec![basic(PROJECT_A, TOKEN_A)]);
    assert_eq!(authorizations(&b).await, vec![basic(PROJECT_B, TOKEN_B)]);
    let entry = app
        .sidebar()
        .history
        .get(b_id.parse().expect("uuid"))
        .expect("entry");
    assert_eq!(entry.profile, "bravo");
    let entry = app
        .sidebar()
        .history
        .get(a_id.parse().expect("uuid"))
        .expect("entry");
    assert_eq!(entry.profile, "alpha");
}

#[tokio::test]
async fn the_sidebar_marks_a_foreign_entry_and_the_picker_lists_the_profiles() {
    let a = server(PROJECT_A, TOKEN_A, &[]).await;
    let b = server(PROJECT_B, TOKEN_B, &[]).await;
    let (session, spaces) = two_profiles(&a.uri(), Some(&b.uri()));
    let history = history_with_bravo_entry(&id(0xb6), true);
    let h = Harness::start_spaces(session, Some(spaces), 100, 20, Some((history, vec![])));
    let screen = h.wait_for("the sidebar", |s| s.contains("@bravo")).await;
    insta::assert_snapshot!("sidebar_foreign_profile_entry", screen);
    h.press(KeyCode::Tab);
    h.type_text("P");
    let screen = h.wait_for("the picker", |s| s.contains(" Profiles ")).await;
    insta::assert_snapshot!("profile_picker", screen);
    h.quit().await;
}

#[test]
fn old_history_files_load_and_new_marks_survive_a_round_trip() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Written by a swlog before refresh marks existed.
    let old = format!(
        r#"{{"version":2,"entries":[{{"id":"{}","at":"2026-11-25T09:00:00Z","profile":"bravo","space":"bravo-space","lookup":{{"record":{{"type":"relay_pstn_call","status":"completed"}}}},"pinned":false}}]}}"#,
        id(0xc1)
    );
    std::fs::write(dir.path().join("history.json"), old).expect("write");
    let (mut history, warnings) = History::open(dir.path(), Options::default());
    assert!(
        matches!(
            &warnings[..],
            [swlog::history::Warning::Imported { lookups: 1, .. }]
        ),
        "{warnings:?}"
    );
    let id = id(0xc1).parse().expect("uuid");
    let entry = history.get(id).expect("the old entry");
    assert_eq!(entry.refresh_failed, None);
    let warnings = history.refresh_failed(id, "not found", now());
    assert!(warnings.is_empty(), "{warnings:?}");
    let (history, _) = History::open(dir.path(), Options::default());
    let entry = history.get(id).expect("entry");
    assert!(entry.summary().is_some());
    assert_eq!(
        entry.refresh_failed.as_ref().map(|f| f.what.as_str()),
        Some("not found")
    );
}

#[tokio::test]
async fn the_demo_staging_profile_has_its_own_records() {
    let server = swlog::demo::DemoServer::start(swlog::demo::DemoOptions::default())
        .await
        .expect("demo");
    let staging = Settings::demo_profile(&server.endpoint(), "staging").expect("staging");
    assert_eq!(staging.endpoint.space(), "demo-staging");
    let client = client_for(&staging).expect("client");
    let own = "5a6e0001-57a9-4e00-8a00-5a9e00000001"
        .parse()
        .expect("uuid");
    assert!(client.fetch_log(own).await.is_ok());
    let main_only = swlog::demo::ids::CHAIN_ROOT.parse().expect("uuid");
    assert!(
        client.fetch_log(main_only).await.is_err(),
        "demo records are not staging's"
    );
    let (_, demo) = (0, Settings::demo(&server));
    let client = client_for(&demo).expect("client");
    assert!(
        client.fetch_log(own).await.is_err(),
        "staging records are not the demo's"
    );
    assert!(Settings::demo_profile(&server.endpoint(), "prod").is_none());
}

/// A search made as staging lists staging's logs, and the demo's list never shows them.
#[tokio::test]
async fn each_demo_profile_lists_its_own_logs() {
    use swlog::list::{Limits, Scanner, scan};
    let server = swlog::demo::DemoServer::start(swlog::demo::DemoOptions::default())
        .await
        .expect("demo");
    let ids = |s: &scan::Scan| -> Vec<String> {
        s.rows.iter().map(|r| r.cell("id").into_owned()).collect()
    };
    let own = "5a6e0001-57a9-4e00-8a00-5a9e00000001";
    let staging = Settings::demo_profile(&server.endpoint(), "staging").expect("staging");
    let client = client_for(&staging).expect("client");
    let every = |limit| Limits {
        limit,
        max_scan: 100_000,
    };
    let query = swlog::query::Query::default();
    let listed = scan::run(
        &client,
        Scanner::new(query.clone(), every(1000)),
        Default::default(),
        |_| {},
    )
    .await;
    assert!(listed.end.is_ok(), "{:?}", listed.end);
    assert!(ids(&listed).contains(&own.to_owned()), "{:?}", ids(&listed));
    // Exactly staging's own records, each of which opens under staging: a generated demo row
    // here would be a listed call that `get` cannot open.
    let mut listed_ids = ids(&listed);
    listed_ids.sort();
    let mut own_ids: Vec<String> = swlog::demo::staging::RECORDS
        .iter()
        .filter_map(|(_, body)| {
            let v: serde_json::Value = serde_json::from_str(body).ok()?;
            Some(v.get("id")?.as_str()?.to_owned())
        })
        .collect();
    own_ids.sort();
    assert_eq!(listed_ids, own_ids, "staging lists exactly its own records");
    for listed_id in &listed_ids {
        let uuid = listed_id.parse().expect("uuid");
        assert!(
            client.fetch_log(uuid).await.is_ok(),
            "{listed_id} is listed under staging but does not open there"
        );
    }
    let demo = Settings::demo(&server);
    let client = client_for(&demo).expect("client");
    let listed = scan::run(
        &client,
        Scanner::new(query, every(100_000)),
        Default::default(),
        |_| {},
    )
    .await;
    assert!(listed.end.is_ok(), "{:?}", listed.end);
    assert!(ids(&listed).len() > 500);
    assert!(
        !ids(&listed).contains(&own.to_owned()),
        "staging's logs are not the demo's"
    );
}

#[tokio::test]
async fn a_legs_chain_and_events_are_fetched_with_the_profile_it_was_opened_with() {
    let leg = id(0xb7);
    let parent = id(0xb8);
    let a = server(PROJECT_A, TOKEN_A, &[]).await;
    let b = MockServer::start().await;
    let mut body: serde_json::Value =
        serde_json::from_str(&record(&leg, "completed")).expect("json");
    body["parent_id"] = serde_json::json!(parent);
    for (id, body) in [
        (&leg, body.to_string()),
        (&parent, record(&parent, "completed")),
    ] {
        Mock::given(method("GET"))
            .and(path(format!("/api/voice/logs/{id}")))
            .and(basic_auth(PROJECT_B, TOKEN_B))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_string(body)
                    .insert_header("content-type", "application/json"),
            )
            .mount(&b)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(format!("/api/voice/logs/{leg}/events")))
        .and(basic_auth(PROJECT_B, TOKEN_B))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"data":[]}"#)
                .insert_header("content-type", "application/json"),
        )
        .mount(&b)
        .await;
    let (session, spaces) = two_profiles(&a.uri(), Some(&b.uri()));
    let history = history_with_bravo_entry(&leg, false);
    let h = Harness::start_spaces(session, Some(spaces), 120, 40, Some((history, vec![])));
    open_first_entry(&h);
    h.wait_for("the chain from bravo", |s| s.contains("↑ parent"))
        .await;
    h.type_text("e");
    h.wait_for("the events from bravo", |s| {
        s.contains("No events recorded for this leg.")
    })
    .await;
    let app = h.quit().await;
    assert!(authorizations(&a).await.is_empty(), "nothing went to A");
    let paths: Vec<String> = b
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    for wanted in [
        format!("/api/voice/logs/{leg}"),
        format!("/api/voice/logs/{parent}"),
        format!("/api/voice/logs/{leg}/events"),
    ] {
        assert!(paths.contains(&wanted), "{wanted} not in {paths:?}");
    }
    assert!(
        authorizations(&b)
            .await
            .iter()
            .all(|h| *h == basic(PROJECT_B, TOKEN_B))
    );
    // The parent, opened later, goes to bravo too.
    let parent_id = swlog::api::LogRef::voice(parent.parse().expect("uuid"));
    assert_eq!(app.origin_for(parent_id).profile, "bravo");
}

#[tokio::test]
async fn escape_sequences_in_profile_names_reach_the_sidebar_picker_and_status_escaped() {
    let evil = "x\u{1b}]0;PWN\u{7}";
    let a = server(PROJECT_A, TOKEN_A, &[]).await;
    let (session, _) = two_profiles(&a.uri(), None);
    let client = session.client.clone();
    let choices = vec![
        Choice {
            name: "alpha".into(),
            space: Some("alpha-space".into()),
            place: Some("alpha-space".into()),
            project: None,
            source: "config file",
        },
        Choice {
            name: evil.into(),
            space: Some("evil\u{1b}[2Jspace".into()),
            place: Some("evil\u{1b}[2Jspace".into()),
            project: None,
            source: "config file",
        },
    ];
    let resolver: Resolver = Box::new(|name: &str| {
        Err(ConfigError::UnknownProfile {
            name: name.to_owned(),
            path: "test".into(),
            available: vec![],
        })
    });
    let spaces = Spaces::new("alpha", client, choices, resolver);
    let mut history = History::in_memory(Options::default());
    let body = record(&id(0xe1), "completed");
    let raw: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&body).expect("record");
    let entry = Entry::new(
        id(0xe1).parse().expect("uuid"),
        now(),
        evil,
        "evil\u{1b}[2Jspace",
        Lookup::Record(Summary::of(&VoiceLog::from_object(raw))),
    );
    assert!(history.record(entry, None).is_empty());
    let h = Harness::start_spaces(session, Some(spaces), 120, 40, Some((history, vec![])));
    let screen = h.wait_for("the sidebar", |s| s.contains("@x\\u{1b}")).await;
    assert!(!screen.contains('\u{1b}'), "{}", screen.escape_debug());
    h.press(KeyCode::Tab);
    h.type_text("P");
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    let screen = h
        .wait_for("the status bar", |s| s.contains("profile x\\u{1b}]0;PWN"))
        .await;
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{7}'),
        "{}",
        screen.escape_debug()
    );
    h.quit().await;
}

/// The failure page's advice works: an entry whose profile is gone cannot be fetched when it
/// is opened, and the ID submitted from the input (`i`, Enter) is a new lookup with the
/// session's profile (it once went to the gone profile again, and failed the same way).
#[tokio::test]
async fn an_id_whose_profile_is_gone_is_looked_up_with_the_session_profile_from_the_input() {
    let b_id = id(0xb7);
    let a = server(PROJECT_A, TOKEN_A, &[&b_id]).await;
    let (session, spaces) = two_profiles(&a.uri(), None);
    let history = history_with_bravo_entry(&b_id, false);
    let h = Harness::start_spaces(session, Some(spaces), 120, 40, Some((history, vec![])));
    open_first_entry(&h);
    let screen = h
        .wait_for("the failure", |s| s.contains("Cannot be fetched here"))
        .await;
    assert!(
        screen.contains("look the ID up with profile alpha: press i and Enter"),
        "{screen}"
    );
    assert!(!screen.contains("Press r to try again"), "{screen}");
    assert!(
        authorizations(&a).await.is_empty(),
        "opening the entry asks nobody"
    );
    h.type_text("i");
    h.press(KeyCode::Enter);
    h.wait_for("the record from alpha", |s| s.contains("● completed"))
        .await;
    let app = h.quit().await;
    assert_eq!(authorizations(&a).await, vec![basic(PROJECT_A, TOKEN_A)]);
    let entry = app
        .sidebar()
        .history
        .get(b_id.parse().expect("uuid"))
        .expect("entry");
    assert_eq!(entry.profile, "alpha");
}

/// A log not found in the session's space: the inspector points at `P` and names the other
/// profiles, not at the command line's `--profile NAME`.
#[tokio::test]
async fn a_not_found_names_p_and_the_other_profiles() {
    let a = server(PROJECT_A, TOKEN_A, &[]).await;
    let b = server(PROJECT_B, TOKEN_B, &[]).await;
    let (session, spaces) = two_profiles(&a.uri(), Some(&b.uri()));
    let h = Harness::start_spaces(session, Some(spaces), 160, 40, None);
    let screen = h.look_up(&id(0xc3)).await;
    let screen = if screen.contains("What to try") {
        screen
    } else {
        h.wait_for("the not-found page", |s| s.contains("What to try"))
            .await
    };
    assert!(
        screen.contains("press P to pick another profile (bravo)"),
        "{screen}"
    );
    assert!(!screen.contains("--profile"), "{screen}");
    h.quit().await;
}

/// A base URL on a port of its own is named with it in the status bar: two servers on one host
/// are told apart (history entries still record the host, as before).
#[tokio::test]
async fn the_status_bar_names_a_base_urls_host_with_its_port() {
    let a = server(PROJECT_A, TOKEN_A, &[]).await;
    let port = a.address().port();
    let endpoint = Endpoint::from_base_url(&a.uri()).expect("loopback");
    let mut alpha = Settings::demo_profile(&endpoint, "demo").expect("demo settings");
    alpha.endpoint = endpoint;
    alpha.profile = "alpha".to_owned();
    alpha.index.enabled = false;
    let client = client_for(&alpha).expect("client");
    let session = Session::from_parts(client, alpha, None);
    let h = Harness::start_spaces(session, None, 120, 40, None);
    // The screen shows a loopback port as `#`s of its width.
    let shown = |text: String| common::harness::without_port(&text);
    let place = shown(format!("profile alpha · space 127.0.0.1:{port}"));
    h.wait_for(&place, |s| s.contains(&place)).await;
    let welcome = shown(format!("Space 127.0.0.1:{port} · project"));
    assert!(h.screen().contains(&welcome), "{}", h.screen());
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('P'));
    let picked = shown(format!("space 127.0.0.1:{port} · start-up"));
    h.wait_for("the picker", |s| s.contains(&picked)).await;
}
