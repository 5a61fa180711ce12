//! The XLSX export opens in LibreOffice with the official layout: converted
//! to PDF (and PNG pages) by `soffice`, its text carries the Chinese title,
//! section and indicator headers, the 数量 rows and the values.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use jinghai_domain::report::{cst_hour, parse_day};
use jinghai_workflow::accounts::LoginLimits;
use jinghai_workflow::reports::Reports;
use jinghai_workflow::seed::{seed_demo, DEMO_PASSWORD};
use jinghai_workflow::{report_export, Accounts, Clock, ManualClock};

fn tool(name: &str) -> String {
    let path = format!("/usr/bin/{name}");
    assert!(Path::new(&path).exists(), "{path} is missing: run scripts/test.sh (it installs libreoffice-calc-nogui and poppler-utils)");
    path
}

#[tokio::test]
async fn xlsx_opens_in_libreoffice_with_the_official_layout() {
    let db = jinghai_store::testkit::sqlite().await;
    let today = parse_day("2021-02-10").unwrap();
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(cst_hour(today, 9)));
    seed_demo(&db.store, &clock).await.unwrap();
    let office = Accounts::new(db.store.clone(), clock.clone(), LoginLimits::default())
        .login("office", DEMO_PASSWORD, "t")
        .await
        .unwrap()
        .ctx;
    let reports = Reports::new(db.store.clone(), clock);
    let beilun = db
        .store
        .find_region_by_code("330206000000")
        .await
        .unwrap()
        .unwrap()
        .id;
    let rollup = reports
        .rollup(&office, beilun, today - 3, today - 3)
        .await
        .unwrap();
    assert!(
        rollup.value("vc_fishing_vessels") > 0,
        "the demo week has values"
    );
    let bytes = report_export::xlsx(&rollup).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("daily.xlsx");
    std::fs::write(&xlsx, &bytes).unwrap();
    let profile = format!(
        "-env:UserInstallation=file://{}/lo-profile",
        dir.path().display()
    );
    let out = Command::new(tool("soffice"))
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&xlsx)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let pdf = dir.path().join("daily.pdf");
    assert!(
        pdf.exists(),
        "LibreOffice did not convert the XLSX: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let text = Command::new(tool("pdftotext"))
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for needle in [
        "北仑区防范打击非法入境“净海”行动办公室",
        "境外疫情海上非法输入防控工作日报表",
        "海上巡航",
        "口岸特定区域监管",
        "个案处置",
        "数量",
        "内容",
    ] {
        assert!(text.contains(needle), "the PDF lacks {needle:?}:\n{text}");
    }
    let fishing = (rollup.value("vc_fishing_vessels") / 1000).to_string();
    assert!(
        text.contains(&fishing),
        "the PDF shows the fishing-vessel count {fishing}"
    );

    let png_prefix = dir.path().join("page");
    let status = Command::new(tool("pdftoppm"))
        .args(["-png", "-r", "60", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(&png_prefix)
        .status()
        .unwrap();
    assert!(status.success());
    let page = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().starts_with("page"))
        .expect("a PNG page");
    assert!(
        page.metadata().unwrap().len() > 5_000,
        "the page renders with content"
    );
    // Keep a copy for people reading the test output.
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("daily-report-page1.png");
    std::fs::copy(page.path(), keep).ok();
}
