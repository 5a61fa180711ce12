//! Agencies and units. A unit is an office of one agency in one region
//! (北仑海关 is the customs agency's unit in Beilun district); sub-units name
//! their parent unit.

use serde::{Deserialize, Serialize};

/// The agencies that take part in the Clean Sea work (seed 001, attachment 1,
/// and the health / market-regulation bodies of seeds 003 and 004).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Agency {
    /// 专班办公室 — the task force's own office.
    TaskForceOffice,
    /// 海警 — coast guard.
    CoastGuard,
    /// 边检 — border inspection.
    BorderInspection,
    /// 公安 — public security (police).
    Police,
    /// 农业农村 — agriculture and rural affairs (fisheries).
    AgricultureRural,
    /// 海关 — customs.
    Customs,
    /// 打私办 — anti-smuggling office.
    AntiSmuggling,
    /// 交通运输 — transport.
    Transport,
    /// 海事 — maritime safety administration.
    MaritimeSafety,
    /// 卫健 — health commission.
    Health,
    /// 市场监管 — market regulation.
    MarketRegulation,
    /// 镇街 — a town or street government.
    TownGovernment,
    /// 其他.
    Other,
}

impl Agency {
    pub const ALL: [Agency; 13] = [
        Agency::TaskForceOffice,
        Agency::CoastGuard,
        Agency::BorderInspection,
        Agency::Police,
        Agency::AgricultureRural,
        Agency::Customs,
        Agency::AntiSmuggling,
        Agency::Transport,
        Agency::MaritimeSafety,
        Agency::Health,
        Agency::MarketRegulation,
        Agency::TownGovernment,
        Agency::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Agency::TaskForceOffice => "task_force_office",
            Agency::CoastGuard => "coast_guard",
            Agency::BorderInspection => "border_inspection",
            Agency::Police => "police",
            Agency::AgricultureRural => "agriculture_rural",
            Agency::Customs => "customs",
            Agency::AntiSmuggling => "anti_smuggling",
            Agency::Transport => "transport",
            Agency::MaritimeSafety => "maritime_safety",
            Agency::Health => "health",
            Agency::MarketRegulation => "market_regulation",
            Agency::TownGovernment => "town_government",
            Agency::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Agency> {
        Agency::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Agency::TaskForceOffice => "专班办公室",
            Agency::CoastGuard => "海警",
            Agency::BorderInspection => "边检",
            Agency::Police => "公安",
            Agency::AgricultureRural => "农业农村",
            Agency::Customs => "海关",
            Agency::AntiSmuggling => "打私办",
            Agency::Transport => "交通运输",
            Agency::MaritimeSafety => "海事",
            Agency::Health => "卫健",
            Agency::MarketRegulation => "市场监管",
            Agency::TownGovernment => "镇街",
            Agency::Other => "其他",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Agency::TaskForceOffice => "Task-force office",
            Agency::CoastGuard => "Coast guard",
            Agency::BorderInspection => "Border inspection",
            Agency::Police => "Police",
            Agency::AgricultureRural => "Agriculture & rural affairs",
            Agency::Customs => "Customs",
            Agency::AntiSmuggling => "Anti-smuggling office",
            Agency::Transport => "Transport",
            Agency::MaritimeSafety => "Maritime safety",
            Agency::Health => "Health commission",
            Agency::MarketRegulation => "Market regulation",
            Agency::TownGovernment => "Town government",
            Agency::Other => "Other",
        }
    }
}

/// An office of an agency in a region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: i64,
    pub name: String,
    pub agency: Agency,
    pub region_id: i64,
    /// Code of `region_id`, kept on the unit so scoping is a prefix test.
    pub region_code: String,
    pub parent_unit_id: Option<i64>,
}
