//! The daily report end to end at the service level: every working group
//! fills its section, the office reviews, totals and cumulative values roll
//! up, gaps and late submissions are listed, bad input is refused.

use std::sync::Arc;

use jinghai_domain::report::{cst_hour, parse_day, EntryStatus};
use jinghai_domain::time::HOUR;
use jinghai_workflow::accounts::LoginLimits;
use jinghai_workflow::reports::{Reports, SectionInput};
use jinghai_workflow::seed::{seed_demo, DEMO_PASSWORD};
use jinghai_workflow::{Accounts, Clock, Ctx, ManualClock, WorkflowError};

struct World {
    _db: jinghai_store::testkit::TestDb,
    clock: Arc<ManualClock>,
    accounts: Accounts,
    reports: Reports,
    beilun: i64,
    zhenhai: i64,
    ningbo: i64,
}

async fn world(db: jinghai_store::testkit::TestDb) -> World {
    let clock = Arc::new(ManualClock::new(cst_hour(
        parse_day("2021-02-10").unwrap(),
        9,
    )));
    let c: Arc<dyn Clock> = clock.clone();
    seed_demo(&db.store, &c).await.unwrap();
    let code = |c: &str| {
        let store = db.store.clone();
        let c = c.to_string();
        async move { store.find_region_by_code(&c).await.unwrap().unwrap().id }
    };
    World {
        accounts: Accounts::new(db.store.clone(), c.clone(), LoginLimits::default()),
        reports: Reports::new(db.store.clone(), c),
        beilun: code("330206000000").await,
        zhenhai: code("330211000000").await,
        ningbo: code("330200000000").await,
        clock,
        _db: db,
    }
}

impl World {
    #[allow(clippy::too_many_arguments)]
    async fn save(
        &self,
        ctx: &Ctx,
        district_id: i64,
        day: i32,
        section: &str,
        values: &[(String, String)],
        notes: &str,
        submit: bool,
    ) -> Result<jinghai_domain::report::ReportEntry, WorkflowError> {
        self.reports
            .save(
                ctx,
                &input(district_id, day, section, values, notes, submit),
            )
            .await
    }

    async fn ctx(&self, user: &str) -> Ctx {
        self.accounts
            .login(user, DEMO_PASSWORD, "t")
            .await
            .unwrap()
            .ctx
    }
}

fn input(
    district_id: i64,
    day: i32,
    section: &str,
    values: &[(String, String)],
    notes: &str,
    submit: bool,
) -> SectionInput {
    SectionInput {
        district_id,
        day,
        section: section.into(),
        values: values.to_vec(),
        notes: notes.into(),
        reasons: Vec::new(),
        submit,
    }
}

/// (user, section, typed values)
type Fill = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

fn vals(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

async fn story(w: World) {
    let day = parse_day("2021-02-10").unwrap();
    // The demo seed holds a week of reports before `day`: cumulative values start from there.
    let office = w.ctx("office").await;
    let base = w
        .reports
        .rollup(&office, w.beilun, day - 1, day - 1)
        .await
        .unwrap()
        .value("cum_illegal_entrants");
    // Each group's lead unit fills its own section.
    let fills: &[Fill] = &[
        (
            "haijing",
            "maritime_patrol",
            &[
                ("mp_personnel", "12"),
                ("mp_vessels", "3"),
                ("mp_area", "85.5"),
                ("mp_ships_checked", "9"),
                ("mp_persons_checked", "40"),
                ("mp_ships_seized", "1"),
            ],
        ),
        (
            "bianjian",
            "port_area",
            &[
                ("pa_inbound_ships", "14"),
                ("pa_outbound_ships", "11"),
                ("pa_inbound_persons", "260"),
                ("pa_outbound_persons", "230"),
                ("pa_ships_guarded", "6"),
                ("pa_anchorage_patrols", "2"),
            ],
        ),
        (
            "gongan",
            "coastal",
            &[("co_personnel", "30"), ("co_cove_patrols", "4")],
        ),
        (
            "nongye",
            "vessel_control",
            &[("vc_fishing_vessels", "1024"), ("vc_stateless_seized", "2")],
        ),
        ("haiguan", "entry_exit", &[("ee_containers", "1")]),
        (
            "gongan",
            "strike",
            &[
                ("cs_clues", "3"),
                ("cs_clues_linked", "2"),
                ("cs_cases_filed", "1"),
            ],
        ),
        (
            "dasi",
            "anti_smuggling",
            &[
                ("as_vessels", "1"),
                ("as_persons", "4"),
                ("as_goods_tonnes", "12.345"),
            ],
        ),
        (
            "jiaotong",
            "case_handling",
            &[("illegal_entrants", "2"), ("rescue_entrants", "0")],
        ),
    ];
    for (user, section, values) in fills {
        let ctx = w.ctx(user).await;
        let e = w
            .save(&ctx, w.beilun, day, section, &vals(values), "", true)
            .await
            .unwrap_or_else(|e| panic!("{user} {section}: {e}"));
        assert_eq!(e.status, EntryStatus::Submitted);
    }

    // The office sees the district total, nothing missing that day, cumulative values.
    let r = w.reports.rollup(&office, w.beilun, day, day).await.unwrap();
    assert_eq!(r.value("mp_area"), 85_500);
    assert_eq!(r.value("as_goods_tonnes"), 12_345);
    assert_eq!(r.value("cum_illegal_entrants"), base + 2_000);
    assert!(r.missing.is_empty(), "{:?}", r.missing);

    // The next day: only one group reports, after the deadline.
    w.clock.set(cst_hour(day + 1, 20));
    let jt = w.ctx("jiaotong").await;
    w.save(
        &jt,
        w.beilun,
        day + 1,
        "case_handling",
        &vals(&[("illegal_entrants", "3")]),
        "",
        true,
    )
    .await
    .unwrap();
    let r = w
        .reports
        .rollup(&office, w.beilun, day, day + 1)
        .await
        .unwrap();
    assert_eq!(
        r.value("cum_illegal_entrants"),
        base + 5_000,
        "cumulative as of the period end"
    );
    assert_eq!(r.totals["illegal_entrants"], 5_000);
    assert_eq!(r.missing.len(), 7, "seven sections missing on day 2");
    assert_eq!(r.late.len(), 1, "one late submission");
    // The city sees the same totals plus Zhenhai's missing sections.
    let city = w.ctx("city.office").await;
    let rc = w
        .reports
        .rollup(&city, w.ningbo, day, day + 1)
        .await
        .unwrap();
    assert_eq!(rc.value("cum_illegal_entrants"), base + 5_000);
    assert_eq!(
        rc.missing.len(),
        7 + 16,
        "Zhenhai has reported nothing for two days"
    );

    // Bad input: refused with a clear message, nothing stored.
    let hj = w.ctx("haijing").await;
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("mp_ships_checked", "1"), ("mp_ships_seized", "2")],
            "不能大于",
        ),
        (&[("mp_personnel", "-3")], "不能为负数"),
        (&[("mp_personnel", "abc")], "须填写数字"),
        (&[("mp_area", "1.234")], "最多保留 2 位小数"),
        (&[("no_such_indicator", "1")], "没有指标"),
    ];
    for (values, msg) in cases {
        let e = w
            .save(
                &hj,
                w.beilun,
                day + 1,
                "maritime_patrol",
                &vals(values),
                "",
                true,
            )
            .await
            .unwrap_err();
        assert!(
            e.user_message(jinghai_domain::Lang::Zh).contains(msg),
            "{values:?}: {e}"
        );
    }
    let e = w
        .save(
            &jt,
            w.beilun,
            day + 1,
            "case_handling",
            &vals(&[("cum_illegal_entrants", "9")]),
            "",
            false,
        )
        .await
        .unwrap_err();
    assert!(e.user_message(jinghai_domain::Lang::Zh).contains("累计数"));
    let e = w
        .save(
            &jt,
            w.beilun,
            day + 1,
            "case_handling",
            &vals(&[("illegal_entrants", "1")]),
            "",
            true,
        )
        .await
        .unwrap_err();
    assert!(
        e.user_message(jinghai_domain::Lang::Zh)
            .contains("不能重复报送"),
        "second submission refused: {e}"
    );
    let e = w
        .save(&hj, w.beilun, day + 5, "maritime_patrol", &[], "", false)
        .await
        .unwrap_err();
    assert!(
        e.user_message(jinghai_domain::Lang::Zh).contains("未来"),
        "{e}"
    );
    let e = w
        .save(&hj, w.beilun, day + 1, "case_handling", &[], "", false)
        .await
        .unwrap_err();
    assert!(
        matches!(e, WorkflowError::Forbidden { .. }),
        "only the group's lead unit fills a section"
    );
    let e = w
        .save(&hj, w.zhenhai, day + 1, "maritime_patrol", &[], "", false)
        .await
        .unwrap_err();
    assert!(
        matches!(e, WorkflowError::NotFound),
        "another district is out of scope"
    );
    let r = w
        .reports
        .rollup(&office, w.beilun, day + 1, day + 1)
        .await
        .unwrap();
    assert_eq!(
        r.value("mp_ships_seized"),
        0,
        "nothing stored by refused saves"
    );

    // Review: return needs a comment; approval locks; unlock is possible with a reason.
    let sheet = w.reports.sheet(&office, w.beilun, day + 1).await.unwrap();
    let entry = sheet
        .sections
        .iter()
        .find(|s| s.section.key == "case_handling")
        .unwrap()
        .entry
        .clone()
        .unwrap();
    assert!(w
        .reports
        .review(&office, entry.id, false, " ")
        .await
        .is_err());
    let returned = w
        .reports
        .review(&office, entry.id, false, "人数与个案记录不符")
        .await
        .unwrap();
    assert_eq!(returned.status, EntryStatus::Returned);
    assert_eq!(
        w.reports
            .rollup(&office, w.beilun, day + 1, day + 1)
            .await
            .unwrap()
            .value("illegal_entrants"),
        0,
        "returned entries do not count"
    );
    w.save(
        &jt,
        w.beilun,
        day + 1,
        "case_handling",
        &vals(&[("illegal_entrants", "1")]),
        "核对后更正",
        true,
    )
    .await
    .unwrap();
    let approved = w.reports.review(&office, entry.id, true, "").await.unwrap();
    assert_eq!(approved.status, EntryStatus::Approved);
    let e = w
        .save(
            &jt,
            w.beilun,
            day + 1,
            "case_handling",
            &vals(&[("illegal_entrants", "4")]),
            "",
            false,
        )
        .await
        .unwrap_err();
    assert!(e.user_message(jinghai_domain::Lang::Zh).contains("锁定"));
    assert!(
        w.reports.review(&hj, entry.id, true, "").await.is_err(),
        "group members cannot review"
    );
    let unlocked = w.reports.unlock(&office, entry.id, "补报").await.unwrap();
    assert_eq!(unlocked.status, EntryStatus::Returned);
    assert_eq!(
        w.reports
            .rollup(&office, w.beilun, day, day + 1)
            .await
            .unwrap()
            .value("cum_illegal_entrants"),
        base + 2_000
    );
    let _ = HOUR;
}

#[tokio::test]
async fn daily_report_story_sqlite() {
    story(world(jinghai_store::testkit::sqlite().await).await).await;
}

#[tokio::test]
async fn daily_report_story_postgres() {
    story(world(jinghai_store::testkit::postgres().await).await).await;
}
