//! A busy SignalWire space on loopback, for benchmark scripts: thousands of calls an hour, a
//! network's latency per page, the list and single-log endpoints paged as the real API pages.
//!
//! `cargo run --example busy_space -- --rows-per-hour 2000 --page-ms 300 --days 3 --port 0`
//!
//! Prints three lines on stdout: the base URL, the project ID and the token (the script passes
//! them to swlog), then serves until interrupted. `GET <url>/busy/requests` answers the requests
//! served so far as JSON (`?reset=true` zeroes them), without credentials. Other flags:
//! `--request-ms N` (every request, default 0), `--page-size-cap N` (default 1000), `--seed N`,
//! `--honour-timestamps` (full timestamps in `created_after`/`created_before` narrow to the
//! instant; by default they are read as their date).

use std::io::Write as _;
use std::time::Duration;

use swlog::demo::busy::{BusyOptions, BusyServer};

fn usage(problem: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!(
            "{problem}\nusage: busy_space [--rows-per-hour N] [--page-ms MS] [--request-ms MS] \
             [--days N] [--port P] [--page-size-cap N] [--seed N] [--honour-timestamps]"
        ),
    )
}

fn options() -> std::io::Result<BusyOptions> {
    // The benchmark: a busy space at 300 ms a page.
    let mut o = BusyOptions {
        page_latency: Duration::from_millis(300),
        ..BusyOptions::default()
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--honour-timestamps" {
            o.honour_timestamps = true;
            continue;
        }
        let value = args
            .next()
            .ok_or_else(|| usage(&format!("{flag} needs a value")))?;
        let number = |v: &str| -> std::io::Result<u64> {
            v.parse()
                .map_err(|_| usage(&format!("{flag}: not a number: {v}")))
        };
        let n = number(&value)?;
        let small = |n: u64| u32::try_from(n).map_err(|_| usage(&format!("{flag}: too large")));
        match flag.as_str() {
            "--rows-per-hour" => o.rows_per_hour = small(n)?,
            "--days" => o.days = small(n)?,
            "--page-ms" => o.page_latency = Duration::from_millis(n),
            "--request-ms" => o.request_latency = Duration::from_millis(n),
            "--page-size-cap" => o.page_size_cap = usize::try_from(n).unwrap_or(usize::MAX),
            "--seed" => o.seed = n,
            "--port" => o.port = u16::try_from(n).map_err(|_| usage("--port: too large"))?,
            _ => return Err(usage(&format!("unknown flag {flag}"))),
        }
    }
    Ok(o)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let options = options()?;
    let server = BusyServer::start(options.clone()).await?;
    let (project, token) = server.credentials();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", server.base_url())?;
    writeln!(out, "{project}")?;
    writeln!(out, "{}", token.expose())?;
    out.flush()?;
    drop(out);
    eprintln!(
        "busy space: {} rows over {} days ({} an hour), {} ms a page, newest {}, timestamps {}",
        server.rows(),
        options.days,
        options.rows_per_hour,
        options.page_latency.as_millis(),
        server.now().to_rfc3339(),
        if options.honour_timestamps {
            "honoured"
        } else {
            "read as dates"
        }
    );
    tokio::signal::ctrl_c().await?;
    eprintln!("busy space: {:?}", server.counts());
    Ok(())
}
