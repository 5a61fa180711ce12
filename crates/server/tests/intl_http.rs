//! Issue #8 through the whole axum stack: the inbound-list upload (every bad
//! line listed, nothing imported; then imported), "work allowed" refused over
//! the JSON API, the scoring query, the clue draft of a cold-chain lead, and
//! the pages in English.

mod common;

use axum::body::Body;
use axum::http::{header, Request};
use common::{Session, TestApp};

fn upload(s: &Session, region_id: i64, file_name: &str, content: &str) -> Request<Body> {
    let boundary = "intl-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"region_id\"\r\n\r\n{region_id}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n\
         --{boundary}--\r\n",
        csrf = s.csrf
    );
    Request::post("/intl/import")
        .header(header::COOKIE, &s.cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn inbound_list_upload_work_rule_scoring_and_leads() {
    let app = TestApp::new(jinghai_store::testkit::sqlite().await).await;
    let bianjian = app.login("bianjian").await;
    let meishan = app.seeded.regions["330206008"];
    let head = "船名,IMO,MMSI,船旗,航线,抵港时间,泊位,类别,境外换班时间,船员姓名,国籍,护照号";
    let good = format!(
        "{head}\nNORD WIND,9074729,,LR,Rotterdam,2021-02-10 06:00,梅山5号泊位,远洋渔船,,OLSEN,NO,N1\n"
    );
    let bad = format!("{good}BAD,,,PA,x,soon,梅山,banana,,,CN,P9\n");
    let resp = app.send(upload(&bianjian, meishan, "list.csv", &bad)).await;
    assert_eq!(resp.status, 400);
    for needle in [
        "第 3 行 arrival",
        "第 3 行 categories",
        "第 3 行 crew_name",
        "未导入任何记录",
    ] {
        assert!(resp.body.contains(needle), "{needle}");
    }
    let list = app
        .get(
            &bianjian,
            "/api/v1/intl/ships?from=2021-02-09&to=2021-02-11",
        )
        .await;
    assert!(
        !list.body.contains("NORD WIND"),
        "nothing of a bad file is imported"
    );
    let resp = app
        .send(upload(&bianjian, meishan, "list.csv", &good))
        .await;
    assert_eq!(resp.status, 303, "{}", resp.body);
    let list = app
        .get(
            &bianjian,
            "/api/v1/intl/ships?from=2021-02-09&to=2021-02-11",
        )
        .await;
    assert!(list.body.contains("NORD WIND"));
    let bad_date = app
        .get(&bianjian, "/api/v1/intl/ships?from=yesterday")
        .await;
    assert_eq!(bad_date.status, 400);
    assert!(bad_date.body.contains("\"field\":\"from\""));

    // OCEAN STAR: work allowed is refused while a crew result is pending.
    let ships: serde_json::Value = serde_json::from_str(&list.body).unwrap();
    let star = ships
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["call"]["ship_name"] == "OCEAN STAR")
        .unwrap()["call"]["id"]
        .as_i64()
        .unwrap();
    let resp = app
        .call(
            Some(&bianjian),
            "POST",
            &format!("/api/v1/intl/ships/{star}/work"),
            r#"{"allow":true}"#,
            true,
        )
        .await;
    assert_eq!(resp.status, 400, "{}", resp.body);
    assert!(resp.body.contains("\"field\":\"crew\""));
    let detail = app
        .get(&bianjian, &format!("/api/v1/intl/ships/{star}"))
        .await;
    assert!(detail.body.contains("\"work_status\":\"blocked\""));

    // Scoring reads the late and overdue deadlines with their records.
    let office = app.login("office").await;
    let out = app
        .get(
            &office,
            "/api/v1/duty/outcomes?from=2021-01-01&to=2021-02-12",
        )
        .await;
    assert_eq!(out.status, 200);
    assert!(
        out.body.contains("北仑港区外轮船员擅自登岸") && out.body.contains("\"state\":\"overdue\"")
    );
    let count = app.get(&office, "/api/v1/notifications/count").await;
    assert!(count.body.contains("\"unread\":1"), "{}", count.body);

    // A cold-chain lead as a clue draft.
    let leads: serde_json::Value =
        serde_json::from_str(&app.get(&office, "/api/v1/epidemic/leads").await.body).unwrap();
    let id = leads[0]["check"]["id"].as_i64().unwrap();
    let draft = app
        .get(&office, &format!("/api/v1/epidemic/leads/{id}/clue"))
        .await;
    assert_eq!(draft.status, 200);
    assert!(draft.body.contains("疑似走私冻品") && draft.body.contains("stock_check:"));

    // The pages in English.
    for (path, needle) in [
        ("/intl", "Testing categories"),
        ("/individual", "Record a case"),
        ("/duty", "Deadline rules"),
        ("/epidemic", "Key-country risk map"),
        ("/epidemic/cold", "Smuggled frozen goods"),
    ] {
        let req = Request::get(path)
            .header(header::COOKIE, format!("{}; lang=en", office.cookie))
            .body(Body::empty())
            .unwrap();
        let resp = app.send(req).await;
        assert_eq!(resp.status, 200, "{path}");
        assert!(resp.body.contains(needle), "{path} in English");
    }
}
