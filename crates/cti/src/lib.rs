//! The CSTA XML client listener of callboard: CTI clients (TAPI-style drivers, CRM
//! integrations) connect over TCP or TLS, log in with an ECMA-354 `StartApplicationSession`,
//! monitor lines, send ECMA-323 service requests and receive the lines' events.
//!
//! Frames are the 8-byte header of CSTA XML over TCP (`0x0000`, 16-bit total length, four
//! ASCII digits of invoke ID) followed by one XML document. Sessions live in the hub
//! ([`callboard_core::Hub`]): a client that loses its connection can resume its session with the
//! events it missed (callboard's extension, see `README.md` of this crate for the wire
//! contract).
//!
//! [`CtiListener::serve_connection`] is the handler to give to `callboard_net::serve`.

mod auth;
mod connection;
mod latency;
mod settings;
mod writer;

use std::sync::Arc;

use callboard_core::Hub;
use callboard_net::{CancellationToken, Connection};

pub use latency::DeliveryLatency;
pub use settings::{ClientAccount, CtiSettings};

/// The CSTA XML client listener: serves client connections against the hub. Cheap to clone.
#[derive(Clone)]
pub struct CtiListener {
    shared: Arc<connection::Shared>,
}

impl std::fmt::Debug for CtiListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CtiListener")
            .field("settings", &self.shared.settings)
            .finish_non_exhaustive()
    }
}

impl CtiListener {
    /// A listener serving clients from `hub`'s lines with `settings`.
    pub fn new(hub: Hub, settings: CtiSettings) -> Self {
        let accounts = auth::Accounts::new(&settings.accounts);
        if accounts.is_empty() && settings.directory.is_none() {
            tracing::warn!("no CTI client accounts: every login will be refused");
        }
        if hub.settings().edition != settings.edition {
            tracing::warn!(
                events = %hub.settings().edition,
                responses = %settings.edition,
                "the hub encodes events in another CSTA edition than the listener's responses"
            );
        }
        CtiListener {
            shared: Arc::new(connection::Shared {
                hub,
                settings,
                accounts,
                latency: Arc::new(DeliveryLatency::new()),
            }),
        }
    }

    /// Serves one accepted connection until it closes or `shutdown` is cancelled.
    pub async fn serve_connection(&self, connection: Connection, shutdown: CancellationToken) {
        connection::run(self.shared.clone(), connection, shutdown).await;
    }

    /// The histogram of event delivery latency (link received → written to a client socket),
    /// shared by every connection of this listener.
    pub fn latency(&self) -> Arc<DeliveryLatency> {
        self.shared.latency.clone()
    }
}
