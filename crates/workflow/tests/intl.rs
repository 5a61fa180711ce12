//! Issue #8 through the services, on a ManualClock: the demo's acceptance
//! (the illegal entrant through release, escalated in time, counted by the
//! daily report; a missed test flagged; a testing-category ship blocked
//! until its crew is negative), the import refusing bad files whole, the
//! quarantine rules enforced, lost-from-control at once, overdue notices
//! once (and to extra notifiers), the scoring query, cold-chain leads and
//! the clue hook, and other regions kept out.

use std::sync::{Arc, Mutex};

use jinghai_domain::duty::{DeadlineRule, DeadlineState, Notification};
use jinghai_domain::epidemic::LeadReason;
use jinghai_domain::individual::{CaseKind, CaseStatus, ControlFlag, StepKind};
use jinghai_domain::intl::WorkStatus;
use jinghai_domain::time::{format_local_minutes, DAY, HOUR, MINUTE};
use jinghai_store::Store;
use jinghai_workflow::accounts::LoginLimits;
use jinghai_workflow::duty::{Duty, MajorInput, Notifier};
use jinghai_workflow::epidemic::Epidemic;
use jinghai_workflow::individual::{CaseInput, Individual, StepInput};
use jinghai_workflow::intl::{
    ImportOutcome, Intl, IntlPrefill, MatchedBy, RegistryDirectory, RegistryVessel,
};
use jinghai_workflow::reports::Reports;
use jinghai_workflow::seed::{seed_demo, DEMO_PASSWORD};
use jinghai_workflow::{Accounts, Clock, Ctx, ManualClock, WorkflowError};

const T0: i64 = 1_612_917_000_000; // 2021-02-10 08:30 CST

struct World {
    store: Arc<dyn Store>,
    clock: Arc<ManualClock>,
    accounts: Accounts,
    intl: Intl,
    individual: Arc<Individual>,
    duty: Duty,
    epidemic: Epidemic,
    reports: Reports,
    seeded: jinghai_workflow::seed::Seeded,
    registry: Arc<RegistryDirectory>,
    sent: Arc<Mutex<Vec<String>>>,
}

/// A notifier that remembers what it was asked to send.
struct Remember(Arc<Mutex<Vec<String>>>);

#[async_trait::async_trait]
impl Notifier for Remember {
    async fn notify(&self, n: &Notification) -> Result<(), String> {
        self.0
            .lock()
            .unwrap()
            .push(format!("{}:{}", n.deadline_id.unwrap_or(0), n.zh));
        Ok(())
    }
}

async fn world(db: jinghai_store::testkit::TestDb) -> (World, jinghai_store::testkit::TestDb) {
    let clock = Arc::new(ManualClock::new(T0));
    let c: Arc<dyn Clock> = clock.clone();
    let seeded = seed_demo(&db.store, &c).await.unwrap();
    let registry = Arc::new(RegistryDirectory::new(db.store.clone()));
    let individual = Arc::new(Individual::new(db.store.clone(), c.clone()));
    let sent = Arc::new(Mutex::new(Vec::new()));
    let w = World {
        accounts: Accounts::new(db.store.clone(), c.clone(), LoginLimits::default()),
        intl: Intl::new(db.store.clone(), c.clone(), registry.clone()),
        duty: Duty::new(db.store.clone(), c.clone(), individual.clone())
            .with_notifier(Arc::new(Remember(sent.clone()))),
        epidemic: Epidemic::new(db.store.clone(), c.clone()),
        reports: Reports::new(db.store.clone(), c.clone())
            .with_prefill(Arc::new(IntlPrefill::new(db.store.clone()))),
        individual,
        store: db.store.clone(),
        clock,
        seeded,
        registry,
        sent,
    };
    (w, db)
}

impl World {
    async fn login(&self, u: &str) -> Ctx {
        self.accounts
            .login(u, DEMO_PASSWORD, "test")
            .await
            .unwrap()
            .ctx
    }
}

fn invalid_fields(e: WorkflowError) -> Vec<String> {
    match e {
        WorkflowError::Invalid(f) => f.into_iter().map(|f| f.field).collect(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

async fn the_demo_meets_the_acceptance(db: jinghai_store::testkit::TestDb) {
    let (w, _db) = world(db).await;
    let office = w.login("office").await;
    // The illegal entrant found by the coast guard: released, every step on record.
    let cases = w.individual.list(&office).await.unwrap();
    let entrant = cases
        .iter()
        .find(|c| c.case.kind == CaseKind::IllegalEntrant)
        .unwrap();
    assert_eq!(entrant.case.status, CaseStatus::Released);
    let d = w.individual.detail(&office, entrant.case.id).await.unwrap();
    let steps: Vec<StepKind> = d.steps.iter().map(|s| s.step).collect();
    for s in [
        StepKind::FirstReport,
        StepKind::Escalation,
        StepKind::HealthCheck,
        StepKind::Transfer,
        StepKind::Quarantine,
        StepKind::Release,
    ] {
        assert!(steps.contains(&s), "{s:?} recorded");
    }
    assert_eq!(
        d.persons[0].tests.len(),
        3,
        "two nucleic-acid tests and one serum test"
    );
    assert!(d.steps.iter().all(|s| !s.owner.is_empty()));
    // Escalated to the province within 24 hours, and first-reported at once.
    let states: Vec<(DeadlineRule, DeadlineState)> = d
        .deadlines
        .iter()
        .map(|x| (x.rule, x.state(w.clock.now())))
        .collect();
    assert!(states.contains(&(DeadlineRule::MajorToProvince, DeadlineState::OnTime)));
    assert!(states.contains(&(DeadlineRule::FirstReport, DeadlineState::OnTime)));
    // The daily report counts him on the day he was found.
    let form = w.reports.default_form().await.unwrap();
    let day = jinghai_domain::report::day_of(entrant.case.found_at);
    let beilun = w.seeded.regions["330206"];
    let sheet = w.reports.sheet(&office, beilun, day).await.unwrap();
    let ch = sheet
        .sections
        .iter()
        .find(|s| s.section.key == "case_handling")
        .unwrap();
    assert_eq!(ch.entry.as_ref().unwrap().value("illegal_entrants"), 1000);
    let r = w.reports.rollup(&office, beilun, day, day).await.unwrap();
    assert!(r.value("cum_illegal_entrants") >= 1000);
    assert_eq!(form.def.code, "clean_sea_daily");
    // A missed test is flagged at once: the sea-rescue case at 白峰.
    let lost = w.individual.lost_from_control(&office).await.unwrap();
    assert_eq!(lost.len(), 1, "{lost:?}");
    assert!(matches!(lost[0].flags[0], ControlFlag::MissedTest { .. }));
    assert_eq!(lost[0].case.kind, CaseKind::SeaRescue);
    // The testing-category ship is blocked until its crew is negative.
    let today = jinghai_domain::report::day_of(w.clock.now());
    let ships = w.intl.list(&office, today - 2, today).await.unwrap();
    let star = ships
        .iter()
        .find(|s| s.call.ship_name == "OCEAN STAR")
        .unwrap();
    assert!(star.blocked && star.pending == 1);
    let bianjian = w.login("bianjian").await;
    let fields = invalid_fields(
        w.intl
            .allow_work(&bianjian, star.call.id)
            .await
            .unwrap_err(),
    );
    assert_eq!(fields, ["crew"]);
    let detail = w.intl.detail(&bianjian, star.call.id).await.unwrap();
    let pending = detail
        .crew
        .iter()
        .find(|c| c.test_result == jinghai_domain::intl::TestResult::Pending)
        .unwrap();
    w.intl
        .set_crew_result(&bianjian, pending.id, "negative")
        .await
        .unwrap();
    let allowed = w.intl.allow_work(&bianjian, star.call.id).await.unwrap();
    assert_eq!(allowed.work_status, WorkStatus::Allowed);
    // A new positive result stops the work again.
    w.intl
        .set_crew_result(&bianjian, pending.id, "positive")
        .await
        .unwrap();
    let again = w.intl.detail(&bianjian, star.call.id).await.unwrap();
    assert_eq!(again.call.work_status, WorkStatus::Blocked);
    // The demo's overdue deadlines were notified to their units.
    let desk = w.duty.desk(&office).await.unwrap();
    assert!(desk.unread >= 1);
    assert!(desk.items.iter().any(|i| i.state == DeadlineState::Overdue));
    let meishan = w.login("meishan").await;
    assert_eq!(
        w.duty.unread(&meishan).await.unwrap(),
        1,
        "the town was told its first report was late"
    );
}

async fn a_case_from_found_to_release_on_the_clock(db: jinghai_store::testkit::TestDb) {
    let (w, _db) = world(db).await;
    let haijing = w.login("haijing").await;
    let office = w.login("office").await;
    let t = format_local_minutes;
    let case = w
        .individual
        .create(
            &haijing,
            &CaseInput {
                region_id: Some(w.seeded.regions["330206008"]),
                kind: "illegal_entrant".into(),
                found_at: String::new(),
                found_by_unit_id: None,
                place: "梅山岙口".into(),
                source_ref: "alert".into(),
                summary: "两人登陆".into(),
                major: false,
                persons: "甲,男,越南,,正常,梅山派出所\n乙,男,越南,,异常,".into(),
            },
        )
        .await
        .unwrap();
    let step = |s: &str| StepInput {
        step: s.into(),
        owner: "王海".into(),
        result: "完成".into(),
        ..StepInput::default()
    };
    // Without a location, 乙 is lost from control at once.
    let d = w.individual.detail(&haijing, case.id).await.unwrap();
    assert_eq!(d.persons[1].flags, [ControlFlag::NoLocation]);
    // Out of order is refused; abnormal health needs the diagnosis branch.
    let e = w
        .individual
        .record_step(&haijing, case.id, &step("transfer"))
        .await
        .unwrap_err();
    assert_eq!(invalid_fields(e), ["step"]);
    w.individual
        .record_step(&haijing, case.id, &step("first_report"))
        .await
        .unwrap();
    w.individual
        .record_step(&haijing, case.id, &step("health_check"))
        .await
        .unwrap();
    assert!(w
        .individual
        .record_step(&haijing, case.id, &step("transfer"))
        .await
        .is_err());
    for s in ["diagnosis", "transfer", "isolation", "treatment"] {
        w.individual
            .record_step(&haijing, case.id, &step(s))
            .await
            .unwrap();
    }
    // The quarantine needs its site.
    let e = w
        .individual
        .record_step(&haijing, case.id, &step("quarantine"))
        .await
        .unwrap_err();
    assert_eq!(invalid_fields(e), ["site"]);
    let mut q = step("quarantine");
    q.site = "北仑区集中隔离点".into();
    w.individual
        .record_step(&haijing, case.id, &q)
        .await
        .unwrap();
    let start = w.clock.now();
    let persons: Vec<i64> = w
        .store
        .list_persons(case.id)
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    // The first nucleic-acid test is due within a day: one minute late is flagged.
    w.individual
        .record_test(
            &haijing,
            case.id,
            &jinghai_workflow::individual::TestInput {
                person_id: Some(persons[0]),
                kind: ("nucleic").into(),
                taken_at: ("").into(),
                result: ("negative").into(),
                unit_id: None,
            },
        )
        .await
        .unwrap();
    w.clock.set(start + 24 * HOUR + MINUTE);
    let d = w.individual.detail(&haijing, case.id).await.unwrap();
    assert!(d.persons[0].flags.is_empty());
    assert!(matches!(
        d.persons[1].flags[..],
        [ControlFlag::MissedTest { .. }]
    ));
    w.individual
        .record_test(
            &haijing,
            case.id,
            &jinghai_workflow::individual::TestInput {
                person_id: Some(persons[1]),
                kind: ("nucleic").into(),
                taken_at: ("").into(),
                result: ("negative").into(),
                unit_id: None,
            },
        )
        .await
        .unwrap();
    // A test in the future or of another case's person is refused.
    let e = w
        .individual
        .record_test(
            &haijing,
            case.id,
            &jinghai_workflow::individual::TestInput {
                person_id: Some(persons[0]),
                kind: ("serum").into(),
                taken_at: (&t(w.clock.now() + HOUR)).into(),
                result: ("negative").into(),
                unit_id: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(invalid_fields(e), ["taken_at"]);
    assert!(w
        .individual
        .record_test(
            &haijing,
            case.id,
            &jinghai_workflow::individual::TestInput {
                person_id: Some(-5),
                kind: ("serum").into(),
                taken_at: ("").into(),
                result: ("negative").into(),
                unit_id: None
            }
        )
        .await
        .is_err());
    // Release before 14 days, or without the tests, is refused with every reason.
    w.clock.set(start + 12 * DAY);
    for p in &persons {
        w.individual
            .record_test(
                &haijing,
                case.id,
                &jinghai_workflow::individual::TestInput {
                    person_id: Some(*p),
                    kind: ("nucleic").into(),
                    taken_at: ("").into(),
                    result: ("negative").into(),
                    unit_id: None,
                },
            )
            .await
            .unwrap();
    }
    let e = w
        .individual
        .record_step(&haijing, case.id, &step("release"))
        .await
        .unwrap_err();
    let msgs = e.user_message(jinghai_domain::Lang::Zh);
    assert!(
        msgs.contains("隔离期未满") && msgs.contains("血清"),
        "{msgs}"
    );
    for p in &persons {
        w.individual
            .record_test(
                &haijing,
                case.id,
                &jinghai_workflow::individual::TestInput {
                    person_id: Some(*p),
                    kind: ("serum").into(),
                    taken_at: ("").into(),
                    result: ("negative").into(),
                    unit_id: None,
                },
            )
            .await
            .unwrap();
    }
    w.clock.set(start + 14 * DAY);
    w.individual
        .record_step(&haijing, case.id, &step("release"))
        .await
        .unwrap();
    let d = w.individual.detail(&haijing, case.id).await.unwrap();
    assert_eq!(d.case.status, CaseStatus::Released);
    assert!(d
        .persons
        .iter()
        .all(|p| p.person.released_at.is_some() && p.flags.is_empty()));
    assert!(d.next_steps.is_empty());
    // It was never escalated: the province deadline is overdue, and the
    // sweep tells the office once, in-app and through the extra notifier.
    let outcomes = w
        .duty
        .deadline_outcomes(&office, start - DAY, start + 30 * DAY)
        .await
        .unwrap();
    assert!(outcomes
        .iter()
        .any(|o| o.deadline.subject_id == case.id && o.state == DeadlineState::Overdue));
    let before = w.duty.unread(&office).await.unwrap();
    let n = w.duty.sweep().await.unwrap();
    assert!(n >= 1);
    assert_eq!(w.duty.sweep().await.unwrap(), 0, "once only");
    assert_eq!(w.duty.unread(&office).await.unwrap(), before + 1);
    assert!(w
        .sent
        .lock()
        .unwrap()
        .iter()
        .any(|s| s.contains("梅山岙口")));
    // Another district sees none of it.
    let zhenhai = w.login("zhenhai.office").await;
    assert!(matches!(
        w.individual.detail(&zhenhai, case.id).await,
        Err(WorkflowError::NotFound)
    ));
    let e = w
        .individual
        .record_step(&zhenhai, case.id, &step("escalation"))
        .await
        .unwrap_err();
    assert!(matches!(e, WorkflowError::NotFound));
    // A leader reads but does not write.
    let leader = w.login("leader").await;
    assert!(matches!(
        w.individual
            .record_step(&leader, case.id, &step("escalation"))
            .await,
        Err(WorkflowError::Forbidden { .. })
    ));
}

async fn imports_are_all_or_nothing_and_ships_match_the_registry(
    db: jinghai_store::testkit::TestDb,
) {
    let (w, _db) = world(db).await;
    let bianjian = w.login("bianjian").await;
    let meishan_region = Some(w.seeded.regions["330206008"]);
    let good = "船名,IMO,MMSI,船旗,航线,抵港时间,泊位,类别,境外换班时间,船员姓名,国籍,护照号\n\
        NORD WIND,9074729,,LR,Rotterdam;Singapore,2021-02-10 06:00,梅山5号泊位,远洋渔船,,OLSEN,NO,N1\n\
        NORD WIND,9074729,,LR,Rotterdam;Singapore,2021-02-10 06:00,梅山5号泊位,远洋渔船,,HANSEN,NO,N2\n";
    let bad = format!("{good}BAD SHIP,123,,PA,x,yesterday,梅山,,,A,CN,\n");
    let before = w.intl.list(&bianjian, 0, 30_000).await.unwrap().len();
    match w
        .intl
        .import(&bianjian, meishan_region, "list.csv", bad.as_bytes())
        .await
        .unwrap()
    {
        ImportOutcome::Rejected(errs) => {
            let got: Vec<(usize, &str)> = errs.iter().map(|e| (e.line, e.field.as_str())).collect();
            assert_eq!(got, [(4, "imo"), (4, "arrival"), (4, "passport")]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        w.intl.list(&bianjian, 0, 30_000).await.unwrap().len(),
        before,
        "nothing imported"
    );
    match w
        .intl
        .import(&bianjian, meishan_region, "list.csv", &[0xC4, 0xE3, b','])
        .await
        .unwrap()
    {
        ImportOutcome::Rejected(errs) => assert!(errs[0].zh.contains("UTF-8")),
        other => panic!("{other:?}"),
    }
    // The same list as XLSX.
    let rows: Vec<Vec<String>> = good
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let head: Vec<&str> = rows[0].iter().map(String::as_str).collect();
    let xlsx = jinghai_workflow::report_export::table_xlsx("入境船舶", &head, &rows[1..]).unwrap();
    let imported = match w
        .intl
        .import(&bianjian, meishan_region, "list.xlsx", &xlsx)
        .await
        .unwrap()
    {
        ImportOutcome::Imported(c) => c,
        ImportOutcome::Rejected(e) => panic!("{e:?}"),
    };
    assert_eq!(imported.len(), 1);
    assert!(imported[0].purpose.ocean_fishing);
    assert_eq!(w.store.list_crew(imported[0].id).await.unwrap().len(), 2);
    // A foreign region is refused.
    let e = w
        .intl
        .import(
            &bianjian,
            Some(w.seeded.regions["330211"]),
            "list.csv",
            good.as_bytes(),
        )
        .await
        .unwrap_err();
    assert_eq!(invalid_fields(e), ["region_id"]);
    // Town workers do not handle ships.
    let meishan = w.login("meishan").await;
    assert!(matches!(
        w.intl
            .import(&meishan, meishan_region, "list.csv", good.as_bytes())
            .await,
        Err(WorkflowError::Forbidden { .. })
    ));
    // Registry and AIS: matched by IMO, then MMSI, then name; sightings from alerts.
    w.registry.add([RegistryVessel {
        mmsi: 257_000_111,
        imo: Some("9074729".into()),
        name: "Nord Wind".into(),
        flag: "LR".into(),
        international: true,
    }]);
    w.store
        .upsert_alert(
            T0,
            &jinghai_store::AlertWrite {
                event_key: "t:nord".into(),
                region_id: w.seeded.regions["330206008"],
                kind: "restricted_entry".into(),
                mmsi: 257_000_111,
                other_mmsi: None,
                start_at: T0 - 3 * HOUR,
                end_at: None,
                lat: 29.77,
                lon: 121.97,
                zone_id: Some("梅山港区".into()),
                detail: "{}".into(),
            },
        )
        .await
        .unwrap();
    let d = w.intl.detail(&bianjian, imported[0].id).await.unwrap();
    let (v, by) = d.registry.unwrap();
    assert_eq!((v.mmsi, by), (257_000_111, MatchedBy::Imo));
    assert_eq!(d.sightings.len(), 1);
    assert_eq!(d.sightings[0].zone.as_deref(), Some("梅山港区"));
    // Prefill: two ships' worth of crew arrived today at 梅山 (OCEAN STAR and NORD WIND).
    let day = jinghai_domain::report::day_of(T0);
    let s = w.reports.suggestions("330206008", day).await.unwrap();
    let get = |k: &str| s.iter().find(|g| g.indicator == k).unwrap().value;
    assert_eq!(get("pa_inbound_ships"), 2000);
    assert_eq!(get("pa_inbound_persons"), 5000);

    // The registry table (船舶档案) is read first: a vessel an officer
    // registered matches by IMO (its registry number), MMSI and name.
    let pearl = jinghai_store::NewVessel {
        vessel: jinghai_store::VesselWrite {
            region_id: w.seeded.regions["330206"],
            mmsi: 636_000_321,
            name: "Sea Pearl".into(),
            kind: "cargo".into(),
            flag: "LR".into(),
            international: true,
            home_port: "Monrovia".into(),
            owner_kind: jinghai_domain::registry::OwnerKind::Enterprise,
            owner_name: "Pearl Shipping".into(),
            owner_contact: "".into(),
            owner_phone: "".into(),
            registry_no: "IMO 9876543".into(),
            stateless: jinghai_domain::registry::StatelessStatus::Normal,
            notes: "".into(),
        },
        token: "t".repeat(32),
        token_expires_at: T0 + 30 * jinghai_domain::time::DAY,
    };
    w.store
        .create_vessels(&jinghai_domain::audit::Actor::system("test"), T0, &[pearl])
        .await
        .unwrap();
    use jinghai_workflow::intl::VesselDirectory;
    let by_imo = w.registry.find(Some("9876543"), None, "").await.unwrap();
    assert_eq!((by_imo.0.mmsi, by_imo.1), (636_000_321, MatchedBy::Imo));
    assert_eq!(by_imo.0.imo.as_deref(), Some("9876543"));
    let by_mmsi = w.registry.find(None, Some(636_000_321), "").await.unwrap();
    assert_eq!(
        (by_mmsi.0.name.as_str(), by_mmsi.1),
        ("Sea Pearl", MatchedBy::Mmsi)
    );
    let by_name = w.registry.find(None, None, " SEA PEARL ").await.unwrap();
    assert_eq!(
        (by_name.0.flag.as_str(), by_name.1),
        ("LR", MatchedBy::Name)
    );
    assert!(w
        .registry
        .find(None, Some(636_000_999), "NO SUCH SHIP")
        .await
        .is_none());
}

async fn major_matters_cold_chain_and_key_persons(db: jinghai_store::testkit::TestDb) {
    let (w, _db) = world(db).await;
    let office = w.login("office").await;
    let haijing = w.login("haijing").await;
    // Only the office registers major matters; completing one records when.
    let input = MajorInput {
        region_id: Some(w.seeded.regions["330206"]),
        title: "外轮船员确诊".into(),
        happened_at: String::new(),
        unit_id: None,
    };
    assert!(matches!(
        w.duty.register_major(&haijing, &input).await,
        Err(WorkflowError::Forbidden { .. })
    ));
    let d = w.duty.register_major(&office, &input).await.unwrap();
    assert_eq!(d.due_at, d.started_at + 24 * HOUR);
    assert_eq!(
        invalid_fields(w.duty.complete(&office, d.id, " ").await.unwrap_err()),
        ["note"]
    );
    w.clock.advance(2 * HOUR);
    let done = w
        .duty
        .complete(&office, d.id, "已书面报省值班组")
        .await
        .unwrap();
    assert_eq!(done.state(w.clock.now()), DeadlineState::OnTime);
    // Cold chain: the demo's untraced and over-traced stock are leads, and
    // the clue hook gives their content once.
    let leads = w.epidemic.leads(&office).await.unwrap();
    let reasons: Vec<LeadReason> = leads.iter().map(|l| l.reason).collect();
    assert!(reasons.contains(&LeadReason::NoTraceCode));
    assert!(reasons.contains(&LeadReason::AboveTracedInflow));
    let over = leads
        .iter()
        .find(|l| l.reason == LeadReason::AboveTracedInflow)
        .unwrap();
    assert_eq!(over.excess_g, 1_500_000);
    let draft = w
        .epidemic
        .lead_as_clue(&office, over.check.id)
        .await
        .unwrap();
    assert!(draft.title.contains("冻牛肉") && draft.description.contains("1500"));
    w.epidemic
        .mark_lead_clued(&office, over.check.id, "clue:1")
        .await
        .unwrap();
    assert!(w
        .epidemic
        .lead_as_clue(&office, over.check.id)
        .await
        .is_err());
    let meishan = w.login("meishan").await;
    assert!(w
        .epidemic
        .leads(&meishan)
        .await
        .unwrap()
        .iter()
        .all(|l| l.store.region_code.starts_with("330206008")));
    // A matching check is no lead.
    let stores = w.epidemic.cold_stores(&meishan).await.unwrap();
    let (c, lead) = w
        .epidemic
        .add_check(&meishan, stores[0].id, "冻虾仁", "ZLL-330206-0002", "1.5")
        .await
        .unwrap();
    assert_eq!((c.quantity_g, lead), (1_500, None));
    assert_eq!(
        invalid_fields(
            w.epidemic
                .add_movement(&meishan, stores[0].id, "NOPE", "in", "1", "")
                .await
                .unwrap_err()
        ),
        ["trace_code"]
    );
    // Key persons: the daily report is due each day until release.
    let persons = w.epidemic.key_persons(&meishan).await.unwrap();
    assert_eq!(persons.len(), 1);
    assert!(!persons[0].report_missing);
    w.clock.advance(DAY);
    assert!(w.epidemic.key_persons(&meishan).await.unwrap()[0].report_missing);
    let id = persons[0].person.id;
    w.epidemic
        .report_key_person(&meishan, id, "正常", "居家", "")
        .await
        .unwrap();
    assert!(
        w.epidemic
            .report_key_person(&meishan, id, "正常", "居家", "")
            .await
            .is_err(),
        "once a day"
    );
    assert_eq!(
        persons[0].country_risk,
        Some(jinghai_domain::epidemic::CountryRisk::High)
    );
    let baifeng = w.login("baifeng").await;
    assert!(matches!(
        w.epidemic.key_person(&baifeng, id).await,
        Err(WorkflowError::NotFound)
    ));
}

/// Computed deadlines notify too: after the daily report's hour every lead
/// unit whose section is still missing gets one notice, on every channel,
/// and the next sweep (or another node's) adds none; a risk item whose
/// weekly progress is late notifies its responsible unit.
async fn computed_deadlines_notify_once(db: jinghai_store::testkit::TestDb) {
    let (w, _db) = world(db).await;
    let office = w.login("office").await;
    // 08:30: nothing of today's report is due yet.
    let before_hour = w.duty.sweep().await.unwrap();
    let sent_before = w.sent.lock().unwrap().len();
    assert_eq!(
        sent_before, before_hour,
        "every stored notice was delivered"
    );
    let desk = w.duty.desk(&office).await.unwrap();
    let missing: Vec<_> = desk
        .items
        .iter()
        .filter(|i| i.rule == DeadlineRule::DailyReport && i.unit_id.is_some())
        .collect();
    assert!(!missing.is_empty(), "the demo day has sections not yet in");
    assert!(missing.iter().all(|i| i.state != DeadlineState::Overdue));
    let risk_overdue = desk
        .items
        .iter()
        .filter(|i| {
            i.rule == DeadlineRule::RiskWeekly
                && i.state == DeadlineState::Overdue
                && i.unit_id.is_some()
        })
        .count();

    // 19:00: each missing section is overdue and notified once.
    w.clock
        .advance(10 * HOUR + 30 * jinghai_domain::time::MINUTE);
    let n = w.duty.sweep().await.unwrap();
    assert!(
        n >= missing.len(),
        "{n} notices for {} sections",
        missing.len()
    );
    assert_eq!(w.duty.sweep().await.unwrap(), 0, "once only");
    let sent = w.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), sent_before + n);
    let daily: Vec<_> = sent[sent_before..]
        .iter()
        .filter(|s| s.contains("日报表"))
        .collect();
    assert!(daily.len() >= missing.len(), "{daily:?}");
    // The office's own notices are listed on its desk.
    let haijing = w.login("haijing").await;
    let notices = w.duty.notifications(&haijing).await.unwrap();
    assert!(
        notices
            .iter()
            .any(|n| n.zh.contains("海上巡航") && n.deadline_id.is_none()),
        "{notices:?}"
    );
    // The late risk item (the demo's own sweep got to it) notified its unit once.
    assert!(risk_overdue >= 1);
    let risk_notices = notices
        .iter()
        .filter(|n| n.zh.contains("风险整改进展"))
        .count();
    assert_eq!(risk_notices, 1, "{notices:?}");
    assert!(
        !sent.iter().any(|s| s.contains("风险整改进展")),
        "not again"
    );
}

mod computed_deadlines_notify_once {
    #[tokio::test]
    async fn sqlite() {
        super::computed_deadlines_notify_once(jinghai_store::testkit::sqlite().await).await;
    }
    #[tokio::test]
    async fn postgres() {
        super::computed_deadlines_notify_once(jinghai_store::testkit::postgres().await).await;
    }
}

mod the_demo_meets_the_acceptance {
    #[tokio::test]
    async fn sqlite() {
        super::the_demo_meets_the_acceptance(jinghai_store::testkit::sqlite().await).await;
    }
    #[tokio::test]
    async fn postgres() {
        super::the_demo_meets_the_acceptance(jinghai_store::testkit::postgres().await).await;
    }
}

mod a_case_from_found_to_release_on_the_clock {
    #[tokio::test]
    async fn sqlite() {
        super::a_case_from_found_to_release_on_the_clock(jinghai_store::testkit::sqlite().await)
            .await;
    }
    #[tokio::test]
    async fn postgres() {
        super::a_case_from_found_to_release_on_the_clock(jinghai_store::testkit::postgres().await)
            .await;
    }
}

mod imports_are_all_or_nothing_and_ships_match_the_registry {
    #[tokio::test]
    async fn sqlite() {
        super::imports_are_all_or_nothing_and_ships_match_the_registry(
            jinghai_store::testkit::sqlite().await,
        )
        .await;
    }
    #[tokio::test]
    async fn postgres() {
        super::imports_are_all_or_nothing_and_ships_match_the_registry(
            jinghai_store::testkit::postgres().await,
        )
        .await;
    }
}

mod major_matters_cold_chain_and_key_persons {
    #[tokio::test]
    async fn sqlite() {
        super::major_matters_cold_chain_and_key_persons(jinghai_store::testkit::sqlite().await)
            .await;
    }
    #[tokio::test]
    async fn postgres() {
        super::major_matters_cold_chain_and_key_persons(jinghai_store::testkit::postgres().await)
            .await;
    }
}
