//! `callboard user|group|computer …`: the internal directory (DIR1–DIR4, CL4) from the command
//! line. Numbers are normalized with the `[numbers]` location rules before they are stored;
//! passwords are hashed with argon2id; nothing is half-written.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use callboard_core::directory::{
    BlfFeed, Computer, ComputerProfile, Group, GroupProfile, LineGrant, MonitorGrant, Source, User,
};
use callboard_core::numbers::LocationRules;
use callboard_core::passwords::{Credentials, PasswordPolicy, generate_password};
use callboard_store::{AccountKind, NewUser, Store, StoreError};
use clap::{Args, Subcommand};

use crate::cli::Format;
use crate::config::Config;
use crate::phones_cmd::open_store;

/// `callboard user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user.
    Add(Box<UserArgs>),
    /// List the users.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Show one user with numbers, bound lines and effective rights per line.
    Show {
        /// Login name.
        login: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Set a user's password (given, generated, or handed to the client at its next login).
    Passwd(PasswordArgs),
    /// Set a user's picture (PNG, JPEG, GIF, BMP; stored as a 96x96 PNG).
    Picture {
        /// Login name.
        login: String,
        /// The picture file.
        file: std::path::PathBuf,
    },
    /// Refuse a user's logins.
    Disable {
        /// Login name.
        login: String,
    },
    /// Allow a disabled user again.
    Enable {
        /// Login name.
        login: String,
    },
    /// Delete a user (and its group memberships).
    Delete {
        /// Login name.
        login: String,
    },
}

/// The fields of a user on the command line.
#[derive(Debug, Args)]
pub struct UserArgs {
    /// Login name (unique, case-insensitive).
    pub login: String,
    /// First name.
    #[arg(long)]
    pub first_name: Option<String>,
    /// Last name.
    #[arg(long)]
    pub last_name: Option<String>,
    /// Display name (default: first and last name).
    #[arg(long)]
    pub display_name: Option<String>,
    /// E-mail address.
    #[arg(long)]
    pub email: Option<String>,
    /// SIP identity (sip:user@presence-domain).
    #[arg(long)]
    pub sip_uri: Option<String>,
    /// Department.
    #[arg(long)]
    pub department: Option<String>,
    /// Business phone (any form; stored supercanonical).
    #[arg(long)]
    pub business: Option<String>,
    /// Second business phone.
    #[arg(long)]
    pub business2: Option<String>,
    /// Private phone.
    #[arg(long)]
    pub private: Option<String>,
    /// Mobile phone.
    #[arg(long)]
    pub mobile: Option<String>,
    /// Pager.
    #[arg(long)]
    pub pager: Option<String>,
    /// Voicemail box.
    #[arg(long)]
    pub voicemail: Option<String>,
    /// Manual first phone (line), used when automatic line binding is off.
    #[arg(long)]
    pub first_phone: Option<String>,
    /// Manual second phone (line).
    #[arg(long)]
    pub second_phone: Option<String>,
    /// Do not bind the business number to a line automatically.
    #[arg(long)]
    pub no_bind_business: bool,
    /// Do not bind the second business number automatically.
    #[arg(long)]
    pub no_bind_business2: bool,
    /// USERRIGHTS_* bits (decimal or 0x hex).
    #[arg(long, value_parser = parse_bits)]
    pub services: Option<u32>,
    /// USERRIGHTS2_* bits (decimal or 0x hex).
    #[arg(long, value_parser = parse_bits)]
    pub services2: Option<u32>,
    /// A monitor right on another line: `LINE`, `LINE:clip`, `LINE:pickup` or
    /// `LINE:clip:pickup` (repeatable). Without `clip` only free/busy is visible.
    #[arg(long = "monitor", value_parser = parse_monitor)]
    pub monitors: Vec<MonitorGrant>,
    /// An additional line with its LINEACCESS_* bits: `LINE:BITS` (repeatable), e.g.
    /// `205:0x804` (make calls, see incoming numbers).
    #[arg(long = "line", value_parser = parse_line_grant)]
    pub lines: Vec<LineGrant>,
    /// A "user without login": cannot log in, exists for speed-dial groups.
    #[arg(long)]
    pub without_login: bool,
    /// Which of the user's devices feed the busy lamp field (PERM5): `all` main devices, only
    /// the `current` device, only the `first` main device, or all but the client's softphone
    /// (`no-softphone`).
    #[arg(long, value_parser = parse_blf, default_value = "all")]
    pub blf: BlfFeed,
    /// A picture file (PNG, JPEG, GIF, BMP); stored as a 96x96 PNG.
    #[arg(long)]
    pub picture: Option<std::path::PathBuf>,
    /// The password (else a random one is generated and printed).
    #[arg(long, conflicts_with = "transfer_password")]
    pub password: Option<String>,
    /// Hand a generated password to the client at its next login (that login is not checked).
    #[arg(long)]
    pub transfer_password: bool,
}

/// `user passwd` options.
#[derive(Debug, Args)]
pub struct PasswordArgs {
    /// Login name (or computer name with `computer passwd`).
    pub name: String,
    /// The new password.
    #[arg(long, conflicts_with_all = ["generate", "transfer"])]
    pub password: Option<String>,
    /// Generate a password and print it.
    #[arg(long, conflicts_with = "transfer")]
    pub generate: bool,
    /// Hand a new password to the client at its next login instead.
    #[arg(long)]
    pub transfer: bool,
}

/// `callboard group …`
#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Create or replace a group.
    Add {
        /// Group name.
        name: String,
        /// Member logins.
        #[arg(long, value_delimiter = ',')]
        members: Vec<String>,
        /// Leader's login (need not be a member).
        #[arg(long)]
        leader: Option<String>,
        /// Deputy's login.
        #[arg(long)]
        deputy: Option<String>,
        /// The group line.
        #[arg(long)]
        line: Option<String>,
        /// LINEACCESS_* bits of members on the group line.
        #[arg(long, value_parser = parse_bits, default_value = "0")]
        line_access: u32,
        /// USERRIGHTS_* bits for the members.
        #[arg(long, value_parser = parse_bits, default_value = "0")]
        services: u32,
        /// USERRIGHTS2_* bits for the members.
        #[arg(long, value_parser = parse_bits, default_value = "0")]
        services2: u32,
    },
    /// List the groups with their members.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Delete a group.
    Delete {
        /// Group name.
        name: String,
    },
}

/// `callboard computer …`
#[derive(Debug, Subcommand)]
pub enum ComputerCommand {
    /// Create or replace a computer; with a password it can log in by its name.
    Add {
        /// Computer name.
        name: String,
        /// First phone located at the computer.
        #[arg(long)]
        phone: Option<String>,
        /// Second phone located at the computer.
        #[arg(long)]
        phone2: Option<String>,
        /// Lines of a multi-line client (`*`: all).
        #[arg(long, value_delimiter = ',')]
        lines: Vec<String>,
        /// Only the owner of a line may dial from it.
        #[arg(long)]
        only_authorized_dial: bool,
        /// A password for logins by computer name.
        #[arg(long)]
        password: Option<String>,
    },
    /// List the computers.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Set a computer's password.
    Passwd(PasswordArgs),
    /// Delete a computer.
    Delete {
        /// Computer name.
        name: String,
    },
}

/// `LINE[:clip][:pickup]`.
pub fn parse_monitor(text: &str) -> Result<MonitorGrant, String> {
    let mut parts = text.split(':');
    let line = parts.next().unwrap_or("").trim().to_owned();
    if line.is_empty() {
        return Err(format!(
            "`{text}`: expected LINE, LINE:clip, LINE:pickup or LINE:clip:pickup"
        ));
    }
    let mut grant = MonitorGrant {
        line,
        clip: false,
        pickup: false,
    };
    for flag in parts {
        match flag.trim() {
            "clip" => grant.clip = true,
            "pickup" => grant.pickup = true,
            other => return Err(format!("`{other}` is not `clip` or `pickup`")),
        }
    }
    Ok(grant)
}

/// `LINE:BITS`.
pub fn parse_line_grant(text: &str) -> Result<LineGrant, String> {
    let (line, bits) = text
        .split_once(':')
        .ok_or_else(|| format!("`{text}`: expected LINE:BITS, e.g. 205:0x804"))?;
    if line.trim().is_empty() {
        return Err(format!("`{text}`: the line is missing"));
    }
    Ok(LineGrant {
        line: line.trim().to_owned(),
        access: parse_bits(bits)?,
    })
}

/// Decimal or `0x` hex bit fields.
pub fn parse_bits(text: &str) -> Result<u32, String> {
    let text = text.trim();
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|_| format!("`{text}` is not a number (decimal or 0x hex)"))
}

/// The password policy of `[directory]`.
pub fn password_policy(config: &Config) -> PasswordPolicy {
    PasswordPolicy {
        memory_kib: config.directory.argon2_memory_kib,
        iterations: config.directory.argon2_iterations,
        max_failures: config.directory.max_failed_logins,
        lockout: std::time::Duration::from_secs(u64::from(config.directory.lockout_seconds)),
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Normalizes one number field, naming it in the error.
pub fn stored_number(rules: &LocationRules, field: &str, text: &str) -> Result<String, String> {
    rules
        .normalize(text)
        .map(|n| n.as_str().to_owned())
        .map_err(|e| format!("{field}: {e}"))
}

/// `--blf` values.
pub fn parse_blf(text: &str) -> Result<BlfFeed, String> {
    match text.trim() {
        "" | "all" => Ok(BlfFeed::AllMainDevices),
        "current" => Ok(BlfFeed::OnlyCurrentDevice),
        "first" => Ok(BlfFeed::OnlyFirstDevice),
        "no-softphone" => Ok(BlfFeed::NoSoftphone),
        other => Err(format!(
            "`{other}` is not one of all, current, first, no-softphone"
        )),
    }
}

/// Reads a picture file and scales it to the stored 96x96 PNG.
fn read_picture(path: &Path) -> Result<Vec<u8>, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .len();
    if size > crate::picture::MAX_PICTURE_BYTES as u64 {
        return Err(format!("{}: {size} bytes; at most 10 MiB", path.display()));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    crate::picture::scale_picture(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Builds a user from command-line or CSV fields; every problem is reported, each naming its
/// field.
pub fn build_user(args: &UserArgs, rules: &LocationRules) -> Result<User, Vec<String>> {
    let mut user = User::new(args.login.trim());
    let mut problems = Vec::new();
    if user.login.is_empty() {
        problems.push("login: must not be empty".to_owned());
    }
    if user
        .login
        .chars()
        .any(|c| c.is_control() || c == '"' || c == ';')
    {
        problems.push(format!(
            "login: `{}` contains characters that are not allowed",
            user.login
        ));
    }
    let profile = &mut user.profile;
    profile.first_name = args.first_name.clone().unwrap_or_default();
    profile.last_name = args.last_name.clone().unwrap_or_default();
    profile.display_name = args.display_name.clone().unwrap_or_default();
    profile.email = args.email.clone().filter(|e| !e.is_empty());
    if let Some(email) = &profile.email {
        if !email.contains('@') {
            problems.push(format!("email: `{email}` is not an e-mail address"));
        }
    }
    profile.sip_uri = args.sip_uri.clone().filter(|s| !s.is_empty());
    if let Some(uri) = &profile.sip_uri {
        if !uri.starts_with("sip:") || !uri.contains('@') {
            problems.push(format!("sip_uri: `{uri}` is not sip:user@domain"));
        }
    }
    profile.department = args.department.clone().filter(|s| !s.is_empty());
    for (field, value) in [
        ("business", &args.business),
        ("business2", &args.business2),
        ("private", &args.private),
        ("mobile", &args.mobile),
        ("pager", &args.pager),
        ("voicemail", &args.voicemail),
        ("first_phone", &args.first_phone),
        ("second_phone", &args.second_phone),
    ] {
        let Some(text) = value.as_deref().filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        match stored_number(rules, field, text) {
            Ok(number) => {
                if let Some(slot) = profile.numbers.field_mut(field) {
                    *slot = Some(number);
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    profile.bind_business = !args.no_bind_business;
    profile.bind_business2 = !args.no_bind_business2;
    profile.monitors = args.monitors.clone();
    profile.lines = args.lines.clone();
    profile.services = args.services.unwrap_or(0);
    profile.services2 = args.services2.unwrap_or(0);
    user.can_login = !args.without_login;
    user.profile.blf = args.blf;
    if let Some(path) = &args.picture {
        match read_picture(path) {
            Ok(png) => user.picture = Some(png),
            Err(problem) => problems.push(format!("picture: {problem}")),
        }
    }
    if problems.is_empty() {
        Ok(user)
    } else {
        Err(problems)
    }
}

/// The credentials of a new account and the password to tell the admin (if generated).
pub fn new_credentials(
    policy: &PasswordPolicy,
    password: Option<&str>,
    transfer: bool,
) -> anyhow::Result<(Credentials, Option<String>)> {
    if transfer {
        return Ok((
            Credentials {
                transfer_at_next_login: true,
                ..Credentials::default()
            },
            None,
        ));
    }
    let (password, generated) = match password {
        Some(password) => (password.to_owned(), None),
        None => {
            let password = generate_password();
            (password.clone(), Some(password))
        }
    };
    let hash = policy.hash(&password).context("hashing the password")?;
    Ok((
        Credentials {
            hash: Some(hash),
            ..Credentials::default()
        },
        generated,
    ))
}

async fn set_password(
    store: &Store,
    policy: &PasswordPolicy,
    kind: AccountKind,
    args: &PasswordArgs,
) -> anyhow::Result<ExitCode> {
    let Some(mut credentials) = store.credentials(kind, &args.name).await? else {
        eprintln!("error: `{}` is not known", args.name);
        return Ok(ExitCode::FAILURE);
    };
    if args.transfer {
        credentials.transfer_at_next_login = true;
        println!(
            "a new password will be handed to `{}` at its next login",
            args.name
        );
    } else {
        let password = match &args.password {
            Some(password) => password.clone(),
            None => {
                let password = generate_password();
                println!("generated password for `{}`: {password}", args.name);
                password
            }
        };
        credentials.hash = Some(policy.hash(&password)?);
        credentials.transfer_at_next_login = false;
        if args.password.is_some() {
            println!("password of `{}` changed", args.name);
        }
    }
    credentials.failed_logins = 0;
    credentials.locked_until_ms = None;
    store
        .set_credentials(kind, &args.name, &credentials)
        .await?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `callboard user …`.
pub async fn run_user(
    command: UserCommand,
    config: &Config,
    data_dir: &Path,
) -> anyhow::Result<ExitCode> {
    let store = open_store(config, data_dir).await?;
    let rules = config.numbers.rules();
    let policy = password_policy(config);
    let code = match command {
        UserCommand::Add(args) => {
            let user = match build_user(&args, &rules) {
                Ok(user) => user,
                Err(problems) => {
                    for problem in problems {
                        eprintln!("error: {problem}");
                    }
                    return Ok(ExitCode::FAILURE);
                }
            };
            let (credentials, generated) =
                new_credentials(&policy, args.password.as_deref(), args.transfer_password)?;
            match store
                .add_users(&[NewUser { user, credentials }], now_ms())
                .await
            {
                Ok(()) => {}
                Err(StoreError::Duplicate(what)) => {
                    eprintln!("error: {what} already exists");
                    return Ok(ExitCode::FAILURE);
                }
                Err(error) => return Err(error.into()),
            }
            println!("user `{}` created", args.login.trim());
            if let Some(password) = generated.filter(|_| !args.without_login) {
                println!("generated password: {password}");
            }
            ExitCode::SUCCESS
        }
        UserCommand::List { format } => {
            let users = store.users().await?;
            match format {
                Format::Json => {
                    let json: Vec<_> = users.iter().map(|u| user_summary_json(u, &rules)).collect();
                    println!("{}", serde_json::to_string_pretty(&json)?);
                }
                Format::Table => {
                    if users.is_empty() {
                        println!("no users");
                    }
                    for user in &users {
                        let state = if user.disabled {
                            "disabled"
                        } else if !user.can_login {
                            "no login"
                        } else {
                            "active"
                        };
                        println!(
                            "{:<20} {:<9} {:<24} {}",
                            user.login,
                            state,
                            user.profile.shown_name(),
                            user.profile.numbers.business.as_deref().unwrap_or("-")
                        );
                    }
                }
            }
            ExitCode::SUCCESS
        }
        UserCommand::Show { login, format } => {
            crate::user_show::run(&store, config, &login, format).await?
        }
        UserCommand::Passwd(args) => {
            set_password(&store, &policy, AccountKind::User, &args).await?
        }
        UserCommand::Picture { login, file } => {
            let png = match read_picture(&file) {
                Ok(png) => png,
                Err(problem) => {
                    eprintln!("error: picture: {problem}");
                    return Ok(ExitCode::FAILURE);
                }
            };
            let Some(mut user) = store.user(&login).await? else {
                eprintln!("error: user `{login}` is not known");
                return Ok(ExitCode::FAILURE);
            };
            user.picture = Some(png);
            // the stored credentials stay: save_users keeps them for existing users
            store
                .save_users(
                    &[NewUser {
                        user,
                        credentials: Credentials::default(),
                    }],
                    now_ms(),
                )
                .await?;
            println!("picture of `{login}` set (96x96 PNG)");
            ExitCode::SUCCESS
        }
        UserCommand::Disable { login } => toggle(&store, &login, true).await?,
        UserCommand::Enable { login } => toggle(&store, &login, false).await?,
        UserCommand::Delete { login } => {
            if store.delete_user(&login).await? {
                println!("user `{login}` deleted");
                ExitCode::SUCCESS
            } else {
                eprintln!("error: user `{login}` is not known");
                ExitCode::FAILURE
            }
        }
    };
    store.close().await;
    Ok(code)
}

/// Disables or enables a user; enabling also lifts a lockout after failed logins.
async fn toggle(store: &Store, login: &str, disabled: bool) -> anyhow::Result<ExitCode> {
    if store.set_user_disabled(login, disabled, now_ms()).await? {
        let state = if disabled { "disabled" } else { "enabled" };
        println!("user `{login}` {state}");
        if !disabled {
            let stored = store.user(login).await?.map(|user| user.login);
            let login = stored.as_deref().unwrap_or(login);
            if let Some(mut credentials) = store.credentials(AccountKind::User, login).await? {
                if credentials.locked_until_ms.is_some() || credentials.failed_logins > 0 {
                    credentials.failed_logins = 0;
                    credentials.locked_until_ms = None;
                    store
                        .set_credentials(AccountKind::User, login, &credentials)
                        .await?;
                    println!("failed logins of `{login}` cleared; lock lifted");
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("error: user `{login}` is not known");
        Ok(ExitCode::FAILURE)
    }
}

/// The short JSON form of a user in `user list --format json`.
fn user_summary_json(user: &User, rules: &LocationRules) -> serde_json::Value {
    serde_json::json!({
        "login": user.login,
        "display_name": user.profile.shown_name(),
        "can_login": user.can_login,
        "disabled": user.disabled,
        "source": user.source,
        "business": user.profile.numbers.business,
        "business_display": user.profile.numbers.business.as_deref().map(|n| display(rules, n)),
        "services": user.profile.services,
        "services2": user.profile.services2,
    })
}

/// The display form of a stored number.
pub fn display(rules: &LocationRules, stored: &str) -> String {
    match rules.normalize(stored) {
        Ok(number) => rules.display(&number),
        Err(_) => stored.to_owned(),
    }
}

/// Runs `callboard group …`.
pub async fn run_group(
    command: GroupCommand,
    config: &Config,
    data_dir: &Path,
) -> anyhow::Result<ExitCode> {
    let store = open_store(config, data_dir).await?;
    let code = match command {
        GroupCommand::Add {
            name,
            members,
            leader,
            deputy,
            line,
            line_access,
            services,
            services2,
        } => {
            let rules = config.numbers.rules();
            let line = match line
                .as_deref()
                .map(|l| stored_number(&rules, "line", l))
                .transpose()
            {
                Ok(line) => line,
                Err(problem) => {
                    eprintln!("error: {problem}");
                    return Ok(ExitCode::FAILURE);
                }
            };
            let mut unknown = Vec::new();
            for login in members.iter().chain(leader.iter()).chain(deputy.iter()) {
                if store.user(login).await?.is_none() {
                    unknown.push(login.clone());
                }
            }
            if !unknown.is_empty() {
                eprintln!("error: unknown user(s): {}", unknown.join(", "));
                return Ok(ExitCode::FAILURE);
            }
            let group = Group {
                name: name.trim().to_owned(),
                profile: GroupProfile {
                    line,
                    line_access,
                    leader,
                    deputy,
                    services,
                    services2,
                    ..GroupProfile::default()
                },
                members,
                source: Source::Internal,
                external_id: None,
            };
            store.save_group(&group, now_ms()).await?;
            println!(
                "group `{}` saved with {} member(s)",
                group.name,
                group.members.len()
            );
            ExitCode::SUCCESS
        }
        GroupCommand::List { format } => {
            let groups = store.groups().await?;
            match format {
                Format::Json => {
                    let json: Vec<_> = groups
                        .iter()
                        .map(|g| {
                            serde_json::json!({
                                "name": g.name,
                                "members": g.members,
                                "leader": g.profile.leader,
                                "deputy": g.profile.deputy,
                                "line": g.profile.line,
                                "line_access": g.profile.line_access,
                                "services": g.profile.services,
                                "services2": g.profile.services2,
                            })
                        })
                        .collect();
                    println!("{}", serde_json::to_string_pretty(&json)?);
                }
                Format::Table => {
                    if groups.is_empty() {
                        println!("no groups");
                    }
                    for group in &groups {
                        println!("{:<20} {}", group.name, group.members.join(", "));
                    }
                }
            }
            ExitCode::SUCCESS
        }
        GroupCommand::Delete { name } => {
            if store.delete_group(&name).await? {
                println!("group `{name}` deleted");
                ExitCode::SUCCESS
            } else {
                eprintln!("error: group `{name}` is not known");
                ExitCode::FAILURE
            }
        }
    };
    store.close().await;
    Ok(code)
}

/// Runs `callboard computer …`.
pub async fn run_computer(
    command: ComputerCommand,
    config: &Config,
    data_dir: &Path,
) -> anyhow::Result<ExitCode> {
    let store = open_store(config, data_dir).await?;
    let policy = password_policy(config);
    let code = match command {
        ComputerCommand::Add {
            name,
            phone,
            phone2,
            lines,
            only_authorized_dial,
            password,
        } => {
            let rules = config.numbers.rules();
            let mut problems = Vec::new();
            let mut number = |field: &str, value: Option<String>| {
                value.and_then(|v| match stored_number(&rules, field, &v) {
                    Ok(n) => Some(n),
                    Err(problem) => {
                        problems.push(problem);
                        None
                    }
                })
            };
            let phone_primary = number("phone", phone);
            let phone_secondary = number("phone2", phone2);
            let all_lines = lines.iter().any(|l| l.trim() == "*");
            let lines: Vec<String> = lines
                .iter()
                .filter(|l| l.trim() != "*" && !l.trim().is_empty())
                .filter_map(|l| number("lines", Some(l.clone())))
                .collect();
            if !problems.is_empty() {
                for problem in problems {
                    eprintln!("error: {problem}");
                }
                return Ok(ExitCode::FAILURE);
            }
            if name.trim().is_empty() {
                eprintln!("error: a computer name must not be empty");
                return Ok(ExitCode::FAILURE);
            }
            let computer = Computer {
                name: name.trim().to_owned(),
                profile: ComputerProfile {
                    phone_primary,
                    phone_secondary,
                    lines,
                    all_lines,
                    only_authorized_dial,
                    lines_access: 0,
                },
                source: Source::Internal,
                external_id: None,
            };
            store.save_computer(&computer, now_ms()).await?;
            if let Some(password) = password {
                let (credentials, _) = new_credentials(&policy, Some(&password), false)?;
                store
                    .set_credentials(AccountKind::Computer, &computer.name, &credentials)
                    .await?;
            }
            println!("computer `{}` saved", computer.name);
            ExitCode::SUCCESS
        }
        ComputerCommand::List { format } => {
            let computers = store.computers().await?;
            match format {
                Format::Json => {
                    let json: Vec<_> = computers
                        .iter()
                        .map(|c| {
                            serde_json::json!({
                                "name": c.name,
                                "phone": c.profile.phone_primary,
                                "phone2": c.profile.phone_secondary,
                                "lines": if c.profile.all_lines { vec!["*".to_string()] } else { c.profile.lines.clone() },
                                "only_authorized_dial": c.profile.only_authorized_dial,
                            })
                        })
                        .collect();
                    println!("{}", serde_json::to_string_pretty(&json)?);
                }
                Format::Table => {
                    if computers.is_empty() {
                        println!("no computers");
                    }
                    for computer in &computers {
                        println!(
                            "{:<20} {} {}",
                            computer.name,
                            computer.profile.phone_primary.as_deref().unwrap_or("-"),
                            computer.profile.phone_secondary.as_deref().unwrap_or("")
                        );
                    }
                }
            }
            ExitCode::SUCCESS
        }
        ComputerCommand::Passwd(args) => {
            set_password(&store, &policy, AccountKind::Computer, &args).await?
        }
        ComputerCommand::Delete { name } => {
            if store.delete_computer(&name).await? {
                println!("computer `{name}` deleted");
                ExitCode::SUCCESS
            } else {
                eprintln!("error: computer `{name}` is not known");
                ExitCode::FAILURE
            }
        }
    };
    store.close().await;
    Ok(code)
}
