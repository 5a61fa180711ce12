//! Black-box tests of `jinghai decode` on the shared real AIS corpora.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");

fn data(path: &str) -> String {
    format!("{DATA}/ais/{path}")
}

/// Run `jinghai` with `args`, `stdin` piped in, and no `JINGHAI_*`
/// variables from the environment of whoever runs the tests.
fn jinghai(args: &[&str], stdin: &[u8]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jinghai"));
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, _) in std::env::vars() {
        if k.starts_with("JINGHAI_") {
            cmd.env_remove(k);
        }
    }
    let mut child = cmd.spawn().expect("run jinghai");
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn stdout_json(o: &Output) -> Vec<Value> {
    String::from_utf8(o.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn dma_stream_to_json_lines_with_a_summary() {
    let o = jinghai(&["decode", &data("nmea/dma_stream_example.txt")], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let msgs = stdout_json(&o);
    // 4,033 messages by the corpus description, plus 18 whose fragments
    // the DMA sample repeats; the decoder's own corpus test pins 4051.
    assert_eq!(msgs.len(), 4051);
    let first = &msgs[0];
    for key in ["type", "mmsi", "received_at"] {
        assert!(first.get(key).is_some(), "{key} in {first}");
    }
    let positions: Vec<&Value> = msgs.iter().filter(|m| m["type"] == 1).collect();
    assert_eq!(positions.len(), 2511);
    for p in &positions {
        for key in ["lat", "lon", "sog", "cog", "heading", "nav_status"] {
            assert!(p.get(key).is_some(), "{key} in {p}");
        }
    }
    let statics = msgs.iter().filter(|m| m["type"] == 5).count();
    assert_eq!(statics, 424);
    let err = stderr(&o);
    for want in [
        "4051 messages from 8551 lines",
        "type  1: 2511",
        "type  5: 424",
        "type 24: 74",
        "unsupported: 4051",
        "messages/s",
    ] {
        assert!(err.contains(want), "{want:?} in {err}");
    }
}

#[test]
fn tag_block_times_and_sources_come_through() {
    let o = jinghai(&["decode", &data("nmea/kystverket_norwegian.raw")], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let msgs = stdout_json(&o);
    assert!(!msgs.is_empty());
    // \s:2573238,c:1733782034*0A\!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F
    assert_eq!(msgs[0]["received_at"], "2024-12-09T22:07:14Z");
    assert_eq!(msgs[0]["source"], "2573238");
    assert_eq!(msgs[0]["mmsi"], 259076000);
    // The feed mixes tag-blocked lines and bare sentences: a time exactly
    // where a tag block (with its source) was.
    let timed = msgs.iter().filter(|m| m["received_at"].is_string()).count();
    assert!(timed > msgs.len() / 2 && timed < msgs.len(), "{timed}");
    assert!(msgs
        .iter()
        .all(|m| m["received_at"].is_string() == m["source"].is_string()));
}

#[test]
fn gzip_is_read_by_content_and_summary_only_prints_no_json() {
    let o = jinghai(
        &[
            "decode",
            "--summary-only",
            &data("tracks/nyharbor_2020-12-01_week_reencoded.nmea.gz"),
        ],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    assert!(
        err.contains("172679 messages from 172679 lines") && err.contains("errors: none"),
        "{err}"
    );

    // The same hour compressed under a name without .gz, and plain: same output.
    let plain = std::fs::read(data("tracks/nyharbor_2020-06-30_1h_reencoded.nmea")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let packed = dir.path().join("hour.nmea");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&packed).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(&plain).unwrap();
    enc.finish().unwrap();
    let from_gz = jinghai(&["decode", packed.to_str().unwrap()], b"");
    let from_plain = jinghai(
        &[
            "decode",
            &data("tracks/nyharbor_2020-06-30_1h_reencoded.nmea"),
        ],
        b"",
    );
    assert!(from_gz.status.success() && from_plain.status.success());
    assert_eq!(stdout_json(&from_gz).len(), 8689);
    assert_eq!(from_gz.stdout, from_plain.stdout);
}

#[test]
fn stdin_and_several_files_add_up() {
    let errors = std::fs::read(data("conformance/gfw_errors.nmea")).unwrap();
    let o = jinghai(&["decode", "-"], &errors);
    assert!(o.status.success(), "{}", stderr(&o));
    let alone = stdout_json(&o).len();
    assert!(stderr(&o).contains("bad_checksum: 2"), "{}", stderr(&o));

    let o = jinghai(
        &["decode", &data("conformance/gfw_multi-part.nmea"), "-"],
        &errors,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    let multi = jinghai(&["decode", &data("conformance/gfw_multi-part.nmea")], b"");
    assert_eq!(
        stdout_json(&o).len(),
        alone + stdout_json(&multi).len(),
        "{err}"
    );
    assert!(
        err.contains("gfw_multi-part.nmea: lines"),
        "per-file line: {err}"
    );
    assert!(
        err.contains("-: lines 5 messages 3"),
        "per-file line: {err}"
    );
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let o = jinghai(&["decode", "/nonexistent/feed.nmea"], b"");
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("cannot open /nonexistent/feed.nmea"),
        "{}",
        stderr(&o)
    );
    let o = jinghai(&["decode"], b"");
    assert!(!o.status.success(), "a file is required");
}
