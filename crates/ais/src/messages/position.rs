//! Position reports: Class A (1/2/3), Class B (18, 19), long range (27), SAR aircraft (9).

use super::{
    cog12, epfd4, heading9, lat17, lat27, lon18, lon28, second6, sog10, AisText, Ctx, Fix,
};
use crate::bits::BitRead;

/// Types 1, 2, 3: Class A position report.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PositionReport {
    /// 1, 2 or 3.
    pub msg_type: u8,
    /// Repeat indicator.
    pub repeat: u8,
    /// Transmitting station.
    pub mmsi: u32,
    /// Navigational status 0..=14 (15 "not defined" → None).
    pub nav_status: Option<u8>,
    /// Rate of turn as transmitted (−127..=127; −128 "not available" → None).
    pub rot_raw: Option<i8>,
    /// Speed over ground, knots (102.2 means 102.2 or more).
    pub sog: Option<f32>,
    /// Position accuracy flag (true: < 10 m).
    pub accuracy: bool,
    /// Longitude, degrees east.
    pub lon: Option<f64>,
    /// Latitude, degrees north.
    pub lat: Option<f64>,
    /// Course over ground, degrees.
    pub cog: Option<f32>,
    /// True heading, degrees.
    pub heading: Option<u16>,
    /// UTC second of the report.
    pub second: Option<u8>,
    /// Special manoeuvre indicator (0 not available, 1 no, 2 yes).
    pub maneuver: u8,
    /// RAIM flag.
    pub raim: bool,
    /// Radio status (19 bits).
    pub radio: u32,
}

impl PositionReport {
    /// The position fix of this report, if it has a valid one (as
    /// [`Message::fix`](super::Message::fix) gives it, for a caller that has
    /// matched the variant already).
    #[inline]
    pub fn fix(&self) -> Option<Fix> {
        Some(Fix {
            mmsi: self.mmsi,
            lat: self.lat?,
            lon: self.lon?,
            sog: self.sog,
            cog: self.cog,
            heading: self.heading,
            nav_status: self.nav_status,
            second: self.second,
        })
    }

    #[inline(always)]
    pub(crate) fn decode(b: &impl BitRead, cx: &mut Ctx) -> Self {
        PositionReport {
            msg_type: b.u8(0, 6),
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            nav_status: match b.u8(38, 4) {
                15 => None,
                v => Some(v),
            },
            rot_raw: match b.i(42, 8) {
                -128 => None,
                v => Some(v as i8),
            },
            sog: sog10(b, 50),
            accuracy: b.b(60),
            lon: lon28(b, 61, cx),
            lat: lat27(b, 89, cx),
            cog: cog12(b, 116, cx),
            heading: heading9(b, 128, cx),
            second: second6(b, 137),
            maneuver: b.u8(143, 2),
            raim: b.b(148),
            radio: b.u32(149, 19),
        }
    }

    /// Rate of turn in degrees per minute, from the ROT indicator
    /// (ROT = 4.733·√rate). `None` when not available or when only the
    /// direction is known (±127: turning faster than 5°/30 s, no indicator).
    pub fn rot(&self) -> Option<f32> {
        match self.rot_raw? {
            -127 | 127 => None,
            r => {
                let x = r as f32 / 4.733;
                Some(x * x.abs())
            }
        }
    }
}

/// Type 18: standard Class B position report.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct ClassBPosition {
    pub repeat: u8,
    pub mmsi: u32,
    /// Regional reserved bits.
    pub reserved: u8,
    /// Speed over ground, knots.
    pub sog: Option<f32>,
    pub accuracy: bool,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub cog: Option<f32>,
    pub heading: Option<u16>,
    pub second: Option<u8>,
    pub regional: u8,
    /// Class B unit flag (true: carrier-sense "CS" unit).
    pub cs: bool,
    pub display: bool,
    pub dsc: bool,
    pub band: bool,
    pub msg22: bool,
    pub assigned: bool,
    pub raim: bool,
    /// Radio status (20 bits, including the communication-state selector).
    pub radio: u32,
}

impl ClassBPosition {
    /// The position fix of this report, if it has a valid one (as
    /// [`Message::fix`](super::Message::fix) gives it, for a caller that has
    /// matched the variant already).
    #[inline]
    pub fn fix(&self) -> Option<Fix> {
        Some(Fix {
            mmsi: self.mmsi,
            lat: self.lat?,
            lon: self.lon?,
            sog: self.sog,
            cog: self.cog,
            heading: self.heading,
            nav_status: None,
            second: self.second,
        })
    }

    #[inline(always)]
    pub(crate) fn decode(b: &impl BitRead, cx: &mut Ctx) -> Self {
        let flags = super::flag_bytes::<7>(b.u(141, 7));
        ClassBPosition {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            reserved: b.u8(38, 8),
            sog: sog10(b, 46),
            accuracy: b.b(56),
            lon: lon28(b, 57, cx),
            lat: lat27(b, 85, cx),
            cog: cog12(b, 112, cx),
            heading: heading9(b, 124, cx),
            second: second6(b, 133),
            regional: b.u8(139, 2),
            cs: flags[0],
            display: flags[1],
            dsc: flags[2],
            band: flags[3],
            msg22: flags[4],
            assigned: flags[5],
            raim: flags[6],
            radio: b.u32(148, 20),
        }
    }
}

/// Type 19: extended Class B position report (with name and dimensions).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct ClassBExtended {
    pub repeat: u8,
    pub mmsi: u32,
    pub reserved: u8,
    pub sog: Option<f32>,
    pub accuracy: bool,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub cog: Option<f32>,
    pub heading: Option<u16>,
    pub second: Option<u8>,
    pub regional: u8,
    pub shipname: AisText<20>,
    /// Ship and cargo type (0 "not available" → None).
    pub shiptype: Option<u8>,
    pub to_bow: u16,
    pub to_stern: u16,
    pub to_port: u8,
    pub to_starboard: u8,
    pub epfd: Option<u8>,
    pub raim: bool,
    /// Data terminal ready (false = available).
    pub dte: bool,
    pub assigned: bool,
}

impl ClassBExtended {
    /// The position fix of this report, if it has a valid one (as
    /// [`Message::fix`](super::Message::fix) gives it, for a caller that has
    /// matched the variant already).
    #[inline]
    pub fn fix(&self) -> Option<Fix> {
        Some(Fix {
            mmsi: self.mmsi,
            lat: self.lat?,
            lon: self.lon?,
            sog: self.sog,
            cog: self.cog,
            heading: self.heading,
            nav_status: None,
            second: self.second,
        })
    }

    pub(crate) fn decode(b: &impl BitRead, cx: &mut Ctx) -> Self {
        ClassBExtended {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            reserved: b.u8(38, 8),
            sog: sog10(b, 46),
            accuracy: b.b(56),
            lon: lon28(b, 57, cx),
            lat: lat27(b, 85, cx),
            cog: cog12(b, 112, cx),
            heading: heading9(b, 124, cx),
            second: second6(b, 133),
            regional: b.u8(139, 4),
            shipname: b.text_inline(143),
            shiptype: match b.u8(263, 8) {
                0 => None,
                v => Some(v),
            },
            to_bow: b.u(271, 9) as u16,
            to_stern: b.u(280, 9) as u16,
            to_port: b.u8(289, 6),
            to_starboard: b.u8(295, 6),
            epfd: epfd4(b, 301),
            raim: b.b(305),
            dte: b.b(306),
            assigned: b.b(307),
        }
    }
}

/// Type 27: long-range AIS broadcast (satellite), coarse position.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct LongRangePosition {
    pub repeat: u8,
    pub mmsi: u32,
    pub accuracy: bool,
    pub raim: bool,
    pub nav_status: Option<u8>,
    /// Longitude, degrees (1/10 minute resolution).
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// Speed over ground, whole knots (63 "not available" → None).
    pub sog: Option<u8>,
    /// Course over ground, whole degrees (511 "not available" → None).
    pub cog: Option<u16>,
    /// GNSS position status (false = current GNSS position).
    pub gnss: bool,
}

impl LongRangePosition {
    /// The position fix of this report, if it has a valid one (as
    /// [`Message::fix`](super::Message::fix) gives it, for a caller that has
    /// matched the variant already).
    #[inline]
    pub fn fix(&self) -> Option<Fix> {
        Some(Fix {
            mmsi: self.mmsi,
            lat: self.lat?,
            lon: self.lon?,
            sog: self.sog.map(f32::from),
            cog: self.cog.map(f32::from),
            heading: None,
            nav_status: self.nav_status,
            second: None,
        })
    }

    pub(crate) fn decode(b: &impl BitRead, cx: &mut Ctx) -> Self {
        LongRangePosition {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            accuracy: b.b(38),
            raim: b.b(39),
            nav_status: match b.u8(40, 4) {
                15 => None,
                v => Some(v),
            },
            lon: lon18(b, 44, cx),
            lat: lat17(b, 62, cx),
            sog: match b.u8(79, 6) {
                63 => None,
                v => Some(v),
            },
            cog: match b.u(85, 9) as u16 {
                511 => None,
                v @ 0..=359 => Some(v),
                _ => {
                    cx.out_of_range += 1;
                    None
                }
            },
            gnss: b.b(94),
        }
    }
}

/// Type 9: standard SAR aircraft position report.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct SarAircraft {
    pub repeat: u8,
    pub mmsi: u32,
    /// Altitude, metres (4095 "not available" → None; 4094 means ≥ 4094).
    pub alt: Option<u16>,
    /// Speed over ground, whole knots (1023 "not available" → None; 1022 means ≥ 1022).
    pub sog: Option<u16>,
    pub accuracy: bool,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub cog: Option<f32>,
    pub second: Option<u8>,
    pub regional: u8,
    pub dte: bool,
    pub assigned: bool,
    pub raim: bool,
    pub radio: u32,
}

impl SarAircraft {
    pub(crate) fn decode(b: &impl BitRead, cx: &mut Ctx) -> Self {
        SarAircraft {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            alt: match b.u(38, 12) as u16 {
                4095 => None,
                v => Some(v),
            },
            sog: match b.u(50, 10) as u16 {
                1023 => None,
                v => Some(v),
            },
            accuracy: b.b(60),
            lon: lon28(b, 61, cx),
            lat: lat27(b, 89, cx),
            cog: cog12(b, 116, cx),
            second: second6(b, 128),
            regional: b.u8(134, 8),
            dte: b.b(142),
            assigned: b.b(146),
            raim: b.b(147),
            radio: b.u32(148, 20),
        }
    }
}
