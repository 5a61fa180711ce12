//! The scoping matrix: for every route in the route table, a user of one
//! region gets nothing of another region — not in lists, not by id, and
//! cannot change it. Runs on SQLite and on PostgreSQL.
//!
//! The matrix iterates `ROUTES`, the same table the router is built from, so
//! a new endpoint is covered the moment it exists; a route whose
//! `ScopeCheck` this test does not know how to exercise fails the test.

mod common;

use common::{TestApp, T0};
use jinghai_server::routes::{Entity, ScopeCheck, ROUTES};
use jinghai_store::AuditFilter;

/// One side of the matrix: a user, what they must see, and what they must
/// never see.
struct Pair {
    user: &'static str,
    own_marker: &'static str,
    foreign_markers: &'static [&'static str],
    foreign_prefix: &'static str,
    foreign_region: &'static str,
    foreign_unit: &'static str,
    foreign_user: &'static str,
    foreign_district: &'static str,
    /// Region prefix of a daily-report entry the user must not reach.
    foreign_entry_prefix: &'static str,
}

const PAIRS: &[Pair] = &[
    // Town A (梅山) against town B (白峰).
    Pair {
        user: "meishan",
        own_marker: "梅山",
        foreign_markers: &["白峰", "峙南村", "baifeng", "330206009"],
        foreign_prefix: "330206009",
        foreign_region: "330206009",
        foreign_unit: "白峰街道办事处",
        foreign_user: "baifeng",
        foreign_district: "330206",
        foreign_entry_prefix: "330206",
    },
    // A district office (北仑) against another district (镇海).
    Pair {
        user: "office",
        own_marker: "北仑",
        foreign_markers: &["镇海", "招宝山", "330211", "zhenhai.office"],
        foreign_prefix: "330211",
        foreign_region: "330211",
        foreign_unit: "镇海区“净海”行动专班办公室",
        foreign_user: "zhenhai.office",
        foreign_district: "330211",
        foreign_entry_prefix: "330211",
    },
    // A district administrator, who may change things — but not over there.
    Pair {
        user: "admin",
        own_marker: "北仑",
        foreign_markers: &["镇海", "招宝山", "330211", "zhenhai.office"],
        foreign_prefix: "330211",
        foreign_region: "330211",
        foreign_unit: "镇海区“净海”行动专班办公室",
        foreign_user: "zhenhai.office",
        foreign_district: "330211",
        foreign_entry_prefix: "330211",
    },
];

/// The id of a seeded daily-report entry under `prefix`.
async fn first_entry(app: &TestApp, prefix: &str) -> i64 {
    let form = app
        .db
        .store
        .get_report_form("clean_sea_daily")
        .await
        .unwrap()
        .expect("the demo seeds the daily form");
    let scope = jinghai_domain::Scope {
        user_id: 0,
        role: jinghai_domain::Role::Admin,
        region_prefix: prefix.into(),
        unit_id: None,
    };
    app.db
        .store
        .list_report_entries(&scope, form.id, 0, i32::MAX)
        .await
        .unwrap()
        .first()
        .expect("the demo seeds report entries")
        .id
}

/// A test alert under `prefix` (see `common::TestApp::new`).
async fn first_alert(app: &TestApp, prefix: &str) -> i64 {
    let scope = jinghai_domain::Scope {
        user_id: 0,
        role: jinghai_domain::Role::Admin,
        region_prefix: prefix.into(),
        unit_id: None,
    };
    app.db
        .store
        .list_alerts(&scope, 10)
        .await
        .unwrap()
        .iter()
        .find(|a| a.region_code.starts_with(prefix))
        .expect("test alerts")
        .id
}

/// A seeded risk under `prefix`, and a seeded evidence file in 镇海.
async fn first_risk(app: &TestApp, prefix: &str) -> (i64, i64) {
    let scope = jinghai_domain::Scope {
        user_id: 0,
        role: jinghai_domain::Role::Admin,
        region_prefix: prefix.into(),
        unit_id: None,
    };
    let risks = app.db.store.list_risks(&scope).await.unwrap();
    let risk = risks
        .iter()
        .find(|r| r.region_code.starts_with(prefix))
        .expect("the demo seeds risks");
    // The demo's one evidence file is in 镇海, outside every pair's scope.
    let zhenhai = jinghai_domain::Scope {
        region_prefix: "330211".into(),
        ..scope
    };
    let mut file = 0;
    for r in app.db.store.list_risks(&zhenhai).await.unwrap() {
        if let Some(a) = app
            .db
            .store
            .list_risk_attachments(r.id)
            .await
            .unwrap()
            .first()
        {
            file = a.id;
        }
    }
    assert!(file > 0, "the demo seeds an evidence file");
    (risk.id, file)
}

/// Registry records (vessel, photo, place, port report) of one region.
#[derive(Clone, Copy)]
struct RegistryIds {
    vessel: i64,
    photo: i64,
    place: i64,
    report: i64,
}

/// Seeds a vessel (with a photo), a fishing port and an arrival report in
/// each region the pairs use, named after the region so that a leak shows
/// up as a foreign marker.
async fn seed_registries(app: &TestApp) -> std::collections::HashMap<&'static str, RegistryIds> {
    use jinghai_domain::registry::{OwnerKind, ReportKind, StatelessStatus};
    let store = &app.db.store;
    let actor = jinghai_domain::audit::Actor::system("北仑 matrix seed");
    let mut out = std::collections::HashMap::new();
    for (n, (prefix, name)) in [
        ("330206", "北仑"),
        ("330206008", "梅山"),
        ("330206009", "白峰"),
        ("330211", "镇海"),
    ]
    .into_iter()
    .enumerate()
    {
        let region_id = app.seeded.regions[prefix];
        let mmsi = 412_900_000 + n as i64;
        let vessel = store
            .create_vessels(
                &actor,
                T0,
                &[jinghai_store::NewVessel {
                    vessel: jinghai_store::VesselWrite {
                        region_id,
                        mmsi,
                        name: format!("{name}渔{n}"),
                        kind: "fishing".into(),
                        flag: "CN".into(),
                        international: false,
                        home_port: format!("{name}港"),
                        owner_kind: OwnerKind::Individual,
                        owner_name: format!("{name}船东"),
                        owner_contact: String::new(),
                        owner_phone: String::new(),
                        registry_no: format!("ZJ{n}"),
                        stateless: StatelessStatus::Normal,
                        notes: String::new(),
                    },
                    token: format!("matrix-token-{n}"),
                    token_expires_at: T0 + 86_400_000,
                }],
            )
            .await
            .unwrap()
            .remove(0);
        let photo = store
            .add_vessel_photo(
                &actor,
                T0,
                vessel.id,
                &format!("{name}.png"),
                "image/png",
                b"\x89PNG\r\n\x1a\n",
            )
            .await
            .unwrap();
        let lon = 121.8 + n as f64 * 0.1;
        let place = store
            .create_place(&actor, T0, &jinghai_store::PlaceWrite {
                region_id,
                code: format!("{name}港"),
                name: format!("{name}渔港"),
                kind: "fishing_port".into(),
                applies_to: None,
                geometry: format!(r#"{{"type":"Polygon","coordinates":[[[{lon},29.8],[{},29.8],[{},29.85],[{lon},29.8]]]}}"#, lon + 0.05, lon + 0.05),
                lat: 29.8,
                lon,
                notes: String::new(),
            })
            .await
            .unwrap();
        let report = store
            .create_port_reports(
                &actor,
                T0,
                &[jinghai_store::PortReportWrite {
                    vessel_id: Some(vessel.id),
                    region_id,
                    mmsi,
                    kind: ReportKind::Arrival,
                    port_code: format!("{name}港"),
                    reported_at: T0 - 3_600_000,
                    persons_aboard: Some(1),
                    itinerary: format!("{name}渔场"),
                    contact_history: "无".into(),
                    source: "officer".into(),
                    persons: vec![],
                }],
            )
            .await
            .unwrap()
            .remove(0);
        out.insert(
            prefix,
            RegistryIds {
                vessel: vessel.id,
                photo: photo.id,
                place: place.id,
                report: report.id,
            },
        );
    }
    out
}

fn admin_scope(prefix: &str) -> jinghai_domain::Scope {
    jinghai_domain::Scope {
        user_id: 0,
        role: jinghai_domain::Role::Admin,
        region_prefix: prefix.into(),
        unit_id: None,
    }
}

/// Issue #9's records that `user_prefix`'s user must not reach: a ledger
/// entry, a card and a patrol plan under `foreign`, a bulletin outside the
/// user's region, and a rule (only the province edits rules).
async fn foreign_issue9(
    app: &TestApp,
    foreign: &str,
    user_prefix: &str,
) -> (i64, i64, i64, i64, i64) {
    let store = &app.db.store;
    let entry = store
        .list_score_entries(&admin_scope(foreign), 0, i32::MAX)
        .await
        .unwrap()
        .iter()
        .find(|e| e.region_code.starts_with(foreign))
        .expect("the demo seeds score entries")
        .id;
    let card = store
        .list_cards(&admin_scope(foreign))
        .await
        .unwrap()
        .first()
        .expect("the demo seeds cards")
        .id;
    let bulletin = store
        .list_bulletins(&admin_scope("33"))
        .await
        .unwrap()
        .iter()
        .find(|b| !b.region_code.starts_with(user_prefix))
        .expect("the demo seeds bulletins")
        .id;
    let plan = store
        .list_patrol_plans(&admin_scope("33"))
        .await
        .unwrap()
        .iter()
        .find(|p| !p.region_code.starts_with(user_prefix))
        .expect("the demo seeds patrol plans")
        .id;
    let rule = store
        .list_score_rules()
        .await
        .unwrap()
        .first()
        .expect("rules")
        .id;
    (entry, card, bulletin, plan, rule)
}

/// Ids of issue #8's records under a foreign prefix (and a notice to the
/// foreign unit), as the demo seeds them.
struct IntlIds {
    ship: i64,
    crew: i64,
    case: i64,
    deadline: i64,
    notification: i64,
    key_person: i64,
    cold_store: i64,
    stock_check: i64,
}

async fn intl_ids(app: &TestApp, prefix: &str, unit: i64) -> IntlIds {
    let store = &app.db.store;
    let scope = jinghai_domain::Scope {
        user_id: 0,
        role: jinghai_domain::Role::Admin,
        region_prefix: prefix.into(),
        unit_id: None,
    };
    let ship = store.list_ship_calls(&scope, 0, i64::MAX).await.unwrap()[0].id;
    let of_prefix = |code: &str| code.starts_with(prefix);
    IntlIds {
        crew: store.list_crew(ship).await.unwrap()[0].id,
        ship,
        case: store
            .list_cases_individual(&scope)
            .await
            .unwrap()
            .iter()
            .find(|c| of_prefix(&c.region_code))
            .expect("a foreign case")
            .id,
        deadline: store
            .list_deadlines(&scope, 0, i64::MAX)
            .await
            .unwrap()
            .iter()
            .find(|d| of_prefix(&d.region_code))
            .expect("a foreign deadline")
            .id,
        notification: store
            .list_notifications(
                &jinghai_domain::Scope {
                    unit_id: Some(unit),
                    ..scope.clone()
                },
                10,
            )
            .await
            .unwrap()
            .first()
            .expect("a notice to the foreign unit")
            .id,
        key_person: store
            .list_key_persons(&scope)
            .await
            .unwrap()
            .iter()
            .find(|p| of_prefix(&p.region_code))
            .expect("a foreign key person")
            .id,
        cold_store: store.list_cold_stores(&scope).await.unwrap()[0].id,
        stock_check: store.list_stock_checks(&scope).await.unwrap()[0].id,
    }
}

/// Ids of seeded clue-and-case records under `prefix` (see
/// `seed_demo_cases`): clue, link, case, hand-over, tip, reward, spot
/// check; and the one evidence file, in 镇海, outside every pair's scope.
struct CaseIds {
    clue: i64,
    link: i64,
    case: i64,
    handover: i64,
    tip: i64,
    reward: i64,
    spot_check: i64,
    file: i64,
}

async fn case_ids(app: &TestApp, prefix: &str) -> CaseIds {
    use jinghai_domain::cases::RecordKind;
    let store = &app.db.store;
    let scope = |p: &str| jinghai_domain::Scope {
        user_id: 0,
        role: jinghai_domain::Role::TaskForceOffice,
        region_prefix: p.into(),
        unit_id: None,
    };
    let s = scope(prefix);
    let clues: Vec<_> = store
        .list_clues(&s, 5000)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.region_code.starts_with(prefix))
        .collect();
    let mut link = 0;
    let mut handover = 0;
    for c in &clues {
        if let Some(l) = store.clue_links(c.id).await.unwrap().first() {
            link = l.id;
        }
        if let Some(h) = store
            .handovers_of(RecordKind::Clue, c.id)
            .await
            .unwrap()
            .first()
        {
            handover = h.id;
        }
    }
    let case = store
        .list_cases(&s, 5000)
        .await
        .unwrap()
        .into_iter()
        .find(|k| k.region_code.starts_with(prefix))
        .expect("seeded case")
        .id;
    let tip = store
        .list_tips(&s, 5000)
        .await
        .unwrap()
        .into_iter()
        .find(|t| {
            t.region_code.starts_with(prefix) && t.status == jinghai_domain::cases::TipStatus::Clue
        })
        .expect("seeded tip")
        .id;
    let reward = store
        .rewards_of(tip)
        .await
        .unwrap()
        .first()
        .expect("seeded reward")
        .id;
    let spot_check = store
        .list_spot_checks(&s)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.region_code.starts_with(prefix))
        .expect("seeded spot check")
        .id;
    let mut file = 0;
    for c in store.list_clues(&scope("330211"), 5000).await.unwrap() {
        if let Some(f) = store
            .case_files(RecordKind::Clue, c.id)
            .await
            .unwrap()
            .first()
        {
            file = f.id;
        }
    }
    assert!(
        link > 0 && handover > 0 && file > 0,
        "seeded links, hand-overs and a file under {prefix}"
    );
    CaseIds {
        clue: clues.first().expect("seeded clue").id,
        link,
        case,
        handover,
        tip,
        reward,
        spot_check,
        file,
    }
}

/// A body that tries to reach into the foreign region.
fn body_for(
    method: &str,
    path: &str,
    api: bool,
    foreign_region_id: i64,
    foreign_unit_id: i64,
) -> String {
    let json = |s: String| s;
    let form = |pairs: &[(&str, String)]| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", common::enc(v)))
            .collect::<Vec<_>>()
            .join("&")
    };
    let r = foreign_region_id.to_string();
    let u = foreign_unit_id.to_string();
    match (method, path.trim_end_matches(|c: char| c.is_ascii_digit())) {
        ("POST", "/api/v1/regions") => json(format!(
            r#"{{"code":"330206099","name":"越权","level":"town","parent_id":{r}}}"#
        )),
        ("POST", "/admin/regions") => form(&[
            ("code", "330206099".into()),
            ("name", "越权".into()),
            ("level", "town".into()),
            ("parent_id", r),
        ]),
        ("POST", "/api/v1/units") => json(format!(
            r#"{{"name":"越权单位","agency":"police","region_id":{r}}}"#
        )),
        ("POST", "/admin/units") => form(&[
            ("name", "越权单位".into()),
            ("agency", "police".into()),
            ("region_id", r),
        ]),
        ("POST", "/api/v1/users") => json(format!(
            r#"{{"username":"intruder","display_name":"x","password":"abcd1234","role":"leader","region_id":{r},"unit_id":{u}}}"#
        )),
        ("POST", "/admin/users") => form(&[
            ("username", "intruder".into()),
            ("display_name", "x".into()),
            ("password", "abcd1234".into()),
            ("role", "leader".into()),
            ("region_id", r),
            ("unit_id", u),
        ]),
        ("POST", "/api/v1/intl/ships") => json(format!(
            r#"{{"region_id":{r},"ship_name":"越权","arrival":"2021-02-10 08:00","crew":[["A","CN","E1"]]}}"#
        )),
        ("POST", "/intl") => form(&[
            ("region_id", r),
            ("ship_name", "越权".into()),
            ("arrival", "2021-02-10 08:00".into()),
            ("crew", "A,CN,E1".into()),
        ]),
        ("POST", "/individual") => form(&[
            ("region_id", r),
            ("kind", "illegal_entrant".into()),
            ("place", "越权".into()),
            ("summary", "越权".into()),
            ("persons", "甲,男,越南,,正常,某地".into()),
        ]),
        ("POST", "/duty/major") => form(&[("region_id", r), ("title", "越权".into())]),
        ("POST", "/epidemic/persons") => form(&[
            ("region_id", r),
            ("name", "越权".into()),
            ("id_no", "E1".into()),
            ("from_country", "南非".into()),
            ("contact_name", "x".into()),
            ("contact_phone", "1".into()),
        ]),
        ("POST", "/epidemic/cold/stores") => form(&[("region_id", r), ("name", "越权冷库".into())]),
        ("POST", "/epidemic/cold/batches") => form(&[
            ("region_id", r),
            ("trace_code", "X-1".into()),
            ("product", "x".into()),
            ("origin_country", "x".into()),
            ("declaration_no", "1".into()),
            ("quantity_kg", "1".into()),
            ("test_result", "negative".into()),
        ]),
        ("POST", "/api/v1/clues") => json(format!(
            r#"{{"region_id":{r},"summary":"越权线索","entities":["电话: 13800138000"]}}"#
        )),
        ("POST", "/clues") => form(&[
            ("region_id", r),
            ("summary", "越权线索".into()),
            ("entities", "电话: 13800138000".into()),
        ]),
        ("POST", "/tips") => form(&[
            ("region_id", r),
            ("topic", "smuggling".into()),
            ("what", "越权录入".into()),
            ("place", "某地".into()),
        ]),
        ("POST", "/tips/checks") => form(&[
            ("region_id", r),
            ("from", "2021-01-01".into()),
            ("to", "2021-12-31".into()),
            ("n", "5".into()),
        ]),
        ("POST", "/api/v1/daily/sheet/") => r#"{"day":"2021-02-09","section":"maritime_patrol","values":{"mp_personnel":"1"},"submit":true}"#.into(),
        ("POST", p) if p.starts_with("/api/v1/daily/entries/") => r#"{"approve":true,"reason":"x","comment":"x"}"#.into(),
        ("POST", "/daily/") => form(&[("day", "2021-02-09".into()), ("section", "maritime_patrol".into()), ("v.mp_personnel", "1".into()), ("action", "submit".into())]),
        ("POST", "/scoring/entries") => form(&[("rule_id", "1".into()), ("region_id", r), ("note", "越权".into())]),
        ("POST", "/scoring/evaluate") => form(&[("region_id", r), ("from", "2021-02-01".into()), ("to", "2021-02-09".into())]),
        ("POST", "/scoring/rules") | ("POST", "/scoring/rules/") => form(&[("code", "x_rule".into()), ("zh", "越权".into()), ("trigger", "manual".into()), ("points", "5".into()), ("active", "on".into())]),
        ("POST", "/cards") => form(&[("color", "yellow".into()), ("place_kind", "port".into()), ("place_name", "越权".into()), ("region_id", r), ("reason", "x".into()), ("fix_deadline", "2021-03-01".into())]),
        ("POST", "/bulletins") => form(&[("region_id", r), ("week", "2021-02-01".into())]),
        ("POST", "/bulletins/robots") => form(&[("region_id", r), ("webhook", "https://oapi.dingtalk.com/robot/send?access_token=x".into()), ("secret", "SECxxxxxxxxxx".into())]),
        ("POST", "/patrols") => form(&[("region_id", r), ("unit_id", u), ("name", "越权".into()), ("zone", "121.9,29.8\n122,29.8\n122,29.9".into()), ("starts_at", "2021-02-09T08:00".into()), ("ends_at", "2021-02-09T18:00".into())]),
        ("POST", "/patrols/prefill/") => form(&[("day", "2021-02-09".into())]),
        ("POST", p) if p.starts_with("/scoring/entries/") => form(&[("reason", "越权".into()), ("decision", "越权".into()), ("accept", "yes".into())]),
        ("POST", p) if p.starts_with("/cards/") => form(&[("note", "越权".into())]),
        ("POST", p) if p.starts_with("/patrols/") => form(&[("vessel", "越权".into()), ("mmsi", "412900001".into())]),
        _ if api => match method {
            "PATCH" if path.contains("/units/") => r#"{"name":"改","agency":"police"}"#.into(),
            "PATCH" if path.contains("/users/") => {
                format!(r#"{{"display_name":"改","role":"leader","region_id":{r},"active":true}}"#)
            }
            "PUT" if path.contains("/password") => r#"{"password":"abcd1234"}"#.into(),
            "PUT" => format!(r#"{{"group":"maritime_patrol","unit_id":{u}}}"#),
            _ => r#"{"name":"改"}"#.into(),
        },
        _ => form(&[
            ("name", "改".into()),
            ("agency", "police".into()),
            ("display_name", "改".into()),
            ("role", "leader".into()),
            ("region_id", r),
            ("active", "on".into()),
            ("password", "abcd1234".into()),
            ("group", "maritime_patrol".into()),
            ("unit_id", u),
        ]),
    }
}

async fn matrix(app: TestApp) {
    let store = &app.db.store;
    let registry = seed_registries(&app).await;
    for pair in PAIRS {
        let s = app.login(pair.user).await;
        let region = store
            .find_region_by_code(&format!("{:0<12}", pair.foreign_region))
            .await
            .unwrap()
            .unwrap()
            .id;
        let district = store
            .find_region_by_code(&format!("{:0<12}", pair.foreign_district))
            .await
            .unwrap()
            .unwrap()
            .id;
        let unit = app.seeded.units[pair.foreign_unit];
        let user = app.seeded.users[pair.foreign_user];
        let entry = first_entry(&app, pair.foreign_entry_prefix).await;
        let (risk, risk_file) = first_risk(&app, pair.foreign_prefix).await;
        let alert = first_alert(&app, pair.foreign_prefix).await;
        let reg = registry[pair.foreign_prefix];
        let intl = intl_ids(&app, pair.foreign_prefix, unit).await;
        let ids = case_ids(&app, pair.foreign_prefix).await;
        let own_prefix = match pair.user {
            "meishan" => "330206008",
            _ => "330206",
        };
        let (score_entry, card, bulletin, plan, rule) =
            foreign_issue9(&app, pair.foreign_prefix, own_prefix).await;
        let foreign_scope = jinghai_domain::Scope {
            user_id: 0,
            role: jinghai_domain::Role::Admin,
            region_prefix: pair.foreign_prefix.into(),
            unit_id: None,
        };
        let foreign_log_before = store
            .list_audit(
                &foreign_scope,
                &AuditFilter {
                    limit: 5000,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .len();

        for r in ROUTES {
            let id = match r.scope {
                ScopeCheck::Item(Entity::Region) => region,
                ScopeCheck::Item(Entity::Unit) => unit,
                ScopeCheck::Item(Entity::User) => user,
                ScopeCheck::Item(Entity::District) => district,
                ScopeCheck::Item(Entity::ReportEntry) => entry,
                ScopeCheck::Item(Entity::Risk) => risk,
                ScopeCheck::Item(Entity::RiskFile) => risk_file,
                ScopeCheck::Item(Entity::Alert) => alert,
                ScopeCheck::Item(Entity::ShipCall) => intl.ship,
                ScopeCheck::Item(Entity::CrewMember) => intl.crew,
                ScopeCheck::Item(Entity::IndividualCase) => intl.case,
                ScopeCheck::Item(Entity::Deadline) => intl.deadline,
                ScopeCheck::Item(Entity::Notification) => intl.notification,
                ScopeCheck::Item(Entity::KeyPerson) => intl.key_person,
                ScopeCheck::Item(Entity::ColdStore) => intl.cold_store,
                ScopeCheck::Item(Entity::StockCheck) => intl.stock_check,
                ScopeCheck::Item(Entity::Vessel) => reg.vessel,
                ScopeCheck::Item(Entity::VesselPhoto) => reg.photo,
                ScopeCheck::Item(Entity::Place) => reg.place,
                ScopeCheck::Item(Entity::PortReport) => reg.report,
                ScopeCheck::Item(Entity::ScoreEntry) => score_entry,
                ScopeCheck::Item(Entity::ScoreRule) => rule,
                ScopeCheck::Item(Entity::Card) => card,
                ScopeCheck::Item(Entity::Bulletin) => bulletin,
                ScopeCheck::Item(Entity::PatrolPlan) => plan,
                // Only Zhenhai's feed has it: foreign to every pair.
                ScopeCheck::Item(Entity::LiveVessel) => i64::from(common::ZHENHAI_VESSEL),
                ScopeCheck::Item(Entity::Clue) => ids.clue,
                ScopeCheck::Item(Entity::ClueLink) => ids.link,
                ScopeCheck::Item(Entity::Case) => ids.case,
                ScopeCheck::Item(Entity::Handover) => ids.handover,
                ScopeCheck::Item(Entity::CaseFile) => ids.file,
                ScopeCheck::Item(Entity::Tip) => ids.tip,
                ScopeCheck::Item(Entity::Reward) => ids.reward,
                ScopeCheck::Item(Entity::SpotCheck) => ids.spot_check,
                _ => 0,
            };
            assert!(
                id > 0 || !matches!(r.scope, ScopeCheck::Item(_)),
                "{} {}: no foreign record to try",
                r.method,
                r.path
            );
            let path = r
                .path
                .replace("{id}", &id.to_string())
                // The public tip page is not scoped data: the user's own district's.
                .replace("{district}", "330206")
                .replace("{*file}", "vendor/leaflet.js")
                .replace("{code}", "zh")
                .replace("{module}", "map");
            // Sign-in and sign-out concern only the caller's own session.
            if matches!(
                (r.method, r.path),
                ("POST", "/login")
                    | ("POST", "/api/v1/session")
                    | ("DELETE", "/api/v1/session")
                    | ("POST", "/logout")
            ) {
                continue;
            }
            let body = body_for(r.method, &path, r.path.starts_with("/api/"), region, unit);
            let resp = app.call(Some(&s), r.method, &path, &body, true).await;
            let what = format!("{} as {} {} {}", pair.user, r.method, path, resp.status);
            if std::env::var("MATRIX_TRACE").is_ok() {
                eprintln!("{what}");
            }
            // Binary downloads (XLSX) are compressed: their text cannot be
            // searched here. The same roll-up is checked as CSV and JSON.
            let binary = resp.body.starts_with("PK");
            if binary {
                assert!(matches!(resp.status.as_u16(), 200 | 403), "{what}");
                continue;
            }
            for m in pair.foreign_markers {
                assert!(!resp.body.contains(m), "{what}: response contains {m:?}");
            }
            match r.scope {
                ScopeCheck::Item(_) => {
                    assert!(
                        matches!(resp.status.as_u16(), 400 | 403 | 404),
                        "{what}: an out-of-scope id must be refused"
                    );
                }
                ScopeCheck::List if r.method == "GET" => {
                    assert!(matches!(resp.status.as_u16(), 200 | 403), "{what}");
                    if resp.status == 200 {
                        assert!(resp.body.contains(pair.own_marker), "{what}: a list must show the user's own records (a vacuous pass otherwise)");
                    }
                }
                ScopeCheck::List => {
                    assert!(
                        matches!(resp.status.as_u16(), 400 | 403 | 404),
                        "{what}: creating in a foreign region must be refused"
                    );
                }
                ScopeCheck::OwnData | ScopeCheck::NoScopedData => {
                    assert!(resp.status.as_u16() < 500, "{what}");
                }
            }
        }
        let foreign_log_after = store
            .list_audit(
                &foreign_scope,
                &AuditFilter {
                    limit: 5000,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .len();
        assert_eq!(
            foreign_log_before, foreign_log_after,
            "{}: nothing in the foreign region changed",
            pair.user
        );
    }
}

/// Every route that changes data refuses a request without the CSRF token.
async fn csrf_required(app: TestApp) {
    let own = seed_registries(&app).await["330206"];
    let s = app.login("admin").await;
    let own_scope = jinghai_domain::Scope {
        user_id: 0,
        role: jinghai_domain::Role::Admin,
        region_prefix: "33".into(),
        unit_id: None,
    };
    let before = app
        .db
        .store
        .list_audit(
            &own_scope,
            &AuditFilter {
                limit: 5000,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .len();
    let beilun = app
        .db
        .store
        .find_region_by_code("330206000000")
        .await
        .unwrap()
        .unwrap()
        .id;
    let unit = app.seeded.units["宁波海警局北仑工作站"];
    let user = app.seeded.users["haijing"];
    let entry = first_entry(&app, "330206").await;
    let (own_risk, _) = first_risk(&app, "330206").await;
    // The admin's own records of issue #9 ("330211" is outside them).
    let own9 = foreign_issue9(&app, "330206", "330211").await;
    for r in ROUTES.iter().filter(|r| r.method != "GET") {
        if matches!(r.path, "/login" | "/api/v1/session") && r.method == "POST" {
            continue;
        }
        let id = match r.scope {
            ScopeCheck::Item(Entity::Region) | ScopeCheck::Item(Entity::District) => beilun,
            ScopeCheck::Item(Entity::Unit) => unit,
            ScopeCheck::Item(Entity::User) => user,
            ScopeCheck::Item(Entity::ReportEntry) => entry,
            ScopeCheck::Item(Entity::Risk) => own_risk,
            ScopeCheck::Item(Entity::RiskFile) => 0,
            ScopeCheck::Item(Entity::Alert) => first_alert(&app, "330206").await,
            ScopeCheck::Item(Entity::Vessel) => own.vessel,
            ScopeCheck::Item(Entity::VesselPhoto) => own.photo,
            ScopeCheck::Item(Entity::Place) => own.place,
            ScopeCheck::Item(Entity::PortReport) => own.report,
            ScopeCheck::Item(Entity::ScoreEntry) => own9.0,
            ScopeCheck::Item(Entity::ScoreRule) => own9.4,
            ScopeCheck::Item(Entity::Card) => own9.1,
            ScopeCheck::Item(Entity::Bulletin) => own9.2,
            ScopeCheck::Item(Entity::PatrolPlan) => own9.3,
            _ => 0,
        };
        let path = r
            .path
            .replace("{id}", &id.to_string())
            .replace("{district}", "330206");
        let body = body_for(r.method, &path, r.path.starts_with("/api/"), beilun, unit);
        let resp = app.call(Some(&s), r.method, &path, &body, false).await;
        assert_eq!(
            resp.status.as_u16(),
            403,
            "{} {} without CSRF token",
            r.method,
            path
        );
    }
    let after = app
        .db
        .store
        .list_audit(
            &own_scope,
            &AuditFilter {
                limit: 5000,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .len();
    assert_eq!(before, after, "nothing changed");
    let _ = T0;
}

#[tokio::test]
async fn scoping_matrix_sqlite() {
    matrix(TestApp::new(jinghai_store::testkit::sqlite().await).await).await;
}

#[tokio::test]
async fn scoping_matrix_postgres() {
    matrix(TestApp::new(jinghai_store::testkit::postgres().await).await).await;
}

#[tokio::test]
async fn csrf_required_sqlite() {
    csrf_required(TestApp::new(jinghai_store::testkit::sqlite().await).await).await;
}

#[tokio::test]
async fn csrf_required_postgres() {
    csrf_required(TestApp::new(jinghai_store::testkit::postgres().await).await).await;
}
