//! The registries in a real browser (Debian's headless Chromium through
//! chromedriver): a registry CSV with one bad row is refused naming the line
//! and nothing is imported; fixed, it imports and the vessels are listed; the
//! vessel code page shows its QR; on the places map a self-intersecting
//! polygon is refused while drawing and by the server, and a good one saved.

mod common;

use common::browser::{demo_server, in_browser, login, shots};

const HEADER: &str =
    "mmsi,name,kind,flag,international,home_port,owner_kind,owner_name,registry_no\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_a_registry_csv_with_one_bad_row_then_draws_places() {
    let server = demo_server().await;
    let base = server.base.clone();
    let dir = tempfile::tempdir().unwrap();
    let bad_csv = dir.path().join("bad.csv");
    let good_csv = dir.path().join("good.csv");
    std::fs::write(&bad_csv, format!("{HEADER}412500001,浙北渔501,fishing,CN,false,FP1,individual,王某,ZJ501\n412500002,浙北渔502,fishing,CN,false,FP1,nobody,李某,ZJ502\n")).unwrap();
    std::fs::write(&good_csv, format!("{HEADER}412500001,浙北渔501,fishing,CN,false,FP1,individual,王某,ZJ501\n412500002,浙北渔502,fishing,CN,false,FP1,individual,李某,ZJ502\n")).unwrap();
    in_browser(move |d| {
        login(&d, &base, "office");

        // A CSV with one bad row: refused, the line named, nothing imported.
        d.goto(&format!("{base}/vessels"));
        d.click("[data-testid=import-panel] summary");
        d.select(
            "form[data-testid=import-form] select[name=region_id]",
            "梅山街道",
        );
        d.type_into(
            "form[data-testid=import-form] input[name=file]",
            bad_csv.to_str().unwrap(),
        );
        d.submit("form[data-testid=import-form] button[type=submit]");
        let errors = d.text("[data-testid=form-errors]");
        assert!(
            errors.contains("第 3 行") && errors.contains("owner_kind"),
            "{errors}"
        );
        assert!(d.text("[data-testid=import-nothing]").contains("未导入"));
        d.screenshot(&shots().join("registry-import-refused.png"));
        assert!(
            !d.text("[data-testid=vessels]").contains("浙北渔501"),
            "nothing imported"
        );

        // Fixed: imported, and listed.
        d.select(
            "form[data-testid=import-form] select[name=region_id]",
            "梅山街道",
        );
        d.type_into(
            "form[data-testid=import-form] input[name=file]",
            good_csv.to_str().unwrap(),
        );
        d.submit("form[data-testid=import-form] button[type=submit]");
        assert!(d.text("[data-testid=imported]").contains('2'));
        let table = d.text("[data-testid=vessels]");
        assert!(
            table.contains("浙北渔501") && table.contains("浙北渔502"),
            "{table}"
        );

        // The vessel code page: a QR code to print.
        d.submit("tr[data-mmsi='412500001'] a");
        d.submit("[data-testid=code-link]");
        d.find("[data-testid=vessel-qr] svg");
        assert!(d.text("[data-testid=code-path]").contains("/q/"));
        d.screenshot(&shots().join("vessel-code.png"));

        // Places: a real click on the map adds a vertex …
        d.goto(&format!("{base}/places"));
        d.find(".leaflet-container");
        d.click("#places-map");
        assert!(
            d.text("[data-testid=draw-status]").contains('1'),
            "a click adds a vertex"
        );
        // … a self-intersecting polygon is refused while drawing …
        d.run_js("window.placesEditor.clear()");
        d.select("form[data-testid=place-form] select[name=kind]", "岙口");
        d.type_into("form[data-testid=place-form] input[name=code]", "K77");
        d.type_into(
            "form[data-testid=place-form] input[name=name]",
            "浏览器岙口",
        );
        for (lat, lon) in [
            (29.80, 121.90),
            (29.90, 122.00),
            (29.80, 122.00),
            (29.85, 121.90),
        ] {
            d.run_js(&format!("window.placesEditor.addVertex({lat}, {lon})"));
        }
        d.click("[data-testid=place-save]");
        let refusal = d.text("[data-testid=draw-error]");
        assert!(refusal.contains("自相交"), "{refusal}");
        assert!(d.url().ends_with("/places"), "not sent");
        d.screenshot(&shots().join("places-refused-in-browser.png"));
        // … and by the server when sent anyway.
        d.navigating(|| {
            d.run_js("document.querySelector('form[data-testid=place-form]').submit()");
        });
        let errors = d.text("[data-testid=form-errors]");
        assert!(errors.contains("自相交"), "{errors}");
        // A good polygon is saved and listed.
        d.find(".leaflet-container");
        d.run_js("window.placesEditor.clear()");
        d.select(
            "form[data-testid=place-form] select[name=region_id]",
            "梅山街道",
        );
        d.select("form[data-testid=place-form] select[name=kind]", "岙口");
        d.type_into("form[data-testid=place-form] input[name=code]", "K77");
        d.type_into(
            "form[data-testid=place-form] input[name=name]",
            "浏览器岙口",
        );
        for (lat, lon) in [
            (29.80, 121.90),
            (29.80, 122.00),
            (29.90, 122.00),
            (29.90, 121.90),
        ] {
            d.run_js(&format!("window.placesEditor.addVertex({lat}, {lon})"));
        }
        d.submit("[data-testid=place-save]");
        d.find("[data-testid=saved]");
        d.goto(&format!("{base}/places"));
        assert!(d.text("[data-testid=places]").contains("浏览器岙口"));
        // The saved place is drawn on the map (from /api/v1/places).
        d.wait_js(
            5,
            "the place is drawn on the map",
            "return window.placesEditor.shown() === 1",
        );
        d.screenshot(&shots().join("places-saved.png"));
    })
    .await;
}
