//! `callboard user show LOGIN [--format json]`: a user as callboard sees it, with the numbers
//! in stored (supercanonical), dialable and display form, the bound lines, and the effective
//! rights per line.

use std::process::ExitCode;

use callboard_core::numbers::LocationRules;
use callboard_core::rights::{Services, Services2};
use callboard_store::{AccountKind, Store};

use crate::cli::Format;
use crate::config::Config;
use crate::rights_loader::{bound_lines, build_model, known_lines};

fn number_json(rules: &LocationRules, stored: &str) -> serde_json::Value {
    match rules.normalize(stored) {
        Ok(number) => serde_json::json!({
            "stored": number.as_str(),
            "dialable": rules.dialable(&number),
            "display": rules.display(&number),
        }),
        Err(_) => serde_json::json!({ "stored": stored }),
    }
}

/// The demo switch's line numbers when the configuration enables it.
pub fn demo_lines(config: &Config) -> Vec<String> {
    if config.demo.enabled {
        callboard_sim::SimSettings::parse_lines(&config.demo.lines).unwrap_or_default()
    } else {
        Vec::new()
    }
}

/// Prints one user.
pub async fn run(
    store: &Store,
    config: &Config,
    login: &str,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let Some(user) = store.user(login).await? else {
        eprintln!("error: user `{login}` is not known");
        return Ok(ExitCode::FAILURE);
    };
    let rules = config.numbers.rules();
    let extra = demo_lines(config);
    let lines = known_lines(store, &extra).await?;
    let bound = bound_lines(&rules, &user, &lines);
    let model = build_model(store, &rules, &extra).await?;
    let effective = model.effective(&user.login);
    let groups = store.groups_of(&user.login).await?;
    let credentials = store
        .credentials(AccountKind::User, &user.login)
        .await?
        .unwrap_or_default();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    // A lock that has run out no longer counts.
    let locked_until_ms = credentials.locked_until_ms.filter(|until| *until > now_ms);
    let profile = &user.profile;
    let numbers: serde_json::Map<String, serde_json::Value> = profile
        .numbers
        .iter()
        .map(|(field, number)| (field.to_owned(), number_json(&rules, number)))
        .collect();
    let rights: serde_json::Map<String, serde_json::Value> = effective
        .lines()
        .into_iter()
        .map(|(line, rights)| {
            (
                line.to_string(),
                serde_json::to_value(rights).unwrap_or(serde_json::Value::Null),
            )
        })
        .collect();
    let services = effective.services();
    let services2 = effective.services2();
    let json = serde_json::json!({
        "login": user.login,
        "display_name": profile.shown_name(),
        "first_name": profile.first_name,
        "last_name": profile.last_name,
        "email": profile.email,
        "sip_uri": profile.sip_uri,
        "department": profile.department,
        "can_login": user.can_login,
        "disabled": user.disabled,
        "failed_logins": credentials.failed_logins,
        "locked_until_ms": locked_until_ms,
        "source": user.source,
        "external_id": user.external_id,
        "services": services.bits(),
        "services2": services2.bits(),
        "services_names": services.names(),
        "services2_names": services2.names(),
        "user_services": profile.services,
        "user_services2": profile.services2,
        "numbers": numbers,
        "bind_business": profile.bind_business,
        "bind_business2": profile.bind_business2,
        "auto_line_binding": rules.auto_line_binding,
        "bound_lines": bound,
        "groups": groups,
        "rights": rights,
        "blf": profile.blf,
        "picture": user.picture.as_ref().map(|png| serde_json::json!({
            "format": "png",
            "width": crate::picture::PICTURE_SIZE,
            "height": crate::picture::PICTURE_SIZE,
            "bytes": png.len(),
        })),
    });
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&json)?),
        Format::Table => {
            println!("login         {}", user.login);
            println!("name          {}", profile.shown_name());
            println!(
                "state         {}",
                if user.disabled {
                    "disabled"
                } else if locked_until_ms.is_some() {
                    "locked after failed logins (user enable or user passwd lifts it)"
                } else if user.can_login {
                    "active"
                } else {
                    "user without login"
                }
            );
            println!(
                "services      {} ({})",
                services.bits(),
                Services(services.bits()).names().join(", ")
            );
            println!(
                "services2     {} ({})",
                services2.bits(),
                Services2(services2.bits()).names().join(", ")
            );
            for (field, number) in profile.numbers.iter() {
                println!(
                    "{field:<13} {}",
                    number_json(&rules, number)["display"]
                        .as_str()
                        .unwrap_or(number)
                );
            }
            println!("bound lines   {}", bound.join(", "));
            println!("groups        {}", groups.join(", "));
            if let Some(png) = &user.picture {
                println!("picture       96x96 PNG, {} bytes", png.len());
            }
            for (line, rights) in effective.lines() {
                println!("line {line:<8} {}", line_summary(&rights));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One line's rights for people: what is seen, then what may be done.
fn line_summary(rights: &callboard_core::rights::LineRights) -> String {
    use callboard_core::rights::Visibility;
    let seen = match rights.monitor {
        Visibility::None => "not visible".to_owned(),
        Visibility::FreeBusy => "free/busy only".to_owned(),
        Visibility::Full => "all numbers".to_owned(),
        Visibility::Partial(_) => {
            let classes: Vec<&str> = [
                (rights.see_incoming_numbers, "incoming"),
                (rights.see_outgoing_numbers, "outgoing"),
                (rights.see_redirected_numbers, "redirected"),
            ]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect();
            format!("{} numbers", classes.join("+"))
        }
    };
    let mut parts = vec![seen];
    for (on, name) in [
        (rights.main_device, "main device"),
        (rights.control, "control"),
        (rights.redirect, "redirect"),
        (rights.pickup, "pickup"),
        (rights.set_forwarding, "forwarding"),
        (rights.only_owner_acts, "only the owner acts"),
    ] {
        if on {
            parts.push(name.to_owned());
        }
    }
    parts.join(", ")
}
