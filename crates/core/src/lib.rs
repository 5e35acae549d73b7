//! Domain types of callboard: phones, MAC addresses, lines and device identities.
