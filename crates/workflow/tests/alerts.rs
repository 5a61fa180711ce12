//! The alert desk: assign → acknowledge → dismiss with a reason, or escalate;
//! every step audited; other units and regions cannot act.

use std::sync::Arc;

use jinghai_domain::alert::{AlertFilter, AlertStatus};
use jinghai_store::{AlertWrite, AuditFilter};
use jinghai_workflow::accounts::LoginLimits;
use jinghai_workflow::alerts::Alerts;
use jinghai_workflow::seed::{seed_demo, DEMO_PASSWORD};
use jinghai_workflow::{Accounts, Clock, ManualClock, WorkflowError};

async fn story(db: jinghai_store::testkit::TestDb) {
    let manual = Arc::new(ManualClock::new(1_613_000_000_000));
    let clock: Arc<dyn Clock> = manual.clone();
    let seeded = seed_demo(&db.store, &clock).await.unwrap();
    let accounts = Accounts::new(db.store.clone(), clock.clone(), LoginLimits::default());
    let alerts = Alerts::new(db.store.clone(), clock.clone()).with_ack_minutes(30);
    let login = |u: &'static str| {
        let a = &accounts;
        async move { a.login(u, DEMO_PASSWORD, "t").await.unwrap().ctx }
    };
    let (office, haijing, bianjian, zhenhai) = (
        login("office").await,
        login("haijing").await,
        login("bianjian").await,
        login("zhenhai.office").await,
    );
    let write = |n: i64| AlertWrite {
        event_key: format!("t:{n}"),
        region_id: seeded.regions["330206"],
        kind: "encounter".into(),
        mmsi: 412_000_000 + n,
        other_mmsi: Some(413_000_000),
        start_at: 1_613_000_000_000,
        end_at: None,
        lat: 29.9,
        lon: 121.9,
        zone_id: None,
        detail: "{}".into(),
    };
    // The demo seeds a past week of alerts too: counts are taken relative to it.
    let base = alerts.counts(&office).await.unwrap();
    let a = db.store.upsert_alert(0, &write(1)).await.unwrap();
    let b = db.store.upsert_alert(0, &write(2)).await.unwrap();
    assert_eq!(
        db.store.upsert_alert(0, &write(1)).await.unwrap(),
        a,
        "same event, same alert"
    );

    // The desk's filters and the overdue count (raised at `at` = 0 above is
    // long ago; a third alert raised now is not overdue).
    let c = db
        .store
        .upsert_alert(
            manual.now(),
            &AlertWrite {
                kind: "ais_gap".into(),
                zone_id: Some("Z-COVE".into()),
                start_at: 1_613_000_600_000,
                ..write(3)
            },
        )
        .await
        .unwrap();
    let ids = |v: Vec<jinghai_domain::alert::Alert>| {
        v.iter()
            .filter(|a| a.event_key.starts_with("t:"))
            .map(|a| a.id)
            .collect::<Vec<_>>()
    };
    let list = |f: AlertFilter| {
        let (alerts, office) = (&alerts, &office);
        async move { ids(alerts.list(office, &f, 100).await.unwrap()) }
    };
    assert_eq!(
        list(AlertFilter::default()).await,
        vec![c, b, a],
        "newest first"
    );
    let by_kind = AlertFilter {
        kind: Some("ais_gap".into()),
        ..Default::default()
    };
    assert_eq!(list(by_kind).await, vec![c]);
    let by_zone = AlertFilter {
        zone_id: Some("Z-COVE".into()),
        ..Default::default()
    };
    assert_eq!(list(by_zone).await, vec![c]);
    let by_vessel = AlertFilter {
        mmsi: Some(413_000_000),
        ..Default::default()
    };
    assert_eq!(list(by_vessel).await, vec![c, b, a], "counterpart counts");
    let by_time = AlertFilter {
        from: Some(1_613_000_000_001),
        ..Default::default()
    };
    assert_eq!(list(by_time).await, vec![c]);
    let before = AlertFilter {
        to: Some(1_613_000_000_001),
        ..Default::default()
    };
    assert_eq!(list(before).await, vec![b, a]);
    let newer = AlertFilter {
        after_id: Some(b),
        ..Default::default()
    };
    assert_eq!(list(newer).await, vec![c]);
    assert_eq!(list(alerts.overdue_filter()).await, vec![b, a]);
    let counts = alerts.counts(&office).await.unwrap();
    assert_eq!(
        (
            counts.open - base.open,
            counts.new - base.new,
            counts.overdue - base.overdue
        ),
        (3, 3, 2)
    );
    assert!(
        ids(alerts
            .list(&zhenhai, &AlertFilter::default(), 100)
            .await
            .unwrap())
        .is_empty(),
        "another district sees none"
    );
    manual.advance(31 * 60_000);
    assert_eq!(
        alerts.counts(&office).await.unwrap().overdue - base.overdue,
        3,
        "30 minutes on, the new one too"
    );

    let coast_guard = seeded.units["宁波海警局北仑工作站"];
    assert!(
        matches!(
            alerts.assign(&haijing, a, Some(coast_guard)).await,
            Err(WorkflowError::Forbidden { .. })
        ),
        "only the office assigns"
    );
    assert!(
        matches!(
            alerts.assign(&zhenhai, a, Some(coast_guard)).await,
            Err(WorkflowError::NotFound)
        ),
        "another district cannot see it"
    );
    let x = alerts.assign(&office, a, Some(coast_guard)).await.unwrap();
    assert_eq!(
        (x.status, x.assigned_unit_id),
        (AlertStatus::Assigned, Some(coast_guard))
    );
    assert!(
        alerts.acknowledge(&bianjian, a,).await.is_err(),
        "another unit cannot acknowledge"
    );
    assert_eq!(
        alerts.acknowledge(&haijing, a).await.unwrap().status,
        AlertStatus::Acknowledged
    );
    let e = alerts.close(&haijing, a, false, "  ").await.unwrap_err();
    assert!(e.user_message(jinghai_domain::Lang::Zh).contains("理由"));
    assert_eq!(
        alerts
            .close(&haijing, a, false, "经核查为正常作业渔船并靠")
            .await
            .unwrap()
            .status,
        AlertStatus::Dismissed
    );
    assert!(
        alerts.close(&haijing, a, true, "").await.is_err(),
        "a closed alert stays closed"
    );
    assert_eq!(
        alerts
            .close(&office, b, true, "疑似过驳，转线索")
            .await
            .unwrap()
            .status,
        AlertStatus::Escalated
    );

    let log = db
        .store
        .list_audit(
            &office.scope,
            &AuditFilter {
                entity: Some("alert".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .into_iter()
        // The demo's week has alerts of its own (issue #9's seed).
        .filter(|e| e.entity_id == Some(a) || e.entity_id == Some(b))
        .collect::<Vec<_>>();
    assert_eq!(log.len(), 4, "assign, acknowledge, dismiss, escalate");
    let by_status = AlertFilter {
        status: Some(AlertStatus::Dismissed),
        ..Default::default()
    };
    assert_eq!(list(by_status).await, vec![a]);
    let by_unit = AlertFilter {
        unit_id: Some(coast_guard),
        ..Default::default()
    };
    assert_eq!(list(by_unit).await, vec![a]);
    let counts = alerts.counts(&office).await.unwrap();
    assert_eq!(
        (
            counts.open - base.open,
            counts.new - base.new,
            counts.overdue - base.overdue
        ),
        (1, 1, 1),
        "only c is open"
    );
    assert!(log.iter().any(|e| e
        .after
        .as_deref()
        .unwrap_or("")
        .contains("经核查为正常作业渔船并靠")));
}

#[tokio::test]
async fn alert_desk_sqlite() {
    story(jinghai_store::testkit::sqlite().await).await;
}

#[tokio::test]
async fn alert_desk_postgres() {
    story(jinghai_store::testkit::postgres().await).await;
}
