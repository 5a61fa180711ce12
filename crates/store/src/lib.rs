//! Storage: one interface, SQLite and PostgreSQL implementations.
