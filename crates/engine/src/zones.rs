//! Zones: the GeoJSON zone file of FORMATS.md, validated, with a grid index.
//!
//! The index is a dense grid over the zones' extent. Each cell lists the zones that
//! touch it and whether the cell lies wholly inside the zone, so most lookups need no
//! point-in-polygon test at all (a whole-district `jurisdiction` costs nothing away
//! from its edge).

use crate::geo::{self, LatLon};
use crate::LoadError;
use serde_json::Value;
use std::collections::HashSet;

/// What a zone means to the detectors (FORMATS.md, "Zones").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneKind {
    Jurisdiction,
    Coverage,
    OpenPort,
    Anchorage,
    FishingPort,
    Cove,
    UninhabitedIsland,
    UnlicensedDock,
    TemporaryBerth,
    Restricted,
    Boundary,
}

impl ZoneKind {
    pub const ALL: [ZoneKind; 11] = [
        ZoneKind::Jurisdiction,
        ZoneKind::Coverage,
        ZoneKind::OpenPort,
        ZoneKind::Anchorage,
        ZoneKind::FishingPort,
        ZoneKind::Cove,
        ZoneKind::UninhabitedIsland,
        ZoneKind::UnlicensedDock,
        ZoneKind::TemporaryBerth,
        ZoneKind::Restricted,
        ZoneKind::Boundary,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ZoneKind::Jurisdiction => "jurisdiction",
            ZoneKind::Coverage => "coverage",
            ZoneKind::OpenPort => "open_port",
            ZoneKind::Anchorage => "anchorage",
            ZoneKind::FishingPort => "fishing_port",
            ZoneKind::Cove => "cove",
            ZoneKind::UninhabitedIsland => "uninhabited_island",
            ZoneKind::UnlicensedDock => "unlicensed_dock",
            ZoneKind::TemporaryBerth => "temporary_berth",
            ZoneKind::Restricted => "restricted",
            ZoneKind::Boundary => "boundary",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Places where vessels legitimately lie still or close together: AIS gaps and
    /// encounters there are not suspicious.
    pub fn is_harbour(self) -> bool {
        matches!(
            self,
            ZoneKind::FishingPort | ZoneKind::OpenPort | ZoneKind::Anchorage
        )
    }

    /// Places with landing conditions, watched by `landing_stop`.
    pub fn is_landing_place(self) -> bool {
        matches!(
            self,
            ZoneKind::Cove
                | ZoneKind::UninhabitedIsland
                | ZoneKind::UnlicensedDock
                | ZoneKind::TemporaryBerth
        )
    }
}

/// Which vessels a `restricted` zone or `boundary` line is closed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppliesTo {
    All,
    International,
    Fishing,
}

impl AppliesTo {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "all" => Some(AppliesTo::All),
            "international" => Some(AppliesTo::International),
            "fishing" => Some(AppliesTo::Fishing),
            _ => None,
        }
    }
}

/// One polygon: the outer ring then holes, each ring closed, vertices `[lon, lat]`.
pub type Polygon = Vec<Vec<[f64; 2]>>;

#[derive(Debug, Clone)]
pub enum Geometry {
    Polygons(Vec<Polygon>),
    Line(Vec<[f64; 2]>),
}

/// Bounding box in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    fn empty() -> Self {
        BBox {
            min_lon: f64::INFINITY,
            min_lat: f64::INFINITY,
            max_lon: f64::NEG_INFINITY,
            max_lat: f64::NEG_INFINITY,
        }
    }
    fn add(&mut self, v: [f64; 2]) {
        self.min_lon = self.min_lon.min(v[0]);
        self.max_lon = self.max_lon.max(v[0]);
        self.min_lat = self.min_lat.min(v[1]);
        self.max_lat = self.max_lat.max(v[1]);
    }
    fn union(&mut self, o: &BBox) {
        self.add([o.min_lon, o.min_lat]);
        self.add([o.max_lon, o.max_lat]);
    }
    pub fn contains(&self, p: LatLon) -> bool {
        p.lon >= self.min_lon
            && p.lon <= self.max_lon
            && p.lat >= self.min_lat
            && p.lat <= self.max_lat
    }
    pub fn intersects(&self, o: &BBox) -> bool {
        self.min_lon <= o.max_lon
            && o.min_lon <= self.max_lon
            && self.min_lat <= o.max_lat
            && o.min_lat <= self.max_lat
    }
}

/// A validated zone.
#[derive(Debug, Clone)]
pub struct Zone {
    pub id: String,
    pub name: String,
    pub kind: ZoneKind,
    pub applies_to: Option<AppliesTo>,
    pub geometry: Geometry,
    pub bbox: BBox,
}

impl Zone {
    /// Parses and validates feature `index` of a zone file (FORMATS.md):
    /// properties, kind, `applies_to`, geometry and its rings.
    pub fn from_feature(feature: &Value, index: usize, source: &str) -> Result<Zone, LoadError> {
        let i = index;
        let props = feature.get("properties").and_then(Value::as_object);
        let label = props
            .and_then(|p| p.get("id"))
            .and_then(Value::as_str)
            .map(|id| format!(" (id {id:?})"))
            .unwrap_or_default();
        let ferr = |field: &str, message: String| LoadError {
            file: source.to_string(),
            location: format!("feature {i}{label}"),
            field: field.to_string(),
            message,
        };
        let props = props.ok_or_else(|| ferr("properties", "missing properties".into()))?;
        let string = |name: &str| -> Result<String, LoadError> {
            match props.get(name) {
                Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
                Some(Value::String(_)) => Err(ferr(name, "must not be empty".into())),
                Some(_) => Err(ferr(name, "must be a string".into())),
                None => Err(ferr(name, "missing required property".into())),
            }
        };
        let id = string("id")?;
        let name = string("name")?;
        let kind_text = string("kind")?;
        let kind = ZoneKind::parse(&kind_text)
            .ok_or_else(|| ferr("kind", format!("unknown kind {kind_text:?}")))?;
        let applies_to = match props.get("applies_to") {
            None | Some(Value::Null) => {
                if matches!(kind, ZoneKind::Restricted | ZoneKind::Boundary) {
                    return Err(ferr("applies_to", format!("required for kind {kind_text}")));
                }
                None
            }
            Some(v) => {
                let text = v.as_str().unwrap_or_default();
                Some(AppliesTo::parse(text).ok_or_else(|| {
                    ferr(
                        "applies_to",
                        format!("must be all, international or fishing, got {v}"),
                    )
                })?)
            }
        };
        let geometry = feature
            .get("geometry")
            .filter(|g| !g.is_null())
            .ok_or_else(|| ferr("geometry", "missing geometry".into()))?;
        let geometry = parse_geometry(geometry, kind).map_err(|m| ferr("geometry", m))?;
        let mut bbox = BBox::empty();
        match &geometry {
            Geometry::Polygons(parts) => {
                parts.iter().flatten().flatten().for_each(|v| bbox.add(*v))
            }
            Geometry::Line(pts) => pts.iter().for_each(|v| bbox.add(*v)),
        }
        Ok(Zone {
            id,
            name,
            kind,
            applies_to,
            geometry,
            bbox,
        })
    }

    /// The zone as a GeoJSON Feature in the FORMATS.md form (what
    /// [`Zone::from_feature`] reads back).
    pub fn to_feature(&self) -> Value {
        let geometry = match &self.geometry {
            Geometry::Line(pts) => serde_json::json!({"type": "LineString", "coordinates": pts}),
            Geometry::Polygons(parts) if parts.len() == 1 => {
                serde_json::json!({"type": "Polygon", "coordinates": parts[0]})
            }
            Geometry::Polygons(parts) => {
                serde_json::json!({"type": "MultiPolygon", "coordinates": parts})
            }
        };
        let mut props =
            serde_json::json!({"id": self.id, "name": self.name, "kind": self.kind.as_str()});
        if let Some(a) = self.applies_to {
            props["applies_to"] = serde_json::json!(a);
        }
        serde_json::json!({"type": "Feature", "properties": props, "geometry": geometry})
    }
    /// Exact containment test (false for lines).
    pub fn contains(&self, p: LatLon) -> bool {
        if !self.bbox.contains(p) {
            return false;
        }
        match &self.geometry {
            Geometry::Polygons(parts) => parts.iter().any(|part| {
                geo::ring_contains(&part[0], p)
                    && !part[1..].iter().any(|h| geo::ring_contains(h, p))
            }),
            Geometry::Line(_) => false,
        }
    }

    /// Distance in metres from `p` to the zone's edges (or its line).
    pub fn distance_to_edge_m(&self, p: LatLon) -> f64 {
        let mut best = f64::INFINITY;
        let mut visit = |pts: &[[f64; 2]]| {
            for w in pts.windows(2) {
                best = best.min(geo::point_segment_distance_m(p, w[0], w[1]));
            }
        };
        match &self.geometry {
            Geometry::Polygons(parts) => parts.iter().flatten().for_each(|r| visit(r)),
            Geometry::Line(pts) => visit(pts),
        }
        best
    }

    fn rings(&self) -> impl Iterator<Item = &Vec<[f64; 2]>> {
        let polys: &[Polygon] = match &self.geometry {
            Geometry::Polygons(p) => p,
            Geometry::Line(_) => &[],
        };
        polys.iter().flatten()
    }
}

/// Index of a zone in its [`ZoneSet`].
pub type ZoneIdx = u16;

const FULL_FLAG: u16 = 0x8000;
/// Upper bound on grid cells, so a continent-sized zone cannot exhaust memory.
const MAX_CELLS: f64 = 4.0e6;

/// All zones of a deployment, with the grid index.
#[derive(Debug, Clone, Default)]
pub struct ZoneSet {
    zones: Vec<Zone>,
    /// Boundary lines, tested against each movement segment.
    lines: Vec<ZoneIdx>,
    has_jurisdiction: bool,
    has_coverage: bool,
    grid: Grid,
}

#[derive(Debug, Clone, Default)]
struct Grid {
    origin_lon: f64,
    origin_lat: f64,
    cell_deg: f64,
    cols: usize,
    rows: usize,
    /// Per cell: `(start, len)` into `entries`.
    cells: Vec<(u32, u16)>,
    /// Zone indices; `FULL_FLAG` set when the cell lies wholly inside the zone.
    entries: Vec<u16>,
}

impl ZoneSet {
    /// Parses and validates a GeoJSON FeatureCollection. `source` names the file in errors.
    pub fn from_geojson(text: &str, source: &str) -> Result<ZoneSet, LoadError> {
        let err = |feature: Option<usize>, field: &str, message: String| LoadError {
            file: source.to_string(),
            location: match feature {
                Some(i) => format!("feature {i}"),
                None => "document".into(),
            },
            field: field.to_string(),
            message,
        };
        let doc: Value = serde_json::from_str(text)
            .map_err(|e| err(None, "", format!("not valid JSON: {e}")))?;
        if doc.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
            return Err(err(
                None,
                "type",
                "expected a GeoJSON FeatureCollection".into(),
            ));
        }
        let features = doc
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| err(None, "features", "missing features array".into()))?;
        let mut zones = Vec::with_capacity(features.len());
        let mut ids = HashSet::new();
        for (i, feature) in features.iter().enumerate() {
            let zone = Zone::from_feature(feature, i, source)?;
            if !ids.insert(zone.id.clone()) {
                return Err(duplicate_id(&zone, i, source));
            }
            zones.push(zone);
        }
        ZoneSet::new(zones).map_err(|m| err(None, "features", m))
    }

    /// Parses a FeatureCollection and validates every feature, collecting
    /// every bad feature's error (for imports that list them all) rather than
    /// stopping at the first. Builds no index.
    pub fn parse_features(text: &str, source: &str) -> Result<Vec<Zone>, Vec<LoadError>> {
        let doc_err = |field: &str, message: String| {
            vec![LoadError {
                file: source.to_string(),
                location: "document".into(),
                field: field.to_string(),
                message,
            }]
        };
        let doc: Value =
            serde_json::from_str(text).map_err(|e| doc_err("", format!("not valid JSON: {e}")))?;
        if doc.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
            return Err(doc_err(
                "type",
                "expected a GeoJSON FeatureCollection".into(),
            ));
        }
        let features = doc
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| doc_err("features", "missing features array".into()))?;
        let mut zones = Vec::with_capacity(features.len());
        let mut errors = Vec::new();
        let mut ids = HashSet::new();
        for (i, feature) in features.iter().enumerate() {
            match Zone::from_feature(feature, i, source) {
                Ok(zone) if !ids.insert(zone.id.clone()) => {
                    errors.push(duplicate_id(&zone, i, source))
                }
                Ok(zone) => zones.push(zone),
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(zones)
        } else {
            Err(errors)
        }
    }

    /// Builds the index over already validated zones.
    pub fn new(zones: Vec<Zone>) -> Result<ZoneSet, String> {
        if zones.len() >= FULL_FLAG as usize {
            return Err(format!(
                "too many zones ({}), at most {}",
                zones.len(),
                FULL_FLAG - 1
            ));
        }
        let lines = zones
            .iter()
            .enumerate()
            .filter(|(_, z)| matches!(z.geometry, Geometry::Line(_)))
            .map(|(i, _)| i as ZoneIdx)
            .collect();
        let has_jurisdiction = zones.iter().any(|z| z.kind == ZoneKind::Jurisdiction);
        let has_coverage = zones.iter().any(|z| z.kind == ZoneKind::Coverage);
        let grid = Grid::build(&zones);
        Ok(ZoneSet {
            zones,
            lines,
            has_jurisdiction,
            has_coverage,
            grid,
        })
    }

    pub fn zones(&self) -> &[Zone] {
        &self.zones
    }

    pub fn get(&self, idx: ZoneIdx) -> &Zone {
        &self.zones[idx as usize]
    }

    pub fn index_of(&self, id: &str) -> Option<ZoneIdx> {
        self.zones
            .iter()
            .position(|z| z.id == id)
            .map(|i| i as ZoneIdx)
    }

    /// Boundary lines.
    pub fn lines(&self) -> &[ZoneIdx] {
        &self.lines
    }

    /// Whether any `jurisdiction` zone exists (without one, events are raised everywhere).
    pub fn has_jurisdiction(&self) -> bool {
        self.has_jurisdiction
    }

    /// Whether any `coverage` zone exists (without one, coverage is not known to end
    /// anywhere and every place counts as covered).
    pub fn has_coverage(&self) -> bool {
        self.has_coverage
    }

    /// Appends to `out` the polygon zones that contain `p` (in index order).
    pub fn zones_at(&self, p: LatLon, out: &mut Vec<ZoneIdx>) {
        out.clear();
        let g = &self.grid;
        if g.cells.is_empty() || !(p.lat.is_finite() && p.lon.is_finite()) {
            return;
        }
        let col = crate::geo::floor_i32((p.lon - g.origin_lon) / g.cell_deg);
        let row = crate::geo::floor_i32((p.lat - g.origin_lat) / g.cell_deg);
        if !(col >= 0 && row >= 0 && (col as usize) < g.cols && (row as usize) < g.rows) {
            return;
        }
        let (start, len) = g.cells[row as usize * g.cols + col as usize];
        for &entry in &g.entries[start as usize..start as usize + len as usize] {
            let idx = entry & !FULL_FLAG;
            if entry & FULL_FLAG != 0 || self.zones[idx as usize].contains(p) {
                out.push(idx);
            }
        }
    }
}

fn duplicate_id(zone: &Zone, index: usize, source: &str) -> LoadError {
    LoadError {
        file: source.to_string(),
        location: format!("feature {index} (id {:?})", zone.id),
        field: "id".into(),
        message: format!("duplicate id {:?}", zone.id),
    }
}

fn parse_geometry(g: &Value, kind: ZoneKind) -> Result<Geometry, String> {
    let gtype = g.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = g.get("coordinates").ok_or("missing coordinates")?;
    match (gtype, kind) {
        ("LineString", ZoneKind::Boundary) => {
            let pts = parse_positions(coords)?;
            if pts.len() < 2 {
                return Err("a LineString needs at least 2 positions".into());
            }
            if pts.windows(2).all(|w| w[0] == w[1]) {
                return Err("a LineString must have non-zero length".into());
            }
            Ok(Geometry::Line(pts))
        }
        ("LineString", _) => Err(format!(
            "kind {} needs a Polygon or MultiPolygon",
            kind.as_str()
        )),
        (_, ZoneKind::Boundary) => Err(format!("kind boundary needs a LineString, got {gtype:?}")),
        ("Polygon", _) => Ok(Geometry::Polygons(vec![parse_polygon(coords)?])),
        ("MultiPolygon", _) => {
            let parts = coords
                .as_array()
                .ok_or("MultiPolygon coordinates must be an array")?;
            if parts.is_empty() {
                return Err("empty MultiPolygon".into());
            }
            let polys = parts
                .iter()
                .enumerate()
                .map(|(i, p)| parse_polygon(p).map_err(|m| format!("polygon {i}: {m}")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Geometry::Polygons(polys))
        }
        _ => Err(format!("unsupported geometry type {gtype:?}")),
    }
}

fn parse_positions(v: &Value) -> Result<Vec<[f64; 2]>, String> {
    let arr = v.as_array().ok_or("positions must be an array")?;
    arr.iter()
        .enumerate()
        .map(|(i, p)| {
            let pair = p.as_array().filter(|a| a.len() >= 2);
            let lon = pair.and_then(|a| a[0].as_f64());
            let lat = pair.and_then(|a| a[1].as_f64());
            match (lon, lat) {
                (Some(lon), Some(lat))
                    if lon.is_finite()
                        && lat.is_finite()
                        && lon.abs() <= 180.0
                        && lat.abs() <= 90.0 =>
                {
                    Ok([lon, lat])
                }
                _ => Err(format!("position {i} is not a valid [lon, lat]: {p}")),
            }
        })
        .collect()
}

fn parse_polygon(v: &Value) -> Result<Polygon, String> {
    let rings = v
        .as_array()
        .ok_or("Polygon coordinates must be an array of rings")?;
    if rings.is_empty() {
        return Err("Polygon has no rings".into());
    }
    rings
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let ring = parse_positions(r).map_err(|m| format!("ring {i}: {m}"))?;
            validate_ring(&ring).map_err(|m| format!("invalid polygon: ring {i} {m}"))?;
            Ok(ring)
        })
        .collect()
}

/// The one ring rule, shared with the places editor and imports (domain crate).
fn validate_ring(ring: &[[f64; 2]]) -> Result<(), String> {
    jinghai_domain::geometry::check_ring(ring).map_err(|p| p.en())
}

/// Whether segment `a`–`b` meets the axis-aligned rectangle (Liang–Barsky clipping).
fn segment_meets_rect(a: [f64; 2], b: [f64; 2], r: &BBox) -> bool {
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    let d = [b[0] - a[0], b[1] - a[1]];
    let checks = [
        (-d[0], a[0] - r.min_lon),
        (d[0], r.max_lon - a[0]),
        (-d[1], a[1] - r.min_lat),
        (d[1], r.max_lat - a[1]),
    ];
    for (p, q) in checks {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
            if t0 > t1 {
                return false;
            }
        }
    }
    true
}

impl Grid {
    fn build(zones: &[Zone]) -> Grid {
        let mut extent = BBox::empty();
        for z in zones
            .iter()
            .filter(|z| matches!(z.geometry, Geometry::Polygons(_)))
        {
            extent.union(&z.bbox);
        }
        if !extent.min_lon.is_finite() {
            return Grid::default();
        }
        let w = (extent.max_lon - extent.min_lon).max(1e-9);
        let h = (extent.max_lat - extent.min_lat).max(1e-9);
        let mut cell_deg = 0.005f64;
        while (w / cell_deg).ceil() * (h / cell_deg).ceil() > MAX_CELLS {
            cell_deg *= 2.0;
        }
        let cols = (w / cell_deg).floor() as usize + 1;
        let rows = (h / cell_deg).floor() as usize + 1;
        let mut per_cell: Vec<Vec<u16>> = vec![Vec::new(); cols * rows];
        let cell_rect = |c: usize, r: usize| BBox {
            min_lon: extent.min_lon + c as f64 * cell_deg,
            min_lat: extent.min_lat + r as f64 * cell_deg,
            max_lon: extent.min_lon + (c + 1) as f64 * cell_deg,
            max_lat: extent.min_lat + (r + 1) as f64 * cell_deg,
        };
        for (zi, zone) in zones.iter().enumerate() {
            if matches!(zone.geometry, Geometry::Line(_)) {
                continue;
            }
            let c0 = ((zone.bbox.min_lon - extent.min_lon) / cell_deg).floor() as usize;
            let c1 =
                (((zone.bbox.max_lon - extent.min_lon) / cell_deg).floor() as usize).min(cols - 1);
            let r0 = ((zone.bbox.min_lat - extent.min_lat) / cell_deg).floor() as usize;
            let r1 =
                (((zone.bbox.max_lat - extent.min_lat) / cell_deg).floor() as usize).min(rows - 1);
            let zw = c1 - c0 + 1;
            // Cells crossed by an edge need exact tests; the others are all in or all out.
            let mut touched = vec![false; zw * (r1 - r0 + 1)];
            for ring in zone.rings() {
                for e in ring.windows(2) {
                    let lo_c =
                        ((e[0][0].min(e[1][0]) - extent.min_lon) / cell_deg).floor() as usize;
                    let hi_c =
                        ((e[0][0].max(e[1][0]) - extent.min_lon) / cell_deg).floor() as usize;
                    let lo_r =
                        ((e[0][1].min(e[1][1]) - extent.min_lat) / cell_deg).floor() as usize;
                    let hi_r =
                        ((e[0][1].max(e[1][1]) - extent.min_lat) / cell_deg).floor() as usize;
                    for r in lo_r.max(r0)..=hi_r.min(r1) {
                        for c in lo_c.max(c0)..=hi_c.min(c1) {
                            if segment_meets_rect(e[0], e[1], &cell_rect(c, r)) {
                                touched[(r - r0) * zw + (c - c0)] = true;
                            }
                        }
                    }
                }
            }
            for r in r0..=r1 {
                let mut run_inside: Option<bool> = None;
                for c in c0..=c1 {
                    if touched[(r - r0) * zw + (c - c0)] {
                        per_cell[r * cols + c].push(zi as u16);
                        run_inside = None;
                        continue;
                    }
                    let inside = *run_inside.get_or_insert_with(|| {
                        let rect = cell_rect(c, r);
                        zone.contains(LatLon::new(
                            (rect.min_lat + rect.max_lat) * 0.5,
                            (rect.min_lon + rect.max_lon) * 0.5,
                        ))
                    });
                    if inside {
                        per_cell[r * cols + c].push(zi as u16 | FULL_FLAG);
                    }
                }
            }
        }
        let mut cells = Vec::with_capacity(per_cell.len());
        let mut entries = Vec::new();
        for list in per_cell {
            cells.push((entries.len() as u32, list.len() as u16));
            entries.extend(list);
        }
        Grid {
            origin_lon: extent.min_lon,
            origin_lat: extent.min_lat,
            cell_deg,
            cols,
            rows,
            cells,
            entries,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(id: &str, kind: &str, extra: &str, x0: f64, y0: f64, x1: f64, y1: f64) -> String {
        format!(
            r#"{{"type":"Feature","properties":{{"id":"{id}","name":"n","kind":"{kind}"{extra}}},
            "geometry":{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}}}"#
        )
    }

    fn collection(features: &[String]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    #[test]
    fn lookups_agree_with_exact_tests() {
        let text = collection(&[
            rect("J", "jurisdiction", "", 121.0, 29.0, 123.0, 31.0),
            rect("F", "fishing_port", "", 121.5, 29.5, 121.52, 29.52),
            rect(
                "R",
                "restricted",
                r#","applies_to":"international""#,
                121.513,
                29.4,
                121.7,
                29.6,
            ),
        ]);
        let zs = ZoneSet::from_geojson(&text, "z.geojson").unwrap();
        let mut out = Vec::new();
        let mut state = 12345u64;
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let a = (state >> 11) as f64 / (1u64 << 53) as f64;
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let b = (state >> 11) as f64 / (1u64 << 53) as f64;
            let p = LatLon::new(29.3 + a * 0.4, 121.3 + b * 0.5);
            zs.zones_at(p, &mut out);
            let exact: Vec<ZoneIdx> = (0..3).filter(|&i| zs.get(i).contains(p)).collect();
            assert_eq!(out, exact, "{p:?}");
        }
    }

    #[test]
    fn bad_zone_files_name_the_feature_and_field() {
        let cases = [
            (collection(&[rect("A", "cove", "", 0.0, 0.0, 1.0, 1.0), rect("A", "cove", "", 2.0, 2.0, 3.0, 3.0)]), "feature 1 (id \"A\")", "id"),
            (collection(&[rect("A", "coves", "", 0.0, 0.0, 1.0, 1.0)]), "feature 0 (id \"A\")", "kind"),
            (collection(&[rect("A", "restricted", "", 0.0, 0.0, 1.0, 1.0)]), "feature 0", "applies_to"),
            (collection(&[rect("A", "cove", "", 0.0, 0.0, 0.0, 1.0)]), "feature 0", "geometry"),
            (collection(&[r#"{"type":"Feature","properties":{"id":"B","name":"b","kind":"cove"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}"#.to_string()]), "feature 0", "geometry"),
            (collection(&[r#"{"type":"Feature","properties":{"id":"B","kind":"cove"},"geometry":null}"#.to_string()]), "feature 0", "name"),
        ];
        for (text, location, field) in cases {
            let e = ZoneSet::from_geojson(&text, "z.geojson").unwrap_err();
            assert!(e.location.starts_with(location), "{e}");
            assert_eq!(e.field, field, "{e}");
            assert!(e.to_string().contains("z.geojson"));
        }
    }
}
