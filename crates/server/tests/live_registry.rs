//! The live engine on the registries in the database: a feed's configured
//! files become the district's registries, the engine built from the
//! database finds exactly the exercise's ground truth, its port entries feed
//! the reconciliation, and edits made while it runs (a place deleted, a vessel
//! registered) reach it without a restart.

use std::collections::BTreeMap;
use std::sync::Arc;

use jinghai_domain::report::parse_day;
use jinghai_ingest::RawLine;
use jinghai_server::live::{run_feed, Feed, FeedFiles};
use jinghai_store::VesselFilter;
use jinghai_workflow::accounts::LoginLimits;
use jinghai_workflow::registry::{Registries, RegistryChange, VesselInput};
use jinghai_workflow::seed::{seed_demo, DEMO_PASSWORD};
use jinghai_workflow::{Accounts, Clock, ManualClock};

fn shared(path: &str) -> String {
    let p = format!(
        "{}/../../../shared/data/scenarios/example-1/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn files() -> FeedFiles {
    FeedFiles {
        zones: shared("zones.geojson"),
        vessels: shared("vessels.csv"),
        reports: Some(shared("port_reports.csv")),
        engine: None,
    }
}

fn beilun() -> jinghai_domain::Scope {
    jinghai_domain::Scope {
        user_id: 0,
        role: jinghai_domain::Role::Admin,
        region_prefix: "330206".into(),
        unit_id: None,
    }
}

/// Sends the exercise's lines, after `delay_ms` (so that changes queued
/// before are taken first by the feed).
fn send_lines(
    delay_ms: u64,
) -> (
    tokio::sync::mpsc::Receiver<RawLine>,
    tokio::task::JoinHandle<()>,
) {
    let (tx, rx) = jinghai_ingest::channel(1024);
    let source: Arc<str> = Arc::from("test");
    let nmea = shared("ais.nmea");
    let sender = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
        for line in nmea.lines() {
            tx.send(RawLine {
                bytes: line.as_bytes().to_vec(),
                received_ms: 0,
                source: source.clone(),
            })
            .await
            .unwrap();
        }
    });
    (rx, sender)
}

async fn alert_counts(db: &jinghai_store::testkit::TestDb) -> BTreeMap<(String, i64), usize> {
    let mut found = BTreeMap::new();
    // The demo seeds a past week of alerts of its own; only the feed's count here.
    for a in db.store.list_alerts(&beilun(), 5000).await.unwrap() {
        if a.event_key.starts_with("demo-week:") {
            continue;
        }
        *found.entry((a.kind.clone(), a.mmsi)).or_default() += 1;
    }
    found
}

fn truth() -> BTreeMap<(String, i64), usize> {
    let mut truth = BTreeMap::new();
    for line in shared("truth.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        *truth
            .entry((
                v["kind"].as_str().unwrap().to_string(),
                v["mmsi"].as_i64().unwrap(),
            ))
            .or_default() += 1;
    }
    truth
}

async fn from_the_database(db: jinghai_store::testkit::TestDb) {
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(1_613_500_000_000));
    seed_demo(&db.store, &clock).await.unwrap();
    let feed = Feed::from_store(&db.store, &clock, "example-1", "330206", Some(&files()), 1)
        .await
        .unwrap();
    // The files are now 北仑区's registries.
    let vessels = db
        .store
        .list_vessels(&beilun(), &VesselFilter::default())
        .await
        .unwrap();
    assert_eq!(vessels.len(), 73);
    assert!(!db.store.list_places(&beilun()).await.unwrap().is_empty());
    assert_eq!(
        db.store
            .count_port_reports_unscoped("330206")
            .await
            .unwrap(),
        46
    );
    let (rx, sender) = send_lines(0);
    run_feed(db.store.clone(), clock.clone(), feed, rx)
        .await
        .unwrap();
    sender.await.unwrap();
    assert_eq!(
        alert_counts(&db).await,
        truth(),
        "the engine built from the database finds the ground truth"
    );

    // A second start does not import the files again.
    Feed::from_store(&db.store, &clock, "example-1", "330206", Some(&files()), 2)
        .await
        .unwrap();
    assert_eq!(
        db.store
            .list_vessels(&beilun(), &VesselFilter::default())
            .await
            .unwrap()
            .len(),
        73
    );

    // The AIS port entries it saw reconcile against the reports: the entries
    // without a report are exactly the engine's unreported-port-entry vessels.
    let accounts = Accounts::new(db.store.clone(), clock.clone(), LoginLimits::default());
    let office = accounts
        .login("office", DEMO_PASSWORD, "t")
        .await
        .unwrap()
        .ctx;
    let registries = Registries::new(db.store.clone(), clock.clone());
    let day = parse_day("2021-02-16").unwrap();
    let rec = registries
        .reconcile(&office, None, day, day + 1)
        .await
        .unwrap();
    let mut unreported: Vec<i64> = rec.entries_without_report.iter().map(|e| e.mmsi).collect();
    unreported.sort();
    let mut expected: Vec<i64> = truth()
        .keys()
        .filter(|(k, _)| k == "unreported_port_entry")
        .map(|(_, m)| *m)
        .collect();
    expected.sort();
    assert_eq!(unreported, expected);
    assert!(
        rec.entries > expected.len(),
        "reported entries were seen too"
    );
    assert_eq!(rec.alerts.len(), expected.len());
}

async fn edits_reach_the_running_feed(db: jinghai_store::testkit::TestDb) {
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(1_613_500_000_000));
    seed_demo(&db.store, &clock).await.unwrap();
    let (tx, _keep) = tokio::sync::broadcast::channel::<RegistryChange>(64);
    let sender = tx.clone();
    let registries =
        Registries::new(db.store.clone(), clock.clone()).with_changes(Arc::new(move |c| {
            let _ = sender.send(c);
        }));
    let mut feed = Feed::from_store(&db.store, &clock, "example-1", "330206", Some(&files()), 1)
        .await
        .unwrap();
    feed.follow_registry(tx.subscribe());
    let accounts = Accounts::new(db.store.clone(), clock.clone(), LoginLimits::default());
    let office = accounts
        .login("office", DEMO_PASSWORD, "t")
        .await
        .unwrap()
        .ctx;

    // While it runs: fishing port F2 is deleted, and 412439993 is registered.
    let f2 = db
        .store
        .list_places(&beilun())
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.code == "F2")
        .unwrap();
    registries.delete_place(&office, f2.id).await.unwrap();
    let beilun_id = db
        .store
        .find_region_by_code("330206000000")
        .await
        .unwrap()
        .unwrap()
        .id;
    registries
        .create_vessel(
            &office,
            &VesselInput {
                region_id: Some(beilun_id),
                mmsi: "412439993".into(),
                name: "新登记渔船".into(),
                kind: "fishing".into(),
                flag: "CN".into(),
                owner_kind: "individual".into(),
                owner_name: "船东".into(),
                registry_no: "ZJ-NEW".into(),
                ..VesselInput::default()
            },
        )
        .await
        .unwrap();
    // The changes are queued before the first line is sent.
    let (rx, lines) = send_lines(300);
    run_feed(db.store.clone(), clock.clone(), feed, rx)
        .await
        .unwrap();
    lines.await.unwrap();

    let found = alert_counts(&db).await;
    let has = |kind: &str, mmsi: i64| found.contains_key(&(kind.to_string(), mmsi));
    // Without F2, the entries into it are no longer port entries …
    assert!(
        !has("unreported_port_entry", 412439736) && !has("unreported_port_entry", 412439760),
        "{found:?}"
    );
    // … while F1 is still watched;
    assert!(has("unreported_port_entry", 412439765));
    // the vessel registered while running is no longer unregistered, the other still is;
    assert!(!has("unregistered_vessel", 412439993) && has("unregistered_vessel", 413440015));
    // and the vessels lying together in what was a harbour now count as meeting at sea.
    let new_encounters = found
        .keys()
        .filter(|(kind, mmsi)| kind == "encounter" && !truth().contains_key(&(kind.clone(), *mmsi)))
        .count();
    assert!(new_encounters > 0, "{found:?}");
    // Everything else the exercise holds is still found.
    for (key, n) in truth() {
        if key.0 != "unreported_port_entry" && key.0 != "unregistered_vessel" {
            assert!(
                found.get(&key).is_some_and(|m| *m >= n),
                "{key:?} still found"
            );
        }
    }
}

#[tokio::test]
async fn feed_from_the_database_sqlite() {
    from_the_database(jinghai_store::testkit::sqlite().await).await;
}

#[tokio::test]
async fn feed_from_the_database_postgres() {
    from_the_database(jinghai_store::testkit::postgres().await).await;
}

#[tokio::test]
async fn edits_reach_the_running_feed_sqlite() {
    edits_reach_the_running_feed(jinghai_store::testkit::sqlite().await).await;
}

#[tokio::test]
async fn edits_reach_the_running_feed_postgres() {
    edits_reach_the_running_feed(jinghai_store::testkit::postgres().await).await;
}
