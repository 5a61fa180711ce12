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
