//! Deterministic mutation fuzzing of the line decoder, run as an ordinary
//! test so that CI exercises it on every change (the cargo-fuzz target in
//! `fuzz/` does the same with coverage guidance). Seeds are the sample
//! corpora; mutations flip, insert, delete and splice bytes and, half of the
//! time, repair the NMEA checksum so that the mutated payload reaches the
//! message decoders instead of stopping at the checksum.
//!
//! `JINGHAI_FUZZ_ITERS=5000000 cargo test --release -p jinghai-ais --test fuzz`
//! runs longer.

mod common;

use jinghai_ais::{to_json, Decoder, DecoderConfig};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for f in [
        "conformance/gpsd_sample.aivdm",
        "conformance/libais_test.aivdm",
        "conformance/libais_typeexamples.nmea",
        "conformance/libais_tagblock.nmea",
        "conformance/gfw_mixed_types.nmea",
        "conformance/gfw_multi-part.nmea",
        "conformance/gfw_ee-multiline.nmea",
        "conformance/pyais_mixed.txt",
        "nmea/kystverket_norwegian.raw",
    ] {
        if let Some(d) = common::read(f) {
            // Sentences only (the gpsd sample is mostly comments), plus the
            // odd non-AIS line.
            out.extend(
                d.split(|&c| c == b'\n')
                    .filter(|l| l.windows(2).any(|w| w == b"VD") || l.starts_with(b"$"))
                    .map(<[u8]>::to_vec),
            );
        }
    }
    out.push(b"1593475200,!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A".to_vec());
    out.push(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A,1325394060123".to_vec());
    // The other time conventions, which the decoder narrows to the
    // sentence for its fast framing (an RFC 3339 column kept line to line).
    for l in [
        &b"2020-06-30T00:00:01Z,!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"[..],
        b"2020-06-30T00:00:02.250+08:00;!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
        b"!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30,s28089,d-103,T39.44353985,x147521,r08TPHI1,1242958962",
        b"!AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E,1593475200123",
        b"!AIVDM,2,2,3,B,1@0000000000000,2*55,1593475200456",
        // A tag block's time in milliseconds (kept by the tag cache).
        b"\\s:reencoded,c:1593475200137*76\\!AIVDM,1,1,,A,B5MwrC0006c>mQ5l6qJs9s040000,0*54",
        b"\\s:reencoded,c:1593475200582*7C\\!AIVDM,1,1,,B,B5Mwp@P0gVcBBu5k;W:rJfP40000,0*2D",
    ] {
        out.push(l.to_vec());
    }
    out
}

/// Recompute the `*hh` checksum of the sentence in a line (if it has one).
fn fix_checksum(l: &mut [u8]) {
    let Some(bang) = l.iter().position(|&c| c == b'!') else {
        return;
    };
    let Some(star) = l[bang..].iter().position(|&c| c == b'*').map(|p| p + bang) else {
        return;
    };
    if star + 3 > l.len() {
        return;
    }
    let x = l[bang + 1..star].iter().fold(0u8, |a, &b| a ^ b);
    let hex = b"0123456789ABCDEF";
    l[star + 1] = hex[(x >> 4) as usize];
    l[star + 2] = hex[(x & 15) as usize];
}

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut l = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(2) {
        let n = l.len();
        match rng.below(9) {
            0 if n > 0 => l[rng.below(n)] = rng.next() as u8,
            1 if n > 0 => l[rng.below(n)] ^= 1 << rng.below(8),
            2 => l.insert(rng.below(n + 1), rng.next() as u8),
            3 if n > 0 => {
                l.remove(rng.below(n));
            }
            4 => l.truncate(rng.below(n + 1)),
            5 => {
                // Splice in part of another seed.
                let o = &seeds[rng.below(seeds.len())];
                let a = rng.below(o.len() + 1);
                let b = a + rng.below(o.len() - a + 1);
                let at = rng.below(n + 1);
                l.splice(at..at, o[a..b].iter().copied());
            }
            6 if n > 0 => {
                // Payload-alphabet or structural byte.
                let alphabet =
                    b"0W`w,*!\\\\$:-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvw";
                l[rng.below(n)] = alphabet[rng.below(alphabet.len())];
            }
            7 => {
                // Fragment number / count / fill digits.
                if let Some(p) = l.iter().position(|&c| c == b',') {
                    let q = (p + 1 + rng.below(4) * 2).min(n.saturating_sub(1));
                    if q < n {
                        l[q] = b'0' + rng.below(10) as u8;
                    }
                }
            }
            _ => {
                let len = rng.below(120);
                l = (0..len).map(|_| rng.next() as u8).collect();
            }
        }
    }
    if rng.below(2) == 0 {
        fix_checksum(&mut l);
    }
    l
}

#[test]
fn mutated_lines_never_panic() {
    let iters: usize = std::env::var("JINGHAI_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let seeds = seeds();
    assert!(seeds.len() > 500);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let cfg = DecoderConfig {
        max_pending: 8,
        ..Default::default()
    };
    let mut shared = Decoder::with_config(cfg);
    // The same lines lent (`decode_line_ref`: the message decoded into the
    // decoder's slot, boxes reused) must give what `decode_line` gives.
    let mut lent = Decoder::with_config(cfg);
    let mut decoded = 0u64;
    for i in 0..iters {
        let line = mutate(&mut rng, &seeds);
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let r = shared.decode_line(&line);
            assert!(shared.pending() <= 8);
            assert_eq!(lent.decode_line_ref(&line).map(|d| d.cloned()), r);
            if let Ok(Some(d)) = &r {
                let j = to_json(d);
                let v: serde_json::Value = serde_json::from_str(&j).expect("valid JSON");
                assert_eq!(v["type"].as_u64(), Some(d.message.msg_type() as u64));
            }
            // Single-sentence results must not depend on earlier lines
            // (the bit buffer is reused without a full clear).
            if let Ok(s) = jinghai_ais::parse_line(&line) {
                if s.total == 1 {
                    let fresh = Decoder::new().decode_line(&line);
                    assert_eq!(fresh, r, "state leaked between lines");
                }
            }
            r.is_ok_and(|m| m.is_some())
        }));
        match run {
            Ok(true) => decoded += 1,
            Ok(false) => {}
            Err(e) => {
                eprintln!(
                    "iteration {i}: panic on line {:?}",
                    String::from_utf8_lossy(&line)
                );
                std::panic::resume_unwind(e);
            }
        }
    }
    // The mutations must reach the decoders, not just the framing.
    assert!(decoded as usize > iters / 20, "only {decoded} decoded");
    let s = shared.stats();
    assert_eq!(s.lines as usize, iters);
    eprintln!(
        "{iters} lines, {decoded} decoded, errors: {:?}",
        jinghai_ais::ErrorKind::ALL
            .iter()
            .map(|k| (k.name(), s.error(*k)))
            .filter(|x| x.1 > 0)
            .collect::<Vec<_>>()
    );
}

/// Inputs that once crashed the decoder (found by the loop above).
#[test]
fn fuzz_regressions() {
    for line in [
        // Overflow in the epoch-seconds fast path of a leading time column.
        &b"#    Current dmre\\!BSVDM,1,1,,A,13=utR0uction #3=0x1FF(511 degree(s))"[..],
        // The same fast path on a leading column of non-digits.
        &b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff,!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"[..],
    ] {
        let _ = Decoder::new().decode_line(line);
    }
}
