//! The same contract inside TLS (the listener's certificate is generated into a temporary
//! directory; the client trusts exactly that certificate).

mod common;

use std::sync::Arc;

use common::*;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::net::TcpStream;

#[tokio::test]
async fn login_requests_and_batched_events_work_over_tls() {
    let dir = tempfile::tempdir().unwrap();
    let (acceptor, files) = callboard_net::load_or_generate_tls(None, dir.path()).unwrap();
    let harness = Harness::start_full(hub_settings(), cti_settings(), Some(acceptor)).await;

    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(&files.cert).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(harness.addr).await.unwrap();
    let tls = connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();
    let mut client = Client::from_stream(tls);
    let session = client.login(USER, PASSWORD).await;
    client.monitor("201").await;
    // Many events at once: the writer batches them into vectored writes.
    for i in 0..200 {
        harness.event(LINE, &format!("ev-{i}")).await;
    }
    let mut last = 0;
    for i in 0..200 {
        let event = client.next_event().await;
        assert_eq!(event.call(), format!("ev-{i}"));
        assert!(event.seq() > last);
        last = event.seq();
    }
    let make_call = csta(
        "MakeCall",
        "<callingDevice>201</callingDevice><calledDirectoryNumber>300</calledDirectoryNumber>",
    );
    assert_eq!(client.request(&make_call).await.name(), "MakeCallResponse");
    let invoke = client.invoke();
    client.send(invoke, &stop_session(&session)).await;
    let frames = client.until_closed().await;
    assert_eq!(frames.len(), 1, "{frames:?}");
    assert_eq!(frames[0].name(), "StopApplicationSessionPosResponse");
}
