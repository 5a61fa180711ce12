//! jinghai-ais alone on position reports (172,679 type 1 sentences of the NY
//! week), for profiling the hot path:
//! `cargo bench -p jinghai-ais-bench --bench position`.

use std::hint::black_box;
use std::io::Read;
use std::time::Instant;

fn main() {
    let p = format!(
        "{}/../../../shared/data/ais/tracks/nyharbor_2020-12-01_week_reencoded.nmea.gz",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut text = String::new();
    flate2::read::GzDecoder::new(&std::fs::read(p).unwrap()[..])
        .read_to_string(&mut text)
        .unwrap();
    let tagged: Vec<&str> = text.lines().collect();
    let bare: Vec<&str> = tagged
        .iter()
        .map(|l| &l[l[1..].find('\\').unwrap() + 2..])
        .collect();
    for (what, input) in [("with tag blocks", &tagged), ("bare !AIVDM", &bare)] {
        let mut best = f64::MAX;
        for _ in 0..20 {
            let mut dec = jinghai_ais::Decoder::new();
            let t = Instant::now();
            let mut sum = 0u64;
            for l in input.iter() {
                if let Ok(Some(d)) = dec.decode_line(l.as_bytes()) {
                    sum += d.message.mmsi() as u64;
                }
            }
            black_box(sum);
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "position reports ({what}): {} sentences, {:.2} M sentences/s, {:.0} ns/sentence",
            input.len(),
            input.len() as f64 / best / 1e6,
            best / input.len() as f64 * 1e9
        );
    }
}
