//! The `callboard` binary: `serve`, the phone inventory commands and the config commands.

mod accounts;
mod cli;
mod config;
mod directory_cmd;
mod directory_sync;
mod import_cmd;
mod live_rights;
mod logging;
mod phones_cmd;
mod picture;
mod rights_loader;
mod serve;
mod user_show;

use std::process::ExitCode;

use clap::Parser;

/// Exit status of a program whose output pipe was closed (128 + SIGPIPE), as shells report.
const BROKEN_PIPE_STATUS: i32 = 141;

/// `callboard phones list | head -1`: printing to a closed pipe ends the program quietly, the
/// way command-line tools do, instead of a panic message (Rust ignores SIGPIPE, so `println!`
/// panics on a closed stdout). Every other panic goes to the default hook.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(BROKEN_PIPE_STATUS);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    quiet_on_closed_stdout();
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
