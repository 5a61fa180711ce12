//! Issue #9 through the whole HTTP stack on the demo's week: the ranking's
//! every point links to its record; cards as JSON with positions; a patrol's
//! blind spots as GeoJSON; a bulletin issued, its PDF served, and pushed to a
//! local DingTalk endpoint that checks the signature (and a wrong secret
//! seen failing, with its attempts shown).

mod common;

use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::routing::post;
use base64::Engine as _;
use common::{enc, TestApp};
use sha2::{Digest, Sha256};

const SECRET: &str = "SECjinghai-test-secret";

fn hmac(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut k = [0u8; 64];
    k[..key.len()].copy_from_slice(key);
    let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(msg)
        .finalize();
    Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize()
        .to_vec()
}

type Seen = Arc<Mutex<Vec<String>>>;

/// A stand-in for DingTalk's robot: checks `sign` as DingTalk documents it.
async fn robot(
    State(seen): State<Seen>,
    Query(q): Query<std::collections::HashMap<String, String>>,
    body: String,
) -> axum::Json<serde_json::Value> {
    let ts = q.get("timestamp").cloned().unwrap_or_default();
    let expected = base64::engine::general_purpose::STANDARD.encode(hmac(
        SECRET.as_bytes(),
        format!("{ts}\n{SECRET}").as_bytes(),
    ));
    // Query extraction has already URL-decoded `sign`.
    if q.get("sign") != Some(&expected) || q.get("access_token").map(String::as_str) != Some("tok")
    {
        return axum::Json(serde_json::json!({"errcode": 310000, "errmsg": "sign not match"}));
    }
    seen.lock().unwrap().push(body);
    axum::Json(serde_json::json!({"errcode": 0, "errmsg": "ok"}))
}

async fn flow(app: TestApp) {
    let seen: Seen = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let endpoint = axum::Router::new()
        .route("/robot/send", post(robot))
        .with_state(seen.clone());
    tokio::spawn(async move { axum::serve(listener, endpoint).await.unwrap() });

    let office = app.login("office").await;
    let beilun = app.seeded.regions["330206"];

    // The ranking and the ledger: every entry links to its record.
    let page = app.get(&office, "/scoring?level=town").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("梅山街道"));
    let entries = app.get(&office, "/api/v1/scoring/entries").await;
    let v: serde_json::Value = serde_json::from_str(&entries.body).unwrap();
    let list = v["entries"].as_array().unwrap();
    assert!(list.len() >= 5);
    for e in list {
        let href = e["record"]["href"].as_str().unwrap();
        let target = app.get(&office, href.split('#').next().unwrap()).await;
        assert_eq!(target.status, 200, "{href}");
    }

    // Cards for the map.
    let cards: serde_json::Value =
        serde_json::from_str(&app.get(&office, "/api/v1/cards").await.body).unwrap();
    let red = cards["cards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["color"] == "red")
        .unwrap();
    assert!(red["lat"].as_f64().is_some() && red["award_ineligible"] == true);

    // The demo patrol's coverage with blind spots.
    let plans: serde_json::Value =
        serde_json::from_str(&app.get(&office, "/api/v1/patrols").await.body).unwrap();
    let plan = plans["plans"][0]["id"].as_i64().unwrap();
    let geo: serde_json::Value = serde_json::from_str(
        &app.get(&office, &format!("/api/v1/patrols/{plan}/coverage"))
            .await
            .body,
    )
    .unwrap();
    let kinds: Vec<&str> = geo["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["zone", "track", "blind_spots"]);
    assert!(geo["coverage"]["ratio"].as_f64().unwrap() < 0.9);
    let page = app.get(&office, &format!("/patrols/{plan}")).await;
    assert!(page.body.contains("/assets/patrol.js") && page.body.contains("patrol-map"));

    // The robot, then this week's bulletin: issued, archived, pushed and signed.
    let webhook = format!("http://127.0.0.1:{port}/robot/send?access_token=tok");
    let r = app
        .call(
            Some(&office),
            "POST",
            "/bulletins/robots",
            &format!(
                "region_id={beilun}&webhook={}&secret={SECRET}",
                enc(&webhook)
            ),
            true,
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = app
        .call(
            Some(&office),
            "POST",
            "/bulletins",
            &format!("region_id={beilun}&week=2021-02-10"),
            true,
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let at = r.location.unwrap();
    let page = app.get(&office, &at).await;
    assert!(page.body.contains(r#"data-push="sent""#), "{}", page.body);
    assert!(page.body.contains("〔2021〕2号"));
    {
        let got = seen.lock().unwrap();
        assert_eq!(got.len(), 1);
        let msg: serde_json::Value = serde_json::from_str(&got[0]).unwrap();
        assert_eq!(msg["msgtype"], "markdown");
        assert!(msg["markdown"]["text"]
            .as_str()
            .unwrap()
            .contains("梅山岛东侧岙口"));
    }
    let pdf = app.get(&office, &format!("{at}/pdf")).await;
    assert!(pdf.body.starts_with("%PDF"));

    // The duty desk's overdue notices reach the same robot: a major matter
    // registered in 梅山 (a town without its own robot) 26 hours ago, due
    // at the province within 24 h, goes to the district's group on the next sweep.
    let r = app
        .call(
            Some(&office),
            "POST",
            "/duty/major",
            &format!(
                "region_id={}&unit_id={}&title={}&happened_at={}",
                app.seeded.regions["330206008"],
                app.seeded.units["梅山街道办事处"],
                enc("梅山岙口发现可疑登陆人员"),
                enc(&jinghai_domain::time::format_local_minutes(
                    jinghai_workflow::Clock::now(&*app.clock) - 26 * jinghai_domain::time::HOUR
                ))
            ),
            true,
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(app.state.duty.sweep().await.unwrap(), 1);
    assert_eq!(app.state.duty.sweep().await.unwrap(), 0, "notified once");
    {
        let got = seen.lock().unwrap();
        assert_eq!(got.len(), 2, "{got:?}");
        let msg: serde_json::Value = serde_json::from_str(&got[1]).unwrap();
        let text = msg["markdown"]["text"].as_str().unwrap();
        assert!(
            text.contains("逾期提醒") && text.contains("梅山岙口发现可疑登陆人员"),
            "{text}"
        );
    }

    // A wrong secret: every attempt fails and the page says so.
    let r = app
        .call(
            Some(&office),
            "POST",
            "/bulletins/robots",
            &format!(
                "region_id={beilun}&webhook={}&secret=SECwrong-secret-x",
                enc(&webhook)
            ),
            true,
        )
        .await;
    assert_eq!(r.status, 303);
    let id = at.rsplit('/').next().unwrap();
    let r = app
        .call(
            Some(&office),
            "POST",
            &format!("/bulletins/{id}/push"),
            "",
            true,
        )
        .await;
    assert_eq!(r.status, 303);
    let page = app.get(&office, &at).await;
    assert!(page.body.contains(r#"data-push="failed""#));
    assert!(page.body.contains("310000"));
    assert_eq!(seen.lock().unwrap().len(), 2, "nothing more got through");

    // A town worker sees the bulletin list, but cannot issue.
    let meishan = app.login("meishan").await;
    let r = app
        .call(
            Some(&meishan),
            "POST",
            "/bulletins",
            &format!("region_id={}", app.seeded.regions["330206008"]),
            true,
        )
        .await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn scoring_over_http_sqlite() {
    flow(TestApp::new(jinghai_store::testkit::sqlite().await).await).await;
}

#[tokio::test]
async fn scoring_over_http_postgres() {
    flow(TestApp::new(jinghai_store::testkit::postgres().await).await).await;
}
