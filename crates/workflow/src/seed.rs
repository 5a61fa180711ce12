//! The demo district: a Beilun-like region tree, the agencies' units, the
//! task force with its 8 working groups, and one user per role.
//!
//! Used by `jinghai demo` and by the tests (the scoping matrix signs in as
//! these users). The codes follow the statistical division codes of Ningbo's
//! Beilun district; the villages are illustrative.

use std::collections::HashMap;
use std::sync::Arc;

use jinghai_domain::audit::Actor;
use jinghai_domain::{Agency, RegionCode, Role, WorkingGroup};
use jinghai_store::{NewRegion, NewUnit, NewUser, Store};

use crate::accounts::hash_password;
use crate::{Clock, WorkflowResult};

/// The password of every demo account. Printed by `jinghai demo`; a real
/// deployment has no default accounts (`jinghai user add` creates the first).
pub const DEMO_PASSWORD: &str = "jinghai2021";

/// A demo account, for printing and for tests.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub region: &'static str,
    pub unit: Option<&'static str>,
}

const REGIONS: &[(&str, &str, Option<&str>)] = &[
    ("330000", "浙江省", None),
    ("330200", "宁波市", Some("330000")),
    ("330206", "北仑区", Some("330200")),
    ("330206001", "新碶街道", Some("330206")),
    ("330206002", "小港街道", Some("330206")),
    ("330206003", "大碶街道", Some("330206")),
    ("330206004", "霞浦街道", Some("330206")),
    ("330206005", "柴桥街道", Some("330206")),
    ("330206006", "戚家山街道", Some("330206")),
    ("330206007", "春晓街道", Some("330206")),
    ("330206008", "梅山街道", Some("330206")),
    ("330206009", "白峰街道", Some("330206")),
    ("330206007201", "昆亭村", Some("330206007")),
    ("330206008201", "梅港村", Some("330206008")),
    ("330206008202", "梅东村", Some("330206008")),
    ("330206009201", "白峰村", Some("330206009")),
    ("330206009202", "峙南村", Some("330206009")),
    ("330211", "镇海区", Some("330200")),
    ("330211001", "招宝山街道", Some("330211")),
    ("330900", "舟山市", Some("330000")),
    ("330902", "定海区", Some("330900")),
];

const UNITS: &[(&str, Agency, &str)] = &[
    (
        "浙江省“净海”行动专班办公室",
        Agency::TaskForceOffice,
        "330000",
    ),
    (
        "宁波市“净海”行动专班办公室",
        Agency::TaskForceOffice,
        "330200",
    ),
    (
        "北仑区“净海”行动专班办公室",
        Agency::TaskForceOffice,
        "330206",
    ),
    ("宁波海警局北仑工作站", Agency::CoastGuard, "330206"),
    ("北仑出入境边防检查站", Agency::BorderInspection, "330206"),
    ("宁波市公安局北仑分局", Agency::Police, "330206"),
    ("北仑区农业农村局", Agency::AgricultureRural, "330206"),
    ("北仑海关", Agency::Customs, "330206"),
    (
        "北仑区打击走私工作领导小组办公室",
        Agency::AntiSmuggling,
        "330206",
    ),
    ("北仑区交通运输局", Agency::Transport, "330206"),
    ("北仑海事处", Agency::MaritimeSafety, "330206"),
    ("北仑区卫生健康局", Agency::Health, "330206"),
    ("北仑区市场监督管理局", Agency::MarketRegulation, "330206"),
    ("梅山街道办事处", Agency::TownGovernment, "330206008"),
    ("白峰街道办事处", Agency::TownGovernment, "330206009"),
    ("春晓街道办事处", Agency::TownGovernment, "330206007"),
    (
        "镇海区“净海”行动专班办公室",
        Agency::TaskForceOffice,
        "330211",
    ),
];

/// Which unit leads each working group in the demo district.
const GROUP_LEADS: &[(WorkingGroup, &str)] = &[
    (WorkingGroup::MaritimePatrol, "宁波海警局北仑工作站"),
    (WorkingGroup::PortRestrictedArea, "北仑出入境边防检查站"),
    (WorkingGroup::CoastalAreaControl, "宁波市公安局北仑分局"),
    (WorkingGroup::VesselControl, "北仑区农业农村局"),
    (WorkingGroup::EntryExitControl, "北仑海关"),
    (WorkingGroup::ConcentratedStrike, "宁波市公安局北仑分局"),
    (
        WorkingGroup::AntiSmuggling,
        "北仑区打击走私工作领导小组办公室",
    ),
    (WorkingGroup::CaseHandling, "北仑区交通运输局"),
];

/// The demo accounts, one or more per role.
pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "admin",
        display_name: "北仑区系统管理员",
        role: Role::Admin,
        region: "330206",
        unit: Some("北仑区“净海”行动专班办公室"),
    },
    DemoAccount {
        username: "office",
        display_name: "北仑专班办值班员",
        role: Role::TaskForceOffice,
        region: "330206",
        unit: Some("北仑区“净海”行动专班办公室"),
    },
    DemoAccount {
        username: "leader",
        display_name: "北仑专班领导",
        role: Role::Leader,
        region: "330206",
        unit: Some("北仑区“净海”行动专班办公室"),
    },
    DemoAccount {
        username: "haijing",
        display_name: "海警巡航组队员",
        role: Role::GroupMember,
        region: "330206",
        unit: Some("宁波海警局北仑工作站"),
    },
    DemoAccount {
        username: "bianjian",
        display_name: "边检监管组队员",
        role: Role::GroupMember,
        region: "330206",
        unit: Some("北仑出入境边防检查站"),
    },
    DemoAccount {
        username: "gongan",
        display_name: "公安管控组队员",
        role: Role::GroupMember,
        region: "330206",
        unit: Some("宁波市公安局北仑分局"),
    },
    DemoAccount {
        username: "nongye",
        display_name: "农业农村船舶管控组队员",
        role: Role::GroupMember,
        region: "330206",
        unit: Some("北仑区农业农村局"),
    },
    DemoAccount {
        username: "haiguan",
        display_name: "海关出入境组队员",
        role: Role::GroupMember,
        region: "330206",
        unit: Some("北仑海关"),
    },
    DemoAccount {
        username: "dasi",
        display_name: "打私办队员",
        role: Role::GroupMember,
        region: "330206",
        unit: Some("北仑区打击走私工作领导小组办公室"),
    },
    DemoAccount {
        username: "jiaotong",
        display_name: "交通运输个案处置组队员",
        role: Role::GroupMember,
        region: "330206",
        unit: Some("北仑区交通运输局"),
    },
    DemoAccount {
        username: "meishan",
        display_name: "梅山街道网格员",
        role: Role::TownWorker,
        region: "330206008",
        unit: Some("梅山街道办事处"),
    },
    DemoAccount {
        username: "baifeng",
        display_name: "白峰街道网格员",
        role: Role::TownWorker,
        region: "330206009",
        unit: Some("白峰街道办事处"),
    },
    DemoAccount {
        username: "zhenhai.office",
        display_name: "镇海区专班办值班员",
        role: Role::TaskForceOffice,
        region: "330211",
        unit: Some("镇海区“净海”行动专班办公室"),
    },
    DemoAccount {
        username: "city.office",
        display_name: "宁波市专班办",
        role: Role::TaskForceOffice,
        region: "330200",
        unit: Some("宁波市“净海”行动专班办公室"),
    },
    DemoAccount {
        username: "province.office",
        display_name: "浙江省专班办",
        role: Role::TaskForceOffice,
        region: "330000",
        unit: Some("浙江省“净海”行动专班办公室"),
    },
    DemoAccount {
        username: "province.admin",
        display_name: "浙江省系统管理员",
        role: Role::Admin,
        region: "330000",
        unit: Some("浙江省“净海”行动专班办公室"),
    },
];

/// What the seed created, by code and name, for callers that need ids.
#[derive(Debug, Default, Clone)]
pub struct Seeded {
    pub regions: HashMap<String, i64>,
    pub units: HashMap<String, i64>,
    pub users: HashMap<String, i64>,
}

/// Seeds the demo district into an empty, migrated store.
pub async fn seed_demo(store: &Arc<dyn Store>, clock: &Arc<dyn Clock>) -> WorkflowResult<Seeded> {
    let actor = Actor::system("演示数据 demo seed");
    let now = clock.now();
    let mut out = Seeded::default();
    for (short, name, parent) in REGIONS {
        let code = RegionCode::parse(short).map_err(crate::WorkflowError::invalid)?;
        let new = NewRegion {
            level: code.implied_level(),
            code: code.clone(),
            name: name.to_string(),
            parent_id: parent.map(|p| out.regions[p]),
        };
        let r = store.create_region(&actor, now, &new).await?;
        out.regions.insert(short.to_string(), r.id);
    }
    for (name, agency, region) in UNITS {
        let new = NewUnit {
            name: name.to_string(),
            agency: *agency,
            region_id: out.regions[*region],
            parent_unit_id: None,
        };
        let u = store.create_unit(&actor, now, &new).await?;
        out.units.insert(name.to_string(), u.id);
    }
    let beilun = out.regions["330206"];
    for (group, unit) in GROUP_LEADS {
        store
            .set_group_lead(&actor, now, beilun, *group, Some(out.units[*unit]))
            .await?;
    }
    // One hash for all demo accounts: argon2 is slow on purpose.
    let hash = hash_password(DEMO_PASSWORD)?;
    for a in ACCOUNTS {
        let new = NewUser {
            username: a.username.to_string(),
            display_name: a.display_name.to_string(),
            password_hash: hash.clone(),
            role: a.role,
            region_id: out.regions[a.region],
            unit_id: a.unit.map(|u| out.units[u]),
        };
        let u = store.create_user(&actor, now, &new).await?;
        out.users.insert(a.username.to_string(), u.id);
    }
    seed_demo_reports(store, clock, &out).await?;
    seed_demo_risks(store, clock, &out).await?;
    seed_demo_week(store, clock, &out).await?;
    Ok(out)
}

/// A week of daily reports for the demo: Beilun's groups reported every day
/// (one section late, one returned, two missing yesterday), Zhenhai a few days.
async fn seed_demo_reports(
    store: &Arc<dyn Store>,
    clock: &Arc<dyn Clock>,
    seeded: &Seeded,
) -> WorkflowResult<()> {
    use jinghai_domain::report::{cst_hour, day_of, EntryStatus, ValueKind};
    use jinghai_store::EntryWrite;
    let reports = crate::reports::Reports::new(store.clone(), clock.clone());
    let form = reports.default_form().await?;
    let today = day_of(clock.now());
    let leads: std::collections::HashMap<WorkingGroup, i64> = GROUP_LEADS
        .iter()
        .map(|(g, u)| (*g, seeded.units[*u]))
        .collect();
    let actor = Actor::system("演示数据 demo seed");
    // A small deterministic generator, so the demo looks the same every time.
    let value = |day: i32, key: &str, kind: ValueKind| -> i64 {
        let h = key.bytes().fold(day as u64 * 2654435761, |h, b| {
            h.wrapping_mul(31).wrapping_add(b as u64)
        });
        let base = match key {
            "vc_fishing_vessels" => 1024,
            "vc_owners_enterprise" => 36,
            "vc_owners_individual" => 688,
            "pa_inbound_persons" | "pa_outbound_persons" => 150 + (h % 120) as i64,
            "illegal_entrants"
            | "rescue_entrants"
            | "mp_ships_seized"
            | "vc_stateless_seized"
            | "cs_cases_filed"
            | "cs_prosecution"
            | "cs_coercive"
            | "as_vehicles"
            | "as_vessels" => (h % 7 == 0) as i64,
            _ => (h % 25) as i64,
        };
        match kind {
            ValueKind::Count => base * 1000,
            ValueKind::Decimal { .. } => base * 1000 + (h % 1000) as i64,
        }
    };
    for (district, days) in [("330206", 7), ("330211", 3)] {
        let region_id = seeded.regions[district];
        for back in (1..=days).rev() {
            let day = today - back;
            for section in &form.def.sections {
                if back == 1
                    && district == "330206"
                    && matches!(section.key.as_str(), "entry_exit" | "anti_smuggling")
                {
                    continue; // yesterday's missing sections
                }
                let values: Vec<(String, i64)> = section
                    .indicators
                    .iter()
                    .filter(|i| i.cumulative_of.is_none())
                    .map(|i| (i.key.clone(), value(day, &i.key, i.kind)))
                    .map(|(k, v)| {
                        if k == "mp_ships_seized" {
                            (k, v.min(1000))
                        } else {
                            (k, v)
                        }
                    })
                    .collect();
                let late = back == 2 && section.key == "coastal";
                let at = cst_hour(day, if late { 21 } else { 16 });
                let write = EntryWrite {
                    form_id: form.id,
                    region_id,
                    section: section.key.clone(),
                    day,
                    unit_id: if district == "330206" {
                        leads.get(&section.group).copied()
                    } else {
                        None
                    },
                    status: EntryStatus::Submitted,
                    notes: String::new(),
                    values,
                };
                let e = store.save_report_entry(&actor, at, &write).await?;
                let (status, comment) = match (back, section.key.as_str()) {
                    (1, "vessel_control") => {
                        (EntryStatus::Returned, "渔船底数与船舶档案不一致，请核对")
                    }
                    (1, _) => continue, // yesterday's submissions await review
                    _ => (EntryStatus::Approved, ""),
                };
                store
                    .set_report_status(&actor, at + 3_600_000, e.id, status, None, comment)
                    .await?;
            }
        }
    }
    Ok(())
}

/// Risk items for the demo: one overdue in 梅山, one open in 白峰, one in
/// 镇海 with an evidence photo awaiting the check.
async fn seed_demo_risks(
    store: &Arc<dyn Store>,
    clock: &Arc<dyn Clock>,
    seeded: &Seeded,
) -> WorkflowResult<()> {
    use jinghai_domain::report::day_of;
    use jinghai_domain::risk::{RiskCategory, RiskStatus, Severity};
    use jinghai_store::{NewRisk, RiskPlan, RiskTransition};
    let actor = Actor::system("演示数据 demo seed");
    let now = clock.now();
    let today = day_of(now);
    let risk =
        |region: &str, place: &str, category, severity, description: &str, found_back: i32| {
            NewRisk {
                region_id: seeded.regions[region],
                place: place.into(),
                lat: None,
                lon: None,
                category,
                description: description.into(),
                severity,
                found_by: "“净海”行动排查组".into(),
                found_on: today - found_back,
            }
        };
    let r = store
        .create_risk(
            &actor,
            now,
            &risk(
                "330206008",
                "梅山岛东侧岙口",
                RiskCategory::Cove,
                Severity::High,
                "岙口无人值守，具备夜间登陆条件",
                20,
            ),
        )
        .await?;
    let plan = RiskPlan {
        measure: "设置卡口与视频监控，夜间巡查".into(),
        responsible_unit_id: seeded.units["宁波海警局北仑工作站"],
        responsible_person: "王某".into(),
        deadline: today - 3,
    };
    store.set_risk_plan(&actor, now, r.id, &plan).await?;
    store
        .add_risk_update(
            &actor,
            now,
            r.id,
            today - 12,
            "已完成现场勘察，卡口选址确定",
        )
        .await?;
    store
        .create_risk(
            &actor,
            now,
            &risk(
                "330206009",
                "白峰峙南冷库",
                RiskCategory::ColdStore,
                Severity::Medium,
                "冷库进货台账不全，部分冻品无追溯码",
                2,
            ),
        )
        .await?;
    let z = store
        .create_risk(
            &actor,
            now,
            &risk(
                "330211",
                "镇海港区散货码头",
                RiskCategory::PortDock,
                Severity::Medium,
                "码头围网破损",
                15,
            ),
        )
        .await?;
    let plan = RiskPlan {
        measure: "修复围网".into(),
        responsible_unit_id: seeded.units["镇海区“净海”行动专班办公室"],
        responsible_person: "李某".into(),
        deadline: today + 5,
    };
    store.set_risk_plan(&actor, now, z.id, &plan).await?;
    // A tiny valid PNG as the evidence photo.
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\x01\x01\x01\0\x18\xdd\x8d\xb0\0\0\0\0IEND\xaeB`\x82";
    store
        .add_risk_attachment(&actor, now, z.id, "镇海围网修复照片.png", "image/png", PNG)
        .await?;
    let t = RiskTransition {
        status: RiskStatus::PendingCheck,
        evidence: Some("围网已修复".into()),
        check_comment: None,
        closed_on: None,
    };
    store.set_risk_status(&actor, now, z.id, &t).await?;
    Ok(())
}

/// A signed-in-like context for the seed, acting for the whole province.
fn seed_ctx() -> crate::Ctx {
    let user = jinghai_domain::User {
        id: 0,
        username: "demo-seed".into(),
        display_name: "演示数据".into(),
        role: Role::Admin,
        region_id: 0,
        region_code: "330000000000".into(),
        unit_id: None,
        active: true,
    };
    crate::Ctx {
        scope: jinghai_domain::Scope::of(&user, jinghai_domain::RegionLevel::Province),
        user,
    }
}

/// A patrol track: a zigzag over the western part of a zone, leaving the
/// east unpatrolled (the demo's blind spots).
fn demo_track(lat0: f64, lon0: f64, start: i64) -> Vec<jinghai_domain::patrol::TrackPoint> {
    let mut t = Vec::new();
    for k in 0..6 {
        let lat = lat0 + 0.004 + k as f64 * 0.007;
        let (a, b) = if k % 2 == 0 {
            (lon0 + 0.005, lon0 + 0.055)
        } else {
            (lon0 + 0.055, lon0 + 0.005)
        };
        t.push(jinghai_domain::patrol::TrackPoint {
            t: start + k * 1_200_000,
            lat,
            lon: a,
        });
        t.push(jinghai_domain::patrol::TrackPoint {
            t: start + k * 1_200_000 + 600_000,
            lat,
            lon: b,
        });
    }
    t
}

/// A week of evaluation work for the demo: alerts turned into clues or left
/// waiting, red and yellow cards, hand-entered points, an evaluation run
/// over the fortnight (so the ranking's every point links to its record),
/// appeals, patrol plans with tracks and blind spots, and last week's
/// bulletins of 北仑 and 镇海 (when a CJK font is installed).
pub async fn seed_demo_week(
    store: &Arc<dyn Store>,
    clock: &Arc<dyn Clock>,
    seeded: &Seeded,
) -> WorkflowResult<()> {
    use jinghai_domain::alert::AlertStatus;
    use jinghai_domain::report::{cst_hour, day_of, format_day};
    use jinghai_store::{AlertWrite, NewPatrolPlan, NewPatrolRecord};
    let actor = Actor::system("演示数据 demo seed");
    let now = clock.now();
    let today = day_of(now);
    let ctx = seed_ctx();
    let scoring = crate::scoring::Scoring::new(store.clone(), clock.clone());
    let rules = scoring.rules().await?;
    let rule = |code: &str| rules.iter().find(|r| r.code == code).map(|r| r.id);

    // Alerts of the week: two turned into clues, two left waiting.
    let mut alert_ids = Vec::new();
    for (n, (region, kind, mmsi, back, status)) in [
        (
            "330206008",
            "landing_stop",
            412_440_101_i64,
            3,
            AlertStatus::Escalated,
        ),
        (
            "330206009",
            "encounter",
            412_440_102,
            4,
            AlertStatus::Escalated,
        ),
        (
            "330206007",
            "unreported_port_entry",
            412_440_103,
            5,
            AlertStatus::New,
        ),
        ("330211", "ais_gap", 413_440_104, 2, AlertStatus::New),
    ]
    .into_iter()
    .enumerate()
    {
        let start = now - back as i64 * jinghai_domain::time::DAY;
        let id = store
            .upsert_alert(
                start,
                &AlertWrite {
                    event_key: format!("demo-week:{n}"),
                    region_id: seeded.regions[region],
                    kind: kind.into(),
                    mmsi,
                    other_mmsi: (kind == "encounter").then_some(412_440_199),
                    start_at: start,
                    end_at: Some(start + 1_800_000),
                    lat: 29.78 + n as f64 * 0.02,
                    lon: 121.98,
                    zone_id: None,
                    detail: "{}".into(),
                },
            )
            .await?;
        if status == AlertStatus::Escalated {
            store
                .set_alert_status(
                    &actor,
                    start + 3_600_000,
                    id,
                    AlertStatus::Escalated,
                    None,
                    "转为线索",
                )
                .await?;
        }
        alert_ids.push(id);
    }

    // Cards: red for a village where a smuggling case happened, yellow for weak measures.
    use jinghai_domain::scoring::{
        CardColor, PlaceKind, RED_CARD_CONSEQUENCE, YELLOW_CARD_CONSEQUENCE,
    };
    for (color, kind, place, region, reason, lat, lon, deadline) in [
        (
            CardColor::Red,
            PlaceKind::Village,
            "梅港村",
            "330206008201",
            "本村发生走私冻品案件（海警查获涉案冻品 12 吨）",
            29.785,
            121.985,
            None,
        ),
        (
            CardColor::Yellow,
            PlaceKind::Store,
            "峙南冷库",
            "330206009",
            "冷库进货台账不全，视频监控未接入",
            29.83,
            121.99,
            Some(today + 7),
        ),
        (
            CardColor::Yellow,
            PlaceKind::Port,
            "招宝山临时停靠点",
            "330211001",
            "停靠点未设卡口，夜间无人值守",
            29.96,
            121.71,
            Some(today + 5),
        ),
    ] {
        store
            .create_card(
                &actor,
                now,
                &jinghai_store::NewCard {
                    color,
                    place_kind: kind,
                    place_name: place.into(),
                    region_id: seeded.regions[region],
                    lat: Some(lat),
                    lon: Some(lon),
                    reason: reason.into(),
                    issued_on: today - 2,
                    fix_deadline: deadline,
                    consequence: if color == CardColor::Red {
                        RED_CARD_CONSEQUENCE
                    } else {
                        YELLOW_CARD_CONSEQUENCE
                    }
                    .into(),
                    award_ineligible: color == CardColor::Red,
                },
            )
            .await?;
    }

    // Points entered by hand, each naming its record where there is one.
    use jinghai_domain::scoring::{NewEntry, RecordRef};
    let manual =
        |code: &str, region: &str, unit: Option<&str>, back: i32, record: RecordRef, note: &str| {
            rule(code).map(|rule_id| NewEntry {
                rule_id,
                region_id: seeded.regions[region],
                region_code: format!("{region:0<12}"),
                unit_id: unit.map(|u| seeded.units[u]),
                day: today - back,
                points: rules
                    .iter()
                    .find(|r| r.id == rule_id)
                    .map(|r| r.points)
                    .unwrap_or(0),
                record,
                dedup_key: None,
                note: note.into(),
            })
        };
    let entries: Vec<NewEntry> = [
        manual(
            "found_illegal_berthing",
            "330206008",
            Some("梅山街道办事处"),
            3,
            RecordRef {
                kind: "alert".into(),
                id: alert_ids[0],
                day: None,
            },
            "网格员发现渔船夜间违规靠泊岙口，当场控制，无人员失管",
        ),
        manual(
            "found_illegal_landing",
            "330206009",
            Some("白峰街道办事处"),
            4,
            RecordRef {
                kind: "alert".into(),
                id: alert_ids[1],
                day: None,
            },
            "发现过驳后人员违规登陆，2 人全部控制",
        ),
        manual(
            "found_by_others",
            "330206007",
            Some("春晓街道办事处"),
            2,
            RecordRef {
                kind: "manual".into(),
                id: 0,
                day: None,
            },
            "辖区岙口走私冻品由海警查获，属地未及时发现",
        ),
        manual(
            "concealed_report",
            "330211001",
            None,
            3,
            RecordRef {
                kind: "manual".into(),
                id: 0,
                day: None,
            },
            "临时停靠点异常情况未按规定上报",
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    let written = store.insert_score_entries(&actor, now, &entries).await?;

    // The automatic rules over the last fortnight.
    scoring.evaluate(&ctx, None, today - 14, today).await?;

    // 春晓 appeals its deduction (awaiting the district office).
    if let Some(e) = written
        .iter()
        .find(|e| e.region_code.starts_with("330206007"))
    {
        store
            .file_appeal(
                &actor,
                now,
                e.id,
                "该岙口已移交海警管辖，属地已于前日报告线索",
            )
            .await?;
    }

    // Patrol plans with tracks: 北仑's leaves the eastern part unpatrolled.
    let yesterday = today - 1;
    for (region, name, unit, lat0, lon0, vessel, mmsi) in [
        (
            "330206",
            "梅山—峙头海域巡航",
            "宁波海警局北仑工作站",
            29.74,
            121.96,
            "海警 33101 艇",
            412_900_001_i64,
        ),
        (
            "330211",
            "招宝山近岸巡航",
            "镇海区“净海”行动专班办公室",
            29.95,
            121.72,
            "镇海海巡 01",
            412_900_002,
        ),
    ] {
        let zone = vec![
            [lon0, lat0],
            [lon0 + 0.12, lat0],
            [lon0 + 0.12, lat0 + 0.045],
            [lon0, lat0 + 0.045],
        ];
        let plan = store
            .create_patrol_plan(
                &actor,
                now,
                &NewPatrolPlan {
                    region_id: seeded.regions[region],
                    name: name.into(),
                    zone: zone.clone(),
                    starts_at: cst_hour(yesterday, 8),
                    ends_at: cst_hour(yesterday, 18),
                    unit_id: seeded.units[unit],
                    vessels: format!("{vessel}（MMSI {mmsi}）"),
                    personnel: 12,
                    personnel_names: "带班：王某；队员 11 人".into(),
                    sweep_m: 1500.0,
                },
            )
            .await?;
        let track = demo_track(lat0, lon0, cst_hour(yesterday, 8));
        let own =
            jinghai_domain::patrol::coverage(&zone, std::slice::from_ref(&track), plan.sweep_m);
        store
            .add_patrol_record(
                &actor,
                now,
                &NewPatrolRecord {
                    plan_id: plan.id,
                    unit_id: plan.unit_id,
                    vessel: vessel.into(),
                    mmsi: Some(mmsi),
                    source: jinghai_domain::patrol::TrackSource::Gpx,
                    started_at: track[0].t,
                    ended_at: track[track.len() - 1].t,
                    personnel: 12,
                    vessels: 1,
                    ships_checked: 6,
                    persons_checked: 21,
                    ships_seized: 1,
                    length_km: jinghai_domain::patrol::track_length_km(&track),
                    area_km2: own.patrolled_km2,
                    track,
                    notes: format!("{} 白天巡航", format_day(yesterday)),
                },
            )
            .await?;
    }

    // Last week's bulletins, when the server has a CJK font for the PDF.
    match crate::pdf::load_font(None) {
        Ok(font) => {
            let bulletins = crate::bulletins::Bulletins::new(
                store.clone(),
                clock.clone(),
                Some(font),
                Arc::new(crate::bulletins::NoPusher),
                crate::bulletins::RetryPolicy::default(),
            );
            for district in ["330206", "330211"] {
                bulletins
                    .issue(&ctx, Some(seeded.regions[district]), "")
                    .await?;
            }
        }
        Err(e) => tracing::warn!(error = %e, "demo: no CJK font, no bulletins seeded"),
    }
    Ok(())
}
