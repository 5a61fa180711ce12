//! `jinghai exercise generate|score`: coastal exercises with ground truth.

use crate::pipeline::encode_transmission;
use anyhow::{Context, Result};
use jinghai_engine::exercise::{generate_with, parse_events, score, ExerciseOptions};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct ExerciseArgs {
    #[command(subcommand)]
    pub command: ExerciseCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum ExerciseCommand {
    /// Write an exercise: zones.geojson, vessels.csv, port_reports.csv, ais.nmea, truth.jsonl.
    Generate(GenerateArgs),
    /// Print recall and precision per kind of an events file against a truth file.
    Score(ScoreArgs),
}

#[derive(clap::Args, Debug)]
pub struct GenerateArgs {
    /// Seed: the same seed gives the same exercise; different seeds, different layouts.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Directory to write into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Length of the exercise, hours.
    #[arg(long, default_value_t = 12.0)]
    pub hours: f64,
    /// Background vessels (fishing trips, transits, ships at anchor).
    #[arg(long, default_value_t = 40)]
    pub background: usize,
}

#[derive(clap::Args, Debug)]
pub struct ScoreArgs {
    /// The truth (events JSON Lines).
    pub truth: PathBuf,
    /// The engine's events (JSON Lines).
    pub events: PathBuf,
}

pub fn run(args: ExerciseArgs) -> Result<()> {
    match args.command {
        ExerciseCommand::Generate(g) => run_generate(g),
        ExerciseCommand::Score(s) => run_score(s),
    }
}

fn run_generate(args: GenerateArgs) -> Result<()> {
    anyhow::ensure!(
        args.hours > 1.0 && args.hours <= 24.0 * 7.0,
        "--hours must be between 1 and 168"
    );
    let options = ExerciseOptions {
        seed: args.seed,
        hours: args.hours,
        background: args.background,
        ..Default::default()
    };
    let ex = generate_with(&options, &mut encode_transmission);
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    for (name, text) in [
        ("zones.geojson", &ex.zones_geojson),
        ("vessels.csv", &ex.vessels_csv),
        ("port_reports.csv", &ex.port_reports_csv),
        ("ais.nmea", &ex.nmea),
        ("truth.jsonl", &ex.truth_jsonl),
    ] {
        let path = args.out.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    eprintln!(
        "exercise seed {}: {} vessels, {} messages, {} truth events → {}",
        args.seed,
        ex.vessels,
        ex.messages,
        ex.truth_jsonl.lines().count(),
        args.out.display()
    );
    Ok(())
}

fn run_score(args: ScoreArgs) -> Result<()> {
    let read = |p: &PathBuf| {
        std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))
    };
    let truth = parse_events(&read(&args.truth)?, &args.truth.display().to_string())?;
    let found = parse_events(&read(&args.events)?, &args.events.display().to_string())?;
    let s = score(&truth, &found);
    print!("{}", s.table());
    for m in &s.missed {
        println!(
            "missed:   {} {:?} {}",
            m.kind.as_str(),
            m.vessels,
            jinghai_engine::time::format_rfc3339(m.start_ms)
        );
    }
    for m in &s.spurious {
        println!(
            "spurious: {} {:?} {}",
            m.kind.as_str(),
            m.vessels,
            jinghai_engine::time::format_rfc3339(m.start_ms)
        );
    }
    Ok(())
}
