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

/// What the alert desk asks for: every field narrows the list; `None` means
/// any. Times are epoch milliseconds on the alert's start.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertFilter {
    pub kind: Option<String>,
    pub zone_id: Option<String>,
    pub status: Option<AlertStatus>,
    pub unit_id: Option<i64>,
    pub mmsi: Option<i64>,
    /// Started at or after.
    pub from: Option<i64>,
    /// Started before.
    pub to: Option<i64>,
    /// Only alerts still waiting for acknowledgement (new or assigned) that
    /// were raised before this time: the overdue ones.
    pub raised_before_unacknowledged: Option<i64>,
    /// Only alerts with a larger id (what is new since the last look).
    pub after_id: Option<i64>,
}

/// How many alerts of a scope are open and overdue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertCounts {
    /// Not yet closed (new, assigned, acknowledged).
    pub open: i64,
    /// Not yet assigned.
    pub new: i64,
    /// Not acknowledged within the configured time.
    pub overdue: i64,
}

impl Alert {
    /// Waiting for acknowledgement (new or assigned) since before `deadline_start`:
    /// an alert raised at `created_at` must be acknowledged within the desk's
    /// time limit, so with `deadline_start = now - limit` this is "overdue".
    pub fn is_overdue(&self, deadline_start: i64) -> bool {
        matches!(self.status, AlertStatus::New | AlertStatus::Assigned)
            && self.created_at < deadline_start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(status: AlertStatus, created_at: i64) -> Alert {
        Alert {
            id: 1,
            event_key: "f:1:1".into(),
            region_id: 1,
            region_code: "330206000000".into(),
            kind: "ais_gap".into(),
            mmsi: 412000001,
            other_mmsi: None,
            start_at: 0,
            end_at: None,
            lat: 29.9,
            lon: 121.9,
            zone_id: None,
            detail: "{}".into(),
            status,
            assigned_unit_id: None,
            created_at,
        }
    }

    #[test]
    fn overdue_means_unacknowledged_past_the_limit() {
        let cases = [
            (AlertStatus::New, 100, 200, true),
            (AlertStatus::Assigned, 100, 200, true),
            (AlertStatus::New, 200, 200, false),
            (AlertStatus::Acknowledged, 100, 200, false),
            (AlertStatus::Dismissed, 100, 200, false),
            (AlertStatus::Escalated, 100, 200, false),
        ];
        for (status, created, deadline_start, want) in cases {
            assert_eq!(
                alert(status, created).is_overdue(deadline_start),
                want,
                "{status:?} raised {created}, limit start {deadline_start}"
            );
        }
    }
}
