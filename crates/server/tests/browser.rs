//! Real-browser tests: Debian's headless Chromium, driven through
//! chromedriver, against the real server on a loopback port.

mod common;

use common::browser::{demo_server, in_browser, login, shots};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_signs_in_and_sees_only_its_scope() {
    let server = demo_server().await;
    let base = server.base.clone();
    in_browser(move |d| {
        // (user, text the home page shows as scope, region names that must not appear on the regions page)
        let cases = [
            ("admin", "北仑区", &["镇海区", "定海区"][..]),
            ("office", "北仑区", &["镇海区", "舟山市"][..]),
            ("leader", "北仑区", &["镇海区"][..]),
            ("haijing", "北仑区", &["镇海区"][..]),
            ("meishan", "梅山街道", &["白峰街道", "峙南村", "北仑区"][..]),
            ("baifeng", "白峰街道", &["梅山街道", "梅港村"][..]),
            ("city.office", "宁波市", &["舟山市", "定海区"][..]),
            ("province.office", "浙江省", &[][..]),
        ];
        for (user, scope, hidden) in cases {
            login(&d, &base, user);
            assert!(
                d.text("[data-testid=scope-region]").contains(scope),
                "{user} home shows {scope}"
            );
            d.goto(&format!("{base}/admin/regions"));
            let table = d.text("[data-testid=regions]");
            for h in hidden {
                assert!(!table.contains(h), "{user} sees {h} in the regions page");
            }
            d.screenshot(&shots().join(format!("home-{user}.png")));
        }
        // The language switch works and sticks.
        d.goto(&format!("{base}/"));
        d.submit("a.lang");
        assert!(
            d.page_text().contains("Dashboard"),
            "English after switching"
        );
        d.submit("a.lang");
        assert!(d.page_text().contains("工作台"), "Chinese again");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_creates_town_unit_user_and_office_sees_them_in_audit() {
    let server = demo_server().await;
    let base = server.base.clone();
    in_browser(move |d| {
        login(&d, &base, "admin");

        d.goto(&format!("{base}/admin/regions"));
        d.click("details.panel summary");
        d.select(
            "form[data-testid=region-form] select[name=parent_id]",
            "北仑区",
        );
        d.select(
            "form[data-testid=region-form] select[name=level]",
            "镇/街道",
        );
        d.type_into(
            "form[data-testid=region-form] input[name=code]",
            "330206010",
        );
        d.type_into(
            "form[data-testid=region-form] input[name=name]",
            "浏览器测试街道",
        );
        d.submit("form[data-testid=region-form] button[type=submit]");
        d.find("[data-testid=saved]");
        assert!(d.text("[data-testid=regions]").contains("浏览器测试街道"));

        d.goto(&format!("{base}/admin/units"));
        d.click("details.panel summary");
        d.type_into(
            "form[data-testid=unit-form] input[name=name]",
            "浏览器测试街道办事处",
        );
        d.select("form[data-testid=unit-form] select[name=agency]", "镇街");
        d.select(
            "form[data-testid=unit-form] select[name=region_id]",
            "浏览器测试街道",
        );
        d.submit("form[data-testid=unit-form] button[type=submit]");
        d.find("[data-testid=saved]");

        d.goto(&format!("{base}/admin/users"));
        d.click("details.panel summary");
        d.type_into(
            "form[data-testid=user-form] input[name=username]",
            "browser.user",
        );
        d.type_into(
            "form[data-testid=user-form] input[name=display_name]",
            "浏览器测试网格员",
        );
        d.type_into("form[data-testid=user-form] input[name=password]", "short");
        d.select("form[data-testid=user-form] select[name=role]", "网格员");
        d.select(
            "form[data-testid=user-form] select[name=region_id]",
            "浏览器测试街道",
        );
        d.select(
            "form[data-testid=user-form] select[name=unit_id]",
            "浏览器测试街道办事处",
        );
        d.submit("form[data-testid=user-form] button[type=submit]");
        // A bad password is refused with a clear message and loses nothing typed.
        assert!(d
            .text("[data-testid=form-errors]")
            .contains("密码至少 8 位"));
        d.type_into(
            "form[data-testid=user-form] input[name=password]",
            "browser2021",
        );
        d.select(
            "form[data-testid=user-form] select[name=unit_id]",
            "浏览器测试街道办事处",
        );
        d.submit("form[data-testid=user-form] button[type=submit]");
        d.find("[data-testid=saved]");
        assert!(d.text("[data-testid=users]").contains("浏览器测试网格员"));

        // The new user can sign in and sees only the new town.
        login(&d, &base, "office");
        d.goto(&format!("{base}/admin/audit?action=create"));
        let audit = d.text("[data-testid=audit]");
        for needle in ["浏览器测试街道", "浏览器测试街道办事处", "浏览器测试网格员"]
        {
            assert!(audit.contains(needle), "audit shows {needle}");
        }
        d.screenshot(&shots().join("audit.png"));
        d.delete_cookies();
        d.goto(&format!("{base}/login"));
        d.type_into("input[name=username]", "browser.user");
        d.type_into("input[name=password]", "browser2021");
        d.submit("button[type=submit]");
        assert!(d
            .text("[data-testid=scope-region]")
            .contains("浏览器测试街道"));
    })
    .await;
}

/// (user, section, [(indicator, value)])
type Fill = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_group_fills_its_section_and_the_office_sees_the_day() {
    let server = demo_server().await;
    let base = server.base.clone();
    in_browser(move |d| {
        let fills: &[Fill] = &[
            (
                "haijing",
                "maritime_patrol",
                &[
                    ("mp_personnel", "12"),
                    ("mp_area", "85.5"),
                    ("mp_ships_checked", "9"),
                    ("mp_ships_seized", "1"),
                ],
            ),
            ("bianjian", "port_area", &[("pa_inbound_ships", "14")]),
            ("gongan", "coastal", &[("co_cove_patrols", "4")]),
            ("nongye", "vessel_control", &[("vc_stateless_seized", "2")]),
            ("haiguan", "entry_exit", &[("ee_containers", "1")]),
            ("gongan", "strike", &[("cs_clues", "3")]),
            ("dasi", "anti_smuggling", &[("as_goods_tonnes", "12.345")]),
            ("jiaotong", "case_handling", &[("illegal_entrants", "2")]),
        ];
        for (user, section, values) in fills {
            login(&d, &base, user);
            d.goto(&format!("{base}/daily"));
            let form = format!("section[data-section={section}] form.grid");
            for (k, v) in values.iter() {
                d.type_into(&format!("{form} input[name='v.{k}']"), v);
                // A number prefilled from the records and typed otherwise needs a reason.
                let prefilled = d.run_js(&format!(
                    "return document.querySelector(\"{form} input[name='r.{k}']\") !== null"
                ));
                if prefilled == serde_json::json!(true) {
                    d.type_into(&format!("{form} input[name='r.{k}']"), "以现场核实数为准");
                }
            }
            if *section == "maritime_patrol" {
                // Seized more than inspected: refused with a clear message, nothing lost.
                d.type_into(&format!("{form} input[name='v.mp_ships_seized']"), "10");
                d.submit(&format!("{form} button[value=submit]"));
                assert!(d.text("[data-testid=form-errors]").contains("不能大于"));
                assert_eq!(
                    d.run_js("return document.querySelector(\"input[name='v.mp_area']\").value"),
                    serde_json::json!("85.5")
                );
                d.type_into(
                    &format!(
                        "section[data-section={section}] form.grid input[name='v.mp_ships_seized']"
                    ),
                    "1",
                );
            }
            d.submit(&format!(
                "section[data-section={section}] form.grid button[value=submit]"
            ));
            d.find("[data-testid=saved]");
            assert_eq!(
                d.text(&format!(
                    "section[data-section={section}] [data-testid=status]"
                )),
                "已报送",
                "{user} {section}"
            );
        }
        login(&d, &base, "office");
        d.goto(&format!("{base}/daily/summary"));
        d.select(
            "form[data-testid=rollup-filter] select[name=region]",
            "北仑区",
        );
        let today = d
            .run_js("return document.querySelector('input[name=to]').value")
            .as_str()
            .unwrap()
            .to_string();
        d.goto(&format!(
            "{base}/daily/summary?region={}&from={today}&to={today}",
            d.run_js("return document.querySelector('select[name=region]').value")
                .as_str()
                .unwrap()
        ));
        let official = d.text("[data-testid=official]");
        assert!(official.contains("北仑区防范打击非法入境“净海”行动办公室"));
        assert_eq!(d.text("td[data-indicator=mp_area]"), "85.50");
        assert_eq!(d.text("td[data-indicator=as_goods_tonnes]"), "12.345");
        assert_eq!(d.text("td[data-indicator=illegal_entrants]"), "2");
        let cumulative: i64 = d
            .text("td[data-indicator=cum_illegal_entrants]")
            .parse()
            .unwrap();
        assert!(cumulative >= 2, "cumulative includes today");
        assert_eq!(
            d.run_js("return document.querySelector('[data-testid=missing]') === null"),
            serde_json::json!(true),
            "nothing missing today"
        );
        d.screenshot(&shots().join("daily-summary.png"));
        // The week view lists yesterday's missing sections with their lead units.
        d.goto(&format!("{base}/daily/summary"));
        assert!(
            d.text("[data-testid=missing]").contains("北仑海关"),
            "yesterday's missing customs section is listed"
        );
    })
    .await;
}
