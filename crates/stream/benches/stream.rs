//! End-to-end throughput and alert latency of the partitioned engines, with
//! 1 and 2 workers, through a NATS JetStream broker and in-process:
//!
//! ```sh
//! scripts/bench.sh stream        # installs nats-server if missing
//! cargo bench -p jinghai-stream  # needs nats-server on the PATH
//! ```
//!
//! Input: a generated coastal exercise (seed 2021, 12 h, 300 background
//! vessels) over 4 partitions of 0.25° cells. Throughput: input lines per
//! second from the first line routed to the last partition done, sent as fast
//! as they go. Latency: the first 40,000 lines paced at 4,000 lines/s; for each
//! message that raised events, the time from the broker storing it (in
//! process: from routing it) to its events being handed to the sink. The
//! sink only counts (the database is not measured here).

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jinghai_engine::exercise::{generate, ExerciseOptions};
use jinghai_engine::{parse_port_reports, Engine, EngineConfig, Registry, ZoneSet};
use jinghai_ingest::RawLine;
use jinghai_store::StoreError;
use jinghai_stream::{
    connect, ensure_stream, EventSink, Grid, KeyedEvent, PartitionEngine, Publisher, Router,
    StreamConfig, Worker, END_OF_INPUT,
};

const PACED_RATE: f64 = 4_000.0;
const PACED_LINES: usize = 40_000;

struct CountingSink(AtomicU64);

#[async_trait::async_trait]
impl EventSink for CountingSink {
    async fn store(&self, events: &[KeyedEvent]) -> Result<(), StoreError> {
        self.0.fetch_add(events.len() as u64, Ordering::Relaxed);
        Ok(())
    }
}

fn percentile(v: &mut [u64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_unstable();
    v[((v.len() - 1) as f64 * p).round() as usize] as f64 / 1000.0
}

struct Run {
    lines_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    samples: usize,
    events: u64,
    /// Every message (sampled), events or not: an alert's latency is its
    /// message's plus the database write.
    message_p50_ms: f64,
    message_p99_ms: f64,
}

fn print(label: &str, throughput: &Run, paced: &Run) {
    println!(
        "{label:<34} {:>8.0} lines/s | paced {PACED_RATE} lines/s: alert latency p50 {:>6.2} ms p99 {:>6.2} ms ({} alerts), any message p50 {:>6.2} ms p99 {:>6.2} ms",
        throughput.lines_per_s, paced.p50_ms, paced.p99_ms, paced.samples, paced.message_p50_ms, paced.message_p99_ms
    );
    let _ = throughput.events;
}

fn main() {
    let ex = generate(&ExerciseOptions {
        seed: 2021,
        hours: 12.0,
        background: 300,
        origin: Some(jinghai_engine::exercise::Origin {
            lat: 29.9,
            lon: 122.1,
            rotation_deg: 0.0,
        }),
        ..ExerciseOptions::default()
    });
    let source: Arc<str> = Arc::from("bench");
    let lines: Vec<RawLine> = ex
        .nmea
        .lines()
        .map(|l| RawLine {
            bytes: l.as_bytes().to_vec(),
            received_ms: 0,
            source: source.clone(),
        })
        .collect();
    let grid = Grid {
        cell_deg: 0.25,
        halo_deg: 0.05,
        partitions: 4,
    };
    let make_engine = move || {
        let zones = ZoneSet::from_geojson(&ex.zones_geojson, "zones").unwrap();
        let registry = Registry::from_csv(&ex.vessels_csv, "vessels").unwrap();
        let reports = parse_port_reports(&ex.port_reports_csv, "reports", &zones).unwrap();
        Engine::new(EngineConfig::default(), zones, registry, reports)
    };
    println!(
        "stream benchmark: {} lines, {} partitions of {}° cells (halo {}°)",
        lines.len(),
        grid.partitions,
        grid.cell_deg,
        grid.halo_deg
    );
    for workers in [1u32, 2] {
        let t = in_process(&lines, grid, &make_engine, workers, None);
        let p = in_process(
            &lines[..PACED_LINES.min(lines.len())],
            grid,
            &make_engine,
            workers,
            Some(PACED_RATE),
        );
        print(&format!("in-process, {workers} worker(s)"), &t, &p);
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut broker = match Broker::start() {
        Some(b) => b,
        None => {
            println!("nats-server not found: broker figures skipped (scripts/bench.sh stream installs it)");
            return;
        }
    };
    for workers in [1u32, 2] {
        let t = runtime.block_on(through_broker(
            &broker,
            &lines,
            grid,
            &make_engine,
            workers,
            None,
            "t",
        ));
        let p = runtime.block_on(through_broker(
            &broker,
            &lines[..PACED_LINES.min(lines.len())],
            grid,
            &make_engine,
            workers,
            Some(PACED_RATE),
            "p",
        ));
        print(&format!("broker (JetStream), {workers} worker(s)"), &t, &p);
    }
    broker.stop();
}

/// Router on this thread, each worker's partitions on a thread of its own.
fn in_process(
    lines: &[RawLine],
    grid: Grid,
    make_engine: &(dyn Fn() -> Engine + Sync),
    workers: u32,
    pace: Option<f64>,
) -> Run {
    type Msg = (Arc<Vec<u8>>, Instant);
    let started = Instant::now();
    let (latencies, events, every) = std::thread::scope(|scope| {
        let mut senders = Vec::new();
        let mut handles = Vec::new();
        for w in 0..workers {
            let (tx, rx) = std::sync::mpsc::sync_channel::<(u32, Msg)>(4096);
            senders.push(tx);
            let mut engines: Vec<Option<PartitionEngine>> = (0..grid.partitions)
                .map(|p| {
                    (p % workers == w)
                        .then(|| PartitionEngine::new(p, "bench", grid, make_engine()))
                })
                .collect();
            handles.push(scope.spawn(move || {
                let mut out = Vec::new();
                let mut latencies = Vec::new();
                let mut events = 0u64;
                let mut every = Vec::new();
                for (p, (payload, at)) in rx {
                    if let Some(e) = engines[p as usize].as_mut() {
                        e.process(&payload, &mut out);
                    }
                    every.push(at.elapsed().as_micros() as u64);
                    if !out.is_empty() {
                        latencies.push(at.elapsed().as_micros() as u64);
                        events += out.len() as u64;
                        out.clear();
                    }
                }
                (latencies, events, every)
            }));
        }
        let mut router = Router::new(grid);
        for (i, line) in lines.iter().enumerate() {
            if let Some(rate) = pace {
                let due = started + Duration::from_secs_f64(i as f64 / rate);
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
            }
            let at = Instant::now();
            if let Some(routed) = router.route(line) {
                let payload = Arc::new(routed.payload);
                for p in routed.partitions {
                    senders[(p % workers) as usize]
                        .send((p, (payload.clone(), at)))
                        .unwrap();
                }
            }
        }
        let end = Arc::new(END_OF_INPUT.to_vec());
        for p in 0..grid.partitions {
            senders[(p % workers) as usize]
                .send((p, (end.clone(), Instant::now())))
                .unwrap();
        }
        drop(senders);
        let mut latencies = Vec::new();
        let mut every = Vec::new();
        let mut events = 0;
        for h in handles {
            let (l, e, m) = h.join().unwrap();
            latencies.extend(l);
            events += e;
            every.extend(m);
        }
        (latencies, events, every)
    });
    let secs = started.elapsed().as_secs_f64();
    let (mut latencies, events, mut every) = (latencies, events, every);
    Run {
        lines_per_s: lines.len() as f64 / secs,
        p50_ms: percentile(&mut latencies, 0.5),
        p99_ms: percentile(&mut latencies, 0.99),
        samples: latencies.len(),
        events,
        message_p50_ms: percentile(&mut every, 0.5),
        message_p99_ms: percentile(&mut every, 0.99),
    }
}

struct Broker {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
    runs: u32,
}

impl Broker {
    fn start() -> Option<Broker> {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("nats-server")
            .args(["-a", "127.0.0.1", "-p", &port.to_string(), "-js", "-sd"])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        std::thread::sleep(Duration::from_millis(500));
        Some(Broker {
            child,
            port,
            _dir: dir,
            runs: 0,
        })
    }
    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn through_broker(
    broker: &Broker,
    lines: &[RawLine],
    grid: Grid,
    make_engine: &(dyn Fn() -> Engine + Sync),
    workers: u32,
    pace: Option<f64>,
    tag: &str,
) -> Run {
    let mut cfg = StreamConfig::new(format!("nats://127.0.0.1:{}", broker.port), grid);
    // A fresh stream per run, so each run's workers read only their own input.
    cfg.stream = format!("BENCH_{tag}_{workers}_{}", broker.runs + rand_suffix());
    cfg.subject_prefix = format!("bench.{tag}{workers}{}", rand_suffix());
    let js = connect(&cfg).await.unwrap();
    ensure_stream(&js, &cfg).await.unwrap();
    let sink = Arc::new(CountingSink(AtomicU64::new(0)));
    let mut running = Vec::new();
    for w in 0..workers {
        let mut make = || make_engine();
        running.push(
            Worker::start(&cfg, w, workers, "bench", &mut make, sink.clone())
                .await
                .unwrap(),
        );
    }
    let mut publisher = Publisher::new(js, cfg.clone());
    let mut router = Router::new(grid);
    let started = Instant::now();
    for (i, line) in lines.iter().enumerate() {
        if let Some(rate) = pace {
            let due = started + Duration::from_secs_f64(i as f64 / rate);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                // Confirm what is in flight while waiting, as a live publisher does.
                publisher.flush().await.unwrap();
                tokio::time::sleep_until(tokio::time::Instant::now() + wait).await;
            }
        }
        if let Some(routed) = router.route(line) {
            publisher.publish(&routed).await.unwrap();
        }
    }
    publisher.end_of_input(tag).await.unwrap();
    loop {
        let ended: u64 = running
            .iter()
            .map(|w| w.progress.ended.load(Ordering::Relaxed))
            .sum();
        if ended >= grid.partitions as u64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let secs = started.elapsed().as_secs_f64();
    let mut latencies: Vec<u64> = running
        .iter()
        .flat_map(|w| w.progress.latencies_us.lock().unwrap().clone())
        .collect();
    let mut every: Vec<u64> = running
        .iter()
        .flat_map(|w| w.progress.message_latencies_us.lock().unwrap().clone())
        .collect();
    for w in running {
        w.kill();
    }
    Run {
        lines_per_s: lines.len() as f64 / secs,
        p50_ms: percentile(&mut latencies, 0.5),
        p99_ms: percentile(&mut latencies, 0.99),
        samples: latencies.len(),
        events: sink.0.load(Ordering::Relaxed),
        message_p50_ms: percentile(&mut every, 0.5),
        message_p99_ms: percentile(&mut every, 0.99),
    }
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
        % 100_000
}
