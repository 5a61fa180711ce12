//! The engine, live in the server: the shared coastal exercise's NMEA runs
//! through the feed, and the stored alerts are exactly the ground truth.

use std::collections::BTreeMap;
use std::sync::Arc;

use jinghai_ingest::RawLine;
use jinghai_server::live::{run_feed, Feed, FeedFiles};
use jinghai_workflow::seed::seed_demo;
use jinghai_workflow::{Clock, ManualClock};

fn shared(path: &str) -> String {
    let p = format!(
        "{}/../../../shared/data/scenarios/example-1/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

async fn alerts_match_truth(db: jinghai_store::testkit::TestDb) {
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(1_613_500_000_000));
    seed_demo(&db.store, &clock).await.unwrap();
    let files = FeedFiles {
        zones: shared("zones.geojson"),
        vessels: shared("vessels.csv"),
        reports: Some(shared("port_reports.csv")),
        engine: None,
    };
    let feed = Feed::new(&db.store, "example-1", "330206", &files, 1)
        .await
        .unwrap();
    let (tx, rx) = jinghai_ingest::channel(1024);
    let source: Arc<str> = Arc::from("test");
    let nmea = shared("ais.nmea");
    let sender = tokio::spawn(async move {
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
    run_feed(db.store.clone(), clock, feed, rx).await.unwrap();
    sender.await.unwrap();

    let scope = jinghai_domain::Scope {
        user_id: 0,
        role: jinghai_domain::Role::Admin,
        region_prefix: "330206".into(),
        unit_id: None,
    };
    // The demo's week (issue #9's seed) has alerts of its own; the feed's are the rest.
    let from_feed = |a: &jinghai_domain::alert::Alert| !a.event_key.starts_with("demo-week:");
    let alerts: Vec<_> = db
        .store
        .list_alerts(&scope, 5000)
        .await
        .unwrap()
        .into_iter()
        .filter(from_feed)
        .collect();
    let mut found: BTreeMap<(String, i64), usize> = BTreeMap::new();
    for a in &alerts {
        *found.entry((a.kind.clone(), a.mmsi)).or_default() += 1;
        assert!(
            a.end_at.is_some(),
            "every alert is closed at the end of the recording"
        );
    }
    let mut truth: BTreeMap<(String, i64), usize> = BTreeMap::new();
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
    assert_eq!(
        found, truth,
        "stored alerts are the exercise's ground truth"
    );
    // Outside the district's scope nothing is seen.
    let zhenhai = jinghai_domain::Scope {
        region_prefix: "330211".into(),
        ..scope
    };
    assert!(!db
        .store
        .list_alerts(&zhenhai, 10)
        .await
        .unwrap()
        .iter()
        .any(from_feed));
}

#[tokio::test]
async fn live_feed_stores_the_exercise_alerts_sqlite() {
    alerts_match_truth(jinghai_store::testkit::sqlite().await).await;
}

#[tokio::test]
async fn live_feed_stores_the_exercise_alerts_postgres() {
    alerts_match_truth(jinghai_store::testkit::postgres().await).await;
}

/// A `nats-server` with JetStream on a free loopback port, stopped on drop.
struct Nats {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Nats {
    fn start() -> Nats {
        let bin = ["/usr/sbin/nats-server", "/usr/bin/nats-server"]
            .into_iter()
            .find(|p| std::path::Path::new(p).is_file())
            .expect("nats-server is not installed: run scripts/install-deps.sh nats (Debian package nats-server), or scripts/test.sh which does");
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(bin)
            .args(["-a", "127.0.0.1", "-p", &port.to_string(), "-js", "-sd"])
            .arg(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start nats-server");
        Nats {
            child,
            port,
            _dir: dir,
        }
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// With `[stream]` the engines run in the workers; a web node draws the
/// feed's vessels from the stream itself and pushes the alerts the workers
/// store (issue #10).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_feed_is_drawn_on_the_map_from_the_stream() {
    use jinghai_workflow::picture::Picture;
    let nats = Nats::start();
    let db = jinghai_store::testkit::sqlite().await;
    // The exercise's own time, so its vessels are live on the map.
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(1_613_500_000_000));
    seed_demo(&db.store, &clock).await.unwrap();
    let cfg = jinghai_stream::StreamConfig::new(
        format!("nats://127.0.0.1:{}", nats.port),
        jinghai_stream::Grid::default(),
    );
    // The district's registries as the node loads them (nothing imported).
    let loaded = Feed::from_store(&db.store, &clock, "beilun", "330206", None, 0)
        .await
        .unwrap();
    let picture = Picture::new();
    // The broker may still be starting: the map waits for the stream.
    let mut tries = 0;
    let js = loop {
        match jinghai_stream::connect(&cfg).await {
            Ok(js) => break js,
            Err(e) if tries < 50 => {
                tries += 1;
                let _ = e;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => panic!("{e}"),
        }
    };
    jinghai_stream::ensure_stream(&js, &cfg).await.unwrap();
    jinghai_server::live::show_stream_on_map(
        db.store.clone(),
        clock.clone(),
        &loaded,
        cfg.clone(),
        &picture,
    );

    // A receiver's lines, published by another node.
    let nmea = shared("ais.nmea");
    let mut expected = std::collections::BTreeSet::new();
    let mut decoder = jinghai_ais::Decoder::default();
    for line in nmea.lines() {
        if let Ok(Some(d)) = decoder.decode_line(line.as_bytes()) {
            if let Some(o) = jinghai_engine::from_ais::observation(&d, d.time_or(0)) {
                if matches!(o.kind, jinghai_engine::ObservationKind::Position(_)) {
                    expected.insert(o.mmsi);
                }
            }
        }
    }
    let (tx, rx) = jinghai_ingest::channel(1024);
    let publisher = tokio::spawn(jinghai_stream::publish_lines(cfg.clone(), rx));
    let source: Arc<str> = Arc::from("receiver-1");
    for line in nmea.lines() {
        tx.send(RawLine {
            bytes: line.as_bytes().to_vec(),
            received_ms: 0,
            source: source.clone(),
        })
        .await
        .unwrap();
    }
    drop(tx);
    publisher.await.unwrap().unwrap();

    let feed = picture
        .feeds()
        .into_iter()
        .next()
        .expect("the feed is on the map");
    let started = std::time::Instant::now();
    while expected.iter().any(|m| feed.vessel(*m).is_none()) {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "vessels on the map: {} of {}",
            expected
                .iter()
                .filter(|m| feed.vessel(**m).is_some())
                .count(),
            expected.len()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // A track to draw, not just a dot.
    let some = *expected.iter().next().unwrap();
    assert!(feed.track(some, 0, i64::MAX).is_some_and(|t| t.len() > 1));

    // An alert a worker stores reaches the map's push.
    let region = db
        .store
        .find_region_by_code(
            jinghai_domain::RegionCode::parse("330206")
                .unwrap()
                .as_str(),
        )
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let id = db
        .store
        .upsert_alert(
            1_613_500_000_000,
            &jinghai_store::AlertWrite {
                event_key: "beilun:encounter:412000001:412000002:-:1613499000000".into(),
                region_id: region.id,
                kind: "encounter".into(),
                mmsi: 412_000_001,
                other_mmsi: Some(412_000_002),
                start_at: 1_613_499_000_000,
                end_at: None,
                lat: 29.8,
                lon: 122.1,
                zone_id: None,
                detail: "{}".into(),
            },
        )
        .await
        .unwrap();
    let started = std::time::Instant::now();
    while !feed.alerts_since(0).iter().any(|a| a.id == id) {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the stored alert never reached the map"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
