//! A chain of legs in words: one row per link, first leg first, for the inspector and for
//! `swlog get --chain`. Every string here is already sanitised.

use uuid::Uuid;

use super::Tone;
use crate::api::ApiError;
use crate::api::model::{Field, Kind, Outcome, VoiceLog};
use crate::chain::{Chain, Link};
use crate::text::sanitize;

/// One link of the chain, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainRow {
    /// The leg's type in a few words, or what went wrong (`Not found`, `Loop`, ...).
    pub label: String,
    /// The leg's status word and its outcome.
    pub status: Option<(String, Outcome)>,
    /// `from → to` for a leg; the explanation for any other link.
    pub detail: String,
    /// The leg this row is about, when it has an ID.
    pub id: Option<Uuid>,
    /// How the label should look.
    pub tone: Tone,
    /// Whether this is the leg the chain was resolved for.
    pub this_leg: bool,
}

/// The rows of `chain`, first leg first.
pub fn rows(chain: &Chain) -> Vec<ChainRow> {
    let last = chain.links.len().saturating_sub(1);
    chain
        .links
        .iter()
        .enumerate()
        .map(|(n, link)| row(link, n == last))
        .collect()
}

fn row(link: &Link, this_leg: bool) -> ChainRow {
    let problem = |label: &str, detail: String, id: Option<Uuid>, tone: Tone| ChainRow {
        label: label.to_owned(),
        status: None,
        detail,
        id,
        tone,
        this_leg: false,
    };
    match link {
        Link::Leg { id, log } => ChainRow {
            label: sanitize(&log.kind.short_label()).into_owned(),
            status: status(log),
            detail: route(log),
            id: *id,
            tone: Tone::Normal,
            this_leg,
        },
        Link::Missing {
            id,
            why: ApiError::NotFound { .. },
        } => problem(
            "Not found",
            "the parent leg is not in this space (deleted, or in another project)".to_owned(),
            Some(*id),
            Tone::Warn,
        ),
        Link::Missing { id, why } => problem(
            "Lookup failed",
            sanitize(&why.to_string()).into_owned(),
            Some(*id),
            Tone::Bad,
        ),
        Link::Cycle { id } => problem(
            "Loop",
            "this parent_id leads back to a leg already in the chain".to_owned(),
            Some(*id),
            Tone::Warn,
        ),
        Link::Truncated { next, after } => problem(
            "More legs",
            format!("the chain goes on above: stopped after {after} parents"),
            Some(*next),
            Tone::Warn,
        ),
        Link::InvalidParent(s) => problem(
            "Bad parent",
            format!("parent_id \"{}\" is not a valid ID", sanitize(s)),
            None,
            Tone::Odd,
        ),
    }
}

fn status(log: &VoiceLog) -> Option<(String, Outcome)> {
    match (&log.kind, &log.status) {
        (Kind::Discarded, _) => Some(("deleted".to_owned(), Outcome::Unknown)),
        (_, Field::Value(s)) => Some((sanitize(s).into_owned(), Outcome::of(s))),
        _ => None,
    }
}

fn route(log: &VoiceLog) -> String {
    let end = |f: &Field<String>| match f {
        Field::Value(s) => sanitize(s).into_owned(),
        Field::Invalid(v) => sanitize(&v.to_string()).into_owned(),
        Field::Missing | Field::Null => "—".to_owned(),
    };
    if log.kind == Kind::Discarded {
        return "(deleted log: no details kept)".to_owned();
    }
    format!("{} → {}", end(&log.from), end(&log.to))
}

/// The chain as aligned plain text, first leg first, each line starting with `indent`.
pub fn text(chain: &Chain, indent: &str) -> String {
    lines(chain, indent)
        .into_iter()
        .map(|(line, _)| line + "\n")
        .collect()
}

/// The lines of [`text`] (without newlines), each with how it should look.
pub fn lines(chain: &Chain, indent: &str) -> Vec<(String, Tone)> {
    let rows = rows(chain);
    let width = |f: fn(&ChainRow) -> usize| rows.iter().map(f).max().unwrap_or(0);
    let lw = width(|r| r.label.chars().count());
    let sw = width(|r| r.status.as_ref().map_or(0, |(s, _)| s.chars().count()));
    rows.iter()
        .map(|r| {
            let id = r.id.map_or_else(|| "—".to_owned(), |u| u.to_string());
            let status = r.status.as_ref().map_or("", |(s, _)| s.as_str());
            let mut line = format!(
                "{indent}{:<lw$}  {:<sw$}  {id:<36}  {}",
                r.label, status, r.detail
            );
            if r.this_leg {
                line.push_str("  (this leg)");
            }
            (line.trim_end().to_owned(), r.tone)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::Target;
    use crate::testkit::{log, uuid};
    use serde_json::{Value, json};

    fn leg(n: u32, v: Value) -> Link {
        Link::Leg {
            id: Some(uuid(n)),
            log: Box::new(log(v)),
        }
    }

    #[test]
    fn every_kind_of_link_in_words() {
        let chain = Chain {
            links: vec![
                Link::Missing {
                    id: uuid(9),
                    why: ApiError::NotFound {
                        target: Target::default(),
                    },
                },
                leg(
                    2,
                    json!({"type":"laml_call","status":"completed","from":"+1","to":"+2"}),
                ),
                leg(
                    3,
                    json!({"type":"relay_sip_call","status":"ended","from":"sip:a","to":null}),
                ),
            ],
        };
        assert_eq!(
            text(&chain, "  "),
            "  Not found             00000000-0000-4000-8000-000000000009  the parent leg is not in this space (deleted, or in another project)
  LaML call  completed  00000000-0000-4000-8000-000000000002  +1 → +2
  SIP call   ended      00000000-0000-4000-8000-000000000003  sip:a → —  (this leg)
"
        );
        let r = rows(&chain);
        assert_eq!(r[1].status, Some(("completed".into(), Outcome::Good)));
        assert!(r[2].this_leg && !r[1].this_leg);

        let odd = Chain {
            links: vec![
                Link::Truncated {
                    next: uuid(1),
                    after: 10,
                },
                Link::Cycle { id: uuid(2) },
                Link::InvalidParent("x\u{1b}[2J".into()),
                Link::Missing {
                    id: uuid(4),
                    why: ApiError::rate_limited(3),
                },
                leg(5, json!({"id":"x","discarded_at":"2026-01-01T00:00:00Z"})),
            ],
        };
        let r = rows(&odd);
        assert_eq!(
            r[0].detail,
            "the chain goes on above: stopped after 10 parents"
        );
        assert_eq!(r[1].label, "Loop");
        assert_eq!(r[2].detail, "parent_id \"x\\u{1b}[2J\" is not a valid ID");
        assert_eq!(r[2].id, None);
        assert_eq!(r[3].tone, Tone::Bad);
        assert!(r[3].detail.starts_with("Rate limited"), "{}", r[3].detail);
        assert_eq!(r[4].status, Some(("deleted".into(), Outcome::Unknown)));
        assert!(!text(&odd, "").chars().any(|c| c.is_control() && c != '\n'));
    }

    #[test]
    fn hostile_leg_strings_are_escaped() {
        let chain = Chain {
            links: vec![leg(
                1,
                json!({"type":"x\u{9b}2J","status":"\u{1b}]52;c;eA==\u{7}","from":"\u{1b}[31m","to":["\u{9b}"]}),
            )],
        };
        let t = text(&chain, "");
        assert!(!t.chars().any(|c| c.is_control() && c != '\n'), "{t:?}");
        assert!(t.contains("x\\u{9b}2J"), "{t}");
    }
}
