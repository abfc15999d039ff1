//! Audio quality in words, with thresholds a support engineer can quote: the MOS bands of
//! ITU-T G.107's usual mapping, round-trip time over 300 ms and jitter over 30 ms as high, and
//! any lost packet worth saying.

use std::fmt;

use crate::api::compat::Quality;

/// Round-trip time above this is high, milliseconds.
pub const HIGH_RTT_MS: i64 = 300;
/// Jitter above this is high, milliseconds.
pub const HIGH_JITTER_MS: i64 = 30;

/// A mean opinion score's band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MosBand {
    /// Below 3.1.
    Bad,
    /// 3.1 to 3.6.
    Poor,
    /// 3.6 to 4.0.
    Fair,
    /// 4.0 to 4.3.
    Good,
    /// 4.3 and above.
    Excellent,
}

impl MosBand {
    /// The band of a score.
    pub fn of(mos: f64) -> Self {
        match mos {
            m if m >= 4.3 => MosBand::Excellent,
            m if m >= 4.0 => MosBand::Good,
            m if m >= 3.6 => MosBand::Fair,
            m if m >= 3.1 => MosBand::Poor,
            _ => MosBand::Bad,
        }
    }

    /// Whether a support engineer should hear about it: poor or bad.
    pub fn is_flagged(self) -> bool {
        self <= MosBand::Poor
    }

    /// The band as a word.
    pub fn word(self) -> &'static str {
        match self {
            MosBand::Bad => "bad",
            MosBand::Poor => "poor",
            MosBand::Fair => "fair",
            MosBand::Good => "good",
            MosBand::Excellent => "excellent",
        }
    }
}

impl fmt::Display for MosBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// One measure as shown: its words, and whether it is worth a flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    /// `MOS 2.1 (poor)`, `jitter 45 ms (high)`, `210 packets lost`.
    pub text: String,
    /// Whether it is a problem.
    pub flagged: bool,
}

/// The measures of `q` in words, in a fixed order (MOS, RTT, jitter, loss).
pub fn measures(q: &Quality) -> Vec<Measure> {
    let mut out = Vec::new();
    if let Some(mos) = q.mos {
        let band = MosBand::of(mos);
        out.push(Measure {
            text: format!("MOS {mos:.1} ({band})"),
            flagged: band.is_flagged(),
        });
    }
    if let Some(rtt) = q.rtt_ms {
        let high = rtt > HIGH_RTT_MS;
        out.push(Measure {
            text: format!("round trip {rtt} ms{}", if high { " (high)" } else { "" }),
            flagged: high,
        });
    }
    if let Some(jitter) = q.jitter_ms {
        let high = jitter > HIGH_JITTER_MS;
        out.push(Measure {
            text: format!("jitter {jitter} ms{}", if high { " (high)" } else { "" }),
            flagged: high,
        });
    }
    if let Some(lost) = q.lost_packets {
        out.push(Measure {
            text: format!("{lost} packet{} lost", if lost == 1 { "" } else { "s" }),
            flagged: lost > 0,
        });
    }
    out
}

/// Whether any measure of `q` is a problem.
pub fn is_flagged(q: &Quality) -> bool {
    measures(q).iter().any(|m| m.flagged)
}

/// The flagged measures of `q`, as a verdict names them: `MOS 2.1, jitter 45 ms, 210 packets
/// lost` (bands and "high" left out: the clause says "poor audio").
pub fn problems(q: &Quality) -> String {
    let mut parts = Vec::new();
    if let Some(mos) = q.mos.filter(|m| MosBand::of(*m).is_flagged()) {
        parts.push(format!("MOS {mos:.1}"));
    }
    if let Some(rtt) = q.rtt_ms.filter(|r| *r > HIGH_RTT_MS) {
        parts.push(format!("round trip {rtt} ms"));
    }
    if let Some(jitter) = q.jitter_ms.filter(|j| *j > HIGH_JITTER_MS) {
        parts.push(format!("jitter {jitter} ms"));
    }
    if let Some(lost) = q.lost_packets.filter(|l| *l > 0) {
        parts.push(format!(
            "{lost} packet{} lost",
            if lost == 1 { "" } else { "s" }
        ));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mos_bands_follow_the_usual_mapping_at_their_edges() {
        for (mos, band) in [
            (4.5, MosBand::Excellent),
            (4.3, MosBand::Excellent),
            (4.29, MosBand::Good),
            (4.0, MosBand::Good),
            (3.99, MosBand::Fair),
            (3.6, MosBand::Fair),
            (3.59, MosBand::Poor),
            (3.1, MosBand::Poor),
            (3.09, MosBand::Bad),
            (1.0, MosBand::Bad),
        ] {
            assert_eq!(MosBand::of(mos), band, "{mos}");
        }
        assert!(MosBand::Poor.is_flagged() && !MosBand::Fair.is_flagged());
    }

    #[test]
    fn high_rtt_high_jitter_and_any_loss_are_flagged() {
        let q = Quality {
            mos: Some(4.1),
            rtt_ms: Some(301),
            jitter_ms: Some(30),
            lost_packets: Some(1),
        };
        let words: Vec<(String, bool)> = measures(&q)
            .into_iter()
            .map(|m| (m.text, m.flagged))
            .collect();
        assert_eq!(
            words,
            [
                ("MOS 4.1 (good)".to_owned(), false),
                ("round trip 301 ms (high)".to_owned(), true),
                ("jitter 30 ms".to_owned(), false),
                ("1 packet lost".to_owned(), true),
            ]
        );
        assert_eq!(problems(&q), "round trip 301 ms, 1 packet lost");
        assert!(!is_flagged(
            &Quality {
                lost_packets: Some(0),
                ..q
            }
            .with_rtt(300)
        ));
    }

    impl Quality {
        fn with_rtt(self, rtt: i64) -> Self {
            Self {
                rtt_ms: Some(rtt),
                ..self
            }
        }
    }
}
