//! Prometheus text-format metrics, kept as atomics: no registry crate needed
//! for a handful of counters.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

#[derive(Default)]
pub struct Metrics {
    /// (method, route, status) → count.
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    pub in_flight: AtomicU64,
}

impl Metrics {
    pub fn render(&self, uptime_secs: u64, db_up: bool) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP jinghai_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE jinghai_http_requests_total counter\n");
        for ((m, r, s), n) in self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            out.push_str(&format!(
                "jinghai_http_requests_total{{method=\"{m}\",route=\"{r}\",status=\"{s}\"}} {n}\n"
            ));
        }
        out.push_str("# HELP jinghai_http_in_flight Requests being served.\n# TYPE jinghai_http_in_flight gauge\n");
        out.push_str(&format!(
            "jinghai_http_in_flight {}\n",
            self.in_flight.load(Ordering::Relaxed)
        ));
        out.push_str("# HELP jinghai_uptime_seconds Seconds since the server started.\n# TYPE jinghai_uptime_seconds gauge\n");
        out.push_str(&format!("jinghai_uptime_seconds {uptime_secs}\n"));
        out.push_str("# HELP jinghai_database_up Whether the database answered the last probe.\n# TYPE jinghai_database_up gauge\n");
        out.push_str(&format!("jinghai_database_up {}\n", db_up as u8));
        out.push_str(&format!("# HELP jinghai_build_info Build information.\n# TYPE jinghai_build_info gauge\njinghai_build_info{{version=\"{}\"}} 1\n", env!("CARGO_PKG_VERSION")));
        out
    }
}

/// Middleware: counts requests by matched route (never the raw path, whose
/// ids would make unbounded label sets).
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    state.metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    let resp = next.run(req).await;
    state.metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
    let key = (method, route, resp.status().as_u16());
    *state
        .metrics
        .requests
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .entry(key)
        .or_default() += 1;
    resp
}
