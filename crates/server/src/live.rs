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
use jinghai_workflow::registry::RegistryChange;
use serde::Deserialize;
use tokio::sync::{broadcast, mpsc};

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
    decoders: HashMap<Arc<str>, Decoder>,
    last_time_ms: i64,
    /// The district's 6-digit code: which registry changes concern this feed.
    pub district_code: String,
    /// Registry edits to follow while running (see [`Feed::from_store`]).
    registry_changes: Option<broadcast::Receiver<RegistryChange>>,
    /// The district the feed watches.
    pub district: jinghai_domain::Region,
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
        let reports = match &files.reports {
            Some(text) => {
                parse_port_reports(text, "reports", &zones).map_err(|e| invalid(e.to_string()))?
            }
            None => Vec::new(),
        };
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
            time_shift_ms: 0,
            engine: Engine::new(config, zones, registry, reports),
            decoders: HashMap::new(),
            last_time_ms: 0,
            district_code: code.as_str()[..6].to_string(),
            registry_changes: None,
            district: region,
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
                    store_port_entries(&store, &mut feed, clock.now()).await?;
                }
                None => break,
            },
            change = next_registry_change(&mut feed.registry_changes) => {
                apply_registry_change(&store, &mut feed, change, &mut out).await?;
                store_outputs(&store, &feed, &mut out, clock.now()).await?;
                // The map's vessel panels and zones follow the edit too.
                feed.publish_registry();
                feed.publish_zones();
            }
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
    store_port_entries(&store, &mut feed, clock.now()).await?;
    feed.publish_picture(clock.now());
    tracing::info!(feed = %feed.name, "feed ended");
    Ok(())
}

/// Starts a configured feed: its engine (from the district's registries in
/// the database, see [`Feed::from_store`]) and its receivers, shown on the
/// live map. `changes` carries registry edits made while it runs.
pub async fn start(
    store: Arc<dyn Store>,
    clock: Arc<dyn jinghai_workflow::Clock>,
    cfg: &FeedConfig,
    changes: Option<broadcast::Receiver<RegistryChange>>,
    picture: &Picture,
) -> Result<(), LiveError> {
    let mut feed = load(&store, &clock, cfg).await?;
    if let Some(rx) = changes {
        feed.follow_registry(rx);
    }
    feed.show_on(picture);
    let rx = spawn_sources(cfg).await?;
    let name = cfg.name.clone();
    tokio::spawn(async move {
        if let Err(e) = run_feed(store, clock, feed, rx).await {
            tracing::error!(feed = %name, error = %e, "maritime feed stopped");
        }
    });
    Ok(())
}

/// Loads a configured feed: its files, then its engine from the district's
/// registries (see [`Feed::from_store`]), its run starting now. [`start`]
/// and [`start_published`] share it so that a feed loads alike whether its
/// engine runs here or in the stream's workers.
async fn load(
    store: &Arc<dyn Store>,
    clock: &Arc<dyn jinghai_workflow::Clock>,
    cfg: &FeedConfig,
) -> Result<Feed, LiveError> {
    let files = Feed::read_files(cfg)?;
    Feed::from_store(
        store,
        clock,
        &cfg.name,
        &cfg.district,
        Some(&files),
        clock.now(),
    )
    .await
}

/// Starts a configured feed's receivers; their lines arrive on the channel.
async fn spawn_sources(cfg: &FeedConfig) -> Result<mpsc::Receiver<RawLine>, LiveError> {
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
    Ok(rx)
}

/// Starts a feed whose engine runs in the stream's workers (`[stream]`,
/// issue #10): its registries are imported as for a local feed (the workers
/// read them from the database), and its receivers' lines are published to
/// the broker instead of a local engine. Returns the feed as loaded (its
/// district, zones and registry), for [`show_stream_on_map`].
pub async fn start_published(
    store: Arc<dyn Store>,
    clock: Arc<dyn jinghai_workflow::Clock>,
    cfg: &FeedConfig,
    stream: jinghai_stream::StreamConfig,
) -> Result<Feed, LiveError> {
    let feed = load(&store, &clock, cfg).await?;
    let rx = spawn_sources(cfg).await?;
    let name = cfg.name.clone();
    tokio::spawn(async move {
        if let Err(e) = jinghai_stream::publish_lines(stream, rx).await {
            tracing::error!(feed = %name, error = %e, "publishing to the stream stopped");
        }
    });
    Ok(feed)
}

/// How far back a web node reads the stream when it starts drawing a
/// stream feed: long enough for every vessel's position and most names
/// (static data comes every 6 minutes), short enough to start at once.
pub const STREAM_MAP_BACK: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Draws a stream feed (`[stream]`, engines in the workers) on this node's
/// live map: vessels from the stream itself (every partition, read from
/// [`STREAM_MAP_BACK`] ago), alerts as the workers store them (polled from
/// the database). Any number of web nodes draw the same picture, whichever
/// node publishes the receivers. Open episodes the engines follow are not
/// drawn (they live in the workers' memory); stored alerts are.
pub fn show_stream_on_map(
    store: Arc<dyn Store>,
    clock: Arc<dyn jinghai_workflow::Clock>,
    loaded: &Feed,
    stream: jinghai_stream::StreamConfig,
    picture: &Picture,
) {
    let feed = picture.attach(
        &loaded.name,
        loaded.district.clone(),
        loaded.engine.zones().clone(),
        loaded.engine.registry().clone(),
    );
    let (tx, mut rx) = mpsc::channel::<jinghai_stream::Bytes>(4096);
    tokio::spawn(jinghai_stream::tail(stream, STREAM_MAP_BACK, tx));
    let vessels_feed = feed.clone();
    let vessels_clock = clock.clone();
    tokio::spawn(async move {
        let mut decoders: HashMap<Arc<str>, Decoder> = HashMap::new();
        let mut statics: FastMap<u32, (Option<String>, Option<u8>)> = FastMap::default();
        let mut changed: FastMap<u32, VesselUpdate> = FastMap::default();
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(500));
        loop {
            tokio::select! {
                payload = rx.recv() => {
                    let Some(payload) = payload else { return };
                    let Some(p) = jinghai_stream::route::decode_payload(&payload) else { continue };
                    let decoder = match decoders.get_mut(p.source) {
                        Some(d) => d,
                        None => decoders.entry(Arc::from(p.source)).or_default(),
                    };
                    for line in p.lines {
                        let Ok(Some(decoded)) = decoder.decode_line(line.as_bytes()) else { continue };
                        let time_ms = decoded.time_or(p.received_ms);
                        let Some(obs) = jinghai_engine::from_ais::observation(&decoded, time_ms) else { continue };
                        match obs.kind {
                            ObservationKind::Static(st) => {
                                let entry = statics.entry(obs.mmsi).or_default();
                                if let Some(name) = st.name {
                                    entry.0 = Some(name.as_str().to_string());
                                }
                                if st.ship_type.is_some() {
                                    entry.1 = st.ship_type;
                                }
                            }
                            ObservationKind::Position(pos) => {
                                let (name, ship_type) = statics.get(&obs.mmsi).cloned().unwrap_or_default();
                                let newer = changed.get(&obs.mmsi).is_none_or(|u| u.time_ms <= obs.time_ms);
                                if newer {
                                    changed.insert(obs.mmsi, VesselUpdate {
                                        mmsi: obs.mmsi,
                                        name,
                                        ship_type,
                                        lat: pos.lat,
                                        lon: pos.lon,
                                        sog: pos.sog_kn,
                                        cog: pos.cog_deg,
                                        heading: pos.heading_deg,
                                        time_ms: obs.time_ms,
                                    });
                                }
                            }
                        }
                    }
                }
                _ = tick.tick() => {
                    if !changed.is_empty() {
                        let updates: Vec<VesselUpdate> = changed.drain().map(|(_, u)| u).collect();
                        vessels_feed.publish(vessels_clock.now(), updates, None);
                    }
                }
            }
        }
    });
    // Alerts the workers store, pushed to the map as they appear.
    let scope = jinghai_workflow::registry::system_scope(&loaded.district_code);
    let name = loaded.name.clone();
    tokio::spawn(async move {
        let mut last: Option<i64> = None;
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
        loop {
            tick.tick().await;
            let filter = jinghai_domain::alert::AlertFilter {
                after_id: last,
                ..Default::default()
            };
            match store.find_alerts(&scope, &filter, 500).await {
                Ok(alerts) => {
                    let mut ids: Vec<&jinghai_domain::alert::Alert> = alerts.iter().collect();
                    ids.sort_by_key(|a| a.id);
                    // At start only the newest id is taken: older alerts are on the desk.
                    if last.is_some() {
                        for a in &ids {
                            feed.note_stored_alert(a);
                        }
                    }
                    let newest = ids.last().map(|a| a.id).unwrap_or(0);
                    last = Some(last.unwrap_or(0).max(newest));
                }
                Err(e) => {
                    tracing::warn!(feed = %name, error = %e, "stored alerts not read for the map")
                }
            }
        }
    });
}

// --- registries from the database, followed live -------------------------

impl Feed {
    /// Builds a feed's engine from its district's registries in the
    /// database. The configured files are imported first when the district
    /// has no places, vessels or port reports yet (a new installation, the
    /// demo, the tests); after that the database is what counts and edits in
    /// the UI reach the engine through [`Feed::follow_registry`]. The engine
    /// also keeps the fishing-port entries it sees, for reconciliation.
    pub async fn from_store(
        store: &Arc<dyn Store>,
        clock: &Arc<dyn jinghai_workflow::Clock>,
        name: &str,
        district: &str,
        files: Option<&FeedFiles>,
        run: i64,
    ) -> Result<Feed, LiveError> {
        let invalid = |message: String| LiveError::Invalid {
            feed: name.to_string(),
            message,
        };
        let user =
            |e: jinghai_workflow::WorkflowError| invalid(e.user_message(jinghai_domain::Lang::En));
        let code = jinghai_domain::RegionCode::parse(district).map_err(|e| invalid(e.en))?;
        let region = store
            .find_region_by_code(code.as_str())
            .await
            .map_err(|source| LiveError::Store {
                feed: name.into(),
                source,
            })?
            .ok_or_else(|| invalid(format!("district {district} does not exist")))?;
        if let Some(files) = files {
            let imported = jinghai_workflow::registry::import_feed_files(
                store,
                clock,
                &region,
                &files.zones,
                &files.vessels,
                files.reports.as_deref(),
            )
            .await
            .map_err(user)?;
            if imported {
                tracing::info!(
                    feed = name,
                    "imported the configured zones, vessels and reports into the database"
                );
            }
        }
        let district_code = code.as_str()[..6].to_string();
        let data = jinghai_workflow::registry::load_feed(store, &district_code)
            .await
            .map_err(user)?;
        let config: EngineConfig = match files.and_then(|f| f.engine.as_ref()) {
            Some(text) => {
                toml::from_str(text).map_err(|e| invalid(format!("engine settings: {e}")))?
            }
            None => EngineConfig::default(),
        };
        let mut engine = Engine::new(config, data.zones, data.registry, data.reports);
        engine.record_port_entries(true);
        Ok(Feed {
            name: name.to_string(),
            region_id: region.id,
            run,
            time_shift_ms: 0,
            engine,
            decoders: HashMap::new(),
            last_time_ms: 0,
            district_code,
            registry_changes: None,
            district: region,
            picture: None,
        })
    }

    /// Applies registry edits (vessels, places, port reports) while running.
    pub fn follow_registry(&mut self, changes: broadcast::Receiver<RegistryChange>) {
        self.registry_changes = Some(changes);
    }
}

/// What the feed's change channel said.
pub enum ChangeEvent {
    Change(Box<RegistryChange>),
    /// Changes were missed (the channel overflowed): reload everything.
    Missed,
}

/// The next registry change; pending forever when the feed follows none.
async fn next_registry_change(rx: &mut Option<broadcast::Receiver<RegistryChange>>) -> ChangeEvent {
    loop {
        let Some(r) = rx.as_mut() else {
            return std::future::pending().await;
        };
        match r.recv().await {
            Ok(change) => return ChangeEvent::Change(Box::new(change)),
            Err(broadcast::error::RecvError::Lagged(_)) => return ChangeEvent::Missed,
            Err(broadcast::error::RecvError::Closed) => *rx = None,
        }
    }
}

/// Applies one registry change to the feed's engine: a vessel upserted, a
/// port report added, or the district's zones replaced from the database.
pub async fn apply_registry_change(
    store: &Arc<dyn Store>,
    feed: &mut Feed,
    change: ChangeEvent,
    out: &mut Vec<EngineOutput>,
) -> Result<(), jinghai_store::StoreError> {
    let district_code = feed.district_code.clone();
    let mine = |code: &str| code.starts_with(&district_code);
    let change = match change {
        ChangeEvent::Change(c) => Some(*c),
        ChangeEvent::Missed => None,
    };
    match change {
        Some(RegistryChange::Vessel(v)) if mine(&v.region_code) => {
            if let Some(record) = jinghai_workflow::registry::engine_vessel(&v) {
                feed.engine.upsert_vessel(record);
            }
        }
        Some(RegistryChange::PortReport(r)) if mine(&r.region_code) => {
            if let Some(report) = jinghai_workflow::registry::engine_report(&r) {
                feed.engine.add_port_report(&report);
            }
        }
        Some(RegistryChange::Places { district }) if district == district_code => {
            reload_zones(store, feed, out).await?;
        }
        Some(_) => {}
        None => {
            tracing::warn!(feed = %feed.name, "registry changes missed; reloading the registries");
            match jinghai_workflow::registry::load_feed(store, &feed.district_code).await {
                Ok(data) => {
                    for mmsi in data.registry.mmsis() {
                        if let Some(r) = data.registry.get(mmsi) {
                            feed.engine.upsert_vessel(r.clone());
                        }
                    }
                    feed.engine.replace_zones(data.zones, out);
                    for r in &data.reports {
                        feed.engine.add_port_report(r);
                    }
                }
                Err(e) => {
                    tracing::error!(feed = %feed.name, error = %e, "cannot reload the registries")
                }
            }
        }
    }
    Ok(())
}

async fn reload_zones(
    store: &Arc<dyn Store>,
    feed: &mut Feed,
    out: &mut Vec<EngineOutput>,
) -> Result<(), jinghai_store::StoreError> {
    let scope = jinghai_workflow::registry::system_scope(&feed.district_code);
    let places = store.list_places(&scope).await?;
    match jinghai_workflow::registry::zone_set(&places) {
        Ok(zones) => {
            feed.engine.replace_zones(zones, out);
            tracing::info!(feed = %feed.name, zones = feed.engine.zones().zones().len(), "zones reloaded");
        }
        // Every place was validated when written; keep the running zones.
        Err(e) => {
            tracing::error!(feed = %feed.name, error = %e, "stored places are invalid; zones kept")
        }
    }
    Ok(())
}

/// Stores the fishing-port entries the engine saw (for reconciliation).
async fn store_port_entries(
    store: &Arc<dyn Store>,
    feed: &mut Feed,
    now: i64,
) -> Result<(), jinghai_store::StoreError> {
    for e in feed.engine.drain_port_entries() {
        let entry = jinghai_store::PortEntryWrite {
            region_id: feed.region_id,
            mmsi: i64::from(e.mmsi),
            port_code: e.port_zone_id,
            entry_at: e.time_ms,
            lat: e.pos.lat,
            lon: e.pos.lon,
        };
        store.record_port_entry(now, &entry).await?;
    }
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

/// Moves the `reported_at` column of a FORMATS.md port-report CSV by `shift_ms`.
pub fn shift_port_reports(csv: &str, shift_ms: i64) -> Result<String, String> {
    let mut lines = csv.lines();
    let header = lines.next().unwrap_or_default();
    let at = header
        .split(',')
        .position(|c| c.trim() == "reported_at")
        .ok_or("the port reports have no reported_at column")?;
    let mut out = format!("{header}\n");
    for (n, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        let cell = cells
            .get_mut(at)
            .ok_or_else(|| format!("port reports line {}: no reported_at", n + 2))?;
        let t = jinghai_engine::time::parse_rfc3339(cell.trim())
            .ok_or_else(|| format!("port reports line {}: bad time {cell:?}", n + 2))?;
        *cell = jinghai_engine::time::format_rfc3339(t + shift_ms);
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    Ok(out)
}

/// A recording to replay through a feed of its own.
pub struct Replay<'a> {
    pub name: &'a str,
    pub district: &'a str,
    /// Its zones, registry and port reports, with the recording's own dates.
    pub files: &'a FeedFiles,
    pub nmea: &'a str,
    /// Multiple of the recording's own pace (1 = as recorded).
    pub speed: f64,
    /// Where the recording's first line lands on the clock (epoch ms).
    pub start_ms: i64,
    pub run: i64,
    /// Registry edits to follow while it plays.
    pub changes: Option<broadcast::Receiver<RegistryChange>>,
}

/// Replays a recording through a new feed shown on the map, at its pace ×
/// `speed`, shifted so that it starts at `start_ms`; returns when it has
/// been played and every alert stored, with the shifted time of its last line.
///
/// The files become the district's registries the first time (as a
/// configured feed's do); the port reports are filed again, shifted, on each
/// replay — as captains would report each trip — so that an arrival report
/// still precedes its port entry (unshifted, every entry would look unreported).
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
    let user =
        |e: jinghai_workflow::WorkflowError| invalid(e.user_message(jinghai_domain::Lang::En));
    let first = first_time_ms(r.nmea)
        .ok_or_else(|| invalid("the recording has no receive times".into()))?;
    let shift = r.start_ms - first;
    let reports = r
        .files
        .reports
        .as_deref()
        .map(|csv| shift_port_reports(csv, shift))
        .transpose()
        .map_err(invalid)?;
    let files = FeedFiles {
        zones: r.files.zones.clone(),
        vessels: r.files.vessels.clone(),
        reports: reports.clone(),
        engine: r.files.engine.clone(),
    };
    let code = jinghai_domain::RegionCode::parse(r.district).map_err(|e| invalid(e.en))?;
    let district = store
        .find_region_by_code(code.as_str())
        .await
        .map_err(|source| LiveError::Store {
            feed: r.name.into(),
            source,
        })?
        .ok_or_else(|| invalid(format!("district {} does not exist", r.district)))?;
    let imported = jinghai_workflow::registry::import_feed_files(
        &store,
        &clock,
        &district,
        &files.zones,
        &files.vessels,
        files.reports.as_deref(),
    )
    .await
    .map_err(user)?;
    if let (false, Some(reports)) = (imported, &reports) {
        jinghai_workflow::registry::file_port_reports(&store, &clock, &district, reports)
            .await
            .map_err(user)?;
    }
    let mut feed =
        Feed::from_store(&store, &clock, r.name, r.district, Some(&files), r.run).await?;
    feed.time_shift_ms = shift;
    if let Some(rx) = r.changes {
        feed.follow_registry(rx);
    }
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

/// The registry rows of the configured feeds, for matching inbound ship
/// calls (issue #8). The files were checked when the feeds started; one
/// that cannot be read here is logged and skipped.
pub fn registry_of_feeds(feeds: &[FeedConfig]) -> Vec<jinghai_workflow::intl::RegistryVessel> {
    let mut out = Vec::new();
    for f in feeds {
        match std::fs::read_to_string(&f.vessels) {
            Ok(text) => out.extend(registry_rows(&text)),
            Err(e) => {
                tracing::warn!(feed = %f.name, error = %e, "vessel registry not loaded for ship matching")
            }
        }
    }
    out
}

/// The rows of a registry CSV (FORMATS.md) as ship-call matching sees them:
/// MMSI, name, flag, and an IMO number when the registry number is one.
pub fn registry_rows(csv: &str) -> Vec<jinghai_workflow::intl::RegistryVessel> {
    let Ok(registry) = Registry::from_csv(csv, "vessels") else {
        return Vec::new();
    };
    registry
        .records()
        .map(|r| jinghai_workflow::intl::RegistryVessel {
            mmsi: r.mmsi as i64,
            imo: jinghai_domain::intl::parse_imo(&r.registry_no)
                .ok()
                .flatten(),
            name: r.name.clone(),
            flag: r.flag.clone(),
            international: r.international,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn port_report_times_shift_and_bad_ones_are_named() {
        let csv = "mmsi,kind,port_zone_id,reported_at,persons_aboard\n412000001,arrival,F1,2021-03-23T01:11:24Z,8\n";
        let shifted = super::shift_port_reports(csv, 3_600_000).unwrap();
        assert!(
            shifted.contains("412000001,arrival,F1,2021-03-23T02:11:24Z,8"),
            "{shifted}"
        );
        let e = super::shift_port_reports(
            "mmsi,kind,port_zone_id,reported_at\n1,arrival,F1,yesterday\n",
            0,
        )
        .unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        assert!(super::shift_port_reports("mmsi,kind\n", 0).is_err());
    }
}
