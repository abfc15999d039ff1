//! The words that ask about a whole call rather than one leg: its total charge, its duration at
//! most, its number of legs and how it ended. They make sense only where search answers come in
//! calls (`swlog list --calls`, the inspector's calls view); a leg-only word (`parent:`) makes
//! sense only where they come in legs. [`Query::check_view`] says which is which.

use super::{Query, QueryError, error, time};

/// Where a search's answers come in: calls (legs grouped under their root) or legs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// One row a call.
    Calls,
    /// One row a leg.
    Legs,
}

/// A comparison a number must meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `=` (or the bare number)
    Eq,
    /// `>=`
    Ge,
    /// `>`
    Gt,
}

/// `value` compared by `cmp`: `charge:>0` is `Compare { cmp: Gt, value: 0.0 }`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Compare<T> {
    /// How.
    pub cmp: Cmp,
    /// With what.
    pub value: T,
}

impl<T: PartialOrd + Copy> Compare<T> {
    /// Whether `v` meets the comparison.
    pub fn holds(&self, v: T) -> bool {
        match self.cmp {
            Cmp::Lt => v < self.value,
            Cmp::Le => v <= self.value,
            Cmp::Eq => v == self.value,
            Cmp::Ge => v >= self.value,
            Cmp::Gt => v > self.value,
        }
    }
}

/// How a call ended, as the `outcome:` word names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeWord {
    /// Every leg that answered completed.
    Completed,
    /// The callee (or a leg's) was busy.
    Busy,
    /// Nobody answered.
    NoAnswer,
    /// A leg failed.
    Failed,
    /// The caller hung up before an answer.
    Canceled,
    /// A leg is still going.
    Live,
}

/// The `outcome:` values, for help and completions.
pub const OUTCOME_WORDS: &[&str] = &[
    "completed",
    "busy",
    "no-answer",
    "failed",
    "canceled",
    "in-progress",
];

impl OutcomeWord {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "completed" | "ok" => Self::Completed,
            "busy" => Self::Busy,
            "no-answer" | "noanswer" | "no_answer" | "unanswered" => Self::NoAnswer,
            "failed" | "fail" => Self::Failed,
            "canceled" | "cancelled" => Self::Canceled,
            "in-progress" | "live" | "ongoing" => Self::Live,
            _ => return None,
        })
    }
}

/// The call words of a search.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CallWords {
    /// Conditions on the call's total charge, in dollars.
    pub charge: Vec<Compare<f64>>,
    /// The longest call accepted, in milliseconds (the root leg's duration).
    pub max_duration_ms: Option<i64>,
    /// Conditions on the number of legs.
    pub legs: Vec<Compare<u64>>,
    /// Accepted outcomes; empty accepts any.
    pub outcomes: Vec<OutcomeWord>,
    /// The first call word as typed, for the error on the legs view.
    pub first: Option<String>,
}

impl CallWords {
    /// Whether no call word was given.
    pub fn is_empty(&self) -> bool {
        self.first.is_none()
    }
}

const CHARGE_HELP: &str = "a total in dollars compared, like >0, <0.05, >=1 or a range 0.01..0.5 \
     (in a shell, quote it: 'charge:>0')";
const LEGS_HELP: &str = "a number of legs compared, like >2, 3 or a range 2..4 (in a shell, quote \
     it: 'legs:>2')";

/// Whether `key` is a call word.
pub(super) fn is_call_key(key: &str) -> bool {
    matches!(key, "charge" | "max" | "legs" | "outcome")
}

impl Query {
    /// Understands one call word (`charge:`, `max:`, `legs:`, `outcome:`).
    pub(super) fn call_word(
        &mut self,
        key: &str,
        value: &str,
        shown: &str,
    ) -> Result<(), QueryError> {
        let words = &mut self.calls;
        match key {
            "charge" => words.charge.extend(
                compares(value, |s| {
                    s.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)
                })
                .ok_or_else(|| error(shown, CHARGE_HELP))?,
            ),
            // A call has a leg at least: `legs:0` (or `legs:<1`) could never match.
            "legs" => words.legs.extend(
                compares(value, |s| s.parse::<u64>().ok())
                    .filter(|c| {
                        !c.iter().any(|c| match c.cmp {
                            Cmp::Eq | Cmp::Le => c.value == 0,
                            Cmp::Lt => c.value <= 1,
                            Cmp::Ge | Cmp::Gt => false,
                        })
                    })
                    .ok_or_else(|| error(shown, LEGS_HELP))?,
            ),
            "max" => {
                words.max_duration_ms = Some(
                    time::duration_ms(value)
                        .ok_or_else(|| error(shown, "a duration like 30s, 2m or 1h"))?,
                );
            }
            _ => {
                let list = super::list(value);
                if list.is_empty() {
                    return Err(error(shown, outcome_help()));
                }
                for word in list {
                    words.outcomes.push(
                        OutcomeWord::parse(&word).ok_or_else(|| error(shown, outcome_help()))?,
                    );
                }
            }
        }
        if words.first.is_none() {
            words.first = Some(shown.to_owned());
        }
        Ok(())
    }

    /// Refuses a word that belongs to the other view: a call word (`charge:`, `max:`, `legs:`,
    /// `outcome:`) on legs, a leg-only word (`parent:`) on calls. Nothing is sent.
    pub fn check_view(&self, view: View) -> Result<(), QueryError> {
        match view {
            View::Legs => match &self.calls.first {
                Some(word) => Err(error(
                    word,
                    "a word about whole calls: use it in the calls view (swlog list --calls, or \
                     g in the inspector's Calls view)",
                )),
                None => Ok(()),
            },
            View::Calls => match self.parent {
                Some(p) => Err(error(
                    &format!("parent:{p}"),
                    "a word about legs: use it in the legs view (swlog list without --calls, \
                     or g in the inspector's Calls view)",
                )),
                None => Ok(()),
            },
        }
    }

    /// The part of the search a leg is matched by in the calls view: every leg word, without
    /// `min:` (which is the call's duration there) and without the call words.
    pub fn leg_part(&self) -> Query {
        Query {
            min_duration_ms: None,
            calls: CallWords::default(),
            ..self.clone()
        }
    }
}

impl Query {
    /// The call words in a few words, for [`Query::describe`]: `total > $0 · ≤ 30s`.
    pub(super) fn describe_calls(&self) -> Vec<String> {
        let w = &self.calls;
        let mut parts = Vec::new();
        for c in &w.charge {
            parts.push(format!("total {} ${}", cmp_word(c.cmp), c.value));
        }
        if let Some(ms) = w.max_duration_ms {
            parts.push(format!("≤ {}s", ms / 1000));
        }
        for c in &w.legs {
            parts.push(format!("legs {} {}", cmp_word(c.cmp), c.value));
        }
        if !w.outcomes.is_empty() {
            let names: Vec<&str> = w
                .outcomes
                .iter()
                .map(|o| match o {
                    OutcomeWord::Completed => "completed",
                    OutcomeWord::Busy => "busy",
                    OutcomeWord::NoAnswer => "no answer",
                    OutcomeWord::Failed => "failed",
                    OutcomeWord::Canceled => "canceled",
                    OutcomeWord::Live => "in progress",
                })
                .collect();
            parts.push(format!("outcome {}", names.join(",")));
        }
        parts
    }
}

fn cmp_word(cmp: Cmp) -> &'static str {
    match cmp {
        Cmp::Lt => "<",
        Cmp::Le => "≤",
        Cmp::Eq => "=",
        Cmp::Ge => "≥",
        Cmp::Gt => ">",
    }
}

fn outcome_help() -> String {
    format!("how a call ended: {}", OUTCOME_WORDS.join(", "))
}

/// `>0`, `<=0.05`, `=3`, `3`, `0.01..0.5`, `2..`, `..4`: the comparisons a value stands for.
fn compares<T: Copy + PartialOrd>(
    value: &str,
    read: impl Fn(&str) -> Option<T>,
) -> Option<Vec<Compare<T>>> {
    let v = value.trim();
    if let Some((low, high)) = v.split_once("..") {
        let mut out = Vec::new();
        if !low.trim().is_empty() {
            out.push(Compare {
                cmp: Cmp::Ge,
                value: read(low.trim())?,
            });
        }
        if !high.trim().is_empty() {
            out.push(Compare {
                cmp: Cmp::Le,
                value: read(high.trim())?,
            });
        }
        // A range whose ends are the wrong way round can never hold.
        if let [a, b] = out.as_slice()
            && a.value.partial_cmp(&b.value) == Some(std::cmp::Ordering::Greater)
        {
            return None;
        }
        return (!out.is_empty()).then_some(out);
    }
    let (cmp, rest) = [
        (">=", Cmp::Ge),
        ("<=", Cmp::Le),
        (">", Cmp::Gt),
        ("<", Cmp::Lt),
        ("=", Cmp::Eq),
    ]
    .iter()
    .find_map(|(op, cmp)| v.strip_prefix(op).map(|rest| (*cmp, rest)))
    .unwrap_or((Cmp::Eq, v));
    Some(vec![Compare {
        cmp,
        value: read(rest.trim())?,
    }])
}
