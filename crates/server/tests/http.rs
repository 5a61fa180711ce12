//! HTTP behaviour: sign-in, bad input, language, the admin's forms and the
//! audit page, operations endpoints.

mod common;

use common::{enc, TestApp};

async fn app() -> TestApp {
    TestApp::new(jinghai_store::testkit::sqlite().await).await
}

#[tokio::test]
async fn wrong_password_and_unknown_user_answer_alike_then_rate_limited() {
    let app = app().await;
    let wrong = app
        .call(
            None,
            "POST",
            "/api/v1/session",
            r#"{"username":"meishan","password":"nope12345"}"#,
            false,
        )
        .await;
    let unknown = app
        .call(
            None,
            "POST",
            "/api/v1/session",
            r#"{"username":"ghost","password":"nope12345"}"#,
            false,
        )
        .await;
    assert_eq!((wrong.status.as_u16(), unknown.status.as_u16()), (401, 401));
    assert_eq!(wrong.body, unknown.body);
    for _ in 0..4 {
        app.call(
            None,
            "POST",
            "/api/v1/session",
            r#"{"username":"meishan","password":"nope12345"}"#,
            false,
        )
        .await;
    }
    let limited = app
        .call(
            None,
            "POST",
            "/api/v1/session",
            r#"{"username":"meishan","password":"jinghai2021"}"#,
            false,
        )
        .await;
    assert_eq!(limited.status.as_u16(), 429, "{}", limited.body);
    assert!(limited.body.contains("尝试次数过多"), "{}", limited.body);
}

#[tokio::test]
async fn html_sign_in_sets_cookie_and_redirects() {
    let app = app().await;
    let ok = app
        .call(
            None,
            "POST",
            "/login",
            "username=office&password=jinghai2021",
            false,
        )
        .await;
    assert_eq!(ok.status.as_u16(), 303);
    assert_eq!(ok.location.as_deref(), Some("/"));
    let bad = app
        .call(
            None,
            "POST",
            "/login",
            "username=office&password=wrong",
            false,
        )
        .await;
    assert_eq!(bad.status.as_u16(), 401);
    assert!(bad.body.contains("用户名或密码错误"));
    assert!(
        bad.body.contains("value=\"office\""),
        "keeps what was typed"
    );
    // Pages need a session.
    let home = app.call(None, "GET", "/", "", false).await;
    assert_eq!(
        (home.status.as_u16(), home.location.as_deref()),
        (303, Some("/login"))
    );
}

#[tokio::test]
async fn malformed_json_names_the_field_in_the_users_language() {
    let app = app().await;
    let s = app.login("admin").await;
    let r = app
        .call(
            Some(&s),
            "POST",
            "/api/v1/regions",
            r#"{"code":"330206010","level":"town"}"#,
            true,
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["fields"][0]["field"], "name");
    assert!(v["message"].as_str().unwrap().contains("请求格式错误"));
    let r = app
        .call(
            Some(&s),
            "POST",
            "/api/v1/regions",
            r#"{"code":"33x","name":"","level":"town","parent_id":3}"#,
            true,
        )
        .await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let fields: Vec<_> = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["code", "name"]);
    let r = app
        .call(Some(&s), "GET", "/api/v1/regions/abc", "", false)
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(r.body.contains("编号必须是数字"));
    // English when the user chose English.
    let mut en = s.clone();
    en.cookie = format!("{}; lang=en", s.cookie);
    let r = app
        .call(
            Some(&en),
            "POST",
            "/api/v1/regions",
            r#"{"code":"33x","name":"x","level":"town","parent_id":3}"#,
            true,
        )
        .await;
    assert!(
        r.body.contains("region code must be 6, 9 or 12 digits"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn admin_creates_town_unit_user_by_forms_and_audit_page_shows_them() {
    let app = app().await;
    let s = app.login("admin").await;
    let beilun = app
        .db
        .store
        .find_region_by_code("330206000000")
        .await
        .unwrap()
        .unwrap()
        .id;
    let r = app
        .call(
            Some(&s),
            "POST",
            "/admin/regions",
            &format!(
                "code=330206010&name={}&level=town&parent_id={beilun}",
                enc("新建测试街道")
            ),
            true,
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.location.as_deref()),
        (303, Some("/admin/regions?saved=1")),
        "{}",
        r.body
    );
    let town = app
        .db
        .store
        .find_region_by_code("330206010000")
        .await
        .unwrap()
        .unwrap();
    let r = app
        .call(
            Some(&s),
            "POST",
            "/admin/units",
            &format!(
                "name={}&agency=town_government&region_id={}",
                enc("新建测试街道办事处"),
                town.id
            ),
            true,
        )
        .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.body);
    let units = app.get(&s, "/api/v1/units").await.body;
    let units: Vec<jinghai_domain::Unit> = serde_json::from_str(&units).unwrap();
    let unit = units
        .iter()
        .find(|u| u.name == "新建测试街道办事处")
        .unwrap();
    let r = app
        .call(Some(&s), "POST", "/admin/users", &format!("username=ceshi&display_name={}&password=ceshi2021&role=town_worker&region_id={}&unit_id={}", enc("测试网格员"), town.id, unit.id), true)
        .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.body);

    // Invalid input re-renders the form with the errors and what was typed.
    let r = app
        .call(
            Some(&s),
            "POST",
            "/admin/users",
            &format!(
                "username=ceshi&display_name=x&password=short&role=town_worker&region_id={}",
                town.id
            ),
            true,
        )
        .await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(
        r.body.contains("用户名 ceshi 已被使用") || r.body.contains("密码至少 8 位"),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"ceshi\""));

    // The audit page, as the task-force office, shows all three with before/after.
    let office = app.login("office").await;
    let page = app.get(&office, "/admin/audit?entity=&action=create").await;
    assert_eq!(page.status.as_u16(), 200);
    for needle in [
        "新建测试街道",
        "新建测试街道办事处",
        "测试网格员",
        "北仑区系统管理员 (admin)",
    ] {
        assert!(page.body.contains(needle), "audit page lacks {needle}");
    }
    // A rename shows before and after.
    let r = app
        .call(
            Some(&s),
            "POST",
            &format!("/admin/regions/{}", town.id),
            &format!("name={}", enc("改名后的街道")),
            true,
        )
        .await;
    assert_eq!(r.status.as_u16(), 303);
    let page = app
        .get(&office, "/admin/audit?action=update&entity=region")
        .await;
    assert!(page.body.contains("新建测试街道") && page.body.contains("改名后的街道"));
    let bad = app.get(&office, "/admin/audit?from=yesterday").await;
    assert_eq!(bad.status.as_u16(), 400);
    assert!(bad.body.contains("日期格式应为 YYYY-MM-DD"));
    // Town workers may not read the audit log.
    let town_worker = app.login("meishan").await;
    assert_eq!(
        app.get(&town_worker, "/admin/audit").await.status.as_u16(),
        403
    );
}

#[tokio::test]
async fn operations_endpoints() {
    let app = app().await;
    let h = app.call(None, "GET", "/healthz", "", false).await;
    assert_eq!(h.status.as_u16(), 200);
    assert!(h.body.contains("\"database\":\"up\""));
    let m = app.call(None, "GET", "/metrics", "", false).await;
    assert!(
        m.body.contains(
            "jinghai_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"
        ),
        "{}",
        m.body
    );
    assert!(m.body.contains("jinghai_database_up 1"));
    let doc = app.call(None, "GET", "/api/openapi.json", "", false).await;
    let v: serde_json::Value = serde_json::from_str(&doc.body).unwrap();
    assert_eq!(v["openapi"], "3.1.0");
    assert!(v["paths"]["/api/v1/regions/{id}"]["patch"].is_object());
    let css = app.call(None, "GET", "/assets/app.css", "", false).await;
    assert!(css.body.contains("--navy"));
    // The map's library and the offline coastline come from the binary.
    let leaflet = app
        .call(None, "GET", "/assets/vendor/leaflet.js", "", false)
        .await;
    assert_eq!(leaflet.status.as_u16(), 200);
    assert!(leaflet.body.contains("Leaflet"));
    let coast = app
        .call(
            None,
            "GET",
            "/assets/basemap/zhejiang-coastline.geojson",
            "",
            false,
        )
        .await;
    assert_eq!(coast.status.as_u16(), 200);
    assert!(coast.body.contains("MultiLineString"));
    let traversal = app
        .call(None, "GET", "/assets/../Cargo.toml", "", false)
        .await;
    assert_eq!(traversal.status.as_u16(), 404);
    let missing = app.call(None, "GET", "/nope", "", false).await;
    assert_eq!(missing.status.as_u16(), 404);
}

/// Every page of the route table without a path parameter (so a page added
/// tomorrow is checked the day it exists), for every role: each role gets it
/// or a clear refusal, never an error or a missing page; some role gets
/// every page; no HTML page links outside the binary.
#[tokio::test]
async fn every_page_renders_for_every_role_without_outside_links() {
    let app = app().await;
    let pages: Vec<&str> = jinghai_server::routes::ROUTES
        .iter()
        .filter(|r| r.method == "GET" && !r.api && !r.path.contains('{'))
        // Not a page: signing out.
        .filter(|r| r.path != "/logout")
        .map(|r| r.path)
        .collect();
    assert!(pages.len() > 40, "{} pages", pages.len());
    let mut shown: std::collections::HashSet<String> = std::collections::HashSet::new();
    for user in [
        "admin",
        "office",
        "leader",
        "haijing",
        "meishan",
        "bianjian",
        "dasi",
        "province.office",
    ] {
        let s = app.login(user).await;
        let admin = jinghai_domain::Scope {
            user_id: 0,
            role: jinghai_domain::Role::Admin,
            region_prefix: "33".into(),
            unit_id: None,
        };
        // The user's own risk and patrol plan pages, where they have one.
        let me = app.get(&s, "/api/v1/me").await.body;
        let me: serde_json::Value = serde_json::from_str(&me).unwrap();
        let prefix = me["scope"]["region_prefix"]
            .as_str()
            .or_else(|| me["region_prefix"].as_str())
            .unwrap_or("330206")
            .to_string();
        let risk = app
            .db
            .store
            .list_risks(&admin)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.region_code.starts_with(&prefix))
            .map(|r| format!("/risks/{}", r.id));
        let plan = app
            .db
            .store
            .list_patrol_plans(&admin)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.region_code.starts_with(&prefix))
            .map(|p| format!("/patrols/{}", p.id));
        let day = jinghai_domain::report::format_day(jinghai_domain::report::day_of(
            jinghai_workflow::Clock::now(app.clock.as_ref()),
        ));
        let behind: Vec<String> = jinghai_workflow::records::Behind::ALL
            .iter()
            .map(|b| b.link("330206", day_of_today(&app)))
            .collect();
        // Every page of the table, plus the user's own risk and patrol plan
        // pages and every "records behind" link of the daily report.
        let mut paths: Vec<String> = pages.iter().map(|p| p.to_string()).collect();
        paths.extend(risk);
        paths.extend(plan);
        paths.extend(behind);
        paths.push(format!("/daily?day={day}"));
        for path in &paths {
            let r = app.get(&s, path).await;
            let status = r.status.as_u16();
            assert!(
                matches!(status, 200 | 303 | 403),
                "{user} {path}: {status} {}",
                &r.body[..r.body.len().min(300)]
            );
            if status == 200 {
                shown.insert(path.clone());
            }
            if r.body.trim_start().starts_with("<!DOCTYPE") || r.body.contains("<html") {
                assert!(
                    !r.body.contains("http://") && !r.body.contains("https://"),
                    "{user} {path} links outside the binary"
                );
            }
        }
    }
    let never: Vec<_> = pages.iter().filter(|p| !shown.contains(**p)).collect();
    assert!(never.is_empty(), "no role gets {never:?}");
}

fn day_of_today(app: &TestApp) -> jinghai_domain::report::Day {
    jinghai_domain::report::day_of(jinghai_workflow::Clock::now(app.clock.as_ref()))
}

#[tokio::test]
async fn dashboard_counts_what_needs_attention() {
    let app = app().await;
    let office = app.login("office").await;
    let home = app.get(&office, "/").await.body;
    // The demo's 梅山 cove item is three days past its deadline; nothing is filed today.
    let card = |testid: &str| {
        let at = home
            .find(&format!("data-testid=\"{testid}\""))
            .unwrap_or_else(|| panic!("{testid} card"));
        let rest = &home[at..];
        let big = rest.find("class=\"big").unwrap();
        rest[big..]
            .split('>')
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(card("home-overdue"), "1");
    assert_eq!(
        card("home-missing"),
        "8",
        "8 sections of Beilun are missing today"
    );
    let zhenhai = app.login("zhenhai.office").await;
    let home = app.get(&zhenhai, "/").await.body;
    assert!(home.contains("data-testid=\"home-overdue\""));
}

#[tokio::test]
async fn alert_desk_filters_counts_and_overdue() {
    let app = app().await;
    let office = app.login("office").await;
    let ids = |body: &str| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(body).expect(body);
        v.as_array()
            .expect("a list")
            .iter()
            // The harness's own alerts, not the demo's past week.
            .filter(|a| a["event_key"].as_str().unwrap_or("").starts_with("test:"))
            .map(|a| a["zone_id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    // The office of 北仑 sees the district's and its towns' alerts, not 镇海's.
    let all = app.get(&office, "/api/v1/alerts").await;
    assert_eq!(all.status.as_u16(), 200, "{}", all.body);
    assert_eq!(ids(&all.body).len(), 3, "{}", all.body);
    let zone = app
        .get(
            &office,
            &format!("/api/v1/alerts?zone={}", common::enc("梅山岙口")),
        )
        .await;
    assert_eq!(ids(&zone.body), vec!["梅山岙口"]);
    let none = app.get(&office, "/api/v1/alerts?kind=encounter").await;
    assert!(ids(&none.body).is_empty());
    let bad = app
        .get(
            &office,
            "/api/v1/alerts?kind=smuggling&from=2021-13-01&unit=x",
        )
        .await;
    assert_eq!(bad.status.as_u16(), 400, "{}", bad.body);
    for field in ["kind", "from", "unit"] {
        assert!(bad.body.contains(field), "{field} named in {}", bad.body);
    }
    // Nothing overdue at first; after the configured 30 minutes all three are.
    let overdue = app.get(&office, "/api/v1/alerts?overdue=1").await;
    assert!(ids(&overdue.body).is_empty(), "{}", overdue.body);
    app.clock.advance(31 * 60_000);
    let overdue = app.get(&office, "/api/v1/alerts?overdue=1").await;
    assert_eq!(ids(&overdue.body).len(), 3, "{}", overdue.body);
    // The page highlights them, keeps the filter in the form, and a bad
    // filter shows its error above the unfiltered list.
    let page = app.get(&office, "/alerts?overdue=1").await;
    let rows = page.body.matches("data-overdue=\"true\"").count();
    assert!(rows >= 3, "ours and the demo's unhandled ones");
    assert!(
        page.body
            .contains(&format!("data-testid=\"alerts-overdue\">{rows}<")),
        "the count is the highlighted rows"
    );
    let page = app.get(&office, "/alerts?status=lost").await;
    assert_eq!(page.status.as_u16(), 200);
    assert!(page.body.contains("lost"), "the bad value is named");
    assert_eq!(
        page.body.matches("data-alert=").count(),
        app.get(&office, "/alerts")
            .await
            .body
            .matches("data-alert=")
            .count(),
        "unfiltered"
    );
    let home = app.get(&office, "/").await;
    assert!(home.body.contains("home-alerts-overdue"));
}

#[tokio::test]
async fn prefilled_numbers_link_to_their_records_and_a_correction_needs_a_reason() {
    let app = app().await;
    let s = app.login("gongan").await;
    let beilun = app.seeded.regions["330206"];
    let sheet = app.get(&s, &format!("/api/v1/daily/sheet/{beilun}")).await;
    assert_eq!(sheet.status.as_u16(), 200, "{}", sheet.body);
    let v: serde_json::Value = serde_json::from_str(&sheet.body).unwrap();
    let day = v["day"].as_str().unwrap().to_string();
    let strike = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["section"] == "strike")
        .unwrap()
        .clone();
    let suggestions = strike["suggestions"].as_array().unwrap();
    let clues = suggestions
        .iter()
        .find(|g| g["indicator"] == "cs_clues")
        .expect("clues are prefilled");
    let link = clues["records"].as_str().unwrap().to_string();
    assert_eq!(link, format!("/clues?behind=clues&region=330206&day={day}"));
    // The link lists exactly the clues counted, as far as the caller sees them.
    let office = app.login("office").await;
    let page = app.get(&office, &link).await;
    assert_eq!(page.status.as_u16(), 200, "{}", page.body);
    let shown = page.body.matches("data-clue=").count();
    assert!(page.body.contains("data-testid=\"behind\""));
    assert_eq!(
        page.body
            .split("data-testid=\"behind-count\">")
            .nth(1)
            .and_then(|r| r.split('<').next()),
        Some(shown.to_string().as_str())
    );
    let bad = app
        .get(&office, "/clues?behind=nothing&region=33x&day=2021-13-01")
        .await;
    assert_eq!(bad.status.as_u16(), 400);
    for typed in ["nothing", "33x", "2021-13-01"] {
        assert!(bad.body.contains(typed), "{typed} named in {}", bad.body);
    }

    // The records' values, with 搜集线索 one more than counted.
    let mut values = serde_json::Map::new();
    for g in suggestions {
        values.insert(g["indicator"].as_str().unwrap().into(), g["value"].clone());
    }
    let counted = clues["value"].as_i64().unwrap();
    values.insert("cs_clues".into(), serde_json::json!(counted + 1));
    let body = |reasons: serde_json::Value| {
        serde_json::json!({"day": day, "section": "strike", "values": values, "notes": "", "reasons": reasons, "submit": true}).to_string()
    };
    let url = format!("/api/v1/daily/sheet/{beilun}");
    let refused = app
        .call(Some(&s), "POST", &url, &body(serde_json::json!({})), true)
        .await;
    assert_eq!(refused.status.as_u16(), 400, "{}", refused.body);
    assert!(
        refused.body.contains("reason.cs_clues") && refused.body.contains("搜集线索"),
        "{}",
        refused.body
    );
    let ok = app
        .call(
            Some(&s),
            "POST",
            &url,
            &body(serde_json::json!({"cs_clues": "一条线索当日电话报来，次日补录"})),
            true,
        )
        .await;
    assert_eq!(ok.status.as_u16(), 200, "{}", ok.body);
    let after: serde_json::Value =
        serde_json::from_str(&app.get(&office, &url).await.body).unwrap();
    let entry = &after["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["section"] == "strike")
        .unwrap()["entry"];
    assert_eq!(entry["status"], "submitted");
    assert_eq!(entry["corrections"][0]["indicator"], "cs_clues");
    assert_eq!(
        entry["corrections"][0]["reason"],
        "一条线索当日电话报来，次日补录"
    );
}
