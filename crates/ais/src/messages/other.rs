//! The remaining types: acknowledgements (7/13), UTC inquiry (10), safety
//! text (12/14), interrogation (15), assignment (16), DGNSS (17), data link
//! management (20), aids to navigation (21), channel management (22) and
//! group assignment (23).

use super::{epfd4, lat17, lat27, lon18, lon28, second6, BinaryData, Ctx, Few};
use crate::bits::BitRead;

/// Types 7 (binary acknowledge) and 13 (safety acknowledge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct BinaryAck {
    /// 7 or 13.
    pub msg_type: u8,
    pub repeat: u8,
    pub mmsi: u32,
    /// Acknowledged (destination MMSI, sequence number), 1 to 4.
    pub acks: Few<(u32, u8), 4>,
}

impl BinaryAck {
    pub(crate) fn decode(b: &impl BitRead) -> Self {
        // An entry counts when its MMSI is complete (some stations drop
        // the trailing sequence bits).
        let n = (0..4).take_while(|i| b.len() >= 40 + 32 * i + 30).count();
        let acks = Few::from_fn(n, |i| {
            let at = 40 + 32 * i;
            (b.u32(at, 30), b.u8(at + 30, 2))
        });
        BinaryAck {
            msg_type: b.u8(0, 6),
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            acks,
        }
    }
}

/// Type 10: UTC/date inquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct UtcInquiry {
    pub repeat: u8,
    pub mmsi: u32,
    pub dest_mmsi: u32,
}

impl UtcInquiry {
    pub(crate) fn decode(b: &impl BitRead) -> Self {
        UtcInquiry {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            dest_mmsi: b.u32(40, 30),
        }
    }
}

/// Type 12: addressed safety-related message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct SafetyAddressed {
    pub repeat: u8,
    pub mmsi: u32,
    pub seqno: u8,
    pub dest_mmsi: u32,
    pub retransmit: bool,
    pub text: String,
}

impl SafetyAddressed {
    pub(crate) fn decode(b: &impl BitRead) -> Self {
        SafetyAddressed {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            seqno: b.u8(38, 2),
            dest_mmsi: b.u32(40, 30),
            retransmit: b.b(70),
            text: b.text_to_end(72),
        }
    }
}

/// Type 14: safety-related broadcast message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct SafetyBroadcast {
    pub repeat: u8,
    pub mmsi: u32,
    pub text: String,
}

impl SafetyBroadcast {
    pub(crate) fn decode(b: &impl BitRead) -> Self {
        SafetyBroadcast {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            text: b.text_to_end(40),
        }
    }
}

/// Type 15: interrogation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct Interrogation {
    pub repeat: u8,
    pub mmsi: u32,
    /// First interrogated station.
    pub mmsi1: u32,
    /// (requested message type, slot offset) asked of `mmsi1`.
    pub request1_1: (u8, u16),
    /// Second request to `mmsi1`, when present.
    pub request1_2: Option<(u8, u16)>,
    /// Second interrogated station with its (type, offset), when present.
    pub request2: Option<(u32, u8, u16)>,
}

impl Interrogation {
    // The standard allows 88, 110/112 and 160 bits; like gpsd and libais we
    // take every field whose start lies inside the payload (zeros past it).
    pub(crate) fn decode(b: &impl BitRead) -> Self {
        Interrogation {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            mmsi1: b.u32(40, 30),
            request1_1: (b.u8(70, 6), b.u(76, 12) as u16),
            request1_2: (b.len() > 88).then(|| (b.u8(90, 6), b.u(96, 12) as u16)),
            request2: (b.len() > 110).then(|| (b.u32(110, 30), b.u8(140, 6), b.u(146, 12) as u16)),
        }
    }
}

/// One slot assignment of a type 16 message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct Assignment {
    pub mmsi: u32,
    pub offset: u16,
    pub increment: u16,
}

/// Type 16: assigned mode command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct AssignedMode {
    pub repeat: u8,
    pub mmsi: u32,
    /// One or two assignments.
    pub assignments: Few<Assignment, 2>,
}

impl AssignedMode {
    pub(crate) fn decode(b: &impl BitRead) -> Self {
        let one = |at: usize| Assignment {
            mmsi: b.u32(at, 30),
            offset: b.u(at + 30, 12) as u16,
            increment: b.u(at + 42, 10) as u16,
        };
        let n = if b.len() >= 144 { 2 } else { 1 };
        let assignments = Few::from_fn(n, |i| one([40, 92][i]));
        AssignedMode {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            assignments,
        }
    }
}

/// Type 17: GNSS broadcast binary message (DGNSS corrections, kept raw).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct DgnssBroadcast {
    pub repeat: u8,
    pub mmsi: u32,
    /// Reference station longitude, degrees (1/10 minute resolution).
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub data: BinaryData,
}

impl DgnssBroadcast {
    pub(crate) fn decode(b: &impl BitRead, cx: &mut Ctx) -> Self {
        DgnssBroadcast {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            lon: lon18(b, 40, cx),
            lat: lat17(b, 58, cx),
            data: b.raw(80, b.len()),
        }
    }
}

/// One reservation of a type 20 message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct SlotReservation {
    pub offset: u16,
    pub number: u8,
    pub timeout: u8,
    pub increment: u16,
}

/// Type 20: data link management.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct DataLinkManagement {
    pub repeat: u8,
    pub mmsi: u32,
    /// One to four reservations.
    pub reservations: Few<SlotReservation, 4>,
}

impl DataLinkManagement {
    pub(crate) fn decode(b: &impl BitRead) -> Self {
        // As many reservations as the payload holds (one to four).
        let n = (0..4).take_while(|&i| b.len() >= 70 + 30 * i).count();
        let reservations = Few::from_fn(n, |i| {
            let at = 40 + 30 * i;
            SlotReservation {
                offset: b.u(at, 12) as u16,
                number: b.u8(at + 12, 4),
                timeout: b.u8(at + 16, 3),
                increment: b.u(at + 19, 11) as u16,
            }
        });
        DataLinkManagement {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            reservations,
        }
    }
}

/// Type 21: aid-to-navigation report.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct AidToNavigation {
    pub repeat: u8,
    pub mmsi: u32,
    /// Type of aid (0 "not specified").
    pub aid_type: u8,
    /// Name, with the name extension (bits 272..) appended.
    pub name: String,
    pub accuracy: bool,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub to_bow: u16,
    pub to_stern: u16,
    pub to_port: u8,
    pub to_starboard: u8,
    pub epfd: Option<u8>,
    pub second: Option<u8>,
    pub off_position: bool,
    pub regional: u8,
    pub raim: bool,
    pub virtual_aid: bool,
    pub assigned: bool,
}

impl AidToNavigation {
    pub(crate) fn decode(b: &impl BitRead, cx: &mut Ctx) -> Self {
        // The extension (bits 272..) continues the name only when the
        // 20-character name field is full (no `@` padding in it).
        let raw = b.text_raw(43, 20);
        let name = if b.len() >= 278 && !raw.contains('@') {
            crate::bits::clean_text(raw + &b.text_raw(272, (b.len() - 272) / 6))
        } else {
            crate::bits::clean_text(raw)
        };
        AidToNavigation {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            aid_type: b.u8(38, 5),
            name,
            accuracy: b.b(163),
            lon: lon28(b, 164, cx),
            lat: lat27(b, 192, cx),
            to_bow: b.u(219, 9) as u16,
            to_stern: b.u(228, 9) as u16,
            to_port: b.u8(237, 6),
            to_starboard: b.u8(243, 6),
            epfd: epfd4(b, 249),
            second: second6(b, 253),
            off_position: b.b(259),
            regional: b.u8(260, 8),
            raim: b.b(268),
            virtual_aid: b.b(269),
            assigned: b.b(270),
        }
    }
}

/// Type 22: channel management.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct ChannelManagement {
    pub repeat: u8,
    pub mmsi: u32,
    pub channel_a: u16,
    pub channel_b: u16,
    pub txrx: u8,
    /// High power when false (0 = high, 1 = low).
    pub power: bool,
    /// Addressed to two stations (`dest_mmsi`) rather than to an area.
    pub addressed: bool,
    pub dest_mmsi: Option<(u32, u32)>,
    /// North-east corner (lon, lat), degrees, when broadcast to an area.
    pub ne: Option<(Option<f64>, Option<f64>)>,
    /// South-west corner (lon, lat).
    pub sw: Option<(Option<f64>, Option<f64>)>,
    pub band_a: bool,
    pub band_b: bool,
    pub zonesize: u8,
}

impl ChannelManagement {
    pub(crate) fn decode(b: &impl BitRead, cx: &mut Ctx) -> Self {
        let addressed = b.b(139);
        let (dest_mmsi, ne, sw) = if addressed {
            (Some((b.u32(69, 30), b.u32(104, 30))), None, None)
        } else {
            (
                None,
                Some((lon18(b, 69, cx), lat17(b, 87, cx))),
                Some((lon18(b, 104, cx), lat17(b, 122, cx))),
            )
        };
        ChannelManagement {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            channel_a: b.u(40, 12) as u16,
            channel_b: b.u(52, 12) as u16,
            txrx: b.u8(64, 4),
            power: b.b(68),
            addressed,
            dest_mmsi,
            ne,
            sw,
            band_a: b.b(140),
            band_b: b.b(141),
            zonesize: b.u8(142, 3),
        }
    }
}

/// Type 23: group assignment command.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct GroupAssignment {
    pub repeat: u8,
    pub mmsi: u32,
    pub ne_lon: Option<f64>,
    pub ne_lat: Option<f64>,
    pub sw_lon: Option<f64>,
    pub sw_lat: Option<f64>,
    pub station_type: u8,
    pub ship_type: u8,
    pub txrx: u8,
    pub interval: u8,
    pub quiet: u8,
}

impl GroupAssignment {
    pub(crate) fn decode(b: &impl BitRead, cx: &mut Ctx) -> Self {
        GroupAssignment {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            ne_lon: lon18(b, 40, cx),
            ne_lat: lat17(b, 58, cx),
            sw_lon: lon18(b, 75, cx),
            sw_lat: lat17(b, 93, cx),
            station_type: b.u8(110, 4),
            ship_type: b.u8(114, 8),
            txrx: b.u8(144, 2),
            interval: b.u8(146, 4),
            quiet: b.u8(150, 4),
        }
    }
}
