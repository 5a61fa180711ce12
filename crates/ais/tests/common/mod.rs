//! Helpers shared by the integration tests: where the shared data lives and
//! how to run a whole file through a decoder.
#![allow(dead_code)]

use std::io::Read;
use std::path::PathBuf;

use jinghai_ais::{Decoded, Decoder, Stats};

/// `shared/data/ais` beside the repository (same layout in CI).
pub fn ais_data() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/ais"
    ))
}

/// Read a data file (gunzipping `.gz`), or `None` when the shared data is absent.
pub fn read(rel: &str) -> Option<Vec<u8>> {
    let p = ais_data().join(rel);
    let raw = std::fs::read(&p).ok()?;
    if rel.ends_with(".gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .ok()?;
        Some(out)
    } else {
        Some(raw)
    }
}

/// Decode every line of a buffer.
pub fn decode_all(data: &[u8]) -> (Vec<Decoded>, Stats) {
    let mut dec = Decoder::new();
    let mut out = Vec::new();
    for line in data
        .strip_suffix(b"\n")
        .unwrap_or(data)
        .split(|&c| c == b'\n')
    {
        if let Ok(Some(d)) = dec.decode_line(line) {
            out.push(d);
        }
    }
    (out, dec.stats().clone())
}

/// Decode a shared file; panics with a clear message when it is missing.
pub fn decode_file(rel: &str) -> (Vec<Decoded>, Stats) {
    let data = read(rel).unwrap_or_else(|| panic!("missing shared data file {rel}"));
    decode_all(&data)
}
