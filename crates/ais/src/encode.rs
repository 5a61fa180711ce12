//! Encoding messages to armoured NMEA sentences: types 1/2/3, 5, 18, 19 and
//! 24 — what a vessel transmits about itself, which is what exercise
//! generators and tests need. The inverse of decoding: `None` becomes the
//! standard's "not available" code, values are rounded to the field's
//! resolution, text is upper-cased and padded with `@`.

use thiserror::Error;

use crate::bits::armour;
use crate::messages::{
    ClassBExtended, ClassBPosition, Message, PositionReport, StaticAndVoyage, StaticDataReport,
    StaticPart,
};

/// Why a message could not be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum EncodeError {
    /// Only types 1/2/3, 5, 18, 19 and 24 are encoded.
    #[error("message type {0} is not supported by the encoder")]
    Unsupported(u8),
    /// The payload needs more than 9 sentences.
    #[error("payload too long for 9 sentences")]
    TooLong,
}

/// How to wrap a payload into sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentenceOptions {
    /// Talker id, `AI` by default.
    pub talker: [u8; 2],
    /// `VDO` (own ship) instead of `VDM`.
    pub own_ship: bool,
    /// Radio channel, `A` by default.
    pub channel: Option<char>,
    /// Sequential message id used for multi-sentence messages (0..=9).
    pub seq_id: u8,
    /// Payload characters per sentence (ITU-R M.1371 / IEC 61162 keep a
    /// sentence within 82 characters: 60 payload characters is customary).
    pub max_chars: usize,
    /// When set, a tag block `\c:<epoch s>[,s:<source>]*hh\` is prepended.
    pub time_ms: Option<i64>,
    /// Tag-block source, with `time_ms`.
    pub source: Option<String>,
}

impl Default for SentenceOptions {
    fn default() -> Self {
        SentenceOptions {
            talker: *b"AI",
            own_ship: false,
            channel: Some('A'),
            seq_id: 0,
            max_chars: 60,
            time_ms: None,
            source: None,
        }
    }
}

/// Big-endian bit accumulator.
#[derive(Default)]
struct W {
    bits: Vec<u8>,
}

impl W {
    fn u(&mut self, v: u64, width: usize) {
        for i in (0..width).rev() {
            self.bits.push(((v >> i) & 1) as u8);
        }
    }
    fn i(&mut self, v: i64, width: usize) {
        self.u(v as u64 & ((1u64 << width) - 1), width);
    }
    fn b(&mut self, v: bool) {
        self.u(v as u64, 1);
    }
    fn text(&mut self, s: &str, chars: usize) {
        let mut it = s.chars();
        for _ in 0..chars {
            let c = it.next().map(|c| c.to_ascii_uppercase()).unwrap_or('@');
            let v = match c {
                '@'..='_' => c as u8 - 64,
                ' '..='?' => c as u8,
                _ => b'?',
            };
            self.u(v as u64, 6);
        }
    }
    fn lon(&mut self, v: Option<f64>) {
        self.i(
            v.map_or(108_600_000, |x| (x * 600_000.0).round() as i64),
            28,
        );
    }
    fn lat(&mut self, v: Option<f64>) {
        self.i(v.map_or(54_600_000, |x| (x * 600_000.0).round() as i64), 27);
    }
    fn sog(&mut self, v: Option<f32>) {
        self.u(
            v.map_or(1023, |x| ((x * 10.0).round() as u64).min(1022)),
            10,
        );
    }
    fn cog(&mut self, v: Option<f32>) {
        self.u(v.map_or(3600, |x| ((x * 10.0).round() as u64) % 3600), 12);
    }
    fn heading(&mut self, v: Option<u16>) {
        self.u(v.map_or(511, |x| (x % 360) as u64), 9);
    }
    fn second(&mut self, v: Option<u8>) {
        self.u(v.map_or(60, |x| x.min(59) as u64), 6);
    }
    fn opt_u(&mut self, v: Option<impl Into<u64>>, na: u64, width: usize) {
        self.u(v.map_or(na, Into::into), width);
    }
    /// Armour, returning the characters and the fill bits.
    fn finish(mut self) -> (String, u8) {
        let fill = (6 - self.bits.len() % 6) % 6;
        self.bits.extend(std::iter::repeat_n(0, fill));
        let s = self
            .bits
            .chunks(6)
            .map(|c| armour(c.iter().fold(0, |a, &b| a << 1 | b)) as char)
            .collect();
        (s, fill as u8)
    }
}

fn position(w: &mut W, p: &PositionReport) {
    w.u(p.msg_type as u64, 6);
    w.u(p.repeat as u64, 2);
    w.u(p.mmsi as u64, 30);
    w.opt_u(p.nav_status, 15, 4);
    w.i(p.rot_raw.map_or(-128, i64::from), 8);
    w.sog(p.sog);
    w.b(p.accuracy);
    w.lon(p.lon);
    w.lat(p.lat);
    w.cog(p.cog);
    w.heading(p.heading);
    w.second(p.second);
    w.u(p.maneuver as u64, 2);
    w.u(0, 3);
    w.b(p.raim);
    w.u(p.radio as u64, 19);
}

fn static_voyage(w: &mut W, p: &StaticAndVoyage) {
    w.u(5, 6);
    w.u(p.repeat as u64, 2);
    w.u(p.mmsi as u64, 30);
    w.u(p.ais_version as u64, 2);
    w.opt_u(p.imo, 0, 30);
    w.text(&p.callsign, 7);
    w.text(&p.shipname, 20);
    w.opt_u(p.shiptype, 0, 8);
    w.u(p.to_bow as u64, 9);
    w.u(p.to_stern as u64, 9);
    w.u(p.to_port as u64, 6);
    w.u(p.to_starboard as u64, 6);
    w.opt_u(p.epfd, 0, 4);
    w.opt_u(p.eta.month, 0, 4);
    w.opt_u(p.eta.day, 0, 5);
    w.opt_u(p.eta.hour, 24, 5);
    w.opt_u(p.eta.minute, 60, 6);
    w.u(
        p.draught
            .map_or(0, |d| ((d * 10.0).round() as u64).min(255)),
        8,
    );
    w.text(&p.destination, 20);
    w.b(p.dte);
    w.u(0, 1);
}

fn class_b(w: &mut W, p: &ClassBPosition) {
    w.u(18, 6);
    w.u(p.repeat as u64, 2);
    w.u(p.mmsi as u64, 30);
    w.u(p.reserved as u64, 8);
    w.sog(p.sog);
    w.b(p.accuracy);
    w.lon(p.lon);
    w.lat(p.lat);
    w.cog(p.cog);
    w.heading(p.heading);
    w.second(p.second);
    w.u(p.regional as u64, 2);
    for f in [p.cs, p.display, p.dsc, p.band, p.msg22, p.assigned, p.raim] {
        w.b(f);
    }
    w.u(p.radio as u64, 20);
}

fn class_b_ext(w: &mut W, p: &ClassBExtended) {
    w.u(19, 6);
    w.u(p.repeat as u64, 2);
    w.u(p.mmsi as u64, 30);
    w.u(p.reserved as u64, 8);
    w.sog(p.sog);
    w.b(p.accuracy);
    w.lon(p.lon);
    w.lat(p.lat);
    w.cog(p.cog);
    w.heading(p.heading);
    w.second(p.second);
    w.u(p.regional as u64, 4);
    w.text(&p.shipname, 20);
    w.opt_u(p.shiptype, 0, 8);
    w.u(p.to_bow as u64, 9);
    w.u(p.to_stern as u64, 9);
    w.u(p.to_port as u64, 6);
    w.u(p.to_starboard as u64, 6);
    w.opt_u(p.epfd, 0, 4);
    w.b(p.raim);
    w.b(p.dte);
    w.b(p.assigned);
    w.u(0, 4);
}

fn static_report(w: &mut W, p: &StaticDataReport) {
    w.u(24, 6);
    w.u(p.repeat as u64, 2);
    w.u(p.mmsi as u64, 30);
    match &p.part {
        StaticPart::A { shipname } => {
            w.u(0, 2);
            w.text(shipname, 20);
            // Part A is 160 bits in ITU-R M.1371-5 (the older 168 had 8 spare).
        }
        StaticPart::B {
            shiptype,
            vendor_id,
            model,
            serial,
            callsign,
            to_bow,
            to_stern,
            to_port,
            to_starboard,
            mothership_mmsi,
        } => {
            w.u(1, 2);
            w.opt_u(*shiptype, 0, 8);
            w.text(vendor_id, 3);
            w.u(*model as u64, 4);
            w.u(*serial as u64, 20);
            w.text(callsign, 7);
            match mothership_mmsi {
                Some(m) => w.u(*m as u64, 30),
                None => {
                    w.u(*to_bow as u64, 9);
                    w.u(*to_stern as u64, 9);
                    w.u(*to_port as u64, 6);
                    w.u(*to_starboard as u64, 6);
                }
            }
            w.u(0, 6);
        }
    }
}

/// The armoured payload of a message and its fill bits.
pub fn payload(msg: &Message) -> Result<(String, u8), EncodeError> {
    let mut w = W::default();
    match msg {
        Message::Position(p) => position(&mut w, p),
        Message::StaticAndVoyage(p) => static_voyage(&mut w, p),
        Message::ClassBPosition(p) => class_b(&mut w, p),
        Message::ClassBExtended(p) => class_b_ext(&mut w, p),
        Message::StaticDataReport(p) => static_report(&mut w, p),
        m => return Err(EncodeError::Unsupported(m.msg_type())),
    }
    Ok(w.finish())
}

fn checksum(s: &str) -> u8 {
    s.bytes().fold(0, |a, b| a ^ b)
}

/// Encode a message to one or more complete sentences (without line endings),
/// split at `opts.max_chars` payload characters.
pub fn to_sentences(msg: &Message, opts: &SentenceOptions) -> Result<Vec<String>, EncodeError> {
    let (payload, fill) = payload(msg)?;
    let per = opts.max_chars.max(1);
    let chunks: Vec<&str> = payload
        .as_bytes()
        .chunks(per)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    let total = chunks.len();
    if total > 9 {
        return Err(EncodeError::TooLong);
    }
    let talker = String::from_utf8_lossy(&opts.talker);
    let kind = if opts.own_ship { "VDO" } else { "VDM" };
    let chan = opts.channel.map(String::from).unwrap_or_default();
    let seq = if total > 1 {
        (opts.seq_id % 10).to_string()
    } else {
        String::new()
    };
    let tag = opts.time_ms.map(|ms| {
        let mut body = format!("c:{}", ms.div_euclid(1000));
        if let Some(s) = &opts.source {
            body.push_str(",s:");
            body.push_str(s);
        }
        format!("\\{body}*{:02X}\\", checksum(&body))
    });
    Ok(chunks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let f = if i + 1 == total { fill } else { 0 };
            let body = format!("{talker}{kind},{total},{},{seq},{chan},{c},{f}", i + 1);
            let line = format!("!{body}*{:02X}", checksum(&body));
            match (&tag, i) {
                (Some(t), 0) => format!("{t}{line}"),
                _ => line,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Decoder;

    #[test]
    fn reencodes_a_real_sentence() {
        let line = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";
        let d = Decoder::new()
            .decode_line(line.as_bytes())
            .unwrap()
            .unwrap();
        let out = to_sentences(&d.message, &SentenceOptions::default()).unwrap();
        assert_eq!(out, vec![line.to_string()]);
    }
}
