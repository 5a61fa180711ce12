//! Alerts: what the maritime engine raised, as the alert desk works them.

use serde::{Deserialize, Serialize};

/// Where an alert stands on the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    New,
    Assigned,
    Acknowledged,
    Dismissed,
    Escalated,
}

impl AlertStatus {
    pub const ALL: [AlertStatus; 5] = [
        AlertStatus::New,
        AlertStatus::Assigned,
        AlertStatus::Acknowledged,
        AlertStatus::Dismissed,
        AlertStatus::Escalated,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::New => "new",
            AlertStatus::Assigned => "assigned",
            AlertStatus::Acknowledged => "acknowledged",
            AlertStatus::Dismissed => "dismissed",
            AlertStatus::Escalated => "escalated",
        }
    }
    pub fn parse(s: &str) -> Option<AlertStatus> {
        AlertStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn zh(self) -> &'static str {
        match self {
            AlertStatus::New => "新预警",
            AlertStatus::Assigned => "已指派",
            AlertStatus::Acknowledged => "已签收",
            AlertStatus::Dismissed => "已排除",
            AlertStatus::Escalated => "已转线索",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            AlertStatus::New => "New",
            AlertStatus::Assigned => "Assigned",
            AlertStatus::Acknowledged => "Acknowledged",
            AlertStatus::Dismissed => "Dismissed",
            AlertStatus::Escalated => "Escalated",
        }
    }
}

/// The Chinese and English names of the engine's event kinds (FORMATS.md).
pub fn kind_names(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "unreported_port_entry" => ("未报告进港", "Unreported port entry"),
        "ais_gap" => ("AIS 信号中断", "AIS gap"),
        "encounter" => ("海上搭靠/过驳", "Encounter at sea"),
        "landing_stop" => ("可疑停靠", "Landing stop"),
        "restricted_entry" => ("闯入限制区域", "Restricted-area entry"),
        "boundary_crossing" => ("越界", "Boundary crossing"),
        "unregistered_vessel" => ("未登记船舶", "Unregistered vessel"),
        "position_jump" => ("位置异常", "Position jump"),
        _ => ("其他", "Other"),
    }
}

/// One alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub id: i64,
    /// `<feed>:<run>:<engine event id>`: one row per engine event, however often it is updated.
    pub event_key: String,
    pub region_id: i64,
    pub region_code: String,
    pub kind: String,
    pub mmsi: i64,
    pub other_mmsi: Option<i64>,
    pub start_at: i64,
    pub end_at: Option<i64>,
    pub lat: f64,
    pub lon: f64,
    pub zone_id: Option<String>,
    /// The engine's evidence, JSON text.
    pub detail: String,
    pub status: AlertStatus,
    pub assigned_unit_id: Option<i64>,
    pub created_at: i64,
}
