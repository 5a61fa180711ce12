//! Places and zones: every zone kind of FORMATS.md and the risk points of
//! SPEC.md on a Leaflet map (vendored, offline coastline), drawn and edited
//! with a click-to-add-vertex editor (`assets/places.js`), listed, and
//! imported/exported as GeoJSON. The running engine follows every change.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jinghai_domain::registry::{is_zone_kind, place_kind_names, Place, PointKind, ZONE_KINDS};
use jinghai_domain::time::format_local_minutes;
use jinghai_domain::Lang;
use jinghai_workflow::registry::PlaceInput;
use jinghai_workflow::WorkflowError;
use maud::{html, Markup};
use serde::Deserialize;

use super::vessels::region_options;
use super::{csrf_field, error_box, layout, select};
use crate::auth::{Auth, PathId, SignedForm, SignedUpload};
use crate::error::ApiError;
use crate::i18n::t;
use crate::AppState;

type PageResult = Result<Response, ApiError>;

#[derive(Debug, Default, Deserialize)]
pub struct PlacesQuery {
    pub saved: Option<String>,
    pub imported: Option<String>,
    pub points: Option<String>,
}

fn kind_select(lang: Lang, selected: &str) -> Markup {
    html! {
        select name="kind" {
            optgroup label=(lang.pick("海域与区域（引擎读取）", "Zones (read by the engine)")) {
                @for k in ZONE_KINDS {
                    @let (zh, en) = place_kind_names(k);
                    option value=(k) data-shape=(if k == "boundary" { "line" } else { "polygon" }) selected[k == selected] { (lang.pick(zh, en)) " · " (k) }
                }
            }
            optgroup label=(lang.pick("风险点（一港二企三库等）", "Risk points (ports, companies, depots …)")) {
                @for k in PointKind::ALL {
                    option value=(k.as_str()) data-shape="point" selected[k.as_str() == selected] { (lang.pick(k.zh(), k.en())) }
                }
            }
        }
    }
}

fn applies_options(lang: Lang) -> Vec<(String, String)> {
    vec![
        ("all".into(), lang.pick("全部船舶", "all vessels").into()),
        (
            "international".into(),
            lang.pick("国际航行船舶", "international vessels").into(),
        ),
        (
            "fishing".into(),
            lang.pick("渔船", "fishing vessels").into(),
        ),
    ]
}

/// The map and the editor form (new place, or `editing` one).
async fn editor(
    s: &AppState,
    auth: &Auth,
    typed: &PlaceInput,
    editing: Option<&Place>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let regions = region_options(s, auth).await?;
    let action = editing
        .map(|p| format!("/places/{}", p.id))
        .unwrap_or_else(|| "/places".into());
    let office = matches!(
        auth.ctx.user.role,
        jinghai_domain::Role::TaskForceOffice | jinghai_domain::Role::Admin
    );
    Ok(html! {
        link rel="stylesheet" href="/assets/vendor/leaflet.css";
        div #places-map data-places-url="/api/v1/places" data-editing=[editing.map(|p| p.geometry.clone()).or_else(|| Some(typed.geometry.clone()).filter(|g| !g.is_empty()))] style="height:460px;border:1px solid #c9d3dd;margin-bottom:8px" {}
        @if office {
            p { (lang.pick("在地图上单击添加顶点（风险点单击一次即可），选好类型后保存。多边形至少 3 个不同顶点且不能自相交。", "Click the map to add vertices (one click for a risk point), choose the kind and save. A polygon needs 3 distinct corners and must not cross itself.")) " " span data-testid="draw-status" {} }
            div.errors role="alert" data-testid="draw-error" hidden {}
            form.grid method="post" action=(action) data-testid="place-form" {
                (csrf_field(auth))
                input type="hidden" name="geometry" value=(editing.map(|p| p.geometry.clone()).unwrap_or_else(|| typed.geometry.clone()));
                label { (lang.pick("所属区划", "Region")) (select("region_id", &regions, &typed.region_id.map(|i| i.to_string()).unwrap_or_default(), None)) }
                label { (lang.pick("编号（id）", "Id")) input name="code" value=(typed.code) size="12"; }
                label { (lang.pick("名称", "Name")) input name="name" value=(typed.name); }
                label { (lang.pick("类型", "Kind")) (kind_select(lang, &typed.kind)) }
                label { (lang.pick("适用船舶（限制区域、界线）", "Applies to (restricted, boundary)")) (select("applies_to", &applies_options(lang), &typed.applies_to, Some("—"))) }
                label.wide { (lang.pick("备注", "Notes")) textarea name="notes" rows="1" { (typed.notes) } }
                button type="button" data-testid="draw-undo" { (lang.pick("撤销顶点", "Undo vertex")) }
                button type="button" data-testid="draw-clear" { (lang.pick("清除", "Clear")) }
                button type="submit" data-testid="place-save" { (t(lang, "common.save")) }
            }
        }
        script src="/assets/vendor/leaflet.js" {}
        script src="/assets/places.js" {}
    })
}

pub async fn list(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<PlacesQuery>,
) -> PageResult {
    Ok(
        list_page(&s, &auth, &q, None, &PlaceInput::default(), false)
            .await?
            .into_response(),
    )
}

async fn list_page(
    s: &AppState,
    auth: &Auth,
    q: &PlacesQuery,
    err: Option<&WorkflowError>,
    typed: &PlaceInput,
    import_failed: bool,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let places = s
        .registries
        .places(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?;
    let regions = region_options(s, auth).await?;
    let region_name = |id: i64| {
        regions
            .iter()
            .find(|(k, _)| *k == id.to_string())
            .map(|(_, n)| n.trim_start_matches('　').to_string())
            .unwrap_or_default()
    };
    let office = matches!(
        auth.ctx.user.role,
        jinghai_domain::Role::TaskForceOffice | jinghai_domain::Role::Admin
    );
    let map = editor(s, auth, typed, None).await?;
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.places"),
        "nav.places",
        html! {
            h1 { (t(lang, "nav.places")) }
            @if q.saved.is_some() { div.saved role="status" data-testid="saved" { (t(lang, "common.saved")) } }
            @if let Some(n) = &q.imported { div.saved role="status" data-testid="imported" { (lang.pick("已导入：", "Imported: ")) (n) } }
            (error_box(lang, err))
            (map)
            p {
                a href="/places/export.geojson" data-testid="export-zones" { (lang.pick("导出区域 GeoJSON（FORMATS.md，引擎可读）", "Export zones as GeoJSON (FORMATS.md, engine-readable)")) }
                " · " a href="/places/export.geojson?points=1" { (lang.pick("含风险点导出", "Export with risk points")) }
            }
            @if office {
                details.panel open[import_failed] {
                    summary { (lang.pick("导入 GeoJSON", "Import GeoJSON")) }
                    form.grid method="post" action="/places/files" enctype="multipart/form-data" data-testid="places-import-form" {
                        (csrf_field(auth))
                        label { (lang.pick("导入到区划", "Into region")) (select("region_id", &regions, &typed.region_id.map(|i| i.to_string()).unwrap_or_default(), None)) }
                        label { (lang.pick("GeoJSON 文件", "GeoJSON file")) input type="file" name="file" accept=".geojson,.json,application/geo+json"; }
                        label.wide { (lang.pick("或粘贴 GeoJSON", "or paste the GeoJSON")) textarea name="text" rows="3" {} }
                        button type="submit" { (lang.pick("导入", "Import")) }
                    }
                }
            }
            table data-testid="places" {
                tr { th { (lang.pick("编号", "Id")) } th { (lang.pick("名称", "Name")) } th { (lang.pick("类型", "Kind")) } th { (lang.pick("区划", "Region")) } th { (lang.pick("位置", "Position")) } th { (lang.pick("更新", "Updated")) } }
                @for p in &places {
                    @let (zh, en) = place_kind_names(&p.kind);
                    tr data-place=(p.code) {
                        td { a href=(format!("/places/{}", p.id)) { (p.code) } }
                        td { a href=(format!("/places/{}", p.id)) { (p.name) } }
                        td { (lang.pick(zh, en)) @if !is_zone_kind(&p.kind) { " · " (lang.pick("风险点", "risk point")) } }
                        td { (region_name(p.region_id)) }
                        td { (format!("{:.5}, {:.5}", p.lat, p.lon)) }
                        td { (format_local_minutes(p.updated_at)) }
                    }
                }
            }
        },
    ))
}

fn place_input(form: &SignedForm) -> Result<PlaceInput, ApiError> {
    Ok(PlaceInput {
        region_id: form.id("region_id")?,
        code: form.get("code").into(),
        name: form.get("name").into(),
        kind: form.get("kind").into(),
        applies_to: form.get("applies_to").into(),
        geometry: form.get("geometry").into(),
        notes: form.get("notes").into(),
    })
}

pub async fn create(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = place_input(&form)?;
    let result = s.registries.create_place(&auth.ctx, &input).await;
    super::form_outcome(auth, result, |p| format!("/places/{}?saved=1", p.id), |e| async move {
        list_page(&s, auth, &PlacesQuery::default(), Some(&e), &input, false).await
    })
    .await
}

pub async fn import(State(s): State<AppState>, form: SignedUpload) -> PageResult {
    let auth = &form.auth;
    let region_id = form.get("region_id").trim().parse::<i64>().ok();
    let text = match &form.file {
        Some((_, bytes)) => String::from_utf8_lossy(bytes).into_owned(),
        None => form.get("text").to_string(),
    };
    let result = s
        .registries
        .import_places(&auth.ctx, region_id, &text)
        .await;
    let typed = PlaceInput {
        region_id,
        ..PlaceInput::default()
    };
    super::form_outcome(
        auth,
        result,
        |c| format!("/places?imported={}%2B{}", c.created, c.updated),
        |e| async move { list_page(&s, auth, &PlacesQuery::default(), Some(&e), &typed, true).await },
    )
    .await
}

pub async fn export(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<PlacesQuery>,
) -> PageResult {
    let text = s
        .registries
        .export_places(&auth.ctx, q.points.is_some())
        .await
        .map_err(|e| auth.err(e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/geo+json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"zones.geojson\"",
            ),
        ],
        text,
    )
        .into_response())
}

pub async fn detail(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    Query(q): Query<PlacesQuery>,
) -> PageResult {
    Ok(detail_page(&s, &auth, id, q.saved.is_some(), None, None)
        .await?
        .into_response())
}

async fn detail_page(
    s: &AppState,
    auth: &Auth,
    id: i64,
    saved: bool,
    err: Option<&WorkflowError>,
    typed: Option<&PlaceInput>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let p = s
        .registries
        .place(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let current = PlaceInput {
        region_id: Some(p.region_id),
        code: p.code.clone(),
        name: p.name.clone(),
        kind: p.kind.clone(),
        applies_to: p.applies_to.clone().unwrap_or_default(),
        geometry: p.geometry.clone(),
        notes: p.notes.clone(),
    };
    let (zh, en) = place_kind_names(&p.kind);
    let map = editor(s, auth, typed.unwrap_or(&current), Some(&p)).await?;
    let office = matches!(
        auth.ctx.user.role,
        jinghai_domain::Role::TaskForceOffice | jinghai_domain::Role::Admin
    );
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.places"),
        "nav.places",
        html! {
            p { a href="/places" { "← " (t(lang, "nav.places")) } }
            h1 { (p.name) " · " (p.code) " · " (lang.pick(zh, en)) }
            @if saved { div.saved role="status" data-testid="saved" { (t(lang, "common.saved")) } }
            (error_box(lang, err))
            (map)
            @if office {
                form.inline method="post" action=(format!("/places/{}/delete", p.id)) data-confirm=(t(lang, "common.confirm_delete")) {
                    (csrf_field(auth))
                    button.danger type="submit" data-testid="place-delete" { (t(lang, "common.delete")) }
                }
            }
        },
    ))
}

pub async fn update(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = place_input(&form)?;
    let result = s.registries.update_place(&auth.ctx, id, &input).await;
    super::form_outcome(
        auth,
        result,
        |p| format!("/places/{}?saved=1", p.id),
        |e| async move { detail_page(&s, auth, id, false, Some(&e), Some(&input)).await },
    )
    .await
}

pub async fn delete(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let result = s.registries.delete_place(&auth.ctx, id).await;
    super::form_outcome(
        auth,
        result,
        |_| "/places?saved=1".into(),
        |e| async move { detail_page(&s, auth, id, false, Some(&e), None).await },
    )
    .await
}
