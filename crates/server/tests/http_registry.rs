//! The registries through the whole axum stack: CSV import with a bad line
//! (nothing imported, the line named) then fixed, export, places refused
//! with the reason, the vessel code and the captain's report with its token
//! (wrong token refused, then rate-limited), pages for every role.

mod common;

use axum::body::Body;
use axum::http::{header, Request};
use common::{enc, Session, TestApp};

const HEADER: &str =
    "mmsi,name,kind,flag,international,home_port,owner_kind,owner_name,registry_no\n";
const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[121.90,29.80],[121.95,29.80],[121.95,29.85],[121.90,29.85],[121.90,29.80]]]}"#;

async fn app() -> TestApp {
    TestApp::new(jinghai_store::testkit::sqlite().await).await
}

/// A multipart post with text fields and one file.
async fn upload(
    app: &TestApp,
    s: &Session,
    path: &str,
    fields: &[(&str, &str)],
    file: (&str, &str),
) -> common::Resp {
    let boundary = "jinghai-registry-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n",
        s.csrf
    );
    for (k, v) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: text/csv\r\n\r\n{}\r\n--{boundary}--\r\n",
        file.0, file.1
    ));
    let req = Request::post(path)
        .header(header::COOKIE, &s.cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    app.send(req).await
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn registry_csv_import_is_all_or_nothing_and_export_imports_again() {
    let app = app().await;
    let s = app.login("meishan").await;
    let meishan = app.seeded.regions["330206008"].to_string();
    let bad = format!("{HEADER}412300001,浙北渔301,fishing,CN,false,FP1,individual,王某,ZJ301\n412300002,浙北渔302,fishing,CN,maybe,FP1,individual,李某,ZJ302\n");
    let r = upload(
        &app,
        &s,
        "/vessels/files",
        &[("region_id", &meishan)],
        ("v.csv", &bad),
    )
    .await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(
        r.body.contains("line 3") && r.body.contains("第 3 行") && r.body.contains("international"),
        "{}",
        r.body
    );
    let list = app.get(&s, "/vessels").await;
    assert!(!list.body.contains("浙北渔301"), "nothing imported");
    let good = bad.replace(",maybe,", ",false,");
    let r = upload(
        &app,
        &s,
        "/vessels/files",
        &[("region_id", &meishan)],
        ("v.csv", &good),
    )
    .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/vessels?imported=2"));
    let list = app.get(&s, "/vessels?imported=2").await;
    assert!(list.body.contains("浙北渔301") && list.body.contains("浙北渔302"));
    // Search and filter.
    let found = app.get(&s, "/vessels?q=302").await;
    assert!(found.body.contains("浙北渔302") && !found.body.contains("浙北渔301"));
    // The export is the import format; importing it again names the existing records.
    let csv = app.get(&s, "/vessels/export.csv").await.body;
    assert!(
        csv.starts_with(HEADER) && csv.contains("412300002,浙北渔302,fishing,CN,false"),
        "{csv}"
    );
    let r = upload(
        &app,
        &s,
        "/vessels/files",
        &[("region_id", &meishan)],
        ("v.csv", &csv),
    )
    .await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(
        r.body.contains("浙北渔301") && r.body.contains("已登记"),
        "duplicates name the record"
    );
    // The JSON API sees the same, scoped.
    let api = app.get(&s, "/api/v1/vessels?q=浙北").await;
    assert!(api.body.contains("412300001"));
    let other = app.login("baifeng").await;
    assert!(!app
        .get(&other, "/api/v1/vessels")
        .await
        .body
        .contains("412300001"));
}

#[tokio::test]
async fn places_refuse_invalid_polygons_with_the_reason() {
    let app = app().await;
    let s = app.login("office").await;
    let beilun = app.seeded.regions["330206"].to_string();
    let bowtie = r#"{"type":"Polygon","coordinates":[[[121.9,29.8],[122.0,29.9],[122.0,29.8],[121.9,29.85],[121.9,29.8]]]}"#;
    let body = form(&[
        ("region_id", &beilun),
        ("code", "K9"),
        ("name", "测试岙口"),
        ("kind", "cove"),
        ("geometry", bowtie),
    ]);
    let r = app.call(Some(&s), "POST", "/places", &body, true).await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(r.body.contains("自相交"), "{}", r.body);
    let body = form(&[
        ("region_id", &beilun),
        ("code", "K9"),
        ("name", "测试岙口"),
        ("kind", "cove"),
        ("geometry", SQUARE),
    ]);
    let r = app.call(Some(&s), "POST", "/places", &body, true).await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.body);
    let places = app.get(&s, "/api/v1/places").await.body;
    assert!(
        places.contains("测试岙口") && places.contains("\"kind\":\"cove\""),
        "{places}"
    );
    let export = app.get(&s, "/places/export.geojson").await.body;
    assert!(export.contains("\"id\":\"K9\""));
    // The JSON API refuses the same way, in English when asked.
    let r = app
        .call(Some(&s), "POST", "/api/v1/places", &format!(r#"{{"region_id":{beilun},"code":"K8","name":"x","kind":"cove","geometry":{{"type":"Polygon","coordinates":[[[121.9,29.8],[122.0,29.9],[121.9,29.8]]]}}}}"#), true)
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(r.body.contains("geometry"), "{}", r.body);
    // Every page renders for every role, with nothing from outside.
    for user in ["admin", "office", "leader", "haijing", "meishan"] {
        let s = app.login(user).await;
        for path in [
            "/vessels",
            "/places",
            "/port-reports",
            "/port-reports/reconcile",
            "/m/vessels",
        ] {
            let r = app.get(&s, path).await;
            assert_eq!(r.status.as_u16(), 200, "{user} {path}");
            assert!(
                !r.body.contains("http://") && !r.body.contains("https://"),
                "{user} {path}"
            );
        }
    }
}

#[tokio::test]
async fn vessel_code_opens_the_check_page_and_the_captains_form() {
    let app = app().await;
    let s = app.login("office").await;
    let beilun = app.seeded.regions["330206"].to_string();
    let body = form(&[
        ("region_id", &beilun),
        ("code", "FP9"),
        ("name", "北仑渔港"),
        ("kind", "fishing_port"),
        ("geometry", SQUARE),
    ]);
    assert_eq!(
        app.call(Some(&s), "POST", "/places", &body, true)
            .await
            .status
            .as_u16(),
        303
    );
    let body = form(&[
        ("region_id", &beilun),
        ("mmsi", "412300100"),
        ("name", "浙北渔100"),
        ("kind", "fishing"),
        ("flag", "CN"),
        ("owner_kind", "individual"),
        ("owner_name", "张某"),
        ("registry_no", "ZJ100"),
    ]);
    let r = app.call(Some(&s), "POST", "/vessels", &body, true).await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.body);
    let id: i64 = r
        .location
        .unwrap()
        .trim_start_matches("/vessels/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // The printable code: an inline QR and the path it encodes.
    let code = app.get(&s, &format!("/vessels/{id}/code")).await;
    assert_eq!(code.status.as_u16(), 200);
    assert!(code.body.contains("<svg") && !code.body.contains("http://"));
    let path_start = code
        .body
        .find(&format!("/q/{id}?t="))
        .expect("the code carries the path");
    let token: String = code.body[path_start + format!("/q/{id}?t=").len()..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    assert_eq!(token.len(), 32);
    // Signed in, it opens the check page.
    let check = app.get(&s, &format!("/q/{id}")).await;
    assert!(check.body.contains("check-page") && check.body.contains("浙北渔100"));
    // Without a session, the captain's form — with the token only.
    let anon = |path: String| Request::get(path).body(Body::empty()).unwrap();
    let captain = app.send(anon(format!("/q/{id}?t={token}"))).await;
    assert_eq!(captain.status.as_u16(), 200);
    assert!(captain.body.contains("captain-form") && captain.body.contains("北仑渔港"));
    let wrong = app.send(anon(format!("/q/{id}?t=0000"))).await;
    assert_eq!(wrong.status.as_u16(), 403);
    assert!(wrong.body.contains("船舶码无效"), "{}", wrong.body);
    // The captain files an arrival with persons aboard.
    let post = |body: String| {
        Request::post(format!("/q/{id}/report"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    let mut fields = vec![
        ("t", token.as_str()),
        ("kind", "arrival"),
        ("port_code", "FP9"),
        ("p1_name", "李四"),
        ("p1_id", "110105194912310021"),
        ("p1_phone", "13800138000"),
        ("itinerary", "舟山渔场"),
        ("contact_history", "无"),
    ];
    let r = app.send(post(form(&fields))).await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(
        r.body.contains("校验位"),
        "the ID number's checksum is checked"
    );
    fields[4] = ("p1_id", "11010519491231002X");
    let r = app.send(post(form(&fields))).await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.body);
    let sent = app.send(anon(r.location.unwrap())).await;
    assert!(sent.body.contains("report-sent"));
    let reports = app.get(&s, "/api/v1/port-reports").await.body;
    assert!(
        reports.contains("\"source\":\"captain\"") && reports.contains("FP9"),
        "{reports}"
    );
    // Wrong tokens are refused and, after a few, the address is blocked.
    fields[0] = ("t", "not-the-token");
    let mut last = 0;
    for _ in 0..12 {
        last = app.send(post(form(&fields))).await.status.as_u16();
    }
    assert_eq!(last, 429, "rate-limited");
    let blocked = app.send(anon(format!("/q/{id}?t={token}"))).await;
    assert_eq!(blocked.status.as_u16(), 429, "even the right token waits");
    // An officer rotates the code: the old token stops working.
    app.clock.advance(16 * 60_000);
    assert_eq!(
        app.call(Some(&s), "POST", &format!("/vessels/{id}/token"), "", true)
            .await
            .status
            .as_u16(),
        303
    );
    assert_eq!(
        app.send(anon(format!("/q/{id}?t={token}")))
            .await
            .status
            .as_u16(),
        403
    );
}
