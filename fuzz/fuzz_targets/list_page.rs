//! Arbitrary bytes as a list page (`GET /api/voice/logs`): decoded, split into rows, filtered by
//! a few queries, then printed as `swlog list` prints them (table, CSV, NDJSON, JSON). Nothing
//! may panic, and nothing printed may hold a control character (CSV's CRLF record ends apart).

#![no_main]

use chrono::TimeZone;
use libfuzzer_sys::fuzz_target;
use reqwest::StatusCode;
use swlog::api::client::decode_object;
use swlog::api::list::split_page;
use swlog::export::csv::CsvOut;
use swlog::export::ndjson;
use swlog::list::row::COLUMNS;
use swlog::list::{Limits, Scanner, table};
use swlog::present::format::Clock;
use swlog::query::Query;

fn no_controls(what: &str, text: &str) {
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "a control character in {what}: {text:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = decode_object(StatusCode::OK, false, data) else {
        return;
    };
    let Ok(page) = split_page(raw) else {
        return;
    };
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 25, 17, 0, 0)
        .single()
        .expect("a valid date");
    let clock = Clock::fixed(now);
    for text in ["", "4155550123 since:2d", "status:failed type:sip deleted:yes", "alice min:1s"] {
        let query = Query::parse(text, &clock).expect("a fixed query");
        let mut scanner = Scanner::new(query, Limits::default());
        scanner.feed(page.rows.clone(), page.skipped);
        let rows = &scanner.rows;
        no_controls("table", &table::render(rows, &clock, false));
        let mut out = Vec::new();
        let mut csv = CsvOut::new(&mut out, &COLUMNS, true).expect("a Vec never fails");
        for r in rows {
            csv.row(r.cells().iter().map(String::as_str)).expect("a Vec never fails");
        }
        csv.finish().expect("a Vec never fails");
        no_controls("csv", &String::from_utf8_lossy(&out).replace("\r\n", "\n"));
        let mut out = Vec::new();
        for r in rows {
            ndjson::line(&mut out, &r.raw).expect("a Vec never fails");
        }
        let text = String::from_utf8_lossy(&out);
        no_controls("ndjson", &text);
        for line in text.lines() {
            serde_json::from_str::<serde_json::Value>(line).expect("each line is JSON");
        }
    }
});
