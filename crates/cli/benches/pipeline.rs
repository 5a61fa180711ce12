//! Decode + engine throughput and live memory per vessel, on one core.
//!
//! `cargo bench -p jinghai --bench pipeline` (env `JINGHAI_BENCH_VESSELS`,
//! `JINGHAI_BENCH_HOURS` to change the generated recording, `JINGHAI_BENCH_RUNS`
//! the passes of each measurement, 3 by default). Prints, for a large generated
//! exercise and for the real New York harbour week: messages; decode-only,
//! engine-only and decode + engine msg/s (line by line, and batched as `jinghai
//! replay` runs), each the fastest and slowest of its passes; and the engine's
//! live heap per vessel measured by a counting allocator.

#[path = "../src/lines.rs"]
// Its unit tests compile here too (clippy builds benches in test mode) but run with
// the binary's.
#[allow(dead_code, unused_imports)]
mod lines;
#[path = "../src/pipeline.rs"]
#[allow(dead_code)]
mod pipeline;

use jinghai_engine::exercise::{generate_with, ExerciseOptions};
use jinghai_engine::{parse_port_reports, Engine, EngineConfig, Observation, Registry, ZoneSet};
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Read;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Instant;

/// Counts live heap bytes.
struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Run {
    messages: u64,
    vessels: u64,
    events: u64,
    /// Fastest and slowest pass, seconds.
    decode_s: (f64, f64),
    engine_s: (f64, f64),
    line_by_line_s: (f64, f64),
    pipeline_s: (f64, f64),
    live_bytes: isize,
}

/// The lines of `buf` without their `\n`, cut at the newlines `jinghai replay` finds
/// in its reader's buffer (a byte-by-byte `split` cost as much as decoding a line).
fn lines(buf: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut start = 0;
    let mut ends = lines::Newlines::new(buf);
    std::iter::from_fn(move || {
        let end = match ends.next() {
            Some(end) => end,
            None if start < buf.len() => buf.len(),
            None => return None,
        };
        let line = &buf[start..end];
        start = end + 1;
        Some(line)
    })
}

/// Passes of each measurement; the fastest is reported (and the slowest beside
/// it). The machine is shared: a pass is slowed by whatever else runs, never
/// sped up, so the fastest of a few identical passes measures the code.
fn runs() -> usize {
    env_or("JINGHAI_BENCH_RUNS", 3).max(1)
}

/// Fastest and slowest of the timings.
fn spread(times: &[f64]) -> (f64, f64) {
    let best = times.iter().copied().fold(f64::INFINITY, f64::min);
    let worst = times.iter().copied().fold(0.0, f64::max);
    (best, worst)
}

fn decode_pass(nmea: &[u8]) -> f64 {
    let started = Instant::now();
    let mut decoder = jinghai_ais::Decoder::new();
    let mut decoded = 0u64;
    for line in lines(nmea) {
        if let Ok(Some(d)) = decoder.decode_line(line) {
            decoded += u64::from(pipeline::observation(&d, 0).is_some());
        }
    }
    std::hint::black_box(decoded);
    started.elapsed().as_secs_f64()
}

fn engine_pass(observations: &[Observation], make_engine: &dyn Fn() -> Engine) -> f64 {
    let mut engine = make_engine();
    let mut out = Vec::new();
    let started = Instant::now();
    // In batches, as `jinghai replay`'s pipeline runs it.
    for batch in observations.chunks(pipeline::BATCH) {
        engine.process_batch(batch, &mut out);
        out.clear();
    }
    started.elapsed().as_secs_f64()
}

/// Decode + engine, line by line (`batched: false`: the engine runs on each
/// message as it is decoded, as a live feed does where latency matters) or
/// batched as `jinghai replay` runs it. Returns the time, the engine (for its
/// statistics), the events and the live heap the run left.
fn pipeline_pass(
    nmea: &[u8],
    make_engine: &dyn Fn() -> Engine,
    batched: bool,
) -> (f64, Engine, u64, isize) {
    let closed = |out: &[jinghai_engine::EngineOutput]| {
        out.iter()
            .filter(|o| matches!(o, jinghai_engine::EngineOutput::Closed(_)))
            .count() as u64
    };
    let engine = make_engine();
    let before = LIVE.load(Ordering::Relaxed);
    let mut p = pipeline::Pipeline::new(engine);
    let mut out = Vec::new();
    let mut events = 0u64;
    let started = Instant::now();
    for line in lines(nmea) {
        p.push_line(line, &mut out);
        if !batched {
            p.flush(&mut out);
        }
        events += closed(&out);
        out.clear();
    }
    p.flush(&mut out);
    let seconds = started.elapsed().as_secs_f64();
    let live_bytes = LIVE.load(Ordering::Relaxed) - before;
    p.finish(&mut out);
    events += closed(&out);
    (seconds, p.engine, events, live_bytes)
}

fn measure(nmea: &[u8], make_engine: &dyn Fn() -> Engine) -> Run {
    let mut decoder = jinghai_ais::Decoder::new();
    let mut observations = Vec::new();
    let mut last_time = 0;
    for line in lines(nmea) {
        if let Ok(Some(d)) = decoder.decode_line(line) {
            last_time = d.received_at.unwrap_or(last_time);
            observations.extend(pipeline::observation(&d, last_time));
        }
    }
    // The variants in turn, so that a busy spell of the machine falls on all.
    let (mut decode, mut engine, mut line_by_line, mut batched) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut last = None;
    for _ in 0..runs() {
        decode.push(decode_pass(nmea));
        engine.push(engine_pass(&observations, make_engine));
        line_by_line.push(pipeline_pass(nmea, make_engine, false).0);
        let (seconds, engine, events, live_bytes) = pipeline_pass(nmea, make_engine, true);
        batched.push(seconds);
        last = Some((engine, events, live_bytes));
    }
    let (engine_state, events, live_bytes) = last.expect("at least one run");
    let stats = engine_state.stats();
    println!(
        "  (encounter scan: {:.1} candidates per message)",
        stats.encounter_candidates as f64 / stats.messages as f64
    );
    Run {
        messages: stats.messages,
        vessels: stats.vessels,
        events,
        decode_s: spread(&decode),
        engine_s: spread(&engine),
        line_by_line_s: spread(&line_by_line),
        pipeline_s: spread(&batched),
        live_bytes,
    }
}

fn report(name: &str, r: &Run) {
    let rate = |(best, worst): (f64, f64)| {
        format!(
            "{:>10.0} msg/s  (slowest of {} passes {:.0})",
            r.messages as f64 / best,
            runs(),
            r.messages as f64 / worst
        )
    };
    println!("{name}");
    println!("  messages                       {}", r.messages);
    println!("  vessels                        {}", r.vessels);
    println!("  events                         {}", r.events);
    println!("  decode only                    {}", rate(r.decode_s));
    println!("  engine only                    {}", rate(r.engine_s));
    println!(
        "  decode + engine, line by line  {}",
        rate(r.line_by_line_s)
    );
    println!(
        "  decode + engine, batched       {}  <- `jinghai replay`",
        rate(r.pipeline_s)
    );
    println!(
        "  live engine heap               {} bytes = {:.0} bytes/vessel",
        r.live_bytes,
        r.live_bytes as f64 / r.vessels.max(1) as f64
    );
}

fn main() {
    // `cargo test --benches` runs this with `--bench` absent: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let vessels: usize = env_or("JINGHAI_BENCH_VESSELS", if quick { 500 } else { 10_000 });
    let hours: f64 = env_or("JINGHAI_BENCH_HOURS", if quick { 2.0 } else { 24.0 });

    let started = Instant::now();
    let options = ExerciseOptions {
        seed: 42,
        hours,
        background: vessels,
        interval_scale: 3.0,
        scenarios: true,
        origin: None,
    };
    let ex = generate_with(&options, &mut pipeline::encode_transmission);
    println!(
        "generated {vessels} background vessels, {hours} h: {} messages, {:.0} MB of NMEA in {:.1} s",
        ex.messages,
        ex.nmea.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let zones = ZoneSet::from_geojson(&ex.zones_geojson, "zones").expect("zones");
    let registry = Registry::from_csv(&ex.vessels_csv, "vessels").expect("vessels");
    let reports = parse_port_reports(&ex.port_reports_csv, "reports", &zones).expect("reports");
    let run = measure(ex.nmea.as_bytes(), &|| {
        Engine::new(
            EngineConfig::default(),
            zones.clone(),
            registry.clone(),
            reports.clone(),
        )
    });
    report(
        &format!("generated exercise ({vessels} + scenario vessels, {hours} h)"),
        &run,
    );
    drop(ex);

    let week = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/ais/tracks/nyharbor_2020-12-01_week_reencoded.nmea.gz"
    );
    let Ok(file) = std::fs::File::open(week) else {
        println!("(New York harbour week not found beside the repository: skipped)");
        return;
    };
    let mut nmea = Vec::new();
    flate2::read::MultiGzDecoder::new(file)
        .read_to_end(&mut nmea)
        .expect("gzip");
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/nyharbor");
    let text = |f: &str| std::fs::read_to_string(format!("{fixtures}/{f}")).expect("fixture");
    let zones = ZoneSet::from_geojson(&text("zones.geojson"), "zones").expect("zones");
    let run = measure(&nmea, &|| {
        Engine::new(
            EngineConfig::default(),
            zones.clone(),
            Registry::new(),
            Vec::new(),
        )
    });
    report("New York harbour week (real, 140 vessels)", &run);
}
