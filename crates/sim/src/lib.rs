//! The demo switch (being written).
