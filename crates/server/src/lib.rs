//! HTTP server and web UI.
