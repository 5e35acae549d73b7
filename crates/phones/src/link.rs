//! The phone link as a whole: settings, the digest authenticator, the admin decisions known to
//! this process, and which connection currently holds each registered phone.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use callboard_core::{AdminState, LinkEvent, LinkEvents, Mac, Transport};
use callboard_net::{CancellationToken, Connection};
use callboard_store::{PhoneUpdate, PhoneWriter, Store, StoreError};
use csta_proto::Edition;
use sip_proto::{DigestAlgorithm, DigestAuthenticator, FramerLimits};
use tokio::sync::mpsc;

/// Settings of the phone link, from `[sip]`.
#[derive(Debug, Clone)]
pub struct PhoneLinkSettings {
    /// The password of every phone (digest user name = MAC). Empty refuses all phones.
    pub phone_password: String,
    /// Digest realm.
    pub realm: String,
    /// Digest algorithms offered in a 401, most preferred first (one WWW-Authenticate each).
    pub digest_algorithms: Vec<DigestAlgorithm>,
    /// Take unknown phones into service at their first registration.
    pub auto_commission: bool,
    /// Longest registration granted.
    pub expires: Duration,
    /// Interval of `RequestSystemStatus` keepalives in the CSTA dialog.
    pub keepalive: Duration,
    /// Time a phone gets to answer a request of ours.
    pub request_timeout: Duration,
    /// A connection without a registration is closed after this long.
    pub idle_timeout: Duration,
    /// A begun message must be complete within this long.
    pub message_timeout: Duration,
    /// Size limits of SIP messages.
    pub limits: FramerLimits,
    /// CSTA edition of the documents we send to phones.
    pub edition: Edition,
    /// How often the store is checked for admin decisions made by the CLI.
    pub admin_poll_interval: Duration,
}

impl Default for PhoneLinkSettings {
    fn default() -> Self {
        PhoneLinkSettings {
            phone_password: String::new(),
            realm: "callboard".into(),
            digest_algorithms: vec![DigestAlgorithm::Md5],
            auto_commission: true,
            expires: Duration::from_secs(3600),
            keepalive: Duration::from_secs(60),
            request_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            message_timeout: Duration::from_secs(10),
            limits: FramerLimits::default(),
            edition: Edition::Ed5,
            admin_poll_interval: Duration::from_secs(1),
        }
    }
}

/// What a listener is: its transport, and the address it advertises in Via and Contact (the
/// public `wan_address` for WAN listeners, else the connection's own local address).
#[derive(Debug, Clone)]
pub struct ListenerRole {
    /// TCP or TLS.
    pub transport: Transport,
    /// `host:port` to advertise instead of the local socket address.
    pub advertised: Option<String>,
}

/// Messages to a phone's connection task from elsewhere in the link.
#[derive(Debug)]
pub(crate) enum PhoneCommand {
    /// Tear the CSTA dialog down and close the connection.
    Disconnect(&'static str),
}

/// The connection that holds a registered phone.
#[derive(Debug, Clone)]
pub(crate) struct Holder {
    pub connection_id: u64,
    pub commands: mpsc::Sender<PhoneCommand>,
}

pub(crate) struct Shared {
    pub settings: PhoneLinkSettings,
    pub authenticator: DigestAuthenticator,
    pub store: Store,
    pub writer: PhoneWriter,
    /// Where the phones' lines and events go (None: inventory only, no hub).
    pub hub: Option<LinkEvents>,
    /// Admin decisions of every known phone.
    pub admin: Mutex<HashMap<Mac, AdminState>>,
    /// Phones registered right now, with the connection that holds each.
    pub holders: Mutex<HashMap<Mac, Holder>>,
    /// Phones whose CSTA dialog is up.
    pub online: AtomicU64,
    next_connection_id: AtomicU64,
}

/// The phone link: hand it every accepted phone connection.
#[derive(Clone)]
pub struct PhoneLink {
    pub(crate) shared: Arc<Shared>,
}

impl PhoneLink {
    /// Loads the admin decisions from the store, marks every phone offline (no phone can be
    /// connected before we listen), tells the hub about every known line, and starts the
    /// inventory writer and the admin watcher, which stop with `shutdown`.
    pub async fn start(
        store: Store,
        settings: PhoneLinkSettings,
        hub: Option<LinkEvents>,
        shutdown: CancellationToken,
    ) -> Result<PhoneLink, StoreError> {
        store.mark_all_phones_offline().await?;
        let phones = store.phones().await?;
        if let Some(hub) = &hub {
            for phone in phones
                .iter()
                .filter(|p| p.admin_state == AdminState::Enabled)
            {
                for device in &phone.identities {
                    hub.send(LinkEvent::LineKnown {
                        device: device.clone(),
                    })
                    .await;
                }
            }
        }
        let admin = phones.iter().map(|p| (p.mac, p.admin_state)).collect();
        let last_revision = store
            .admin_changes_since(0)
            .await?
            .last()
            .map_or(0, |(_, _, revision)| *revision);
        let (writer, writer_task) = PhoneWriter::new(store.clone(), 4096);
        tokio::spawn(writer_task.run());
        let secret: [u8; 32] = rand::random();
        let authenticator = DigestAuthenticator::new(settings.realm.clone(), secret, 300);
        let link = PhoneLink {
            shared: Arc::new(Shared {
                settings,
                authenticator,
                store,
                writer,
                hub,
                admin: Mutex::new(admin),
                holders: Mutex::new(HashMap::new()),
                online: AtomicU64::new(0),
                next_connection_id: AtomicU64::new(1),
            }),
        };
        tokio::spawn(crate::admin::watch(link.clone(), last_revision, shutdown));
        Ok(link)
    }

    /// Serves one phone connection until it closes or `shutdown` is cancelled.
    pub async fn serve_connection(
        &self,
        connection: Connection,
        role: ListenerRole,
        shutdown: CancellationToken,
    ) {
        let id = self
            .shared
            .next_connection_id
            .fetch_add(1, Ordering::Relaxed);
        crate::connection::run(self.shared.clone(), id, connection, role, shutdown).await;
    }

    /// Number of phones whose CSTA dialog is up.
    pub fn online_phones(&self) -> u64 {
        self.shared.online.load(Ordering::Relaxed)
    }

    /// Waits until every inventory change made so far is in the store; used at shutdown.
    pub async fn flush(&self) {
        self.shared.writer.flush().await;
    }
}

impl Shared {
    /// Records a phone's online state, in memory and (through the writer) in the store.
    pub async fn set_online(&self, mac: Mac, online: bool) {
        if online {
            self.online.fetch_add(1, Ordering::Relaxed);
        } else {
            self.online.fetch_sub(1, Ordering::Relaxed);
        }
        self.writer.send(PhoneUpdate::Online { mac, online }).await;
    }
}
