//! `cargo bench --bench calls`: grouping a search's legs into calls, against its target
//! (median, on CI's 2-core machine):
//!
//! | group | what | target |
//! | --- | --- | --- |
//! | `calls` | `group/100k`: 100,000 indexed legs (40,000 calls of 1 to 4 legs) into calls | ≤ 200 ms |
//! | `calls` | `group-and-filter/100k`: the same, then `charge:>0 max:30s` kept | ≤ 200 ms |

// A benchmark whose set-up fails should stop loudly.
#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use swlog::api::VoiceLog;
use swlog::calls::group;
use swlog::list::Row;
use swlog::present::format::Clock;
use swlog::query::Query;
use uuid::Uuid;

/// 100,000 legs, newest first as the list pages them: calls of 1 to 4 legs (a root, its child,
/// the child's child, a second child), shaped like the API's rows.
fn legs() -> Vec<Row> {
    let start = Utc.with_ymd_and_hms(2026, 12, 5, 0, 0, 0).unwrap();
    let mut rows = Vec::with_capacity(100_000);
    let mut n: u128 = 0;
    let mut call = 0i64;
    while rows.len() < 100_000 {
        let size = (call % 4 + 1) as usize;
        let root = n + 1;
        for k in 0..size.min(100_000 - rows.len()) {
            n += 1;
            let parent = match k {
                0 => None,
                1 | 3 => Some(root),
                _ => Some(root + 1),
            };
            let raw = serde_json::json!({
                "id": Uuid::from_u128(n).to_string(),
                "parent_id": parent.map(|p| Uuid::from_u128(p).to_string()),
                "created_at": (start + chrono::Duration::seconds(call * 2 + k as i64)).to_rfc3339(),
                "type": if k == 0 { "laml_call" } else { "relay_pstn_call" },
                "status": if call % 9 == 0 && k == 2 { "failed" } else { "completed" },
                "from": "+14155550123", "to": format!("+1206555{:04}", call % 10_000),
                "duration_ms": 5_000 + (call % 120) * 1_000, "billing_ms": 60_000,
                "charge": 0.0085, "charge_details": [], "direction": "outbound",
            });
            let serde_json::Value::Object(o) = raw else {
                unreachable!()
            };
            rows.push(Row::of(&VoiceLog::from_object(o)));
        }
        call += 1;
    }
    rows.reverse();
    rows
}

fn bench_group(c: &mut Criterion) {
    let rows = legs();
    let clock = Clock::fixed(Utc.with_ymd_and_hms(2026, 12, 6, 0, 0, 0).unwrap());
    let query = Query::parse("charge:>0 max:30s", &clock).expect("a query");
    let mut g = c.benchmark_group("calls");
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    g.bench_function("group/100k", |b| {
        b.iter(|| black_box(group(&rows, |_| true).calls.len()));
    });
    g.bench_function("group-and-filter/100k", |b| {
        b.iter(|| {
            let grouping = group(&rows, |_| true);
            black_box(
                grouping
                    .calls
                    .iter()
                    .filter(|c| c.keeps(&query, &rows))
                    .count(),
            )
        });
    });
    g.finish();
}

criterion_group!(benches, bench_group);
criterion_main!(benches);
