//! JSON API of the registries: vessels, places (for the map and editors),
//! port reports and their reconciliation against AIS.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use jinghai_domain::report::format_day;
use jinghai_domain::Lang;
use jinghai_workflow::registry::{PersonInput, PlaceInput, ReportInput, VesselInput};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::{Auth, PathId};
use crate::error::{ApiError, Flavor};
use crate::pages::port_reports::RangeQuery;
use crate::pages::vessels::{filter_of, ListQuery};
use crate::AppState;

type ApiResult = Result<Response, ApiError>;

fn body<T: serde::de::DeserializeOwned>(lang: Lang, bytes: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::bad_body(lang, Flavor::Json, e.to_string()))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VesselBody {
    pub region_id: Option<i64>,
    pub mmsi: Value,
    pub name: String,
    pub kind: String,
    pub flag: String,
    pub international: bool,
    pub home_port: String,
    pub owner_kind: String,
    pub owner_name: String,
    pub owner_contact: String,
    pub owner_phone: String,
    pub registry_no: String,
    pub stateless: String,
    pub notes: String,
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

pub async fn list_vessels(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> ApiResult {
    let list = s
        .registries
        .vessels(&auth.ctx, &filter_of(&q))
        .await
        .map_err(|e| auth.err(e))?;
    Ok(Json(list).into_response())
}

pub async fn create_vessel(State(s): State<AppState>, auth: Auth, bytes: Bytes) -> ApiResult {
    let b: VesselBody = body(auth.lang, &bytes)?;
    let input = VesselInput {
        region_id: b.region_id,
        mmsi: text_of(&b.mmsi),
        name: b.name,
        kind: b.kind,
        flag: b.flag,
        international: b.international,
        home_port: b.home_port,
        owner_kind: b.owner_kind,
        owner_name: b.owner_name,
        owner_contact: b.owner_contact,
        owner_phone: b.owner_phone,
        registry_no: b.registry_no,
        stateless: b.stateless,
        notes: b.notes,
    };
    let v = s
        .registries
        .create_vessel(&auth.ctx, &input)
        .await
        .map_err(|e| auth.err(e))?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

pub async fn get_vessel(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> ApiResult {
    let d = s
        .registries
        .vessel(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    Ok(
        Json(json!({"vessel": d.vessel, "photos": d.photos, "port_reports": d.reports}))
            .into_response(),
    )
}

/// Places with their geometry as GeoJSON objects (what the map draws).
pub async fn list_places(State(s): State<AppState>, auth: Auth) -> ApiResult {
    let places = s
        .registries
        .places(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?;
    let out: Vec<Value> = places
        .iter()
        .map(|p| {
            json!({
                "id": p.id, "region_id": p.region_id, "code": p.code, "name": p.name, "kind": p.kind,
                "applies_to": p.applies_to, "lat": p.lat, "lon": p.lon, "notes": p.notes,
                "geometry": serde_json::from_str::<Value>(&p.geometry).unwrap_or(Value::Null),
            })
        })
        .collect();
    Ok(Json(out).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PlaceBody {
    pub region_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub applies_to: Option<String>,
    /// A GeoJSON geometry object (or its text).
    pub geometry: Value,
    pub notes: String,
}

pub async fn create_place(State(s): State<AppState>, auth: Auth, bytes: Bytes) -> ApiResult {
    let b: PlaceBody = body(auth.lang, &bytes)?;
    let input = PlaceInput {
        region_id: b.region_id,
        code: b.code,
        name: b.name,
        kind: b.kind,
        applies_to: b.applies_to.unwrap_or_default(),
        geometry: match b.geometry {
            Value::String(s) => s,
            Value::Null => String::new(),
            g => g.to_string(),
        },
        notes: b.notes,
    };
    let p = s
        .registries
        .create_place(&auth.ctx, &input)
        .await
        .map_err(|e| auth.err(e))?;
    Ok((StatusCode::CREATED, Json(p)).into_response())
}

pub async fn list_reports(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<RangeQuery>,
) -> ApiResult {
    let (from, to) = crate::pages::port_reports::day_range_of(&s, &q);
    let list = s
        .registries
        .reports(&auth.ctx, from, to)
        .await
        .map_err(|e| auth.err(e))?;
    Ok(Json(list).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PersonBody {
    pub name: String,
    pub id_number: String,
    pub phone: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReportBody {
    pub mmsi: Value,
    pub kind: String,
    pub port_code: String,
    pub reported_at: String,
    pub persons: Vec<PersonBody>,
    pub itinerary: String,
    pub contact_history: String,
}

pub async fn create_report(State(s): State<AppState>, auth: Auth, bytes: Bytes) -> ApiResult {
    let b: ReportBody = body(auth.lang, &bytes)?;
    let input = ReportInput {
        mmsi: text_of(&b.mmsi),
        kind: b.kind,
        port_code: b.port_code,
        reported_at: b.reported_at,
        persons: b
            .persons
            .into_iter()
            .map(|p| PersonInput {
                name: p.name,
                id_number: p.id_number,
                phone: p.phone,
            })
            .collect(),
        itinerary: b.itinerary,
        contact_history: b.contact_history,
    };
    let r = s
        .registries
        .create_report(&auth.ctx, &input)
        .await
        .map_err(|e| auth.err(e))?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

pub async fn reconcile(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<RangeQuery>,
) -> ApiResult {
    let (from, to) = crate::pages::port_reports::day_range_of(&s, &q);
    let region = q.region.as_deref().and_then(|r| r.parse::<i64>().ok());
    let rec = s
        .registries
        .reconcile(&auth.ctx, region, from, to)
        .await
        .map_err(|e| auth.err(e))?;
    Ok(Json(json!({
        "from": format_day(from),
        "to": format_day(to),
        "ais_entries": rec.entries,
        "arrival_reports": rec.reports,
        "entries_without_report": rec.entries_without_report,
        "reports_without_entry": rec.reports_without_entry.iter().map(|(r, waiting)| json!({"report": r, "awaiting_arrival": waiting})).collect::<Vec<_>>(),
        "unreported_port_entry_alerts": rec.alerts,
    }))
    .into_response())
}
