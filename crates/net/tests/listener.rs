//! The shared accept loop: plain and TLS connections reach the handler, the generated
//! certificate is reused across starts, and shutdown stops accepting and waits for handlers.

use std::sync::Arc;
use std::time::Duration;

use callboard_net::{CancellationToken, ListenerLimits, load_or_generate_tls, serve};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn echo_server(
    tls: bool,
    dir: &std::path::Path,
) -> (
    std::net::SocketAddr,
    CancellationToken,
    tokio::task::JoinHandle<()>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let acceptor = tls.then(|| load_or_generate_tls(None, dir).unwrap().0);
    let shutdown = CancellationToken::new();
    let token = shutdown.clone();
    let handle = tokio::spawn(serve(
        "echo",
        listener,
        acceptor,
        ListenerLimits::default(),
        shutdown.clone(),
        move |mut conn| {
            let token = token.clone();
            async move {
                let mut buf = [0u8; 64];
                loop {
                    tokio::select! {
                        _ = token.cancelled() => return,
                        read = conn.stream.read(&mut buf) => match read {
                            Ok(0) | Err(_) => return,
                            Ok(n) => {
                                let tag: &[u8] = if conn.is_tls() { b"tls:" } else { b"tcp:" };
                                let _ = conn.stream.write_all(tag).await;
                                let _ = conn.stream.write_all(&buf[..n]).await;
                            }
                        }
                    }
                }
            }
        },
    ));
    (addr, shutdown, handle)
}

#[tokio::test]
async fn plain_connections_reach_the_handler_and_shutdown_ends_them() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, shutdown, handle) = echo_server(false, dir.path()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client.write_all(b"hello").await.unwrap();
    let mut buf = [0u8; 9];
    client.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"tcp:hello");
    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(5), handle)
        .await
        .unwrap()
        .unwrap();
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "listener closed after shutdown"
    );
}

#[tokio::test]
async fn tls_uses_a_generated_certificate_that_is_kept_for_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, shutdown, handle) = echo_server(true, dir.path()).await;
    let cert_path = dir.path().join("tls/cert.pem");
    let first_cert = std::fs::read(&cert_path).unwrap();

    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(&cert_path).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(addr).await.unwrap();
    let mut tls = connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();
    tls.write_all(b"hi").await.unwrap();
    let mut buf = [0u8; 6];
    tls.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"tls:hi");

    // A client that never completes the handshake does not disturb others.
    let _silent = TcpStream::connect(addr).await.unwrap();
    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(15), handle)
        .await
        .unwrap()
        .unwrap();

    load_or_generate_tls(None, dir.path()).unwrap();
    assert_eq!(
        std::fs::read(&cert_path).unwrap(),
        first_cert,
        "certificate reused"
    );
}

#[tokio::test]
async fn a_broken_configured_certificate_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("c.pem");
    let key = dir.path().join("k.pem");
    std::fs::write(&cert, "not a certificate").unwrap();
    std::fs::write(&key, "not a key").unwrap();
    let files = callboard_net::TlsFiles {
        cert: cert.clone(),
        key,
    };
    let error = load_or_generate_tls(Some(&files), dir.path())
        .err()
        .unwrap();
    assert!(error.to_string().contains("c.pem"), "{error}");
}
