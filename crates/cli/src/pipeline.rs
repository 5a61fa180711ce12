//! Glue from NMEA lines to engine observations: `jinghai-ais` decodes, this turns its
//! messages into [`Observation`]s, the engine does the rest.

use jinghai_ais::messages::StaticPart;
use jinghai_ais::{Decoded, Decoder, Message};
use jinghai_engine::{
    AisClass, Engine, EngineOutput, Observation, ObservationKind, PositionReport, StaticReport,
};

/// The engine's view of a decoded message, stamped `time_ms`; `None` for messages
/// that are not about a vessel (base stations, aids to navigation, binary data…)
/// or carry no usable position.
pub fn observation(decoded: &Decoded, time_ms: i64) -> Option<Observation> {
    let position = |class: AisClass| {
        let fix = decoded.message.fix()?;
        Some(ObservationKind::Position(PositionReport {
            lat: fix.lat,
            lon: fix.lon,
            sog_kn: fix.sog,
            cog_deg: fix.cog,
            heading_deg: fix.heading,
            nav_status: fix.nav_status,
            class,
        }))
    };
    let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let (mmsi, kind) = match &decoded.message {
        Message::Position(m) => (m.mmsi, position(AisClass::A)?),
        Message::LongRangePosition(m) => (m.mmsi, position(AisClass::A)?),
        Message::ClassBPosition(m) => (m.mmsi, position(AisClass::B)?),
        // Type 19 carries both; the position matters more, the name comes with type 24.
        Message::ClassBExtended(m) => (m.mmsi, position(AisClass::B)?),
        Message::StaticAndVoyage(m) => (
            m.mmsi,
            ObservationKind::Static(StaticReport {
                name: text(&m.shipname),
                callsign: text(&m.callsign),
                imo: m.imo,
                ship_type: m.shiptype,
                class: AisClass::A,
            }),
        ),
        Message::StaticDataReport(m) => {
            let report = match &m.part {
                StaticPart::A { shipname } => StaticReport {
                    name: text(shipname),
                    class: AisClass::B,
                    ..Default::default()
                },
                StaticPart::B {
                    shiptype, callsign, ..
                } => StaticReport {
                    ship_type: *shiptype,
                    callsign: text(callsign),
                    class: AisClass::B,
                    ..Default::default()
                },
            };
            (m.mmsi, ObservationKind::Static(report))
        }
        _ => return None,
    };
    Some(Observation {
        mmsi,
        time_ms,
        kind,
    })
}

/// Decoder + engine, line by line.
pub struct Pipeline {
    pub decoder: Decoder,
    pub engine: Engine,
    /// Time for lines that carry none: the last receive time seen (a recording has
    /// no "ingest clock" of its own), or the wall clock before any.
    last_time_ms: Option<i64>,
}

impl Pipeline {
    pub fn new(engine: Engine) -> Self {
        Self {
            decoder: Decoder::new(),
            engine,
            last_time_ms: None,
        }
    }

    /// Feeds one line; bad lines are counted by the decoder and skipped.
    pub fn feed_line(&mut self, line: &[u8], out: &mut Vec<EngineOutput>) {
        let Ok(Some(decoded)) = self.decoder.decode_line(line) else {
            return;
        };
        let time_ms = match decoded.received_at {
            Some(t) => {
                self.last_time_ms = Some(t);
                t
            }
            None => *self.last_time_ms.get_or_insert_with(wall_clock_ms),
        };
        if let Some(obs) = observation(&decoded, time_ms) {
            self.engine.process(&obs, out);
        }
    }
}

fn wall_clock_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
