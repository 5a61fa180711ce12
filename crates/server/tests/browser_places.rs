//! Places of records on maps, in a real browser (Debian's headless Chromium
//! through chromedriver):
//! - a risk is placed by clicking the map picker (an out-of-range typed
//!   latitude is refused before sending), shown on its page, and the live
//!   map's 风险点 layer shows the town's open risks, the overdue one
//!   highlighted, with a popup linking to the risk;
//! - a patrol plan is made, a GPX track imported, coverage and blind spots
//!   shown on the plan's map and on the live map's patrol layer (with the
//!   cards layer); the daily report's 海上巡航 numbers are then prefilled
//!   from that patrol, each linking to its records, and a corrected number
//!   is refused without a reason, then accepted with one that the office
//!   sees.

mod common;

use common::browser::{demo_server, in_browser, login, shots};
use common::webdriver::Driver;
use jinghai_domain::report::{day_of, format_day};
use jinghai_workflow::{Clock, SystemClock};

/// Ticks a layer of the live map's layer control by its name.
fn tick_layer(d: &Driver, name: &str) {
    let ok = d.run_js(&format!(
        "const l = [...document.querySelectorAll('.leaflet-control-layers-overlays label')].find(l => l.textContent.includes('{name}')); if (!l) return false; l.querySelector('input').click(); return true;"
    ));
    assert_eq!(ok, serde_json::json!(true), "no layer named {name}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_risk_is_placed_on_the_map_and_shown_on_the_live_map() {
    let server = demo_server().await;
    let base = server.base.clone();
    in_browser(move |d| {
        login(&d, &base, "meishan");
        d.goto(&format!("{base}/risks"));
        d.click("details.panel summary");
        d.wait_js(10, "picker ready", "return document.querySelector('[data-testid=risk-map]').dataset.ready");
        d.select("form[data-testid=risk-form] select[name=region_id]", "梅山");
        d.type_into("form[data-testid=risk-form] input[name=place]", "梅山渔村东埠头");
        d.select("form[data-testid=risk-form] select[name=category]", "渔村");
        d.select("form[data-testid=risk-form] select[name=severity]", "高");
        d.type_into("form[data-testid=risk-form] input[name=found_by]", "梅山街道网格员");
        d.type_into("form[data-testid=risk-form] textarea[name=description]", "夜间有外来人员出入埠头");

        // A typed latitude out of range is refused here, nothing is sent.
        d.type_into("form[data-testid=risk-form] input[name=lat]", "95");
        d.type_into("form[data-testid=risk-form] input[name=lon]", "121.98");
        d.click("form[data-testid=risk-form] button[type=submit]");
        let refused = d.text("form[data-testid=risk-form] [data-testid=pick-error]");
        assert!(refused.contains("纬度") && refused.contains("95") && refused.contains("超出范围"), "{refused}");
        assert!(d.url().ends_with("/risks"), "{}", d.url());

        // A click on the map sets both coordinates.
        let rect = d.run_js("const r = document.querySelector('[data-testid=risk-map]').getBoundingClientRect(); return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];");
        d.click_at(rect[0].as_i64().unwrap(), rect[1].as_i64().unwrap());
        let picked = d.wait_js(10, "the click sets lat/lon", "const f = document.querySelector('form[data-testid=risk-form]'); const la = f.querySelector('input[name=lat]').value, lo = f.querySelector('input[name=lon]').value; return la !== '95' && la && lo ? [Number(la), Number(lo)] : null;");
        let (lat, lon) = (picked[0].as_f64().unwrap(), picked[1].as_f64().unwrap());
        assert!((29.0..31.0).contains(&lat) && (121.0..123.0).contains(&lon), "{lat},{lon}");
        assert!(d.text("form[data-testid=risk-form] [data-testid=pick-error]").is_empty());
        d.screenshot(&shots().join("risk-picker.png"));
        d.submit("form[data-testid=risk-form] button[type=submit]");
        d.find("[data-testid=saved]");
        let url = d.url();
        let id: i64 = url.split("/risks/").nth(1).unwrap().split('?').next().unwrap().parse().unwrap();
        let position = d.text("[data-testid=risk-position]");
        assert!(position.contains(&format!("{lat:.5}")), "{position}");
        // Its page shows it on the map (the picker starts at its place).
        d.wait_js(10, "the risk's map", "const m = document.querySelector('[data-testid=risk-map]'); return m && m.dataset.ready && m.dataset.lat;");
        let shown: f64 = d.run_js("return Number(document.querySelector('[data-testid=risk-map]').dataset.lat)").as_f64().unwrap();
        assert!((shown - lat).abs() < 1e-6);

        // The live map's risk layer: the town's open risks, the overdue cove highlighted.
        d.goto(&format!("{base}/map"));
        d.find(".leaflet-control-layers");
        tick_layer(&d, "风险点");
        let n = d.wait_js(10, "risks loaded", "return document.getElementById('map').dataset.risksLayer");
        assert_eq!(n, serde_json::json!("2"), "the new risk and the overdue cove of 梅山");
        d.find(&format!(".risk-pin [data-risk='{id}']"));
        d.find(".risk-pin.overdue");
        assert!(d.run_js("return document.querySelectorAll('.risk-pin').length").as_i64() == Some(2));
        d.click(&format!(".risk-pin [data-risk='{id}']"));
        // The popup fades in: its text reads empty until it shows.
        d.text_containing("[data-testid=risk-popup]", "梅山渔村东埠头");
        d.find(&format!("[data-testid=risk-popup] a[href='/risks/{id}']"));
        d.screenshot(&shots().join("live-map-risks.png"));
        // Off again: the markers go.
        tick_layer(&d, "风险点");
        d.wait_js(10, "layer off", "return document.querySelectorAll('.risk-pin').length === 0");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patrol_track_shows_coverage_and_blind_spots_and_prefills_the_daily_report() {
    let server = demo_server().await;
    let base = server.base.clone();
    let today = format_day(day_of(SystemClock.now()));
    let dir = tempfile::tempdir().unwrap();
    let gpx = dir.path().join("track.gpx");
    // Along the south edge of the zone only: the north is a blind spot.
    std::fs::write(
        &gpx,
        format!(
            r#"<?xml version="1.0"?><gpx version="1.1"><trk><trkseg>
<trkpt lat="29.805" lon="121.90"><time>{today}T00:10:00+08:00</time></trkpt>
<trkpt lat="29.805" lon="121.95"><time>{today}T00:40:00+08:00</time></trkpt>
</trkseg></trk></gpx>"#
        ),
    )
    .unwrap();
    in_browser(move |d| {
        login(&d, &base, "haijing");
        d.goto(&format!("{base}/patrols"));
        d.click("details.panel summary");
        d.type_into("form[data-testid=plan-form] input[name=name]", "穿山近岸巡航");
        d.select("form[data-testid=plan-form] select[name=region_id]", "北仑");
        d.run_js(&format!("const f = document.querySelector('form[data-testid=plan-form]'); f.querySelector('input[name=starts_at]').value = '{today}T00:00'; f.querySelector('input[name=ends_at]').value = '{today}T23:59'; return true;"));
        d.type_into("form[data-testid=plan-form] input[name=sweep_m]", "1000");
        d.type_into("form[data-testid=plan-form] textarea[name=zone]", "121.90,29.80\n121.95,29.80\n121.95,29.84\n121.90,29.84");
        d.submit("form[data-testid=plan-form] button[type=submit]");
        d.find("form[data-testid=track-form]");
        let plan: i64 = d.url().rsplit('/').next().unwrap().parse().unwrap();
        d.type_into("form[data-testid=track-form] input[name=vessel]", "海警 33102 艇");
        d.type_into("form[data-testid=track-form] input[name=personnel]", "8");
        d.type_into("form[data-testid=track-form] input[name=ships_checked]", "3");
        d.type_into("form[data-testid=track-form] input[name=file]", gpx.to_str().unwrap());
        d.submit("form[data-testid=track-form] button[type=submit]");
        d.find("[data-testid=records] td");
        let blind: i64 = d.text("[data-testid=blind-count]").parse().unwrap();
        assert!(blind >= 1, "blind spots {blind}");
        let coverage = d.text("[data-testid=coverage]");
        let pct: f64 = coverage.trim_end_matches('%').parse().unwrap();
        assert!(pct > 5.0 && pct < 60.0, "{coverage}");
        d.wait_js(10, "the plan's map", "return document.getElementById('patrol-map').dataset.loaded");
        d.screenshot(&shots().join("patrol-coverage.png"));

        // The live map: the patrol layer with the zone, the track and its blind spots; the cards.
        d.goto(&format!("{base}/map"));
        d.find(".leaflet-control-layers");
        tick_layer(&d, "巡航覆盖");
        let plans = d.wait_js(10, "patrols loaded", "return document.getElementById('map').dataset.patrolsLayer");
        assert_eq!(plans, serde_json::json!("2"), "this plan and the demo's of yesterday");
        let blind_layers = d.wait_js(10, "blind spots", "return document.getElementById('map').dataset.patrolBlind");
        assert_eq!(blind_layers, serde_json::json!("2"));
        let kinds = d.run_js(&format!("const out = []; window.jinghaiMap.records.layers.patrols.eachLayer(g => g.eachLayer(l => {{ if (l.feature.properties.plan_id === {plan}) out.push(l.feature.properties.kind); }})); return out.sort().join(',');"));
        assert_eq!(kinds, serde_json::json!("blind_spots,track,zone"));
        tick_layer(&d, "红黄牌");
        let cards = d.wait_js(10, "cards loaded", "return document.getElementById('map').dataset.cardsLayer");
        assert_ne!(cards, serde_json::json!("0"));
        d.find(".card-pin.red");
        d.screenshot(&shots().join("live-map-patrols.png"));

        // The daily report: today's 海上巡航 prefilled from the patrol, each number linked.
        d.goto(&format!("{base}/daily"));
        let hint = d.text("section[data-section=maritime_patrol] [data-prefill=mp_personnel]");
        assert!(hint.contains('8'), "{hint}");
        let link = d.run_js("return document.querySelector('section[data-section=maritime_patrol] a[data-records=mp_personnel]').getAttribute('href')");
        assert_eq!(link, serde_json::json!(format!("/patrols?behind=patrols&region=330206&day={today}")));
        // A corrected number without a reason is refused, naming the indicator.
        d.type_into("section[data-section=maritime_patrol] input[name='v.mp_personnel']", "10");
        d.submit("section[data-section=maritime_patrol] button[value=submit]");
        let errors = d.text("[data-testid=form-errors]");
        assert!(errors.contains("出动人力") && errors.contains("更正理由"), "{errors}");
        d.type_into("section[data-section=maritime_patrol] input[name='r.mp_personnel']", "另有 2 名民警随船");
        d.submit("section[data-section=maritime_patrol] button[value=submit]");
        d.find("[data-testid=saved]");
        // The link opens the records behind the number: this plan.
        d.goto(&format!("{base}{}", link.as_str().unwrap()));
        assert_eq!(d.text("[data-testid=behind-count]"), "1");
        d.find(&format!("[data-testid=plans] tr[data-plan='{plan}']"));
        // The office sees the reason with the values.
        login(&d, &base, "office");
        d.goto(&format!("{base}/daily"));
        let reasons = d.text("section[data-section=maritime_patrol] [data-testid=corrections]");
        assert!(reasons.contains("出动人力") && reasons.contains("另有 2 名民警随船") && reasons.contains("填报 10"), "{reasons}");
        d.screenshot(&shots().join("daily-correction.png"));
    })
    .await;
}
