//! Glue from NMEA lines to the engine: `jinghai-ais` decodes,
//! `jinghai_engine::from_ais` turns messages into observations, the engine
//! does the rest; and the exercise generator's transmissions encoded as NMEA.

use jinghai_ais::encode::{to_sentences, SentenceOptions};
use jinghai_ais::messages::{
    ClassBPosition, PositionReport as AisPosition, StaticAndVoyage, StaticDataReport, StaticPart,
};
use jinghai_ais::{Decoder, Message};
use jinghai_engine::exercise::Transmission;
pub use jinghai_engine::from_ais::observation;
use jinghai_engine::{Engine, EngineOutput, Observation};

/// Lines decoded before the engine runs over them in [`Pipeline::push_line`].
/// Decoder and engine together are more code than the instruction cache holds:
/// line by line, each evicted the other's code on every message (cachegrind on
/// 300,000 generated lines: 30 I1 misses per line, 4 batched), and the pipeline
/// ran well below what decoding and the engine reach each on its own. A batch
/// of observations is small (a few tens of kilobytes) and keeps each loop's
/// code hot.
pub const BATCH: usize = 256;

/// Decoder + engine.
pub struct Pipeline {
    pub decoder: Decoder,
    pub engine: Engine,
    /// Time for lines that carry none: the last receive time seen (a recording has
    /// no "ingest clock" of its own), or the wall clock before any.
    last_time_ms: Option<i64>,
    /// Observations decoded and not yet run through the engine, in line order.
    batch: Vec<Observation>,
}

impl Pipeline {
    pub fn new(engine: Engine) -> Self {
        Self {
            decoder: Decoder::new(),
            engine,
            last_time_ms: None,
            batch: Vec::with_capacity(BATCH),
        }
    }

    /// Feeds one line; bad lines are counted by the decoder and skipped. The
    /// engine runs once [`BATCH`] observations are waiting, and what they produce
    /// comes in `out` then, in the same order as line by line; [`Pipeline::flush`]
    /// runs the rest at once (after each line where latency matters more than
    /// throughput), [`Pipeline::finish`] at the end of input.
    pub fn push_line(&mut self, line: &[u8], out: &mut Vec<EngineOutput>) {
        self.decode(line);
        if self.batch.len() >= BATCH {
            self.flush(out);
        }
    }

    /// Runs the engine over the observations waiting.
    pub fn flush(&mut self, out: &mut Vec<EngineOutput>) {
        self.engine.process_batch(&self.batch, out);
        self.batch.clear();
    }

    /// End of input: runs the observations waiting, then settles and closes
    /// every open episode ([`Engine::finish`]).
    pub fn finish(&mut self, out: &mut Vec<EngineOutput>) {
        self.flush(out);
        self.engine.finish(out);
    }

    fn decode(&mut self, line: &[u8]) {
        let Ok(Some(decoded)) = self.decoder.decode_line_ref(line) else {
            return;
        };
        let time_ms = match decoded.received_at {
            Some(t) => {
                self.last_time_ms = Some(t);
                t
            }
            None => *self.last_time_ms.get_or_insert_with(wall_clock_ms),
        };
        self.batch.extend(observation(decoded, time_ms));
    }
}

fn wall_clock_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Writes one exercise transmission as NMEA through `jinghai-ais`'s encoder, with a
/// `c:` tag block (the generator's [`jinghai_engine::exercise::NmeaWriter`]).
pub fn encode_transmission(out: &mut String, mmsi: u32, time_s: i64, tx: &Transmission, seq: u8) {
    let second = Some(time_s.rem_euclid(60) as u8);
    let message = match tx {
        Transmission::Position {
            class_b: false,
            kinematics: k,
        } => Message::Position(AisPosition {
            msg_type: 1,
            repeat: 0,
            mmsi,
            nav_status: Some(k.nav_status),
            rot_raw: None,
            sog: k.sog_kn.map(|v| v as f32),
            accuracy: false,
            lon: Some(k.lon),
            lat: Some(k.lat),
            cog: k.cog_deg.map(|v| v as f32),
            heading: k.heading_deg,
            second,
            maneuver: 0,
            raim: false,
            radio: 0,
        }),
        Transmission::Position {
            class_b: true,
            kinematics: k,
        } => Message::ClassBPosition(ClassBPosition {
            repeat: 0,
            mmsi,
            reserved: 0,
            sog: k.sog_kn.map(|v| v as f32),
            accuracy: false,
            lon: Some(k.lon),
            lat: Some(k.lat),
            cog: k.cog_deg.map(|v| v as f32),
            heading: k.heading_deg,
            second,
            regional: 0,
            cs: true,
            display: false,
            dsc: false,
            band: false,
            msg22: false,
            assigned: false,
            raim: false,
            radio: 0,
        }),
        Transmission::Static {
            class_b: false,
            name,
            ship_type,
        } => Message::StaticAndVoyage(Box::new(StaticAndVoyage {
            repeat: 0,
            mmsi,
            ais_version: 0,
            imo: None,
            callsign: Default::default(),
            shipname: name.into(),
            shiptype: Some(*ship_type),
            to_bow: 20,
            to_stern: 10,
            to_port: 3,
            to_starboard: 3,
            epfd: Some(1),
            eta: Default::default(),
            draught: None,
            destination: Default::default(),
            dte: false,
        })),
        Transmission::Static {
            class_b: true,
            name,
            ..
        } => Message::StaticDataReport(Box::new(StaticDataReport {
            repeat: 0,
            mmsi,
            part: StaticPart::A {
                shipname: name.into(),
            },
        })),
    };
    let options = SentenceOptions {
        channel: Some(if seq & 1 == 0 { 'A' } else { 'B' }),
        seq_id: seq % 10,
        time_ms: Some(time_s * 1000),
        ..Default::default()
    };
    // Every message built above is of a type the encoder supports.
    if let Ok(sentences) = to_sentences(&message, &options) {
        for sentence in sentences {
            out.push_str(&sentence);
            out.push('\n');
        }
    }
}
