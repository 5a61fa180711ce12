//! Runs two vessels meeting on a cell border through the partitioned
//! engines in one process (no broker needed) and prints the events each
//! partition owns:
//!
//! ```sh
//! cargo run -p jinghai-stream --example border
//! ```

use std::sync::Arc;

use jinghai_engine::exercise::{nmea::encode, Kinematics, Transmission};
use jinghai_engine::{Engine, EngineConfig, Registry, ZoneSet};
use jinghai_ingest::RawLine;
use jinghai_stream::{Grid, InProcess};

fn main() {
    let grid = Grid {
        cell_deg: 1.0,
        halo_deg: 0.05,
        partitions: 4,
    };
    let mut text = String::new();
    for i in 0..120i64 {
        for (mmsi, lat) in [(412_000_001u32, 29.9997), (412_000_002, 30.0003)] {
            let k = Kinematics {
                lat,
                lon: 122.4,
                sog_kn: Some(0.2),
                cog_deg: None,
                heading_deg: None,
                nav_status: 0,
            };
            encode(
                &mut text,
                mmsi,
                1_613_478_000 + i * 10,
                &Transmission::Position {
                    class_b: false,
                    kinematics: k,
                },
                0,
            );
        }
    }
    let make = || {
        let zones =
            ZoneSet::from_geojson(r#"{"type":"FeatureCollection","features":[]}"#, "z").unwrap();
        Engine::new(EngineConfig::default(), zones, Registry::new(), Vec::new())
    };
    let mut engines = InProcess::new(grid, "example", &make);
    let mut events = Vec::new();
    let source: Arc<str> = Arc::from("example");
    for line in text.lines() {
        let raw = RawLine {
            bytes: line.as_bytes().to_vec(),
            received_ms: 0,
            source: source.clone(),
        };
        engines.push(&raw, &mut events);
    }
    engines.finish(&mut events);
    for e in events.iter().filter(|e| e.opened()) {
        let ev = e.event();
        println!(
            "partition {} raised {} at {:.4},{:.4}",
            grid.owner(ev.lat, ev.lon),
            e.key,
            ev.lat,
            ev.lon
        );
    }
    for p in &engines.engines {
        println!("partition {}: {} messages", p.partition, p.messages);
    }
}
