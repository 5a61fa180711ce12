//! The vessel registry pages: the list with search and filters, CSV import
//! (every bad line listed, nothing half-imported) and export, each vessel's
//! record with photos and its edit form, the printable vessel code (船舶专属码)
//! and the page its QR code opens: the check page for a signed-in officer,
//! the captain's port-report form for anyone holding the vessel's token.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jinghai_domain::registry::{
    vessel_kind_names, OwnerKind, StatelessStatus, Vessel, VESSEL_KINDS,
};
use jinghai_domain::time::format_local_minutes;
use jinghai_domain::Lang;
use jinghai_store::VesselFilter;
use jinghai_workflow::registry::{ReportInput, VesselInput};
use jinghai_workflow::WorkflowError;
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;

use super::port_reports::{report_fields, report_input};
use super::{csrf_field, error_box, layout, select};
use crate::auth::{Auth, ClientAddr, PathId, SignedForm, SignedUpload, UiLang};
use crate::error::{ApiError, Flavor};
use crate::i18n::t;
use crate::AppState;

type PageResult = Result<Response, ApiError>;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub stateless: Option<String>,
    pub saved: Option<String>,
    pub imported: Option<usize>,
}

pub fn kind_options(lang: Lang) -> Vec<(String, String)> {
    VESSEL_KINDS
        .iter()
        .map(|k| {
            let (zh, en) = vessel_kind_names(k);
            (k.to_string(), lang.pick(zh, en).to_string())
        })
        .collect()
}

fn stateless_options(lang: Lang) -> Vec<(String, String)> {
    StatelessStatus::ALL
        .iter()
        .map(|s| (s.as_str().into(), lang.pick(s.zh(), s.en()).into()))
        .collect()
}

pub async fn region_options(s: &AppState, auth: &Auth) -> Result<Vec<(String, String)>, ApiError> {
    Ok(s.admin
        .regions(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                format!("{}{}", "　".repeat(r.level as usize), r.name),
            )
        })
        .collect())
}

pub fn filter_of(q: &ListQuery) -> VesselFilter {
    VesselFilter {
        text: q.q.clone().filter(|t| !t.trim().is_empty()),
        kind: q.kind.clone().filter(|k| !k.is_empty()),
        stateless: q.stateless.as_deref().and_then(StatelessStatus::parse),
        limit: 2000,
    }
}

fn stateless_badge(lang: Lang, v: &Vessel) -> Markup {
    html! {
        span.status data-stateless=(v.stateless.as_str()) class=(if v.stateless == StatelessStatus::Normal { "" } else { "late" }) {
            (lang.pick(v.stateless.zh(), v.stateless.en()))
        }
    }
}

fn vessel_form(
    lang: Lang,
    auth: &Auth,
    action: &str,
    typed: &VesselInput,
    regions: &[(String, String)],
    testid: &str,
) -> Markup {
    let owner_kinds: Vec<(String, String)> = OwnerKind::ALL
        .iter()
        .map(|k| (k.as_str().into(), lang.pick(k.zh(), k.en()).into()))
        .collect();
    html! {
        form.grid method="post" action=(action) data-testid=(testid) {
            (csrf_field(auth))
            label { (lang.pick("所属区划", "Region")) (select("region_id", regions, &typed.region_id.map(|i| i.to_string()).unwrap_or_default(), None)) }
            label { "MMSI" input name="mmsi" value=(typed.mmsi) size="10" inputmode="numeric"; }
            label { (lang.pick("船名", "Name")) input name="name" value=(typed.name); }
            label { (lang.pick("类型", "Kind")) (select("kind", &kind_options(lang), &typed.kind, None)) }
            label { (lang.pick("船旗", "Flag")) input name="flag" value=(if typed.flag.is_empty() { "CN" } else { &typed.flag }) size="3"; }
            label.check { input type="checkbox" name="international" checked[typed.international]; (lang.pick("国际航行", "International voyage")) }
            label { (lang.pick("船籍港", "Home port")) input name="home_port" value=(typed.home_port); }
            label { (lang.pick("船舶登记号", "Registry no.")) input name="registry_no" value=(typed.registry_no); }
            label { (lang.pick("“三无”状态", "Stateless (三无) status")) (select("stateless", &stateless_options(lang), &typed.stateless, Some(lang.pick("（按船名与登记号判断）", "(from name and registry no.)")))) }
            label { (lang.pick("船东类型", "Owner kind")) (select("owner_kind", &owner_kinds, &typed.owner_kind, None)) }
            label { (lang.pick("船东（企业或个人）", "Owner (enterprise or person)")) input name="owner_name" value=(typed.owner_name); }
            label { (lang.pick("联系人", "Contact")) input name="owner_contact" value=(typed.owner_contact); }
            label { (lang.pick("联系电话", "Phone")) input name="owner_phone" value=(typed.owner_phone); }
            label.wide { (lang.pick("备注", "Notes")) textarea name="notes" rows="2" { (typed.notes) } }
            button type="submit" { (t(lang, "common.save")) }
        }
    }
}

pub async fn list(State(s): State<AppState>, auth: Auth, Query(q): Query<ListQuery>) -> PageResult {
    Ok(
        list_page(&s, &auth, &q, None, &VesselInput::default(), None)
            .await?
            .into_response(),
    )
}

/// Which form an error belongs to, so it opens again with what was typed.
#[derive(Clone, Copy, PartialEq)]
enum Failed {
    Create,
    Import,
}

async fn list_page(
    s: &AppState,
    auth: &Auth,
    q: &ListQuery,
    err: Option<&WorkflowError>,
    typed: &VesselInput,
    failed: Option<Failed>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let vessels = s
        .registries
        .vessels(&auth.ctx, &filter_of(q))
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
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.vessels"),
        "nav.vessels",
        html! {
            h1 { (t(lang, "nav.vessels")) }
            @if q.saved.is_some() { div.saved role="status" data-testid="saved" { (t(lang, "common.saved")) } }
            @if let Some(n) = q.imported { div.saved role="status" data-testid="imported" { (lang.pick("已导入船舶：", "Vessels imported: ")) (n) } }
            @if failed == Some(Failed::Import) && matches!(err, Some(WorkflowError::Invalid(_))) {
                p.late data-testid="import-nothing" { (lang.pick("未导入任何船舶：请改正以下各行后重新导入整个文件。", "Nothing was imported: correct the lines below and import the whole file again.")) }
            }
            (error_box(lang, err))
            p { a href="/vessels/export.csv" data-testid="export-csv" { (lang.pick("导出 CSV（可再导入）", "Export CSV (re-importable)")) } " · " a href="/port-reports" { (t(lang, "nav.port_reports")) } }
            @if auth.ctx.user.role.can_write() {
                details.panel open[failed == Some(Failed::Create)] {
                    summary { (lang.pick("登记船舶", "Register a vessel")) }
                    (vessel_form(lang, auth, "/vessels", typed, &regions, "vessel-form"))
                }
                details.panel open[failed == Some(Failed::Import)] data-testid="import-panel" {
                    summary { (lang.pick("导入船舶档案 CSV", "Import a registry CSV")) }
                    p { (lang.pick("列：", "Columns: ")) code { "mmsi,name,kind,flag,international,home_port,owner_kind,owner_name,registry_no" } " " (lang.pick("（UTF-8，首行为表头；有任何错误行则整个文件不导入）", "(UTF-8 with a header row; a file with any bad line imports nothing)")) }
                    form.grid method="post" action="/vessels/files" enctype="multipart/form-data" data-testid="import-form" {
                        (csrf_field(auth))
                        label { (lang.pick("导入到区划", "Into region")) (select("region_id", &regions, &typed.region_id.map(|i| i.to_string()).unwrap_or_default(), None)) }
                        label { (lang.pick("CSV 文件", "CSV file")) input type="file" name="file" accept=".csv,text/csv"; }
                        label.wide { (lang.pick("或粘贴 CSV 内容", "or paste the CSV")) textarea name="csv" rows="4" {} }
                        button type="submit" { (lang.pick("导入", "Import")) }
                    }
                }
            }
            form.filters method="get" action="/vessels" {
                label { (lang.pick("船名 / MMSI / 登记号 / 船东", "Name / MMSI / registry no. / owner")) input name="q" value=(q.q.clone().unwrap_or_default()); }
                label { (lang.pick("类型", "Kind")) (select("kind", &kind_options(lang), q.kind.as_deref().unwrap_or(""), Some(t(lang, "common.all")))) }
                label { (lang.pick("“三无”状态", "Stateless status")) (select("stateless", &stateless_options(lang), q.stateless.as_deref().unwrap_or(""), Some(t(lang, "common.all")))) }
                button type="submit" { (t(lang, "common.filter")) }
            }
            p { (lang.pick("共 ", "")) (vessels.len()) (lang.pick(" 艘", " vessels")) }
            table data-testid="vessels" {
                tr { th { "MMSI" } th { (lang.pick("船名", "Name")) } th { (lang.pick("类型", "Kind")) } th { (lang.pick("船旗", "Flag")) } th { (lang.pick("船东", "Owner")) } th { (lang.pick("登记号", "Registry no.")) } th { (lang.pick("“三无”状态", "Stateless")) } th { (lang.pick("区划", "Region")) } }
                @for v in &vessels {
                    @let (zh, en) = vessel_kind_names(&v.kind);
                    tr data-mmsi=(v.mmsi) {
                        td { a href=(format!("/vessels/{}", v.id)) { (v.mmsi) } }
                        td { a href=(format!("/vessels/{}", v.id)) { (v.name) } }
                        td { (lang.pick(zh, en)) @if v.international { " · " (lang.pick("国际", "intl")) } }
                        td { (v.flag) }
                        td { (v.owner_name) " (" (lang.pick(v.owner_kind.zh(), v.owner_kind.en())) ")" }
                        td { (v.registry_no) }
                        td { (stateless_badge(lang, v)) }
                        td { (region_name(v.region_id)) }
                    }
                }
            }
        },
    ))
}

pub fn vessel_input(
    form: &std::collections::HashMap<String, String>,
    region_id: Option<i64>,
) -> VesselInput {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    VesselInput {
        region_id,
        mmsi: get("mmsi"),
        name: get("name"),
        kind: get("kind"),
        flag: get("flag"),
        international: matches!(get("international").as_str(), "on" | "true" | "1"),
        home_port: get("home_port"),
        owner_kind: get("owner_kind"),
        owner_name: get("owner_name"),
        owner_contact: get("owner_contact"),
        owner_phone: get("owner_phone"),
        registry_no: get("registry_no"),
        stateless: get("stateless"),
        notes: get("notes"),
    }
}

pub async fn create(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = vessel_input(&form.fields, form.id("region_id")?);
    let result = s.registries.create_vessel(&auth.ctx, &input).await;
    super::form_outcome(
        auth,
        result,
        |v| format!("/vessels/{}?saved=1", v.id),
        |e| async move {
            list_page(
                &s,
                auth,
                &ListQuery::default(),
                Some(&e),
                &input,
                Some(Failed::Create),
            )
            .await
        },
    )
    .await
}

/// The CSV import: a chosen file, or the pasted text.
pub async fn import(State(s): State<AppState>, form: SignedUpload) -> PageResult {
    let auth = &form.auth;
    let region_id = form.get("region_id").trim().parse::<i64>().ok();
    let text = match &form.file {
        Some((_, bytes)) => match String::from_utf8(bytes.clone()) {
            Ok(t) => Ok(t),
            Err(_) => Err(WorkflowError::invalid(jinghai_domain::FieldError::new(
                "file",
                "文件须为 UTF-8 编码的 CSV",
                "the file must be UTF-8 CSV",
            ))),
        },
        None => Ok(form.get("csv").to_string()),
    };
    let result = match text {
        Ok(text) => {
            s.registries
                .import_vessels(&auth.ctx, region_id, &text)
                .await
        }
        Err(e) => Err(e),
    };
    let typed = VesselInput {
        region_id,
        ..VesselInput::default()
    };
    super::form_outcome(
        auth,
        result,
        |list| format!("/vessels?imported={}", list.len()),
        |e| async move {
            list_page(
                &s,
                auth,
                &ListQuery::default(),
                Some(&e),
                &typed,
                Some(Failed::Import),
            )
            .await
        },
    )
    .await
}

pub async fn export_csv(State(s): State<AppState>, auth: Auth) -> PageResult {
    let csv = s
        .registries
        .export_vessels(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"vessels.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

pub async fn detail(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    Query(q): Query<ListQuery>,
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
    typed: Option<&VesselInput>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let d = s
        .registries
        .vessel(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let v = &d.vessel;
    let regions = region_options(s, auth).await?;
    let (kind_zh, kind_en) = vessel_kind_names(&v.kind);
    let current = VesselInput::of(v);
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.vessels"),
        "nav.vessels",
        html! {
            p { a href="/vessels" { "← " (t(lang, "nav.vessels")) } }
            h1 { (if v.name.is_empty() { lang.pick("（无船名）", "(no name)").to_string() } else { v.name.clone() }) " · MMSI " (v.mmsi) " " (stateless_badge(lang, v)) }
            @if saved { div.saved role="status" data-testid="saved" { (t(lang, "common.saved")) } }
            (error_box(lang, err))
            (vessel_table(lang, v, kind_zh, kind_en))
            p { a href=(format!("/vessels/{}/code", v.id)) data-testid="code-link" { (lang.pick("船舶专属码（打印）", "Vessel code (print)")) } }
            h2 { (lang.pick("照片", "Photos")) }
            div data-testid="photos" {
                @for p in &d.photos {
                    a href=(format!("/vessels/photos/{}", p.id)) { img src=(format!("/vessels/photos/{}", p.id)) alt=(p.file_name) style="max-height:120px;margin:4px;border:1px solid #ccc"; }
                }
            }
            @if d.can_edit {
                form.grid method="post" action=(format!("/vessels/{}/files", v.id)) enctype="multipart/form-data" data-testid="photo-form" {
                    (csrf_field(auth))
                    label { (lang.pick("上传照片（jpg、png，10 MB 以内）", "Upload a photo (jpg, png; up to 10 MB)")) input type="file" name="file" accept="image/jpeg,image/png"; }
                    button type="submit" { (lang.pick("上传", "Upload")) }
                }
                h2 { (lang.pick("编辑档案", "Edit the record")) }
                (vessel_form(lang, auth, &format!("/vessels/{}", v.id), typed.unwrap_or(&current), &regions, "vessel-edit-form"))
                @if let Some(tok) = &d.token {
                    h2 { (lang.pick("船长报告码", "Captain's code")) }
                    p { (lang.pick("有效期至 ", "Valid until ")) (format_local_minutes(tok.expires_at)) "。" (lang.pick("更换后旧的船舶专属码立即失效，须重新打印张贴。", "After a rotation the old vessel code stops working at once; print and post the new one.")) }
                    form.inline method="post" action=(format!("/vessels/{}/token", v.id)) data-confirm=(lang.pick("确定更换船长报告码？旧码将失效。", "Rotate the captain's code? The old one stops working.")) {
                        (csrf_field(auth))
                        button.danger type="submit" data-testid="rotate-token" { (lang.pick("更换报告码", "Rotate code")) }
                    }
                }
            }
            h2 { (lang.pick("近期进出港报告", "Recent port reports")) }
            (super::port_reports::report_table(lang, &d.reports))
        },
    ))
}

fn vessel_table(lang: Lang, v: &Vessel, kind_zh: &str, kind_en: &str) -> Markup {
    html! {
        table.kv data-testid="vessel" {
            tr { th { "MMSI" } td { (v.mmsi) } th { (lang.pick("类型", "Kind")) } td { (lang.pick(kind_zh, kind_en)) @if v.international { " · " (lang.pick("国际航行", "international voyage")) } } }
            tr { th { (lang.pick("船旗", "Flag")) } td { (v.flag) } th { (lang.pick("船籍港", "Home port")) } td { (v.home_port) } }
            tr { th { (lang.pick("船东", "Owner")) } td { (v.owner_name) " (" (lang.pick(v.owner_kind.zh(), v.owner_kind.en())) ")" } th { (lang.pick("联系人 / 电话", "Contact / phone")) } td { (v.owner_contact) " " (v.owner_phone) } }
            tr { th { (lang.pick("船舶登记号", "Registry no.")) } td { (v.registry_no) } th { (lang.pick("“三无”状态", "Stateless status")) } td { (lang.pick(v.stateless.zh(), v.stateless.en())) } }
            @if !v.notes.is_empty() { tr { th { (lang.pick("备注", "Notes")) } td colspan="3" { (v.notes) } } }
        }
    }
}

async fn after<T>(
    s: &AppState,
    auth: &Auth,
    id: i64,
    result: Result<T, WorkflowError>,
    typed: Option<VesselInput>,
) -> PageResult {
    super::form_outcome(
        auth,
        result,
        |_| format!("/vessels/{id}?saved=1"),
        |e| async move { detail_page(s, auth, id, false, Some(&e), typed.as_ref()).await },
    )
    .await
}

pub async fn update(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = vessel_input(&form.fields, form.id("region_id")?);
    let r = s.registries.update_vessel(&auth.ctx, id, &input).await;
    after(&s, auth, id, r, Some(input)).await
}

pub async fn upload(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedUpload,
) -> PageResult {
    let auth = &form.auth;
    let r = match &form.file {
        Some((name, bytes)) => s.registries.attach_photo(&auth.ctx, id, name, bytes).await,
        None => Err(WorkflowError::invalid(jinghai_domain::FieldError::new(
            "file",
            "请选择要上传的照片",
            "choose a photo to upload",
        ))),
    };
    after(&s, auth, id, r, None).await
}

pub async fn rotate(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s.registries.rotate_token(&auth.ctx, id).await;
    after(&s, auth, id, r, None).await
}

pub async fn photo(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> PageResult {
    let (p, bytes) = s
        .registries
        .photo(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    Ok((
        [
            (header::CONTENT_TYPE, p.content_type),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
        ],
        bytes,
    )
        .into_response())
}

/// The address the vessel code's QR opens: this server as the browser
/// reached it, the vessel's check page, and the captain's token.
fn code_url(s: &AppState, headers: &HeaderMap, id: i64, token: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if s.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}/q/{id}?t={token}")
}

/// The QR code of `text` as an SVG (rendered here, no network).
fn qr_svg(text: &str) -> Option<String> {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .build();
    // Inline in HTML: no XML declaration, and no namespace URL in the page.
    let start = svg.find("<svg")?;
    Some(svg[start..].replacen(r#" xmlns="http://www.w3.org/2000/svg""#, "", 1))
}

/// The printable vessel code (船舶专属码).
pub async fn code(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    headers: HeaderMap,
) -> PageResult {
    let lang = auth.lang;
    let d = s
        .registries
        .vessel(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let v = &d.vessel;
    let Some(token) = &d.token else {
        return Err(auth.err(WorkflowError::forbidden(
            "只读账号不能打印船舶专属码",
            "read-only accounts cannot print vessel codes",
        )));
    };
    let url = code_url(&s, &headers, v.id, &token.token);
    let svg = qr_svg(&url).unwrap_or_default();
    let path = format!("/q/{}?t={}", v.id, token.token);
    Ok(layout(
        lang,
        Some(&auth),
        lang.pick("船舶专属码", "Vessel code"),
        "nav.vessels",
        html! {
            style { "@media print { header.top, nav.side, .noprint { display: none } main { padding: 0 } }" }
            p.noprint { a href=(format!("/vessels/{}", v.id)) { "← " (v.name) } " · " button type="button" onclick="window.print()" { (lang.pick("打印", "Print")) } }
            div.codecard data-testid="vessel-code" style="border:2px solid #1d3557;padding:16px;max-width:360px;background:#fff;text-align:center" {
                h1 { (lang.pick("船舶专属码", "Vessel code")) }
                p style="font-size:18px;margin:4px" { b { (v.name) } }
                p { "MMSI " (v.mmsi) " · " (v.registry_no) }
                div data-testid="vessel-qr" { (PreEscaped(svg)) }
                p style="font-size:12px" { (lang.pick("执法人员扫码登录后查看核查页；船长扫码填报进出港报告。", "Officers scan and sign in to open the check page; the captain scans to file port reports.")) }
                p style="font-size:11px;word-break:break-all" data-testid="code-path" { (path) }
                p style="font-size:11px" { (lang.pick("有效期至 ", "Valid until ")) (format_local_minutes(token.expires_at)) }
            }
        },
    )
    .into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct CodeQuery {
    pub t: Option<String>,
    pub sent: Option<i64>,
}

fn cookie_of<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then_some(v)
        })
}

/// What the vessel code opens: for a signed-in officer the vessel's check
/// page (scoped like every read); otherwise the captain's report form, which
/// needs the vessel's token.
pub async fn open_code(
    State(s): State<AppState>,
    UiLang(lang): UiLang,
    ClientAddr(addr): ClientAddr,
    PathId(id): PathId,
    Query(q): Query<CodeQuery>,
    headers: HeaderMap,
) -> PageResult {
    if let Some(token) = cookie_of(&headers, crate::auth::SESSION_COOKIE) {
        if let Ok(Some((ctx, csrf))) = s.accounts.session(token).await {
            let auth = Auth {
                ctx,
                csrf,
                token: token.to_string(),
                lang,
                flavor: Flavor::Html,
            };
            return check_page(&s, &auth, id).await;
        }
    }
    let token = q.t.clone().unwrap_or_default();
    let vessel = s
        .registries
        .captain_vessel(id, &token, &addr)
        .await
        .map_err(|e| ApiError::new(e, lang, Flavor::Html))?;
    Ok(captain_page(
        &s,
        lang,
        &vessel,
        &token,
        q.sent,
        None,
        &ReportInput::default(),
    )
    .await?
    .into_response())
}

/// The officer's check page: who the vessel is, its owner, 三无 status,
/// photos and latest reports, on one screen for a check at the quay.
async fn check_page(s: &AppState, auth: &Auth, id: i64) -> PageResult {
    let lang = auth.lang;
    let d = s
        .registries
        .vessel(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let v = &d.vessel;
    let (kind_zh, kind_en) = vessel_kind_names(&v.kind);
    Ok(layout(
        lang,
        Some(auth),
        lang.pick("船舶核查", "Vessel check"),
        "nav.vessels",
        html! {
            h1 data-testid="check-page" { (lang.pick("船舶核查：", "Vessel check: ")) (v.name) " · MMSI " (v.mmsi) " " (stateless_badge(lang, v)) }
            (vessel_table(lang, v, kind_zh, kind_en))
            div { @for p in &d.photos { img src=(format!("/vessels/photos/{}", p.id)) alt=(p.file_name) style="max-height:160px;margin:4px"; } }
            h2 { (lang.pick("近期进出港报告", "Recent port reports")) }
            (super::port_reports::report_table(lang, &d.reports))
            p { a href=(format!("/vessels/{}", v.id)) { (lang.pick("完整档案", "Full record")) } }
        },
    )
    .into_response())
}

async fn captain_page(
    s: &AppState,
    lang: Lang,
    v: &Vessel,
    token: &str,
    sent: Option<i64>,
    err: Option<&WorkflowError>,
    typed: &ReportInput,
) -> Result<Markup, ApiError> {
    let ports = s
        .registries
        .fishing_ports(&v.region_code)
        .await
        .map_err(|e| ApiError::new(e, lang, Flavor::Html))?;
    Ok(layout(
        lang,
        None,
        lang.pick("渔船进出港报告", "Port report"),
        "",
        html! {
            h1 { (lang.pick("渔船进出港报告", "Fishing-vessel port report")) }
            p data-testid="captain-vessel" { b { (v.name) } " · MMSI " (v.mmsi) }
            @if let Some(id) = sent { div.saved role="status" data-testid="report-sent" { (lang.pick("报告已提交，编号 ", "Report filed, number ")) (id) } }
            (error_box(lang, err))
            form.grid method="post" action=(format!("/q/{}/report", v.id)) data-testid="captain-form" {
                input type="hidden" name="t" value=(token);
                (report_fields(lang, &ports, typed, false))
                button type="submit" { (lang.pick("提交报告", "File the report")) }
            }
        },
    ))
}

/// The captain files a report with the vessel's token (no sign-in). The
/// token in the form is what a forged cross-site post cannot know.
pub async fn captain_submit(
    State(s): State<AppState>,
    UiLang(lang): UiLang,
    ClientAddr(addr): ClientAddr,
    PathId(id): PathId,
    body: axum::body::Bytes,
) -> PageResult {
    let f = crate::auth::form_urlencoded_pairs(&body);
    let token = f.get("t").cloned().unwrap_or_default();
    let input = report_input(&f, "");
    match s.registries.captain_report(id, &token, &addr, &input).await {
        Ok(r) => Ok(Redirect::to(&format!("/q/{id}?t={token}&sent={}", r.id)).into_response()),
        Err(e @ WorkflowError::Invalid(_)) => {
            let vessel = s
                .registries
                .captain_vessel(id, &token, &addr)
                .await
                .map_err(|e| ApiError::new(e, lang, Flavor::Html))?;
            Ok((
                StatusCode::BAD_REQUEST,
                captain_page(&s, lang, &vessel, &token, None, Some(&e), &input).await?,
            )
                .into_response())
        }
        Err(e) => Err(ApiError::new(e, lang, Flavor::Html)),
    }
}
