//! The engine's input: what a decoder saw, stamped with its receive time.

/// AIS transponder class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AisClass {
    #[default]
    Unknown,
    A,
    B,
}

/// One decoded AIS message about one vessel.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub mmsi: u32,
    /// Receive time, epoch milliseconds. The engine's only clock.
    pub time_ms: i64,
    pub kind: ObservationKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ObservationKind {
    Position(PositionReport),
    Static(StaticReport),
}

/// A position report (AIS types 1–3, 18, 19, 27). `None` is "not available".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PositionReport {
    pub lat: f64,
    pub lon: f64,
    /// Speed over ground, knots.
    pub sog_kn: Option<f32>,
    /// Course over ground, degrees true.
    pub cog_deg: Option<f32>,
    /// True heading, degrees.
    pub heading_deg: Option<u16>,
    pub nav_status: Option<u8>,
    pub class: AisClass,
}

impl PositionReport {
    /// A report with only a position, for tests and generators.
    pub fn at(lat: f64, lon: f64) -> Self {
        Self {
            lat,
            lon,
            sog_kn: None,
            cog_deg: None,
            heading_deg: None,
            nav_status: None,
            class: AisClass::Unknown,
        }
    }
}

/// Static and voyage data (AIS types 5, 19, 24).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StaticReport {
    pub name: Option<String>,
    pub callsign: Option<String>,
    pub imo: Option<u32>,
    /// ITU ship and cargo type (30 = fishing).
    pub ship_type: Option<u8>,
    pub class: AisClass,
}
