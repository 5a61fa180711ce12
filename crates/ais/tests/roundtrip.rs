//! Property tests: encode → decode is the identity for every type the
//! encoder supports, through armouring, multi-sentence splitting, tag blocks
//! and reassembly.

use jinghai_ais::encode::{to_sentences, SentenceOptions};
use jinghai_ais::messages::*;
use jinghai_ais::{Decoder, Message};
use proptest::prelude::*;

fn lat() -> impl Strategy<Value = Option<f64>> {
    proptest::option::of((-54_000_000i64..=54_000_000).prop_map(|k| k as f64 / 600_000.0))
}
fn lon() -> impl Strategy<Value = Option<f64>> {
    proptest::option::of((-108_000_000i64..=108_000_000).prop_map(|k| k as f64 / 600_000.0))
}
fn sog() -> impl Strategy<Value = Option<f32>> {
    proptest::option::of((0u32..=1022).prop_map(|k| k as f32 / 10.0))
}
fn cog() -> impl Strategy<Value = Option<f32>> {
    proptest::option::of((0u32..3600).prop_map(|k| k as f32 / 10.0))
}
fn text<const N: usize>() -> impl Strategy<Value = AisText<N>> {
    // Any 6-bit character; text ends at the first '@' (padding) and trailing
    // spaces are trimmed, so generate what a decoder can return.
    proptest::collection::vec(0u8..64, 0..=N).prop_map(|v| {
        let s: String = v
            .into_iter()
            .map(|c| if c < 32 { (c + 64) as char } else { c as char })
            .collect();
        let s = s.split('@').next().unwrap_or_default();
        s.trim_end_matches(' ').into()
    })
}
fn opt_nz(max: u32) -> impl Strategy<Value = Option<u32>> {
    proptest::option::of(1..=max)
}

prop_compose! {
    fn position()(
        msg_type in 1u8..=3, repeat in 0u8..4, mmsi in 0u32..(1 << 30),
        nav_status in proptest::option::of(0u8..15), rot_raw in proptest::option::of(-127i8..=127),
        sog in sog(), accuracy: bool, lon in lon(), lat in lat(), cog in cog(),
        heading in proptest::option::of(0u16..360), second in proptest::option::of(0u8..60),
        maneuver in 0u8..4, raim: bool, radio in 0u32..(1 << 19),
    ) -> Message {
        Message::Position(PositionReport {
            msg_type, repeat, mmsi, nav_status, rot_raw, sog, accuracy, lon, lat, cog, heading,
            second, maneuver, raim, radio,
        })
    }
}

prop_compose! {
    fn class_b()(
        repeat in 0u8..4, mmsi in 0u32..(1 << 30), reserved: u8, sog in sog(), accuracy: bool,
        lon in lon(), lat in lat(), cog in cog(), heading in proptest::option::of(0u16..360),
        second in proptest::option::of(0u8..60), regional in 0u8..4,
        flags in proptest::array::uniform7(any::<bool>()), radio in 0u32..(1 << 20),
    ) -> Message {
        let [cs, display, dsc, band, msg22, assigned, raim] = flags;
        Message::ClassBPosition(ClassBPosition {
            repeat, mmsi, reserved, sog, accuracy, lon, lat, cog, heading, second, regional, cs,
            display, dsc, band, msg22, assigned, raim, radio,
        })
    }
}

prop_compose! {
    fn eta()(
        month in proptest::option::of(1u8..=12), day in proptest::option::of(1u8..=31),
        hour in proptest::option::of(0u8..24), minute in proptest::option::of(0u8..60),
    ) -> Eta {
        Eta { month, day, hour, minute }
    }
}

prop_compose! {
    fn static_voyage()(
        repeat in 0u8..4, mmsi in 0u32..(1 << 30), ais_version in 0u8..4,
        imo in opt_nz((1 << 30) - 1), callsign in text::<7>(), shipname in text::<20>(),
        shiptype in proptest::option::of(1u8..=255), to_bow in 0u16..512, to_stern in 0u16..512,
        to_port in 0u8..64, to_starboard in 0u8..64, epfd in proptest::option::of(1u8..16),
        eta in eta(), draught in proptest::option::of((1u8..=255).prop_map(|d| d as f32 / 10.0)),
        destination in text::<20>(), dte: bool,
    ) -> Message {
        Message::StaticAndVoyage(Box::new(StaticAndVoyage {
            repeat, mmsi, ais_version, imo, callsign, shipname, shiptype, to_bow, to_stern,
            to_port, to_starboard, epfd, eta, draught, destination, dte,
        }))
    }
}

prop_compose! {
    fn class_b_ext()(
        repeat in 0u8..4, mmsi in 0u32..(1 << 30), reserved: u8, sog in sog(), accuracy: bool,
        lon in lon(), lat in lat(), cog in cog(), heading in proptest::option::of(0u16..360),
        second in proptest::option::of(0u8..60), regional in 0u8..16, shipname in text::<20>(),
        shiptype in proptest::option::of(1u8..=255), to_bow in 0u16..512, to_stern in 0u16..512,
        to_port in 0u8..64, to_starboard in 0u8..64, epfd in proptest::option::of(1u8..16),
        raim: bool, dte: bool, assigned: bool,
    ) -> Message {
        Message::ClassBExtended(Box::new(ClassBExtended {
            repeat, mmsi, reserved, sog, accuracy, lon, lat, cog, heading, second, regional,
            shipname, shiptype, to_bow, to_stern, to_port, to_starboard, epfd, raim, dte, assigned,
        }))
    }
}

prop_compose! {
    fn static_report()(
        repeat in 0u8..4, mmsi in 0u32..(1 << 30), a: bool, shipname in text::<20>(),
        shiptype in proptest::option::of(1u8..=255), vendor_id in text::<3>(), model in 0u8..16,
        serial in 0u32..(1 << 20), callsign in text::<7>(), to_bow in 0u16..512, to_stern in 0u16..512,
        to_port in 0u8..64, to_starboard in 0u8..64, mother in 0u32..(1 << 30),
    ) -> Message {
        let aux = (980_000_000..990_000_000).contains(&mmsi);
        let part = if a {
            StaticPart::A { shipname }
        } else if aux {
            StaticPart::B {
                shiptype, vendor_id, model, serial, callsign, to_bow: 0, to_stern: 0, to_port: 0,
                to_starboard: 0, mothership_mmsi: Some(mother),
            }
        } else {
            StaticPart::B {
                shiptype, vendor_id, model, serial, callsign, to_bow, to_stern, to_port,
                to_starboard, mothership_mmsi: None,
            }
        };
        Message::StaticDataReport(Box::new(StaticDataReport { repeat, mmsi, part }))
    }
}

fn any_message() -> impl Strategy<Value = Message> {
    prop_oneof![
        position(),
        class_b(),
        static_voyage(),
        class_b_ext(),
        static_report()
    ]
}

prop_compose! {
    fn options()(
        max_chars in prop_oneof![Just(60usize), 1usize..60],
        channel in proptest::option::of(prop_oneof![Just('A'), Just('B')]),
        seq_id in 0u8..10, own_ship: bool,
        time in proptest::option::of(0i64..4_000_000_000),
        source in proptest::option::of("[a-z0-9]{1,12}"),
    ) -> SentenceOptions {
        SentenceOptions {
            talker: *b"AB", own_ship, channel, seq_id, max_chars,
            time_ms: time.map(|t| t * 1000), source: if time.is_some() { source } else { None },
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn encode_decode_identity(msg in any_message(), opts in options()) {
        let Ok(lines) = to_sentences(&msg, &opts) else {
            // More than 9 sentences at a tiny max_chars: the encoder refuses.
            return Ok(());
        };
        let mut dec = Decoder::new();
        let mut got = None;
        for (i, l) in lines.iter().enumerate() {
            let r = dec.decode_line(l.as_bytes()).expect("decodes");
            if i + 1 < lines.len() {
                prop_assert!(r.is_none());
            } else {
                got = r;
            }
        }
        let d = got.expect("a message after the last fragment");
        prop_assert_eq!(&d.message, &msg);
        prop_assert_eq!(d.received_at, opts.time_ms);
        prop_assert_eq!(d.source.map(|s| s.as_str().to_string()), opts.source.clone());
        prop_assert_eq!(d.own_ship, opts.own_ship);
        prop_assert_eq!(dec.pending(), 0);
    }

    /// Two multi-sentence messages interleaved on different channels and
    /// sequence ids come out whole.
    #[test]
    fn interleaved_reassembly(a in static_voyage(), b in static_voyage()) {
        let oa = SentenceOptions { channel: Some('A'), seq_id: 1, max_chars: 20, ..Default::default() };
        let ob = SentenceOptions { channel: Some('B'), seq_id: 2, max_chars: 25, ..Default::default() };
        let la = to_sentences(&a, &oa).unwrap();
        let lb = to_sentences(&b, &ob).unwrap();
        let mut dec = Decoder::new();
        let mut out = Vec::new();
        let n = la.len().max(lb.len());
        for i in 0..n {
            for l in [la.get(i), lb.get(i)].into_iter().flatten() {
                if let Some(d) = dec.decode_line(l.as_bytes()).unwrap() {
                    out.push(d.message);
                }
            }
        }
        prop_assert_eq!(out.len(), 2);
        prop_assert!(out.contains(&a) && out.contains(&b));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Every receive-time convention of FORMATS.md yields the same instant.
    #[test]
    fn time_conventions(ms in 100_000_000_000i64..4_000_000_000_000, form in 0usize..6) {
        let s = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";
        let secs = ms / 1000;
        let tag = |body: String| {
            let x = body.bytes().fold(0u8, |a, b| a ^ b);
            format!("\\{body}*{x:02X}\\")
        };
        let (line, want) = match form {
            0 => (format!("{}{s}", tag(format!("c:{secs}"))), secs * 1000),
            1 => (format!("{}{s}", tag(format!("s:rx1,c:{ms}"))), ms),
            2 => (format!("{secs},{s}"), secs * 1000),
            3 => (format!("{},{s}", jinghai_ais::format_rfc3339(ms)), ms),
            4 => (format!("{s},{ms}"), ms),
            _ => (format!("{}{s},{}", tag(format!("c:{secs}")), ms + 5000), secs * 1000),
        };
        let d = Decoder::new().decode_line(line.as_bytes()).unwrap().unwrap();
        prop_assert_eq!(d.received_at, Some(want), "{}", line);
    }
}
