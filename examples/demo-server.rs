//! The demo server on its own, for measuring swlog against other HTTP clients (see
//! `scripts/bench-vs-curl.sh`): `cargo run --release --example demo-server`.
//!
//! It serves the demo records at `/api/voice/logs/{id}` with Basic auth for the demo credentials
//! (`swlog::demo::PROJECT_ID` and `swlog::demo::TOKEN`), exactly as `swlog --demo` does inside the
//! process. The first line it prints is its base URL, e.g. `http://127.0.0.1:40123`; it serves
//! until it is interrupted or killed. `--logs N` makes its list endpoint serve N generated logs
//! (default 600), for measuring a whole-window scan.

use std::io::Write as _;

use swlog::demo::{DemoOptions, DemoServer};

// One thread: the server leaves the other core to the client being measured, whichever it is.
#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let mut options = DemoOptions::default();
    let args: Vec<String> = std::env::args().collect();
    if let Some(n) = args
        .windows(2)
        .find(|w| w[0] == "--logs")
        .and_then(|w| w[1].parse().ok())
    {
        options.list_logs = n;
    }
    let server = DemoServer::start(options).await?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", server.base_url())?;
    out.flush()?;
    drop(out);
    tokio::signal::ctrl_c().await?;
    drop(server);
    Ok(())
}
