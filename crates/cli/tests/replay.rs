//! `jinghai replay` and `jinghai exercise` end to end: example-1, many generated
//! seeds, bad inputs, hostile AIS, and the real New York harbour week.

#[path = "../src/pipeline.rs"]
#[allow(dead_code)]
mod pipeline;

use jinghai_engine::exercise::{generate, generate_with, parse_events, score, ExerciseOptions};
use jinghai_engine::{
    parse_port_reports, Engine, EngineConfig, EngineOutput, FinalEvents, Registry, ZoneSet,
};
use std::path::{Path, PathBuf};
use std::process::Command;

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");

fn jinghai() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jinghai"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jinghai-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn replay(
    dir: &Path,
    zones: &Path,
    vessels: &Path,
    reports: &Path,
    ais: &Path,
) -> std::process::Output {
    jinghai()
        .args(["replay", "--quiet", "--zones"])
        .arg(zones)
        .arg("--vessels")
        .arg(vessels)
        .arg("--reports")
        .arg(reports)
        .arg("--out")
        .arg(dir.join("events.jsonl"))
        .arg(ais)
        .output()
        .unwrap()
}

#[test]
fn example_1_scores_perfectly() {
    let ex = Path::new(SHARED).join("scenarios/example-1");
    let dir = temp_dir("example1");
    let out = replay(
        &dir,
        &ex.join("zones.geojson"),
        &ex.join("vessels.csv"),
        &ex.join("port_reports.csv"),
        &ex.join("ais.nmea"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let truth = parse_events(
        &std::fs::read_to_string(ex.join("truth.jsonl")).unwrap(),
        "truth",
    )
    .unwrap();
    let found = parse_events(
        &std::fs::read_to_string(dir.join("events.jsonl")).unwrap(),
        "events",
    )
    .unwrap();
    let s = score(&truth, &found);
    assert!(
        s.is_perfect(),
        "{}\nmissed {:?}\nspurious {:?}",
        s.table(),
        s.missed,
        s.spurious
    );
    // The scorer CLI agrees.
    let printed = jinghai()
        .args(["exercise", "score"])
        .arg(ex.join("truth.jsonl"))
        .arg(dir.join("events.jsonl"))
        .output()
        .unwrap();
    assert!(printed.status.success());
    assert!(String::from_utf8_lossy(&printed.stdout)
        .contains("total                      21     21      21    1.00      1.00"));
}

/// Runs a generated exercise in-process (decoder + engine, batched as `jinghai
/// replay` runs it) and scores it.
fn run_exercise(seed: u64) -> jinghai_engine::exercise::Score {
    let options = ExerciseOptions {
        seed,
        ..Default::default()
    };
    let ex = generate_with(&options, &mut pipeline::encode_transmission);
    let zones = ZoneSet::from_geojson(&ex.zones_geojson, "zones").unwrap();
    let registry = Registry::from_csv(&ex.vessels_csv, "vessels").unwrap();
    let reports = parse_port_reports(&ex.port_reports_csv, "reports", &zones).unwrap();
    let mut p = pipeline::Pipeline::new(Engine::new(
        EngineConfig::default(),
        zones,
        registry,
        reports,
    ));
    let mut outputs: Vec<EngineOutput> = Vec::new();
    let mut order = FinalEvents::new();
    let mut events = Vec::new();
    for line in ex.nmea.lines() {
        p.push_line(line.as_bytes(), &mut outputs);
        outputs.drain(..).for_each(|o| order.push(o, &mut events));
    }
    p.finish(&mut outputs);
    outputs.drain(..).for_each(|o| order.push(o, &mut events));
    let text: String = events.iter().map(|e| e.to_json_line() + "\n").collect();
    score(
        &parse_events(&ex.truth_jsonl, "truth").unwrap(),
        &parse_events(&text, "events").unwrap(),
    )
}

#[test]
fn generated_exercises_score_perfectly_across_seeds() {
    for seed in 1..=16 {
        let s = run_exercise(seed);
        assert!(
            s.is_perfect(),
            "seed {seed}\n{}\nmissed {:?}\nspurious {:?}",
            s.table(),
            s.missed,
            s.spurious
        );
        // Every kind is planted in every exercise.
        for (kind, k) in &s.by_kind {
            assert!(k.truth > 0, "seed {seed}: no {} planted", kind.as_str());
        }
    }
}

#[test]
fn exercise_cli_writes_all_files_and_layouts_differ() {
    let dir = temp_dir("generate");
    for seed in [5, 6] {
        let out = jinghai()
            .args(["exercise", "generate", "--seed", &seed.to_string(), "--out"])
            .arg(dir.join(seed.to_string()))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for f in [
            "zones.geojson",
            "vessels.csv",
            "port_reports.csv",
            "ais.nmea",
            "truth.jsonl",
        ] {
            assert!(
                dir.join(seed.to_string()).join(f).metadata().unwrap().len() > 0,
                "{f}"
            );
        }
    }
    let a = std::fs::read_to_string(dir.join("5/zones.geojson")).unwrap();
    let b = std::fs::read_to_string(dir.join("6/zones.geojson")).unwrap();
    assert_ne!(a, b);
    let bad = jinghai()
        .args(["exercise", "score"])
        .arg(dir.join("5/truth.jsonl"))
        .arg(dir.join("5/ais.nmea"))
        .output()
        .unwrap();
    assert!(!bad.status.success(), "scoring NMEA as events is bad input");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("ais.nmea: line 1"));
}

#[test]
fn bad_inputs_are_named_and_stop_the_replay() {
    let ex = Path::new(SHARED).join("scenarios/example-1");
    let zones = std::fs::read_to_string(ex.join("zones.geojson")).unwrap();
    let vessels = std::fs::read_to_string(ex.join("vessels.csv")).unwrap();
    let reports = std::fs::read_to_string(ex.join("port_reports.csv")).unwrap();
    let zones_with = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut doc: serde_json::Value = serde_json::from_str(&zones).unwrap();
        edit(&mut doc);
        doc.to_string()
    };
    let unknown_kind = zones_with(&|d| d["features"][6]["properties"]["kind"] = "bay".into());
    let duplicate_id = zones_with(&|d| d["features"][7]["properties"]["id"] = "K1".into());
    // A bow-tie: the ring crosses itself.
    let bow_tie = zones_with(&|d| {
        d["features"][6]["geometry"]["coordinates"] = serde_json::json!([[
            [121.75, 30.03],
            [121.76, 30.04],
            [121.76, 30.03],
            [121.75, 30.04],
            [121.75, 30.03]
        ]])
    });
    let cases: Vec<(&str, String, String, String, &[&str])> = vec![
        (
            "unknown-kind",
            unknown_kind,
            vessels.clone(),
            reports.clone(),
            &["zones.geojson", "feature 6 (id \"K1\")", "`kind`", "bay"],
        ),
        (
            "duplicate-id",
            duplicate_id,
            vessels.clone(),
            reports.clone(),
            &["zones.geojson", "feature 7", "`id`", "duplicate"],
        ),
        (
            "bow-tie",
            bow_tie,
            vessels.clone(),
            reports.clone(),
            &[
                "zones.geojson",
                "feature 6",
                "`geometry`",
                "invalid polygon",
            ],
        ),
        (
            "bad-mmsi",
            zones.clone(),
            vessels.replacen("412438156", "41243815X", 1),
            reports.clone(),
            &["vessels.csv", "line 3", "`mmsi`"],
        ),
        (
            "unknown-port",
            zones.clone(),
            vessels.clone(),
            reports.replacen(",F2,", ",F9,", 1),
            &["port_reports.csv", "line 2", "`port_zone_id`", "F9"],
        ),
    ];
    for (name, z, v, r, expect) in cases {
        let dir = temp_dir(name);
        std::fs::write(dir.join("zones.geojson"), &z).unwrap();
        std::fs::write(dir.join("vessels.csv"), &v).unwrap();
        std::fs::write(dir.join("port_reports.csv"), &r).unwrap();
        let out = replay(
            &dir,
            &dir.join("zones.geojson"),
            &dir.join("vessels.csv"),
            &dir.join("port_reports.csv"),
            &ex.join("ais.nmea"),
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name}");
        for needle in expect {
            assert!(
                stderr.contains(needle),
                "{name}: {needle:?} not in {stderr}"
            );
        }
        assert!(
            !dir.join("events.jsonl").exists(),
            "{name}: the replay must not start"
        );
    }
}

#[test]
fn hostile_ais_never_stops_the_replay() {
    let dir = temp_dir("hostile");
    let mut text = Vec::new();
    let mut state = 99u64;
    for i in 0..20_000u32 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        match i % 4 {
            0 => text.extend_from_slice(
                format!(
                    "\\c:{}*00\\!AIVDM,1,1,,A,{:x},0*00\n",
                    1_600_000_000 + i,
                    state
                )
                .as_bytes(),
            ),
            1 => text.extend((0..(state % 200)).map(|k| (state >> (k % 56)) as u8)),
            2 => text.extend_from_slice(
                b"!AIVDM,2,2,9,B,00000000000,2*2E\n$PGHP,1,2010,6,11,11,46,11,929,244,0,,1,72*21\n",
            ),
            _ => text.extend_from_slice(
                b"\\c:1613478772*55\\!AIVDM,1,1,,A,18IEULiP008ekH8A:=S94WA`0000,0*2B\n",
            ),
        }
        text.push(b'\n');
    }
    std::fs::write(dir.join("junk.nmea"), &text).unwrap();
    let fx = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/nyharbor");
    let out = replay(
        &dir,
        &fx.join("zones.geojson"),
        &fx.join("vessels.csv"),
        &fx.join("port_reports.csv"),
        &dir.join("junk.nmea"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn new_york_harbour_week_runs_to_the_end() {
    let week = Path::new(SHARED).join("ais/tracks/nyharbor_2020-12-01_week_reencoded.nmea.gz");
    let fx = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/nyharbor");
    let dir = temp_dir("nyharbor");
    let out = replay(
        &dir,
        &fx.join("zones.geojson"),
        &fx.join("vessels.csv"),
        &fx.join("port_reports.csv"),
        &week,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("172679 lines"), "{stderr}");
    let events = std::fs::read_to_string(dir.join("events.jsonl")).unwrap();
    let parsed = parse_events(&events, "events").unwrap();
    // An empty registry: every vessel seen in the district is unregistered.
    let unregistered = parsed
        .iter()
        .filter(|e| e.kind == jinghai_engine::EventKind::UnregisteredVessel)
        .count();
    assert!(unregistered > 50, "{unregistered}");
}

#[test]
fn config_file_sets_thresholds_and_typos_are_errors() {
    let ex = Path::new(SHARED).join("scenarios/example-1");
    let dir = temp_dir("config");
    let run = |config: &str| {
        std::fs::write(dir.join("engine.toml"), config).unwrap();
        let _ = std::fs::remove_file(dir.join("events.jsonl"));
        jinghai()
            .args(["replay", "--quiet", "--config"])
            .arg(dir.join("engine.toml"))
            .arg("--zones")
            .arg(ex.join("zones.geojson"))
            .arg("--vessels")
            .arg(ex.join("vessels.csv"))
            .arg("--reports")
            .arg(ex.join("port_reports.csv"))
            .arg("--out")
            .arg(dir.join("events.jsonl"))
            .arg(ex.join("ais.nmea"))
            .output()
            .unwrap()
    };
    let out = run("[encounter]\nenabled = false\n\n[landing_stop]\nmin_duration_min = 60.0\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = parse_events(
        &std::fs::read_to_string(dir.join("events.jsonl")).unwrap(),
        "events",
    )
    .unwrap();
    assert_eq!(
        events.len(),
        21 - 3 - 3,
        "no encounters, no landing stops under an hour"
    );
    let out = run("[encounter]\nmax_distanse_m = 100.0\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("engine.toml"));
}

#[test]
fn engine_encoder_and_ais_encoder_write_the_same_exercise() {
    // The engine carries a minimal encoder so that it can write exercises without
    // the decoder crate; it must agree with the real one.
    let options = ExerciseOptions {
        seed: 9,
        hours: 3.0,
        background: 10,
        ..Default::default()
    };
    let own = generate(&options);
    let ais = generate_with(&options, &mut pipeline::encode_transmission);
    assert_eq!(own.truth_jsonl, ais.truth_jsonl);
    let decode = |nmea: &str| {
        let mut d = jinghai_ais::Decoder::new();
        nmea.lines()
            .filter_map(|l| d.decode_line(l.as_bytes()).ok().flatten())
            .filter_map(|m| pipeline::observation(&m, m.received_at.unwrap_or(0)))
            .collect::<Vec<_>>()
    };
    let (a, b) = (decode(&own.nmea), decode(&ais.nmea));
    assert_eq!(a.len(), own.messages);
    assert_eq!(a, b);
}
