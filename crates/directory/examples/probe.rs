//! Manual check against any directory server (used for the Samba AD check in the README):
//! reads everything and prints a summary, or writes services / a SIP address back to one entry.
//!
//! ```sh
//! LDAP_URL=ldap://127.0.0.1:3891 LDAP_BIND_DN='Administrator@test.local' LDAP_BIND_PASSWORD='Passw0rd!Test' \
//! LDAP_BASE_DN='DC=test,DC=local' LDAP_MODE=reserved \
//!   cargo run -p callboard-directory --example probe -- read
//! ... --example probe -- write 'CN=Alice Anders,CN=Users,DC=test,DC=local' user 1800 alice@test.local
//! ```
//! Optional: `LDAP_TLS_VERIFY=0`, `LDAP_CA_FILE=ca.pem`, `LDAP_STARTTLS=1`, `LDAP_PAGE_SIZE=1000`,
//! `LDAP_USER_FILTER=...`, `LDAP_GROUP_FILTER=...`, `LDAP_COMPUTER_FILTER=...`, and for `write`
//! `LDAP_WRITE_LINES=201,202,...` (comma-separated lines to write as well).

use std::time::{Duration, Instant};

use callboard_directory::{CtiAttributes, LdapSettings, Mode, ObjectKind, Progress};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_default()
}

fn settings() -> Result<LdapSettings, String> {
    let mut s = LdapSettings::new(
        env("LDAP_URL"),
        env("LDAP_BIND_DN"),
        env("LDAP_BIND_PASSWORD"),
        env("LDAP_BASE_DN"),
    );
    if !env("LDAP_MODE").is_empty() {
        s.mode = Mode::parse(&env("LDAP_MODE")).map_err(|e| e.to_string())?;
    }
    s.tls_verify = env("LDAP_TLS_VERIFY") != "0";
    s.starttls = env("LDAP_STARTTLS") == "1";
    if !env("LDAP_CA_FILE").is_empty() {
        s.tls_ca_file = Some(env("LDAP_CA_FILE").into());
    }
    if let Ok(p) = env("LDAP_PAGE_SIZE").parse() {
        s.page_size = p;
    }
    s.user_filter = env("LDAP_USER_FILTER");
    s.group_filter = env("LDAP_GROUP_FILTER");
    s.computer_filter = env("LDAP_COMPUTER_FILTER");
    s.timeout = Duration::from_secs(20);
    s.write_back = true;
    Ok(s)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let settings = match settings() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let result = match args.first().map(String::as_str) {
        Some("write") if args.len() >= 4 => {
            let kind = match args[2].as_str() {
                "user" => ObjectKind::User,
                "group" => ObjectKind::Group,
                "computer" => ObjectKind::Computer,
                other => {
                    eprintln!("kind must be user, group or computer, not {other}");
                    std::process::exit(2);
                }
            };
            let cti = CtiAttributes {
                services: callboard_directory::mapping::parse_int(&args[3]),
                lines: env("LDAP_WRITE_LINES")
                    .split(',')
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| l.trim().to_string())
                    .collect(),
                ..CtiAttributes::default()
            };
            callboard_directory::write_back(
                &settings,
                &args[1],
                kind,
                &cti,
                args.get(4).map(String::as_str),
            )
            .await
            .map(|()| println!("written"))
        }
        Some("read") | None => read(&settings).await,
        _ => {
            eprintln!("usage: probe [read | write DN user|group|computer SERVICES [SIP_ADDRESS]]");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn read(settings: &LdapSettings) -> Result<(), callboard_directory::DirectoryError> {
    let started = Instant::now();
    let mut pages = 0;
    let snap = callboard_directory::read_directory(settings, &mut |p: Progress| {
        if !p.done {
            pages += 1;
        }
    })
    .await?;
    println!(
        "{} mode: {} users, {} groups, {} computers, {} skipped, {pages} pages, {:.2} s",
        settings.mode.as_str(),
        snap.users.len(),
        snap.groups.len(),
        snap.computers.len(),
        snap.skipped.len(),
        started.elapsed().as_secs_f64()
    );
    for u in snap
        .users
        .iter()
        .filter(|u| !u.login.starts_with("bulk"))
        .take(10)
    {
        println!(
            "user {} guid={} upn={:?} name={:?} tel={:?} company={:?} memberOf={:?}\n     cti={:?}",
            u.login,
            u.guid.as_deref().unwrap_or("-"),
            u.principal,
            u.display_name,
            u.telephone,
            u.company,
            u.member_of,
            u.cti
        );
    }
    for g in &snap.groups {
        println!(
            "group {} ({} members) guid={:?} cti={:?}",
            g.name,
            g.members.len(),
            g.guid,
            g.cti
        );
    }
    for c in &snap.computers {
        println!("computer {} guid={:?} cti={:?}", c.name, c.guid, c.cti);
    }
    for s in snap.skipped.iter().take(10) {
        println!("skipped {} ({}): {}", s.dn, s.kind.as_str(), s.reason);
    }
    Ok(())
}
