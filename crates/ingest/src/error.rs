//! Errors of the sources. Each says whether the stream can continue: the
//! sources survive (count, log, retry) the ones that can, and end `run`
//! with the ones that cannot.

use std::sync::Arc;

use thiserror::Error;

/// An ingest error, naming the source it happened in.
#[derive(Debug, Error)]
pub enum IngestError {
    /// The configuration cannot work (e.g. following a `.gz` file).
    #[error("{source_id}: invalid configuration: {reason}")]
    Config {
        /// Source id.
        source_id: Arc<str>,
        /// What is wrong.
        reason: String,
    },
    /// A file cannot be opened or read (fatal for that file source).
    #[error("{source_id}: cannot read {path}: {error}")]
    File {
        /// Source id.
        source_id: Arc<str>,
        /// The file.
        path: String,
        /// Why.
        error: std::io::Error,
    },
    /// A listening socket cannot be bound (fatal).
    #[error("{source_id}: cannot listen on {addr}: {error}")]
    Bind {
        /// Source id.
        source_id: Arc<str>,
        /// The address asked for.
        addr: String,
        /// Why.
        error: std::io::Error,
    },
    /// A connection attempt failed or timed out (the client retries).
    #[error("{source_id}: cannot connect to {addr}: {error}")]
    Connect {
        /// Source id.
        source_id: Arc<str>,
        /// The address connected to.
        addr: String,
        /// Why.
        error: std::io::Error,
    },
    /// An established connection or socket failed while reading (the
    /// client reconnects, the server keeps its other connections).
    #[error("{source_id}: connection {peer} lost: {error}")]
    ConnectionLost {
        /// Source id.
        source_id: Arc<str>,
        /// The remote end.
        peer: String,
        /// Why.
        error: std::io::Error,
    },
    /// A file being followed shrank: reading restarts from its beginning.
    #[error("{source_id}: {path} was truncated; reading it again from the start")]
    Truncated {
        /// Source id.
        source_id: Arc<str>,
        /// The file.
        path: String,
    },
    /// A TCP server refused a connection over its limit.
    #[error("{source_id}: refused {peer}: already {limit} connections")]
    TooManyConnections {
        /// Source id.
        source_id: Arc<str>,
        /// The refused peer.
        peer: String,
        /// The limit.
        limit: usize,
    },
}

impl IngestError {
    /// Whether the source goes on after this error (`true`: it was counted
    /// and survived; `false`: `run` ends with it).
    pub fn can_continue(&self) -> bool {
        match self {
            IngestError::Config { .. } | IngestError::File { .. } | IngestError::Bind { .. } => {
                false
            }
            IngestError::Connect { .. }
            | IngestError::ConnectionLost { .. }
            | IngestError::Truncated { .. }
            | IngestError::TooManyConnections { .. } => true,
        }
    }
}
