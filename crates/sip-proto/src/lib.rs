//! SIP message codec (placeholder, being written).
