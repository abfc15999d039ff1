//! `swlog why ID`: why a call went the way it did — one verdict sentence, then each leg's
//! outcome (the SIP result and who answered, from the Compatibility API for LaML legs) and audio
//! quality in words, as text or JSON.

use std::io::{IsTerminal as _, Write};

use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use super::cli::Global;
use super::exit::{self, Failure};
use super::get::paint;
use super::{Error, Exit};
use crate::api::compat::Recording;
use crate::api::{Client, extract_id};
use crate::call::CallError;
use crate::compat_cache::CompatCache;
use crate::text::{json_for_terminal, sanitize};
use crate::why::load::{self, Explained};
use crate::why::{LegWhy, lines, quality};

/// Exit codes of `swlog why`: those of `swlog call`, a Compatibility failure counting as partial.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  the whole call was found and every Compatibility record asked for was read (a LaML call
     without one, 404, is not a failure)
  1  part is missing: a page of the scan, a parent, a leg's events, or a Compatibility record
     or recordings failed (each on stderr; what was found is printed)
  2  usage or configuration error
  3  the given ID was not found
  4  authentication or authorisation refused
  5  the scan of the call's window failed, or the leg could not be fetched";

/// `swlog why`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct WhyArgs {
    /// Any leg's log ID (a pasted ticket line or Dashboard URL works too).
    #[arg(value_name = "ID")]
    pub id: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Output formats of `swlog why`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The verdict, then each leg's outcome and quality.
    Text,
    /// One object: the verdict, and per leg its id, type, SIP result code and meaning, who
    /// answered, quality (mos, mos_band, rtt_ms, jitter_ms, lost_packets) and recordings; null
    /// where the API has nothing.
    Json,
}

/// Runs `swlog why` on the process's stdout and stderr.
pub async fn command(
    global: &Global,
    args: &WhyArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Error> {
    let id = extract_id(&args.id).map_err(|e| Error::Usage(e.to_string()))?;
    let session = match super::session_for(global, false, err).await? {
        Ok(s) => s,
        Err(exit) => return Ok(exit),
    };
    let color = std::io::stdout().is_terminal()
        && crate::ui::theme::color_allowed(&|k| std::env::var(k).ok());
    let within = session.settings.events_within;
    // Compatibility answers are kept like the logs' bodies, and with them turned off.
    let cache = CompatCache::new(
        session.index.clone(),
        session.settings.cache && !global.no_cache,
    );
    let ran = run(
        &session.client,
        &cache,
        id,
        args.format,
        within,
        color,
        out,
        err,
    )
    .await;
    for notice in session.index.take_notices() {
        writeln!(err, "swlog: {}", sanitize(&notice))?;
    }
    Ok(ran?)
}

/// `swlog why` for `id` on any writers, each LaML leg's answer taken from `cache` when it can
/// no longer change.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    client: &Client,
    cache: &CompatCache,
    id: uuid::Uuid,
    format: Format,
    within: std::time::Duration,
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Exit> {
    let ask = |log: crate::api::VoiceLog| async move { cache.ask(client, &log).await };
    let explained = match load::load_asking(client, id, within, ask).await {
        Ok(e) => e,
        Err(CallError::Leg(e)) => {
            writeln!(err, "swlog: {id}: {}", sanitize(&e.to_string()))?;
            return Ok(exit::of(Failure::Lookup(e.class())));
        }
    };
    match format {
        Format::Text => {
            for (line, tone) in lines::text(&explained.why) {
                writeln!(out, "{}", paint(&line, tone, color))?;
            }
        }
        Format::Json => {
            let pretty = serde_json::to_string_pretty(&to_json(&explained))
                .map_err(std::io::Error::other)?;
            writeln!(out, "{}", json_for_terminal(&pretty))?;
        }
    }
    out.flush()?;
    let call_exit = super::call::report(&explained.call, err)?;
    let mut partial = false;
    for (leg, answer) in explained.why.legs.iter().zip(&explained.answers) {
        for words in [&answer.notice, &answer.recordings_note]
            .into_iter()
            .flatten()
        {
            writeln!(err, "swlog: {}: {}", leg.label, sanitize(words))?;
        }
        if !answer.failures.is_empty() {
            if let crate::why::Compat::Failed(words) = &answer.compat {
                writeln!(err, "swlog: {}: {}", leg.label, sanitize(words))?;
            }
            partial = true;
        }
    }
    Ok(match call_exit {
        Exit::Ok if partial => Exit::Partial,
        other => other,
    })
}

fn recording_json(r: &Recording) -> Value {
    json!({
        "sid": sanitize(&r.sid),
        "duration_s": r.duration_s,
        "status": r.status.as_deref().map(sanitize),
        "price": r.price,
        "price_unit": r.price_unit.as_deref().map(sanitize),
        "created": r.created.map(|t| t.to_rfc3339()),
    })
}

fn leg_json(leg: &LegWhy) -> Value {
    let q = &leg.quality;
    json!({
        "id": leg.id.map(|i| i.to_string()),
        "type": leg.wire_type.as_deref().map(sanitize),
        "sip_result_code": leg.sip_result_code,
        "sip_meaning": leg.sip_meaning,
        "answered_by": leg.answered_by,
        "quality": {
            "mos": q.mos,
            "mos_band": q.mos.map(|m| quality::MosBand::of(m).word()),
            "rtt_ms": q.rtt_ms,
            "jitter_ms": q.jitter_ms,
            "lost_packets": q.lost_packets,
        },
        "recordings": leg.recordings.iter().map(recording_json).collect::<Vec<_>>(),
    })
}

/// The JSON form: the verdict, and per leg its outcome, quality and recordings, with nulls
/// where the API has nothing.
pub fn to_json(explained: &Explained) -> Value {
    json!({
        "verdict": explained.why.verdict,
        "legs": explained.why.legs.iter().map(leg_json).collect::<Vec<_>>(),
    })
}
