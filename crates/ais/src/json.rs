//! JSON Lines output (FORMATS.md "Decoded messages out"), hand-written so the
//! library needs no serde: one flat object per message with `type`, `mmsi`,
//! `received_at` and the message's fields under their ITU-R M.1371 names in
//! real units, `null` for "not available". Field names follow gpsd's AIVDM
//! JSON where FORMATS.md does not fix them (`sog`, `cog`, `nav_status`).

use std::fmt::Write;

use crate::decoder::Decoded;
use crate::messages::*;
use crate::time::format_rfc3339;

struct W {
    s: String,
}

impl W {
    fn key(&mut self, k: &str) {
        if self.s.len() > 1 {
            self.s.push(',');
        }
        self.s.push('"');
        self.s.push_str(k);
        self.s.push_str("\":");
    }
    fn n(&mut self, k: &str, v: impl std::fmt::Display) {
        self.key(k);
        let _ = write!(self.s, "{v}");
    }
    fn opt(&mut self, k: &str, v: Option<impl std::fmt::Display>) {
        match v {
            Some(v) => self.n(k, v),
            None => self.null(k),
        }
    }
    fn null(&mut self, k: &str) {
        self.key(k);
        self.s.push_str("null");
    }
    fn f64(&mut self, k: &str, v: Option<f64>) {
        match v {
            // Round to 1e-7 degree (~1 cm), beyond the 1/10000 minute resolution.
            Some(v) if v.is_finite() => self.n(k, (v * 1e7).round() / 1e7),
            _ => self.null(k),
        }
    }
    fn f32(&mut self, k: &str, v: Option<f32>) {
        match v {
            Some(v) if v.is_finite() => self.n(k, v),
            _ => self.null(k),
        }
    }
    fn b(&mut self, k: &str, v: bool) {
        self.n(k, v);
    }
    fn str(&mut self, k: &str, v: &str) {
        self.key(k);
        self.s.push('"');
        for c in v.chars() {
            match c {
                '"' => self.s.push_str("\\\""),
                '\\' => self.s.push_str("\\\\"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(self.s, "\\u{:04x}", c as u32);
                }
                c => self.s.push(c),
            }
        }
        self.s.push('"');
    }
    fn data(&mut self, k: &str, d: &BinaryData) {
        let mut hex = String::with_capacity(d.data.len() * 2 + 8);
        let _ = write!(hex, "{}:", d.bits);
        for b in &d.data {
            let _ = write!(hex, "{b:02x}");
        }
        self.str(k, &hex);
    }
    fn dims(&mut self, bow: u16, stern: u16, port: u8, starboard: u8) {
        self.n("to_bow", bow);
        self.n("to_stern", stern);
        self.n("to_port", port);
        self.n("to_starboard", starboard);
    }
    fn eta(&mut self, e: &Eta) {
        self.opt("eta_month", e.month);
        self.opt("eta_day", e.day);
        self.opt("eta_hour", e.hour);
        self.opt("eta_minute", e.minute);
    }
}

/// One JSON object (no trailing newline) for a decoded message, with its
/// receive time (`received_at`, RFC 3339 UTC or null) and source.
pub fn to_json(d: &Decoded) -> String {
    let mut w = W {
        s: String::with_capacity(320),
    };
    w.s.push('{');
    head(&mut w, &d.message);
    match d.received_at {
        Some(ms) => w.str("received_at", &format_rfc3339(ms)),
        None => w.null("received_at"),
    }
    match &d.source {
        Some(s) => w.str("source", s.as_str()),
        None => w.null("source"),
    }
    body(&mut w, &d.message);
    w.s.push('}');
    w.s
}

/// One JSON object for a message alone (`received_at` is null).
pub fn message_json(m: &Message) -> String {
    let mut w = W {
        s: String::with_capacity(320),
    };
    w.s.push('{');
    head(&mut w, m);
    w.null("received_at");
    body(&mut w, m);
    w.s.push('}');
    w.s
}

fn head(w: &mut W, m: &Message) {
    w.n("type", m.msg_type());
    w.n("mmsi", m.mmsi());
}

fn body(w: &mut W, m: &Message) {
    match m {
        Message::Position(p) => {
            w.n("repeat", p.repeat);
            w.opt("nav_status", p.nav_status);
            w.f32("rot", p.rot());
            w.opt("rot_raw", p.rot_raw);
            w.f32("sog", p.sog);
            w.b("accuracy", p.accuracy);
            w.f64("lon", p.lon);
            w.f64("lat", p.lat);
            w.f32("cog", p.cog);
            w.opt("heading", p.heading);
            w.opt("second", p.second);
            w.n("maneuver", p.maneuver);
            w.b("raim", p.raim);
            w.n("radio", p.radio);
        }
        Message::BaseStation(p) => {
            w.n("repeat", p.repeat);
            w.opt("year", p.year);
            w.opt("month", p.month);
            w.opt("day", p.day);
            w.opt("hour", p.hour);
            w.opt("minute", p.minute);
            w.opt("second", p.second);
            w.b("accuracy", p.accuracy);
            w.f64("lon", p.lon);
            w.f64("lat", p.lat);
            w.opt("epfd", p.epfd);
            w.b("raim", p.raim);
            w.n("radio", p.radio);
        }
        Message::StaticAndVoyage(p) => {
            w.n("repeat", p.repeat);
            w.n("ais_version", p.ais_version);
            w.opt("imo", p.imo);
            w.str("callsign", &p.callsign);
            w.str("shipname", &p.shipname);
            w.opt("shiptype", p.shiptype);
            w.dims(p.to_bow, p.to_stern, p.to_port, p.to_starboard);
            w.opt("epfd", p.epfd);
            w.eta(&p.eta);
            w.f32("draught", p.draught);
            w.str("destination", &p.destination);
            w.b("dte", p.dte);
        }
        Message::BinaryAddressed(p) => {
            w.n("repeat", p.repeat);
            w.n("seqno", p.seqno);
            w.n("dest_mmsi", p.dest_mmsi);
            w.b("retransmit", p.retransmit);
            w.n("dac", p.dac);
            w.n("fid", p.fid);
            w.data("data", &p.data);
        }
        Message::BinaryAck(p) => {
            w.n("repeat", p.repeat);
            for (i, (mmsi, seq)) in p.acks.iter().enumerate() {
                w.n(["mmsi1", "mmsi2", "mmsi3", "mmsi4"][i], mmsi);
                w.n(["seq1", "seq2", "seq3", "seq4"][i], seq);
            }
        }
        Message::BinaryBroadcast(p) => {
            w.n("repeat", p.repeat);
            w.n("dac", p.dac);
            w.n("fid", p.fid);
            w.data("data", &p.data);
        }
        Message::SarAircraft(p) => {
            w.n("repeat", p.repeat);
            w.opt("alt", p.alt);
            w.opt("sog", p.sog);
            w.b("accuracy", p.accuracy);
            w.f64("lon", p.lon);
            w.f64("lat", p.lat);
            w.f32("cog", p.cog);
            w.opt("second", p.second);
            w.n("regional", p.regional);
            w.b("dte", p.dte);
            w.b("assigned", p.assigned);
            w.b("raim", p.raim);
            w.n("radio", p.radio);
        }
        Message::UtcInquiry(p) => {
            w.n("repeat", p.repeat);
            w.n("dest_mmsi", p.dest_mmsi);
        }
        Message::SafetyAddressed(p) => {
            w.n("repeat", p.repeat);
            w.n("seqno", p.seqno);
            w.n("dest_mmsi", p.dest_mmsi);
            w.b("retransmit", p.retransmit);
            w.str("text", &p.text);
        }
        Message::SafetyBroadcast(p) => {
            w.n("repeat", p.repeat);
            w.str("text", &p.text);
        }
        Message::Interrogation(p) => {
            w.n("repeat", p.repeat);
            w.n("mmsi1", p.mmsi1);
            w.n("type1_1", p.request1_1.0);
            w.n("offset1_1", p.request1_1.1);
            if let Some((t, o)) = p.request1_2 {
                w.n("type1_2", t);
                w.n("offset1_2", o);
            }
            if let Some((m, t, o)) = p.request2 {
                w.n("mmsi2", m);
                w.n("type2_1", t);
                w.n("offset2_1", o);
            }
        }
        Message::AssignedMode(p) => {
            w.n("repeat", p.repeat);
            for (i, a) in p.assignments.iter().enumerate() {
                let s = i + 1;
                w.n(&format!("mmsi{s}"), a.mmsi);
                w.n(&format!("offset{s}"), a.offset);
                w.n(&format!("increment{s}"), a.increment);
            }
        }
        Message::DgnssBroadcast(p) => {
            w.n("repeat", p.repeat);
            w.f64("lon", p.lon);
            w.f64("lat", p.lat);
            w.data("data", &p.data);
        }
        Message::ClassBPosition(p) => {
            w.n("repeat", p.repeat);
            w.n("reserved", p.reserved);
            w.f32("sog", p.sog);
            w.b("accuracy", p.accuracy);
            w.f64("lon", p.lon);
            w.f64("lat", p.lat);
            w.f32("cog", p.cog);
            w.opt("heading", p.heading);
            w.opt("second", p.second);
            w.n("regional", p.regional);
            w.b("cs", p.cs);
            w.b("display", p.display);
            w.b("dsc", p.dsc);
            w.b("band", p.band);
            w.b("msg22", p.msg22);
            w.b("assigned", p.assigned);
            w.b("raim", p.raim);
            w.n("radio", p.radio);
        }
        Message::ClassBExtended(p) => {
            w.n("repeat", p.repeat);
            w.n("reserved", p.reserved);
            w.f32("sog", p.sog);
            w.b("accuracy", p.accuracy);
            w.f64("lon", p.lon);
            w.f64("lat", p.lat);
            w.f32("cog", p.cog);
            w.opt("heading", p.heading);
            w.opt("second", p.second);
            w.n("regional", p.regional);
            w.str("shipname", &p.shipname);
            w.opt("shiptype", p.shiptype);
            w.dims(p.to_bow, p.to_stern, p.to_port, p.to_starboard);
            w.opt("epfd", p.epfd);
            w.b("raim", p.raim);
            w.b("dte", p.dte);
            w.b("assigned", p.assigned);
        }
        Message::DataLinkManagement(p) => {
            w.n("repeat", p.repeat);
            for (i, r) in p.reservations.iter().enumerate() {
                let s = i + 1;
                w.n(&format!("offset{s}"), r.offset);
                w.n(&format!("number{s}"), r.number);
                w.n(&format!("timeout{s}"), r.timeout);
                w.n(&format!("increment{s}"), r.increment);
            }
        }
        Message::AidToNavigation(p) => {
            w.n("repeat", p.repeat);
            w.n("aid_type", p.aid_type);
            w.str("name", &p.name);
            w.b("accuracy", p.accuracy);
            w.f64("lon", p.lon);
            w.f64("lat", p.lat);
            w.dims(p.to_bow, p.to_stern, p.to_port, p.to_starboard);
            w.opt("epfd", p.epfd);
            w.opt("second", p.second);
            w.b("off_position", p.off_position);
            w.n("regional", p.regional);
            w.b("raim", p.raim);
            w.b("virtual_aid", p.virtual_aid);
            w.b("assigned", p.assigned);
        }
        Message::ChannelManagement(p) => {
            w.n("repeat", p.repeat);
            w.n("channel_a", p.channel_a);
            w.n("channel_b", p.channel_b);
            w.n("txrx", p.txrx);
            w.b("power", p.power);
            w.b("addressed", p.addressed);
            if let Some((a, b)) = p.dest_mmsi {
                w.n("dest1", a);
                w.n("dest2", b);
            }
            if let (Some(ne), Some(sw)) = (p.ne, p.sw) {
                w.f64("ne_lon", ne.0);
                w.f64("ne_lat", ne.1);
                w.f64("sw_lon", sw.0);
                w.f64("sw_lat", sw.1);
            }
            w.b("band_a", p.band_a);
            w.b("band_b", p.band_b);
            w.n("zonesize", p.zonesize);
        }
        Message::GroupAssignment(p) => {
            w.n("repeat", p.repeat);
            w.f64("ne_lon", p.ne_lon);
            w.f64("ne_lat", p.ne_lat);
            w.f64("sw_lon", p.sw_lon);
            w.f64("sw_lat", p.sw_lat);
            w.n("station_type", p.station_type);
            w.n("ship_type", p.ship_type);
            w.n("txrx", p.txrx);
            w.n("interval", p.interval);
            w.n("quiet", p.quiet);
        }
        Message::StaticDataReport(p) => {
            w.n("repeat", p.repeat);
            match &p.part {
                StaticPart::A { shipname } => {
                    w.n("partno", 0);
                    w.str("shipname", shipname);
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
                    w.n("partno", 1);
                    w.opt("shiptype", *shiptype);
                    w.str("vendorid", vendor_id);
                    w.n("model", model);
                    w.n("serial", serial);
                    w.str("callsign", callsign);
                    match mothership_mmsi {
                        Some(m) => w.n("mothership_mmsi", m),
                        None => w.dims(*to_bow, *to_stern, *to_port, *to_starboard),
                    }
                }
            }
        }
        Message::SingleSlotBinary(p) => {
            w.n("repeat", p.repeat);
            w.opt("dest_mmsi", p.dest_mmsi);
            w.opt("dac", p.app_id.map(|a| a.0));
            w.opt("fid", p.app_id.map(|a| a.1));
            w.data("data", &p.data);
        }
        Message::MultiSlotBinary(p) => {
            w.n("repeat", p.repeat);
            w.opt("dest_mmsi", p.dest_mmsi);
            w.opt("dac", p.app_id.map(|a| a.0));
            w.opt("fid", p.app_id.map(|a| a.1));
            w.data("data", &p.data);
            w.n("radio", p.radio);
        }
        Message::LongRangePosition(p) => {
            w.n("repeat", p.repeat);
            w.b("accuracy", p.accuracy);
            w.b("raim", p.raim);
            w.opt("nav_status", p.nav_status);
            w.f64("lon", p.lon);
            w.f64("lat", p.lat);
            w.opt("sog", p.sog);
            w.opt("cog", p.cog);
            w.b("gnss", p.gnss);
        }
    }
}
