//! The terminal's input as a stream of crossterm events, read on a thread of its own.
//!
//! crossterm's `EventStream` hands over one event per wake-up of its helper thread, and its
//! default (mio) reader reads the terminal 1,024 bytes at a time on an edge-triggered poll: an
//! unbracketed paste of 2,000 characters stopped after the first 1,024 until the next key.
//! Here the `/dev/tty` reader (level-triggered `poll(2)`, the crate's `use-dev-tty` feature)
//! is read in a loop that queues every parsed event at once, so the inspector's loop sees all
//! the input that is ready and draws once for a burst.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use crossterm::event::{self, Event};
use futures::Stream;
use futures::channel::mpsc::{UnboundedReceiver, unbounded};

/// How long the reader waits for input before it checks whether it should stop: the bound on
/// how long it outlives the inspector (and its idle wake-ups: four a second).
const STOP_CHECK: Duration = Duration::from_millis(250);

/// The terminal's events; the reader thread stops once this is dropped.
#[derive(Debug)]
pub struct TermEvents {
    rx: UnboundedReceiver<std::io::Result<Event>>,
    stop: Arc<AtomicBool>,
}

impl TermEvents {
    /// Starts reading the terminal (crossterm's process-wide reader) on a new thread.
    pub fn start() -> std::io::Result<Self> {
        let (tx, rx) = unbounded();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        std::thread::Builder::new()
            .name("swlog-input".to_owned())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    let next = match event::poll(STOP_CHECK) {
                        Ok(false) => continue,
                        Ok(true) => event::read(),
                        Err(e) => Err(e),
                    };
                    let failed = next.is_err();
                    // A send fails only once the inspector has gone: nothing left to read for.
                    if tx.unbounded_send(next).is_err() || failed {
                        break;
                    }
                }
            })?;
        Ok(Self { rx, stop })
    }
}

impl Stream for TermEvents {
    type Item = std::io::Result<Event>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.rx).poll_next(cx)
    }
}

impl Drop for TermEvents {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
