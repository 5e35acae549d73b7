//! TLS server configuration with rustls (ring provider only). When no certificate is configured,
//! a self-signed one is generated into `<data dir>/tls/` at first start and reused afterwards.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

/// Certificate chain and private key files (PEM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub cert: PathBuf,
    /// The private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A PEM file holds nothing usable.
    #[error("{path}: {detail}")]
    Pem {
        /// The file.
        path: String,
        /// What was wrong.
        detail: String,
    },
    /// Generating the self-signed certificate failed.
    #[error("generating a self-signed certificate failed: {0}")]
    Generate(#[from] rcgen::Error),
    /// rustls refused the certificate or key.
    #[error("TLS configuration refused: {0}")]
    Rustls(#[from] rustls::Error),
}

/// Builds the TLS acceptor from `configured` files, or from the self-signed pair in
/// `<data_dir>/tls/`, generating it when missing. Returns the acceptor and the files used.
pub fn load_or_generate_tls(
    configured: Option<&TlsFiles>,
    data_dir: &Path,
) -> Result<(TlsAcceptor, TlsFiles), TlsError> {
    let files = match configured {
        Some(files) => files.clone(),
        None => {
            let dir = data_dir.join("tls");
            let files = TlsFiles {
                cert: dir.join("cert.pem"),
                key: dir.join("key.pem"),
            };
            if !files.cert.exists() || !files.key.exists() {
                generate_self_signed(&dir, &files)?;
            }
            files
        }
    };
    let certs = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| pem_error(&files.cert, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| pem_error(&files.cert, e))?;
    if certs.is_empty() {
        return Err(TlsError::Pem {
            path: files.cert.display().to_string(),
            detail: "no certificate found".into(),
        });
    }
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| pem_error(&files.key, e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    Ok((TlsAcceptor::from(Arc::new(config)), files))
}

fn pem_error(path: &Path, error: rustls::pki_types::pem::Error) -> TlsError {
    TlsError::Pem {
        path: path.display().to_string(),
        detail: error.to_string(),
    }
}

fn generate_self_signed(dir: &Path, files: &TlsFiles) -> Result<(), TlsError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| TlsError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut names = vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ];
    if let Ok(host) = std::fs::read_to_string("/etc/hostname") {
        let host = host.trim();
        if !host.is_empty() {
            names.push(host.to_owned());
        }
    }
    let generated = rcgen::generate_simple_self_signed(names)?;
    write_private(&files.key, generated.signing_key.serialize_pem().as_bytes())
        .map_err(io(&files.key))?;
    std::fs::write(&files.cert, generated.cert.pem()).map_err(io(&files.cert))?;
    tracing::info!(cert = %files.cert.display(), "generated a self-signed TLS certificate");
    Ok(())
}

/// Writes a file readable by its owner only.
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path)?.write_all(contents)
}
