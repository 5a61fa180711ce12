//! Scoring, cards, bulletins and patrols in storage, on SQLite and PostgreSQL.

use std::sync::Arc;

use jinghai_domain::audit::Actor;
use jinghai_domain::patrol::{TrackPoint, TrackSource};
use jinghai_domain::scoring::{
    default_rules, CardColor, CardStatus, EntryState, NewEntry, PlaceKind, RecordRef, Trigger,
};
use jinghai_domain::{Agency, RegionCode, RegionLevel, Role, Scope};
use jinghai_store::{
    both_backends, AuditFilter, BulletinFile, NewBulletin, NewCard, NewPatrolPlan, NewPatrolRecord,
    NewRegion, NewUnit, Store, StoreError,
};

fn scope_at(prefix: &str, unit: Option<i64>) -> Scope {
    Scope {
        user_id: 0,
        role: Role::Admin,
        region_prefix: prefix.into(),
        unit_id: unit,
    }
}

async fn tree(store: &Arc<dyn Store>) -> (i64, i64, i64, i64) {
    let a = Actor::system("t");
    let mk = |code: &str, name: &str, parent| NewRegion {
        code: RegionCode::parse(code).unwrap(),
        name: name.into(),
        level: RegionCode::parse(code).unwrap().implied_level(),
        parent_id: parent,
    };
    let zj = store
        .create_region(&a, 0, &mk("330000", "浙江省", None))
        .await
        .unwrap();
    let nb = store
        .create_region(&a, 0, &mk("330200", "宁波市", Some(zj.id)))
        .await
        .unwrap();
    let bl = store
        .create_region(&a, 0, &mk("330206", "北仑区", Some(nb.id)))
        .await
        .unwrap();
    let ms = store
        .create_region(&a, 0, &mk("330206008", "梅山街道", Some(bl.id)))
        .await
        .unwrap();
    let bf = store
        .create_region(&a, 0, &mk("330206009", "白峰街道", Some(bl.id)))
        .await
        .unwrap();
    assert_eq!(ms.level, RegionLevel::Town);
    let unit = store
        .create_unit(
            &a,
            0,
            &NewUnit {
                name: "海警".into(),
                agency: Agency::CoastGuard,
                region_id: bl.id,
                parent_unit_id: None,
            },
        )
        .await
        .unwrap();
    (bl.id, ms.id, bf.id, unit.id)
}

async fn ledger(store: Arc<dyn Store>) {
    let a = Actor::system("t");
    let (_bl, ms, bf, unit) = tree(&store).await;
    for d in default_rules() {
        store
            .create_score_rule(&a, 0, "330000000000", &d)
            .await
            .unwrap();
    }
    let rules = store.list_score_rules().await.unwrap();
    assert_eq!(rules.len(), default_rules().len());
    let risk_rule = rules
        .iter()
        .find(|r| r.trigger == Trigger::RiskOverdue)
        .unwrap();
    // A duplicate code is a conflict that names the code.
    let dup = store
        .create_score_rule(&a, 0, "330000000000", &default_rules()[0])
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(m)) if m.contains(&default_rules()[0].code)));

    let entry = |region_id, code: &str, key: Option<&str>, points| NewEntry {
        rule_id: risk_rule.id,
        region_id,
        region_code: code.into(),
        unit_id: Some(unit),
        day: 100,
        points,
        record: RecordRef {
            kind: "risk".into(),
            id: 7,
            day: None,
        },
        dedup_key: key.map(str::to_string),
        note: "逾期".into(),
    };
    let batch = [
        entry(ms, "330206008000", Some("risk_overdue:risk:7"), -3),
        entry(bf, "330206009000", Some("risk_overdue:risk:8"), -3),
        entry(ms, "330206008000", None, 5),
        entry(ms, "330206008000", None, 5),
    ];
    let written = store.insert_score_entries(&a, 1, &batch).await.unwrap();
    assert_eq!(
        written.len(),
        4,
        "manual entries have no key and never clash"
    );
    // Again: the keyed ones are skipped, so points never double.
    let again = store
        .insert_score_entries(&a, 2, &batch[..2])
        .await
        .unwrap();
    assert!(again.is_empty());
    let all = store
        .list_score_entries(&scope_at("33", None), 0, 1000)
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(all[0].rule_code, "risk_overdue");
    assert_eq!(all[0].record.kind, "risk");
    // Scoping: 梅山 sees its three, not 白峰's.
    let meishan = store
        .list_score_entries(&scope_at("330206008", None), 0, 1000)
        .await
        .unwrap();
    assert_eq!(meishan.len(), 3);
    let foreign = written
        .iter()
        .find(|e| e.region_code.starts_with("330206009"))
        .unwrap();
    assert!(matches!(
        store
            .get_score_entry(&scope_at("330206008", None), foreign.id)
            .await,
        Err(StoreError::NotFound)
    ));
    // …unless the entry is charged to the caller's unit.
    assert!(store
        .get_score_entry(&scope_at("330206008", Some(unit)), foreign.id)
        .await
        .is_ok());
    // The period filter.
    assert!(store
        .list_score_entries(&scope_at("33", None), 101, 200)
        .await
        .unwrap()
        .is_empty());

    // Appeal: the entry is appealed, then revoked; the decision is kept.
    let e = &written[0];
    let appeal = store.file_appeal(&a, 3, e.id, "已按期整改").await.unwrap();
    assert_eq!(appeal.accepted, None);
    assert_eq!(
        store
            .get_score_entry(&scope_at("33", None), e.id)
            .await
            .unwrap()
            .state,
        EntryState::Appealed
    );
    let decided = store
        .decide_appeal(&a, 4, e.id, true, "核实属实")
        .await
        .unwrap();
    assert_eq!(
        (decided.accepted, decided.decision.as_str()),
        (Some(true), "核实属实")
    );
    assert_eq!(
        store
            .get_score_entry(&scope_at("33", None), e.id)
            .await
            .unwrap()
            .state,
        EntryState::Revoked
    );
    assert!(
        matches!(
            store.decide_appeal(&a, 5, e.id, false, "x").await,
            Err(StoreError::NotFound)
        ),
        "no open appeal left"
    );
    assert_eq!(store.list_appeals(e.id).await.unwrap().len(), 1);
    // Rejected appeals restore the entry.
    store
        .file_appeal(&a, 6, written[2].id, "理由")
        .await
        .unwrap();
    store
        .decide_appeal(&a, 7, written[2].id, false, "不予采纳")
        .await
        .unwrap();
    assert_eq!(
        store
            .get_score_entry(&scope_at("33", None), written[2].id)
            .await
            .unwrap()
            .state,
        EntryState::Active
    );

    // Rule edits are audited.
    let mut d = default_rules()
        .into_iter()
        .find(|d| d.trigger == Trigger::RiskOverdue)
        .unwrap();
    d.points = -4;
    let updated = store
        .update_score_rule(&a, 8, "330000000000", risk_rule.id, &d)
        .await
        .unwrap();
    assert_eq!(updated.points, -4);
    let log = store
        .list_audit(
            &scope_at("33", None),
            &AuditFilter {
                entity: Some("score_rule".into()),
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(log.len(), default_rules().len() + 1);
    let entry_log = store
        .list_audit(
            &scope_at("330206008", None),
            &AuditFilter {
                entity: Some("score_entry".into()),
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        entry_log.len(),
        3 + 2 + 2,
        "3 created, 2 appeal moves each on two entries"
    );

    // Cards.
    let card = store
        .create_card(
            &a,
            9,
            &NewCard {
                color: CardColor::Yellow,
                place_kind: PlaceKind::Store,
                place_name: "峙南冷库".into(),
                region_id: bf,
                lat: Some(29.8),
                lon: Some(121.9),
                reason: "台账不全".into(),
                issued_on: 100,
                fix_deadline: Some(110),
                consequence: "限时整改".into(),
                award_ineligible: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (card.status, card.region_code.as_str()),
        (CardStatus::Active, "330206009000")
    );
    assert!(store
        .list_cards(&scope_at("330206008", None))
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        store.get_card(&scope_at("330206008", None), card.id).await,
        Err(StoreError::NotFound)
    ));
    let lifted = store
        .lift_card(&a, 10, card.id, 108, "已补全台账")
        .await
        .unwrap();
    assert_eq!(
        (lifted.status, lifted.lifted_on),
        (CardStatus::Lifted, Some(108))
    );
}

async fn bulletins(store: Arc<dyn Store>) {
    let a = Actor::system("t");
    let (bl, ms, _bf, _unit) = tree(&store).await;
    assert_eq!(store.next_bulletin_number(bl, 2021).await.unwrap(), 1);
    let nb = |number, week_from| NewBulletin {
        region_id: bl,
        year: 2021,
        number,
        week_from,
        week_to: week_from + 6,
        title: "北仑区“净海”行动每周通报".into(),
        issued_on: week_from + 7,
        summary: "摘要".into(),
        content: Default::default(),
        pdf: b"%PDF-1.7 test".to_vec(),
        xlsx: b"PK\x03\x04 test".to_vec(),
        push_status: "none".into(),
    };
    let b1 = store.create_bulletin(&a, 1, &nb(1, 100)).await.unwrap();
    assert_eq!(b1.number_label(), "〔2021〕1号");
    assert_eq!(store.next_bulletin_number(bl, 2021).await.unwrap(), 2);
    assert_eq!(store.next_bulletin_number(bl, 2022).await.unwrap(), 1);
    // One per week, and numbers are unique.
    assert!(matches!(
        store.create_bulletin(&a, 2, &nb(2, 100)).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.create_bulletin(&a, 2, &nb(1, 107)).await,
        Err(StoreError::Conflict(_))
    ));
    let b2 = store.create_bulletin(&a, 2, &nb(2, 107)).await.unwrap();
    assert_eq!(
        store
            .list_bulletins(&scope_at("330206", None))
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(store
        .list_bulletins(&scope_at("330206008", None))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .get_bulletin_file(&scope_at("33", None), b2.id, BulletinFile::Pdf)
            .await
            .unwrap(),
        b"%PDF-1.7 test"
    );
    assert!(store
        .get_bulletin_file(&scope_at("33", None), b2.id, BulletinFile::Xlsx)
        .await
        .unwrap()
        .starts_with(b"PK"));
    assert!(matches!(
        store
            .get_bulletin_file(&scope_at("330211", None), b2.id, BulletinFile::Pdf)
            .await,
        Err(StoreError::NotFound)
    ));

    // Push attempts and status.
    store
        .add_push_attempt(&a, 3, b2.id, 1, false, "connection refused", "failed")
        .await
        .unwrap();
    store
        .add_push_attempt(&a, 4, b2.id, 2, true, "ok", "sent")
        .await
        .unwrap();
    let attempts = store.list_push_attempts(b2.id).await.unwrap();
    assert_eq!(
        attempts.iter().map(|p| p.ok).collect::<Vec<_>>(),
        [false, true]
    );
    assert_eq!(
        store
            .get_bulletin(&scope_at("33", None), b2.id)
            .await
            .unwrap()
            .push_status,
        "sent"
    );

    // Robots: set, change, remove; the audit log never holds the secret or token.
    let url = "https://oapi.dingtalk.com/robot/send?access_token=tok123";
    store.set_robot(&a, 5, bl, url, "SECret1").await.unwrap();
    store.set_robot(&a, 6, bl, url, "SECret2").await.unwrap();
    assert_eq!(
        store.get_robot_unscoped(bl).await.unwrap().unwrap().secret,
        "SECret2"
    );
    assert!(store.get_robot_unscoped(ms).await.unwrap().is_none());
    assert_eq!(
        store
            .list_robots(&scope_at("330206", None))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(store
        .list_robots(&scope_at("330206008", None))
        .await
        .unwrap()
        .is_empty());
    assert!(store.set_robot(&a, 7, bl, "", "").await.unwrap().is_none());
    let log = store
        .list_audit(
            &scope_at("33", None),
            &AuditFilter {
                entity: Some("dingtalk_robot".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(log.len(), 3);
    for l in &log {
        let text = format!("{:?}{:?}", l.before, l.after);
        assert!(
            !text.contains("SECret") && !text.contains("tok123"),
            "{text}"
        );
    }
}

async fn patrols(store: Arc<dyn Store>) {
    let a = Actor::system("t");
    let (bl, _ms, _bf, unit) = tree(&store).await;
    let plan = store
        .create_patrol_plan(
            &a,
            1,
            &NewPatrolPlan {
                region_id: bl,
                name: "梅山海域夜巡".into(),
                zone: vec![[121.9, 29.8], [122.0, 29.8], [122.0, 29.9]],
                starts_at: 1000,
                ends_at: 5000,
                unit_id: unit,
                vessels: "海警 21101".into(),
                personnel: 12,
                personnel_names: "王某等".into(),
                sweep_m: 2000.0,
            },
        )
        .await
        .unwrap();
    assert_eq!(plan.zone[1], [122.0, 29.8]);
    assert!(matches!(
        store
            .get_patrol_plan(&scope_at("330211", None), plan.id)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store
            .get_patrol_plan(&scope_at("330211", Some(unit)), plan.id)
            .await
            .is_ok(),
        "the plan's unit sees it"
    );
    let rec = store
        .add_patrol_record(
            &a,
            2,
            &NewPatrolRecord {
                plan_id: plan.id,
                unit_id: unit,
                vessel: "海警 21101".into(),
                mmsi: Some(412000001),
                source: TrackSource::Gpx,
                started_at: 1500,
                ended_at: 4000,
                personnel: 10,
                vessels: 1,
                ships_checked: 3,
                persons_checked: 9,
                ships_seized: 1,
                track: vec![
                    TrackPoint {
                        t: 1500,
                        lat: 29.81,
                        lon: 121.91,
                    },
                    TrackPoint {
                        t: 4000,
                        lat: 29.85,
                        lon: 121.95,
                    },
                ],
                length_km: 5.8,
                area_km2: 11.6,
                notes: String::new(),
            },
        )
        .await
        .unwrap();
    assert_eq!(rec.track[1].lon, 121.95);
    assert_eq!(rec.region_code, "330206000000");
    assert_eq!(store.list_patrol_records(plan.id).await.unwrap().len(), 1);
    let day = store
        .list_patrol_records_between(&scope_at("330206", None), "330206", 1000, 2000)
        .await
        .unwrap();
    assert_eq!(day.len(), 1);
    assert!(store
        .list_patrol_records_between(&scope_at("330206", None), "330206", 2000, 3000)
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .list_patrol_records_between(&scope_at("330211", None), "330206", 0, 9000)
        .await
        .unwrap()
        .is_empty());
}

both_backends!(ledger_and_cards, ledger);
both_backends!(bulletin_archive, bulletins);
both_backends!(patrol_plans_and_records, patrols);
