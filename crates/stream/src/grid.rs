//! The fixed grid of area cells and how cells map to partitions.
//!
//! Cells are `cell_deg`° × `cell_deg`° squares anchored at 0°N 0°E (row =
//! ⌊lat / cell_deg⌋, col = ⌊lon / cell_deg⌋). A cell belongs to one of
//! `partitions` partitions by a fixed hash, so neighbouring cells usually
//! fall in different partitions and a partition's load is spread along the
//! coast. A position is *owned* by its cell's partition; it is also sent to
//! the partitions of the neighbouring cells whose *halo* (a band `halo_deg`
//! wide around the cell) contains it, so an engine sees every vessel near
//! its cells' borders and finds what happens across them.

use serde::Deserialize;

/// One cell of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cell {
    pub row: i32,
    pub col: i32,
}

/// The grid and the partition count: everything publishers and workers
/// must agree on (a worker checks the stream's settings at start).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grid {
    /// Cell side in degrees (default 1°, ≈ 110 km north–south).
    #[serde(default = "default_cell_deg")]
    pub cell_deg: f64,
    /// Halo width in degrees (default 0.05°, ≈ 5.5 km): more than a vessel
    /// at 30 kn covers between two reports, and 25 times the encounter
    /// distance.
    #[serde(default = "default_halo_deg")]
    pub halo_deg: f64,
    /// Number of partitions (subjects), shared out among the workers.
    #[serde(default = "default_partitions")]
    pub partitions: u32,
}

fn default_cell_deg() -> f64 {
    1.0
}
fn default_halo_deg() -> f64 {
    0.05
}
fn default_partitions() -> u32 {
    8
}

impl Default for Grid {
    fn default() -> Self {
        Grid {
            cell_deg: default_cell_deg(),
            halo_deg: default_halo_deg(),
            partitions: default_partitions(),
        }
    }
}

/// A grid that cannot work.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("stream grid: {0}")]
pub struct GridError(pub String);

impl Grid {
    /// Checks the settings: a positive cell, a halo narrower than half a
    /// cell (so a position is near at most two borders), ≥ 1 partition.
    pub fn validate(&self) -> Result<(), GridError> {
        if !(self.cell_deg.is_finite() && self.cell_deg > 0.0 && self.cell_deg <= 90.0) {
            return Err(GridError(format!(
                "cell_deg {} must be in (0, 90]",
                self.cell_deg
            )));
        }
        if !(self.halo_deg.is_finite()
            && self.halo_deg >= 0.0
            && self.halo_deg < self.cell_deg / 2.0)
        {
            return Err(GridError(format!(
                "halo_deg {} must be ≥ 0 and below half a cell ({})",
                self.halo_deg,
                self.cell_deg / 2.0
            )));
        }
        if self.partitions == 0 || self.partitions > 4096 {
            return Err(GridError(format!(
                "partitions {} must be 1 to 4096",
                self.partitions
            )));
        }
        Ok(())
    }

    pub fn cell(&self, lat: f64, lon: f64) -> Cell {
        Cell {
            row: (lat / self.cell_deg).floor() as i32,
            col: (lon / self.cell_deg).floor() as i32,
        }
    }

    /// The partition a cell belongs to (a fixed hash of row and column).
    pub fn partition_of(&self, cell: Cell) -> u32 {
        let mut h = (cell.row as i64 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ (cell.col as i64 as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
        h ^= h >> 29;
        h = h.wrapping_mul(0x94D0_49BB_1331_11EB);
        h ^= h >> 32;
        (h % self.partitions as u64) as u32
    }

    /// The partition owning a position: the only one that raises events there.
    pub fn owner(&self, lat: f64, lon: f64) -> u32 {
        self.partition_of(self.cell(lat, lon))
    }

    /// Every partition that must see a position: its owner first, then those
    /// of the neighbouring cells whose halo contains it (each once).
    pub fn partitions_for(&self, lat: f64, lon: f64, out: &mut Vec<u32>) {
        out.clear();
        let cell = self.cell(lat, lon);
        out.push(self.partition_of(cell));
        if self.halo_deg <= 0.0 {
            return;
        }
        let near = |v: f64, index: i32| {
            let low = index as f64 * self.cell_deg;
            let (from_low, to_high) = (v - low, low + self.cell_deg - v);
            (
                if from_low < self.halo_deg { -1 } else { 0 },
                if to_high <= self.halo_deg { 1 } else { 0 },
            )
        };
        let (south, north) = near(lat, cell.row);
        let (west, east) = near(lon, cell.col);
        for dr in [south, 0, north] {
            for dc in [west, 0, east] {
                if dr == 0 && dc == 0 {
                    continue;
                }
                let p = self.partition_of(Cell {
                    row: cell.row + dr,
                    col: cell.col + dc,
                });
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
    }

    /// The partitions worker `index` of `count` runs (round robin).
    pub fn partitions_of_worker(&self, index: u32, count: u32) -> Vec<u32> {
        (0..self.partitions)
            .filter(|p| count > 0 && p % count == index)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_owners_and_halos() {
        let g = Grid {
            cell_deg: 1.0,
            halo_deg: 0.05,
            partitions: 64,
        };
        g.validate().unwrap();
        assert_eq!(g.cell(29.5, 122.5), Cell { row: 29, col: 122 });
        assert_eq!(g.cell(-0.5, -0.5), Cell { row: -1, col: -1 });
        let mut out = Vec::new();
        // Mid-cell: the owner only.
        g.partitions_for(29.5, 122.5, &mut out);
        assert_eq!(out, vec![g.owner(29.5, 122.5)]);
        // Near the east border: also the east neighbour's partition.
        g.partitions_for(29.5, 122.97, &mut out);
        let east = g.partition_of(Cell { row: 29, col: 123 });
        assert_eq!(out[0], g.owner(29.5, 122.97));
        assert!(out.contains(&east));
        // Near a corner: up to the four cells around it.
        g.partitions_for(29.02, 122.98, &mut out);
        for c in [(29, 122), (28, 122), (29, 123), (28, 123)] {
            assert!(out.contains(&g.partition_of(Cell { row: c.0, col: c.1 })));
        }
        assert!(out.len() <= 4);
        // Every partition has a worker.
        let mut all: Vec<u32> = (0..3).flat_map(|w| g.partitions_of_worker(w, 3)).collect();
        all.sort();
        assert_eq!(all, (0..64).collect::<Vec<_>>());
    }

    #[test]
    fn bad_grids_are_refused() {
        for g in [
            Grid {
                cell_deg: 0.0,
                ..Grid::default()
            },
            Grid {
                halo_deg: 0.6,
                ..Grid::default()
            },
            Grid {
                partitions: 0,
                ..Grid::default()
            },
        ] {
            assert!(g.validate().is_err(), "{g:?}");
        }
    }
}
