//! One ticket bundle for several calls: what a support engineer pastes into a ticket about the
//! calls they marked. Each call says when it began (in the user's zone, and in UTC when that
//! differs), where (the space and the project), who called whom, its legs with their status and
//! charge, its total, billed against actual time, how it ended and every ID whole. Pure: the
//! rows and the place are given; every string from the server is sanitised; no colour.

use super::Call;
use super::table::billing_ms;
use crate::list::row::Row;
use crate::present::format::{Clock, duration_ms, money};
use crate::present::place::Place;
use crate::text::sanitize;

/// The bundle of `calls` (each indexing into `rows`), in the order given; lines end with `\n`.
pub fn bundle(calls: &[&Call], rows: &[Row], place: &Place, clock: &Clock) -> String {
    let mut out = String::new();
    let n = calls.len();
    for (i, call) in calls.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&one(call, rows, place, clock, (i + 1, n)));
    }
    out
}

/// `Created:` (the root's, in the writer's zone and in UTC), `Space:` and `Project:`: the lines
/// the record's ticket and the whole call's bundle give too.
fn place_lines(
    created: Option<chrono::DateTime<chrono::Utc>>,
    place: &Place,
    clock: &Clock,
) -> Vec<(String, String)> {
    let created = created.map_or_else(|| "— (not known)".to_owned(), |t| clock.local_and_utc(t));
    let mut lines = vec![("Created".to_owned(), created)];
    lines.extend(place.rows());
    lines
}

fn one(
    call: &Call,
    rows: &[Row],
    place: &Place,
    clock: &Clock,
    (at, of): (usize, usize),
) -> String {
    let root = &rows[call.root()];
    let text = |s: &str| sanitize(s).into_owned();
    let from = text(&root.cell("from"));
    let to = text(&root.cell("to"));
    let mut out = if of > 1 {
        format!("Call {at} of {of}: {from} → {to}\n")
    } else {
        format!("Call: {from} → {to}\n")
    };
    let mut labelled = place_lines(root.created_at, place, clock);
    labelled.push(("From → to".to_owned(), format!("{from} → {to}")));
    labelled.push(("Outcome".to_owned(), call.outcome.words()));
    let actual = root.duration_ms.map(duration_ms);
    let billed = billing_ms(root).map(duration_ms);
    labelled.push((
        "Billed".to_owned(),
        format!(
            "{} (actual {})",
            billed.as_deref().unwrap_or("not given"),
            actual.as_deref().unwrap_or("not given")
        ),
    ));
    let total = match call.unpriced {
        0 => money(call.charge),
        1 => format!("{} + 1 leg without a charge", money(call.charge)),
        u => format!("{} + {u} legs without a charge", money(call.charge)),
    };
    labelled.push(("Total".to_owned(), total));
    if !call.rooted {
        labelled.push((
            "Note".to_owned(),
            "its first leg's parent could not be read: the call may have more legs".to_owned(),
        ));
    }
    labelled.push(("Call ID".to_owned(), text(&root.cell("id"))));
    let width = labelled
        .iter()
        .map(|(l, _)| l.chars().count() + 1)
        .max()
        .unwrap_or(0);
    for (label, value) in &labelled {
        out.push_str(&format!("  {:<width$}  {value}\n", format!("{label}:")));
    }
    out.push_str(&format!("  Legs ({}):\n", call.legs.len()));
    let legs: Vec<[String; 5]> = call
        .legs
        .iter()
        .map(|l| {
            let row = &rows[l.row];
            [
                format!("{}{}", "  ".repeat(l.depth), text(&row.kind)),
                text(&row.cell("status")),
                row.charge
                    .filter(|c| c.is_finite())
                    .map_or_else(|| "no charge".to_owned(), money),
                row.duration_ms.map(duration_ms).unwrap_or_default(),
                text(&row.cell("id")),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..4)
        .map(|c| legs.iter().map(|l| l[c].chars().count()).max().unwrap_or(0))
        .collect();
    for (n, cells) in legs.iter().enumerate() {
        let line = format!(
            "    {:>2}. {:<w0$}  {:<w1$}  {:>w2$}  {:>w3$}  {}",
            n + 1,
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            cells[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::group;
    use crate::testkit::log;
    use chrono::{FixedOffset, TimeZone, Utc};
    use serde_json::json;

    fn id(n: u128) -> String {
        uuid::Uuid::from_u128(n).to_string()
    }

    fn leg(n: u128, p: u128, v: serde_json::Value) -> Row {
        let mut base = json!({
            "id": id(n),
            "parent_id": if p == 0 { serde_json::Value::Null } else { json!(id(p)) },
            "created_at": "2026-12-06T14:03:05Z",
            "status": "completed", "type": "relay_pstn_call",
            "from": "+14155550123", "to": "+12065553434",
        });
        if let (serde_json::Value::Object(o), serde_json::Value::Object(e)) = (&mut base, v) {
            o.extend(e);
        }
        Row::of(&log(base))
    }

    #[test]
    fn a_bundle_of_two_calls_says_when_where_who_and_every_id_whole() {
        let rows = vec![
            leg(
                1,
                0,
                json!({"type": "laml_call", "duration_ms": 4_000, "billing_ms": 60_000,
                "charge": 0.0095, "status": "completed"}),
            ),
            leg(
                2,
                1,
                json!({"duration_ms": 3_000, "charge": 0.004, "status": "completed",
                "created_at": "2026-12-06T14:03:06Z"}),
            ),
            leg(
                3,
                2,
                json!({"type": "relay_sip_call", "status": "failed",
                "created_at": "2026-12-06T14:03:07Z", "to": "sip:alice@pbx\u{1b}[2J"}),
            ),
            leg(
                9,
                0,
                json!({"created_at": "2026-12-06T15:00:00Z", "duration_ms": 61_000,
                "billing_ms": 61_000, "charge": 0.02, "from": "+18005550199"}),
            ),
        ];
        let grouping = group(&rows, |_| true);
        let calls: Vec<&Call> = grouping.calls.iter().collect();
        assert_eq!(calls.len(), 2);
        let clock = Clock {
            now: Utc.with_ymd_and_hms(2026, 12, 6, 18, 0, 0).unwrap(),
            zone: FixedOffset::west_opt(5 * 3600),
        };
        let place = Place::named(
            "acme.signalwire.com",
            Some("5ca1ab1e-0000-4000-8000-00000000cafe"),
        );
        let text = bundle(&calls, &rows, &place, &clock);
        assert!(
            text.starts_with("Call 1 of 2: +18005550199 → +12065553434\n"),
            "{text}"
        );
        assert!(
            text.contains("Created:    2026-12-06 10:00:00 -05:00 · 2026-12-06 15:00:00 UTC"),
            "the date, time and zone, and UTC: {text}"
        );
        assert!(
            text.contains("Created:    2026-12-06 09:03:05 -05:00 · 2026-12-06 14:03:05 UTC"),
            "{text}"
        );
        assert_eq!(text.matches("Space:      acme.signalwire.com\n").count(), 2);
        assert_eq!(
            text.matches("Project:    5ca1ab1e-0000-4000-8000-00000000cafe\n")
                .count(),
            2,
            "the project whole: {text}"
        );
        assert!(
            text.contains("Call 2 of 2: +14155550123 → +12065553434"),
            "{text}"
        );
        assert!(text.contains("Outcome:    failed on SIP call #3"), "{text}");
        let billed = format!(
            "Billed:     {} (actual {})",
            duration_ms(60_000),
            duration_ms(4_000)
        );
        assert!(text.contains(&billed), "billed against actual: {text}");
        assert!(
            text.contains("Total:      $0.0135 + 1 leg without a charge"),
            "{text}"
        );
        for n in [1, 2, 3, 9] {
            assert!(text.contains(&id(n)), "every ID whole ({n}): {text}");
        }
        assert!(text.contains("Legs (3):"), "{text}");
        assert!(!text.contains('\u{1b}'), "sanitised: {text}");
        let sip = text.lines().find(|l| l.contains(&id(3))).unwrap();
        assert!(sip.contains("failed") && sip.contains("no charge"), "{sip}");
        assert!(
            sip.starts_with("     3.     "),
            "indented by depth: {sip:?}"
        );
    }
}
