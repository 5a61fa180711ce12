//! `jinghai replay`: a recording through decoder and engine, as fast as possible.

use crate::lines::for_each_line;
use crate::pipeline::Pipeline;
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use jinghai_engine::{
    parse_port_reports, Engine, EngineConfig, EngineOutput, Event, EventKind, FinalEvents,
    Registry, ZoneSet,
};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct ReplayArgs {
    /// Zones (GeoJSON FeatureCollection).
    #[arg(long)]
    pub zones: PathBuf,
    /// Vessel registry (CSV).
    #[arg(long)]
    pub vessels: PathBuf,
    /// Port departure/arrival reports (CSV).
    #[arg(long)]
    pub reports: PathBuf,
    /// Where to write the events (JSON Lines).
    #[arg(long)]
    pub out: PathBuf,
    /// Engine thresholds (TOML); defaults are those of FORMATS.md.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Do not draw the progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// The AIS recording: NMEA 0183 lines, optionally gzip-compressed (`.gz`).
    pub ais: PathBuf,
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Loads zones, registry, reports and config, or fails naming the file and field.
pub fn load_engine(
    zones: &Path,
    vessels: &Path,
    reports: &Path,
    config: Option<&Path>,
) -> Result<Engine> {
    let config: EngineConfig = match config {
        Some(path) => toml::from_str(&read_text(path)?)
            .with_context(|| format!("{}: invalid engine configuration", path.display()))?,
        None => EngineConfig::default(),
    };
    let zone_set = ZoneSet::from_geojson(&read_text(zones)?, &zones.display().to_string())?;
    let registry = Registry::from_csv(&read_text(vessels)?, &vessels.display().to_string())?;
    let reports = parse_port_reports(
        &read_text(reports)?,
        &reports.display().to_string(),
        &zone_set,
    )?;
    Ok(Engine::new(config, zone_set, registry, reports))
}

/// Opens an NMEA file, decompressing `.gz`.
pub fn open_nmea(path: &Path) -> Result<Box<dyn BufRead>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    Ok(Box::new(BufReader::with_capacity(1 << 20, reader)))
}

/// What a replay did.
#[derive(Debug, Default)]
pub struct ReplaySummary {
    pub lines: u64,
    pub messages: u64,
    pub vessels: u64,
    pub events_by_kind: BTreeMap<EventKind, u64>,
    pub seconds: f64,
}

/// Runs `input` through `engine`, handing each final event to `sink` in raise order.
pub fn replay_stream(
    engine: Engine,
    input: &mut dyn BufRead,
    progress: Option<&ProgressBar>,
    sink: &mut dyn FnMut(&Event) -> Result<()>,
) -> Result<ReplaySummary> {
    let started = Instant::now();
    let mut pipeline = Pipeline::new(engine);
    let mut outputs: Vec<EngineOutput> = Vec::new();
    let mut order = FinalEvents::new();
    let mut ready = Vec::new();
    let mut summary = ReplaySummary::default();
    let mut drain = |outputs: &mut Vec<EngineOutput>, summary: &mut ReplaySummary| -> Result<()> {
        for output in outputs.drain(..) {
            order.push(output, &mut ready);
        }
        for event in ready.drain(..) {
            *summary.events_by_kind.entry(event.kind).or_default() += 1;
            sink(&event)?;
        }
        Ok(())
    };
    {
        let line_in = |line: &[u8]| -> Result<()> {
            summary.lines += 1;
            pipeline.push_line(line, &mut outputs);
            if !outputs.is_empty() {
                drain(&mut outputs, &mut summary)?;
            }
            if summary.lines & 0xFFFF == 0 {
                if let Some(bar) = progress {
                    let stats = pipeline.engine.stats();
                    let secs = started.elapsed().as_secs_f64().max(1e-9);
                    bar.set_position(summary.lines);
                    bar.set_message(format!(
                        "{} msgs · {} vessels · {} events · {:.0} msg/s",
                        stats.messages,
                        stats.vessels,
                        summary.events_by_kind.values().sum::<u64>(),
                        stats.messages as f64 / secs
                    ));
                }
            }
            Ok(())
        };
        for_each_line(input, line_in)?;
    }
    pipeline.finish(&mut outputs);
    drain(&mut outputs, &mut summary)?;
    let stats = pipeline.engine.stats();
    summary.messages = stats.messages;
    summary.vessels = stats.vessels;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

pub fn run(args: ReplayArgs) -> Result<()> {
    // Everything is loaded and checked before the first line is read.
    let engine = load_engine(
        &args.zones,
        &args.vessels,
        &args.reports,
        args.config.as_deref(),
    )?;
    let mut input = open_nmea(&args.ais)?;
    let out = std::fs::File::create(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut out = BufWriter::new(out);
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed_precise} {pos} lines  {msg}")
            .expect("valid template"),
    );
    let summary = replay_stream(engine, &mut input, Some(&bar), &mut |event| {
        writeln!(out, "{}", event.to_json_line()).context("writing events")
    })?;
    out.flush().context("writing events")?;
    bar.finish_and_clear();
    let events: u64 = summary.events_by_kind.values().sum();
    eprintln!(
        "replayed {} lines, {} messages, {} vessels in {:.2} s ({:.0} msg/s); {} events → {}",
        summary.lines,
        summary.messages,
        summary.vessels,
        summary.seconds,
        summary.messages as f64 / summary.seconds.max(1e-9),
        events,
        args.out.display()
    );
    for (kind, n) in &summary.events_by_kind {
        eprintln!("  {:<22} {n}", kind.as_str());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{encode_transmission, Pipeline};
    use jinghai_engine::exercise::{generate_with, Exercise, ExerciseOptions};

    fn exercise() -> Exercise {
        let options = ExerciseOptions {
            seed: 11,
            background: 60,
            ..Default::default()
        };
        generate_with(&options, &mut encode_transmission)
    }

    fn engine(ex: &Exercise) -> Engine {
        let zones = ZoneSet::from_geojson(&ex.zones_geojson, "zones").unwrap();
        let registry = Registry::from_csv(&ex.vessels_csv, "vessels").unwrap();
        let reports = parse_port_reports(&ex.port_reports_csv, "reports", &zones).unwrap();
        Engine::new(EngineConfig::default(), zones, registry, reports)
    }

    fn replayed(ex: &Exercise, capacity: usize) -> (Vec<String>, ReplaySummary) {
        let mut input = BufReader::with_capacity(capacity, ex.nmea.as_bytes());
        let mut events = Vec::new();
        let summary = replay_stream(engine(ex), &mut input, None, &mut |e| {
            events.push(e.to_json_line());
            Ok(())
        })
        .unwrap();
        (events, summary)
    }

    /// The replay batches lines and cuts them out of the reader's buffer: the
    /// events must be those of running the engine line by line, whatever the
    /// buffer size (7 bytes: every line is split across fills).
    #[test]
    fn batched_replay_gives_the_events_of_line_by_line() {
        let ex = exercise();
        let mut p = Pipeline::new(engine(&ex));
        let mut outputs = Vec::new();
        let mut order = FinalEvents::new();
        let mut expected = Vec::new();
        let mut lines = 0;
        for line in ex.nmea.split_inclusive('\n') {
            lines += 1;
            p.push_line(line.as_bytes(), &mut outputs);
            p.flush(&mut outputs);
            outputs.drain(..).for_each(|o| order.push(o, &mut expected));
        }
        p.finish(&mut outputs);
        outputs.drain(..).for_each(|o| order.push(o, &mut expected));
        let expected: Vec<String> = expected.iter().map(Event::to_json_line).collect();
        assert!(expected.len() > 10, "{} events", expected.len());

        for capacity in [7, 4096, 1 << 20] {
            let (events, summary) = replayed(&ex, capacity);
            assert_eq!(summary.lines, lines, "capacity {capacity}");
            assert_eq!(summary.messages, p.engine.stats().messages);
            assert_eq!(events, expected, "capacity {capacity}");
        }
    }

    /// A last line without a newline is still replayed.
    #[test]
    fn a_last_line_without_newline_counts() {
        let ex = exercise();
        let trimmed = Exercise {
            nmea: ex.nmea.trim_end().to_string(),
            ..ex.clone()
        };
        let (full, a) = replayed(&ex, 1 << 20);
        let (cut, b) = replayed(&trimmed, 5);
        assert_eq!(a.lines, b.lines);
        assert_eq!(a.messages, b.messages);
        assert_eq!(full, cut);
    }
}
