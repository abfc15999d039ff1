//! The `swlog` binary: parses the command line, starts the runtime, runs the command, and
//! reports its error.

use std::io::Write as _;
use std::process::ExitCode;

use swlog::cmd::cli::Cli;
use swlog::cmd::{self, Diagnostics, Error};

fn main() -> ExitCode {
    // The helper process that keeps copied text on an X11/Wayland clipboard after swlog exits.
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == swlog::clipboard::KEEPER_ARG)
    {
        return ExitCode::from(swlog::clipboard::run_keeper());
    }
    let cli = Cli::parse_args();
    let mut err = Diagnostics(std::io::stderr());
    if let Err(e) = swlog::logging::init(cli.global.log_file.as_deref()) {
        let _ = writeln!(err, "swlog: cannot open the diagnostics log: {e}");
    }
    let result = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(Error::Runtime)
        .and_then(|runtime| {
            // Not locked: the inspector writes to the terminal from other tasks too.
            let mut out = std::io::stdout();
            runtime.block_on(cmd::dispatch(cli, &mut out, &mut err))
        });
    cmd::report(result, &mut err).into()
}
