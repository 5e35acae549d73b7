//! The uaCSTA phone link of callboard: SIP registrar over TCP/TLS, per-phone CSTA dialog, keepalive, inventory updates.
