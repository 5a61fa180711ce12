//! Static and voyage data: type 5 (Class A) and type 24 (Class B, parts A/B).

use super::{epfd4, AisText};
use crate::bits::BitRead;
use crate::error::ErrorKind;

/// Estimated time of arrival (month/day/hour/minute UTC, no year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Eta {
    /// 1..=12 (0 "not available" → None).
    pub month: Option<u8>,
    /// 1..=31 (0 → None).
    pub day: Option<u8>,
    /// 0..=23 (24 → None).
    pub hour: Option<u8>,
    /// 0..=59 (60 → None).
    pub minute: Option<u8>,
}

/// Type 5: Class A static and voyage related data.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct StaticAndVoyage {
    pub repeat: u8,
    pub mmsi: u32,
    pub ais_version: u8,
    /// IMO number (0 "not available" → None).
    pub imo: Option<u32>,
    pub callsign: AisText<7>,
    pub shipname: AisText<20>,
    /// Ship and cargo type (0 → None).
    pub shiptype: Option<u8>,
    /// Dimensions to the reference point, metres (0 = not available).
    pub to_bow: u16,
    pub to_stern: u16,
    pub to_port: u8,
    pub to_starboard: u8,
    pub epfd: Option<u8>,
    pub eta: Eta,
    /// Maximum present static draught, metres (0 → None).
    pub draught: Option<f32>,
    pub destination: AisText<20>,
    /// Data terminal ready (false = available).
    pub dte: bool,
}

impl StaticAndVoyage {
    pub(crate) fn decode(b: &impl BitRead) -> Self {
        StaticAndVoyage {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            ais_version: b.u8(38, 2),
            imo: match b.u32(40, 30) {
                0 => None,
                v => Some(v),
            },
            callsign: b.text_inline(70),
            shipname: b.text_inline(112),
            shiptype: match b.u8(232, 8) {
                0 => None,
                v => Some(v),
            },
            to_bow: b.u(240, 9) as u16,
            to_stern: b.u(249, 9) as u16,
            to_port: b.u8(258, 6),
            to_starboard: b.u8(264, 6),
            epfd: epfd4(b, 270),
            eta: Eta {
                month: Some(b.u8(274, 4)).filter(|&m| (1..=12).contains(&m)),
                day: Some(b.u8(278, 5)).filter(|&d| d != 0),
                hour: Some(b.u8(283, 5)).filter(|&h| h < 24),
                minute: Some(b.u8(288, 6)).filter(|&m| m < 60),
            },
            draught: match b.u8(294, 8) {
                0 => None,
                v => Some(v as f32 / 10.0),
            },
            destination: b.text_inline(302),
            dte: b.b(422),
        }
    }
}

/// The two halves of a type 24 report.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub enum StaticPart {
    /// Part A: the name.
    A { shipname: AisText<20> },
    /// Part B: type, vendor, call sign, dimensions (or the mother ship of an
    /// auxiliary craft, MMSI 98xxxxxxx).
    B {
        shiptype: Option<u8>,
        vendor_id: AisText<3>,
        model: u8,
        serial: u32,
        callsign: AisText<7>,
        to_bow: u16,
        to_stern: u16,
        to_port: u8,
        to_starboard: u8,
        mothership_mmsi: Option<u32>,
    },
}

/// Type 24: Class B static data report.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct StaticDataReport {
    pub repeat: u8,
    pub mmsi: u32,
    pub part: StaticPart,
}

/// Whether an MMSI is an auxiliary craft's (98MIDxxxx), whose type 24 part B
/// carries the mother ship's MMSI instead of dimensions.
pub(crate) fn is_auxiliary(mmsi: u32) -> bool {
    (980_000_000..990_000_000).contains(&mmsi)
}

impl StaticDataReport {
    pub(crate) fn decode(b: &impl BitRead) -> Result<Self, ErrorKind> {
        let mmsi = b.u32(8, 30);
        let part = match b.u8(38, 2) {
            0 => StaticPart::A {
                shipname: b.text_inline(40),
            },
            1 => {
                let aux = is_auxiliary(mmsi);
                StaticPart::B {
                    shiptype: match b.u8(40, 8) {
                        0 => None,
                        v => Some(v),
                    },
                    vendor_id: b.text_inline(48),
                    model: b.u8(66, 4),
                    serial: b.u32(70, 20),
                    callsign: b.text_inline(90),
                    to_bow: if aux { 0 } else { b.u(132, 9) as u16 },
                    to_stern: if aux { 0 } else { b.u(141, 9) as u16 },
                    to_port: if aux { 0 } else { b.u8(150, 6) },
                    to_starboard: if aux { 0 } else { b.u8(156, 6) },
                    mothership_mmsi: if aux { Some(b.u32(132, 30)) } else { None },
                }
            }
            _ => return Err(ErrorKind::OutOfRange),
        };
        Ok(StaticDataReport {
            repeat: b.u8(6, 2),
            mmsi,
            part,
        })
    }
}
