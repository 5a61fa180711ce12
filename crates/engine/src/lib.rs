//! Maritime engine: tracks, zones and detectors. No IO; time comes from message
//! receive times, never the wall clock.
//!
//! A driver (the `jinghai replay` CLI, later the server) decodes AIS into
//! [`Observation`]s and feeds them to an [`Engine`], which keeps one track per MMSI,
//! tests positions against the [`ZoneSet`] and raises [`Event`]s of the eight kinds of
//! FORMATS.md as [`EngineOutput`]s (`Opened` / `Updated` / `Closed`, one stable id).
//!
//! Code map:
//! - [`engine`] — the [`Engine`]: tracks, the encounter grid, and the eight detectors.
//! - [`zones`] — zone GeoJSON loading/validation and the grid index.
//! - [`registry`] — vessel registry and port-report CSV loading.
//! - [`config`] — every threshold, `serde`-deserialisable, FORMATS.md defaults.
//! - [`observation`], [`event`] — input and output types, the JSON Lines event form.
//! - [`exercise`] — coastal exercise generator (with a minimal NMEA encoder) and scorer.
//! - [`geo`], [`time`] — small geometry and RFC 3339 helpers.
//!
//! ```
//! use jinghai_engine::*;
//! let zones = ZoneSet::from_geojson(r#"{"type":"FeatureCollection","features":[]}"#, "z").unwrap();
//! let mut engine = Engine::new(EngineConfig::default(), zones, Registry::new(), Vec::new());
//! let mut out = Vec::new();
//! let obs = Observation {
//!     mmsi: 412_000_001,
//!     time_ms: 1_613_478_772_000,
//!     kind: ObservationKind::Position(PositionReport::at(29.9, 122.0)),
//! };
//! engine.process(&obs, &mut out);
//! engine.finish(&mut out);
//! // Unknown to the (empty) registry, and with no jurisdiction zone the whole sea counts.
//! assert_eq!(out[0].event().kind, EventKind::UnregisteredVessel);
//! ```

pub mod config;
pub mod engine;
pub mod event;
pub mod exercise;
#[cfg(feature = "ais")]
pub mod from_ais;
pub mod geo;
pub mod observation;
mod prefetch;
pub mod registry;
pub mod time;
pub mod zones;

pub use config::EngineConfig;
pub use engine::{Engine, EngineStats, HistoryPoint, PortEntry, VesselView};
pub use event::{EngineOutput, Event, EventId, EventKind, FinalEvents};
pub use geo::LatLon;
pub use observation::{
    AisClass, Observation, ObservationKind, PositionReport, ShortText, StaticReport,
};
pub use registry::{
    parse_port_report_rows, parse_port_reports, registry_csv, OwnerKind, PortReport, Registry,
    ReportKind, VesselKind, VesselRecord,
};
pub use zones::{AppliesTo, Zone, ZoneKind, ZoneSet};

/// An input file that cannot be used, naming where and which field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}: {location}: field `{field}`: {message}")]
pub struct LoadError {
    /// The file (as the caller named it).
    pub file: String,
    /// `line N` or `feature N (id "X")`.
    pub location: String,
    pub field: String,
    pub message: String,
}

/// A fast, non-cryptographic hasher for integer keys (FxHash with a final mix);
/// MMSIs and grid cells are not attacker-chosen in any way that matters here.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn finish(&self) -> u64 {
        // A final avalanche (MurmurHash3's fmix64): the multiply alone leaves the low
        // bits depending only on the key's low bits, and hashbrown indexes buckets by
        // the low bits — grid keys (row << 32 | col) would all collide per column.
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.write_u64(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
}

/// `HashMap` with [`FxHasher`].
pub type FastMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;
