//! Admin decisions made outside the server process (`callboard phones enable|disable`) reach
//! the running link by polling the store's admin revision: a disabled phone is disconnected at
//! once; an enabled one is accepted at its next REGISTER.

use callboard_core::AdminState;
use callboard_net::CancellationToken;

use crate::PhoneLink;
use crate::link::PhoneCommand;

pub(crate) async fn watch(link: PhoneLink, mut last_revision: i64, shutdown: CancellationToken) {
    let shared = &link.shared;
    let mut interval = tokio::time::interval(shared.settings.admin_poll_interval);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = interval.tick() => {}
        }
        let changes = match shared.store.admin_changes_since(last_revision).await {
            Ok(changes) => changes,
            Err(error) => {
                tracing::warn!(%error, "reading admin changes of phones failed");
                continue;
            }
        };
        for (mac, state, revision) in changes {
            last_revision = last_revision.max(revision);
            tracing::info!(mac = %mac, state = state.as_str(), "phone admin state changed");
            shared
                .admin
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(mac, state);
            if state != AdminState::Enabled {
                let holder = shared
                    .holders
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get(&mac)
                    .cloned();
                if let Some(holder) = holder {
                    let _ = holder
                        .commands
                        .send(PhoneCommand::Disconnect(
                            "phone disabled by an administrator",
                        ))
                        .await;
                }
            }
        }
    }
}
