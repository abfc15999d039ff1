//! The `swlog` binary: parses the command line and hands over to the library.

use std::io::IsTerminal;
use std::process::ExitCode;

use swlog::cli::{Cli, Command, GetArgs, Global, exit};
use swlog::config;
use swlog::session::Session;
use swlog::{get, logging};

fn main() -> ExitCode {
    // The helper process that keeps copied text on an X11/Wayland clipboard after swlog exits.
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == swlog::clipboard::KEEPER_ARG)
    {
        return ExitCode::from(swlog::clipboard::run_keeper());
    }
    let cli = Cli::parse_args();
    if let Err(e) = logging::init(cli.global.log_file.as_deref()) {
        eprintln!("swlog: cannot open the diagnostics log: {e}");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("swlog: cannot start the async runtime: {e}");
            return ExitCode::from(exit::REMOTE);
        }
    };
    ExitCode::from(runtime.block_on(run(cli)))
}

async fn run(cli: Cli) -> u8 {
    match cli.command {
        Some(Command::Get(args)) => run_get(&cli.global, args).await,
        Some(Command::Config) => show_config(&cli.global),
        Some(Command::List(args)) => swlog::list::cmd::main(&cli.global, *args).await,
        Some(Command::History(args)) => {
            let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr());
            match swlog::history_cmd::run(&cli.global, &args, &mut out, &mut err) {
                Ok(code) => code,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::OK,
                Err(e) => {
                    eprintln!("swlog: cannot write output: {e}");
                    exit::REMOTE
                }
            }
        }
        None => swlog::inspector::run(&cli.global, cli.id).await,
    }
}

async fn run_get(global: &Global, args: GetArgs) -> u8 {
    let inputs = match get::collect_inputs(&args.ids, &mut std::io::stdin().lock()) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("swlog: cannot read IDs from standard input: {e}");
            return exit::USAGE;
        }
    };
    let ids = match get::parse_inputs(&inputs) {
        Ok(ids) if ids.is_empty() => {
            eprintln!("swlog: no IDs given (standard input was empty)");
            return exit::USAGE;
        }
        Ok(ids) => ids,
        Err(errors) => {
            for e in errors {
                eprintln!("swlog: {e}");
            }
            return exit::USAGE;
        }
    };
    let session = match Session::open(global).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("swlog: {e}");
            return e.exit_code();
        }
    };
    for w in &session.settings.warnings {
        eprintln!("swlog: warning: {w}");
    }
    let client = &session.client;
    let mut history = (!args.no_history).then(|| {
        let (history, warnings) = session.history(global.no_cache);
        for w in warnings {
            eprintln!("swlog: {w}");
        }
        history
    });
    let recorder = history.as_mut().map(|h| get::Recorder {
        history: h,
        profile: &session.settings.profile,
        space: session.settings.endpoint.space(),
    });
    let color = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let output = get::Output {
        format: args.format,
        color,
        demo: global.demo,
        events: args.events,
        chain: args.chain,
    };
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr());
    match get::run(
        client,
        &ids,
        usize::from(args.concurrency),
        output,
        &mut out,
        &mut err,
        recorder,
    )
    .await
    {
        Ok(code) => code,
        // A closed pipe (`swlog get … | head`) is not worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::OK,
        Err(e) => {
            eprintln!("swlog: cannot write output: {e}");
            exit::REMOTE
        }
    }
}

fn show_config(global: &Global) -> u8 {
    let env = |k: &str| std::env::var(k).ok();
    let overrides = global.overrides();
    let path = config::config_path(&overrides, &env);
    match &path {
        Some(p) if p.exists() => println!("config file  {}", p.display()),
        Some(p) => println!(
            "config file  {} (not found: using the environment only)",
            p.display()
        ),
        None => println!("config file  (no config directory on this platform)"),
    }
    match config::resolve(&overrides, &env) {
        Ok(s) => {
            println!("profile      {}", s.profile);
            println!(
                "space        {} ({})",
                s.endpoint.space(),
                s.endpoint_origin
            );
            println!("base URL     {}", s.endpoint.base());
            println!("project      {} ({})", s.project_id, s.project_origin);
            println!(
                "token        set, {} characters, redacted ({})",
                s.token.expose().chars().count(),
                s.token_origin
            );
            println!("timeout      {}s", s.timeout.as_secs());
            let dir = swlog::history::History::default_dir().map_or_else(
                || "(in memory: no data directory)".to_owned(),
                |d| d.display().to_string(),
            );
            let cache = if s.cache && !global.no_cache {
                "bodies cached"
            } else {
                "no body cache"
            };
            println!(
                "history      {dir} (keeps {} besides pinned, {cache})",
                s.history_limit
            );
            let method = swlog::clipboard::decide(s.clipboard, &env);
            println!("clipboard    {:?} → {}", s.clipboard, method.label());
            println!(
                "live refresh {}",
                if s.live_refresh.is_zero() {
                    "off".to_owned()
                } else {
                    format!("every {}s", s.live_refresh.as_secs())
                }
            );
            for w in &s.warnings {
                println!("warning      {w}");
            }
            exit::OK
        }
        Err(e) => {
            println!("error        {e}");
            exit::USAGE
        }
    }
}
