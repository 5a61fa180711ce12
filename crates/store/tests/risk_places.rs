//! Moving a risk item on the map, on SQLite and PostgreSQL: the place and
//! coordinates change, nothing else does, and the change is audited with
//! before and after; an unknown risk is "not found".

use std::sync::Arc;

use jinghai_domain::audit::Actor;
use jinghai_domain::risk::{RiskCategory, Severity};
use jinghai_domain::{AuditAction, RegionCode, RegionLevel, Role, Scope};
use jinghai_store::{both_backends, AuditFilter, NewRegion, NewRisk, RiskPlace, Store, StoreError};

async fn risk_place_story(store: Arc<dyn Store>) {
    let actor = Actor::system("risk-place-story");
    let t = 1_612_917_000_000;
    let region = store
        .create_region(
            &actor,
            t,
            &NewRegion {
                code: RegionCode::parse("330206").unwrap(),
                name: "北仑区".into(),
                level: RegionLevel::District,
                parent_id: None,
            },
        )
        .await
        .unwrap();
    let risk = store
        .create_risk(
            &actor,
            t,
            &NewRisk {
                region_id: region.id,
                place: "梅山岙口".into(),
                lat: None,
                lon: None,
                category: RiskCategory::Cove,
                description: "无人值守".into(),
                severity: Severity::High,
                found_by: "排查组".into(),
                found_on: 18_670,
            },
        )
        .await
        .unwrap();
    let moved = store
        .set_risk_place(
            &actor,
            t + 1,
            risk.id,
            &RiskPlace {
                place: "梅山岛东侧岙口".into(),
                lat: Some(29.775),
                lon: Some(121.991),
            },
        )
        .await
        .unwrap();
    assert_eq!(moved.place, "梅山岛东侧岙口");
    assert_eq!((moved.lat, moved.lon), (Some(29.775), Some(121.991)));
    assert_eq!(moved.description, risk.description);
    assert_eq!(moved.status, risk.status);
    let scope = Scope {
        user_id: 0,
        role: Role::Admin,
        region_prefix: "330206".into(),
        unit_id: None,
    };
    assert_eq!(store.get_risk(&scope, risk.id).await.unwrap(), moved);
    let log = store
        .list_audit(
            &scope,
            &AuditFilter {
                entity: Some("risk".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let update = log
        .iter()
        .find(|a| a.action == AuditAction::Update && a.entity_id == Some(risk.id))
        .expect("the move is audited");
    assert!(update.before.as_deref().unwrap_or("").contains("梅山岙口"));
    assert!(update.after.as_deref().unwrap_or("").contains("29.775"));
    // Cleared again: no position.
    let cleared = store
        .set_risk_place(
            &actor,
            t + 2,
            risk.id,
            &RiskPlace {
                place: "梅山岙口".into(),
                lat: None,
                lon: None,
            },
        )
        .await
        .unwrap();
    assert_eq!((cleared.lat, cleared.lon), (None, None));
    let missing = store
        .set_risk_place(
            &actor,
            t + 3,
            risk.id + 999,
            &RiskPlace {
                place: "x".into(),
                lat: None,
                lon: None,
            },
        )
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
}

both_backends!(risk_places, risk_place_story);
