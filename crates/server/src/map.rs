//! The live map's JSON API: viewport queries, a vessel's panel and track,
//! search, the feeds' zones as GeoJSON, an alert's evidence, and the live
//! push (server-sent events, about once a second). Handlers parse, call the
//! `Map` service, and answer JSON; scoping is the service's.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use jinghai_engine::zones::Geometry;
use jinghai_engine::Zone;
use jinghai_workflow::map::{parse_hours, parse_mmsi, parse_viewport, Evidence};
use jinghai_workflow::picture::Viewport;
use serde_json::{json, Value};

use crate::auth::{form_urlencoded_pairs, Auth, PathId};
use crate::error::ApiError;
use crate::AppState;

type ApiResult = Result<Response, ApiError>;

/// How often the live push sends what changed.
pub const PUSH_EVERY: Duration = Duration::from_secs(1);
/// Every this many pushes the whole view is sent again (vessels that went
/// dark or left the view are redrawn).
const FULL_EVERY: u64 = 10;
/// Every this many pushes the session is checked again; a signed-out or
/// expired session ends the stream.
const SESSION_CHECK_EVERY: u64 = 30;

fn query(raw: &Option<String>) -> std::collections::HashMap<String, String> {
    form_urlencoded_pairs(raw.as_deref().unwrap_or("").as_bytes())
}

fn view_of(auth: &Auth, raw: &Option<String>) -> Result<Viewport, ApiError> {
    let q = query(raw);
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    parse_viewport(get("bbox"), get("zoom")).map_err(|e| auth.err(e))
}

/// `GET /api/v1/map/vessels?bbox=&zoom=`
pub async fn viewport(State(s): State<AppState>, auth: Auth, RawQuery(raw): RawQuery) -> ApiResult {
    let view = view_of(&auth, &raw)?;
    Ok(Json(s.map.viewport(&auth.ctx, &view)).into_response())
}

/// `GET /api/v1/map/vessels/{id}` (the MMSI)
pub async fn vessel(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> ApiResult {
    let mmsi = parse_mmsi(id).map_err(|e| auth.err(e))?;
    let d = s
        .map
        .vessel(&auth.ctx, mmsi)
        .await
        .map_err(|e| auth.err(e))?;
    Ok(Json(d).into_response())
}

/// `GET /api/v1/map/vessels/{id}/track?hours=`
pub async fn track(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let mmsi = parse_mmsi(id).map_err(|e| auth.err(e))?;
    let q = query(&raw);
    let hours =
        parse_hours(q.get("hours").map(String::as_str).unwrap_or("")).map_err(|e| auth.err(e))?;
    let t = s
        .map
        .track(&auth.ctx, mmsi, hours)
        .map_err(|e| auth.err(e))?;
    Ok(Json(t).into_response())
}

/// `GET /api/v1/map/search?q=`
pub async fn search(State(s): State<AppState>, auth: Auth, RawQuery(raw): RawQuery) -> ApiResult {
    let q = query(&raw);
    let text = q.get("q").map(String::as_str).unwrap_or("");
    let hits = s.map.search(&auth.ctx, text).map_err(|e| auth.err(e))?;
    Ok(Json(json!({"query": text, "results": hits})).into_response())
}

/// One zone as a GeoJSON Feature (FORMATS.md properties, plus its feed).
pub fn zone_feature(z: &Zone, feed: &str, district_name: &str) -> Value {
    let geometry = match &z.geometry {
        Geometry::Polygons(parts) if parts.len() == 1 => {
            json!({"type": "Polygon", "coordinates": parts[0]})
        }
        Geometry::Polygons(parts) => json!({"type": "MultiPolygon", "coordinates": parts}),
        Geometry::Line(points) => json!({"type": "LineString", "coordinates": points}),
    };
    json!({
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "id": z.id,
            "name": z.name,
            "kind": z.kind.as_str(),
            "applies_to": z.applies_to,
            "feed": feed,
            "district_name": district_name,
        },
    })
}

/// `GET /api/v1/map/zones`: a GeoJSON FeatureCollection.
pub async fn zones(State(s): State<AppState>, auth: Auth) -> ApiResult {
    let features: Vec<Value> = s
        .map
        .zones(&auth.ctx)
        .iter()
        .flat_map(|fz| {
            fz.zones
                .zones()
                .iter()
                .map(|z| zone_feature(z, &fz.feed.name, &fz.feed.district_name))
                .collect::<Vec<_>>()
        })
        .collect();
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/geo+json")],
        Json(json!({"type": "FeatureCollection", "features": features})),
    )
        .into_response())
}

/// An alert's evidence as JSON (the zone as a GeoJSON Feature).
pub fn evidence_json(e: &Evidence) -> Value {
    let mut v = serde_json::to_value(e).unwrap_or(Value::Null);
    let district = e
        .feed
        .as_ref()
        .map(|f| f.district_name.as_str())
        .unwrap_or("");
    let feed = e.feed.as_ref().map(|f| f.name.as_str()).unwrap_or("");
    v["zone"] = e
        .zone
        .as_ref()
        .map(|z| zone_feature(z, feed, district))
        .unwrap_or(Value::Null);
    // The engine's evidence object is JSON text in the store: inline it.
    v["alert"]["detail"] = serde_json::from_str(&e.alert.detail).unwrap_or(Value::Null);
    v
}

/// `GET /api/v1/alerts/{id}/evidence`
pub async fn evidence(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> ApiResult {
    let e = s
        .map
        .evidence(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    Ok(Json(evidence_json(&e)).into_response())
}

struct Push {
    s: AppState,
    auth: Auth,
    view: Viewport,
    since: Option<u64>,
    alerts_since: u64,
    sent: u64,
}

/// `GET /api/v1/map/stream?bbox=&zoom=`: server-sent events named `picture`,
/// one about every second: the whole view first (and every 10 s), then the
/// vessels that changed, with new alerts the user may see and the feeds'
/// clocks. The client reopens the stream when its view changes.
pub async fn stream(State(s): State<AppState>, auth: Auth, RawQuery(raw): RawQuery) -> ApiResult {
    let view = view_of(&auth, &raw)?;
    let start = Push {
        s,
        auth,
        view,
        since: None,
        alerts_since: 0,
        sent: 0,
    };
    let events = futures_util::stream::unfold(start, |mut p| async move {
        if p.sent > 0 {
            tokio::time::sleep(PUSH_EVERY).await;
            if p.sent.is_multiple_of(SESSION_CHECK_EVERY)
                && !matches!(p.s.accounts.session(&p.auth.token).await, Ok(Some(_)))
            {
                return None;
            }
        }
        let since = if p.sent.is_multiple_of(FULL_EVERY) {
            None
        } else {
            p.since
        };
        let changes = p.s.map.changes(&p.auth.ctx, &p.view, since, p.alerts_since);
        p.since = Some(changes.view.seq);
        p.alerts_since = changes.view.seq;
        p.sent += 1;
        let event = SseEvent::default()
            .event("picture")
            .json_data(&changes)
            .unwrap_or_else(|_| SseEvent::default().comment("unserialisable"));
        Some((Ok::<_, Infallible>(event), p))
    });
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response())
}
