//! Decode an NMEA file (or stdin with `-`) to JSON Lines on stdout; counters on stderr.
//!
//! `cargo run -p jinghai-ais --example decode_file -- ../shared/data/ais/nmea/dma_stream_example.txt`

use std::io::{BufRead, BufReader, Read, Write};

use jinghai_ais::{to_json, Decoder, ErrorKind};

fn main() -> std::io::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "-".into());
    let input: Box<dyn Read> = if path == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(&path)?)
    };
    let mut reader = BufReader::new(input);
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let mut dec = Decoder::new();
    let mut line = Vec::new();
    while reader.read_until(b'\n', &mut line)? > 0 {
        if let Ok(Some(d)) = dec.decode_line(&line) {
            writeln!(out, "{}", to_json(&d))?;
        }
        line.clear();
    }
    out.flush()?;
    let s = dec.stats();
    eprintln!(
        "lines {} messages {} pending {}",
        s.lines,
        s.messages,
        dec.pending()
    );
    for (t, n) in s.by_type.iter().enumerate().filter(|(_, n)| **n > 0) {
        eprintln!("  type {t:2}: {n}");
    }
    for k in ErrorKind::ALL {
        if s.error(k) > 0 {
            eprintln!("  {}: {}", k.name(), s.error(k));
        }
    }
    Ok(())
}
