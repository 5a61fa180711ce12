//! Issue #9 end to end over the demo's week, on both backends: the ranking
//! whose every point links to its record, idempotent evaluation, appeals,
//! cards, the bulletin (PDF pages render, XLSX, push retries), patrols with
//! blind spots and the daily report prefilled from them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use jinghai_domain::bulletin::Robot;
use jinghai_domain::report::{cst_hour, parse_day, EntryStatus};
use jinghai_domain::scoring::{CardColor, EntryState, Trigger};
use jinghai_domain::RegionLevel;
use jinghai_store::BulletinFile;
use jinghai_workflow::accounts::LoginLimits;
use jinghai_workflow::bulletins::{Bulletins, Pusher, RetryPolicy};
use jinghai_workflow::patrols::{NoAisHistory, Patrols, PlanInput, RecordInput};
use jinghai_workflow::scoring::{CardInput, ManualInput, Scoring};
use jinghai_workflow::seed::{seed_demo, DEMO_PASSWORD};
use jinghai_workflow::{Accounts, Clock, ManualClock, WorkflowError};

/// Fails the first `fail` pushes, then succeeds; counts pauses.
struct FlakyPusher {
    fail: usize,
    calls: AtomicUsize,
    pauses: AtomicUsize,
}

#[async_trait::async_trait]
impl Pusher for FlakyPusher {
    async fn push(&self, _: &Robot, _: &str, markdown: &str) -> Result<String, String> {
        assert!(markdown.contains("每周通报"), "{markdown}");
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if n < self.fail {
            Err(format!("HTTP 503 (attempt {})", n + 1))
        } else {
            Ok(r#"{"errcode":0,"errmsg":"ok"}"#.into())
        }
    }
    async fn pause(&self, _: u64) {
        self.pauses.fetch_add(1, Ordering::SeqCst);
    }
}

async fn story(db: jinghai_store::testkit::TestDb) {
    // Wednesday 2021-02-10, 09:00 in Ningbo.
    let clock = Arc::new(ManualClock::new(cst_hour(
        parse_day("2021-02-10").unwrap(),
        9,
    )));
    let c: Arc<dyn Clock> = clock.clone();
    let seeded = seed_demo(&db.store, &c).await.unwrap();
    let accounts = Accounts::new(db.store.clone(), c.clone(), LoginLimits::default());
    let login = |u: &'static str| {
        let a = &accounts;
        async move { a.login(u, DEMO_PASSWORD, "t").await.unwrap().ctx }
    };
    let (office, meishan, baifeng, city, province, haijing, zhenhai) = (
        login("office").await,
        login("meishan").await,
        login("baifeng").await,
        login("city.office").await,
        login("province.office").await,
        login("haijing").await,
        login("zhenhai.office").await,
    );
    let scoring = Scoring::new(db.store.clone(), c.clone());
    let today = scoring.today();

    // The demo's ranking: every entry names its rule and a record.
    let entries = scoring.entries(&office, today - 14, today).await.unwrap();
    assert!(entries.len() >= 5, "{}", entries.len());
    for e in &entries {
        assert!(!e.record.kind.is_empty() && !e.rule_code.is_empty());
        assert!(
            e.region_code.starts_with("330206"),
            "scoped to 北仑: {}",
            e.region_code
        );
    }
    let kinds: std::collections::HashSet<&str> =
        entries.iter().map(|e| e.record.kind.as_str()).collect();
    for k in [
        "risk",
        "alert",
        "daily_sheet",
        "individual_case",
        "deadline",
    ] {
        assert!(kinds.contains(k), "an entry from {k}: {kinds:?}");
    }
    let towns = scoring
        .ranking(&office, RegionLevel::Town, today - 14, today)
        .await
        .unwrap();
    assert_eq!(towns.len(), 9, "北仑's nine streets");
    assert!(towns.windows(2).all(|w| w[0].points >= w[1].points));
    let meishan_row = towns.iter().find(|r| r.name == "梅山街道").unwrap();
    assert_eq!(
        meishan_row.points,
        5 + 2 - 3 - 3,
        "+5 found a berthing, +2 its alert turned into a clue, -3 the overdue cove, -3 the smuggler's first report an hour late"
    );

    // Evaluating again adds nothing.
    let again = scoring
        .evaluate(&office, None, today - 14, today)
        .await
        .unwrap();
    assert!(again.facts > 0);
    assert!(again.written.is_empty(), "{:?}", again.written);
    // The server's scheduled evaluation sees every region: nothing new in
    // 北仑 (evaluated above), the other districts' facts written once.
    let scheduled = scoring.evaluate_scheduled(today - 14, today).await.unwrap();
    assert!(
        scheduled.facts > again.facts,
        "{} vs {}",
        scheduled.facts,
        again.facts
    );
    assert!(
        scheduled
            .written
            .iter()
            .all(|e| !e.region_code.starts_with("330206")),
        "{:?}",
        scheduled.written
    );
    let rerun = scoring.evaluate_scheduled(today - 14, today).await.unwrap();
    assert!(rerun.written.is_empty(), "{:?}", rerun.written);
    // Only the office evaluates.
    assert!(matches!(
        scoring.evaluate(&meishan, None, today - 7, today).await,
        Err(WorkflowError::Forbidden { .. })
    ));
    // A day later the late submission of two days ago stays one entry, and
    // yesterday's missing sections are now judged.
    clock.advance(jinghai_domain::time::DAY);
    let later = scoring
        .evaluate(
            &office,
            Some(seeded.regions["330206"]),
            today - 14,
            today + 1,
        )
        .await
        .unwrap();
    assert!(
        later
            .written
            .iter()
            .all(|e| e.record.kind == "daily_sheet" || e.record.kind == "alert"),
        "{:?}",
        later.written
    );
    assert!(later.written.iter().any(|e| e.note.contains("未报送")));
    clock.advance(-jinghai_domain::time::DAY);

    // Rules: the province edits, nobody else; one active rule per trigger.
    let rules = scoring.rules().await.unwrap();
    let risk_rule = rules
        .iter()
        .find(|r| r.trigger == Trigger::RiskOverdue)
        .unwrap();
    let input = jinghai_workflow::scoring::RuleInput {
        code: risk_rule.code.clone(),
        zh: risk_rule.zh.clone(),
        en: risk_rule.en.clone(),
        trigger: "risk_overdue".into(),
        points: "-4".into(),
        active: true,
    };
    assert!(matches!(
        scoring.update_rule(&office, risk_rule.id, &input).await,
        Err(WorkflowError::Forbidden { .. })
    ));
    assert_eq!(
        scoring
            .update_rule(&province, risk_rule.id, &input)
            .await
            .unwrap()
            .points,
        -4
    );
    let dup = jinghai_workflow::scoring::RuleInput {
        code: "risk_overdue_2".into(),
        ..input.clone()
    };
    let e = scoring.create_rule(&province, &dup).await.unwrap_err();
    assert!(
        matches!(&e, WorkflowError::Invalid(f) if f[0].field == "trigger"),
        "{e:?}"
    );

    // Manual entry: a manual rule, a region in scope, a record in scope.
    let found = rules
        .iter()
        .find(|r| r.code == "found_illegal_landing")
        .unwrap();
    let risk_id = db
        .store
        .list_risks(&office.scope)
        .await
        .unwrap()
        .iter()
        .find(|r| r.region_code.starts_with("330206009"))
        .unwrap()
        .id;
    let m = scoring
        .add_manual(
            &office,
            &ManualInput {
                rule_id: Some(found.id),
                region_id: Some(seeded.regions["330206009"]),
                unit_id: None,
                day: "2021-02-09".into(),
                record_kind: "risk".into(),
                record_id: Some(risk_id),
                note: "巡查中发现并控制违规登陆人员".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!((m.points, m.record.kind.as_str()), (5, "risk"));
    let bad = scoring
        .add_manual(
            &office,
            &ManualInput {
                rule_id: Some(risk_rule.id),
                region_id: Some(seeded.regions["330211"]),
                day: "2099-01-01".into(),
                note: " ".into(),
                record_kind: "alert".into(),
                record_id: Some(999_999),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    let fields: Vec<String> = match bad {
        WorkflowError::Invalid(f) => f.into_iter().map(|f| f.field).collect(),
        e => panic!("{e:?}"),
    };
    assert_eq!(fields, ["rule_id", "day", "note", "region_id", "record_id"]);

    // Appeal: 白峰 appeals its entry; 白峰 cannot decide, the district office can.
    let a = scoring
        .appeal(&baifeng, m.id, "该人员系合法登陆的渔民")
        .await
        .unwrap();
    assert_eq!(a.accepted, None);
    assert!(matches!(
        scoring.appeal(&baifeng, m.id, "again").await,
        Err(WorkflowError::Forbidden { .. })
    ));
    assert!(matches!(
        scoring.decide(&baifeng, m.id, true, "x").await,
        Err(WorkflowError::Forbidden { .. })
    ));
    assert!(
        matches!(
            scoring.appeal(&meishan, m.id, "x").await,
            Err(WorkflowError::NotFound)
        ),
        "another town's entry is not found"
    );
    let decided = scoring
        .decide(&office, m.id, true, "经核实，登陆人员系合法渔民，撤销加分")
        .await
        .unwrap();
    assert_eq!(decided.accepted, Some(true));
    let d = scoring.entry(&office, m.id).await.unwrap();
    assert_eq!(d.entry.state, EntryState::Revoked);
    assert!(!d.can_appeal, "one appeal per entry");
    // A district entry's appeal goes to the city.
    let district_entry = entries
        .iter()
        .find(|e| e.region_code == "330206000000")
        .unwrap();
    scoring
        .appeal(&office, district_entry.id, "当日系统故障")
        .await
        .unwrap();
    assert!(matches!(
        scoring.decide(&office, district_entry.id, false, "x").await,
        Err(WorkflowError::Forbidden { .. })
    ));
    scoring
        .decide(
            &city,
            district_entry.id,
            false,
            "未提供系统故障证明，维持扣分",
        )
        .await
        .unwrap();
    assert_eq!(
        scoring
            .entry(&office, district_entry.id)
            .await
            .unwrap()
            .entry
            .state,
        EntryState::Active
    );

    // Cards: yellow needs a deadline; the region's page shows its cards.
    let yellow = CardInput {
        color: "yellow".into(),
        place_kind: "port".into(),
        place_name: "梅山某码头".into(),
        region_id: Some(seeded.regions["330206008"]),
        reason: "卡口未设".into(),
        ..Default::default()
    };
    assert!(
        matches!(scoring.issue_card(&office, &yellow).await, Err(WorkflowError::Invalid(f)) if f[0].field == "fix_deadline")
    );
    let card = scoring
        .issue_card(
            &office,
            &CardInput {
                fix_deadline: "2021-02-20".into(),
                lat: "29.78".into(),
                lon: "121.98".into(),
                ..yellow.clone()
            },
        )
        .await
        .unwrap();
    assert!(!card.award_ineligible);
    let wrong_level = CardInput {
        color: "red".into(),
        place_kind: "town".into(),
        place_name: String::new(),
        region_id: Some(seeded.regions["330206"]),
        reason: "x".into(),
        ..Default::default()
    };
    assert!(
        matches!(scoring.issue_card(&office, &wrong_level).await, Err(WorkflowError::Invalid(f)) if f[0].field == "region_id")
    );
    let red = scoring
        .issue_card(
            &office,
            &CardInput {
                region_id: Some(seeded.regions["330206008"]),
                ..wrong_level
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (red.color, red.place_name.as_str(), red.award_ineligible),
        (CardColor::Red, "梅山街道", true)
    );
    assert!(matches!(
        scoring.issue_card(&meishan, &yellow).await,
        Err(WorkflowError::Forbidden { .. })
    ));
    let page = scoring
        .region(&meishan, seeded.regions["330206008"], today - 14, today)
        .await
        .unwrap();
    assert!(
        page.cards.iter().any(|c| c.id == card.id)
            && page.cards.iter().any(|c| c.place_name == "梅港村")
    );
    assert!(page
        .cards
        .iter()
        .all(|c| c.region_code.starts_with("330206008")));
    let lifted = scoring
        .lift_card(&office, card.id, "已设卡口并接入视频")
        .await
        .unwrap();
    assert!(lifted.lifted_on.is_some());
    assert!(scoring.lift_card(&office, card.id, "again").await.is_err());

    // The bulletin: the demo issued last week's; a new one for this week is
    // numbered next, rendered, archived and pushed with retries.
    let font = jinghai_workflow::pdf::load_font(None)
        .expect("a CJK font (scripts/install-deps.sh installs fonts-noto-cjk)");
    let pusher = Arc::new(FlakyPusher {
        fail: 2,
        calls: AtomicUsize::new(0),
        pauses: AtomicUsize::new(0),
    });
    let bulletins = Bulletins::new(
        db.store.clone(),
        c.clone(),
        Some(font),
        pusher.clone(),
        RetryPolicy {
            attempts: 3,
            first_backoff_ms: 1,
        },
    );
    let demo = bulletins.list(&office).await.unwrap();
    assert_eq!(demo.len(), 1, "last week's, seeded");
    assert_eq!(demo[0].number_label(), "〔2021〕1号");
    assert!(bulletins
        .list(&zhenhai)
        .await
        .unwrap()
        .iter()
        .all(|b| b.region_code.starts_with("330211")));
    bulletins
        .set_robot(
            &office,
            Some(seeded.regions["330206"]),
            "http://127.0.0.1:9/robot/send?access_token=t",
            "SECdemo-secret-1",
        )
        .await
        .unwrap();
    assert!(
        matches!(bulletins.set_robot(&office, Some(seeded.regions["330206"]), "ftp://x", "nope").await, Err(WorkflowError::Invalid(f)) if f.len() == 2)
    );
    let b = bulletins
        .issue(&office, Some(seeded.regions["330206"]), "2021-02-10")
        .await
        .unwrap();
    assert_eq!(b.number_label(), "〔2021〕2号");
    assert_eq!(b.push_status, "sent");
    let detail = bulletins.detail(&office, b.id).await.unwrap();
    assert_eq!(
        detail.pushes.iter().map(|p| p.ok).collect::<Vec<_>>(),
        [false, false, true]
    );
    assert_eq!(pusher.pauses.load(Ordering::SeqCst), 2);
    assert!(
        b.content
            .overdue_risks
            .iter()
            .any(|r| r.place == "梅山岛东侧岙口"),
        "overdue items are named"
    );
    assert!(b.summary.contains("梅山岛东侧岙口"));
    assert!(
        matches!(
            bulletins
                .issue(&office, Some(seeded.regions["330206"]), "2021-02-09")
                .await,
            Err(WorkflowError::Invalid(_))
        ),
        "one per week"
    );
    assert!(matches!(
        bulletins
            .issue(&meishan, Some(seeded.regions["330206008"]), "")
            .await,
        Err(WorkflowError::Forbidden { .. })
    ));
    // A failing robot: every attempt recorded, the status says failed.
    let failing = Bulletins::new(
        db.store.clone(),
        c.clone(),
        jinghai_workflow::pdf::load_font(None).ok(),
        Arc::new(FlakyPusher {
            fail: 99,
            calls: AtomicUsize::new(0),
            pauses: AtomicUsize::new(0),
        }),
        RetryPolicy {
            attempts: 3,
            first_backoff_ms: 1,
        },
    );
    let f = failing.push(&office, b.id).await.unwrap();
    assert_eq!(f.push_status, "failed");
    assert_eq!(failing.detail(&office, b.id).await.unwrap().pushes.len(), 6);

    // The PDF's pages render (poppler), with the Chinese text extractable.
    let (_, pdf) = bulletins
        .file(&office, b.id, BulletinFile::Pdf)
        .await
        .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", "40", "-png"])
        .arg(&path)
        .arg(dir.path().join("page"))
        .output()
        .expect("pdftoppm (poppler-utils)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pngs: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".png"))
        .collect();
    assert!(!pngs.is_empty());
    for p in &pngs {
        let bytes = std::fs::read(p.path()).unwrap();
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 2000,
            "a page with content"
        );
    }
    let text = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).replace(['\n', ' '], "");
    for needle in [
        "北仑区“净海”行动专班办公室",
        "〔2021〕2号",
        "梅山岛东侧岙口",
        "精密智控评价排名",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    let (_, xlsx) = bulletins
        .file(&office, b.id, BulletinFile::Xlsx)
        .await
        .unwrap();
    assert!(xlsx.starts_with(b"PK"));

    // Patrols: a plan, a CSV with bad lines (all named), a good GPX; coverage with blind spots.
    let patrols = Patrols::new(db.store.clone(), c.clone(), Arc::new(NoAisHistory));
    let plan = patrols
        .create_plan(
            &haijing,
            &PlanInput {
                region_id: Some(seeded.regions["330206"]),
                name: "白峰近岸夜巡".into(),
                zone: "121.90,29.80\n121.95,29.80\n121.95,29.84\n121.90,29.84".into(),
                starts_at: "2021-02-09T18:00".into(),
                ends_at: "2021-02-10T06:00".into(),
                unit_id: None,
                vessels: "海警 33102 艇".into(),
                personnel: "8".into(),
                personnel_names: String::new(),
                sweep_m: "1000".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        plan.unit_id, seeded.units["宁波海警局北仑工作站"],
        "the planner's own unit by default"
    );
    let bad_plan = patrols
        .create_plan(
            &haijing,
            &PlanInput {
                zone: "1,2\nx".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(bad_plan, WorkflowError::Invalid(f) if f.iter().any(|f| f.field == "zone" && f.zh.contains("第 2 行")))
    );
    let rec = RecordInput {
        vessel: "海警 33102 艇".into(),
        personnel: "8".into(),
        ships_checked: "3".into(),
        persons_checked: "10".into(),
        ships_seized: "1".into(),
        ..Default::default()
    };
    let csv = "time,lat,lon\n2021-02-09T20:00:00+08:00,29.81,121.91\n2021-02-09T20:30:00+08:00,29.81,abc\n2021-02-09T21:00:00+08:00,91,121.93\n";
    let e = patrols
        .record_from_file(&haijing, plan.id, &rec, Some(("track.csv", csv.as_bytes())))
        .await
        .unwrap_err();
    match e {
        WorkflowError::Invalid(f) => {
            assert_eq!(f.len(), 2);
            assert!(
                f[0].zh.starts_with("第 3 行") && f[1].zh.starts_with("第 4 行"),
                "{f:?}"
            );
        }
        e => panic!("{e:?}"),
    }
    let gpx = r#"<?xml version="1.0"?><gpx version="1.1"><trk><trkseg>
<trkpt lat="29.805" lon="121.90"><time>2021-02-09T12:00:00Z</time></trkpt>
<trkpt lat="29.805" lon="121.95"><time>2021-02-09T13:00:00Z</time></trkpt>
<trkpt lat="29.815" lon="121.95"><time>2021-02-09T14:00:00Z</time></trkpt>
</trkseg></trk></gpx>"#;
    let r = patrols
        .record_from_file(&haijing, plan.id, &rec, Some(("track.gpx", gpx.as_bytes())))
        .await
        .unwrap();
    assert!(
        r.length_km > 5.0 && r.area_km2 > 4.0,
        "{} km, {} km²",
        r.length_km,
        r.area_km2
    );
    let d = patrols.detail(&haijing, plan.id).await.unwrap();
    assert!(
        d.coverage.ratio > 0.1 && d.coverage.ratio < 0.6,
        "{}",
        d.coverage.ratio
    );
    assert!(!d.coverage.blind_spots.is_empty());
    assert!(matches!(
        patrols
            .record_from_file(&meishan, plan.id, &rec, Some(("t.gpx", gpx.as_bytes())))
            .await,
        Err(WorkflowError::NotFound)
    ));
    assert!(
        matches!(patrols.record_from_ais(&haijing, plan.id, &RecordInput { mmsi: "412900001".into(), ..rec.clone() }).await, Err(WorkflowError::Invalid(f)) if f[0].zh.contains("GPX"))
    );

    // The daily report's 海上巡航 section, prefilled from yesterday's records (the demo's and this one).
    let yesterday = today - 1;
    let draft = patrols
        .prefill_daily(&haijing, seeded.regions["330206"], yesterday)
        .await;
    // Yesterday's section was already submitted by the demo, so it cannot be replaced…
    assert!(
        matches!(draft, Err(WorkflowError::Forbidden { .. })),
        "{draft:?}"
    );
    // …but today's figures (the GPX started yesterday evening) fill the form's values.
    let (values, n) = patrols
        .day_figures(&haijing, seeded.regions["330206"], yesterday)
        .await
        .unwrap();
    assert_eq!(n, 2, "the demo's record and this one");
    let get = |k: &str| values.iter().find(|(key, _)| key == k).unwrap().1.clone();
    assert_eq!(
        (
            get("mp_personnel").as_str(),
            get("mp_ships_checked").as_str(),
            get("mp_ships_seized").as_str()
        ),
        ("20", "9", "2")
    );
    assert!(get("mp_area").parse::<f64>().unwrap() > 4.0);
    // On a day with no report yet, the prefill saves a draft for the lead unit to check.
    let p2 = patrols
        .create_plan(
            &haijing,
            &PlanInput {
                region_id: Some(seeded.regions["330206"]),
                name: "今日巡航".into(),
                zone: "121.90,29.80\n121.95,29.80\n121.95,29.84".into(),
                starts_at: "2021-02-10T06:00".into(),
                ends_at: "2021-02-10T08:30".into(),
                personnel: "6".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let today_gpx = gpx
        .replace("T12:", "T22:")
        .replace("T13:", "T23:")
        .replace("2021-02-09T14:", "2021-02-10T00:");
    patrols
        .record_from_file(
            &haijing,
            p2.id,
            &rec,
            Some(("today.gpx", today_gpx.as_bytes())),
        )
        .await
        .unwrap();
    let entry = patrols
        .prefill_daily(&haijing, seeded.regions["330206"], today)
        .await
        .unwrap();
    assert_eq!(entry.status, EntryStatus::Draft);
    assert_eq!(entry.value("mp_ships_checked"), 3000);
    assert!(entry.notes.contains("巡航记录"));
    assert!(matches!(
        patrols
            .prefill_daily(&meishan, seeded.regions["330206"], today)
            .await,
        Err(WorkflowError::NotFound)
    ));
}

#[tokio::test]
async fn scoring_bulletins_patrols_sqlite() {
    story(jinghai_store::testkit::sqlite().await).await;
}

#[tokio::test]
async fn scoring_bulletins_patrols_postgres() {
    story(jinghai_store::testkit::postgres().await).await;
}
