//! Benchmark helper (not a timed test): how long `read_directory` takes for N users.
//!
//! ```sh
//! cargo run --release -p callboard-directory --example sync_bench -- 100000 [page_size]
//! ```
//!
//! Generates N CTI users (schema attributes plus reserved `extensionName` values), loads them
//! offline with `slapadd` into a throwaway slapd on a free loopback port, then times a full
//! `read_directory` as the service account (subject to the 500-entry size limit, so every
//! entry arrives through paged results): schema mode on the cold server, then reserved mode and
//! schema mode again on the warm one, and OpenLDAP's `ldapsearch` as a baseline. Needs slapd and
//! ldap-utils installed.
//!
//! With `--hold` as the last argument it only loads the users, prints
//! `LDAP <url> <bind dn> <password> <base dn>` and keeps slapd running until its standard input
//! closes: `bench/directory_sync.sh` uses that to time `callboard directory sync` (store writes
//! included) against it.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use callboard_directory::{Mode, ObjectKind, Progress, read_directory};

#[tokio::main]
async fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let hold = args.last().is_some_and(|a| a == "--hold");
    if hold {
        args.pop();
    }
    let mut args = args.into_iter();
    let count: usize = args
        .next()
        .map(|a| a.parse().expect("N must be a number"))
        .unwrap_or(100_000);
    let page_size: u32 = args
        .next()
        .map(|a| a.parse().expect("page_size must be a number"))
        .unwrap_or(callboard_directory::DEFAULT_PAGE_SIZE);

    let started = Instant::now();
    let ldif = common::generated_users(count, true);
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), &ldif).expect("write ldif");
    println!(
        "generated {count} users ({:.1} MB LDIF) in {:.2} s",
        ldif.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    drop(ldif);

    let started = Instant::now();
    let Some(slapd) = common::Slapd::start_offline("sync_bench", file.path()).await else {
        eprintln!("slapd is not installed: apt-get install slapd ldap-utils");
        std::process::exit(2);
    };
    println!(
        "slapadd + slapd start: {:.2} s",
        started.elapsed().as_secs_f64()
    );

    if hold {
        println!(
            "LDAP {} {} {} {}",
            slapd.ldap_url,
            common::SYNC_DN,
            common::SYNC_PW,
            common::BASE
        );
        let _ = tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink)
        })
        .await;
        return;
    }

    // the first pass meets a cold slapd (entry cache empty, database pages read from disk)
    for (pass, mode) in [
        ("cold", Mode::Schema),
        ("warm", Mode::Reserved),
        ("warm", Mode::Schema),
    ] {
        let mut settings = slapd.settings(mode);
        settings.page_size = page_size;
        settings.timeout = std::time::Duration::from_secs(120);
        let mut pages = 0usize;
        let mut last_print = Instant::now();
        let started = Instant::now();
        let snapshot = read_directory(&settings, &mut |p: Progress| {
            if p.kind == ObjectKind::User && !p.done {
                pages += 1;
                if last_print.elapsed().as_secs() >= 2 {
                    eprintln!("  ... {} users", p.read);
                    last_print = Instant::now();
                }
            }
        })
        .await
        .expect("read_directory");
        let secs = started.elapsed().as_secs_f64();
        assert_eq!(snapshot.users.len(), count, "every user read");
        println!(
            "read_directory ({pass} slapd, {} mode, page size {page_size}): {count} users in {pages} pages, {secs:.2} s ({:.0} users/s)",
            mode.as_str(),
            count as f64 / secs
        );
    }

    // baseline: OpenLDAP's own client fetching the same users and attributes, paged, to /dev/null
    let attrs = callboard_directory::mapping::requested_attributes(ObjectKind::User, Mode::Schema);
    let page = format!("pr={page_size}/noprompt");
    let mut args = vec![
        "-LLL",
        "-E",
        page.as_str(),
        "-b",
        common::BASE,
        callboard_directory::DEFAULT_USER_FILTER_SCHEMA,
    ];
    args.extend(attrs.iter().copied());
    let started = Instant::now();
    let out = tokio::process::Command::new("/usr/bin/ldapsearch")
        .args([
            "-x",
            "-H",
            &slapd.ldap_url,
            "-D",
            common::SYNC_DN,
            "-w",
            common::SYNC_PW,
        ])
        .args(&args)
        .stdout(std::process::Stdio::null())
        .status()
        .await
        .expect("ldapsearch");
    println!(
        "baseline ldapsearch -E {page} (schema attributes, output discarded): {:.2} s (exit {})",
        started.elapsed().as_secs_f64(),
        out.code().unwrap_or(-1)
    );
}
