//! The eight detectors against synthetic observations: each case is a small
//! story (positions in a local metre frame) and the events it must raise.

use jinghai_engine::*;

const T0: i64 = 1_613_478_000_000;
const LAT0: f64 = 30.0;
const LON0: f64 = 122.0;
const INTL: u32 = 351_000_001;
const FISH: u32 = 412_000_002;
const CARGO: u32 = 412_000_003;
const SPEED: u32 = 412_000_004;
const UNKNOWN: u32 = 412_999_999;

/// Local metres → position.
fn at(x_m: f64, y_m: f64) -> (f64, f64) {
    (
        LAT0 + y_m / geo::M_PER_DEG_LAT,
        LON0 + x_m / (geo::M_PER_DEG_LAT * LAT0.to_radians().cos()),
    )
}

fn rect(id: &str, kind: &str, extra: &str, x0: f64, y0: f64, x1: f64, y1: f64) -> String {
    let (a, b) = (at(x0, y0), at(x1, y1));
    format!(
        r#"{{"type":"Feature","properties":{{"id":"{id}","name":"{id}","kind":"{kind}"{extra}}},"geometry":{{"type":"Polygon","coordinates":[[[{0},{1}],[{2},{1}],[{2},{3}],[{0},{3}],[{0},{1}]]]}}}}"#,
        a.1, a.0, b.1, b.0
    )
}

/// The test district: 20 × 20 km jurisdiction, coverage west of x = 15 km, a port
/// at the origin, a cove, a restricted zone for international vessels, an
/// anchorage, and a boundary drawn northwards at x = 10 km (west is inside).
fn zones() -> ZoneSet {
    let (s, n) = (at(10_000.0, -10_000.0), at(10_000.0, 10_000.0));
    let line = format!(
        r#"{{"type":"Feature","properties":{{"id":"L1","name":"line","kind":"boundary","applies_to":"fishing"}},"geometry":{{"type":"LineString","coordinates":[[{},{}],[{},{}]]}}}}"#,
        s.1, s.0, n.1, n.0
    );
    let features = [
        rect(
            "J1",
            "jurisdiction",
            "",
            -10_000.0,
            -10_000.0,
            20_000.0,
            10_000.0,
        ),
        rect(
            "C1", "coverage", "", -10_000.0, -10_000.0, 15_000.0, 10_000.0,
        ),
        rect("F1", "fishing_port", "", -500.0, -500.0, 500.0, 500.0),
        rect("K1", "cove", "", 2_000.0, 2_000.0, 2_600.0, 2_600.0),
        rect(
            "R1",
            "restricted",
            r#","applies_to":"international""#,
            -5_000.0,
            3_000.0,
            -3_000.0,
            5_000.0,
        ),
        rect("A1", "anchorage", "", 5_000.0, -6_000.0, 7_000.0, -4_000.0),
        line,
    ];
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    );
    ZoneSet::from_geojson(&text, "test.geojson").expect("test zones are valid")
}

fn registry() -> Registry {
    let text = format!(
        "mmsi,name,kind,flag,international,home_port,owner_kind,owner_name,registry_no\n\
         {INTL},Foreign,cargo,PA,true,,enterprise,X,R1\n\
         {FISH},渔1,fishing,CN,false,F1,individual,Y,R2\n\
         {CARGO},Cargo,cargo,CN,false,,enterprise,Z,R3\n\
         {SPEED},KT,speedboat,CN,false,,individual,W,R4\n"
    );
    Registry::from_csv(&text, "test.csv").expect("test registry is valid")
}

/// One position: vessel, minutes after T0, local metres, speed.
struct P(u32, f64, f64, f64, f32);

fn run_with(
    config: EngineConfig,
    reports: Vec<PortReport>,
    track: &[P],
) -> (Vec<Event>, Vec<EngineOutput>, Engine) {
    let mut engine = Engine::new(config, zones(), registry(), reports);
    let mut outputs = Vec::new();
    let mut all = Vec::new();
    let mut order = FinalEvents::new();
    let mut events = Vec::new();
    let mut obs: Vec<&P> = track.iter().collect();
    obs.sort_by(|a, b| a.1.total_cmp(&b.1));
    for p in obs {
        engine.process(&position(p), &mut outputs);
        for out in outputs.drain(..) {
            all.push(out.clone());
            order.push(out, &mut events);
        }
    }
    engine.finish(&mut outputs);
    for out in outputs.drain(..) {
        all.push(out.clone());
        order.push(out, &mut events);
    }
    assert_eq!(order.pending(), 0, "every event is closed at the end");
    (events, all, engine)
}

/// The position report `p` stands for.
fn position(p: &P) -> Observation {
    let (lat, lon) = at(p.2, p.3);
    let mut report = PositionReport::at(lat, lon);
    report.sog_kn = Some(p.4);
    Observation {
        mmsi: p.0,
        time_ms: T0 + (p.1 * 60_000.0) as i64,
        kind: ObservationKind::Position(report),
    }
}

fn run(track: &[P]) -> Vec<Event> {
    run_with(EngineConfig::default(), Vec::new(), track).0
}

/// A straight run from (x0, y0) to (x1, y1) over [m0, m1] minutes, one fix every `step` minutes.
fn leg(mmsi: u32, m0: f64, m1: f64, from: (f64, f64), to: (f64, f64), step: f64) -> Vec<P> {
    let n = ((m1 - m0) / step).round().max(1.0) as usize;
    let dist = ((to.0 - from.0).powi(2) + (to.1 - from.1).powi(2)).sqrt();
    let kn = if m1 > m0 {
        (dist / ((m1 - m0) * 60.0) / geo::MPS_PER_KNOT) as f32
    } else {
        0.0
    };
    (0..=n)
        .map(|i| {
            let f = i as f64 / n as f64;
            P(
                mmsi,
                m0 + (m1 - m0) * f,
                from.0 + (to.0 - from.0) * f,
                from.1 + (to.1 - from.1) * f,
                kn,
            )
        })
        .collect()
}

fn kinds(events: &[Event]) -> Vec<(EventKind, u32)> {
    events.iter().map(|e| (e.kind, e.mmsi)).collect()
}

#[test]
fn restricted_entry_only_for_named_vessels() {
    let mut track = leg(INTL, 0.0, 20.0, (-4_000.0, 0.0), (-4_000.0, 4_000.0), 0.5);
    track.extend(leg(
        CARGO,
        0.0,
        20.0,
        (-4_200.0, 0.0),
        (-4_200.0, 4_000.0),
        0.5,
    ));
    // International but stays 300 m short of the zone.
    track.extend(leg(
        INTL + 1,
        0.0,
        20.0,
        (-8_000.0, 0.0),
        (-5_300.0, 3_500.0),
        0.5,
    ));
    let events = run(&track);
    // INTL+1 is unregistered as well; it never enters.
    assert_eq!(
        kinds(&events),
        vec![
            (EventKind::UnregisteredVessel, INTL + 1),
            (EventKind::RestrictedEntry, INTL)
        ]
    );
    let e = &events[1];
    assert_eq!(e.zone_id.as_deref(), Some("R1"));
    // 3 km into a 4 km run over 20 minutes: entered at minute 15.
    assert!(
        (e.start_ms - (T0 + 15 * 60_000)).abs() <= 1000,
        "{}",
        e.start_ms - T0
    );
}

#[test]
fn boundary_crossings_have_direction_and_ignore_jitter() {
    let mut track = leg(FISH, 0.0, 10.0, (8_000.0, 0.0), (12_000.0, 0.0), 0.5);
    track.extend(leg(
        FISH,
        10.5,
        20.0,
        (12_000.0, 100.0),
        (8_000.0, 100.0),
        0.5,
    ));
    // Jitter: across by 10 m and straight back.
    track.extend([P(SPEED, 0.0, 9_990.0, 3_000.0, 0.5)]);
    track.extend(leg(
        FISH + 1,
        30.0,
        40.0,
        (9_900.0, 5_000.0),
        (9_900.0, 6_000.0),
        1.0,
    ));
    let mut jitter = Vec::new();
    for (i, x) in [9_995.0, 10_010.0, 9_990.0, 10_005.0, 9_985.0]
        .iter()
        .enumerate()
    {
        jitter.push(P(FISH, 40.0 + i as f64, *x, 7_000.0, 0.2));
    }
    track.extend(jitter);
    // A cargo vessel crossing: the line is for fishing vessels only.
    track.extend(leg(
        CARGO,
        0.0,
        10.0,
        (8_000.0, -3_000.0),
        (12_000.0, -3_000.0),
        0.5,
    ));
    let events: Vec<Event> = run(&track)
        .into_iter()
        .filter(|e| e.kind == EventKind::BoundaryCrossing)
        .collect();
    let dirs: Vec<&str> = events
        .iter()
        .map(|e| e.detail["direction"].as_str().unwrap())
        .collect();
    assert_eq!(dirs, vec!["out", "in"], "{events:?}");
    assert!(events
        .iter()
        .all(|e| e.mmsi == FISH && e.zone_id.as_deref() == Some("L1")));
    assert!((events[0].start_ms - (T0 + 5 * 60_000)).abs() <= 1000);
}

#[test]
fn ais_gap_needs_coverage_both_ends_and_no_harbour() {
    let mut track = vec![];
    // 40 min silent in open water: a gap.
    track.extend(leg(
        SPEED,
        0.0,
        10.0,
        (3_000.0, -2_000.0),
        (4_000.0, -2_000.0),
        1.0,
    ));
    track.extend(leg(
        SPEED,
        50.0,
        60.0,
        (5_000.0, -2_000.0),
        (6_000.0, -2_000.0),
        1.0,
    ));
    // 20 min: not yet.
    track.extend(leg(
        CARGO,
        0.0,
        10.0,
        (3_000.0, 6_000.0),
        (4_000.0, 6_000.0),
        1.0,
    ));
    track.extend(leg(
        CARGO,
        30.0,
        40.0,
        (4_500.0, 6_000.0),
        (5_000.0, 6_000.0),
        1.0,
    ));
    // 60 min, but reappearing outside coverage.
    track.extend(leg(
        FISH,
        0.0,
        10.0,
        (-3_000.0, -8_000.0),
        (-2_000.0, -8_000.0),
        1.0,
    ));
    track.extend(leg(
        INTL,
        0.0,
        5.0,
        (12_000.0, -8_000.0),
        (13_000.0, -8_000.0),
        1.0,
    ));
    track.extend(leg(
        INTL,
        65.0,
        70.0,
        (16_000.0, -8_000.0),
        (17_000.0, -8_000.0),
        1.0,
    ));
    // 60 min at anchor.
    track.extend(leg(
        INTL + 7,
        0.0,
        5.0,
        (6_000.0, -5_000.0),
        (6_000.0, -5_000.0),
        1.0,
    ));
    track.extend(leg(
        INTL + 7,
        65.0,
        70.0,
        (6_000.0, -5_000.0),
        (6_000.0, -5_000.0),
        1.0,
    ));
    let gaps: Vec<Event> = run(&track)
        .into_iter()
        .filter(|e| e.kind == EventKind::AisGap)
        .collect();
    assert_eq!(kinds(&gaps), vec![(EventKind::AisGap, SPEED)]);
    assert_eq!(gaps[0].start_ms, T0 + 10 * 60_000);
    assert_eq!(gaps[0].end_ms, Some(T0 + 50 * 60_000));
}

#[test]
fn encounter_needs_closeness_duration_and_slowness() {
    let mut track = vec![];
    // 15 minutes 100 m apart, drifting: an encounter.
    track.extend(leg(
        FISH,
        0.0,
        15.0,
        (3_000.0, -3_000.0),
        (3_050.0, -3_000.0),
        1.0,
    ));
    track.extend(leg(
        CARGO,
        0.5,
        15.5,
        (3_000.0, -2_900.0),
        (3_050.0, -2_900.0),
        1.0,
    ));
    // 8 minutes only.
    track.extend(leg(
        SPEED,
        0.0,
        8.0,
        (-3_000.0, -3_000.0),
        (-3_000.0, -3_000.0),
        1.0,
    ));
    track.extend(leg(
        INTL,
        0.5,
        8.5,
        (-3_100.0, -3_000.0),
        (-3_100.0, -3_000.0),
        1.0,
    ));
    // Side by side at 6 kn for 20 minutes.
    track.extend(leg(
        FISH + 10,
        0.0,
        20.0,
        (0.0, 6_000.0),
        (-3_700.0, 6_000.0),
        0.5,
    ));
    track.extend(leg(
        FISH + 11,
        0.2,
        20.2,
        (0.0, 6_080.0),
        (-3_700.0, 6_080.0),
        0.5,
    ));
    // At anchor together.
    track.extend(leg(
        INTL + 20,
        0.0,
        30.0,
        (6_000.0, -5_000.0),
        (6_000.0, -5_000.0),
        1.0,
    ));
    track.extend(leg(
        INTL + 21,
        0.0,
        30.0,
        (6_050.0, -5_000.0),
        (6_050.0, -5_000.0),
        1.0,
    ));
    let (events, outputs, _) = run_with(EngineConfig::default(), Vec::new(), &track);
    let enc: Vec<&Event> = events
        .iter()
        .filter(|e| e.kind == EventKind::Encounter)
        .collect();
    assert_eq!(enc.len(), 1, "{enc:?}");
    assert_eq!((enc[0].mmsi, enc[0].other_mmsi), (FISH, Some(CARGO)));
    assert!((enc[0].end_ms.unwrap() - enc[0].start_ms) >= 14 * 60_000);
    assert!(enc[0].detail["min_distance_m"].as_f64().unwrap() < 120.0);
    // Live: opened once, closed once, same id.
    let life: Vec<&EngineOutput> = outputs
        .iter()
        .filter(|o| o.event().id == enc[0].id)
        .collect();
    assert!(matches!(life[0], EngineOutput::Opened(e) if e.end_ms.is_none()));
    assert!(matches!(life.last().unwrap(), EngineOutput::Closed(_)));
    assert_eq!(
        life.iter()
            .filter(|o| matches!(o, EngineOutput::Opened(_)))
            .count(),
        1
    );
}

/// A pair that meets slowly, then runs side by side at speed for longer than the
/// allowed interruption, then slows again: one episode throughout. (The scan of a
/// fast reporter skips other fast vessels except its partners, which it looks up.)
#[test]
fn an_encounter_is_found_across_any_grid_column_boundary() {
    // Thirty pairs, each two vessels 180 m apart east–west and still for 15
    // minutes, each pair 600 m north of the one before and 23 m further east: the
    // pairs sweep across more than one encounter-grid column (about 520 m wide at
    // 30°), so some straddle a boundary, on either side of it. The scan picks
    // the columns within reach of the reporter; a pair it misses shows here.
    let mut track = vec![];
    for k in 0..30u32 {
        let (x, y) = (
            3_000.0 + 23.0 * f64::from(k),
            -9_000.0 + 600.0 * f64::from(k),
        );
        let (a, b) = (413_000_000 + 2 * k, 413_000_001 + 2 * k);
        track.extend(leg(a, 0.0, 15.0, (x, y), (x, y), 1.0));
        track.extend(leg(b, 0.5, 15.5, (x + 180.0, y), (x + 180.0, y), 1.0));
    }
    let mut pairs: Vec<(u32, u32)> = run(&track)
        .into_iter()
        .filter(|e| e.kind == EventKind::Encounter)
        .map(|e| {
            (
                e.mmsi,
                e.other_mmsi.expect("an encounter has a counterpart"),
            )
        })
        .collect();
    pairs.sort_unstable();
    let want: Vec<(u32, u32)> = (0..30)
        .map(|k| (413_000_000 + 2 * k, 413_000_001 + 2 * k))
        .collect();
    assert_eq!(pairs, want);
}

#[test]
fn an_encounter_goes_on_while_the_pair_runs_together_at_speed() {
    let mut track = vec![];
    for (mmsi, dt, y) in [(FISH, 0.0, -3_000.0), (CARGO, 0.3, -2_920.0)] {
        // Drifting at 0.5 kn, then 6.5 kn for 11 minutes, then drifting again.
        track.extend(leg(mmsi, dt, 20.0 + dt, (3_000.0, y), (3_300.0, y), 1.0));
        track.extend(leg(
            mmsi,
            21.0 + dt,
            32.0 + dt,
            (3_500.0, y),
            (5_700.0, y),
            1.0,
        ));
        track.extend(leg(
            mmsi,
            33.0 + dt,
            45.0 + dt,
            (5_715.0, y),
            (5_895.0, y),
            1.0,
        ));
    }
    assert!(track.iter().any(|p| p.4 > 6.4) && track.iter().all(|p| p.4 < 6.6));
    let enc: Vec<Event> = run(&track)
        .into_iter()
        .filter(|e| e.kind == EventKind::Encounter)
        .collect();
    assert_eq!(enc.len(), 1, "{enc:?}");
    assert!(
        enc[0].end_ms.unwrap() - enc[0].start_ms >= 44 * 60_000,
        "{enc:?}"
    );
}

#[test]
fn landing_stop_in_a_cove_for_five_minutes() {
    let mut track = vec![];
    track.extend(leg(
        SPEED,
        0.0,
        5.0,
        (4_000.0, 2_300.0),
        (2_300.0, 2_300.0),
        0.5,
    ));
    track.extend(leg(
        SPEED,
        6.0,
        16.0,
        (2_300.0, 2_300.0),
        (2_305.0, 2_300.0),
        1.0,
    ));
    track.extend(leg(
        SPEED,
        17.0,
        22.0,
        (2_300.0, 2_300.0),
        (4_000.0, 2_300.0),
        0.5,
    ));
    // Three minutes only.
    track.extend(leg(
        CARGO,
        30.0,
        33.0,
        (2_200.0, 2_200.0),
        (2_200.0, 2_200.0),
        1.0,
    ));
    let events = run(&track);
    assert_eq!(kinds(&events), vec![(EventKind::LandingStop, SPEED)]);
    assert_eq!(events[0].zone_id.as_deref(), Some("K1"));
    // The first slow fix inside is at minute 6 (minute 5 still reports the approach speed).
    assert_eq!(events[0].start_ms, T0 + 6 * 60_000);
    assert_eq!(events[0].end_ms, Some(T0 + 16 * 60_000));
}

#[test]
fn unregistered_once_per_day_inside_jurisdiction() {
    let mut track = leg(
        UNKNOWN,
        0.0,
        120.0,
        (0.0, -5_000.0),
        (5_000.0, -5_000.0),
        1.0,
    );
    track.extend(leg(
        UNKNOWN,
        25.0 * 60.0,
        25.0 * 60.0 + 5.0,
        (0.0, -5_000.0),
        (100.0, -5_000.0),
        1.0,
    ));
    // Outside the jurisdiction only.
    track.extend(leg(
        UNKNOWN + 1,
        0.0,
        30.0,
        (25_000.0, 0.0),
        (26_000.0, 0.0),
        1.0,
    ));
    // Invalid MMSI.
    track.extend(leg(
        1_234_567,
        0.0,
        10.0,
        (0.0, 8_000.0),
        (100.0, 8_000.0),
        1.0,
    ));
    let events: Vec<Event> = run(&track)
        .into_iter()
        .filter(|e| e.kind == EventKind::UnregisteredVessel)
        .collect();
    assert_eq!(
        events.iter().map(|e| e.mmsi).collect::<Vec<_>>(),
        vec![UNKNOWN, 1_234_567, UNKNOWN]
    );
    assert_eq!(events[1].detail["reason"], "invalid_mmsi");
}

#[test]
fn position_jump_merges_a_spoof_and_spares_fast_boats() {
    let mut track = leg(
        CARGO,
        0.0,
        30.0,
        (-8_000.0, -8_000.0),
        (-4_000.0, -8_000.0),
        0.5,
    );
    // Minutes 10–14: reported 9 km north.
    for p in track.iter_mut().filter(|p| p.1 >= 10.0 && p.1 < 14.0) {
        p.3 += 9_000.0;
    }
    // 45 kn in a straight line, every 10 s.
    track.extend(leg(
        SPEED,
        0.0,
        10.0,
        (0.0, -9_000.0),
        (13_890.0, -9_000.0),
        10.0 / 60.0,
    ));
    let events = run(&track);
    assert_eq!(kinds(&events), vec![(EventKind::PositionJump, CARGO)]);
    assert_eq!(events[0].start_ms, T0 + 10 * 60_000);
    assert_eq!(events[0].end_ms, Some(T0 + 14 * 60_000));
    assert_eq!(events[0].detail["jumps"], 2);
}

#[test]
fn port_entry_needs_an_arrival_report_in_the_window() {
    let report = |mmsi, minutes: f64| PortReport {
        mmsi,
        kind: ReportKind::Arrival,
        port_zone_id: "F1".into(),
        reported_at_ms: T0 + (minutes * 60_000.0) as i64,
        persons_aboard: Some(3),
    };
    let mut track = leg(FISH, 0.0, 10.0, (2_500.0, 0.0), (0.0, 0.0), 0.5);
    track.extend(leg(
        FISH + 1,
        0.0,
        10.0,
        (2_500.0, 100.0),
        (0.0, 100.0),
        0.5,
    ));
    track.extend(leg(
        FISH + 2,
        0.0,
        10.0,
        (2_500.0, -100.0),
        (0.0, -100.0),
        0.5,
    ));
    // A cargo vessel needs no report.
    track.extend(leg(CARGO, 0.0, 10.0, (2_500.0, 200.0), (0.0, 200.0), 0.5));
    // Something must move the clock past the report window.
    track.extend(leg(
        SPEED,
        0.0,
        60.0,
        (5_000.0, -8_000.0),
        (6_000.0, -8_000.0),
        5.0,
    ));
    let mut reg = registry();
    for m in [FISH + 1, FISH + 2] {
        let mut r = reg.get(FISH).unwrap().clone();
        r.mmsi = m;
        reg.insert(r);
    }
    let reports = vec![report(FISH + 1, 18.0), report(FISH + 2, -25.0 * 60.0)];
    let mut engine = Engine::new(EngineConfig::default(), zones(), reg, reports);
    let mut out = Vec::new();
    let mut obs: Vec<&P> = track.iter().collect();
    obs.sort_by(|a, b| a.1.total_cmp(&b.1));
    for p in obs {
        let (lat, lon) = at(p.2, p.3);
        let o = Observation {
            mmsi: p.0,
            time_ms: T0 + (p.1 * 60_000.0) as i64,
            kind: ObservationKind::Position(PositionReport::at(lat, lon)),
        };
        engine.process(&o, &mut out);
    }
    // Settled by message time, before the end of input.
    let entries: Vec<u32> = out
        .iter()
        .filter_map(|o| match o {
            EngineOutput::Closed(e) if e.kind == EventKind::UnreportedPortEntry => Some(e.mmsi),
            _ => None,
        })
        .collect();
    // FISH: no report; FISH+2: a report 25 h old. FISH+1 reported 10 min after entering.
    assert_eq!(entries, vec![FISH, FISH + 2]);
}

#[test]
fn duplicates_and_late_messages_are_not_movement() {
    let mut track = leg(CARGO, 0.0, 20.0, (0.0, -9_000.0), (2_000.0, -9_000.0), 1.0);
    // The same transmission heard by a second receiver 2 s later.
    track.push(P(CARGO, 5.0 + 2.0 / 60.0, 500.0, -9_000.0, 3.0));
    let (events, _, engine) = run_with(EngineConfig::default(), Vec::new(), &track);
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(engine.stats().duplicates, 1);
    // Late: an older position arriving after a newer one is not a jump back.
    let mut engine = Engine::new(EngineConfig::default(), zones(), registry(), Vec::new());
    let mut out = Vec::new();
    for (m, x) in [(0.0, 0.0), (2.0, 200.0), (1.0, 100.0), (3.0, 300.0)] {
        let (lat, lon) = at(x, -9_000.0);
        let o = Observation {
            mmsi: CARGO,
            time_ms: T0 + (m * 60_000.0) as i64,
            kind: ObservationKind::Position(PositionReport::at(lat, lon)),
        };
        engine.process(&o, &mut out);
    }
    assert!(out.is_empty());
    assert_eq!(engine.stats().out_of_order, 1);
    let v = engine.vessel(CARGO).unwrap();
    assert_eq!(v.positions, 3);
    assert_eq!(v.last_time_ms, Some(T0 + 180_000));
}

#[test]
fn thresholds_come_from_config() {
    let config: EngineConfig = serde_json::from_str(
        r#"{"landing_stop":{"min_duration_min":20.0},"ais_gap":{"enabled":false}}"#,
    )
    .unwrap();
    assert_eq!(config.encounter, EngineConfig::default().encounter);
    let mut track = leg(SPEED, 0.0, 5.0, (4_000.0, 2_300.0), (2_300.0, 2_300.0), 0.5);
    track.extend(leg(
        SPEED,
        6.0,
        16.0,
        (2_300.0, 2_300.0),
        (2_305.0, 2_300.0),
        1.0,
    ));
    track.extend(leg(
        SPEED,
        60.0,
        70.0,
        (2_300.0, 5_000.0),
        (2_305.0, 5_000.0),
        1.0,
    ));
    let (events, _, _) = run_with(config, Vec::new(), &track);
    assert!(events.is_empty(), "{events:?}");
    assert!(
        serde_json::from_str::<EngineConfig>(r#"{"landing_stop":{"min_duraton_min":1}}"#).is_err()
    );
}

#[test]
fn never_panics_on_hostile_observations() {
    let mut engine = Engine::new(EngineConfig::default(), zones(), registry(), Vec::new());
    let mut out = Vec::new();
    let values = [
        f64::NAN,
        f64::INFINITY,
        -91.0,
        91.0,
        181.0,
        0.0,
        LAT0,
        LON0,
        -180.0,
        180.0,
        1e300,
    ];
    let mut state = 7u64;
    for i in 0..20_000u64 {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
        let pick = |s: u64| values[(s >> 33) as usize % values.len()];
        let mut p = PositionReport::at(pick(state), pick(state >> 7));
        p.sog_kn = Some(pick(state >> 13) as f32);
        p.cog_deg = Some(pick(state >> 17) as f32);
        let time_ms = T0 + ((state >> 40) as i64 % 10_000_000) - 5_000_000;
        let kind = if i % 7 == 0 {
            ObservationKind::Static(StaticReport {
                name: ShortText::new("\u{0}\u{ffff}"),
                ..Default::default()
            })
        } else {
            ObservationKind::Position(p)
        };
        engine.process(
            &Observation {
                mmsi: (state >> 20) as u32 % 5,
                time_ms,
                kind,
            },
            &mut out,
        );
    }
    engine.finish(&mut out);
    assert!(engine.stats().invalid_positions > 0);
}

#[test]
fn jitter_on_a_zone_edge_is_one_entry() {
    // Along the restricted zone's southern edge (y = 3 km), 10 m in and out, then
    // away and back in for good: two entries.
    let mut track = vec![];
    for i in 0..20 {
        let y = if i % 2 == 0 { 2_990.0 } else { 3_010.0 };
        track.push(P(INTL, i as f64, -4_000.0, y, 0.5));
    }
    track.extend(leg(
        INTL,
        21.0,
        30.0,
        (-4_000.0, 2_900.0),
        (-4_000.0, 1_000.0),
        1.0,
    ));
    track.extend(leg(
        INTL,
        31.0,
        40.0,
        (-4_000.0, 1_000.0),
        (-4_000.0, 4_000.0),
        1.0,
    ));
    let entries = run(&track)
        .into_iter()
        .filter(|e| e.kind == EventKind::RestrictedEntry)
        .count();
    assert_eq!(entries, 2);
}

#[test]
fn multipolygons_with_holes() {
    let ring = |x0: f64, y0: f64, x1: f64, y1: f64| {
        let (a, b) = (at(x0, y0), at(x1, y1));
        format!(
            "[[{0},{1}],[{2},{1}],[{2},{3}],[{0},{3}],[{0},{1}]]",
            a.1, a.0, b.1, b.0
        )
    };
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"id":"K","name":"k","kind":"cove"}},
        "geometry":{{"type":"MultiPolygon","coordinates":[[{},{}],[{}]]}}}}]}}"#,
        ring(0.0, 0.0, 1_000.0, 1_000.0),
        ring(400.0, 400.0, 600.0, 600.0),
        ring(5_000.0, 0.0, 6_000.0, 1_000.0)
    );
    let zones = ZoneSet::from_geojson(&text, "z").unwrap();
    let mut out = Vec::new();
    for (x, y, inside) in [
        (100.0, 100.0, true),
        (500.0, 500.0, false),
        (5_500.0, 500.0, true),
        (3_000.0, 500.0, false),
    ] {
        let (lat, lon) = at(x, y);
        zones.zones_at(LatLon::new(lat, lon), &mut out);
        assert_eq!(!out.is_empty(), inside, "({x}, {y})");
    }
}

#[test]
fn crossing_a_kinked_line_through_its_vertex_counts_once() {
    // A line with a vertex at (10 km, 0), drawn northwards: west is inside.
    let (s, v, n) = (
        at(10_000.0, -10_000.0),
        at(10_000.0, 0.0),
        at(10_500.0, 10_000.0),
    );
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"id":"L","name":"l","kind":"boundary","applies_to":"all"}},
        "geometry":{{"type":"LineString","coordinates":[[{},{}],[{},{}],[{},{}]]}}}}]}}"#,
        s.1, s.0, v.1, v.0, n.1, n.0
    );
    let mut engine = Engine::new(
        EngineConfig::default(),
        ZoneSet::from_geojson(&text, "z").unwrap(),
        registry(),
        Vec::new(),
    );
    let mut out = Vec::new();
    for p in leg(CARGO, 0.0, 10.0, (9_000.0, 0.0), (11_000.0, 0.0), 0.5) {
        let (lat, lon) = at(p.2, p.3);
        let o = Observation {
            mmsi: CARGO,
            time_ms: T0 + (p.1 * 60_000.0) as i64,
            kind: ObservationKind::Position(PositionReport::at(lat, lon)),
        };
        engine.process(&o, &mut out);
    }
    engine.finish(&mut out);
    let crossings: Vec<&Event> = out
        .iter()
        .filter_map(|o| match o {
            EngineOutput::Closed(e) if e.kind == EventKind::BoundaryCrossing => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(crossings.len(), 1, "{crossings:?}");
    assert_eq!(crossings[0].detail["direction"], "out");
}

#[test]
fn open_events_are_listed_until_closed() {
    let mut engine = Engine::new(EngineConfig::default(), zones(), registry(), Vec::new());
    let mut out = Vec::new();
    let mut track = leg(
        FISH,
        0.0,
        15.0,
        (3_000.0, -3_000.0),
        (3_050.0, -3_000.0),
        1.0,
    );
    track.extend(leg(
        CARGO,
        0.5,
        15.5,
        (3_000.0, -2_900.0),
        (3_050.0, -2_900.0),
        1.0,
    ));
    track.sort_by(|a, b| a.1.total_cmp(&b.1));
    for p in &track {
        let (lat, lon) = at(p.2, p.3);
        let mut r = PositionReport::at(lat, lon);
        r.sog_kn = Some(p.4);
        engine.process(
            &Observation {
                mmsi: p.0,
                time_ms: T0 + (p.1 * 60_000.0) as i64,
                kind: ObservationKind::Position(r),
            },
            &mut out,
        );
    }
    let open = engine.open_events();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].kind, EventKind::Encounter);
    assert_eq!(open[0].end_ms, None);
    engine.finish(&mut out);
    assert!(engine.open_events().is_empty());
}

#[test]
fn long_silent_vessels_are_forgotten_and_their_slots_reused() {
    let config: EngineConfig =
        serde_json::from_str(r#"{"tracks":{"forget_after_h":2.0}}"#).unwrap();
    let mut engine = Engine::new(config, zones(), registry(), Vec::new());
    let mut out = Vec::new();
    let mut feed = |engine: &mut Engine, mmsi: u32, minute: f64, x: f64| {
        let (lat, lon) = at(x, -9_000.0);
        let o = Observation {
            mmsi,
            time_ms: T0 + (minute * 60_000.0) as i64,
            kind: ObservationKind::Position(PositionReport::at(lat, lon)),
        };
        engine.process(&o, &mut out);
    };
    feed(&mut engine, CARGO, 0.0, 0.0);
    feed(&mut engine, SPEED, 0.0, 5_000.0);
    for m in 1..200 {
        feed(&mut engine, SPEED, m as f64, 5_000.0 + m as f64 * 10.0);
    }
    assert!(engine.vessel(CARGO).is_none(), "silent for over 2 h");
    assert!(engine.vessel(SPEED).is_some());
    feed(&mut engine, FISH, 200.0, 0.0);
    assert_eq!(engine.vessels().count(), 2);
    // Back after 3.5 h: a new track, so no gap event spans the forgotten silence.
    feed(&mut engine, CARGO, 210.0, 100.0);
    engine.finish(&mut out);
    assert!(
        out.iter().all(|o| o.event().kind != EventKind::AisGap),
        "{out:?}"
    );
    assert_eq!(engine.vessel(CARGO).unwrap().positions, 1);
}

#[test]
fn a_batch_gives_what_one_by_one_gives() {
    // Two pairs meeting, a vessel crossing the restricted zone, one that jumps, and
    // statics between them: every detector runs, in batches of any size.
    let mut track = vec![];
    track.extend(leg(
        FISH,
        0.0,
        15.0,
        (3_000.0, -3_000.0),
        (3_050.0, -3_000.0),
        0.5,
    ));
    track.extend(leg(
        CARGO,
        0.2,
        15.2,
        (3_000.0, -2_900.0),
        (3_050.0, -2_900.0),
        0.5,
    ));
    track.extend(leg(
        INTL,
        0.0,
        30.0,
        (-4_000.0, 1_000.0),
        (-4_000.0, 5_000.0),
        1.0,
    ));
    track.extend(leg(
        SPEED,
        0.0,
        20.0,
        (-3_000.0, -3_000.0),
        (6_000.0, -3_000.0),
        0.25,
    ));
    track.push(P(SPEED, 20.1, 40_000.0, 40_000.0, 10.0));
    track.sort_by(|a, b| a.1.total_cmp(&b.1));
    let observations: Vec<Observation> = track
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut o = position(p);
            if i % 9 == 4 {
                o.kind = ObservationKind::Static(StaticReport {
                    name: ShortText::new(&format!("SHIP {}", p.0)),
                    ..Default::default()
                });
            }
            o
        })
        .collect();
    let one_by_one = {
        let mut engine = Engine::new(EngineConfig::default(), zones(), registry(), Vec::new());
        let mut out = Vec::new();
        for o in &observations {
            engine.process(o, &mut out);
        }
        engine.finish(&mut out);
        out
    };
    let kinds_seen: std::collections::BTreeSet<EventKind> = one_by_one
        .iter()
        .map(|o| match o {
            EngineOutput::Opened(e) | EngineOutput::Updated(e) | EngineOutput::Closed(e) => e.kind,
        })
        .collect();
    assert!(
        kinds_seen.len() >= 3,
        "the scenario exercises several detectors: {kinds_seen:?}"
    );
    for size in [1, 3, 4, 5, 8, 256, observations.len()] {
        let mut engine = Engine::new(EngineConfig::default(), zones(), registry(), Vec::new());
        let mut out = Vec::new();
        for batch in observations.chunks(size) {
            engine.process_batch(batch, &mut out);
        }
        engine.finish(&mut out);
        assert_eq!(
            format!("{out:?}"),
            format!("{one_by_one:?}"),
            "batches of {size}"
        );
    }
}
