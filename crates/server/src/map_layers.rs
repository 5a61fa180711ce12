//! The live map's layers of records, beside the vessels: the caller's open
//! risks with a position (风险点, overdue ones flagged) and the patrol plans
//! of the last days with their coverage and blind spots. Red and yellow
//! cards come from `/api/v1/cards`. Each answer names the caller's region
//! (`scope`) and holds only records of the caller's regions: the services
//! read through the caller's `Scope`.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use jinghai_domain::report::format_day;
use serde::Deserialize;
use serde_json::json;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::pages::patrols::coverage_features;
use crate::pages::scoring::scope_json;
use crate::AppState;

type ApiResult = Result<Response, ApiError>;

/// `GET /api/v1/map/risks`
pub async fn risks(State(s): State<AppState>, auth: Auth) -> ApiResult {
    let list = s.risks.on_map(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let regions = s.admin.regions(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let today = s.risks.today();
    let lang = auth.lang;
    let risks: Vec<_> = list
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "place": r.place,
                "lat": r.lat,
                "lon": r.lon,
                "region_code": r.region_code,
                "region_name": regions.iter().find(|g| g.id == r.region_id).map(|g| g.name.as_str()).unwrap_or(""),
                "category": r.category.as_str(),
                "category_name": lang.pick(r.category.zh(), r.category.en()),
                "severity": r.severity.as_str(),
                "severity_name": lang.pick(r.severity.zh(), r.severity.en()),
                "status": r.status.as_str(),
                "status_name": lang.pick(r.status.zh(), r.status.en()),
                "deadline": r.deadline.map(format_day),
                "overdue": r.overdue(today),
            })
        })
        .collect();
    Ok(Json(
        json!({"scope": scope_json(&s, &auth).await?, "today": format_day(today), "risks": risks}),
    )
    .into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct PatrolQuery {
    pub days: Option<String>,
}

/// `GET /api/v1/map/patrols?days=`: a GeoJSON FeatureCollection.
pub async fn patrols(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<PatrolQuery>,
) -> ApiResult {
    let plans = s
        .patrols
        .on_map(&auth.ctx, q.days.as_deref().unwrap_or(""))
        .await
        .map_err(|e| auth.err(e))?;
    let features: Vec<_> = plans.iter().flat_map(coverage_features).collect();
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/geo+json")],
        Json(json!({
            "type": "FeatureCollection",
            "scope": scope_json(&s, &auth).await?,
            "plans": plans.len(),
            "features": features,
        })),
    )
        .into_response())
}
