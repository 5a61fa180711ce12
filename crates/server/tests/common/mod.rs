//! A test harness around the real router, on a real store, with the demo
//! district seeded. Requests go through the whole axum stack (extractors,
//! middleware, error mapping) without a socket.

#![allow(dead_code)]

pub mod browser;
pub mod webdriver;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use jinghai_server::{AppState, Config};
use jinghai_store::testkit::TestDb;
use jinghai_workflow::seed::{seed_demo, Seeded, DEMO_PASSWORD};
use jinghai_workflow::{Clock, ManualClock};
use tower::ServiceExt;

pub const T0: i64 = 1_612_917_000_000;

pub struct TestApp {
    pub db: TestDb,
    pub app: Router,
    pub seeded: Seeded,
    pub clock: Arc<ManualClock>,
    /// The live picture, with a Beilun and a Zhenhai feed (see [`seed_picture`]).
    pub picture: Arc<jinghai_workflow::picture::Picture>,
    /// The services behind the router, for background jobs a test runs by hand.
    pub state: AppState,
}

/// MMSIs of the test picture's vessels.
pub const BEILUN_VESSEL: u32 = 412_206_001;
pub const BEILUN_TUG: u32 = 412_206_002;
pub const ZHENHAI_VESSEL: u32 = 412_211_001;

fn zone_square(id: &str, name: &str, kind: &str, lon: f64, lat: f64, size: f64) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{"id":"{id}","name":"{name}","kind":"{kind}"}},"geometry":{{"type":"Polygon","coordinates":[[[{lon},{lat}],[{},{lat}],[{},{}],[{lon},{}],[{lon},{lat}]]]}}}}"#,
        lon + size,
        lon + size,
        lat + size,
        lat + size
    )
}

/// Two districts' feeds on the live picture, as running feeds publish them:
/// Beilun's (a registered fishing vessel of 梅山, a tug, a cove) and
/// Zhenhai's (one vessel), so every map route has something in and out of
/// scope. Names carry their district, so a leak shows in the matrix.
pub async fn seed_picture(
    store: &Arc<dyn jinghai_store::Store>,
    picture: &jinghai_workflow::picture::Picture,
) {
    use jinghai_engine::{Registry, ZoneSet};
    use jinghai_workflow::picture::VesselUpdate;
    let header = "mmsi,name,kind,flag,international,home_port,owner_kind,owner_name,registry_no\n";
    let feeds = [
        (
            "beilun",
            "330206000000",
            vec![
                zone_square("BL-J", "北仑辖区海域", "jurisdiction", 121.8, 29.6, 0.5),
                zone_square("BL-Q1", "梅山岙口", "cove", 121.95, 29.75, 0.03),
            ],
            format!("{header}{BEILUN_VESSEL},梅山渔运 01,fishing,CN,false,梅山,individual,北仑某船东,ZJ206001\n"),
            vec![(BEILUN_VESSEL, 29.76, 121.96, Some(30)), (BEILUN_TUG, 29.90, 122.05, Some(52))],
        ),
        (
            "zhenhai",
            "330211000000",
            vec![zone_square("ZH-P", "镇海港区", "open_port", 121.70, 29.95, 0.05)],
            format!("{header}{ZHENHAI_VESSEL},镇海渔 1,fishing,CN,false,镇海,individual,镇海某船东,ZJ211001\n"),
            vec![(ZHENHAI_VESSEL, 29.97, 121.72, Some(30))],
        ),
    ];
    for (name, code, zones, vessels, positions) in feeds {
        let district = store.find_region_by_code(code).await.unwrap().unwrap();
        let zones = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            zones.join(",")
        );
        let feed = picture.attach(
            name,
            district,
            ZoneSet::from_geojson(&zones, "zones").unwrap(),
            Registry::from_csv(&vessels, "vessels").unwrap(),
        );
        // Ten minutes of reports, heading north-east.
        for minute in 0..=10 {
            let t = T0 + minute * 60_000;
            let updates: Vec<VesselUpdate> = positions
                .iter()
                .map(|&(mmsi, lat, lon, ship_type)| VesselUpdate {
                    mmsi,
                    name: None,
                    ship_type,
                    lat: lat + minute as f64 * 0.001,
                    lon: lon + minute as f64 * 0.001,
                    sog: Some(7.5),
                    cog: Some(40.0),
                    heading: Some(41),
                    time_ms: t,
                })
                .collect();
            feed.publish(t, updates, None);
        }
    }
}

/// A signed-in browser: its cookie and CSRF token.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

pub struct Resp {
    pub status: StatusCode,
    pub body: String,
    pub location: Option<String>,
}

impl TestApp {
    pub async fn new(db: TestDb) -> TestApp {
        TestApp::with_config(db, Config::default()).await
    }

    pub async fn with_config(db: TestDb, config: Config) -> TestApp {
        let clock = Arc::new(ManualClock::new(T0));
        let dyn_clock: Arc<dyn Clock> = clock.clone();
        let seeded = seed_demo(&db.store, &dyn_clock).await.expect("seed");
        // Alerts in several regions, as feeds configured per region would raise them.
        for (n, (region, zone)) in [
            ("330206", "北仑港区"),
            ("330206008", "梅山岙口"),
            ("330206009", "白峰码头"),
            ("330211", "镇海港区"),
        ]
        .iter()
        .enumerate()
        {
            let region_id = seeded.regions[*region];
            let alert = jinghai_store::AlertWrite {
                event_key: format!("test:{n}"),
                region_id,
                kind: "landing_stop".into(),
                mmsi: 412_000_000 + n as i64,
                other_mmsi: None,
                start_at: T0,
                end_at: Some(T0 + 600_000),
                lat: 29.9,
                lon: 121.9,
                zone_id: Some(zone.to_string()),
                detail: "{}".into(),
            };
            db.store.upsert_alert(T0, &alert).await.expect("alert");
        }
        let state = AppState::new(db.store.clone(), dyn_clock, config);
        let picture = state.picture.clone();
        seed_picture(&db.store, &picture).await;
        TestApp {
            app: jinghai_server::app(state.clone()),
            state,
            db,
            seeded,
            clock,
            picture,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let resp = self.app.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let location = resp
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let stream = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
        if stream {
            // An event stream never ends: read up to its first event.
            return Resp {
                status,
                body: first_event(resp.into_body()).await,
                location,
            };
        }
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        Resp {
            status,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            location,
        }
    }

    pub async fn login(&self, username: &str) -> Session {
        let req = Request::post("/api/v1/session")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(format!(
                r#"{{"username":"{username}","password":"{DEMO_PASSWORD}"}}"#
            )))
            .unwrap();
        let resp = self.app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "login {username}");
        let cookie = resp
            .headers()
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        Session {
            cookie,
            csrf: v["csrf_token"].as_str().unwrap().to_string(),
        }
    }

    /// A request as a signed-in user. `body` is JSON for `/api/…` paths and
    /// form fields otherwise; the CSRF token is sent when `csrf` is true.
    pub async fn call(
        &self,
        s: Option<&Session>,
        method: &str,
        path: &str,
        body: &str,
        csrf: bool,
    ) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(s) = s {
            b = b.header(header::COOKIE, &s.cookie);
        }
        let api = path.starts_with("/api/");
        let body = if method == "GET" {
            String::new()
        } else if api {
            if csrf {
                if let Some(s) = s {
                    b = b.header("x-csrf-token", &s.csrf);
                }
            }
            b = b.header(header::CONTENT_TYPE, "application/json");
            body.to_string()
        } else if path.ends_with("/files") || path.ends_with("/import") {
            // File uploads are multipart: the same fields, plus a small PNG.
            let boundary = "jinghai-test-boundary";
            b = b.header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            );
            let mut m = String::new();
            if let (true, Some(s)) = (csrf, s) {
                m.push_str(&format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n",
                    s.csrf
                ));
            }
            m.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\nContent-Type: image/png\r\n\r\n\u{89}PNG\r\n--{boundary}--\r\n"));
            m
        } else {
            b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            match (csrf, s) {
                (true, Some(s)) if body.is_empty() => format!("_csrf={}", s.csrf),
                (true, Some(s)) => format!("_csrf={}&{body}", s.csrf),
                _ => body.to_string(),
            }
        };
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    pub async fn get(&self, s: &Session, path: &str) -> Resp {
        self.call(Some(s), "GET", path, "", false).await
    }
}

/// The text of a server-sent-event stream up to the end of its first event
/// (or what came within 10 seconds).
pub async fn first_event(mut body: Body) -> String {
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while !text.contains("\n\n") {
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    text.push_str(&String::from_utf8_lossy(data));
                }
            }
            _ => break,
        }
    }
    text
}

/// Percent-encodes a form value.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
