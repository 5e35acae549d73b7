//! CSTA codec (placeholder, being written).
