//! Property tests: arbitrary JSON objects shaped like voice logs (each known field of any JSON
//! type, extra fields, deep nesting, hostile strings) never panic the parser or the renderer, and
//! no frame or `swlog get` text made of them holds a control character.
//!
//! Case counts are modest (the suite runs on CI's two cores); `PROPTEST_CASES=5000` runs more.

mod common;

use proptest::prelude::*;
use serde_json::{Map, Number, Value};

use common::frame::{assert_renders_clean, fetched_from_bytes, fetched_from_object};

/// The fields the contract names, across every variant.
const KNOWN: &[&str] = &[
    "id",
    "type",
    "from",
    "to",
    "source",
    "direction",
    "status",
    "created_at",
    "discarded_at",
    "duration",
    "duration_ms",
    "billing_ms",
    "charge",
    "charge_details",
    "url",
    "parent_id",
];

/// Characters, weighted towards what a hostile or broken server sends: escape sequences, C1,
/// bidi overrides, wide and combining characters, line breaks.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range(' ', '~'),
        2 => prop::sample::select(vec![
            '\u{1b}', '\u{7}', '\u{8}', '\r', '\n', '\t', '\0', '\u{7f}', '\u{85}', '\u{9b}',
            '\u{9d}', '\u{202e}', '\u{2066}', '\u{200f}', '\u{feff}', '\u{300}', '東', '🦀',
            '\u{fe0f}', '\u{200d}',
        ]),
        1 => any::<char>(),
    ]
}

fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(hostile_char(), 0..40).prop_map(String::from_iter),
        // Plausible values, so that the typed paths (dates, UUIDs, numbers) are reached too.
        1 => prop::sample::select(vec![
            "2024-05-06T12:20:00Z".to_owned(),
            "2024-05-06 12:20:00".to_owned(),
            "+275760-09-13T00:00:00Z".to_owned(),
            "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11".to_owned(),
            "7a1c3e5f-2b4d-4f6a-8c0e-1d3f5a7b9c21".to_owned(),
            "relay_pstn_call".to_owned(),
            "laml_call".to_owned(),
            "completed".to_owned(),
            "in-progress".to_owned(),
            "0.0125".to_owned(),
            "9638".to_owned(),
            "\u{1b}[2J\u{1b}]52;c;aGk=\u{7}".to_owned(),
            String::new(),
        ]),
    ]
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e20f64..1e20).prop_map(Value::from),
        prop::sample::select(vec![0.0, -0.0, 1e300, -1e300, f64::MAX, f64::MIN_POSITIVE])
            .prop_map(|f| Value::Number(Number::from_f64(f).unwrap_or_else(|| 0.into()))),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        hostile_string().prop_map(Value::String),
    ]
}

/// Any JSON value, a few levels deep and a few items wide.
fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((hostile_string(), inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// A value nested `depth` levels deep, in arrays or objects.
fn deep(depth: usize, in_objects: bool, core: Value) -> Value {
    (0..depth).fold(core, |v, _| {
        if in_objects {
            Value::Object(Map::from_iter([("k".to_owned(), v)]))
        } else {
            Value::Array(vec![v])
        }
    })
}

/// A value for a known field: anything, but often the right shape so that deeper code runs.
fn field_value(key: &'static str) -> BoxedStrategy<Value> {
    let plausible: BoxedStrategy<Value> = match key {
        "type" => prop::sample::select(vec![
            "laml_call",
            "relay_pstn_call",
            "relay_sip_call",
            "relay_webrtc_call",
            "video_room_pstn_leg",
            "video_room_sip_leg",
            "dialogflow_call",
            "fabric_subscriber_device_leg",
            "ai_agent_call\u{1b}[31m",
        ])
        .prop_map(Value::from)
        .boxed(),
        "charge_details" => prop::collection::vec(
            prop_oneof![
                3 => (json(), json()).prop_map(|(d, c)| {
                    Value::Object(Map::from_iter([
                        ("description".to_owned(), d),
                        ("charge".to_owned(), c),
                    ]))
                }),
                1 => json(),
            ],
            0..6,
        )
        .prop_map(Value::Array)
        .boxed(),
        "duration" | "duration_ms" | "billing_ms" | "charge" => number().boxed(),
        _ => hostile_string().prop_map(Value::String).boxed(),
    };
    prop_oneof![2 => plausible, 1 => json()].boxed()
}

/// An object shaped like a voice log: each known field absent or of any type, plus extras,
/// sometimes one very deep value.
fn voice_log() -> impl Strategy<Value = Map<String, Value>> {
    let known: Vec<BoxedStrategy<Option<(String, Value)>>> = KNOWN
        .iter()
        .map(|&k| {
            prop::option::weighted(0.7, field_value(k))
                .prop_map(move |v| v.map(|v| (k.to_owned(), v)))
                .boxed()
        })
        .collect();
    let extras = prop::collection::vec((hostile_string(), json()), 0..6);
    let deep_one = prop::option::weighted(
        0.2,
        (
            1usize..180,
            any::<bool>(),
            prop::sample::select(KNOWN.to_vec()),
        ),
    );
    (known, extras, deep_one).prop_map(|(known, extras, deep_one)| {
        let mut map: Map<String, Value> = known.into_iter().flatten().collect();
        map.extend(extras);
        if let Some((depth, in_objects, key)) = deep_one {
            map.insert(
                key.to_owned(),
                deep(depth, in_objects, Value::from("\u{1b}[2J")),
            );
        }
        map
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 192,
        // A failure is shrunk, but not for ever.
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    })]

    /// Through the wire: serialised, then parsed as a response body, typed and drawn.
    #[test]
    fn voice_log_shaped_bodies_parse_and_render_clean(map in voice_log()) {
        let body = serde_json::to_vec(&Value::Object(map)).expect("serialise");
        // A body nested past serde_json's limit is refused with an error: that is fine too.
        if let Ok(fetched) = fetched_from_bytes(&body) {
            assert_renders_clean(&fetched);
        }
    }

    /// Straight to the model, past the wire's depth limit: whatever the object, it is typed and
    /// drawn without a panic or a control character.
    #[test]
    fn voice_log_shaped_objects_render_clean(map in voice_log()) {
        let body = serde_json::to_string(&Value::Object(map.clone())).expect("serialise");
        assert_renders_clean(&fetched_from_object(map, body));
    }
}

/// Legs with IDs from a small pool and parents drawn from the same pool (so loops, self-parents,
/// missing parents and duplicates all occur), with any of a few statuses and charges.
fn leg_graph() -> impl Strategy<Value = Vec<(u8, Option<u8>, u8, Option<i8>)>> {
    prop::collection::vec(
        (
            0u8..24,
            prop::option::of(0u8..30),
            0u8..6,
            prop::option::of(-2i8..5),
        ),
        0..60,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whatever the parents say, every leg is in exactly one call, each call's root is its first
    /// leg at depth 0, each other leg sits one deeper than a leg before it in the same call, and
    /// the total is the sum of the priced legs.
    #[test]
    fn every_leg_is_in_exactly_one_call_whatever_the_parents_say(graph in leg_graph()) {
        let statuses = ["completed", "failed", "busy", "in-progress", "canceled", "\u{1b}odd"];
        let id = |n: u8| format!("00000000-0000-4000-8000-{n:012}");
        let rows: Vec<swlog::list::Row> = graph
            .iter()
            .enumerate()
            .map(|(i, (n, parent, status, charge))| {
                let raw = serde_json::json!({
                    "id": id(*n), "parent_id": parent.map(id),
                    "created_at": format!("2026-12-05T14:{:02}:00Z", i % 60),
                    "status": statuses[usize::from(*status)],
                    "charge": charge.map(|c| f64::from(c) / 100.0),
                });
                let Value::Object(o) = raw else { unreachable!() };
                swlog::list::Row::of(&swlog::api::VoiceLog::from_object(o))
            })
            .collect();
        let grouping = swlog::calls::group(&rows, |i| i % 2 == 0);
        let mut seen = vec![0usize; rows.len()];
        for call in &grouping.calls {
            prop_assert!(!call.legs.is_empty());
            prop_assert_eq!(call.legs[0].depth, 0);
            for (k, leg) in call.legs.iter().enumerate() {
                seen[leg.row] += 1;
                if k > 0 {
                    prop_assert!(leg.depth >= 1);
                    prop_assert!(call.legs[..k].iter().any(|l| l.depth + 1 == leg.depth));
                }
            }
            let priced: f64 = call.legs.iter().filter_map(|l| rows[l.row].charge).sum();
            prop_assert!((call.charge - priced).abs() < 1e-9);
            let words = call.outcome.words();
            prop_assert!(!words.chars().any(char::is_control), "{words:?}");
        }
        prop_assert!(seen.iter().all(|n| *n == 1), "{seen:?}");
    }
}
