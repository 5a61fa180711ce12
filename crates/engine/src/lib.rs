//! Maritime engine: tracks, zones and detectors. No IO; time comes from message receive times.
