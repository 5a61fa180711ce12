//! The Clean Sea task force (专班) of a district and its eight working groups
//! (seed 001, attachment 1). Which unit leads which group is configured per
//! district; [`WorkingGroup::default_agency`] is the seed's assignment.

use serde::{Deserialize, Serialize};

use crate::unit::Agency;

/// The eight working groups, in the order of the daily report's sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkingGroup {
    /// 海上巡航组 — led by the coast guard.
    MaritimePatrol,
    /// 口岸特定区域监管组 — border inspection.
    PortRestrictedArea,
    /// 沿海地区管控组 — police.
    CoastalAreaControl,
    /// 船舶管控组 — fisheries (agriculture and rural affairs).
    VesselControl,
    /// 出入境管控组 — customs.
    EntryExitControl,
    /// 集中打击组 — police.
    ConcentratedStrike,
    /// 走私打击组 — anti-smuggling office.
    AntiSmuggling,
    /// 个案处置组 — transport.
    CaseHandling,
}

impl WorkingGroup {
    pub const ALL: [WorkingGroup; 8] = [
        WorkingGroup::MaritimePatrol,
        WorkingGroup::PortRestrictedArea,
        WorkingGroup::CoastalAreaControl,
        WorkingGroup::VesselControl,
        WorkingGroup::EntryExitControl,
        WorkingGroup::ConcentratedStrike,
        WorkingGroup::AntiSmuggling,
        WorkingGroup::CaseHandling,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkingGroup::MaritimePatrol => "maritime_patrol",
            WorkingGroup::PortRestrictedArea => "port_restricted_area",
            WorkingGroup::CoastalAreaControl => "coastal_area_control",
            WorkingGroup::VesselControl => "vessel_control",
            WorkingGroup::EntryExitControl => "entry_exit_control",
            WorkingGroup::ConcentratedStrike => "concentrated_strike",
            WorkingGroup::AntiSmuggling => "anti_smuggling",
            WorkingGroup::CaseHandling => "case_handling",
        }
    }

    pub fn parse(s: &str) -> Option<WorkingGroup> {
        WorkingGroup::ALL.into_iter().find(|g| g.as_str() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            WorkingGroup::MaritimePatrol => "海上巡航组",
            WorkingGroup::PortRestrictedArea => "口岸特定区域监管组",
            WorkingGroup::CoastalAreaControl => "沿海地区管控组",
            WorkingGroup::VesselControl => "船舶管控组",
            WorkingGroup::EntryExitControl => "出入境管控组",
            WorkingGroup::ConcentratedStrike => "集中打击组",
            WorkingGroup::AntiSmuggling => "走私打击组",
            WorkingGroup::CaseHandling => "个案处置组",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            WorkingGroup::MaritimePatrol => "Maritime patrol",
            WorkingGroup::PortRestrictedArea => "Port restricted-area supervision",
            WorkingGroup::CoastalAreaControl => "Coastal area control",
            WorkingGroup::VesselControl => "Vessel control",
            WorkingGroup::EntryExitControl => "Entry/exit control",
            WorkingGroup::ConcentratedStrike => "Concentrated strike",
            WorkingGroup::AntiSmuggling => "Anti-smuggling",
            WorkingGroup::CaseHandling => "Individual case handling",
        }
    }

    /// The agency that leads this group in seed 001.
    pub fn default_agency(self) -> Agency {
        match self {
            WorkingGroup::MaritimePatrol => Agency::CoastGuard,
            WorkingGroup::PortRestrictedArea => Agency::BorderInspection,
            WorkingGroup::CoastalAreaControl => Agency::Police,
            WorkingGroup::VesselControl => Agency::AgricultureRural,
            WorkingGroup::EntryExitControl => Agency::Customs,
            WorkingGroup::ConcentratedStrike => Agency::Police,
            WorkingGroup::AntiSmuggling => Agency::AntiSmuggling,
            WorkingGroup::CaseHandling => Agency::Transport,
        }
    }
}

/// One group's assignment in a district's task force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupAssignment {
    pub district_region_id: i64,
    pub group: WorkingGroup,
    pub lead_unit_id: Option<i64>,
}
