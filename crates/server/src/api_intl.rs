//! JSON API of issue #8: inbound ship calls, individual cases, the duty desk
//! (with the deadline outcomes scoring reads), notifications, key persons
//! and cold-chain leads (with the clue draft the clue module consumes).

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use jinghai_domain::report::cst_hour;
use jinghai_domain::time::format_rfc3339;
use jinghai_domain::Lang;
use jinghai_workflow::individual::StepInput;
use jinghai_workflow::intl::ShipCallInput;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::{Auth, PathId};
use crate::error::{ApiError, Flavor};
use crate::AppState;

type ApiResult = Result<Response, ApiError>;

fn body<T: DeserializeOwned>(lang: Lang, bytes: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::bad_body(lang, Flavor::Json, e.to_string()))
}

fn ok(v: Value) -> ApiResult {
    Ok(Json(v).into_response())
}

fn time(ms: i64) -> String {
    format_rfc3339(ms)
}

#[derive(Debug, Default, Deserialize)]
pub struct RangeQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

pub async fn ships(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<RangeQuery>,
) -> ApiResult {
    let (from, to) = crate::pages::intl::range(&s, q.from.as_deref(), q.to.as_deref())
        .map_err(|e| auth.err(e))?;
    let rows = s
        .intl
        .list(&auth.ctx, from, to)
        .await
        .map_err(|e| auth.err(e))?;
    ok(json!(rows
        .iter()
        .map(|r| json!({
            "call": r.call,
            "arrival": time(r.call.arrival_at),
            "categories": r.categories,
            "crew": r.crew,
            "pending": r.pending,
            "blocked": r.blocked,
        }))
        .collect::<Vec<_>>()))
}

#[derive(Deserialize)]
struct ShipBody {
    region_id: Option<i64>,
    ship_name: String,
    #[serde(default)]
    imo: String,
    #[serde(default)]
    mmsi: String,
    #[serde(default)]
    flag: String,
    #[serde(default)]
    last_ports: String,
    arrival: String,
    #[serde(default)]
    berth: String,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    crew_changed_abroad: String,
    /// `[[name, nationality, passport], …]`
    #[serde(default)]
    crew: Vec<Vec<String>>,
}

pub async fn create_ship(State(s): State<AppState>, auth: Auth, bytes: Bytes) -> ApiResult {
    let b: ShipBody = body(auth.lang, &bytes)?;
    let crew = b
        .crew
        .iter()
        .map(|c| {
            c.iter()
                .map(|f| f.replace(',', " "))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let input = ShipCallInput {
        region_id: b.region_id,
        ship_name: b.ship_name,
        imo: b.imo,
        mmsi: b.mmsi,
        flag: b.flag,
        last_ports: b.last_ports,
        arrival: b.arrival,
        berth: b.berth,
        categories: b.categories,
        crew_changed_abroad: b.crew_changed_abroad,
        crew,
    };
    let c = s
        .intl
        .create(&auth.ctx, &input)
        .await
        .map_err(|e| auth.err(e))?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

pub async fn ship(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> ApiResult {
    let d = s
        .intl
        .detail(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let lang = auth.lang;
    ok(json!({
        "call": d.call,
        "crew": d.crew,
        "violations": d.violations,
        "categories": d.categories,
        "work_blocks": d.blocks.iter().map(|b| b.to_error().message(lang).to_string()).collect::<Vec<_>>(),
        "registry": d.registry.as_ref().map(|(v, by)| json!({"mmsi": v.mmsi, "imo": v.imo, "name": v.name, "flag": v.flag, "matched_by": by.en()})),
        "ais": d.sightings.iter().map(|x| json!({"at": time(x.at), "lat": x.lat, "lon": x.lon, "zone": x.zone, "kind": x.kind})).collect::<Vec<_>>(),
    }))
}

#[derive(Deserialize)]
struct WorkBody {
    allow: bool,
}

pub async fn work(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    let b: WorkBody = body(auth.lang, &bytes)?;
    let c = if b.allow {
        s.intl.allow_work(&auth.ctx, id).await
    } else {
        s.intl.block_work(&auth.ctx, id).await
    }
    .map_err(|e| auth.err(e))?;
    ok(json!(c))
}

#[derive(Deserialize)]
struct ResultBody {
    result: String,
}

pub async fn crew_result(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    let b: ResultBody = body(auth.lang, &bytes)?;
    let m = s
        .intl
        .set_crew_result(&auth.ctx, id, &b.result)
        .await
        .map_err(|e| auth.err(e))?;
    ok(json!(m))
}

pub async fn cases(State(s): State<AppState>, auth: Auth) -> ApiResult {
    let rows = s
        .individual
        .list(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?;
    ok(json!(rows
        .iter()
        .map(|r| json!({"case": r.case, "found_at": time(r.case.found_at), "persons": r.persons, "lost_from_control": r.lost, "next_steps": r.next_steps}))
        .collect::<Vec<_>>()))
}

pub async fn case(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> ApiResult {
    let d = s
        .individual
        .detail(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let now = s.individual.now();
    let lang = auth.lang;
    ok(json!({
        "case": d.case,
        "persons": d.persons.iter().map(|p| json!({
            "person": p.person,
            "tests": p.tests,
            "lost_from_control": p.flags,
            "release_blocks": p.release_blocks.iter().map(|b| b.to_error(&p.person.name).message(lang).to_string()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "steps": d.steps,
        "deadlines": d.deadlines.iter().map(|x| json!({"deadline": x, "state": x.state(now)})).collect::<Vec<_>>(),
        "next_steps": d.next_steps,
    }))
}

#[derive(Deserialize)]
struct StepBody {
    step: String,
    #[serde(default)]
    at: String,
    unit_id: Option<i64>,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    result: String,
    #[serde(default)]
    site: String,
}

pub async fn case_step(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    let b: StepBody = body(auth.lang, &bytes)?;
    let input = StepInput {
        step: b.step,
        at: b.at,
        unit_id: b.unit_id,
        owner: b.owner,
        result: b.result,
        site: b.site,
    };
    let st = s
        .individual
        .record_step(&auth.ctx, id, &input)
        .await
        .map_err(|e| auth.err(e))?;
    Ok((StatusCode::CREATED, Json(st)).into_response())
}

pub async fn duty(State(s): State<AppState>, auth: Auth) -> ApiResult {
    let d = s.duty.desk(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let lang = auth.lang;
    ok(json!({
        "items": d.items.iter().map(|i| json!({
            "rule": i.rule, "title": lang.pick(&i.zh, &i.en), "region_code": i.region_code, "unit_id": i.unit_id,
            "due_at": time(i.due_at), "done_at": i.done_at.map(time), "state": i.state, "href": i.href, "deadline_id": i.deadline_id,
        })).collect::<Vec<_>>(),
        "lost_from_control": d.lost.iter().map(|l| json!({"case_id": l.case.id, "place": l.case.place, "person": l.person.name, "flags": l.flags})).collect::<Vec<_>>(),
        "unread_notifications": d.unread,
    }))
}

/// Deadline outcomes for scoring: `?from=YYYY-MM-DD&to=YYYY-MM-DD` (due days, inclusive).
pub async fn outcomes(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<RangeQuery>,
) -> ApiResult {
    let (from, to) = crate::pages::intl::range(&s, q.from.as_deref(), q.to.as_deref())
        .map_err(|e| auth.err(e))?;
    let list = s
        .duty
        .deadline_outcomes(&auth.ctx, cst_hour(from, 0), cst_hour(to + 1, 0))
        .await
        .map_err(|e| auth.err(e))?;
    ok(json!(list
        .iter()
        .map(
            |o| json!({"deadline": o.deadline, "state": o.state, "due_at": time(o.deadline.due_at)})
        )
        .collect::<Vec<_>>()))
}

pub async fn notifications(State(s): State<AppState>, auth: Auth) -> ApiResult {
    let list = s
        .duty
        .notifications(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?;
    let unread = list.iter().filter(|n| n.read_at.is_none()).count();
    ok(json!({"unread": unread, "notifications": list}))
}

/// The unread count for the navigation badge.
pub async fn notification_count(State(s): State<AppState>, auth: Auth) -> ApiResult {
    let n = s.duty.unread(&auth.ctx).await.map_err(|e| auth.err(e))?;
    ok(json!({"unread": n}))
}

pub async fn key_persons(State(s): State<AppState>, auth: Auth) -> ApiResult {
    let rows = s
        .epidemic
        .key_persons(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?;
    ok(json!(rows
        .iter()
        .map(|r| json!({"person": r.person, "report_missing": r.report_missing, "country_risk": r.country_risk}))
        .collect::<Vec<_>>()))
}

pub async fn leads(State(s): State<AppState>, auth: Auth) -> ApiResult {
    let list = s.epidemic.leads(&auth.ctx).await.map_err(|e| auth.err(e))?;
    ok(json!(list
        .iter()
        .map(|l| json!({"check": l.check, "store": l.store, "reason": l.reason, "excess_kg": l.excess_g as f64 / 1000.0}))
        .collect::<Vec<_>>()))
}

/// A lead as a clue draft: what the clue module stores when it makes the clue.
pub async fn lead_clue(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> ApiResult {
    let d = s
        .epidemic
        .lead_as_clue(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    ok(json!({
        "source_ref": d.source_ref, "region_id": d.region_id, "region_code": d.region_code, "place": d.place,
        "title": d.title, "description": d.description, "found_at": time(d.found_at),
    }))
}
