//! Coastal exercises: a generator of scenarios with ground truth, and the scorer.
//!
//! - [`generate`] — layouts, traffic and planted events (with near misses), per seed.
//! - [`nmea`] — the minimal AIS encoder the generator writes with.
//! - [`score`] — recall and precision per kind against a truth file.

pub mod generate;
pub mod nmea;
pub mod score;

pub use generate::{generate, Exercise, ExerciseOptions};
pub use score::{parse_events, score, KindScore, Score, ScoreError, ScoredEvent};
