//! Polygon rings: the one validity rule for zones, whether they come from a
//! GeoJSON file (the engine's loader), a drawing on the map (the places
//! editor) or an import. The engine and the workflow both call
//! [`check_ring`]; the browser repeats the same rule only to refuse a bad
//! drawing before it is sent.

/// Why a ring is not a usable polygon boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RingProblem {
    /// Fewer than 4 positions (3 distinct corners and the closing one).
    TooShort { positions: usize },
    /// The first and last positions differ.
    NotClosed,
    /// Fewer than 3 distinct corners.
    TooFewDistinct { distinct: usize },
    /// All corners on one line.
    ZeroArea,
    /// Two edges cross (edge numbers from 0).
    SelfIntersecting { edge_a: usize, edge_b: usize },
}

impl RingProblem {
    pub fn zh(&self) -> String {
        match self {
            RingProblem::TooShort { positions } => {
                format!("只有 {positions} 个坐标点，至少需要 3 个不同的顶点并闭合（4 个坐标）")
            }
            RingProblem::NotClosed => "多边形未闭合（首尾坐标不同）".into(),
            RingProblem::TooFewDistinct { distinct } => {
                format!("只有 {distinct} 个不同的顶点，至少需要 3 个")
            }
            RingProblem::ZeroArea => "多边形面积为零（所有顶点在一条直线上）".into(),
            RingProblem::SelfIntersecting { edge_a, edge_b } => {
                format!(
                    "多边形自相交（第 {} 条边与第 {} 条边交叉）",
                    edge_a + 1,
                    edge_b + 1
                )
            }
        }
    }

    pub fn en(&self) -> String {
        match self {
            RingProblem::TooShort { positions } => {
                format!("has {positions} positions, needs at least 4 (3 distinct corners and the closing position)")
            }
            RingProblem::NotClosed => "is not closed (first and last positions differ)".into(),
            RingProblem::TooFewDistinct { distinct } => {
                format!("has {distinct} distinct corners, needs at least 3")
            }
            RingProblem::ZeroArea => "has zero area (all corners on one line)".into(),
            RingProblem::SelfIntersecting { edge_a, edge_b } => {
                format!("is self-intersecting (edges {edge_a} and {edge_b})")
            }
        }
    }
}

/// Largest ring whose self-intersection is checked (the check is quadratic).
pub const MAX_CHECKED_RING: usize = 2000;

/// Checks one closed ring of `[lon, lat]` positions.
pub fn check_ring(ring: &[[f64; 2]]) -> Result<(), RingProblem> {
    if ring.len() < 4 {
        return Err(RingProblem::TooShort {
            positions: ring.len(),
        });
    }
    if ring[0] != ring[ring.len() - 1] {
        return Err(RingProblem::NotClosed);
    }
    let n = ring.len() - 1;
    let mut distinct: Vec<[f64; 2]> = Vec::with_capacity(3);
    for p in &ring[..n] {
        if !distinct.contains(p) {
            distinct.push(*p);
            if distinct.len() == 3 {
                break;
            }
        }
    }
    if distinct.len() < 3 {
        return Err(RingProblem::TooFewDistinct {
            distinct: distinct.len(),
        });
    }
    let area2: f64 = ring
        .windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum();
    if area2.abs() < 1e-14 {
        return Err(RingProblem::ZeroArea);
    }
    if n <= MAX_CHECKED_RING {
        for i in 0..n {
            for j in i + 2..n {
                if i == 0 && j == n - 1 {
                    continue; // adjacent through the closing vertex
                }
                if segments_cross(ring[i], ring[i + 1], ring[j], ring[j + 1]) {
                    return Err(RingProblem::SelfIntersecting {
                        edge_a: i,
                        edge_b: j,
                    });
                }
            }
        }
    }
    Ok(())
}

/// Whether segments `a`–`b` and `c`–`d` properly cross.
pub fn segments_cross(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> bool {
    let orient = |p: [f64; 2], q: [f64; 2], r: [f64; 2]| {
        let v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
        if v > 0.0 {
            1
        } else if v < 0.0 {
            -1
        } else {
            0
        }
    };
    let (o1, o2, o3, o4) = (
        orient(a, b, c),
        orient(a, b, d),
        orient(c, d, a),
        orient(c, d, b),
    );
    o1 * o2 < 0 && o3 * o4 < 0
}

/// A valid WGS-84 position (`[lon, lat]`).
pub fn valid_position(p: [f64; 2]) -> bool {
    p[0].is_finite() && p[1].is_finite() && p[0].abs() <= 180.0 && p[1].abs() <= 90.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rings() {
        let square = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]];
        assert_eq!(check_ring(&square), Ok(()));
        assert_eq!(
            check_ring(&square[..3]),
            Err(RingProblem::TooShort { positions: 3 })
        );
        assert_eq!(check_ring(&square[..4]), Err(RingProblem::NotClosed));
        let two = [[0.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 0.0]];
        assert_eq!(
            check_ring(&two),
            Err(RingProblem::TooFewDistinct { distinct: 2 })
        );
        let line = [[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [0.0, 0.0]];
        assert_eq!(check_ring(&line), Err(RingProblem::ZeroArea));
        let bowtie = [[0.0, 0.0], [2.0, 2.0], [2.0, 0.0], [0.0, 1.0], [0.0, 0.0]];
        assert!(matches!(
            check_ring(&bowtie),
            Err(RingProblem::SelfIntersecting { .. })
        ));
        for p in [
            RingProblem::NotClosed,
            RingProblem::ZeroArea,
            RingProblem::TooShort { positions: 1 },
        ] {
            assert!(!p.zh().is_empty() && !p.en().is_empty());
        }
    }
}
