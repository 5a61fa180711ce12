//! The live map's reads, on SQLite and PostgreSQL: the alerts naming one
//! vessel, scoped like every alert read.

use std::sync::Arc;

use jinghai_domain::alert::AlertStatus;
use jinghai_domain::audit::Actor;
use jinghai_domain::{Agency, RegionCode, RegionLevel, Role, Scope};
use jinghai_store::{both_backends, AlertWrite, NewRegion, NewUnit, Store};

fn scope_at(prefix: &str) -> Scope {
    Scope {
        user_id: 0,
        role: Role::Admin,
        region_prefix: prefix.into(),
        unit_id: None,
    }
}

fn alert(key: &str, region_id: i64, mmsi: i64, other: Option<i64>, start_at: i64) -> AlertWrite {
    AlertWrite {
        event_key: key.into(),
        region_id,
        kind: if other.is_some() {
            "encounter"
        } else {
            "ais_gap"
        }
        .into(),
        mmsi,
        other_mmsi: other,
        start_at,
        end_at: None,
        lat: 29.5,
        lon: 122.5,
        zone_id: None,
        detail: "{}".into(),
    }
}

async fn vessel_alerts(store: Arc<dyn Store>) {
    let a = Actor::system("test");
    let t = 1_612_917_000_000;
    let mut ids = Vec::new();
    let mut parent = None;
    for (code, level) in [
        ("330000", RegionLevel::Province),
        ("330200", RegionLevel::City),
        ("330206", RegionLevel::District),
        ("330211", RegionLevel::District),
    ] {
        let r = store
            .create_region(
                &a,
                t,
                &NewRegion {
                    code: RegionCode::parse(code).unwrap(),
                    name: code.into(),
                    level,
                    parent_id: if level == RegionLevel::District {
                        ids.get(1).copied()
                    } else {
                        parent
                    },
                },
            )
            .await
            .unwrap();
        parent = Some(r.id);
        ids.push(r.id);
    }
    let (beilun, zhenhai) = (ids[2], ids[3]);
    store
        .upsert_alert(t, &alert("f:1:1", beilun, 412_000_001, None, t))
        .await
        .unwrap();
    store
        .upsert_alert(
            t,
            &alert("f:1:2", beilun, 412_000_000, Some(412_000_001), t + 60_000),
        )
        .await
        .unwrap();
    store
        .upsert_alert(t, &alert("f:1:3", beilun, 412_000_002, None, t + 120_000))
        .await
        .unwrap();
    store
        .upsert_alert(t, &alert("g:1:1", zhenhai, 412_000_001, None, t + 180_000))
        .await
        .unwrap();

    let beilun_scope = scope_at("330206");
    let found = store
        .list_vessel_alerts(&beilun_scope, 412_000_001, 10)
        .await
        .unwrap();
    let keys: Vec<&str> = found.iter().map(|a| a.event_key.as_str()).collect();
    assert_eq!(
        keys,
        ["f:1:2", "f:1:1"],
        "as vessel and as counterpart, newest first, only the caller's district"
    );
    let city = store
        .list_vessel_alerts(&scope_at("3302"), 412_000_001, 10)
        .await
        .unwrap();
    assert_eq!(city.len(), 3, "the city sees both districts");
    let limited = store
        .list_vessel_alerts(&scope_at("3302"), 412_000_001, 1)
        .await
        .unwrap();
    assert_eq!(limited[0].event_key, "g:1:1");
    assert!(store
        .list_vessel_alerts(&scope_at("330206008"), 412_000_001, 10)
        .await
        .unwrap()
        .is_empty());
    // An alert assigned to the caller's unit is visible wherever it is.
    let unit = store
        .create_unit(
            &a,
            t,
            &NewUnit {
                name: "海警".into(),
                agency: Agency::CoastGuard,
                region_id: beilun,
                parent_unit_id: None,
            },
        )
        .await
        .unwrap();
    let zhenhai_alert = store.list_alerts(&scope_at("330211"), 10).await.unwrap()[0].id;
    store
        .set_alert_status(
            &a,
            t,
            zhenhai_alert,
            AlertStatus::Assigned,
            Some(unit.id),
            "",
        )
        .await
        .unwrap();
    let with_unit = Scope {
        unit_id: Some(unit.id),
        ..scope_at("330206008")
    };
    let keys: Vec<String> = store
        .list_vessel_alerts(&with_unit, 412_000_001, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.event_key)
        .collect();
    assert_eq!(keys, ["g:1:1"]);
}

both_backends!(vessel_alerts_are_scoped, vessel_alerts);
