//! Changes while the engine runs (registry, zones and port reports edited in
//! the UI), and the import parsers that list every bad row or feature.

use jinghai_engine::*;

const T0: i64 = 1_613_478_000_000;
const FISH: u32 = 412_000_002;

fn square(id: &str, kind: &str, lon0: f64, lat0: f64, size: f64) -> String {
    let (lon1, lat1) = (lon0 + size, lat0 + size);
    format!(
        r#"{{"type":"Feature","properties":{{"id":"{id}","name":"{id}","kind":"{kind}"}},"geometry":{{"type":"Polygon","coordinates":[[[{lon0},{lat0}],[{lon1},{lat0}],[{lon1},{lat1}],[{lon0},{lat1}],[{lon0},{lat0}]]]}}}}"#
    )
}

fn zones(features: &[String]) -> ZoneSet {
    ZoneSet::from_geojson(
        &format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        ),
        "z",
    )
    .unwrap()
}

fn fishing_registry() -> Registry {
    Registry::from_csv(
        &format!("mmsi,name,kind,flag,international,home_port,owner_kind,owner_name,registry_no\n{FISH},渔1,fishing,CN,false,F1,individual,Y,R2\n"),
        "v",
    )
    .unwrap()
}

fn pos(mmsi: u32, t_min: i64, lat: f64, lon: f64) -> Observation {
    Observation {
        mmsi,
        time_ms: T0 + t_min * 60_000,
        kind: ObservationKind::Position(PositionReport::at(lat, lon)),
    }
}

/// Sails a fishing vessel from open water into the square at (122.0, 30.0).
fn sail_into_port(engine: &mut Engine, out: &mut Vec<EngineOutput>) {
    for (i, lon) in [121.90, 121.95, 121.99, 122.005, 122.005]
        .iter()
        .enumerate()
    {
        engine.process(&pos(FISH, i as i64 * 5, 30.005, *lon), out);
    }
    engine.advance_time(T0 + 4 * 3_600_000, out);
}

fn unreported(out: &[EngineOutput]) -> Vec<String> {
    out.iter()
        .filter(|o| matches!(o, EngineOutput::Opened(_)))
        .map(EngineOutput::event)
        .filter(|e| e.kind == EventKind::UnreportedPortEntry)
        .map(|e| e.zone_id.clone().unwrap_or_default())
        .collect()
}

#[test]
fn a_port_added_while_running_is_watched() {
    let mut engine = Engine::new(
        EngineConfig::default(),
        zones(&[]),
        fishing_registry(),
        Vec::new(),
    );
    engine.record_port_entries(true);
    let mut out = Vec::new();
    engine.process(&pos(FISH, -10, 30.005, 121.85), &mut out);
    engine.replace_zones(
        zones(&[square("NEW", "fishing_port", 122.0, 30.0, 0.01)]),
        &mut out,
    );
    sail_into_port(&mut engine, &mut out);
    assert_eq!(unreported(&out), ["NEW"]);
    let entries = engine.drain_port_entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0].mmsi, entries[0].port_zone_id.as_str()),
        (FISH, "NEW")
    );
    assert!(engine.drain_port_entries().is_empty(), "drained");
}

#[test]
fn a_removed_port_raises_nothing_and_reports_follow_their_port() {
    // The port is deleted while the vessel is on its way: no alert.
    let port = square("F1", "fishing_port", 122.0, 30.0, 0.01);
    let other = square("F2", "fishing_port", 121.0, 29.0, 0.01);
    let mut engine = Engine::new(
        EngineConfig::default(),
        zones(std::slice::from_ref(&port)),
        fishing_registry(),
        Vec::new(),
    );
    let mut out = Vec::new();
    engine.process(&pos(FISH, -10, 30.005, 121.85), &mut out);
    engine.replace_zones(zones(std::slice::from_ref(&other)), &mut out);
    sail_into_port(&mut engine, &mut out);
    assert!(unreported(&out).is_empty(), "{out:?}");

    // An arrival report made before the zones changed still counts once the
    // port moves to another index (a zone inserted before it).
    let mut engine = Engine::new(
        EngineConfig::default(),
        zones(std::slice::from_ref(&port)),
        fishing_registry(),
        Vec::new(),
    );
    engine.add_port_report(&PortReport {
        mmsi: FISH,
        kind: ReportKind::Arrival,
        port_zone_id: "F1".into(),
        reported_at_ms: T0,
        persons_aboard: Some(3),
    });
    let mut out = Vec::new();
    engine.replace_zones(zones(&[other, port]), &mut out);
    sail_into_port(&mut engine, &mut out);
    assert!(
        unreported(&out).is_empty(),
        "the report still counts: {out:?}"
    );
}

#[test]
fn a_vessel_registered_while_running_is_no_longer_unregistered() {
    let mut engine = Engine::new(
        EngineConfig::default(),
        zones(&[]),
        Registry::new(),
        Vec::new(),
    );
    let mut out = Vec::new();
    engine.process(&pos(FISH, 0, 30.0, 122.0), &mut out);
    assert!(!engine.vessel(FISH).unwrap().registered);
    engine.upsert_vessel(fishing_registry().get(FISH).unwrap().clone());
    assert!(engine.vessel(FISH).unwrap().registered);
}

#[test]
fn imports_list_every_bad_row_and_feature() {
    let csv = "mmsi,name,kind,flag,international,home_port,owner_kind,owner_name,registry_no\n\
               412000001,a,fishing,CN,false,,individual,x,y\n\
               41200001,b,fishing,CN,false,,individual,x,y\n\
               412000003,c,boat,CN,false,,individual,x,y\n\
               412000001,d,fishing,CN,false,,individual,x,y\n";
    let errs = Registry::parse_rows(csv, "v.csv").unwrap_err();
    let got: Vec<(&str, &str)> = errs
        .iter()
        .map(|e| (e.location.as_str(), e.field.as_str()))
        .collect();
    assert_eq!(
        got,
        [("line 3", "mmsi"), ("line 4", "kind"), ("line 5", "mmsi")]
    );

    let bad = r#"{"type":"Feature","properties":{"id":"B","name":"b","kind":"cove"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,1],[0,0]]]}}"#;
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{},{},{}]}}"#,
        square("A", "cove", 0.0, 0.0, 1.0),
        bad,
        square("A", "cove", 5.0, 5.0, 1.0)
    );
    let errs = ZoneSet::parse_features(&text, "z").unwrap_err();
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(
        errs[0].location.starts_with("feature 1") && errs[0].message.contains("self-intersecting"),
        "{}",
        errs[0]
    );
    assert!(
        errs[1].location.starts_with("feature 2") && errs[1].field == "id",
        "{}",
        errs[1]
    );

    // What the registry writer writes, the parser reads back.
    let records = Registry::parse_rows(
        "mmsi,name,kind,flag,international,home_port,owner_kind,owner_name,registry_no\n412000001,\"Zhe, 1\",fishing,CN,false,F1,individual,\"张 \"\"某\"\"\",ZJ1\n",
        "v",
    )
    .unwrap();
    let again = Registry::parse_rows(&registry_csv(&records), "v").unwrap();
    assert_eq!(records, again);
    // Zones round-trip through their feature form.
    let zs = zones(&[square("Q", "cove", 1.0, 1.0, 0.5)]);
    let back = Zone::from_feature(&zs.zones()[0].to_feature(), 0, "z").unwrap();
    assert_eq!(back.id, "Q");
}
