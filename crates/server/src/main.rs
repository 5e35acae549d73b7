//! The `callboard` binary: `serve`, the phone inventory commands and the config commands.

mod cli;
mod config;
mod logging;
mod phones_cmd;
mod serve;

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
