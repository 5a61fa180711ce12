//! The engine's output: events (alerts), their kinds, and the JSON Lines form.

use crate::time::format_rfc3339;
use serde::{Deserialize, Serialize};

/// The eight kinds of FORMATS.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    UnreportedPortEntry,
    AisGap,
    Encounter,
    LandingStop,
    RestrictedEntry,
    BoundaryCrossing,
    UnregisteredVessel,
    PositionJump,
}

impl EventKind {
    pub const ALL: [EventKind; 8] = [
        EventKind::UnreportedPortEntry,
        EventKind::AisGap,
        EventKind::Encounter,
        EventKind::LandingStop,
        EventKind::RestrictedEntry,
        EventKind::BoundaryCrossing,
        EventKind::UnregisteredVessel,
        EventKind::PositionJump,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::UnreportedPortEntry => "unreported_port_entry",
            EventKind::AisGap => "ais_gap",
            EventKind::Encounter => "encounter",
            EventKind::LandingStop => "landing_stop",
            EventKind::RestrictedEntry => "restricted_entry",
            EventKind::BoundaryCrossing => "boundary_crossing",
            EventKind::UnregisteredVessel => "unregistered_vessel",
            EventKind::PositionJump => "position_jump",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            EventKind::UnreportedPortEntry => "未报告进港",
            EventKind::AisGap => "AIS 信号中断",
            EventKind::Encounter => "海上搭靠/过驳",
            EventKind::LandingStop => "可疑停靠",
            EventKind::RestrictedEntry => "闯入限制区域",
            EventKind::BoundaryCrossing => "越界",
            EventKind::UnregisteredVessel => "未登记船舶",
            EventKind::PositionJump => "位置异常",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Stable identity of an event across `Opened`/`Updated`/`Closed`, in raise order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EventId(pub u64);

/// One alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub kind: EventKind,
    pub mmsi: u32,
    /// The counterpart of an encounter.
    pub other_mmsi: Option<u32>,
    pub start_ms: i64,
    /// `None` while the behaviour goes on.
    pub end_ms: Option<i64>,
    pub lat: f64,
    pub lon: f64,
    pub zone_id: Option<String>,
    /// Evidence: positions, distances, zone, counterpart.
    pub detail: serde_json::Value,
}

/// What the engine tells its driver, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum EngineOutput {
    /// A new event. Instant events (an entry, a crossing) are opened with `end_ms` set
    /// and closed straight away.
    Opened(Event),
    /// New evidence for an open event (same id).
    Updated(Event),
    /// The behaviour ended; the event is final.
    Closed(Event),
}

impl EngineOutput {
    pub fn event(&self) -> &Event {
        match self {
            EngineOutput::Opened(e) | EngineOutput::Updated(e) | EngineOutput::Closed(e) => e,
        }
    }
}

#[derive(Serialize)]
struct EventLine<'a> {
    kind: &'a str,
    mmsi: u32,
    other_mmsi: Option<u32>,
    start: String,
    end: String,
    lat: f64,
    lon: f64,
    zone_id: Option<&'a str>,
    detail: &'a serde_json::Value,
}

impl Event {
    /// The FORMATS.md JSON object (one line, no newline). An open event is written
    /// with `end` = `start`.
    pub fn to_json_line(&self) -> String {
        let line = EventLine {
            kind: self.kind.as_str(),
            mmsi: self.mmsi,
            other_mmsi: self.other_mmsi,
            start: format_rfc3339(self.start_ms),
            end: format_rfc3339(self.end_ms.unwrap_or(self.start_ms)),
            lat: (self.lat * 1e6).round() / 1e6,
            lon: (self.lon * 1e6).round() / 1e6,
            zone_id: self.zone_id.as_deref(),
            detail: &self.detail,
        };
        serde_json::to_string(&line).expect("events always serialise")
    }
}

/// Turns the live output stream into final events in the order they were raised,
/// each once: what `jinghai replay` writes as JSON Lines.
#[derive(Debug, Default)]
pub struct FinalEvents {
    /// Raised events not yet written, by id (= raise order); `Some` once closed.
    waiting: std::collections::BTreeMap<EventId, Option<Event>>,
}

impl FinalEvents {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes one output; returns the events that are now final and next in order.
    pub fn push(&mut self, output: EngineOutput, ready: &mut Vec<Event>) {
        match output {
            EngineOutput::Opened(e) => {
                self.waiting.insert(e.id, None);
            }
            EngineOutput::Updated(_) => {}
            EngineOutput::Closed(e) => {
                self.waiting.insert(e.id, Some(e));
                while let Some(entry) = self.waiting.first_entry() {
                    if entry.get().is_none() {
                        break;
                    }
                    ready.extend(entry.remove());
                }
            }
        }
    }

    /// Events still open (call after `Engine::finish`, which closes everything).
    pub fn pending(&self) -> usize {
        self.waiting.len()
    }
}
