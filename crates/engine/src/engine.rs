//! The engine: per-vessel tracks and the eight detectors of FORMATS.md.
//!
//! Every position goes through one pass: deduplicate → zone lookup (grid) → detectors
//! that compare it with the vessel's previous position (gap, jump, zone entries, line
//! crossings, landing stops, registry) → the encounter grid, where only vessels in
//! the 3×3 neighbouring cells with a recent fix are compared. Episodes that end by
//! silence (an encounter that drifts apart, a jump spree, a port entry waiting for
//! its report window) are settled by a sweep driven by message time.

use crate::config::EngineConfig;
use crate::event::{EngineOutput, Event, EventId, EventKind};
use crate::geo::{self, LatLon, MPS_PER_KNOT};
use crate::observation::{AisClass, Observation, ObservationKind, PositionReport, StaticReport};
use crate::prefetch::prefetch_lines;
use crate::registry::{
    is_valid_ship_mmsi, ArrivalIndex, PortReport, Registry, ReportKind, VesselKind, VesselRecord,
};
use crate::time::format_rfc3339;
use crate::zones::{AppliesTo, Geometry, ZoneIdx, ZoneKind, ZoneSet};
use crate::FastMap;
use serde_json::json;
use smallvec::SmallVec;
use std::collections::VecDeque;

const SWEEP_INTERVAL_MS: i64 = 60_000;
const NO_CELL: u64 = u64::MAX;
/// The MMSI of a forgotten track's slot (MMSIs have 30 bits).
const FREE_SLOT: u32 = u32::MAX;

/// Where a fix was, as far as the rules care.
#[derive(Debug, Clone, Copy, Default)]
struct FixFlags {
    in_jurisdiction: bool,
    in_coverage: bool,
    /// In a fishing port, open port or anchorage.
    in_harbour: bool,
}

#[derive(Debug, Clone, Copy)]
struct Fix {
    time_ms: i64,
    pos: LatLon,
    /// Knots; NaN when not available.
    sog: f32,
    /// Degrees; NaN when not available.
    cog: f32,
    /// Velocity east and north, m/s (zero when unknown), for dead reckoning.
    velocity: [f32; 2],
    flags: FixFlags,
}

impl Fix {
    fn velocity_of(sog: f32, cog: f32) -> [f32; 2] {
        if !(sog.is_finite() && cog.is_finite()) || sog < 0.05 {
            return [0.0; 2];
        }
        let v = sog * MPS_PER_KNOT as f32;
        let (sin, cos) = cog.to_radians().sin_cos();
        [v * sin, v * cos]
    }

    /// Where the vessel is at `time_ms`, dead-reckoned from this fix.
    fn predict(&self, time_ms: i64) -> LatLon {
        let dt_s = (time_ms - self.time_ms) as f64 / 1000.0;
        if dt_s <= 0.0 || self.velocity == [0.0; 2] {
            return self.pos;
        }
        let cos_lat = geo::cos_lat(self.pos.lat.to_radians()).max(1e-6);
        LatLon::new(
            self.pos.lat + f64::from(self.velocity[1]) * dt_s / geo::M_PER_DEG_LAT,
            self.pos.lon + f64::from(self.velocity[0]) * dt_s / (geo::M_PER_DEG_LAT * cos_lat),
        )
    }
}

/// 8 × 8 encounter-grid cells. Each cell's list holds its slow vessels (last
/// reported slower than `track_pairs_below_kn`) first, then the fast ones
/// ([`ScanEntry::fast`]): a fast reporter computes distances to the slow prefix
/// only, and to its own partners (two vessels passing at speed never start a
/// pair, and in a busy district three in four candidates were such passers-by).
/// One list rather than two per cell: a second list header per cell doubled the
/// chunks and cost more cache misses than the skipped candidates saved.
type GridChunk = [Vec<ScanEntry>; 64];

/// Asks for the first entries of a cell list from memory (see the encounter scan).
fn prefetch_entries(list: &[ScanEntry]) {
    prefetch_lines(list.as_ptr(), size_of_val(list).div_ceil(64).min(2));
}

/// How far beyond the encounter distance the scan reaches, both ways along each
/// axis (and so the grid's cell height beyond that distance): room for a
/// counterpart's drift since its last fix.
const SCAN_SLACK_M: f64 = 100.0;

/// The encounter grid: cells grouped in chunks of 8 × 8, so the 3 × 3
/// neighbourhood of a cell is mostly one hash lookup rather than nine. Chunks that
/// empty are dropped, so a sparse fleet over a wide area costs little.
#[derive(Default)]
struct EncounterGrid {
    chunks: FastMap<u64, Box<GridChunk>>,
    /// Chunks where a cell list became empty since the last sweep.
    emptied: Vec<u64>,
}

impl EncounterGrid {
    fn split(row: i32, col: i32) -> (u64, usize) {
        let key = (u64::from((row >> 3) as u32) << 32) | u64::from((col >> 3) as u32);
        (key, (((row & 7) << 3) | (col & 7)) as usize)
    }

    fn chunk(&self, key: u64) -> Option<&GridChunk> {
        self.chunks.get(&key).map(|c| &**c)
    }

    fn list_mut(&mut self, row: i32, col: i32) -> &mut Vec<ScanEntry> {
        let (key, index) = Self::split(row, col);
        let chunk = self
            .chunks
            .entry(key)
            .or_insert_with(|| Box::new(std::array::from_fn(|_| Vec::new())));
        &mut chunk[index]
    }

    /// Adds an entry to a cell list, keeping the slow entries first.
    fn insert(list: &mut Vec<ScanEntry>, entry: ScanEntry) {
        list.push(entry);
        if !entry.fast {
            if let Some(first_fast) = list.iter().position(|e| e.fast) {
                let last = list.len() - 1;
                list.swap(first_fast, last);
            }
        }
    }

    /// Takes the entry at `i` out of a cell list, keeping the slow entries first.
    fn take(list: &mut Vec<ScanEntry>, i: usize) {
        if !list[i].fast {
            // Move the last slow entry into its place, then drop the slot it left:
            // what follows it is all fast, so a swap-remove keeps the order.
            let last_slow = list.iter().rposition(|e| !e.fast).unwrap_or(i);
            list.swap(i, last_slow);
            list.swap_remove(last_slow);
        } else {
            list.swap_remove(i);
        }
    }

    fn remove(&mut self, row: i32, col: i32, track: u32) {
        let (key, index) = Self::split(row, col);
        let Some(chunk) = self.chunks.get_mut(&key) else {
            return;
        };
        let list = &mut chunk[index];
        if let Some(i) = list.iter().position(|e| e.track == track) {
            Self::take(list, i);
        }
        if list.is_empty() {
            self.emptied.push(key);
        }
    }

    /// Drops the chunks that have emptied since the last call. Done by the sweep
    /// rather than on each removal: a vessel moving back and forth across a chunk's
    /// edge would otherwise free and allocate the chunk again and again.
    fn drop_empty_chunks(&mut self) {
        self.emptied.sort_unstable();
        self.emptied.dedup();
        for key in self.emptied.drain(..) {
            if self
                .chunks
                .get(&key)
                .is_some_and(|c| c.iter().all(Vec::is_empty))
            {
                self.chunks.remove(&key);
            }
        }
    }

    fn bytes(&self) -> usize {
        use std::mem::size_of;
        self.chunks.capacity() * (size_of::<(u64, Box<GridChunk>)>() + 1)
            + self
                .chunks
                .values()
                .map(|c| {
                    size_of::<GridChunk>()
                        + c.iter()
                            .map(|v| v.capacity() * size_of::<ScanEntry>())
                            .sum::<usize>()
                })
                .sum::<usize>()
    }
}

/// A vessel in an encounter-grid cell: what the scan needs of its last fix.
#[derive(Debug, Clone, Copy)]
struct ScanEntry {
    track: u32,
    /// Last reported at `track_pairs_below_kn` or faster (or at an unknown speed).
    /// In the padding after `track`: costs no space.
    fast: bool,
    velocity: [f32; 2],
    time_ms: i64,
    pos: LatLon,
}

/// A point of a track's compact history (12 bytes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistoryPoint {
    pub time_s: u32,
    lat_e7: i32,
    lon_e7: i32,
}

impl HistoryPoint {
    fn new(time_ms: i64, pos: LatLon) -> Self {
        Self {
            time_s: (time_ms / 1000).clamp(0, u32::MAX as i64) as u32,
            lat_e7: (pos.lat * 1e7).round() as i32,
            lon_e7: (pos.lon * 1e7).round() as i32,
        }
    }
    pub fn pos(&self) -> LatLon {
        LatLon::new(f64::from(self.lat_e7) / 1e7, f64::from(self.lon_e7) / 1e7)
    }
    pub fn time_ms(&self) -> i64 {
        i64::from(self.time_s) * 1000
    }
}

/// What the registry says about a vessel, cached on its track.
#[derive(Debug, Clone, Copy, Default)]
struct Identity {
    registered: bool,
    fishing: bool,
    international: bool,
}

#[derive(Debug)]
struct LandingEpisode {
    zone: ZoneIdx,
    start_ms: i64,
    start_pos: LatLon,
    last_ms: i64,
    samples: u32,
    max_sog: f32,
    event: Option<Box<Event>>,
}

#[derive(Debug)]
struct JumpEpisode {
    last_ms: i64,
    count: u32,
    max_speed_kn: f64,
    last_update_ms: i64,
    event: Box<Event>,
}

#[derive(Debug, Clone, Copy)]
struct PendingCrossing {
    line: ZoneIdx,
    outward: bool,
    time_ms: i64,
    pos: LatLon,
}

/// The zones a vessel is in: up to six without a heap block.
type ZoneList = SmallVec<[ZoneIdx; 6]>;

#[derive(Debug)]
// `repr(C)` and 64-byte alignment so the fields every position report reads sit
// together in the first four cache lines, and the rarely read ones (name, history
// buffer) in the fifth: with the compiler's order, a report touched six lines of
// its track, and once the fleet outgrows the caches each is a miss.
#[repr(C, align(64))]
struct Track {
    // Line 0.
    mmsi: u32,
    messages: u32,
    /// Receive time of the last message of any kind.
    seen_ms: i64,
    last: Option<Fix>,
    // Line 1.
    /// Polygon zones the vessel is in (with exit hysteresis). Inline: read on every
    /// position, and a separate heap block there was a cache miss per message.
    inside: ZoneList,
    /// The last two points kept in `history` (newest first).
    kept: [Option<HistoryPoint>; 2],
    // Line 2.
    /// Tracks this one has an encounter episode with (inline for the usual one
    /// or two, for the same reason as `inside`).
    partners: SmallVec<[Partner; 2]>,
    cell: u64,
    crossings: Vec<PendingCrossing>,
    // Line 3.
    identity: Identity,
    class: AisClass,
    ship_type: Option<u8>,
    positions: u32,
    /// Exponentially weighted mean of the interval between positions, seconds.
    mean_interval_s: f32,
    max_interval_s: f32,
    // Boxed: rare, and a track's inline size is paid by every vessel.
    landing: Option<Box<LandingEpisode>>,
    jump: Option<Box<JumpEpisode>>,
    unregistered_raised_ms: Option<i64>,
    /// This track's `Engine::sweep_due_ms`, read here on each message (that array
    /// is for the sweep's pass over all tracks; reading it per message missed).
    sweep_due_ms: i64,
    // Line 4: read for the map and the API, written when a point is kept.
    name: Option<Box<str>>,
    history: VecDeque<HistoryPoint>,
}

impl Track {
    fn new(mmsi: u32, identity: Identity) -> Self {
        Track {
            mmsi,
            last: None,
            identity,
            name: None,
            ship_type: None,
            class: AisClass::Unknown,
            messages: 0,
            positions: 0,
            mean_interval_s: 0.0,
            max_interval_s: 0.0,
            history: VecDeque::new(),
            kept: [None; 2],
            inside: ZoneList::new(),
            landing: None,
            jump: None,
            crossings: Vec::new(),
            unregistered_raised_ms: None,
            partners: SmallVec::new(),
            cell: NO_CELL,
            seen_ms: i64::MIN,
            sweep_due_ms: i64::MIN,
        }
    }
}

#[derive(Debug)]
struct Pair {
    /// Track indices; `a` has the smaller MMSI.
    a: u32,
    b: u32,
    /// (The last time the two were close is `Engine::pair_close_ms[slot]`.)
    start_ms: i64,
    min_distance_m: f64,
    meet_pos: LatLon,
    sog_sum: [f64; 2],
    sog_n: [u32; 2],
    event: Option<Box<Event>>,
}

impl Pair {
    fn mean_sog(&self, side: usize) -> f64 {
        if self.sog_n[side] == 0 {
            0.0
        } else {
            self.sog_sum[side] / f64::from(self.sog_n[side])
        }
    }
}

#[derive(Debug)]
struct PortCheck {
    track: u32,
    port: ZoneIdx,
    entry_ms: i64,
    pos: LatLon,
    due_ms: i64,
}

/// A fishing vessel's entry into a fishing port (for reconciling port reports).
#[derive(Debug, Clone, PartialEq)]
pub struct PortEntry {
    pub mmsi: u32,
    pub port_zone_id: String,
    pub time_ms: i64,
    pub pos: LatLon,
}

/// Counters for progress bars and summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct EngineStats {
    pub messages: u64,
    pub positions: u64,
    pub statics: u64,
    pub duplicates: u64,
    pub out_of_order: u64,
    pub invalid_positions: u64,
    pub vessels: u64,
    pub events_raised: u64,
    /// Counterparts looked at by the encounter scan (its cost).
    pub encounter_candidates: u64,
}

/// A read-only view of one vessel's live state (for the map and evidence).
#[derive(Debug, Clone)]
pub struct VesselView<'a> {
    pub mmsi: u32,
    pub name: Option<&'a str>,
    pub ship_type: Option<u8>,
    pub class: AisClass,
    pub registered: bool,
    pub last_time_ms: Option<i64>,
    pub last_position: Option<LatLon>,
    pub sog_kn: Option<f32>,
    pub cog_deg: Option<f32>,
    pub messages: u32,
    pub positions: u32,
    pub mean_interval_s: f32,
    pub max_interval_s: f32,
    /// Compact history, oldest first.
    pub history: &'a VecDeque<HistoryPoint>,
    /// Ids of the zones the vessel is in.
    pub zones: Vec<&'a str>,
}

/// The streaming engine. Feed it observations in (roughly) receive-time order.
pub struct Engine {
    config: EngineConfig,
    zones: ZoneSet,
    registry: Registry,
    arrivals: ArrivalIndex,
    /// Boxed so that growing the vector never holds twice every track (a track is
    /// ~250 bytes; the vector's spare capacity then costs 8 bytes a slot).
    #[allow(clippy::vec_box)]
    tracks: Vec<Box<Track>>,
    by_mmsi: FastMap<u32, u32>,
    /// Per track slot, a time before which the sweep has nothing to do for it (a
    /// lower bound: checked early is harmless, late would not be). The sweep runs
    /// every minute of message time and reads this dense array instead of every
    /// track, which with thousands of vessels cost a cache miss per vessel a minute.
    sweep_due_ms: Vec<i64>,
    /// The shortest of the windows after which the sweep acts on a track (from
    /// the configuration, which does not change; read on every message).
    sweep_min_window_ms: i64,
    /// Encounter grid: cell → tracks whose last fix is in it.
    /// The entries carry what the scan needs of each last fix, so scanning a cell
    /// reads one contiguous block (and act as time buckets: entries older than
    /// `max_position_age_s` are skipped, and swept out).
    cells: EncounterGrid,
    cell_lat_deg: f64,
    cell_lon_deg: f64,
    /// Encounter episodes in a slab, addressed from both tracks' `partners`.
    pairs: Vec<Option<Pair>>,
    /// Per episode slot, the last time its two vessels were close (`i64::MAX` for
    /// a free slot). Beside the slab rather than in `Pair`: whether a partner has
    /// been apart too long is asked on every report and by every sweep, and
    /// reading it from the larger `Pair`s missed the cache.
    pair_close_ms: Vec<i64>,
    free_pairs: Vec<u32>,
    /// Slots of forgotten tracks, reused for new vessels.
    free_tracks: Vec<u32>,
    port_checks: Vec<PortCheck>,
    /// Fishing-port entries of fishing vessels, kept only when a driver asked
    /// for them ([`Engine::record_port_entries`]) and drained by it.
    port_entries: Option<Vec<PortEntry>>,
    now_ms: i64,
    next_sweep_ms: i64,
    next_event_id: u64,
    stats: EngineStats,
    scratch_zones: Vec<ZoneIdx>,
    scratch_inside: Vec<ZoneIdx>,
    scratch_close: Vec<u32>,
}

/// A counterpart of an open encounter episode: its track and the episode's slot.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Partner {
    track: u32,
    pair: u32,
}

fn pos_json(time_ms: i64, p: LatLon) -> serde_json::Value {
    json!({"time": format_rfc3339(time_ms), "lat": round6(p.lat), "lon": round6(p.lon)})
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

impl Engine {
    /// An engine over the given zones, registry and port reports. Reports must name
    /// `fishing_port` zones of `zones` (see [`crate::parse_port_reports`]); others are ignored.
    pub fn new(
        config: EngineConfig,
        zones: ZoneSet,
        registry: Registry,
        reports: Vec<PortReport>,
    ) -> Self {
        // Cells of the encounter distance plus slack, so a 3×3 neighbourhood holds
        // every counterpart near its last fix (lon cells twice as wide keep that true
        // up to 60° latitude). A counterpart that has drifted further since is found
        // the other way round, when it reports and scans its own neighbourhood.
        let cell_lat_deg = (config.encounter.max_distance_m + SCAN_SLACK_M) / geo::M_PER_DEG_LAT;
        let mut engine = Engine {
            config,
            zones,
            registry,
            arrivals: ArrivalIndex::default(),
            tracks: Vec::new(),
            by_mmsi: FastMap::default(),
            sweep_due_ms: Vec::new(),
            sweep_min_window_ms: 0,
            cells: EncounterGrid::default(),
            cell_lat_deg,
            cell_lon_deg: cell_lat_deg * 2.0,
            pairs: Vec::new(),
            pair_close_ms: Vec::new(),
            free_pairs: Vec::new(),
            free_tracks: Vec::new(),
            port_checks: Vec::new(),
            port_entries: None,
            now_ms: i64::MIN,
            next_sweep_ms: i64::MIN,
            next_event_id: 1,
            stats: EngineStats::default(),
            scratch_zones: Vec::new(),
            scratch_inside: Vec::new(),
            scratch_close: Vec::new(),
        };
        engine.sweep_min_window_ms = Self::sweep_min_window_ms(&engine.config);
        for report in reports {
            engine.add_port_report(&report);
        }
        engine
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    pub fn zones(&self) -> &ZoneSet {
        &self.zones
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn stats(&self) -> EngineStats {
        self.stats
    }

    /// The latest message time seen (epoch ms), if any.
    pub fn now_ms(&self) -> Option<i64> {
        (self.now_ms != i64::MIN).then_some(self.now_ms)
    }

    /// Records a port report as it arrives (live) or from the report file.
    pub fn add_port_report(&mut self, report: &PortReport) {
        if report.kind == ReportKind::Arrival {
            if let Some(port) = self.zones.index_of(&report.port_zone_id) {
                self.arrivals.add(report.mmsi, port, report.reported_at_ms);
            }
        }
    }

    /// Adds or replaces a registry record (live registry edits).
    pub fn upsert_vessel(&mut self, record: VesselRecord) {
        let mmsi = record.mmsi;
        self.registry.insert(record);
        if let Some(&ti) = self.by_mmsi.get(&mmsi) {
            self.tracks[ti as usize].identity = identity_of(&self.registry, mmsi);
        }
    }

    /// Starts (or stops) keeping fishing-port entries for
    /// [`Engine::drain_port_entries`]; off by default, so a replay that never
    /// drains them does not accumulate them.
    pub fn record_port_entries(&mut self, on: bool) {
        self.port_entries = on.then(Vec::new);
    }

    /// The fishing-port entries seen since the last call.
    pub fn drain_port_entries(&mut self) -> Vec<PortEntry> {
        self.port_entries
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Replaces the zones while running (places edited in the UI). Vessels
    /// keep their tracks; what referred to a zone by index follows it by id;
    /// what referred to a zone that is gone ends (a landing stop there is
    /// closed, a pending port check or line crossing is dropped). Arrival
    /// reports keep counting for ports that remain.
    pub fn replace_zones(&mut self, zones: ZoneSet, out: &mut Vec<EngineOutput>) {
        let map: Vec<Option<ZoneIdx>> = self
            .zones
            .zones()
            .iter()
            .map(|z| zones.index_of(&z.id))
            .collect();
        let remap = |z: ZoneIdx| map.get(z as usize).copied().flatten();
        // Landing episodes in a zone that is gone end now, against the old zones.
        for ti in 0..self.tracks.len() {
            let gone = self.tracks[ti]
                .landing
                .as_ref()
                .is_some_and(|ep| remap(ep.zone).is_none());
            if gone {
                self.close_landing(ti as u32, out);
            }
        }
        for t in self.tracks.iter_mut() {
            t.inside = t.inside.iter().filter_map(|&z| remap(z)).collect();
            if let Some(ep) = t.landing.as_mut() {
                if let Some(z) = remap(ep.zone) {
                    ep.zone = z;
                }
            }
            t.crossings.retain_mut(|c| match remap(c.line) {
                Some(l) => {
                    c.line = l;
                    true
                }
                None => false,
            });
        }
        self.port_checks.retain_mut(|c| match remap(c.port) {
            Some(p) => {
                c.port = p;
                true
            }
            None => false,
        });
        self.arrivals.remap(remap);
        self.zones = zones;
        self.scratch_zones.clear();
    }

    /// One vessel's live state.
    pub fn vessel(&self, mmsi: u32) -> Option<VesselView<'_>> {
        self.by_mmsi
            .get(&mmsi)
            .map(|&ti| self.view(&self.tracks[ti as usize]))
    }

    /// Every vessel's live state.
    pub fn vessels(&self) -> impl Iterator<Item = VesselView<'_>> {
        self.tracks
            .iter()
            .filter(|t| t.mmsi != FREE_SLOT)
            .map(|t| self.view(t))
    }

    fn view<'a>(&'a self, t: &'a Track) -> VesselView<'a> {
        VesselView {
            mmsi: t.mmsi,
            name: t.name.as_deref(),
            ship_type: t.ship_type,
            class: t.class,
            registered: t.identity.registered,
            last_time_ms: t.last.map(|f| f.time_ms),
            last_position: t.last.map(|f| f.pos),
            sog_kn: t.last.map(|f| f.sog).filter(|s| s.is_finite()),
            cog_deg: t.last.map(|f| f.cog).filter(|s| s.is_finite()),
            messages: t.messages,
            positions: t.positions,
            mean_interval_s: t.mean_interval_s,
            max_interval_s: t.max_interval_s,
            history: &t.history,
            zones: t
                .inside
                .iter()
                .map(|&z| self.zones.get(z).id.as_str())
                .collect(),
        }
    }

    /// Events opened and not yet closed (ongoing encounters, landing stops, jump
    /// sprees), e.g. for a map that starts watching mid-stream.
    pub fn open_events(&self) -> Vec<&Event> {
        let mut open: Vec<&Event> = self
            .tracks
            .iter()
            .flat_map(|t| {
                let landing = t.landing.as_ref().and_then(|ep| ep.event.as_deref());
                let jump = t.jump.as_ref().map(|ep| &*ep.event);
                landing.into_iter().chain(jump)
            })
            .chain(
                self.pairs
                    .iter()
                    .flatten()
                    .filter_map(|p| p.event.as_deref()),
            )
            .collect();
        open.sort_by_key(|e| e.id);
        open
    }

    /// Heap and inline bytes held for vessels (tracks, index, grid, open episodes).
    pub fn live_bytes_estimate(&self) -> usize {
        use std::mem::size_of;
        let mut bytes = self.tracks.capacity() * size_of::<Box<Track>>()
            + self.tracks.len() * size_of::<Track>();
        for t in &self.tracks {
            bytes += t.history.capacity() * size_of::<HistoryPoint>()
                + if t.inside.spilled() {
                    t.inside.capacity() * size_of::<ZoneIdx>()
                } else {
                    0
                }
                + if t.partners.spilled() {
                    t.partners.capacity() * size_of::<Partner>()
                } else {
                    0
                }
                + t.crossings.capacity() * size_of::<PendingCrossing>()
                + t.name.as_ref().map_or(0, |n| n.len());
        }
        bytes += self.by_mmsi.capacity() * (size_of::<(u32, u32)>() + 1);
        bytes += self.cells.bytes();
        bytes += self.pairs.capacity() * size_of::<Option<Pair>>()
            + self.pair_close_ms.capacity() * 8
            + self.free_pairs.capacity() * 4;
        bytes
    }

    /// Processes one observation, appending what it caused to `out`.
    pub fn process(&mut self, obs: &Observation, out: &mut Vec<EngineOutput>) {
        self.process_with_hint(obs, None, out);
    }

    /// [`Engine::process`], given where the observation's track was a few messages
    /// ago (`track_hint`, from [`Engine::prefetch_for`]). The hint is used only if that
    /// slot still holds this vessel: the sweep may have freed it since.
    fn process_with_hint(
        &mut self,
        obs: &Observation,
        track_hint: Option<u32>,
        out: &mut Vec<EngineOutput>,
    ) {
        self.stats.messages += 1;
        if obs.time_ms > self.now_ms {
            self.now_ms = obs.time_ms;
            if self.now_ms >= self.next_sweep_ms {
                self.sweep(out, false);
                self.next_sweep_ms = self.now_ms + SWEEP_INTERVAL_MS;
            }
        }
        let ti = match track_hint {
            Some(ti) if self.tracks[ti as usize].mmsi == obs.mmsi => ti,
            _ => self.track_index(obs.mmsi),
        };
        let t = &mut self.tracks[ti as usize];
        t.messages += 1;
        t.seen_ms = t.seen_ms.max(obs.time_ms);
        // Whatever this message starts (an episode, a grid entry) is due no earlier
        // than its time plus the shortest of the sweep's windows.
        let soonest = obs.time_ms.saturating_add(self.sweep_min_window_ms);
        if soonest < t.sweep_due_ms {
            self.set_sweep_due(ti, soonest);
        }
        match &obs.kind {
            ObservationKind::Position(p) => self.on_position(ti, obs.time_ms, p, out),
            ObservationKind::Static(s) => self.on_static(ti, s),
        }
    }

    /// Processes observations in order, exactly as [`Engine::process`] on each, and
    /// while it works on one asks the memory system for the track of the one a few
    /// places ahead. With a fleet larger than the caches, a report otherwise waits on
    /// memory for its track's lines first thing (measured in `crates/engine/README.md`).
    /// The encounter grid's cell lists are not prefetched from here: finding those of
    /// a message ahead took two more grid lookups a message, which cost more than the
    /// waits they saved; the scan asks for its own lists as it finds them instead.
    pub fn process_batch(&mut self, batch: &[Observation], out: &mut Vec<EngineOutput>) {
        const AHEAD: usize = 4;
        // Where each of the next `AHEAD` observations' tracks was when prefetched,
        // so the lookup is not done twice.
        let mut hints = [None; AHEAD];
        for (i, obs) in batch.iter().take(AHEAD).enumerate() {
            hints[i] = self.prefetch_for(obs);
        }
        for (i, obs) in batch.iter().enumerate() {
            let hint = hints[i % AHEAD];
            if let Some(ahead) = batch.get(i + AHEAD) {
                hints[i % AHEAD] = self.prefetch_for(ahead);
            }
            self.process_with_hint(obs, hint, out);
        }
    }

    /// Asks for the cache lines of the observation's track that every position report
    /// reads (the first four; see [`Track`]), and returns the track's slot.
    fn prefetch_for(&self, obs: &Observation) -> Option<u32> {
        let ti = *self.by_mmsi.get(&obs.mmsi)?;
        let track: &Track = &self.tracks[ti as usize];
        prefetch_lines(track, 4);
        Some(ti)
    }

    /// Advances the engine's clock without a message (a quiet live feed), settling
    /// episodes that ended by silence.
    pub fn advance_time(&mut self, now_ms: i64, out: &mut Vec<EngineOutput>) {
        if now_ms > self.now_ms {
            self.now_ms = now_ms;
            self.sweep(out, false);
            self.next_sweep_ms = now_ms + SWEEP_INTERVAL_MS;
        }
    }

    /// End of input: settles and closes every open episode.
    pub fn finish(&mut self, out: &mut Vec<EngineOutput>) {
        self.sweep(out, true);
    }

    fn track_index(&mut self, mmsi: u32) -> u32 {
        if let Some(&ti) = self.by_mmsi.get(&mmsi) {
            return ti;
        }
        let track = Box::new(Track::new(mmsi, identity_of(&self.registry, mmsi)));
        let ti = match self.free_tracks.pop() {
            Some(ti) => {
                self.tracks[ti as usize] = track;
                self.sweep_due_ms[ti as usize] = i64::MIN;
                ti
            }
            None => {
                self.tracks.push(track);
                self.sweep_due_ms.push(i64::MIN);
                (self.tracks.len() - 1) as u32
            }
        };
        self.by_mmsi.insert(mmsi, ti);
        self.stats.vessels += 1;
        ti
    }

    /// Frees the slot of a vessel silent for `forget_after_h`, so that a live engine's
    /// memory follows the vessels around rather than every MMSI ever heard.
    fn forget(&mut self, ti: u32, out: &mut Vec<EngineOutput>) {
        self.confirm_crossings(ti, None, out);
        let mmsi = self.tracks[ti as usize].mmsi;
        self.by_mmsi.remove(&mmsi);
        *self.tracks[ti as usize] = Track::new(FREE_SLOT, Identity::default());
        self.free_tracks.push(ti);
    }

    fn on_static(&mut self, ti: u32, s: &StaticReport) {
        self.stats.statics += 1;
        let t = &mut self.tracks[ti as usize];
        if let Some(name) = &s.name {
            // Compared as bytes: a vessel repeats its name every few minutes,
            // and only a new one needs the text.
            if t.name.as_deref().map(str::as_bytes) != Some(name.as_bytes()) {
                t.name = Some(name.as_str().into());
            }
        }
        if s.ship_type.is_some() {
            t.ship_type = s.ship_type;
        }
        if s.class != AisClass::Unknown {
            t.class = s.class;
        }
    }

    fn new_event(
        &mut self,
        kind: EventKind,
        mmsi: u32,
        (start_ms, end_ms): (i64, Option<i64>),
        pos: LatLon,
        zone: Option<ZoneIdx>,
        detail: serde_json::Value,
    ) -> Event {
        let id = EventId(self.next_event_id);
        self.next_event_id += 1;
        self.stats.events_raised += 1;
        Event {
            id,
            kind,
            mmsi,
            other_mmsi: None,
            start_ms,
            end_ms,
            lat: pos.lat,
            lon: pos.lon,
            zone_id: zone.map(|z| self.zones.get(z).id.clone()),
            detail,
        }
    }

    fn emit_instant(&mut self, event: Event, out: &mut Vec<EngineOutput>) {
        out.push(EngineOutput::Opened(event.clone()));
        out.push(EngineOutput::Closed(event));
    }

    fn flags_at(&mut self, pos: LatLon) -> FixFlags {
        self.zones.zones_at(pos, &mut self.scratch_zones);
        let mut flags = FixFlags {
            in_jurisdiction: !self.zones.has_jurisdiction(),
            in_coverage: !self.zones.has_coverage(),
            ..FixFlags::default()
        };
        for &z in &self.scratch_zones {
            match self.zones.get(z).kind {
                ZoneKind::Jurisdiction => flags.in_jurisdiction = true,
                ZoneKind::Coverage => flags.in_coverage = true,
                k if k.is_harbour() => flags.in_harbour = true,
                _ => {}
            }
        }
        flags
    }

    fn in_jurisdiction(&mut self, pos: LatLon) -> bool {
        let mut buf = std::mem::take(&mut self.scratch_inside);
        self.zones.zones_at(pos, &mut buf);
        let inside = !self.zones.has_jurisdiction()
            || buf
                .iter()
                .any(|&z| self.zones.get(z).kind == ZoneKind::Jurisdiction);
        self.scratch_inside = buf;
        inside
    }

    fn applies(&self, applies_to: Option<AppliesTo>, id: Identity) -> bool {
        match applies_to {
            Some(AppliesTo::All) | None => true,
            Some(AppliesTo::International) => id.international,
            Some(AppliesTo::Fishing) => id.fishing,
        }
    }

    fn on_position(
        &mut self,
        ti: u32,
        time_ms: i64,
        p: &PositionReport,
        out: &mut Vec<EngineOutput>,
    ) {
        if !(p.lat.is_finite() && p.lon.is_finite() && p.lat.abs() <= 90.0 && p.lon.abs() <= 180.0)
        {
            self.stats.invalid_positions += 1;
            return;
        }
        let pos = LatLon::new(p.lat, p.lon);
        let prev = self.tracks[ti as usize].last;
        if let Some(prev) = prev {
            let dt = time_ms - prev.time_ms;
            let same_place =
                (prev.pos.lat - pos.lat).abs() < 1e-7 && (prev.pos.lon - pos.lon).abs() < 1e-7;
            let window_ms = (self.config.tracks.duplicate_window_s * 1000.0) as i64;
            if same_place && dt.abs() <= window_ms {
                self.stats.duplicates += 1;
                return;
            }
            if dt < 0 {
                // Late (another receiver's copy, or a delayed relay): too old to judge
                // movement from; the newer fix already stands for the vessel.
                self.stats.out_of_order += 1;
                return;
            }
        }
        self.stats.positions += 1;
        let flags = self.flags_at(pos);
        // The distance moved since the previous fix, for the derived speed and the
        // jump check (computed once: it runs on every report).
        let moved_m = prev.map(|prev| geo::distance_m(prev.pos, pos));
        let mut derived_sog = f32::NAN;
        if let (Some(prev), Some(moved_m)) = (prev, moved_m) {
            let dt_s = (time_ms - prev.time_ms) as f64 / 1000.0;
            if dt_s > 0.0 {
                derived_sog = (moved_m / dt_s / MPS_PER_KNOT) as f32;
            }
        }
        let sog = match p.sog_kn {
            Some(s) if s.is_finite() && s >= 0.0 => s,
            _ => derived_sog,
        };
        let fix = Fix {
            time_ms,
            pos,
            sog,
            cog: p.cog_deg.filter(|c| c.is_finite()).unwrap_or(f32::NAN),
            velocity: Fix::velocity_of(sog, p.cog_deg.unwrap_or(f32::NAN)),
            flags,
        };

        let jumped = match (prev, moved_m) {
            (Some(prev), Some(moved_m)) => self.detect_jump(ti, &prev, &fix, moved_m, out),
            _ => false,
        };
        if let Some(prev) = prev {
            self.detect_gap(ti, &prev, &fix, out);
            if !jumped {
                self.detect_crossings(ti, &prev, &fix, out);
            }
        }
        self.update_zones(ti, prev.as_ref(), &fix, jumped, out);
        self.detect_unregistered(ti, &fix, out);
        self.record_fix(ti, fix, p.class);
        if self.config.encounter.enabled && !jumped {
            self.detect_encounters(ti, &fix, out);
        } else {
            self.place_in_grid(ti, &fix);
        }
    }

    fn record_fix(&mut self, ti: u32, fix: Fix, class: AisClass) {
        let cfg = &self.config.tracks;
        let t = &mut self.tracks[ti as usize];
        if let Some(prev) = t.last {
            let interval = ((fix.time_ms - prev.time_ms) as f32 / 1000.0).max(0.0);
            t.mean_interval_s = if t.positions == 0 {
                interval
            } else {
                t.mean_interval_s * 0.9 + interval * 0.1
            };
            t.max_interval_s = t.max_interval_s.max(interval);
        }
        t.positions += 1;
        if class != AisClass::Unknown {
            t.class = class;
        }
        t.last = Some(fix);
        // Time-ratio generalisation: keep a point when dead reckoning from the last two
        // kept points at this fix's time misses it by more than the tolerance.
        // The last two kept points are also held inline: reading them does not touch
        // the history buffer, which is written only when a point is kept.
        let keep = match t.kept {
            [None, _] => true,
            [Some(last), before] => {
                let since = fix.time_ms - last.time_ms();
                if since as f64 > cfg.history_max_interval_s * 1000.0 {
                    true
                } else {
                    let predicted = match before {
                        Some(before) if last.time_s > before.time_s => {
                            let span = (last.time_ms() - before.time_ms()) as f64;
                            geo::lerp(before.pos(), last.pos(), 1.0 + since as f64 / span)
                        }
                        _ => last.pos(),
                    };
                    geo::distance_m(predicted, fix.pos) > cfg.history_tolerance_m
                }
            }
        };
        if keep {
            let point = HistoryPoint::new(fix.time_ms, fix.pos);
            t.kept = [Some(point), t.kept[0]];
            if cfg.history_points > 0 {
                if t.history.len() >= cfg.history_points {
                    t.history.pop_front();
                }
                if t.history.capacity() == 0 {
                    t.history.reserve_exact(cfg.history_points);
                }
                t.history.push_back(point);
            }
        }
    }

    // --- position_jump -------------------------------------------------------------

    /// `distance` is `prev`→`fix` in metres.
    fn detect_jump(
        &mut self,
        ti: u32,
        prev: &Fix,
        fix: &Fix,
        distance: f64,
        out: &mut Vec<EngineOutput>,
    ) -> bool {
        let cfg = &self.config.position_jump;
        if !cfg.enabled {
            return false;
        }
        let dt_s = (fix.time_ms - prev.time_ms) as f64 / 1000.0 + cfg.time_resolution_s;
        let speed_kn = distance / dt_s / MPS_PER_KNOT;
        if !(speed_kn > cfg.max_speed_kn && distance > cfg.min_distance_m) {
            return false;
        }
        let merge_ms = (cfg.merge_gap_min * 60_000.0) as i64;
        let mmsi = self.tracks[ti as usize].mmsi;
        if let Some(ep) = self.tracks[ti as usize].jump.as_mut() {
            if fix.time_ms - ep.last_ms <= merge_ms {
                ep.last_ms = fix.time_ms;
                ep.count += 1;
                ep.max_speed_kn = ep.max_speed_kn.max(speed_kn);
                if fix.time_ms - ep.last_update_ms >= SWEEP_INTERVAL_MS {
                    ep.last_update_ms = fix.time_ms;
                    ep.event.end_ms = None;
                    ep.event.detail["jumps"] = json!(ep.count);
                    ep.event.detail["max_implied_speed_kn"] = json!(round1(ep.max_speed_kn));
                    out.push(EngineOutput::Updated((*ep.event).clone()));
                }
                return true;
            }
        }
        self.close_jump(ti, out);
        if !(prev.flags.in_jurisdiction || fix.flags.in_jurisdiction) {
            return true;
        }
        let detail = json!({
            "from": pos_json(prev.time_ms, prev.pos),
            "to": pos_json(fix.time_ms, fix.pos),
            "distance_m": distance.round(),
            "implied_speed_kn": round1(speed_kn),
            "max_implied_speed_kn": round1(speed_kn),
            "jumps": 1,
        });
        let event = self.new_event(
            EventKind::PositionJump,
            mmsi,
            (fix.time_ms, None),
            prev.pos,
            None,
            detail,
        );
        out.push(EngineOutput::Opened(event.clone()));
        self.tracks[ti as usize].jump = Some(Box::new(JumpEpisode {
            last_ms: fix.time_ms,
            count: 1,
            max_speed_kn: speed_kn,
            last_update_ms: fix.time_ms,
            event: Box::new(event),
        }));
        true
    }

    fn close_jump(&mut self, ti: u32, out: &mut Vec<EngineOutput>) {
        if let Some(ep) = self.tracks[ti as usize].jump.take() {
            let mut event = *ep.event;
            event.end_ms = Some(ep.last_ms);
            event.detail["jumps"] = json!(ep.count);
            event.detail["max_implied_speed_kn"] = json!(round1(ep.max_speed_kn));
            out.push(EngineOutput::Closed(event));
        }
    }

    // --- ais_gap -------------------------------------------------------------------

    fn detect_gap(&mut self, ti: u32, prev: &Fix, fix: &Fix, out: &mut Vec<EngineOutput>) {
        let cfg = &self.config.ais_gap;
        if !cfg.enabled {
            return;
        }
        let silence_ms = fix.time_ms - prev.time_ms;
        if (silence_ms as f64) < cfg.min_silence_min * 60_000.0 {
            return;
        }
        let ok = |f: &FixFlags| f.in_coverage && !f.in_harbour;
        if !(ok(&prev.flags) && ok(&fix.flags))
            || !(prev.flags.in_jurisdiction || fix.flags.in_jurisdiction)
        {
            return;
        }
        let detail = json!({
            "silence_min": round1(silence_ms as f64 / 60_000.0),
            "last_before": pos_json(prev.time_ms, prev.pos),
            "first_after": pos_json(fix.time_ms, fix.pos),
            "distance_m": geo::distance_m(prev.pos, fix.pos).round(),
        });
        let mmsi = self.tracks[ti as usize].mmsi;
        let event = self.new_event(
            EventKind::AisGap,
            mmsi,
            (prev.time_ms, Some(fix.time_ms)),
            prev.pos,
            None,
            detail,
        );
        self.emit_instant(event, out);
    }

    // --- boundary_crossing ---------------------------------------------------------

    fn detect_crossings(&mut self, ti: u32, prev: &Fix, fix: &Fix, out: &mut Vec<EngineOutput>) {
        if !self.config.boundary_crossing.enabled || self.zones.lines().is_empty() {
            return;
        }
        let identity = self.tracks[ti as usize].identity;
        let p1 = [prev.pos.lon, prev.pos.lat];
        let p2 = [fix.pos.lon, fix.pos.lat];
        for li in 0..self.zones.lines().len() {
            let line = self.zones.lines()[li];
            let zone = self.zones.get(line);
            if !self.applies(zone.applies_to, identity) {
                continue;
            }
            // The movement's box misses the line's when both ends lie beyond one of
            // its sides (positions are finite here, so no `min`/`max` with their
            // NaN handling: this runs on every report).
            let b = &zone.bbox;
            if (p1[0] < b.min_lon && p2[0] < b.min_lon)
                || (p1[0] > b.max_lon && p2[0] > b.max_lon)
                || (p1[1] < b.min_lat && p2[1] < b.min_lat)
                || (p1[1] > b.max_lat && p2[1] > b.max_lat)
            {
                continue;
            }
            let Geometry::Line(pts) = &zone.geometry else {
                continue;
            };
            let mut hits: Vec<(f64, bool)> = pts
                .windows(2)
                .enumerate()
                .filter_map(|(i, w)| {
                    let (t, u, side) = geo::segment_intersection(p1, p2, w[0], w[1])?;
                    // Half-open on both: a fix lying exactly on the line, or a crossing
                    // through a vertex of the line, counts once.
                    let last_segment = i + 2 == pts.len();
                    (t > 0.0 && (u < 1.0 || last_segment) && side != 0.0).then_some((t, side > 0.0))
                })
                .collect();
            hits.sort_by(|a, b| a.0.total_cmp(&b.0));
            for (t, outward) in hits {
                let crossings = &mut self.tracks[ti as usize].crossings;
                if let Some(i) = crossings
                    .iter()
                    .position(|c| c.line == line && c.outward != outward)
                {
                    // Back across before the crossing stood: jitter on the line.
                    crossings.remove(i);
                } else {
                    crossings.push(PendingCrossing {
                        line,
                        outward,
                        time_ms: interpolate_time(prev.time_ms, fix.time_ms, t),
                        pos: geo::lerp(prev.pos, fix.pos, t),
                    });
                }
            }
        }
        // Checked here as well as there: usually nothing is pending, and the call
        // would cost more than the check.
        if !self.tracks[ti as usize].crossings.is_empty() {
            self.confirm_crossings(ti, Some(fix.pos), out);
        }
    }

    /// Raises pending crossings once the vessel is far enough beyond the line
    /// (`pos == None`: end of input, raise them all).
    fn confirm_crossings(&mut self, ti: u32, pos: Option<LatLon>, out: &mut Vec<EngineOutput>) {
        if self.tracks[ti as usize].crossings.is_empty() {
            return;
        }
        let confirm_m = self.config.boundary_crossing.confirm_distance_m;
        let pending = std::mem::take(&mut self.tracks[ti as usize].crossings);
        let mut keep = Vec::new();
        for c in pending {
            // Stands once the vessel is `confirm_m` beyond the line on the far side;
            // back on the near side by as much, it never crossed for good.
            let (stands, undone) = match pos {
                None => (true, false),
                Some(p) => {
                    let signed = line_side_m(self.zones.get(c.line), p);
                    let beyond = if c.outward { -signed } else { signed };
                    (beyond >= confirm_m, beyond <= -confirm_m)
                }
            };
            if undone {
                continue;
            }
            if !stands {
                keep.push(c);
                continue;
            }
            if !self.in_jurisdiction(c.pos) {
                continue;
            }
            let direction = if c.outward { "out" } else { "in" };
            let detail = json!({"direction": direction, "crossing": pos_json(c.time_ms, c.pos)});
            let mmsi = self.tracks[ti as usize].mmsi;
            let event = self.new_event(
                EventKind::BoundaryCrossing,
                mmsi,
                (c.time_ms, Some(c.time_ms)),
                c.pos,
                Some(c.line),
                detail,
            );
            self.emit_instant(event, out);
        }
        self.tracks[ti as usize].crossings = keep;
    }

    // --- zone entries: restricted_entry, unreported_port_entry, landing_stop -------

    fn update_zones(
        &mut self,
        ti: u32,
        prev: Option<&Fix>,
        fix: &Fix,
        jumped: bool,
        out: &mut Vec<EngineOutput>,
    ) {
        // scratch_zones holds the zones at fix.pos (from flags_at).
        if self.scratch_zones[..] == self.tracks[ti as usize].inside[..] {
            // Still in the same zones (most reports): nothing entered, nothing left.
            self.detect_landing(ti, fix, out);
            return;
        }
        let hysteresis = self.config.zones.exit_hysteresis_m;
        let mut now_inside = ZoneList::from_slice(&self.scratch_zones);
        let old_inside = std::mem::take(&mut self.tracks[ti as usize].inside);
        for &z in &old_inside {
            if !now_inside.contains(&z)
                && self.zones.get(z).distance_to_edge_m(fix.pos) < hysteresis
            {
                now_inside.push(z);
            }
        }
        let count_entries = !jumped && (prev.is_some() || self.config.zones.first_fix_is_entry);
        if count_entries {
            let identity = self.tracks[ti as usize].identity;
            for &z in &now_inside {
                if old_inside.contains(&z) {
                    continue;
                }
                let zone = self.zones.get(z);
                let (kind, applies_to) = (zone.kind, zone.applies_to);
                let wanted = match kind {
                    ZoneKind::Restricted => {
                        self.config.restricted_entry.enabled && self.applies(applies_to, identity)
                    }
                    ZoneKind::FishingPort => {
                        self.config.unreported_port_entry.enabled && identity.fishing
                    }
                    _ => false,
                };
                if !wanted {
                    continue;
                }
                let (entry_ms, entry_pos) = match prev {
                    Some(prev) => self.entry_point(z, prev, fix),
                    None => (fix.time_ms, fix.pos),
                };
                if !self.in_jurisdiction(entry_pos) {
                    continue;
                }
                if kind == ZoneKind::Restricted {
                    let mmsi = self.tracks[ti as usize].mmsi;
                    let detail = json!({
                        "applies_to": applies_to,
                        "entry": pos_json(entry_ms, entry_pos),
                        "first_inside": pos_json(fix.time_ms, fix.pos),
                    });
                    let event = self.new_event(
                        EventKind::RestrictedEntry,
                        mmsi,
                        (entry_ms, Some(entry_ms)),
                        entry_pos,
                        Some(z),
                        detail,
                    );
                    self.emit_instant(event, out);
                } else {
                    let due_ms = entry_ms
                        + (self.config.unreported_port_entry.report_after_min * 60_000.0) as i64;
                    if let Some(entries) = self.port_entries.as_mut() {
                        entries.push(PortEntry {
                            mmsi: self.tracks[ti as usize].mmsi,
                            port_zone_id: self.zones.get(z).id.clone(),
                            time_ms: entry_ms,
                            pos: entry_pos,
                        });
                    }
                    self.port_checks.push(PortCheck {
                        track: ti,
                        port: z,
                        entry_ms,
                        pos: entry_pos,
                        due_ms,
                    });
                }
            }
        }
        self.tracks[ti as usize].inside = now_inside;
        self.detect_landing(ti, fix, out);
    }

    /// When and where the movement `prev`→`fix` entered zone `z` (edge intersection),
    /// falling back to the fix itself.
    fn entry_point(&self, z: ZoneIdx, prev: &Fix, fix: &Fix) -> (i64, LatLon) {
        let zone = self.zones.get(z);
        let p1 = [prev.pos.lon, prev.pos.lat];
        let p2 = [fix.pos.lon, fix.pos.lat];
        let mut best: Option<f64> = None;
        if let Geometry::Polygons(parts) = &zone.geometry {
            for ring in parts.iter().flatten() {
                for w in ring.windows(2) {
                    if let Some((t, _, _)) = geo::segment_intersection(p1, p2, w[0], w[1]) {
                        best = Some(best.map_or(t, |b: f64| b.max(t)));
                    }
                }
            }
        }
        match best {
            Some(t) => (
                interpolate_time(prev.time_ms, fix.time_ms, t),
                geo::lerp(prev.pos, fix.pos, t),
            ),
            None => (fix.time_ms, fix.pos),
        }
    }

    fn detect_landing(&mut self, ti: u32, fix: &Fix, out: &mut Vec<EngineOutput>) {
        let cfg = &self.config.landing_stop;
        if !cfg.enabled {
            return;
        }
        let min_ms = (cfg.min_duration_min * 60_000.0) as i64;
        let slow = fix.sog.is_finite() && f64::from(fix.sog) < cfg.max_speed_kn;
        let zone = if slow {
            self.tracks[ti as usize]
                .inside
                .iter()
                .copied()
                .find(|&z| self.zones.get(z).kind.is_landing_place())
        } else {
            None
        };
        let continuing = matches!((&self.tracks[ti as usize].landing, zone), (Some(ep), Some(z)) if ep.zone == z);
        if !continuing {
            // Not stopped at a landing place and no episode open (most reports):
            // nothing to close or open.
            if zone.is_none() && self.tracks[ti as usize].landing.is_none() {
                return;
            }
            self.close_landing(ti, out);
            if let Some(z) = zone {
                self.tracks[ti as usize].landing = Some(Box::new(LandingEpisode {
                    zone: z,
                    start_ms: fix.time_ms,
                    start_pos: fix.pos,
                    last_ms: fix.time_ms,
                    samples: 1,
                    max_sog: fix.sog,
                    event: None,
                }));
            }
            return;
        }
        let ep = self.tracks[ti as usize]
            .landing
            .as_mut()
            .expect("continuing episode");
        ep.last_ms = fix.time_ms;
        ep.samples += 1;
        ep.max_sog = ep.max_sog.max(fix.sog);
        if ep.event.is_none() && ep.last_ms - ep.start_ms >= min_ms && fix.flags.in_jurisdiction {
            let (zone, start_ms, start_pos) = (ep.zone, ep.start_ms, ep.start_pos);
            let mmsi = self.tracks[ti as usize].mmsi;
            let detail = json!({"zone_kind": self.zones.get(zone).kind, "stopped_at": pos_json(start_ms, start_pos)});
            let event = self.new_event(
                EventKind::LandingStop,
                mmsi,
                (start_ms, None),
                start_pos,
                Some(zone),
                detail,
            );
            out.push(EngineOutput::Opened(event.clone()));
            self.tracks[ti as usize]
                .landing
                .as_mut()
                .expect("episode")
                .event = Some(Box::new(event));
        }
    }

    fn close_landing(&mut self, ti: u32, out: &mut Vec<EngineOutput>) {
        if let Some(ep) = self.tracks[ti as usize].landing.take() {
            if let Some(event) = ep.event {
                let mut event = *event;
                event.end_ms = Some(ep.last_ms);
                event.detail["duration_min"] =
                    json!(round1((ep.last_ms - ep.start_ms) as f64 / 60_000.0));
                event.detail["reports"] = json!(ep.samples);
                event.detail["max_sog_kn"] = json!(round1(f64::from(ep.max_sog)));
                out.push(EngineOutput::Closed(event));
            }
        }
    }

    fn settle_port_check(&mut self, check: PortCheck, out: &mut Vec<EngineOutput>) {
        let cfg = &self.config.unreported_port_entry;
        let from = check.entry_ms - (cfg.report_before_min * 60_000.0) as i64;
        let to = check.entry_ms + (cfg.report_after_min * 60_000.0) as i64;
        let mmsi = self.tracks[check.track as usize].mmsi;
        if self
            .arrivals
            .any_within(mmsi, check.port, from, to)
            .is_some()
        {
            return;
        }
        let detail = json!({
            "entry": pos_json(check.entry_ms, check.pos),
            "report_window": {"from": format_rfc3339(from), "to": format_rfc3339(to)},
        });
        let event = self.new_event(
            EventKind::UnreportedPortEntry,
            mmsi,
            (check.entry_ms, Some(check.entry_ms)),
            check.pos,
            Some(check.port),
            detail,
        );
        self.emit_instant(event, out);
    }

    // --- unregistered_vessel -------------------------------------------------------

    fn detect_unregistered(&mut self, ti: u32, fix: &Fix, out: &mut Vec<EngineOutput>) {
        let cfg = &self.config.unregistered_vessel;
        let t = &self.tracks[ti as usize];
        let valid = is_valid_ship_mmsi(t.mmsi);
        if !cfg.enabled || (t.identity.registered && valid) || !fix.flags.in_jurisdiction {
            return;
        }
        let repeat_ms = (cfg.repeat_after_h * 3_600_000.0) as i64;
        if t.unregistered_raised_ms
            .is_some_and(|last| fix.time_ms - last < repeat_ms)
        {
            return;
        }
        let mmsi = t.mmsi;
        let reason = if valid {
            "not_in_registry"
        } else {
            "invalid_mmsi"
        };
        let detail = json!({
            "reason": reason,
            "name": t.name.as_deref(),
            "ship_type": t.ship_type,
            "position": pos_json(fix.time_ms, fix.pos),
        });
        self.tracks[ti as usize].unregistered_raised_ms = Some(fix.time_ms);
        let event = self.new_event(
            EventKind::UnregisteredVessel,
            mmsi,
            (fix.time_ms, Some(fix.time_ms)),
            fix.pos,
            None,
            detail,
        );
        self.emit_instant(event, out);
    }

    // --- encounter -----------------------------------------------------------------

    fn cell_of(&self, pos: LatLon) -> (i32, i32) {
        (
            geo::floor_i32(pos.lat / self.cell_lat_deg),
            self.column_of(pos.lon),
        )
    }

    /// The encounter grid's column of a longitude.
    fn column_of(&self, lon: f64) -> i32 {
        geo::floor_i32(lon / self.cell_lon_deg)
    }

    fn cell_key(row: i32, col: i32) -> u64 {
        (u64::from(row as u32) << 32) | u64::from(col as u32)
    }

    /// Vessels in ports and anchorages meet nobody: they stay out of the grid, where
    /// hundreds moored together would otherwise be scanned by every passer-by.
    /// Returns the fix's cell (row, column).
    fn place_in_grid(&mut self, ti: u32, fix: &Fix) -> (i32, i32) {
        let old = self.tracks[ti as usize].cell;
        let (row, col) = self.cell_of(fix.pos);
        if fix.flags.in_harbour {
            if old != NO_CELL {
                self.remove_from_cell(ti, old);
            }
            return (row, col);
        }
        let key = Self::cell_key(row, col);
        let entry = ScanEntry {
            track: ti,
            fast: self.config.encounter.is_fast(fix.sog),
            velocity: fix.velocity,
            time_ms: fix.time_ms,
            pos: fix.pos,
        };
        if old == key {
            let list = self.cells.list_mut(row, col);
            if let Some(i) = list.iter().position(|e| e.track == ti) {
                if list[i].fast == entry.fast {
                    list[i] = entry;
                    return (row, col);
                }
                // Changed speed class: it moves to the other part of the list.
                EncounterGrid::take(list, i);
            }
            EncounterGrid::insert(list, entry);
            return (row, col);
        } else if old != NO_CELL {
            self.remove_from_cell(ti, old);
        }
        EncounterGrid::insert(self.cells.list_mut(row, col), entry);
        self.tracks[ti as usize].cell = key;
        (row, col)
    }

    fn remove_from_cell(&mut self, ti: u32, key: u64) {
        let (row, col) = ((key >> 32) as u32 as i32, key as u32 as i32);
        self.cells.remove(row, col, ti);
        self.tracks[ti as usize].cell = NO_CELL;
    }

    fn detect_encounters(&mut self, ti: u32, fix: &Fix, out: &mut Vec<EngineOutput>) {
        let (row, col) = self.place_in_grid(ti, fix);
        let cfg = self.config.encounter.clone();
        let max_age_ms = (cfg.max_position_age_s * 1000.0) as i64;
        let m_per_deg_lon = geo::M_PER_DEG_LAT * geo::cos_lat(fix.pos.lat.to_radians());
        let mut close = std::mem::take(&mut self.scratch_close);
        close.clear();
        let mmsi = self.tracks[ti as usize].mmsi;
        // In a port or anchorage nobody "meets" anyone: skip the neighbourhood, which
        // is also where vessels crowd most.
        let rows: &[i32] = if fix.flags.in_harbour {
            &[]
        } else {
            &[-1, 0, 1]
        };
        // Two vessels passing at speed are not worth an episode (in a busy lane they
        // would be thousands): a pair is tracked from when either is slow-ish. So a
        // fast reporter measures the distance to the cells' slow vessels only, and
        // of the fast ones looks only for its partners (an episode, once begun,
        // goes on while they stay close at any speed).
        let reporter_fast = cfg.is_fast(fix.sog);
        let partners = &self.tracks[ti as usize].partners;
        // The cell lists first, each asked for from memory as soon as it is found:
        // their entries are separate blocks, and the scan's data-dependent branches
        // would otherwise have them arrive one after the other.
        let mut lists: [&[ScanEntry]; 9] = [&[]; 9];
        let mut found_lists = 0;
        // Of the three columns, those that hold a point within the reach of the
        // rows (the distance plus the slack): below 60° latitude a column is wider
        // than that, so the far one on the other side is usually out of reach (at
        // 24°, two columns in nine reports of ten).
        // (At a pole the reach is infinite: saturating, it keeps all three.)
        let reach_deg = ((cfg.max_distance_m + SCAN_SLACK_M) / m_per_deg_lon).abs();
        let first_dc = self
            .column_of(fix.pos.lon - reach_deg)
            .saturating_sub(col)
            .max(-1);
        let last_dc = self
            .column_of(fix.pos.lon + reach_deg)
            .saturating_sub(col)
            .min(1);
        let mut chunk: Option<(u64, Option<&GridChunk>)> = None;
        for &dr in rows {
            for dc in first_dc..=last_dc {
                let (chunk_key, index) = EncounterGrid::split(row + dr, col + dc);
                // Neighbours mostly share a chunk: look it up once.
                let found = match chunk {
                    Some((k, c)) if k == chunk_key => c,
                    _ => {
                        let c = self.cells.chunk(chunk_key);
                        chunk = Some((chunk_key, c));
                        c
                    }
                };
                if let Some(list) = found.map(|c| &c[index]).filter(|l| !l.is_empty()) {
                    prefetch_entries(list);
                    lists[found_lists] = list;
                    found_lists += 1;
                }
            }
        }
        for list in &lists[..found_lists] {
            for other in *list {
                let tj = other.track;
                if other.fast && reporter_fast {
                    if partners.is_empty() {
                        // The rest of the list is fast too.
                        break;
                    }
                    if !partners.iter().any(|p| p.track == tj) {
                        continue;
                    }
                }
                self.stats.encounter_candidates += 1;
                if tj == ti || (fix.time_ms - other.time_ms).abs() > max_age_ms {
                    continue;
                }
                // Offset of the counterpart, dead-reckoned to now, in local metres:
                // no trigonometry per candidate.
                let age_s = ((fix.time_ms - other.time_ms) as f64 / 1000.0).max(0.0);
                let dx = (other.pos.lon - fix.pos.lon) * m_per_deg_lon
                    + f64::from(other.velocity[0]) * age_s;
                let dy = (other.pos.lat - fix.pos.lat) * geo::M_PER_DEG_LAT
                    + f64::from(other.velocity[1]) * age_s;
                if dx.abs() > cfg.max_distance_m || dy.abs() > cfg.max_distance_m {
                    continue;
                }
                let d = (dx * dx + dy * dy).sqrt();
                if d > cfg.max_distance_m {
                    continue;
                }
                close.push(tj);
                close.push(d.to_bits() as u32);
                close.push((d.to_bits() >> 32) as u32);
            }
        }
        for chunk in close.chunks_exact(3) {
            let tj = chunk[0];
            let d = f64::from_bits(u64::from(chunk[1]) | (u64::from(chunk[2]) << 32));
            let other = self.tracks[tj as usize].last.expect("candidate has a fix");
            let meet = geo::lerp(fix.pos, other.predict(fix.time_ms), 0.5);
            let known = self.tracks[ti as usize]
                .partners
                .iter()
                .find(|p| p.track == tj)
                .map(|p| p.pair);
            let slot = match known {
                Some(slot) => slot,
                None => {
                    let (a, b) = if mmsi < self.tracks[tj as usize].mmsi {
                        (ti, tj)
                    } else {
                        (tj, ti)
                    };
                    let mut pair = Pair {
                        a,
                        b,
                        start_ms: fix.time_ms,
                        min_distance_m: d,
                        meet_pos: meet,
                        sog_sum: [0.0; 2],
                        sog_n: [0; 2],
                        event: None,
                    };
                    // The counterpart's speed as last reported counts from the start.
                    let side = usize::from(b == tj);
                    if other.sog.is_finite() {
                        pair.sog_sum[side] += f64::from(other.sog);
                        pair.sog_n[side] += 1;
                    }
                    let slot = match self.free_pairs.pop() {
                        Some(slot) => {
                            self.pairs[slot as usize] = Some(pair);
                            self.pair_close_ms[slot as usize] = fix.time_ms;
                            slot
                        }
                        None => {
                            self.pairs.push(Some(pair));
                            self.pair_close_ms.push(fix.time_ms);
                            (self.pairs.len() - 1) as u32
                        }
                    };
                    self.tracks[ti as usize].partners.push(Partner {
                        track: tj,
                        pair: slot,
                    });
                    self.tracks[tj as usize].partners.push(Partner {
                        track: ti,
                        pair: slot,
                    });
                    slot
                }
            };
            let pair = self.pairs[slot as usize]
                .as_mut()
                .expect("a partner's pair is live");
            self.pair_close_ms[slot as usize] = fix.time_ms;
            if d < pair.min_distance_m {
                pair.min_distance_m = d;
                pair.meet_pos = meet;
            }
            let side = usize::from(pair.b == ti);
            if fix.sog.is_finite() {
                pair.sog_sum[side] += f64::from(fix.sog);
                pair.sog_n[side] += 1;
            }
            let long_enough =
                (fix.time_ms - pair.start_ms) as f64 >= cfg.min_duration_min * 60_000.0;
            if pair.event.is_none()
                && long_enough
                && pair.mean_sog(0) < cfg.max_mean_speed_kn
                && pair.mean_sog(1) < cfg.max_mean_speed_kn
            {
                let (a, b, start_ms, meet_pos) = (pair.a, pair.b, pair.start_ms, pair.meet_pos);
                if self.in_jurisdiction(meet_pos) {
                    let (ma, mb) = (self.tracks[a as usize].mmsi, self.tracks[b as usize].mmsi);
                    let mut event = self.new_event(
                        EventKind::Encounter,
                        ma,
                        (start_ms, None),
                        meet_pos,
                        None,
                        json!({}),
                    );
                    event.other_mmsi = Some(mb);
                    out.push(EngineOutput::Opened(event.clone()));
                    self.pairs[slot as usize].as_mut().expect("live pair").event =
                        Some(Box::new(event));
                }
            }
        }
        // Partners not close now: the episode ends once the separation outlasts the
        // allowed interruption.
        let partners = std::mem::take(&mut self.tracks[ti as usize].partners);
        let mut ended = Vec::new();
        for partner in &partners {
            if close.chunks_exact(3).any(|c| c[0] == partner.track) {
                continue;
            }
            let last_close_ms = self.pair_close_ms[partner.pair as usize];
            if (fix.time_ms - last_close_ms) as f64 > cfg.max_interruption_s * 1000.0 {
                ended.push(partner.pair);
            }
        }
        self.tracks[ti as usize].partners = partners;
        self.scratch_close = close;
        for slot in ended {
            self.close_pair(slot, out);
        }
    }

    fn close_pair(&mut self, slot: u32, out: &mut Vec<EngineOutput>) {
        let Some(mut pair) = self.pairs[slot as usize].take() else {
            return;
        };
        let last_close_ms = std::mem::replace(&mut self.pair_close_ms[slot as usize], i64::MAX);
        self.free_pairs.push(slot);
        for x in [pair.a, pair.b] {
            let partners = &mut self.tracks[x as usize].partners;
            if let Some(i) = partners.iter().position(|p| p.pair == slot) {
                partners.swap_remove(i);
            }
        }
        if let Some(event) = pair.event.take() {
            let mut event = *event;
            event.end_ms = Some(last_close_ms);
            event.detail = json!({
                "min_distance_m": pair.min_distance_m.round(),
                "duration_min": round1((last_close_ms - pair.start_ms) as f64 / 60_000.0),
                "mean_sog_kn": [round1(pair.mean_sog(0)), round1(pair.mean_sog(1))],
                "meeting_point": {"lat": round6(pair.meet_pos.lat), "lon": round6(pair.meet_pos.lon)},
                "counterpart": self.tracks[pair.b as usize].mmsi,
            });
            out.push(EngineOutput::Closed(event));
        }
    }

    // --- the sweep -----------------------------------------------------------------

    /// Settles what ends by the passing of time; `final_` closes everything.
    fn sweep(&mut self, out: &mut Vec<EngineOutput>, final_: bool) {
        let now = self.now_ms;
        self.cells.drop_empty_chunks();
        // Port entries whose report window has closed, in entry order.
        let (due, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.port_checks)
            .into_iter()
            .partition(|c| final_ || c.due_ms <= now);
        self.port_checks = waiting;
        let mut due = due;
        due.sort_by_key(|c| c.entry_ms);
        for check in due {
            self.settle_port_check(check, out);
        }
        // Encounters apart for longer than the allowed interruption.
        let interruption_ms = (self.config.encounter.max_interruption_s * 1000.0) as i64;
        let mut ended: Vec<(i64, u32)> = self
            .pair_close_ms
            .iter()
            .enumerate()
            .filter(|&(_, &close_ms)| final_ || now.saturating_sub(close_ms) > interruption_ms)
            .filter_map(|(slot, _)| {
                let p = self.pairs[slot].as_ref()?;
                Some((p.start_ms, slot as u32))
            })
            .collect();
        ended.sort_unstable();
        for (_, slot) in ended {
            self.close_pair(slot, out);
        }
        let merge_ms = (self.config.position_jump.merge_gap_min * 60_000.0) as i64;
        let landing_silence_ms = (self.config.landing_stop.max_silence_min * 60_000.0) as i64;
        let max_age_ms = (self.config.encounter.max_position_age_s * 1000.0) as i64;
        let forget_ms = (self.config.tracks.forget_after_h * 3_600_000.0) as i64;
        for ti in 0..self.tracks.len() as u32 {
            if !final_ && self.sweep_due_ms[ti as usize] > now {
                continue;
            }
            let t = &self.tracks[ti as usize];
            if t.jump
                .as_ref()
                .is_some_and(|ep| final_ || now - ep.last_ms > merge_ms)
            {
                self.close_jump(ti, out);
            }
            let t = &self.tracks[ti as usize];
            if t.landing
                .as_ref()
                .is_some_and(|ep| final_ || now - ep.last_ms > landing_silence_ms)
            {
                self.close_landing(ti, out);
            }
            let t = &self.tracks[ti as usize];
            if final_ && !t.crossings.is_empty() {
                self.confirm_crossings(ti, None, out);
            }
            // Vessels silent too long to meet anyone leave the encounter grid.
            let t = &self.tracks[ti as usize];
            if t.cell != NO_CELL && t.last.is_some_and(|f| now - f.time_ms > max_age_ms) {
                self.remove_from_cell(ti, t.cell);
            }
            let t = &self.tracks[ti as usize];
            let idle = t.mmsi != FREE_SLOT
                && now - t.seen_ms > forget_ms
                && t.landing.is_none()
                && t.jump.is_none()
                && t.partners.is_empty()
                && t.cell == NO_CELL;
            if idle && !self.port_checks.iter().any(|c| c.track == ti) {
                self.forget(ti, out);
            }
            // When the next of the checks above can first fire (they fire strictly
            // after `last + window`); at least the next sweep if one is overdue but
            // held back (an idle vessel with an open port check or partner).
            let t = &self.tracks[ti as usize];
            let mut due = i64::MAX;
            if let Some(ep) = &t.jump {
                due = due.min(ep.last_ms.saturating_add(merge_ms));
            }
            if let Some(ep) = &t.landing {
                due = due.min(ep.last_ms.saturating_add(landing_silence_ms));
            }
            if let (true, Some(f)) = (t.cell != NO_CELL, t.last) {
                due = due.min(f.time_ms.saturating_add(max_age_ms));
            }
            if t.mmsi != FREE_SLOT {
                due = due.min(t.seen_ms.saturating_add(forget_ms));
            }
            self.set_sweep_due(ti, due.saturating_add(1).max(now + 1));
        }
    }

    /// Sets a track's sweep due time in both places it is kept (see
    /// `Engine::sweep_due_ms` and `Track::sweep_due_ms`).
    fn set_sweep_due(&mut self, ti: u32, due_ms: i64) {
        self.sweep_due_ms[ti as usize] = due_ms;
        self.tracks[ti as usize].sweep_due_ms = due_ms;
    }

    /// The shortest of the windows after which [`Engine::sweep`] acts on a track.
    fn sweep_min_window_ms(c: &EngineConfig) -> i64 {
        let windows = [
            c.position_jump.merge_gap_min * 60_000.0,
            c.landing_stop.max_silence_min * 60_000.0,
            c.encounter.max_position_age_s * 1000.0,
            c.tracks.forget_after_h * 3_600_000.0,
        ];
        windows.into_iter().fold(f64::INFINITY, f64::min).max(0.0) as i64
    }
}

fn identity_of(registry: &Registry, mmsi: u32) -> Identity {
    match registry.get(mmsi) {
        Some(r) => Identity {
            registered: true,
            fishing: r.kind == VesselKind::Fishing,
            international: r.international,
        },
        None => Identity::default(),
    }
}

/// A time between two receive times, rounded to the whole second like them.
fn interpolate_time(from_ms: i64, to_ms: i64, t: f64) -> i64 {
    let ms = from_ms as f64 + (to_ms - from_ms) as f64 * t;
    ((ms / 1000.0).round() * 1000.0) as i64
}

/// Signed distance in metres from a boundary line: positive on its left (inside).
fn line_side_m(zone: &crate::zones::Zone, p: LatLon) -> f64 {
    let Geometry::Line(pts) = &zone.geometry else {
        return 0.0;
    };
    let mut best = (f64::INFINITY, 0.0);
    for w in pts.windows(2) {
        let d = geo::point_segment_distance_m(p, w[0], w[1]);
        if d < best.0 {
            best = (d, geo::side_of(w[0], w[1], p));
        }
    }
    if best.1 >= 0.0 {
        best.0
    } else {
        -best.0
    }
}

#[cfg(test)]
mod layout {
    use super::*;
    use std::mem::{align_of, offset_of, size_of};

    /// The hot fields of a track stay in its first four cache lines (see
    /// `Track`): a field added or grown in the wrong place fails here.
    #[test]
    fn a_tracks_hot_fields_fill_its_first_four_cache_lines() {
        assert_eq!(align_of::<Track>(), 64);
        assert_eq!(offset_of!(Track, inside), 64);
        assert_eq!(offset_of!(Track, partners), 128);
        assert_eq!(offset_of!(Track, identity), 192);
        assert!(offset_of!(Track, sweep_due_ms) + size_of::<i64>() <= 256);
        assert_eq!(size_of::<Track>(), 320);
    }
}

#[cfg(test)]
mod cell_lists {
    use super::*;

    /// Every insertion, removal and change of speed class keeps a cell list's slow
    /// entries before its fast ones (the scan stops at the first fast entry) and
    /// loses no entry.
    #[test]
    fn slow_entries_stay_first_through_any_changes() {
        let entry = |track: u32, fast: bool| ScanEntry {
            track,
            fast,
            velocity: [0.0; 2],
            time_ms: 0,
            pos: LatLon::new(0.0, 0.0),
        };
        let mut list = Vec::new();
        let mut members: Vec<(u32, bool)> = Vec::new();
        // A fixed pseudo-random sequence (xorshift) of operations on 12 tracks.
        let mut x: u32 = 2463534242;
        for _ in 0..5_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let (track, fast) = (x % 12, x & 0x100 != 0);
            match members.iter().position(|m| m.0 == track) {
                Some(i) if x & 0x200 != 0 => {
                    let at = list
                        .iter()
                        .position(|e: &ScanEntry| e.track == track)
                        .unwrap();
                    EncounterGrid::take(&mut list, at);
                    members.remove(i);
                }
                Some(i) => {
                    // As `place_in_grid` changes an entry's class within its cell.
                    let at = list
                        .iter()
                        .position(|e: &ScanEntry| e.track == track)
                        .unwrap();
                    EncounterGrid::take(&mut list, at);
                    EncounterGrid::insert(&mut list, entry(track, fast));
                    members[i].1 = fast;
                }
                None => {
                    EncounterGrid::insert(&mut list, entry(track, fast));
                    members.push((track, fast));
                }
            }
            let first_fast = list.iter().position(|e| e.fast).unwrap_or(list.len());
            assert!(list[first_fast..].iter().all(|e| e.fast), "{list:?}");
            let mut have: Vec<(u32, bool)> = list.iter().map(|e| (e.track, e.fast)).collect();
            let mut want = members.clone();
            have.sort_unstable();
            want.sort_unstable();
            assert_eq!(have, want);
        }
    }
}
