//! Decode + engine throughput and live memory per vessel, on one core.
//!
//! `cargo bench -p jinghai --bench pipeline` (env `JINGHAI_BENCH_VESSELS`,
//! `JINGHAI_BENCH_HOURS` to change the generated recording). Prints, for a large
//! generated exercise and for the real New York harbour week: messages, decode-only
//! and decode + engine msg/s, and the engine's live heap per vessel measured by a
//! counting allocator.

#[path = "../src/pipeline.rs"]
#[allow(dead_code)]
mod pipeline;

use jinghai_engine::exercise::{generate_with, ExerciseOptions};
use jinghai_engine::{parse_port_reports, Engine, EngineConfig, Registry, ZoneSet};
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
    decode_s: f64,
    engine_s: f64,
    line_by_line_s: f64,
    pipeline_s: f64,
    live_bytes: isize,
}

/// The lines of `buf`, found with `memchr` as `BufRead::read_until` (the replay's
/// reader) finds them; a byte-by-byte `split` cost as much as decoding a line.
fn lines(buf: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = buf;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let line = &rest[..end];
        rest = &rest[(end + 1).min(rest.len())..];
        Some(line)
    })
}

fn measure(nmea: &[u8], make_engine: &dyn Fn() -> Engine) -> Run {
    // Decode only.
    let started = Instant::now();
    let mut decoder = jinghai_ais::Decoder::new();
    let mut decoded = 0u64;
    for line in lines(nmea) {
        if let Ok(Some(d)) = decoder.decode_line(line) {
            decoded += u64::from(pipeline::observation(&d, 0).is_some());
        }
    }
    let decode_s = started.elapsed().as_secs_f64();
    std::hint::black_box(decoded);

    // Engine only, on observations decoded beforehand.
    let mut decoder = jinghai_ais::Decoder::new();
    let mut observations = Vec::new();
    let mut last_time = 0;
    for line in lines(nmea) {
        if let Ok(Some(d)) = decoder.decode_line(line) {
            last_time = d.received_at.unwrap_or(last_time);
            observations.extend(pipeline::observation(&d, last_time));
        }
    }
    let mut engine = make_engine();
    let mut out = Vec::new();
    let started = Instant::now();
    for o in &observations {
        engine.process(o, &mut out);
        out.clear();
    }
    let engine_s = started.elapsed().as_secs_f64();
    drop(engine);
    drop(observations);

    // Decode + engine, line by line: the engine runs on each message as it is
    // decoded (what a live feed does when latency matters).
    let mut p = pipeline::Pipeline::new(make_engine());
    let mut out = Vec::new();
    let started = Instant::now();
    for line in lines(nmea) {
        p.push_line(line, &mut out);
        p.flush(&mut out);
        out.clear();
    }
    let line_by_line_s = started.elapsed().as_secs_f64();
    drop(p);

    // Decode + engine, batched as `jinghai replay` runs it.
    let engine = make_engine();
    let before = LIVE.load(Ordering::Relaxed);
    let mut p = pipeline::Pipeline::new(engine);
    let mut out = Vec::new();
    let mut events = 0u64;
    let started = Instant::now();
    for line in lines(nmea) {
        p.push_line(line, &mut out);
        events += out
            .iter()
            .filter(|o| matches!(o, jinghai_engine::EngineOutput::Closed(_)))
            .count() as u64;
        out.clear();
    }
    p.flush(&mut out);
    let pipeline_s = started.elapsed().as_secs_f64();
    let live_bytes = LIVE.load(Ordering::Relaxed) - before;
    p.engine.finish(&mut out);
    events += out
        .iter()
        .filter(|o| matches!(o, jinghai_engine::EngineOutput::Closed(_)))
        .count() as u64;
    let stats = p.engine.stats();
    println!(
        "  (encounter scan: {:.1} candidates per message)",
        stats.encounter_candidates as f64 / stats.messages as f64
    );
    Run {
        messages: stats.messages,
        vessels: stats.vessels,
        events,
        decode_s,
        engine_s,
        line_by_line_s,
        pipeline_s,
        live_bytes,
    }
}

fn report(name: &str, r: &Run) {
    println!("{name}");
    println!("  messages            {}", r.messages);
    println!("  vessels             {}", r.vessels);
    println!("  events              {}", r.events);
    println!(
        "  decode only         {:>12.0} msg/s",
        r.messages as f64 / r.decode_s
    );
    println!(
        "  engine only         {:>12.0} msg/s",
        r.messages as f64 / r.engine_s
    );
    println!(
        "  decode + engine, line by line {:>6.0} msg/s",
        r.messages as f64 / r.line_by_line_s
    );
    println!(
        "  decode + engine     {:>12.0} msg/s  ({:.2} s, batched as `jinghai replay`)",
        r.messages as f64 / r.pipeline_s,
        r.pipeline_s
    );
    println!(
        "  live engine heap    {:>12} bytes = {:.0} bytes/vessel",
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
