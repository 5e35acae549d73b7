//! Command-line interface: global options, sub-commands and their dispatch.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{Config, EXAMPLE, Loaded};

/// callboard — an open CTI and presence server for SIP desk phones.
#[derive(Debug, Parser)]
#[command(name = "callboard", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every sub-command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Configuration file (default: ./callboard.toml when present, else built-in defaults).
    #[arg(long, global = true, env = "CALLBOARD_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data directory: database, generated TLS certificate.
    #[arg(
        long,
        global = true,
        env = "CALLBOARD_DATA_DIR",
        value_name = "DIR",
        default_value = "data"
    )]
    pub data_dir: PathBuf,
}

/// The sub-commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve {
        /// Add the demo switch: simulated lines (`[demo] lines`) that call each other.
        #[arg(long)]
        demo: bool,
    },
    /// The phone inventory.
    #[command(subcommand)]
    Phones(PhonesCommand),
    /// Configuration helpers.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Users of the internal directory.
    #[command(subcommand)]
    User(Box<crate::directory_cmd::UserCommand>),
    /// Groups of the internal directory.
    #[command(subcommand)]
    Group(crate::directory_cmd::GroupCommand),
    /// Computers of the internal directory.
    #[command(subcommand)]
    Computer(crate::directory_cmd::ComputerCommand),
    /// The LDAP / Active Directory source.
    #[command(subcommand)]
    Directory(DirectoryCommand),
    /// Import users from a CSV file (header row: the `user add` option names); all or nothing.
    Import {
        /// The CSV file.
        file: PathBuf,
    },
}

/// `callboard phones …`
#[derive(Debug, Subcommand)]
pub enum PhonesCommand {
    /// List the known phones.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Allow a phone to register (also commissions a pending or not yet seen phone).
    Enable {
        /// MAC address, 12 hex digits with or without `:`/`-`.
        mac: String,
    },
    /// Refuse a phone; a connected one is disconnected within a second.
    Disable {
        /// MAC address, 12 hex digits with or without `:`/`-`.
        mac: String,
    },
}

/// `callboard directory …`
#[derive(Debug, Subcommand)]
pub enum DirectoryCommand {
    /// Read users, groups and computers from LDAP / Active Directory now.
    Sync,
}

/// `callboard config …`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Load and validate the configuration; print every problem.
    Check,
    /// Print a complete, commented configuration with the built-in defaults.
    Example,
}

/// Output formats of listing commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    Table,
    /// A JSON array for programs.
    Json,
}

fn process_env() -> BTreeMap<String, String> {
    std::env::vars().collect()
}

/// Loads the configuration or returns the printed list of problems as the error.
pub fn load_config(path: Option<&Path>) -> anyhow::Result<Loaded> {
    Config::load(path, &process_env()).map_err(|errors| anyhow::anyhow!("{errors}"))
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let Cli { global, command } = cli;
    match command {
        Command::Config(ConfigCommand::Example) => {
            print!("{EXAMPLE}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Config(ConfigCommand::Check) => {
            match Config::load(global.config.as_deref(), &process_env()) {
                Ok(loaded) => {
                    for warning in &loaded.warnings {
                        println!("warning: {warning}");
                    }
                    match &loaded.file {
                        Some(file) => println!("configuration OK ({})", file.display()),
                        None => println!("configuration OK (built-in defaults)"),
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(errors) => {
                    eprint!("{errors}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::Serve { demo } => {
            let mut loaded = load_config(global.config.as_deref())?;
            loaded.config.demo.enabled |= demo;
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            runtime.block_on(crate::serve::serve(loaded, global.data_dir))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Phones(command) => {
            let loaded = load_config(global.config.as_deref())?;
            small_runtime()?.block_on(crate::phones_cmd::run(
                command,
                &loaded.config,
                &global.data_dir,
            ))
        }
        Command::User(command) => {
            let loaded = load_config(global.config.as_deref())?;
            small_runtime()?.block_on(crate::directory_cmd::run_user(
                *command,
                &loaded.config,
                &global.data_dir,
            ))
        }
        Command::Group(command) => {
            let loaded = load_config(global.config.as_deref())?;
            small_runtime()?.block_on(crate::directory_cmd::run_group(
                command,
                &loaded.config,
                &global.data_dir,
            ))
        }
        Command::Directory(DirectoryCommand::Sync) => {
            let loaded = load_config(global.config.as_deref())?;
            small_runtime()?.block_on(sync_now(&loaded.config, &global.data_dir))
        }
        Command::Import { file } => {
            let loaded = load_config(global.config.as_deref())?;
            small_runtime()?.block_on(crate::import_cmd::run(
                &file,
                &loaded.config,
                &global.data_dir,
            ))
        }
        Command::Computer(command) => {
            let loaded = load_config(global.config.as_deref())?;
            small_runtime()?.block_on(crate::directory_cmd::run_computer(
                command,
                &loaded.config,
                &global.data_dir,
            ))
        }
    }
}

/// A single-threaded runtime for the short CLI commands.
fn small_runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// `callboard directory sync` with a progress line per object kind.
async fn sync_now(config: &Config, data_dir: &Path) -> anyhow::Result<ExitCode> {
    if config.directory.source != "ldap" {
        eprintln!(
            "error: directory.source is `{}`; set it to `ldap` (and [directory.ldap]) to synchronise",
            config.directory.source
        );
        return Ok(ExitCode::FAILURE);
    }
    let store = crate::phones_cmd::open_store(config, data_dir).await?;
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let shown = bar.clone();
    let mut progress = move |p: callboard_directory::Progress| {
        shown.set_message(format!(
            "reading {:?}: {}{}",
            p.kind,
            p.read,
            if p.done { " (done)" } else { "" }
        ));
    };
    let result = crate::directory_sync::synchronise(&store, config, &mut progress).await;
    bar.finish_and_clear();
    store.close().await;
    let report = match result {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: directory sync failed: {error:#}");
            return Ok(ExitCode::FAILURE);
        }
    };
    println!(
        "synchronised {} user(s) ({} new, {} changed, {} disabled), {} group(s), {} computer(s){}",
        report.users,
        report.new_users,
        report.changed_users,
        report.disabled,
        report.groups,
        report.computers,
        if report.written_back > 0 {
            format!(", {} SIP address(es) written back", report.written_back)
        } else {
            String::new()
        }
    );
    for problem in &report.problems {
        println!("warning: {problem}");
    }
    Ok(ExitCode::SUCCESS)
}
