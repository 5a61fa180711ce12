//! Every raw value of the position reports' coded fields, set into a real
//! payload bit by bit: "not available" codes decode to `None` without an
//! error, values outside the defined range decode to `None` and are counted
//! as `out_of_range`, the rest decode to their value, through both entry
//! points (`decode_line`, `decode_line_ref`). The decoder reads these
//! fields without branches (whether a ship sends its heading changes from
//! one report to the next), so the expectations here are written the plain
//! way, from ITU-R M.1371.

use jinghai_ais::encode::payload;
use jinghai_ais::messages::*;
use jinghai_ais::{Decoder, ErrorKind, Message};

fn unarmour(c: u8) -> u8 {
    let v = c - 48;
    if v > 40 {
        v - 8
    } else {
        v
    }
}

fn armour(v: u8) -> char {
    (if v < 40 { v + 48 } else { v + 56 }) as char
}

/// `payload` with bits `at..at + width` set to `value`.
fn with_field(payload: &str, at: usize, width: usize, value: u64) -> String {
    let mut bits: Vec<u8> = payload
        .bytes()
        .flat_map(|c| {
            let v = unarmour(c);
            (0..6).rev().map(move |k| v >> k & 1)
        })
        .collect();
    for k in 0..width {
        bits[at + k] = (value >> (width - 1 - k) & 1) as u8;
    }
    bits.chunks(6)
        .map(|c| armour(c.iter().fold(0, |a, &b| a << 1 | b)))
        .collect()
}

fn sentence(payload: &str, fill: u8) -> String {
    let body = format!("AIVDM,1,1,,A,{payload},{fill}");
    let x = body.bytes().fold(0u8, |a, b| a ^ b);
    format!("!{body}*{x:02X}")
}

fn class_a() -> Message {
    Message::Position(PositionReport {
        msg_type: 1,
        repeat: 0,
        mmsi: 412_440_001,
        nav_status: Some(0),
        rot_raw: Some(0),
        sog: Some(10.0),
        accuracy: false,
        lon: Some(121.95),
        lat: Some(29.87),
        cog: Some(90.0),
        heading: Some(90),
        second: Some(30),
        maneuver: 0,
        raim: false,
        radio: 0,
    })
}

fn class_b() -> Message {
    Message::ClassBPosition(ClassBPosition {
        repeat: 0,
        mmsi: 412_440_002,
        reserved: 0,
        sog: Some(5.0),
        accuracy: false,
        lon: Some(121.95),
        lat: Some(29.87),
        cog: Some(180.0),
        heading: Some(180),
        second: Some(15),
        regional: 0,
        cs: true,
        display: false,
        dsc: false,
        band: false,
        msg22: false,
        assigned: false,
        raim: false,
        radio: 0,
    })
}

/// What a field of the decoded message reads, as a comparable value.
type Read = fn(&Message) -> Option<f64>;

fn heading(m: &Message) -> Option<f64> {
    match m {
        Message::Position(p) => p.heading.map(f64::from),
        Message::ClassBPosition(p) => p.heading.map(f64::from),
        _ => panic!("{m:?}"),
    }
}

/// Decodes `line` through both entry points; the field `read` gives, and
/// the `out_of_range` count (the same through both, or the test fails).
fn decode(line: &str, read: Read) -> (Option<f64>, u64) {
    let mut moved = Decoder::new();
    let a = moved
        .decode_line(line.as_bytes())
        .unwrap_or_else(|e| panic!("{line}: {e}"))
        .unwrap_or_else(|| panic!("{line}: no message"));
    let mut lent = Decoder::new();
    let b = lent
        .decode_line_ref(line.as_bytes())
        .unwrap_or_else(|e| panic!("{line}: {e}"))
        .unwrap_or_else(|| panic!("{line}: no message"));
    assert_eq!(a.message, b.message, "{line}");
    let oor = moved.stats().error(ErrorKind::OutOfRange);
    assert_eq!(oor, lent.stats().error(ErrorKind::OutOfRange), "{line}");
    (read(&a.message), oor)
}

/// Every value of a `width`-bit field at `at` of `msg`, against `want`
/// (the field's value, or whether it is out of range).
fn every_value(msg: Message, at: usize, width: usize, read: Read, want: fn(u64) -> Expect) {
    let (p, fill) = payload(&msg).unwrap();
    for v in 0..1u64 << width {
        let line = sentence(&with_field(&p, at, width, v), fill);
        let got = decode(&line, read);
        let expected = match want(v) {
            Expect::Value(x) => (Some(x), 0),
            Expect::NotAvailable => (None, 0),
            Expect::OutOfRange => (None, 1),
        };
        assert_eq!(got, expected, "raw {v}: {line}");
    }
}

enum Expect {
    Value(f64),
    NotAvailable,
    OutOfRange,
}

fn heading_rule(v: u64) -> Expect {
    match v {
        0..=359 => Expect::Value(v as f64),
        511 => Expect::NotAvailable,
        _ => Expect::OutOfRange,
    }
}

#[test]
fn heading_of_every_raw_value() {
    every_value(class_a(), 128, 9, heading, heading_rule);
    every_value(class_b(), 124, 9, heading, heading_rule);
}
