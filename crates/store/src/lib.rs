//! Persistence of callboard: enum Store over SQLite (and PostgreSQL), migrations, repositories.
