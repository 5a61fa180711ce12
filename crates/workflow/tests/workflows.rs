//! Sign-in and administration against a real store, with a manual clock.

use std::sync::Arc;

use jinghai_domain::time::MINUTE;
use jinghai_domain::AuditAction;
use jinghai_store::AuditFilter;
use jinghai_workflow::accounts::LoginLimits;
use jinghai_workflow::admin::{RegionInput, UnitInput, UserInput};
use jinghai_workflow::seed::{seed_demo, DEMO_PASSWORD};
use jinghai_workflow::{Accounts, Admin, Clock, ManualClock, WorkflowError};

const T0: i64 = 1_612_917_000_000;

async fn setup() -> (
    jinghai_store::testkit::TestDb,
    Arc<ManualClock>,
    Accounts,
    Admin,
) {
    let db = jinghai_store::testkit::sqlite().await;
    let clock = Arc::new(ManualClock::new(T0));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    seed_demo(&db.store, &dyn_clock).await.unwrap();
    let accounts = Accounts::new(db.store.clone(), dyn_clock.clone(), LoginLimits::default());
    let admin = Admin::new(db.store.clone(), dyn_clock);
    (db, clock, accounts, admin)
}

#[tokio::test]
async fn sign_in_rate_limit_and_uniform_errors() {
    let (_db, clock, accounts, _) = setup().await;
    let ok = accounts
        .login("meishan", DEMO_PASSWORD, "10.0.0.1")
        .await
        .unwrap();
    assert_eq!(ok.ctx.scope.region_prefix, "330206008");
    let (ctx, csrf) = accounts.session(&ok.token).await.unwrap().unwrap();
    assert_eq!(
        (ctx.user.username.as_str(), csrf),
        ("meishan", ok.csrf_token.clone())
    );

    // Unknown user and wrong password look the same.
    let a = accounts.login("nobody", "x", "10.0.0.2").await.unwrap_err();
    let b = accounts
        .login("meishan", "wrong-pass-1", "10.0.0.2")
        .await
        .unwrap_err();
    assert!(
        matches!(a, WorkflowError::BadCredentials) && matches!(b, WorkflowError::BadCredentials)
    );

    // Five failures lock the account for the window, even with the right password.
    for _ in 0..4 {
        accounts
            .login("meishan", "wrong-pass-1", "10.0.0.3")
            .await
            .unwrap_err();
    }
    let locked = accounts
        .login("meishan", DEMO_PASSWORD, "10.0.0.4")
        .await
        .unwrap_err();
    assert!(
        matches!(locked, WorkflowError::RateLimited { .. }),
        "{locked:?}"
    );
    clock.advance(16 * MINUTE);
    accounts
        .login("meishan", DEMO_PASSWORD, "10.0.0.4")
        .await
        .unwrap();

    // Sessions expire with the clock.
    clock.advance(13 * 60 * MINUTE);
    assert!(accounts.session(&ok.token).await.unwrap().is_none());
}

#[tokio::test]
async fn admin_creates_town_unit_user_and_audit_shows_them() {
    let (db, _clock, accounts, admin) = setup().await;
    let ctx = accounts
        .login("admin", DEMO_PASSWORD, "127.0.0.1")
        .await
        .unwrap()
        .ctx;
    let beilun = admin
        .regions(&ctx)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.name == "北仑区")
        .unwrap();

    let town = admin
        .create_region(
            &ctx,
            &RegionInput {
                code: "330206010".into(),
                name: "测试街道".into(),
                level: "town".into(),
                parent_id: Some(beilun.id),
            },
        )
        .await
        .unwrap();
    let unit = admin
        .create_unit(
            &ctx,
            &UnitInput {
                name: "测试街道办事处".into(),
                agency: "town_government".into(),
                region_id: Some(town.id),
                parent_unit_id: None,
            },
        )
        .await
        .unwrap();
    let user = admin
        .create_user(
            &ctx,
            &UserInput {
                username: "ceshi".into(),
                display_name: "测试网格员".into(),
                password: "ceshi2021".into(),
                role: "town_worker".into(),
                region_id: Some(town.id),
                unit_id: Some(unit.id),
                active: true,
            },
        )
        .await
        .unwrap();
    let log = db
        .store
        .list_audit(
            &ctx.scope,
            &AuditFilter {
                limit: 5000,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    for (entity, id) in [("region", town.id), ("unit", unit.id), ("user", user.id)] {
        let e = log
            .iter()
            .find(|e| e.entity == entity && e.entity_id == Some(id))
            .unwrap();
        assert_eq!(e.action, AuditAction::Create);
        assert!(e.actor_name.contains("admin"));
        assert!(e.after.is_some());
    }

    // Outside the admin's district: refused, nothing written.
    let zhenhai = db
        .store
        .find_region_by_code("330211000000")
        .await
        .unwrap()
        .unwrap();
    let err = admin
        .create_region(
            &ctx,
            &RegionInput {
                code: "330211009".into(),
                name: "越权".into(),
                level: "town".into(),
                parent_id: Some(zhenhai.id),
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, WorkflowError::Invalid(e) if e[0].field == "parent_id"),
        "{err:?}"
    );

    // Bad input names each field.
    let err = admin
        .create_region(
            &ctx,
            &RegionInput {
                code: "12".into(),
                name: " ".into(),
                level: "x".into(),
                parent_id: Some(beilun.id),
            },
        )
        .await
        .unwrap_err();
    let WorkflowError::Invalid(errs) = err else {
        panic!()
    };
    let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["code", "name", "level"]);

    // Non-admins cannot administer.
    let office = accounts
        .login("office", DEMO_PASSWORD, "127.0.0.1")
        .await
        .unwrap()
        .ctx;
    let err = admin
        .rename_region(&office, town.id, "改名")
        .await
        .unwrap_err();
    assert!(matches!(err, WorkflowError::Forbidden { .. }));
    let after = db
        .store
        .list_audit(
            &ctx.scope,
            &AuditFilter {
                limit: 5000,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // Counted by id: the log holds more rows than one page as the demo grows.
    let newest_before = log.iter().map(|e| e.id).max().unwrap_or(0);
    assert_eq!(
        after.iter().filter(|e| e.id > newest_before).count(),
        1,
        "only the office sign-in was added"
    );
}
