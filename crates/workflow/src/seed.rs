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
    seed_demo_cases(store, clock, &out).await?;
    seed_demo_week(store, clock, &out).await?;
    seed_demo_intl(store, clock, &out).await?;
    // Evaluated once more now that the individual cases and major matters
    // (and their escalation deadlines) are in, as the server's hourly job would.
    let today = jinghai_domain::report::day_of(now);
    crate::scoring::Scoring::new(store.clone(), clock.clone())
        .evaluate_scheduled(today - 14, today)
        .await?;
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
    // Each placed on the map (the live map's 风险点 layer shows them).
    let risk = |region: &str,
                place: &str,
                (lat, lon): (f64, f64),
                category,
                severity,
                description: &str,
                found_back: i32| {
        NewRisk {
            region_id: seeded.regions[region],
            place: place.into(),
            lat: Some(lat),
            lon: Some(lon),
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
                (29.775, 121.992),
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
                (29.83, 121.99),
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
                (29.965, 121.72),
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

/// A demo user's context, as if signed in.
async fn demo_ctx(store: &Arc<dyn Store>, username: &str) -> WorkflowResult<crate::Ctx> {
    let (user, _) = store
        .find_login(username)
        .await?
        .ok_or(crate::WorkflowError::NotFound)?;
    let level = store.get_region_unscoped(user.region_id).await?.level;
    Ok(crate::Ctx {
        scope: jinghai_domain::Scope::of(&user, level),
        user,
    })
}

/// Issue #8's demo, through the services so every rule holds:
/// - an illegal entrant found by the coast guard at 梅山 16 days ago goes
///   through first report → escalation to the province (3 h, within 24 h) →
///   health check → transfer → quarantine → two nucleic-acid tests and one
///   serum test → release; the daily report of that day counts him;
/// - a sea-rescue case at 白峰 5 days ago whose second person missed the
///   first test: flagged 失管漏管;
/// - a smuggler at 梅山 whose first report came late (the town was notified),
///   a major matter the office has not reported (overdue, notified), a
///   镇海 case never escalated;
/// - ship calls: OCEAN STAR (crew change, one result pending: work blocked),
///   PACIFIC DAWN (repair, all negative: work allowed, one crew member
///   signing off), SEA LARK at 白峰 with a "三不" violation, one at 镇海;
/// - key countries, key persons, and cold stores whose stock checks expose
///   untraced frozen goods.
pub async fn seed_demo_intl(
    store: &Arc<dyn Store>,
    clock: &Arc<dyn Clock>,
    seeded: &Seeded,
) -> WorkflowResult<()> {
    use crate::duty::{Duty, MajorInput};
    use crate::epidemic::{BatchInput, Epidemic, KeyPersonInput};
    use crate::individual::{CaseInput, Individual, StepInput};
    use crate::intl::{Intl, RegistryDirectory, ShipCallInput};
    use jinghai_domain::time::{format_local_minutes, DAY, HOUR, MINUTE};

    let now = clock.now();
    let t = |ms: i64| format_local_minutes(ms);
    // Services on a clock that can be set back: each record is made at the
    // time it happened, so every check (times not in the future, release
    // after 14 days) runs as it would have then.
    let at = Arc::new(crate::ManualClock::new(now));
    let c: Arc<dyn Clock> = at.clone();
    let individual = Arc::new(Individual::new(store.clone(), c.clone()));
    let intl = Intl::new(
        store.clone(),
        c.clone(),
        Arc::new(RegistryDirectory::new(store.clone())),
    );
    let duty = Duty::new(store.clone(), c.clone(), individual.clone());
    let epidemic = Epidemic::new(store.clone(), c.clone());
    let haijing = demo_ctx(store, "haijing").await?;
    let office = demo_ctx(store, "office").await?;
    let jiaotong = demo_ctx(store, "jiaotong").await?;
    let bianjian = demo_ctx(store, "bianjian").await?;
    let meishan = demo_ctx(store, "meishan").await?;
    let baifeng = demo_ctx(store, "baifeng").await?;
    let zhenhai = demo_ctx(store, "zhenhai.office").await?;
    let region = |code: &str| Some(seeded.regions[code]);
    let unit = |name: &str| Some(seeded.units[name]);
    let step = |step: &str, when: i64, owner: &str, result: &str| StepInput {
        step: step.into(),
        at: t(when),
        unit_id: None,
        owner: owner.into(),
        result: result.into(),
        site: String::new(),
    };

    // --- the illegal entrant, through release ---
    let found = now - 16 * DAY;
    at.set(found + 10 * MINUTE);
    let a = individual
        .create(
            &haijing,
            &CaseInput {
                region_id: region("330206008"),
                kind: "illegal_entrant".into(),
                found_at: t(found),
                found_by_unit_id: unit("宁波海警局北仑工作站"),
                place: "北仑区梅山岛东侧岙口".into(),
                source_ref: "海上巡查发现".into(),
                summary: "海警巡查发现一名男子从小艇登陆，自称越南籍，无入境证件".into(),
                major: true,
                persons: "阮文某,男,越南,,正常,梅山派出所留置室".into(),
            },
        )
        .await?;
    at.set(found + 25 * MINUTE);
    individual
        .record_step(
            &haijing,
            a.id,
            &step(
                "first_report",
                found + 20 * MINUTE,
                "王海",
                "已电话报区境外疫情输入防控工作组",
            ),
        )
        .await?;
    at.set(found + 3 * HOUR);
    individual
        .record_step(
            &office,
            a.id,
            &step(
                "escalation",
                found + 3 * HOUR,
                "陈值班",
                "已报省疫情防控办值班组（电话+书面）",
            ),
        )
        .await?;
    at.set(found + 2 * HOUR);
    individual
        .record_step(
            &haijing,
            a.id,
            &step(
                "health_check",
                found + 2 * HOUR,
                "区疾控 刘医生",
                "体温正常，无呼吸道症状",
            ),
        )
        .await?;
    at.set(found + 4 * HOUR);
    individual
        .record_step(
            &jiaotong,
            a.id,
            &step(
                "transfer",
                found + 4 * HOUR,
                "李转运",
                "负压救护车点对点转运",
            ),
        )
        .await?;
    let q = found + 5 * HOUR;
    at.set(q);
    let mut quarantine = step("quarantine", q, "赵隔离点", "入住 3 号楼 305");
    quarantine.site = "北仑区集中隔离点 3号楼305".into();
    individual.record_step(&jiaotong, a.id, &quarantine).await?;
    let person = store.list_persons(a.id).await?[0].id;
    for (kind, when) in [
        ("nucleic", q + 10 * HOUR),
        ("nucleic", q + 12 * DAY),
        ("serum", q + 12 * DAY + 2 * HOUR),
    ] {
        at.set(when + HOUR);
        individual
            .record_test(
                &jiaotong,
                a.id,
                &crate::individual::TestInput {
                    person_id: Some(person),
                    kind: (kind).into(),
                    taken_at: (&t(when)).into(),
                    result: ("negative").into(),
                    unit_id: None,
                },
            )
            .await?;
    }
    at.set(q + 14 * DAY + HOUR);
    individual
        .record_step(
            &jiaotong,
            a.id,
            &step(
                "release",
                q + 14 * DAY + HOUR,
                "赵隔离点",
                "14 天期满，2 次核酸 1 次血清阴性，解除隔离",
            ),
        )
        .await?;
    // The case-handling group reports that day, confirming the prefilled count.
    at.set(found + 10 * HOUR);
    let reports = crate::reports::Reports::new(store.clone(), c.clone())
        .with_prefill(Arc::new(crate::intl::IntlPrefill::new(store.clone())));
    let day = jinghai_domain::report::day_of(found);
    let beilun = seeded.regions["330206"];
    let sheet = reports.sheet(&jiaotong, beilun, day).await?;
    let values = sheet
        .sections
        .iter()
        .find(|s| s.section.key == "case_handling")
        .map(|s| {
            s.suggestions
                .iter()
                .map(|g| (g.indicator.clone(), (g.value / 1000).to_string()))
                .collect()
        })
        .unwrap_or_default();
    reports
        .save(
            &jiaotong,
            &crate::reports::SectionInput {
                district_id: beilun,
                day,
                section: "case_handling".into(),
                values,
                notes: String::new(),
                reasons: Vec::new(),
                submit: true,
            },
        )
        .await?;

    // --- a sea rescue at 白峰: the second person missed the first test ---
    let found = now - 5 * DAY;
    at.set(found + 10 * MINUTE);
    let b = individual
        .create(
            &baifeng,
            &CaseInput {
                region_id: region("330206009"),
                kind: "sea_rescue".into(),
                found_at: t(found),
                found_by_unit_id: unit("白峰街道办事处"),
                place: "白峰峙南码头外海".into(),
                source_ref: "渔船求助".into(),
                summary: "外籍渔船两名船员落水获救，请求上岸".into(),
                major: false,
                persons: "NGUYEN Van,男,越南,B1234567,正常,峙南码头\nTRAN Thi,女,越南,B7654321,正常,峙南码头".into(),
            },
        )
        .await?;
    // The town's sweep finds the first report overdue before it comes in.
    at.set(found + 2 * HOUR);
    duty.sweep().await?;
    individual
        .record_step(
            &baifeng,
            b.id,
            &step(
                "first_report",
                found + 2 * HOUR,
                "白峰网格员",
                "已报区工作组（迟报）",
            ),
        )
        .await?;
    individual
        .record_step(
            &baifeng,
            b.id,
            &step(
                "health_check",
                found + 2 * HOUR,
                "白峰卫生院",
                "两人体征平稳",
            ),
        )
        .await?;
    at.set(found + 5 * HOUR);
    individual
        .record_step(
            &jiaotong,
            b.id,
            &step("transfer", found + 5 * HOUR, "李转运", "专车转运"),
        )
        .await?;
    let q = found + 6 * HOUR;
    at.set(q);
    let mut quarantine = step("quarantine", q, "赵隔离点", "入住");
    quarantine.site = "北仑区集中隔离点 5号楼".into();
    individual.record_step(&jiaotong, b.id, &quarantine).await?;
    let first = store.list_persons(b.id).await?[0].id;
    at.set(q + 9 * HOUR);
    individual
        .record_test(
            &jiaotong,
            b.id,
            &crate::individual::TestInput {
                person_id: Some(first),
                kind: ("nucleic").into(),
                taken_at: (&t(q + 8 * HOUR)).into(),
                result: ("negative").into(),
                unit_id: None,
            },
        )
        .await?;

    // --- a smuggler at 梅山, first report late ---
    let found = now - 3 * DAY;
    at.set(found + 5 * MINUTE);
    let s = individual
        .create(
            &meishan,
            &CaseInput {
                region_id: region("330206008"),
                kind: "smuggler".into(),
                found_at: t(found),
                found_by_unit_id: unit("梅山街道办事处"),
                place: "北仑区梅山港区外侧滩涂".into(),
                source_ref: "群众举报".into(),
                summary: "涉嫌走私冻品人员一名，已由梅山派出所控制".into(),
                major: false,
                persons: "郑某,男,中国,,正常,梅山派出所".into(),
            },
        )
        .await?;
    at.set(found + 2 * HOUR);
    duty.sweep().await?;
    individual
        .record_step(
            &meishan,
            s.id,
            &step(
                "first_report",
                found + 2 * HOUR,
                "梅山网格员",
                "已报区工作组",
            ),
        )
        .await?;

    // --- 镇海: a case never escalated ---
    let found = now - 2 * DAY;
    at.set(found + 30 * MINUTE);
    let z = individual
        .create(
            &zhenhai,
            &CaseInput {
                region_id: region("330211"),
                kind: "smuggler".into(),
                found_at: t(found),
                found_by_unit_id: unit("镇海区“净海”行动专班办公室"),
                place: "镇海招宝山码头".into(),
                source_ref: String::new(),
                summary: "镇海区查获走私人员".into(),
                major: true,
                persons: "孙某,男,中国,,正常,镇海派出所".into(),
            },
        )
        .await?;
    individual
        .record_step(
            &zhenhai,
            z.id,
            &step(
                "first_report",
                found + 30 * MINUTE,
                "镇海值班员",
                "已报区工作组",
            ),
        )
        .await?;

    // --- a major matter the office has not yet reported to the province ---
    at.set(now - 30 * HOUR);
    duty.register_major(
        &office,
        &MajorInput {
            region_id: region("330206"),
            title: "北仑港区外轮船员擅自登岸".into(),
            happened_at: t(now - 30 * HOUR),
            unit_id: unit("北仑区“净海”行动专班办公室"),
        },
    )
    .await?;

    // --- inbound ships ---
    let ship = |region_code: &str,
                name: &str,
                imo: &str,
                mmsi: &str,
                flag: &str,
                ports: &str,
                arrival: i64,
                berth: &str,
                cats: &[&str],
                crew: &str| ShipCallInput {
        region_id: region(region_code),
        ship_name: name.into(),
        imo: imo.into(),
        mmsi: mmsi.into(),
        flag: flag.into(),
        last_ports: ports.into(),
        arrival: t(arrival),
        berth: berth.into(),
        categories: cats.iter().map(|c| c.to_string()).collect(),
        crew_changed_abroad: String::new(),
        crew: crew.into(),
    };
    at.set(now - HOUR);
    let star = intl
        .create(
            &bianjian,
            &ship(
                "330206008",
                "OCEAN STAR",
                "9074729",
                "477123456",
                "HK",
                "Singapore;Busan",
                now - 2 * HOUR,
                "北仑区梅山港区3号泊位",
                &["crew_change"],
                "ZHANG Wei,CN,E10000001\nLEE Min,KR,M20000002\nSANTOS Jose,PH,P30000003",
            ),
        )
        .await?;
    let dawn = intl
        .create(
            &bianjian,
            &ship(
                "330206",
                "PACIFIC DAWN",
                "9321483",
                "563012345",
                "SG",
                "Manila;Kaohsiung",
                now - 26 * HOUR,
                "北仑港区修船基地",
                &["repair"],
                "TAN Ah Kow,SG,S40000004\nWANG Jun,CN,E50000005",
            ),
        )
        .await?;
    let lark = intl
        .create(
            &bianjian,
            &ship(
                "330206009",
                "SEA LARK",
                "",
                "538009876",
                "MH",
                "Ho Chi Minh",
                now - 5 * HOUR,
                "白峰穿山港区1号泊位",
                &["foreign_to_domestic"],
                "PHAM Duc,VN,V60000006",
            ),
        )
        .await?;
    intl.create(
        &zhenhai,
        &ship(
            "330211",
            "ZHAOBAO TRADER",
            "",
            "413998877",
            "CN",
            "Incheon",
            now - 3 * HOUR,
            "镇海港区招宝山泊位",
            &[],
            "LIU Qiang,CN,E70000007",
        ),
    )
    .await?;
    for call in [&star, &dawn] {
        intl.set_plan(
            &bianjian,
            call.id,
            "固定作业专班，封闭式、非接触式装卸作业；引航员全程防护",
            true,
        )
        .await?;
    }
    let negative = |call_id: i64, skip_last: bool| {
        let (store, intl, bianjian) = (store.clone(), &intl, &bianjian);
        async move {
            let crew = store.list_crew(call_id).await?;
            let n = crew.len() - usize::from(skip_last);
            for m in &crew[..n] {
                intl.set_crew_result(bianjian, m.id, "negative").await?;
            }
            Ok::<(), crate::WorkflowError>(())
        }
    };
    negative(star.id, true).await?;
    negative(dawn.id, false).await?;
    intl.allow_work(&bianjian, dawn.id).await?;
    intl.add_violation(
        &bianjian,
        lark.id,
        "crew_ashore",
        &t(now - 4 * HOUR),
        "一名船员擅自下船到码头",
    )
    .await?;
    let dawn_crew = store.list_crew(dawn.id).await?;
    let change = individual
        .crew_change(
            &jiaotong,
            dawn.id,
            &[dawn_crew[1].id],
            "中国籍船员王军换班离船",
        )
        .await?;
    individual
        .record_step(
            &jiaotong,
            change.id,
            &step("application", now - HOUR, "李换班", "申请已受理"),
        )
        .await?;

    // --- key countries and persons ---
    at.set(now - 2 * DAY);
    for (name, risk, note) in [
        ("南非", "high", "奥密克戎流行，21 天旅居史加密核酸"),
        ("英国", "high", "奥密克戎流行"),
        ("越南", "medium", ""),
        ("新加坡", "low", ""),
    ] {
        epidemic.set_country(&office, name, risk, note).await?;
    }
    let person =
        |region_code: &str, name: &str, from: &str, contact: &str, port: &str| KeyPersonInput {
            region_id: region(region_code),
            name: name.into(),
            id_no: format!("E{}", 90_000_000 + name.chars().count()),
            from_country: from.into(),
            contact_name: contact.into(),
            contact_phone: "13800000000".into(),
            contact_unit_id: None,
            planned_arrival: t(now - DAY),
            port_of_entry: port.into(),
        };
    let p1 = epidemic
        .create_key_person(
            &meishan,
            &person(
                "330206008",
                "陈某某",
                "南非",
                "北仑区梅山街道网格员 周某",
                "上海浦东",
            ),
        )
        .await?;
    epidemic
        .set_key_person_status(&meishan, p1.id, "quarantine")
        .await?;
    at.set(now);
    epidemic
        .report_key_person(&meishan, p1.id, "体温正常", "上海集中隔离点", "")
        .await?;
    let p2 = epidemic
        .create_key_person(
            &baifeng,
            &person(
                "330206009",
                "林某",
                "英国",
                "北仑区白峰街道网格员 吴某",
                "宁波栎社",
            ),
        )
        .await?;
    epidemic
        .set_key_person_status(&baifeng, p2.id, "monitoring")
        .await?;
    epidemic
        .create_key_person(
            &zhenhai,
            &person("330211", "何某", "新加坡", "镇海网格员", "宁波栎社"),
        )
        .await?;

    // --- cold chain ---
    at.set(now - 3 * DAY);
    let zhinan = epidemic
        .create_cold_store(
            &baifeng,
            region("330206009"),
            "峙南冷库",
            "北仑区白峰街道峙南村",
        )
        .await?;
    let meigang = epidemic
        .create_cold_store(
            &meishan,
            region("330206008"),
            "梅山冷链仓",
            "北仑区梅山街道梅港路",
        )
        .await?;
    let zh_store = epidemic
        .create_cold_store(&zhenhai, region("330211"), "招宝山冷库", "镇海区招宝山街道")
        .await?;
    let batch = |region_code: &str, code: &str, product: &str, origin: &str, kg: &str| BatchInput {
        region_id: region(region_code),
        trace_code: code.into(),
        product: product.into(),
        origin_country: origin.into(),
        declaration_no: format!("3101{}", code.len()),
        quantity_kg: kg.into(),
        test_result: "negative".into(),
    };
    epidemic
        .create_batch(
            &office,
            &batch("330206", "ZLL-330206-0001", "冻牛肉", "巴西", "20000"),
        )
        .await?;
    epidemic
        .create_batch(
            &office,
            &batch("330206", "ZLL-330206-0002", "冻虾仁", "厄瓜多尔", "5000"),
        )
        .await?;
    epidemic
        .create_batch(
            &zhenhai,
            &batch("330211", "ZLL-330211-0001", "冻猪肉", "西班牙", "8000"),
        )
        .await?;
    epidemic
        .add_movement(
            &baifeng,
            zhinan.id,
            "ZLL-330206-0001",
            "in",
            "8000",
            &t(now - 3 * DAY),
        )
        .await?;
    epidemic
        .add_movement(
            &meishan,
            meigang.id,
            "ZLL-330206-0002",
            "in",
            "2000",
            &t(now - 3 * DAY),
        )
        .await?;
    epidemic
        .add_movement(
            &zhenhai,
            zh_store.id,
            "ZLL-330211-0001",
            "in",
            "3000",
            &t(now - 3 * DAY),
        )
        .await?;
    at.set(now - DAY);
    epidemic
        .add_check(&baifeng, zhinan.id, "冻牛肉", "ZLL-330206-0001", "9500")
        .await?;
    epidemic
        .add_check(&baifeng, zhinan.id, "冻鸡爪", "", "3000")
        .await?;
    epidemic
        .add_check(&meishan, meigang.id, "冻虾仁", "ZLL-330206-0002", "2000")
        .await?;
    epidemic
        .add_check(&meishan, meigang.id, "冻带鱼", "", "500")
        .await?;
    epidemic
        .add_check(&zhenhai, zh_store.id, "冻猪肉", "", "1200")
        .await?;

    // Overdue deadlines found by now are notified, as the server's sweep would.
    at.set(now);
    duty.sweep().await?;
    Ok(())
}

/// The MMSI of the speedboat the demo's earlier clue names; an alert about
/// the same vessel links to it (`jinghai demo` raises such alerts).
pub const DEMO_CLUE_MMSI: i64 = 412_420_001;

/// Clues, cases, hand-overs and tips for the demo, kept small: in 北仑 an
/// earlier clue about a speedboat linked to a town's clue by a phone, a
/// filed case with seizures, a hand-over awaiting receipt, a public tip;
/// in 白峰 and 镇海 the same kinds of record, which other towns and
/// districts must never see (the scoping matrix uses them).
pub async fn seed_demo_cases(
    store: &Arc<dyn Store>,
    clock: &Arc<dyn Clock>,
    seeded: &Seeded,
) -> WorkflowResult<()> {
    use jinghai_domain::cases::{
        CaseStatus, Classification as C, ClueSource, ClueStatus, QuantityUnit, RecordKind,
        SeizureCategory, SpotCheck, StepKind, TipChannel, TipContact, TipTopic,
    };
    use jinghai_domain::entity::{normalise, EntityKind as K};
    use jinghai_domain::report::day_of;
    use jinghai_domain::time::{DAY, HOUR};
    use jinghai_store::{
        NewCase, NewClue, NewHandover, NewSeizure, NewStep, NewTip, TipTransition,
    };
    let actor = Actor::system("演示数据 demo seed");
    let now = clock.now();
    let today = day_of(now);
    let ent = |k, v: &str| normalise(k, v).map_err(crate::WorkflowError::invalid);
    let unit = |name: &str| Some(seeded.units[name]);
    let clue =
        |region: &str, owner: &str, summary: &str, place: &str, class, back_days: i64| NewClue {
            region_id: seeded.regions[region],
            summary: summary.into(),
            detail: String::new(),
            occurred_at: now - back_days * DAY,
            place: place.into(),
            lat: None,
            lon: None,
            source: ClueSource::Officer,
            source_ref: None,
            classification: class,
            owner_unit_id: unit(owner),
        };
    let hub = crate::cases::HUB_LIMIT;
    let put = |n: NewClue, es: Vec<jinghai_domain::entity::NormalEntity>| {
        let store = store.clone();
        let actor = actor.clone();
        async move {
            store
                .create_clue(&actor, now, &n, &es, hub)
                .await
                .map(|(c, _)| c)
        }
    };

    let police = "宁波市公安局北仑分局";
    // 北仑: a town's clue (handed to the police) and the coast guard's
    // earlier clue about a speedboat, linked by a phone.
    let town = put(
        clue(
            "330206008",
            "梅山街道办事处",
            "梅港村村民反映夜间有陌生人员从岙口上岸",
            "梅山岛东侧岙口",
            C::Ordinary,
            6,
        ),
        vec![
            ent(K::Phone, "138 0013 8000")?,
            ent(K::Place, "梅山岛东侧岙口")?,
        ],
    )
    .await?;
    store
        .create_handover(
            &actor,
            now,
            &NewHandover {
                record_kind: RecordKind::Clue,
                record_id: town.id,
                region_code: town.region_code.clone(),
                from_unit_id: unit("梅山街道办事处"),
                to_unit_id: seeded.units[police],
                reason: "梅山街道网格排查发现，移交公安核查".into(),
                deadline_at: now + 24 * HOUR,
            },
        )
        .await?;
    let boat = put(
        clue(
            "330206",
            "宁波海警局北仑工作站",
            "快艇夜间在梅山岛东侧岙口停靠，疑似接驳人员",
            "梅山岛东侧岙口",
            C::Restricted,
            5,
        ),
        vec![
            ent(K::Mmsi, &DEMO_CLUE_MMSI.to_string())?,
            ent(K::Vessel, "浙象渔05123")?,
            ent(K::Phone, "+86 13800138000")?,
            ent(K::Person, "张伟")?,
        ],
    )
    .await?;
    store
        .set_clue_status(&actor, now, boat.id, ClueStatus::Verifying, "")
        .await?;

    // 北仑: a filed case on a verified police clue, with seizures and coercive measures.
    let frozen = put(
        clue(
            "330206",
            police,
            "冷库夜间卸载无追溯码冻品",
            "北仑某冷库",
            C::Restricted,
            4,
        ),
        vec![
            ent(K::Company, "宁波某某冷链有限公司")?,
            ent(K::Plate, "浙B·D1234")?,
            ent(K::Person, "ZHANG Wei")?,
        ],
    )
    .await?;
    store
        .set_clue_status(&actor, now, frozen.id, ClueStatus::Verified, "现场查获")
        .await?;
    let case = store
        .create_case(
            &actor,
            now,
            &NewCase {
                region_id: seeded.regions["330206"],
                case_no: "北仑立〔2021〕3号".into(),
                title: "北仑走私冻品案".into(),
                summary: "冷库夜间卸载无追溯码冻品".into(),
                classification: C::Restricted,
                filed_on: today - 3,
                owner_unit_id: unit(police),
                document: "立案决定书".into(),
            },
            &[frozen.id],
        )
        .await?;
    store
        .add_case_step(
            &actor,
            now,
            case.id,
            &NewStep {
                kind: StepKind::Coercive,
                day: today - 2,
                unit_id: unit(police),
                persons: 2,
                document: "刑事拘留".into(),
                note: String::new(),
                new_status: CaseStatus::Coercive,
            },
        )
        .await?;
    store
        .add_seizure(
            &actor,
            now,
            case.id,
            &NewSeizure {
                category: SeizureCategory::FrozenGoods,
                quantity: 12_500,
                unit: QuantityUnit::Tonnes,
                description: "冻牛肉、冻鸡爪".into(),
                seized_on: today - 3,
            },
        )
        .await?;
    store
        .add_seizure(
            &actor,
            now,
            case.id,
            &NewSeizure {
                category: SeizureCategory::Vehicle,
                quantity: 1000,
                unit: QuantityUnit::Count,
                description: "冷藏车 浙BD1234".into(),
                seized_on: today - 3,
            },
        )
        .await?;

    // 梅山: an ordinary case the town may follow.
    let entry = put(
        clue(
            "330206008",
            police,
            "梅港村出租屋容留不明身份人员",
            "梅港村",
            C::Ordinary,
            3,
        ),
        vec![ent(K::Place, "梅港村出租屋")?],
    )
    .await?;
    store
        .set_clue_status(&actor, now, entry.id, ClueStatus::Verified, "")
        .await?;
    store
        .create_case(
            &actor,
            now,
            &NewCase {
                region_id: seeded.regions["330206008"],
                case_no: "北仑立〔2021〕4号".into(),
                title: "梅山容留非法入境人员案".into(),
                summary: String::new(),
                classification: C::Ordinary,
                filed_on: today - 2,
                owner_unit_id: unit(police),
                document: String::new(),
            },
            &[entry.id],
        )
        .await?;

    // 北仑: customs hands a found illegal entrant's clue to border inspection.
    let container = put(
        clue(
            "330206",
            "北仑海关",
            "查验集装箱发现藏匿人员一名",
            "北仑港区集装箱码头",
            C::Restricted,
            0,
        ),
        vec![ent(K::Passport, "E1234 5678")?],
    )
    .await?;
    store
        .create_handover(
            &actor,
            now,
            &NewHandover {
                record_kind: RecordKind::Clue,
                record_id: container.id,
                region_code: container.region_code.clone(),
                from_unit_id: unit("北仑海关"),
                to_unit_id: seeded.units["北仑出入境边防检查站"],
                reason: "北仑港区查验发现非法入境人员，移交边检处置".into(),
                deadline_at: now + 24 * HOUR,
            },
        )
        .await?;

    // 北仑: a public tip waiting for triage.
    store
        .create_tip(
            &actor,
            now,
            &NewTip {
                code_hash: crate::tips::code_hash("DEMO-BEIL-UN00-0001"),
                region_id: seeded.regions["330206"],
                channel: TipChannel::Web,
                topic: TipTopic::Smuggling,
                what: "北仑春晓附近海边夜里常有小船卸货，车辆接走".into(),
                place: "春晓海边".into(),
                lat: None,
                lon: None,
                when_text: "最近一周夜里".into(),
                contact: TipContact {
                    name: "王先生".into(),
                    phone: "13900000001".into(),
                },
                anonymous: false,
            },
        )
        .await?;

    // 白峰 and 镇海: the same kinds of record, out of other towns' and districts' sight.
    for (region, owner, place, phone) in [
        (
            "330206009",
            "白峰街道办事处",
            "白峰峙南村码头",
            "13911112222",
        ),
        (
            "330211",
            "镇海区“净海”行动专班办公室",
            "镇海招宝山码头",
            "13922223333",
        ),
    ] {
        let a = put(
            clue(
                region,
                owner,
                &format!("{place}夜间有人员聚集"),
                place,
                C::Ordinary,
                2,
            ),
            vec![ent(K::Phone, phone)?],
        )
        .await?;
        let b = put(
            clue(
                region,
                owner,
                &format!("{place}可疑车辆"),
                place,
                C::Ordinary,
                1,
            ),
            vec![ent(K::Phone, phone)?],
        )
        .await?;
        store
            .set_clue_status(&actor, now, b.id, ClueStatus::Verified, "")
            .await?;
        store
            .create_case(
                &actor,
                now,
                &NewCase {
                    region_id: seeded.regions[region],
                    case_no: format!("{place}案"),
                    title: format!("{place}走私案"),
                    summary: String::new(),
                    classification: C::Ordinary,
                    filed_on: today - 1,
                    owner_unit_id: unit(owner),
                    document: String::new(),
                },
                &[b.id],
            )
            .await?;
        let to = if region == "330211" {
            "宁波市“净海”行动专班办公室"
        } else {
            police
        };
        store
            .create_handover(
                &actor,
                now,
                &NewHandover {
                    record_kind: RecordKind::Clue,
                    record_id: a.id,
                    region_code: a.region_code.clone(),
                    from_unit_id: unit(owner),
                    to_unit_id: seeded.units[to],
                    reason: format!("{place}线索移交"),
                    deadline_at: now - HOUR,
                },
            )
            .await?;
        if region == "330211" {
            const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\x01\x01\x01\0\x18\xdd\x8d\xb0\0\0\0\0IEND\xaeB`\x82";
            store
                .add_case_file(
                    &actor,
                    now,
                    RecordKind::Clue,
                    a.id,
                    &a.region_code,
                    &format!("{place}现场照片.png"),
                    "image/png",
                    PNG,
                )
                .await?;
        }
        let tip = store
            .create_tip(
                &actor,
                now - HOUR,
                &NewTip {
                    code_hash: crate::tips::code_hash(&format!("DEMO-{region}")),
                    region_id: seeded.regions[region],
                    channel: TipChannel::Hotline,
                    topic: TipTopic::IllegalEntry,
                    what: format!("{place}有陌生人上岸"),
                    place: place.into(),
                    lat: None,
                    lon: None,
                    when_text: "昨晚".into(),
                    contact: TipContact::default(),
                    anonymous: true,
                },
            )
            .await?;
        store
            .set_tip_status(
                &actor,
                now,
                tip.id,
                &TipTransition {
                    status: jinghai_domain::cases::TipStatus::Clue,
                    note: String::new(),
                    clue_id: Some(b.id),
                    merged_into: None,
                },
            )
            .await?;
        store
            .propose_reward(&actor, now, tip.id, 50_000, &format!("{place}举报属实"))
            .await?;
        let check = SpotCheck {
            id: 0,
            region_id: seeded.regions[region],
            region_code: String::new(),
            from_day: today - 7,
            to_day: today,
            seed: 1,
            drawn_by: String::new(),
            drawn_at: 0,
        };
        store
            .create_spot_check(&actor, now, &check, &[tip.id])
            .await?;
    }
    Ok(())
}

/// After the demo's exercise has run: an earlier clue (a week back) naming
/// the vessel of one of its encounter alerts, so turning that alert into a
/// clue links the two at once — the demo's 串并 story.
pub async fn seed_demo_prior_clue(
    store: &Arc<dyn Store>,
    clock: &Arc<dyn Clock>,
) -> WorkflowResult<Option<i64>> {
    use jinghai_domain::cases::{Classification, ClueSource};
    use jinghai_domain::entity::{normalise, EntityKind};
    let scope = crate::cases::Cases::region_scope("330206");
    let alerts = store.list_alerts(&scope, 5000).await?;
    let Some(a) = alerts
        .iter()
        .find(|a| a.kind == "encounter")
        .or(alerts.first())
    else {
        return Ok(None);
    };
    let Some(beilun) = store.find_region_by_code("330206000000").await? else {
        return Ok(None);
    };
    let coast_guard = store
        .list_units(&scope)
        .await?
        .into_iter()
        .find(|u| u.agency == Agency::CoastGuard)
        .map(|u| u.id);
    let mmsi = normalise(EntityKind::Mmsi, &format!("{:09}", a.mmsi))
        .map_err(crate::WorkflowError::invalid)?;
    let new = jinghai_store::NewClue {
        region_id: beilun.id,
        summary: format!(
            "海警巡航发现船舶 MMSI {:09} 多次夜间关闭 AIS 靠近岙口",
            a.mmsi
        ),
        detail: "巡航记录，一周前".into(),
        occurred_at: a.start_at - 7 * jinghai_domain::time::DAY,
        place: "梅山岛东侧".into(),
        lat: None,
        lon: None,
        source: ClueSource::Patrol,
        source_ref: None,
        classification: Classification::Restricted,
        owner_unit_id: coast_guard,
    };
    let (c, _) = store
        .create_clue(
            &Actor::system("演示数据 demo seed"),
            clock.now(),
            &new,
            &[mmsi],
            crate::cases::HUB_LIMIT,
        )
        .await?;
    Ok(Some(c.id))
}
