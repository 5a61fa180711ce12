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

/// `cos` of a latitude given in radians (|x| ≤ π/2; clamped there), without a call
/// into libm: the Taylor series to x¹⁸, within 4e-15 of the true value over the whole
/// range and to the last bit at coastal latitudes. It runs for every position report
/// (several times), where libm's `cos` was a tenth of the engine's instructions.
#[inline]
pub fn cos_lat(x: f64) -> f64 {
    let x = x.clamp(-std::f64::consts::FRAC_PI_2, std::f64::consts::FRAC_PI_2);
    let y = x * x;
    // Coefficients (-1)^k / (2k)!, evaluated as two independent halves (Estrin) so
    // the dependency chain is half as long as plain Horner.
    const C: [f64; 10] = [
        1.0,
        -1.0 / 2.0,
        1.0 / 24.0,
        -1.0 / 720.0,
        1.0 / 40_320.0,
        -1.0 / 3_628_800.0,
        1.0 / 479_001_600.0,
        -1.0 / 87_178_291_200.0,
        1.0 / 20_922_789_888_000.0,
        -1.0 / 6_402_373_705_728_000.0,
    ];
    let y2 = y * y;
    let y4 = y2 * y2;
    let y8 = y4 * y4;
    let low = (C[0] + C[1] * y) + (C[2] + C[3] * y) * y2;
    let mid = (C[4] + C[5] * y) + (C[6] + C[7] * y) * y2;
    let high = C[8] + C[9] * y;
    low + mid * y4 + high * y8
}

/// `x.floor() as i32` (saturating, NaN → 0) without a call: x86-64's baseline has no
/// SSE4.1 `roundsd`, so `f64::floor` is a function call there, twice per position.
#[inline]
pub fn floor_i32(x: f64) -> i32 {
    let truncated = x as i32;
    truncated.saturating_sub(i32::from(x < f64::from(truncated)))
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
        dlon * M_PER_DEG_LAT * cos_lat(mean_lat),
        (b.lat - a.lat) * M_PER_DEG_LAT,
    )
}

/// Moves `from` by `metres` along the true course `course_deg`.
pub fn destination(from: LatLon, course_deg: f64, metres: f64) -> LatLon {
    let c = course_deg.to_radians();
    let north = metres * c.cos();
    let east = metres * c.sin();
    let lat = from.lat + north / M_PER_DEG_LAT;
    let cos_lat = cos_lat(from.lat.to_radians()).max(1e-6);
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
    fn cos_lat_and_floor_agree_with_libm() {
        let mut worst = 0.0f64;
        for i in -90_000..=90_000 {
            let x = (f64::from(i) / 1000.0).to_radians();
            worst = worst.max((cos_lat(x) - x.cos()).abs());
        }
        assert!(worst < 4e-15, "worst {worst:e}");
        // Out of range is clamped (a pole), not extrapolated.
        assert!(cos_lat(2.0).abs() < 4e-15);
        for x in [
            -2.5,
            -2.0,
            -0.5,
            -0.0,
            0.0,
            0.5,
            2.0,
            2.5,
            1e12,
            -1e12,
            f64::NAN,
        ] {
            assert_eq!(floor_i32(x), x.floor() as i32, "{x}");
        }
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
