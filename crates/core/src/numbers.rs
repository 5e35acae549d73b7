//! Telephone numbers (NUM1–NUM3): being written.
