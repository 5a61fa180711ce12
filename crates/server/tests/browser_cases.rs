//! Real-browser tests of clues, cases and tips: an alert becomes a clue in
//! one click and is linked to an earlier clue about the same vessel, is
//! verified, becomes a case with a seizure, is handed over and accepted, and
//! the daily report's strike and anti-smuggling sections are prefilled from
//! it; a public tip is sent without signing in, gets a follow-up code, and
//! its state and reward change as the office handles it.

mod common;

use std::sync::Arc;

use common::browser::{in_browser, login, serve, shots};
use common::webdriver::Driver;
use jinghai_server::{AppState, Config};
use jinghai_workflow::seed::{seed_demo, DEMO_CLUE_MMSI};
use jinghai_workflow::{Clock, SystemClock};

struct Server {
    base: String,
    alert: i64,
    _db: jinghai_store::testkit::TestDb,
}

async fn start_server() -> Server {
    let db = jinghai_store::testkit::sqlite().await;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let seeded = seed_demo(&db.store, &clock).await.unwrap();
    // The engine raised an encounter of the seeded speedboat with another vessel.
    let now = clock.now();
    let alert = db
        .store
        .upsert_alert(
            now,
            &jinghai_store::AlertWrite {
                event_key: "browser:1".into(),
                region_id: seeded.regions["330206"],
                kind: "encounter".into(),
                mmsi: DEMO_CLUE_MMSI,
                other_mmsi: Some(413_000_111),
                start_at: now - 3_600_000,
                end_at: None,
                lat: 29.78,
                lon: 121.99,
                zone_id: Some("梅山岛东侧".into()),
                detail: "{}".into(),
            },
        )
        .await
        .unwrap();
    let state = AppState::new(db.store.clone(), clock, Config::default());
    let base = serve(state).await;
    Server {
        base,
        alert,
        _db: db,
    }
}

/// The id at the end of the current URL's path (`/clues/12?saved=1` → 12).
fn id_in_url(d: &Driver) -> i64 {
    let url = d.url();
    let path = url.split('?').next().unwrap();
    path.rsplit('/').next().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alert_becomes_a_linked_clue_a_case_and_is_handed_over() {
    let server = start_server().await;
    let (base, alert) = (server.base.clone(), server.alert);
    in_browser(move |d| {
        login(&d, &base, "office");
        d.goto(&format!("{base}/alerts"));
        d.submit(&format!("tr[data-alert='{alert}'] form[data-testid=to-clue] button"));
        d.find("[data-testid=saved]");
        let clue = id_in_url(&d);
        assert!(d.text("[data-testid=clue-summary]").contains(&DEMO_CLUE_MMSI.to_string()));
        // Linked at once to the coast guard's earlier clue about the same vessel, with the reason.
        let links = d.text("[data-testid=links]");
        assert!(links.contains(&format!("船舶 MMSI {DEMO_CLUE_MMSI}（精确匹配）")), "{links}");
        assert!(links.contains("快艇夜间在梅山岛东侧岙口停靠"), "{links}");
        d.submit("[data-testid=links] button[value=confirm]");
        d.find("[data-testid=saved]");
        assert!(d.text("[data-testid=links]").contains("已确认"));
        d.goto(&format!("{base}/clues/{clue}/graph"));
        d.find("[data-testid=graph]");
        d.screenshot(&shots().join("clue-graph.png"));
        // Verification, then the case.
        d.goto(&format!("{base}/clues/{clue}"));
        d.select("form[data-testid=status-form] select[name=status]", "核查中");
        d.submit("form[data-testid=status-form] button");
        d.find("[data-testid=saved]");
        d.select("form[data-testid=status-form] select[name=status]", "查证属实");
        d.submit("form[data-testid=status-form] button");
        d.find("[data-testid=saved]");
        d.type_into("form[data-testid=case-form] input[name=case_no]", "北仑立〔2021〕21号");
        d.type_into("form[data-testid=case-form] input[name=title]", "快艇接驳偷渡案");
        d.submit("form[data-testid=case-form] button");
        d.find("[data-testid=saved]");
        let case = id_in_url(&d);
        assert!(d.url().contains("/cases/"));
        d.select("form[data-testid=seizure-form] select[name=category]", "船舶");
        d.type_into("form[data-testid=seizure-form] input[name=quantity]", "1");
        d.type_into("form[data-testid=seizure-form] input[name=description]", "无名快艇");
        d.submit("form[data-testid=seizure-form] button");
        d.find("[data-testid=saved]");
        assert!(d.text("[data-testid=seizures]").contains("无名快艇"));
        // A bad quantity is refused with a message, nothing lost.
        d.select("form[data-testid=seizure-form] select[name=category]", "冻品");
        d.type_into("form[data-testid=seizure-form] input[name=quantity]", "1.23456");
        d.submit("form[data-testid=seizure-form] button");
        assert!(d.text("[data-testid=form-errors]").contains("小数"), "a clear message about decimals");
        // Hand-over to border inspection.
        d.select("form[data-testid=handover-form] select[name=to_unit_id]", "北仑出入境边防检查站");
        d.type_into("form[data-testid=handover-form] input[name=reason]", "涉及非法入境人员，移交边检");
        d.submit("form[data-testid=handover-form] button");
        d.find("[data-testid=saved]");
        assert!(d.text("[data-testid=handovers]").contains("待签收"));
        // Border inspection could not see the case before; now it may answer.
        login(&d, &base, "bianjian");
        d.goto(&format!("{base}/cases/{case}"));
        d.find("[data-testid=to-answer]");
        d.type_into("[data-testid=to-answer] input[name=response]", "已签收，立即处置");
        d.submit("[data-testid=to-answer] button[value=accept]");
        d.find("[data-testid=saved]");
        assert_eq!(d.text("[data-testid=holder]"), "北仑出入境边防检查站");
        assert!(d.text("[data-testid=handovers]").contains("已签收"));
        d.screenshot(&shots().join("case-accepted.png"));
        // Another unit still sees nothing of it.
        login(&d, &base, "haijing");
        d.goto(&format!("{base}/cases/{case}"));
        assert!(d.page_text().contains("记录不存在或无权查看"));
        // The daily report's strike and anti-smuggling sections are prefilled from the records.
        login(&d, &base, "gongan");
        d.goto(&format!("{base}/daily"));
        // The prefilled value fills the field and a hint names its source.
        let prefill = |key: &str| d.run_js(&format!("return document.querySelector(\"small.prefill[data-prefill='{key}']\") ? document.querySelector(\"input[name='v.{key}']\").value : null"));
        assert_eq!(prefill("cs_cases_filed"), serde_json::json!("1"));
        assert!(prefill("cs_clues_linked").as_str().unwrap().parse::<i64>().unwrap() >= 1);
        login(&d, &base, "dasi");
        d.goto(&format!("{base}/daily"));
        assert_eq!(prefill("as_vessels"), serde_json::json!("1"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_tip_gets_a_code_and_its_state_and_reward_follow_the_handling() {
    let server = start_server().await;
    let base = server.base.clone();
    in_browser(move |d| {
        d.delete_cookies();
        d.goto(&format!("{base}/report/330206"));
        d.select("form[data-testid=tip-form] select[name=topic]", "走私");
        d.type_into("form[data-testid=tip-form] textarea[name=what]", "<script>alert('x')</script>夜里有小船在岙口卸冻品");
        d.type_into("form[data-testid=tip-form] input[name=place]", "春晓昆亭村岙口");
        d.type_into("form[data-testid=tip-form] input[name=phone]", "+86 139 0000 0009");
        d.screenshot(&shots().join("tip-form.png"));
        d.submit("[data-testid=tip-submit]");
        let code = d.text("[data-testid=tip-code]");
        assert_eq!(code.len(), 19, "{code}");
        let check = |d: &Driver| {
            d.goto(&format!("{base}/report/status"));
            d.type_into("form[data-testid=status-form] input[name=code]", &code);
            d.submit("form[data-testid=status-form] button");
            // The answer is a new page: wait for it before reading it.
            d.find("[data-testid=public-reward]");
            let state = d.run_js("return document.querySelector('[data-testid=public-state]').getAttribute('data-state')");
            let reward = d.run_js("return document.querySelector('[data-testid=public-reward]').getAttribute('data-state')");
            (state.as_str().unwrap().to_string(), reward.as_str().unwrap().to_string())
        };
        assert_eq!(check(&d), ("received".into(), "none".into()));
        // A wrong code is refused with a message.
        d.goto(&format!("{base}/report/status"));
        d.type_into("form[data-testid=status-form] input[name=code]", "AAAA-BBBB-CCCC-DDDD");
        d.submit("form[data-testid=status-form] button");
        assert!(d.text("[data-testid=form-errors]").contains("查询码不正确"));

        // The office triages it into a clue; the text typed was never run as script.
        login(&d, &base, "office");
        d.goto(&format!("{base}/tips"));
        let tip = d.run_js("return document.querySelector('[data-testid=tips] tr[data-tip]').getAttribute('data-tip')");
        let tip = tip.as_str().unwrap().to_string();
        d.goto(&format!("{base}/tips/{tip}"));
        assert!(d.text("[data-testid=tip-what]").contains("<script>"), "shown as text");
        assert!(d.text("[data-testid=tipster]").contains("13900000009"), "the office is a reward officer");
        d.type_into("form[data-testid=triage-form] textarea[name=entities]", "地点: 春晓昆亭村岙口");
        d.submit("form[data-testid=triage-form] button");
        d.find("[data-testid=saved]");
        assert_eq!(check(&d).0, "checking");
        // The clue is verified.
        login(&d, &base, "office");
        d.goto(&format!("{base}/tips/{tip}"));
        d.submit("[data-testid=tip] a[href^='/clues/']");
        d.select("form[data-testid=status-form] select[name=status]", "核查中");
        d.submit("form[data-testid=status-form] button");
        d.find("[data-testid=saved]");
        d.select("form[data-testid=status-form] select[name=status]", "查证属实");
        d.submit("form[data-testid=status-form] button");
        d.find("[data-testid=saved]");
        assert_eq!(check(&d).0, "verified");
        // An administrator sees the tip but not who sent it.
        login(&d, &base, "admin");
        d.goto(&format!("{base}/tips/{tip}"));
        assert!(!d.text("[data-testid=tipster]").contains("13900000009"));
        // The anti-smuggling office proposes a reward, the office approves, it is paid.
        login(&d, &base, "dasi");
        d.goto(&format!("{base}/tips/{tip}"));
        d.type_into("form[data-testid=reward-form] input[name=amount]", "500");
        d.type_into("form[data-testid=reward-form] input[name=basis]", "举报查证属实，按举报奖励办法");
        d.submit("form[data-testid=reward-form] button");
        d.find("[data-testid=saved]");
        assert_eq!(check(&d).1, "proposed");
        login(&d, &base, "office");
        d.goto(&format!("{base}/tips/{tip}"));
        d.submit("form[data-testid=decide-form] button[value=approve]");
        d.find("[data-testid=saved]");
        assert_eq!(check(&d).1, "approved");
        login(&d, &base, "dasi");
        d.goto(&format!("{base}/tips/{tip}"));
        d.submit("form[data-testid=pay-form] button");
        d.find("[data-testid=saved]");
        assert!(d.text("[data-testid=rewards]").contains("已发放"));
        d.delete_cookies();
        assert_eq!(check(&d), ("verified".into(), "paid".into()));
        d.screenshot(&shots().join("tip-status.png"));
    })
    .await;
}
