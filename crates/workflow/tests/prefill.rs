//! The daily report's prefilled numbers, on both backends: each links to
//! the records behind it (and the link's filter finds exactly them, scoped);
//! a submitted value that differs from the records needs a reason naming
//! the indicator, nothing is stored without one, and the reason is kept
//! with the entry for the reviewer.

use std::sync::Arc;

use jinghai_domain::report::{cst_hour, parse_day, split_corrections, EntryStatus};
use jinghai_workflow::accounts::LoginLimits;
use jinghai_workflow::cases::CasesPrefill;
use jinghai_workflow::intl::IntlPrefill;
use jinghai_workflow::patrols::{NoAisHistory, Patrols, PatrolsPrefill, PlanInput, RecordInput};
use jinghai_workflow::records::{Behind, BehindFilter, RecordsBehind};
use jinghai_workflow::reports::{Reports, SectionInput};
use jinghai_workflow::seed::{seed_demo, DEMO_PASSWORD};
use jinghai_workflow::{Accounts, Clock, ManualClock, WorkflowError};

async fn story(db: jinghai_store::testkit::TestDb) {
    let today = parse_day("2021-02-10").unwrap();
    let clock = Arc::new(ManualClock::new(cst_hour(today, 15)));
    let c: Arc<dyn Clock> = clock.clone();
    let seeded = seed_demo(&db.store, &c).await.unwrap();
    let accounts = Accounts::new(db.store.clone(), c.clone(), LoginLimits::default());
    let login = |u: &'static str| {
        let accounts = &accounts;
        async move { accounts.login(u, DEMO_PASSWORD, "t").await.unwrap().ctx }
    };
    let (haijing, office, meishan) = (
        login("haijing").await,
        login("office").await,
        login("meishan").await,
    );
    let reports = Reports::new(db.store.clone(), c.clone())
        .with_prefill(Arc::new(IntlPrefill::new(db.store.clone())))
        .with_prefill(Arc::new(CasesPrefill::new(db.store.clone(), c.clone())))
        .with_prefill(Arc::new(PatrolsPrefill::new(db.store.clone(), c.clone())));
    let records = RecordsBehind::new(db.store.clone());
    let beilun = seeded.regions["330206"];

    // Nothing patrolled today yet: no patrol suggestion.
    let sheet = reports.sheet(&haijing, beilun, today).await.unwrap();
    let patrol = |sheet: &jinghai_workflow::reports::DaySheet| {
        sheet
            .sections
            .iter()
            .find(|s| s.section.key == "maritime_patrol")
            .unwrap()
            .suggestions
            .clone()
    };
    assert!(patrol(&sheet).is_empty());

    // A patrol today: 8 personnel, 3 ships checked.
    let patrols = Patrols::new(db.store.clone(), c.clone(), Arc::new(NoAisHistory));
    let plan = patrols
        .create_plan(
            &haijing,
            &PlanInput {
                region_id: Some(beilun),
                name: "穿山近岸白天巡航".into(),
                zone: "121.90,29.80\n121.95,29.80\n121.95,29.84\n121.90,29.84".into(),
                starts_at: "2021-02-10T08:00".into(),
                ends_at: "2021-02-10T14:00".into(),
                sweep_m: "1000".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let csv = "time,lat,lon\n2021-02-10T09:00:00+08:00,29.805,121.90\n2021-02-10T10:00:00+08:00,29.805,121.95\n";
    patrols
        .record_from_file(
            &haijing,
            plan.id,
            &RecordInput {
                vessel: "海警 33102 艇".into(),
                personnel: "8".into(),
                ships_checked: "3".into(),
                ..Default::default()
            },
            Some(("track.csv", csv.as_bytes())),
        )
        .await
        .unwrap();
    let sheet = reports.sheet(&haijing, beilun, today).await.unwrap();
    let suggestions = patrol(&sheet);
    let personnel = suggestions
        .iter()
        .find(|g| g.indicator == "mp_personnel")
        .expect("personnel suggested from the patrol record");
    assert_eq!(personnel.value, 8_000);
    let link = personnel.link.clone().expect("a link to the records");
    assert_eq!(link, Behind::Patrols.link("330206", today));
    assert_eq!(link, "/patrols?behind=patrols&region=330206&day=2021-02-10");
    // Every suggestion of every source links to its records.
    for s in &sheet.sections {
        for g in &s.suggestions {
            assert!(
                g.link.as_deref().is_some_and(|l| l.contains("behind=")
                    && l.contains("region=330206")
                    && l.contains("day=2021-02-10")),
                "{g:?}"
            );
        }
    }
    // The link's filter finds the plan, as far as the caller sees it.
    let filter = BehindFilter::parse(Some("patrols"), Some("330206"), Some("2021-02-10"))
        .unwrap()
        .unwrap();
    assert!(records
        .ids(&office, &filter)
        .await
        .unwrap()
        .contains(&plan.id));
    assert!(
        records.ids(&meishan, &filter).await.unwrap().is_empty(),
        "a town does not see the district's plan"
    );
    let yesterday = BehindFilter {
        day: today - 1,
        ..filter.clone()
    };
    assert!(!records
        .ids(&office, &yesterday)
        .await
        .unwrap()
        .contains(&plan.id));

    // The section as the records say, but 10 personnel instead of 8.
    let mut values: Vec<(String, String)> = suggestions
        .iter()
        .map(|g| {
            let (_, i) = sheet.form.def.indicator(&g.indicator).unwrap();
            (
                g.indicator.clone(),
                jinghai_domain::report::format_value(i, g.value),
            )
        })
        .collect();
    for v in values.iter_mut().filter(|(k, _)| k == "mp_personnel") {
        v.1 = "10".into();
    }
    let input = |reasons: Vec<(String, String)>, submit: bool| SectionInput {
        district_id: beilun,
        day: today,
        section: "maritime_patrol".into(),
        values: values.clone(),
        notes: "白天一个航次".into(),
        reasons,
        submit,
    };
    let err = reports
        .save(&haijing, &input(vec![], true))
        .await
        .unwrap_err();
    let WorkflowError::Invalid(errs) = err else {
        panic!("{err:?}")
    };
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].field, "reason.mp_personnel");
    assert!(
        errs[0].zh.contains("出动人力") && errs[0].zh.contains("10") && errs[0].zh.contains('8'),
        "{}",
        errs[0].zh
    );
    assert!(
        errs[0].en.contains("Personnel deployed") && errs[0].en.contains("reason"),
        "{}",
        errs[0].en
    );
    let sheet = reports.sheet(&haijing, beilun, today).await.unwrap();
    let entry = |sheet: &jinghai_workflow::reports::DaySheet| {
        sheet
            .sections
            .iter()
            .find(|s| s.section.key == "maritime_patrol")
            .unwrap()
            .entry
            .clone()
    };
    assert!(entry(&sheet).is_none(), "nothing stored");

    // A draft may wait for its reason.
    let draft = reports.save(&haijing, &input(vec![], false)).await.unwrap();
    assert_eq!(draft.status, EntryStatus::Draft);
    assert_eq!(draft.notes, "白天一个航次");

    // With the reason it is submitted; the reason is kept for the reviewer,
    // a reason for an unchanged value is not.
    let e = reports
        .save(
            &haijing,
            &input(
                vec![
                    ("mp_personnel".into(), "另有 2 名民警\n随船执法".into()),
                    ("mp_vessels".into(), "无更正".into()),
                ],
                true,
            ),
        )
        .await
        .unwrap();
    assert_eq!(e.status, EntryStatus::Submitted);
    assert_eq!(e.value("mp_personnel"), 10_000);
    let (own, reasons) = split_corrections(&e.notes);
    assert_eq!(own, "白天一个航次");
    assert_eq!(
        reasons,
        vec![(
            "mp_personnel".to_string(),
            "另有 2 名民警 随船执法".to_string()
        )]
    );
    assert!(e.notes.contains("系统预填 8，填报 10"), "{}", e.notes);
    let seen = reports.entry(&office, e.id).await.unwrap();
    assert_eq!(seen.notes, e.notes, "the reviewer sees the reason");
}

#[tokio::test]
async fn prefill_links_and_reasons_sqlite() {
    story(jinghai_store::testkit::sqlite().await).await;
}

#[tokio::test]
async fn prefill_links_and_reasons_postgres() {
    story(jinghai_store::testkit::postgres().await).await;
}

/// The registry's fishing vessels, their owners and the 三无 vessels seized
/// that day prefill 船舶管控; the engine's unreported port entries of the
/// day prefill 出入境监管 (one ship counted once), each with its list link.
async fn registry_and_alerts(db: jinghai_store::testkit::TestDb) {
    use jinghai_domain::registry::{OwnerKind, StatelessStatus};
    use jinghai_workflow::alerts::AlertsPrefill;
    use jinghai_workflow::registry::RegistryPrefill;
    let today = parse_day("2021-02-10").unwrap();
    let now = cst_hour(today, 15);
    let clock = Arc::new(ManualClock::new(now));
    let c: Arc<dyn Clock> = clock.clone();
    let seeded = seed_demo(&db.store, &c).await.unwrap();
    let reports = Reports::new(db.store.clone(), c.clone())
        .with_prefill(Arc::new(RegistryPrefill::new(db.store.clone())))
        .with_prefill(Arc::new(AlertsPrefill::new(db.store.clone())));
    let get = |s: &[jinghai_workflow::reports::Suggestion], k: &str| {
        s.iter().find(|g| g.indicator == k).cloned()
    };
    let before = reports.suggestions("330206", today).await.unwrap();
    let fishing_before = get(&before, "vc_fishing_vessels").map_or(0, |g| g.value);

    let vessel =
        |region: &str, mmsi: i64, kind: &str, owner: OwnerKind, name: &str, s: StatelessStatus| {
            jinghai_store::NewVessel {
                vessel: jinghai_store::VesselWrite {
                    region_id: seeded.regions[region],
                    mmsi,
                    name: format!("测试{mmsi}"),
                    kind: kind.into(),
                    flag: "CN".into(),
                    international: false,
                    home_port: "梅山".into(),
                    owner_kind: owner,
                    owner_name: name.into(),
                    owner_contact: String::new(),
                    owner_phone: String::new(),
                    registry_no: format!("ZJ{mmsi}"),
                    stateless: s,
                    notes: String::new(),
                },
                token: format!("token-{mmsi}-abcdefghijklmnopqrstuvwxyz"),
                token_expires_at: now + 30 * jinghai_domain::time::DAY,
            }
        };
    let actor = jinghai_domain::audit::Actor::system("test");
    db.store
        .create_vessels(
            &actor,
            now,
            &[
                vessel(
                    "330206008",
                    412_300_001,
                    "fishing",
                    OwnerKind::Individual,
                    "张三",
                    StatelessStatus::Normal,
                ),
                vessel(
                    "330206008",
                    412_300_002,
                    "fishing",
                    OwnerKind::Individual,
                    "张三",
                    StatelessStatus::Normal,
                ),
                vessel(
                    "330206009",
                    412_300_003,
                    "fishing",
                    OwnerKind::Enterprise,
                    "白峰渔业公司",
                    StatelessStatus::Normal,
                ),
                vessel(
                    "330206",
                    412_300_004,
                    "speedboat",
                    OwnerKind::Individual,
                    "无名",
                    StatelessStatus::Seized,
                ),
                // Zhenhai's fishing vessel is not Beilun's.
                vessel(
                    "330211",
                    412_300_005,
                    "fishing",
                    OwnerKind::Individual,
                    "李四",
                    StatelessStatus::Normal,
                ),
            ],
        )
        .await
        .unwrap();
    for (n, (mmsi, start)) in [
        (412_300_001, cst_hour(today, 3)),
        (412_300_001, cst_hour(today, 9)),
        (412_300_002, cst_hour(today, 10)),
        (412_300_003, cst_hour(today - 1, 22)), // yesterday
    ]
    .into_iter()
    .enumerate()
    {
        db.store
            .upsert_alert(
                now,
                &jinghai_store::AlertWrite {
                    event_key: format!("t:upe:{n}"),
                    region_id: seeded.regions["330206008"],
                    kind: "unreported_port_entry".into(),
                    mmsi,
                    other_mmsi: None,
                    start_at: start,
                    end_at: None,
                    lat: 29.77,
                    lon: 121.97,
                    zone_id: Some("梅山渔港".into()),
                    detail: "{}".into(),
                },
            )
            .await
            .unwrap();
    }
    let s = reports.suggestions("330206", today).await.unwrap();
    let fishing = get(&s, "vc_fishing_vessels").unwrap();
    assert_eq!(
        fishing.value - fishing_before,
        3000,
        "three more fishing vessels of Beilun"
    );
    assert_eq!(fishing.link.as_deref(), Some("/vessels?kind=fishing"));
    assert!(
        get(&s, "vc_owners_individual").unwrap().value >= 1000,
        "张三 once"
    );
    assert!(get(&s, "vc_owners_enterprise").unwrap().value >= 1000);
    assert_eq!(get(&s, "vc_stateless_seized").unwrap().value, 1000);
    let inbound = get(&s, "ee_inbound_ships").unwrap();
    assert_eq!(inbound.value, 2000, "two ships today, one of them twice");
    assert_eq!(
        inbound.link.as_deref(),
        Some("/alerts?kind=unreported_port_entry&from=2021-02-10&to=2021-02-10")
    );
    // A day without such an alert suggests nothing for it.
    let other = reports.suggestions("330206", today - 3).await.unwrap();
    assert!(get(&other, "ee_inbound_ships").is_none());
    // Zhenhai's suggestions count Zhenhai's vessel only.
    let zh = reports.suggestions("330211", today).await.unwrap();
    assert!(get(&zh, "ee_inbound_ships").is_none());
    assert!(get(&zh, "vc_fishing_vessels").unwrap().value >= 1000);
}

#[tokio::test]
async fn registry_and_alert_prefill_sqlite() {
    registry_and_alerts(jinghai_store::testkit::sqlite().await).await;
}

#[tokio::test]
async fn registry_and_alert_prefill_postgres() {
    registry_and_alerts(jinghai_store::testkit::postgres().await).await;
}
