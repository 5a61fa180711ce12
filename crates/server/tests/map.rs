//! The live map through the whole axum stack: viewport queries and
//! clusters, a vessel's panel, tracks, search, zones, the live push, the map
//! page and an alert's evidence; bad input named per field. And the replay
//! the demo uses: a recording played later than it was made, with its port
//! reports shifted alike, raises exactly its ground truth.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::{TestApp, BEILUN_TUG, BEILUN_VESSEL, T0, ZHENHAI_VESSEL};
use jinghai_store::AlertWrite;
use jinghai_workflow::{Clock, ManualClock};
use serde_json::Value;

async fn app() -> TestApp {
    TestApp::new(jinghai_store::testkit::sqlite().await).await
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn mmsis(v: &Value) -> Vec<u64> {
    v["vessels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["mmsi"].as_u64().unwrap())
        .collect()
}

/// A Beilun alert on the test vessel, within the picture's ten minutes.
async fn beilun_alert(app: &TestApp) -> i64 {
    let region_id = app.seeded.regions["330206"];
    app.db
        .store
        .upsert_alert(
            T0,
            &AlertWrite {
                event_key: "beilun:1:1".into(),
                region_id,
                kind: "landing_stop".into(),
                mmsi: i64::from(BEILUN_VESSEL),
                other_mmsi: Some(i64::from(BEILUN_TUG)),
                start_at: T0 + 120_000,
                end_at: Some(T0 + 480_000),
                lat: 29.765,
                lon: 121.965,
                zone_id: Some("BL-Q1".into()),
                detail: r#"{"duration_s":360}"#.into(),
            },
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn viewport_answers_vessels_or_clusters_in_scope() {
    let app = app().await;
    let office = app.login("office").await;
    let all = json(&app.get(&office, "/api/v1/map/vessels").await.body);
    assert_eq!(
        mmsis(&all),
        [u64::from(BEILUN_VESSEL), u64::from(BEILUN_TUG)]
    );
    assert_eq!(all["feeds"][0]["district_name"], "北仑区");
    assert_eq!(
        all["feeds"].as_array().unwrap().len(),
        1,
        "not Zhenhai's feed"
    );
    let v = &all["vessels"][0];
    assert_eq!(v["name"], "梅山渔运 01");
    assert_eq!(v["kind"], "fishing");
    assert_eq!(v["state"], "moving");
    assert_eq!(v["heading"], 41);
    assert_eq!(v["last_ms"], T0 + 600_000);
    // A box around the cove only.
    let cove = json(
        &app.get(
            &office,
            "/api/v1/map/vessels?bbox=121.9,29.7,122.0,29.8&zoom=14",
        )
        .await
        .body,
    );
    assert_eq!(mmsis(&cove), [u64::from(BEILUN_VESSEL)]);
    // Zoomed out over a sparse sea: still vessel by vessel.
    let far = json(
        &app.get(&office, "/api/v1/map/vessels?bbox=118,27,124,32&zoom=6")
            .await
            .body,
    );
    assert_eq!(far["clustered"], false);
    assert_eq!(mmsis(&far).len(), 2);
    // The city office sees both districts.
    let city = app.login("city.office").await;
    let both = json(&app.get(&city, "/api/v1/map/vessels").await.body);
    assert_eq!(both["total"], 3);
    assert!(mmsis(&both).contains(&u64::from(ZHENHAI_VESSEL)));
    // A town's worker watches the district's sea.
    let meishan = app.login("meishan").await;
    assert_eq!(
        json(&app.get(&meishan, "/api/v1/map/vessels").await.body)["total"],
        2
    );
    // A crowd zoomed out: counted clusters.
    let beilun = app
        .picture
        .feeds()
        .into_iter()
        .find(|f| f.name == "beilun")
        .unwrap();
    beilun.publish(
        T0 + 600_000,
        (0..400u32).map(|i| jinghai_workflow::picture::VesselUpdate {
            mmsi: 413_000_000 + i,
            name: None,
            ship_type: Some(30),
            lat: 29.8 + f64::from(i % 20) * 0.001,
            lon: 122.2 + f64::from(i / 20) * 0.001,
            sog: Some(3.0),
            cog: None,
            heading: None,
            time_ms: T0 + 600_000,
        }),
        None,
    );
    let crowd = json(
        &app.get(&office, "/api/v1/map/vessels?bbox=118,27,124,32&zoom=6")
            .await
            .body,
    );
    assert_eq!(crowd["clustered"], true);
    assert_eq!(crowd["total"], 402);
    let counted: u64 = crowd["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, 402);
    assert!(mmsis(&crowd).is_empty());
    // Bad input: the field, in the user's language.
    for (query, field) in [
        ("bbox=1,2,3", "bbox"),
        ("bbox=122,30,121,29", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("zoom=30", "zoom"),
        ("zoom=x", "zoom"),
    ] {
        let r = app
            .get(&office, &format!("/api/v1/map/vessels?{query}"))
            .await;
        assert_eq!(r.status.as_u16(), 400, "{query}");
        let body = json(&r.body);
        assert_eq!(body["fields"][0]["field"], field, "{query}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| c > '\u{2e80}'),
            "Chinese by default: {body}"
        );
    }
}

#[tokio::test]
async fn a_vessel_s_panel_track_and_search() {
    let app = app().await;
    let id = beilun_alert(&app).await;
    let office = app.login("office").await;
    let d = json(
        &app.get(&office, &format!("/api/v1/map/vessels/{BEILUN_VESSEL}"))
            .await
            .body,
    );
    assert_eq!(d["name"], "梅山渔运 01");
    assert_eq!(d["registry"]["owner_name"], "北仑某船东");
    assert_eq!(d["registry"]["registry_no"], "ZJ206001");
    assert_eq!(d["alerts"][0]["id"], id);
    assert_eq!(d["feed"]["district_name"], "北仑区");
    let tug = json(
        &app.get(&office, &format!("/api/v1/map/vessels/{BEILUN_TUG}"))
            .await
            .body,
    );
    assert_eq!(tug["registry"], Value::Null, "not in the registry");
    assert_eq!(tug["kind"], "service", "from its AIS ship type");
    assert_eq!(tug["alerts"][0]["id"], id, "named as the counterpart");
    // The town's worker sees the vessel, not the district's alert.
    let meishan = app.login("meishan").await;
    let m = json(
        &app.get(&meishan, &format!("/api/v1/map/vessels/{BEILUN_VESSEL}"))
            .await
            .body,
    );
    assert_eq!(m["alerts"].as_array().unwrap().len(), 0);
    // Not found, bad MMSIs.
    assert_eq!(
        app.get(&office, &format!("/api/v1/map/vessels/{ZHENHAI_VESSEL}"))
            .await
            .status
            .as_u16(),
        404
    );
    for bad in ["abc", "0", "1000000000"] {
        let r = app
            .get(&office, &format!("/api/v1/map/vessels/{bad}"))
            .await;
        assert_eq!(r.status.as_u16(), 400, "{bad}");
        assert_eq!(json(&r.body)["fields"][0]["field"], "id");
    }

    // The track: ten minutes of reports, downsampled to at most one a 30 s.
    let t = json(
        &app.get(
            &office,
            &format!("/api/v1/map/vessels/{BEILUN_VESSEL}/track?hours=1"),
        )
        .await
        .body,
    );
    let points = t["points"].as_array().unwrap();
    assert_eq!(points.len(), 11);
    assert_eq!(points[0]["time_ms"], T0);
    assert_eq!(t["to_ms"], T0 + 600_000);
    assert!((points[10]["lat"].as_f64().unwrap() - 29.77).abs() < 1e-6);
    for bad in ["0", "25", "x"] {
        let r = app
            .get(
                &office,
                &format!("/api/v1/map/vessels/{BEILUN_VESSEL}/track?hours={bad}"),
            )
            .await;
        assert_eq!(r.status.as_u16(), 400, "{bad}");
        assert_eq!(json(&r.body)["fields"][0]["field"], "hours");
    }

    // Search by part of the name, or the MMSI's start.
    let hits = |body: &str| -> Vec<u64> {
        json(body)["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["mmsi"].as_u64().unwrap())
            .collect()
    };
    let q = common::enc("梅山");
    assert_eq!(
        hits(
            &app.get(&office, &format!("/api/v1/map/search?q={q}"))
                .await
                .body
        ),
        [u64::from(BEILUN_VESSEL)]
    );
    assert_eq!(
        hits(&app.get(&office, "/api/v1/map/search?q=412206").await.body).len(),
        2
    );
    assert!(hits(&app.get(&office, "/api/v1/map/search?q=412211").await.body).is_empty());
    let long = "x".repeat(41);
    let r = app
        .get(&office, &format!("/api/v1/map/search?q={long}"))
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(json(&r.body)["fields"][0]["field"], "q");
}

#[tokio::test]
async fn zones_are_geojson_of_the_user_s_feeds() {
    let app = app().await;
    let office = app.login("office").await;
    let r = app.get(&office, "/api/v1/map/zones").await;
    assert_eq!(r.status.as_u16(), 200);
    let gj = json(&r.body);
    assert_eq!(gj["type"], "FeatureCollection");
    let features = gj["features"].as_array().unwrap();
    assert_eq!(features.len(), 2);
    let cove = features
        .iter()
        .find(|f| f["properties"]["id"] == "BL-Q1")
        .unwrap();
    assert_eq!(cove["properties"]["kind"], "cove");
    assert_eq!(cove["properties"]["name"], "梅山岙口");
    assert_eq!(cove["geometry"]["type"], "Polygon");
    assert_eq!(cove["geometry"]["coordinates"][0][0][0], 121.95);
    let zhenhai = app.login("zhenhai.office").await;
    let z = json(&app.get(&zhenhai, "/api/v1/map/zones").await.body);
    assert_eq!(z["features"].as_array().unwrap().len(), 1);
    assert_eq!(z["features"][0]["properties"]["name"], "镇海港区");
}

#[tokio::test]
async fn the_live_push_starts_with_the_whole_view_and_new_alerts() {
    let app = app().await;
    let id = beilun_alert(&app).await;
    // The feed notes the alert as it stores it.
    let feed = app
        .picture
        .feeds()
        .into_iter()
        .find(|f| f.name == "beilun")
        .unwrap();
    feed.note_alert(
        id,
        &jinghai_engine::Event {
            id: jinghai_engine::EventId(1),
            kind: jinghai_engine::EventKind::LandingStop,
            mmsi: BEILUN_VESSEL,
            other_mmsi: None,
            start_ms: T0 + 120_000,
            end_ms: None,
            lat: 29.765,
            lon: 121.965,
            zone_id: Some("BL-Q1".into()),
            detail: serde_json::json!({}),
        },
    );
    let office = app.login("office").await;
    let r = app
        .get(&office, "/api/v1/map/stream?bbox=121,29,123,31&zoom=12")
        .await;
    assert_eq!(r.status.as_u16(), 200);
    let data = r
        .body
        .lines()
        .find_map(|l| l.strip_prefix("data: "))
        .unwrap_or_else(|| panic!("an event: {}", r.body));
    assert!(r.body.starts_with("event: picture"), "{}", r.body);
    let first = json(data);
    assert_eq!(first["full"], true);
    assert_eq!(first["total"], 2);
    assert_eq!(first["alerts"][0]["id"], id);
    assert_eq!(first["feeds"][0]["now_ms"], T0 + 600_000);
    // The town's worker: the vessels, not the district's alerts.
    let meishan = app.login("meishan").await;
    let r = app.get(&meishan, "/api/v1/map/stream").await;
    let data = r
        .body
        .lines()
        .find_map(|l| l.strip_prefix("data: "))
        .unwrap();
    let town = json(data);
    assert_eq!(town["total"], 2);
    assert_eq!(town["alerts"].as_array().unwrap().len(), 0);
    let bad = app.get(&office, "/api/v1/map/stream?zoom=99").await;
    assert_eq!(bad.status.as_u16(), 400);
}

#[tokio::test]
async fn the_map_page_renders_for_every_role_from_the_binary() {
    let app = app().await;
    for user in [
        "admin",
        "office",
        "leader",
        "haijing",
        "meishan",
        "zhenhai.office",
        "province.office",
    ] {
        let s = app.login(user).await;
        let r = app.get(&s, "/map").await;
        assert_eq!(r.status.as_u16(), 200, "{user}");
        assert!(r.body.contains("/assets/map.js") && r.body.contains("/assets/vendor/leaflet.js"));
        assert!(
            !r.body.contains("http://") && !r.body.contains("https://"),
            "{user}: /map links outside the binary"
        );
        assert!(r.body.contains("data-strings="), "{user}");
    }
    let office = app.login("office").await;
    let page = app.get(&office, "/map").await.body;
    assert!(page.contains("北仑区"), "the user's feeds are on the page");
    assert!(page.contains("态势时间"));
    let home = app.get(&office, "/").await.body;
    assert!(
        home.contains("href=\"/map\""),
        "the module links to the map"
    );
    for asset in ["/assets/map.js", "/assets/map.css"] {
        let r = app.get(&office, asset).await;
        assert_eq!(r.status.as_u16(), 200, "{asset}");
        assert!(
            !r.body.contains("http://") && !r.body.contains("https://"),
            "{asset}"
        );
    }
    // English.
    let en = app
        .send(
            axum::http::Request::get("/map")
                .header("cookie", format!("{}; lang=en", office.cookie))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(en.body.contains("Picture time"));
}

#[tokio::test]
async fn a_configured_tile_layer_is_given_to_the_map() {
    let config = jinghai_server::Config {
        map: jinghai_server::config::MapConfig {
            tile_url: "/tiles/{z}/{x}/{y}.png".into(),
            tile_attribution: "内网天地图".into(),
        },
        ..jinghai_server::Config::default()
    };
    let app = TestApp::with_config(jinghai_store::testkit::sqlite().await, config).await;
    let s = app.login("office").await;
    let page = app.get(&s, "/map").await.body;
    assert!(
        page.contains("data-tile-url=\"/tiles/{z}/{x}/{y}.png\""),
        "{page}"
    );
    assert!(page.contains("内网天地图"));
}

#[tokio::test]
async fn an_alert_s_page_shows_its_evidence() {
    let app = app().await;
    let id = beilun_alert(&app).await;
    let office = app.login("office").await;
    let list = app.get(&office, "/alerts").await.body;
    assert!(
        list.contains(&format!("href=\"/alerts/{id}\"")),
        "the desk links each alert"
    );
    let r = app.get(&office, &format!("/alerts/{id}")).await;
    assert_eq!(r.status.as_u16(), 200);
    assert!(r.body.contains("data-testid=\"evidence-map\""));
    assert!(r.body.contains("可疑停靠"));
    assert!(r.body.contains("梅山岙口"), "the zone by name");
    assert!(!r.body.contains("data-testid=\"evidence-gone\""));
    let e = json(
        &app.get(&office, &format!("/api/v1/alerts/{id}/evidence"))
            .await
            .body,
    );
    // 2 to 8 minutes, with 15 minutes either side: the whole ten minutes.
    assert_eq!(e["track"].as_array().unwrap().len(), 11);
    assert_eq!(e["counterpart"].as_array().unwrap().len(), 11);
    assert_eq!(e["zone"]["properties"]["kind"], "cove");
    assert_eq!(e["zone"]["geometry"]["type"], "Polygon");
    assert_eq!(e["alert"]["detail"]["duration_s"], 360);
    assert_eq!(e["from_ms"], T0 + 120_000 - 900_000);
    // Outside the alert's scope: not found, page and JSON.
    let zhenhai = app.login("zhenhai.office").await;
    assert_eq!(
        app.get(&zhenhai, &format!("/alerts/{id}"))
            .await
            .status
            .as_u16(),
        404
    );
    assert_eq!(
        app.get(&zhenhai, &format!("/api/v1/alerts/{id}/evidence"))
            .await
            .status
            .as_u16(),
        404
    );
    // An alert whose track is no longer in memory says so.
    let old = app
        .db
        .store
        .upsert_alert(
            T0,
            &AlertWrite {
                event_key: "beilun:0:9".into(),
                region_id: app.seeded.regions["330206"],
                kind: "ais_gap".into(),
                mmsi: i64::from(BEILUN_VESSEL),
                other_mmsi: None,
                start_at: T0 - 5 * 3_600_000,
                end_at: Some(T0 - 4 * 3_600_000),
                lat: 29.7,
                lon: 121.9,
                zone_id: None,
                detail: "{}".into(),
            },
        )
        .await
        .unwrap();
    let page = app.get(&office, &format!("/alerts/{old}")).await.body;
    assert!(page.contains("data-testid=\"evidence-gone\""));
}

fn truth_counts(truth: &str) -> BTreeMap<(String, i64), usize> {
    let mut counts = BTreeMap::new();
    for line in truth.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap();
        *counts
            .entry((
                v["kind"].as_str().unwrap().to_string(),
                v["mmsi"].as_i64().unwrap(),
            ))
            .or_default() += 1;
    }
    counts
}

/// The demo's way: a generated exercise replayed years after its own dates,
/// shown on the picture. Receive times and port reports shift together, so
/// the alerts are exactly the truth (unshifted reports would leave every
/// fishing-port arrival "unreported").
async fn replay_raises_the_truth(db: jinghai_store::testkit::TestDb) {
    use jinghai_engine::exercise::{generate, ExerciseOptions, Origin};
    use jinghai_server::live::{replay, FeedFiles, Replay};
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(T0));
    jinghai_workflow::seed::seed_demo(&db.store, &clock)
        .await
        .unwrap();
    let ex = generate(&ExerciseOptions {
        seed: 2021,
        hours: 6.0,
        origin: Some(Origin {
            lat: 29.25,
            lon: 122.38,
            rotation_deg: 0.0,
        }),
        ..ExerciseOptions::default()
    });
    let files = FeedFiles {
        zones: ex.zones_geojson.clone(),
        vessels: ex.vessels_csv.clone(),
        reports: Some(ex.port_reports_csv.clone()),
        engine: None,
    };
    let first = jinghai_server::live::first_time_ms(&ex.nmea).unwrap();
    let start_ms = first + 3 * 365 * 86_400_000;
    let picture = jinghai_workflow::picture::Picture::new();
    let last = replay(
        db.store.clone(),
        clock,
        &picture,
        Replay {
            name: "exercise",
            district: "330206",
            files: &files,
            nmea: &ex.nmea,
            speed: 1e9,
            start_ms,
            run: 1,
            changes: None,
        },
    )
    .await
    .unwrap();
    assert!(last > start_ms + 5 * 3_600_000, "six hours were played");
    let scope = jinghai_domain::Scope {
        user_id: 0,
        role: jinghai_domain::Role::Admin,
        region_prefix: "330206".into(),
        unit_id: None,
    };
    // The demo's seeded week has alerts of its own: the feed's are the rest.
    let alerts: Vec<_> = db
        .store
        .list_alerts(&scope, 5000)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.event_key.starts_with("exercise:"))
        .collect();
    let mut found: BTreeMap<(String, i64), usize> = BTreeMap::new();
    for a in &alerts {
        *found.entry((a.kind.clone(), a.mmsi)).or_default() += 1;
        assert!(a.start_at >= start_ms, "alert times are shifted too");
    }
    assert!(
        found.keys().any(|(k, _)| k == "unreported_port_entry"),
        "the exercise plants unreported entries"
    );
    assert_eq!(
        found,
        truth_counts(&ex.truth_jsonl),
        "stored alerts are the truth"
    );
    // The picture shows the shifted sea, and noted the alerts for the push.
    let feed = picture.feeds()[0].clone();
    assert_eq!(feed.now_ms(), last);
    assert!(feed.info().vessels > 20);
    assert_eq!(feed.alerts_since(0).len(), alerts.len());

    // Played again a day later (the demo loops): the registries are in the
    // database by now, so this pass's reports are filed again, shifted to
    // this pass — and this pass's alerts are the truth again. (A day apart,
    // so that the last pass's arrival reports cannot cover this one's entries.)
    let again = last + 86_400_000 + 600_000;
    replay(
        db.store.clone(),
        Arc::new(ManualClock::new(T0)),
        &picture,
        Replay {
            name: "exercise",
            district: "330206",
            files: &files,
            nmea: &ex.nmea,
            speed: 1e9,
            start_ms: again,
            run: 2,
            changes: None,
        },
    )
    .await
    .unwrap();
    let mut second: BTreeMap<(String, i64), usize> = BTreeMap::new();
    for a in db.store.list_alerts(&scope, 5000).await.unwrap() {
        if a.event_key.starts_with("exercise:2:") {
            *second.entry((a.kind.clone(), a.mmsi)).or_default() += 1;
        }
    }
    assert_eq!(second, truth_counts(&ex.truth_jsonl), "the second pass too");
    let reports = db
        .store
        .list_port_reports(&scope, i64::MIN, i64::MAX)
        .await
        .unwrap();
    let per_pass = ex.port_reports_csv.lines().skip(1).count();
    assert_eq!(
        reports.len(),
        2 * per_pass,
        "each pass's reports are on file"
    );
    assert!(reports.iter().any(|r| r.reported_at > again));
}

#[tokio::test]
async fn replay_with_shifted_reports_raises_the_truth_sqlite() {
    replay_raises_the_truth(jinghai_store::testkit::sqlite().await).await;
}

#[tokio::test]
async fn replay_with_shifted_reports_raises_the_truth_postgres() {
    replay_raises_the_truth(jinghai_store::testkit::postgres().await).await;
}

#[tokio::test(start_paused = true)]
async fn lines_are_sent_at_a_multiple_of_their_own_pace() {
    let nmea = "\\c:1616548398*52\\!AIVDM,1,1,,A,15?27FEP018bp``@jG4r2wvT0000,0*2C\n\
                not a sentence\n\
                \\c:1616548408*5C\\!AIVDM,1,1,,B,15?=S4EP008bla>@jQ1QfgvT0000,0*00\n\
                \\c:1616548418*5D\\!AIVDM,1,1,,A,15S1mNmP038bnA8@j`Rm=wvT0000,0*0D\n";
    let (tx, mut rx) = jinghai_ingest::channel(16);
    let start = tokio::time::Instant::now();
    let sender = tokio::spawn(jinghai_server::live::send_paced(
        nmea,
        10.0,
        Arc::from("t"),
        tx,
    ));
    let mut arrivals = Vec::new();
    while let Some(line) = rx.recv().await {
        arrivals.push((start.elapsed().as_millis(), line.bytes.len()));
    }
    sender.await.unwrap();
    let at: Vec<u128> = arrivals.iter().map(|a| a.0).collect();
    // 10 s apart in the recording, 1 s apart at 10×; the untimed line goes with the one before.
    assert_eq!(at, [0, 0, 1000, 2000]);
}
