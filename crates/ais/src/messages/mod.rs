//! Format: a packed payload → a typed ITU-R M.1371 message.
//!
//! Every struct holds values in real units (degrees, knots, metres) with
//! "not available" as `None`, never as the sentinel numbers of the standard.
//! Raw codes that have no unit (status, ship type, EPFD) stay integers.

mod base;
mod binary;
mod other;
mod position;
mod static_data;
mod text;

pub use base::BaseStationReport;
pub use binary::{BinaryAddressed, BinaryBroadcast, MultiSlotBinary, SingleSlotBinary};
pub use other::{
    AidToNavigation, AssignedMode, Assignment, BinaryAck, ChannelManagement, DataLinkManagement,
    DgnssBroadcast, GroupAssignment, Interrogation, SafetyAddressed, SafetyBroadcast,
    SlotReservation, UtcInquiry,
};
pub use position::{
    ClassBExtended, ClassBPosition, LongRangePosition, PositionReport, SarAircraft,
};
pub use static_data::{Eta, StaticAndVoyage, StaticDataReport, StaticPart};
pub use text::AisText;

use crate::bits::BitRead;
use crate::error::ErrorKind;

/// Raw binary application data, packed big-endian, with its exact bit length.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct BinaryData {
    /// Number of meaningful bits.
    pub bits: usize,
    /// The bits, first bit in the MSB of `data[0]`; the last byte is zero-padded.
    pub data: Vec<u8>,
}

/// Up to `N` entries of a message's short list, kept inline (types 7/13
/// acknowledge one to four stations, 16 assigns one or two, 20 reserves
/// one to four slot blocks): decoding one allocates nothing and the
/// message owns no heap memory. Reads as a slice of its entries.
#[derive(Clone, Copy)]
pub struct Few<T: Copy + Default, const N: usize> {
    items: [T; N],
    len: u8,
}

impl<T: Copy + Default, const N: usize> Few<T, N> {
    /// The first `n` (at most `N`) of `f(0)`, `f(1)`, ….
    pub(crate) fn from_fn(n: usize, mut f: impl FnMut(usize) -> T) -> Self {
        let n = n.min(N);
        let mut items = [T::default(); N];
        for (i, item) in items.iter_mut().enumerate().take(n) {
            *item = f(i);
        }
        Few {
            items,
            len: n as u8,
        }
    }
}

impl<T: Copy + Default, const N: usize> std::ops::Deref for Few<T, N> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items[..self.len as usize]
    }
}

impl<T: Copy + Default + PartialEq, const N: usize> PartialEq for Few<T, N> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: Copy + Default + Eq, const N: usize> Eq for Few<T, N> {}

impl<T: Copy + Default + std::fmt::Debug, const N: usize> std::fmt::Debug for Few<T, N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(feature = "serde")]
impl<T: Copy + Default + serde::Serialize, const N: usize> serde::Serialize for Few<T, N> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// One decoded AIS message.
///
/// The large, rare variants are boxed so that the enum stays the size of a
/// position report: it is moved on every line of the hot path. Type 18
/// is the last variant: its drop (a call on every decoded line) is then
/// answered by the one range check the drop code starts with, as for the
/// first two, rather than through its jump table (measured: 3 instructions
/// fewer per NY line).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[allow(missing_docs)]
pub enum Message {
    /// Types 1, 2, 3.
    Position(PositionReport),
    /// Types 4 and 11.
    BaseStation(BaseStationReport),
    /// Type 5.
    StaticAndVoyage(Box<StaticAndVoyage>),
    /// Type 6.
    BinaryAddressed(BinaryAddressed),
    /// Types 7 and 13.
    BinaryAck(BinaryAck),
    /// Type 8.
    BinaryBroadcast(BinaryBroadcast),
    /// Type 9.
    SarAircraft(SarAircraft),
    /// Type 10.
    UtcInquiry(UtcInquiry),
    /// Type 12.
    SafetyAddressed(SafetyAddressed),
    /// Type 14.
    SafetyBroadcast(SafetyBroadcast),
    /// Type 15.
    Interrogation(Interrogation),
    /// Type 16.
    AssignedMode(AssignedMode),
    /// Type 17.
    DgnssBroadcast(DgnssBroadcast),
    /// Type 19.
    ClassBExtended(Box<ClassBExtended>),
    /// Type 20.
    DataLinkManagement(DataLinkManagement),
    /// Type 21.
    AidToNavigation(Box<AidToNavigation>),
    /// Type 22.
    ChannelManagement(Box<ChannelManagement>),
    /// Type 23.
    GroupAssignment(Box<GroupAssignment>),
    /// Type 24 (part A or B).
    StaticDataReport(Box<StaticDataReport>),
    /// Type 25.
    SingleSlotBinary(SingleSlotBinary),
    /// Type 26.
    MultiSlotBinary(MultiSlotBinary),
    /// Type 27.
    LongRangePosition(LongRangePosition),
    /// Type 18.
    ClassBPosition(ClassBPosition),
}

/// The message types whose message [`Message::is_plain`] (one bit per type).
pub(crate) const PLAIN_TYPES: u32 = 1 << 1
    | 1 << 2
    | 1 << 3
    | 1 << 4
    | 1 << 7
    | 1 << 9
    | 1 << 10
    | 1 << 11
    | 1 << 13
    | 1 << 15
    | 1 << 16
    | 1 << 18
    | 1 << 20
    | 1 << 27;

// The payloads of [`Message::is_plain`]'s variants own no heap memory.
const _: () = {
    const fn copy<T: Copy>() {}
    copy::<PositionReport>();
    copy::<ClassBPosition>();
    copy::<BaseStationReport>();
    copy::<SarAircraft>();
    copy::<UtcInquiry>();
    copy::<LongRangePosition>();
    copy::<BinaryAck>();
    copy::<Interrogation>();
    copy::<AssignedMode>();
    copy::<DataLinkManagement>();
};

/// A position fix in the common shape of all position-bearing messages
/// (1/2/3, 4/11, 9, 18, 19, 21, 27), for consumers that only track vessels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    /// Transmitting station.
    pub mmsi: u32,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Speed over ground, knots.
    pub sog: Option<f32>,
    /// Course over ground, degrees.
    pub cog: Option<f32>,
    /// True heading, degrees.
    pub heading: Option<u16>,
    /// Navigational status (Class A and long range only).
    pub nav_status: Option<u8>,
    /// UTC second of the fix.
    pub second: Option<u8>,
}

/// Static vessel data in the common shape of types 5, 19 and 24 (each part
/// of a type 24 fills only its own fields), for registries and identity checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StaticInfo<'a> {
    /// Transmitting station.
    pub mmsi: u32,
    /// Vessel name, `None` when empty.
    pub name: Option<&'a str>,
    /// Call sign, `None` when empty.
    pub callsign: Option<&'a str>,
    /// IMO number (type 5 only).
    pub imo: Option<u32>,
    /// Ship and cargo type code.
    pub shiptype: Option<u8>,
    /// Destination (type 5 only), `None` when empty.
    pub destination: Option<&'a str>,
    /// Overall length (bow + stern), metres, when known.
    pub length_m: Option<u16>,
    /// Overall beam (port + starboard), metres, when known.
    pub beam_m: Option<u16>,
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

fn dims(bow: u16, stern: u16, port: u8, starboard: u8) -> (Option<u16>, Option<u16>) {
    let l = bow + stern;
    let b = port as u16 + starboard as u16;
    ((l > 0).then_some(l), (b > 0).then_some(b))
}

impl Message {
    /// A message no line decodes to (type 10 with MMSI 0 is not checked
    /// for, but nothing reads it): the decoder's empty slot.
    pub(crate) const EMPTY: Message = Message::UtcInquiry(UtcInquiry {
        repeat: 0,
        mmsi: 0,
        dest_mmsi: 0,
    });

    /// Whether the message owns nothing on the heap, so that its drop does
    /// nothing: the variants whose payload is `Copy` (checked below).
    #[inline(always)]
    pub(crate) fn is_plain(&self) -> bool {
        matches!(
            self,
            Message::Position(_)
                | Message::ClassBPosition(_)
                | Message::BaseStation(_)
                | Message::SarAircraft(_)
                | Message::UtcInquiry(_)
                | Message::LongRangePosition(_)
                | Message::BinaryAck(_)
                | Message::Interrogation(_)
                | Message::AssignedMode(_)
                | Message::DataLinkManagement(_)
        )
    }

    /// The static data carried by this message (types 5, 19, 24).
    pub fn static_info(&self) -> Option<StaticInfo<'_>> {
        Some(match self {
            Message::StaticAndVoyage(m) => {
                let (length_m, beam_m) = dims(m.to_bow, m.to_stern, m.to_port, m.to_starboard);
                StaticInfo {
                    mmsi: m.mmsi,
                    name: non_empty(&m.shipname),
                    callsign: non_empty(&m.callsign),
                    imo: m.imo,
                    shiptype: m.shiptype,
                    destination: non_empty(&m.destination),
                    length_m,
                    beam_m,
                }
            }
            Message::ClassBExtended(m) => {
                let (length_m, beam_m) = dims(m.to_bow, m.to_stern, m.to_port, m.to_starboard);
                StaticInfo {
                    mmsi: m.mmsi,
                    name: non_empty(&m.shipname),
                    shiptype: m.shiptype,
                    length_m,
                    beam_m,
                    ..Default::default()
                }
            }
            Message::StaticDataReport(m) => match &m.part {
                StaticPart::A { shipname } => StaticInfo {
                    mmsi: m.mmsi,
                    name: non_empty(shipname),
                    ..Default::default()
                },
                StaticPart::B {
                    shiptype,
                    callsign,
                    to_bow,
                    to_stern,
                    to_port,
                    to_starboard,
                    ..
                } => {
                    let (length_m, beam_m) = dims(*to_bow, *to_stern, *to_port, *to_starboard);
                    StaticInfo {
                        mmsi: m.mmsi,
                        callsign: non_empty(callsign),
                        shiptype: *shiptype,
                        length_m,
                        beam_m,
                        ..Default::default()
                    }
                }
            },
            _ => return None,
        })
    }

    /// The AIS message type (1..=27).
    pub fn msg_type(&self) -> u8 {
        use Message::*;
        match self {
            Position(m) => m.msg_type,
            BaseStation(m) => m.msg_type,
            StaticAndVoyage(_) => 5,
            BinaryAddressed(_) => 6,
            BinaryAck(m) => m.msg_type,
            BinaryBroadcast(_) => 8,
            SarAircraft(_) => 9,
            UtcInquiry(_) => 10,
            SafetyAddressed(_) => 12,
            SafetyBroadcast(_) => 14,
            Interrogation(_) => 15,
            AssignedMode(_) => 16,
            DgnssBroadcast(_) => 17,
            ClassBPosition(_) => 18,
            ClassBExtended(_) => 19,
            DataLinkManagement(_) => 20,
            AidToNavigation(_) => 21,
            ChannelManagement(_) => 22,
            GroupAssignment(_) => 23,
            StaticDataReport(_) => 24,
            SingleSlotBinary(_) => 25,
            MultiSlotBinary(_) => 26,
            LongRangePosition(_) => 27,
        }
    }

    /// The transmitting station's MMSI.
    #[inline]
    pub fn mmsi(&self) -> u32 {
        // Position reports (most of any feed) with two compares rather
        // than through the jump table of the whole enum.
        match self {
            Message::ClassBPosition(m) => m.mmsi,
            Message::Position(m) => m.mmsi,
            _ => self.mmsi_other(),
        }
    }

    /// [`Message::mmsi`] of the other variants, out of line (inline, the
    /// compiler folds the two compares back into one jump table).
    #[inline(never)]
    fn mmsi_other(&self) -> u32 {
        use Message::*;
        match self {
            Position(m) => m.mmsi,
            BaseStation(m) => m.mmsi,
            StaticAndVoyage(m) => m.mmsi,
            BinaryAddressed(m) => m.mmsi,
            BinaryAck(m) => m.mmsi,
            BinaryBroadcast(m) => m.mmsi,
            SarAircraft(m) => m.mmsi,
            UtcInquiry(m) => m.mmsi,
            SafetyAddressed(m) => m.mmsi,
            SafetyBroadcast(m) => m.mmsi,
            Interrogation(m) => m.mmsi,
            AssignedMode(m) => m.mmsi,
            DgnssBroadcast(m) => m.mmsi,
            ClassBPosition(m) => m.mmsi,
            ClassBExtended(m) => m.mmsi,
            DataLinkManagement(m) => m.mmsi,
            AidToNavigation(m) => m.mmsi,
            ChannelManagement(m) => m.mmsi,
            GroupAssignment(m) => m.mmsi,
            StaticDataReport(m) => m.mmsi,
            SingleSlotBinary(m) => m.mmsi,
            MultiSlotBinary(m) => m.mmsi,
            LongRangePosition(m) => m.mmsi,
        }
    }

    /// The position fix carried by this message, if it has a valid one.
    pub fn fix(&self) -> Option<Fix> {
        let (mmsi, lat, lon, sog, cog, second) = match self {
            Message::Position(m) => return m.fix(),
            Message::ClassBPosition(m) => return m.fix(),
            Message::ClassBExtended(m) => return m.fix(),
            Message::LongRangePosition(m) => return m.fix(),
            Message::SarAircraft(m) => {
                (m.mmsi, m.lat, m.lon, m.sog.map(f32::from), m.cog, m.second)
            }
            Message::BaseStation(m) => (m.mmsi, m.lat, m.lon, None, None, None),
            Message::AidToNavigation(m) => (m.mmsi, m.lat, m.lon, None, None, m.second),
            _ => return None,
        };
        Some(Fix {
            mmsi,
            lat: lat?,
            lon: lon?,
            sog,
            cog,
            heading: None,
            nav_status: None,
            second,
        })
    }
}

/// Decoding context: counts fields found out of range (decoded as `None`).
#[derive(Default)]
pub(crate) struct Ctx {
    pub out_of_range: u32,
}

impl Ctx {
    #[inline]
    fn oor<T>(&mut self) -> Option<T> {
        self.out_of_range += 1;
        None
    }
}

// Field helpers shared by the message modules. Each maps the standard's
// "not available" code to None and counts values outside the defined range.

/// Longitude, 28 bits, 1/10000 minute.
#[inline(always)]
pub(crate) fn lon28(b: &impl BitRead, at: usize, cx: &mut Ctx) -> Option<f64> {
    let raw = b.i(at, 28);
    match raw {
        108_600_000 => None,
        -108_000_000..=108_000_000 => Some(raw as f64 / 600_000.0),
        _ => cx.oor(),
    }
}

/// Latitude, 27 bits, 1/10000 minute.
#[inline(always)]
pub(crate) fn lat27(b: &impl BitRead, at: usize, cx: &mut Ctx) -> Option<f64> {
    let raw = b.i(at, 27);
    match raw {
        54_600_000 => None,
        -54_000_000..=54_000_000 => Some(raw as f64 / 600_000.0),
        _ => cx.oor(),
    }
}

/// Longitude, 18 bits, 1/10 minute (types 17, 22, 23, 27).
pub(crate) fn lon18(b: &impl BitRead, at: usize, cx: &mut Ctx) -> Option<f64> {
    let raw = b.i(at, 18);
    match raw {
        108_600 => None,
        -108_000..=108_000 => Some(raw as f64 / 600.0),
        _ => cx.oor(),
    }
}

/// Latitude, 17 bits, 1/10 minute.
pub(crate) fn lat17(b: &impl BitRead, at: usize, cx: &mut Ctx) -> Option<f64> {
    let raw = b.i(at, 17);
    match raw {
        54_600 => None,
        -54_000..=54_000 => Some(raw as f64 / 600.0),
        _ => cx.oor(),
    }
}

/// Speed over ground, 10 bits, 0.1 knot (1023 = not available, 1022 = ≥102.2).
#[inline(always)]
pub(crate) fn sog10(b: &impl BitRead, at: usize) -> Option<f32> {
    match b.u32(at, 10) {
        1023 => None,
        v => Some(v as f32 / 10.0),
    }
}

/// Course over ground, 12 bits, 0.1° (3600 = not available).
#[inline(always)]
pub(crate) fn cog12(b: &impl BitRead, at: usize, cx: &mut Ctx) -> Option<f32> {
    match b.u32(at, 12) {
        3600 => None,
        v @ 0..=3599 => Some(v as f32 / 10.0),
        _ => cx.oor(),
    }
}

/// True heading, 9 bits, degrees (511 = not available).
#[inline(always)]
pub(crate) fn heading9(b: &impl BitRead, at: usize, cx: &mut Ctx) -> Option<u16> {
    // Without a branch: whether a ship sends its heading (511 when it has
    // no compass link, as many Class B sets) changes from one report to
    // the next in any feed, and a branch on it was mispredicted about one
    // report in four.
    let v = b.u32(at, 9);
    cx.out_of_range += u32::from(v >= 360 && v != 511);
    (v < 360).then_some(v as u16)
}

/// UTC second, 6 bits (60 = not available, 61–63 = positioning system modes).
#[inline(always)]
pub(crate) fn second6(b: &impl BitRead, at: usize) -> Option<u8> {
    match b.u8(at, 6) {
        v @ 0..=59 => Some(v),
        _ => None,
    }
}

/// EPFD type, 4 bits (0 = undefined).
pub(crate) fn epfd4(b: &impl BitRead, at: usize) -> Option<u8> {
    match b.u8(at, 4) {
        0 => None,
        v => Some(v),
    }
}

/// The `N` (≤ 8) bits of `v` (the first in the most significant place,
/// as a field of `N` flags is read) as `N` bools, the first first: what
/// `N` one-bit reads give, computed in one word (a multiply places copies
/// of the bits nine apart, so that no two overlap and bit `k` lands in
/// byte `k`), so that the compiler may store neighbouring flags as one
/// word instead of extracting and storing each.
#[inline(always)]
pub(crate) fn flag_bytes<const N: usize>(v: u64) -> [bool; N] {
    const { assert!(N >= 1 && N <= 8) };
    // Byte `k` of `w` (k < N) is bit N - 1 - k of `v`: bit j of `v` times
    // 2^(9k) lands at j + 9k, which is 8k + (N - 1) for j = N - 1 - k.
    let w = (v & ((1 << N) - 1)).wrapping_mul(0x8040_2010_0804_0201) >> (N - 1);
    let w = opaque(w & 0x0101_0101_0101_0101);
    let bytes = w.to_le_bytes();
    // SAFETY: every byte of `w` is 0 or 1 (the mask above), the two
    // valid bit patterns of `bool`. A transmute rather than `!= 0`: the
    // compiler cannot see through `opaque`, so a compare would stay, and
    // this is what saves instructions (the byte is stored as it is).
    #[allow(clippy::transmute_int_to_bool)]
    std::array::from_fn(|k| unsafe { std::mem::transmute::<u8, bool>(bytes[k]) })
}

/// `v`, as a value the optimiser cannot see into (no instruction on
/// x86_64): [`flag_bytes`]'s bytes then stay whole bytes of one word,
/// rather than each being narrowed back to its own one-bit extraction
/// (measured: 3 instructions fewer per NY line than without).
#[inline(always)]
fn opaque(mut v: u64) -> u64 {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: an empty assembly block (a comment) that takes `v` in a
    // register and gives it back unchanged; it reads and writes no memory
    // and touches no flags or stack (`pure, nomem, nostack,
    // preserves_flags`).
    unsafe {
        std::arch::asm!("/* {0} */", inout(reg) v, options(pure, nomem, nostack, preserves_flags));
    }
    v
}

/// Minimum payload length in bits for each message type (index = type).
/// Shorter payloads are `TruncatedPayload`. Chosen as the shortest length
/// the standard allows (some types are variable), with the common
/// 2-bit-short type 5 accepted as gpsd and libais do.
const MIN_BITS: [u16; 28] = [
    0, 168, 168, 168, 168, 418, 88, 72, 56, 168, 72, 168, 72, 72, 40, 88, 92, 80, 168, 312, 72,
    272, 168, 160, 160, 40, 60, 96,
];

/// [`decode`] with position reports (types 1/2/3 and 18, most of any feed)
/// inlined into the caller and the other types out of line.
#[inline(always)]
pub(crate) fn decode_hot(b: &(impl BitRead + Copy), cx: &mut Ctx) -> Result<Message, ErrorKind> {
    // The checks of `decode` for these types: known type, ≥ 168 bits.
    if b.len() >= 168 {
        match b.u8(0, 6) {
            1..=3 => return Ok(Message::Position(PositionReport::decode(b, cx))),
            18 => return Ok(Message::ClassBPosition(ClassBPosition::decode(b, cx))),
            _ => {}
        }
    }
    // A copy for the call, made here: the payload (in registers on the
    // hot path) is then stored to memory for the other types only.
    let copy = *b;
    decode_cold(&copy, cx)
}

/// [`decode_hot`] into `out`, which holds a message whose drop does
/// nothing: a position report is written over it field by field, with no
/// copy of a built message and no drop. `heap` is set when another type
/// leaves a message that is not [`Message::is_plain`].
#[inline(always)]
pub(crate) fn decode_hot_into(
    b: &(impl BitRead + Copy),
    cx: &mut Ctx,
    out: &mut Message,
    heap: &mut bool,
    spare: &mut Spare,
) -> Result<(), ErrorKind> {
    // The checks of `decode` for these types: known type, ≥ 168 bits.
    if b.len() >= 168 {
        match b.u8(0, 6) {
            1..=3 => {
                write_plain(out, Message::Position(PositionReport::decode(b, cx)));
                return Ok(());
            }
            18 => {
                write_plain(out, Message::ClassBPosition(ClassBPosition::decode(b, cx)));
                return Ok(());
            }
            _ => {}
        }
    }
    // A copy for the call, made here: the payload (in registers on the
    // hot path) is then stored to memory for the other types only.
    let copy = *b;
    decode_cold_into(&copy, cx, out, heap, spare)
}

/// The other types of [`decode_hot_into`], out of line: a type 24 message
/// (one sentence) goes into a box of `spare`, a type 6 or 8 into its
/// bytes, as in [`decode_into`].
#[inline(never)]
fn decode_cold_into(
    b: &impl BitRead,
    cx: &mut Ctx,
    out: &mut Message,
    heap: &mut bool,
    spare: &mut Spare,
) -> Result<(), ErrorKind> {
    decode_into(b, cx, out, heap, spare)
}

/// The boxes of the last boxed messages of the two kinds every feed
/// carries many of (type 5, and type 24 which each Class B ship sends twice
/// every six minutes), and the data bytes of the last binary message
/// (types 6 and 8), kept for the next message of the kind so that
/// decoding one into the decoder's slot allocates nothing once warm.
#[derive(Default)]
pub(crate) struct Spare {
    voyage: Option<Box<StaticAndVoyage>>,
    report: Option<Box<StaticDataReport>>,
    /// The data bytes of the last binary message (types 6 and 8: a coast's
    /// met/hydro and inland reports).
    bytes: Option<Vec<u8>>,
}

impl Spare {
    /// Keeps the box of `old`, if it has one of the kept kinds and there is
    /// room; drops the rest of it.
    pub(crate) fn keep(&mut self, old: Message) {
        match old {
            Message::StaticAndVoyage(b) => {
                self.voyage.get_or_insert(b);
            }
            Message::StaticDataReport(b) => {
                self.report.get_or_insert(b);
            }
            Message::BinaryAddressed(m) => {
                self.bytes.get_or_insert(m.data.data);
            }
            Message::BinaryBroadcast(m) => {
                self.bytes.get_or_insert(m.data.data);
            }
            _ => {}
        }
    }
}

/// `m` in `spare`'s box, or a new one.
#[inline(always)]
fn boxed<T>(spare: &mut Option<Box<T>>, m: T) -> Box<T> {
    match spare.take() {
        Some(mut bx) => {
            *bx = m;
            bx
        }
        None => Box::new(m),
    }
}

/// [`decode`] into `out`, whose message may own heap memory only if
/// `heap` says so: that one is dropped first (its box kept in `spare` if it
/// is of a kept kind), any other written over without a drop (no jump on
/// its variant). A type 5 or type 24 message is decoded into one of
/// `spare`'s boxes rather than a new one, a type 6 or 8 into its bytes.
/// `heap` is then whether the new message may own heap memory.
#[inline(always)]
pub(crate) fn decode_into(
    b: &impl BitRead,
    cx: &mut Ctx,
    out: &mut Message,
    heap: &mut bool,
    spare: &mut Spare,
) -> Result<(), ErrorKind> {
    if *heap {
        *heap = false;
        spare.keep(std::mem::replace(out, Message::EMPTY));
    }
    let t = if b.len() >= 6 { b.u8(0, 6) } else { 0 };
    let m = if t == 5 && b.len() >= MIN_BITS[5] as usize {
        Message::StaticAndVoyage(boxed(&mut spare.voyage, StaticAndVoyage::decode(b)))
    } else if t == 24 && b.len() >= MIN_BITS[24] as usize {
        Message::StaticDataReport(boxed(&mut spare.report, StaticDataReport::decode(b)?))
    } else if t == 6 && b.len() >= MIN_BITS[6] as usize {
        let data = spare.bytes.take().unwrap_or_default();
        Message::BinaryAddressed(BinaryAddressed::decode_into(b, data))
    } else if t == 8 && b.len() >= MIN_BITS[8] as usize {
        let data = spare.bytes.take().unwrap_or_default();
        Message::BinaryBroadcast(BinaryBroadcast::decode_into(b, data))
    } else {
        decode(b, cx)?
    };
    // From the type field, without decoding the enum's niche.
    *heap = PLAIN_TYPES >> t & 1 == 0;
    debug_assert_eq!(*heap, !m.is_plain());
    write_plain(out, m);
    Ok(())
}

/// Write `m` over `out`, which holds a message whose drop does nothing
/// (not dropped: no call to the drop code).
#[inline(always)]
fn write_plain(out: &mut Message, m: Message) {
    debug_assert!(out.is_plain());
    std::mem::forget(std::mem::replace(out, m));
}

#[inline(never)]
fn decode_cold(b: &impl BitRead, cx: &mut Ctx) -> Result<Message, ErrorKind> {
    decode(b, cx)
}

/// Decode a packed payload. Inlined into the decoder so that the message is
/// built in place: returning it through a call costs a copy with a
/// store-forwarding stall, a measurable part of a position report's time.
#[inline(always)]
pub(crate) fn decode(b: &impl BitRead, cx: &mut Ctx) -> Result<Message, ErrorKind> {
    if b.len() < 6 {
        return Err(ErrorKind::TruncatedPayload);
    }
    let t = b.u8(0, 6);
    if t == 0 || t > 27 {
        return Err(ErrorKind::UnknownMessageType);
    }
    if b.len() < MIN_BITS[t as usize] as usize {
        return Err(ErrorKind::TruncatedPayload);
    }
    Ok(match t {
        1..=3 => Message::Position(PositionReport::decode(b, cx)),
        4 | 11 => Message::BaseStation(BaseStationReport::decode(b, cx)),
        5 => Message::StaticAndVoyage(Box::new(StaticAndVoyage::decode(b))),
        6 => Message::BinaryAddressed(BinaryAddressed::decode(b)),
        7 | 13 => Message::BinaryAck(BinaryAck::decode(b)),
        8 => Message::BinaryBroadcast(BinaryBroadcast::decode(b)),
        9 => Message::SarAircraft(SarAircraft::decode(b, cx)),
        10 => Message::UtcInquiry(UtcInquiry::decode(b)),
        12 => Message::SafetyAddressed(SafetyAddressed::decode(b)),
        14 => Message::SafetyBroadcast(SafetyBroadcast::decode(b)),
        15 => Message::Interrogation(Interrogation::decode(b)),
        16 => Message::AssignedMode(AssignedMode::decode(b)),
        17 => Message::DgnssBroadcast(DgnssBroadcast::decode(b, cx)),
        18 => Message::ClassBPosition(ClassBPosition::decode(b, cx)),
        19 => Message::ClassBExtended(Box::new(ClassBExtended::decode(b, cx))),
        20 => Message::DataLinkManagement(DataLinkManagement::decode(b)),
        21 => Message::AidToNavigation(Box::new(AidToNavigation::decode(b, cx))),
        22 => Message::ChannelManagement(Box::new(ChannelManagement::decode(b, cx))),
        23 => Message::GroupAssignment(Box::new(GroupAssignment::decode(b, cx))),
        24 => Message::StaticDataReport(Box::new(StaticDataReport::decode(b)?)),
        25 => Message::SingleSlotBinary(SingleSlotBinary::decode(b)),
        26 => Message::MultiSlotBinary(MultiSlotBinary::decode(b)),
        _ => Message::LongRangePosition(LongRangePosition::decode(b, cx)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A short list reads as the slice of its entries, at most `N`, and
    /// compares as that slice.
    #[test]
    fn few_is_its_slice() {
        let three = Few::<u16, 4>::from_fn(3, |i| 10 * i as u16 + 1);
        assert_eq!(*three, [1, 11, 21]);
        assert_eq!(format!("{three:?}"), "[1, 11, 21]");
        assert_eq!(*Few::<u16, 2>::from_fn(5, |i| i as u16), [0, 1]);
        assert_eq!(Few::<u16, 4>::from_fn(0, |_| 9).len(), 0);
        assert_eq!(three, Few::from_fn(3, |i| 10 * i as u16 + 1));
        assert_ne!(three, Few::from_fn(2, |i| 10 * i as u16 + 1));
        #[cfg(feature = "serde")]
        assert_eq!(serde_json::to_string(&three).unwrap(), "[1,11,21]");
    }

    /// `flag_bytes` gives what one-bit reads give, for every width and value.
    #[test]
    fn flag_bytes_is_bits() {
        fn check<const N: usize>() {
            for v in 0..1u64 << N {
                let f = flag_bytes::<N>(v);
                for (k, &b) in f.iter().enumerate() {
                    assert_eq!(b, (v >> (N - 1 - k)) & 1 == 1, "N={N} v={v:#b} k={k}");
                }
                // Bits above the field are ignored.
                assert_eq!(flag_bytes::<N>(v | !0 << N), f);
            }
        }
        check::<1>();
        check::<2>();
        check::<7>();
        check::<8>();
    }
}
