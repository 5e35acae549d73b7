//! The CSTA XML client listener (being written).
