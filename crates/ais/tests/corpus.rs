//! Real and sample corpora: every file decodes without panicking, with the
//! message and error counts checked, and decoded values cross-checked against
//! the MarineCadastre CSV the New York hour was encoded from.

mod common;

use jinghai_ais::{ErrorKind, Message, Stats};

fn errors(s: &Stats) -> Vec<(&'static str, u64)> {
    ErrorKind::ALL
        .iter()
        .filter(|k| s.error(**k) > 0)
        .map(|k| (k.name(), s.error(*k)))
        .collect()
}

#[test]
fn nyharbor_hour() {
    let (msgs, s) = common::decode_file("tracks/nyharbor_2020-06-30_1h_reencoded.nmea");
    assert_eq!(s.lines, 8689);
    assert_eq!(s.messages, 8689);
    assert_eq!((s.by_type[1], s.by_type[18]), (2058, 6631));
    assert_eq!(errors(&s), vec![]);
    assert!(msgs.iter().all(|d| d.received_at.is_some()));
    assert!(msgs
        .iter()
        .all(|d| d.source.unwrap().as_str() == "reencoded"));
}

#[test]
fn nyharbor_week_gz() {
    let (msgs, s) = common::decode_file("tracks/nyharbor_2020-12-01_week_reencoded.nmea.gz");
    assert_eq!(s.messages, 172_679);
    assert_eq!(s.by_type[1], 172_679);
    assert_eq!(errors(&s), vec![]);
    let mmsis: std::collections::HashSet<u32> = msgs.iter().map(|d| d.message.mmsi()).collect();
    assert_eq!(mmsis.len(), 140);
    // 1–7 Dec 2020 UTC.
    assert!(msgs
        .iter()
        .all(|d| (1_606_780_800_000..1_607_385_600_000).contains(&d.received_at.unwrap())));
}

#[test]
fn dma_stream() {
    let (msgs, s) = common::decode_file("nmea/dma_stream_example.txt");
    assert_eq!(s.lines, 8551);
    // 3,602 single-sentence + 449 two-sentence messages (the data README's
    // 4,033 counts 18 fewer; every sentence here decodes, see CONFORMANCE.md).
    assert_eq!(s.messages, 4051);
    assert_eq!(errors(&s), vec![("unsupported", 4051)]); // the $PGHP lines
    let mmsis: std::collections::HashSet<u32> = msgs.iter().map(|d| d.message.mmsi()).collect();
    assert!(mmsis.len() >= 1933, "{}", mmsis.len());
    assert_eq!(msgs.iter().filter(|d| d.own_ship).count(), 143);
}

#[test]
fn kystverket() {
    let (msgs, s) = common::decode_file("nmea/kystverket_norwegian.raw");
    assert_eq!(s.messages, 196);
    assert_eq!(s.by_type[5], 27);
    assert_eq!(errors(&s), vec![]);
    assert!(msgs.iter().filter(|d| d.received_at.is_some()).count() > 150);
}

#[test]
fn gfw_samples() {
    let (m, s) = common::decode_file("conformance/gfw_ee-multiline.nmea");
    assert_eq!((s.messages, s.by_type[5]), (8, 2));
    // The second fragment has only a g: tag; the message takes the first's time.
    let t5: Vec<_> = m.iter().filter(|d| d.message.msg_type() == 5).collect();
    assert_eq!(t5[0].received_at, Some(1_661_782_369_000));
    let (_, s) = common::decode_file("conformance/gfw_errors.nmea");
    assert_eq!(s.messages, 3);
    assert_eq!(errors(&s), vec![("bad_checksum", 2)]);
    let (_, s) = common::decode_file("conformance/gfw_multi-part.nmea");
    assert_eq!(s.messages, 43);
    assert_eq!(errors(&s), vec![]);
    let (_, s) = common::decode_file("conformance/gfw_mixed_types.nmea");
    assert_eq!(s.messages, 99);
    assert_eq!(s.by_type.iter().filter(|n| **n > 0).count(), 20);
}

#[test]
fn pyais_samples() {
    let (_, s) = common::decode_file("conformance/pyais_nmea_data_sample.txt");
    assert_eq!(s.messages, 778);
    // 100 sentences with an empty payload; 20 first fragments whose second
    // fragment is not in the file.
    assert_eq!(s.error(ErrorKind::TruncatedPayload), 100);
    let (_, s) = common::decode_file("conformance/pyais_mixed.txt");
    assert_eq!(s.messages, 12);
    let (_, s) = common::decode_file("conformance/pyais_gatehouse.nmea");
    assert_eq!(s.messages, 4);
    assert_eq!(s.error(ErrorKind::Unsupported), 5);
    let (_, s) = common::decode_file("conformance/pyais_timestamped.ais");
    assert_eq!(s.messages, 4);
}

#[test]
fn other_conformance_files_decode() {
    for (f, n) in [
        ("conformance/gpsd_ais-18-27.log", 207),
        ("conformance/gpsd_ais-nmea-type6-fid55.log", 1326),
        ("conformance/gpsd_ais-raw-messages.log", 109),
        ("conformance/libais_test.aivdm", 229),
        ("conformance/libais_tagblock.nmea", 4),
    ] {
        let (_, s) = common::decode_file(f);
        assert_eq!(s.messages, n, "{f}");
    }
    let (m, _) = common::decode_file("conformance/libais_tagblock.nmea");
    assert_eq!(m[0].source.unwrap().as_str(), "rORBCOMM104");
}

/// Parse the MarineCadastre CSV of the same hour and compare row by row.
#[test]
fn nyharbor_hour_matches_csv() {
    let (msgs, _) = common::decode_file("tracks/nyharbor_2020-06-30_1h_reencoded.nmea");
    let csv = String::from_utf8(common::read("tracks/NYHarbor_2020_06_30_first_hour.csv").unwrap())
        .unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), msgs.len());
    let opt = |s: &str| s.parse::<f64>().ok();
    let mut checked = 0;
    for (row, d) in rows.iter().zip(&msgs) {
        let mmsi: u32 = row[3].parse().unwrap();
        assert_eq!(d.message.mmsi(), mmsi);
        let t = jinghai_ais::format_rfc3339(d.received_at.unwrap());
        assert_eq!(&t[..19], row[0]);
        let fix = d.message.fix().expect("position");
        let (lon, lat) = (opt(row[1]).unwrap(), opt(row[2]).unwrap());
        assert!(
            (fix.lon - lon).abs() < 2e-6 && (fix.lat - lat).abs() < 2e-6,
            "{row:?} {fix:?}"
        );
        // SOG to 0.1 kn; COG is signed in the CSV; heading 511 = not available.
        if let Some(sog) = opt(row[4]) {
            assert!(
                (fix.sog.unwrap() as f64 - sog).abs() < 0.051,
                "{row:?} {fix:?}"
            );
        }
        if let Some(cog) = opt(row[5]) {
            let cog = (cog + 360.0) % 360.0;
            if let (true, Some(ours)) = (cog < 360.0, fix.cog.map(f64::from)) {
                let diff = (ours - cog).abs();
                assert!(
                    diff < 0.051 || (diff - 360.0).abs() < 0.051,
                    "{row:?} {fix:?}"
                );
            }
        }
        match opt(row[6]) {
            Some(h) if h < 360.0 => assert_eq!(fix.heading, Some(h as u16), "{row:?}"),
            _ => assert_eq!(fix.heading, None, "{row:?}"),
        }
        if let Message::Position(p) = &d.message {
            assert_eq!(row[16], "A");
            if let Some(st) = opt(row[11]) {
                let want = if st as u8 == 15 { None } else { Some(st as u8) };
                assert_eq!(p.nav_status, want, "{row:?}");
            }
        } else {
            assert_eq!(row[16], "B");
        }
        checked += 1;
    }
    assert_eq!(checked, 8689);
}

#[test]
fn static_info_view() {
    let (msgs, _) = common::decode_file("nmea/kystverket_norwegian.raw");
    let infos: Vec<_> = msgs
        .iter()
        .filter_map(|d| d.message.static_info())
        .collect();
    // 27 type 5 and 20 type 24 messages.
    assert_eq!(infos.len(), 47);
    assert!(infos.iter().all(|i| i.mmsi != 0));
    assert!(infos.iter().filter(|i| i.name.is_some()).count() >= 27);
    assert!(msgs
        .iter()
        .all(|d| d.message.static_info().is_none() || matches!(d.message.msg_type(), 5 | 19 | 24)));
}
