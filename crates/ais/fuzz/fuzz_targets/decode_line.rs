//! Feed arbitrary bytes, split into lines, to one decoder: it must never
//! panic, keep its reassembly table bounded, and emit valid-looking JSON.
//!
//! `cd crates/ais/fuzz && cargo +nightly fuzz run decode_line`
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut dec = jinghai_ais::Decoder::with_config(jinghai_ais::DecoderConfig {
        max_pending: 4,
        ..Default::default()
    });
    for line in data.split(|&c| c == b'\n') {
        if let Ok(Some(d)) = dec.decode_line(line) {
            let j = jinghai_ais::to_json(&d);
            assert!(j.starts_with('{') && j.ends_with('}'));
        }
        assert!(dec.pending() <= 4);
    }
});
