//! `jinghai decode FILE...`: NMEA / AIS files (plain or gzip, `-` for
//! standard input) to JSON Lines on stdout, one object per decoded message
//! (FORMATS.md "Decoded messages out"), and a summary on stderr: lines,
//! messages, counts per message type and per error kind, messages/s.
//!
//! Each file gets its own decoder (a multi-sentence message never spans two
//! files); the summary adds them up. Gzip is recognised by its magic bytes,
//! so a compressed file needs no `.gz` name and `zcat` is never needed.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use jinghai_ais::{to_json, Decoder, ErrorKind, Stats};

#[derive(clap::Args)]
pub struct DecodeArgs {
    /// NMEA files, plain or gzip-compressed; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print only the summary, no JSON.
    #[arg(long)]
    pub summary_only: bool,
}

pub fn run(args: DecodeArgs) -> Result<()> {
    let started = Instant::now();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut total = Stats::default();
    for path in &args.files {
        let name = path.display().to_string();
        let input: Box<dyn Read> = if name == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            Box::new(std::fs::File::open(path).with_context(|| format!("cannot open {name}"))?)
        };
        let stats = match decode_stream(input, &mut out, args.summary_only) {
            Ok(stats) => stats,
            // `jinghai decode big.nmea | head`: the reader is gone, stop quietly.
            Err(e) if is_broken_pipe(&e) => return Ok(()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {name}")),
        };
        if args.files.len() > 1 {
            eprintln!("{name}: {stats}");
        }
        add(&mut total, &stats);
    }
    match out.flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
        other => other.context("cannot write to standard output")?,
    }
    print_summary(&total, started.elapsed().as_secs_f64());
    Ok(())
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Decode one input (gzip or plain) into `out`; its counters.
fn decode_stream(input: Box<dyn Read>, out: &mut impl Write, summary_only: bool) -> Result<Stats> {
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let gzip = reader.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let mut reader: Box<dyn BufRead> = if gzip {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::read::MultiGzDecoder::new(reader),
        ))
    } else {
        Box::new(reader)
    };
    let mut decoder = Decoder::new();
    crate::lines::for_each_line(&mut reader, |line| {
        if let Ok(Some(decoded)) = decoder.decode_line_ref(line) {
            if !summary_only {
                writeln!(out, "{}", to_json(decoded))?;
            }
        }
        // Errors are counted in the decoder's stats; the stream goes on.
        Ok(())
    })?;
    Ok(decoder.stats().clone())
}

fn add(total: &mut Stats, s: &Stats) {
    total.lines += s.lines;
    total.messages += s.messages;
    total.fragments += s.fragments;
    for (t, n) in total.by_type.iter_mut().zip(s.by_type) {
        *t += n;
    }
    for (t, n) in total.errors.iter_mut().zip(s.errors) {
        *t += n;
    }
}

fn print_summary(s: &Stats, seconds: f64) {
    let rate = if seconds > 0.0 {
        s.messages as f64 / seconds
    } else {
        0.0
    };
    eprintln!(
        "decoded {} messages from {} lines in {seconds:.3} s ({rate:.0} messages/s)",
        s.messages, s.lines
    );
    eprintln!("by type:");
    for (t, n) in s.by_type.iter().enumerate().filter(|(_, n)| **n > 0) {
        eprintln!("  type {t:2}: {n}");
    }
    let errors: Vec<ErrorKind> = ErrorKind::ALL
        .into_iter()
        .filter(|k| s.error(*k) > 0)
        .collect();
    if errors.is_empty() {
        eprintln!("errors: none");
    } else {
        eprintln!("errors:");
        for k in errors {
            eprintln!("  {}: {}", k.name(), s.error(k));
        }
    }
}
