//! Throughput of jinghai-ais against the peer Rust AIS decoders on the same
//! in-memory input, one core, in one invocation:
//!
//! `CARGO_TARGET_DIR=… cargo bench -p jinghai-ais-bench --bench peers`
//!
//! Input: the real New York harbour hour (tag blocks) + the DMA receiver
//! stream ($PGHP lines, VDO, multi-part), repeated to ~345k lines. Peers that
//! do not understand NMEA 4.10 tag blocks get the same lines with the tag
//! blocks stripped beforehand (untimed), so that every decoder does the same
//! work; the number of messages each one decoded is printed beside its rate.

use std::hint::black_box;
use std::io::Read;
use std::time::{Duration, Instant};

fn data(rel: &str) -> Vec<u8> {
    read(&format!(
        "{}/../../../shared/data/ais/{rel}",
        env!("CARGO_MANIFEST_DIR")
    ))
}

/// A file's bytes, gunzipped when its name ends in `.gz`.
fn read(p: &str) -> Vec<u8> {
    let raw = std::fs::read(p).unwrap_or_else(|e| panic!("{p}: {e}"));
    if p.ends_with(".gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .unwrap();
        out
    } else {
        raw
    }
}

fn lines(buf: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(buf)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

fn strip_tag(l: &str) -> String {
    match l
        .strip_prefix('\\')
        .and_then(|r| r.find('\\').map(|i| &r[i + 1..]))
    {
        Some(rest) => rest.to_string(),
        None => l.to_string(),
    }
}

/// Messages from one full pass, and the time of a pass estimated as the sum
/// over 4,096-line chunks of the best of `runs` timings of each chunk. The
/// machine is shared with other builds: a whole pass is almost always
/// preempted somewhere, a 1–2 ms chunk usually is not, so the per-chunk
/// minimum measures the decoder rather than the scheduler. Every decoder is
/// measured the same way (a fresh decoder per chunk).
fn time(runs: usize, input: &[String], f: impl Fn(&[String]) -> usize) -> (usize, f64) {
    let n = black_box(f(input));
    let mut total = Duration::ZERO;
    for chunk in input.chunks(4096) {
        let mut best = Duration::MAX;
        for _ in 0..runs {
            let t = Instant::now();
            black_box(f(chunk));
            best = best.min(t.elapsed());
        }
        total += best;
    }
    (n, total.as_secs_f64())
}

/// Ours with the message lent (`decode_line_ref`: no move out of the
/// decoder).
fn ours(input: &[String]) -> usize {
    let mut dec = jinghai_ais::Decoder::new();
    let mut n = 0;
    for l in input {
        if let Ok(Some(d)) = dec.decode_line_ref(l.as_bytes()) {
            black_box(d.message.mmsi());
            n += 1;
        }
    }
    n
}

/// Ours with the message moved out (`decode_line`).
fn ours_moved(input: &[String]) -> usize {
    let mut dec = jinghai_ais::Decoder::new();
    let mut n = 0;
    for l in input {
        if let Ok(Some(d)) = dec.decode_line(l.as_bytes()) {
            black_box(d.message.mmsi());
            n += 1;
        }
    }
    n
}

fn peer_ais(input: &[String]) -> usize {
    let mut p = ais::AisParser::new();
    let mut n = 0;
    for l in input {
        if let Ok(ais::AisFragments::Complete(s)) = p.parse(l.as_bytes(), true) {
            if s.message.is_some() {
                black_box(&s.message);
                n += 1;
            }
        }
    }
    n
}

fn peer_nmea_parser(input: &[String]) -> usize {
    let mut p = nmea_parser::NmeaParser::new();
    let mut n = 0;
    for l in input {
        match p.parse_sentence(l) {
            Ok(nmea_parser::ParsedMessage::Incomplete) | Err(_) => {}
            Ok(m) => {
                black_box(&m);
                n += 1;
            }
        }
    }
    n
}

fn peer_aivdm(input: &[String]) -> usize {
    let mut d = aivdm::LineDecoder::<512>::new();
    let mut n = 0;
    for l in input {
        if let Ok(Some(m)) = d.feed(l) {
            black_box(&m);
            n += 1;
        }
    }
    n
}

/// The variant of the input (as is, or with the tag blocks stripped) that
/// the peer `f` decodes most messages of, judged on the first `n` lines
/// (one repetition), and its name.
fn peer_input<'a>(
    f: fn(&[String]) -> usize,
    input: &'a [String],
    stripped: &'a [String],
    n: usize,
) -> (&'static str, &'a [String]) {
    if f(&stripped[..n]) > f(&input[..n]) {
        ("tag blocks stripped", stripped)
    } else {
        ("as is", input)
    }
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let mut base = lines(&data("tracks/nyharbor_2020-06-30_1h_reencoded.nmea"));
    base.extend(lines(&data("nmea/dma_stream_example.txt")));
    let reps = 20;
    let input: Vec<String> = (0..reps).flat_map(|_| base.iter().cloned()).collect();
    let stripped: Vec<String> = input.iter().map(|l| strip_tag(l)).collect();
    println!(
        "input: {} lines (NY harbour 1 h + DMA stream) x {reps} = {} lines, in memory",
        base.len(),
        input.len()
    );

    let runs = 7;
    let (n_ours, t_ours) = time(runs, &input, ours);
    let rate_ours = input.len() as f64 / t_ours;
    println!(
        "{:<28} {:>9} msgs  {:>12.0} lines/s  {:>12.0} msg/s  1.00x",
        "jinghai-ais (decode_line_ref)",
        n_ours,
        rate_ours,
        n_ours as f64 / t_ours
    );
    let (n_moved, t_moved) = time(runs, &input, ours_moved);
    println!(
        "{:<28} {:>9} msgs  {:>12.0} lines/s  {:>12.0} msg/s  {:.2}x",
        "jinghai-ais (decode_line)",
        n_moved,
        input.len() as f64 / t_moved,
        n_moved as f64 / t_moved,
        t_ours / t_moved
    );
    type Peer = fn(&[String]) -> usize;
    let peers: [(&str, Peer); 3] = [
        ("ais 0.12", peer_ais),
        ("nmea-parser 0.11", peer_nmea_parser),
        ("aivdm 0.3", peer_aivdm),
    ];
    for (name, f) in peers {
        let (which, inp) = peer_input(f, &input, &stripped, base.len());
        let (n, t) = time(runs, inp, f);
        let rate = inp.len() as f64 / t;
        println!(
            "{:<28} {:>9} msgs  {:>12.0} lines/s  {:>12.0} msg/s  ours is {:.2}x faster  (input {which})",
            name,
            n,
            rate,
            n as f64 / t,
            rate_ours / rate
        );
    }

    // Each real file on its own (its lines repeated to ≥ 100,000 where it
    // is smaller), ours against the fastest peer on it in the same run:
    // the ratio depends on what a feed holds (tag blocks, Class A/B mix,
    // multi-part messages, proprietary lines), so the mix above is not the
    // only figure.
    println!("per input (ours lines/s; the fastest peer on the input; ratio):");
    let week = lines(&data("tracks/nyharbor_2020-12-01_week_reencoded.nmea.gz"));
    let mut files: Vec<(String, Vec<String>)> = vec![
        (
            "NY harbour hour".into(),
            lines(&data("tracks/nyharbor_2020-06-30_1h_reencoded.nmea")),
        ),
        (
            "DMA receiver stream".into(),
            lines(&data("nmea/dma_stream_example.txt")),
        ),
        (
            "Kystverket feed".into(),
            lines(&data("nmea/kystverket_norwegian.raw")),
        ),
        ("NY harbour week".into(), week.clone()),
    ];
    // Any other receiver log (plain or `.gz`), e.g. one held back from
    // development: `AIS_BENCH_FILES=a.nmea:b.nmea.gz cargo bench …`.
    if let Some(list) = std::env::var_os("AIS_BENCH_FILES") {
        for p in std::env::split_paths(&list) {
            let p = p.to_string_lossy().into_owned();
            let file = lines(&read(&p));
            if file.is_empty() {
                eprintln!("{p}: no lines, skipped");
                continue;
            }
            let name = p.rsplit('/').next().unwrap_or(&p).to_string();
            files.push((name, file));
        }
    }
    for (name, file) in files {
        let reps = 100_000usize.div_ceil(file.len());
        let input: Vec<String> = (0..reps).flat_map(|_| file.iter().cloned()).collect();
        let stripped: Vec<String> = input.iter().map(|l| strip_tag(l)).collect();
        let (n_ours, t_ours) = time(runs, &input, ours);
        let rate_ours = input.len() as f64 / t_ours;
        let mut best: Option<(&str, f64, usize)> = None;
        for (peer, f) in peers {
            let (_, inp) = peer_input(f, &input, &stripped, file.len());
            let (n, t) = time(runs, inp, f);
            let rate = inp.len() as f64 / t;
            if best.is_none_or(|(_, r, _)| rate > r) {
                best = Some((peer, rate, n));
            }
        }
        let (peer, rate, n_peer) = best.unwrap_or(("-", f64::NAN, 0));
        println!(
            "  {name:<20} {:>7} lines {n_ours:>7} msgs  ours {:>6.2} M lines/s  {peer} {:>5.2} M ({n_peer} msgs)  ours is {:.2}x",
            input.len(),
            rate_ours / 1e6,
            rate / 1e6,
            rate_ours / rate
        );
    }

    // Position reports only: 172,679 type 1 sentences from the NY week.
    let bare: Vec<String> = week.iter().map(|l| strip_tag(l)).collect();
    for (what, inp) in [("with tag blocks", &week), ("bare !AIVDM", &bare)] {
        let (n, t) = time(15, inp, ours);
        println!(
            "jinghai-ais position reports only ({what}): {n} sentences, {:.2} M sentences/s",
            inp.len() as f64 / t / 1e6
        );
    }
}
