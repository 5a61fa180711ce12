//! Live-map viewport benchmark: 10,000 vessels on one district's feed, each
//! with a track history, and viewport queries of every size — in memory
//! (the picture alone) and through the whole HTTP stack (session check,
//! scoping, JSON) while the feed republishes every vessel twice a second.
//!
//! `scripts/bench.sh viewport`, or `cargo bench -p jinghai-server --bench viewport`.
//! Override the fleet with `JINGHAI_BENCH_VESSELS`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request};
use http_body_util::BodyExt;
use jinghai_engine::{Registry, ZoneSet};
use jinghai_server::{AppState, Config};
use jinghai_workflow::picture::{Picture, VesselUpdate, Viewport};
use jinghai_workflow::{Clock, ManualClock};
use tower::ServiceExt;

const T0: i64 = 1_616_548_398_000;
/// The sea the fleet sails: off Ningbo and Zhoushan.
const SEA: BBox = (121.5, 29.0, 123.0, 30.5);

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn fmt(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// SplitMix64: a fleet that is the same every run.
struct Rng(u64);
impl Rng {
    fn f(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Fleet {
    pos: Vec<(f64, f64, f64)>,
    steps: u64,
}

impl Fleet {
    /// Half the vessels in a busy coastal band, half spread over the sea.
    fn new(n: usize) -> Fleet {
        let mut rng = Rng(2021);
        let pos = (0..n)
            .map(|i| {
                let (w, s, e, nn) = SEA;
                let (lon, lat) = if i % 2 == 0 {
                    (121.8 + rng.f() * 0.4, 29.6 + rng.f() * 0.4)
                } else {
                    (w + rng.f() * (e - w), s + rng.f() * (nn - s))
                };
                (lat, lon, rng.f() * 360.0)
            })
            .collect();
        Fleet { pos, steps: 0 }
    }

    /// One minute of sailing at 10 knots, each on its course; every half hour
    /// they turn about, so the fleet stays where it was put.
    fn step(&mut self, t: i64) -> Vec<VesselUpdate> {
        self.steps += 1;
        let turn = self.steps.is_multiple_of(30);
        self.pos
            .iter_mut()
            .enumerate()
            .map(|(i, (lat, lon, course))| {
                if turn {
                    *course = (*course + 180.0) % 360.0;
                }
                let d = 10.0 * 1852.0 / 60.0 / 111_000.0;
                *lat += d * course.to_radians().cos();
                *lon += d * course.to_radians().sin() / lat.to_radians().cos();
                VesselUpdate {
                    mmsi: 412_000_000 + i as u32,
                    name: Some(format!("BENCH {i:05}")),
                    ship_type: Some(30),
                    lat: *lat,
                    lon: *lon,
                    sog: Some(10.0),
                    cog: Some(*course as f32),
                    heading: Some(*course as u16),
                    time_ms: t,
                }
            })
            .collect()
    }
}

/// `(min_lon, min_lat, max_lon, max_lat)`.
type BBox = (f64, f64, f64, f64);

/// (name, bbox, zoom) of the views measured.
const VIEWS: &[(&str, BBox, u8)] = &[
    ("whole sea, zoom 8 (clusters)", SEA, 8),
    (
        "district, zoom 10 (clusters)",
        (121.5, 29.4, 122.6, 30.2),
        10,
    ),
    (
        "coastal band, zoom 12 (crowded: clusters)",
        (121.8, 29.6, 122.2, 30.0),
        12,
    ),
    (
        "busy bay, zoom 13 (the most vessels unclustered)",
        (121.9, 29.7, 122.12, 29.92),
        13,
    ),
    (
        "harbour, zoom 14 (vessels)",
        (121.95, 29.75, 122.05, 29.82),
        14,
    ),
    (
        "anchorage, zoom 16 (vessels)",
        (122.0, 29.78, 122.02, 29.79),
        16,
    ),
];

fn view(b: BBox, zoom: u8) -> Viewport {
    Viewport {
        min_lon: b.0,
        min_lat: b.1,
        max_lon: b.2,
        max_lat: b.3,
        zoom,
    }
}

async fn run() {
    let vessels: usize = std::env::var("JINGHAI_BENCH_VESSELS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let db = jinghai_store::testkit::sqlite().await;
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(T0));
    jinghai_workflow::seed::seed_demo(&db.store, &clock)
        .await
        .expect("seed");
    let state = AppState::new(db.store.clone(), clock, Config::default());
    let picture: Arc<Picture> = state.picture.clone();
    let district = db
        .store
        .find_region_by_code("330206000000")
        .await
        .unwrap()
        .unwrap();
    let feed = picture.attach("bench", district, ZoneSet::default(), Registry::new());
    let mut fleet = Fleet::new(vessels);
    // Three hours of history, a point a minute.
    let built = Instant::now();
    let mut t = T0;
    for _ in 0..180 {
        feed.publish(t, fleet.step(t), None);
        t += 60_000;
    }
    println!(
        "{vessels} vessels, 3 h of tracks published in {:.1} s; track history {:.1} MB ({} B a vessel)",
        built.elapsed().as_secs_f64(),
        feed.history_bytes() as f64 / 1e6,
        feed.history_bytes() / vessels.max(1)
    );
    let scope = jinghai_domain::Scope {
        user_id: 0,
        role: jinghai_domain::Role::TaskForceOffice,
        region_prefix: "330206".into(),
        unit_id: None,
    };

    println!("\nin memory (Picture::viewport), 500 queries each:");
    for (name, b, zoom) in VIEWS {
        let v = view(*b, *zoom);
        let mut times = Vec::new();
        let mut answer = None;
        for _ in 0..500 {
            let s = Instant::now();
            answer = Some(std::hint::black_box(picture.viewport(&scope, &v, None)));
            times.push(s.elapsed());
        }
        times.sort();
        let a = answer.unwrap();
        println!(
            "  {name:<50} {:>6} in view → {:>5} {:<8}  p50 {:>9}  p99 {:>9}",
            a.total,
            if a.clustered {
                a.clusters.len()
            } else {
                a.vessels.len()
            },
            if a.clustered { "clusters" } else { "vessels" },
            fmt(pct(&times, 0.5)),
            fmt(pct(&times, 0.99))
        );
    }

    // Through HTTP, while the feed republishes every vessel twice a second.
    let app = jinghai_server::app(state);
    let login = app
        .clone()
        .oneshot(
            Request::post("/api/v1/session")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(format!(
                    r#"{{"username":"office","password":"{}"}}"#,
                    jinghai_workflow::seed::DEMO_PASSWORD
                )))
                .unwrap(),
        )
        .await
        .unwrap();
    let cookie = login.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let publishing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let publisher = {
        let (feed, publishing) = (feed.clone(), publishing.clone());
        tokio::spawn(async move {
            let mut t = t;
            while publishing.load(std::sync::atomic::Ordering::Relaxed) {
                let updates = fleet.step(t);
                feed.publish(t, updates, None);
                t += 500;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        })
    };
    println!("\nthrough HTTP (session, scoping, JSON), the feed republishing all vessels every 0.5 s, 200 requests each:");
    for (name, b, zoom) in VIEWS {
        let uri = format!(
            "/api/v1/map/vessels?bbox={},{},{},{}&zoom={zoom}",
            b.0, b.1, b.2, b.3
        );
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..200 {
            let s = Instant::now();
            let resp = app
                .clone()
                .oneshot(
                    Request::get(&uri)
                        .header(header::COOKIE, &cookie)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            assert!(resp.status().is_success(), "{uri}: {}", resp.status());
            bytes = resp.into_body().collect().await.unwrap().to_bytes().len();
            times.push(s.elapsed());
        }
        times.sort();
        println!(
            "  {name:<50} {:>8} B  p50 {:>9}  p99 {:>9}",
            bytes,
            fmt(pct(&times, 0.5)),
            fmt(pct(&times, 0.99))
        );
    }
    publishing.store(false, std::sync::atomic::Ordering::Relaxed);
    publisher.await.unwrap();
    println!("\ngoal: p99 < 50 ms with 10,000 vessels");
}

fn main() {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(run());
}
