//! `jinghai`: the command-line entry point.

mod exercise;
mod pipeline;
mod replay;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "jinghai",
    version,
    about = "净海 Jinghai: coastal maritime surveillance"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run an AIS recording through the engine and write its events as JSON Lines.
    Replay(replay::ReplayArgs),
    /// Generate or score coastal exercises.
    Exercise(exercise::ExerciseArgs),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Replay(args) => replay::run(args),
        Command::Exercise(args) => exercise::run(args),
    }
}
