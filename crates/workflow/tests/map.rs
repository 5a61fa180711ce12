//! The live map service over a real store: a vessel's panel (registry record,
//! its alerts as the user may see them, open events), tracks, search, and an
//! alert's evidence; users of another district get nothing.

use std::sync::Arc;

use jinghai_engine::{Event, EventId, EventKind, Registry, ZoneSet};
use jinghai_store::AlertWrite;
use jinghai_workflow::accounts::LoginLimits;
use jinghai_workflow::map::{parse_viewport, Map};
use jinghai_workflow::picture::{OpenEvent, Picture, VesselUpdate};
use jinghai_workflow::seed::{seed_demo, DEMO_PASSWORD};
use jinghai_workflow::{Accounts, Clock, ManualClock, WorkflowError};

const T: i64 = 1_616_548_398_000;

const ZONES: &str = r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"id":"J1","name":"辖区海域","kind":"jurisdiction"},
  "geometry":{"type":"Polygon","coordinates":[[[121.8,29.7],[122.4,29.7],[122.4,30.1],[121.8,30.1],[121.8,29.7]]]}},
 {"type":"Feature","properties":{"id":"Q1","name":"梅山岙口","kind":"cove"},
  "geometry":{"type":"Polygon","coordinates":[[[121.95,29.75],[122.0,29.75],[122.0,29.8],[121.95,29.8],[121.95,29.75]]]}}]}"#;

const VESSELS: &str = "mmsi,name,kind,flag,international,home_port,owner_kind,owner_name,registry_no\n412000001,浙北渔 0001,fishing,CN,false,梅山,individual,张某,ZJ0001\n";

fn update(mmsi: u32, lat: f64, lon: f64, time_ms: i64) -> VesselUpdate {
    VesselUpdate {
        mmsi,
        name: None,
        ship_type: Some(30),
        lat,
        lon,
        sog: Some(6.0),
        cog: Some(45.0),
        heading: Some(44),
        time_ms,
    }
}

async fn story(db: jinghai_store::testkit::TestDb) {
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(T));
    seed_demo(&db.store, &clock).await.unwrap();
    let accounts = Accounts::new(db.store.clone(), clock.clone(), LoginLimits::default());
    let login = |u: &'static str| {
        let a = &accounts;
        async move { a.login(u, DEMO_PASSWORD, "t").await.unwrap().ctx }
    };
    let (office, meishan, zhenhai) = (
        login("office").await,
        login("meishan").await,
        login("zhenhai.office").await,
    );
    let picture = Arc::new(Picture::new());
    let map = Map::new(db.store.clone(), picture.clone());
    let beilun = db
        .store
        .find_region_by_code("330206000000")
        .await
        .unwrap()
        .unwrap();
    let feed = picture.attach(
        "beilun",
        beilun.clone(),
        ZoneSet::from_geojson(ZONES, "z").unwrap(),
        Registry::from_csv(VESSELS, "v").unwrap(),
    );
    // Two vessels meet in the cove over ten minutes.
    for i in 0..11 {
        let t = T + i * 60_000;
        feed.publish(
            t,
            [
                update(412_000_001, 29.76 + i as f64 * 0.002, 121.96, t),
                update(412_999_999, 29.78, 121.97 + i as f64 * 0.001, t),
            ],
            Some(vec![OpenEvent {
                kind: "encounter",
                mmsi: 412_000_001,
                other_mmsi: Some(412_999_999),
                start_ms: T,
                lat: 29.77,
                lon: 121.965,
                zone_id: None,
            }]),
        );
    }
    let event = Event {
        id: EventId(7),
        kind: EventKind::LandingStop,
        mmsi: 412_000_001,
        other_mmsi: Some(412_999_999),
        start_ms: T + 120_000,
        end_ms: Some(T + 420_000),
        lat: 29.77,
        lon: 121.965,
        zone_id: Some("Q1".into()),
        detail: serde_json::json!({}),
    };
    let id = db
        .store
        .upsert_alert(
            T,
            &AlertWrite {
                event_key: "beilun:1:7".into(),
                region_id: beilun.id,
                kind: "landing_stop".into(),
                mmsi: 412_000_001,
                other_mmsi: Some(412_999_999),
                start_at: event.start_ms,
                end_at: event.end_ms,
                lat: event.lat,
                lon: event.lon,
                zone_id: event.zone_id.clone(),
                detail: "{}".into(),
            },
        )
        .await
        .unwrap();
    feed.note_alert(id, &event);

    // The office's panel: registry record, the alert, the open encounter.
    let d = map.vessel(&office, 412_000_001).await.unwrap();
    assert_eq!(d.vessel.name, "浙北渔 0001", "named from the registry");
    assert_eq!(d.registry.as_ref().unwrap().owner_name, "张某");
    assert_eq!(d.alerts.iter().map(|a| a.id).collect::<Vec<_>>(), [id]);
    assert_eq!(d.open_events.len(), 1);
    assert_eq!(d.feed.district_name, "北仑区");
    // The counterpart is unregistered and has the encounter too.
    let other = map.vessel(&office, 412_999_999).await.unwrap();
    assert!(other.registry.is_none() && other.open_events.len() == 1);

    // A town's worker sees the vessel (the district's sea), not the district's alert.
    let m = map.vessel(&meishan, 412_000_001).await.unwrap();
    assert!(m.alerts.is_empty(), "alerts keep the store's scoping");
    let town_changes = map.changes(&meishan, &parse_viewport("", "").unwrap(), None, 0);
    assert!(town_changes.alerts.is_empty());
    assert_eq!(town_changes.view.total, 2);
    let office_changes = map.changes(&office, &parse_viewport("", "").unwrap(), None, 0);
    assert_eq!(
        office_changes
            .alerts
            .iter()
            .map(|a| a.id)
            .collect::<Vec<_>>(),
        [id]
    );
    let later = map.changes(
        &office,
        &parse_viewport("", "").unwrap(),
        Some(office_changes.view.seq),
        office_changes.view.seq,
    );
    assert!(later.alerts.is_empty() && later.view.vessels.is_empty() && !later.full);

    // Another district: nothing at all.
    assert!(matches!(
        map.vessel(&zhenhai, 412_000_001).await,
        Err(WorkflowError::NotFound)
    ));
    assert!(matches!(
        map.track(&zhenhai, 412_000_001, 3),
        Err(WorkflowError::NotFound)
    ));
    assert!(map.search(&zhenhai, "").unwrap().is_empty());
    assert!(map.zones(&zhenhai).is_empty());
    assert_eq!(
        map.viewport(&zhenhai, &parse_viewport("", "").unwrap())
            .total,
        0
    );
    assert!(matches!(
        map.evidence(&zhenhai, id).await,
        Err(WorkflowError::NotFound)
    ));

    // The track over the last hour of the feed's clock.
    let track = map.track(&office, 412_000_001, 1).unwrap();
    assert_eq!(track.points.len(), 11);
    assert_eq!(track.to_ms, T + 600_000);
    // Search by a piece of the name or the MMSI.
    assert_eq!(
        map.search(&office, "北渔").unwrap()[0].vessel.mmsi,
        412_000_001
    );
    assert_eq!(
        map.search(&office, "412999").unwrap()[0].vessel.mmsi,
        412_999_999
    );
    assert!(map.search(&office, &"x".repeat(41)).is_err());

    // The alert's evidence: both tracks over its window (± margin) and the cove.
    let e = map.evidence(&office, id).await.unwrap();
    assert_eq!(
        e.track.len(),
        11,
        "the whole ten minutes, inside the margins"
    );
    assert_eq!(e.counterpart.len(), 11);
    assert_eq!(e.zone.as_ref().unwrap().name, "梅山岙口");
    assert_eq!(e.from_ms, T + 120_000 - 15 * 60_000);
    // An alert of a feed no longer running keeps its facts, without tracks.
    let gone = db
        .store
        .upsert_alert(
            T,
            &AlertWrite {
                event_key: "old-feed:1:1".into(),
                region_id: beilun.id,
                kind: "ais_gap".into(),
                mmsi: 412_000_001,
                other_mmsi: None,
                start_at: T,
                end_at: None,
                lat: 29.9,
                lon: 122.0,
                zone_id: None,
                detail: "{}".into(),
            },
        )
        .await
        .unwrap();
    let e = map.evidence(&office, gone).await.unwrap();
    assert!(e.feed.is_none() && e.track.is_empty() && e.zone.is_none());
}

#[tokio::test]
async fn map_service_sqlite() {
    story(jinghai_store::testkit::sqlite().await).await;
}

#[tokio::test]
async fn map_service_postgres() {
    story(jinghai_store::testkit::postgres().await).await;
}
