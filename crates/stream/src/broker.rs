//! The broker side: the JetStream stream, publishing, and the workers'
//! consumption of their partitions.
//!
//! One stream (`JINGHAI_AIS` by default) holds subjects `<prefix>.<partition>`.
//! A publisher sends each message to its partitions with a `Nats-Msg-Id`, so
//! a retried or doubled publish is stored once (within the stream's
//! duplicate window). A worker reads each of its partitions with an ordered
//! consumer from the partition's first retained message: the engine's state
//! (tracks, open episodes, the day's unregistered vessels) lives in memory,
//! so a started or restarted worker rebuilds it by replaying the retained
//! window (`max_age`), and the events it raises again have the keys they had
//! (see [`crate::partition::event_key`]) and are stored once.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::{self, consumer, context::Publish, stream};
use bytes::Bytes;
use futures_util::StreamExt;
use serde::Deserialize;
use tokio::sync::watch;

use crate::grid::Grid;
use crate::partition::{KeyedEvent, PartitionEngine, Registries};
use crate::route::{message_id, Routed, END_OF_INPUT};
use crate::sink::EventSink;

/// Where the broker is and how the stream is laid out (`[stream]` in the
/// configuration).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamConfig {
    /// NATS servers, comma-separated (`nats://10.0.0.1:4222,nats://10.0.0.2:4222`).
    pub url: String,
    /// The `[[maritime]]` feed whose receivers go through the broker (its
    /// name keys the events; its district owns the alerts).
    #[serde(default)]
    pub feed: String,
    #[serde(default = "default_stream")]
    pub stream: String,
    #[serde(default = "default_prefix")]
    pub subject_prefix: String,
    /// Copies of the stream kept by the cluster (3 for a 3-node cluster).
    #[serde(default = "default_replicas")]
    pub replicas: usize,
    /// How long messages stay: what a restarted worker replays.
    #[serde(default = "default_max_age_hours")]
    pub max_age_hours: f64,
    /// How often a worker checks the database for registry edits (vessels,
    /// places, port reports) made on any node, and takes them over.
    #[serde(default = "default_registry_poll_secs")]
    pub registry_poll_secs: f64,
    #[serde(default)]
    pub grid: Grid,
}

fn default_stream() -> String {
    "JINGHAI_AIS".into()
}
fn default_prefix() -> String {
    "jinghai.ais".into()
}
fn default_replicas() -> usize {
    1
}
fn default_max_age_hours() -> f64 {
    26.0
}
fn default_registry_poll_secs() -> f64 {
    10.0
}

impl StreamConfig {
    pub fn new(url: impl Into<String>, grid: Grid) -> StreamConfig {
        StreamConfig {
            url: url.into(),
            feed: String::new(),
            stream: default_stream(),
            subject_prefix: default_prefix(),
            replicas: default_replicas(),
            max_age_hours: default_max_age_hours(),
            registry_poll_secs: default_registry_poll_secs(),
            grid,
        }
    }

    pub fn subject(&self, partition: u32) -> String {
        format!("{}.{partition}", self.subject_prefix)
    }
}

/// What went wrong with the broker.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("stream: cannot connect to NATS at {url}: {message}")]
    Connect { url: String, message: String },
    #[error("stream: {0}")]
    Broker(String),
    #[error("stream: {0}")]
    Grid(#[from] crate::grid::GridError),
}

fn broker<E: std::fmt::Display>(what: &str) -> impl Fn(E) -> StreamError + '_ {
    move |e| StreamError::Broker(format!("{what}: {e}"))
}

/// Connects to the broker (any of the listed servers; the client moves to
/// another when one goes away).
pub async fn connect(cfg: &StreamConfig) -> Result<jetstream::Context, StreamError> {
    cfg.grid.validate()?;
    let servers: Vec<&str> = cfg
        .url
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let client = async_nats::ConnectOptions::new()
        .retry_on_initial_connect()
        .connection_timeout(Duration::from_secs(5))
        .connect(servers.as_slice())
        .await
        .map_err(|e| StreamError::Connect {
            url: cfg.url.clone(),
            message: e.to_string(),
        })?;
    let mut js = jetstream::new(client);
    js.set_timeout(Duration::from_secs(5));
    Ok(js)
}

/// Creates the stream if it is missing (an existing one is used as it is).
pub async fn ensure_stream(
    js: &jetstream::Context,
    cfg: &StreamConfig,
) -> Result<stream::Stream, StreamError> {
    js.get_or_create_stream(stream::Config {
        name: cfg.stream.clone(),
        subjects: vec![format!("{}.>", cfg.subject_prefix)],
        max_age: Duration::from_secs_f64(cfg.max_age_hours.max(0.01) * 3600.0),
        num_replicas: cfg.replicas.max(1),
        duplicate_window: Duration::from_secs(120),
        storage: stream::StorageType::File,
        ..Default::default()
    })
    .await
    .map_err(broker("create the stream"))
}

/// Publishes routed messages with a window of unacknowledged ones, retrying
/// what the broker did not confirm (a node failing over): the message id
/// makes a retry of a stored message a no-op.
pub struct Publisher {
    js: jetstream::Context,
    cfg: StreamConfig,
    window: usize,
    inflight:
        std::collections::VecDeque<(jetstream::context::PublishAckFuture, String, Bytes, String)>,
    /// Messages the broker confirmed (one per partition copy).
    pub published: u64,
    /// Publishes that had to be retried.
    pub retries: u64,
}

impl Publisher {
    pub fn new(js: jetstream::Context, cfg: StreamConfig) -> Publisher {
        Publisher {
            js,
            cfg,
            window: 1024,
            inflight: Default::default(),
            published: 0,
            retries: 0,
        }
    }

    /// Sends one routed message to each of its partitions.
    pub async fn publish(&mut self, routed: &Routed) -> Result<(), StreamError> {
        let payload = Bytes::from(routed.payload.clone());
        for &p in &routed.partitions {
            self.send(
                self.cfg.subject(p),
                payload.clone(),
                message_id(&routed.payload, p),
            )
            .await?;
        }
        Ok(())
    }

    /// Sends the end-of-input marker to every partition (a finished replay).
    pub async fn end_of_input(&mut self, tag: &str) -> Result<(), StreamError> {
        for p in 0..self.cfg.grid.partitions {
            let id = format!("end-{tag}-{p}");
            self.send(self.cfg.subject(p), Bytes::from_static(END_OF_INPUT), id)
                .await?;
        }
        self.flush().await
    }

    async fn send(
        &mut self,
        subject: String,
        payload: Bytes,
        id: String,
    ) -> Result<(), StreamError> {
        while self.inflight.len() >= self.window {
            self.settle_oldest().await?;
        }
        let ack = self.send_retrying(&subject, &payload, &id).await?;
        self.inflight.push_back((ack, subject, payload, id));
        Ok(())
    }

    async fn send_retrying(
        &mut self,
        subject: &str,
        payload: &Bytes,
        id: &str,
    ) -> Result<jetstream::context::PublishAckFuture, StreamError> {
        let mut delay = Duration::from_millis(50);
        for attempt in 0.. {
            match self
                .js
                .send_publish(
                    subject.to_string(),
                    Publish::build().payload(payload.clone()).message_id(id),
                )
                .await
            {
                Ok(ack) => return Ok(ack),
                Err(e) if attempt < 200 => {
                    self.retries += 1;
                    tracing::debug!(error = %e, "publish not sent; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(1));
                }
                Err(e) => return Err(StreamError::Broker(format!("publish: {e}"))),
            }
        }
        unreachable!("the loop returns")
    }

    async fn settle_oldest(&mut self) -> Result<(), StreamError> {
        let mut delay = Duration::from_millis(50);
        let mut attempts = 0;
        loop {
            let Some((ack, subject, payload, id)) = self.inflight.pop_front() else {
                return Ok(());
            };
            match ack.await {
                Ok(_) => {
                    self.published += 1;
                    return Ok(());
                }
                Err(e) => {
                    attempts += 1;
                    if attempts > 100 {
                        return Err(StreamError::Broker(format!("publish not confirmed: {e}")));
                    }
                    // The broker lost it (a node went away, a new leader is
                    // being elected): everything in flight after it is as
                    // doubtful, so send the whole window again, in order,
                    // rather than wait out each one's timeout. Message ids
                    // make the copies the broker already stored no-ops.
                    tracing::debug!(error = %e, inflight = self.inflight.len(), "publish not confirmed; sending the window again");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(1));
                    let mut window = vec![(subject, payload, id)];
                    window.extend(self.inflight.drain(..).map(|(_, s, p, i)| (s, p, i)));
                    for (subject, payload, id) in window {
                        self.retries += 1;
                        let ack = self.send_retrying(&subject, &payload, &id).await?;
                        self.inflight.push_back((ack, subject, payload, id));
                    }
                }
            }
        }
    }

    /// Waits until every sent message is confirmed.
    pub async fn flush(&mut self) -> Result<(), StreamError> {
        while !self.inflight.is_empty() {
            self.settle_oldest().await?;
        }
        Ok(())
    }
}

/// Publishes a live source's lines until the channel closes: each complete
/// message routed to its partitions; confirmations are awaited whenever the
/// sources pause, so nothing waits long in the window.
pub async fn publish_lines(
    cfg: StreamConfig,
    mut lines: tokio::sync::mpsc::Receiver<jinghai_ingest::RawLine>,
) -> Result<(), StreamError> {
    let js = connect(&cfg).await?;
    ensure_stream(&js, &cfg).await?;
    let mut router = crate::route::Router::new(cfg.grid);
    let mut publisher = Publisher::new(js, cfg);
    loop {
        let line = match tokio::time::timeout(Duration::from_millis(200), lines.recv()).await {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(_quiet) => {
                publisher.flush().await?;
                continue;
            }
        };
        if let Some(routed) = router.route(&line) {
            publisher.publish(&routed).await?;
        }
    }
    publisher.flush().await
}

/// What a worker's partitions have done, shared with whoever watches.
#[derive(Debug, Default)]
pub struct Progress {
    pub messages: AtomicU64,
    pub events: AtomicU64,
    /// Partitions that reached an end-of-input marker.
    pub ended: AtomicU64,
    /// Consumers (re)created: 1 per partition plus one per recovery.
    pub consumers: AtomicU64,
    /// For each message that raised events: microseconds from the broker
    /// storing it to its events being stored (alert latency); the last
    /// [`LATENCY_SAMPLES`].
    pub latencies_us: std::sync::Mutex<Vec<u64>>,
    /// The same for every 16th message, whether it raised events or not.
    pub message_latencies_us: std::sync::Mutex<Vec<u64>>,
}

/// How many latencies [`Progress`] keeps (older ones are overwritten).
pub const LATENCY_SAMPLES: usize = 100_000;

impl Progress {
    fn note(list: &std::sync::Mutex<Vec<u64>>, count: u64, published: time::OffsetDateTime) {
        let us = (time::OffsetDateTime::now_utc() - published)
            .whole_microseconds()
            .max(0) as u64;
        if let Ok(mut l) = list.lock() {
            if l.len() < LATENCY_SAMPLES {
                l.push(us);
            } else {
                l[(count as usize) % LATENCY_SAMPLES] = us;
            }
        }
    }
}

/// Runs one partition until the task is dropped: reads its subject from the
/// first retained message, in order, through the engine, and hands owned
/// events to the sink (retrying until stored: an event is never dropped).
pub async fn run_partition(
    js: jetstream::Context,
    cfg: StreamConfig,
    mut engine: PartitionEngine,
    sink: Arc<dyn EventSink>,
    progress: Arc<Progress>,
    mut registries: Option<watch::Receiver<Arc<Registries>>>,
) -> Result<(), StreamError> {
    let partition = engine.partition;
    let subject = cfg.subject(partition);
    let mut next_seq: u64 = 1;
    let mut events: Vec<KeyedEvent> = Vec::new();
    // Registry edits are taken over between messages (and when idle).
    let mut follow = |engine: &mut PartitionEngine, events: &mut Vec<KeyedEvent>| {
        if let Some(rx) = registries.as_mut() {
            if rx.has_changed().unwrap_or(false) {
                let r = rx.borrow_and_update().clone();
                engine.follow_registries(&r, events);
                tracing::info!(partition = engine.partition, "registry edits taken over");
            }
        }
    };
    loop {
        let stream = match js.get_stream(&cfg.stream).await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(partition, error = %e, "stream not reachable; retrying");
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        let consumer = ordered_messages(
            &stream,
            &subject,
            consumer::DeliverPolicy::ByStartSequence {
                start_sequence: next_seq,
            },
        )
        .await;
        let mut messages = match consumer {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(partition, error = %e, "partition consumer not ready; retrying");
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        progress.consumers.fetch_add(1, Ordering::Relaxed);
        loop {
            let message = match tokio::time::timeout(IDLE_CHECK, messages.next()).await {
                Ok(Some(Ok(m))) => m,
                Ok(Some(Err(e))) => {
                    tracing::warn!(partition, error = %e, "partition consumer failed; resuming");
                    break;
                }
                Ok(None) => break,
                Err(_idle) => {
                    follow(&mut engine, &mut events);
                    if !events.is_empty() {
                        store_all(&*sink, &events, partition).await;
                        events.clear();
                    }
                    // Quiet, or a consumer stranded on a broker node that
                    // went away (its own heartbeat check takes much longer):
                    // if the partition has messages past ours, resume.
                    match stream.get_last_raw_message_by_subject(&subject).await {
                        Ok(last) if last.sequence >= next_seq => {
                            tracing::info!(partition, "partition consumer stalled; resuming");
                            break;
                        }
                        _ => continue,
                    }
                }
            };
            let (seq, published) = match message.info() {
                Ok(info) => (info.stream_sequence, info.published),
                Err(e) => {
                    tracing::warn!(partition, error = %e, "message without metadata; resuming");
                    break;
                }
            };
            if seq < next_seq {
                continue; // already processed before a recovery
            }
            follow(&mut engine, &mut events);
            let was_ended = engine.ended;
            engine.process(&message.payload, &mut events);
            next_seq = seq + 1;
            let n = progress.messages.fetch_add(1, Ordering::Relaxed);
            if n.is_multiple_of(16) {
                Progress::note(&progress.message_latencies_us, n / 16, published);
            }
            if !events.is_empty() {
                store_all(&*sink, &events, partition).await;
                let n = progress.events.load(Ordering::Relaxed);
                Progress::note(&progress.latencies_us, n, published);
                progress
                    .events
                    .fetch_add(events.len() as u64, Ordering::Relaxed);
                events.clear();
            }
            if engine.ended && !was_ended {
                progress.ended.fetch_add(1, Ordering::Relaxed);
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The messages of `subject` (wildcards allowed) through an ordered
/// consumer: gap-free and in order, recreated by the caller after a failure.
async fn ordered_messages(
    stream: &stream::Stream,
    subject: &str,
    deliver_policy: consumer::DeliverPolicy,
) -> Result<consumer::pull::Ordered, StreamError> {
    stream
        .create_consumer(consumer::pull::OrderedConfig {
            filter_subject: subject.to_string(),
            deliver_policy,
            ..Default::default()
        })
        .await
        .map_err(broker("create the consumer"))?
        .messages()
        .await
        .map_err(broker("read the stream"))
}

/// How long a partition waits for a message before checking it is not
/// stranded behind a lost consumer.
const IDLE_CHECK: Duration = Duration::from_secs(3);

/// Stores events, retrying with backoff while the database is away.
pub async fn store_all(sink: &dyn EventSink, events: &[KeyedEvent], partition: u32) {
    let mut delay = Duration::from_millis(100);
    while let Err(e) = sink.store(events).await {
        tracing::warn!(partition, error = %e, "events not stored; retrying");
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(10));
    }
}

/// Registry edits for a worker's engines to follow (see
/// [`Worker::start_following`]).
pub struct Follow {
    /// The revisions of the registries the engines were built from.
    pub built_from: jinghai_store::RegistryRevisions,
    /// Newer registries, as a poller of the database reads them.
    pub updates: watch::Receiver<Arc<Registries>>,
}

/// A running worker: one task per partition.
pub struct Worker {
    pub progress: Arc<Progress>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Worker {
    /// Starts worker `index` of `count`: an engine per partition it runs
    /// (made by `make_engine`), each reading its partition.
    pub async fn start(
        cfg: &StreamConfig,
        index: u32,
        count: u32,
        feed: &str,
        make_engine: &mut dyn FnMut() -> jinghai_engine::Engine,
        sink: Arc<dyn EventSink>,
    ) -> Result<Worker, StreamError> {
        Worker::start_following(cfg, index, count, feed, make_engine, sink, None).await
    }

    /// [`Worker::start`], with engines that follow registry edits: `follow`
    /// names the revisions the engines were built from and the channel on
    /// which newer registries arrive.
    pub async fn start_following(
        cfg: &StreamConfig,
        index: u32,
        count: u32,
        feed: &str,
        make_engine: &mut dyn FnMut() -> jinghai_engine::Engine,
        sink: Arc<dyn EventSink>,
        follow: Option<Follow>,
    ) -> Result<Worker, StreamError> {
        let js = connect(cfg).await?;
        ensure_stream(&js, cfg).await?;
        let progress = Arc::new(Progress::default());
        let mut tasks = Vec::new();
        for partition in cfg.grid.partitions_of_worker(index, count) {
            let mut engine = PartitionEngine::new(partition, feed, cfg.grid, make_engine());
            let updates = follow.as_ref().map(|f| {
                engine.applied = f.built_from.clone();
                f.updates.clone()
            });
            let (js, cfg, sink, progress) =
                (js.clone(), cfg.clone(), sink.clone(), progress.clone());
            tasks.push(tokio::spawn(async move {
                if let Err(e) = run_partition(js, cfg, engine, sink, progress, updates).await {
                    tracing::error!(partition, error = %e, "partition stopped");
                }
            }));
        }
        Ok(Worker { progress, tasks })
    }

    /// Stops at once, as a crash would: engine state is lost.
    pub fn kill(self) {
        for t in self.tasks {
            t.abort();
        }
    }

    pub fn partitions(&self) -> usize {
        self.tasks.len()
    }
}

/// Follows every partition from `back` ago (then from where it left off,
/// across broker fail-over) and hands each payload to `tx`: what a web node
/// draws its live map from when the engines run in the workers. Halo copies
/// arrive once per partition they went to. Returns when `tx` is closed.
pub async fn tail(cfg: StreamConfig, back: Duration, tx: tokio::sync::mpsc::Sender<Bytes>) {
    let subject = format!("{}.>", cfg.subject_prefix);
    let mut next_seq: Option<u64> = None;
    loop {
        if tx.is_closed() {
            return;
        }
        let js = match connect(&cfg).await {
            Ok(js) => js,
            Err(e) => {
                tracing::warn!(error = %e, "stream not reachable for the map; retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
                continue;
            }
        };
        let deliver_policy = match next_seq {
            Some(start_sequence) => consumer::DeliverPolicy::ByStartSequence { start_sequence },
            None => consumer::DeliverPolicy::ByStartTime {
                start_time: time::OffsetDateTime::now_utc()
                    - time::Duration::milliseconds(back.as_millis() as i64),
            },
        };
        let messages = match js.get_stream(&cfg.stream).await {
            Ok(stream) => ordered_messages(&stream, &subject, deliver_policy).await,
            Err(e) => Err(broker("find the stream")(e)),
        };
        let mut messages = match messages {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(error = %e, "map consumer not ready; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        while let Some(m) = messages.next().await {
            let Ok(m) = m else { break };
            if let Ok(info) = m.info() {
                next_seq = Some(info.stream_sequence + 1);
            }
            if tx.send(m.payload.clone()).await.is_err() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
