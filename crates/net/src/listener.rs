//! The accept loop shared by every listener.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::{Connection, Stream};

/// Limits of one listener.
#[derive(Debug, Clone)]
pub struct ListenerLimits {
    /// Connections served at once; further ones wait in the kernel's backlog.
    pub max_connections: usize,
    /// Time a TLS client gets to finish its handshake.
    pub tls_handshake_timeout: Duration,
}

impl Default for ListenerLimits {
    fn default() -> Self {
        ListenerLimits {
            max_connections: 10_000,
            tls_handshake_timeout: Duration::from_secs(10),
        }
    }
}

/// Accepts connections on `listener` until `shutdown` is cancelled, runs `handler` for each in
/// its own task (after the TLS handshake when `tls` is set), then waits for every handler to
/// return. Handlers get the token's child through their own capture and should end promptly
/// once it is cancelled. `name` labels the listener in logs.
pub async fn serve<H, F>(
    name: &'static str,
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    limits: ListenerLimits,
    shutdown: CancellationToken,
    handler: H,
) where
    H: Fn(Connection) -> F + Send + Sync + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    let handler = Arc::new(handler);
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let tracker = TaskTracker::new();
    let local_addr = listener.local_addr().ok();
    tracing::info!(listener = name, address = ?local_addr, tls = tls.is_some(), "listening");
    loop {
        let permit = tokio::select! {
            _ = shutdown.cancelled() => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (tcp, peer) = tokio::select! {
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Typically EMFILE: back off instead of spinning.
                    tracing::warn!(listener = name, %error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let _ = tcp.set_nodelay(true);
        let local = tcp.local_addr().unwrap_or_else(|_| {
            local_addr.unwrap_or_else(|| std::net::SocketAddr::from(([0, 0, 0, 0], 0)))
        });
        let handler = handler.clone();
        let tls = tls.clone();
        let handshake_timeout = limits.tls_handshake_timeout;
        let shutdown = shutdown.clone();
        tracker.spawn(async move {
            let _permit = permit;
            let stream = match tls {
                None => Stream::Tcp(tcp),
                Some(acceptor) => {
                    let handshake = tokio::select! {
                        _ = shutdown.cancelled() => return,
                        result = tokio::time::timeout(handshake_timeout, acceptor.accept(tcp)) => result,
                    };
                    match handshake {
                        Ok(Ok(tls_stream)) => Stream::Tls(Box::new(tls_stream)),
                        Ok(Err(error)) => {
                            tracing::info!(listener = name, %peer, %error, "TLS handshake failed");
                            return;
                        }
                        Err(_) => {
                            tracing::info!(listener = name, %peer, "TLS handshake timed out");
                            return;
                        }
                    }
                }
            };
            handler(Connection {
                stream,
                peer,
                local,
            })
            .await;
        });
    }
    drop(listener);
    tracker.close();
    tracker.wait().await;
    tracing::info!(listener = name, "stopped");
}
