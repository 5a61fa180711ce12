//! The AIS stream for several machines (issue #10): receivers' sentences go
//! to NATS JetStream on subjects partitioned by area cell; engine workers
//! run the unchanged `jinghai-engine` over their partitions and store the
//! events they own, once each. Without a broker (the default) nothing here
//! runs: `jinghai serve` keeps its in-process feeds.
//!
//! ```text
//!  receivers ─▶ publisher (Router) ─▶ JetStream  jinghai.ais.<partition>  (R3)
//!                 decode, cell of the                │ ordered consumer per partition
//!                 position, halo copies              ▼
//!                              worker i/n: PartitionEngine per partition ─▶ alerts (upsert by key)
//! ```
//!
//! Decisions (see also ARCHITECTURE.md):
//! - **Cells and partitions** ([`grid`]): a fixed grid of `cell_deg`° cells
//!   (default 1°) hashed onto `partitions` subjects (default 8), shared out
//!   round-robin among the workers (`--worker i/n`).
//! - **Halo**: a position within `halo_deg` (default 0.05°) of a cell border
//!   is also sent to the neighbouring cell's partition. An engine thus sees
//!   everything in and around its cells, and an encounter on a border is
//!   found by both sides' engines.
//! - **Ownership**: only the partition owning the cell of an event's
//!   position (the start position or meeting point) raises it; the other
//!   engine's copy is context. So a border event is stored once.
//! - **Messages without a position** (static and voyage data) go to the
//!   partitions of the vessel's last position, or to every partition before
//!   its first position.
//! - **Idempotent events**: an event's key is what it is (feed, kind, vessels,
//!   zone, start), not which engine or run raised it; the store inserts a
//!   key once and afterwards only updates its end and evidence.
//! - **Restart = replay**: engine state is in memory, so a worker (re)starting
//!   reads its partitions from the first retained message (`max_age`, 26 h
//!   by default: the engine's longest memory is a day) with ordered
//!   consumers; what it raises again has the same keys. Snapshotting engine
//!   state to skip the replay is left for later.
//! - **Registry edits**: a worker polls the district's registry revisions
//!   and hands changed registries ([`Registries`]) to its partitions, which
//!   take them over between messages ([`Worker::start_following`]).
//! - **The map**: web nodes follow every partition with [`tail`] (from a
//!   few minutes back) to draw the vessels; alerts come from the database.
//! - **Limits**: an event whose evidence spans more than the halo across a
//!   border (an AIS gap whose two ends are further apart than the halo, in
//!   different cells; a position jump between far cells) is missed by the
//!   partitioned engines, where one engine would find it.
//!
//! Code map: [`grid`] (cells, partitions, halo), [`route`] (the publisher's
//! routing and the message format), [`partition`] (one partition's engine,
//! ownership and keys), [`sink`] (storing events as alerts), [`broker`]
//! (JetStream: stream, publisher, workers), [`inproc`] (the same without a
//! broker). `examples/border.rs` runs an encounter on a cell border through
//! two partitions.

pub mod broker;
pub mod grid;
pub mod inproc;
pub mod partition;
pub mod route;
pub mod sink;

pub use broker::{
    connect, ensure_stream, publish_lines, tail, Follow, Progress, Publisher, StreamConfig,
    StreamError, Worker,
};
pub use bytes::Bytes;
pub use grid::{Cell, Grid, GridError};
pub use inproc::InProcess;
pub use partition::{event_key, KeyedEvent, PartitionEngine, Registries};
pub use route::{Routed, Router, END_OF_INPUT};
pub use sink::{EventSink, StoreSink};
