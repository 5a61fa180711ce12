//! The alert desk in a real browser (Debian's headless Chromium through
//! chromedriver, against the real server on a loopback port): an overdue
//! alert is highlighted; filters narrow the list; a new alert of a chosen
//! kind raises the banner without reloading; the office assigns an alert and
//! the assigned unit acknowledges and dismisses it with a reason.

mod common;

use std::sync::Arc;

use common::browser::{in_browser, login, serve};
use jinghai_server::{AppState, Config};
use jinghai_store::AlertWrite;
use jinghai_workflow::seed::seed_demo;
use jinghai_workflow::{Clock, SystemClock};

fn alert(region_id: i64, n: i64, kind: &str, zone: &str, start_at: i64) -> AlertWrite {
    AlertWrite {
        event_key: format!("browser:{n}"),
        region_id,
        kind: kind.into(),
        mmsi: 412_440_000 + n,
        other_mmsi: None,
        start_at,
        end_at: None,
        lat: 29.87,
        lon: 121.95,
        zone_id: Some(zone.into()),
        detail: "{}".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn office_and_unit_work_the_alert_desk() {
    let db = jinghai_store::testkit::sqlite().await;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let seeded = seed_demo(&db.store, &clock).await.unwrap();
    let beilun = seeded.regions["330206"];
    let now = clock.now();
    // Raised two hours ago and never acknowledged: overdue (limit 30 min).
    let stale = db
        .store
        .upsert_alert(
            now - 2 * 3_600_000,
            &alert(beilun, 1, "landing_stop", "梅山岙口", now - 2 * 3_600_000),
        )
        .await
        .unwrap();
    let fresh = db
        .store
        .upsert_alert(now, &alert(beilun, 2, "ais_gap", "北仑港区", now - 60_000))
        .await
        .unwrap();
    let state = AppState::new(db.store.clone(), clock, Config::default());
    let base = serve(state).await;
    let store = db.store.clone();
    let rt = tokio::runtime::Handle::current();

    in_browser(move |d| {
        login(&d, &base, "office");
        d.goto(&format!("{base}/alerts"));
        // (The demo's week of alerts is on the desk too.)
        let stale_row = format!("tr[data-alert='{stale}']");
        let fresh_row = format!("tr[data-alert='{fresh}']");
        d.find(&format!("{stale_row}[data-overdue=true]"));
        d.find(&format!("{fresh_row}[data-overdue=false]"));
        let shown_overdue =
            d.run_js("return document.querySelectorAll('tr[data-overdue=true]').length");
        assert_eq!(
            d.text("[data-testid=alerts-overdue]"),
            shown_overdue.to_string(),
            "the counter counts the highlighted rows"
        );

        // Filter by kind: only AIS gaps stay, ours among them.
        d.select("form[data-testid=alert-filters] select[name=kind]", "AIS");
        d.submit("form[data-testid=alert-filters] button[type=submit]");
        d.find(&fresh_row);
        assert_eq!(
            d.run_js("return [...document.querySelectorAll('tr[data-alert]')].every(r => r.dataset.kind === 'ais_gap')"),
            serde_json::json!(true)
        );
        assert!(d.run_js("return document.querySelectorAll('tr[data-alert]').length") != serde_json::json!(0));

        // Choose to be told of encounters; one arrives; the banner shows it.
        d.goto(&format!("{base}/alerts"));
        d.click("details[data-testid=alert-notice] summary");
        d.click("input[name=notify][value=encounter]");
        rt.block_on(store.upsert_alert(
            jinghai_workflow::SystemClock.now(),
            &alert(
                beilun,
                3,
                "encounter",
                "七里峙",
                jinghai_workflow::SystemClock.now(),
            ),
        ))
        .unwrap();
        d.run_js("window.jinghaiPollAlerts(); return true");
        d.wait_js(5, "the new-alert banner", "return !document.getElementById('alert-banner').hidden");
        assert!(d.text("[data-testid=alert-banner]").contains("新预警"));
        // The choice is remembered by this browser.
        d.goto(&format!("{base}/alerts"));
        d.wait_js(
            5,
            "the remembered notification choice",
            "return document.querySelector('input[name=notify][value=encounter]').checked",
        );

        // The office assigns the overdue alert to the coast-guard station…
        let row = stale_row.as_str();
        d.select(&format!("{row} select[name=unit_id]"), "海警");
        d.submit(&format!("{row} form[action$='/assign'] button"));
        d.find(&format!("{row}[data-status=assigned]"));
        // …which acknowledges it, then dismisses it with a reason.
        login(&d, &base, "haijing");
        d.goto(&format!("{base}/alerts"));
        d.submit(&format!("{row} form[action$='/ack'] button"));
        d.find(&format!("{row}[data-status=acknowledged]"));
        d.submit(&format!("{row} button[value=dismiss]"));
        d.find("[data-testid=form-errors]");
        d.type_into(&format!("{row} input[name=reason]"), "核查为本港渔船避风");
        d.submit(&format!("{row} button[value=dismiss]"));
        d.find(&format!("{row}[data-status=dismissed]"));
    })
    .await;
}
