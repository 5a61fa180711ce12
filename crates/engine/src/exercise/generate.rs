//! The exercise generator: a coastal district with zones, a registry, port reports,
//! AIS traffic and the truth — every event kind planted with near misses beside it.
//!
//! The layout lives in a local kilometre frame (x east from the coast, y north),
//! which each seed shifts, rotates and fills differently:
//!
//! ```text
//!  x=0 coast          x≈15 lane ends      open sea (spots)    boundary belt   strip   W
//!  | slot: cove ◀──────────┤                 ·  ·  ·  ·        ╎ line          ┆ no   |
//!  | slot: fishing port ◀──┤                 ·  ·  ·  ·        ╎               ┆ AIS  |
//!  | slot: restricted ◀────┤                 ·  ·  ·  ·        ╎               ┆ cover|
//! ```
//!
//! Every coastal zone has its own horizontal slot, reached only along its lane, so
//! traffic to one zone never passes another; open-sea behaviour happens at "spots"
//! 3.5 km apart, each used by one scenario. Truth times come from the simulated
//! geometry (distances, edge crossings) and the transmitted receive times, never
//! from the engine.

use super::nmea::{encode, Kinematics, Transmission};
use crate::event::EventKind;
use crate::geo::{self, LatLon};
use crate::time::format_rfc3339;
use crate::zones::{Zone, ZoneSet};
use serde_json::json;
use std::fmt::Write;

const KM_PER_DEG: f64 = geo::M_PER_DEG_LAT / 1000.0;
const KN_KMPS: f64 = 1.852 / 3600.0;
const LANE_END_X: f64 = 15.0;

/// What to generate.
#[derive(Debug, Clone)]
pub struct ExerciseOptions {
    pub seed: u64,
    pub hours: f64,
    /// Background vessels (fishing trips, transits, ships at anchor).
    pub background: usize,
    /// Multiplies every reporting interval (larger: fewer messages).
    pub interval_scale: f64,
    /// Whether to plant the scenarios (a benchmark may want background only).
    pub scenarios: bool,
    /// Where to put the layout instead of the seed's random place (a demo wants
    /// its district's waters). The seed still decides everything else.
    pub origin: Option<Origin>,
}

/// Where an exercise lies: the south-west corner of its layout (on the
/// generated coast) and the layout's rotation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Origin {
    pub lat: f64,
    pub lon: f64,
    /// Degrees counter-clockwise; 0 puts the coast on the west and the open sea east.
    pub rotation_deg: f64,
}

impl Default for ExerciseOptions {
    fn default() -> Self {
        Self {
            seed: 1,
            hours: 12.0,
            background: 40,
            interval_scale: 1.0,
            scenarios: true,
            origin: None,
        }
    }
}

/// A generated exercise: the five files, as text.
#[derive(Debug, Clone)]
pub struct Exercise {
    pub zones_geojson: String,
    pub vessels_csv: String,
    pub port_reports_csv: String,
    pub nmea: String,
    pub truth_jsonl: String,
    pub messages: usize,
    pub vessels: usize,
}

/// SplitMix64: small, seedable, good enough for scenery.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn f(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f()
    }
    fn int(&mut self, lo: u64, hi_inclusive: u64) -> u64 {
        lo + self.next_u64() % (hi_inclusive - lo + 1)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.int(0, i as u64) as usize;
            v.swap(i, j);
        }
    }
}

/// Local kilometre frame → WGS-84.
struct Frame {
    lat0: f64,
    lon0: f64,
    sin: f64,
    cos: f64,
    cos_lat: f64,
}

impl Frame {
    fn world(&self, x: f64, y: f64) -> LatLon {
        let e = x * self.cos - y * self.sin;
        let n = x * self.sin + y * self.cos;
        LatLon::new(
            self.lat0 + n / KM_PER_DEG,
            self.lon0 + e / (KM_PER_DEG * self.cos_lat),
        )
    }
    /// True course of a local direction.
    fn course(&self, dx: f64, dy: f64) -> f64 {
        let e = dx * self.cos - dy * self.sin;
        let n = dx * self.sin + dy * self.cos;
        e.atan2(n).to_degrees().rem_euclid(360.0)
    }
}

#[derive(Debug, Clone)]
struct ZoneSpec {
    id: String,
    name: String,
    kind: &'static str,
    applies_to: Option<&'static str>,
    /// Local vertices (closed ring, or the line's points).
    points: Vec<(f64, f64)>,
    center: (f64, f64),
    /// Circumradius (km) of a polygon zone.
    radius: f64,
}

fn regular_polygon(c: (f64, f64), r: f64, n: usize, phase: f64) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let a = phase + i as f64 * std::f64::consts::TAU / n as f64;
            (c.0 + r * a.cos(), c.1 + r * a.sin())
        })
        .collect();
    pts.push(pts[0]);
    pts
}

fn rectangle(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<(f64, f64)> {
    vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Fishing,
    Cargo,
    Tanker,
    Passenger,
    Speedboat,
    Service,
    LawEnforcement,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Fishing => "fishing",
            Kind::Cargo => "cargo",
            Kind::Tanker => "tanker",
            Kind::Passenger => "passenger",
            Kind::Speedboat => "speedboat",
            Kind::Service => "service",
            Kind::LawEnforcement => "law_enforcement",
        }
    }
    fn ship_type(self) -> u8 {
        match self {
            Kind::Fishing => 30,
            Kind::Cargo => 70,
            Kind::Tanker => 80,
            Kind::Passenger => 60,
            Kind::Speedboat => 37,
            Kind::Service => 52,
            Kind::LawEnforcement => 55,
        }
    }
}

/// One vessel's movement: keyframes `(t_s, x, y)` with straight legs between them.
#[derive(Debug, Clone)]
struct Plan {
    mmsi: u32,
    kind: Kind,
    class_b: bool,
    name: String,
    keys: Vec<(f64, f64, f64)>,
    silent: Vec<(f64, f64)>,
    /// Spoofed reports: window, offset (km), and whether reports alternate between
    /// the true and the offset position (two transmitters sharing one MMSI).
    spoof: Vec<(f64, f64, f64, f64, bool)>,
    slow_interval_s: f64,
    fast_interval_s: f64,
}

impl Plan {
    fn new(mmsi: u32, kind: Kind, class_b: bool, name: String, t0: f64, at: (f64, f64)) -> Self {
        Plan {
            mmsi,
            kind,
            class_b,
            name,
            keys: vec![(t0, at.0, at.1)],
            silent: Vec::new(),
            spoof: Vec::new(),
            slow_interval_s: 60.0,
            fast_interval_s: 30.0,
        }
    }
    fn now(&self) -> f64 {
        self.keys.last().expect("a plan starts somewhere").0
    }
    fn here(&self) -> (f64, f64) {
        let k = self.keys.last().expect("a plan starts somewhere");
        (k.1, k.2)
    }
    fn go(&mut self, to: (f64, f64), kn: f64) -> &mut Self {
        let (x, y) = self.here();
        let d = ((to.0 - x).powi(2) + (to.1 - y).powi(2)).sqrt();
        let t = self.now() + d / (kn * KN_KMPS);
        self.keys.push((t, to.0, to.1));
        self
    }
    fn stay(&mut self, secs: f64) -> &mut Self {
        let (x, y) = self.here();
        let t = self.now() + secs;
        self.keys.push((t, x, y));
        self
    }
    fn end(&self) -> f64 {
        self.now()
    }
    /// True position and velocity (km/s components) at `t`.
    fn state(&self, t: f64) -> (f64, f64, f64, f64) {
        let k = &self.keys;
        if t <= k[0].0 {
            return (k[0].1, k[0].2, 0.0, 0.0);
        }
        for w in k.windows(2) {
            let (a, b) = (w[0], w[1]);
            if t <= b.0 {
                let span = b.0 - a.0;
                if span <= 0.0 {
                    continue;
                }
                let f = (t - a.0) / span;
                return (
                    a.1 + (b.1 - a.1) * f,
                    a.2 + (b.2 - a.2) * f,
                    (b.1 - a.1) / span,
                    (b.2 - a.2) / span,
                );
            }
        }
        let last = k[k.len() - 1];
        (last.1, last.2, 0.0, 0.0)
    }
}

/// A transmitted position.
#[derive(Debug, Clone, Copy)]
struct Sent {
    t: i64,
    reported: LatLon,
}

struct TruthEvent {
    kind: EventKind,
    mmsi: u32,
    other: Option<u32>,
    start_s: i64,
    end_s: i64,
    at: LatLon,
    zone: Option<String>,
    direction: Option<&'static str>,
}

struct Builder {
    rng: Rng,
    frame: Frame,
    t0_epoch: i64,
    hours: f64,
    w: f64,
    h: f64,
    strip: f64,
    line_x: Vec<(f64, f64)>,
    line_drawn_north: bool,
    zones: Vec<ZoneSpec>,
    plans: Vec<Plan>,
    registry: Vec<String>,
    reports: Vec<(i64, String)>,
    truth: Vec<TruthEvent>,
    used_mmsi: std::collections::HashSet<u32>,
    spots: Vec<(f64, f64)>,
    belt_ys: Vec<f64>,
    /// Per coastal zone id: when its lane is next free (s from start).
    zone_free_at: std::collections::HashMap<String, f64>,
    interval_scale: f64,
}

fn mid(international: bool, rng: &mut Rng) -> u32 {
    if international {
        [351, 477, 563, 636, 538, 372][rng.int(0, 5) as usize]
    } else {
        [412, 413, 412, 414][rng.int(0, 3) as usize]
    }
}

impl Builder {
    fn mmsi(&mut self, international: bool) -> u32 {
        loop {
            let m = mid(international, &mut self.rng) * 1_000_000
                + self.rng.int(100_000, 999_999) as u32;
            if self.used_mmsi.insert(m) {
                return m;
            }
        }
    }

    /// Creates a vessel (registered unless `registered` is false) and returns its plan.
    fn vessel(
        &mut self,
        kind: Kind,
        international: bool,
        registered: bool,
        t0: f64,
        at: (f64, f64),
    ) -> Plan {
        let mmsi = self.mmsi(international);
        let n = self.plans.len();
        let (ais_name, reg_name) = match kind {
            Kind::Fishing => (format!("ZHE YU {n:04}"), format!("浙渔{n:04}")),
            Kind::Cargo | Kind::Tanker => (format!("OCEAN {n:04}"), format!("OCEAN {n:04}")),
            Kind::Speedboat => (format!("KT{n:04}"), format!("KT{n:04}")),
            _ => (format!("HAI {n:04}"), format!("海{n:04}")),
        };
        let class_b = matches!(kind, Kind::Fishing | Kind::Speedboat) && self.rng.chance(0.6);
        if registered {
            let flag = if international {
                ["PA", "LR", "SG", "MH", "HK"][self.rng.int(0, 4) as usize]
            } else {
                "CN"
            };
            let (owner_kind, owner) = if self.rng.chance(0.5) {
                ("enterprise", "宁波某渔业公司")
            } else {
                ("individual", "张某")
            };
            let home = if kind == Kind::Fishing {
                self.zones
                    .iter()
                    .find(|z| z.kind == "fishing_port")
                    .map(|z| z.id.clone())
                    .unwrap_or_default()
            } else {
                String::new()
            };
            self.registry.push(format!(
                "{mmsi},{reg_name},{},{flag},{international},{home},{owner_kind},{owner},ZJ{}",
                kind.as_str(),
                mmsi % 1_000_000
            ));
        }
        let mut plan = Plan::new(mmsi, kind, class_b, ais_name, t0, at);
        plan.slow_interval_s = 60.0 * self.interval_scale;
        plan.fast_interval_s = self.rng.range(20.0, 35.0) * self.interval_scale;
        plan
    }

    fn zone(&self, id: &str) -> &ZoneSpec {
        self.zones.iter().find(|z| z.id == id).expect("zone exists")
    }

    fn zones_of(&self, kind: &str) -> Vec<String> {
        self.zones
            .iter()
            .filter(|z| z.kind == kind)
            .map(|z| z.id.clone())
            .collect()
    }

    fn take_spot(&mut self) -> Option<(f64, f64)> {
        self.spots.pop()
    }

    /// A window of `len` seconds on a coastal zone's lane, after what is booked.
    fn book(&mut self, zone: &str, len: f64) -> Option<f64> {
        let free = *self.zone_free_at.get(zone).unwrap_or(&600.0);
        let start = free + self.rng.range(120.0, 1800.0);
        if start + len > self.hours * 3600.0 - 600.0 {
            return None;
        }
        self.zone_free_at
            .insert(zone.to_string(), start + len + 300.0);
        Some(start)
    }

    fn random_start(&mut self, len: f64) -> Option<f64> {
        let latest = self.hours * 3600.0 - len - 900.0;
        (latest > 900.0).then(|| self.rng.range(900.0, latest))
    }

    fn truth(
        &mut self,
        kind: EventKind,
        mmsi: u32,
        span: (i64, i64),
        at: LatLon,
        zone: Option<&str>,
    ) {
        self.truth.push(TruthEvent {
            kind,
            mmsi,
            other: None,
            start_s: span.0,
            end_s: span.1,
            at,
            zone: zone.map(str::to_string),
            direction: None,
        });
    }

    fn report(&mut self, t_s: f64, mmsi: u32, kind: &str, port: &str) {
        let t = self.t0_epoch + t_s.round() as i64;
        let persons = self.rng.int(2, 9);
        self.reports.push((
            t,
            format!(
                "{mmsi},{kind},{port},{},{persons}",
                format_rfc3339(t * 1000)
            ),
        ));
    }

    /// Clamps a point into the open sea between the lane ends and the boundary belt.
    fn open_sea(&self, p: (f64, f64)) -> (f64, f64) {
        let x_hi = self
            .line_x
            .iter()
            .map(|q| q.0)
            .fold(f64::INFINITY, f64::min)
            - 3.0;
        (
            p.0.clamp(LANE_END_X + 1.0, x_hi),
            p.1.clamp(2.0, self.h - 2.0),
        )
    }

    /// x of the boundary line at height y (local frame).
    fn line_x_at(&self, y: f64) -> f64 {
        let pts = &self.line_x;
        for w in pts.windows(2) {
            let (a, b) = if w[0].1 <= w[1].1 {
                (w[0], w[1])
            } else {
                (w[1], w[0])
            };
            if y >= a.1 && y <= b.1 {
                return a.0 + (b.0 - a.0) * (y - a.1) / (b.1 - a.1);
            }
        }
        pts[0].0
    }
}

/// Writes the NMEA lines of one transmission: `(out, mmsi, receive time s, what, sequence id)`.
pub type NmeaWriter<'a> = dyn FnMut(&mut String, u32, i64, &Transmission, u8) + 'a;

/// Generates one exercise, writing NMEA with the engine's own minimal encoder.
pub fn generate(opts: &ExerciseOptions) -> Exercise {
    generate_with(opts, &mut encode)
}

/// Generates one exercise, writing NMEA through `writer` (e.g. a full AIS encoder).
pub fn generate_with(opts: &ExerciseOptions, writer: &mut NmeaWriter<'_>) -> Exercise {
    let mut rng = Rng(opts.seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x6A09_E667_F3BC_C908);
    // Drawn even when an origin is given, so the rest of the seed's draws (and so
    // its traffic and truth) are the same wherever the layout is put.
    let mut theta = rng.range(-35.0, 35.0).to_radians();
    let mut lat0 = rng.range(24.0, 33.0);
    let mut lon0 = rng.range(118.0, 122.5);
    if let Some(o) = opts.origin {
        (theta, lat0, lon0) = (o.rotation_deg.to_radians(), o.lat, o.lon);
    }
    let frame = Frame {
        lat0,
        lon0,
        sin: theta.sin(),
        cos: theta.cos(),
        cos_lat: lat0.to_radians().cos(),
    };
    // Somewhere in 2021–2024, any time of day.
    let t0_epoch = 1_609_459_200 + rng.int(0, 4 * 365 * 86_400) as i64;
    let w = rng.range(58.0, 75.0);
    let h = rng.range(46.0, 58.0);
    let strip = rng.range(6.0, 11.0);
    let line_base = w - strip - rng.range(5.0, 9.0);
    let kink = rng.range(-2.0, 2.0);
    let line_drawn_north = rng.chance(0.5);
    let mut line_x = vec![
        (line_base, 0.5),
        (line_base + kink, h * rng.range(0.35, 0.65)),
        (line_base, h - 0.5),
    ];
    if !line_drawn_north {
        line_x.reverse();
    }
    let mut b = Builder {
        rng,
        frame,
        t0_epoch,
        hours: opts.hours,
        w,
        h,
        strip,
        line_x,
        line_drawn_north,
        zones: Vec::new(),
        plans: Vec::new(),
        registry: Vec::new(),
        reports: Vec::new(),
        truth: Vec::new(),
        used_mmsi: Default::default(),
        spots: Vec::new(),
        belt_ys: Vec::new(),
        zone_free_at: Default::default(),
        interval_scale: opts.interval_scale,
    };
    layout(&mut b);
    background(&mut b, opts.background);
    if opts.scenarios {
        scenarios(&mut b);
    }
    render(b, writer)
}

fn layout(b: &mut Builder) {
    let (w, h, strip) = (b.w, b.h, b.strip);
    let zone = |id: &str,
                name: &str,
                kind: &'static str,
                applies: Option<&'static str>,
                pts: Vec<(f64, f64)>| {
        let n = pts.len().saturating_sub(1).max(1) as f64;
        let cx = pts.iter().take(n as usize).map(|p| p.0).sum::<f64>() / n;
        let cy = pts.iter().take(n as usize).map(|p| p.1).sum::<f64>() / n;
        let radius = pts
            .iter()
            .map(|p| ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt())
            .fold(0.0, f64::max);
        ZoneSpec {
            id: id.into(),
            name: name.into(),
            kind,
            applies_to: applies,
            points: pts,
            center: (cx, cy),
            radius,
        }
    };
    b.zones.push(zone(
        "J1",
        "辖区海域",
        "jurisdiction",
        None,
        rectangle(0.0, 0.0, w, h),
    ));
    b.zones.push(zone(
        "C1",
        "岸基AIS覆盖区",
        "coverage",
        None,
        rectangle(0.0, 0.0, w - strip, h),
    ));
    let line: Vec<(f64, f64)> = b.line_x.clone();
    b.zones.push(ZoneSpec {
        id: "L1".into(),
        name: "渔业界线".into(),
        kind: "boundary",
        applies_to: Some("fishing"),
        points: line,
        center: (0.0, 0.0),
        radius: 0.0,
    });
    // Coastal slots, 4 km high, shuffled among the coastal zones.
    let slots = ((h - 2.0) / 4.0).floor() as usize;
    let mut ys: Vec<f64> = (0..slots).map(|i| 1.0 + 4.0 * i as f64 + 2.0).collect();
    b.rng.shuffle(&mut ys);
    let mut wanted: Vec<(&'static str, &'static str)> = vec![
        ("open_port", "P"),
        ("anchorage", "A"),
        ("fishing_port", "F"),
        ("fishing_port", "F"),
        ("cove", "K"),
        ("restricted", "R"),
        ("unlicensed_dock", "U"),
        ("temporary_berth", "B"),
    ];
    for (kind, prefix) in [
        ("fishing_port", "F"),
        ("cove", "K"),
        ("restricted", "R"),
        ("temporary_berth", "B"),
    ] {
        if wanted.len() < ys.len() && b.rng.chance(0.5) {
            wanted.push((kind, prefix));
        }
    }
    let mut counters = std::collections::HashMap::new();
    let mut restricted_seen = 0;
    for ((kind, prefix), y) in wanted.into_iter().zip(ys) {
        let n = counters.entry(prefix).or_insert(0);
        *n += 1;
        let id = format!("{prefix}{n}");
        let sides = b.rng.int(4, 8) as usize;
        let phase = b.rng.range(0.0, 1.0);
        let (name, applies, pts) = match kind {
            "open_port" => (
                "对外开放口岸",
                None,
                rectangle(0.3, y - 1.3, b.rng.range(4.0, 5.5), y + 1.3),
            ),
            "anchorage" => {
                let x0 = b.rng.range(5.0, 7.0);
                (
                    "国际锚地",
                    None,
                    rectangle(x0, y - 1.4, x0 + b.rng.range(3.5, 4.5), y + 1.4),
                )
            }
            "fishing_port" => (
                "渔港",
                None,
                regular_polygon(
                    (b.rng.range(1.5, 3.0), y),
                    b.rng.range(0.7, 1.1),
                    sides,
                    phase,
                ),
            ),
            "restricted" => {
                restricted_seen += 1;
                let applies = if restricted_seen == 1 {
                    "international"
                } else {
                    "all"
                };
                let x1 = b.rng.range(6.0, 9.0);
                (
                    "非开放水域",
                    Some(applies),
                    rectangle(0.5, y - 1.3, x1, y + 1.3),
                )
            }
            _ => {
                let name = match kind {
                    "cove" => "岙口",
                    "unlicensed_dock" => "无证码头",
                    _ => "临时停靠点",
                };
                (
                    name,
                    None,
                    regular_polygon(
                        (b.rng.range(1.0, 3.0), y),
                        b.rng.range(0.35, 0.6),
                        sides,
                        phase,
                    ),
                )
            }
        };
        b.zones
            .push(zone(&id, &format!("{name}{n}"), kind, applies, pts));
    }
    // Open-sea spots, 3.5 km apart, between the lane ends and the boundary belt.
    let x_hi = b.line_x.iter().map(|p| p.0).fold(f64::INFINITY, f64::min) - 4.0;
    let mut spots = Vec::new();
    let mut x = LANE_END_X + 3.5;
    while x <= x_hi {
        let mut y = 2.5;
        while y <= h - 2.5 {
            spots.push((x, y));
            y += 3.5;
        }
        x += 3.5;
    }
    b.rng.shuffle(&mut spots);
    // Islands take a few spots.
    for i in 1..=b.rng.int(1, 2) {
        if let Some(c) = spots.pop() {
            let sides = b.rng.int(5, 8) as usize;
            let pts = regular_polygon(c, b.rng.range(0.5, 0.8), sides, b.rng.range(0.0, 1.0));
            b.zones.push(zone(
                &format!("I{i}"),
                &format!("无人岛{i}"),
                "uninhabited_island",
                None,
                pts,
            ));
        }
    }
    b.spots = spots;
    let mut belt: Vec<f64> = (0..((h - 4.0) / 3.0) as usize)
        .map(|i| 2.0 + 3.0 * i as f64)
        .collect();
    b.rng.shuffle(&mut belt);
    b.belt_ys = belt;
}

fn background(b: &mut Builder, count: usize) {
    let end = b.hours * 3600.0;
    let ports = b.zones_of("fishing_port");
    let anchorage = b.zones_of("anchorage")[0].clone();
    let open_port = b.zones_of("open_port")[0].clone();
    for i in 0..count {
        match i % 5 {
            // Fishing trips: in port, reported departure, trawling at a spot, reported arrival.
            0 | 1 => {
                let port = ports[b.rng.int(0, ports.len() as u64 - 1) as usize].clone();
                let z = b.zone(&port).clone();
                let berth = jitter_in(&mut b.rng, z.center, z.radius * 0.3);
                let mut p = b.vessel(Kind::Fishing, false, true, 0.0, berth);
                p.slow_interval_s = 180.0 * b.interval_scale;
                let depart = b.rng.range(300.0, end * 0.4);
                p.stay(depart);
                let r0 = b.rng.range(300.0, 3000.0);
                b.report(depart - r0, p.mmsi, "departure", &port);
                let ground = (
                    b.rng.range(LANE_END_X + 3.0, b.line_x_at(z.center.1) - 5.0),
                    b.rng.range(3.0, b.h - 3.0),
                );
                p.go((LANE_END_X, z.center.1), 7.0).go(ground, 8.0);
                // Trawling: a slow zig-zag at 4–5 kn, never below the encounter speed.
                for _ in 0..b.rng.int(3, 6) {
                    let (x, y) = p.here();
                    let next = (
                        (x + b.rng.range(-1.5, 1.5)).clamp(LANE_END_X + 2.0, b.line_x_at(y) - 3.0),
                        (y + b.rng.range(-1.5, 1.5)).clamp(2.0, b.h - 2.0),
                    );
                    p.go(next, b.rng.range(4.0, 5.0));
                }
                p.go((LANE_END_X, z.center.1), 8.0);
                let berth = jitter_in(&mut b.rng, z.center, z.radius * 0.3);
                p.go(berth, 5.0);
                let arrive = p.now();
                // Arrival reported 30 min to 20 h before arriving (also when that is
                // after the exercise ends: the entry may still fall inside it).
                let r0 = b.rng.range(1800.0, 20.0 * 3600.0);
                b.report(arrive - r0, p.mmsi, "arrival", &port);
                p.stay(end);
                b.plans.push(p);
            }
            // Transits from beyond the district to the anchorage or the open port.
            2 | 3 => {
                let to = if i % 5 == 2 {
                    anchorage.clone()
                } else {
                    open_port.clone()
                };
                let z = b.zone(&to).clone();
                let kind = [Kind::Cargo, Kind::Tanker, Kind::Passenger][b.rng.int(0, 2) as usize];
                let y = z.center.1;
                let start = b.rng.range(0.0, end * 0.7);
                let r0 = b.rng.chance(0.7);
                let r1 = b.rng.range(-1.0, 1.0);
                let mut p = b.vessel(kind, r0, true, start, (b.w + 4.0, y + r1));
                p.slow_interval_s = 180.0 * b.interval_scale;
                let spot = jitter_in(&mut b.rng, z.center, z.radius * 0.4);
                p.go((LANE_END_X, y), b.rng.range(10.0, 14.0))
                    .go(spot, 6.0)
                    .stay(end);
                b.plans.push(p);
            }
            // At anchor all along.
            _ => {
                let z = b.zone(&anchorage).clone();
                let spot = jitter_in(&mut b.rng, z.center, z.radius * 0.5);
                let r0 = b.rng.chance(0.8);
                let mut p = b.vessel(Kind::Cargo, r0, true, 0.0, spot);
                p.slow_interval_s = 180.0 * b.interval_scale;
                p.stay(end);
                b.plans.push(p);
            }
        }
    }
}

fn jitter_in(rng: &mut Rng, c: (f64, f64), r: f64) -> (f64, f64) {
    let a = rng.range(0.0, std::f64::consts::TAU);
    let d = r * rng.f().sqrt();
    (c.0 + d * a.cos(), c.1 + d * a.sin())
}

fn scenarios(b: &mut Builder) {
    encounters(b);
    landings(b);
    gaps(b);
    restricted(b);
    crossings(b);
    unregistered(b);
    port_entries(b);
    jumps(b);
}

fn encounters(b: &mut Builder) {
    let variants = ["meet", "meet", "short", "far", "convoy", "anchorage"];
    for v in variants {
        let len = 3.0 * 3600.0;
        let Some(t0) = b.random_start(len) else {
            continue;
        };
        let kinds = [Kind::Fishing, Kind::Speedboat, Kind::Tanker, Kind::Service];
        let ka = kinds[b.rng.int(0, 3) as usize];
        let kb = kinds[b.rng.int(0, 3) as usize];
        let (center, spacing_km, stay_s) = match v {
            "anchorage" => {
                let z = b.zone(&b.zones_of("anchorage")[0]).clone();
                (z.center, 0.08, b.rng.range(1800.0, 3000.0))
            }
            _ => {
                let Some(s) = b.take_spot() else { continue };
                let spacing = if v == "far" {
                    b.rng.range(0.32, 0.45)
                } else {
                    b.rng.range(0.03, 0.12)
                };
                let stay = if v == "short" {
                    b.rng.range(240.0, 420.0)
                } else {
                    b.rng.range(900.0, 2400.0)
                };
                (s, spacing, stay)
            }
        };
        let heading = b.rng.range(0.0, std::f64::consts::TAU);
        let (ux, uy) = (heading.cos(), heading.sin());
        let pa = (
            center.0 - ux * spacing_km / 2.0,
            center.1 - uy * spacing_km / 2.0,
        );
        let pb = (
            center.0 + ux * spacing_km / 2.0,
            center.1 + uy * spacing_km / 2.0,
        );
        let mut a = b.vessel(ka, false, true, t0, (pa.0 - 2.5, pa.1 + 1.5));
        let mut c = b.vessel(kb, false, true, t0, (pb.0 + 2.5, pb.1 - 1.5));
        if v == "anchorage" {
            // Arrive along the anchorage's own lane.
            a = b.vessel(ka, false, true, t0, (LANE_END_X, center.1 + 0.3));
            c = b.vessel(kb, false, true, t0 + 60.0, (LANE_END_X, center.1 - 0.3));
        }
        if v == "convoy" {
            // Side by side at 5 kn for half an hour: close, but not slow.
            // Westwards, away from the boundary line.
            let dir = (b.rng.range(-1.0, 0.2), b.rng.range(-1.0, 1.0));
            let norm = (dir.0 * dir.0 + dir.1 * dir.1).sqrt().max(0.1);
            let d = (dir.0 / norm * 4.5, dir.1 / norm * 4.5);
            a.keys = vec![(t0, pa.0, pa.1)];
            c.keys = vec![(t0, pb.0, pb.1)];
            a.go((pa.0 + d.0, pa.1 + d.1), 5.0);
            c.go((pb.0 + d.0, pb.1 + d.1), 5.0);
        } else {
            a.go(pa, 5.0);
            c.go(pb, 5.0);
            let meet = a.now().max(c.now());
            a.stay(meet - a.now() + stay_s);
            c.stay(meet - c.now() + stay_s);
            a.go((pa.0 - 3.0, pa.1 - 1.0), 6.0);
            c.go((pb.0 + 3.0, pb.1 + 1.0), 6.0);
        }
        if matches!(v, "meet") {
            if let Some((s, e, at)) = close_interval(b, &a, &c, 200.0) {
                let (lo, hi) = if a.mmsi < c.mmsi {
                    (a.mmsi, c.mmsi)
                } else {
                    (c.mmsi, a.mmsi)
                };
                b.truth(EventKind::Encounter, lo, (s, e), at, None);
                b.truth.last_mut().expect("just pushed").other = Some(hi);
            }
        }
        b.plans.push(a);
        b.plans.push(c);
    }
}

/// When two plans are within `metres` (sampled every 5 s): (start, end, meeting point).
fn close_interval(b: &Builder, a: &Plan, c: &Plan, metres: f64) -> Option<(i64, i64, LatLon)> {
    let (from, to) = (a.keys[0].0.max(c.keys[0].0), a.end().min(c.end()));
    let mut t = from;
    let mut span: Option<(f64, f64, LatLon)> = None;
    while t <= to {
        let (ax, ay, ..) = a.state(t);
        let (cx, cy, ..) = c.state(t);
        let (pa, pc) = (b.frame.world(ax, ay), b.frame.world(cx, cy));
        if geo::distance_m(pa, pc) <= metres {
            let s = span.get_or_insert((t, t, geo::lerp(pa, pc, 0.5)));
            s.1 = t;
        }
        t += 5.0;
    }
    span.map(|(s, e, at)| (b.t0_epoch + s as i64, b.t0_epoch + e as i64, at))
}

fn landings(b: &mut Builder) {
    let mut places: Vec<String> = ["cove", "unlicensed_dock", "temporary_berth"]
        .iter()
        .flat_map(|k| b.zones_of(k))
        .collect();
    let islands = b.zones_of("uninhabited_island");
    places.extend(islands);
    for id in places {
        let z = b.zone(&id).clone();
        let island = z.kind == "uninhabited_island";
        let mut variants = vec!["stop", "brief", "outside", "slow_pass"];
        b.rng.shuffle(&mut variants);
        for v in variants {
            let stay = match v {
                "stop" => b.rng.range(600.0, 1800.0),
                "brief" => b.rng.range(120.0, 180.0),
                "outside" => b.rng.range(900.0, 1500.0),
                _ => 0.0,
            };
            let len = stay + 3600.0;
            let Some(t0) = b.book(&id, len) else { continue };
            let kind = [
                Kind::Speedboat,
                Kind::Fishing,
                Kind::Service,
                Kind::LawEnforcement,
            ][b.rng.int(0, 3) as usize];
            let approach = if island {
                (z.center.0 + 3.0, z.center.1 + 0.5)
            } else {
                (LANE_END_X, z.center.1)
            };
            let mut p = b.vessel(kind, false, true, t0, approach);
            let target = match v {
                "outside" => (z.center.0 + z.radius + 0.5, z.center.1),
                _ => jitter_in(&mut b.rng, z.center, z.radius * 0.25),
            };
            if v == "slow_pass" {
                p.go((z.center.0 + z.radius + 1.0, z.center.1), 6.0);
                p.go(target, 2.5)
                    .go((z.center.0 + z.radius + 1.0, z.center.1 + 0.1), 2.5);
            } else {
                p.go(target, 6.0);
                let arrive = p.now();
                p.stay(stay);
                if v == "stop" {
                    let at = b.frame.world(target.0, target.1);
                    let span = (
                        b.t0_epoch + arrive as i64,
                        b.t0_epoch + (arrive + stay) as i64,
                    );
                    b.truth(EventKind::LandingStop, p.mmsi, span, at, Some(&id));
                }
            }
            p.go(approach, 6.0);
            b.plans.push(p);
        }
    }
}

fn gaps(b: &mut Builder) {
    // Silent at a spot in open sea (positive), too briefly (near miss).
    for v in ["gap", "gap", "short"] {
        let silence = if v == "gap" {
            b.rng.range(2400.0, 5400.0)
        } else {
            b.rng.range(600.0, 1200.0)
        };
        let Some(t0) = b.random_start(silence + 5400.0) else {
            continue;
        };
        let Some(spot) = b.take_spot() else { continue };
        let kind = [Kind::Speedboat, Kind::Fishing, Kind::Cargo][b.rng.int(0, 2) as usize];
        let mut p = b.vessel(kind, false, true, t0, (spot.0 - 3.0, spot.1 + 0.5));
        p.go(spot, 8.0).stay(900.0);
        let off = p.now();
        p.stay(silence + 900.0)
            .go((spot.0 - 3.0, spot.1 - 1.0), 8.0);
        p.silent.push((off, off + silence));
        b.plans.push(p);
    }
    // Silent while leaving coverage (near miss): starts inside, ends outside.
    if let (Some(y), Some(t0)) = (b.belt_ys.pop(), b.random_start(4.0 * 3600.0)) {
        let mut p = b.vessel(Kind::Cargo, false, true, t0, (b.line_x_at(y) + 1.0, y));
        let edge = b.w - b.strip;
        p.go((b.w + 6.0, y), 8.0);
        let t_in = t0 + (edge - 2.0 - (b.line_x_at(y) + 1.0)).max(0.5) / (8.0 * KN_KMPS);
        p.silent.push((t_in, p.end() + 1.0));
        b.plans.push(p);
    }
    // Silent at anchor (near miss): anchorage is excluded.
    let z = b.zone(&b.zones_of("anchorage")[0]).clone();
    if let Some(t0) = b.random_start(3.0 * 3600.0) {
        let spot = jitter_in(&mut b.rng, z.center, z.radius * 0.4);
        let mut p = b.vessel(Kind::Tanker, true, true, t0, spot);
        p.stay(3.0 * 3600.0);
        p.silent
            .push((t0 + 1800.0, t0 + 1800.0 + b.rng.range(2400.0, 4800.0)));
        b.plans.push(p);
    }
}

fn restricted(b: &mut Builder) {
    for id in b.zones_of("restricted") {
        let z = b.zone(&id).clone();
        let for_international = z.applies_to == Some("international");
        let mut variants = vec!["enter", "wrong_vessel", "outside"];
        if !for_international {
            variants.retain(|v| *v != "wrong_vessel");
        }
        b.rng.shuffle(&mut variants);
        for v in variants {
            let Some(t0) = b.book(&id, 3600.0) else {
                continue;
            };
            let international = match v {
                "wrong_vessel" => false,
                _ => for_international,
            };
            let kind = if international {
                Kind::Cargo
            } else {
                Kind::Speedboat
            };
            let y = z.center.1 + b.rng.range(-0.6, 0.6);
            let mut p = b.vessel(kind, international, true, t0, (LANE_END_X, y));
            let x_edge = z
                .points
                .iter()
                .map(|p| p.0)
                .fold(f64::NEG_INFINITY, f64::max);
            let target = if v == "outside" {
                (x_edge + 0.6, y)
            } else {
                (z.center.0, y)
            };
            p.go(target, 7.0).stay(300.0).go((LANE_END_X, y + 0.2), 7.0);
            if v == "enter" {
                let t_entry = t0 + (LANE_END_X - x_edge) / (7.0 * KN_KMPS);
                let at = b.frame.world(x_edge, y);
                let t = b.t0_epoch + t_entry.round() as i64;
                b.truth(EventKind::RestrictedEntry, p.mmsi, (t, t), at, Some(&id));
            }
            b.plans.push(p);
        }
    }
}

fn crossings(b: &mut Builder) {
    for v in ["cross", "cross", "not_fishing", "turn_back"] {
        let Some(y) = b.belt_ys.pop() else { continue };
        let Some(t0) = b.random_start(3.0 * 3600.0) else {
            continue;
        };
        let xl = b.line_x_at(y);
        let kind = if v == "not_fishing" {
            Kind::Cargo
        } else {
            Kind::Fishing
        };
        let start = (xl - 3.0, y);
        let mut p = b.vessel(kind, false, true, t0, start);
        let far = if v == "turn_back" {
            (xl - 0.4, y)
        } else {
            (xl + 3.0, y)
        };
        let kn = b.rng.range(6.0, 9.0);
        p.go(far, kn).stay(b.rng.range(300.0, 1200.0));
        let back_from = p.now();
        p.go((xl - 3.0, y + 0.3), kn);
        if v == "cross" {
            // Walking the line in its drawn order, the left side is inside.
            let (out_first, in_second) = if b.line_drawn_north {
                ("out", "in")
            } else {
                ("in", "out")
            };
            let t1 = t0 + 3.0 / (kn * KN_KMPS);
            // Going back along a slightly slanted path: find where it meets the line.
            let back = crossing_time(b, &p, back_from, p.end());
            let at1 = b.frame.world(xl, y);
            for (t, dir, at) in [(t1, out_first, at1), (back.0, in_second, back.1)] {
                let ts = b.t0_epoch + t.round() as i64;
                b.truth(
                    EventKind::BoundaryCrossing,
                    p.mmsi,
                    (ts, ts),
                    at,
                    Some("L1"),
                );
                b.truth.last_mut().expect("just pushed").direction = Some(dir);
            }
        }
        b.plans.push(p);
    }
}

/// When a plan's true path passes the boundary line between `from` and `to` (bisection).
fn crossing_time(b: &Builder, p: &Plan, from: f64, to: f64) -> (f64, LatLon) {
    let side = |t: f64| {
        let (x, y, ..) = p.state(t);
        x - b.line_x_at(y)
    };
    let (mut lo, mut hi) = (from, to);
    let s_lo = side(lo);
    for _ in 0..60 {
        let m = (lo + hi) / 2.0;
        if side(m).signum() == s_lo.signum() {
            lo = m;
        } else {
            hi = m;
        }
    }
    let (x, y, ..) = p.state(hi);
    (hi, b.frame.world(x, y))
}

fn unregistered(b: &mut Builder) {
    for v in ["inside", "invalid", "outside", "no_identity"] {
        let Some(t0) = b.random_start(2.0 * 3600.0) else {
            continue;
        };
        match v {
            "inside" | "invalid" => {
                let Some(spot) = b.take_spot() else { continue };
                let mut p = b.vessel(Kind::Speedboat, false, false, t0, spot);
                if v == "invalid" {
                    // Seven digits: no ship station has such an MMSI.
                    p.mmsi = b.rng.int(1_000_000, 9_999_999) as u32;
                }
                p.go((spot.0 + 1.0, spot.1 + 2.0), 9.0)
                    .go((spot.0 - 1.5, spot.1 + 0.5), 9.0);
                let at = b.frame.world(spot.0, spot.1);
                // The first report is a whole number of seconds after t0 (see `transmit`).
                b.truth(
                    EventKind::UnregisteredVessel,
                    p.mmsi,
                    (b.t0_epoch + t0 as i64, b.t0_epoch + t0 as i64 + 60),
                    at,
                    None,
                );
                b.plans.push(p);
            }
            "outside" => {
                let x = b.w + b.rng.range(3.0, 8.0);
                let mut p = b.vessel(Kind::Speedboat, false, false, t0, (x, 2.0));
                p.go((x, b.h - 2.0), 12.0);
                b.plans.push(p);
            }
            _ => {
                let Some(spot) = b.take_spot() else { continue };
                let mut p = b.vessel(Kind::Fishing, false, true, t0, spot);
                // A registered row with no name and no registry number (三无 candidate).
                if let Some(row) = b.registry.last_mut() {
                    let mut f: Vec<String> = row.split(',').map(str::to_string).collect();
                    f[1].clear();
                    f[8].clear();
                    *row = f.join(",");
                }
                p.go((spot.0 + 2.0, spot.1), 8.0);
                b.plans.push(p);
            }
        }
    }
}

fn port_entries(b: &mut Builder) {
    let ports = b.zones_of("fishing_port");
    let mut variants = vec![
        "none",
        "old_report",
        "other_port",
        "late_report",
        "reported_before",
        "reported_after",
        "not_fishing",
    ];
    b.rng.shuffle(&mut variants);
    for (i, v) in variants.into_iter().enumerate() {
        let port = ports[i % ports.len()].clone();
        let z = b.zone(&port).clone();
        let Some(t0) = b.book(&port, 1800.0) else {
            continue;
        };
        let kind = if v == "not_fishing" {
            Kind::Service
        } else {
            Kind::Fishing
        };
        let y = z.center.1 + b.rng.range(-0.2, 0.2);
        let mut p = b.vessel(kind, false, true, t0, (LANE_END_X, y));
        let berth = (z.center.0, y);
        p.go(berth, 6.0).stay(b.hours * 3600.0);
        let entry = entry_time(b, &z, &p);
        let entry_s = entry.0;
        match v {
            "old_report" => {
                let r0 = b.rng.range(25.5, 30.0);
                b.report(entry_s - r0 * 3600.0, p.mmsi, "arrival", &port)
            }
            "other_port" => {
                if let Some(other) = ports.iter().find(|o| **o != port).cloned() {
                    let r0 = b.rng.range(1800.0, 7200.0);
                    b.report(entry_s - r0, p.mmsi, "arrival", &other);
                }
            }
            "late_report" => {
                let r0 = b.rng.range(1500.0, 3600.0);
                b.report(entry_s + r0, p.mmsi, "arrival", &port)
            }
            "reported_before" => {
                let r0 = b.rng.range(1200.0, 22.0 * 3600.0);
                b.report(entry_s - r0, p.mmsi, "arrival", &port)
            }
            "reported_after" => {
                let r0 = b.rng.range(120.0, 720.0);
                b.report(entry_s + r0, p.mmsi, "arrival", &port)
            }
            _ => {}
        }
        if matches!(v, "none" | "old_report" | "other_port" | "late_report") {
            let t = b.t0_epoch + entry_s.round() as i64;
            b.truth(
                EventKind::UnreportedPortEntry,
                p.mmsi,
                (t, t),
                entry.1,
                Some(&port),
            );
        }
        b.plans.push(p);
    }
}

/// When a plan first enters a polygon zone (bisection on its true path).
fn entry_time(b: &Builder, z: &ZoneSpec, p: &Plan) -> (f64, LatLon) {
    let inside = |t: f64| {
        let (x, y, ..) = p.state(t);
        let ring: Vec<[f64; 2]> = z.points.iter().map(|q| [q.0, q.1]).collect();
        geo::ring_contains(&ring, LatLon::new(y, x))
    };
    let (mut lo, mut hi) = (p.keys[0].0, p.keys[1].0);
    for _ in 0..60 {
        let m = (lo + hi) / 2.0;
        if inside(m) {
            hi = m;
        } else {
            lo = m;
        }
    }
    let (x, y, ..) = p.state(hi);
    (hi, b.frame.world(x, y))
}

fn jumps(b: &mut Builder) {
    for v in ["spoof", "twin", "fast"] {
        let Some(t0) = b.random_start(2.0 * 3600.0) else {
            continue;
        };
        let (Some(s1), Some(s2)) = (b.take_spot(), b.take_spot()) else {
            continue;
        };
        let kind = if v == "fast" {
            Kind::Speedboat
        } else {
            Kind::Cargo
        };
        let mut p = b.vessel(kind, false, true, t0, s1);
        if v == "fast" {
            // 40–45 kn in a straight line: fast, but possible.
            let kn = b.rng.range(40.0, 45.0);
            p.go(
                b.open_sea((
                    s1.0 + 6.0 * (s2.0 - s1.0).signum(),
                    s1.1 + 8.0 * (s2.1 - s1.1).signum(),
                )),
                kn,
            );
            p.fast_interval_s = 10.0;
            b.plans.push(p);
            continue;
        }
        p.go(
            b.open_sea((
                s1.0 + (s2.0 - s1.0).signum() * 0.5,
                s1.1 + 5.0 * (s2.1 - s1.1).signum(),
            )),
            8.0,
        );
        p.go((s1.0 + 0.3, s1.1), 8.0);
        let dur = b.rng.range(180.0, 480.0);
        let travel = p.end() - t0;
        if travel < dur + 900.0 {
            continue;
        }
        // Somewhere in the middle of the trip, clear of its ends.
        let from = t0 + b.rng.range(300.0, travel - dur - 300.0);
        let far = b.spots.pop().unwrap_or(s2);
        let (dx, dy) = (far.0 - s1.0, far.1 - s1.1);
        p.spoof.push((from, from + dur, dx, dy, v == "twin"));
        b.plans.push(p);
        // Truth from the receive times, filled in by `transmit`.
        let at = b.frame.world(s1.0, s1.1);
        let mmsi = b.plans.last().expect("just pushed").mmsi;
        let span = (b.t0_epoch + from as i64, b.t0_epoch + (from + dur) as i64);
        b.truth(EventKind::PositionJump, mmsi, span, at, None);
    }
}

/// Samples a plan's transmissions: (receive time, transmission).
fn transmit(
    b: &mut Builder,
    plan_index: usize,
    out: &mut Vec<(i64, u32, Transmission)>,
) -> Vec<Sent> {
    let p = b.plans[plan_index].clone();
    let end = p.end().min(b.hours * 3600.0);
    let mut sent = Vec::new();
    let mut t = p.keys[0].0.ceil();
    let mut next_static = t + 5.0;
    let mut twin_flip = false;
    while t <= end {
        let (x, y, vx, vy) = p.state(t);
        let speed_kn = (vx * vx + vy * vy).sqrt() / KN_KMPS;
        let silent = p.silent.iter().any(|&(a, z)| t >= a && t < z);
        if !silent {
            let mut rep = (x, y);
            if let Some(&(_, _, dx, dy, twin)) = p.spoof.iter().find(|s| t >= s.0 && t < s.1) {
                twin_flip = !twin_flip;
                if !twin || twin_flip {
                    rep = (x + dx, y + dy);
                }
            }
            let noise = 0.003;
            let reported = b.frame.world(
                rep.0 + b.rng.range(-noise, noise),
                rep.1 + b.rng.range(-noise, noise),
            );
            let moving = speed_kn > 0.5;
            let kin = Kinematics {
                lat: reported.lat,
                lon: reported.lon,
                sog_kn: Some(if moving {
                    speed_kn + b.rng.range(-0.2, 0.2)
                } else {
                    b.rng.range(0.0, 0.3)
                }),
                cog_deg: Some(if moving {
                    b.frame.course(vx, vy)
                } else {
                    b.rng.range(0.0, 360.0)
                }),
                heading_deg: None,
                nav_status: if moving { 0 } else { 5 },
            };
            let t_abs = b.t0_epoch + t as i64;
            out.push((
                t_abs,
                p.mmsi,
                Transmission::Position {
                    class_b: p.class_b,
                    kinematics: kin,
                },
            ));
            // Another receiver hears the same transmission a moment later.
            if b.rng.chance(0.03) {
                out.push((
                    t_abs + b.rng.int(0, 2) as i64,
                    p.mmsi,
                    Transmission::Position {
                        class_b: p.class_b,
                        kinematics: kin,
                    },
                ));
            }
            sent.push(Sent { t: t_abs, reported });
            if t >= next_static {
                out.push((
                    t_abs,
                    p.mmsi,
                    Transmission::Static {
                        class_b: p.class_b,
                        name: p.name.clone(),
                        ship_type: p.kind.ship_type(),
                    },
                ));
                next_static = t + 360.0;
            }
        }
        let interval = if speed_kn > 1.0 {
            p.fast_interval_s
        } else {
            p.slow_interval_s
        };
        t += (interval + b.rng.range(-2.0, 2.0)).max(2.0).round();
    }
    sent
}

fn render(mut b: Builder, writer: &mut NmeaWriter<'_>) -> Exercise {
    // Zones.
    let features: Vec<serde_json::Value> = b
        .zones
        .iter()
        .map(|z| {
            let coords: Vec<[f64; 2]> = z
                .points
                .iter()
                .map(|&(x, y)| {
                    let p = b.frame.world(x, y);
                    [p.lon, p.lat]
                })
                .collect();
            let geometry = if z.kind == "boundary" {
                json!({"type": "LineString", "coordinates": coords})
            } else {
                json!({"type": "Polygon", "coordinates": [coords]})
            };
            let mut props = json!({"id": z.id, "name": z.name, "kind": z.kind});
            if let Some(a) = z.applies_to {
                props["applies_to"] = json!(a);
            }
            json!({"type": "Feature", "properties": props, "geometry": geometry})
        })
        .collect();
    let zones_geojson =
        serde_json::to_string_pretty(&json!({"type": "FeatureCollection", "features": features}))
            .expect("json");
    let zone_set =
        ZoneSet::from_geojson(&zones_geojson, "generated").expect("generated zones are valid");
    let jurisdiction: &Zone = &zone_set.zones()[0];

    // Traffic.
    let mut txs = Vec::new();
    let mut sent_by_mmsi = std::collections::HashMap::new();
    for i in 0..b.plans.len() {
        let sent = transmit(&mut b, i, &mut txs);
        sent_by_mmsi.insert(b.plans[i].mmsi, sent);
    }
    txs.sort_by_key(|(t, mmsi, _)| (*t, *mmsi));
    let mut nmea = String::with_capacity(txs.len() * 64);
    for (i, (t, mmsi, tx)) in txs.iter().enumerate() {
        writer(&mut nmea, *mmsi, *t, tx, (i % 10) as u8);
    }

    // Truth times that depend on what was actually transmitted.
    for ev in &mut b.truth {
        let Some(sent) = sent_by_mmsi.get(&ev.mmsi) else {
            continue;
        };
        match ev.kind {
            EventKind::UnregisteredVessel => {
                if let Some(first) = sent.iter().find(|s| jurisdiction.contains(s.reported)) {
                    ev.start_s = first.t;
                    ev.end_s = first.t;
                    ev.at = first.reported;
                }
            }
            EventKind::PositionJump => {
                let (from, to) = (ev.start_s, ev.end_s);
                let first = sent.iter().find(|s| s.t >= from).map_or(from, |s| s.t);
                let back = sent.iter().find(|s| s.t >= to).map_or(to, |s| s.t);
                ev.start_s = first;
                ev.end_s = back;
            }
            _ => {}
        }
    }
    // Gaps: from the transmissions themselves, by the rule's geometry.
    for p in &b.plans {
        let Some(sent) = sent_by_mmsi.get(&p.mmsi) else {
            continue;
        };
        for w in sent.windows(2) {
            if w[1].t - w[0].t < 30 * 60 {
                continue;
            }
            let ok = |s: &Sent| {
                let mut z = Vec::new();
                zone_set.zones_at(s.reported, &mut z);
                let kinds: Vec<&str> = z.iter().map(|&i| zone_set.get(i).kind.as_str()).collect();
                kinds.contains(&"coverage")
                    && !kinds
                        .iter()
                        .any(|k| matches!(*k, "fishing_port" | "open_port" | "anchorage"))
            };
            if ok(&w[0]) && ok(&w[1]) {
                b.truth.push(TruthEvent {
                    kind: EventKind::AisGap,
                    mmsi: p.mmsi,
                    other: None,
                    start_s: w[0].t,
                    end_s: w[1].t,
                    at: w[0].reported,
                    zone: None,
                    direction: None,
                });
            }
        }
    }
    b.truth.sort_by_key(|e| (e.start_s, e.mmsi));
    let mut truth_jsonl = String::new();
    for e in &b.truth {
        let mut detail = json!({});
        if let Some(d) = e.direction {
            detail["direction"] = json!(d);
        }
        let line = json!({
            "kind": e.kind.as_str(), "mmsi": e.mmsi, "other_mmsi": e.other,
            "start": format_rfc3339(e.start_s * 1000), "end": format_rfc3339(e.end_s * 1000),
            "zone_id": e.zone, "lat": e.at.lat, "lon": e.at.lon, "detail": detail,
        });
        let _ = writeln!(truth_jsonl, "{line}");
    }

    let mut vessels_csv = String::from(
        "mmsi,name,kind,flag,international,home_port,owner_kind,owner_name,registry_no\n",
    );
    for row in &b.registry {
        let _ = writeln!(vessels_csv, "{row}");
    }
    b.reports.sort();
    let mut port_reports_csv = String::from("mmsi,kind,port_zone_id,reported_at,persons_aboard\n");
    for (_, row) in &b.reports {
        let _ = writeln!(port_reports_csv, "{row}");
    }
    Exercise {
        zones_geojson,
        vessels_csv,
        port_reports_csv,
        nmea,
        truth_jsonl,
        messages: txs.len(),
        vessels: b.plans.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_moves_the_layout_and_keeps_the_seed_s_story() {
        let base = ExerciseOptions {
            seed: 7,
            hours: 2.0,
            background: 5,
            ..ExerciseOptions::default()
        };
        let here = generate(&base);
        let origin = Origin {
            lat: 29.3,
            lon: 122.4,
            rotation_deg: 0.0,
        };
        let there = generate(&ExerciseOptions {
            origin: Some(origin),
            ..base
        });
        let zones = ZoneSet::from_geojson(&there.zones_geojson, "zones").unwrap();
        for z in zones.zones() {
            // The layout is at most ~75 × 58 km: it starts at the origin and lies east and north.
            assert!(z.bbox.min_lat >= origin.lat - 0.01, "{}", z.id);
            assert!(z.bbox.max_lat <= origin.lat + 0.6, "{}", z.id);
            assert!(z.bbox.min_lon >= origin.lon - 0.01, "{}", z.id);
            assert!(z.bbox.max_lon <= origin.lon + 0.9, "{}", z.id);
        }
        let kinds = |truth: &str| -> Vec<(String, u64, String)> {
            truth
                .lines()
                .map(|l| {
                    let v: serde_json::Value = serde_json::from_str(l).unwrap();
                    (
                        v["kind"].as_str().unwrap().to_string(),
                        v["mmsi"].as_u64().unwrap(),
                        v["start"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        };
        assert_eq!(kinds(&here.truth_jsonl), kinds(&there.truth_jsonl));
        assert_eq!(here.vessels_csv, there.vessels_csv);
        assert_eq!(here.port_reports_csv, there.port_reports_csv);
    }
}
