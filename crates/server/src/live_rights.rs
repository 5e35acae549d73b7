//! Rights of logged-in sessions follow the directory (CL5): when the directory changes (its
//! revision moves: the CLI, an import, a directory sync, another node on the same PostgreSQL,
//! a phone reporting new lines), every directory session's access is worked out again and
//! handed to the hub; a session whose account was disabled, deleted or lost its login is ended.

use std::sync::Arc;
use std::time::Duration;

use callboard_core::Hub;
use callboard_core::accounts::{AccountDirectory, LoginRefusal};
use callboard_net::CancellationToken;
use callboard_store::Store;
use futures::StreamExt;

/// How often the directory revision is looked at.
pub const CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// Runs until `shutdown`: after each change of the directory revision, re-evaluates the
/// sessions of directory accounts. A revision is taken as handled only when every session
/// could be evaluated (a directory that cannot be read is tried again at the next check).
pub async fn follow_directory(
    store: Store,
    hub: Hub,
    accounts: Arc<dyn AccountDirectory>,
    shutdown: CancellationToken,
) {
    let mut handled = store.directory_revision().await.ok();
    let mut ticker = tokio::time::interval(CHECK_INTERVAL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    // While changes keep coming (phones registering new lines, a long sync), re-evaluations
    // are spaced by at least their own duration, so they take at most half the time.
    let mut not_before = tokio::time::Instant::now();
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = ticker.tick() => {}
        }
        if tokio::time::Instant::now() < not_before {
            continue;
        }
        let revision = match store.directory_revision().await {
            Ok(revision) => revision,
            Err(error) => {
                tracing::warn!(%error, "reading the directory revision failed");
                continue;
            }
        };
        if handled == Some(revision) {
            continue;
        }
        let started = tokio::time::Instant::now();
        if reevaluate(&hub, &accounts).await {
            handled = Some(revision);
        }
        not_before = tokio::time::Instant::now() + started.elapsed();
    }
}

/// Sessions evaluated at once (store reads overlap; the hub applies the results one by one).
const CONCURRENCY: usize = 8;

/// Hands every directory session its current access, or ends it; false when some session
/// could not be evaluated.
async fn reevaluate(hub: &Hub, accounts: &Arc<dyn AccountDirectory>) -> bool {
    let started = std::time::Instant::now();
    let sessions = hub.directory_sessions().await;
    let count = sessions.len();
    let (mut updated, mut ended, mut pending) = (0usize, 0usize, 0usize);
    let mut results = futures::stream::iter(sessions)
        .map(|(session_id, login)| {
            let accounts = accounts.clone();
            async move {
                let result = accounts.current_access(&login).await;
                (session_id, login, result)
            }
        })
        .buffer_unordered(CONCURRENCY);
    while let Some((session_id, login, result)) = results.next().await {
        let session_id = session_id.as_str();
        match result {
            Ok(access) => {
                hub.update_access(session_id, access).await;
                updated += 1;
            }
            Err(LoginRefusal::Unavailable) => pending += 1,
            Err(refusal) => {
                let reason = match refusal {
                    LoginRefusal::Invalid => "the account no longer exists".to_owned(),
                    other => other.to_string(),
                };
                tracing::info!(account = %login.account, session = %session_id, %reason, "ending the session");
                hub.end_session(session_id, &reason).await;
                ended += 1;
            }
        }
    }
    if count > 0 {
        tracing::info!(
            updated,
            ended,
            pending,
            took_ms = started.elapsed().as_millis() as u64,
            "directory changed: rights of logged-in sessions re-evaluated"
        );
    }
    pending == 0
}
