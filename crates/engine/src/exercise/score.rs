//! Scoring an engine's events against an exercise's truth.
//!
//! An event matches a truth event of the same kind, the same vessel(s) (an
//! encounter's pair in either order), the same `detail.direction` when the truth has
//! one, and a time span that overlaps the truth's within ±5 minutes. Matching is
//! one-to-one, so a duplicate event costs precision.

use crate::event::EventKind;
use crate::time::parse_rfc3339;
use serde_json::Value;
use std::collections::BTreeMap;

/// Slack on each side of a truth event's span.
pub const TIME_TOLERANCE_MS: i64 = 5 * 60_000;

/// A line of an events file that cannot be scored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}: line {line}: {message}")]
pub struct ScoreError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScoredEvent {
    pub kind: EventKind,
    pub vessels: (u32, Option<u32>),
    pub direction: Option<String>,
    pub start_ms: i64,
    pub end_ms: i64,
}

/// Counts for one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindScore {
    pub truth: usize,
    pub found: usize,
    pub matched: usize,
}

impl KindScore {
    /// Matched / truth (1.0 when there is no truth of this kind).
    pub fn recall(&self) -> f64 {
        if self.truth == 0 {
            1.0
        } else {
            self.matched as f64 / self.truth as f64
        }
    }
    /// Matched / found (1.0 when nothing was found).
    pub fn precision(&self) -> f64 {
        if self.found == 0 {
            1.0
        } else {
            self.matched as f64 / self.found as f64
        }
    }
}

/// Per-kind scores, every kind present.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub by_kind: BTreeMap<EventKind, KindScore>,
    /// Truth events that found no match.
    pub missed: Vec<ScoredEvent>,
    /// Events that matched no truth.
    pub spurious: Vec<ScoredEvent>,
}

impl Score {
    pub fn total(&self) -> KindScore {
        self.by_kind
            .values()
            .fold(KindScore::default(), |a, k| KindScore {
                truth: a.truth + k.truth,
                found: a.found + k.found,
                matched: a.matched + k.matched,
            })
    }

    /// Whether every kind has recall and precision 1.
    pub fn is_perfect(&self) -> bool {
        self.missed.is_empty() && self.spurious.is_empty()
    }

    /// A fixed-width table, one row per kind and a total.
    pub fn table(&self) -> String {
        let mut s = format!(
            "{:<22} {:>6} {:>6} {:>7} {:>7} {:>9}\n",
            "kind", "truth", "found", "matched", "recall", "precision"
        );
        let row = |name: &str, k: &KindScore| {
            format!(
                "{:<22} {:>6} {:>6} {:>7} {:>7.2} {:>9.2}\n",
                name,
                k.truth,
                k.found,
                k.matched,
                k.recall(),
                k.precision()
            )
        };
        for (kind, k) in &self.by_kind {
            s += &row(kind.as_str(), k);
        }
        s += &row("total", &self.total());
        s
    }
}

/// Parses an events JSON Lines text (FORMATS.md); `file` names it in errors.
pub fn parse_events(text: &str, file: &str) -> Result<Vec<ScoredEvent>, ScoreError> {
    let mut events = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let err = |message: String| ScoreError {
            file: file.to_string(),
            line: i + 1,
            message,
        };
        let v: Value = serde_json::from_str(line).map_err(|e| err(format!("not JSON: {e}")))?;
        let kind_text = v
            .get("kind")
            .and_then(Value::as_str)
            .ok_or_else(|| err("missing `kind`".into()))?;
        let kind = EventKind::parse(kind_text)
            .ok_or_else(|| err(format!("unknown kind {kind_text:?}")))?;
        let mmsi = v
            .get("mmsi")
            .and_then(Value::as_u64)
            .and_then(|m| u32::try_from(m).ok())
            .ok_or_else(|| err("missing or invalid `mmsi`".into()))?;
        let other = match v.get("other_mmsi") {
            None | Some(Value::Null) => None,
            Some(o) => Some(
                o.as_u64()
                    .and_then(|m| u32::try_from(m).ok())
                    .ok_or_else(|| err("invalid `other_mmsi`".into()))?,
            ),
        };
        let time = |field: &str| -> Result<i64, ScoreError> {
            let text = v
                .get(field)
                .and_then(Value::as_str)
                .ok_or_else(|| err(format!("missing `{field}`")))?;
            parse_rfc3339(text).ok_or_else(|| err(format!("`{field}` is not RFC 3339: {text:?}")))
        };
        let start_ms = time("start")?;
        let end_ms = match v.get("end") {
            None | Some(Value::Null) => start_ms,
            Some(_) => time("end")?,
        };
        let direction = v
            .pointer("/detail/direction")
            .and_then(Value::as_str)
            .map(str::to_string);
        let vessels = match other {
            Some(o) if o < mmsi => (o, Some(mmsi)),
            _ => (mmsi, other),
        };
        events.push(ScoredEvent {
            kind,
            vessels,
            direction,
            start_ms,
            end_ms: end_ms.max(start_ms),
        });
    }
    Ok(events)
}

fn matches(truth: &ScoredEvent, found: &ScoredEvent) -> bool {
    truth.kind == found.kind
        && truth.vessels == found.vessels
        && (truth.direction.is_none() || truth.direction == found.direction)
        && found.start_ms <= truth.end_ms + TIME_TOLERANCE_MS
        && found.end_ms >= truth.start_ms - TIME_TOLERANCE_MS
}

/// Scores `found` against `truth`, pairing each truth event with the closest
/// matching event not yet taken.
pub fn score(truth: &[ScoredEvent], found: &[ScoredEvent]) -> Score {
    let mut by_kind: BTreeMap<EventKind, KindScore> = EventKind::ALL
        .iter()
        .map(|k| (*k, KindScore::default()))
        .collect();
    let mut taken = vec![false; found.len()];
    let mut missed = Vec::new();
    for t in truth {
        by_kind.get_mut(&t.kind).expect("every kind").truth += 1;
        let best = found
            .iter()
            .enumerate()
            .filter(|(i, f)| !taken[*i] && matches(t, f))
            .min_by_key(|(_, f)| (f.start_ms - t.start_ms).abs());
        match best {
            Some((i, _)) => {
                taken[i] = true;
                by_kind.get_mut(&t.kind).expect("every kind").matched += 1;
            }
            None => missed.push(t.clone()),
        }
    }
    let mut spurious = Vec::new();
    for (i, f) in found.iter().enumerate() {
        by_kind.get_mut(&f.kind).expect("every kind").found += 1;
        if !taken[i] {
            spurious.push(f.clone());
        }
    }
    Score {
        by_kind,
        missed,
        spurious,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_by_kind_vessels_direction_and_time() {
        let truth = r#"{"kind":"encounter","mmsi":1,"other_mmsi":2,"start":"2021-02-16T14:00:00Z","end":"2021-02-16T14:30:00Z"}
{"kind":"boundary_crossing","mmsi":3,"other_mmsi":null,"start":"2021-02-16T15:00:00Z","end":"2021-02-16T15:00:00Z","detail":{"direction":"out"}}
{"kind":"ais_gap","mmsi":4,"start":"2021-02-16T15:00:00Z","end":"2021-02-16T16:00:00Z"}"#;
        let found = r#"{"kind":"encounter","mmsi":2,"other_mmsi":1,"start":"2021-02-16T14:34:00Z","end":"2021-02-16T14:40:00Z"}
{"kind":"boundary_crossing","mmsi":3,"start":"2021-02-16T15:04:00Z","end":"2021-02-16T15:04:00Z","detail":{"direction":"in"}}
{"kind":"ais_gap","mmsi":4,"start":"2021-02-16T16:04:59Z","end":"2021-02-16T16:30:00Z"}
{"kind":"ais_gap","mmsi":4,"start":"2021-02-16T15:10:00Z","end":"2021-02-16T15:20:00Z"}"#;
        let s = score(
            &parse_events(truth, "t").unwrap(),
            &parse_events(found, "f").unwrap(),
        );
        assert_eq!(
            s.by_kind[&EventKind::Encounter],
            KindScore {
                truth: 1,
                found: 1,
                matched: 1
            }
        );
        assert_eq!(
            s.by_kind[&EventKind::BoundaryCrossing],
            KindScore {
                truth: 1,
                found: 1,
                matched: 0
            }
        );
        assert_eq!(
            s.by_kind[&EventKind::AisGap],
            KindScore {
                truth: 1,
                found: 2,
                matched: 1
            }
        );
        assert_eq!(s.by_kind[&EventKind::AisGap].precision(), 0.5);
    }

    #[test]
    fn bad_lines_are_named() {
        let e = parse_events("{\"kind\":\"encounter\"}\n", "e.jsonl").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.to_string().contains("mmsi"));
        let e = parse_events("\n{\"kind\":\"nope\",\"mmsi\":1}", "e.jsonl").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
