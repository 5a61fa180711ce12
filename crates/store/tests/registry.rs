//! The registries' storage story, on SQLite and PostgreSQL: vessels (unique
//! MMSI, all-or-nothing creation, tokens, photos), places (per-district codes,
//! import that updates by code), port reports with persons, AIS port entries;
//! every change audited, every read scoped.

use std::sync::Arc;

use jinghai_domain::audit::Actor;
use jinghai_domain::registry::{OwnerKind, PersonAboard, ReportKind, StatelessStatus};
use jinghai_domain::{RegionCode, RegionLevel, Role, Scope};
use jinghai_store::{
    both_backends, AuditFilter, NewRegion, NewVessel, PlaceWrite, PortEntryWrite, PortReportWrite,
    Store, StoreError, VesselFilter, VesselWrite,
};

fn scope_at(prefix: &str) -> Scope {
    Scope {
        user_id: 0,
        role: Role::Admin,
        region_prefix: prefix.into(),
        unit_id: None,
    }
}

fn vessel(region_id: i64, mmsi: i64, name: &str) -> NewVessel {
    NewVessel {
        vessel: VesselWrite {
            region_id,
            mmsi,
            name: name.into(),
            kind: "fishing".into(),
            flag: "CN".into(),
            international: false,
            home_port: "FP1".into(),
            owner_kind: OwnerKind::Individual,
            owner_name: "张三".into(),
            owner_contact: "张三".into(),
            owner_phone: "13800138000".into(),
            registry_no: format!("ZJ{mmsi}"),
            stateless: StatelessStatus::Normal,
            notes: String::new(),
        },
        token: format!("token-{mmsi}"),
        token_expires_at: 2_000_000_000_000,
    }
}

fn place(region_id: i64, code: &str, name: &str) -> PlaceWrite {
    PlaceWrite {
        region_id,
        code: code.into(),
        name: name.into(),
        kind: "fishing_port".into(),
        applies_to: None,
        geometry: r#"{"type":"Polygon","coordinates":[[[121.9,29.9],[122.0,29.9],[122.0,30.0],[121.9,29.9]]]}"#.into(),
        lat: 29.9,
        lon: 121.9,
        notes: String::new(),
    }
}

async fn registry_story(store: Arc<dyn Store>) {
    let actor = Actor::system("registry-story");
    let t = 1_612_917_000_000;
    let mut ids = Vec::new();
    for (code, name, level, parent) in [
        ("330206", "北仑区", RegionLevel::District, None),
        ("330206008", "梅山街道", RegionLevel::Town, Some(0)),
        ("330206009", "白峰街道", RegionLevel::Town, Some(0)),
        ("330211", "镇海区", RegionLevel::District, None),
    ] {
        let r = store
            .create_region(
                &actor,
                t,
                &NewRegion {
                    code: RegionCode::parse(code).unwrap(),
                    name: name.into(),
                    level,
                    parent_id: parent.map(|i: usize| ids[i]),
                },
            )
            .await
            .unwrap();
        ids.push(r.id);
    }
    let (beilun, meishan, baifeng, zhenhai) = (ids[0], ids[1], ids[2], ids[3]);

    // Revisions: what a stream worker polls to follow registry edits.
    let rev0 = store.registry_revisions("330206").await.unwrap();

    // Vessels: created together or not at all; the MMSI is unique everywhere.
    let created = store
        .create_vessels(
            &actor,
            t,
            &[
                vessel(meishan, 412_000_001, "浙北渔1"),
                vessel(baifeng, 412_000_002, "浙北渔2"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(created.len(), 2);
    let clash = store
        .create_vessels(
            &actor,
            t,
            &[
                vessel(zhenhai, 412_000_003, "浙镇渔3"),
                vessel(zhenhai, 412_000_001, "重复"),
            ],
        )
        .await;
    assert!(
        matches!(clash, Err(StoreError::Conflict(ref m)) if m.contains("412000001")),
        "{clash:?}"
    );
    assert!(
        store
            .find_vessel_by_mmsi_unscoped(412_000_003)
            .await
            .unwrap()
            .is_none(),
        "nothing of a refused batch is kept"
    );
    // Scoped reads: a town sees its own vessels only.
    let meishan_list = store
        .list_vessels(&scope_at("330206008"), &VesselFilter::default())
        .await
        .unwrap();
    assert_eq!(meishan_list.len(), 1);
    assert_eq!(meishan_list[0].name, "浙北渔1");
    assert!(matches!(
        store
            .get_vessel(&scope_at("330206008"), created[1].id)
            .await,
        Err(StoreError::NotFound)
    ));
    let found = store
        .list_vessels(
            &scope_at("330206"),
            &VesselFilter {
                text: Some("000002".into()),
                ..VesselFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "search by part of the MMSI");
    let search = |t: &str| VesselFilter {
        text: Some(t.into()),
        ..VesselFilter::default()
    };
    let upper = store
        .list_vessels(&scope_at("330206"), &search("ZJ"))
        .await
        .unwrap();
    let lower = store
        .list_vessels(&scope_at("330206"), &search("zj"))
        .await
        .unwrap();
    assert!(!upper.is_empty());
    assert_eq!(upper, lower, "search ignores ASCII case on both backends");
    let filtered = store
        .list_vessels(
            &scope_at("330206"),
            &VesselFilter {
                stateless: Some(StatelessStatus::Confirmed),
                ..VesselFilter::default()
            },
        )
        .await
        .unwrap();
    assert!(filtered.is_empty());

    // Edit, token rotation, photo.
    let mut edit = vessel(meishan, 412_000_001, "浙北渔1号").vessel;
    edit.stateless = StatelessStatus::Candidate;
    let edited = store
        .update_vessel(&actor, t + 1, created[0].id, &edit)
        .await
        .unwrap();
    assert_eq!(
        (edited.name.as_str(), edited.stateless),
        ("浙北渔1号", StatelessStatus::Candidate)
    );
    assert_eq!(
        store
            .vessel_token_unscoped(created[0].id)
            .await
            .unwrap()
            .token,
        "token-412000001"
    );
    store
        .set_vessel_token(&actor, t + 2, created[0].id, "new-token", t + 100)
        .await
        .unwrap();
    let tok = store.vessel_token_unscoped(created[0].id).await.unwrap();
    assert_eq!((tok.token.as_str(), tok.expires_at), ("new-token", t + 100));
    let photo = store
        .add_vessel_photo(
            &actor,
            t,
            created[0].id,
            "船.png",
            "image/png",
            b"\x89PNG\r\n\x1a\n",
        )
        .await
        .unwrap();
    assert_eq!(
        store.list_vessel_photos(created[0].id).await.unwrap().len(),
        1
    );
    assert!(store
        .get_vessel_photo(&scope_at("330206008"), photo.id)
        .await
        .is_ok());
    assert!(matches!(
        store
            .get_vessel_photo(&scope_at("330206009"), photo.id)
            .await,
        Err(StoreError::NotFound)
    ));

    let rev1 = store.registry_revisions("330206").await.unwrap();
    assert_ne!(rev1.vessels, rev0.vessels, "vessels created and edited");
    assert_eq!((&rev1.places, &rev1.reports), (&rev0.places, &rev0.reports));

    // Places: a code is unique within its district, and an import updates by code.
    let fp = store
        .create_place(&actor, t, &place(meishan, "FP1", "梅山渔港"))
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_place(&actor, t, &place(baifeng, "FP1", "又一个"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    store
        .create_place(&actor, t, &place(zhenhai, "FP1", "镇海渔港"))
        .await
        .unwrap();
    let counts = store
        .import_places(
            &actor,
            t,
            &[
                place(meishan, "FP1", "梅山中心渔港"),
                place(baifeng, "FP2", "白峰渔港"),
            ],
        )
        .await
        .unwrap();
    assert_eq!((counts.created, counts.updated), (1, 1));
    assert_eq!(
        store
            .get_place(&scope_at("330206"), fp.id)
            .await
            .unwrap()
            .name,
        "梅山中心渔港"
    );
    assert_eq!(
        store.list_places(&scope_at("330206")).await.unwrap().len(),
        2
    );
    assert_eq!(
        store.list_places(&scope_at("330211")).await.unwrap().len(),
        1
    );
    store.delete_place(&actor, t, fp.id).await.unwrap();
    assert!(matches!(
        store.get_place(&scope_at("330206"), fp.id).await,
        Err(StoreError::NotFound)
    ));

    let rev2 = store.registry_revisions("330206").await.unwrap();
    assert_ne!(rev2.places, rev1.places, "places created");
    assert_eq!(rev2.vessels, rev1.vessels);
    assert_ne!(
        store.registry_revisions("330211").await.unwrap().places,
        rev2.places,
        "another district's revisions are its own"
    );

    // Port reports with persons; AIS port entries recorded once.
    let reports = store
        .create_port_reports(
            &actor,
            t,
            &[PortReportWrite {
                vessel_id: Some(created[0].id),
                region_id: meishan,
                mmsi: 412_000_001,
                kind: ReportKind::Arrival,
                port_code: "FP1".into(),
                reported_at: t,
                persons_aboard: Some(1),
                itinerary: "舟山渔场".into(),
                contact_history: "无".into(),
                source: "officer".into(),
                persons: vec![PersonAboard {
                    name: "李四".into(),
                    id_number: "11010519491231002X".into(),
                    phone: "13800138000".into(),
                }],
            }],
        )
        .await
        .unwrap();
    let rev3 = store.registry_revisions("330206").await.unwrap();
    assert_ne!(rev3.reports, rev2.reports, "a port report filed");
    assert_eq!((&rev3.vessels, &rev3.places), (&rev2.vessels, &rev2.places));
    let got = store
        .get_port_report(&scope_at("330206008"), reports[0].id)
        .await
        .unwrap();
    assert_eq!(got.persons.len(), 1);
    assert_eq!(got.itinerary, "舟山渔场");
    assert!(matches!(
        store
            .get_port_report(&scope_at("330206009"), reports[0].id)
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .list_port_reports(&scope_at("330206"), t - 1, t + 1)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(store
        .list_port_reports(&scope_at("330211"), 0, i64::MAX)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store.count_port_reports_unscoped("330206").await.unwrap(),
        1
    );
    let entry = PortEntryWrite {
        region_id: beilun,
        mmsi: 412_000_001,
        port_code: "FP1".into(),
        entry_at: t,
        lat: 29.9,
        lon: 121.9,
    };
    store.record_port_entry(t, &entry).await.unwrap();
    store.record_port_entry(t, &entry).await.unwrap();
    assert_eq!(
        store
            .list_port_entries(&scope_at("330206"), 0, i64::MAX)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(store
        .list_port_entries(&scope_at("330211"), 0, i64::MAX)
        .await
        .unwrap()
        .is_empty());

    // Every change was audited in the district, and the token never was.
    let audit = store
        .list_audit(
            &scope_at("330206"),
            &AuditFilter {
                limit: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    for entity in [
        "vessel",
        "vessel_token",
        "vessel_photo",
        "place",
        "port_report",
    ] {
        assert!(audit.iter().any(|a| a.entity == entity), "{entity} audited");
    }
    assert!(
        !audit
            .iter()
            .any(|a| a.after.as_deref().unwrap_or("").contains("new-token")),
        "the token stays out of the audit log"
    );
}

both_backends!(registry, registry_story);
