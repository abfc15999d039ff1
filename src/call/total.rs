//! What a whole call cost: the sum of its legs' charges and the breakdown summed by description
//! across legs. A leg whose charge cannot be read is named, never counted as zero, and a leg
//! whose lines do not add up to its charge is named as the detail pane names it.

use uuid::Uuid;

use super::tree::Leg;
use crate::api::model::Field;

/// A call's total.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Total {
    /// The sum of the legs' charges that could be read.
    pub charge: f64,
    /// The breakdown lines summed by description, in the order each was first seen.
    pub lines: Vec<(String, f64)>,
    /// The legs whose charge is missing, null or not a number, with what it was.
    pub unpriced: Vec<(Uuid, &'static str)>,
    /// The legs whose charge lines do not add up to their charge (the detail pane's check).
    pub mismatched: Vec<Mismatch>,
}

/// A leg whose `charge_details` sum differs from its `charge`.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// The leg.
    pub leg: Uuid,
    /// What its lines add up to.
    pub lines: f64,
    /// Its charge.
    pub charge: f64,
}

/// Sums `legs`.
pub fn total<'a>(legs: impl IntoIterator<Item = &'a Leg>) -> Total {
    let mut t = Total::default();
    for leg in legs {
        match &leg.log.charge {
            Field::Value(c) if c.is_finite() => t.charge += c,
            Field::Value(_) | Field::Invalid(_) => t.unpriced.push((leg.id, "not a number")),
            Field::Null => t.unpriced.push((leg.id, "null")),
            Field::Missing => t.unpriced.push((leg.id, "missing")),
        }
        if let (Some(_), Some(lines), Some(charge)) = (
            leg.log.charge_mismatch(),
            leg.log.charge_details_sum(),
            leg.log.charge.get(),
        ) {
            t.mismatched.push(Mismatch {
                leg: leg.id,
                lines,
                charge,
            });
        }
        for line in leg.log.charge_details.value().into_iter().flatten() {
            let Some(amount) = line.charge.get().filter(|a| a.is_finite()) else {
                continue;
            };
            let description = line
                .description
                .value()
                .map_or_else(|| "(no description)".to_owned(), |d| d.trim().to_owned());
            match t.lines.iter_mut().find(|(d, _)| *d == description) {
                Some((_, sum)) => *sum += amount,
                None => t.lines.push((description, amount)),
            }
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::VoiceLog;
    use serde_json::{Value, json};

    fn leg(n: u32, v: Value) -> Leg {
        let Value::Object(mut o) = v else {
            unreachable!()
        };
        let id = Uuid::from_u128(u128::from(n));
        o.insert("id".into(), json!(id.to_string()));
        Leg::of(VoiceLog::from_object(o)).unwrap()
    }

    #[test]
    fn charges_add_up_and_lines_sum_by_description() {
        let legs = [
            leg(
                1,
                json!({"charge": 0.03, "charge_details": [
                {"description": "Inbound Voice Minutes", "charge": 0.02},
                {"description": "Text to Speech", "charge": 0.01}]}),
            ),
            leg(
                2,
                json!({"charge": 0.02, "charge_details": [
                {"description": "Inbound Voice Minutes", "charge": 0.02}]}),
            ),
        ];
        let t = total(&legs);
        assert!((t.charge - 0.05).abs() < 1e-9);
        assert_eq!(t.lines.len(), 2);
        assert_eq!(t.lines[0].0, "Inbound Voice Minutes");
        assert!((t.lines[0].1 - 0.04).abs() < 1e-9);
        assert!(t.unpriced.is_empty());
    }

    #[test]
    fn a_leg_whose_lines_do_not_add_up_is_named() {
        let legs = [
            leg(
                1,
                json!({"charge": 0.05, "charge_details": [
                {"description": "Inbound Voice Minutes", "charge": 0.02}]}),
            ),
            // Within the detail pane's tolerance: not a mismatch.
            leg(
                2,
                json!({"charge": 0.02, "charge_details": [
                {"description": "Inbound Voice Minutes", "charge": 0.020_01}]}),
            ),
            leg(3, json!({"charge": 0.01, "charge_details": []})),
        ];
        let t = total(&legs);
        assert_eq!(
            t.mismatched,
            [Mismatch {
                leg: Uuid::from_u128(1),
                lines: 0.02,
                charge: 0.05
            }]
        );
    }

    #[test]
    fn a_missing_or_invalid_charge_is_named_not_counted() {
        let legs = [
            leg(1, json!({"charge": 0.01})),
            leg(2, json!({})),
            leg(3, json!({"charge": "free"})),
            leg(4, json!({"charge": null})),
        ];
        let t = total(&legs);
        assert!((t.charge - 0.01).abs() < 1e-9);
        let ids = |n: u128| Uuid::from_u128(n);
        assert_eq!(
            t.unpriced,
            [
                (ids(2), "missing"),
                (ids(3), "not a number"),
                (ids(4), "null")
            ]
        );
    }
}
