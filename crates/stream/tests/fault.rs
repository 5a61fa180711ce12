//! The fault test (issue #10): a 3-node JetStream cluster on loopback and two
//! engine workers. A generated exercise is published through the cluster;
//! mid-replay one broker node and one worker are killed, and the worker is
//! restarted. Every truth event must be stored exactly once, and nothing
//! else: recall and precision 1.00 against the exercise's ground truth.
//!
//! Needs `nats-server` (Debian package, `scripts/install-deps.sh nats`;
//! `scripts/test.sh` installs it). Without it the test fails saying so.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jinghai_domain::{RegionCode, RegionLevel, Role, Scope};
use jinghai_engine::exercise::{generate, parse_events, score, ExerciseOptions, Origin};
use jinghai_engine::{parse_port_reports, Engine, EngineConfig, Registry, ZoneSet};
use jinghai_ingest::RawLine;
use jinghai_store::NewRegion;
use jinghai_stream::{
    connect, ensure_stream, Grid, Publisher, Router, StoreSink, StreamConfig, Worker,
};

fn nats_server() -> PathBuf {
    for dir in std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .chain(["/usr/sbin", "/usr/bin"])
    {
        let p = PathBuf::from(dir).join("nats-server");
        if p.is_file() {
            return p;
        }
    }
    panic!("nats-server is not installed: run scripts/install-deps.sh nats (Debian package nats-server), or scripts/test.sh which does");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Three JetStream nodes clustered on loopback, each with its own directory.
struct Cluster {
    nodes: Vec<Option<Child>>,
    ports: Vec<u16>,
    _dir: tempfile::TempDir,
}

impl Cluster {
    fn start() -> Cluster {
        let bin = nats_server();
        let dir = tempfile::tempdir().unwrap();
        let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
        let routes: Vec<u16> = (0..3).map(|_| free_port()).collect();
        let route_list = routes
            .iter()
            .map(|p| format!("nats://127.0.0.1:{p}"))
            .collect::<Vec<_>>()
            .join(",");
        let nodes = (0..3)
            .map(|i| {
                let store = dir.path().join(format!("n{i}"));
                Some(
                    Command::new(&bin)
                        .args([
                            "-a",
                            "127.0.0.1",
                            "-p",
                            &ports[i].to_string(),
                            "-n",
                            &format!("n{i}"),
                        ])
                        .args([
                            "-js",
                            "-sd",
                            store.to_str().unwrap(),
                            "--cluster_name",
                            "jinghai-test",
                        ])
                        .args([
                            "--cluster",
                            &format!("nats://127.0.0.1:{}", routes[i]),
                            "--routes",
                            &route_list,
                        ])
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .spawn()
                        .expect("start nats-server"),
                )
            })
            .collect();
        Cluster {
            nodes,
            ports,
            _dir: dir,
        }
    }

    fn url(&self) -> String {
        self.ports
            .iter()
            .map(|p| format!("nats://127.0.0.1:{p}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    fn kill(&mut self, i: usize) {
        if let Some(mut c) = self.nodes[i].take() {
            c.kill().unwrap();
            c.wait().unwrap();
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for i in 0..self.nodes.len() {
            self.kill(i);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn broker_and_worker_faults_lose_and_double_nothing() {
    let started = Instant::now();
    let mut cluster = Cluster::start();
    // Four partitions of 0.25° cells over an exercise ~60 × 50 km: the
    // district spans several cells, so vessels cross borders all the time.
    let mut cfg = StreamConfig::new(
        cluster.url(),
        Grid {
            cell_deg: 0.25,
            halo_deg: 0.05,
            partitions: 4,
        },
    );
    cfg.replicas = 3;
    cfg.stream = "JINGHAI_FAULT".into();

    let ex = generate(&ExerciseOptions {
        seed: 10,
        hours: 6.0,
        background: 20,
        origin: Some(Origin {
            lat: 29.9,
            lon: 122.1,
            rotation_deg: 0.0,
        }),
        ..ExerciseOptions::default()
    });
    let mut make_engine = {
        let ex = ex.clone();
        move || {
            let zones = ZoneSet::from_geojson(&ex.zones_geojson, "zones").unwrap();
            let registry = Registry::from_csv(&ex.vessels_csv, "vessels").unwrap();
            let reports = parse_port_reports(&ex.port_reports_csv, "reports", &zones).unwrap();
            Engine::new(EngineConfig::default(), zones, registry, reports)
        }
    };

    let db = jinghai_store::testkit::postgres().await;
    let region = db
        .store
        .create_region(
            &jinghai_domain::audit::Actor::system("fault test"),
            0,
            &NewRegion {
                code: RegionCode::parse("330000").unwrap(),
                name: "浙江省".into(),
                level: RegionLevel::Province,
                parent_id: None,
            },
        )
        .await
        .unwrap();
    let sink = Arc::new(StoreSink {
        store: db.store.clone(),
        region_id: region.id,
        now: Arc::new(|| 1_700_000_000_000),
    });

    // The cluster elects its JetStream leader first: wait for the stream.
    let js = connect(&cfg).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let stream = loop {
        match ensure_stream(&js, &cfg).await {
            Ok(s) => break s,
            Err(e) if Instant::now() < deadline => {
                eprintln!("waiting for the cluster: {e}");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => panic!("{e}"),
        }
    };
    // The node to kill is the stream's leader: the hardest case (a new
    // leader is elected while publishes and consumers are in flight).
    let leader = stream
        .get_info()
        .await
        .unwrap()
        .cluster
        .and_then(|c| c.leader)
        .expect("a leader");
    let victim: usize = leader.trim_start_matches('n').parse().unwrap();

    let w0 = Worker::start(&cfg, 0, 2, "fault", &mut make_engine, sink.clone())
        .await
        .unwrap();
    let mut w1 = Some(
        Worker::start(&cfg, 1, 2, "fault", &mut make_engine, sink.clone())
            .await
            .unwrap(),
    );
    assert_eq!(w0.partitions() + w1.as_ref().unwrap().partitions(), 4);

    let mut publisher = Publisher::new(js, cfg.clone());
    let mut router = Router::new(cfg.grid);
    let source: Arc<str> = Arc::from("receiver-1");
    let lines: Vec<&str> = ex.nmea.lines().collect();
    let n = lines.len();
    eprintln!(
        "{} lines, {} truth events",
        n,
        ex.truth_jsonl.lines().count()
    );
    for (i, line) in lines.iter().enumerate() {
        if i == n * 3 / 10 {
            cluster.kill(victim);
            eprintln!(
                "killed broker node {leader} (the stream's leader) at line {i} ({:?})",
                started.elapsed()
            );
        }
        if i == n / 2 {
            w1.take().unwrap().kill();
            eprintln!("killed worker 1 at line {i}");
        }
        if i == n * 7 / 10 {
            w1 = Some(
                Worker::start(&cfg, 1, 2, "fault", &mut make_engine, sink.clone())
                    .await
                    .unwrap(),
            );
            eprintln!("restarted worker 1 at line {i}");
        }
        let raw = RawLine {
            bytes: line.as_bytes().to_vec(),
            received_ms: 0,
            source: source.clone(),
        };
        if let Some(routed) = router.route(&raw) {
            publisher.publish(&routed).await.unwrap();
        }
    }
    publisher.end_of_input("fault").await.unwrap();
    eprintln!(
        "published {} copies ({} retried) in {:?}",
        publisher.published,
        publisher.retries,
        started.elapsed()
    );

    let w1 = w1.unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    while w0.progress.ended.load(Ordering::Relaxed) + w1.progress.ended.load(Ordering::Relaxed) < 4
    {
        assert!(
            Instant::now() < deadline,
            "workers did not finish the replay in time"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!(
        "worker 0: {} messages, worker 1 (restarted, replayed): {} messages; done in {:?}",
        w0.progress.messages.load(Ordering::Relaxed),
        w1.progress.messages.load(Ordering::Relaxed),
        started.elapsed()
    );

    let scope = Scope {
        user_id: 0,
        role: Role::Admin,
        region_prefix: "33".into(),
        unit_id: None,
    };
    let alerts = db.store.list_alerts(&scope, 5000).await.unwrap();
    let mut found = String::new();
    for a in &alerts {
        let end = a
            .end_at
            .expect("every alert is closed at the end of the replay");
        let detail: serde_json::Value = serde_json::from_str(&a.detail).unwrap();
        found += &serde_json::json!({
            "kind": a.kind, "mmsi": a.mmsi, "other_mmsi": a.other_mmsi,
            "start": jinghai_engine::time::format_rfc3339(a.start_at),
            "end": jinghai_engine::time::format_rfc3339(end),
            "detail": detail,
        })
        .to_string();
        found.push('\n');
    }
    let truth = parse_events(&ex.truth_jsonl, "truth").unwrap();
    let found = parse_events(&found, "stored").unwrap();
    let s = score(&truth, &found);
    eprintln!("{}", s.table());
    assert!(s.missed.is_empty(), "lost: {:?}", s.missed);
    assert!(
        s.spurious.is_empty(),
        "raised twice or wrongly: {:?}",
        s.spurious
    );
    assert_eq!(alerts.len(), truth.len());
    w0.kill();
    w1.kill();
}
