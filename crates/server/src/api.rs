//! JSON API handlers: parse, call a workflow service, answer JSON.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use jinghai_domain::time::parse_date;
use jinghai_domain::{AuditAction, FieldError, Lang};
use jinghai_store::AuditFilter;
use jinghai_workflow::admin::{RegionInput, UnitInput, UserInput};
use jinghai_workflow::WorkflowError;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;

use crate::auth::{Auth, ClientAddr, PathId, UiLang, SESSION_COOKIE};
use crate::error::{ApiError, Flavor};
use crate::AppState;

type ApiResult = Result<Response, ApiError>;

/// Parses a JSON body, naming the offending field on error.
fn body<T: DeserializeOwned>(lang: Lang, bytes: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::bad_body(lang, Flavor::Json, e.to_string()))
}

/// Parses a path id, with a clear error for non-numbers.
pub fn path_id(lang: Lang, flavor: Flavor, raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| {
        ApiError::new(
            WorkflowError::invalid(FieldError::new(
                "id",
                format!("编号必须是数字：{raw:?}"),
                format!("id must be a number: {raw:?}"),
            )),
            lang,
            flavor,
        )
    })
}

fn ok<T: serde::Serialize>(v: T) -> ApiResult {
    Ok(Json(v).into_response())
}

/// The `Set-Cookie` value for a new session.
pub fn session_cookie(state: &AppState, token: &str) -> HeaderValue {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let max_age = state.config.session_hours.max(1) as u64 * 3600;
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn clear_session_cookie() -> HeaderValue {
    HeaderValue::from_static("jh_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

// --- operations ---

pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => Json(json!({"status": "ok", "database": "up"})).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database down");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "degraded", "database": "down"})),
            )
                .into_response()
        }
    }
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    let db_up = state.store.ping().await.is_ok();
    let text = state
        .metrics
        .render(state.started.elapsed().as_secs(), db_up);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

pub async fn openapi() -> Response {
    Json(crate::openapi::document()).into_response()
}

// --- session ---

#[derive(Deserialize)]
struct LoginBody {
    username: String,
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    ClientAddr(addr): ClientAddr,
    bytes: Bytes,
) -> ApiResult {
    let b: LoginBody = body(lang, &bytes)?;
    let signed = state
        .accounts
        .login(&b.username, &b.password, &addr)
        .await
        .map_err(|e| ApiError::new(e, lang, Flavor::Json))?;
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, session_cookie(&state, &signed.token));
    Ok((headers, Json(json!({"user": signed.ctx.user, "scope": signed.ctx.scope, "csrf_token": signed.csrf_token})).into_response()).into_response())
}

pub async fn logout(State(state): State<AppState>, auth: Auth) -> ApiResult {
    state
        .accounts
        .logout(&auth.token, &auth.ctx)
        .await
        .map_err(|e| auth.err(e))?;
    Ok((
        [(header::SET_COOKIE, clear_session_cookie())],
        StatusCode::NO_CONTENT,
    )
        .into_response())
}

pub async fn me(auth: Auth) -> ApiResult {
    ok(json!({"user": auth.ctx.user, "scope": auth.ctx.scope, "csrf_token": auth.csrf}))
}

// --- regions ---

pub async fn list_regions(State(s): State<AppState>, auth: Auth) -> ApiResult {
    ok(s.admin.regions(&auth.ctx).await.map_err(|e| auth.err(e))?)
}

#[derive(Deserialize)]
struct RegionBody {
    code: String,
    name: String,
    level: String,
    parent_id: Option<i64>,
}

pub async fn create_region(State(s): State<AppState>, auth: Auth, bytes: Bytes) -> ApiResult {
    let b: RegionBody = body(auth.lang, &bytes)?;
    let input = RegionInput {
        code: b.code,
        name: b.name,
        level: b.level,
        parent_id: b.parent_id,
    };
    let r = s
        .admin
        .create_region(&auth.ctx, &input)
        .await
        .map_err(|e| auth.err(e))?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

pub async fn get_region(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> ApiResult {
    ok(s.admin
        .region(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?)
}

#[derive(Deserialize)]
struct NameBody {
    name: String,
}

pub async fn rename_region(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    let b: NameBody = body(auth.lang, &bytes)?;
    ok(s.admin
        .rename_region(&auth.ctx, id, &b.name)
        .await
        .map_err(|e| auth.err(e))?)
}

pub async fn delete_region(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> ApiResult {
    s.admin
        .delete_region(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// --- units ---

pub async fn list_units(State(s): State<AppState>, auth: Auth) -> ApiResult {
    ok(s.admin.units(&auth.ctx).await.map_err(|e| auth.err(e))?)
}

#[derive(Deserialize)]
struct UnitBody {
    name: String,
    agency: String,
    region_id: Option<i64>,
    parent_unit_id: Option<i64>,
}

pub async fn create_unit(State(s): State<AppState>, auth: Auth, bytes: Bytes) -> ApiResult {
    let b: UnitBody = body(auth.lang, &bytes)?;
    let input = UnitInput {
        name: b.name,
        agency: b.agency,
        region_id: b.region_id,
        parent_unit_id: b.parent_unit_id,
    };
    let u = s
        .admin
        .create_unit(&auth.ctx, &input)
        .await
        .map_err(|e| auth.err(e))?;
    Ok((StatusCode::CREATED, Json(u)).into_response())
}

pub async fn get_unit(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> ApiResult {
    ok(s.admin.unit(&auth.ctx, id).await.map_err(|e| auth.err(e))?)
}

#[derive(Deserialize)]
struct UnitPatchBody {
    name: String,
    agency: String,
}

pub async fn update_unit(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    let b: UnitPatchBody = body(auth.lang, &bytes)?;
    ok(s.admin
        .update_unit(&auth.ctx, id, &b.name, &b.agency)
        .await
        .map_err(|e| auth.err(e))?)
}

pub async fn delete_unit(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> ApiResult {
    s.admin
        .delete_unit(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// --- users ---

pub async fn list_users(State(s): State<AppState>, auth: Auth) -> ApiResult {
    ok(s.admin.users(&auth.ctx).await.map_err(|e| auth.err(e))?)
}

#[derive(Deserialize)]
struct UserBody {
    #[serde(default)]
    username: String,
    display_name: String,
    #[serde(default)]
    password: String,
    role: String,
    region_id: Option<i64>,
    unit_id: Option<i64>,
    active: Option<bool>,
}

impl UserBody {
    fn input(self) -> UserInput {
        UserInput {
            username: self.username,
            display_name: self.display_name,
            password: self.password,
            role: self.role,
            region_id: self.region_id,
            unit_id: self.unit_id,
            active: self.active.unwrap_or(true),
        }
    }
}

pub async fn create_user(State(s): State<AppState>, auth: Auth, bytes: Bytes) -> ApiResult {
    let b: UserBody = body(auth.lang, &bytes)?;
    let u = s
        .admin
        .create_user(&auth.ctx, &b.input())
        .await
        .map_err(|e| auth.err(e))?;
    Ok((StatusCode::CREATED, Json(u)).into_response())
}

pub async fn get_user(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> ApiResult {
    ok(s.admin.user(&auth.ctx, id).await.map_err(|e| auth.err(e))?)
}

pub async fn update_user(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    let b: UserBody = body(auth.lang, &bytes)?;
    ok(s.admin
        .update_user(&auth.ctx, id, &b.input())
        .await
        .map_err(|e| auth.err(e))?)
}

#[derive(Deserialize)]
struct PasswordBody {
    password: String,
}

pub async fn set_password(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    let b: PasswordBody = body(auth.lang, &bytes)?;
    s.admin
        .set_password(&auth.ctx, id, &b.password)
        .await
        .map_err(|e| auth.err(e))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// --- task force ---

pub async fn task_force(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> ApiResult {
    let groups = s
        .admin
        .task_force(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    ok(groups
        .iter()
        .map(|g| json!({"group": g.group, "name_zh": g.group.zh(), "name_en": g.group.en(), "lead_unit_id": g.lead_unit_id}))
        .collect::<Vec<_>>())
}

#[derive(Deserialize)]
struct GroupLeadBody {
    group: String,
    unit_id: Option<i64>,
}

pub async fn set_group_lead(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    let b: GroupLeadBody = body(auth.lang, &bytes)?;
    s.admin
        .set_group_lead(&auth.ctx, id, &b.group, b.unit_id)
        .await
        .map_err(|e| auth.err(e))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// --- audit ---

/// Audit-log filter as query parameters (shared with the audit page).
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    pub entity: Option<String>,
    pub action: Option<String>,
    pub actor: Option<String>,
    /// `YYYY-MM-DD`, inclusive, China Standard Time.
    pub from: Option<String>,
    /// `YYYY-MM-DD`, inclusive, China Standard Time.
    pub to: Option<String>,
    pub limit: Option<i64>,
}

impl AuditQuery {
    /// Validates into a store filter.
    pub fn filter(&self) -> Result<AuditFilter, WorkflowError> {
        let nonempty = |o: &Option<String>| {
            o.as_ref()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let mut errs = Vec::new();
        let action = match nonempty(&self.action) {
            Some(a) => match AuditAction::parse(&a) {
                Some(a) => Some(a),
                None => {
                    errs.push(FieldError::new(
                        "action",
                        format!("未知的动作：{a}"),
                        format!("unknown action: {a}"),
                    ));
                    None
                }
            },
            None => None,
        };
        // Dates are days in China Standard Time.
        let cst = 8 * jinghai_domain::time::HOUR;
        let mut date = |field: &str, v: Option<String>, plus_day: bool| -> Option<i64> {
            let v = v?;
            match parse_date(&v) {
                Ok(ms) => Some(
                    ms - cst
                        + if plus_day {
                            jinghai_domain::time::DAY
                        } else {
                            0
                        },
                ),
                Err(_) => {
                    errs.push(FieldError::new(
                        field,
                        format!("日期格式应为 YYYY-MM-DD：{v}"),
                        format!("date must be YYYY-MM-DD: {v}"),
                    ));
                    None
                }
            }
        };
        let from = date("from", nonempty(&self.from), false);
        let to = date("to", nonempty(&self.to), true);
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        Ok(AuditFilter {
            entity: nonempty(&self.entity),
            action,
            actor: nonempty(&self.actor),
            from,
            to,
            limit: self.limit.unwrap_or(200),
        })
    }
}

pub async fn audit(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<AuditQuery>,
) -> ApiResult {
    let filter = q.filter().map_err(|e| auth.err(e))?;
    ok(s.admin
        .audit(&auth.ctx, &filter)
        .await
        .map_err(|e| auth.err(e))?)
}

// --- daily report ---

fn value_json(
    form: &jinghai_domain::report::FormDef,
    key: &str,
    v: jinghai_domain::report::Milli,
) -> serde_json::Value {
    match form.indicator(key) {
        Some((_, i)) if i.kind == jinghai_domain::report::ValueKind::Count => json!(v / 1000),
        _ => json!(v as f64 / 1000.0),
    }
}

pub async fn daily_rollup(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<crate::pages::daily::RollupQuery>,
) -> ApiResult {
    let r = crate::pages::daily::rollup_of(&s, &auth, &q).await?;
    let values: serde_json::Map<String, serde_json::Value> = r
        .form
        .def
        .indicators()
        .map(|(_, i)| {
            (
                i.key.clone(),
                value_json(&r.form.def, &i.key, r.value(&i.key)),
            )
        })
        .collect();
    let gap = |g: &jinghai_workflow::reports::Gap| json!({"day": jinghai_domain::report::format_day(g.day), "district": g.district, "section": g.section, "unit_id": g.unit_id, "submitted_at": g.submitted_at.map(jinghai_domain::time::format_rfc3339)});
    ok(json!({
        "form": r.form.def.code,
        "region": {"id": r.region.id, "code": r.region.code, "name": r.region.name},
        "from": jinghai_domain::report::format_day(r.from),
        "to": jinghai_domain::report::format_day(r.to),
        "values": values,
        "missing": r.missing.iter().map(gap).collect::<Vec<_>>(),
        "late": r.late.iter().map(gap).collect::<Vec<_>>(),
    }))
}

#[derive(Deserialize)]
pub struct DayQuery {
    day: Option<String>,
}

pub async fn daily_sheet(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    Query(q): Query<DayQuery>,
) -> ApiResult {
    let day = crate::pages::daily::day_param("day", q.day.as_deref(), s.reports.today())
        .map_err(|e| auth.err(e))?;
    let sheet = s
        .reports
        .sheet(&auth.ctx, id, day)
        .await
        .map_err(|e| auth.err(e))?;
    let sections: Vec<_> = sheet
        .sections
        .iter()
        .map(|v| {
            json!({
                "section": v.section.key,
                "group": v.section.group,
                "lead_unit_id": v.lead_unit_id,
                "can_edit": v.can_edit,
                "late": v.late,
                // Values counted from the records, each with the list of those records.
                "suggestions": v.suggestions.iter().map(|g| json!({
                    "indicator": g.indicator,
                    "value": value_json(&sheet.form.def, &g.indicator, g.value),
                    "source": auth.lang.pick(&g.source_zh, &g.source_en),
                    "records": g.link,
                })).collect::<Vec<_>>(),
                "entry": v.entry.as_ref().map(|e| json!({
                    "id": e.id,
                    "status": e.status,
                    "values": e.values.iter().map(|(k, v)| (k.clone(), value_json(&sheet.form.def, k, *v))).collect::<serde_json::Map<_, _>>(),
                    "notes": e.notes,
                    "corrections": jinghai_domain::report::split_corrections(&e.notes).1.into_iter().map(|(k, r)| json!({"indicator": k, "reason": r})).collect::<Vec<_>>(),
                    "submitted_at": e.submitted_at.map(jinghai_domain::time::format_rfc3339),
                    "review_comment": e.review_comment,
                })),
            })
        })
        .collect();
    ok(
        json!({"district": {"id": sheet.district.id, "name": sheet.district.name}, "day": jinghai_domain::report::format_day(sheet.day), "sections": sections, "can_review": sheet.can_review}),
    )
}

#[derive(Deserialize)]
struct DailySaveBody {
    day: String,
    section: String,
    #[serde(default)]
    values: std::collections::BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    notes: String,
    /// Reasons for values that differ from the records' suggestions, by indicator.
    #[serde(default)]
    reasons: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    submit: bool,
}

pub async fn daily_save(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    let b: DailySaveBody = body(auth.lang, &bytes)?;
    let day = crate::pages::daily::day_param("day", Some(&b.day), s.reports.today())
        .map_err(|e| auth.err(e))?;
    let values = b
        .values
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (k, text)
        })
        .collect();
    let input = jinghai_workflow::reports::SectionInput {
        district_id: id,
        day,
        section: b.section,
        values,
        notes: b.notes,
        reasons: b.reasons.into_iter().collect(),
        submit: b.submit,
    };
    let e = s
        .reports
        .save(&auth.ctx, &input)
        .await
        .map_err(|e| auth.err(e))?;
    ok(json!({"id": e.id, "status": e.status}))
}

#[derive(Deserialize)]
struct ReviewBody {
    approve: bool,
    #[serde(default)]
    comment: String,
}

pub async fn daily_review(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    let b: ReviewBody = body(auth.lang, &bytes)?;
    let e = s
        .reports
        .review(&auth.ctx, id, b.approve, &b.comment)
        .await
        .map_err(|e| auth.err(e))?;
    ok(json!({"id": e.id, "status": e.status}))
}

#[derive(Deserialize)]
struct UnlockBody {
    reason: String,
}

pub async fn daily_unlock(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    bytes: Bytes,
) -> ApiResult {
    let b: UnlockBody = body(auth.lang, &bytes)?;
    let e = s
        .reports
        .unlock(&auth.ctx, id, &b.reason)
        .await
        .map_err(|e| auth.err(e))?;
    ok(json!({"id": e.id, "status": e.status}))
}

// --- alerts ---

pub async fn alerts(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<crate::pages::alerts::AlertQuery>,
) -> ApiResult {
    let filter = q.filter(&s.alerts).map_err(|e| auth.err(e))?;
    ok(s.alerts
        .list(&auth.ctx, &filter, q.limit.unwrap_or(500))
        .await
        .map_err(|e| auth.err(e))?)
}
