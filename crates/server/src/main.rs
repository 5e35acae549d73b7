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

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
