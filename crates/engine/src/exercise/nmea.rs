//! A minimal AIS encoder (types 1, 5, 18, 24 part A) for writing exercises.
//!
//! The engine has no decoder and must not depend on one; exercises only need to
//! write well-formed `!AIVDM` sentences with NMEA 4.10 tag-block receive times.

/// Bit buffer, most significant bit first.
struct Bits {
    bits: Vec<u8>,
}

impl Bits {
    fn new() -> Self {
        Self {
            bits: Vec::with_capacity(424),
        }
    }
    fn put(&mut self, value: u64, width: u32) {
        for i in (0..width).rev() {
            self.bits.push(((value >> i) & 1) as u8);
        }
    }
    fn put_signed(&mut self, value: i64, width: u32) {
        self.put((value as u64) & ((1u64 << width) - 1), width);
    }
    fn put_text(&mut self, text: &str, chars: usize) {
        let mut n = 0;
        for c in text.chars().take(chars) {
            let c = c.to_ascii_uppercase();
            let code = match c {
                '@'..='_' => c as u64 - 64,
                ' '..='?' => c as u64,
                _ => 32, // not representable in 6-bit ASCII: a space
            };
            self.put(code, 6);
            n += 1;
        }
        for _ in n..chars {
            self.put(0, 6); // '@' padding
        }
    }
    /// Armoured payload and fill-bit count.
    fn armour(&self) -> (String, u8) {
        let fill = (6 - self.bits.len() % 6) % 6;
        let mut s = String::with_capacity(self.bits.len() / 6 + 1);
        let mut padded = self.bits.clone();
        padded.extend(std::iter::repeat_n(0, fill));
        for chunk in padded.chunks(6) {
            let v = chunk.iter().fold(0u8, |a, b| (a << 1) | b);
            s.push(if v < 40 {
                (v + 48) as char
            } else {
                (v + 56) as char
            });
        }
        (s, fill as u8)
    }
}

fn checksum(body: &str) -> u8 {
    body.bytes().fold(0, |a, b| a ^ b)
}

/// Kinematics of one position report. `None` is "not available".
#[derive(Debug, Clone, Copy)]
pub struct Kinematics {
    pub lat: f64,
    pub lon: f64,
    pub sog_kn: Option<f64>,
    pub cog_deg: Option<f64>,
    pub heading_deg: Option<u16>,
    pub nav_status: u8,
}

fn put_common_kinematics(b: &mut Bits, k: &Kinematics) {
    let sog = k
        .sog_kn
        .map_or(1023, |s| ((s * 10.0).round() as u64).min(1022));
    b.put(sog, 10);
    b.put(0, 1); // accuracy
    b.put_signed((k.lon * 600_000.0).round() as i64, 28);
    b.put_signed((k.lat * 600_000.0).round() as i64, 27);
    let cog = k.cog_deg.map_or(3600, |c| {
        ((c.rem_euclid(360.0) * 10.0).round() as u64).min(3599)
    });
    b.put(cog, 12);
    b.put(u64::from(k.heading_deg.map_or(511, |h| h % 360)), 9);
}

/// Type 1 (Class A) payload.
fn class_a_position(mmsi: u32, k: &Kinematics, second: u8) -> Bits {
    let mut b = Bits::new();
    b.put(1, 6);
    b.put(0, 2);
    b.put(u64::from(mmsi), 30);
    b.put(u64::from(k.nav_status.min(15)), 4);
    b.put(0x80, 8); // rate of turn not available
    put_common_kinematics(&mut b, k);
    b.put(u64::from(second.min(63)), 6);
    b.put(0, 2 + 3 + 1 + 19);
    b
}

/// Type 18 (Class B) payload.
fn class_b_position(mmsi: u32, k: &Kinematics, second: u8) -> Bits {
    let mut b = Bits::new();
    b.put(18, 6);
    b.put(0, 2);
    b.put(u64::from(mmsi), 30);
    b.put(0, 8);
    put_common_kinematics(&mut b, k);
    b.put(u64::from(second.min(63)), 6);
    b.put(0, 2);
    b.put(1, 1); // CS unit
    b.put(0, 1 + 1 + 1 + 1 + 1 + 1 + 20);
    b
}

/// Type 5 (Class A static and voyage) payload.
fn class_a_static(mmsi: u32, name: &str, ship_type: u8) -> Bits {
    let mut b = Bits::new();
    b.put(5, 6);
    b.put(0, 2);
    b.put(u64::from(mmsi), 30);
    b.put(0, 2); // AIS version
    b.put(0, 30); // IMO
    b.put_text("", 7); // call sign
    b.put_text(name, 20);
    b.put(u64::from(ship_type), 8);
    b.put(20, 9);
    b.put(10, 9);
    b.put(3, 6);
    b.put(3, 6);
    b.put(1, 4); // EPFD GPS
    b.put(0, 4 + 5);
    b.put(24, 5);
    b.put(60, 6); // ETA n/a
    b.put(0, 8);
    b.put_text("", 20);
    b.put(0, 2);
    b
}

/// Type 24 part A (Class B name) payload.
fn class_b_name(mmsi: u32, name: &str) -> Bits {
    let mut b = Bits::new();
    b.put(24, 6);
    b.put(0, 2);
    b.put(u64::from(mmsi), 30);
    b.put(0, 2);
    b.put_text(name, 20);
    b.put(0, 8);
    b
}

/// Writes the sentences of one payload, each behind a `c:` tag block.
fn write_sentences(out: &mut String, bits: &Bits, time_s: i64, channel: char, seq: u8) {
    use std::fmt::Write;
    let (payload, fill) = bits.armour();
    let tag = format!("c:{time_s}");
    let tag_sum = checksum(&tag);
    let parts: Vec<&str> = payload
        .as_bytes()
        .chunks(60)
        .map(|c| std::str::from_utf8(c).expect("armoured payload is ASCII"))
        .collect();
    let total = parts.len();
    for (i, part) in parts.iter().enumerate() {
        let seq_field = if total > 1 {
            (b'0' + seq % 10) as char
        } else {
            ' '
        };
        let seq_text = if total > 1 {
            seq_field.to_string()
        } else {
            String::new()
        };
        let f = if i + 1 == total { fill } else { 0 };
        let body = format!("AIVDM,{total},{},{seq_text},{channel},{part},{f}", i + 1);
        let sum = checksum(&body);
        let _ = writeln!(out, "\\{tag}*{tag_sum:02X}\\!{body}*{sum:02X}");
    }
}

/// What an exercise vessel transmits.
#[derive(Debug, Clone)]
pub enum Transmission {
    Position {
        class_b: bool,
        kinematics: Kinematics,
    },
    Static {
        class_b: bool,
        name: String,
        ship_type: u8,
    },
}

/// Appends the NMEA lines of one transmission received at `time_s`.
pub fn encode(out: &mut String, mmsi: u32, time_s: i64, tx: &Transmission, seq: u8) {
    let channel = if seq & 1 == 0 { 'A' } else { 'B' };
    let second = time_s.rem_euclid(60) as u8;
    match tx {
        Transmission::Position {
            class_b: false,
            kinematics,
        } => write_sentences(
            out,
            &class_a_position(mmsi, kinematics, second),
            time_s,
            channel,
            seq,
        ),
        Transmission::Position {
            class_b: true,
            kinematics,
        } => write_sentences(
            out,
            &class_b_position(mmsi, kinematics, second),
            time_s,
            channel,
            seq,
        ),
        Transmission::Static {
            class_b: false,
            name,
            ship_type,
        } => write_sentences(
            out,
            &class_a_static(mmsi, name, *ship_type),
            time_s,
            channel,
            seq,
        ),
        Transmission::Static {
            class_b: true,
            name,
            ..
        } => write_sentences(out, &class_b_name(mmsi, name), time_s, channel, seq),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_well_formed() {
        let mut out = String::new();
        let k = Kinematics {
            lat: 29.9,
            lon: 122.0,
            sog_kn: Some(0.0),
            cog_deg: Some(232.2),
            heading_deg: Some(232),
            nav_status: 0,
        };
        encode(
            &mut out,
            563_438_963,
            1_613_478_772,
            &Transmission::Position {
                class_b: false,
                kinematics: k,
            },
            0,
        );
        encode(
            &mut out,
            563_438_963,
            1_613_478_773,
            &Transmission::Static {
                class_b: false,
                name: "HAI YUN 032".into(),
                ship_type: 70,
            },
            1,
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(
            lines[0].starts_with("\\c:1613478772*55\\!AIVDM,1,1,,A,1"),
            "{}",
            lines[0]
        );
        assert!(lines[1].contains("!AIVDM,2,1,1,B,5"), "{}", lines[1]);
        for line in lines {
            let sentence = &line[line.find('!').expect("sentence") + 1..];
            let (body, sum) = sentence.split_once('*').expect("checksum");
            assert_eq!(format!("{:02X}", checksum(body)), sum);
        }
    }
}
