//! Shared accept loop, TLS (rustls, ring) with self-signed certificate generation, connection limits and graceful shutdown.
