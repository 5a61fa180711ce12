//! Several `jinghai serve` nodes over one PostgreSQL (issue #10), black-box:
//! a node killed (SIGKILL) in the middle of requests loses no record it
//! answered for, and leaves no half-written one; the other node goes on
//! serving the same sessions and records.
//!
//! Needs the PostgreSQL that `scripts/test.sh` starts (`JINGHAI_TEST_DATABASE_URL`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const CLIENTS: usize = 8;
/// Each client stops after this many answered requests, so that every clue
/// fits in one listing (the API lists up to 500).
const PER_CLIENT: usize = 40;

fn jinghai(args: &[&str], env: &[(&str, &str)], stdin: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jinghai"))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run jinghai");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success(),
        "jinghai {args:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A `jinghai serve` process, killed when dropped (also when the test fails).
struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `jinghai serve` on a free port; returns the node and its address.
fn serve(env: &[(&str, &str)]) -> (Node, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jinghai"))
        .arg("serve")
        .envs(env.iter().copied())
        .env("JINGHAI_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start jinghai serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("jinghai serve printed its address")
            .unwrap();
        if let Some(rest) = line.split("serving at http://").nth(1) {
            break rest.trim().trim_end_matches('/').to_string();
        }
    };
    // Keep reading so the node never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (Node(child), addr)
}

/// One HTTP/1.1 request on a fresh connection. `None` when the node went
/// away before answering.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    auth: Option<&(String, String)>,
    body: &str,
) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some((cookie, csrf)) = auth {
        head.push_str(&format!("Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).ok()?;
    s.write_all(body.as_bytes()).ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).to_string();
    let status: u16 = text.get(9..12)?.parse().ok()?;
    let (headers, body) = text.split_once("\r\n\r\n")?;
    let body = if headers
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)?
    } else {
        body.to_string()
    };
    Some((status, body))
}

fn dechunk(mut s: &str) -> Option<String> {
    let mut out = String::new();
    loop {
        let (size, rest) = s.split_once("\r\n")?;
        let n = usize::from_str_radix(size.trim(), 16).ok()?;
        if n == 0 {
            return Some(out);
        }
        out.push_str(rest.get(..n)?);
        s = rest.get(n + 2..)?;
    }
}

fn login(addr: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let body = json!({"username": "duty", "password": "duty-pass-2021"}).to_string();
    write!(
        s,
        "POST /api/v1/session HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    let cookie = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or(l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_string();
    let body: Value = serde_json::from_str(text.split_once("\r\n\r\n").unwrap().1).unwrap();
    (cookie, body["csrf_token"].as_str().unwrap().to_string())
}

/// The clue a client sends: two entities, so a half-written clue (one
/// without its entities) is visible.
fn clue_body(region: i64, client: usize, i: usize) -> String {
    json!({
        "region_id": region,
        "summary": format!("节点故障测试 {client}-{i}"),
        "place": "梅山岛东侧",
        "source": "patrol",
        "classification": "restricted",
        "entities": [format!("phone: 1380{client:03}{i:04}"), format!("mmsi: 41260{client:01}{i:03}")],
    })
    .to_string()
}

#[test]
fn a_node_killed_mid_request_loses_no_committed_record() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = rt
        .block_on(jinghai_store::testkit::pg_database_url())
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap();
    let env_a = [
        ("JINGHAI_DATABASE_URL", url.as_str()),
        ("JINGHAI_DATA_DIR", dir.path().to_str().unwrap()),
        ("JINGHAI_LOG", "warn"),
    ];
    jinghai(&["migrate"], &env_a, "");
    jinghai(&["region", "add", "330000", "浙江省"], &env_a, "");
    jinghai(
        &["region", "add", "330200", "宁波市", "--parent", "330000"],
        &env_a,
        "",
    );
    jinghai(
        &["region", "add", "330206", "北仑区", "--parent", "330200"],
        &env_a,
        "",
    );
    jinghai(
        &[
            "user",
            "add",
            "duty",
            "--name",
            "值班员",
            "--role",
            "task_force_office",
            "--region",
            "330206",
        ],
        &env_a,
        "duty-pass-2021\n",
    );
    let (mut node_a, addr_a) = serve(&env_a);
    let (node_b, addr_b) = serve(&env_a);

    // Signed in on node A; the session is in the database.
    let auth = login(&addr_a);
    let regions: Value = serde_json::from_str(
        &http(&addr_a, "GET", "/api/v1/regions", Some(&auth), "")
            .unwrap()
            .1,
    )
    .unwrap();
    let region = regions
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "330206000000")
        .unwrap_or_else(|| panic!("{regions}"))["id"]
        .as_i64()
        .unwrap();

    // Clients write clues to node A without pause; it is killed while they do.
    let answered: Arc<Mutex<Vec<(String, i64)>>> = Arc::default();
    let unanswered = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (answered, unanswered, stop, auth, addr) = (
                answered.clone(),
                unanswered.clone(),
                stop.clone(),
                auth.clone(),
                addr_a.clone(),
            );
            std::thread::spawn(move || {
                for i in 0..PER_CLIENT {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let body = clue_body(region, c, i);
                    match http(&addr, "POST", "/api/v1/clues", Some(&auth), &body) {
                        Some((201, reply)) => {
                            let v: Value = serde_json::from_str(&reply).unwrap();
                            answered.lock().unwrap().push((
                                format!("节点故障测试 {c}-{i}"),
                                v["clue"]["id"].as_i64().unwrap(),
                            ));
                        }
                        Some((status, reply)) => panic!("node A refused a clue: {status} {reply}"),
                        None => {
                            // Node A is gone: this request has no answer.
                            unanswered.fetch_add(1, Ordering::Relaxed);
                            return;
                        }
                    }
                }
            })
        })
        .collect();
    let t = Instant::now();
    while answered.lock().unwrap().len() < 60 && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    node_a.0.kill().unwrap(); // SIGKILL: no shutdown, no flushing
    node_a.0.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let answered = answered.lock().unwrap().clone();
    let cut = unanswered.load(Ordering::Relaxed);
    assert!(
        answered.len() >= 60,
        "node A answered {} clues in 60 s",
        answered.len()
    );
    assert!(
        answered.len() < CLIENTS * PER_CLIENT,
        "node A was killed only after every request was answered"
    );
    assert!(cut >= 1, "no request was cut off by the kill");
    println!(
        "node A answered {} clues; {cut} requests were cut off by the kill",
        answered.len()
    );

    // Node B: same session, every answered clue there, none half-written.
    let (status, listing) = http(&addr_b, "GET", "/api/v1/clues", Some(&auth), "")
        .expect("node B answers after node A died");
    assert_eq!(status, 200, "{listing}");
    let listing: Value = serde_json::from_str(&listing).unwrap();
    let stored: Vec<(String, i64)> = listing
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["summary"].as_str().unwrap().to_string(),
                c["id"].as_i64().unwrap(),
            )
        })
        .collect();
    for (summary, id) in &answered {
        assert!(
            stored.iter().any(|(s, i)| s == summary && i == id),
            "answered clue {id} ({summary}) is missing after node A died"
        );
    }
    // Requests cut off by the kill either committed whole or not at all.
    assert!(stored.len() >= answered.len() && stored.len() <= answered.len() + cut);
    println!(
        "node B lists {} clues: every answered one, and {} of the cut-off requests that had committed",
        stored.len(),
        stored.len() - answered.len()
    );
    for (summary, id) in &stored {
        let (status, detail) = http(
            &addr_b,
            "GET",
            &format!("/api/v1/clues/{id}"),
            Some(&auth),
            "",
        )
        .unwrap();
        assert_eq!(status, 200, "{detail}");
        let detail: Value = serde_json::from_str(&detail).unwrap();
        assert_eq!(
            detail["entities"].as_array().map(Vec::len),
            Some(2),
            "clue {id} ({summary}) is half-written: {detail}"
        );
    }

    // Node B goes on writing.
    let (status, reply) = http(
        &addr_b,
        "POST",
        "/api/v1/clues",
        Some(&auth),
        &clue_body(region, 9, 0),
    )
    .unwrap();
    assert_eq!(status, 201, "{reply}");
    drop(node_b);
}
