//! Which presenter a log's family has: the one place a new family's presenter is named.

use super::Presented;
use super::format::Clock;
use crate::api::Family;
use crate::api::model::VoiceLog;

/// `log`, of `family`, as a person reads it.
pub fn present_log(family: Family, log: &VoiceLog, clock: &Clock) -> Presented {
    match family {
        Family::Voice => super::present(log, clock),
    }
}
