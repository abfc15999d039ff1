use super::*;
use crate::api::ClientOptions;
use crate::api::endpoint::Endpoint;
use crate::present::format::Clock;
use crate::secret::Secret;

fn tail(query: &str, options: Options) -> Tail {
    let endpoint = Endpoint::from_base_url("http://127.0.0.1:9").unwrap();
    let client = Client::new(endpoint, "p", Secret::new("t"), ClientOptions::default()).unwrap();
    let query = Query::parse(query, &Clock::system()).unwrap();
    Tail::new(&client, IndexHandle::off(), query, options)
}

fn row(id: u32, at: DateTime<Utc>, status: &str, ms: i64) -> Map<String, Value> {
    let v = serde_json::json!({
        "id": crate::testkit::uuid(id).to_string(),
        "created_at": at.to_rfc3339(),
        "type": "relay_pstn_call",
        "from": "+14155550123",
        "to": "+12065553434",
        "status": status,
        "duration_ms": ms,
        "charge": 0.0,
    });
    let Value::Object(o) = v else { unreachable!() };
    o
}

/// Feeds one poll's rows as if read, as `next` does after a clean poll.
fn poll(t: &mut Tail, rows: &[Map<String, Value>], now: DateTime<Utc>) -> Vec<Event> {
    let floor = t.floor(now);
    let events = t.take_in(rows, floor, now);
    t.first = false;
    events
}

fn names(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e {
            Event::New(r) => format!("new {}", r.cell("status")),
            Event::Changed { row, was } => {
                format!("changed {} -> {}", was.cell("status"), row.cell("status"))
            }
            Event::Dropped { .. } => "dropped".to_owned(),
            Event::Failed { .. } => "failed".to_owned(),
            Event::Resumed { .. } => "resumed".to_owned(),
        })
        .collect()
}

#[test]
fn old_rows_are_never_shown_new_ones_once_and_again_when_they_end() {
    let now = Utc::now();
    let s = |n| now - TimeDelta::seconds(n);
    let mut t = tail("", Options::default());
    let old = [
        row(1, s(60), "in-progress", 0),
        row(2, s(90), "completed", 5000),
    ];
    assert!(
        poll(&mut t, &old, now).is_empty(),
        "what was there at the start"
    );
    let next = [row(3, s(1), "ringing", 0), row(1, s(60), "completed", 9000)];
    assert_eq!(
        names(&poll(&mut t, &next, now)),
        ["new ringing"],
        "the old call's end is not shown"
    );
    let again = [row(3, s(1), "ringing", 0)];
    assert!(poll(&mut t, &again, now).is_empty(), "nothing changed");
    let done = [row(3, s(1), "completed", 4000)];
    assert_eq!(
        names(&poll(&mut t, &done, now)),
        ["changed ringing -> completed"]
    );
    assert_eq!(t.interval(), IDLE_EVERY, "all final");
}

#[test]
fn rows_forgotten_below_the_horizon_are_not_new_when_read_again() {
    let now = Utc::now();
    let s = |n| now - TimeDelta::seconds(n);
    let mut t = tail("", Options::default());
    let old = [
        row(1, s(10), "completed", 1000),
        row(2, s(7200), "completed", 1000),
    ];
    assert!(poll(&mut t, &old, now).is_empty());
    assert!(poll(&mut t, &[], now).is_empty());
    assert!(
        !t.seen
            .contains_key(row(2, now, "", 0)["id"].as_str().unwrap()),
        "forgotten"
    );
    let going = [
        row(3, s(1), "in-progress", 5),
        row(1, s(10), "completed", 1000),
    ];
    let again = [
        row(3, s(1), "in-progress", 900),
        row(2, s(7200), "completed", 1000),
    ];
    assert_eq!(names(&poll(&mut t, &going, now)), ["new in-progress"]);
    assert!(
        poll(&mut t, &again, now).is_empty(),
        "neither the old row nor a ticking duration"
    );
}

#[test]
fn since_shows_the_recent_past_first() {
    let now = Utc::now();
    let s = |n| now - TimeDelta::seconds(n);
    let options = Options {
        since: Some(s(600)),
        ..Options::default()
    };
    let mut t = tail("", options);
    let rows = [
        row(1, s(60), "completed", 1000),
        row(2, s(3600), "completed", 1000),
    ];
    assert_eq!(names(&poll(&mut t, &rows, now)), ["new completed"]);
}

#[test]
fn a_status_filter_shows_a_call_when_it_comes_to_match() {
    let now = Utc::now();
    let mut t = tail("status:failed", Options::default());
    poll(&mut t, &[], now);
    let going = [row(5, now, "in-progress", 0), row(6, now, "in-progress", 0)];
    assert!(poll(&mut t, &going, now).is_empty());
    assert_eq!(
        t.interval(),
        LIVE_EVERY,
        "a call that may yet fail is watched"
    );
    let ended = [row(5, now, "failed", 0), row(6, now, "completed", 0)];
    assert_eq!(names(&poll(&mut t, &ended, now)), ["new failed"]);
}

#[test]
fn a_call_that_never_ends_is_dropped_once_after_the_maximum_age() {
    let now = Utc::now();
    let options = Options {
        max_age: Duration::from_secs(60),
        ..Options::default()
    };
    let mut t = tail("", options);
    poll(&mut t, &[], now);
    let going = [row(7, now, "in-progress", 0)];
    assert_eq!(names(&poll(&mut t, &going, now)), ["new in-progress"]);
    let later = now + TimeDelta::seconds(61);
    assert_eq!(names(&poll(&mut t, &going, later)), ["dropped"]);
    assert!(poll(&mut t, &going, later).is_empty(), "said once");
    assert_eq!(t.interval(), IDLE_EVERY, "no longer watched");
}

#[test]
fn a_row_from_the_future_or_without_an_id_does_not_stop_the_tail() {
    let now = Utc::now();
    let mut t = tail("", Options::default());
    poll(&mut t, &[], now);
    let mut no_id = row(8, now, "completed", 0);
    no_id.remove("id");
    let future = row(9, now + TimeDelta::days(3650), "completed", 0);
    assert_eq!(
        names(&poll(&mut t, &[no_id, future], now)),
        ["new completed"]
    );
    assert!(
        t.horizon(now).is_some_and(|h| h <= now),
        "the horizon stays at the clock"
    );
    let next = [row(10, now, "completed", 0)];
    assert_eq!(names(&poll(&mut t, &next, now)), ["new completed"]);
}

#[test]
fn lasting_failures_end_the_tail_and_passing_ones_do_not() {
    use crate::api::error::Target;
    let auth = ListError::Api(ApiError::Unauthorized {
        target: Target::default(),
    });
    assert!(is_lasting(&auth));
    let limited = ListError::Api(ApiError::RateLimited {
        attempts: 1,
        retry_after_secs: Some(3),
    });
    assert!(!is_lasting(&limited));
    assert!(!is_lasting(&ListError::EmptyPages { pages: 3 }));
}

#[test]
fn an_empty_first_look_still_marks_where_the_tail_began() {
    let now = Utc::now();
    let mut t = tail("", Options::default());
    assert!(poll(&mut t, &[], now).is_empty());
    assert_eq!(
        t.horizon(now + TimeDelta::seconds(5)),
        Some(now),
        "the next poll reads back to the start, not one page only"
    );
}
