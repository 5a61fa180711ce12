//! The alert desk: assign → acknowledge → dismiss with a reason, or escalate;
//! every step audited; other units and regions cannot act.

use std::sync::Arc;

use jinghai_domain::alert::AlertStatus;
use jinghai_store::{AlertWrite, AuditFilter};
use jinghai_workflow::accounts::LoginLimits;
use jinghai_workflow::alerts::Alerts;
use jinghai_workflow::seed::{seed_demo, DEMO_PASSWORD};
use jinghai_workflow::{Accounts, Clock, ManualClock, WorkflowError};

async fn story(db: jinghai_store::testkit::TestDb) {
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(1_613_000_000_000));
    let seeded = seed_demo(&db.store, &clock).await.unwrap();
    let accounts = Accounts::new(db.store.clone(), clock.clone(), LoginLimits::default());
    let alerts = Alerts::new(db.store.clone(), clock.clone());
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
    let a = db.store.upsert_alert(0, &write(1)).await.unwrap();
    let b = db.store.upsert_alert(0, &write(2)).await.unwrap();
    assert_eq!(
        db.store.upsert_alert(0, &write(1)).await.unwrap(),
        a,
        "same event, same alert"
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
