//! Binary messages (6, 8, 25, 26): the application header (DAC/FI) is
//! decoded, the application data is kept raw for whoever understands it.

use super::BinaryData;
use crate::bits::BitRead;

/// Type 6: addressed binary message.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct BinaryAddressed {
    pub repeat: u8,
    pub mmsi: u32,
    pub seqno: u8,
    pub dest_mmsi: u32,
    pub retransmit: bool,
    /// Designated area code.
    pub dac: u16,
    /// Function identifier.
    pub fid: u8,
    pub data: BinaryData,
}

impl BinaryAddressed {
    pub(crate) fn decode(b: &impl BitRead) -> Self {
        Self::decode_into(b, Vec::new())
    }

    /// [`BinaryAddressed::decode`] with its data in `data`'s memory.
    pub(crate) fn decode_into(b: &impl BitRead, data: Vec<u8>) -> Self {
        BinaryAddressed {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            seqno: b.u8(38, 2),
            dest_mmsi: b.u32(40, 30),
            retransmit: b.b(70),
            dac: b.u(72, 10) as u16,
            fid: b.u8(82, 6),
            data: b.raw_into(88, b.len(), data),
        }
    }
}

/// Type 8: broadcast binary message.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct BinaryBroadcast {
    pub repeat: u8,
    pub mmsi: u32,
    pub dac: u16,
    pub fid: u8,
    pub data: BinaryData,
}

impl BinaryBroadcast {
    pub(crate) fn decode(b: &impl BitRead) -> Self {
        Self::decode_into(b, Vec::new())
    }

    /// [`BinaryBroadcast::decode`] with its data in `data`'s memory.
    pub(crate) fn decode_into(b: &impl BitRead, data: Vec<u8>) -> Self {
        BinaryBroadcast {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            dac: b.u(40, 10) as u16,
            fid: b.u8(50, 6),
            data: b.raw_into(56, b.len(), data),
        }
    }
}

/// Header shared by 25 and 26: optional destination, optional application id.
fn header(b: &impl BitRead) -> (bool, bool, Option<u32>, Option<(u16, u8)>, usize) {
    let addressed = b.b(38);
    let structured = b.b(39);
    let mut at = 40;
    let dest = if addressed {
        // No spare after the MMSI: gpsd, libais and AIS-catcher all start
        // the application id / data right at bit 70.
        at += 30;
        Some(b.u32(40, 30))
    } else {
        None
    };
    let app = if structured {
        let v = (b.u(at, 10) as u16, b.u8(at + 10, 6));
        at += 16;
        Some(v)
    } else {
        None
    };
    (addressed, structured, dest, app, at)
}

/// Type 25: single-slot binary message.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct SingleSlotBinary {
    pub repeat: u8,
    pub mmsi: u32,
    pub dest_mmsi: Option<u32>,
    /// (DAC, FI) when the data is structured.
    pub app_id: Option<(u16, u8)>,
    pub data: BinaryData,
}

impl SingleSlotBinary {
    pub(crate) fn decode(b: &impl BitRead) -> Self {
        let (_, _, dest_mmsi, app_id, at) = header(b);
        SingleSlotBinary {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            dest_mmsi,
            app_id,
            data: b.raw(at, b.len()),
        }
    }
}

/// Type 26: multiple-slot binary message with communication state.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub struct MultiSlotBinary {
    pub repeat: u8,
    pub mmsi: u32,
    pub dest_mmsi: Option<u32>,
    pub app_id: Option<(u16, u8)>,
    pub data: BinaryData,
    /// Radio status: the last 20 bits.
    pub radio: u32,
}

impl MultiSlotBinary {
    pub(crate) fn decode(b: &impl BitRead) -> Self {
        let (_, _, dest_mmsi, app_id, at) = header(b);
        let end = b.len().saturating_sub(20).max(at);
        MultiSlotBinary {
            repeat: b.u8(6, 2),
            mmsi: b.u32(8, 30),
            dest_mmsi,
            app_id,
            data: b.raw(at, end),
            radio: if b.len() >= at + 20 {
                b.u32(b.len() - 20, 20)
            } else {
                0
            },
        }
    }
}
