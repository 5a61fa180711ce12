//! JSON API of clues, cases, hand-overs and tips: parse, call the workflow,
//! answer JSON. Tips leave out the tipster (the contact is shown only on
//! the page, to reward officers).

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use jinghai_workflow::cases::ClueInput;
use serde::Deserialize;
use serde_json::json;

use crate::auth::{Auth, PathId};
use crate::error::{ApiError, Flavor};
use crate::AppState;

type ApiResult = Result<Response, ApiError>;

fn ok<T: serde::Serialize>(v: T) -> ApiResult {
    Ok(Json(v).into_response())
}

pub async fn clues(State(s): State<AppState>, auth: Auth) -> ApiResult {
    ok(s.cases
        .list_clues(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?)
}

/// A clue with its entities, the links the caller may see (with reasons),
/// how many links lead to clues they may not, and its hand-overs.
pub async fn clue(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> ApiResult {
    let d = s
        .cases
        .clue_detail(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    ok(json!({
        "clue": d.clue,
        "entities": d.entities,
        "links": d.links.iter().map(|v| json!({"link": v.link, "other": v.other})).collect::<Vec<_>>(),
        "hidden_links": d.hidden_links,
        "handovers": d.handovers,
        "can_work": d.can_work,
    }))
}

/// The cluster around a clue: nodes (clues, entities) and links.
pub async fn graph(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> ApiResult {
    let c = s
        .cases
        .cluster(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    ok(json!({"clues": c.clues, "entities": c.entities, "links": c.links, "hidden": c.hidden}))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ClueBody {
    region_id: Option<i64>,
    summary: String,
    detail: String,
    occurred_at: String,
    place: String,
    lat: Option<f64>,
    lon: Option<f64>,
    source: String,
    classification: String,
    /// `kind: value` lines, or a list of them.
    entities: Vec<String>,
}

pub async fn create_clue(State(s): State<AppState>, auth: Auth, bytes: Bytes) -> ApiResult {
    let b: ClueBody = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_body(auth.lang, Flavor::Json, e.to_string()))?;
    let input = ClueInput {
        region_id: b.region_id,
        summary: b.summary,
        detail: b.detail,
        occurred_at: b.occurred_at,
        place: b.place,
        lat: b.lat.map(|v| v.to_string()).unwrap_or_default(),
        lon: b.lon.map(|v| v.to_string()).unwrap_or_default(),
        source: b.source,
        classification: b.classification,
        entities: b.entities.join("\n"),
    };
    let (clue, links) = s
        .cases
        .create_clue(&auth.ctx, &input)
        .await
        .map_err(|e| auth.err(e))?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(json!({"clue": clue, "links": links})),
    )
        .into_response())
}

pub async fn cases(State(s): State<AppState>, auth: Auth) -> ApiResult {
    ok(s.cases
        .list_cases(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?)
}

pub async fn case(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> ApiResult {
    let d = s
        .cases
        .case_detail(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    ok(
        json!({"case": d.case, "clues": d.clues, "steps": d.steps, "seizures": d.seizures, "disposals": d.disposals, "handovers": d.handovers}),
    )
}

pub async fn handovers(State(s): State<AppState>, auth: Auth) -> ApiResult {
    let now = s.cases.now();
    let list = s
        .cases
        .handovers(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?;
    ok(list
        .iter()
        .map(|h| json!({"handover": h, "overdue": h.overdue(now)}))
        .collect::<Vec<_>>())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AnswerBody {
    accept: bool,
    response: String,
}

pub async fn answer(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    let b: AnswerBody = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_body(auth.lang, Flavor::Json, e.to_string()))?;
    ok(s.cases
        .answer_handover(&auth.ctx, id, b.accept, &b.response)
        .await
        .map_err(|e| auth.err(e))?)
}

pub async fn tips(State(s): State<AppState>, auth: Auth) -> ApiResult {
    ok(s.tips.list(&auth.ctx).await.map_err(|e| auth.err(e))?)
}
