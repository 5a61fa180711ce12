//! Golden tests: our JSON against the expected output shipped with the gpsd
//! and libais test corpora. Only the fields we decode are compared, after
//! mapping the other decoders' conventions (sentinel numbers for "not
//! available", raw unscaled integers) to ours. Deliberate differences are
//! listed in CONFORMANCE.md and in `SKIP` below.

mod common;

use serde_json::{json, Map, Value};

/// Our JSON as an object, with gpsd's composite `timestamp` (types 4/11) and
/// `eta` (type 5) rebuilt from our separate fields so they can be compared.
fn ours(d: &jinghai_ais::Decoded) -> Map<String, Value> {
    let v: Value = serde_json::from_str(&jinghai_ais::to_json(d)).expect("our JSON parses");
    let mut o = v.as_object().unwrap().clone();
    let g =
        |o: &Map<String, Value>, k: &str, na: u64| o.get(k).and_then(Value::as_u64).unwrap_or(na);
    if o.contains_key("year") {
        let ts = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            g(&o, "year", 0),
            g(&o, "month", 0),
            g(&o, "day", 0),
            g(&o, "hour", 24),
            g(&o, "minute", 60),
            g(&o, "second", 60)
        );
        o.insert("timestamp".into(), json!(ts));
    }
    if o.contains_key("eta_month") {
        let eta = format!(
            "{:02}-{:02}T{:02}:{:02}Z",
            g(&o, "eta_month", 0),
            g(&o, "eta_day", 0),
            g(&o, "eta_hour", 24),
            g(&o, "eta_minute", 60)
        );
        o.insert("eta".into(), json!(eta));
    }
    o
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(*b as u8 as f64),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Map one expected (gpsd/libais) field to (our key, our expected value).
/// `None`: a field we do not compare.
fn map(t: u64, k: &str, v: &Value, scaled: bool) -> Option<(&'static str, Value)> {
    let n = num(v);
    let null_if = |sentinel: f64, out: Value| -> Value {
        if n == Some(sentinel) {
            Value::Null
        } else {
            out
        }
    };
    let f = |x: f64| json!(x);
    Some(match k {
        "type" => ("type", v.clone()),
        "mmsi" => ("mmsi", f(n?)),
        "repeat" => ("repeat", f(n?)),
        "status" if matches!(t, 1..=3 | 27) => ("nav_status", null_if(15.0, f(n?))),
        "turn" if !scaled => ("rot_raw", null_if(-128.0, f(n?))),
        "speed" => {
            let n = n?;
            let out = match t {
                9 => null_if(1023.0, f(n)),
                27 => null_if(63.0, f(n)),
                _ if scaled => null_if(102.3, f(n)),
                _ => null_if(1023.0, f(n / 10.0)),
            };
            ("sog", out)
        }
        "course" => {
            let n = n?;
            let out = match t {
                27 => null_if(511.0, f(n)),
                _ if scaled => null_if(360.0, f(n)),
                _ => null_if(3600.0, f(n / 10.0)),
            };
            ("cog", out)
        }
        "heading" => ("heading", null_if(511.0, f(n?))),
        "lat" | "lon" | "ne_lat" | "ne_lon" | "sw_lat" | "sw_lon" => {
            let n = n?;
            let coarse = matches!(t, 17 | 22 | 23 | 27);
            let key = match k {
                "lat" => "lat",
                "lon" => "lon",
                "ne_lat" => "ne_lat",
                "ne_lon" => "ne_lon",
                "sw_lat" => "sw_lat",
                _ => "sw_lon",
            };
            let is_lat = k.ends_with("lat");
            let out = if scaled {
                null_if(if is_lat { 91.0 } else { 181.0 }, f(n))
            } else {
                let div = if coarse { 600.0 } else { 600_000.0 };
                null_if(if is_lat { 91.0 } else { 181.0 } * div, f(n / div))
            };
            (key, out)
        }
        "second" => ("second", if n? >= 60.0 { Value::Null } else { f(n?) }),
        "accuracy" => ("accuracy", f(n?)),
        "raim" => ("raim", f(n?)),
        "dte" => ("dte", f(n?)),
        "assigned" => ("assigned", f(n?)),
        "cs" => ("cs", f(n?)),
        "display" => ("display", f(n?)),
        "dsc" => ("dsc", f(n?)),
        "band" => ("band", f(n?)),
        "msg22" => ("msg22", f(n?)),
        "retransmit" => ("retransmit", f(n?)),
        "power" => ("power", f(n?)),
        "band_a" => ("band_a", f(n?)),
        "band_b" => ("band_b", f(n?)),
        "off_position" => ("off_position", f(n?)),
        "virtual_aid" => ("virtual_aid", f(n?)),
        "gnss" => ("gnss", f(n?)),
        "maneuver" => ("maneuver", f(n?)),
        "regional" => ("regional", f(n?)),
        "reserved" => ("reserved", f(n?)),
        "ais_version" => ("ais_version", f(n?)),
        "to_bow" => ("to_bow", f(n?)),
        "to_stern" => ("to_stern", f(n?)),
        "to_port" => ("to_port", f(n?)),
        "to_starboard" => ("to_starboard", f(n?)),
        "dac" => ("dac", f(n?)),
        "fid" => ("fid", f(n?)),
        "dest_mmsi" if matches!(t, 25 | 26) => ("dest_mmsi", null_if(0.0, f(n?))),
        "dest_mmsi" => ("dest_mmsi", f(n?)),
        "seqno" => ("seqno", f(n?)),
        "mmsi1" => ("mmsi1", f(n?)),
        "mmsi2" => ("mmsi2", f(n?)),
        "mmsi3" => ("mmsi3", f(n?)),
        "mmsi4" => ("mmsi4", f(n?)),
        "offset1" => ("offset1", f(n?)),
        "offset2" => ("offset2", f(n?)),
        "increment1" => ("increment1", f(n?)),
        "increment2" => ("increment2", f(n?)),
        "number1" => ("number1", f(n?)),
        "number2" => ("number2", f(n?)),
        "timeout1" => ("timeout1", f(n?)),
        "timeout2" => ("timeout2", f(n?)),
        "type1_1" => ("type1_1", f(n?)),
        "offset1_1" => ("offset1_1", f(n?)),
        "type1_2" => ("type1_2", f(n?)),
        "offset1_2" => ("offset1_2", f(n?)),
        "type2_1" => ("type2_1", f(n?)),
        "offset2_1" => ("offset2_1", f(n?)),
        "channel_a" => ("channel_a", f(n?)),
        "channel_b" => ("channel_b", f(n?)),
        "txrx" => ("txrx", f(n?)),
        "zonesize" => ("zonesize", f(n?)),
        "interval" => ("interval", f(n?)),
        "quiet" => ("quiet", f(n?)),
        "aid_type" => ("aid_type", f(n?)),
        "model" => ("model", f(n?)),
        "serial" => ("serial", f(n?)),
        "dest1" => ("dest1", f(n?)),
        "dest2" => ("dest2", f(n?)),
        "alt" => ("alt", null_if(4095.0, f(n?))),
        "epfd" => ("epfd", null_if(0.0, f(n?))),
        "stationtype" => ("station_type", f(n?)),
        "shiptype" if t == 23 => ("ship_type", f(n?)),
        "shiptype" => ("shiptype", null_if(0.0, f(n?))),
        "imo" => ("imo", null_if(0.0, f(n?))),
        "draught" => {
            let n = n?;
            (
                "draught",
                null_if(0.0, f(if scaled { n } else { n / 10.0 })),
            )
        }
        "partno" | "part_num" => ("partno", f(n?)),
        "shipname" | "callsign" | "destination" | "name" | "text" => {
            let s = v.as_str()?.trim_end_matches(['@', ' ']).to_string();
            (
                match k {
                    "shipname" => "shipname",
                    "callsign" => "callsign",
                    "destination" => "destination",
                    "name" => "name",
                    _ => "text",
                },
                json!(s),
            )
        }
        "timestamp" if matches!(t, 4 | 11) => ("timestamp", v.clone()),
        "eta" => ("eta", v.clone()),
        "data" => ("data", v.clone()),
        _ => return None,
    })
}

fn same(a: &Value, b: &Value) -> bool {
    match (num(a), num(b)) {
        (Some(x), Some(y)) if !a.is_string() || !b.is_string() => {
            (x - y).abs() <= 1e-4 * x.abs().max(1.0)
        }
        _ => a == b,
    }
}

/// Differences between one expected object and ours: (key, expected, ours).
fn diff(exp: &Map<String, Value>, our: &Map<String, Value>, scaled: bool) -> Vec<String> {
    let t = exp["type"].as_u64().unwrap();
    let mut out = Vec::new();
    for (k, v) in exp {
        let Some((ok, want)) = map(t, k, v, scaled) else {
            continue;
        };
        if skip(t, ok) || (t == 24 && ok == "shipname" && exp.contains_key("callsign")) {
            // gpsd merges part A's name into its part B report.
            continue;
        }
        if !our.contains_key(ok) && num(&want) == Some(0.0) {
            // An optional repeated entry (second ack, second assignment…) that
            // the payload does not carry: the others report 0, we omit it.
            continue;
        }
        let got = our.get(ok).cloned().unwrap_or(Value::Null);
        if !same(&want, &got) {
            out.push(format!("type {t} {k}->{ok}: expected {want}, ours {got}"));
        }
    }
    out
}

/// Deliberate differences (see CONFORMANCE.md).
fn skip(t: u64, key: &str) -> bool {
    matches!(
        (t, key),
        // gpsd and libais decode some DAC/FI payloads into fields; we keep the raw bits.
        (6 | 8, "data" | "text" | "shiptype" | "draught")
    )
}

/// Compare each expected object against the best-matching message of ours
/// with the same type and MMSI. Returns (compared, mismatching messages, report).
fn compare(
    exp: &[Map<String, Value>],
    ours: &[Map<String, Value>],
    scaled: bool,
    known: &[(u64, &str)],
) -> (usize, Vec<String>) {
    let mut bad = Vec::new();
    let mut compared = 0;
    for e in exp {
        let cands: Vec<_> = ours
            .iter()
            .filter(|o| o["type"] == e["type"] && o["mmsi"].as_f64() == num(&e["mmsi"]))
            .collect();
        if cands.is_empty() {
            bad.push(format!("no message of ours for {e:?}"));
            continue;
        }
        compared += 1;
        let best = cands
            .iter()
            .map(|o| {
                let mut d = diff(e, o, scaled);
                let m = num(&e["mmsi"]).unwrap() as u64;
                d.retain(|x| !known.iter().any(|(km, kk)| *km == m && x.contains(kk)));
                d
            })
            .min_by_key(|d| d.len())
            .unwrap();
        if !best.is_empty() {
            bad.push(format!("mmsi {}: {}", e["mmsi"], best.join("; ")));
        }
    }
    (compared, bad)
}

#[test]
fn libais_typeexamples() {
    let (decoded, stats) = common::decode_file("conformance/libais_typeexamples.nmea");
    assert_eq!(stats.messages, 26);
    let ours: Vec<_> = decoded.iter().map(ours).collect();
    let expected: Vec<Map<String, Value>> = common::read("conformance/libais_typeexamples.json")
        .unwrap()
        .split(|&c| c == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            serde_json::from_slice::<Value>(l)
                .unwrap()
                .as_object()
                .unwrap()
                .clone()
        })
        .collect();
    assert_eq!(expected.len(), 26);
    // Deliberate differences with libais (CONFORMANCE.md): values outside
    // their range are None for us; libais's 6-bit table maps 31 to '-' and 39
    // to '`'; libais scales type 9 speed by 10 and inverts 6's retransmit and
    // 27's GNSS flag.
    let known = [
        (3669971, "retransmit"),
        (974291422, "lon->lon"),
        (974291422, "gnss"),
        (852992994, "name"),
        (277315048, "heading"),
        (277315048, "lat->lat"),
        (367342360, "timestamp"),
        (400214919, "lat->lat"),
        (400214919, "speed->sog"),
    ];
    let (compared, bad) = compare(&expected, &ours, true, &known);
    for b in &bad {
        eprintln!("{b}");
    }
    assert_eq!(compared, 26);
    assert!(bad.is_empty(), "{} mismatching messages", bad.len());
}

#[test]
fn gpsd_ais_nmea_log() {
    let (decoded, stats) = common::decode_file("conformance/gpsd_ais-nmea.log");
    assert_eq!(stats.messages, 171);
    let ours: Vec<_> = decoded.iter().map(ours).collect();
    let expected: Vec<Map<String, Value>> = common::read("conformance/gpsd_ais-nmea.log.chk")
        .unwrap()
        .split(|&c| c == b'\n')
        .filter(|l| l.starts_with(b"{\"class\":\"AIS\""))
        .map(|l| {
            serde_json::from_slice::<Value>(l)
                .unwrap()
                .as_object()
                .unwrap()
                .clone()
        })
        .collect();
    assert_eq!(expected.len(), 274);
    let (compared, bad) = compare(&expected, &ours, false, &[]);
    for b in &bad {
        eprintln!("{b}");
    }
    assert_eq!(compared, 274);
    assert!(bad.is_empty(), "{} mismatching messages", bad.len());
}

/// gpsd's unscaled pipe-separated dump (`gpsd_sample.aivdm.chk`): field
/// names per type, in gpsd's order. Types whose column order is ambiguous in
/// the dump (21, 24 merged A+B, 26, 27) are left out.
fn gpsd_columns(t: u64) -> Option<&'static [&'static str]> {
    Some(match t {
        1..=3 => &[
            "type", "repeat", "mmsi", "status", "turn", "speed", "accuracy", "lon", "lat",
            "course", "heading", "second", "maneuver", "raim", "radio",
        ],
        4 | 11 => &[
            "type",
            "repeat",
            "mmsi",
            "timestamp",
            "accuracy",
            "lon",
            "lat",
            "epfd",
            "raim",
            "radio",
        ],
        5 => &[
            "type",
            "repeat",
            "mmsi",
            "imo",
            "ais_version",
            "callsign",
            "shipname",
            "shiptype",
            "to_bow",
            "to_stern",
            "to_port",
            "to_starboard",
            "epfd",
            "eta",
            "draught",
            "destination",
            "dte",
        ],
        6 => &[
            "type",
            "repeat",
            "mmsi",
            "seqno",
            "dest_mmsi",
            "retransmit",
            "dac",
            "fid",
        ],
        7 | 13 => &["type", "repeat", "mmsi", "mmsi1", "mmsi2", "mmsi3", "mmsi4"],
        8 => &["type", "repeat", "mmsi", "dac", "fid"],
        9 => &[
            "type", "repeat", "mmsi", "alt", "speed", "accuracy", "lon", "lat", "course", "second",
            "regional", "dte", "raim", "radio",
        ],
        10 => &["type", "repeat", "mmsi", "dest_mmsi"],
        12 => &[
            "type",
            "repeat",
            "mmsi",
            "seqno",
            "dest_mmsi",
            "retransmit",
            "text",
        ],
        14 => &["type", "repeat", "mmsi", "text"],
        15 => &[
            "type",
            "repeat",
            "mmsi",
            "mmsi1",
            "type1_1",
            "offset1_1",
            "type1_2",
            "offset1_2",
            "mmsi2",
            "type2_1",
            "offset2_1",
        ],
        16 => &[
            "type",
            "repeat",
            "mmsi",
            "mmsi1",
            "offset1",
            "increment1",
            "mmsi2",
            "offset2",
            "increment2",
        ],
        17 => &["type", "repeat", "mmsi", "lon", "lat", "data"],
        18 => &[
            "type", "repeat", "mmsi", "reserved", "speed", "accuracy", "lon", "lat", "course",
            "heading", "second", "regional", "cs", "display", "dsc", "band", "msg22", "raim",
            "radio",
        ],
        19 => &[
            "type",
            "repeat",
            "mmsi",
            "reserved",
            "speed",
            "accuracy",
            "lon",
            "lat",
            "course",
            "heading",
            "second",
            "regional",
            "shipname",
            "shiptype",
            "to_bow",
            "to_stern",
            "to_port",
            "to_starboard",
            "epfd",
            "raim",
            "dte",
            "assigned",
        ],
        20 => &[
            "type",
            "repeat",
            "mmsi",
            "offset1",
            "number1",
            "timeout1",
            "increment1",
            "offset2",
            "number2",
            "timeout2",
            "increment2",
        ],
        22 => &[
            "type",
            "repeat",
            "mmsi",
            "channel_a",
            "channel_b",
            "txrx",
            "power",
            "ne_lon",
            "ne_lat",
            "sw_lon",
            "sw_lat",
            "addressed",
            "band_a",
            "band_b",
            "zonesize",
        ],
        23 => &[
            "type",
            "repeat",
            "mmsi",
            "ne_lon",
            "ne_lat",
            "sw_lon",
            "sw_lat",
            "stationtype",
            "shiptype",
            "txrx",
            "interval",
            "quiet",
        ],
        25 => &[
            "type",
            "repeat",
            "mmsi",
            "addressed",
            "structured",
            "dest_mmsi",
            "app_id",
            "data",
        ],
        _ => return None,
    })
}

#[test]
fn gpsd_sample_aivdm() {
    let (decoded, stats) = common::decode_file("conformance/gpsd_sample.aivdm");
    // Every sentence of the sample decodes but one 5-character type 6
    // payload, which is shorter than the 88-bit header.
    assert_eq!(stats.messages, 101);
    assert_eq!(stats.error(jinghai_ais::ErrorKind::TruncatedPayload), 1);
    let ours: Vec<_> = decoded.iter().map(ours).collect();
    let text =
        String::from_utf8(common::read("conformance/gpsd_sample.aivdm.chk").unwrap()).unwrap();
    let mut expected = Vec::new();
    let mut rows = 0;
    for row in text.lines().filter(|l| !l.is_empty()) {
        rows += 1;
        let cols: Vec<&str> = row.split('|').collect();
        let t: u64 = cols[0].parse().unwrap();
        let Some(names) = gpsd_columns(t) else {
            continue;
        };
        // Type 22 addressed rows have a different layout.
        if t == 22 && cols.len() != names.len() {
            continue;
        }
        let mut m = Map::new();
        for (name, v) in names.iter().zip(&cols) {
            let textual = matches!(
                *name,
                "shipname" | "callsign" | "destination" | "text" | "timestamp" | "eta" | "data"
            );
            let val = if textual {
                json!(v)
            } else if let Some(h) = v.strip_prefix("0x") {
                json!(u64::from_str_radix(h, 16).unwrap())
            } else {
                json!(v.parse::<f64>().unwrap())
            };
            m.insert(name.to_string(), val);
        }
        m.insert("type".into(), json!(t));
        expected.push(m);
    }
    assert_eq!(rows, 97);
    // Deliberate: out-of-range base station position is None for us; gpsd's
    // type 23 txrx reads 2 where bits 144-145 of the payload are 00; gpsd
    // reads a type 7 acknowledgement whose MMSI runs past the payload end.
    let known = [
        (972158237, "lat->lat"),
        (972158237, "lon->lon"),
        (2268120, "txrx"),
        (655901842, "mmsi3"),
        (537411077, "mmsi3"),
    ];
    let (compared, bad) = compare(&expected, &ours, false, &known);
    for b in &bad {
        eprintln!("{b}");
    }
    assert!(compared >= 70, "compared {compared}");
    assert!(bad.is_empty(), "{} mismatching messages", bad.len());
}

/// The exact JSON Lines format (FORMATS.md "Decoded messages out"), pinned
/// so that changes to it are deliberate.
#[test]
fn json_snapshot() {
    let mut dec = jinghai_ais::Decoder::new();
    let mut out = Vec::new();
    for l in [
        "\\s:2573238,c:1733782034*0A\\!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F",
        "!AIVDM,2,1,9,B,55R3Vn82=ILTQ3KKS>1<D60Dq@E918U<F222221J1`?164vc03S1CCAD,0*2A",
        "!AIVDM,2,2,9,B,`88888888888880,2*76",
        "1593475200,!AIVDM,1,1,,A,B5MwrC0006c>mQ5l6qJs9s040000,0*54",
    ] {
        if let Ok(Some(d)) = dec.decode_line(l.as_bytes()) {
            out.push(jinghai_ais::to_json(&d));
        }
    }
    assert_eq!(
        out,
        [
            r#"{"type":1,"mmsi":259076000,"received_at":"2024-12-09T22:07:14Z","source":"2573238","repeat":0,"nav_status":0,"rot":0,"rot_raw":0,"sog":0,"accuracy":false,"lon":5.469305,"lat":60.0766867,"cog":206.2,"heading":96,"second":14,"maneuver":0,"raim":false,"radio":33299}"#,
            r#"{"type":5,"mmsi":371255000,"received_at":null,"source":null,"repeat":0,"ais_version":2,"imo":9266633,"callsign":"HP6683","shipname":"SEA ENTERPRISE","shiptype":90,"to_bow":13,"to_stern":15,"to_port":1,"to_starboard":6,"epfd":1,"eta_month":3,"eta_day":29,"eta_hour":11,"eta_minute":0,"draught":1.4,"destination":"LEMMER","dte":false}"#,
            r#"{"type":18,"mmsi":367000140,"received_at":"2020-06-30T00:00:00Z","source":null,"repeat":0,"reserved":0,"sog":0,"accuracy":false,"lon":-74.07157,"lat":40.64409,"cog":299.4,"heading":246,"second":0,"regional":0,"cs":true,"display":false,"dsc":false,"band":false,"msg22":false,"assigned":false,"raim":false,"radio":0}"#,
        ]
    );
}
