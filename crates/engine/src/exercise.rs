//! Coastal exercises: generator and scorer.
