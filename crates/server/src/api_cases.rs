//! JSON API of clues, cases, hand-overs and tips: parse, call the workflow,
//! answer JSON. Tips leave out the tipster (the contact is shown only on
//! the page, to reward officers).

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use jinghai_domain::cases::RecordKind;
use jinghai_workflow::cases::{CaseInput, ClueInput, DisposalInput, SeizureInput, StepInput};
use serde::{Deserialize, Deserializer};
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

/// Parses a JSON body strictly: an unknown key is named in the error, so a
/// misspelt field is never silently dropped.
fn body<T: serde::de::DeserializeOwned>(auth: &Auth, bytes: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_body(auth.lang, Flavor::Json, e.to_string()))
}

/// A form value given as a JSON string or number (`"1.5"` or `1.5`); the
/// workflow validates the text as the form's field.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => Ok(String::new()),
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected a string or a number, got {other}"
        ))),
    }
}

/// The alert desk's "to clue", over the API: the clue with the links made.
pub async fn clue_from_alert(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
) -> ApiResult {
    let (clue, links) = s
        .cases
        .clue_from_alert(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(json!({"clue": clue, "links": links})),
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct StatusBody {
    status: String,
    note: String,
}

pub async fn set_clue_status(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    let b: StatusBody = body(&auth, &bytes)?;
    ok(s.cases
        .set_clue_status(&auth.ctx, id, &b.status, &b.note)
        .await
        .map_err(|e| auth.err(e))?)
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct EntitiesBody {
    /// `kind: value` strings.
    entities: Vec<String>,
}

pub async fn add_entities(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    let b: EntitiesBody = body(&auth, &bytes)?;
    let links = s
        .cases
        .add_entities(&auth.ctx, id, &b.entities.join("\n"))
        .await
        .map_err(|e| auth.err(e))?;
    ok(json!({ "links": links }))
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct DecideBody {
    confirm: bool,
}

pub async fn decide_link(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    let b: DecideBody = body(&auth, &bytes)?;
    ok(s.cases
        .decide_link(&auth.ctx, id, b.confirm)
        .await
        .map_err(|e| auth.err(e))?)
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct HandoverBody {
    to_unit_id: Option<i64>,
    reason: String,
    /// Hours the receiver has to accept (empty: the default).
    #[serde(deserialize_with = "text")]
    hours: String,
}

async fn hand_over(
    s: &AppState,
    auth: &Auth,
    kind: RecordKind,
    id: i64,
    bytes: &Bytes,
) -> ApiResult {
    let b: HandoverBody = body(auth, bytes)?;
    let h = s
        .cases
        .hand_over(&auth.ctx, kind, id, b.to_unit_id, &b.reason, &b.hours)
        .await
        .map_err(|e| auth.err(e))?;
    Ok((axum::http::StatusCode::CREATED, Json(h)).into_response())
}

pub async fn hand_over_clue(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    hand_over(&s, &auth, RecordKind::Clue, id, &bytes).await
}

pub async fn hand_over_case(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    hand_over(&s, &auth, RecordKind::Case, id, &bytes).await
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct CaseBody {
    clue_ids: Vec<i64>,
    case_no: String,
    title: String,
    summary: String,
    classification: String,
    filed_on: String,
    document: String,
}

pub async fn file_case(State(s): State<AppState>, auth: Auth, bytes: Bytes) -> ApiResult {
    let b: CaseBody = body(&auth, &bytes)?;
    let input = CaseInput {
        clue_ids: b.clue_ids,
        case_no: b.case_no,
        title: b.title,
        summary: b.summary,
        classification: b.classification,
        filed_on: b.filed_on,
        document: b.document,
    };
    let case = s
        .cases
        .file_case(&auth.ctx, &input)
        .await
        .map_err(|e| auth.err(e))?;
    Ok((axum::http::StatusCode::CREATED, Json(case)).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct StepBody {
    kind: String,
    day: String,
    #[serde(deserialize_with = "text")]
    persons: String,
    document: String,
    note: String,
}

pub async fn add_step(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    let b: StepBody = body(&auth, &bytes)?;
    let input = StepInput {
        kind: b.kind,
        day: b.day,
        persons: b.persons,
        document: b.document,
        note: b.note,
    };
    let step = s
        .cases
        .add_step(&auth.ctx, id, &input)
        .await
        .map_err(|e| auth.err(e))?;
    Ok((axum::http::StatusCode::CREATED, Json(step)).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct SeizureBody {
    category: String,
    #[serde(deserialize_with = "text")]
    quantity: String,
    unit: String,
    description: String,
    day: String,
}

pub async fn add_seizure(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    let b: SeizureBody = body(&auth, &bytes)?;
    let input = SeizureInput {
        category: b.category,
        quantity: b.quantity,
        unit: b.unit,
        description: b.description,
        day: b.day,
    };
    let seizure = s
        .cases
        .add_seizure(&auth.ctx, id, &input)
        .await
        .map_err(|e| auth.err(e))?;
    Ok((axum::http::StatusCode::CREATED, Json(seizure)).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct DisposalBody {
    seizure_id: Option<i64>,
    step: String,
    day: String,
    document: String,
    note: String,
}

pub async fn add_disposal(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    let b: DisposalBody = body(&auth, &bytes)?;
    let input = DisposalInput {
        seizure_id: b.seizure_id,
        step: b.step,
        day: b.day,
        document: b.document,
        note: b.note,
    };
    let d = s
        .cases
        .add_disposal(&auth.ctx, id, &input)
        .await
        .map_err(|e| auth.err(e))?;
    Ok((axum::http::StatusCode::CREATED, Json(d)).into_response())
}
