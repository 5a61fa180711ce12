//! The live maritime picture: where every vessel of every running feed is
//! now, and where it was over the last day — in memory, for the map.
//!
//! A running feed (`jinghai_server::live`) publishes vessel snapshots here
//! about twice a second; map requests read them. Nothing here does IO.
//!
//! - **Spatial index.** Each feed keeps its vessels in a grid of
//!   [`CELL_DEG`]° cells, so a viewport query visits only the cells it
//!   covers (or, for a wide view, only the occupied cells).
//! - **Clusters.** Below zoom [`CLUSTER_BELOW_ZOOM`] with more than
//!   [`CLUSTER_ABOVE_VESSELS`] vessels in view, or with more than
//!   [`MAX_VESSELS_IN_VIEW`] at any zoom, a query answers counted clusters
//!   (about [`CLUSTER_PX`] screen pixels wide) instead of vessels.
//! - **Track history, bounded.** Per vessel, a downsampled track of the last
//!   [`HISTORY_SPAN_MS`] (24 h): a point at most every [`HISTORY_MIN_STEP_MS`],
//!   and a still vessel only every [`HISTORY_STILL_STEP_MS`]; never more than
//!   [`HISTORY_MAX_POINTS`] points (12 bytes each, so at most ~6 KB a vessel).
//!   When full, it is compacted by age ([`HISTORY_TIERS`]: the last hour at
//!   30 s, up to 6 h at 2 min, up to 24 h at 6 min), so a busy day keeps its
//!   whole span with recent hours finest. A vessel silent for
//!   [`DROP_AFTER_MS`] leaves the picture with its history. Bound: about
//!   6 KB of history plus ~150 bytes of snapshot per vessel heard in the last
//!   24 h — at most ~62 MB for 10,000 vessels.
//! - **Scoping.** A feed belongs to a district. A user sees the feeds whose
//!   district is in their scope (district, city, province users) or whose
//!   district contains their region (a town's or village's users watch their
//!   district's sea: coves and landings are town work, and the sea is not
//!   divided by town). Alerts keep their own scoping (the store's): the
//!   alert notes pushed to the map follow the alert rule, not the feed rule.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use jinghai_domain::time::HOUR;
use jinghai_domain::{Region, Scope};
use jinghai_engine::geo::{distance_m, LatLon};
use jinghai_engine::{Event, FastMap, Registry, VesselKind, ZoneKind, ZoneSet};
use serde::Serialize;

/// Grid cell size of the spatial index, degrees (about 2 km).
pub const CELL_DEG: f64 = 0.02;
/// Below this zoom a crowded viewport is answered with clusters...
pub const CLUSTER_BELOW_ZOOM: u8 = 11;
/// ...when it holds more than this many vessels (a sparse sea is drawn
/// vessel by vessel at any zoom).
pub const CLUSTER_ABOVE_VESSELS: usize = 300;
/// More vessels than this in view are answered with clusters at any zoom.
pub const MAX_VESSELS_IN_VIEW: usize = 2000;
/// Width of a cluster on screen, pixels (256-pixel web-Mercator tiles).
pub const CLUSTER_PX: f64 = 60.0;
/// A vessel silent this long is drawn as dark (AIS off or out of range).
pub const DARK_AFTER_MS: i64 = 10 * 60_000;
/// Slower than this (knots) is stopped.
pub const STOPPED_BELOW_KN: f32 = 0.5;
/// A vessel silent this long leaves the picture.
pub const DROP_AFTER_MS: i64 = 24 * HOUR;
/// How far back a vessel's track is kept.
pub const HISTORY_SPAN_MS: i64 = 24 * HOUR;
/// At most one track point per this interval.
pub const HISTORY_MIN_STEP_MS: i64 = 30_000;
/// A vessel that moved less than [`HISTORY_MIN_MOVE_M`] keeps a point only this often.
pub const HISTORY_STILL_STEP_MS: i64 = 10 * 60_000;
/// Movement below this (metres) counts as still.
pub const HISTORY_MIN_MOVE_M: f64 = 50.0;
/// Most track points kept per vessel.
pub const HISTORY_MAX_POINTS: usize = 512;
/// Resolution by age, when a full history is compacted: (age up to, one point per).
/// At most 120 + 150 + 180 = 450 points survive a compaction.
pub const HISTORY_TIERS: [(i64, i64); 3] = [
    (HOUR, 30_000),
    (6 * HOUR, 2 * 60_000),
    (24 * HOUR, 6 * 60_000),
];
/// Alert notes kept per feed for the live push.
const ALERT_NOTES_KEPT: usize = 256;
/// Vessel updates applied per hold of a feed's write lock.
const PUBLISH_CHUNK: usize = 256;

/// Moving, stopped, or dark (silent for [`DARK_AFTER_MS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VesselState {
    Moving,
    Stopped,
    Dark,
}

/// One vessel as the map draws it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VesselSnapshot {
    pub mmsi: u32,
    /// The registry's name, else the AIS name, else empty.
    pub name: String,
    /// The name the vessel broadcasts, when it differs from `name`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ais_name: String,
    /// A FORMATS.md vessel kind (`fishing`, `cargo` …) from the registry, else
    /// from the AIS ship type; `unknown` when neither says.
    pub kind: &'static str,
    pub registered: bool,
    pub state: VesselState,
    pub lat: f64,
    pub lon: f64,
    /// Knots.
    pub sog: Option<f32>,
    /// Degrees true.
    pub cog: Option<f32>,
    /// Degrees true.
    pub heading: Option<u16>,
    /// Receive time of the last position, epoch ms (the feed's clock).
    pub last_ms: i64,
}

/// What a feed tells the picture about one vessel.
#[derive(Debug, Clone, PartialEq)]
pub struct VesselUpdate {
    pub mmsi: u32,
    pub name: Option<String>,
    pub ship_type: Option<u8>,
    pub lat: f64,
    pub lon: f64,
    pub sog: Option<f32>,
    pub cog: Option<f32>,
    pub heading: Option<u16>,
    pub time_ms: i64,
}

/// One point of a track.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrackPoint {
    pub time_ms: i64,
    pub lat: f64,
    pub lon: f64,
}

/// An engine event still going on (an encounter, a landing stop …).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenEvent {
    pub kind: &'static str,
    pub mmsi: u32,
    pub other_mmsi: Option<u32>,
    pub start_ms: i64,
    pub lat: f64,
    pub lon: f64,
    pub zone_id: Option<String>,
}

impl OpenEvent {
    pub fn of(e: &Event) -> OpenEvent {
        OpenEvent {
            kind: e.kind.as_str(),
            mmsi: e.mmsi,
            other_mmsi: e.other_mmsi,
            start_ms: e.start_ms,
            lat: e.lat,
            lon: e.lon,
            zone_id: e.zone_id.clone(),
        }
    }
}

/// A new alert, as pushed to the map (the stored alert has the rest).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertNote {
    /// The stored alert's id.
    pub id: i64,
    pub kind: &'static str,
    pub mmsi: u32,
    pub other_mmsi: Option<u32>,
    pub start_ms: i64,
    pub lat: f64,
    pub lon: f64,
    pub zone_id: Option<String>,
    #[serde(skip)]
    seq: u64,
}

/// A feed as the map lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedInfo {
    pub name: String,
    pub district_code: String,
    pub district_name: String,
    /// The feed's clock (its latest receive time, or the wall clock when later).
    pub now_ms: i64,
    pub vessels: usize,
    /// `[min_lon, min_lat, max_lon, max_lat]` of its jurisdiction (else of all zones).
    pub bbox: Option<[f64; 4]>,
}

/// A counted group of vessels at a low zoom.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    /// Mean position of the members.
    pub lat: f64,
    pub lon: f64,
    pub count: usize,
}

/// A viewport: bounding box (degrees) and web-map zoom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
    pub zoom: u8,
}

impl Viewport {
    /// The whole world at a zoom where vessels are drawn one by one.
    pub fn world() -> Viewport {
        Viewport {
            min_lon: -180.0,
            min_lat: -90.0,
            max_lon: 180.0,
            max_lat: 90.0,
            zoom: 14,
        }
    }

    fn contains(&self, lat: f64, lon: f64) -> bool {
        lat >= self.min_lat && lat <= self.max_lat && lon >= self.min_lon && lon <= self.max_lon
    }
}

/// What a viewport query answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ViewportAnswer {
    pub feeds: Vec<FeedInfo>,
    /// True when `clusters` stands for the vessels (low zoom or too many).
    pub clustered: bool,
    /// Vessels in view (changed since `since`, when asked for changes).
    pub vessels: Vec<VesselSnapshot>,
    pub clusters: Vec<Cluster>,
    /// Vessels in view in all.
    pub total: usize,
    /// Pass as `since` to get only what changed after this answer.
    pub seq: u64,
}

/// A vessel found by name or MMSI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    #[serde(flatten)]
    pub vessel: VesselSnapshot,
    pub feed: String,
    pub district_name: String,
}

/// The vessel kind names of FORMATS.md.
pub fn kind_name(kind: VesselKind) -> &'static str {
    match kind {
        VesselKind::Fishing => "fishing",
        VesselKind::Cargo => "cargo",
        VesselKind::Tanker => "tanker",
        VesselKind::Passenger => "passenger",
        VesselKind::Speedboat => "speedboat",
        VesselKind::Service => "service",
        VesselKind::LawEnforcement => "law_enforcement",
        VesselKind::Other => "other",
    }
}

/// A vessel kind from an ITU ship-and-cargo type, for vessels not in the registry.
pub fn kind_of_ship_type(ship_type: Option<u8>) -> &'static str {
    match ship_type {
        None | Some(0) => "unknown",
        Some(30) => "fishing",
        Some(40..=49) => "speedboat",
        Some(55) => "law_enforcement",
        Some(31..=35 | 50..=54 | 56..=59) => "service",
        Some(60..=69) => "passenger",
        Some(70..=79) => "cargo",
        Some(80..=89) => "tanker",
        Some(_) => "other",
    }
}

/// A point of a track history (12 bytes).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Compact {
    time_s: u32,
    lat_e7: i32,
    lon_e7: i32,
}

impl Compact {
    fn new(time_ms: i64, lat: f64, lon: f64) -> Compact {
        Compact {
            time_s: (time_ms / 1000).clamp(0, i64::from(u32::MAX)) as u32,
            lat_e7: (lat * 1e7).round() as i32,
            lon_e7: (lon * 1e7).round() as i32,
        }
    }
    fn time_ms(&self) -> i64 {
        i64::from(self.time_s) * 1000
    }
    fn point(&self) -> TrackPoint {
        TrackPoint {
            time_ms: self.time_ms(),
            lat: f64::from(self.lat_e7) / 1e7,
            lon: f64::from(self.lon_e7) / 1e7,
        }
    }
}

/// A vessel's downsampled track over the last [`HISTORY_SPAN_MS`], bounded to
/// [`HISTORY_MAX_POINTS`] points (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct TrackHistory {
    points: VecDeque<Compact>,
}

impl TrackHistory {
    /// Offers a position; keeps it when the downsampling rule says so.
    pub fn offer(&mut self, time_ms: i64, lat: f64, lon: f64) {
        if let Some(last) = self.points.back() {
            let since = time_ms - last.time_ms();
            if since < HISTORY_MIN_STEP_MS {
                return;
            }
            let p = last.point();
            let moved = distance_m(LatLon::new(p.lat, p.lon), LatLon::new(lat, lon));
            if since < HISTORY_STILL_STEP_MS && moved < HISTORY_MIN_MOVE_M {
                return;
            }
        }
        let oldest_kept = time_ms - HISTORY_SPAN_MS;
        while self
            .points
            .front()
            .is_some_and(|p| p.time_ms() < oldest_kept)
        {
            self.points.pop_front();
        }
        if self.points.len() >= HISTORY_MAX_POINTS {
            self.compact(time_ms);
        }
        self.points.push_back(Compact::new(time_ms, lat, lon));
    }

    /// Keeps the first point of each time bucket, buckets growing with age
    /// ([`HISTORY_TIERS`]).
    fn compact(&mut self, now_ms: i64) {
        let bucket = |p: &Compact| {
            let age = now_ms - p.time_ms();
            let (tier, step) = HISTORY_TIERS
                .iter()
                .enumerate()
                .find(|(_, (upto, _))| age <= *upto)
                .map(|(i, (_, step))| (i, *step))
                .unwrap_or((HISTORY_TIERS.len(), HISTORY_SPAN_MS));
            (tier, p.time_ms().div_euclid(step))
        };
        let mut last = None;
        self.points.retain(|p| {
            let b = bucket(p);
            let keep = last != Some(b);
            last = Some(b);
            keep
        });
    }

    /// The kept points within `[from_ms, to_ms]`, oldest first.
    pub fn between(&self, from_ms: i64, to_ms: i64) -> Vec<TrackPoint> {
        self.points
            .iter()
            .filter(|p| (from_ms..=to_ms).contains(&p.time_ms()))
            .map(Compact::point)
            .collect()
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Time of the oldest kept point.
    pub fn oldest_ms(&self) -> Option<i64> {
        self.points.front().map(Compact::time_ms)
    }

    /// Bytes held for the points.
    pub fn bytes(&self) -> usize {
        self.points.capacity() * std::mem::size_of::<Compact>()
    }
}

type Cell = (i32, i32);

fn cell_of(lat: f64, lon: f64) -> Cell {
    (
        (lat / CELL_DEG).floor() as i32,
        (lon / CELL_DEG).floor() as i32,
    )
}

struct LiveVessel {
    snap: VesselSnapshot,
    cell: Cell,
    history: TrackHistory,
    /// Picture-wide sequence number of its last change.
    seq: u64,
}

struct FeedState {
    /// The feed's clock.
    now_ms: i64,
    vessels: FastMap<u32, LiveVessel>,
    grid: FastMap<Cell, Vec<u32>>,
    zones: Arc<ZoneSet>,
    registry: Arc<Registry>,
    bbox: Option<[f64; 4]>,
    open_events: Vec<OpenEvent>,
    alerts: VecDeque<AlertNote>,
}

/// One feed's part of the picture. Published by the feed, read by requests.
pub struct FeedPicture {
    pub name: String,
    pub district: Region,
    seq: Arc<AtomicU64>,
    state: RwLock<FeedState>,
}

// A panic while a lock is held leaves plain data behind (no invariant spans
// two fields for long), so a poisoned lock is still read.
fn read<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|e| e.into_inner())
}
fn write<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|e| e.into_inner())
}

fn zones_bbox(zones: &ZoneSet) -> Option<[f64; 4]> {
    let pick = |only_jurisdiction: bool| {
        zones
            .zones()
            .iter()
            .filter(|z| !only_jurisdiction || z.kind == ZoneKind::Jurisdiction)
            .map(|z| {
                [
                    z.bbox.min_lon,
                    z.bbox.min_lat,
                    z.bbox.max_lon,
                    z.bbox.max_lat,
                ]
            })
            .reduce(|a, b| {
                [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ]
            })
    };
    pick(true).or_else(|| pick(false))
}

fn state_at(snap: &VesselSnapshot, now_ms: i64) -> VesselState {
    if now_ms - snap.last_ms > DARK_AFTER_MS {
        VesselState::Dark
    } else if snap.sog.is_some_and(|s| s < STOPPED_BELOW_KN) {
        VesselState::Stopped
    } else {
        VesselState::Moving
    }
}

impl FeedPicture {
    fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Whether a user with `scope` sees this feed's vessels (module docs).
    pub fn visible_to(&self, scope: &Scope) -> bool {
        scope.covers_region(self.district.code.as_str())
            || self.district.contains_code(&scope.region_prefix)
    }

    /// Whether a user with `scope` sees this feed's alerts (the store's rule:
    /// the alert's region, which is the feed's district).
    pub fn alerts_visible_to(&self, scope: &Scope) -> bool {
        scope.covers_region(self.district.code.as_str())
    }

    /// Takes in what changed: vessel updates, the feed's clock, the events
    /// still open. Vessels silent for [`DROP_AFTER_MS`] leave.
    pub fn publish(
        &self,
        now_ms: i64,
        updates: impl IntoIterator<Item = VesselUpdate>,
        open_events: Option<Vec<OpenEvent>>,
    ) {
        let mut updates = updates.into_iter().peekable();
        // In chunks, letting readers in between: a busy feed's publish of
        // thousands of vessels never holds a map request up for long.
        // (Vessels are independent; a reader may see half a publish.)
        while updates.peek().is_some() {
            self.publish_some(now_ms, updates.by_ref().take(PUBLISH_CHUNK));
        }
        let mut st = write(&self.state);
        st.now_ms = st.now_ms.max(now_ms);
        if let Some(open) = open_events {
            st.open_events = open;
        }
        let cutoff = st.now_ms - DROP_AFTER_MS;
        let FeedState { vessels, grid, .. } = &mut *st;
        vessels.retain(|&mmsi, v| {
            let keep = v.snap.last_ms >= cutoff;
            if !keep {
                remove_from_cell(grid, v.cell, mmsi);
            }
            keep
        });
    }

    fn publish_some(&self, now_ms: i64, updates: impl Iterator<Item = VesselUpdate>) {
        let mut st = write(&self.state);
        st.now_ms = st.now_ms.max(now_ms);
        let registry = st.registry.clone();
        for u in updates {
            let seq = self.next_seq();
            let record = registry.get(u.mmsi);
            let kind = match record {
                Some(r) => kind_name(r.kind),
                None => kind_of_ship_type(u.ship_type),
            };
            let registered = record.is_some();
            let cell = cell_of(u.lat, u.lon);
            let FeedState { vessels, grid, .. } = &mut *st;
            let v = vessels.entry(u.mmsi).or_insert_with(|| {
                grid.entry(cell).or_default().push(u.mmsi);
                LiveVessel {
                    snap: VesselSnapshot {
                        mmsi: u.mmsi,
                        name: String::new(),
                        ais_name: String::new(),
                        kind,
                        registered,
                        state: VesselState::Moving,
                        lat: u.lat,
                        lon: u.lon,
                        sog: None,
                        cog: None,
                        heading: None,
                        last_ms: u.time_ms,
                    },
                    cell,
                    history: TrackHistory::default(),
                    seq,
                }
            });
            if v.cell != cell {
                remove_from_cell(grid, v.cell, u.mmsi);
                grid.entry(cell).or_default().push(u.mmsi);
                v.cell = cell;
            }
            let ais_name = u.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
            let name = record
                .map(|r| r.name.trim())
                .filter(|n| !n.is_empty())
                .or(ais_name)
                .unwrap_or("");
            let ais_name = ais_name.filter(|a| *a != name).unwrap_or("");
            if v.snap.name != name {
                v.snap.name = name.to_string();
            }
            if v.snap.ais_name != ais_name {
                v.snap.ais_name = ais_name.to_string();
            }
            v.snap.kind = kind;
            v.snap.registered = registered;
            v.snap.lat = u.lat;
            v.snap.lon = u.lon;
            v.snap.sog = u.sog;
            v.snap.cog = u.cog;
            if u.heading.is_some() {
                v.snap.heading = u.heading;
            }
            v.snap.last_ms = v.snap.last_ms.max(u.time_ms);
            v.history.offer(u.time_ms, u.lat, u.lon);
            v.seq = seq;
        }
    }

    /// Notes a new alert for the live push.
    pub fn note_alert(&self, id: i64, e: &Event) {
        // The number is taken under the lock, as `publish` does: a reader that
        // saw the counter then waits for the lock sees everything numbered up to it.
        let mut st = write(&self.state);
        let seq = self.next_seq();
        if st.alerts.len() >= ALERT_NOTES_KEPT {
            st.alerts.pop_front();
        }
        st.alerts.push_back(AlertNote {
            id,
            kind: e.kind.as_str(),
            mmsi: e.mmsi,
            other_mmsi: e.other_mmsi,
            start_ms: e.start_ms,
            lat: e.lat,
            lon: e.lon,
            zone_id: e.zone_id.clone(),
            seq,
        });
    }

    /// Notes an alert that another process stored (a stream worker's), read
    /// back from the database, for the live push. Kinds the engine does not
    /// raise are not map alerts and are skipped.
    pub fn note_stored_alert(&self, a: &jinghai_domain::alert::Alert) {
        let Some(kind) = jinghai_engine::EventKind::parse(&a.kind) else {
            return;
        };
        let mut st = write(&self.state);
        let seq = self.next_seq();
        if st.alerts.len() >= ALERT_NOTES_KEPT {
            st.alerts.pop_front();
        }
        st.alerts.push_back(AlertNote {
            id: a.id,
            kind: kind.as_str(),
            mmsi: a.mmsi as u32,
            other_mmsi: a.other_mmsi.map(|m| m as u32),
            start_ms: a.start_at,
            lat: a.lat,
            lon: a.lon,
            zone_id: a.zone_id.clone(),
            seq,
        });
    }

    /// Replaces the registry the map's vessel details read (after a registry edit).
    pub fn set_registry(&self, registry: Registry) {
        write(&self.state).registry = Arc::new(registry);
    }

    /// Replaces the zones the map draws (after a zone edit).
    pub fn set_zones(&self, zones: ZoneSet) {
        let mut st = write(&self.state);
        st.bbox = zones_bbox(&zones);
        st.zones = Arc::new(zones);
    }

    pub fn info(&self) -> FeedInfo {
        let st = read(&self.state);
        self.info_of(&st)
    }

    fn info_of(&self, st: &FeedState) -> FeedInfo {
        FeedInfo {
            name: self.name.clone(),
            district_code: self.district.code.to_string(),
            district_name: self.district.name.clone(),
            now_ms: st.now_ms,
            vessels: st.vessels.len(),
            bbox: st.bbox,
        }
    }

    pub fn zones(&self) -> Arc<ZoneSet> {
        read(&self.state).zones.clone()
    }

    pub fn registry(&self) -> Arc<Registry> {
        read(&self.state).registry.clone()
    }

    pub fn now_ms(&self) -> i64 {
        read(&self.state).now_ms
    }

    /// One vessel now.
    pub fn vessel(&self, mmsi: u32) -> Option<VesselSnapshot> {
        let st = read(&self.state);
        st.vessels.get(&mmsi).map(|v| VesselSnapshot {
            state: state_at(&v.snap, st.now_ms),
            ..v.snap.clone()
        })
    }

    /// A vessel's kept track within `[from_ms, to_ms]`, ending with its last
    /// position when that falls in the window.
    pub fn track(&self, mmsi: u32, from_ms: i64, to_ms: i64) -> Option<Vec<TrackPoint>> {
        let st = read(&self.state);
        let v = st.vessels.get(&mmsi)?;
        let mut points = v.history.between(from_ms, to_ms);
        let last = TrackPoint {
            time_ms: v.snap.last_ms,
            lat: v.snap.lat,
            lon: v.snap.lon,
        };
        if (from_ms..=to_ms).contains(&last.time_ms)
            && points.last().is_none_or(|p| p.time_ms < last.time_ms)
        {
            points.push(last);
        }
        Some(points)
    }

    /// Open events naming `mmsi`.
    pub fn open_events_of(&self, mmsi: u32) -> Vec<OpenEvent> {
        read(&self.state)
            .open_events
            .iter()
            .filter(|e| e.mmsi == mmsi || e.other_mmsi == Some(mmsi))
            .cloned()
            .collect()
    }

    /// Alert notes newer than `since`.
    pub fn alerts_since(&self, since: u64) -> Vec<AlertNote> {
        read(&self.state)
            .alerts
            .iter()
            .filter(|a| a.seq > since)
            .cloned()
            .collect()
    }

    /// Vessels in `view`, for [`Picture::viewport`]: where each is and whether
    /// it changed after `since`. Nothing is copied yet: a crowded view becomes
    /// clusters and needs only the positions.
    fn collect(&self, feed: usize, view: &Viewport, since: Option<u64>, out: &mut Collected) {
        let st = read(&self.state);
        out.feeds.push(self.info_of(&st));
        let (r0, c0) = cell_of(view.min_lat, view.min_lon);
        let (r1, c1) = cell_of(view.max_lat, view.max_lon);
        let cells_in_view =
            (i64::from(r1) - i64::from(r0) + 1) * (i64::from(c1) - i64::from(c0) + 1);
        let mut visit = |mmsis: &Vec<u32>| {
            for m in mmsis {
                let Some(v) = st.vessels.get(m) else { continue };
                if !view.contains(v.snap.lat, v.snap.lon) {
                    continue;
                }
                out.found.push(Found {
                    feed,
                    mmsi: *m,
                    lat: v.snap.lat,
                    lon: v.snap.lon,
                    changed: since.is_none_or(|s| v.seq > s),
                });
            }
        };
        if cells_in_view > st.grid.len() as i64 {
            for (&(r, c), mmsis) in &st.grid {
                if (r0..=r1).contains(&r) && (c0..=c1).contains(&c) {
                    visit(mmsis);
                }
            }
        } else {
            for r in r0..=r1 {
                for c in c0..=c1 {
                    if let Some(mmsis) = st.grid.get(&(r, c)) {
                        visit(mmsis);
                    }
                }
            }
        }
    }

    /// Snapshots of the given vessels (those still on the picture).
    fn snapshots(&self, mmsis: impl Iterator<Item = u32>, out: &mut Vec<VesselSnapshot>) {
        let st = read(&self.state);
        out.extend(mmsis.filter_map(|m| {
            st.vessels.get(&m).map(|v| VesselSnapshot {
                state: state_at(&v.snap, st.now_ms),
                ..v.snap.clone()
            })
        }));
    }

    fn search(&self, needle: &str, digits: bool, out: &mut Vec<SearchHit>) {
        let st = read(&self.state);
        for v in st.vessels.values() {
            let hit = needle.is_empty()
                || (digits && v.snap.mmsi.to_string().starts_with(needle))
                || v.snap.name.to_lowercase().contains(needle)
                || v.snap.ais_name.to_lowercase().contains(needle);
            if hit {
                out.push(SearchHit {
                    vessel: VesselSnapshot {
                        state: state_at(&v.snap, st.now_ms),
                        ..v.snap.clone()
                    },
                    feed: self.name.clone(),
                    district_name: self.district.name.clone(),
                });
            }
        }
    }

    /// Bytes held for track histories (for the memory bound's test and metrics).
    pub fn history_bytes(&self) -> usize {
        read(&self.state)
            .vessels
            .values()
            .map(|v| v.history.bytes())
            .sum()
    }
}

fn remove_from_cell(grid: &mut FastMap<Cell, Vec<u32>>, cell: Cell, mmsi: u32) {
    if let Some(list) = grid.get_mut(&cell) {
        if let Some(i) = list.iter().position(|&m| m == mmsi) {
            list.swap_remove(i);
        }
        if list.is_empty() {
            grid.remove(&cell);
        }
    }
}

#[derive(Default)]
struct Collected {
    feeds: Vec<FeedInfo>,
    found: Vec<Found>,
}

/// A vessel in view, before anything is copied.
struct Found {
    /// Index of its feed in the query's feed list.
    feed: usize,
    mmsi: u32,
    lat: f64,
    lon: f64,
    changed: bool,
}

/// Every running feed's part of the picture.
#[derive(Default)]
pub struct Picture {
    feeds: RwLock<Vec<Arc<FeedPicture>>>,
    seq: Arc<AtomicU64>,
}

impl Picture {
    pub fn new() -> Picture {
        Picture::default()
    }

    /// Puts a feed on the picture (replacing one of the same name: a
    /// restarted feed starts afresh).
    pub fn attach(
        &self,
        name: &str,
        district: Region,
        zones: ZoneSet,
        registry: Registry,
    ) -> Arc<FeedPicture> {
        let feed = Arc::new(FeedPicture {
            name: name.to_string(),
            district,
            seq: self.seq.clone(),
            state: RwLock::new(FeedState {
                now_ms: 0,
                vessels: FastMap::default(),
                grid: FastMap::default(),
                bbox: zones_bbox(&zones),
                zones: Arc::new(zones),
                registry: Arc::new(registry),
                open_events: Vec::new(),
                alerts: VecDeque::new(),
            }),
        });
        let mut feeds = write(&self.feeds);
        feeds.retain(|f| f.name != name);
        feeds.push(feed.clone());
        feed
    }

    /// Every feed (for the server's own use, not for requests).
    pub fn feeds(&self) -> Vec<Arc<FeedPicture>> {
        read(&self.feeds).clone()
    }

    /// The feeds a user sees.
    pub fn visible_feeds(&self, scope: &Scope) -> Vec<Arc<FeedPicture>> {
        read(&self.feeds)
            .iter()
            .filter(|f| f.visible_to(scope))
            .cloned()
            .collect()
    }

    /// The latest sequence number handed out.
    pub fn seq(&self) -> u64 {
        self.seq.load(Ordering::Relaxed)
    }

    /// The vessels (or clusters) a user sees in `view`; with `since`, only
    /// vessels changed after that sequence number (clusters are always whole).
    pub fn viewport(&self, scope: &Scope, view: &Viewport, since: Option<u64>) -> ViewportAnswer {
        let seq = self.seq();
        let feeds = self.visible_feeds(scope);
        let mut c = Collected::default();
        for (i, f) in feeds.iter().enumerate() {
            f.collect(i, view, since, &mut c);
        }
        let total = c.found.len();
        let clustered = total > MAX_VESSELS_IN_VIEW
            || (view.zoom < CLUSTER_BELOW_ZOOM && total > CLUSTER_ABOVE_VESSELS);
        let (vessels, clusters) = if clustered {
            (Vec::new(), cluster(&c.found, view.zoom))
        } else {
            let mut vessels = Vec::new();
            for (i, f) in feeds.iter().enumerate() {
                let changed = c
                    .found
                    .iter()
                    .filter(|v| v.feed == i && v.changed)
                    .map(|v| v.mmsi);
                f.snapshots(changed, &mut vessels);
            }
            vessels.sort_by_key(|v| v.mmsi);
            (vessels, Vec::new())
        };
        ViewportAnswer {
            feeds: c.feeds,
            clustered,
            vessels,
            clusters,
            total,
            seq,
        }
    }

    /// Vessels whose name contains `query` (any case) or whose MMSI starts with
    /// it, in the feeds a user sees; an empty query lists vessels by name.
    pub fn search(&self, scope: &Scope, query: &str, limit: usize) -> Vec<SearchHit> {
        let needle = query.trim().to_lowercase();
        let digits = !needle.is_empty() && needle.bytes().all(|b| b.is_ascii_digit());
        let mut hits = Vec::new();
        for f in self.visible_feeds(scope) {
            f.search(&needle, digits, &mut hits);
        }
        // Exact MMSI first, then names that start with the query, then by MMSI
        // (a number was typed) or by name.
        hits.sort_by(|a, b| {
            let rank = |h: &SearchHit| {
                (
                    h.vessel.mmsi.to_string() != needle,
                    !h.vessel.name.to_lowercase().starts_with(&needle),
                )
            };
            let by_mmsi = a.vessel.mmsi.cmp(&b.vessel.mmsi);
            let by_name = a.vessel.name.cmp(&b.vessel.name);
            rank(a).cmp(&rank(b)).then(if digits {
                by_mmsi
            } else {
                by_name.then(by_mmsi)
            })
        });
        hits.truncate(limit);
        hits
    }

    /// The feed named `name`, when the user sees it.
    pub fn feed(&self, scope: &Scope, name: &str) -> Option<Arc<FeedPicture>> {
        self.visible_feeds(scope)
            .into_iter()
            .find(|f| f.name == name)
    }

    /// The feed a user sees that has `mmsi` on it (the one heard last, when several).
    pub fn feed_of(&self, scope: &Scope, mmsi: u32) -> Option<(Arc<FeedPicture>, VesselSnapshot)> {
        self.visible_feeds(scope)
            .into_iter()
            .filter_map(|f| f.vessel(mmsi).map(|v| (f, v)))
            .max_by_key(|(_, v)| v.last_ms)
    }
}

/// Patrol records take their AIS tracks from the picture's history: the
/// last 24 hours, in memory, of the feeds the user sees.
#[async_trait::async_trait]
impl crate::patrols::AisHistory for Picture {
    async fn track(
        &self,
        scope: &Scope,
        mmsi: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<jinghai_domain::patrol::TrackPoint>, String> {
        let mmsi = u32::try_from(mmsi).map_err(|_| format!("{mmsi} is not an MMSI"))?;
        let track = self
            .visible_feeds(scope)
            .iter()
            .filter_map(|f| f.track(mmsi, from, to))
            .max_by_key(Vec::len)
            .ok_or_else(|| {
                format!("MMSI {mmsi} is on none of your running feeds (the live picture keeps 24 hours of tracks in memory)")
            })?;
        Ok(track
            .into_iter()
            .map(|p| jinghai_domain::patrol::TrackPoint {
                t: p.time_ms,
                lat: p.lat,
                lon: p.lon,
            })
            .collect())
    }
}

/// Groups vessels into cells about [`CLUSTER_PX`] pixels wide at `zoom`.
fn cluster(found: &[Found], zoom: u8) -> Vec<Cluster> {
    let size = 360.0 / f64::from(1u32 << zoom.min(30)) * CLUSTER_PX / 256.0;
    let mut cells: FastMap<Cell, (f64, f64, usize)> = FastMap::default();
    for v in found {
        let key = ((v.lat / size).floor() as i32, (v.lon / size).floor() as i32);
        let e = cells.entry(key).or_default();
        e.0 += v.lat;
        e.1 += v.lon;
        e.2 += 1;
    }
    let mut keyed: Vec<(Cell, Cluster)> = cells
        .into_iter()
        .map(|(k, (lat, lon, n))| {
            (
                k,
                Cluster {
                    lat: lat / n as f64,
                    lon: lon / n as f64,
                    count: n,
                },
            )
        })
        .collect();
    keyed.sort_by_key(|(k, _)| *k);
    keyed.into_iter().map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jinghai_domain::{RegionCode, Role};

    fn region(code: &str, name: &str) -> Region {
        let code = RegionCode::parse(code).unwrap();
        Region {
            id: 1,
            level: code.implied_level(),
            code,
            name: name.into(),
            parent_id: None,
        }
    }

    fn scope(prefix: &str) -> Scope {
        Scope {
            user_id: 1,
            role: Role::TaskForceOffice,
            region_prefix: prefix.into(),
            unit_id: None,
        }
    }

    fn update(mmsi: u32, lat: f64, lon: f64, time_ms: i64) -> VesselUpdate {
        VesselUpdate {
            mmsi,
            name: Some(format!("V{mmsi}")),
            ship_type: Some(30),
            lat,
            lon,
            sog: Some(8.0),
            cog: Some(90.0),
            heading: Some(91),
            time_ms,
        }
    }

    fn beilun(p: &Picture) -> Arc<FeedPicture> {
        p.attach(
            "beilun",
            region("330206", "北仑区"),
            ZoneSet::default(),
            Registry::new(),
        )
    }

    const T: i64 = 1_616_548_398_000;

    #[test]
    fn viewport_returns_what_is_inside_and_follows_moves() {
        let p = Picture::new();
        let f = beilun(&p);
        f.publish(
            T,
            [
                update(1, 29.90, 122.00, T),
                update(2, 29.95, 122.10, T),
                update(3, 30.50, 123.00, T),
            ],
            None,
        );
        let view = Viewport {
            min_lon: 121.9,
            min_lat: 29.8,
            max_lon: 122.2,
            max_lat: 30.0,
            zoom: 12,
        };
        let s = scope("330206");
        let mmsis = |a: &ViewportAnswer| a.vessels.iter().map(|v| v.mmsi).collect::<Vec<_>>();
        let a = p.viewport(&s, &view, None);
        assert_eq!(mmsis(&a), [1, 2]);
        assert_eq!(a.total, 2);
        assert!(!a.clustered);
        // Vessel 3 sails into view, vessel 1 out of it: the grid follows.
        f.publish(
            T + 60_000,
            [
                update(3, 29.85, 121.95, T + 60_000),
                update(1, 31.0, 124.0, T + 60_000),
            ],
            None,
        );
        let b = p.viewport(&s, &view, None);
        assert_eq!(mmsis(&b), [2, 3]);
        // Only what changed since the first answer.
        let c = p.viewport(&s, &view, Some(a.seq));
        assert_eq!(mmsis(&c), [3]);
        assert_eq!(c.total, 2);
        // A whole-world view visits the occupied cells instead of every cell.
        assert_eq!(mmsis(&p.viewport(&s, &Viewport::world(), None)), [1, 2, 3]);
    }

    #[test]
    fn states_follow_speed_and_silence() {
        let p = Picture::new();
        let f = beilun(&p);
        let mut still = update(2, 29.9, 122.0, T);
        still.sog = Some(0.1);
        f.publish(T, [update(1, 29.9, 122.0, T), still], None);
        assert_eq!(f.vessel(1).unwrap().state, VesselState::Moving);
        assert_eq!(f.vessel(2).unwrap().state, VesselState::Stopped);
        f.publish(
            T + DARK_AFTER_MS + 1,
            [update(2, 29.9, 122.0, T + DARK_AFTER_MS)],
            None,
        );
        assert_eq!(f.vessel(1).unwrap().state, VesselState::Dark);
        // Silent for a day: gone.
        f.publish(
            T + DROP_AFTER_MS + 1,
            [update(2, 29.9, 122.0, T + DROP_AFTER_MS)],
            None,
        );
        assert!(f.vessel(1).is_none());
        assert!(f.vessel(2).is_some());
        assert_eq!(
            p.viewport(&scope("33"), &Viewport::world(), None).total,
            1,
            "the grid forgot it too"
        );
    }

    #[test]
    fn low_zoom_and_crowds_are_clustered() {
        let p = Picture::new();
        let f = beilun(&p);
        // 3,000 vessels in a 0.3° square, and one far away.
        let mut updates: Vec<VesselUpdate> = (0..3000u32)
            .map(|i| {
                update(
                    400_000_000 + i,
                    29.7 + f64::from(i % 60) * 0.005,
                    122.0 + f64::from(i / 60) * 0.006,
                    T,
                )
            })
            .collect();
        updates.push(update(1, 25.0, 120.0, T));
        f.publish(T, updates, None);
        let s = scope("330206");
        let low = p.viewport(
            &s,
            &Viewport {
                zoom: 7,
                ..Viewport::world()
            },
            None,
        );
        assert!(low.clustered && low.vessels.is_empty());
        // The same zoom over a sparse sea (the loner alone) lists the vessel.
        let sparse = p.viewport(
            &s,
            &Viewport {
                min_lon: 119.0,
                min_lat: 24.0,
                max_lon: 121.0,
                max_lat: 26.0,
                zoom: 7,
            },
            None,
        );
        assert!(!sparse.clustered);
        assert_eq!(sparse.vessels.len(), 1);
        assert_eq!(low.clusters.iter().map(|c| c.count).sum::<usize>(), 3001);
        assert_eq!(
            low.clusters.len(),
            2,
            "the crowd in one cluster, the loner in another"
        );
        let crowd = low.clusters.iter().find(|c| c.count == 3000).unwrap();
        assert!(
            (crowd.lat - (29.7 + 59.0 * 0.005 / 2.0)).abs() < 1e-9,
            "mean position"
        );
        // Zoomed in but still too many in view: clustered at that zoom.
        let crowded = p.viewport(
            &s,
            &Viewport {
                min_lon: 121.9,
                min_lat: 29.6,
                max_lon: 122.5,
                max_lat: 30.1,
                zoom: 13,
            },
            None,
        );
        assert!(crowded.clustered);
        assert!(crowded.clusters.len() > 10);
        assert_eq!(crowded.total, 3000);
        // A small view at the same zoom lists vessels.
        let small = p.viewport(
            &s,
            &Viewport {
                min_lon: 121.99,
                min_lat: 29.69,
                max_lon: 122.02,
                max_lat: 29.72,
                zoom: 13,
            },
            None,
        );
        assert!(!small.clustered);
        assert_eq!(small.vessels.len(), small.total);
        assert!(small.total > 0 && small.total < 100);
    }

    #[test]
    fn scoping_follows_the_feed_s_district() {
        let p = Picture::new();
        beilun(&p).publish(T, [update(1, 29.9, 122.0, T)], None);
        p.attach(
            "zhenhai",
            region("330211", "镇海区"),
            ZoneSet::default(),
            Registry::new(),
        )
        .publish(T, [update(2, 29.95, 121.7, T)], None);
        let seen = |prefix: &str| {
            p.viewport(&scope(prefix), &Viewport::world(), None)
                .vessels
                .iter()
                .map(|v| v.mmsi)
                .collect::<Vec<_>>()
        };
        assert_eq!(seen("330206"), [1], "the district");
        assert_eq!(
            seen("330206008"),
            [1],
            "a town of the district watches its sea"
        );
        assert_eq!(seen("330206008201"), [1], "so does a village");
        assert_eq!(seen("330211"), [2], "the other district");
        assert_eq!(seen("3302"), [1, 2], "the city sees both");
        assert_eq!(
            seen("330213"),
            Vec::<u32>::new(),
            "a district without a feed"
        );
        assert_eq!(seen("3303"), Vec::<u32>::new(), "another city");
        let s = scope("330206008");
        assert!(p.feed_of(&s, 2).is_none());
        assert!(p.search(&s, "V2", 10).is_empty());
        let f = p.feeds()[0].clone();
        assert!(
            !f.alerts_visible_to(&s),
            "alerts stay with the district's users"
        );
        assert!(f.alerts_visible_to(&scope("330206")));
    }

    #[test]
    fn history_is_downsampled_bounded_and_a_day_long() {
        let mut h = TrackHistory::default();
        // A vessel reporting every 10 s for two days, always moving.
        let mut t = T;
        for i in 0..(2 * 24 * 360) {
            h.offer(t, 29.0 + f64::from(i) * 5e-4, 122.0);
            t += 10_000;
            assert!(h.len() <= HISTORY_MAX_POINTS);
        }
        let last = h.between(0, i64::MAX).last().unwrap().time_ms;
        assert!(last > t - 10_000 - HISTORY_MIN_STEP_MS);
        assert!(
            h.oldest_ms().unwrap() >= last - HISTORY_SPAN_MS,
            "a day at most"
        );
        assert!(
            h.oldest_ms().unwrap() <= last - HISTORY_SPAN_MS + 2 * HISTORY_TIERS[2].1,
            "and close to a whole day: compaction keeps the span"
        );
        assert!(h.bytes() <= HISTORY_MAX_POINTS * 12, "{} bytes", h.bytes());
        // Recent points are finest: the last hour at the minimum step.
        let recent = h.between(last - 3_600_000, last);
        assert!(recent.len() >= 3600 / 30 - 1, "{}", recent.len());
        let steps: Vec<i64> = recent
            .windows(2)
            .map(|w| w[1].time_ms - w[0].time_ms)
            .collect();
        assert!(steps.iter().all(|&s| s >= HISTORY_MIN_STEP_MS));
        // Older hours are coarser but never gappier than their tier allows.
        let all = h.between(0, i64::MAX);
        for w in all.windows(2) {
            let age = last - w[1].time_ms;
            let step = HISTORY_TIERS
                .iter()
                .find(|(upto, _)| age <= *upto)
                .unwrap()
                .1;
            assert!(
                w[1].time_ms - w[0].time_ms <= 2 * step + HISTORY_MIN_STEP_MS,
                "gap at age {age}"
            );
        }
        // A vessel at anchor keeps a point every ten minutes only.
        let mut still = TrackHistory::default();
        for i in 0..360 {
            still.offer(T + i * 10_000, 29.0, 122.0);
        }
        assert_eq!(still.len(), 6, "one hour at anchor");
    }

    #[test]
    fn tracks_end_at_the_last_position_and_respect_the_window() {
        let p = Picture::new();
        let f = beilun(&p);
        for i in 0..10 {
            let t = T + i * 60_000;
            f.publish(t, [update(1, 29.9 + i as f64 * 0.01, 122.0, t)], None);
        }
        let all = f.track(1, T, T + 3_600_000).unwrap();
        assert_eq!(all.len(), 10);
        assert!((all[9].lat - 29.99).abs() < 1e-6);
        let part = f.track(1, T + 120_000, T + 300_000).unwrap();
        assert_eq!(part.len(), 4);
        assert!(f.track(2, T, T + 1).is_none());
    }

    #[tokio::test]
    async fn patrols_get_ais_tracks_of_the_feeds_a_user_sees() {
        use crate::patrols::AisHistory;
        let p = Picture::new();
        let f = beilun(&p);
        for i in 0..5 {
            let t = T + i * 60_000;
            f.publish(
                t,
                [update(412_000_055, 29.9, 122.0 + i as f64 * 0.01, t)],
                None,
            );
        }
        let track = p
            .track(&scope("330206"), 412_000_055, T, T + 3_600_000)
            .await
            .unwrap();
        assert_eq!(track.len(), 5);
        assert_eq!(track[0].t, T);
        assert!(
            p.track(&scope("330211"), 412_000_055, T, T + 3_600_000)
                .await
                .is_err(),
            "not from another district's feed"
        );
        assert!(p.track(&scope("330206"), 1, T, T + 1).await.is_err());
    }

    #[test]
    fn search_by_name_or_mmsi() {
        let p = Picture::new();
        let f = beilun(&p);
        let mut a = update(412_000_001, 29.9, 122.0, T);
        a.name = Some("浙北渔 0001".into());
        let mut b = update(412_100_002, 29.9, 122.0, T);
        b.name = Some("OCEAN STAR".into());
        f.publish(T, [a, b], None);
        let s = scope("330206");
        let names = |q: &str| {
            p.search(&s, q, 10)
                .into_iter()
                .map(|h| h.vessel.mmsi)
                .collect::<Vec<_>>()
        };
        assert_eq!(names("北渔"), [412_000_001]);
        assert_eq!(names("ocean"), [412_100_002]);
        assert_eq!(names("4121"), [412_100_002]);
        assert_eq!(names("412"), [412_000_001, 412_100_002], "by MMSI");
        assert_eq!(names("nothing"), Vec::<u32>::new());
        assert_eq!(names("").len(), 2);
    }

    #[test]
    fn kinds_come_from_the_registry_else_the_ship_type() {
        assert_eq!(kind_of_ship_type(Some(30)), "fishing");
        assert_eq!(kind_of_ship_type(Some(74)), "cargo");
        assert_eq!(kind_of_ship_type(Some(84)), "tanker");
        assert_eq!(kind_of_ship_type(Some(55)), "law_enforcement");
        assert_eq!(kind_of_ship_type(None), "unknown");
        let p = Picture::new();
        let registry = Registry::from_csv(
            "mmsi,name,kind,flag,international,home_port,owner_kind,owner_name,registry_no\n412000001,浙北渔1,cargo,CN,false,,individual,张某,ZJ1\n",
            "v",
        )
        .unwrap();
        let f = p.attach(
            "b",
            region("330206", "北仑区"),
            ZoneSet::default(),
            registry,
        );
        let mut u = update(412_000_001, 29.9, 122.0, T);
        u.name = Some("ZHE BEI YU 1".into());
        f.publish(T, [u, update(2, 29.9, 122.0, T)], None);
        let v = f.vessel(412_000_001).unwrap();
        assert_eq!(
            (v.kind, v.registered, v.name.as_str()),
            ("cargo", true, "浙北渔1")
        );
        assert_eq!(
            v.ais_name, "ZHE BEI YU 1",
            "the broadcast name is kept beside it"
        );
        assert_eq!(
            p.search(&scope("330206"), "bei yu", 5)[0].vessel.mmsi,
            412_000_001
        );
        let w = f.vessel(2).unwrap();
        assert_eq!((w.kind, w.registered), ("fishing", false));
    }
}
