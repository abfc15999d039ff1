//! `cargo bench`: the costs a user feels, each against a target (median, on CI's 2-core machine):
//!
//! | group | what | target |
//! | --- | --- | --- |
//! | `parse` | one demo record of each kind, body bytes to typed [`VoiceLog`] | ≤ 50 µs |
//! | `render` | one full frame (input, detail, sidebar, status) on `TestBackend` | ≤ 1 ms |
//! | `history` | open a 10,000-entry history; record one lookup into it | ≤ 20 ms each |
//! | `history` | `batch-200-records`: 200 lookups recorded into a batch, handed to its writer | ≤ 1 ms |
//! | `history` | `open-100k-first-screen`: open a 100,000-entry history at its first page and lay out its first 40 rows | ≤ 50 ms |
//! | `history` | `open-100k-whole`: read all 100,000 entries (off the inspector's update path) | reported |
//! | `filter` | the sidebar's filter over 10,000 entries | ≤ 5 ms |
//! | `history` | `open-100k-query-first-screen`: `swlog history`'s open (no entry read) and its first 40 rows queried | ≤ 50 ms |
//! | `filter` | `100k/…`: over 100,000 entries, each key of a number and a word as typed | ≤ 10 ms per key |
//! | `filter` | `100k-sql-all/…`, `100k-sql-screen/…`: the same as a query, every match or 40 and the count, against `100k-memory/…` | ≤ 10 ms per key |
//! | `keypress` | j/k on a record with 45,000 charge lines: update and the frame after it | ≤ 5 ms |
//! | `get-text` | `swlog get`'s text of a record with 100,000 charge lines, parsed to printed | ≤ 500 ms |
//! | `list` | one 1,000-row list page, body bytes to matched rows (parse + filter) | ≥ 50,000 rows/s |
//!
//! Sample sizes and times are kept small so that the whole run takes a couple of minutes; pass
//! criterion's own flags (`cargo bench -- --sample-size 100`) for tighter numbers.

// A benchmark whose set-up fails should stop loudly.
#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;
use reqwest::StatusCode;
use swlog::api::client::decode_object;
use swlog::api::{Fetched, VoiceLog};
use swlog::app::{App, Context};
use swlog::app::{Effect, Message};
use swlog::demo::RECORDS;
use swlog::history::{Entry, History, Lookup, Options, Summary};
use uuid::Uuid;

/// Entries in the history benchmarks.
const ENTRIES: usize = 10_000;

fn parse(body: &str) -> VoiceLog {
    let raw = decode_object(StatusCode::OK, false, body.as_bytes()).expect("a demo record");
    VoiceLog::from_object(raw)
}

fn bench_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    for (name, body) in RECORDS {
        group.bench_with_input(BenchmarkId::from_parameter(name), body, |b, body| {
            b.iter(|| parse(black_box(body)));
        });
    }
    group.finish();
}

/// "Now" for the rendered frames: a few hours after the demo calls, as in the snapshots.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 17, 0, 0)
        .single()
        .unwrap()
}

/// An inspector whose history (the sidebar) holds a full default history of 1,000 older lookups,
/// that has then looked up every demo record and shows `shown`, brought there through
/// [`App::open_input`] and [`App::update`], as the loop does.
fn app_showing(size: Size, shown: &str) -> App {
    let context = Context {
        space: "demo".into(),
        place: "demo".into(),
        project: "5ca1ab1e…".into(),
        profile: "demo".into(),
    };
    let mut history = History::in_memory(Options::default());
    for n in 0..1_000 {
        let _ = history.record(entry(n), None);
    }
    let mut app = App::new(context, size, true, history);
    app.set_fixed_now(Some(now()));
    let order = RECORDS
        .iter()
        .filter(|(name, _)| *name != shown)
        .chain(RECORDS.iter().filter(|(name, _)| *name == shown));
    for (_, body) in order {
        let log = parse(body);
        let id = log.id.value().expect("demo records have IDs").to_string();
        let effects = app.open_input(&id);
        let Some(Effect::Fetch { id, generation, .. }) = effects.into_iter().next() else {
            panic!("no fetch for {id}");
        };
        let fetched = Fetched {
            log,
            body: (*body).to_owned(),
            fetched_at: now(),
            elapsed: Duration::from_millis(80),
            attempts: 1,
        };
        app.update(Message::Fetched {
            generation,
            id,
            result: Box::new(Ok(fetched)),
        });
    }
    assert!(app.shown_record().is_some(), "the record is shown");
    app
}

fn bench_render(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");
    group
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    for (w, h) in [(80u16, 24u16), (200, 50)] {
        let size = Size::new(w, h);
        // The richest record: three charge lines, a parent leg, every field.
        let app = app_showing(size, "call-root-laml");
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        // The frame as the loop draws it after any change: build every widget, diff, flush.
        group.bench_function(BenchmarkId::new("frame", format!("{w}x{h}")), |b| {
            b.iter(|| {
                terminal
                    .draw(|f| swlog::ui::draw(black_box(&app), f))
                    .unwrap();
            });
        });
        // Every cell changes each frame: two records drawn in turn, so the diff and the
        // backend see a whole new screen.
        let other = app_showing(size, "whatsapp-mismatch");
        let mut flip = false;
        group.bench_function(
            BenchmarkId::new("frame-all-changed", format!("{w}x{h}")),
            |b| {
                b.iter(|| {
                    flip = !flip;
                    let shown = if flip { &other } else { &app };
                    terminal.draw(|f| swlog::ui::draw(shown, f)).unwrap();
                });
            },
        );
    }
    group.finish();
}

/// A random-looking v4 UUID, the same for the same `n` (SplitMix64), as real log IDs are random.
fn id(n: usize) -> Uuid {
    let mix = |mut z: u64| {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let seed = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let (hi, lo) = (mix(seed), mix(seed ^ 0xdead_beef));
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&hi.to_le_bytes());
    bytes[8..].copy_from_slice(&lo.to_le_bytes());
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// A history entry as a lookup of a Relay PSTN call leaves it; every seventh has a note and
/// every eleventh is a failed lookup, for a realistic mix.
fn entry(n: usize) -> Entry {
    let at = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).single().unwrap()
        + chrono::Duration::seconds(n as i64);
    let lookup = if n.is_multiple_of(11) {
        Lookup::Error("not found".into())
    } else {
        Lookup::Record(Summary {
            wire_type: Some(serde_json::json!("relay_pstn_call")),
            deleted: false,
            kind: None,
            status: Some(
                if n.is_multiple_of(5) {
                    "busy"
                } else {
                    "completed"
                }
                .into(),
            ),
            from: Some(format!("+1206555{:04}", n % 10_000)),
            to: Some("+18005550100".into()),
            charge: Some(0.0125),
            parent_id: None,
        })
    };
    let mut e = Entry::new(id(n), at, "default", "acme", lookup);
    if n.is_multiple_of(7) {
        e.note = Some(format!("ticket {n} customer reports one-way audio"));
    }
    e
}

/// Writes a history of `ENTRIES` entries into `dir`.
fn write_history(dir: &Path) {
    write_history_of(dir, ENTRIES);
}

/// Writes a history of `n` entries into `dir`: as an older swlog's `history.json`, which the
/// first open imports into the database in one transaction (the quickest way to fill one).
fn write_history_of(dir: &Path, n: usize) {
    let mut entries: Vec<Entry> = (0..n).map(entry).collect();
    entries.reverse(); // most recent first, the display order
    let file = serde_json::json!({ "version": 2, "entries": entries });
    std::fs::write(dir.join("history.json"), serde_json::to_vec(&file).unwrap()).unwrap();
    let (history, _) = History::open(
        dir,
        Options {
            cap: n,
            cache: false,
        },
    );
    assert_eq!(history.entries().len(), n);
}

fn options() -> Options {
    Options {
        cap: ENTRIES,
        cache: false,
    }
}

fn bench_history(c: &mut Criterion) {
    let mut group = c.benchmark_group("history");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    let dir = tempfile::tempdir().unwrap();
    write_history(dir.path());
    group.bench_function("load-10k", |b| {
        b.iter(|| {
            let (history, warnings) = History::open(dir.path(), options());
            assert!(warnings.is_empty(), "{warnings:?}");
            assert_eq!(history.entries().len(), ENTRIES);
            history
        });
    });
    // One lookup recorded into a full history: one transaction (the oldest evicted), applied to
    // the entries in memory.
    let (mut history, _) = History::open(dir.path(), options());
    let mut n = ENTRIES;
    group.bench_function("save-10k", |b| {
        b.iter(|| {
            n += 1;
            let warnings = history.record(entry(n), None);
            assert!(warnings.is_empty(), "{warnings:?}");
        });
    });
    assert_eq!(history.entries().len(), ENTRIES, "the cap keeps it at 10k");
    let big = tempfile::tempdir().unwrap();
    write_history_of(big.path(), 100_000);
    let big_options = Options {
        cap: 100_000,
        cache: false,
    };
    // What the inspector's sidebar shows first: the first 40 lines of a history opened at its
    // first page (the rest is read by its save thread).
    group.bench_function("open-100k-first-screen", |b| {
        b.iter(|| {
            let (history, warnings) =
                History::open_first(big.path(), big_options.clone(), swlog::history::FIRST_PAGE);
            assert!(warnings.is_empty(), "{warnings:?}");
            assert_eq!(history.len(), 100_000);
            let lines: Vec<String> = history.entries().iter().take(40).map(Entry::line).collect();
            assert_eq!(lines.len(), 40);
            (history, lines)
        });
    });
    // `swlog history`'s open: no entry read, then the first screen's rows from the database.
    group.bench_function("open-100k-query-first-screen", |b| {
        b.iter(|| {
            let (history, warnings) = History::open_to_query(big.path(), big_options.clone());
            assert!(warnings.is_empty(), "{warnings:?}");
            // Streamed as `swlog history` prints, stopped after a screen's worth.
            let mut lines: Vec<String> = Vec::with_capacity(40);
            let _ = history.each_matching("", None, |e| {
                lines.push(e.line());
                if lines.len() == 40 {
                    return Err(std::io::ErrorKind::Interrupted.into());
                }
                Ok(())
            });
            assert_eq!(lines.len(), 40);
            (history, lines)
        });
    });
    // Every entry read, as the inspector's save thread does.
    group.bench_function("open-100k-whole", |b| {
        b.iter(|| {
            let (history, warnings) = History::open(big.path(), big_options.clone());
            assert!(warnings.is_empty(), "{warnings:?}");
            assert_eq!(history.entries().len(), 100_000);
            history
        });
    });
    group.finish();
    bench_batch(c);
}

/// What `swlog get` of 200 IDs (the demo's records, over and over) costs its one thread per
/// lookup: each one recorded into a batch, in memory, with the cache on. The batch's one save
/// at the end is file I/O, measured by `scripts/bench-vs-curl.sh` with the rest of the run.
fn bench_batch(c: &mut Criterion) {
    let mut group = c.benchmark_group("history");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    let fetched: Vec<(Uuid, Fetched)> = RECORDS
        .iter()
        .enumerate()
        .map(|(n, (_, body))| {
            let fetched = Fetched {
                log: parse(body),
                body: (*body).to_owned(),
                fetched_at: Utc::now(),
                elapsed: Duration::from_millis(1),
                attempts: 1,
            };
            (id(n), fetched)
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        cap: 1_000,
        cache: true,
    };
    // The history holds these records from an earlier run, their bodies cached.
    {
        let (mut history, _) = History::open(dir.path(), options.clone());
        for (id, f) in &fetched {
            let _ = history.record_fetched(*id, "default", "acme", f);
        }
    }
    group.bench_function("batch-200-records", |b| {
        b.iter_batched(
            || {
                let (mut history, warnings) = History::open(dir.path(), options.clone());
                assert!(warnings.is_empty(), "{warnings:?}");
                history.batch_saves(Duration::from_secs(3600));
                history
            },
            |mut history| {
                for (id, f) in fetched.iter().cycle().take(200) {
                    let warnings = history.record_fetched(*id, "default", "acme", f);
                    assert!(warnings.is_empty(), "{warnings:?}");
                }
                // Dropped unsaved: only the lookups' own cost is timed.
                history
            },
            criterion::BatchSize::PerIteration,
        );
    });
    group.finish();
}

fn bench_filter(c: &mut Criterion) {
    let mut group = c.benchmark_group("filter");
    group
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    let dir = tempfile::tempdir().unwrap();
    write_history(dir.path());
    let (history, _) = History::open(dir.path(), options());
    // A phone number's digits, a word of a note, a status, two words, the start of an ID as
    // pasted from a ticket, a miss.
    let id_start = id(4242).to_string()[..8].to_owned();
    for (name, query) in [
        ("5551234", "5551234"),
        ("audio", "audio"),
        ("busy", "busy"),
        ("relay 0100", "relay 0100"),
        ("id-start", id_start.as_str()),
        ("zzzz", "zzzz"),
    ] {
        group.bench_with_input(BenchmarkId::new("10k", name), query, |b, q| {
            b.iter(|| history.filter(black_box(q)));
        });
    }
    let big = tempfile::tempdir().unwrap();
    write_history_of(big.path(), 100_000);
    let options = Options {
        cap: 100_000,
        cache: false,
    };
    let (history, _) = History::open(big.path(), options.clone());
    // The first key after the history is opened (or changed) also lays out the text the
    // filter searches: measured on its own.
    group.bench_function("100k/first-key", |b| {
        b.iter_batched(
            || History::open(big.path(), options.clone()).0,
            |history| {
                let hits = history.filter(black_box("4"));
                (history, hits)
            },
            criterion::BatchSize::PerIteration,
        );
    });
    // Then each key of a number and of a word, as typed.
    let typed = [
        "4",
        "42",
        "424",
        "4242",
        "5554242",
        "5554242 t",
        "5554242 ti",
        "5554242 tic",
    ];
    for query in typed {
        group.bench_with_input(BenchmarkId::new("100k", query), query, |b, q| {
            b.iter(|| history.filter(black_box(q)));
        });
    }
    // The same filter as a query on the database, against the filter in memory above: a
    // number, a word nearly every entry has, one none has, a profile none was made with.
    let queried = History::open_to_query(big.path(), options.clone()).0;
    assert!(queried.entries().is_empty(), "nothing read into memory");
    for query in ["4242", "relay", "zzzz", "profile:x"] {
        group.bench_with_input(BenchmarkId::new("100k-memory", query), query, |b, q| {
            b.iter(|| history.filter(black_box(q)));
        });
        // What the sidebar needs at each key: the matches, in order (for its rows and its
        // "N of M").
        group.bench_with_input(BenchmarkId::new("100k-sql-all", query), query, |b, q| {
            b.iter(|| {
                let mut ids = Vec::new();
                queried
                    .each_matching(black_box(q), None, |e| {
                        ids.push(e.id);
                        Ok(())
                    })
                    .unwrap();
                ids
            });
        });
        // A screen's worth and the count, without reading the rest.
        group.bench_with_input(BenchmarkId::new("100k-sql-screen", query), query, |b, q| {
            b.iter(|| {
                (
                    queried.page_matching(black_box(q), 0, 40),
                    queried.count_matching(black_box(q)),
                )
            });
        });
    }
    group.finish();
}

/// A call whose breakdown has `lines` charge lines, as a body the server could send.
fn huge_call(lines: usize) -> String {
    let details: Vec<serde_json::Value> = (0..lines)
        .map(|n| serde_json::json!({"description": format!("Conference minute {n}"), "charge": 0.0001}))
        .collect();
    serde_json::json!({
        "id": "0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70", "type": "relay_pstn_call",
        "from": "+12065550100", "to": "+18005550100", "status": "completed",
        "direction": "outbound", "created_at": "2026-11-25T14:02:13Z", "duration_ms": 9638,
        "billing_ms": 60000, "charge": 0.0001 * lines as f64, "charge_details": details,
        "url": null, "parent_id": null
    })
    .to_string()
}

/// A key press in the detail pane of a huge record, as the loop handles it: `update`, then one
/// frame. j and k alternate so that the selection keeps moving.
fn bench_keypress(c: &mut Criterion) {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    let mut group = c.benchmark_group("keypress");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(3));
    let (w, h) = (120u16, 40u16);
    let body = huge_call(45_000);
    let log = parse(&body);
    let id = log.id.value().expect("an ID");
    let context = Context {
        space: "acme".into(),
        place: "acme".into(),
        project: "5ca1ab1e…".into(),
        profile: "default".into(),
    };
    let mut app = App::new(
        context,
        Size::new(w, h),
        true,
        History::in_memory(Options::default()),
    );
    app.set_fixed_now(Some(now()));
    let Some(Effect::Fetch { id, generation, .. }) =
        app.open_input(&id.to_string()).into_iter().next()
    else {
        panic!("no fetch");
    };
    let fetched = Fetched {
        log,
        body,
        fetched_at: now(),
        elapsed: Duration::from_millis(80),
        attempts: 1,
    };
    app.update(Message::Fetched {
        generation,
        id,
        result: Box::new(Ok(fetched)),
    });
    app.set_focus(swlog::app::Focus::Detail);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| swlog::ui::draw(&app, f)).unwrap();
    let key = |code| Message::Term(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    let mut down = false;
    group.bench_function("45k-charge-lines", |b| {
        b.iter(|| {
            down = !down;
            let code = if down {
                KeyCode::Char('j')
            } else {
                KeyCode::Char('k')
            };
            app.update(key(code));
            terminal.draw(|f| swlog::ui::draw(&app, f)).unwrap();
        });
    });
    group.finish();
}

/// `swlog get`'s text output of a record with 100,000 charge lines, from the body as received:
/// parse, present, render (the printed text is bounded; parsing and the sums still see every line).
fn bench_get_text(c: &mut Criterion) {
    use swlog::cmd::cli::Format;
    use swlog::cmd::get::{Output, render_text};
    use swlog::present::format::Clock;
    let mut group = c.benchmark_group("get-text");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(3));
    let body = huge_call(100_000);
    let output = Output {
        format: Format::Text,
        color: false,
        demo: false,
        events: false,
        chain: false,
    };
    group.bench_function("100k-charge-lines", |b| {
        b.iter(|| {
            let fetched = Fetched {
                log: parse(black_box(&body)),
                body: String::new(),
                fetched_at: now(),
                elapsed: Duration::ZERO,
                attempts: 1,
            };
            render_text(&fetched, &Clock::fixed(now()), output)
        });
    });
    group.finish();
}

/// A list page body of 1,000 rows shaped like the API's, one in 25 with the searched number.
fn list_page(now: DateTime<Utc>) -> String {
    let rows: Vec<serde_json::Value> = (0..1000)
        .map(|i: i64| {
            let from = if i % 25 == 0 {
                "+14155550123".to_owned()
            } else {
                format!("+1206555{:04}", i % 10_000)
            };
            serde_json::json!({
                "id": id(i as usize).to_string(), "from": from, "to": format!("sip:+1415555{:04}@pbx.example.com", i),
                "source": "realtime_api", "charge": 0.0085, "charge_details": [],
                "created_at": (now - chrono::Duration::seconds(i * 30)).to_rfc3339(),
                "type": "relay_pstn_call", "url": null, "direction": "outbound-api",
                "status": if i % 7 == 0 { "failed" } else { "completed" },
                "duration": 42, "duration_ms": 42_123, "billing_ms": 60_000, "parent_id": null,
                "audio_in_mos": 4.3
            })
        })
        .collect();
    serde_json::json!({"links": {"self": "x", "first": "x", "next": "y"}, "data": rows}).to_string()
}

fn bench_list(c: &mut Criterion) {
    use swlog::list::{Limits, Scanner};
    use swlog::present::format::Clock;
    use swlog::query::Query;
    let mut group = c.benchmark_group("list");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5))
        .throughput(criterion::Throughput::Elements(1000));
    let now = now();
    let body = list_page(now);
    let clock = Clock::fixed(now);
    for (name, text) in [
        ("number", "(415) 555-0123 since:1d"),
        ("status", "status:failed since:1d"),
        ("window-only", "since:1d"),
    ] {
        let query = Query::parse(text, &clock).expect("a query");
        group.bench_with_input(BenchmarkId::new("page-1000", name), &body, |b, body| {
            b.iter(|| {
                let raw = decode_object(StatusCode::OK, false, body.as_bytes()).expect("page");
                let page = swlog::api::list::split_page(raw).expect("a page");
                let limits = Limits {
                    limit: 100_000,
                    max_scan: 100_000,
                };
                let mut scanner = Scanner::new(query.clone(), limits);
                scanner.feed(page.rows, page.skipped);
                black_box(scanner.rows.len())
            });
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    bench_keypress,
    bench_get_text,
    bench_parse,
    bench_render,
    bench_history,
    bench_filter,
    bench_list
);
criterion_main!(benches);
