//! What the real-browser tests share: the server on a loopback port, a
//! headless Chromium session (see [`Driver::start`]) to drive it, signing in
//! through the login form, and where screenshots go.

use std::path::PathBuf;
use std::sync::Arc;

use jinghai_server::{AppState, Config};
use jinghai_store::testkit::TestDb;
use jinghai_workflow::seed::{seed_demo, DEMO_PASSWORD};
use jinghai_workflow::{Clock, SystemClock};

use super::webdriver::Driver;

/// Serves `state` on a free loopback port, for as long as the test's runtime
/// lives; returns the base URL.
pub async fn serve(state: AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(jinghai_server::serve(state, listener));
    base
}

/// The server on the seeded demo, on the wall clock.
pub struct DemoServer {
    pub base: String,
    /// Held so the database outlives the browser's last request.
    pub db: TestDb,
}

pub async fn demo_server() -> DemoServer {
    let db = jinghai_store::testkit::sqlite().await;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    seed_demo(&db.store, &clock).await.unwrap();
    let state = AppState::new(db.store.clone(), clock, Config::default());
    let base = serve(state).await;
    DemoServer { base, db }
}

/// Runs `steps` with a fresh browser on a blocking thread: WebDriver calls
/// block, and the server under test needs the runtime's workers meanwhile.
/// The browser is closed when `steps` ends, by returning or by panicking; a
/// panic fails the test.
pub async fn in_browser(steps: impl FnOnce(Driver) + Send + 'static) {
    tokio::task::spawn_blocking(move || steps(Driver::start()))
        .await
        .unwrap();
}

/// Where screenshots go, for people reading a run's output.
pub fn shots() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots")
}

/// Signs in as a demo user through the login form, after signing out
/// whoever was signed in.
pub fn login(d: &Driver, base: &str, user: &str) {
    d.delete_cookies();
    d.goto(&format!("{base}/login"));
    d.type_into("input[name=username]", user);
    d.type_into("input[name=password]", DEMO_PASSWORD);
    d.submit("button[type=submit]");
    d.find("[data-testid=current-user]");
}
