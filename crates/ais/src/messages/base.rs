//! Types 4 and 11: base station report / UTC date response.

use super::{epfd4, lat27, lon28, Ctx};
use crate::bits::BitRead;

/// Types 4 (base station report) and 11 (UTC/date response).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct BaseStationReport {
    /// 4 or 11.
    pub msg_type: u8,
    pub repeat: u8,
    pub mmsi: u32,
    /// UTC year (0 "not available" → None).
    pub year: Option<u16>,
    /// 1..=12 (0 → None).
    pub month: Option<u8>,
    /// 1..=31 (0 → None).
    pub day: Option<u8>,
    /// 0..=23 (24 → None).
    pub hour: Option<u8>,
    /// 0..=59 (60 → None).
    pub minute: Option<u8>,
    /// 0..=59 (60 → None).
    pub second: Option<u8>,
    pub accuracy: bool,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub epfd: Option<u8>,
    pub raim: bool,
    pub radio: u32,
}

impl BaseStationReport {
    pub(crate) fn decode(b: &impl BitRead, cx: &mut Ctx) -> Self {
        let nz = |v: u64| if v == 0 { None } else { Some(v) };
        BaseStationReport {
            msg_type: b.u8(0, 6),
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            year: nz(b.u(38, 14)).map(|v| v as u16),
            month: nz(b.u(52, 4)).filter(|&m| m <= 12).map(|v| v as u8),
            day: nz(b.u(56, 5)).map(|v| v as u8),
            hour: Some(b.u8(61, 5)).filter(|&h| h < 24),
            minute: Some(b.u8(66, 6)).filter(|&m| m < 60),
            second: Some(b.u8(72, 6)).filter(|&s| s < 60),
            accuracy: b.b(78),
            lon: lon28(b, 79, cx),
            lat: lat27(b, 107, cx),
            epfd: epfd4(b, 134),
            raim: b.b(148),
            radio: b.u32(149, 19),
        }
    }
}
