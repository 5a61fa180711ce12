//! Patrols (巡航, seed 001 §三(一)): plans (zone, time window, unit,
//! vessels, personnel), tracks, the area patrolled (巡航面积) and the blind
//! spots of the planned zone ("巡航无盲区、无死角").
//!
//! Tracks come from AIS or from uploaded GPX/CSV files, parsed here with
//! errors per line. Coverage is computed on a grid rather than by buffering
//! polygons: the zone is projected to a local metric plane (equirectangular
//! about its centre — the error over a district's waters is far below the
//! grid size), cut into square cells (about 200 × 200 across the zone, at
//! least 25 m), and a cell counts as covered when its centre lies within
//! half the sweep width of a track segment. The patrolled area is the union
//! of the swept cells (so overlapping passes count once); the blind spots
//! are the zone's cells no track covered, merged into rectangles for the
//! map. The area error is at most about one cell row along the swath edges.
//! No geometry crate is needed, and the result is exact to the grid.

use serde::{Deserialize, Serialize};

use crate::time::{parse_rfc3339, Millis};
use crate::validate::FieldError;

macro_rules! string_enum_lite {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:literal, $zh:literal, $en:literal;)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $s,)* } }
            pub fn parse(s: &str) -> Option<$name> { Self::ALL.iter().copied().find(|x| x.as_str() == s) }
            pub fn zh(self) -> &'static str { match self { $($name::$variant => $zh,)* } }
            pub fn en(self) -> &'static str { match self { $($name::$variant => $en,)* } }
        }
    };
}

/// One position of a track.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrackPoint {
    /// UTC epoch ms; 0 when the file had no times.
    pub t: Millis,
    pub lat: f64,
    pub lon: f64,
}

/// A bad line of an uploaded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineError {
    pub line: usize,
    pub zh: String,
    pub en: String,
}

impl LineError {
    fn new(line: usize, zh: impl Into<String>, en: impl Into<String>) -> LineError {
        LineError {
            line,
            zh: zh.into(),
            en: en.into(),
        }
    }
    /// As a field error naming the file and line.
    pub fn to_field(&self) -> FieldError {
        FieldError::new(
            "file",
            format!("第 {} 行：{}", self.line, self.zh),
            format!("line {}: {}", self.line, self.en),
        )
    }
}

fn coord(line: usize, what: &str, s: &str, range: f64) -> Result<f64, LineError> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= range => Ok(v),
        _ => Err(LineError::new(
            line,
            format!(
                "{what}无效：{:?}（应为 -{range} 到 {range} 之间的数字）",
                s.trim()
            ),
            format!(
                "bad {what}: {:?} (a number between -{range} and {range})",
                s.trim()
            ),
        )),
    }
}

fn time_of(line: usize, s: &str) -> Result<Millis, LineError> {
    parse_rfc3339(s.trim()).map_err(|_| {
        LineError::new(
            line,
            format!(
                "时间无效：{:?}（应为 2021-02-10T08:30:00+08:00 格式）",
                s.trim()
            ),
            format!(
                "bad time: {:?} (expected RFC 3339, e.g. 2021-02-10T08:30:00+08:00)",
                s.trim()
            ),
        )
    })
}

/// Parses a CSV track: a header naming `lat`/`latitude`/`纬度`,
/// `lon`/`lng`/`longitude`/`经度` and optionally `time`/`时间` columns (any
/// order, other columns ignored), then one point per line. Every bad line
/// is reported; nothing is returned unless all lines are good.
pub fn parse_track_csv(text: &str) -> Result<Vec<TrackPoint>, Vec<LineError>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((hline, header)) = lines.next() else {
        return Err(vec![LineError::new(1, "文件为空", "the file is empty")]);
    };
    let cols: Vec<String> = header
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let find = |names: &[&str]| cols.iter().position(|c| names.contains(&c.as_str()));
    let lat_i = find(&["lat", "latitude", "纬度"]);
    let lon_i = find(&["lon", "lng", "long", "longitude", "经度"]);
    let time_i = find(&["time", "timestamp", "时间"]);
    let (Some(lat_i), Some(lon_i)) = (lat_i, lon_i) else {
        return Err(vec![LineError::new(
            hline + 1,
            "表头须包含 lat（纬度）与 lon（经度）列，可选 time（时间）列",
            "the header must name lat and lon columns (and optionally time)",
        )]);
    };
    let mut points = Vec::new();
    let mut errs = Vec::new();
    for (i, l) in lines {
        let n = i + 1;
        let f: Vec<&str> = l.split(',').collect();
        let need = lat_i.max(lon_i).max(time_i.unwrap_or(0));
        if f.len() <= need {
            errs.push(LineError::new(
                n,
                format!("列数不足：{} 列，至少需要 {} 列", f.len(), need + 1),
                format!("too few columns: {}, need {}", f.len(), need + 1),
            ));
            continue;
        }
        let lat = coord(n, "纬度", f[lat_i], 90.0);
        let lon = coord(n, "经度", f[lon_i], 180.0);
        let t = match time_i {
            Some(ti) => time_of(n, f[ti]),
            None => Ok(0),
        };
        match (lat, lon, t) {
            (Ok(lat), Ok(lon), Ok(t)) => points.push(TrackPoint { t, lat, lon }),
            (a, b, c) => errs.extend([a.err(), b.err(), c.err()].into_iter().flatten()),
        }
    }
    finish(points, errs)
}

fn finish(
    points: Vec<TrackPoint>,
    mut errs: Vec<LineError>,
) -> Result<Vec<TrackPoint>, Vec<LineError>> {
    if errs.is_empty() && points.len() < 2 {
        errs.push(LineError::new(
            0,
            "轨迹至少需要 2 个点",
            "a track needs at least 2 points",
        ));
    }
    if errs.is_empty() {
        Ok(points)
    } else {
        Err(errs)
    }
}

/// The value of `name="…"` in a tag's text.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = tag;
    while let Some(i) = rest.find(name) {
        let before_ok = i == 0 || rest.as_bytes()[i - 1].is_ascii_whitespace();
        let after = rest[i + name.len()..].trim_start();
        if before_ok {
            if let Some(after) = after.strip_prefix('=') {
                let after = after.trim_start();
                let q = after.chars().next()?;
                if q == '"' || q == '\'' {
                    let body = &after[1..];
                    return body.find(q).map(|end| &body[..end]);
                }
            }
        }
        rest = &rest[i + name.len()..];
    }
    None
}

/// Parses the track points (`<trkpt lat=… lon=…>` with an optional
/// `<time>`) of a GPX file; route and way points are accepted when a file
/// has no track points. Errors name the line of the offending point.
pub fn parse_track_gpx(text: &str) -> Result<Vec<TrackPoint>, Vec<LineError>> {
    if !text.contains("<gpx") {
        return Err(vec![LineError::new(
            1,
            "不是 GPX 文件（缺少 <gpx> 元素）",
            "not a GPX file (no <gpx> element)",
        )]);
    }
    let tag = if text.contains("<trkpt") {
        "<trkpt"
    } else if text.contains("<rtept") {
        "<rtept"
    } else {
        "<wpt"
    };
    let line_at = |pos: usize| text[..pos].bytes().filter(|b| *b == b'\n').count() + 1;
    let mut points = Vec::new();
    let mut errs = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(tag) {
        let start = from + i;
        let n = line_at(start);
        let Some(close) = text[start..].find('>') else {
            errs.push(LineError::new(n, "标签未闭合", "unclosed tag"));
            break;
        };
        let open = &text[start..start + close];
        let self_closing = open.ends_with('/');
        let end_tag = format!("</{}>", &tag[1..]);
        let body_end = if self_closing {
            start + close
        } else {
            match text[start..].find(&end_tag) {
                Some(e) => start + e,
                None => {
                    errs.push(LineError::new(
                        n,
                        format!("缺少 {end_tag}"),
                        format!("missing {end_tag}"),
                    ));
                    break;
                }
            }
        };
        let body = &text[start + close + 1..body_end.max(start + close + 1)];
        let lat = attr(open, "lat")
            .ok_or_else(|| LineError::new(n, "缺少 lat 属性", "missing lat attribute"))
            .and_then(|v| coord(n, "纬度", v, 90.0));
        let lon = attr(open, "lon")
            .ok_or_else(|| LineError::new(n, "缺少 lon 属性", "missing lon attribute"))
            .and_then(|v| coord(n, "经度", v, 180.0));
        let t = match (body.find("<time>"), body.find("</time>")) {
            (Some(a), Some(b)) if b > a => time_of(n, &body[a + 6..b]),
            _ => Ok(0),
        };
        match (lat, lon, t) {
            (Ok(lat), Ok(lon), Ok(t)) => points.push(TrackPoint { t, lat, lon }),
            (a, b, c) => errs.extend([a.err(), b.err(), c.err()].into_iter().flatten()),
        }
        from = body_end + 1;
    }
    finish(points, errs)
}

/// Parses a planned zone: a GeoJSON Polygon (or a Feature holding one), or
/// `lon,lat` pairs one per line. The ring needs 3 distinct points; it is
/// closed if it is not.
pub fn parse_zone(text: &str) -> Result<Vec<[f64; 2]>, Vec<LineError>> {
    let t = text.trim();
    let mut ring: Vec<[f64; 2]> = Vec::new();
    let mut errs = Vec::new();
    if t.starts_with('{') {
        // The outer ring of the first polygon: the first run of [x, y] pairs
        // after "coordinates". A small scanner keeps the domain free of JSON.
        let Some(c) = t.find("\"coordinates\"") else {
            return Err(vec![LineError::new(
                1,
                "GeoJSON 中没有 coordinates",
                "no coordinates in the GeoJSON",
            )]);
        };
        let s = &t[c..];
        let mut depth = 0;
        let mut num = String::new();
        let mut pair: Vec<f64> = Vec::new();
        let mut started = false;
        for ch in s.chars() {
            match ch {
                '[' => {
                    depth += 1;
                    started = true;
                    pair.clear();
                }
                ']' => {
                    if !num.is_empty() {
                        pair.push(num.parse().unwrap_or(f64::NAN));
                        num.clear();
                    }
                    if pair.len() >= 2 {
                        ring.push([pair[0], pair[1]]);
                    }
                    pair.clear();
                    depth -= 1;
                    // The end of the first ring.
                    if started && depth <= 1 && !ring.is_empty() {
                        break;
                    }
                }
                ',' if !num.is_empty() => {
                    pair.push(num.parse().unwrap_or(f64::NAN));
                    num.clear();
                }
                c if started && (c.is_ascii_digit() || "-.eE+".contains(c)) => num.push(c),
                _ => {}
            }
        }
        for (i, p) in ring.iter().enumerate() {
            if !(p[0].is_finite() && p[0].abs() <= 180.0 && p[1].is_finite() && p[1].abs() <= 90.0)
            {
                errs.push(LineError::new(
                    1,
                    format!("第 {} 个坐标无效", i + 1),
                    format!("coordinate {} is invalid", i + 1),
                ));
            }
        }
    } else {
        for (i, l) in t.lines().enumerate() {
            let l = l.trim();
            if l.is_empty() {
                continue;
            }
            let parts: Vec<&str> = l
                .split([',', ' ', '\t'])
                .filter(|p| !p.is_empty())
                .collect();
            if parts.len() != 2 {
                errs.push(LineError::new(
                    i + 1,
                    "每行须为“经度,纬度”",
                    "each line must be lon,lat",
                ));
                continue;
            }
            match (
                coord(i + 1, "经度", parts[0], 180.0),
                coord(i + 1, "纬度", parts[1], 90.0),
            ) {
                (Ok(lon), Ok(lat)) => ring.push([lon, lat]),
                (a, b) => errs.extend([a.err(), b.err()].into_iter().flatten()),
            }
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    if ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    let mut distinct = ring.clone();
    distinct.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    distinct.dedup();
    if distinct.len() < 3 {
        return Err(vec![LineError::new(
            1,
            "巡航区域至少需要 3 个不同的顶点",
            "the zone needs at least 3 distinct corners",
        )]);
    }
    Ok(ring)
}

/// Length of a track in kilometres (haversine).
pub fn track_length_km(points: &[TrackPoint]) -> f64 {
    points
        .windows(2)
        .map(|w| haversine_m(w[0].lat, w[0].lon, w[1].lat, w[1].lon))
        .sum::<f64>()
        / 1000.0
}

fn haversine_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let r = 6_371_008.8;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * r * a.sqrt().asin()
}

/// Patrolled area and blind spots of a zone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// Area swept by the tracks (inside or outside the zone), km².
    pub patrolled_km2: f64,
    pub zone_km2: f64,
    /// Part of the zone swept, km².
    pub covered_km2: f64,
    /// `covered_km2 / zone_km2`, 0–1.
    pub ratio: f64,
    /// The zone's unswept parts, as rectangles `[[lon,lat] × 5]` (closed rings).
    pub blind_spots: Vec<Vec<[f64; 2]>>,
    /// Grid cell size used, metres.
    pub cell_m: f64,
}

/// A local metric projection about a reference point.
struct Plane {
    lat0: f64,
    lon0: f64,
    kx: f64,
    ky: f64,
}

impl Plane {
    fn new(lat0: f64, lon0: f64) -> Plane {
        let ky = 111_132.954;
        Plane {
            lat0,
            lon0,
            kx: ky * lat0.to_radians().cos(),
            ky,
        }
    }
    fn xy(&self, lat: f64, lon: f64) -> (f64, f64) {
        ((lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky)
    }
    fn lonlat(&self, x: f64, y: f64) -> [f64; 2] {
        [self.lon0 + x / self.kx, self.lat0 + y / self.ky]
    }
}

fn point_in_ring(x: f64, y: f64, ring: &[(f64, f64)]) -> bool {
    let mut inside = false;
    let n = ring.len();
    let mut j = n - 1;
    for i in 0..n {
        let (xi, yi) = ring[i];
        let (xj, yj) = ring[j];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

fn dist2_to_segment(px: f64, py: f64, a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((px - a.0) * dx + (py - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    (px - cx).powi(2) + (py - cy).powi(2)
}

/// Coverage of `zone` (a `[lon, lat]` ring) by `tracks` swept `sweep_m`
/// wide (the width the patrol can see or reach across its course).
pub fn coverage(zone: &[[f64; 2]], tracks: &[Vec<TrackPoint>], sweep_m: f64) -> Coverage {
    let empty = Coverage {
        patrolled_km2: 0.0,
        zone_km2: 0.0,
        covered_km2: 0.0,
        ratio: 0.0,
        blind_spots: Vec::new(),
        cell_m: 0.0,
    };
    if zone.len() < 3 {
        return empty;
    }
    let lat0 = zone.iter().map(|p| p[1]).sum::<f64>() / zone.len() as f64;
    let lon0 = zone.iter().map(|p| p[0]).sum::<f64>() / zone.len() as f64;
    let plane = Plane::new(lat0, lon0);
    let ring: Vec<(f64, f64)> = zone.iter().map(|p| plane.xy(p[1], p[0])).collect();
    let segments: Vec<((f64, f64), (f64, f64))> = tracks
        .iter()
        .flat_map(|t| {
            let pts: Vec<(f64, f64)> = t.iter().map(|p| plane.xy(p.lat, p.lon)).collect();
            let single = if pts.len() == 1 {
                vec![(pts[0], pts[0])]
            } else {
                vec![]
            };
            pts.windows(2)
                .map(|w| (w[0], w[1]))
                .chain(single)
                .collect::<Vec<_>>()
        })
        .collect();
    let half = (sweep_m / 2.0).max(0.0);
    // The grid spans the zone and every swath.
    let mut bounds = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let grow = |b: &mut (f64, f64, f64, f64), x: f64, y: f64, pad: f64| {
        *b = (
            b.0.min(x - pad),
            b.1.min(y - pad),
            b.2.max(x + pad),
            b.3.max(y + pad),
        );
    };
    for &(x, y) in &ring {
        grow(&mut bounds, x, y, 0.0);
    }
    let (zw, zh) = (bounds.2 - bounds.0, bounds.3 - bounds.1);
    for (a, b) in &segments {
        grow(&mut bounds, a.0, a.1, half);
        grow(&mut bounds, b.0, b.1, half);
    }
    let (minx, miny, maxx, maxy) = bounds;
    let cell = (zw.max(zh) / 200.0).max(25.0);
    let nx = (((maxx - minx) / cell).ceil() as usize).clamp(1, 4000);
    let ny = (((maxy - miny) / cell).ceil() as usize).clamp(1, 4000);
    let cell_area_km2 = cell * cell / 1e6;
    let mut swept = vec![false; nx * ny];
    let h2 = half * half;
    for (a, b) in &segments {
        let x0 = ((a.0.min(b.0) - half - minx) / cell).floor().max(0.0) as usize;
        let x1 = (((a.0.max(b.0) + half - minx) / cell).ceil() as usize).min(nx);
        let y0 = ((a.1.min(b.1) - half - miny) / cell).floor().max(0.0) as usize;
        let y1 = (((a.1.max(b.1) + half - miny) / cell).ceil() as usize).min(ny);
        for j in y0..y1 {
            let cy = miny + (j as f64 + 0.5) * cell;
            for i in x0..x1 {
                let k = j * nx + i;
                if !swept[k] && dist2_to_segment(minx + (i as f64 + 0.5) * cell, cy, *a, *b) <= h2 {
                    swept[k] = true;
                }
            }
        }
    }
    let mut zone_cells = 0usize;
    let mut covered = 0usize;
    // Uncovered zone cells, as runs per row, merged down rows into rectangles.
    let mut open: Vec<(usize, usize, usize)> = Vec::new(); // (i0, i1, j0)
    let mut rects: Vec<(usize, usize, usize, usize)> = Vec::new();
    for j in 0..ny {
        let cy = miny + (j as f64 + 0.5) * cell;
        let mut runs = Vec::new();
        let mut run_start: Option<usize> = None;
        for i in 0..nx {
            let inside = point_in_ring(minx + (i as f64 + 0.5) * cell, cy, &ring);
            let hole = inside && !swept[j * nx + i];
            if inside {
                zone_cells += 1;
                if swept[j * nx + i] {
                    covered += 1;
                }
            }
            match (hole, run_start) {
                (true, None) => run_start = Some(i),
                (false, Some(s)) => {
                    runs.push((s, i));
                    run_start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = run_start {
            runs.push((s, nx));
        }
        let mut next_open = Vec::new();
        for (i0, i1, j0) in open.drain(..) {
            if let Some(pos) = runs.iter().position(|r| *r == (i0, i1)) {
                runs.remove(pos);
                next_open.push((i0, i1, j0));
            } else {
                rects.push((i0, i1, j0, j));
            }
        }
        next_open.extend(runs.into_iter().map(|(i0, i1)| (i0, i1, j)));
        open = next_open;
    }
    rects.extend(open.into_iter().map(|(i0, i1, j0)| (i0, i1, j0, ny)));
    let blind_spots = rects
        .into_iter()
        .map(|(i0, i1, j0, j1)| {
            let (x0, x1) = (minx + i0 as f64 * cell, minx + i1 as f64 * cell);
            let (y0, y1) = (miny + j0 as f64 * cell, miny + j1 as f64 * cell);
            vec![
                plane.lonlat(x0, y0),
                plane.lonlat(x1, y0),
                plane.lonlat(x1, y1),
                plane.lonlat(x0, y1),
                plane.lonlat(x0, y0),
            ]
        })
        .collect();
    let zone_km2 = zone_cells as f64 * cell_area_km2;
    let covered_km2 = covered as f64 * cell_area_km2;
    Coverage {
        patrolled_km2: swept.iter().filter(|s| **s).count() as f64 * cell_area_km2,
        zone_km2,
        covered_km2,
        ratio: if zone_cells == 0 {
            0.0
        } else {
            covered as f64 / zone_cells as f64
        },
        blind_spots,
        cell_m: cell,
    }
}

/// A patrol plan: where, when, who.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatrolPlan {
    pub id: i64,
    pub region_id: i64,
    pub region_code: String,
    pub name: String,
    /// The planned zone, a `[lon, lat]` ring.
    pub zone: Vec<[f64; 2]>,
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub unit_id: i64,
    /// Vessels assigned (names, MMSIs), as written.
    pub vessels: String,
    pub personnel: i32,
    /// Who goes, as written.
    pub personnel_names: String,
    /// Sweep width in metres.
    pub sweep_m: f64,
    pub created_by: String,
    pub created_at: Millis,
}

string_enum_lite! {
    /// Where a track came from.
    TrackSource {
        Gpx = "gpx", "GPX 文件", "GPX file";
        Csv = "csv", "CSV 文件", "CSV file";
        Ais = "ais", "AIS 轨迹", "AIS history";
    }
}

/// One patrol as carried out, with its track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatrolRecord {
    pub id: i64,
    pub plan_id: i64,
    pub region_id: i64,
    pub region_code: String,
    pub unit_id: i64,
    pub vessel: String,
    pub mmsi: Option<i64>,
    pub source: TrackSource,
    pub started_at: Millis,
    pub ended_at: Millis,
    pub personnel: i32,
    pub vessels: i32,
    pub ships_checked: i32,
    pub persons_checked: i32,
    pub ships_seized: i32,
    pub track: Vec<TrackPoint>,
    pub length_km: f64,
    /// Area this patrol swept on its own, km².
    pub area_km2: f64,
    pub notes: String,
    pub created_by: String,
    pub created_at: Millis,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_tracks_with_errors_per_line() {
        let ok = "time,lat,lon\n2021-02-10T08:00:00+08:00,29.90,121.90\n2021-02-10T08:10:00+08:00,29.91,121.92\n";
        let t = parse_track_csv(ok).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].lon, 121.92);
        let swapped = "\u{feff}经度,纬度\n121.9,29.9\n121.95,29.95\n";
        assert_eq!(parse_track_csv(swapped).unwrap()[1].lat, 29.95);
        let bad = "lat,lon,time\n29.9,121.9,2021-02-10T08:00:00Z\n95,121.9,2021-02-10T08:00:00Z\n29.9\n29.9,abc,yesterday\n";
        let e = parse_track_csv(bad).unwrap_err();
        let lines: Vec<usize> = e.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5, 5]);
        assert!(e[0].zh.contains("纬度"));
        assert!(parse_track_csv("a,b\n1,2\n").unwrap_err()[0]
            .en
            .contains("header"));
        assert!(parse_track_csv("").is_err());
        assert!(parse_track_csv("lat,lon\n29,121\n").unwrap_err()[0]
            .zh
            .contains("2 个点"));
    }

    #[test]
    fn gpx_tracks_with_errors_per_line() {
        let gpx = r#"<?xml version="1.0"?>
<gpx version="1.1" creator="test">
 <trk><trkseg>
  <trkpt lat="29.90" lon="121.90"><time>2021-02-10T00:00:00Z</time></trkpt>
  <trkpt lon='121.95' lat='29.92'><ele>0</ele></trkpt>
 </trkseg></trk>
</gpx>"#;
        let t = parse_track_gpx(gpx).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].t, 1_612_915_200_000);
        assert_eq!((t[1].lat, t[1].t), (29.92, 0));
        let bad = "<gpx>\n<trkpt lat=\"99\" lon=\"121\"/>\n<trkpt lon=\"121\"/>\n<trkpt lat=\"29\" lon=\"121\"><time>soon</time></trkpt>\n</gpx>";
        let e = parse_track_gpx(bad).unwrap_err();
        let lines: Vec<usize> = e.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(parse_track_gpx("lat,lon").is_err());
    }

    #[test]
    fn zones_from_text_and_geojson() {
        let z = parse_zone("121.8,29.8\n121.9 29.8\n121.9,29.9\n121.8,29.8\n").unwrap();
        assert_eq!(z.len(), 3);
        let g = parse_zone(r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[121.8,29.8],[121.9,29.8],[121.9,29.9],[121.8,29.9],[121.8,29.8]]]}}"#).unwrap();
        assert_eq!(g.len(), 4);
        assert_eq!(g[2], [121.9, 29.9]);
        assert_eq!(parse_zone("121.8,29.8\nx\n").unwrap_err()[0].line, 2);
        assert!(parse_zone("121.8,29.8\n121.8,29.8\n121.9,29.9").is_err());
    }

    /// A square zone of about 10 km × 10 km.
    fn square() -> Vec<[f64; 2]> {
        let (lat, lon) = (29.9_f64, 121.9_f64);
        let dlat = 10_000.0 / 111_132.954;
        let dlon = 10_000.0 / (111_132.954 * lat.to_radians().cos());
        vec![
            [lon, lat],
            [lon + dlon, lat],
            [lon + dlon, lat + dlat],
            [lon, lat + dlat],
        ]
    }

    fn line(from: (f64, f64), to: (f64, f64)) -> Vec<TrackPoint> {
        vec![
            TrackPoint {
                t: 0,
                lat: from.0,
                lon: from.1,
            },
            TrackPoint {
                t: 1,
                lat: to.0,
                lon: to.1,
            },
        ]
    }

    #[test]
    fn a_straight_pass_sweeps_length_times_width() {
        let z = square();
        let mid = (z[0][1] + z[2][1]) / 2.0;
        // Straight across the middle, 2 km wide: 10 km × 2 km inside the zone.
        let c = coverage(&z, &[line((mid, z[0][0]), (mid, z[1][0]))], 2000.0);
        assert!((c.zone_km2 - 100.0).abs() < 2.0, "{}", c.zone_km2);
        assert!((c.covered_km2 - 20.0).abs() < 1.0, "{}", c.covered_km2);
        // Outside the zone the swath's round ends add π·1² km².
        assert!(
            (c.patrolled_km2 - (20.0 + std::f64::consts::PI)).abs() < 1.0,
            "{}",
            c.patrolled_km2
        );
        assert!((c.ratio - 0.2).abs() < 0.01);
        // Two blind strips, north and south, merged into one rectangle each.
        assert_eq!(c.blind_spots.len(), 2, "{:?}", c.blind_spots.len());
        assert!(c.blind_spots.iter().all(|r| r.len() == 5 && r[0] == r[4]));
    }

    #[test]
    fn overlapping_passes_count_once_and_full_sweeps_leave_no_blind_spot() {
        let z = square();
        let mid = (z[0][1] + z[2][1]) / 2.0;
        let pass = line((mid, z[0][0]), (mid, z[1][0]));
        let once = coverage(&z, std::slice::from_ref(&pass), 2000.0);
        let twice = coverage(&z, &[pass.clone(), pass], 2000.0);
        assert_eq!(once.patrolled_km2, twice.patrolled_km2);
        // A lawnmower pattern with 2.5 km swaths 2 km apart covers everything.
        let dlat = (z[2][1] - z[0][1]) / 5.0;
        let mut mower = Vec::new();
        for k in 0..5 {
            let lat = z[0][1] + dlat * (k as f64 + 0.5);
            let (a, b) = if k % 2 == 0 {
                (z[0][0], z[1][0])
            } else {
                (z[1][0], z[0][0])
            };
            mower.push(TrackPoint { t: 0, lat, lon: a });
            mower.push(TrackPoint { t: 0, lat, lon: b });
        }
        let full = coverage(&z, &[mower], 2500.0);
        assert!(full.ratio > 0.999, "{}", full.ratio);
        assert!(full.blind_spots.is_empty());
        let none = coverage(&z, &[], 2000.0);
        assert_eq!(
            (none.ratio, none.patrolled_km2, none.blind_spots.len()),
            (0.0, 0.0, 1)
        );
    }

    #[test]
    fn track_length() {
        let t = line((29.9, 121.9), (30.0, 121.9));
        assert!((track_length_km(&t) - 11.12).abs() < 0.05);
    }
}
