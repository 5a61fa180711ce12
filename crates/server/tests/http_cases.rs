//! The case path over the JSON API, on both backends: an alert becomes a
//! clue linked to an earlier clue about the same vessel, the link is
//! confirmed, the clue verified, a case filed with a step and a seizure
//! (and its disposal), handed to the border inspection and accepted there.
//! Bad bodies are refused with the offending field named, and nothing is
//! written.

mod common;

use common::TestApp;
use serde_json::{json, Value};

fn parse(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

async fn flow(app: TestApp) {
    let office = app.login("office").await;
    let haijing = app.login("haijing").await;
    let bianjian = app.login("bianjian").await;

    // The test alert of 北仑港区 (MMSI 412000000), and an earlier clue about that vessel.
    let alerts = parse(&app.get(&office, "/api/v1/alerts?mmsi=412000000").await.body);
    let alert = alerts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["event_key"] == "test:0")
        .unwrap_or_else(|| panic!("{alerts}"))["id"]
        .as_i64()
        .unwrap();
    let beilun = app.seeded.regions["330206"];
    let earlier = json!({
        "region_id": beilun,
        "summary": "巡航发现 412000000 夜间关闭 AIS",
        "place": "梅山岛东侧",
        "source": "patrol",
        "classification": "restricted",
        "entities": ["mmsi: 412000000", "phone: 138 0013 8000"],
    });
    let r = app
        .call(
            Some(&haijing),
            "POST",
            "/api/v1/clues",
            &earlier.to_string(),
            true,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let earlier_id = parse(&r.body)["clue"]["id"].as_i64().unwrap();

    let r = app
        .call(
            Some(&office),
            "POST",
            &format!("/api/v1/alerts/{alert}/clue"),
            "",
            true,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let made = parse(&r.body);
    let clue = made["clue"]["id"].as_i64().unwrap();
    let links = made["links"].as_array().unwrap();
    let link = links
        .iter()
        .find(|l| l["clue_a"] == earlier_id || l["clue_b"] == earlier_id)
        .unwrap_or_else(|| panic!("linked to the earlier clue: {made}"));
    let link_id = link["id"].as_i64().unwrap();
    // The same alert twice is refused: one clue per alert.
    let r = app
        .call(
            Some(&office),
            "POST",
            &format!("/api/v1/alerts/{alert}/clue"),
            "",
            true,
        )
        .await;
    assert!(r.status.is_client_error(), "{} {}", r.status, r.body);

    let r = app
        .call(
            Some(&office),
            "POST",
            &format!("/api/v1/links/{link_id}/decide"),
            r#"{"confirm":true}"#,
            true,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(parse(&r.body)["status"], "confirmed");

    let r = app
        .call(
            Some(&office),
            "POST",
            &format!("/api/v1/clues/{clue}/entities"),
            r#"{"entities":["plate: 浙B·12345"]}"#,
            true,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    // A misspelt field is named, and nothing changes.
    let r = app
        .call(
            Some(&office),
            "POST",
            &format!("/api/v1/clues/{clue}/status"),
            r#"{"stauts":"verified"}"#,
            true,
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("stauts"), "{}", r.body);
    let now = parse(
        &app.get(&office, &format!("/api/v1/clues/{clue}"))
            .await
            .body,
    );
    assert_eq!(now["clue"]["status"], "new");
    let r = app
        .call(
            Some(&office),
            "POST",
            &format!("/api/v1/clues/{clue}/status"),
            r#"{"status":"verifying"}"#,
            true,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app
        .call(
            Some(&office),
            "POST",
            &format!("/api/v1/clues/{clue}/status"),
            r#"{"status":"verified","note":"核查属实"}"#,
            true,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(parse(&r.body)["status"], "verified");

    let case = json!({
        "clue_ids": [clue],
        "case_no": "甬北公(海)立字〔2021〕7号",
        "title": "梅山岙口冻品走私案",
        "summary": "夜间小船卸运冻品",
        "classification": "restricted",
        "filed_on": "2021-02-10",
        "document": "立案决定书",
    });
    let r = app
        .call(
            Some(&office),
            "POST",
            "/api/v1/cases",
            &case.to_string(),
            true,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let case_id = parse(&r.body)["id"].as_i64().unwrap();

    let r = app
        .call(
            Some(&office),
            "POST",
            &format!("/api/v1/cases/{case_id}/steps"),
            r#"{"kind":"coercive","day":"2021-02-10","persons":2,"document":"拘留证"}"#,
            true,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    // A negative quantity: refused, field named, no seizure stored.
    let r = app
        .call(
            Some(&office),
            "POST",
            &format!("/api/v1/cases/{case_id}/seizures"),
            r#"{"category":"frozen_goods","quantity":-3,"unit":"tonnes","day":"2021-02-10"}"#,
            true,
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains(r#""field":"quantity""#), "{}", r.body);
    let r = app
        .call(Some(&office), "POST", &format!("/api/v1/cases/{case_id}/seizures"), r#"{"category":"frozen_goods","quantity":12.5,"unit":"tonnes","description":"冻牛肉","day":"2021-02-10"}"#, true)
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let seizure = parse(&r.body)["id"].as_i64().unwrap();
    let r = app
        .call(Some(&office), "POST", &format!("/api/v1/cases/{case_id}/disposals"), &format!(r#"{{"seizure_id":{seizure},"step":"applied","day":"2021-02-10","document":"销毁记录"}}"#), true)
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let detail = parse(
        &app.get(&office, &format!("/api/v1/cases/{case_id}"))
            .await
            .body,
    );
    assert_eq!(detail["seizures"].as_array().unwrap().len(), 1, "{detail}");
    assert_eq!(detail["disposals"].as_array().unwrap().len(), 1, "{detail}");
    assert_eq!(
        detail["steps"].as_array().unwrap().len(),
        2,
        "filed + coercive: {detail}"
    );

    // Handed to the border inspection, which accepts it.
    let to = app.seeded.units["北仑出入境边防检查站"];
    let r = app
        .call(
            Some(&office),
            "POST",
            &format!("/api/v1/cases/{case_id}/handover"),
            &format!(r#"{{"to_unit_id":{to},"reason":"涉外人员","hours":24}}"#),
            true,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let handover = parse(&r.body)["id"].as_i64().unwrap();
    let r = app
        .call(
            Some(&bianjian),
            "POST",
            &format!("/api/v1/handovers/{handover}/answer"),
            r#"{"accept":true,"response":"已接收"}"#,
            true,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(parse(&r.body)["status"], "accepted");

    // Without the CSRF header, nothing is written.
    let r = app
        .call(
            Some(&office),
            "POST",
            &format!("/api/v1/cases/{case_id}/steps"),
            r#"{"kind":"note","day":"2021-02-10","note":"x"}"#,
            false,
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
}

#[tokio::test]
async fn case_path_over_json_sqlite() {
    flow(TestApp::new(jinghai_store::testkit::sqlite().await).await).await;
}

#[tokio::test]
async fn case_path_over_json_postgres() {
    flow(TestApp::new(jinghai_store::testkit::postgres().await).await).await;
}
