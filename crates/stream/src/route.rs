//! The publisher's side, without IO: receivers' raw lines become messages
//! (the sentences of one complete AIS message with their receive time and
//! receiver) addressed to the partitions that must see them.
//!
//! A message with a position goes to its owner partition and the halo
//! partitions ([`Grid::partitions_for`]). A message without one (static and
//! voyage data, class B names) goes where its vessel's last position went;
//! before any position of that vessel it goes to every partition, so no
//! engine misses a vessel's name or type. Lines that do not decode are
//! dropped here, as the single-machine feed drops them.

use std::collections::HashMap;
use std::sync::Arc;

use jinghai_ais::Decoder;
use jinghai_engine::{FastMap, ObservationKind};
use jinghai_ingest::RawLine;

use crate::grid::Grid;

/// One message for the broker: its payload and the partitions to send it to.
#[derive(Debug, Clone, PartialEq)]
pub struct Routed {
    pub payload: Vec<u8>,
    pub partitions: Vec<u32>,
}

/// Encodes a message: `<receive ms>\t<receiver>\n<sentence>\n<sentence>…`.
pub fn encode_payload(received_ms: i64, source: &str, lines: &[Vec<u8>]) -> Vec<u8> {
    let mut p =
        Vec::with_capacity(24 + source.len() + lines.iter().map(|l| l.len() + 1).sum::<usize>());
    p.extend_from_slice(received_ms.to_string().as_bytes());
    p.push(b'\t');
    // A receiver name never spans lines or fields.
    p.extend(
        source
            .bytes()
            .map(|b| if b == b'\n' || b == b'\t' { b' ' } else { b }),
    );
    for l in lines {
        p.push(b'\n');
        p.extend_from_slice(l);
    }
    p
}

/// A decoded payload: receive time, receiver, sentences.
pub struct Payload<'a> {
    pub received_ms: i64,
    pub source: &'a str,
    pub lines: std::str::Split<'a, char>,
}

/// The end-of-recording marker: a replay that ends sends it to every
/// partition so the engines settle and close what is open, as a
/// single-machine replay does at the end of its file.
pub const END_OF_INPUT: &[u8] = b"END";

/// Reads a payload; `None` for one that is not (a foreign publisher's).
pub fn decode_payload(payload: &[u8]) -> Option<Payload<'_>> {
    let text = std::str::from_utf8(payload).ok()?;
    let (head, rest) = text.split_once('\n')?;
    let (ms, source) = head.split_once('\t')?;
    Some(Payload {
        received_ms: ms.parse().ok()?,
        source,
        lines: rest.split('\n'),
    })
}

/// A message id for the broker's duplicate window: the same message sent
/// twice (a retried publish, two publishers on one receiver) is stored once.
pub fn message_id(payload: &[u8], partition: u32) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in payload {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}-{partition}")
}

struct Receiver {
    decoder: Decoder,
    /// The sentences of the message being reassembled.
    pending: Vec<Vec<u8>>,
}

/// Routes raw lines to partitions. One per publisher.
pub struct Router {
    grid: Grid,
    receivers: HashMap<Arc<str>, Receiver>,
    /// Each vessel's partitions at its last position, for its static messages.
    last: FastMap<u32, Vec<u32>>,
    all: Vec<u32>,
    scratch: Vec<u32>,
}

impl Router {
    pub fn new(grid: Grid) -> Router {
        Router {
            grid,
            receivers: HashMap::new(),
            last: FastMap::default(),
            all: (0..grid.partitions).collect(),
            scratch: Vec::new(),
        }
    }

    pub fn grid(&self) -> &Grid {
        &self.grid
    }

    /// Every partition (where an end-of-input marker goes).
    pub fn all_partitions(&self) -> &[u32] {
        &self.all
    }

    /// Takes one raw line; returns the message it completed, if any.
    pub fn route(&mut self, line: &RawLine) -> Option<Routed> {
        let rx = self
            .receivers
            .entry(line.source.clone())
            .or_insert_with(|| Receiver {
                decoder: Decoder::new(),
                pending: Vec::new(),
            });
        let decoded = match rx.decoder.decode_line(&line.bytes) {
            Ok(Some(d)) => d,
            Ok(None) => {
                // A fragment: keep it with its message (bounded, as the
                // decoder's own reassembly is).
                if rx.pending.len() >= 9 {
                    rx.pending.clear();
                }
                rx.pending.push(line.bytes.clone());
                return None;
            }
            Err(_) => {
                return None;
            }
        };
        let mut lines = std::mem::take(&mut rx.pending);
        lines.push(line.bytes.clone());
        let time_ms = decoded.time_or(line.received_ms);
        let obs = jinghai_engine::from_ais::observation(&decoded, time_ms)?;
        let partitions = match &obs.kind {
            ObservationKind::Position(p)
                if p.lat.is_finite()
                    && p.lon.is_finite()
                    && p.lat.abs() <= 90.0
                    && p.lon.abs() <= 180.0 =>
            {
                self.grid.partitions_for(p.lat, p.lon, &mut self.scratch);
                let parts = self.scratch.clone();
                self.last.insert(obs.mmsi, parts.clone());
                parts
            }
            // An invalid position counts in its vessel's engine like any other.
            ObservationKind::Position(_) | ObservationKind::Static(_) => self
                .last
                .get(&obs.mmsi)
                .cloned()
                .unwrap_or_else(|| self.all.clone()),
        };
        Some(Routed {
            payload: encode_payload(line.received_ms, &line.source, &lines),
            partitions,
        })
    }
}
