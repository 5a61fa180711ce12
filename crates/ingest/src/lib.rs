//! AIS ingest for Jinghai: async sources that read raw NMEA lines from files
//! and sockets and feed them, stamped with a receive time and a source id,
//! into a bounded channel for the decoder (`jinghai-ais`) or anything else.
//!
//! Every source follows the same life cycle (vector style):
//! **config** (plain data, `Clone`) → [`build`](FileConfig::build) with a
//! [`SourceContext`] (output channel, clock, stop signal) → [`Source`], whose
//! [`run`](Source::run) future reads until the input ends, the
//! [`StopHandle`] is triggered, or the consumer drops its receiver.
//! Building does the work that can fail for good (opening the file, binding
//! the socket), so a [`Source`] that exists can run, and a server built on
//! port 0 already knows its [`local_addr`](Source::local_addr).
//!
//! ```no_run
//! # async fn demo() -> Result<(), jinghai_ingest::IngestError> {
//! use jinghai_ingest::{channel, stop_pair, SourceContext, TcpClientConfig};
//! let (tx, mut rx) = channel(1024);
//! let (stop, shutdown) = stop_pair();
//! let ctx = SourceContext::new(tx, shutdown);
//! let source = TcpClientConfig::new("ais-catcher", "127.0.0.1:10110").build(ctx).await?;
//! let task = tokio::spawn(source.run());
//! while let Some(line) = rx.recv().await {
//!     // line.bytes (no newline), line.received_ms, line.source
//!     # let _ = line; break;
//! }
//! stop.stop();
//! # let _ = task.await; Ok(()) }
//! ```
//!
//! ## Code map
//!
//! - `lib.rs`: [`RawLine`], [`Clock`], [`Counters`], [`SourceContext`],
//!   [`Source`], the stop signal, and the shared line-output path.
//! - `lines.rs`: splitting a byte stream into lines with a length bound
//!   (sync and async readers, and datagrams).
//! - `file.rs`: [`FileConfig`] — plain or `.gz`, read to the end or followed
//!   like `tail -F` (growth, truncation, rotation).
//! - `tcp.rs`: [`TcpClientConfig`] (reconnects with capped exponential
//!   backoff, forever) and [`TcpServerConfig`] (many pushing receivers).
//! - `udp.rs`: [`UdpConfig`] — one datagram may hold several lines.
//! - `error.rs`: [`IngestError`] and whether the stream can continue.
//!
//! ## Invariants
//!
//! - Memory is bounded: a line longer than [`MAX_LINE`] bytes (or the
//!   configured bound) is cut there, the rest up to its newline discarded,
//!   and counted in [`Counters`] `cut_lines`; the channel is bounded, so a
//!   slow consumer slows the sources down (backpressure), nothing queues
//!   without limit.
//! - Lines are delivered without their `\n` / `\r\n`; blank lines are
//!   skipped. A final line without newline is delivered when its input ends
//!   (end of a non-followed file, closed connection).
//! - `received_ms` is the injected [`Clock`] at the moment the line was
//!   complete; times carried by the line itself (tag block `c:`, leading
//!   column) take precedence downstream, in the decoder.
//! - Recoverable trouble (a refused connection, a reset peer, a truncated
//!   file) is logged with `tracing`, counted in `errors` and survived; only
//!   errors for which [`IngestError::can_continue`] is `false` end
//!   [`Source::run`] with `Err`.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::sync::{mpsc, watch};

mod error;
mod file;
mod lines;
mod tcp;
mod udp;

pub use error::IngestError;
pub use file::FileConfig;
pub use tcp::{TcpClientConfig, TcpServerConfig};
pub use udp::UdpConfig;

/// Default bound on one line: AIS sentences are at most 82 characters plus a
/// tag block, so anything near this is not AIS and must not grow memory.
pub const MAX_LINE: usize = 4096;

/// One raw line as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLine {
    /// The line, without its newline (`\n` or `\r\n`); at most the
    /// configured line bound.
    pub bytes: Vec<u8>,
    /// Receive time from the source's [`Clock`], epoch milliseconds UTC.
    pub received_ms: i64,
    /// Which source (and, for a TCP server, which peer) it came from.
    pub source: Arc<str>,
}

/// A bounded channel of raw lines: the capacity is the backpressure limit.
pub fn channel(capacity: usize) -> (mpsc::Sender<RawLine>, mpsc::Receiver<RawLine>) {
    mpsc::channel(capacity.max(1))
}

/// Where receive times come from; injected so that tests are deterministic.
pub trait Clock: Send + Sync + 'static {
    /// Now, epoch milliseconds UTC.
    fn now_ms(&self) -> i64;
}

/// The wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

/// A clock that only moves when told to, for tests.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// A clock standing at `ms`.
    pub fn new(ms: i64) -> Self {
        ManualClock(AtomicI64::new(ms))
    }
    /// Set the time.
    pub fn set(&self, ms: i64) {
        self.0.store(ms, Ordering::SeqCst);
    }
    /// Move the time forward by `ms`.
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Live counters of one source, shared with whoever wants to watch them.
#[derive(Debug, Default)]
pub struct Counters {
    lines: AtomicU64,
    bytes: AtomicU64,
    cut_lines: AtomicU64,
    connections: AtomicU64,
    reconnects: AtomicU64,
    errors: AtomicU64,
    datagrams: AtomicU64,
}

/// A copy of [`Counters`] at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CounterSnapshot {
    /// Lines delivered to the channel.
    pub lines: u64,
    /// Bytes read from the input (including newlines and discarded parts).
    pub bytes: u64,
    /// Lines cut at the line bound (also counted in `lines`).
    pub cut_lines: u64,
    /// Connections established (TCP client) or accepted (TCP server).
    pub connections: u64,
    /// TCP client: connections re-established after the first; file: files
    /// reopened after rotation or truncation.
    pub reconnects: u64,
    /// Recoverable errors survived (failed connects, resets, refused peers…).
    pub errors: u64,
    /// UDP datagrams received.
    pub datagrams: u64,
}

impl Counters {
    /// The current values.
    pub fn snapshot(&self) -> CounterSnapshot {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        CounterSnapshot {
            lines: get(&self.lines),
            bytes: get(&self.bytes),
            cut_lines: get(&self.cut_lines),
            connections: get(&self.connections),
            reconnects: get(&self.reconnects),
            errors: get(&self.errors),
            datagrams: get(&self.datagrams),
        }
    }

    fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }
    pub(crate) fn add_bytes(&self, n: usize) {
        Self::add(&self.bytes, n as u64);
    }
    pub(crate) fn add_connection(&self) {
        Self::add(&self.connections, 1);
    }
    pub(crate) fn add_reconnect(&self) {
        Self::add(&self.reconnects, 1);
    }
    pub(crate) fn add_datagram(&self) {
        Self::add(&self.datagrams, 1);
    }
    /// Counts and logs a recoverable error.
    pub(crate) fn error(&self, e: &IngestError) {
        debug_assert!(e.can_continue());
        Self::add(&self.errors, 1);
        tracing::warn!("{e}");
    }
}

/// Triggers the stop of every source built with the paired [`Shutdown`].
#[derive(Debug)]
pub struct StopHandle(watch::Sender<bool>);

impl StopHandle {
    /// Ask the sources to stop. They return from `run` promptly; lines
    /// already in the channel stay there.
    pub fn stop(&self) {
        self.0.send_replace(true);
    }
}

/// The receiving side of the stop signal (cheap to clone). Dropping the
/// [`StopHandle`] does not stop the sources: they then run until their
/// input ends or the consumer goes away.
#[derive(Debug, Clone)]
pub struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    /// A signal that never fires.
    pub fn never() -> Self {
        stop_pair().1
    }

    /// Whether a stop was requested.
    pub fn is_stopped(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves when a stop is requested (never, if the handle was dropped
    /// without stopping).
    pub async fn stopped(&mut self) {
        if self.0.wait_for(|stop| *stop).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// A linked stop handle and signal.
pub fn stop_pair() -> (StopHandle, Shutdown) {
    let (tx, rx) = watch::channel(false);
    (StopHandle(tx), Shutdown(rx))
}

/// What a source needs to run: where lines go, which clock stamps them, and
/// when to stop.
#[derive(Clone)]
pub struct SourceContext {
    /// The consumer's channel.
    pub out: mpsc::Sender<RawLine>,
    /// Receive-time clock.
    pub clock: Arc<dyn Clock>,
    /// Stop signal.
    pub shutdown: Shutdown,
}

impl SourceContext {
    /// A context with the system clock.
    pub fn new(out: mpsc::Sender<RawLine>, shutdown: Shutdown) -> Self {
        SourceContext {
            out,
            clock: Arc::new(SystemClock),
            shutdown,
        }
    }

    /// Replace the clock (tests).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

type RunFuture = Pin<Box<dyn Future<Output = Result<(), IngestError>> + Send>>;

/// A built source, ready to run.
pub struct Source {
    id: Arc<str>,
    counters: Arc<Counters>,
    local_addr: Option<SocketAddr>,
    task: RunFuture,
}

impl Source {
    /// The source id.
    pub fn id(&self) -> &Arc<str> {
        &self.id
    }

    /// Its live counters (keep the `Arc` to watch them while it runs).
    pub fn counters(&self) -> Arc<Counters> {
        self.counters.clone()
    }

    /// The bound local address of a TCP server or UDP source.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.local_addr
    }

    /// Read until the input ends (a file that is not followed), a stop is
    /// requested or the consumer drops its receiver: then `Ok(())`. `Err`
    /// only for an error after which the stream cannot continue.
    pub async fn run(self) -> Result<(), IngestError> {
        self.task.await
    }
}

/// Why sending stopped.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Halt {
    /// Stop was requested.
    Stopped,
    /// The consumer dropped its receiver.
    ConsumerGone,
}

/// The common output path of every source: stamps, counts and sends one
/// line, waiting for room in the channel (backpressure) unless stopped.
#[derive(Clone)]
pub(crate) struct Emitter {
    out: mpsc::Sender<RawLine>,
    clock: Arc<dyn Clock>,
    shutdown: Shutdown,
    counters: Arc<Counters>,
}

impl Emitter {
    fn new(ctx: SourceContext, counters: Arc<Counters>) -> Self {
        Emitter {
            out: ctx.out,
            clock: ctx.clock,
            shutdown: ctx.shutdown,
            counters,
        }
    }

    /// Deliver a completed line (without newline; `cut` when it was cut at
    /// the bound). Blank lines are skipped.
    pub(crate) async fn emit(
        &mut self,
        bytes: Vec<u8>,
        cut: bool,
        source: &Arc<str>,
    ) -> Result<(), Halt> {
        let Some(line) = self.stamp(bytes, cut, source) else {
            return Ok(());
        };
        match self.out.try_send(line) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Closed(_)) => Err(Halt::ConsumerGone),
            Err(mpsc::error::TrySendError::Full(line)) => {
                let mut shutdown = self.shutdown.clone();
                tokio::select! {
                    biased;
                    _ = shutdown.stopped() => Err(Halt::Stopped),
                    sent = self.out.send(line) => sent.map_err(|_| Halt::ConsumerGone),
                }
            }
        }
    }

    /// Blocking form of [`Emitter::emit`] for sources that read on a
    /// blocking thread (files): waits for room without tying up a runtime
    /// worker.
    pub(crate) fn emit_blocking(
        &mut self,
        rt: &tokio::runtime::Handle,
        bytes: Vec<u8>,
        cut: bool,
        source: &Arc<str>,
    ) -> Result<(), Halt> {
        let Some(line) = self.stamp(bytes, cut, source) else {
            return Ok(());
        };
        match self.out.try_send(line) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Closed(_)) => Err(Halt::ConsumerGone),
            Err(mpsc::error::TrySendError::Full(line)) => rt.block_on(async {
                let mut shutdown = self.shutdown.clone();
                tokio::select! {
                    biased;
                    _ = shutdown.stopped() => Err(Halt::Stopped),
                    sent = self.out.send(line) => sent.map_err(|_| Halt::ConsumerGone),
                }
            }),
        }
    }

    fn stamp(&self, mut bytes: Vec<u8>, cut: bool, source: &Arc<str>) -> Option<RawLine> {
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        if cut {
            Counters::add(&self.counters.cut_lines, 1);
        }
        Counters::add(&self.counters.lines, 1);
        Some(RawLine {
            bytes,
            received_ms: self.clock.now_ms(),
            source: source.clone(),
        })
    }

    pub(crate) fn counters(&self) -> &Arc<Counters> {
        &self.counters
    }

    pub(crate) fn shutdown(&self) -> Shutdown {
        self.shutdown.clone()
    }

    pub(crate) fn is_stopped(&self) -> bool {
        self.shutdown.is_stopped() || self.out.is_closed()
    }
}
