//! A search's task: its pages sent as they come, its answer (in legs, or grouped in calls) at
//! the end, or what it found when Esc interrupted it.

use tokio::sync::mpsc::UnboundedSender;

use crate::app::Message;
use crate::search::{Search, Update};

/// Runs a search, sending each page's matches as they come and the whole answer at the end.
pub(super) async fn pages(
    search: &Search<'_>,
    query: crate::query::Query,
    limits: crate::list::Limits,
    (generation, view): (u64, crate::query::View),
    stop: impl std::future::Future<Output = &'static str> + Send,
    tx: &UnboundedSender<Message>,
) {
    let on_update = |u: Update<'_>| {
        // The loop may be gone (quitting); then nobody needs the rows.
        let _ = tx.send(Message::ScanPage {
            generation,
            rows: u.rows.to_vec(),
            progress: *u.progress,
        });
    };
    let (answer, calls) = match view {
        crate::query::View::Legs => (search.run(query, limits, on_update, stop).await, None),
        crate::query::View::Calls => {
            let found = search.calls(query, limits, on_update, stop).await;
            (found.answer, Some((found.calls, found.matched)))
        }
    };
    let _ = tx.send(Message::ScanEnded {
        generation,
        end: answer.end,
        answer: Some(Box::new(crate::app::ScanAnswer {
            rows: answer.rows,
            source: answer.source,
            notices: answer.notices,
            calls,
        })),
    });
}
