//! The live map in a real browser (Debian's headless Chromium through
//! chromedriver): a generated exercise replays at 600× through a live feed;
//! the map shows its vessels moving, a click on a vessel opens its panel with
//! the track playback, and an alert's page shows the evidence on a map.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::browser::{in_browser, login, serve, shots};
use common::webdriver::{poll, Driver};
use jinghai_engine::exercise::{generate, ExerciseOptions, Origin};
use jinghai_server::live::{replay, FeedFiles, Replay};
use jinghai_server::{AppState, Config};
use jinghai_workflow::seed::seed_demo;
use jinghai_workflow::{Clock, SystemClock};
use serde_json::Value;

struct Server {
    base: String,
    db: jinghai_store::testkit::TestDb,
}

/// The server, with the demo's exercise replaying at 600× (its first alert
/// comes about 5 s in).
async fn start_server() -> Server {
    let db = jinghai_store::testkit::sqlite().await;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    seed_demo(&db.store, &clock).await.unwrap();
    let state = AppState::new(db.store.clone(), clock.clone(), Config::default());
    let (store, picture) = (db.store.clone(), state.picture.clone());
    tokio::spawn(async move {
        let ex = generate(&ExerciseOptions {
            seed: 2021,
            origin: Some(Origin {
                lat: 29.25,
                lon: 122.38,
                rotation_deg: 0.0,
            }),
            ..ExerciseOptions::default()
        });
        let files = FeedFiles {
            zones: ex.zones_geojson,
            vessels: ex.vessels_csv,
            reports: Some(ex.port_reports_csv),
            engine: None,
        };
        let start_ms = clock.now();
        replay(
            store,
            clock,
            &picture,
            Replay {
                name: "browser-exercise",
                district: "330206",
                files: &files,
                nmea: &ex.nmea,
                speed: 600.0,
                start_ms,
                run: start_ms,
                changes: None,
            },
        )
        .await
        .unwrap();
    });
    let base = serve(state).await;
    Server { base, db }
}

/// Waits up to `secs` for a script to return something truthy.
fn wait_for(d: &Driver, secs: u64, what: &str, script: &str) -> Value {
    d.try_wait_js(secs, script).unwrap_or_else(|_| {
        d.screenshot(&shots().join(format!("failed-{}.png", what.replace(' ', "-"))));
        let state = d.run_js(
            "return [typeof L, !!window.jinghaiMap, window.jinghaiMap && window.jinghaiMap.updates,
                     (document.querySelector('[data-testid=map-link]') || {}).textContent, location.href];",
        );
        panic!("waited {secs} s for {what}; page state {state}");
    })
}

/// `mmsi → (lat, lon)` of the vessels the page holds.
fn positions(d: &Driver) -> std::collections::BTreeMap<u64, (f64, f64)> {
    let v = d.run_js(
        "return Array.from(window.jinghaiMap.vessels.values()).map(v => [v.mmsi, v.lat, v.lon]);",
    );
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x[0].as_u64().unwrap(),
                (x[1].as_f64().unwrap(), x[2].as_f64().unwrap()),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_map_shows_vessels_moving_a_panel_and_alert_evidence() {
    let server = start_server().await;
    let base = server.base.clone();
    let store = server.db.store.clone();
    let handle = tokio::runtime::Handle::current();
    in_browser(move |d| {
        login(&d, &base, "office");
        d.goto(&format!("{base}/map"));
        d.find("[data-testid=map] .leaflet-pane");
        wait_for(
            &d,
            20,
            "vessels on the map",
            "return window.jinghaiMap && window.jinghaiMap.vessels.size;",
        );
        // The coastline and the zones are drawn, and the legend names the kinds.
        wait_for(
            &d,
            10,
            "zones",
            "return window.jinghaiMap.zones && window.jinghaiMap.zones.getLayers().length > 3;",
        );
        assert!(d.text("[data-testid=map-legend]").contains("岙口"));
        assert_ne!(d.text("[data-testid=map-clock]"), "—");

        // Vessels move between two reads of the page's state.
        let before = positions(&d);
        let updates = d.run_js("return window.jinghaiMap.updates;").as_u64().unwrap();
        wait_for(
            &d,
            10,
            "two more pushes",
            &format!("return window.jinghaiMap.updates >= {};", updates + 2),
        );
        let after = positions(&d);
        let moved = before
            .iter()
            .filter(|(m, p)| after.get(m).is_some_and(|q| q != *p))
            .count();
        assert!(moved > 3, "vessels moved between two reads: {moved} of {}", before.len());
        d.screenshot(&shots().join("map-live.png"));

        // Click a vessel lying still (so it is where it was drawn), as a mouse would.
        let at = d.run_js(
            "const m = window.jinghaiMap.map; const r = m.getContainer().getBoundingClientRect();
             const b = m.getBounds().pad(-0.1);
             const v = Array.from(window.jinghaiMap.vessels.values())
               .filter(x => x.state === 'stopped' && b.contains([x.lat, x.lon]))[0];
             if (!v) return null;
             const p = m.latLngToContainerPoint([v.lat, v.lon]);
             return [v.mmsi, Math.round(r.left + p.x), Math.round(r.top + p.y)];",
        );
        assert!(at.is_array(), "a stopped vessel in view");
        let mmsi = at[0].as_u64().unwrap();
        d.click_at(at[1].as_i64().unwrap(), at[2].as_i64().unwrap());
        wait_for(
            &d,
            10,
            "the vessel panel",
            &format!("const p = document.querySelector('[data-testid=vessel-panel]'); return !p.hidden && p.dataset.mmsi === '{mmsi}' && p.querySelector('[data-testid=vessel-name]');"),
        );
        let panel = d.text("[data-testid=vessel-panel]");
        assert!(panel.contains(&mmsi.to_string()), "{panel}");
        assert!(panel.contains("船舶档案") && panel.contains("航迹回放"), "{panel}");
        // The track window plays: the playback marker's time moves.
        wait_for(
            &d,
            10,
            "the track",
            "return window.jinghaiMap.track && window.jinghaiMap.track.points.length > 1;",
        );
        let end = d.run_js("return document.querySelector('.playback .at').dataset.time;");
        d.click("[data-testid=track-play]");
        std::thread::sleep(Duration::from_millis(600));
        let playing = d.run_js("return document.querySelector('.playback .at').dataset.time;");
        assert_ne!(end, playing, "playback moves the marker");
        d.screenshot(&shots().join("map-panel.png"));

        // Search by MMSI centres the map on the vessel and opens it.
        d.type_into("form.mapsearch input", &mmsi.to_string());
        d.run_js("document.querySelector('form.mapsearch').requestSubmit();");
        wait_for(
            &d,
            10,
            "the search",
            &format!("return document.querySelector('[data-testid=vessel-panel]').dataset.mmsi === '{mmsi}';"),
        );

        // An alert raised by the replay: its page shows the evidence map.
        let scope = jinghai_domain::Scope {
            user_id: 0,
            role: jinghai_domain::Role::Admin,
            region_prefix: "330206".into(),
            unit_id: None,
        };
        let alert = poll(40, || {
            let alerts = handle.block_on(store.list_alerts(&scope, 50)).unwrap();
            // (The demo's seeded week has a landing stop of its own, with no track.)
            alerts
                .into_iter()
                .find(|a| a.kind == "landing_stop" && a.event_key.starts_with("browser-exercise:"))
                .ok_or(())
        })
        .expect("the replay raised a landing stop");
        // The replay's new alert appears on the live map as a marker (pushed).
        wait_for(
            &d,
            10,
            "the alert's marker",
            &format!(
                "return window.jinghaiMap.alerts.has({}) && document.querySelectorAll('#map .alert-pin').length > 0;",
                alert.id
            ),
        );
        d.goto(&format!("{base}/alerts/{}", alert.id));
        d.find("[data-testid=evidence-map] .leaflet-pane");
        wait_for(
            &d,
            10,
            "the evidence",
            "return document.querySelector('[data-testid=evidence-map]').dataset.ready === '1';",
        );
        let points = d.run_js(
            "return Number(document.querySelector('[data-testid=evidence-map]').dataset.trackPoints);",
        );
        assert!(points.as_u64().unwrap() > 1, "the track segment is drawn: {points}");
        assert!(d.text("[data-testid=evidence-legend]").contains("涉及区域"));
        let drawn = d.run_js("return window.jinghaiEvidence.drawn;");
        assert_eq!(drawn["zone"], 1, "the zone is drawn: {drawn}");
        assert!(drawn["lines"].as_u64().unwrap() >= 1, "the track is drawn: {drawn}");
        d.screenshot(&shots().join("alert-evidence.png"));
    })
    .await;
}
