//! Profiling aid: decode the `peers` bench's mixed input (NY harbour hour +
//! DMA stream) with ours alone, `N` passes (default 50) of `mix`, `ny`, `dma`,
//! `t5`, `kyst` (the Kystverket feed) or `week` (the `peers` bench's
//! position-only lines) (optionally a subset:
//! `bare`, `single`, `multi`, `pghp`, or the tag block's time moved to a
//! leading column or after the checksum: `lead`, `rfc`, `trail`, `uscg`,
//! or in milliseconds: `cms`), then
//! print the
//! decoder's counters. Each message is lent (`Decoder::decode_line_ref`), or
//! moved out (`Decoder::decode_line`) when `MIX_MOVED` is set in the
//! environment. For `perf record` / `valgrind --tool=callgrind`:
//! `cargo build --release -p jinghai-ais-bench --example mix`.

use std::hint::black_box;

fn main() {
    let root = format!("{}/../../../shared/data/ais", env!("CARGO_MANIFEST_DIR"));
    // Which part of the input: `mix` (default), `ny`, `dma` or `t5`
    // (generated two-sentence type 5 messages).
    let which = std::env::args().nth(2).unwrap_or_else(|| "mix".into());
    let mut text = String::new();
    if which != "dma" {
        text = std::fs::read_to_string(format!(
            "{root}/tracks/nyharbor_2020-06-30_1h_reencoded.nmea"
        ))
        .unwrap();
    }
    if which == "kyst" {
        // The Kystverket feed: tag blocks whose `s:` (the station) changes
        // from line to line.
        text = std::fs::read_to_string(format!("{root}/nmea/kystverket_norwegian.raw")).unwrap();
    } else if which != "ny" && which != "week" {
        text.push_str(&String::from_utf8_lossy(
            &std::fs::read(format!("{root}/nmea/dma_stream_example.txt")).unwrap(),
        ));
    }
    if which == "week" {
        // The `peers` bench's position reports only: the NY week, 172,679
        // type 1 sentences, each with its own `c:` time (not in order).
        use std::io::Read;
        let raw = std::fs::read(format!(
            "{root}/tracks/nyharbor_2020-12-01_week_reencoded.nmea.gz"
        ))
        .unwrap();
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .unwrap();
        text = String::from_utf8_lossy(&out).into_owned();
    }
    if which == "t5" {
        // Two-sentence type 5 messages as the exercise generator writes
        // them (a `c:` tag block on the first sentence only).
        text = type5_lines(1000);
    }
    let mut lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    // Subsets for per-kind instruction counts (third argument): `bare`
    // (tag blocks cut off), `single` (`!` single-sentence lines), `multi`
    // (fragments of multi-sentence messages), `pghp` (`$PGHP` lines).
    let subset = std::env::args().nth(3).unwrap_or_default();
    let frag = |l: &str| {
        l.find('!').is_some_and(|i| {
            !l[i..].starts_with("!AIVDM,1,")
                && !l[i..].starts_with("!BSVDM,1,")
                && !l[i..].contains(",1,1,")
        })
    };
    match subset.as_str() {
        "bare" => {
            lines = lines
                .iter()
                .map(|l| l.find('!').map_or(*l, |i| &l[i..]))
                .collect()
        }
        "single" => lines.retain(|l| l.contains('!') && !frag(l)),
        "multi" => lines.retain(|l| frag(l)),
        "pghp" => lines.retain(|l| l.starts_with("$PGHP")),
        // The tag block's time moved to the other conventions of real
        // feeds: a leading epoch (`lead`) or RFC 3339 (`rfc`) column, or
        // exactEarth's trailing epoch milliseconds (`trail`) or USCG's
        // receiver fields and epoch seconds (`uscg`).
        // The tag block's `c:` time in milliseconds (`cms`), its checksum
        // made again.
        "cms" => {
            let moved: Vec<String> = lines
                .iter()
                .enumerate()
                .map(|(k, l)| {
                    let (Some(c), Some(star)) = (l.find("c:"), l.find('*')) else {
                        return l.to_string();
                    };
                    let (Some(end), true) = (l[1..].find('\\'), c + 12 <= star) else {
                        return l.to_string();
                    };
                    let tag = format!("{}{:03}{}", &l[1..c + 12], k * 37 % 1000, &l[c + 12..star]);
                    let sum = tag.bytes().fold(0u8, |a, b| a ^ b);
                    format!("\\{tag}*{sum:02X}{}", &l[end + 1..])
                })
                .collect();
            lines = moved.leak().iter().map(String::as_str).collect();
        }
        "lead" | "rfc" | "trail" | "uscg" => {
            let moved: Vec<String> = lines
                .iter()
                .map(|l| {
                    let secs: u64 = l
                        .find("c:")
                        .and_then(|i| l.get(i + 2..i + 12))
                        .and_then(|d| d.parse().ok())
                        .unwrap_or(1_593_475_200);
                    let bare = l.find('!').map_or(*l, |i| &l[i..]);
                    match subset.as_str() {
                        "lead" => format!("{secs},{bare}"),
                        "rfc" => {
                            let (d, r) = (secs / 86_400, secs % 86_400);
                            // Days since 1970 to a date (valid for 2000–2099
                            // without century rules: every fourth year leaps).
                            let (mut y, mut d) = (1970, d);
                            while d >= 365 + u64::from(y % 4 == 0) {
                                d -= 365 + u64::from(y % 4 == 0);
                                y += 1;
                            }
                            let feb = 28 + u64::from(y % 4 == 0);
                            let mut m = 0;
                            for len in [31, feb, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] {
                                if d < len {
                                    break;
                                }
                                d -= len;
                                m += 1;
                            }
                            format!(
                                "{y}-{:02}-{:02}T{:02}:{:02}:{:02}Z,{bare}",
                                m + 1,
                                d + 1,
                                r / 3600,
                                r / 60 % 60,
                                r % 60
                            )
                        }
                        "uscg" => {
                            format!("{bare},s28089,d-103,T39.44353985,x147521,r08TPHI1,{secs}")
                        }
                        _ => format!("{bare},{secs}000"),
                    }
                })
                .collect();
            lines = moved.leak().iter().map(String::as_str).collect();
        }
        _ => {}
    }
    let passes: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50);
    let moved = std::env::var_os("MIX_MOVED").is_some();
    let mut dec = jinghai_ais::Decoder::new();
    for _ in 0..passes {
        pass(&mut dec, &lines, moved);
    }
    println!("{}", dec.stats());
    // As the benches time: per 4,096-line chunk the best of 7 runs.
    let mut total = 0.0;
    for chunk in lines.chunks(4096) {
        let mut best = f64::MAX;
        for _ in 0..7 {
            let mut dec = jinghai_ais::Decoder::new();
            let t = std::time::Instant::now();
            pass(&mut dec, chunk, moved);
            best = best.min(t.elapsed().as_secs_f64());
        }
        total += best;
    }
    println!("{:.1} ns/line", total / lines.len() as f64 * 1e9);
}

/// One pass over `lines`, each message lent or (`moved`) moved out (inlined:
/// the decoder stays in `main`'s frame, as before this option).
#[inline(always)]
fn pass(dec: &mut jinghai_ais::Decoder, lines: &[&str], moved: bool) {
    if moved {
        for l in lines {
            if let Ok(Some(d)) = dec.decode_line(l.as_bytes()) {
                black_box(d.message.mmsi());
            }
        }
    } else {
        for l in lines {
            if let Ok(Some(d)) = dec.decode_line_ref(l.as_bytes()) {
                black_box(d.message.mmsi());
            }
        }
    }
}

/// `n` two-sentence type 5 messages, as `jinghai exercise` writes them.
fn type5_lines(n: u32) -> String {
    use jinghai_ais::encode::{to_sentences, SentenceOptions};
    use jinghai_ais::messages::StaticAndVoyage;
    let mut out = String::new();
    let names = ["EVER GIVEN", "MAERSK ESSEX", "HAI YANG 7", "SEA ENTERPRISE"];
    for k in 0..n {
        let m = jinghai_ais::Message::StaticAndVoyage(Box::new(StaticAndVoyage {
            repeat: 0,
            mmsi: 412_000_000 + k,
            ais_version: 0,
            imo: Some(9_000_000 + k),
            callsign: "BXYZ".into(),
            shipname: names[k as usize % names.len()].into(),
            shiptype: Some(70),
            to_bow: 20,
            to_stern: 10,
            to_port: 3,
            to_starboard: 3,
            epfd: Some(1),
            eta: Default::default(),
            draught: Some(7.5),
            destination: "SHANGHAI".into(),
            dte: false,
        }));
        let opts = SentenceOptions {
            channel: Some(if k % 2 == 0 { 'A' } else { 'B' }),
            seq_id: (k % 10) as u8,
            time_ms: Some(1_593_475_200_000 + 1000 * k as i64),
            ..Default::default()
        };
        for l in to_sentences(&m, &opts).unwrap() {
            out.push_str(&l);
            out.push('\n');
        }
    }
    out
}
