//! The plain-text ticket summary of a log: what a support engineer pastes into a ticket. Built
//! from [`present`], so it says what the inspector shows, without colour, and says what a reader
//! elsewhere needs: times in the writer's zone with its offset and in UTC (the reader of a ticket
//! may be in any zone), the space and the project.

use chrono::{DateTime, Utc};

use crate::api::model::{Field, VoiceLog};
use crate::clock::Clock;
use crate::present::charges::{TEXT_LINES, TableRow};
use crate::present::place::Place;
use crate::present::{Charges, Presented, RowKey, present};

/// The ticket summary of `log`, found in `place`: type and status, ID, space, project, from →
/// to, direction, created (local with its offset, and UTC), duration, billed, parent leg, charge
/// and its breakdown, and any notes. Every string from the server is sanitised; lines end with
/// `\n`.
pub fn ticket(log: &VoiceLog, clock: &Clock, place: &Place) -> String {
    let p = present(log, clock);
    let mut out = p.header.title.clone();
    if let Some((status, _)) = &p.header.status {
        out.push_str(" — ");
        out.push_str(status);
    }
    out.push('\n');
    let rows = rows(log, &p, clock, place);
    // Labels with their colon, padded to the longest; "Charge:" lines up with them.
    let width = rows
        .iter()
        .map(|(l, _)| l.chars().count() + 1)
        .max()
        .unwrap_or(0);
    for (label, value) in &rows {
        out.push_str(&format!("{:<width$}  {value}\n", format!("{label}:")));
    }
    if let Some(c) = &p.charges {
        let table = c.table(Some(TEXT_LINES));
        let dw = Charges::widths(&table, |t| t.chars().count()).description;
        // Why there are no lines is said on the charge's own line.
        let why = table.iter().find_map(|r| match r {
            TableRow::Free => Some(" (no charge)"),
            TableRow::NoBreakdown => Some(" (no breakdown)"),
            _ => None,
        });
        for row in &table {
            match row {
                TableRow::Total(total) => out.push_str(&format!(
                    "{:<width$}  {total}{}\n",
                    "Charge:",
                    why.unwrap_or_default()
                )),
                TableRow::Free | TableRow::NoBreakdown => {}
                TableRow::Line(l) => out.push_str(&format!(
                    "  - {:<dw$}  {} ({:.0}%)\n",
                    l.description,
                    l.shown,
                    l.share * 100.0
                )),
                TableRow::More(more) => out.push_str(&format!("  {}\n", more.text())),
                TableRow::Mismatch(m) => out.push_str(&format!("  ! {m}\n")),
            }
        }
    }
    if p.rows.is_empty() && !p.extras.is_empty() {
        out.push_str("Fields:\n");
        for r in &p.extras {
            out.push_str(&format!("  {}: {}\n", r.label, r.value));
        }
    }
    for note in &p.notes {
        out.push_str(&format!("Note: {note}\n"));
    }
    out
}

/// The labelled lines, in ticket order: ID, space and project first, from and to on one line,
/// times with their zone.
fn rows(log: &VoiceLog, p: &Presented, clock: &Clock, place: &Place) -> Vec<(String, String)> {
    let value_of = |key: RowKey| p.rows.iter().find(|r| r.key == key);
    let mut rows = Vec::new();
    if let Some(id) = value_of(RowKey::Id) {
        rows.push(("ID".to_owned(), id.value.clone()));
    }
    rows.extend(place.rows());
    if let (Some(from), Some(to)) = (value_of(RowKey::From), value_of(RowKey::To)) {
        rows.push((
            "From → To".to_owned(),
            format!("{} → {}", from.value, to.value),
        ));
    }
    if let Some(d) = &p.header.direction {
        rows.push(("Direction".to_owned(), d.clone()));
    }
    for row in &p.rows {
        let value = match row.key {
            RowKey::Id | RowKey::From | RowKey::To | RowKey::Url => continue,
            RowKey::Created => zoned_or(&log.created_at, &row.value, clock),
            RowKey::Deleted => zoned_or(&log.discarded_at, &row.value, clock),
            // The ID alone, without the UI's link arrow.
            RowKey::Parent if row.link.is_some() => row.copy_text().to_owned(),
            _ => row.value.clone(),
        };
        rows.push((row.label.clone(), value));
    }
    rows
}

/// `2026-11-25 15:02:11 +01:00 · 2026-11-25 14:02:11 UTC` (once, in UTC, where the two agree),
/// or the value as shown when it is not a time.
fn zoned_or(field: &Field<DateTime<Utc>>, shown: &str, clock: &Clock) -> String {
    field
        .get()
        .map_or_else(|| shown.to_owned(), |t| clock.local_and_utc(t))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;
    use crate::testkit::log as log_of;

    fn clock() -> Clock {
        Clock::fixed(
            Utc.with_ymd_and_hms(2026, 11, 25, 16, 0, 0)
                .single()
                .unwrap(),
        )
    }

    fn place() -> Place {
        let endpoint = crate::api::Endpoint::from_space("acme").unwrap();
        Place::of(&endpoint, "a1b2c3d4-0000-4000-8000-0000000000aa")
    }

    #[test]
    fn ticket_of_the_demo_root_call() {
        let body = include_str!("../assets/demo/call-root-laml.json");
        let log = log_of(serde_json::from_str(body).unwrap());
        insta::assert_snapshot!(ticket(&log, &clock(), &place()));
    }

    #[test]
    fn a_child_leg_names_its_parent_and_a_mismatch_is_flagged() {
        let log = log_of(json!({
            "id":"7a1c3e5f-2b4d-4f6a-8c0e-1d3f5a7b9c21","type":"relay_pstn_call","status":"busy",
            "from":"+1","to":"+2","created_at":"2026-11-25T14:02:13Z","duration_ms":0,
            "billing_ms":0,"charge":0.04,
            "charge_details":[{"description":"Outbound Voice Minutes","charge":0.03}],
            "parent_id":"3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11"}));
        let t = ticket(&log, &clock(), &place());
        assert!(t.starts_with("Relay PSTN call — busy\n"), "{t}");
        assert!(
            t.contains("Parent leg:  3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11\n"),
            "{t}"
        );
        assert!(t.contains("  ! The lines add up to $0.03, less"), "{t}");
        assert!(!t.contains('↗'));
    }

    #[test]
    fn deleted_and_unknown_logs_still_summarise() {
        let deleted = ticket(
            &log_of(json!({"id":"b7182dc2-00f3-40e4-a5ce-20f164b329df",
                "discarded_at":"2026-11-25T15:00:00Z","created_at":"2026-11-25T14:00:00Z"})),
            &clock(),
            &place(),
        );
        assert!(
            deleted.contains("Deleted:  2026-11-25 15:00:00 UTC\n"),
            "{deleted}"
        );
        assert!(deleted.contains("Note: This log was deleted"), "{deleted}");
        let unknown = ticket(
            &log_of(json!({"type":"ai_agent_call","id":"x","minutes":3})),
            &clock(),
            &place(),
        );
        assert!(
            unknown.starts_with("Unknown type `ai_agent_call`\n"),
            "{unknown}"
        );
        assert!(unknown.contains("Fields:\n"), "{unknown}");
        assert!(unknown.contains("  minutes: 3\n"), "{unknown}");
    }

    #[test]
    fn server_strings_are_sanitised() {
        let t = ticket(
            &log_of(
                json!({"type":"relay_sip_call","from":"\u{1b}[2J","to":"\r\u{7}",
                "status":"\u{9b}x","charge_details":[{"description":"\u{1b}]52;c;eA==\u{7}","charge":1}]}),
            ),
            &clock(),
            &place(),
        );
        assert!(t.chars().all(|c| c == '\n' || !c.is_control()), "{t:?}");
        assert!(t.contains("\\u{1b}[2J → \\u{d}\\u{7}"), "{t}");
    }

    #[test]
    fn the_ticket_names_the_space_the_project_and_the_time_with_its_zone() {
        let body = include_str!("../assets/demo/call-root-laml.json");
        let log = log_of(serde_json::from_str(body).unwrap());
        let paris = Clock {
            zone: chrono::FixedOffset::east_opt(3600),
            ..clock()
        };
        let t = ticket(&log, &paris, &place());
        assert!(
            t.contains("\nSpace:       acme.signalwire.com\nProject:     a1b2c3d4-0000-4000-8000-0000000000aa\n"),
            "{t}"
        );
        assert!(
            t.contains("\nCreated:     2026-11-25 15:02:11 +01:00 · 2026-11-25 14:02:11 UTC\n"),
            "{t}"
        );
    }
}
