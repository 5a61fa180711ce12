//! An encounter exactly on a cell border is found once: each vessel lies in
//! a different cell (of different partitions); the halo lets both engines
//! see both, and only the owner of the meeting point raises it. Without a
//! halo it is missed, which shows the halo is what finds it.

use std::collections::BTreeMap;
use std::sync::Arc;

use jinghai_engine::exercise::{nmea::encode, Kinematics, Transmission};
use jinghai_engine::{Engine, EngineConfig, EngineOutput, Registry, ZoneSet};
use jinghai_ingest::RawLine;
use jinghai_stream::{event_key, Cell, Grid, InProcess, KeyedEvent};

const T0_S: i64 = 1_613_478_000;

/// Two vessels drifting 70 m apart across the latitude-30° border for 20
/// minutes, then parting; plus a third far inside one cell, alone.
fn lines() -> Vec<RawLine> {
    let mut text = String::new();
    for i in 0..150i64 {
        let t = T0_S + i * 10;
        let drift = i as f64 * 0.000_01;
        let apart = if i < 120 {
            0.0
        } else {
            (i - 120) as f64 * 0.002
        };
        for (mmsi, lat) in [
            (412_000_001u32, 29.999_7 - apart),
            (412_000_002, 30.000_3 + apart),
        ] {
            let k = Kinematics {
                lat,
                lon: 122.4 + drift,
                sog_kn: Some(0.5),
                cog_deg: Some(90.0),
                heading_deg: Some(90),
                nav_status: 0,
            };
            encode(
                &mut text,
                mmsi,
                t,
                &Transmission::Position {
                    class_b: false,
                    kinematics: k,
                },
                0,
            );
        }
    }
    let source: Arc<str> = Arc::from("test");
    text.lines()
        .map(|l| RawLine {
            bytes: l.as_bytes().to_vec(),
            received_ms: 0,
            source: source.clone(),
        })
        .collect()
}

fn engine() -> Engine {
    let zones =
        ZoneSet::from_geojson(r#"{"type":"FeatureCollection","features":[]}"#, "z").unwrap();
    Engine::new(EngineConfig::default(), zones, Registry::new(), Vec::new())
}

/// The partitioned events, by key (a key twice would be a duplicate).
fn partitioned(grid: Grid) -> BTreeMap<String, usize> {
    let mut p = InProcess::new(grid, "t", &engine);
    let mut events: Vec<KeyedEvent> = Vec::new();
    for l in lines() {
        p.push(&l, &mut events);
    }
    p.finish(&mut events);
    let mut opened = BTreeMap::new();
    for e in events.iter().filter(|e| e.opened()) {
        *opened.entry(e.key.clone()).or_insert(0) += 1;
    }
    opened
}

/// A grid whose two cells at the border fall in different partitions.
fn grid(halo_deg: f64) -> Grid {
    (2..16)
        .map(|partitions| Grid {
            cell_deg: 1.0,
            halo_deg,
            partitions,
        })
        .find(|g| {
            g.partition_of(Cell { row: 29, col: 122 }) != g.partition_of(Cell { row: 30, col: 122 })
        })
        .expect("some partition count separates the two cells")
}

#[test]
fn an_encounter_on_a_cell_border_is_found_once() {
    // One engine over everything: the reference.
    let mut single = engine();
    let mut out = Vec::new();
    let mut decoder = jinghai_ais::Decoder::new();
    for l in lines() {
        if let Ok(Some(d)) = decoder.decode_line(&l.bytes) {
            if let Some(obs) = jinghai_engine::from_ais::observation(&d, d.time_or(0)) {
                single.process(&obs, &mut out);
            }
        }
    }
    single.finish(&mut out);
    let reference: BTreeMap<String, usize> = out
        .iter()
        .filter_map(|o| match o {
            EngineOutput::Opened(e) => Some((event_key("t", e), 1)),
            _ => None,
        })
        .collect();
    let encounters =
        |m: &BTreeMap<String, usize>| m.keys().filter(|k| k.starts_with("t:encounter:")).count();
    assert_eq!(
        encounters(&reference),
        1,
        "the reference finds the encounter: {reference:?}"
    );

    let with_halo = partitioned(grid(0.05));
    assert_eq!(
        with_halo, reference,
        "partitioned = one engine, each event once"
    );
    assert!(with_halo.values().all(|n| *n == 1));

    // The two vessels are in different cells of different partitions: with
    // no halo neither engine sees the pair.
    let without = partitioned(grid(0.0));
    assert_eq!(encounters(&without), 0, "{without:?}");
}

/// A worker's partition takes registry edits over while running: only the
/// parts whose revision changed, and a port report seen twice counts once.
#[test]
fn a_partition_follows_registry_edits() {
    use jinghai_store::RegistryRevisions;
    use jinghai_stream::{PartitionEngine, Registries};
    let mut p = PartitionEngine::new(0, "t", grid(0.05), engine());
    p.applied = RegistryRevisions {
        vessels: "v1".into(),
        places: "p1".into(),
        reports: "r1".into(),
    };
    let shared = |f: &str| {
        std::fs::read_to_string(format!(
            "{}/../../../shared/data/scenarios/example-1/{f}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    let zones = ZoneSet::from_geojson(&shared("zones.geojson"), "zones.geojson").unwrap();
    let vessel = jinghai_engine::VesselRecord {
        mmsi: 412_555_001,
        name: "浙北渔55".into(),
        kind: jinghai_engine::VesselKind::Fishing,
        flag: "CN".into(),
        international: false,
        home_port: "梅山".into(),
        owner_kind: jinghai_engine::OwnerKind::Individual,
        owner_name: "张三".into(),
        registry_no: "浙北渔55".into(),
    };
    let mut edits = Registries {
        vessels: vec![vessel.clone()],
        zones: Some(zones.clone()),
        reports: Vec::new(),
        revisions: RegistryRevisions {
            vessels: "v1".into(),
            places: "p1".into(),
            reports: "r1".into(),
        },
    };
    let mut events = Vec::new();
    // Same revisions as built from: nothing to take over.
    p.follow_registries(&edits, &mut events);
    assert!(p.engine.registry().get(412_555_001).is_none());
    assert!(p.engine.zones().zones().is_empty());

    // A vessel registered on some node: only the vessels are taken over.
    edits.revisions.vessels = "v2".into();
    p.follow_registries(&edits, &mut events);
    assert_eq!(p.engine.registry().get(412_555_001), Some(&vessel));
    assert!(p.engine.zones().zones().is_empty(), "places unchanged");

    // Places edited: the zones are replaced.
    edits.revisions.places = "p2".into();
    p.follow_registries(&edits, &mut events);
    assert_eq!(p.engine.zones().zones().len(), zones.zones().len());
    assert_eq!(p.applied, edits.revisions);
    assert!(events.is_empty(), "nothing was open, so nothing ends");
}
