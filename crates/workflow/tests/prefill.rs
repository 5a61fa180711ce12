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
