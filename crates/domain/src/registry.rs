//! The registries the maritime engine reads: vessels (with their owners,
//! 三无 status, photos and the vessel code), places (the zones of FORMATS.md
//! and the anti-smuggling risk points of SPEC.md), and fishing vessels'
//! port departure/arrival reports with the persons aboard.
//!
//! Field formats (vessel kinds, zone kinds, the CSV and GeoJSON columns) are
//! those of `shared/FORMATS.md`; the engine's loaders parse them, and the
//! names here are what the UI shows.

use serde::{Deserialize, Serialize};

string_enum! {
    /// A vessel's 三无 status (no name, no certificate, no registry).
    StatelessStatus {
        Normal = "normal", "正常登记", "Registered";
        /// No name and no registry number: a 三无 candidate to check.
        Candidate = "candidate", "三无嫌疑", "Suspected stateless";
        Confirmed = "confirmed", "三无船舶", "Stateless (三无)";
        Seized = "seized", "已查扣", "Seized";
    }
}

string_enum! {
    /// Who owns a vessel (FORMATS.md `owner_kind`).
    OwnerKind {
        Enterprise = "enterprise", "企业", "Enterprise";
        Individual = "individual", "个人", "Individual";
    }
}

string_enum! {
    /// Risk points of SPEC.md: "一港二企三库", shipyards, checkpoints. They are
    /// places of work for patrols and the risk list, not engine zones.
    PointKind {
        Port = "port", "港口", "Port";
        Dock = "dock", "码头", "Dock";
        Company = "company", "集卡吊机企业", "Truck or crane company";
        Warehouse = "warehouse", "仓库", "Warehouse";
        ColdStore = "cold_store", "冷库", "Cold store";
        OilDepot = "oil_depot", "油库", "Oil depot";
        Shipyard = "shipyard", "船舶修造厂", "Shipyard";
        Checkpoint = "checkpoint", "卡口", "Checkpoint";
        FuelSupply = "fuel_supply", "供油船舶停靠点", "Fuel-supply vessel berth";
    }
}

string_enum! {
    /// A port report's kind (FORMATS.md).
    ReportKind {
        Departure = "departure", "出港", "Departure";
        Arrival = "arrival", "进港", "Arrival";
    }
}

/// The vessel kinds of FORMATS.md, in its order.
pub const VESSEL_KINDS: [&str; 8] = [
    "fishing",
    "cargo",
    "tanker",
    "passenger",
    "speedboat",
    "service",
    "law_enforcement",
    "other",
];

/// Chinese and English names of a FORMATS.md vessel kind.
pub fn vessel_kind_names(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "fishing" => ("渔船", "Fishing"),
        "cargo" => ("货船", "Cargo"),
        "tanker" => ("油船", "Tanker"),
        "passenger" => ("客船", "Passenger"),
        "speedboat" => ("快艇", "Speedboat"),
        "service" => ("工作船", "Service"),
        "law_enforcement" => ("执法船", "Law enforcement"),
        _ => ("其他", "Other"),
    }
}

/// The zone kinds of FORMATS.md, in its order.
pub const ZONE_KINDS: [&str; 11] = [
    "jurisdiction",
    "coverage",
    "open_port",
    "anchorage",
    "fishing_port",
    "cove",
    "uninhabited_island",
    "unlicensed_dock",
    "temporary_berth",
    "restricted",
    "boundary",
];

/// Chinese and English names of a zone kind or a risk-point kind.
pub fn place_kind_names(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "jurisdiction" => ("辖区海域", "Jurisdiction"),
        "coverage" => ("AIS 覆盖区", "AIS coverage"),
        "open_port" => ("对外开放口岸", "Open port"),
        "anchorage" => ("锚地", "Anchorage"),
        "fishing_port" => ("渔港", "Fishing port"),
        "cove" => ("岙口", "Cove"),
        "uninhabited_island" => ("无人岛", "Uninhabited island"),
        "unlicensed_dock" => ("无证码头", "Unlicensed dock"),
        "temporary_berth" => ("临时停靠点", "Temporary berth"),
        "restricted" => ("限制区域", "Restricted waters"),
        "boundary" => ("界线", "Boundary line"),
        other => PointKind::parse(other)
            .map(|k| (k.zh(), k.en()))
            .unwrap_or(("其他", "Other")),
    }
}

/// Whether `kind` is a zone the engine reads (else a risk point).
pub fn is_zone_kind(kind: &str) -> bool {
    ZONE_KINDS.contains(&kind)
}

/// One registered vessel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vessel {
    pub id: i64,
    /// The district, town or village the vessel belongs to.
    pub region_id: i64,
    pub region_code: String,
    pub mmsi: i64,
    pub name: String,
    /// A FORMATS.md vessel kind.
    pub kind: String,
    /// ISO 3166 alpha-2.
    pub flag: String,
    pub international: bool,
    pub home_port: String,
    pub owner_kind: OwnerKind,
    pub owner_name: String,
    /// Owner's contact person and phone.
    pub owner_contact: String,
    pub owner_phone: String,
    pub registry_no: String,
    pub stateless: StatelessStatus,
    pub notes: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A vessel photo's description (the bytes are fetched separately).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VesselPhoto {
    pub id: i64,
    pub vessel_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: i64,
}

/// The captain's token of a vessel (carried by its vessel code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptainToken {
    pub vessel_id: i64,
    pub token: String,
    pub expires_at: i64,
}

/// One place: a zone of FORMATS.md or a risk point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub id: i64,
    pub region_id: i64,
    pub region_code: String,
    /// The FORMATS.md `id` (unique within the district).
    pub code: String,
    pub name: String,
    /// A zone kind of FORMATS.md, or a [`PointKind`].
    pub kind: String,
    /// `all`, `international` or `fishing` (restricted zones and boundaries).
    pub applies_to: Option<String>,
    /// The GeoJSON geometry, as JSON text.
    pub geometry: String,
    /// A representative point (a point's position, a zone's first corner).
    pub lat: f64,
    pub lon: f64,
    pub notes: String,
    pub updated_at: i64,
}

/// A person aboard at a port report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonAboard {
    pub name: String,
    pub id_number: String,
    pub phone: String,
}

/// A port departure/arrival report (进出港报告).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortReport {
    pub id: i64,
    pub vessel_id: Option<i64>,
    pub region_id: i64,
    pub region_code: String,
    pub mmsi: i64,
    pub kind: ReportKind,
    /// The `id` (code) of the fishing-port zone.
    pub port_code: String,
    pub reported_at: i64,
    pub persons_aboard: Option<i64>,
    /// Arrival only: where the persons aboard have been.
    pub itinerary: String,
    /// Arrival only: whom they met (contact history).
    pub contact_history: String,
    /// `officer`, `captain` or `import`.
    pub source: String,
    pub entered_by: String,
    pub persons: Vec<PersonAboard>,
    pub created_at: i64,
}

/// A fishing vessel's entry into a fishing port, as AIS saw it (the live engine).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortEntry {
    pub id: i64,
    pub region_id: i64,
    pub region_code: String,
    pub mmsi: i64,
    pub port_code: String,
    pub entry_at: i64,
    pub lat: f64,
    pub lon: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names() {
        for k in &VESSEL_KINDS[..7] {
            assert_ne!(vessel_kind_names(k).0, "其他", "{k}");
        }
        for k in ZONE_KINDS {
            assert_ne!(place_kind_names(k).0, "其他", "{k}");
            assert!(is_zone_kind(k));
        }
        for k in PointKind::ALL {
            assert_eq!(place_kind_names(k.as_str()).0, k.zh());
            assert!(!is_zone_kind(k.as_str()));
        }
    }
}
