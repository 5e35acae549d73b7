//! `callboard import users.csv`: many users at once. The first row names the columns (the
//! long options of `callboard user add`, with `_` or `-`); every row is checked before
//! anything is written, every problem is reported with its row and column, and the users are
//! written in one transaction: all or nothing.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use callboard_core::passwords::Credentials;
use callboard_store::{NewUser, StoreError};
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Config;
use crate::directory_cmd::{
    UserArgs, build_user, parse_bits, parse_line_grant, parse_monitor, password_policy,
};
use crate::phones_cmd::open_store;

/// The columns a CSV file may have.
const COLUMNS: &[&str] = &[
    "login",
    "first_name",
    "last_name",
    "display_name",
    "email",
    "sip_uri",
    "department",
    "business",
    "business2",
    "private",
    "mobile",
    "pager",
    "voicemail",
    "first_phone",
    "second_phone",
    "no_bind_business",
    "no_bind_business2",
    "services",
    "services2",
    "monitors",
    "lines",
    "without_login",
    "blf",
    "password",
    "transfer_password",
];

fn truthy(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "0" | "false" | "no" => Ok(false),
        "1" | "true" | "yes" | "x" => Ok(true),
        other => Err(format!("`{other}` is not true/false")),
    }
}

/// One row as `user add` arguments, or the problems of its fields.
fn row_args(columns: &[String], record: &csv::StringRecord) -> Result<UserArgs, Vec<String>> {
    let mut args = UserArgs {
        login: String::new(),
        first_name: None,
        last_name: None,
        display_name: None,
        email: None,
        sip_uri: None,
        department: None,
        business: None,
        business2: None,
        private: None,
        mobile: None,
        pager: None,
        voicemail: None,
        first_phone: None,
        second_phone: None,
        no_bind_business: false,
        no_bind_business2: false,
        services: None,
        services2: None,
        monitors: Vec::new(),
        lines: Vec::new(),
        without_login: false,
        blf: callboard_core::directory::BlfFeed::AllMainDevices,
        picture: None,
        password: None,
        transfer_password: false,
    };
    let mut problems = Vec::new();
    for (column, value) in columns.iter().zip(record.iter()) {
        let text = value.trim();
        let optional = || (!text.is_empty()).then(|| text.to_owned());
        let mut flag = |slot: &mut bool| match truthy(text) {
            Ok(v) => *slot = v,
            Err(e) => problems.push(format!("{column}: {e}")),
        };
        match column.as_str() {
            "login" => args.login = text.to_owned(),
            "first_name" => args.first_name = optional(),
            "last_name" => args.last_name = optional(),
            "display_name" => args.display_name = optional(),
            "email" => args.email = optional(),
            "sip_uri" => args.sip_uri = optional(),
            "department" => args.department = optional(),
            "business" => args.business = optional(),
            "business2" => args.business2 = optional(),
            "private" => args.private = optional(),
            "mobile" => args.mobile = optional(),
            "pager" => args.pager = optional(),
            "voicemail" => args.voicemail = optional(),
            "first_phone" => args.first_phone = optional(),
            "second_phone" => args.second_phone = optional(),
            "no_bind_business" => flag(&mut args.no_bind_business),
            "no_bind_business2" => flag(&mut args.no_bind_business2),
            "without_login" => flag(&mut args.without_login),
            "blf" => match crate::directory_cmd::parse_blf(text) {
                Ok(feed) => args.blf = feed,
                Err(e) => problems.push(format!("blf: {e}")),
            },
            "transfer_password" => flag(&mut args.transfer_password),
            "password" => args.password = optional(),
            "services" | "services2" if !text.is_empty() => match parse_bits(text) {
                Ok(bits) if column == "services" => args.services = Some(bits),
                Ok(bits) => args.services2 = Some(bits),
                Err(e) => problems.push(format!("{column}: {e}")),
            },
            "monitors" => {
                for item in text.split(';').filter(|i| !i.trim().is_empty()) {
                    match parse_monitor(item) {
                        Ok(grant) => args.monitors.push(grant),
                        Err(e) => problems.push(format!("monitors: {e}")),
                    }
                }
            }
            "lines" => {
                for item in text.split(';').filter(|i| !i.trim().is_empty()) {
                    match parse_line_grant(item) {
                        Ok(grant) => args.lines.push(grant),
                        Err(e) => problems.push(format!("lines: {e}")),
                    }
                }
            }
            _ => {}
        }
    }
    if problems.is_empty() {
        Ok(args)
    } else {
        Err(problems)
    }
}

/// Runs `callboard import FILE`.
pub async fn run(file: &Path, config: &Config, data_dir: &Path) -> anyhow::Result<ExitCode> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_path(file)
        .with_context(|| format!("reading {}", file.display()))?;
    let columns: Vec<String> = reader
        .headers()
        .with_context(|| format!("reading the header row of {}", file.display()))?
        .iter()
        .map(|c| c.trim().to_ascii_lowercase().replace('-', "_"))
        .collect();
    let unknown: Vec<&String> = columns
        .iter()
        .filter(|c| !COLUMNS.contains(&c.as_str()))
        .collect();
    if !unknown.is_empty() || !columns.iter().any(|c| c == "login") {
        if !unknown.is_empty() {
            eprintln!(
                "error: unknown column(s) {}; known: {}",
                unknown
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                COLUMNS.join(", ")
            );
        } else {
            eprintln!("error: the header row has no `login` column");
        }
        return Ok(ExitCode::FAILURE);
    }
    let rules = config.numbers.rules();
    let store = open_store(config, data_dir).await?;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (index, record) in reader.records().enumerate() {
        let row = index + 2; // the header is row 1
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                problems.push(format!("row {row}: {error}"));
                continue;
            }
        };
        let args = match row_args(&columns, &record) {
            Ok(args) => args,
            Err(found) => {
                problems.extend(found.into_iter().map(|p| format!("row {row}: {p}")));
                continue;
            }
        };
        match build_user(&args, &rules) {
            Ok(user) => {
                if let Some(first) = seen.insert(user.login.to_lowercase(), row) {
                    problems.push(format!(
                        "row {row}: login `{}` is already in row {first}",
                        user.login
                    ));
                } else if store.user(&user.login).await?.is_some() {
                    problems.push(format!(
                        "row {row}: login `{}` already exists in the directory",
                        user.login
                    ));
                }
                rows.push((args, user));
            }
            Err(found) => problems.extend(found.into_iter().map(|p| format!("row {row}: {p}"))),
        }
    }
    if !problems.is_empty() {
        store.close().await;
        for problem in &problems {
            eprintln!("error: {problem}");
        }
        eprintln!(
            "nothing imported: {} problem(s) in {}",
            problems.len(),
            file.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    let policy = password_policy(config);
    let progress = ProgressBar::new(rows.len() as u64).with_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    progress.set_message("hashing passwords");
    let mut users = Vec::with_capacity(rows.len());
    for (args, user) in rows {
        // Without a password the account gets one at its first login.
        let credentials = match (&args.password, args.transfer_password) {
            (Some(password), false) => Credentials {
                hash: Some(policy.hash(password)?),
                ..Credentials::default()
            },
            _ => Credentials {
                transfer_at_next_login: true,
                ..Credentials::default()
            },
        };
        users.push(NewUser { user, credentials });
        progress.inc(1);
    }
    progress.finish_and_clear();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let result = store.add_users(&users, now_ms).await;
    store.close().await;
    match result {
        Ok(()) => {
            println!("imported {} user(s) from {}", users.len(), file.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::Duplicate(what)) => {
            eprintln!("error: {what} already exists; nothing imported");
            Ok(ExitCode::FAILURE)
        }
        Err(error) => Err(error.into()),
    }
}
