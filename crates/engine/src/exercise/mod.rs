//! Coastal exercises: a generator of scenarios with ground truth, and the scorer.
//!
//! - [`generate`](mod@generate) — layouts, traffic and planted events (with near misses), per seed.
//! - [`nmea`] — a minimal AIS encoder, so the engine can write exercises on its own;
//!   the CLI passes the decoder crate's full encoder to [`generate_with`] instead.
//! - [`score`](mod@score) — recall and precision per kind against a truth file.

pub mod generate;
pub mod nmea;
pub mod score;

pub use generate::{generate, generate_with, Exercise, ExerciseOptions, NmeaWriter, Origin};
pub use nmea::{Kinematics, Transmission};
pub use score::{parse_events, score, KindScore, Score, ScoreError, ScoredEvent};
