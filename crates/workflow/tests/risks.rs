//! The risk list from found to closed, with evidence, on both backends.

use std::sync::Arc;

use jinghai_domain::report::{cst_hour, parse_day};
use jinghai_domain::risk::RiskStatus;
use jinghai_domain::time::DAY;
use jinghai_workflow::accounts::LoginLimits;
use jinghai_workflow::risks::{PlaceInput, PlanInput, RiskInput, Risks};
use jinghai_workflow::seed::{seed_demo, DEMO_PASSWORD};
use jinghai_workflow::{Accounts, Clock, ManualClock, WorkflowError};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n0000";

async fn story(db: jinghai_store::testkit::TestDb) {
    let clock = Arc::new(ManualClock::new(cst_hour(
        parse_day("2021-02-10").unwrap(),
        9,
    )));
    let c: Arc<dyn Clock> = clock.clone();
    let seeded = seed_demo(&db.store, &c).await.unwrap();
    let accounts = Accounts::new(db.store.clone(), c.clone(), LoginLimits::default());
    let risks = Risks::new(db.store.clone(), c);
    let ctx = |u: &'static str| {
        let accounts = &accounts;
        async move { accounts.login(u, DEMO_PASSWORD, "t").await.unwrap().ctx }
    };
    let (meishan, office, haijing, baifeng) = (
        ctx("meishan").await,
        ctx("office").await,
        ctx("haijing").await,
        ctx("baifeng").await,
    );

    // A town worker registers a risk found in an inspection.
    let input = RiskInput {
        region_id: Some(seeded.regions["330206008"]),
        place: "梅山岙口临时停靠点".into(),
        lat: "29.78".into(),
        lon: "121.98".into(),
        category: "cove".into(),
        description: "岙口无人值守，夜间有小船靠泊".into(),
        severity: "high".into(),
        found_by: "梅山街道网格员".into(),
        found_on: "2021-02-09".into(),
    };
    let r = risks.create(&meishan, &input).await.unwrap();
    assert_eq!(r.status, RiskStatus::Open);
    let bad = risks
        .create(
            &meishan,
            &RiskInput {
                lat: "95".into(),
                category: "x".into(),
                found_on: "2030-01-01".into(),
                ..input.clone()
            },
        )
        .await
        .unwrap_err();
    let WorkflowError::Invalid(errs) = bad else {
        panic!()
    };
    let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
    assert!(
        fields.contains(&"lat") && fields.contains(&"category") && fields.contains(&"found_on"),
        "{fields:?}"
    );
    assert!(
        risks.detail(&baifeng, r.id).await.is_err(),
        "another town does not see it"
    );

    // The office sets the plan; the coast guard is responsible.
    assert!(
        risks
            .plan(&meishan, r.id, &PlanInput::default())
            .await
            .is_err(),
        "only the office plans"
    );
    let plan = PlanInput {
        measure: "设置卡口，夜间巡查".into(),
        unit_id: Some(seeded.units["宁波海警局北仑工作站"]),
        person: "王某".into(),
        deadline: "2021-02-20".into(),
    };
    let r = risks.plan(&office, r.id, &plan).await.unwrap();
    assert_eq!(r.status, RiskStatus::Rectifying);
    assert!(
        risks.detail(&haijing, r.id).await.unwrap().can_report,
        "the responsible unit reports"
    );

    // Weekly progress; a missing update is flagged after a week.
    risks
        .weekly_update(&haijing, r.id, "已设置临时卡口")
        .await
        .unwrap();
    clock.advance(8 * DAY);
    let now = risks
        .list(&office)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.id == r.id)
        .unwrap();
    assert!(now.update_missing(risks.today()));

    // Close-out needs evidence text and at least one file; files are checked.
    let e = risks
        .apply_close(&haijing, r.id, "卡口已建成")
        .await
        .unwrap_err();
    assert!(e
        .user_message(jinghai_domain::Lang::Zh)
        .contains("佐证材料"));
    assert!(risks
        .attach(&haijing, r.id, "evil.exe", b"MZ")
        .await
        .is_err());
    assert!(risks
        .attach(&haijing, r.id, "fake.png", b"not a png")
        .await
        .is_err());
    let att = risks
        .attach(&haijing, r.id, "卡口照片.png", PNG)
        .await
        .unwrap();
    assert_eq!(att.content_type, "image/png");
    let r2 = risks
        .apply_close(&haijing, r.id, "卡口已建成并安排夜间值守")
        .await
        .unwrap();
    assert_eq!(r2.status, RiskStatus::PendingCheck);

    // The office rejects once (comment required), then closes it.
    assert!(risks.check(&office, r.id, false, "").await.is_err());
    assert_eq!(
        risks
            .check(&office, r.id, false, "缺少夜间值守记录")
            .await
            .unwrap()
            .status,
        RiskStatus::Rectifying
    );
    risks
        .weekly_update(&haijing, r.id, "补充值守记录")
        .await
        .unwrap();
    risks
        .apply_close(&haijing, r.id, "卡口已建成，值守记录见附件")
        .await
        .unwrap();
    assert!(
        risks.check(&haijing, r.id, true, "").await.is_err(),
        "the unit cannot close its own item"
    );
    let closed = risks
        .check(&office, r.id, true, "现场核查属实，同意销号")
        .await
        .unwrap();
    assert_eq!(closed.status, RiskStatus::Closed);
    assert!(closed.closed_on.is_some());
    assert!(
        risks.weekly_update(&haijing, r.id, "x").await.is_err(),
        "closed items take no more updates"
    );
    let (a, bytes) = risks.attachment(&office, att.id).await.unwrap();
    assert_eq!(
        (a.file_name.as_str(), bytes.as_slice()),
        ("卡口照片.png", PNG)
    );
    assert!(risks.attachment(&baifeng, att.id).await.is_err());

    // An item past its deadline is overdue.
    let r3 = risks
        .create(
            &meishan,
            &RiskInput {
                place: "梅山某冷库".into(),
                category: "cold_store".into(),
                ..input
            },
        )
        .await
        .unwrap();
    risks
        .plan(
            &office,
            r3.id,
            &PlanInput {
                deadline: "2021-02-12".into(),
                ..plan
            },
        )
        .await
        .unwrap();
    let r3 = risks
        .list(&office)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.id == r3.id)
        .unwrap();
    assert!(r3.overdue(risks.today()));
}

/// A risk is placed on the map: a picked or typed position is kept; an
/// out-of-range or half position is refused naming the coordinate, and
/// nothing changes; another town cannot move it; the live map's layer lists
/// the open risks with a position only.
async fn placed_on_the_map(db: jinghai_store::testkit::TestDb) {
    let clock = Arc::new(ManualClock::new(cst_hour(
        parse_day("2021-02-10").unwrap(),
        9,
    )));
    let c: Arc<dyn Clock> = clock.clone();
    let seeded = seed_demo(&db.store, &c).await.unwrap();
    let accounts = Accounts::new(db.store.clone(), c.clone(), LoginLimits::default());
    let risks = Risks::new(db.store.clone(), c);
    let meishan = accounts
        .login("meishan", DEMO_PASSWORD, "t")
        .await
        .unwrap()
        .ctx;
    let baifeng = accounts
        .login("baifeng", DEMO_PASSWORD, "t")
        .await
        .unwrap()
        .ctx;
    let leader = accounts
        .login("leader", DEMO_PASSWORD, "t")
        .await
        .unwrap()
        .ctx;
    let r = risks
        .create(
            &meishan,
            &RiskInput {
                region_id: Some(seeded.regions["330206008"]),
                place: "梅山渔村埠头".into(),
                category: "fishing_village".into(),
                description: "夜间有外来人员出入".into(),
                severity: "medium".into(),
                found_by: "网格员".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((r.lat, r.lon), (None, None));
    let on_map = |list: Vec<jinghai_domain::risk::RiskItem>| list.iter().any(|x| x.id == r.id);
    assert!(
        !on_map(risks.on_map(&meishan).await.unwrap()),
        "no position yet"
    );

    for (lat, lon, field, word) in [
        ("91", "121.9", "lat", "纬度"),
        ("29.8", "181", "lon", "经度"),
        ("北纬29", "121.9", "lat", "纬度"),
        ("29.8", "", "lon", "经纬度"),
    ] {
        let err = risks
            .set_place(
                &meishan,
                r.id,
                &PlaceInput {
                    place: "梅山渔村埠头".into(),
                    lat: lat.into(),
                    lon: lon.into(),
                },
            )
            .await
            .unwrap_err();
        let WorkflowError::Invalid(errs) = err else {
            panic!("{lat},{lon}: {err:?}")
        };
        assert!(
            errs.iter()
                .any(|e| e.field == field && e.zh.contains(word) && !e.en.is_empty()),
            "{lat},{lon}: {errs:?}"
        );
    }
    let place = PlaceInput {
        place: "梅山渔村东埠头".into(),
        lat: "29.7731".into(),
        lon: "121.9876".into(),
    };
    assert!(
        risks.set_place(&baifeng, r.id, &place).await.is_err(),
        "another town"
    );
    assert!(
        risks.set_place(&leader, r.id, &place).await.is_err(),
        "read-only"
    );
    let unchanged = risks.detail(&meishan, r.id).await.unwrap();
    assert_eq!(
        (unchanged.risk.lat, unchanged.risk.place.as_str()),
        (None, "梅山渔村埠头")
    );
    assert!(unchanged.can_place);
    let moved = risks.set_place(&meishan, r.id, &place).await.unwrap();
    assert_eq!((moved.lat, moved.lon), (Some(29.7731), Some(121.9876)));
    assert_eq!(moved.place, "梅山渔村东埠头");
    assert!(on_map(risks.on_map(&meishan).await.unwrap()));
    assert!(!on_map(risks.on_map(&baifeng).await.unwrap()), "scoped");
    assert!(risks
        .on_map(&meishan)
        .await
        .unwrap()
        .iter()
        .all(|x| x.lat.is_some() && x.status != RiskStatus::Closed));
}

#[tokio::test]
async fn placed_on_the_map_sqlite() {
    placed_on_the_map(jinghai_store::testkit::sqlite().await).await;
}

#[tokio::test]
async fn placed_on_the_map_postgres() {
    placed_on_the_map(jinghai_store::testkit::postgres().await).await;
}

#[tokio::test]
async fn risk_story_sqlite() {
    story(jinghai_store::testkit::sqlite().await).await;
}

#[tokio::test]
async fn risk_story_postgres() {
    story(jinghai_store::testkit::postgres().await).await;
}
