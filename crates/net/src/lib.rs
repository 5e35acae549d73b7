//! One accept loop and one TLS layer for every listener of callboard: a bounded number of
//! connections, TLS handshakes with a timeout, graceful shutdown through a cancellation token,
//! and a self-signed certificate generated into the data directory when none is configured.

mod listener;
mod stream;
mod tls;

pub use listener::{ListenerLimits, serve};
pub use stream::{Connection, Stream};
pub use tls::{TlsError, TlsFiles, load_or_generate_tls};
pub use tokio_rustls::TlsAcceptor;
pub use tokio_util::sync::CancellationToken;
