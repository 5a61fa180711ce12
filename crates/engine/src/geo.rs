//! Small-area geometry on WGS-84 degrees: distances, point-in-polygon, segments.
//!
//! Coastal rules work at metre-to-kilometre scale, so distances use a local
//! equirectangular projection (error well under 0.1 % below 100 km), which is far
//! cheaper than haversine on the hot path.

/// Mean Earth radius in metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// Metres per degree of latitude.
pub const M_PER_DEG_LAT: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
/// Metres per second in one knot.
pub const MPS_PER_KNOT: f64 = 1852.0 / 3600.0;

/// A WGS-84 position in degrees.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

impl LatLon {
    pub const fn new(lat: f64, lon: f64) -> Self {
        Self { lat, lon }
    }
}

/// Distance in metres between two nearby positions.
pub fn distance_m(a: LatLon, b: LatLon) -> f64 {
    let (dx, dy) = offset_m(a, b);
    (dx * dx + dy * dy).sqrt()
}

/// East and north offset in metres of `b` from `a`.
pub fn offset_m(a: LatLon, b: LatLon) -> (f64, f64) {
    let mean_lat = ((a.lat + b.lat) * 0.5).to_radians();
    let mut dlon = b.lon - a.lon;
    if dlon > 180.0 {
        dlon -= 360.0;
    } else if dlon < -180.0 {
        dlon += 360.0;
    }
    (
        dlon * M_PER_DEG_LAT * mean_lat.cos(),
        (b.lat - a.lat) * M_PER_DEG_LAT,
    )
}

/// Moves `from` by `metres` along the true course `course_deg`.
pub fn destination(from: LatLon, course_deg: f64, metres: f64) -> LatLon {
    let c = course_deg.to_radians();
    let north = metres * c.cos();
    let east = metres * c.sin();
    let lat = from.lat + north / M_PER_DEG_LAT;
    let cos_lat = from.lat.to_radians().cos().max(1e-6);
    LatLon::new(lat, from.lon + east / (M_PER_DEG_LAT * cos_lat))
}

/// Linear interpolation between two positions (`t` in 0..=1).
pub fn lerp(a: LatLon, b: LatLon, t: f64) -> LatLon {
    LatLon::new(a.lat + (b.lat - a.lat) * t, a.lon + (b.lon - a.lon) * t)
}

/// Even-odd test of a point against one closed ring of `[lon, lat]` vertices.
pub fn ring_contains(ring: &[[f64; 2]], p: LatLon) -> bool {
    let (x, y) = (p.lon, p.lat);
    let mut inside = false;
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let (xi, yi) = (ring[i][0], ring[i][1]);
        let (xj, yj) = (ring[j][0], ring[j][1]);
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Distance in metres from `p` to the segment `a`–`b` (vertices as `[lon, lat]`).
pub fn point_segment_distance_m(p: LatLon, a: [f64; 2], b: [f64; 2]) -> f64 {
    let (ax, ay) = offset_m(p, LatLon::new(a[1], a[0]));
    let (bx, by) = offset_m(p, LatLon::new(b[1], b[0]));
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (ax + t * dx, ay + t * dy);
    (cx * cx + cy * cy).sqrt()
}

/// Intersection of segments `p1`–`p2` and `q1`–`q2` in a plane (x = lon, y = lat).
/// Returns `(t, u, side)` where `t` is the parameter along `p`, `u` along `q`, and
/// `side` is `p`-direction × `q`-direction: positive when `p` moves from
/// the left of `q` to its right.
pub fn segment_intersection(
    p1: [f64; 2],
    p2: [f64; 2],
    q1: [f64; 2],
    q2: [f64; 2],
) -> Option<(f64, f64, f64)> {
    let r = [p2[0] - p1[0], p2[1] - p1[1]];
    let s = [q2[0] - q1[0], q2[1] - q1[1]];
    let denom = r[0] * s[1] - r[1] * s[0];
    if denom == 0.0 {
        return None;
    }
    let qp = [q1[0] - p1[0], q1[1] - p1[1]];
    let t = (qp[0] * s[1] - qp[1] * s[0]) / denom;
    let u = (qp[0] * r[1] - qp[1] * r[0]) / denom;
    if (0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u) {
        // r × s > 0 means r points to the right of s (x east, y north).
        Some((t, u, denom))
    } else {
        None
    }
}

/// Which side of a directed segment a point lies on: > 0 left, < 0 right.
pub fn side_of(a: [f64; 2], b: [f64; 2], p: LatLon) -> f64 {
    (b[0] - a[0]) * (p.lat - a[1]) - (b[1] - a[1]) * (p.lon - a[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_match_known_values() {
        let a = LatLon::new(30.0, 122.0);
        let b = LatLon::new(30.0, 122.01);
        let d = distance_m(a, b);
        assert!((d - 963.0).abs() < 2.0, "{d}");
        let north = destination(a, 0.0, 1000.0);
        assert!((distance_m(a, north) - 1000.0).abs() < 0.01);
        let east = destination(a, 90.0, 500.0);
        assert!((east.lat - a.lat).abs() < 1e-12);
        assert!((distance_m(a, east) - 500.0).abs() < 0.01);
    }

    #[test]
    fn ring_and_segments() {
        let square = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]];
        assert!(ring_contains(&square, LatLon::new(0.5, 0.5)));
        assert!(!ring_contains(&square, LatLon::new(1.5, 0.5)));
        // A line drawn northwards; moving east crosses from its left to its right.
        let hit = segment_intersection([-1.0, 0.5], [1.0, 0.5], [0.0, 0.0], [0.0, 1.0]);
        let (t, u, side) = hit.unwrap();
        assert!((t - 0.5).abs() < 1e-12 && (u - 0.5).abs() < 1e-12);
        assert!(side > 0.0);
        assert!(side_of([0.0, 0.0], [0.0, 1.0], LatLon::new(0.5, -1.0)) > 0.0);
        let d = point_segment_distance_m(LatLon::new(0.0, 0.001), [0.0, 0.0], [0.0, 1.0]);
        assert!((d - 111.2).abs() < 0.5, "{d}");
    }
}
