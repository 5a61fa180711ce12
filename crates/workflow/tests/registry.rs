//! The registries as users work them, on both backends: registry CSV import
//! (all or nothing, every bad line listed, duplicate MMSIs naming the
//! existing record), export that imports again, places drawn and imported
//! (invalid polygons refused with the reason), captain's tokens (wrong,
//! expired, rotated, rate-limited), port reports with persons, the
//! reconciliation against AIS, and the change notices the live feeds follow.

use std::sync::{Arc, Mutex};

use jinghai_domain::report::{cst_hour, parse_day};
use jinghai_domain::time::{DAY, HOUR, MINUTE};
use jinghai_store::{PortEntryWrite, VesselFilter};
use jinghai_workflow::accounts::LoginLimits;
use jinghai_workflow::registry::{
    PersonInput, PlaceInput, Registries, RegistryChange, ReportInput, VesselInput,
    TOKEN_FAILURES_PER_ADDRESS, TOKEN_TTL,
};
use jinghai_workflow::seed::{seed_demo, DEMO_PASSWORD};
use jinghai_workflow::{Accounts, Clock, ManualClock, WorkflowError};

const HEADER: &str =
    "mmsi,name,kind,flag,international,home_port,owner_kind,owner_name,registry_no\n";
const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[121.90,29.80],[121.95,29.80],[121.95,29.85],[121.90,29.85],[121.90,29.80]]]}"#;

fn messages(e: &WorkflowError) -> Vec<String> {
    match e {
        WorkflowError::Invalid(list) => list
            .iter()
            .map(|f| format!("{} | {}", f.en, f.zh))
            .collect(),
        other => vec![format!("{other:?}")],
    }
}

async fn story(db: jinghai_store::testkit::TestDb) {
    let clock = Arc::new(ManualClock::new(cst_hour(
        parse_day("2021-03-24").unwrap(),
        9,
    )));
    let c: Arc<dyn Clock> = clock.clone();
    let seeded = seed_demo(&db.store, &c).await.unwrap();
    let accounts = Accounts::new(db.store.clone(), c.clone(), LoginLimits::default());
    let changes: Arc<Mutex<Vec<RegistryChange>>> = Arc::default();
    let sink = changes.clone();
    let reg = Registries::new(db.store.clone(), c.clone())
        .with_changes(Arc::new(move |ch| sink.lock().unwrap().push(ch)));
    let ctx = |u: &'static str| {
        let accounts = &accounts;
        async move { accounts.login(u, DEMO_PASSWORD, "t").await.unwrap().ctx }
    };
    let (office, meishan, baifeng, leader) = (
        ctx("office").await,
        ctx("meishan").await,
        ctx("baifeng").await,
        ctx("leader").await,
    );
    let meishan_id = seeded.regions["330206008"];

    // --- registry CSV: one bad line, nothing imported, every problem listed ---
    let bad = format!(
        "{HEADER}412100001,浙北渔101,fishing,CN,false,FP1,individual,王某,ZJ101\n\
         412100002,浙北渔102,boat,CN,false,FP1,individual,李某,ZJ102\n\
         412100003,,fishing,cn,false,FP1,individual,赵某,\n"
    );
    let e = reg
        .import_vessels(&meishan, Some(meishan_id), &bad)
        .await
        .unwrap_err();
    let m = messages(&e);
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(
        m[0].starts_with("line 3, field kind") && m[0].contains("第 3 行"),
        "{m:?}"
    );
    assert!(m[1].starts_with("line 4, field flag"), "{m:?}");
    let all = VesselFilter::default();
    assert!(
        reg.vessels(&office, &all).await.unwrap().is_empty(),
        "nothing imported"
    );
    let good = bad.replace(",boat,", ",fishing,").replace(",cn,", ",CN,");
    let created = reg
        .import_vessels(&meishan, Some(meishan_id), &good)
        .await
        .unwrap();
    assert_eq!(created.len(), 3);
    assert_eq!(
        created[2].stateless,
        jinghai_domain::registry::StatelessStatus::Candidate,
        "no name and no registry number: a 三无 candidate"
    );
    // Importing again names the records that hold the MMSIs.
    let again = format!("{HEADER}412100009,新船,cargo,CN,false,,enterprise,公司,X1\n412100001,浙北渔101,fishing,CN,false,FP1,individual,王某,ZJ101\n");
    let m = messages(
        &reg.import_vessels(&office, Some(meishan_id), &again)
            .await
            .unwrap_err(),
    );
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].contains("line 3")
            && m[0].contains("浙北渔101")
            && m[0].contains(&format!("#{}", created[0].id)),
        "{m:?}"
    );
    assert!(reg
        .vessels(
            &office,
            &VesselFilter {
                text: Some("新船".into()),
                ..all.clone()
            }
        )
        .await
        .unwrap()
        .is_empty());
    // A town outside cannot import into 梅山, a leader cannot import at all.
    assert!(matches!(
        reg.import_vessels(&baifeng, Some(meishan_id), &again).await,
        Err(WorkflowError::Invalid(_))
    ));
    assert!(matches!(
        reg.import_vessels(&leader, Some(meishan_id), &again).await,
        Err(WorkflowError::Forbidden { .. })
    ));

    // The export is the FORMATS.md CSV and imports again (into a fresh district it would all be new).
    let csv = reg.export_vessels(&office).await.unwrap();
    assert!(csv.starts_with(HEADER));
    let back = jinghai_engine::Registry::parse_rows(&csv, "export").unwrap();
    assert_eq!(back.len(), 3);

    // The form: a duplicate MMSI is refused naming the record; scoping holds.
    let input = VesselInput {
        region_id: Some(meishan_id),
        mmsi: "412100001".into(),
        name: "重复".into(),
        kind: "fishing".into(),
        flag: "CN".into(),
        owner_kind: "individual".into(),
        owner_name: "某".into(),
        ..VesselInput::default()
    };
    let m = messages(&reg.create_vessel(&meishan, &input).await.unwrap_err());
    assert!(m[0].contains("浙北渔101"), "{m:?}");
    let m = messages(
        &reg.create_vessel(
            &baifeng,
            &VesselInput {
                region_id: Some(seeded.regions["330206009"]),
                ..input.clone()
            },
        )
        .await
        .unwrap_err(),
    );
    assert!(
        m[0].contains("another region") && !m[0].contains("浙北渔101"),
        "a foreign record is not named: {m:?}"
    );
    assert!(matches!(
        reg.vessel(&baifeng, created[0].id).await,
        Err(WorkflowError::NotFound)
    ));
    let speedboat = reg
        .create_vessel(
            &meishan,
            &VesselInput {
                mmsi: "412100010".into(),
                kind: "speedboat".into(),
                owner_phone: "13800138000".into(),
                ..input.clone()
            },
        )
        .await
        .unwrap();
    assert!(
        matches!(changes.lock().unwrap().last(), Some(RegistryChange::Vessel(v)) if v.id == speedboat.id)
    );

    // --- places: invalid polygons refused with the reason, GeoJSON all or nothing ---
    let place = |code: &str, kind: &str, geometry: &str| PlaceInput {
        region_id: Some(meishan_id),
        code: code.into(),
        name: format!("{code} 名称"),
        kind: kind.into(),
        applies_to: String::new(),
        geometry: geometry.into(),
        notes: String::new(),
    };
    let bowtie = r#"{"type":"Polygon","coordinates":[[[121.9,29.8],[122.0,29.9],[122.0,29.8],[121.9,29.85],[121.9,29.8]]]}"#;
    let m = messages(
        &reg.create_place(&office, &place("X1", "cove", bowtie))
            .await
            .unwrap_err(),
    );
    assert!(
        m[0].contains("self-intersecting") && m[0].contains("自相交"),
        "{m:?}"
    );
    let two = r#"{"type":"Polygon","coordinates":[[[121.9,29.8],[122.0,29.9],[122.0,29.9],[121.9,29.8]]]}"#;
    let m = messages(
        &reg.create_place(&office, &place("X2", "cove", two))
            .await
            .unwrap_err(),
    );
    assert!(m[0].contains("2 distinct corners"), "{m:?}");
    let open = r#"{"type":"Polygon","coordinates":[[[121.9,29.8],[122.0,29.9],[122.0,29.8],[121.95,29.7]]]}"#;
    assert!(messages(
        &reg.create_place(&office, &place("X3", "cove", open))
            .await
            .unwrap_err()
    )[0]
    .contains("not closed"));
    assert!(
        matches!(
            reg.create_place(&meishan, &place("X4", "cove", SQUARE))
                .await,
            Err(WorkflowError::Forbidden { .. })
        ),
        "the office keeps the places"
    );
    let port = reg
        .create_place(&office, &place("FP1", "fishing_port", SQUARE))
        .await
        .unwrap();
    assert!(
        matches!(changes.lock().unwrap().last(), Some(RegistryChange::Places { district }) if district == "330206")
    );
    let store_point = reg
        .create_place(
            &office,
            &place(
                "CS1",
                "cold_store",
                r#"{"type":"Point","coordinates":[121.93,29.82]}"#,
            ),
        )
        .await
        .unwrap();
    assert_eq!((store_point.lat, store_point.lon), (29.82, 121.93));
    assert!(
        reg.create_place(&office, &place("FP1", "cove", SQUARE))
            .await
            .is_err(),
        "one id per district"
    );

    let feature = |id: &str, kind: &str, geometry: &str| {
        format!(
            r#"{{"type":"Feature","properties":{{"id":"{id}","name":"{id}","kind":"{kind}"}},"geometry":{geometry}}}"#
        )
    };
    let doc = |features: &[String]| {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    };
    let bad_doc = doc(&[
        feature("C1", "cove", SQUARE),
        feature("C2", "cove", bowtie),
        feature("R1", "restricted", SQUARE),
    ]);
    let m = messages(
        &reg.import_places(&office, Some(meishan_id), &bad_doc)
            .await
            .unwrap_err(),
    );
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(
        m[0].starts_with("feature 1") && m[0].contains("self-intersecting"),
        "{m:?}"
    );
    assert!(
        m[1].starts_with("feature 2") && m[1].contains("applies_to"),
        "{m:?}"
    );
    assert_eq!(
        reg.places(&office).await.unwrap().len(),
        2,
        "nothing imported"
    );
    let good_doc = doc(&[
        feature("C1", "cove", SQUARE),
        feature("FP1", "fishing_port", SQUARE),
        feature(
            "CP1",
            "checkpoint",
            r#"{"type":"Point","coordinates":[121.9,29.8]}"#,
        ),
    ]);
    let counts = reg
        .import_places(&office, Some(meishan_id), &good_doc)
        .await
        .unwrap();
    assert_eq!((counts.created, counts.updated), (2, 1));
    let zones_only = reg.export_places(&office, false).await.unwrap();
    assert!(
        jinghai_engine::ZoneSet::from_geojson(&zones_only, "export").is_ok(),
        "the zone export is a FORMATS.md zone file"
    );
    assert!(reg
        .export_places(&office, true)
        .await
        .unwrap()
        .contains("CS1"));

    // --- captain's token: wrong, rate-limited, rotated, expired ---
    let vessel = &created[0];
    let token = reg.vessel(&office, vessel.id).await.unwrap().token.unwrap();
    assert!(
        reg.vessel(&leader, vessel.id)
            .await
            .unwrap()
            .token
            .is_none(),
        "a leader does not print codes"
    );
    assert!(reg
        .captain_vessel(vessel.id, &token.token, "10.0.0.1")
        .await
        .is_ok());
    for _ in 0..TOKEN_FAILURES_PER_ADDRESS {
        assert!(matches!(
            reg.captain_vessel(vessel.id, "wrong", "10.0.0.1").await,
            Err(WorkflowError::Forbidden { .. })
        ));
    }
    assert!(
        matches!(
            reg.captain_vessel(vessel.id, &token.token, "10.0.0.1")
                .await,
            Err(WorkflowError::RateLimited { .. })
        ),
        "the address is blocked even with the right token"
    );
    assert!(
        reg.captain_vessel(vessel.id, &token.token, "10.0.0.2")
            .await
            .is_ok(),
        "another address is not"
    );
    for i in 0..10 {
        let _ = reg
            .captain_vessel(vessel.id, "wrong", &format!("10.1.0.{i}"))
            .await;
    }
    assert!(
        matches!(
            reg.captain_vessel(vessel.id, &token.token, "10.0.0.3")
                .await,
            Err(WorkflowError::RateLimited { .. })
        ),
        "the vessel is blocked after failures from many addresses"
    );
    clock.advance(16 * MINUTE);
    assert!(
        reg.captain_vessel(vessel.id, &token.token, "10.0.0.3")
            .await
            .is_ok(),
        "the window passes"
    );
    let rotated = reg.rotate_token(&office, vessel.id).await.unwrap();
    assert!(
        matches!(
            reg.captain_vessel(vessel.id, &token.token, "10.0.0.4")
                .await,
            Err(WorkflowError::Forbidden { .. })
        ),
        "the old code stops working"
    );
    assert!(reg
        .captain_vessel(vessel.id, &rotated.token, "10.0.0.4")
        .await
        .is_ok());

    // --- port reports: persons checked, arrival needs itinerary and contacts ---
    let person = |id: &str| PersonInput {
        name: "李四".into(),
        id_number: id.into(),
        phone: "13800138000".into(),
    };
    let arrival = ReportInput {
        mmsi: vessel.mmsi.to_string(),
        kind: "arrival".into(),
        port_code: "FP1".into(),
        reported_at: "2021-03-24T08:30".into(),
        persons: vec![person("110105194912310021")],
        itinerary: String::new(),
        contact_history: String::new(),
    };
    let m = messages(
        &reg.captain_report(vessel.id, &rotated.token, "10.0.0.5", &arrival)
            .await
            .unwrap_err(),
    );
    assert!(m.iter().any(|x| x.contains("checksum")), "{m:?}");
    assert!(
        m.iter()
            .any(|x| x.starts_with("an arrival report needs the persons' itinerary")),
        "{m:?}"
    );
    let arrival = ReportInput {
        persons: vec![person("11010519491231002X")],
        itinerary: "舟山渔场→梅山".into(),
        contact_history: "无".into(),
        ..arrival
    };
    let m = messages(
        &reg.captain_report(
            vessel.id,
            &rotated.token,
            "10.0.0.5",
            &ReportInput {
                port_code: "C1".into(),
                ..arrival.clone()
            },
        )
        .await
        .unwrap_err(),
    );
    assert!(m[0].contains("fishing port"), "{m:?}");
    let filed = reg
        .captain_report(vessel.id, &rotated.token, "10.0.0.5", &arrival)
        .await
        .unwrap();
    assert_eq!(
        (filed.source.as_str(), filed.persons_aboard),
        ("captain", Some(1))
    );
    assert!(
        matches!(changes.lock().unwrap().last(), Some(RegistryChange::PortReport(r)) if r.id == filed.id)
    );
    assert!(matches!(
        reg.captain_report(vessel.id, "wrong", "10.0.0.6", &arrival)
            .await,
        Err(WorkflowError::Forbidden { .. })
    ));
    let departure = ReportInput {
        kind: "departure".into(),
        reported_at: "2021-03-24T06:00".into(),
        itinerary: String::new(),
        contact_history: String::new(),
        ..arrival.clone()
    };
    reg.create_report(&meishan, &departure).await.unwrap();
    assert!(
        matches!(
            reg.create_report(&baifeng, &departure).await,
            Err(WorkflowError::Invalid(_))
        ),
        "not baifeng's vessel"
    );
    assert_eq!(
        reg.report(&meishan, filed.id).await.unwrap().persons[0].id_number,
        "11010519491231002X"
    );

    // --- reconciliation: entries without reports, reports without entries ---
    let at = |hhmm: &str| {
        jinghai_domain::time::parse_rfc3339(&format!("2021-03-24T{hhmm}:00+08:00")).unwrap()
    };
    let entry = |mmsi: i64, t: i64| PortEntryWrite {
        region_id: meishan_id,
        mmsi,
        port_code: "FP1".into(),
        entry_at: t,
        lat: 29.82,
        lon: 121.92,
    };
    db.store
        .record_port_entry(0, &entry(vessel.mmsi, at("09:00")))
        .await
        .unwrap(); // covered by the 08:30 arrival
    db.store
        .record_port_entry(0, &entry(created[1].mmsi, at("07:00")))
        .await
        .unwrap(); // nobody reported
    let second = reg
        .create_report(
            &office,
            &ReportInput {
                mmsi: created[1].mmsi.to_string(),
                reported_at: "2021-03-23T20:00".into(),
                ..arrival.clone()
            },
        )
        .await;
    assert!(second.is_ok());
    let day = parse_day("2021-03-23").unwrap();
    let rec = reg.reconcile(&office, None, day, day + 1).await.unwrap();
    let unreported: Vec<i64> = rec.entries_without_report.iter().map(|e| e.mmsi).collect();
    assert!(
        unreported.is_empty(),
        "the 20:00 report the evening before covers the 07:00 entry: {unreported:?}"
    );
    let without: Vec<i64> = rec
        .reports_without_entry
        .iter()
        .map(|(r, _)| r.mmsi)
        .collect();
    assert!(without.is_empty(), "{without:?}");
    // Move the second vessel's entry out of its report's window: both sides show it.
    db.store
        .record_port_entry(0, &entry(created[2].mmsi, at("10:00")))
        .await
        .unwrap();
    reg.create_report(
        &office,
        &ReportInput {
            mmsi: created[0].mmsi.to_string(),
            reported_at: "2021-03-24T02:00".into(),
            port_code: "FP1".into(),
            ..arrival.clone()
        },
    )
    .await
    .unwrap();
    let rec = reg
        .reconcile(&office, Some(meishan_id), day, day + 1)
        .await
        .unwrap();
    assert_eq!(
        rec.entries_without_report
            .iter()
            .map(|e| e.mmsi)
            .collect::<Vec<_>>(),
        [created[2].mmsi]
    );
    let rec_b = reg.reconcile(&baifeng, None, day, day + 1).await.unwrap();
    assert!(
        rec_b.entries_without_report.is_empty() && rec_b.reports_without_entry.is_empty(),
        "another town sees none of it"
    );
    // A report whose window is still open is shown as waiting.
    clock.set(at("10:30"));
    reg.create_report(
        &office,
        &ReportInput {
            mmsi: created[1].mmsi.to_string(),
            reported_at: "2021-03-24T10:00".into(),
            ..arrival.clone()
        },
    )
    .await
    .unwrap();
    let rec = reg
        .reconcile(&office, None, day + 1, day + 1)
        .await
        .unwrap();
    assert!(
        rec.reports_without_entry
            .iter()
            .any(|(r, waiting)| r.mmsi == created[1].mmsi && *waiting),
        "{:?}",
        rec.reports_without_entry
    );

    // --- expiry ---
    clock.advance(TOKEN_TTL + HOUR);
    let m = reg
        .captain_vessel(vessel.id, &rotated.token, "10.0.0.9")
        .await
        .unwrap_err();
    assert!(
        m.user_message(jinghai_domain::Lang::En).contains("expired"),
        "{m:?}"
    );
    let _ = (port, DAY);
}

#[tokio::test]
async fn registries_sqlite() {
    story(jinghai_store::testkit::sqlite().await).await;
}

#[tokio::test]
async fn registries_postgres() {
    story(jinghai_store::testkit::postgres().await).await;
}
