//! `callboard serve`: opens the store, starts the hub, the phone link, the demo switch when
//! asked, binds every configured listener (SIP for phones, CSTA XML for clients), and shuts
//! down cleanly on SIGINT/SIGTERM (phones get a BYE, the inventory is flushed and every phone
//! marked offline).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use callboard_core::{Hub, HubSettings, Transport};
use callboard_cti::{ClientAccount, CtiListener, CtiSettings};
use callboard_net::{
    CancellationToken, ListenerLimits, TlsAcceptor, TlsFiles, load_or_generate_tls,
};
use callboard_phones::{ListenerRole, PhoneLink, PhoneLinkSettings};
use callboard_sim::{SimSettings, Simulator};
use sip_proto::FramerLimits;
use tokio::net::TcpListener;

use crate::accounts::StoreAccounts;
use crate::config::{Config, Loaded};
use crate::directory_cmd::password_policy;
use crate::logging;
use crate::phones_cmd::open_store;
use crate::rights_loader::CachedRights;
use callboard_core::accounts::AccountDirectory;

/// The phone link settings from `[sip]`.
pub fn phone_link_settings(config: &Config) -> PhoneLinkSettings {
    let sip = &config.sip;
    let secs = |s: u32| Duration::from_secs(u64::from(s));
    PhoneLinkSettings {
        phone_password: sip.phone_password.clone(),
        realm: sip.realm.clone(),
        digest_algorithms: sip
            .digest_algorithms
            .iter()
            .filter_map(|a| sip_proto::DigestAlgorithm::from_token(a))
            .collect(),
        auto_commission: sip.auto_commission,
        expires: secs(sip.expires),
        keepalive: secs(sip.keepalive),
        request_timeout: secs(sip.request_timeout),
        idle_timeout: secs(sip.idle_timeout),
        message_timeout: secs(sip.message_timeout),
        limits: FramerLimits {
            max_header_bytes: sip.max_header_bytes,
            max_body_bytes: sip.max_body_bytes,
        },
        ..PhoneLinkSettings::default()
    }
}

/// The hub settings from `[cti]`.
pub fn hub_settings(config: &Config) -> HubSettings {
    HubSettings {
        edition: config.cti.edition.parse().unwrap_or_default(),
        retention: Duration::from_secs(u64::from(config.cti.session_retention_seconds)),
        retention_events: config.cti.session_retention_events as usize,
        outbox_capacity: config.cti.client_queue as usize,
        request_timeout: Duration::from_secs(u64::from(config.sip.request_timeout) + 2),
        ..HubSettings::default()
    }
}

/// The client listener settings from `[cti]`.
pub fn cti_settings(config: &Config) -> CtiSettings {
    CtiSettings {
        edition: config.cti.edition.parse().unwrap_or_default(),
        accounts: config
            .cti
            .accounts
            .iter()
            .map(|a| ClientAccount::new(a.name.clone(), a.password.clone()))
            .collect(),
        ..CtiSettings::default()
    }
}

pub async fn serve(loaded: Loaded, data_dir: PathBuf) -> anyhow::Result<()> {
    let config = loaded.config;
    let _log_guard = logging::init(&config.log, config.log_mac_filter())
        .with_context(|| format!("setting up logging in `{}`", config.log.dir))?;
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        config = %loaded.file.as_ref().map_or_else(|| "built-in defaults".into(), |f| f.display().to_string()),
        data_dir = %data_dir.display(),
        "callboard starting"
    );
    for warning in &loaded.warnings {
        tracing::warn!("{warning}");
    }
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
    let store = open_store(&config, &data_dir).await?;
    let shutdown = CancellationToken::new();
    let hub = Hub::start(hub_settings(&config));
    let link = PhoneLink::start(
        store.clone(),
        phone_link_settings(&config),
        Some(hub.link_events()),
        shutdown.clone(),
    )
    .await
    .context("starting the phone link")?;
    let simulator = if config.demo.enabled {
        let lines = SimSettings::parse_lines(&config.demo.lines)
            .map_err(|e| anyhow::anyhow!("demo.lines: {e}"))?;
        tracing::info!(
            lines = %config.demo.lines,
            calls_per_minute = config.demo.calls_per_minute,
            seed = config.demo.seed,
            "demo switch on: SIMULATED lines, no real phones"
        );
        let simulator = Simulator::start(
            &hub,
            SimSettings {
                lines,
                calls_per_minute: config.demo.calls_per_minute,
                seed: config.demo.seed,
                ..SimSettings::default()
            },
        );
        simulator.ready().await;
        Some(simulator)
    } else {
        None
    };
    if config.directory.source == "ldap" && config.directory.ldap.sync_interval_seconds > 0 {
        tokio::spawn(scheduled_sync(
            store.clone(),
            config.clone(),
            shutdown.clone(),
        ));
    }
    let rights = Arc::new(CachedRights::new(
        store.clone(),
        config.numbers.rules(),
        crate::user_show::demo_lines(&config),
        Duration::from_secs(30),
    ));
    // the first login should not wait for the rights model of a large directory
    let warm = rights.clone();
    let (warm_store, technical_accounts) = (store.clone(), !config.cti.accounts.is_empty());
    tokio::spawn(async move {
        match warm.model(None).await {
            Ok(model) if model.users().next().is_none() && !technical_accounts => {
                if warm_store.computers().await.is_ok_and(|c| c.is_empty()) {
                    tracing::warn!(
                        "no CTI client can log in: the directory has no users or computers and [cti] accounts is empty (add one with `callboard user add`)"
                    );
                }
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "building the rights model failed"),
        }
    });
    let accounts: Arc<dyn AccountDirectory> = Arc::new(StoreAccounts::new(
        store.clone(),
        password_policy(&config),
        rights,
    ));
    tokio::spawn(crate::live_rights::follow_directory(
        store.clone(),
        hub.clone(),
        accounts.clone(),
        shutdown.clone(),
    ));
    let cti = CtiListener::new(
        hub.clone(),
        CtiSettings {
            directory: Some(accounts),
            ..cti_settings(&config)
        },
    );

    let sip = &config.sip;
    let wan = (!sip.wan_address.is_empty()).then(|| sip.wan_address.clone());
    let listeners = [
        ("sip.tcp_listen", &sip.tcp_listen, Transport::Tcp, None),
        ("sip.tls_listen", &sip.tls_listen, Transport::Tls, None),
        (
            "sip.wan_tcp_listen",
            &sip.wan_tcp_listen,
            Transport::Tcp,
            wan.clone(),
        ),
        (
            "sip.wan_tls_listen",
            &sip.wan_tls_listen,
            Transport::Tls,
            wan,
        ),
    ];
    let needs_tls = listeners
        .iter()
        .any(|(_, address, transport, _)| !address.is_empty() && *transport == Transport::Tls)
        || !config.cti.tls_listen.is_empty();
    let tls = if needs_tls {
        let configured = (!config.tls.cert.is_empty()).then(|| TlsFiles {
            cert: config.tls.cert.clone().into(),
            key: config.tls.key.clone().into(),
        });
        let (acceptor, files) = load_or_generate_tls(configured.as_ref(), &data_dir)
            .context("setting up TLS ([tls] cert/key)")?;
        tracing::info!(cert = %files.cert.display(), "TLS certificate loaded");
        Some(acceptor)
    } else {
        None
    };
    let limits = ListenerLimits {
        max_connections: sip.max_connections,
        ..ListenerLimits::default()
    };
    let mut tasks = Vec::new();
    for (key, address, transport, advertised) in listeners {
        if address.is_empty() {
            continue;
        }
        let listener = TcpListener::bind(address.as_str())
            .await
            .with_context(|| format!("cannot listen on {key} = {address}"))?;
        let role = ListenerRole {
            transport,
            advertised,
        };
        let link = link.clone();
        let token = shutdown.clone();
        let acceptor = (transport == Transport::Tls).then(|| tls.clone()).flatten();
        tasks.push(tokio::spawn(callboard_net::serve(
            key,
            listener,
            acceptor,
            limits.clone(),
            shutdown.clone(),
            move |connection| {
                let link = link.clone();
                let role = role.clone();
                let token = token.clone();
                async move { link.serve_connection(connection, role, token).await }
            },
        )));
    }
    if tasks.is_empty() {
        tracing::warn!("no SIP listener is enabled; phones cannot connect");
    }
    let cti_limits = ListenerLimits {
        max_connections: config.cti.max_connections,
        ..ListenerLimits::default()
    };
    for (key, address, acceptor) in [
        (
            "cti.tcp_listen",
            &config.cti.tcp_listen,
            None::<TlsAcceptor>,
        ),
        ("cti.tls_listen", &config.cti.tls_listen, tls.clone()),
    ] {
        if address.is_empty() {
            continue;
        }
        let listener = TcpListener::bind(address.as_str())
            .await
            .with_context(|| format!("cannot listen on {key} = {address}"))?;
        let cti = cti.clone();
        let token = shutdown.clone();
        tasks.push(tokio::spawn(callboard_net::serve(
            key,
            listener,
            acceptor,
            cti_limits.clone(),
            shutdown.clone(),
            move |connection| {
                let cti = cti.clone();
                let token = token.clone();
                async move { cti.serve_connection(connection, token).await }
            },
        )));
    }

    wait_for_signal().await;
    tracing::info!("shutting down");
    shutdown.cancel();
    for task in tasks {
        if tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .is_err()
        {
            tracing::warn!("a listener did not stop within 5 s");
        }
    }
    if let Some(simulator) = simulator {
        simulator.stop();
        simulator.join().await;
    }
    link.flush().await;
    store.mark_all_phones_offline().await?;
    store.close().await;
    tracing::info!("callboard stopped");
    Ok(())
}

/// Synchronises the LDAP directory at start and every `sync_interval_seconds`.
async fn scheduled_sync(
    store: callboard_store::Store,
    config: Config,
    shutdown: CancellationToken,
) {
    let every = Duration::from_secs(u64::from(config.directory.ldap.sync_interval_seconds));
    loop {
        let started = std::time::Instant::now();
        match crate::directory_sync::synchronise(&store, &config, &mut |_| {}).await {
            Ok(report) => {
                tracing::info!(
                    users = report.users,
                    new = report.new_users,
                    changed = report.changed_users,
                    disabled = report.disabled,
                    groups = report.groups,
                    computers = report.computers,
                    problems = report.problems.len(),
                    took_ms = started.elapsed().as_millis() as u64,
                    "directory synchronised"
                );
                for problem in report.problems.iter().take(20) {
                    tracing::warn!(%problem, "directory entry not taken as is");
                }
            }
            Err(error) => {
                tracing::warn!(error = %format!("{error:#}"), "directory synchronisation failed; retrying at the next interval")
            }
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
    }
}

async fn wait_for_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(error) => {
                    tracing::warn!(%error, "cannot watch SIGTERM");
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
