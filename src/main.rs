//! `oc-prunetags` / `kubectl-prunetags`: parse, run, map errors to exit codes. Nothing else.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::FromArgMatches;
use owo_colors::OwoColorize;
use prunetags::cli::Cli;
use prunetags::error::{Error, exit};

/// The exit code of a panic: Rust's own, kept apart from 1 (a cluster or API failure).
const PANIC_EXIT: i32 = 101;

pub fn main() -> ExitCode {
    install_panic_hook();
    // kubectl's plugin completion (through completions/kubectl_complete-prunetags): the words
    // typed so far, verbatim; clap must not parse them. Prints candidates, never an error.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("__complete") {
        let _ = std::io::Write::write_all(
            &mut std::io::stdout(),
            prunetags::complete::dynamic(&args[1..]).as_bytes(),
        );
        return ExitCode::SUCCESS;
    }
    let cmd = prunetags::cli::command(&bin_name());
    let cli = match cmd
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => return clap_exit(e),
    };
    let result = cli.into_config().and_then(|cfg| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::runtime(format!("cannot start the async runtime: {e}")))?;
        runtime.block_on(async {
            test_panic_trigger();
            prunetags::app::run(cfg).await
        })
    });
    match result {
        Ok(()) => ExitCode::from(exit::OK as u8),
        Err(e) => {
            report(&e.message);
            ExitCode::from(e.code as u8)
        }
    }
}

/// kubectl runs us as `kubectl-prunetags`, oc as `oc-prunetags` (or `kubectl-prunetags`): show
/// the user the command they typed.
fn bin_name() -> String {
    let argv0 = std::env::args_os().next().unwrap_or_default();
    let file = std::path::Path::new(&argv0)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match file.split_once('-') {
        Some((host @ ("kubectl" | "oc"), plugin)) => format!("{host} {plugin}"),
        _ => "oc prunetags".to_owned(),
    }
}

/// Help and version go to stdout with exit 0; a usage error is one line on stderr, exit 2.
fn clap_exit(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(
                if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    exit::USAGE as u8
                } else {
                    0
                },
            )
        }
        _ => {
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            report(&format!("{first} (see --help)"));
            ExitCode::from(exit::USAGE as u8)
        }
    }
}

/// A panic is a bug: one line and a hint instead of the default message, and no backtrace
/// unless `RUST_BACKTRACE` asks for one. A panic on any thread (a tokio worker too) ends the
/// process with [`PANIC_EXIT`] at once, so no second message follows the first.
fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        let message = prunetags::redact::redact(
            message
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("unknown panic"),
        );
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        report(&format!(
            "internal error: {message}{at} (this is a bug; please report it with RUST_BACKTRACE=1 output)"
        ));
        let backtrace =
            std::env::var_os("RUST_BACKTRACE").is_some_and(|v| !v.is_empty() && v != "0");
        if backtrace {
            default(info);
        }
        std::process::exit(PANIC_EXIT);
    }));
}

/// Test-only: `OC_PRUNETAGS_TEST_PANIC=1` panics on the main thread, `=task` on a tokio worker
/// (`=secret` is handled after connecting, in `app`). There is no other honest way to reach the
/// panic hook from outside the process; nothing else reads the variable.
fn test_panic_trigger() {
    let Some(how) = std::env::var_os("OC_PRUNETAGS_TEST_PANIC") else {
        return;
    };
    match how.to_str() {
        Some("task") => {
            tokio::spawn(async { panic!("test panic on a worker thread") });
            std::thread::sleep(std::time::Duration::from_secs(5));
        }
        Some("secret") => {}
        _ => panic!("test panic requested by OC_PRUNETAGS_TEST_PANIC"),
    }
}

fn report(message: &str) {
    let message = &prunetags::redact::redact(message);
    let tty = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    if tty {
        eprintln!("{} {message}", "error:".red().bold());
    } else {
        eprintln!("error: {message}");
    }
}
