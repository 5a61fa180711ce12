//! One partition's engine, without IO: the messages of its cells and their
//! halos go through an ordinary [`Engine`], and only the events it *owns* —
//! those whose position (FORMATS.md: the start position or the meeting
//! point) lies in one of its own cells — come out, keyed by what they are
//! rather than by who raised them, so the same event from a replay or a
//! restarted worker has the same key and is stored once.

use std::collections::HashMap;
use std::sync::Arc;

use jinghai_ais::Decoder;
use jinghai_engine::{
    Engine, EngineOutput, Event, EventId, FastMap, PortReport, VesselRecord, ZoneSet,
};

use jinghai_store::RegistryRevisions;

use crate::grid::Grid;
use crate::route::{decode_payload, END_OF_INPUT};

/// An owned event with its idempotency key.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyedEvent {
    /// `<feed>:<kind>:<mmsi>:<other mmsi or 0>:<zone or ->:<start ms>`.
    pub key: String,
    pub output: EngineOutput,
}

impl KeyedEvent {
    pub fn event(&self) -> &Event {
        self.output.event()
    }
    pub fn opened(&self) -> bool {
        matches!(self.output, EngineOutput::Opened(_))
    }
}

/// The key of an event: what it is, never which engine or run raised it.
pub fn event_key(feed: &str, e: &Event) -> String {
    format!(
        "{feed}:{}:{}:{}:{}:{}",
        e.kind.as_str(),
        e.mmsi,
        e.other_mmsi.unwrap_or(0),
        e.zone_id.as_deref().unwrap_or("-"),
        e.start_ms
    )
}

/// A district's registries as the database holds them: what a worker's
/// engines follow while running (vessels, places and port reports edited in
/// the UI on any node). The revisions say which parts changed, so a
/// partition applies only those.
#[derive(Debug, Clone, Default)]
pub struct Registries {
    pub vessels: Vec<VesselRecord>,
    pub zones: Option<ZoneSet>,
    pub reports: Vec<PortReport>,
    pub revisions: RegistryRevisions,
}

/// A partition's engine and the bookkeeping of which events it owns.
pub struct PartitionEngine {
    pub partition: u32,
    feed: Arc<str>,
    grid: Grid,
    pub engine: Engine,
    decoders: HashMap<Arc<str>, Decoder>,
    /// Events opened here: their key when owned, `None` when another
    /// partition owns them (they are followed here only as context).
    events: FastMap<EventId, Option<String>>,
    out: Vec<EngineOutput>,
    /// Messages taken, and whether the end-of-input marker was seen.
    pub messages: u64,
    pub ended: bool,
    /// The registry revisions the engine reflects (see [`Registries`]).
    pub applied: RegistryRevisions,
}

impl PartitionEngine {
    pub fn new(partition: u32, feed: &str, grid: Grid, engine: Engine) -> PartitionEngine {
        PartitionEngine {
            partition,
            feed: Arc::from(feed),
            grid,
            engine,
            decoders: HashMap::new(),
            events: FastMap::default(),
            out: Vec::new(),
            messages: 0,
            ended: false,
            applied: RegistryRevisions::default(),
        }
    }

    /// Takes registry edits over while running: vessels added or changed,
    /// the zones replaced (events the change ends come out like others), port
    /// reports counted (the engine ignores one it already has). Parts whose
    /// revision the engine reflects already are skipped. A vessel deleted
    /// from the registry stays known to the engine until the worker restarts.
    pub fn follow_registries(&mut self, r: &Registries, events: &mut Vec<KeyedEvent>) {
        if r.revisions.vessels != self.applied.vessels {
            for v in &r.vessels {
                self.engine.upsert_vessel(v.clone());
            }
            self.applied.vessels = r.revisions.vessels.clone();
        }
        if r.revisions.places != self.applied.places {
            if let Some(zones) = &r.zones {
                self.engine.replace_zones(zones.clone(), &mut self.out);
                self.take(events);
            }
            self.applied.places = r.revisions.places.clone();
        }
        if r.revisions.reports != self.applied.reports {
            for report in &r.reports {
                self.engine.add_port_report(report);
            }
            self.applied.reports = r.revisions.reports.clone();
        }
    }

    /// Runs one broker message through the engine; appends the owned events
    /// it caused to `events`.
    pub fn process(&mut self, payload: &[u8], events: &mut Vec<KeyedEvent>) {
        self.messages += 1;
        if payload == END_OF_INPUT {
            self.ended = true;
            self.engine.finish(&mut self.out);
            self.take(events);
            return;
        }
        let Some(p) = decode_payload(payload) else {
            tracing::warn!(
                partition = self.partition,
                "a message that is not an AIS payload was skipped"
            );
            return;
        };
        let decoder = match self.decoders.get_mut(p.source) {
            Some(d) => d,
            None => self.decoders.entry(Arc::from(p.source)).or_default(),
        };
        for line in p.lines {
            let Ok(Some(decoded)) = decoder.decode_line(line.as_bytes()) else {
                continue;
            };
            let time_ms = decoded.time_or(p.received_ms);
            if let Some(obs) = jinghai_engine::from_ais::observation(&decoded, time_ms) {
                self.engine.process(&obs, &mut self.out);
            }
        }
        self.take(events);
    }

    /// Settles episodes that ended by silence up to `now_ms` (a quiet live partition).
    pub fn advance_time(&mut self, now_ms: i64, events: &mut Vec<KeyedEvent>) {
        self.engine.advance_time(now_ms, &mut self.out);
        self.take(events);
    }

    fn take(&mut self, events: &mut Vec<KeyedEvent>) {
        for output in self.out.drain(..) {
            let e = output.event();
            let key = match &output {
                EngineOutput::Opened(e) => {
                    let owned = self.grid.owner(e.lat, e.lon) == self.partition;
                    let key = owned.then(|| event_key(&self.feed, e));
                    self.events.insert(e.id, key.clone());
                    key
                }
                EngineOutput::Updated(_) => self.events.get(&e.id).cloned().flatten(),
                EngineOutput::Closed(_) => self.events.remove(&e.id).flatten(),
            };
            if let Some(key) = key {
                events.push(KeyedEvent { key, output });
            }
        }
    }
}
