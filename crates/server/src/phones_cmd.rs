//! `callboard phones list|enable|disable`: reads and changes the inventory in the store; works
//! while the server runs (the server picks up admin changes within a second).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use callboard_core::{AdminState, Mac, PhoneRecord};
use callboard_store::Store;

use crate::cli::{Format, PhonesCommand};
use crate::config::Config;

/// Opens the configured store (default: SQLite in the data directory).
pub async fn open_store(config: &Config, data_dir: &Path) -> anyhow::Result<Store> {
    let url = if config.store.url.is_empty() {
        Store::default_url(data_dir)
    } else {
        config.store.url.clone()
    };
    Store::open(&url)
        .await
        .with_context(|| format!("opening the store {}", callboard_store::redacted_url(&url)))
}

pub async fn run(
    command: PhonesCommand,
    config: &Config,
    data_dir: &Path,
) -> anyhow::Result<ExitCode> {
    let store = open_store(config, data_dir).await?;
    let result = match command {
        PhonesCommand::List { format } => {
            let phones = store.phones().await?;
            match format {
                Format::Json => {
                    let json: Vec<_> = phones.iter().map(phone_json).collect();
                    println!("{}", serde_json::to_string_pretty(&json)?);
                }
                Format::Table => print_table(&phones),
            }
            ExitCode::SUCCESS
        }
        PhonesCommand::Enable { mac } => set_state(&store, &mac, AdminState::Enabled).await?,
        PhonesCommand::Disable { mac } => set_state(&store, &mac, AdminState::Disabled).await?,
    };
    store.close().await;
    Ok(result)
}

async fn set_state(store: &Store, mac: &str, state: AdminState) -> anyhow::Result<ExitCode> {
    let mac: Mac = match mac.parse() {
        Ok(mac) => mac,
        Err(error) => {
            eprintln!("error: {error}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let existed = store.set_admin_state(mac, state, now_ms()).await?;
    if existed {
        println!("phone {mac} {}", state.as_str());
    } else {
        println!("phone {mac} was not known; recorded as {}", state.as_str());
    }
    Ok(ExitCode::SUCCESS)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn rfc3339(ms: i64) -> Option<String> {
    let time = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()?;
    time.format(&time::format_description::well_known::Rfc3339)
        .ok()
}

/// The JSON form of a phone (the contract of `phones list --format json`).
pub fn phone_json(phone: &PhoneRecord) -> serde_json::Value {
    serde_json::json!({
        "mac": phone.mac.to_string(),
        "status": phone.status().to_string(),
        "vendor": phone.model.vendor,
        "model": phone.model.model,
        "firmware": phone.model.firmware,
        "user_agent": phone.user_agent,
        "last_address": phone.last_address,
        "transport": phone.transport,
        "identities": phone.identities,
        "first_seen": rfc3339(phone.first_seen_ms),
        "last_registration": phone.last_registration_ms.and_then(rfc3339),
        "enabled": phone.admin_state == AdminState::Enabled,
    })
}

fn print_table(phones: &[PhoneRecord]) {
    if phones.is_empty() {
        println!("no phones known yet");
        return;
    }
    println!(
        "{:<12}  {:<8}  {:<16}  {:<21}  {:<20}  identities",
        "MAC", "STATUS", "MODEL", "LAST ADDRESS", "LAST REGISTRATION"
    );
    for phone in phones {
        let model = format!("{} {}", phone.model.vendor, phone.model.model);
        println!(
            "{:<12}  {:<8}  {:<16}  {:<21}  {:<20}  {}",
            phone.mac,
            phone.status().to_string(),
            model.trim(),
            phone.last_address.as_deref().unwrap_or("-"),
            phone
                .last_registration_ms
                .and_then(rfc3339)
                .unwrap_or_else(|| "-".into()),
            phone.identities.join(", ")
        );
    }
}
