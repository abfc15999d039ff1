//! A call explained, as lines with their tone: the verdict, then each leg's outcome and quality
//! block. `swlog why` prints them and the inspector draws the same block under a record's
//! fields, so the two cannot say different things. Every flagged measure says so in words
//! (`poor`, `high`, `lost`): the tone only adds colour.

use super::{CallWhy, LegWhy, QualitySource, quality, sip};
use crate::api::compat::Recording;
use crate::present::Tone;
use crate::text::sanitize;

/// Width of a block's labels.
const LABEL: usize = 12;

fn row(label: &str, value: impl Into<String>, tone: Tone) -> (String, Tone) {
    (format!("  {label:<LABEL$} {}", value.into()), tone)
}

/// Every line of `why`: the verdict, a blank line, then each leg's heading and block.
pub fn text(why: &CallWhy) -> Vec<(String, Tone)> {
    let mut out = vec![(format!("Why: {}", why.verdict), verdict_tone(why))];
    for leg in &why.legs {
        out.push((String::new(), Tone::Normal));
        let id = leg.id.map(|i| i.to_string()).unwrap_or_else(|| "—".into());
        let status = leg.status.as_deref().unwrap_or("—");
        out.push((format!("{}  {id}  {status}", leg.label), Tone::Normal));
        out.extend(block(leg));
    }
    out
}

/// Whether the verdict flags anything.
fn verdict_tone(why: &CallWhy) -> Tone {
    if why.legs.iter().any(|l| !l.clauses.is_empty()) {
        Tone::Warn
    } else {
        Tone::Good
    }
}

/// One row of a leg's block.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockRow {
    /// Its label (empty on a measure's or a recording's second and later rows).
    pub label: &'static str,
    /// What it says.
    pub value: String,
    /// Its tone; a flagged value says so in its words too.
    pub tone: Tone,
    /// The recording it shows, by its place in the leg's recordings.
    pub recording: Option<usize>,
}

/// One leg's outcome and quality block as lines (`  label        value`).
pub fn block(leg: &LegWhy) -> Vec<(String, Tone)> {
    rows(leg)
        .into_iter()
        .map(|r| row(r.label, r.value, r.tone))
        .collect()
}

/// One leg's outcome and quality block: its SIP result, who answered, each quality measure
/// (or why there are none), what is wrong with its Compatibility record, its recordings.
pub fn rows(leg: &LegWhy) -> Vec<BlockRow> {
    let mut out = Vec::new();
    let mut push = |label, value: String, tone| {
        out.push(BlockRow {
            label,
            value,
            tone,
            recording: None,
        });
    };
    if let Some(code) = &leg.sip_result_code {
        let number = code.trim().parse::<u16>().ok();
        let words = match (number, &leg.sip_meaning) {
            (Some(n), Some(meaning)) => {
                let phrase = sip::meaning(n).map_or("", |m| m.phrase);
                format!("{n} {phrase}: {meaning}")
            }
            _ => format!("{code} (a code swlog has no meaning for)"),
        };
        let tone = match number {
            Some(n) if sip::is_success(n) => Tone::Good,
            Some(_) => Tone::Bad,
            None => Tone::Odd,
        };
        push("SIP result", words, tone);
    }
    if let Some(who) = &leg.answered_by {
        let tone = if who == "machine" {
            Tone::Warn
        } else {
            Tone::Normal
        };
        let words = match who.as_str() {
            "machine" => "a machine (answering-machine detection)".to_owned(),
            "human" => "a human".to_owned(),
            other => other.to_owned(),
        };
        push("answered by", words, tone);
    }
    let measures = quality::measures(&leg.quality);
    // A note about the record ("no Compatibility record for this call") says it already.
    let said = leg.note.is_some() && matches!(leg.quality_source, QualitySource::None(_));
    if measures.is_empty() {
        let why = match &leg.quality_source {
            QualitySource::None(why) if why == "loading" => "loading…".to_owned(),
            QualitySource::None(why) => why.clone(),
            _ => "none".to_owned(),
        };
        let tone = if why == "loading…" {
            Tone::Live
        } else {
            Tone::Empty
        };
        if !said {
            push("quality", why, tone);
        }
    } else {
        let from = match leg.quality_source {
            QualitySource::Compat => "  (Compatibility record)",
            QualitySource::VoiceLog => "  (the voice log)",
            QualitySource::None(_) => "",
        };
        for (i, m) in measures.iter().enumerate() {
            let label = if i == 0 { "quality" } else { "" };
            let tail = if i == 0 { from } else { "" };
            let tone = if m.flagged { Tone::Bad } else { Tone::Good };
            push(label, format!("{}{tail}", m.text), tone);
        }
    }
    if let Some(note) = &leg.note {
        push("note", note.clone(), Tone::Warn);
    }
    for (i, r) in leg.recordings.iter().enumerate() {
        out.push(BlockRow {
            label: if i == 0 { "recordings" } else { "" },
            value: recording(r),
            tone: Tone::Normal,
            recording: Some(i),
        });
    }
    out
}

/// A recording on one line: sid, duration, status, price, created.
pub fn recording(r: &Recording) -> String {
    let duration = r.duration_s.map_or("—".to_owned(), |s| format!("{s} s"));
    let status = r.status.as_deref().map_or("—".into(), sanitize);
    let price = match (r.price, &r.price_unit) {
        (Some(p), Some(unit)) => format!("{} {}", p.abs(), sanitize(unit)),
        (Some(p), None) => format!("{}", p.abs()),
        _ => "—".to_owned(),
    };
    let created = r.created.map_or("—".to_owned(), |t| {
        t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    });
    format!(
        "{}  {duration}  {status}  {price}  {created}",
        sanitize(&r.sid)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::compat::Quality;

    fn leg() -> LegWhy {
        LegWhy {
            id: None,
            label: "LaML call #1".into(),
            wire_type: Some("laml_call".into()),
            status: Some("completed".into()),
            sip_result_code: Some("486".into()),
            sip_meaning: sip::meaning(486).map(|m| m.meaning.to_owned()),
            answered_by: Some("machine".into()),
            quality: Quality {
                mos: Some(3.3),
                rtt_ms: Some(120),
                jitter_ms: Some(45),
                lost_packets: Some(0),
            },
            quality_source: QualitySource::Compat,
            note: None,
            recordings: vec![],
            clauses: vec![],
        }
    }

    #[test]
    fn flagged_measures_say_so_in_words_not_only_in_tone() {
        let lines = block(&leg());
        let text: Vec<&str> = lines.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            text,
            [
                "  SIP result   486 Busy Here: the callee was busy",
                "  answered by  a machine (answering-machine detection)",
                "  quality      MOS 3.3 (poor)  (Compatibility record)",
                "               round trip 120 ms",
                "               jitter 45 ms (high)",
                "               0 packets lost",
            ]
        );
        let tones: Vec<Tone> = lines.iter().map(|(_, t)| *t).collect();
        assert_eq!(
            tones,
            [
                Tone::Bad,
                Tone::Warn,
                Tone::Bad,
                Tone::Good,
                Tone::Bad,
                Tone::Good
            ]
        );
    }

    #[test]
    fn no_quality_is_said_in_words() {
        let mut l = leg();
        l.quality = Quality::default();
        l.quality_source =
            QualitySource::None("SignalWire gives no quality data for PSTN legs".into());
        l.sip_result_code = Some("499".into());
        l.sip_meaning = None;
        let text: Vec<String> = block(&l).into_iter().map(|(s, _)| s).collect();
        assert!(text.contains(&"  SIP result   499 (a code swlog has no meaning for)".to_owned()));
        assert!(
            text.contains(
                &"  quality      SignalWire gives no quality data for PSTN legs".to_owned()
            )
        );
    }
}
