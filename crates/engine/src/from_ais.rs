//! From `jinghai-ais` messages to engine [`Observation`]s: the glue every
//! driver (the `replay` command, the live server) needs. Behind the `ais`
//! feature so the engine itself stays independent of the decoder.

use jinghai_ais::messages::StaticPart;
use jinghai_ais::{Decoded, Fix, Message};

use crate::{AisClass, Observation, ObservationKind, PositionReport, ShortText, StaticReport};

/// The engine's view of a decoded message, stamped `time_ms`; `None` for messages
/// that are not about a vessel (base stations, aids to navigation, binary data…)
/// or carry no usable position.
pub fn observation(decoded: &Decoded, time_ms: i64) -> Option<Observation> {
    // Each variant's own `fix` (not `Message::fix`, which would match the
    // variant again out of line): this runs on every message of a feed.
    let position = |fix: Option<Fix>, class: AisClass| {
        let fix = fix?;
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
    let (mmsi, kind) = match &decoded.message {
        Message::Position(m) => (m.mmsi, position(m.fix(), AisClass::A)?),
        Message::LongRangePosition(m) => (m.mmsi, position(m.fix(), AisClass::A)?),
        Message::ClassBPosition(m) => (m.mmsi, position(m.fix(), AisClass::B)?),
        // Type 19 carries both; the position matters more, the name comes with type 24.
        Message::ClassBExtended(m) => (m.mmsi, position(m.fix(), AisClass::B)?),
        Message::StaticAndVoyage(m) => (
            m.mmsi,
            ObservationKind::Static(StaticReport {
                name: ShortText::new(m.shipname.as_str()),
                callsign: ShortText::new(m.callsign.as_str()),
                imo: m.imo,
                ship_type: m.shiptype,
                class: AisClass::A,
            }),
        ),
        Message::StaticDataReport(m) => {
            let report = match &m.part {
                StaticPart::A { shipname } => StaticReport {
                    name: ShortText::new(shipname.as_str()),
                    class: AisClass::B,
                    ..Default::default()
                },
                StaticPart::B {
                    shiptype, callsign, ..
                } => StaticReport {
                    ship_type: *shiptype,
                    callsign: ShortText::new(callsign.as_str()),
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
