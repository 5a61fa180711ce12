//! Black-box tests of the `jinghai` binary: what an operator types, what they see.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn jinghai(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jinghai"));
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run jinghai");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn unknown_config_key_refuses_to_start_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let o = jinghai(
        &["serve"],
        &[("JINGHAI_DATA_DIR", data), ("JINGHAI_LISTNE", "0.0.0.0:1")],
        "",
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("JINGHAI_LISTNE"), "{}", text(&o));

    let cfg = dir.path().join("jinghai.toml");
    std::fs::write(&cfg, "data_dir = \"x\"\nsesion_hours = 3\n").unwrap();
    let o = jinghai(&["serve", "--config", cfg.to_str().unwrap()], &[], "");
    assert!(!o.status.success());
    assert!(text(&o).contains("sesion_hours"), "{}", text(&o));
}

#[test]
fn unreachable_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = jinghai(
        &["serve"],
        &[
            ("JINGHAI_DATA_DIR", dir.path().to_str().unwrap()),
            (
                "JINGHAI_DATABASE_URL",
                "postgres://jinghai:secret@127.0.0.1:1/jinghai",
            ),
        ],
        "",
    );
    assert!(!o.status.success());
    let t = text(&o);
    assert!(
        t.contains("cannot open database") && t.contains("127.0.0.1:1"),
        "{t}"
    );
    assert!(!t.contains("secret"), "the password is never printed: {t}");
}

#[test]
fn bootstrap_a_new_installation() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("JINGHAI_DATA_DIR", dir.path().to_str().unwrap())];
    let ok = |o: Output| {
        assert!(o.status.success(), "{}", text(&o));
        text(&o)
    };
    ok(jinghai(&["region", "add", "330000", "浙江省"], &env, ""));
    ok(jinghai(
        &["region", "add", "330200", "宁波市", "--parent", "330000"],
        &env,
        "",
    ));
    let o = jinghai(
        &[
            "region",
            "add",
            "330211001",
            "招宝山街道",
            "--parent",
            "330200",
        ],
        &env,
        "",
    );
    assert!(
        !o.status.success() && text(&o).contains("下一级"),
        "a town cannot hang under a city: {}",
        text(&o)
    );
    let o = jinghai(
        &[
            "user",
            "add",
            "boss",
            "--name",
            "管理员",
            "--role",
            "admin",
            "--region",
            "330200",
        ],
        &env,
        "short\n",
    );
    assert!(
        !o.status.success() && text(&o).contains("密码至少 8 位"),
        "{}",
        text(&o)
    );
    ok(jinghai(
        &[
            "user",
            "add",
            "boss",
            "--name",
            "管理员",
            "--role",
            "admin",
            "--region",
            "330200",
        ],
        &env,
        "boss-pass-2021\n",
    ));
    let o = jinghai(
        &[
            "user", "add", "boss", "--name", "x", "--role", "admin", "--region", "330200",
        ],
        &env,
        "boss-pass-2021\n",
    );
    assert!(
        !o.status.success() && text(&o).contains("boss"),
        "{}",
        text(&o)
    );
    ok(jinghai(
        &["user", "passwd", "boss"],
        &env,
        "new-pass-2021\n",
    ));
    let status = ok(jinghai(&["migrate", "--status"], &env, ""));
    assert!(
        status.contains("0001 foundation") && status.contains("applied"),
        "{status}"
    );
}

#[test]
fn demo_serves_the_ui_at_the_printed_address() {
    use std::io::{BufRead, BufReader, Read};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_jinghai"))
        .args([
            "demo",
            "--data-dir",
            data.to_str().unwrap(),
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let addr = loop {
        let line = lines.next().expect("demo printed its address").unwrap();
        printed.push(line.clone());
        if let Some(rest) = line.split("serving at ").nth(1) {
            break rest.trim().trim_end_matches('/').to_string();
        }
    };
    assert!(
        printed.iter().any(|l| l.contains("jinghai2021")),
        "prints the demo password"
    );
    assert!(
        printed
            .iter()
            .any(|l| l.trim_start().starts_with("meishan")),
        "prints the accounts"
    );
    let host = addr.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "GET /login HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut page = String::new();
    s.read_to_string(&mut page).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("用户登录"));
    let o = jinghai(
        &[
            "demo",
            "--data-dir",
            data.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ],
        &[],
        "",
    );
    assert!(
        !o.status.success() && text(&o).contains("not empty"),
        "the demo never reuses a data directory: {}",
        text(&o)
    );
}

#[test]
fn a_broken_maritime_feed_stops_the_start_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("jinghai.toml");
    let data = dir.path().join("data");
    std::fs::write(
        &cfg,
        format!(
            "data_dir = {:?}\nlisten = \"127.0.0.1:0\"\n[[maritime]]\nname = \"beilun\"\ndistrict = \"330206\"\nzones = {:?}\nvessels = {:?}\nsources = [\"tcp-listen://127.0.0.1:0\"]\n",
            data.display().to_string(),
            dir.path().join("missing-zones.geojson").display().to_string(),
            dir.path().join("vessels.csv").display().to_string()
        ),
    )
    .unwrap();
    let o = jinghai(&["serve", "--config", cfg.to_str().unwrap()], &[], "");
    assert!(!o.status.success());
    assert!(text(&o).contains("missing-zones.geojson"), "{}", text(&o));
}
