//! Clues, cases, hand-overs, tips and rewards as users do them, with the
//! permission of every step and its audit row.

use std::sync::Arc;

use jinghai_domain::cases::{
    CaseStatus, ClueStatus, HandoverStatus, PublicTipState, RecordKind, RewardStatus, TipStatus,
};
use jinghai_domain::report::day_of;
use jinghai_store::{AlertWrite, AuditFilter, SpotFinding};
use jinghai_workflow::accounts::LoginLimits;
use jinghai_workflow::cases::{CaseInput, Cases, ClueInput, SeizureInput, StepInput};
use jinghai_workflow::seed::{seed_demo, DEMO_CLUE_MMSI, DEMO_PASSWORD};
use jinghai_workflow::tips::{solve, TipInput, TipLimits, Tips};
use jinghai_workflow::{Accounts, Clock, ManualClock, WorkflowError};

const T0: i64 = 1_613_000_000_000;

async fn story(db: jinghai_store::testkit::TestDb) {
    let manual = Arc::new(ManualClock::new(T0));
    let clock: Arc<dyn Clock> = manual.clone();
    let seeded = seed_demo(&db.store, &clock).await.unwrap();
    let store = db.store.clone();
    let accounts = Accounts::new(store.clone(), clock.clone(), LoginLimits::default());
    let cases = Cases::new(store.clone(), clock.clone());
    let tips = Tips::new(
        store.clone(),
        clock.clone(),
        TipLimits {
            pow_bits: 8,
            ..TipLimits::default()
        },
    );
    let login = |u: &'static str| {
        let a = &accounts;
        async move { a.login(u, DEMO_PASSWORD, "t").await.unwrap().ctx }
    };
    let office = login("office").await;
    let haijing = login("haijing").await;
    let haiguan = login("haiguan").await;
    let bianjian = login("bianjian").await;
    let gongan = login("gongan").await;
    let leader = login("leader").await;
    let meishan = login("meishan").await;
    let baifeng = login("baifeng").await;
    let dasi = login("dasi").await;
    let admin = login("admin").await;

    // An alert about the speedboat of the seeded earlier clue, assigned to customs.
    let alert = store
        .upsert_alert(
            T0,
            &AlertWrite {
                event_key: "t:1".into(),
                region_id: seeded.regions["330206"],
                kind: "encounter".into(),
                mmsi: DEMO_CLUE_MMSI,
                other_mmsi: Some(413_000_111),
                start_at: T0 - 3_600_000,
                end_at: None,
                lat: 29.78,
                lon: 121.99,
                zone_id: Some("梅山岛东侧".into()),
                detail: "{}".into(),
            },
        )
        .await
        .unwrap();
    jinghai_workflow::alerts::Alerts::new(store.clone(), clock.clone())
        .assign(&office, alert, Some(seeded.units["北仑海关"]))
        .await
        .unwrap();
    // Another unit cannot turn it into a clue; the assigned unit can, in one step.
    assert!(matches!(
        cases.clue_from_alert(&gongan, alert).await,
        Err(WorkflowError::Forbidden { .. })
    ));
    let (clue, links) = cases.clue_from_alert(&haiguan, alert).await.unwrap();
    assert_eq!(clue.source_ref, Some(alert));
    assert!(clue.summary.contains(&DEMO_CLUE_MMSI.to_string()));
    assert_eq!(
        links.len(),
        1,
        "linked to the coast guard's earlier clue about the same vessel"
    );
    assert!(links[0]
        .reasons
        .iter()
        .any(|r| r.exact && r.value == DEMO_CLUE_MMSI.to_string()));
    assert!(
        cases.clue_from_alert(&haiguan, alert).await.is_err(),
        "one clue per alert"
    );
    let alerts = store.list_alerts(&office.scope, 10).await.unwrap();
    assert_eq!(
        alerts.iter().find(|a| a.id == alert).unwrap().status,
        jinghai_domain::alert::AlertStatus::Escalated
    );

    // Customs sees its clue and the link; the coast guard's clue is not customs' to see.
    let d = cases.clue_detail(&haiguan, clue.id).await.unwrap();
    assert!(d.can_work);
    assert_eq!(
        (d.links.len(), d.hidden_links),
        (0, 1),
        "the earlier clue is counted, not shown"
    );
    let d = cases.clue_detail(&office, clue.id).await.unwrap();
    assert_eq!(d.links.len(), 1);
    // Other units, towns and districts: nothing.
    for other in [&bianjian, &meishan, &baifeng, &gongan] {
        assert!(matches!(
            cases.clue_detail(other, clue.id).await,
            Err(WorkflowError::NotFound)
        ));
    }
    // The coast guard confirms the link from its side.
    let confirmed = cases
        .decide_link(&haijing, links[0].id, true)
        .await
        .unwrap();
    assert_eq!(
        confirmed.status,
        jinghai_domain::cases::LinkStatus::Confirmed
    );
    assert!(matches!(
        cases.decide_link(&leader, links[0].id, false).await,
        Err(WorkflowError::Forbidden { .. })
    ));
    let cluster = cases.cluster(&office, clue.id).await.unwrap();
    assert!(
        cluster.clues.len() >= 3,
        "alert clue, speedboat clue, and the town's clue by phone"
    );

    // Verification, then the case: not before the clue is verified.
    let case_input = CaseInput {
        clue_ids: vec![clue.id],
        case_no: "北仑立〔2021〕9号".into(),
        title: "快艇接驳案".into(),
        classification: "restricted".into(),
        ..Default::default()
    };
    assert!(matches!(
        cases.file_case(&haiguan, &case_input).await,
        Err(WorkflowError::Invalid(_))
    ));
    cases
        .set_clue_status(&haiguan, clue.id, "verifying", "")
        .await
        .unwrap();
    assert!(
        cases
            .set_clue_status(&haiguan, clue.id, "closed", "")
            .await
            .is_err(),
        "closing needs a reason"
    );
    cases
        .set_clue_status(&haiguan, clue.id, "verified", "查证属实")
        .await
        .unwrap();
    let case = cases.file_case(&haiguan, &case_input).await.unwrap();
    assert_eq!(
        cases.clue(&haiguan, clue.id).await.unwrap().status,
        ClueStatus::Filed
    );
    let seizure = cases
        .add_seizure(
            &haiguan,
            case.id,
            &SeizureInput {
                category: "vessel".into(),
                quantity: "1".into(),
                description: "快艇".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(seizure.quantity, 1000);
    let bad = cases
        .add_seizure(
            &haiguan,
            case.id,
            &SeizureInput {
                category: "frozen_goods".into(),
                quantity: "1.2345".into(),
                unit: "tonnes".into(),
                ..Default::default()
            },
        )
        .await;
    assert!(
        matches!(bad, Err(WorkflowError::Invalid(_))),
        "three decimals at most"
    );
    cases
        .add_seizure(
            &haiguan,
            case.id,
            &SeizureInput {
                category: "frozen_goods".into(),
                quantity: "3.5".into(),
                unit: "tonnes".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        cases
            .add_step(
                &haiguan,
                case.id,
                &StepInput {
                    kind: "coercive".into(),
                    ..Default::default()
                }
            )
            .await
            .is_err(),
        "persons needed"
    );
    cases
        .add_step(
            &haiguan,
            case.id,
            &StepInput {
                kind: "coercive".into(),
                persons: "2".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    // Hand-over of the case to border inspection: the receiver sees exactly it.
    assert!(cases.case_detail(&bianjian, case.id).await.is_err());
    let h = cases
        .hand_over(
            &haiguan,
            RecordKind::Case,
            case.id,
            Some(seeded.units["北仑出入境边防检查站"]),
            "发现非法入境人员",
            "4",
        )
        .await
        .unwrap();
    assert!(
        cases
            .hand_over(
                &haiguan,
                RecordKind::Case,
                case.id,
                Some(seeded.units["北仑出入境边防检查站"]),
                "again",
                ""
            )
            .await
            .is_err(),
        "one pending at a time"
    );
    let seen = cases.case_detail(&bianjian, case.id).await.unwrap();
    assert_eq!(seen.to_answer.as_ref().map(|x| x.id), Some(h.id));
    assert_eq!(seen.clues.len(), 1, "and its evidence");
    assert!(matches!(
        cases.answer_handover(&haiguan, h.id, true, "").await,
        Err(WorkflowError::Forbidden { .. })
    ));
    assert!(
        matches!(
            cases.answer_handover(&bianjian, h.id, false, "").await,
            Err(WorkflowError::Invalid(_))
        ),
        "a return needs a reason"
    );
    // Overdue: escalated once by the sweep.
    manual.advance(5 * 3_600_000);
    let escalated = cases.escalate_overdue().await.unwrap();
    assert!(escalated.iter().any(|x| x.id == h.id));
    assert!(cases
        .escalate_overdue()
        .await
        .unwrap()
        .iter()
        .all(|x| x.id != h.id));
    let h = cases
        .answer_handover(&bianjian, h.id, true, "已签收")
        .await
        .unwrap();
    assert_eq!(h.status, HandoverStatus::Accepted);
    let now_held = cases.case_detail(&bianjian, case.id).await.unwrap();
    assert!(
        now_held.can_work
            && now_held.case.holder_unit_id == Some(seeded.units["北仑出入境边防检查站"])
    );
    cases
        .add_step(
            &bianjian,
            case.id,
            &StepInput {
                kind: "prosecution".into(),
                persons: "2".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        cases
            .case_detail(&office, case.id)
            .await
            .unwrap()
            .case
            .status,
        CaseStatus::Referred
    );

    // The daily report's strike and anti-smuggling figures count it.
    let today = day_of(clock.now());
    let f = cases.daily_figures("330206", today).await.unwrap();
    assert!(f.clues >= 1 && f.clues_linked >= 1, "{f:?}");
    assert_eq!(
        (f.cases_filed, f.coercive_persons, f.prosecution_persons),
        (1, 2, 2)
    );
    assert_eq!((f.vessels, f.goods_tonnes), (1000, 3500));
    let sheet = jinghai_workflow::reports::Reports::new(store.clone(), clock.clone())
        .with_prefill(std::sync::Arc::new(
            jinghai_workflow::cases::CasesPrefill::new(store.clone(), clock.clone()),
        ))
        .sheet(&gongan, seeded.regions["330206"], today)
        .await
        .unwrap();
    let strike = sheet
        .sections
        .iter()
        .find(|s| s.section.key == "strike")
        .unwrap();
    assert!(strike
        .suggestions
        .iter()
        .any(|g| g.indicator == "cs_cases_filed" && g.value == 1000));

    // An officer's own clue, with bad entity lines reported by line.
    let bad = cases
        .create_clue(
            &haijing,
            &ClueInput {
                region_id: Some(seeded.regions["330206"]),
                summary: "x".into(),
                entities: "电话: 12\n星座: 天蝎".into(),
                ..Default::default()
            },
        )
        .await;
    match bad {
        Err(WorkflowError::Invalid(e)) => assert_eq!(e.len(), 2),
        other => panic!("{other:?}"),
    }
    assert!(cases
        .create_clue(
            &meishan,
            &ClueInput {
                region_id: Some(seeded.regions["330206009"]),
                summary: "越界".into(),
                ..Default::default()
            }
        )
        .await
        .is_err());

    // A public tip: challenge with proof of work, a code, the status by code.
    assert!(tips
        .submit_public(
            "330206",
            "1.2.3.4",
            "forged",
            "0",
            &TipInput::default(),
            &[]
        )
        .await
        .is_err());
    let input = TipInput {
        topic: "smuggling".into(),
        what: "<b>夜里</b>有船卸货".into(),
        place: "春晓海边".into(),
        name: "李女士".into(),
        phone: "139 0000 0002".into(),
        ..Default::default()
    };
    let ch = tips.challenge().await.unwrap();
    let unsolved = (0..)
        .map(|n: u32| n.to_string())
        .find(|n| jinghai_workflow::tips::pow_bits(&ch.token, n) < ch.bits)
        .unwrap();
    assert!(
        matches!(
            tips.submit_public("330206", "1.2.3.4", &ch.token, &unsolved, &input, &[])
                .await,
            Err(WorkflowError::Forbidden { .. })
        ),
        "no proof of work"
    );
    let ch = tips.challenge().await.unwrap();
    let (tip, code) = tips
        .submit_public(
            "330206",
            "1.2.3.4",
            &ch.token,
            &solve(&ch.token, ch.bits),
            &input,
            &[],
        )
        .await
        .unwrap();
    assert!(
        tips.submit_public(
            "330206",
            "1.2.3.4",
            &ch.token,
            &solve(&ch.token, ch.bits),
            &input,
            &[]
        )
        .await
        .is_err(),
        "a challenge is single-use"
    );
    assert_eq!(
        tips.status("5.6.7.8", &code).await.unwrap().state,
        PublicTipState::Received
    );
    assert!(tips.status("5.6.7.8", "WRONG-CODE").await.is_err());
    // Readers: office, reward officers; not a town or another unit.
    assert!(tips.detail(&meishan, tip.id).await.is_err());
    assert!(tips.detail(&haijing, tip.id).await.is_err());
    assert!(
        tips.detail(&admin, tip.id).await.unwrap().contact.is_none(),
        "the administrator never sees who sent it"
    );
    assert_eq!(
        tips.detail(&dasi, tip.id)
            .await
            .unwrap()
            .contact
            .unwrap()
            .phone,
        "13900000002"
    );
    // Triage into a clue, verify it, reward: propose (anti-smuggling), approve (office), pay.
    let (tclue, _) = tips
        .to_clue(&office, tip.id, "春晓海边夜间卸货", "地点: 春晓海边", "")
        .await
        .unwrap();
    assert_eq!(
        tips.status("5.6.7.8", &code).await.unwrap().state,
        PublicTipState::Checking
    );
    assert!(
        tips.propose_reward(&dasi, tip.id, "500", "举报属实")
            .await
            .is_err(),
        "not verified yet"
    );
    cases
        .set_clue_status(&office, tclue.id, "verifying", "")
        .await
        .unwrap();
    cases
        .set_clue_status(&office, tclue.id, "verified", "")
        .await
        .unwrap();
    assert_eq!(
        tips.status("5.6.7.8", &code).await.unwrap().state,
        PublicTipState::Verified
    );
    assert!(matches!(
        tips.propose_reward(&dasi, tip.id, "abc", "x").await,
        Err(WorkflowError::Invalid(_))
    ));
    let r = tips
        .propose_reward(&dasi, tip.id, "1,000", "《举报奖励办法》：查证属实")
        .await
        .unwrap();
    assert_eq!(r.amount_fen, 100_000);
    assert!(
        tips.pay_reward(&dasi, r.id, "", "cash", "").await.is_err(),
        "not approved yet"
    );
    assert!(
        tips.decide_reward(&dasi, r.id, true, "").await.is_err(),
        "the office approves"
    );
    tips.decide_reward(&office, r.id, true, "同意")
        .await
        .unwrap();
    let paid = tips
        .pay_reward(&dasi, r.id, "", "bank_transfer", "")
        .await
        .unwrap();
    assert_eq!(paid.status, RewardStatus::Paid);
    assert_eq!(
        tips.status("5.6.7.8", &code).await.unwrap().reward,
        Some(RewardStatus::Paid)
    );

    // Spot check of the day's tips.
    let check = tips
        .draw_spot_check(
            &office,
            Some(seeded.regions["330206"]),
            &jinghai_domain::report::format_day(today - 1),
            &jinghai_domain::report::format_day(today),
            "5",
        )
        .await
        .unwrap();
    let detail = tips.spot_check(&office, check.id).await.unwrap();
    assert!(!detail.items.is_empty());
    let item = detail.items[0].0.id;
    tips.record_finding(
        &office,
        check.id,
        Some(item),
        &SpotFinding {
            answered: true,
            handled: true,
            rewarded: false,
            note: "未兑现".into(),
        },
    )
    .await
    .unwrap();
    assert!(tips
        .draw_spot_check(
            &dasi,
            Some(seeded.regions["330206"]),
            "2021-01-01",
            "2021-02-01",
            "5"
        )
        .await
        .is_err());

    // Triage refusals: merge into itself, close without reason.
    let ch = tips.challenge().await.unwrap();
    let (t2, _) = tips
        .submit_public(
            "330206",
            "1.2.3.4",
            &ch.token,
            &solve(&ch.token, ch.bits),
            &input,
            &[],
        )
        .await
        .unwrap();
    assert!(tips.merge(&office, t2.id, Some(t2.id), "").await.is_err());
    assert!(tips.close(&office, t2.id, "").await.is_err());
    assert_eq!(
        tips.merge(&office, t2.id, Some(tip.id), "同一事件")
            .await
            .unwrap()
            .status,
        TipStatus::Merged
    );
    // Five tips an hour per address.
    for _ in 0..3 {
        let ch = tips.challenge().await.unwrap();
        tips.submit_public(
            "330206",
            "1.2.3.4",
            &ch.token,
            &solve(&ch.token, ch.bits),
            &input,
            &[],
        )
        .await
        .unwrap();
    }
    let ch = tips.challenge().await.unwrap();
    assert!(matches!(
        tips.submit_public(
            "330206",
            "1.2.3.4",
            &ch.token,
            &solve(&ch.token, ch.bits),
            &input,
            &[]
        )
        .await,
        Err(WorkflowError::RateLimited { .. })
    ));

    // Every step is in the audit log.
    let log = store
        .list_audit(
            &office.scope,
            &AuditFilter {
                limit: 5000,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    for entity in [
        "clue",
        "clue_link",
        "case",
        "case_step",
        "seizure",
        "handover",
        "tip",
        "reward",
        "spot_check",
        "spot_check_item",
        "alert",
    ] {
        assert!(
            log.iter()
                .any(|e| e.entity == entity && (e.actor_user_id.is_some() || entity == "tip")),
            "audit has {entity}"
        );
    }
}

#[tokio::test]
async fn cases_story_sqlite() {
    story(jinghai_store::testkit::sqlite().await).await;
}

#[tokio::test]
async fn cases_story_postgres() {
    story(jinghai_store::testkit::postgres().await).await;
}
