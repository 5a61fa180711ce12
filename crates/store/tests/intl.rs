//! Issue #8's storage on both backends: ship calls with crew (an import is
//! all or nothing), individual cases with their steps' effects and
//! deadlines, notifications sent once, key persons, the cold-chain trace —
//! scoped reads and an audit row for every write.

use std::sync::Arc;

use jinghai_domain::audit::Actor;
use jinghai_domain::duty::DeadlineRule;
use jinghai_domain::epidemic::{CountryRisk, Direction, KeyPersonStatus};
use jinghai_domain::individual::{CaseKind, CaseStatus, Health, StepKind, TestKind};
use jinghai_domain::intl::{CallPurpose, TestResult, ViolationKind, WorkStatus};
use jinghai_domain::{Agency, RegionCode, RegionLevel, Role, Scope};
use jinghai_store::{
    both_backends, AuditFilter, NewCase, NewColdBatch, NewDeadline, NewKeyPerson, NewKeyReport,
    NewMovement, NewPerson, NewRegion, NewShipCall, NewStep, NewStockCheck, NewTest, NewUnit,
    Store, StoreError,
};

const T: i64 = 1_612_917_000_000;
const H: i64 = 3_600_000;

fn scope(prefix: &str, unit: Option<i64>) -> Scope {
    Scope {
        user_id: 0,
        role: Role::Admin,
        region_prefix: prefix.into(),
        unit_id: unit,
    }
}

fn call(region_id: i64, name: &str, crew: &[(&str, &str)]) -> NewShipCall {
    NewShipCall {
        region_id,
        ship_name: name.into(),
        imo: Some("9074729".into()),
        mmsi: Some(477_123_456),
        flag: "HK".into(),
        last_ports: "Singapore;Busan".into(),
        arrival_at: T,
        berth: "梅山3号泊位".into(),
        purpose: CallPurpose {
            crew_change: true,
            ..Default::default()
        },
        crew: crew
            .iter()
            .map(|(n, p)| (n.to_string(), "CN".to_string(), p.to_string()))
            .collect(),
    }
}

fn report(day: i32, note: &str) -> NewKeyReport {
    NewKeyReport {
        day,
        health: "正常".into(),
        location: "白峰村".into(),
        note: note.into(),
    }
}

fn person(name: &str, location: &str) -> NewPerson {
    NewPerson {
        name: name.into(),
        gender: "男".into(),
        nationality: "越南".into(),
        id_no: String::new(),
        health: Health::Normal,
        health_note: String::new(),
        current_location: location.into(),
    }
}

async fn audit_count(store: &Arc<dyn Store>, prefix: &str, entity: &str) -> usize {
    store
        .list_audit(
            &scope(prefix, None),
            &AuditFilter {
                entity: Some(entity.into()),
                limit: 5000,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .len()
}

async fn story(store: Arc<dyn Store>) {
    let a = Actor::system("intl story");
    let mk = |code: &str, name: &str, level, parent| NewRegion {
        code: RegionCode::parse(code).unwrap(),
        name: name.into(),
        level,
        parent_id: parent,
    };
    let zj = store
        .create_region(&a, T, &mk("330000", "浙江省", RegionLevel::Province, None))
        .await
        .unwrap();
    let bl = store
        .create_region(
            &a,
            T,
            &mk("330206", "北仑区", RegionLevel::District, Some(zj.id)),
        )
        .await
        .unwrap();
    let ms = store
        .create_region(
            &a,
            T,
            &mk("330206008", "梅山街道", RegionLevel::Town, Some(bl.id)),
        )
        .await
        .unwrap();
    let bf = store
        .create_region(
            &a,
            T,
            &mk("330206009", "白峰街道", RegionLevel::Town, Some(bl.id)),
        )
        .await
        .unwrap();
    let unit = store
        .create_unit(
            &a,
            T,
            &NewUnit {
                name: "北仑区交通运输局".into(),
                agency: Agency::Transport,
                region_id: bl.id,
                parent_unit_id: None,
            },
        )
        .await
        .unwrap();
    let (meishan, baifeng, beilun) = (
        scope("330206008", None),
        scope("330206009", None),
        scope("330206", None),
    );

    // --- ship calls: an import is one transaction ---
    let dup = store
        .create_ship_calls(
            &a,
            T,
            &[
                call(ms.id, "OCEAN STAR", &[("A", "E1")]),
                call(ms.id, "SEA LARK", &[("B", "E2"), ("C", "E2")]),
            ],
        )
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    assert!(
        store
            .list_ship_calls(&beilun, 0, i64::MAX)
            .await
            .unwrap()
            .is_empty(),
        "nothing of a failed import is kept"
    );
    let calls = store
        .create_ship_calls(
            &a,
            T,
            &[
                call(ms.id, "OCEAN STAR", &[("A", "E1"), ("B", "E2")]),
                call(bf.id, "SEA LARK", &[("C", "E3")]),
            ],
        )
        .await
        .unwrap();
    let (star, lark) = (&calls[0], &calls[1]);
    assert_eq!(star.region_code, "330206008000");
    assert!(star.purpose.crew_change && star.work_status == WorkStatus::Blocked);
    assert_eq!(
        store
            .list_ship_calls(&meishan, 0, i64::MAX)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .list_ship_calls(&beilun, T, T + 1)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(store
        .list_ship_calls(&beilun, T + 1, T + 2)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        store.get_ship_call(&meishan, lark.id).await,
        Err(StoreError::NotFound)
    ));
    let crew = store.list_crew(star.id).await.unwrap();
    assert_eq!(crew.len(), 2);
    assert!(matches!(
        store.get_crew_member(&baifeng, crew[0].id).await,
        Err(StoreError::NotFound)
    ));
    let c = store
        .set_crew_result(&a, T + H, crew[0].id, TestResult::Negative, T + H)
        .await
        .unwrap();
    assert_eq!(
        (c.test_result, c.tested_at),
        (TestResult::Negative, Some(T + H))
    );
    let s = store
        .set_ship_plan(&a, T, star.id, "固定作业专班，非接触式作业", true)
        .await
        .unwrap();
    assert!(s.three_no && s.plan.contains("固定"));
    let s = store
        .set_work_status(&a, T + 2 * H, star.id, WorkStatus::Allowed)
        .await
        .unwrap();
    assert_eq!(s.work_allowed_at, Some(T + 2 * H));
    store
        .add_violation(
            &a,
            T,
            lark.id,
            ViolationKind::CrewAshore,
            T + H,
            "船员擅自上岸",
        )
        .await
        .unwrap();
    assert_eq!(store.list_violations(lark.id).await.unwrap().len(), 1);
    assert_eq!(
        store.ship_call_counts("330206", T, T + 1).await.unwrap(),
        (2, 3)
    );
    assert_eq!(
        store.ship_call_counts("330206008", T, T + 1).await.unwrap(),
        (1, 2)
    );
    assert_eq!(
        store
            .violation_ship_count("330206", T, T + 2 * H)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .violation_ship_count("330206008", T, T + 2 * H)
            .await
            .unwrap(),
        0
    );
    assert_eq!(audit_count(&store, "330206", "ship_call").await, 4);
    assert_eq!(audit_count(&store, "330206", "ship_crew").await, 1);

    // --- an individual case with its deadlines ---
    let deadlines = [
        NewDeadline {
            rule: DeadlineRule::FirstReport,
            region_id: ms.id,
            unit_id: Some(unit.id),
            subject: "individual_case".into(),
            subject_id: None,
            title: "首报".into(),
            started_at: T,
            due_at: T + H,
        },
        NewDeadline {
            rule: DeadlineRule::MajorToProvince,
            region_id: ms.id,
            unit_id: Some(unit.id),
            subject: "individual_case".into(),
            subject_id: None,
            title: "报省".into(),
            started_at: T,
            due_at: T + 24 * H,
        },
    ];
    let case = store
        .create_case(
            &a,
            T,
            &NewCase {
                region_id: ms.id,
                kind: CaseKind::IllegalEntrant,
                found_at: T,
                found_by_unit_id: Some(unit.id),
                place: "梅山岛东侧岙口".into(),
                source_ref: "alert 7".into(),
                summary: "海警查获".into(),
                ship_call_id: None,
                persons: vec![person("阮某", "梅山派出所"), person("黎某", "")],
            },
            &deadlines,
        )
        .await
        .unwrap();
    assert_eq!(case.status, CaseStatus::Open);
    assert_eq!(store.list_cases(&meishan).await.unwrap().len(), 1);
    assert!(store.list_cases(&baifeng).await.unwrap().is_empty());
    // The finding unit sees it wherever it is.
    assert!(store
        .get_case(&scope("330211", Some(unit.id)), case.id)
        .await
        .is_ok());
    let ds = store
        .list_subject_deadlines("individual_case", case.id)
        .await
        .unwrap();
    assert_eq!(ds.len(), 2);
    assert!(store
        .list_deadlines(&baifeng, 0, i64::MAX)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .list_deadlines(&meishan, 0, T + 2 * H)
            .await
            .unwrap()
            .len(),
        1
    );
    let persons = store.list_persons(case.id).await.unwrap();
    assert_eq!(persons.len(), 2);
    let step =
        |step, at, quarantine: Option<(&str, i64)>, release, fulfils: Vec<DeadlineRule>| NewStep {
            step,
            at,
            unit_id: Some(unit.id),
            owner: "张某".into(),
            result: "完成".into(),
            quarantine: quarantine.map(|(s, t)| (s.to_string(), t)),
            release,
            fulfils,
        };
    store
        .add_step(
            &a,
            T + H / 2,
            case.id,
            &step(
                StepKind::FirstReport,
                T + H / 2,
                None,
                false,
                vec![DeadlineRule::FirstReport],
            ),
        )
        .await
        .unwrap();
    // A late escalation is recorded as done late, not lost.
    store
        .add_step(
            &a,
            T + 30 * H,
            case.id,
            &step(
                StepKind::Escalation,
                T + 30 * H,
                None,
                false,
                vec![DeadlineRule::MajorToProvince],
            ),
        )
        .await
        .unwrap();
    let ds = store
        .list_subject_deadlines("individual_case", case.id)
        .await
        .unwrap();
    assert_eq!(ds[0].done_at, Some(T + H / 2));
    assert_eq!(ds[1].done_at, Some(T + 30 * H));
    assert!(ds[1].done_note.contains("报省"));
    store
        .add_step(
            &a,
            T + 40 * H,
            case.id,
            &step(
                StepKind::Quarantine,
                T + 40 * H,
                Some(("某隔离酒店", T + 40 * H)),
                false,
                vec![],
            ),
        )
        .await
        .unwrap();
    let persons = store.list_persons(case.id).await.unwrap();
    assert!(persons
        .iter()
        .all(|p| p.quarantine_start_at == Some(T + 40 * H) && p.current_location == "某隔离酒店"));
    let p = store
        .set_person_location(&a, T, persons[1].id, "隔离酒店 302")
        .await
        .unwrap();
    assert_eq!(p.current_location, "隔离酒店 302");
    store
        .add_test(
            &a,
            T,
            persons[0].id,
            &NewTest {
                kind: TestKind::Nucleic,
                taken_at: T + 41 * H,
                result: TestResult::Negative,
                unit_id: Some(unit.id),
            },
        )
        .await
        .unwrap();
    store
        .add_test(
            &a,
            T,
            persons[1].id,
            &NewTest {
                kind: TestKind::Serum,
                taken_at: T + 41 * H,
                result: TestResult::Pending,
                unit_id: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(store.list_case_tests(case.id).await.unwrap().len(), 2);
    let extra = store
        .add_person(&a, T, case.id, &person("第三人", "梅山派出所"))
        .await
        .unwrap();
    assert_eq!(extra.case_id, case.id);
    store
        .add_step(
            &a,
            T + 400 * H,
            case.id,
            &step(StepKind::Release, T + 400 * H, None, true, vec![]),
        )
        .await
        .unwrap();
    assert_eq!(
        store.get_case(&meishan, case.id).await.unwrap().status,
        CaseStatus::Released
    );
    assert!(store
        .list_persons(case.id)
        .await
        .unwrap()
        .iter()
        .all(|p| p.released_at == Some(T + 400 * H)));
    assert_eq!(store.list_steps(case.id).await.unwrap().len(), 4);
    assert_eq!(
        store.case_person_counts("330206", T, T + 1).await.unwrap(),
        [(CaseKind::IllegalEntrant, 3)]
    );
    assert!(store
        .case_person_counts("330206009", T, T + 1)
        .await
        .unwrap()
        .is_empty());

    // --- deadlines on the desk and notifications, once ---
    let major = store
        .create_deadline(
            &a,
            T,
            &NewDeadline {
                rule: DeadlineRule::MajorToProvince,
                region_id: bl.id,
                unit_id: Some(unit.id),
                subject: "major_matter".into(),
                subject_id: None,
                title: "重大事项".into(),
                started_at: T,
                due_at: T + 24 * H,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        major.subject_id, major.id,
        "a major matter is its own subject"
    );
    assert!(store
        .deadlines_to_notify_unscoped(T + 24 * H)
        .await
        .unwrap()
        .is_empty());
    let due = store
        .deadlines_to_notify_unscoped(T + 24 * H + 1)
        .await
        .unwrap();
    assert_eq!(due.iter().map(|d| d.id).collect::<Vec<_>>(), [major.id]);
    let n = store
        .notify_deadline(&a, T + 25 * H, major.id, unit.id, "逾期", "overdue")
        .await
        .unwrap();
    assert!(matches!(
        store
            .notify_deadline(&a, T + 25 * H, major.id, unit.id, "逾期", "overdue")
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(store
        .deadlines_to_notify_unscoped(T + 48 * H)
        .await
        .unwrap()
        .is_empty());
    let mine = scope("330206", Some(unit.id));
    assert_eq!(store.count_unread_notifications(&mine).await.unwrap(), 1);
    assert!(store
        .list_notifications(&scope("330206", None), 10)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        store
            .mark_notification_read(&a, T, &scope("330206", Some(unit.id + 1000)), n.id)
            .await,
        Err(StoreError::NotFound)
    ));
    let n = store
        .mark_notification_read(&a, T + 26 * H, &mine, n.id)
        .await
        .unwrap();
    assert_eq!(n.read_at, Some(T + 26 * H));
    assert_eq!(store.count_unread_notifications(&mine).await.unwrap(), 0);
    let done = store
        .complete_deadline(&a, T + 30 * H, major.id, T + 30 * H, "已电话报省值班组")
        .await
        .unwrap();
    assert_eq!(done.done_at, Some(T + 30 * H));
    assert!(matches!(
        store.get_deadline(&baifeng, major.id).await,
        Err(StoreError::NotFound)
    ));

    // --- key countries and persons ---
    store
        .upsert_key_country(&a, T, "330000000000", "南非", CountryRisk::High, "奥密克戎")
        .await
        .unwrap();
    let c = store
        .upsert_key_country(&a, T + 1, "330000000000", "南非", CountryRisk::Medium, "")
        .await
        .unwrap();
    assert_eq!(c.risk, CountryRisk::Medium);
    assert_eq!(store.list_key_countries().await.unwrap().len(), 1);
    let kp = store
        .create_key_person(
            &a,
            T,
            &NewKeyPerson {
                region_id: bf.id,
                name: "王某".into(),
                id_no: "E9".into(),
                from_country: "南非".into(),
                contact_name: "李网格员".into(),
                contact_phone: "13800000000".into(),
                contact_unit_id: None,
                planned_arrival_at: Some(T + 24 * H),
                port_of_entry: "上海浦东".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(kp.status, KeyPersonStatus::Planned);
    assert!(store.list_key_persons(&meishan).await.unwrap().is_empty());
    store
        .add_key_person_report(&a, T, kp.id, &report(100, ""))
        .await
        .unwrap();
    assert!(matches!(
        store
            .add_key_person_report(&a, T, kp.id, &report(100, ""))
            .await,
        Err(StoreError::Conflict(_))
    ));
    store
        .add_key_person_report(&a, T, kp.id, &report(99, "补报"))
        .await
        .unwrap();
    assert_eq!(
        store
            .get_key_person(&baifeng, kp.id)
            .await
            .unwrap()
            .last_report_day,
        Some(100)
    );
    assert_eq!(store.list_key_person_reports(kp.id).await.unwrap().len(), 2);
    let kp = store
        .set_key_person_status(&a, T, kp.id, KeyPersonStatus::Arrived)
        .await
        .unwrap();
    assert_eq!(kp.status, KeyPersonStatus::Arrived);

    // --- cold chain ---
    let cs = store
        .create_cold_store(&a, T, bf.id, "峙南冷库", "白峰峙南")
        .await
        .unwrap();
    assert!(matches!(
        store.create_cold_store(&a, T, bf.id, "峙南冷库", "").await,
        Err(StoreError::Conflict(_))
    ));
    let b = store
        .create_cold_batch(
            &a,
            T,
            &NewColdBatch {
                region_id: bl.id,
                trace_code: "ZLL-1".into(),
                product: "冻牛肉".into(),
                origin_country: "巴西".into(),
                declaration_no: "310120210001".into(),
                quantity_g: 20_000_000,
                test_result: TestResult::Negative,
                tested_at: Some(T),
            },
        )
        .await
        .unwrap();
    assert!(
        store.list_cold_batches(&baifeng).await.unwrap().is_empty(),
        "declared at district level"
    );
    assert_eq!(
        store
            .find_cold_batch_unscoped("ZLL-1")
            .await
            .unwrap()
            .map(|x| x.id),
        Some(b.id)
    );
    store
        .add_cold_movement(
            &a,
            T,
            &NewMovement {
                batch_id: b.id,
                store_id: cs.id,
                direction: Direction::In,
                quantity_g: 8_000_000,
                at: T,
            },
        )
        .await
        .unwrap();
    assert_eq!(store.list_store_movements(cs.id).await.unwrap().len(), 1);
    assert_eq!(store.list_batch_movements(b.id).await.unwrap().len(), 1);
    let chk = store
        .add_stock_check(
            &a,
            T,
            &NewStockCheck {
                store_id: cs.id,
                at: T + H,
                product: "冻牛肉".into(),
                trace_code: String::new(),
                quantity_g: 3_000_000,
            },
        )
        .await
        .unwrap();
    assert_eq!(chk.region_code, "330206009000");
    assert!(store.list_stock_checks(&meishan).await.unwrap().is_empty());
    let chk = store
        .set_stock_check_clue(&a, T, chk.id, "clue:42")
        .await
        .unwrap();
    assert_eq!(chk.clue_ref.as_deref(), Some("clue:42"));
    assert!(matches!(
        store.get_stock_check(&meishan, chk.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.get_cold_store(&meishan, cs.id).await,
        Err(StoreError::NotFound)
    ));

    // Every kind of write left its audit rows.
    for entity in [
        "ship_violation",
        "individual_case",
        "case_person",
        "case_step",
        "case_test",
        "deadline",
        "notification",
        "key_country",
        "key_person",
        "key_person_report",
        "cold_store",
        "cold_batch",
        "cold_movement",
        "stock_check",
    ] {
        assert!(
            audit_count(&store, "33", entity).await > 0,
            "{entity} audited"
        );
    }
}

both_backends!(intl_story, story);
