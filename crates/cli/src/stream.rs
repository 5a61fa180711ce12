//! `jinghai stream publish|worker`: the AIS stream through NATS JetStream
//! (`[stream]` in the configuration; see `jinghai-stream`).
//!
//! - `publish FILE…` sends recordings to the broker (a live feed's receivers
//!   are published by `jinghai serve` itself), then the end-of-input marker
//!   unless `--live`.
//! - `worker --worker i/n` runs the engines of partitions `p % n == i` over
//!   the `[stream]` feed's registries in the database and stores the alerts
//!   they own, until Ctrl-C.

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use jinghai_server::Config;
use jinghai_stream::{Follow, Publisher, Registries, Router, StoreSink, StreamConfig, Worker};

use crate::ConfigArgs;

#[derive(Subcommand)]
pub enum StreamCommand {
    /// Publish AIS recordings (plain or .gz NMEA) to the broker.
    Publish {
        #[command(flatten)]
        config: ConfigArgs,
        /// Receiver name the lines are stamped with.
        #[arg(long, default_value = "recording")]
        receiver: String,
        /// Do not send the end-of-input marker (the workers keep episodes open).
        #[arg(long)]
        live: bool,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run engine worker i of n (e.g. `--worker 0/2`) until Ctrl-C.
    Worker {
        #[command(flatten)]
        config: ConfigArgs,
        #[arg(long, value_parser = parse_worker)]
        worker: (u32, u32),
    },
}

impl StreamCommand {
    pub fn config(&self) -> &ConfigArgs {
        match self {
            StreamCommand::Publish { config, .. } | StreamCommand::Worker { config, .. } => config,
        }
    }
}

fn parse_worker(text: &str) -> std::result::Result<(u32, u32), String> {
    let parsed = text
        .split_once('/')
        .and_then(|(i, n)| Some((i.trim().parse().ok()?, n.trim().parse().ok()?)));
    match parsed {
        Some((i, n)) if n >= 1 && i < n => Ok((i, n)),
        _ => Err(format!(
            "expected i/n with 0 ≤ i < n (e.g. 0/2), got {text:?}"
        )),
    }
}

fn stream_config(config: &Config) -> Result<StreamConfig> {
    config.stream.clone().ok_or_else(|| {
        anyhow!("no [stream] section in the configuration: the broker's url and the feed it carries are needed")
    })
}

pub async fn run(command: StreamCommand, config: Config) -> Result<()> {
    let stream = stream_config(&config)?;
    match command {
        StreamCommand::Publish {
            receiver,
            live,
            files,
            ..
        } => publish(stream, &receiver, live, &files).await,
        StreamCommand::Worker {
            worker: (index, count),
            ..
        } => worker(config, stream, index, count).await,
    }
}

async fn publish(
    stream: StreamConfig,
    receiver: &str,
    live: bool,
    files: &[PathBuf],
) -> Result<()> {
    let js = jinghai_stream::connect(&stream).await?;
    jinghai_stream::ensure_stream(&js, &stream).await?;
    let mut router = Router::new(stream.grid);
    let mut publisher = Publisher::new(js, stream);
    let source: Arc<str> = Arc::from(receiver);
    let started = std::time::Instant::now();
    let now = jinghai_workflow::SystemClock;
    let mut lines = 0u64;
    for path in files {
        let mut input = crate::replay::open_nmea(path)?;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let n = input
                .read_until(b'\n', &mut buf)
                .with_context(|| format!("cannot read {}", path.display()))?;
            if n == 0 {
                break;
            }
            while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                buf.pop();
            }
            lines += 1;
            let raw = jinghai_ingest::RawLine {
                bytes: buf.clone(),
                received_ms: jinghai_workflow::Clock::now(&now),
                source: source.clone(),
            };
            if let Some(routed) = router.route(&raw) {
                publisher.publish(&routed).await?;
            }
        }
    }
    if live {
        publisher.flush().await?;
    } else {
        publisher
            .end_of_input(&format!("{:x}", jinghai_workflow::Clock::now(&now)))
            .await?;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "published {lines} lines as {} partition copies in {secs:.1} s ({:.0} lines/s, {} retried)",
        publisher.published,
        lines as f64 / secs.max(1e-9),
        publisher.retries
    );
    Ok(())
}

async fn worker(config: Config, stream: StreamConfig, index: u32, count: u32) -> Result<()> {
    let store = crate::open_store(&config).await?;
    let clock = crate::clock();
    let Some(feed) = config.maritime.iter().find(|f| f.name == stream.feed) else {
        bail!("stream.feed {:?} is not a [[maritime]] feed", stream.feed);
    };
    if !(stream.registry_poll_secs > 0.0 && stream.registry_poll_secs.is_finite()) {
        bail!(
            "stream.registry_poll_secs must be a positive number of seconds, not {}",
            stream.registry_poll_secs
        );
    }
    let files = jinghai_server::live::Feed::read_files(feed)?;
    // Read before the engines are built: an edit made while they are built
    // shows as a newer revision at the first poll, and is taken over then.
    let district = jinghai_domain::RegionCode::parse(&feed.district)
        .map_err(|e| anyhow!("maritime feed {}: district: {}", feed.name, e.en))?;
    let district_code = jinghai_workflow::registry::district_of(district.as_str()).to_string();
    let built_from = store.registry_revisions(&district_code).await?;
    // One engine per partition, from the district's registries in the database.
    let partitions = stream.grid.partitions_of_worker(index, count);
    let mut engines = Vec::new();
    let mut region_id = 0;
    for _ in &partitions {
        // Several workers starting on a new database race to import the
        // feed's files; the loser finds them imported on its next try.
        let mut attempt = 0;
        let f = loop {
            match jinghai_server::live::Feed::from_store(
                &store,
                &clock,
                &feed.name,
                &feed.district,
                Some(&files),
                clock.now(),
            )
            .await
            {
                Ok(f) => break f,
                Err(e) if attempt < 5 => {
                    attempt += 1;
                    tracing::warn!(error = %e, "feed not loaded; retrying");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                }
                Err(e) => return Err(e.into()),
            }
        };
        region_id = f.region_id;
        engines.push(f.engine);
    }
    let sink = Arc::new(StoreSink {
        store: store.clone(),
        region_id,
        now: {
            let clock = clock.clone();
            Arc::new(move || clock.now())
        },
    });
    let mut next = engines.into_iter();
    let mut make = move || next.next().expect("one engine per partition");
    let (updates_tx, updates) = tokio::sync::watch::channel(Arc::new(Registries::default()));
    let poll = tokio::spawn(follow_registries(
        store.clone(),
        district_code,
        built_from.clone(),
        std::time::Duration::from_secs_f64(stream.registry_poll_secs),
        updates_tx,
    ));
    let follow = Follow {
        built_from,
        updates,
    };
    let w = Worker::start_following(
        &stream,
        index,
        count,
        &feed.name,
        &mut make,
        sink,
        Some(follow),
    )
    .await?;
    println!(
        "stream worker {index}/{count}: feed {}, partitions {partitions:?} of {}, broker {}",
        feed.name, stream.grid.partitions, stream.url
    );
    let progress = w.progress.clone();
    let report = tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(30));
        loop {
            tick.tick().await;
            tracing::info!(
                messages = progress.messages.load(std::sync::atomic::Ordering::Relaxed),
                events = progress.events.load(std::sync::atomic::Ordering::Relaxed),
                "stream worker"
            );
        }
    });
    tokio::signal::ctrl_c().await?;
    report.abort();
    poll.abort();
    w.kill();
    Ok(())
}

/// Polls the district's registry revisions; when they differ from what the
/// engines reflect, reads the registries and hands them to the partitions.
/// A database that is away is retried at the next tick.
async fn follow_registries(
    store: Arc<dyn jinghai_store::Store>,
    district_code: String,
    mut seen: jinghai_store::RegistryRevisions,
    every: std::time::Duration,
    updates: tokio::sync::watch::Sender<Arc<Registries>>,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now = match store.registry_revisions(&district_code).await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "registry revisions not read; retrying");
                continue;
            }
        };
        if now == seen {
            continue;
        }
        match jinghai_workflow::registry::load_feed(&store, &district_code).await {
            Ok(data) => {
                let vessels = data
                    .registry
                    .mmsis()
                    .filter_map(|m| data.registry.get(m).cloned())
                    .collect();
                tracing::info!(district = %district_code, "registry edits found; taking them over");
                seen = now.clone();
                updates.send_replace(Arc::new(Registries {
                    vessels,
                    zones: Some(data.zones),
                    reports: data.reports,
                    revisions: now,
                }));
            }
            Err(e) => tracing::error!(error = %e, "registries not reloaded; retrying"),
        }
    }
}
