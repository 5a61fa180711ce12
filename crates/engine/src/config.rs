//! Every threshold of the detectors, with the defaults of FORMATS.md.
//!
//! Deserialisable from TOML/JSON; every field has a default, so a file names only
//! what it changes:
//!
//! ```toml
//! [encounter]
//! max_distance_m = 150.0
//! [ais_gap]
//! enabled = false
//! ```

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct EngineConfig {
    pub tracks: TrackConfig,
    pub zones: ZoneConfig,
    pub unreported_port_entry: PortEntryConfig,
    pub ais_gap: AisGapConfig,
    pub encounter: EncounterConfig,
    pub landing_stop: LandingStopConfig,
    pub restricted_entry: RestrictedEntryConfig,
    pub boundary_crossing: BoundaryCrossingConfig,
    pub unregistered_vessel: UnregisteredVesselConfig,
    pub position_jump: PositionJumpConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrackConfig {
    /// The same position of one MMSI heard again within this many seconds (several
    /// receivers hear one transmission) is a duplicate.
    pub duplicate_window_s: f64,
    /// Points kept in each vessel's compact history.
    pub history_points: usize,
    /// A history point is kept when dead reckoning from the previous kept points misses
    /// the real position by more than this (time-ratio generalisation).
    pub history_tolerance_m: f64,
    /// ...or when this long has passed since the last kept point.
    pub history_max_interval_s: f64,
    /// A vessel silent this long is forgotten (its state freed; a later message starts
    /// a new track, so no AIS gap is raised across such a silence).
    pub forget_after_h: f64,
}

impl Default for TrackConfig {
    fn default() -> Self {
        Self {
            duplicate_window_s: 5.0,
            history_points: 48,
            history_tolerance_m: 50.0,
            history_max_interval_s: 600.0,
            forget_after_h: 7.0 * 24.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ZoneConfig {
    /// A vessel inside a zone has left it only once it is this far outside, so a
    /// vessel lying on an edge does not enter it again and again.
    pub exit_hysteresis_m: f64,
    /// Whether the first position of a vessel ever seen counts as entering the zones
    /// it is in (false: a vessel already moored in port when the feed starts did not
    /// "enter" it).
    pub first_fix_is_entry: bool,
}

impl Default for ZoneConfig {
    fn default() -> Self {
        Self {
            exit_hysteresis_m: 30.0,
            first_fix_is_entry: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PortEntryConfig {
    pub enabled: bool,
    /// An arrival report counts if made at most this long before the entry…
    pub report_before_min: f64,
    /// …or at most this long after it.
    pub report_after_min: f64,
}

impl Default for PortEntryConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            report_before_min: 24.0 * 60.0,
            report_after_min: 15.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AisGapConfig {
    pub enabled: bool,
    pub min_silence_min: f64,
}

impl Default for AisGapConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            min_silence_min: 30.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EncounterConfig {
    pub enabled: bool,
    pub max_distance_m: f64,
    pub min_duration_min: f64,
    /// Both vessels' mean speed over the encounter must be below this.
    pub max_mean_speed_kn: f64,
    /// A counterpart's last position older than this is not dead-reckoned to now.
    pub max_position_age_s: f64,
    /// Separations shorter than this do not end an encounter.
    pub max_interruption_s: f64,
    /// A pair is followed from when either vessel reports less than this (both
    /// faster: passing traffic, which cannot average below `max_mean_speed_kn` soon).
    pub track_pairs_below_kn: f64,
}

impl EncounterConfig {
    /// Whether a vessel reporting `sog` knots is passing traffic for the encounter
    /// scan (an unknown speed counts as fast: such a vessel pairs only with a slow one).
    pub fn is_fast(&self, sog: f32) -> bool {
        !sog.is_finite() || f64::from(sog) >= self.track_pairs_below_kn
    }
}

impl Default for EncounterConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            max_distance_m: 200.0,
            min_duration_min: 10.0,
            max_mean_speed_kn: 3.0,
            max_position_age_s: 360.0,
            max_interruption_s: 300.0,
            track_pairs_below_kn: 6.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LandingStopConfig {
    pub enabled: bool,
    pub max_speed_kn: f64,
    pub min_duration_min: f64,
    /// A stop with no report for this long is over.
    pub max_silence_min: f64,
}

impl Default for LandingStopConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            max_speed_kn: 1.0,
            min_duration_min: 5.0,
            max_silence_min: 30.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RestrictedEntryConfig {
    pub enabled: bool,
}

impl Default for RestrictedEntryConfig {
    fn default() -> Self {
        Self { enabled: true }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BoundaryCrossingConfig {
    pub enabled: bool,
    /// A crossing stands once the vessel is this far beyond the line; crossing back
    /// before that cancels it (GPS jitter on the line).
    pub confirm_distance_m: f64,
}

impl Default for BoundaryCrossingConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            confirm_distance_m: 30.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UnregisteredVesselConfig {
    pub enabled: bool,
    /// Raised again for the same MMSI only after this long ("once per day").
    pub repeat_after_h: f64,
}

impl Default for UnregisteredVesselConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            repeat_after_h: 24.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PositionJumpConfig {
    pub enabled: bool,
    pub max_speed_kn: f64,
    /// Jumps shorter than this are GPS noise, whatever the implied speed.
    pub min_distance_m: f64,
    /// Receive times have whole-second resolution: the time between two positions is
    /// taken as this much longer, so rounding never makes a fast vessel "jump".
    pub time_resolution_s: f64,
    /// Jumps closer together than this are one event (a spoof, two transmitters).
    pub merge_gap_min: f64,
}

impl Default for PositionJumpConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            max_speed_kn: 50.0,
            min_distance_m: 100.0,
            time_resolution_s: 1.0,
            merge_gap_min: 15.0,
        }
    }
}
