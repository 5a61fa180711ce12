//! The storage story: one sequence of operations every backend must pass.
//! It runs against SQLite and against PostgreSQL (see `testkit`).

use std::sync::Arc;

use jinghai_domain::audit::Actor;
use jinghai_domain::{Agency, AuditAction, RegionCode, RegionLevel, Role, Scope, WorkingGroup};
use jinghai_store::{
    both_backends, AuditFilter, NewRegion, NewUnit, NewUser, Store, StoreError, UserPatch,
};

fn region(code: &str, name: &str, level: RegionLevel, parent: Option<i64>) -> NewRegion {
    NewRegion {
        code: RegionCode::parse(code).unwrap(),
        name: name.into(),
        level,
        parent_id: parent,
    }
}

fn scope_at(prefix: &str, unit: Option<i64>) -> Scope {
    Scope {
        user_id: 0,
        role: Role::Admin,
        region_prefix: prefix.into(),
        unit_id: unit,
    }
}

async fn story(store: Arc<dyn Store>) {
    let admin = Actor::system("story");
    let t = 1_612_917_000_000;

    // Migrations are recorded and idempotent.
    assert!(
        store.migrate().await.unwrap().is_empty(),
        "second migrate applies nothing"
    );
    assert!(store
        .migration_status()
        .await
        .unwrap()
        .iter()
        .all(|m| m.applied));
    store.ping().await.unwrap();

    // Region tree.
    let zj = store
        .create_region(
            &admin,
            t,
            &region("330000", "浙江省", RegionLevel::Province, None),
        )
        .await
        .unwrap();
    let nb = store
        .create_region(
            &admin,
            t,
            &region("330200", "宁波市", RegionLevel::City, Some(zj.id)),
        )
        .await
        .unwrap();
    let bl = store
        .create_region(
            &admin,
            t,
            &region("330206", "北仑区", RegionLevel::District, Some(nb.id)),
        )
        .await
        .unwrap();
    let ms = store
        .create_region(
            &admin,
            t,
            &region("330206008", "梅山街道", RegionLevel::Town, Some(bl.id)),
        )
        .await
        .unwrap();
    let bf = store
        .create_region(
            &admin,
            t,
            &region("330206009", "白峰街道", RegionLevel::Town, Some(bl.id)),
        )
        .await
        .unwrap();
    let dup = store
        .create_region(
            &admin,
            t,
            &region("330206009", "重复", RegionLevel::Town, Some(bl.id)),
        )
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");

    let all = store.list_regions(&scope_at("33", None)).await.unwrap();
    assert_eq!(all.len(), 5);
    let town = store
        .list_regions(&scope_at("330206008", None))
        .await
        .unwrap();
    assert_eq!(
        town.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["梅山街道"]
    );
    assert!(matches!(
        store.get_region(&scope_at("330206008", None), bf.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .find_region_by_code("330206008000")
            .await
            .unwrap()
            .unwrap()
            .id,
        ms.id
    );

    let renamed = store
        .rename_region(&admin, t + 1, ms.id, "梅山街道办")
        .await
        .unwrap();
    assert_eq!(renamed.name, "梅山街道办");

    // Units and scoping by region or own unit.
    let cg = store
        .create_unit(
            &admin,
            t,
            &NewUnit {
                name: "北仑海警工作站".into(),
                agency: Agency::CoastGuard,
                region_id: bl.id,
                parent_unit_id: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(cg.region_code, "330206000000");
    let ms_unit = store
        .create_unit(
            &admin,
            t,
            &NewUnit {
                name: "梅山街道办事处".into(),
                agency: Agency::TownGovernment,
                region_id: ms.id,
                parent_unit_id: None,
            },
        )
        .await
        .unwrap();
    let same_name = store
        .create_unit(
            &admin,
            t,
            &NewUnit {
                name: "梅山街道办事处".into(),
                agency: Agency::Other,
                region_id: ms.id,
                parent_unit_id: None,
            },
        )
        .await;
    assert!(matches!(same_name, Err(StoreError::Conflict(_))));
    let seen_by_town = store
        .list_units(&scope_at("330206008", None))
        .await
        .unwrap();
    assert_eq!(
        seen_by_town.iter().map(|u| u.id).collect::<Vec<_>>(),
        [ms_unit.id]
    );
    let seen_with_unit = store
        .list_units(&scope_at("330206008", Some(cg.id)))
        .await
        .unwrap();
    assert_eq!(seen_with_unit.len(), 2, "a user also sees their own unit");
    let updated = store
        .update_unit(&admin, t, cg.id, "北仑海警局", Agency::CoastGuard)
        .await
        .unwrap();
    assert_eq!(updated.name, "北仑海警局");

    // Users.
    let u = store
        .create_user(
            &admin,
            t,
            &NewUser {
                username: "ms.worker".into(),
                display_name: "梅山网格员".into(),
                password_hash: "h1".into(),
                role: Role::TownWorker,
                region_id: ms.id,
                unit_id: Some(ms_unit.id),
            },
        )
        .await
        .unwrap();
    assert_eq!(u.region_code, "330206008000");
    let taken = store
        .create_user(
            &admin,
            t,
            &NewUser {
                username: "ms.worker".into(),
                display_name: "x".into(),
                password_hash: "h".into(),
                role: Role::Leader,
                region_id: bl.id,
                unit_id: None,
            },
        )
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))));
    let (found, hash) = store.find_login("ms.worker").await.unwrap().unwrap();
    assert_eq!((found.id, hash.as_str()), (u.id, "h1"));
    assert!(store.find_login("nobody").await.unwrap().is_none());
    assert!(matches!(
        store.get_user(&scope_at("330206009", None), u.id).await,
        Err(StoreError::NotFound)
    ));

    // Sessions: valid until expiry, gone on password change and deactivation.
    store
        .create_session("tok", u.id, "csrf", t, t + 1000)
        .await
        .unwrap();
    let s = store.get_session("tok", t + 10).await.unwrap().unwrap();
    assert_eq!(
        (s.user.id, s.region_level, s.csrf_token.as_str()),
        (u.id, RegionLevel::Town, "csrf")
    );
    assert!(
        store.get_session("tok", t + 1000).await.unwrap().is_none(),
        "expired"
    );
    store.set_password(&admin, t, u.id, "h2").await.unwrap();
    assert!(
        store.get_session("tok", t + 10).await.unwrap().is_none(),
        "password change ends sessions"
    );
    store
        .create_session("tok2", u.id, "c", t, t + 1000)
        .await
        .unwrap();
    let patch = UserPatch {
        display_name: "梅山网格员".into(),
        role: Role::TownWorker,
        region_id: ms.id,
        unit_id: Some(ms_unit.id),
        active: false,
    };
    store.update_user(&admin, t, u.id, &patch).await.unwrap();
    assert!(
        store.get_session("tok2", t + 10).await.unwrap().is_none(),
        "deactivation ends sessions"
    );

    // Task force: all 8 groups listed, leads settable.
    store
        .set_group_lead(&admin, t, bl.id, WorkingGroup::MaritimePatrol, Some(cg.id))
        .await
        .unwrap();
    let groups = store
        .list_group_assignments(&scope_at("330206", None), bl.id)
        .await
        .unwrap();
    assert_eq!(groups.len(), 8);
    assert_eq!(groups[0].lead_unit_id, Some(cg.id));
    assert!(groups[1..].iter().all(|g| g.lead_unit_id.is_none()));

    // Deleting something still referenced is refused and changes nothing.
    assert!(matches!(
        store.delete_region(&admin, t, ms.id).await,
        Err(StoreError::InUse(_))
    ));
    assert!(matches!(
        store.delete_unit(&admin, t, cg.id).await,
        Err(StoreError::InUse(_))
    ));
    store.delete_region(&admin, t, bf.id).await.unwrap();

    // Audit: every write above is there, with before/after, scoped by region.
    let log = store
        .list_audit(&scope_at("33", None), &AuditFilter::default())
        .await
        .unwrap();
    let count = |entity: &str, action: AuditAction| {
        log.iter()
            .filter(|e| e.entity == entity && e.action == action)
            .count()
    };
    assert_eq!(count("region", AuditAction::Create), 5);
    assert_eq!(count("region", AuditAction::Update), 1);
    assert_eq!(count("region", AuditAction::Delete), 1);
    assert_eq!(count("unit", AuditAction::Create), 2);
    assert_eq!(count("user", AuditAction::Create), 1);
    let rename = log
        .iter()
        .find(|e| e.entity == "region" && e.action == AuditAction::Update)
        .unwrap();
    assert!(rename.before.as_deref().unwrap().contains("梅山街道\""));
    assert!(rename.after.as_deref().unwrap().contains("梅山街道办"));
    assert!(log.iter().all(|e| e.actor_name == "story"));
    assert!(
        !log.iter()
            .any(|e| e.after.as_deref().unwrap_or("").contains("h2")),
        "no password hash in the log"
    );
    let town_log = store
        .list_audit(&scope_at("330206008", None), &AuditFilter::default())
        .await
        .unwrap();
    assert!(
        !town_log.is_empty()
            && town_log
                .iter()
                .all(|e| e.region_code.starts_with("330206008"))
    );
    let filtered = store
        .list_audit(
            &scope_at("33", None),
            &AuditFilter {
                entity: Some("unit".into()),
                action: Some(AuditAction::Update),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(filtered.len(), 1);
}

both_backends!(storage_story, story);

#[tokio::test]
async fn audit_log_refuses_update_and_delete_sqlite() {
    let db = jinghai_store::testkit::sqlite().await;
    refuses_changes_to_audit(&db).await;
}

#[tokio::test]
async fn audit_log_refuses_update_and_delete_postgres() {
    let db = jinghai_store::testkit::postgres().await;
    refuses_changes_to_audit(&db).await;
}

/// The trait offers no way to change the log; the database refuses too,
/// even to someone with a raw connection.
async fn refuses_changes_to_audit(db: &jinghai_store::testkit::TestDb) {
    use sqlx::Connection;
    let admin = Actor::system("t");
    db.store
        .create_region(
            &admin,
            1,
            &region("330000", "浙江省", RegionLevel::Province, None),
        )
        .await
        .unwrap();
    let update = "UPDATE audit_log SET actor_name = 'someone else'";
    let delete = "DELETE FROM audit_log";
    if db.url.starts_with("sqlite") {
        let mut c = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
        assert!(sqlx::raw_sql(update).execute(&mut c).await.is_err());
        assert!(sqlx::raw_sql(delete).execute(&mut c).await.is_err());
    } else {
        let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
        assert!(sqlx::raw_sql(update).execute(&mut c).await.is_err());
        assert!(sqlx::raw_sql(delete).execute(&mut c).await.is_err());
    }
    let log = db
        .store
        .list_audit(&scope_at("33", None), &AuditFilter::default())
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].actor_name, "t");
}

/// Report totals kept incrementally equal totals rebuilt from scratch, and a
/// bulk load rolls up like entries saved one by one.
async fn report_totals(store: Arc<dyn Store>) {
    use jinghai_domain::report::{clean_sea_daily, EntryStatus};
    use jinghai_store::{BulkEntry, EntryWrite};
    let a = Actor::system("story");
    let zj = store
        .create_region(
            &a,
            1,
            &region("330000", "浙江省", RegionLevel::Province, None),
        )
        .await
        .unwrap();
    let nb = store
        .create_region(
            &a,
            1,
            &region("330200", "宁波市", RegionLevel::City, Some(zj.id)),
        )
        .await
        .unwrap();
    let bl = store
        .create_region(
            &a,
            1,
            &region("330206", "北仑区", RegionLevel::District, Some(nb.id)),
        )
        .await
        .unwrap();
    let zh = store
        .create_region(
            &a,
            1,
            &region("330211", "镇海区", RegionLevel::District, Some(nb.id)),
        )
        .await
        .unwrap();
    let form = store
        .upsert_report_form(&a, 1, &clean_sea_daily())
        .await
        .unwrap();
    assert_eq!(
        store
            .upsert_report_form(&a, 2, &clean_sea_daily())
            .await
            .unwrap(),
        form,
        "same code, same form"
    );
    let write = |region_id: i64, day: i32, v: i64, status: EntryStatus| EntryWrite {
        form_id: form,
        region_id,
        section: "maritime_patrol".into(),
        day,
        unit_id: None,
        status,
        notes: String::new(),
        values: vec![("mp_personnel".into(), v), ("mp_area".into(), v / 2)],
    };
    store
        .save_report_entry(&a, 1, &write(bl.id, 100, 5000, EntryStatus::Submitted))
        .await
        .unwrap();
    let e = store
        .save_report_entry(&a, 1, &write(zh.id, 100, 7000, EntryStatus::Submitted))
        .await
        .unwrap();
    store
        .save_report_entry(&a, 1, &write(bl.id, 101, 3000, EntryStatus::Draft))
        .await
        .unwrap();
    let sum = |rows: Vec<(String, i64)>| {
        rows.into_iter()
            .find(|(k, _)| k == "mp_personnel")
            .map(|(_, v)| v)
            .unwrap_or(0)
    };
    assert_eq!(
        sum(store.report_rollup(form, "33", 0, 1000).await.unwrap()),
        12000,
        "drafts do not count"
    );
    assert_eq!(
        sum(store.report_rollup(form, "330206", 0, 1000).await.unwrap()),
        5000
    );
    store
        .set_report_status(&a, 2, e.id, EntryStatus::Returned, None, "x")
        .await
        .unwrap();
    assert_eq!(
        sum(store.report_rollup(form, "3302", 0, 1000).await.unwrap()),
        5000,
        "returned entries leave the totals"
    );
    let before = store.report_rollup(form, "33", 0, 1000).await.unwrap();
    store.rebuild_report_totals(form).await.unwrap();
    assert_eq!(
        store.report_rollup(form, "33", 0, 1000).await.unwrap(),
        before,
        "rebuilt equals incremental"
    );

    let bulk: Vec<BulkEntry> = (200..210)
        .map(|day| BulkEntry {
            region_id: zh.id,
            region_code: zh.code.to_string(),
            section: "maritime_patrol".into(),
            day,
            status: EntryStatus::Approved,
            values: vec![("mp_personnel".into(), 1000)],
        })
        .collect();
    store.bulk_insert_report_entries(form, &bulk).await.unwrap();
    store.rebuild_report_totals(form).await.unwrap();
    assert_eq!(
        sum(store.report_rollup(form, "33", 200, 209).await.unwrap()),
        10_000
    );
    assert_eq!(
        sum(store.report_rollup(form, "330211", 0, 1000).await.unwrap()),
        10_000
    );
    let scope = scope_at("330211", None);
    let states = store
        .report_entry_states(&scope, form, 0, 1000)
        .await
        .unwrap();
    assert_eq!(states.len(), 11);
    assert_eq!(
        store
            .list_report_entries(&scope, form, 205, 205)
            .await
            .unwrap()[0]
            .values,
        vec![("mp_personnel".to_string(), 1000)]
    );
}

both_backends!(report_totals_story, report_totals);
