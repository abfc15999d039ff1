//! The loop's tasks for why a call went wrong: asking the Compatibility API about a LaML leg,
//! and saving a recording with its progress, each answering the loop with a message.

use tokio::sync::mpsc::UnboundedSender;

use crate::api::LogRef;
use crate::app::Message;
use crate::compat_cache::CompatCache;
use crate::spaces::Spaces;

/// Asks the Compatibility API about leg `id` (its record `log`) on a task of its own. With
/// `keep`, the answer kept on disk comes first: alone when the call can no longer change (no
/// request), else shown while it is asked again; a failed refresh leaves the kept answer shown.
pub(super) fn ask_compat(
    spaces: Spaces,
    tx: UnboundedSender<Message>,
    id: LogRef,
    log: crate::api::VoiceLog,
    profile: String,
    keep: bool,
) {
    tokio::spawn(async move {
        // The loop may be gone (quitting); then nobody needs the answer.
        let send = |answer| {
            let _ = tx.send(Message::CompatAnswered {
                id,
                answer: Box::new(answer),
            });
        };
        let client = match spaces.client(&profile).await {
            Ok(client) => client,
            Err(e) => {
                return send(crate::why::load::Answer {
                    compat: crate::why::Compat::Failed(e.to_string()),
                    ..crate::why::load::Answer::not_asked()
                });
            }
        };
        let cache = CompatCache::new(spaces.index().0, keep);
        let kept = cache.kept(&client, &log).await;
        let had = kept.is_some();
        if let Some(kept) = kept {
            let settled = kept.settled;
            send(kept.answer);
            if settled {
                return;
            }
        }
        let answer = cache.ask_again(&client, &log).await;
        if !had || answer.failures.is_empty() {
            send(answer);
        }
    });
}

/// Saves a recording on a task of its own, telling the loop how far it is (at most every
/// 200 ms, so that the status bar is not redrawn for every chunk) and where it ended.
pub(super) fn save_recording(
    spaces: Spaces,
    tx: UnboundedSender<Message>,
    recording: crate::api::compat::Recording,
    dir: std::path::PathBuf,
    profile: String,
) {
    tokio::spawn(async move {
        let sid = crate::text::sanitize(&recording.sid).into_owned();
        let result = match spaces.client(&profile).await {
            Ok(client) => {
                let mut last = std::time::Instant::now();
                let progress_tx = tx.clone();
                let progress_sid = sid.clone();
                let mut tick = move |done: u64, total: Option<u64>| {
                    if last.elapsed() >= std::time::Duration::from_millis(200) {
                        last = std::time::Instant::now();
                        let _ = progress_tx.send(Message::RecordingProgress {
                            sid: progress_sid.clone(),
                            done,
                            total,
                        });
                    }
                };
                let format = crate::api::audio::AudioFormat::Wav;
                // The platform's download directory may not be made yet on a fresh account.
                let _ = std::fs::create_dir_all(&dir);
                crate::download::save(&client, &recording, format, &dir, &mut tick)
                    .await
                    .map(|s| {
                        format!(
                            "Saved {} ({} bytes)",
                            crate::text::sanitize(&s.path.display().to_string()),
                            s.bytes
                        )
                    })
                    .map_err(|e| crate::text::sanitize(&e.to_string()).into_owned())
            }
            Err(e) => Err(e.to_string()),
        };
        let _ = tx.send(Message::RecordingSaved { sid, result });
    });
}
