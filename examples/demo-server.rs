//! The demo server on its own, for measuring swlog against other HTTP clients (see
//! `scripts/bench-vs-curl.sh`): `cargo run --release --example demo-server`.
//!
//! It serves the demo records at `/api/voice/logs/{id}` with Basic auth for the demo credentials
//! (`swlog::demo::PROJECT_ID` and `swlog::demo::TOKEN`), exactly as `swlog --demo` does inside the
//! process. The first line it prints is its base URL, e.g. `http://127.0.0.1:40123`; it serves
//! until it is interrupted or killed.

use std::io::Write as _;

use swlog::demo::{DemoOptions, DemoServer};

// One thread: the server leaves the other core to the client being measured, whichever it is.
#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let server = DemoServer::start(DemoOptions::default()).await?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", server.base_url())?;
    out.flush()?;
    drop(out);
    tokio::signal::ctrl_c().await?;
    drop(server);
    Ok(())
}
