//! The same partitioning without a broker: routed messages go straight to
//! the partitions' engines in this process. Used to test partitioning (an
//! encounter on a cell border) and as the benchmark's in-process baseline.

use jinghai_engine::Engine;
use jinghai_ingest::RawLine;

use crate::grid::Grid;
use crate::partition::{KeyedEvent, PartitionEngine};
use crate::route::{Router, END_OF_INPUT};

/// A router and every partition's engine, in one process.
pub struct InProcess {
    router: Router,
    pub engines: Vec<PartitionEngine>,
}

impl InProcess {
    pub fn new(grid: Grid, feed: &str, make_engine: &dyn Fn() -> Engine) -> InProcess {
        InProcess {
            router: Router::new(grid),
            engines: (0..grid.partitions)
                .map(|p| PartitionEngine::new(p, feed, grid, make_engine()))
                .collect(),
        }
    }

    /// One raw line through the router and the engines it is addressed to.
    pub fn push(&mut self, line: &RawLine, events: &mut Vec<KeyedEvent>) {
        if let Some(routed) = self.router.route(line) {
            for p in routed.partitions {
                self.engines[p as usize].process(&routed.payload, events);
            }
        }
    }

    /// End of input: every engine settles and closes what is open.
    pub fn finish(&mut self, events: &mut Vec<KeyedEvent>) {
        for e in &mut self.engines {
            e.process(END_OF_INPUT, events);
        }
    }
}
