//! A followed Calls view's task: the tail engine over the view's space and search, its polls
//! sent back as [`Message::Followed`] when they found something or the interval changed.

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::app::msg::{Effect, Message};
use crate::spaces::Spaces;
use crate::tail::{Options, Tail};

/// Starts following as `effect` asks; cancelling the token ends it.
pub(super) fn start(
    spaces: &Spaces,
    tx: &UnboundedSender<Message>,
    effect: Effect,
) -> Option<CancellationToken> {
    let Effect::Follow {
        generation,
        profile,
        query,
        since,
        max_age,
    } = effect
    else {
        return None;
    };
    let token = CancellationToken::new();
    let (spaces, tx, stop) = (spaces.clone(), tx.clone(), token.clone());
    tokio::spawn(async move {
        let client = match spaces.client(&profile).await {
            Ok(c) => c,
            Err(e) => {
                let _ = tx.send(Message::Followed {
                    generation,
                    every: std::time::Duration::ZERO,
                    result: Err(e.into()),
                });
                return;
            }
        };
        let (index, _) = spaces.index();
        let options = Options {
            since,
            max_age,
            ..Options::default()
        };
        let mut tail = Tail::new(&client, index, *query, options);
        let mut every = std::time::Duration::ZERO;
        loop {
            let result = tokio::select! {
                () = stop.cancelled() => return,
                result = tail.next() => result,
            };
            let ended = result.is_err();
            let said = result.as_ref().is_ok_and(|events| !events.is_empty());
            if said || ended || tail.interval() != every {
                every = tail.interval();
                // The loop is gone when the inspector quits: nothing is left to tell.
                let _ = tx.send(Message::Followed {
                    generation,
                    every,
                    result,
                });
            }
            if ended {
                return;
            }
        }
    });
    Some(token)
}
