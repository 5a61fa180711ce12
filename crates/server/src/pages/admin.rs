//! Administration pages: regions, units, users, task force, audit log.
//!
//! Each form posts to its own route; on success the browser is redirected
//! back to the list (`?saved=1`), on invalid input the page is rendered again
//! with the errors and what was typed (status 400).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jinghai_domain::time::format_local_minutes;
use jinghai_domain::{Agency, AuditAction, Lang, Region, RegionLevel, Role, Unit};
use jinghai_workflow::admin::{RegionInput, UnitInput, UserInput};
use jinghai_workflow::WorkflowError;
use maud::{html, Markup};
use serde::Deserialize;

use super::{csrf_field, error_box, layout, select};
use crate::api::AuditQuery;
use crate::auth::{Auth, PathId, SignedForm};
use crate::error::ApiError;
use crate::i18n::t;
use crate::AppState;

type PageResult = Result<Response, ApiError>;

#[derive(Debug, Default, Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

fn saved_notice(lang: Lang, q: &Saved) -> Markup {
    html! { @if q.saved.is_some() { div.saved role="status" data-testid="saved" { (t(lang, "common.saved")) } } }
}

fn level_name(lang: Lang, l: RegionLevel) -> &'static str {
    lang.pick(l.zh(), l.as_str())
}

fn agency_name(lang: Lang, a: Agency) -> &'static str {
    lang.pick(a.zh(), a.en())
}

fn region_options(regions: &[Region]) -> Vec<(String, String)> {
    regions
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                format!("{}{} {}", "　".repeat(r.level as usize), r.name, r.code),
            )
        })
        .collect()
}

fn unit_options(units: &[Unit]) -> Vec<(String, String)> {
    units
        .iter()
        .map(|u| (u.id.to_string(), u.name.clone()))
        .collect()
}

// --- regions ---

pub async fn regions(State(s): State<AppState>, auth: Auth, Query(q): Query<Saved>) -> PageResult {
    Ok(regions_page(&s, &auth, &q, None, &Default::default())
        .await?
        .into_response())
}

async fn regions_page(
    s: &AppState,
    auth: &Auth,
    q: &Saved,
    err: Option<&WorkflowError>,
    typed: &RegionInput,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let regions = s.admin.regions(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let is_admin = auth.ctx.user.role.can_administer();
    let name_of = |id: Option<i64>| {
        id.and_then(|id| regions.iter().find(|r| r.id == id))
            .map(|r| r.name.clone())
            .unwrap_or_default()
    };
    let levels: Vec<(String, String)> = RegionLevel::ALL
        .iter()
        .map(|l| (l.as_str().to_string(), level_name(lang, *l).to_string()))
        .collect();
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.regions"),
        "nav.regions",
        html! {
            h1 { (t(lang, "nav.regions")) }
            (saved_notice(lang, q))
            (error_box(lang, err))
            @if is_admin {
                details.panel open[err.is_some()] {
                    summary { (t(lang, "region.new")) }
                    form.grid method="post" action="/admin/regions" data-testid="region-form" {
                        (csrf_field(auth))
                        label { (t(lang, "region.parent")) (select("parent_id", &region_options(&regions), &typed.parent_id.map(|i| i.to_string()).unwrap_or_default(), None)) }
                        label { (t(lang, "region.level")) (select("level", &levels, &typed.level, None)) }
                        label { (t(lang, "region.code")) input name="code" value=(typed.code) placeholder="330206010"; }
                        label { (t(lang, "common.name")) input name="name" value=(typed.name); }
                        button type="submit" { (t(lang, "common.create")) }
                    }
                }
            }
            table data-testid="regions" {
                thead { tr { th { (t(lang, "region.code")) } th { (t(lang, "common.name")) } th { (t(lang, "region.level")) } th { (t(lang, "region.parent")) } @if is_admin { th { (t(lang, "common.actions")) } } } }
                tbody {
                    @for r in &regions {
                        tr {
                            td { code { (r.code) } }
                            td.indent style=(format!("padding-left:{}em", r.level as usize)) { (r.name) }
                            td { (level_name(lang, r.level)) }
                            td { (name_of(r.parent_id)) }
                            @if is_admin {
                                td.actions {
                                    form.inline method="post" action=(format!("/admin/regions/{}", r.id)) {
                                        (csrf_field(auth))
                                        input name="name" value=(r.name) size="10";
                                        button type="submit" { (t(lang, "common.save")) }
                                    }
                                    form.inline method="post" action=(format!("/admin/regions/{}/delete", r.id)) data-confirm=(t(lang, "common.confirm_delete")) {
                                        (csrf_field(auth))
                                        button.danger type="submit" { (t(lang, "common.delete")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

pub async fn create_region(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = RegionInput {
        code: form.get("code").into(),
        name: form.get("name").into(),
        level: form.get("level").into(),
        parent_id: form.id("parent_id")?,
    };
    let result = s.admin.create_region(&auth.ctx, &input).await;
    rerender_regions(&s, auth, result, &input).await
}

pub async fn rename_region(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let result = s.admin.rename_region(&auth.ctx, id, form.get("name")).await;
    rerender_regions(&s, auth, result, &Default::default()).await
}

pub async fn delete_region(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let result = s.admin.delete_region(&auth.ctx, id).await;
    rerender_regions(&s, auth, result, &Default::default()).await
}

async fn rerender_regions<T>(
    s: &AppState,
    auth: &Auth,
    result: Result<T, WorkflowError>,
    typed: &RegionInput,
) -> PageResult {
    super::form_outcome(
        auth,
        result,
        |_| "/admin/regions?saved=1".into(),
        |e| async move { regions_page(s, auth, &Saved::default(), Some(&e), typed).await },
    )
    .await
}

// --- units ---

pub async fn units(State(s): State<AppState>, auth: Auth, Query(q): Query<Saved>) -> PageResult {
    Ok(units_page(&s, &auth, &q, None, &Default::default())
        .await?
        .into_response())
}

async fn units_page(
    s: &AppState,
    auth: &Auth,
    q: &Saved,
    err: Option<&WorkflowError>,
    typed: &UnitInput,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let units = s.admin.units(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let regions = s.admin.regions(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let is_admin = auth.ctx.user.role.can_administer();
    let agencies: Vec<(String, String)> = Agency::ALL
        .iter()
        .map(|a| (a.as_str().to_string(), agency_name(lang, *a).to_string()))
        .collect();
    let region_name = |id: i64| {
        regions
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.name.clone())
            .unwrap_or_default()
    };
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.units"),
        "nav.units",
        html! {
            h1 { (t(lang, "nav.units")) }
            (saved_notice(lang, q))
            (error_box(lang, err))
            @if is_admin {
                details.panel open[err.is_some()] {
                    summary { (t(lang, "unit.new")) }
                    form.grid method="post" action="/admin/units" data-testid="unit-form" {
                        (csrf_field(auth))
                        label { (t(lang, "common.name")) input name="name" value=(typed.name); }
                        label { (t(lang, "unit.agency")) (select("agency", &agencies, &typed.agency, None)) }
                        label { (t(lang, "unit.region")) (select("region_id", &region_options(&regions), &typed.region_id.map(|i| i.to_string()).unwrap_or_default(), None)) }
                        button type="submit" { (t(lang, "common.create")) }
                    }
                }
            }
            table data-testid="units" {
                thead { tr { th { (t(lang, "common.name")) } th { (t(lang, "unit.agency")) } th { (t(lang, "unit.region")) } @if is_admin { th { (t(lang, "common.actions")) } } } }
                tbody {
                    @for u in &units {
                        tr {
                            td { (u.name) }
                            td { (agency_name(lang, u.agency)) }
                            td { (region_name(u.region_id)) }
                            @if is_admin {
                                td.actions {
                                    form.inline method="post" action=(format!("/admin/units/{}", u.id)) {
                                        (csrf_field(auth))
                                        input name="name" value=(u.name) size="14";
                                        (select("agency", &agencies, u.agency.as_str(), None))
                                        button type="submit" { (t(lang, "common.save")) }
                                    }
                                    form.inline method="post" action=(format!("/admin/units/{}/delete", u.id)) data-confirm=(t(lang, "common.confirm_delete")) {
                                        (csrf_field(auth))
                                        button.danger type="submit" { (t(lang, "common.delete")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

pub async fn create_unit(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = UnitInput {
        name: form.get("name").into(),
        agency: form.get("agency").into(),
        region_id: form.id("region_id")?,
        parent_unit_id: form.id("parent_unit_id")?,
    };
    let result = s.admin.create_unit(&auth.ctx, &input).await;
    rerender_units(&s, auth, result, &input).await
}

pub async fn update_unit(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let result = s
        .admin
        .update_unit(&auth.ctx, id, form.get("name"), form.get("agency"))
        .await;
    rerender_units(&s, auth, result, &Default::default()).await
}

pub async fn delete_unit(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let result = s.admin.delete_unit(&auth.ctx, id).await;
    rerender_units(&s, auth, result, &Default::default()).await
}

async fn rerender_units<T>(
    s: &AppState,
    auth: &Auth,
    result: Result<T, WorkflowError>,
    typed: &UnitInput,
) -> PageResult {
    super::form_outcome(
        auth,
        result,
        |_| "/admin/units?saved=1".into(),
        |e| async move { units_page(s, auth, &Saved::default(), Some(&e), typed).await },
    )
    .await
}

// --- users ---

fn role_options(lang: Lang) -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                lang.pick(r.zh(), r.en()).to_string(),
            )
        })
        .collect()
}

pub async fn users(State(s): State<AppState>, auth: Auth, Query(q): Query<Saved>) -> PageResult {
    Ok(users_page(
        &s,
        &auth,
        &q,
        None,
        &UserInput {
            active: true,
            ..Default::default()
        },
    )
    .await?
    .into_response())
}

async fn users_page(
    s: &AppState,
    auth: &Auth,
    q: &Saved,
    err: Option<&WorkflowError>,
    typed: &UserInput,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    if !auth.ctx.user.role.can_administer() {
        return Err(auth.err(WorkflowError::forbidden(
            "只有系统管理员可以管理用户",
            "only administrators manage users",
        )));
    }
    let users = s.admin.users(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let regions = s.admin.regions(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let units = s.admin.units(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let region_name = |id: i64| {
        regions
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.name.clone())
            .unwrap_or_default()
    };
    let unit_name = |id: Option<i64>| {
        id.and_then(|id| units.iter().find(|u| u.id == id))
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.users"),
        "nav.users",
        html! {
            h1 { (t(lang, "nav.users")) }
            (saved_notice(lang, q))
            (error_box(lang, err))
            details.panel open[err.is_some()] {
                summary { (t(lang, "user.new")) }
                form.grid method="post" action="/admin/users" data-testid="user-form" {
                    (csrf_field(auth))
                    label { (t(lang, "user.username")) input name="username" value=(typed.username) autocomplete="off"; }
                    label { (t(lang, "user.display_name")) input name="display_name" value=(typed.display_name); }
                    label { (t(lang, "user.password")) input name="password" type="password" autocomplete="new-password"; }
                    label { (t(lang, "user.role")) (select("role", &role_options(lang), &typed.role, None)) }
                    label { (t(lang, "user.region")) (select("region_id", &region_options(&regions), &typed.region_id.map(|i| i.to_string()).unwrap_or_default(), None)) }
                    label { (t(lang, "user.unit")) (select("unit_id", &unit_options(&units), &typed.unit_id.map(|i| i.to_string()).unwrap_or_default(), Some(t(lang, "common.none")))) }
                    button type="submit" { (t(lang, "common.create")) }
                }
            }
            table data-testid="users" {
                thead { tr { th { (t(lang, "user.username")) } th { (t(lang, "user.display_name")) } th { (t(lang, "user.role")) } th { (t(lang, "user.region")) } th { (t(lang, "user.unit")) } th { (t(lang, "user.active")) } th {} } }
                tbody {
                    @for u in &users {
                        tr {
                            td { code { (u.username) } }
                            td { (u.display_name) }
                            td { (lang.pick(u.role.zh(), u.role.en())) }
                            td { (region_name(u.region_id)) }
                            td { (unit_name(u.unit_id)) }
                            td { (if u.active { t(lang, "common.yes") } else { t(lang, "common.no") }) }
                            td { a href=(format!("/admin/users/{}", u.id)) { (t(lang, "common.edit")) } }
                        }
                    }
                }
            }
        },
    ))
}

pub async fn create_user(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = UserInput {
        username: form.get("username").into(),
        display_name: form.get("display_name").into(),
        password: form.get("password").into(),
        role: form.get("role").into(),
        region_id: form.id("region_id")?,
        unit_id: form.id("unit_id")?,
        active: true,
    };
    let result = s.admin.create_user(&auth.ctx, &input).await;
    let typed = UserInput {
        password: String::new(),
        ..input
    };
    super::form_outcome(
        auth,
        result,
        |_| "/admin/users?saved=1".into(),
        |e| async move { users_page(&s, auth, &Saved::default(), Some(&e), &typed).await },
    )
    .await
}

pub async fn user_page(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    Query(q): Query<Saved>,
) -> PageResult {
    Ok(user_edit_page(&s, &auth, id, &q, None)
        .await?
        .into_response())
}

async fn user_edit_page(
    s: &AppState,
    auth: &Auth,
    id: i64,
    q: &Saved,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let user = s.admin.user(&auth.ctx, id).await.map_err(|e| auth.err(e))?;
    if !auth.ctx.user.role.can_administer() && user.id != auth.ctx.user.id {
        return Err(auth.err(WorkflowError::forbidden(
            "只有系统管理员可以管理用户",
            "only administrators manage users",
        )));
    }
    let regions = s.admin.regions(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let units = s.admin.units(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let is_admin = auth.ctx.user.role.can_administer();
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.users"),
        "nav.users",
        html! {
            h1 { (user.display_name) " (" (user.username) ")" }
            (saved_notice(lang, q))
            (error_box(lang, err))
            @if is_admin {
                form.grid method="post" action=(format!("/admin/users/{}", user.id)) data-testid="user-edit" {
                    (csrf_field(auth))
                    label { (t(lang, "user.display_name")) input name="display_name" value=(user.display_name); }
                    label { (t(lang, "user.role")) (select("role", &role_options(lang), user.role.as_str(), None)) }
                    label { (t(lang, "user.region")) (select("region_id", &region_options(&regions), &user.region_id.to_string(), None)) }
                    label { (t(lang, "user.unit")) (select("unit_id", &unit_options(&units), &user.unit_id.map(|i| i.to_string()).unwrap_or_default(), Some(t(lang, "common.none")))) }
                    label.check { input type="checkbox" name="active" checked[user.active]; (t(lang, "user.active")) }
                    button type="submit" { (t(lang, "common.save")) }
                }
            }
            h2 { (t(lang, "user.reset_password")) }
            form.grid method="post" action=(format!("/admin/users/{}/password", user.id)) {
                (csrf_field(auth))
                label { (t(lang, "user.new_password")) input name="password" type="password" autocomplete="new-password"; }
                button type="submit" { (t(lang, "common.save")) }
            }
        },
    ))
}

pub async fn update_user(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let input = UserInput {
        display_name: form.get("display_name").into(),
        role: form.get("role").into(),
        region_id: form.id("region_id")?,
        unit_id: form.id("unit_id")?,
        active: form.checked("active"),
        ..Default::default()
    };
    let result = s.admin.update_user(&auth.ctx, id, &input).await;
    rerender_user(&s, auth, id, result).await
}

pub async fn set_password(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let result = s
        .admin
        .set_password(&auth.ctx, id, form.get("password"))
        .await;
    rerender_user(&s, auth, id, result).await
}

async fn rerender_user<T>(
    s: &AppState,
    auth: &Auth,
    id: i64,
    result: Result<T, WorkflowError>,
) -> PageResult {
    super::form_outcome(
        auth,
        result,
        |_| format!("/admin/users/{id}?saved=1"),
        |e| async move { user_edit_page(s, auth, id, &Saved::default(), Some(&e)).await },
    )
    .await
}

// --- task force ---

#[derive(Debug, Default, Deserialize)]
pub struct DistrictQuery {
    district: Option<String>,
    saved: Option<String>,
}

pub async fn task_force(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<DistrictQuery>,
) -> PageResult {
    Ok(task_force_page(&s, &auth, &q, None).await?.into_response())
}

async fn task_force_page(
    s: &AppState,
    auth: &Auth,
    q: &DistrictQuery,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let regions = s.admin.regions(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let districts: Vec<&Region> = regions
        .iter()
        .filter(|r| r.level == RegionLevel::District)
        .collect();
    let chosen = q
        .district
        .as_deref()
        .and_then(|d| d.parse::<i64>().ok())
        .or_else(|| districts.first().map(|d| d.id));
    let units = s.admin.units(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let groups = match chosen {
        Some(id) => s
            .admin
            .task_force(&auth.ctx, id)
            .await
            .map_err(|e| auth.err(e))?,
        None => vec![],
    };
    let is_admin = auth.ctx.user.role.can_administer();
    let district_options: Vec<(String, String)> = districts
        .iter()
        .map(|d| (d.id.to_string(), d.name.clone()))
        .collect();
    let unit_name = |id: Option<i64>| {
        id.and_then(|id| units.iter().find(|u| u.id == id))
            .map(|u| u.name.clone())
            .unwrap_or_else(|| t(lang, "common.none").to_string())
    };
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.taskforce"),
        "nav.taskforce",
        html! {
            h1 { (t(lang, "nav.taskforce")) }
            (saved_notice(lang, &Saved { saved: q.saved.clone() }))
            (error_box(lang, err))
            @if districts.len() > 1 {
                form.inline method="get" action="/admin/task-force" {
                    label { (t(lang, "tf.district")) (select("district", &district_options, &chosen.map(|i| i.to_string()).unwrap_or_default(), None)) }
                    button type="submit" { (t(lang, "common.filter")) }
                }
            }
            table data-testid="task-force" {
                thead { tr { th { (t(lang, "tf.group")) } th { (t(lang, "tf.lead")) } } }
                tbody {
                    @for g in &groups {
                        tr {
                            td { (lang.pick(g.group.zh(), g.group.en())) }
                            td {
                                @if is_admin {
                                    form.inline method="post" action=(format!("/admin/task-force/{}", g.district_region_id)) {
                                        (csrf_field(auth))
                                        input type="hidden" name="group" value=(g.group.as_str());
                                        (select("unit_id", &unit_options(&units), &g.lead_unit_id.map(|i| i.to_string()).unwrap_or_default(), Some(t(lang, "common.none"))))
                                        button type="submit" { (t(lang, "common.save")) }
                                    }
                                } @else {
                                    (unit_name(g.lead_unit_id))
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

pub async fn set_group_lead(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let result = s
        .admin
        .set_group_lead(&auth.ctx, id, form.get("group"), form.id("unit_id")?)
        .await;
    let q = DistrictQuery {
        district: Some(id.to_string()),
        saved: None,
    };
    super::form_outcome(
        auth,
        result,
        |_| format!("/admin/task-force?district={id}&saved=1"),
        |e| async move { task_force_page(&s, auth, &q, Some(&e)).await },
    )
    .await
}

// --- audit ---

pub async fn audit(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let lang = auth.lang;
    let (entries, err) = match q.filter() {
        Ok(f) => (
            s.admin
                .audit(&auth.ctx, &f)
                .await
                .map_err(|e| auth.err(e))?,
            None,
        ),
        Err(e) => (vec![], Some(e)),
    };
    let entities: Vec<(String, String)> = [
        ("region", "行政区划", "Region"),
        ("unit", "单位", "Unit"),
        ("user", "用户", "User"),
        ("task_force_group", "专班工作组", "Task-force group"),
        ("session", "登录会话", "Session"),
    ]
    .iter()
    .map(|(k, zh, en)| (k.to_string(), lang.pick(zh, en).to_string()))
    .collect();
    let actions: Vec<(String, String)> = AuditAction::ALL
        .iter()
        .map(|a| {
            (
                a.as_str().to_string(),
                lang.pick(a.zh(), a.as_str()).to_string(),
            )
        })
        .collect();
    let entity_label = |e: &str| {
        entities
            .iter()
            .find(|(k, _)| k == e)
            .map(|(_, l)| l.clone())
            .unwrap_or_else(|| e.to_string())
    };
    let page = layout(
        lang,
        Some(&auth),
        t(lang, "nav.audit"),
        "nav.audit",
        html! {
            h1 { (t(lang, "nav.audit")) }
            (error_box(lang, err.as_ref()))
            form.filters method="get" action="/admin/audit" data-testid="audit-filter" {
                label { (t(lang, "audit.entity")) (select("entity", &entities, q.entity.as_deref().unwrap_or(""), Some(t(lang, "common.all")))) }
                label { (t(lang, "audit.action")) (select("action", &actions, q.action.as_deref().unwrap_or(""), Some(t(lang, "common.all")))) }
                label { (t(lang, "audit.actor")) input name="actor" value=(q.actor.clone().unwrap_or_default()); }
                label { (t(lang, "audit.from")) input type="date" name="from" value=(q.from.clone().unwrap_or_default()); }
                label { (t(lang, "audit.to")) input type="date" name="to" value=(q.to.clone().unwrap_or_default()); }
                button type="submit" { (t(lang, "common.filter")) }
            }
            table.audit data-testid="audit" {
                thead { tr { th { (t(lang, "audit.at")) } th { (t(lang, "audit.actor")) } th { (t(lang, "audit.action")) } th { (t(lang, "audit.entity")) } th { (t(lang, "audit.before")) } th { (t(lang, "audit.after")) } } }
                tbody {
                    @for e in &entries {
                        tr data-entity=(e.entity) data-action=(e.action.as_str()) {
                            td { (format_local_minutes(e.at)) }
                            td { (e.actor_name) }
                            td { (lang.pick(e.action.zh(), e.action.as_str())) }
                            td { (entity_label(&e.entity)) @if let Some(id) = e.entity_id { " #" (id) } }
                            td { @if let Some(b) = &e.before { pre.json { (pretty(b)) } } }
                            td { @if let Some(a) = &e.after { pre.json { (pretty(a)) } } }
                        }
                    }
                }
            }
        },
    );
    let status = if err.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, page).into_response())
}

/// Pretty-prints a JSON snapshot for reading; shows it as-is if it is not JSON.
fn pretty(s: &str) -> String {
    serde_json::from_str::<serde_json::Value>(s)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| s.to_string())
}
