//! A minimal W3C WebDriver client for driving Debian's headless Chromium
//! through `chromedriver`: just the commands the UI tests use, over a plain
//! blocking HTTP/1.1 connection to localhost (no extra crates).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Asks `probe` every 100 ms until it succeeds, for up to `secs`; its last
/// failure when time is up. Every wait of the browser tests goes through here.
pub fn poll<T, E>(secs: u64, mut probe: impl FnMut() -> Result<T, E>) -> Result<T, E> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        match probe() {
            Ok(v) => return Ok(v),
            Err(e) if Instant::now() >= deadline => return Err(e),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// Whether a script's answer counts as "yes", as JavaScript's truthiness
/// would for what the tests return (null, false, 0 and "" do not).
pub fn truthy(v: &Value) -> bool {
    !(v.is_null() || *v == false || *v == 0 || *v == "")
}

pub struct Driver {
    child: Child,
    port: u16,
    session: String,
    _profile: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(60))).ok();
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}",
        payload.len()
    );
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(s);
    let mut status = String::new();
    reader.read_line(&mut status).map_err(|e| e.to_string())?;
    let mut len = None;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|e| e.to_string())?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut buf = Vec::new();
    match len {
        Some(n) => {
            buf.resize(n, 0);
            reader.read_exact(&mut buf).map_err(|e| e.to_string())?;
        }
        None => {
            reader.read_to_end(&mut buf).map_err(|e| e.to_string())?;
        }
    }
    let v: Value = serde_json::from_slice(&buf)
        .map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&buf)))?;
    if v["value"]["error"].is_string() {
        return Err(format!(
            "{} {path}: {}",
            v["value"]["error"], v["value"]["message"]
        ));
    }
    Ok(v["value"].clone())
}

impl Driver {
    /// Starts chromedriver and a headless Chromium session. Fails with
    /// instructions when they are not installed: UI tests never skip.
    pub fn start() -> Driver {
        for bin in ["/usr/bin/chromedriver", "/usr/bin/chromium"] {
            assert!(std::path::Path::new(bin).exists(), "{bin} is missing: run scripts/test.sh (it installs Debian's chromium and chromium-driver)");
        }
        let port = free_port();
        let child = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let deadline = Instant::now() + Duration::from_secs(20);
        while http(port, "GET", "/status", None).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", "--window-size=1366,900",
                         format!("--user-data-dir={}", profile.path().display())]
            }
        }}});
        let v = http(port, "POST", "/session", Some(&caps)).expect("new session");
        let session = v["sessionId"].as_str().expect("session id").to_string();
        Driver {
            child,
            port,
            session,
            _profile: profile,
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let p = format!("/session/{}{path}", self.session);
        http(self.port, method, &p, body.as_ref()).unwrap_or_else(|e| panic!("webdriver: {e}"))
    }

    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({"url": url})));
    }

    pub fn url(&self) -> String {
        self.cmd("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Finds an element by CSS selector, waiting up to 5 s for it.
    pub fn find(&self, css: &str) -> String {
        let p = format!("/session/{}/element", self.session);
        let query = json!({"using": "css selector", "value": css});
        let v = poll(5, || http(self.port, "POST", &p, Some(&query)))
            .unwrap_or_else(|e| panic!("no element {css}: {e}"));
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(|v| v.as_str())
            .unwrap()
            .to_string()
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.cmd("POST", &format!("/element/{el}/clear"), Some(json!({})));
        self.cmd(
            "POST",
            &format!("/element/{el}/value"),
            Some(json!({"text": text})),
        );
    }

    pub fn select(&self, css: &str, visible_text_contains: &str) {
        let script = "const s = document.querySelector(arguments[0]); const o = [...s.options].find(o => o.text.includes(arguments[1])); if (!o) return false; s.value = o.value; return true;";
        let ok = self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": [css, visible_text_contains]})),
        );
        assert_eq!(
            ok,
            json!(true),
            "no option containing {visible_text_contains:?} in {css}"
        );
    }

    pub fn click(&self, css: &str) {
        let el = self.find(css);
        self.cmd("POST", &format!("/element/{el}/click"), Some(json!({})));
    }

    /// Clicks `css` (a form's button, or a link) and waits for the page the
    /// server answers with. Waiting for an element of the answer is not enough: the
    /// page the form was on may carry the same element (`?saved=1` from the
    /// save before), and would be read before the new one arrives.
    pub fn submit(&self, css: &str) {
        self.navigating(|| self.click(css));
    }

    /// Runs `act`, which makes the browser load a page, and waits until the
    /// page has been replaced and the new one has loaded (up to 10 s).
    pub fn navigating(&self, act: impl FnOnce()) {
        self.run_js("window.__jinghaiOldPage = true; return true;");
        act();
        let p = format!("/session/{}/execute/sync", self.session);
        let probe = json!({
            "script": "return window.__jinghaiOldPage === undefined && document.readyState === 'complete';",
            "args": []
        });
        // Mid-navigation the probe may fail (no document yet): not loaded.
        poll(10, || match http(self.port, "POST", &p, Some(&probe)) {
            Ok(Value::Bool(true)) => Ok(()),
            _ => Err(()),
        })
        .unwrap_or_else(|()| panic!("no new page within 10 s"));
    }

    pub fn text(&self, css: &str) -> String {
        let el = self.find(css);
        self.cmd("GET", &format!("/element/{el}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The rendered text of `css` once it contains `needle` (up to 5 s).
    /// Rendered text is what a person sees: an element fading in (a map popup)
    /// reads as empty until it shows.
    pub fn text_containing(&self, css: &str, needle: &str) -> String {
        poll(5, || {
            let text = self.text(css);
            if text.contains(needle) {
                Ok(text)
            } else {
                Err(text)
            }
        })
        .unwrap_or_else(|text| panic!("{css} shows {text:?}, without {needle:?}"))
    }

    /// Runs `script` until its answer is [`truthy`], for up to `secs`, and
    /// returns that answer; fails naming `what` when time is up.
    pub fn wait_js(&self, secs: u64, what: &str, script: &str) -> Value {
        self.try_wait_js(secs, script)
            .unwrap_or_else(|v| panic!("waited {secs} s for {what}: {script} stayed {v}"))
    }

    /// [`Driver::wait_js`] that leaves the failure to the caller: `Err` with
    /// the script's last answer when time is up.
    pub fn try_wait_js(&self, secs: u64, script: &str) -> Result<Value, Value> {
        poll(secs, || {
            let v = self.run_js(script);
            if truthy(&v) {
                Ok(v)
            } else {
                Err(v)
            }
        })
    }

    pub fn page_text(&self) -> String {
        self.text("body")
    }

    pub fn run_js(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Clicks at a point of the viewport (CSS pixels), as a mouse would: for
    /// things drawn on a canvas, which have no element to click.
    pub fn click_at(&self, x: i64, y: i64) {
        let actions = json!({"actions": [{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": [
                {"type": "pointerMove", "duration": 0, "origin": "viewport", "x": x, "y": y},
                {"type": "pointerDown", "button": 0},
                {"type": "pointerUp", "button": 0}
            ]
        }]});
        self.cmd("POST", "/actions", Some(actions));
        self.cmd("DELETE", "/actions", None);
    }

    pub fn delete_cookies(&self) {
        self.cmd("DELETE", "/cookie", None);
    }

    /// Saves a PNG screenshot (for people reading the test output).
    pub fn screenshot(&self, path: &std::path::Path) {
        use std::io::Write as _;
        let b64 = self.cmd("GET", "/screenshot", None);
        let bytes = base64_decode(b64.as_str().unwrap_or_default());
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).ok();
        }
        if let Ok(mut f) = std::fs::File::create(path) {
            f.write_all(&bytes).ok();
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = http(
            self.port,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        );
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter_map(val) {
        acc = (acc << 6) | c;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}
