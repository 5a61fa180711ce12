//! The maritime engine, live: raw AIS lines from the ingest sources are
//! decoded (one decoder per receiver, so multi-part messages from different
//! receivers never mix), turned into observations, run through the engine of
//! the district's feed, and every event the engine raises is stored as an
//! alert for the alert desk.
//!
//! A feed is configured per district (`[[maritime]]` in the configuration):
//! its zones, vessel registry and port reports in the FORMATS.md files, and
//! its receivers. Broken files stop the server at start with the reason.
//!
//! A feed shown on the live map ([`Feed::show_on`]) publishes its vessels
//! into the shared [`Picture`] about twice a second, and notes each new
//! alert there for the map's live push. A recording can be replayed at a
//! multiple of its own pace, shifted in time ([`replay`]): the demo does so.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use jinghai_ais::Decoder;
use jinghai_engine::{
    parse_port_reports, Engine, EngineConfig, EngineOutput, Event, FastMap, Observation,
    ObservationKind, Registry, ZoneSet,
};
use jinghai_ingest::RawLine;
use jinghai_store::{AlertWrite, Store};
use jinghai_workflow::picture::{FeedPicture, OpenEvent, Picture, VesselUpdate};
use serde::Deserialize;
use tokio::sync::mpsc;

/// One district's feed, as configured.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    /// A short name, used in alert keys and logs.
    pub name: String,
    /// Code of the district whose waters the zones describe.
    pub district: String,
    pub zones: PathBuf,
    pub vessels: PathBuf,
    #[serde(default)]
    pub reports: Option<PathBuf>,
    /// Engine thresholds (TOML); the FORMATS.md defaults when absent.
    #[serde(default)]
    pub engine: Option<PathBuf>,
    /// Receivers: `tcp://host:port` (connect to a receiver), `tcp-listen://addr`
    /// (receivers push), `udp://addr`, `file:///path` (follow a growing file).
    #[serde(default)]
    pub sources: Vec<String>,
}

/// Why a feed could not start.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("maritime feed {feed}: cannot read {path}: {source}")]
    Read {
        feed: String,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("maritime feed {feed}: {message}")]
    Invalid { feed: String, message: String },
    #[error("maritime feed {feed}: {source}")]
    Store {
        feed: String,
        source: jinghai_store::StoreError,
    },
}

/// A running feed's engine and where its alerts go.
pub struct Feed {
    pub name: String,
    pub region_id: i64,
    /// Distinguishes this run's engine event ids from a previous run's.
    pub run: i64,
    /// Added to every receive time (the demo replays a recorded day ending now).
    pub time_shift_ms: i64,
    pub engine: Engine,
    /// The district the feed watches.
    pub district: jinghai_domain::Region,
    decoders: HashMap<Arc<str>, Decoder>,
    last_time_ms: i64,
    /// Where the feed shows on the live map, when it does.
    picture: Option<PictureLink>,
}

/// The zones, registry, reports and engine settings of a feed, as text.
pub struct FeedFiles {
    pub zones: String,
    pub vessels: String,
    pub reports: Option<String>,
    pub engine: Option<String>,
}

impl Feed {
    /// Builds a feed's engine from its files' text.
    pub async fn new(
        store: &Arc<dyn Store>,
        name: &str,
        district: &str,
        files: &FeedFiles,
        run: i64,
    ) -> Result<Feed, LiveError> {
        Feed::build(store, name, district, files, run, 0).await
    }

    /// A feed for a recording replayed `time_shift_ms` later than it was
    /// made: receive times and the port reports' times are shifted alike, so
    /// an arrival report still precedes its port entry.
    pub async fn replay(
        store: &Arc<dyn Store>,
        name: &str,
        district: &str,
        files: &FeedFiles,
        run: i64,
        time_shift_ms: i64,
    ) -> Result<Feed, LiveError> {
        Feed::build(store, name, district, files, run, time_shift_ms).await
    }

    async fn build(
        store: &Arc<dyn Store>,
        name: &str,
        district: &str,
        files: &FeedFiles,
        run: i64,
        time_shift_ms: i64,
    ) -> Result<Feed, LiveError> {
        let invalid = |message: String| LiveError::Invalid {
            feed: name.to_string(),
            message,
        };
        let code = jinghai_domain::RegionCode::parse(district).map_err(|e| invalid(e.en))?;
        let region = store
            .find_region_by_code(code.as_str())
            .await
            .map_err(|source| LiveError::Store {
                feed: name.into(),
                source,
            })?
            .ok_or_else(|| invalid(format!("district {district} does not exist")))?;
        let zones =
            ZoneSet::from_geojson(&files.zones, "zones").map_err(|e| invalid(e.to_string()))?;
        let registry =
            Registry::from_csv(&files.vessels, "vessels").map_err(|e| invalid(e.to_string()))?;
        let mut reports = match &files.reports {
            Some(text) => {
                parse_port_reports(text, "reports", &zones).map_err(|e| invalid(e.to_string()))?
            }
            None => Vec::new(),
        };
        for r in &mut reports {
            r.reported_at_ms += time_shift_ms;
        }
        let config: EngineConfig = match &files.engine {
            Some(text) => {
                toml::from_str(text).map_err(|e| invalid(format!("engine settings: {e}")))?
            }
            None => EngineConfig::default(),
        };
        Ok(Feed {
            name: name.to_string(),
            region_id: region.id,
            run,
            time_shift_ms,
            engine: Engine::new(config, zones, registry, reports),
            district: region,
            decoders: HashMap::new(),
            last_time_ms: 0,
            picture: None,
        })
    }

    /// Reads a configured feed's files.
    pub fn read_files(cfg: &FeedConfig) -> Result<FeedFiles, LiveError> {
        let read = |path: &PathBuf| {
            std::fs::read_to_string(path).map_err(|source| LiveError::Read {
                feed: cfg.name.clone(),
                path: path.clone(),
                source,
            })
        };
        Ok(FeedFiles {
            zones: read(&cfg.zones)?,
            vessels: read(&cfg.vessels)?,
            reports: cfg.reports.as_ref().map(read).transpose()?,
            engine: cfg.engine.as_ref().map(read).transpose()?,
        })
    }

    /// Decodes one raw line and runs it through the engine.
    pub fn feed_line(&mut self, line: &RawLine, out: &mut Vec<EngineOutput>) {
        let decoder = self.decoders.entry(line.source.clone()).or_default();
        let Ok(Some(decoded)) = decoder.decode_line(&line.bytes) else {
            return;
        };
        let time_ms = decoded.received_at.unwrap_or(line.received_ms) + self.time_shift_ms;
        self.last_time_ms = self.last_time_ms.max(time_ms);
        if let Some(obs) = jinghai_engine::from_ais::observation(&decoded, time_ms) {
            self.engine.process(&obs, out);
            self.note_for_picture(&obs);
        }
    }

    /// The alert row for an engine event.
    pub fn alert(&self, e: &Event) -> AlertWrite {
        AlertWrite {
            event_key: format!("{}:{}:{}", self.name, self.run, e.id.0),
            region_id: self.region_id,
            kind: e.kind.as_str().to_string(),
            mmsi: e.mmsi as i64,
            other_mmsi: e.other_mmsi.map(|m| m as i64),
            start_at: e.start_ms,
            end_at: e.end_ms,
            lat: e.lat,
            lon: e.lon,
            zone_id: e.zone_id.clone(),
            detail: e.detail.to_string(),
        }
    }
}

/// Stores what the engine raised.
pub async fn store_outputs(
    store: &Arc<dyn Store>,
    feed: &Feed,
    out: &mut Vec<EngineOutput>,
    now: i64,
) -> Result<usize, jinghai_store::StoreError> {
    let mut n = 0;
    for o in out.drain(..) {
        let opened = matches!(o, EngineOutput::Opened(_));
        let (EngineOutput::Opened(e) | EngineOutput::Updated(e) | EngineOutput::Closed(e)) = o;
        let id = store.upsert_alert(now, &feed.alert(&e)).await?;
        if opened {
            feed.note_alert_on_picture(id, &e);
        }
        n += 1;
    }
    Ok(n)
}

/// Runs a feed until its line channel closes: every line through the engine,
/// every event into the store; when lines stop for a while, the engine's
/// clock is advanced so gaps and stops that end by silence are settled.
pub async fn run_feed(
    store: Arc<dyn Store>,
    clock: Arc<dyn jinghai_workflow::Clock>,
    mut feed: Feed,
    mut lines: mpsc::Receiver<RawLine>,
) -> Result<(), jinghai_store::StoreError> {
    let mut out = Vec::new();
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(30));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut publish = tokio::time::interval(PUBLISH_EVERY);
    publish.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            line = lines.recv() => match line {
                Some(line) => {
                    feed.feed_line(&line, &mut out);
                    if !out.is_empty() {
                        store_outputs(&store, &feed, &mut out, clock.now()).await?;
                    }
                }
                None => break,
            },
            _ = tick.tick() => {
                // Receive time follows the wall clock on a live feed; never move it back.
                let now = clock.now().max(feed.last_time_ms);
                feed.engine.advance_time(now, &mut out);
                store_outputs(&store, &feed, &mut out, clock.now()).await?;
            }
            _ = publish.tick() => feed.publish_picture(clock.now()),
        }
    }
    feed.engine.finish(&mut out);
    store_outputs(&store, &feed, &mut out, clock.now()).await?;
    feed.publish_picture(clock.now());
    tracing::info!(feed = %feed.name, "feed ended");
    Ok(())
}

/// Starts a configured feed: its engine and its receivers, shown on the map.
pub async fn start(
    store: Arc<dyn Store>,
    clock: Arc<dyn jinghai_workflow::Clock>,
    cfg: &FeedConfig,
    picture: &Picture,
) -> Result<(), LiveError> {
    let files = Feed::read_files(cfg)?;
    let mut feed = Feed::new(&store, &cfg.name, &cfg.district, &files, clock.now()).await?;
    feed.show_on(picture);
    let (tx, rx) = jinghai_ingest::channel(10_000);
    for spec in &cfg.sources {
        let ctx = jinghai_ingest::SourceContext::new(tx.clone(), jinghai_ingest::Shutdown::never());
        let id = format!("{}/{}", cfg.name, spec);
        let invalid = |message: String| LiveError::Invalid {
            feed: cfg.name.clone(),
            message,
        };
        let built = if let Some(addr) = spec.strip_prefix("tcp://") {
            jinghai_ingest::TcpClientConfig::new(id, addr)
                .build(ctx)
                .await
        } else if let Some(addr) = spec.strip_prefix("tcp-listen://") {
            jinghai_ingest::TcpServerConfig::new(id, addr)
                .build(ctx)
                .await
        } else if let Some(addr) = spec.strip_prefix("udp://") {
            jinghai_ingest::UdpConfig::new(id, addr).build(ctx).await
        } else if let Some(path) = spec.strip_prefix("file://") {
            jinghai_ingest::FileConfig::new(id, path)
                .follow(true)
                .build(ctx)
                .await
        } else {
            return Err(invalid(format!(
                "unknown source {spec:?}: use tcp://, tcp-listen://, udp:// or file://"
            )));
        };
        let source = built.map_err(|e| invalid(format!("source {spec}: {e}")))?;
        tokio::spawn(async move {
            if let Err(e) = source.run().await {
                tracing::error!(error = %e, "AIS source stopped");
            }
        });
    }
    drop(tx);
    let name = cfg.name.clone();
    tokio::spawn(async move {
        if let Err(e) = run_feed(store, clock, feed, rx).await {
            tracing::error!(feed = %name, error = %e, "maritime feed stopped");
        }
    });
    Ok(())
}

// --- the live picture (the map) ---------------------------------------------

/// How often a running feed publishes its changed vessels to the picture.
pub const PUBLISH_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// A feed's place on the live map, and what changed since it last published.
struct PictureLink {
    feed: Arc<FeedPicture>,
    /// Vessels heard since the last publish, with the heading of their last
    /// position report (the engine keeps no heading).
    changed: FastMap<u32, Option<u16>>,
}

impl Feed {
    /// Shows this feed on the live map (replacing a feed of the same name).
    pub fn show_on(&mut self, picture: &Picture) {
        let feed = picture.attach(
            &self.name,
            self.district.clone(),
            self.engine.zones().clone(),
            self.engine.registry().clone(),
        );
        self.picture = Some(PictureLink {
            feed,
            changed: FastMap::default(),
        });
    }

    fn note_for_picture(&mut self, obs: &Observation) {
        if let Some(link) = &mut self.picture {
            match &obs.kind {
                ObservationKind::Position(p) => {
                    link.changed.insert(obs.mmsi, p.heading_deg);
                }
                ObservationKind::Static(_) => {
                    link.changed.entry(obs.mmsi).or_insert(None);
                }
            }
        }
    }

    /// Publishes the vessels heard since the last call, the feed's clock
    /// (its latest receive time, or the wall clock `wall_ms` when later) and
    /// the events still open.
    pub fn publish_picture(&mut self, wall_ms: i64) {
        let Some(link) = &mut self.picture else {
            return;
        };
        let now = self.engine.now_ms().unwrap_or(wall_ms).max(wall_ms);
        let engine = &self.engine;
        let updates: Vec<VesselUpdate> = link
            .changed
            .drain()
            .filter_map(|(mmsi, heading)| {
                let v = engine.vessel(mmsi)?;
                let pos = v.last_position?;
                Some(VesselUpdate {
                    mmsi,
                    name: v.name.map(str::to_string),
                    ship_type: v.ship_type,
                    lat: pos.lat,
                    lon: pos.lon,
                    sog: v.sog_kn,
                    cog: v.cog_deg,
                    heading,
                    time_ms: v.last_time_ms.unwrap_or(now),
                })
            })
            .collect();
        let open = engine
            .open_events()
            .into_iter()
            .map(OpenEvent::of)
            .collect();
        link.feed.publish(now, updates, Some(open));
    }

    fn note_alert_on_picture(&self, id: i64, e: &Event) {
        if let Some(link) = &self.picture {
            link.feed.note_alert(id, e);
        }
    }

    /// After the engine's registry changed (a registry edit picked up while
    /// running), shows the new records in the map's vessel panels.
    pub fn publish_registry(&self) {
        if let Some(link) = &self.picture {
            link.feed.set_registry(self.engine.registry().clone());
        }
    }

    /// After the engine's zones changed, draws the new zones on the map.
    pub fn publish_zones(&self) {
        if let Some(link) = &self.picture {
            link.feed.set_zones(self.engine.zones().clone());
        }
    }
}

// --- replaying a recording at a multiple of its pace -------------------------

/// The receive time of the first line of a recording that has one.
pub fn first_time_ms(nmea: &str) -> Option<i64> {
    nmea.lines()
        .find_map(|l| jinghai_ais::parse_line(l.as_bytes()).ok()?.time_ms)
}

/// Sends recorded lines at `speed`× the pace of their own receive times
/// (lines without a time go at once, with the line before them). Stops when
/// the receiver is gone.
pub async fn send_paced(nmea: &str, speed: f64, source: Arc<str>, tx: mpsc::Sender<RawLine>) {
    let speed = if speed.is_finite() && speed > 0.0 {
        speed
    } else {
        1.0
    };
    let start = tokio::time::Instant::now();
    let mut first = None;
    for line in nmea.lines() {
        if let Some(t) = jinghai_ais::parse_line(line.as_bytes())
            .ok()
            .and_then(|s| s.time_ms)
        {
            let t0 = *first.get_or_insert(t);
            let due =
                start + std::time::Duration::from_secs_f64((t - t0).max(0) as f64 / 1000.0 / speed);
            if due > tokio::time::Instant::now() {
                tokio::time::sleep_until(due).await;
            }
        }
        let raw = RawLine {
            bytes: line.as_bytes().to_vec(),
            received_ms: 0,
            source: source.clone(),
        };
        if tx.send(raw).await.is_err() {
            return;
        }
    }
}

/// A recording to replay through a feed of its own.
pub struct Replay<'a> {
    pub name: &'a str,
    pub district: &'a str,
    pub files: &'a FeedFiles,
    pub nmea: &'a str,
    /// Multiple of the recording's own pace (1 = as recorded).
    pub speed: f64,
    /// Where the recording's first line lands on the clock (epoch ms).
    pub start_ms: i64,
    pub run: i64,
}

/// Replays a recording through a new feed shown on the map, at its pace ×
/// `speed`, shifted so that it starts at `start_ms`; returns when it has
/// been played and every alert stored, with the shifted time of its last line.
pub async fn replay(
    store: Arc<dyn Store>,
    clock: Arc<dyn jinghai_workflow::Clock>,
    picture: &Picture,
    r: Replay<'_>,
) -> Result<i64, LiveError> {
    let invalid = |message: String| LiveError::Invalid {
        feed: r.name.to_string(),
        message,
    };
    let first = first_time_ms(r.nmea)
        .ok_or_else(|| invalid("the recording has no receive times".into()))?;
    let shift = r.start_ms - first;
    let mut feed = Feed::replay(&store, r.name, r.district, r.files, r.run, shift).await?;
    feed.show_on(picture);
    let (tx, rx) = jinghai_ingest::channel(4096);
    let source: Arc<str> = Arc::from(r.name);
    let sender = send_paced(r.nmea, r.speed, source, tx);
    let name = r.name.to_string();
    let (_, ran) = tokio::join!(sender, run_feed(store, clock, feed, rx));
    ran.map_err(|source| LiveError::Store { feed: name, source })?;
    let last = r
        .nmea
        .lines()
        .rev()
        .find_map(|l| jinghai_ais::parse_line(l.as_bytes()).ok()?.time_ms)
        .unwrap_or(first);
    Ok(last + shift)
}
