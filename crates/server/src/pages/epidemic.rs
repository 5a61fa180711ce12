//! Epidemic-control pages (疫情防控): key persons with one-to-one contacts
//! and daily reports, the key-country list by risk level, and the cold-chain
//! trace with its smuggling leads.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use jinghai_domain::epidemic::{format_kg, CountryRisk, Direction, KeyPersonStatus};
use jinghai_domain::intl::TestResult;
use jinghai_domain::report::format_day;
use jinghai_domain::time::format_local_minutes;
use jinghai_domain::{Lang, Role};
use jinghai_workflow::epidemic::{BatchInput, KeyPersonInput};
use jinghai_workflow::WorkflowError;
use maud::{html, Markup};

use super::individual::Saved;
use super::intl::{region_options, unit_options};
use super::{csrf_field, error_box, layout, select};
use crate::auth::{Auth, PathId, SignedForm};
use crate::error::ApiError;
use crate::i18n::t;
use crate::AppState;

type PageResult = Result<Response, ApiError>;

fn risk_badge(lang: Lang, r: Option<CountryRisk>) -> Markup {
    html! {
        @if let Some(r) = r { span.status.(if r == CountryRisk::High { "late" } else { "" }) data-risk=(r.as_str()) { (r.name(lang)) } }
    }
}

pub async fn page(State(s): State<AppState>, auth: Auth, Query(q): Query<Saved>) -> PageResult {
    Ok(main_page(&s, &auth, q.saved.is_some(), None)
        .await?
        .into_response())
}

async fn main_page(
    s: &AppState,
    auth: &Auth,
    saved: bool,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let persons = s
        .epidemic
        .key_persons(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?;
    let countries = s.epidemic.countries().await.map_err(|e| auth.err(e))?;
    let regions = region_options(s, auth).await?;
    let units = unit_options(s, auth).await?;
    let risks: Vec<(String, String)> = CountryRisk::ALL
        .iter()
        .map(|r| (r.as_str().into(), r.name(lang).into()))
        .collect();
    let office = matches!(auth.ctx.user.role, Role::Admin | Role::TaskForceOffice);
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.epidemic"),
        "nav.epidemic",
        html! {
            h1 { (t(lang, "nav.epidemic")) }
            p { a href="/epidemic/cold" data-testid="cold-link" { (lang.pick("进口冷链追溯（浙冷链）与走私冻品线索 →", "Cold-chain trace (浙冷链) and smuggled frozen goods →")) } }
            @if saved { div.saved role="status" data-testid="saved" { (t(lang, "common.saved")) } }
            (error_box(lang, err))
            h2 { (lang.pick("重点国家风险图", "Key-country risk map")) }
            link rel="stylesheet" href="/assets/vendor/leaflet.css";
            script src="/assets/vendor/leaflet.js" {}
            script src="/assets/countries.js" defer {}
            div #country-map data-testid="country-map" data-countries=(country_json(lang, &countries)) style="height:360px" {}
            p.meta {
                span.legend-high { (lang.pick("■ 高风险", "■ high")) } " "
                span.legend-medium { (lang.pick("■ 中风险", "■ medium")) } " "
                span.legend-low { (lang.pick("■ 低风险", "■ low")) } " · "
                (lang.pick("示意图，不作为国界划定依据", "Schematic; does not define boundaries"))
            }
            p.meta #country-unmatched hidden data-prefix=(lang.pick("未能在地图上标出：", "Not on the map: ")) {}
            div.cards data-testid="countries" {
                @for c in &countries {
                    div.card data-risk=(c.risk.as_str()) { h3 { (c.name) } p { (risk_badge(lang, Some(c.risk))) } p.meta { (c.note) } }
                }
            }
            @if office {
                form.grid method="post" action="/epidemic/countries" data-testid="country-form" {
                    (csrf_field(auth))
                    label { (lang.pick("国家", "Country")) input name="name"; }
                    label { (lang.pick("风险等级", "Risk level")) (select("risk", &risks, "high", None)) }
                    label { (lang.pick("说明", "Note")) input name="note" size="30"; }
                    button type="submit" { (t(lang, "common.save")) }
                }
            }
            h2 { (lang.pick("重点人员（一对一联系、一日一报）", "Key persons (one-to-one contact, daily report)")) }
            table data-testid="key-persons" {
                tr { th { (lang.pick("姓名", "Name")) } th { (lang.pick("来自", "From")) } th { (lang.pick("联系人", "Contact")) } th { (lang.pick("计划入境", "Arrival plan")) } th { (lang.pick("状态", "Status")) } th { (lang.pick("今日报告", "Today's report")) } }
                @for r in &persons {
                    tr data-person=(r.person.id) {
                        td { a href=(format!("/epidemic/persons/{}", r.person.id)) { (r.person.name) } }
                        td { (r.person.from_country) " " (risk_badge(lang, r.country_risk)) }
                        td { (r.person.contact_name) " " (r.person.contact_phone) }
                        td { (r.person.planned_arrival_at.map(format_local_minutes).unwrap_or_default()) " " (r.person.port_of_entry) }
                        td { (r.person.status.name(lang)) }
                        td { @if r.report_missing { span.late { (lang.pick("未报", "missing")) } } @else { (lang.pick("已报", "in")) } }
                    }
                }
            }
            @if auth.ctx.user.role.can_write() {
                details.panel open[err.is_some()] {
                    summary { (lang.pick("登记重点人员", "Register a key person")) }
                    form.grid method="post" action="/epidemic/persons" data-testid="key-person-form" {
                        (csrf_field(auth))
                        label { (lang.pick("所在区划", "Region")) (select("region_id", &regions, "", None)) }
                        label { (lang.pick("姓名", "Name")) input name="name"; }
                        label { (lang.pick("证件号", "ID / passport")) input name="id_no"; }
                        label { (lang.pick("来自国家", "From country")) input name="from_country"; }
                        label { (lang.pick("一对一联系人", "One-to-one contact")) input name="contact_name"; }
                        label { (lang.pick("联系电话", "Phone")) input name="contact_phone"; }
                        label { (lang.pick("联系单位", "Contact's unit")) (select("contact_unit_id", &units, &auth.ctx.user.unit_id.map(|i| i.to_string()).unwrap_or_default(), Some(""))) }
                        label { (lang.pick("计划抵达时间", "Planned arrival")) input name="planned_arrival" placeholder="2021-02-10 08:00"; }
                        label { (lang.pick("入境口岸", "Port of entry")) input name="port_of_entry"; }
                        button type="submit" { (t(lang, "common.create")) }
                    }
                }
            }
        },
    ))
}

async fn back_to_main<T>(s: &AppState, auth: &Auth, r: Result<T, WorkflowError>) -> PageResult {
    super::form_outcome(
        auth,
        r,
        |_| "/epidemic?saved=1".to_string(),
        |e| async move { main_page(s, auth, false, Some(&e)).await },
    )
    .await
}

pub async fn set_country(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s
        .epidemic
        .set_country(
            &auth.ctx,
            form.get("name"),
            form.get("risk"),
            form.get("note"),
        )
        .await;
    back_to_main(&s, auth, r).await
}

pub async fn create_person(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = KeyPersonInput {
        region_id: form.id("region_id")?,
        name: form.get("name").into(),
        id_no: form.get("id_no").into(),
        from_country: form.get("from_country").into(),
        contact_name: form.get("contact_name").into(),
        contact_phone: form.get("contact_phone").into(),
        contact_unit_id: form.id("contact_unit_id")?,
        planned_arrival: form.get("planned_arrival").into(),
        port_of_entry: form.get("port_of_entry").into(),
    };
    let r = s.epidemic.create_key_person(&auth.ctx, &input).await;
    back_to_main(&s, auth, r).await
}

pub async fn person(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    Query(q): Query<Saved>,
) -> PageResult {
    Ok(person_page(&s, &auth, id, q.saved.is_some(), None)
        .await?
        .into_response())
}

async fn person_page(
    s: &AppState,
    auth: &Auth,
    id: i64,
    saved: bool,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let (r, reports) = s
        .epidemic
        .key_person(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let p = &r.person;
    let statuses: Vec<(String, String)> = KeyPersonStatus::ALL
        .iter()
        .map(|x| (x.as_str().into(), x.name(lang).into()))
        .collect();
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.epidemic"),
        "nav.epidemic",
        html! {
            p { a href="/epidemic" { "← " (t(lang, "nav.epidemic")) } }
            h1 { (p.name) " " span.status { (p.status.name(lang)) } }
            @if saved { div.saved role="status" data-testid="saved" { (t(lang, "common.saved")) } }
            (error_box(lang, err))
            table.kv {
                tr { th { (lang.pick("证件号", "ID")) } td { (p.id_no) } th { (lang.pick("来自", "From")) } td { (p.from_country) " " (risk_badge(lang, r.country_risk)) } }
                tr { th { (lang.pick("一对一联系人", "Contact")) } td { (p.contact_name) " " (p.contact_phone) } th { (lang.pick("计划入境", "Arrival plan")) } td { (p.planned_arrival_at.map(format_local_minutes).unwrap_or_default()) " " (p.port_of_entry) } }
            }
            @if r.report_missing { p.late data-testid="report-missing" { (lang.pick("今日未报告", "No report today")) } }
            @if auth.ctx.user.role.can_write() && p.status != KeyPersonStatus::Released {
                h2 { (lang.pick("一日一报", "Today's report")) }
                form.grid method="post" action=(format!("/epidemic/persons/{}/report", p.id)) data-testid="report-form" {
                    (csrf_field(auth))
                    label { (lang.pick("健康状况", "Health")) input name="health" value="体温正常"; }
                    label { (lang.pick("当前位置", "Location")) input name="location"; }
                    label { (lang.pick("备注", "Note")) input name="note"; }
                    button type="submit" { (lang.pick("报送", "Report")) }
                }
                form.grid method="post" action=(format!("/epidemic/persons/{}/status", p.id)) {
                    (csrf_field(auth))
                    label { (lang.pick("状态", "Status")) (select("status", &statuses, p.status.as_str(), None)) }
                    button type="submit" { (t(lang, "common.save")) }
                }
            }
            table data-testid="reports" { @for x in &reports { tr { td { (format_day(x.day)) } td { (x.health) } td { (x.location) } td { (x.note) } td { (x.reported_by) } } } }
        },
    ))
}

async fn back_to_person<T>(
    s: &AppState,
    auth: &Auth,
    id: i64,
    r: Result<T, WorkflowError>,
) -> PageResult {
    super::form_outcome(
        auth,
        r,
        |_| format!("/epidemic/persons/{id}?saved=1"),
        |e| async move { person_page(s, auth, id, false, Some(&e)).await },
    )
    .await
}

pub async fn report(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s
        .epidemic
        .report_key_person(
            &auth.ctx,
            id,
            form.get("health"),
            form.get("location"),
            form.get("note"),
        )
        .await;
    back_to_person(&s, auth, id, r).await
}

pub async fn status(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s
        .epidemic
        .set_key_person_status(&auth.ctx, id, form.get("status"))
        .await;
    back_to_person(&s, auth, id, r).await
}

// --- cold chain ---

pub async fn cold(State(s): State<AppState>, auth: Auth, Query(q): Query<Saved>) -> PageResult {
    Ok(cold_page(&s, &auth, q.saved.is_some(), None)
        .await?
        .into_response())
}

async fn cold_page(
    s: &AppState,
    auth: &Auth,
    saved: bool,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let stores = s
        .epidemic
        .cold_stores(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?;
    let batches = s
        .epidemic
        .batches(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?;
    let leads = s.epidemic.leads(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let regions = region_options(s, auth).await?;
    let results: Vec<(String, String)> = TestResult::ALL
        .iter()
        .map(|x| (x.as_str().into(), x.name(lang).into()))
        .collect();
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.epidemic"),
        "nav.epidemic",
        html! {
            p { a href="/epidemic" { "← " (t(lang, "nav.epidemic")) } }
            h1 { (lang.pick("进口冷链追溯（浙冷链）", "Cold-chain trace (浙冷链)")) }
            @if saved { div.saved role="status" data-testid="saved" { (t(lang, "common.saved")) } }
            (error_box(lang, err))
            h2 { (lang.pick("走私冻品线索", "Smuggled frozen goods: leads")) }
            p.meta { (lang.pick("冷库库存无追溯码、追溯码未登记或超过追溯入库量的，列为走私线索，由线索模块转为线索。", "Stock without a trace code, with an unknown one, or above its traced inflow is a smuggling lead; the clue module turns it into a clue.")) }
            table data-testid="leads" {
                @for l in &leads {
                    tr data-check=(l.check.id) { td { a href=(format!("/epidemic/cold/stores/{}", l.store.id)) { (l.store.name) } } td { (l.check.product) } td { (l.reason.name(lang)) } td { (format_kg(l.excess_g)) " kg" } td { (format_local_minutes(l.check.at)) } td { @if let Some(c) = &l.check.clue_ref { (lang.pick("已转线索 ", "clue ")) (c) } } }
                }
            }
            h2 { (lang.pick("冷库", "Cold stores")) }
            ul data-testid="stores" { @for st in &stores { li { a href=(format!("/epidemic/cold/stores/{}", st.id)) { (st.name) } " · " (st.address) } } }
            h2 { (lang.pick("进口冻品批次", "Imported batches")) }
            table data-testid="batches" {
                tr { th { (lang.pick("追溯码", "Trace code")) } th { (lang.pick("品名", "Product")) } th { (lang.pick("原产国", "Origin")) } th { (lang.pick("报关单号", "Declaration")) } th { (lang.pick("数量", "Quantity")) } th { (lang.pick("核酸", "Test")) } }
                @for b in &batches { tr { td { (b.trace_code) } td { (b.product) } td { (b.origin_country) } td { (b.declaration_no) } td { (format_kg(b.quantity_g)) " kg" } td { (b.test_result.name(lang)) } } }
            }
            @if auth.ctx.user.role.can_write() {
                details.panel {
                    summary { (lang.pick("登记冷库", "Add a cold store")) }
                    form.grid method="post" action="/epidemic/cold/stores" data-testid="store-form" {
                        (csrf_field(auth))
                        label { (lang.pick("所在区划", "Region")) (select("region_id", &regions, "", None)) }
                        label { (lang.pick("名称", "Name")) input name="name"; }
                        label { (lang.pick("地址", "Address")) input name="address"; }
                        button type="submit" { (t(lang, "common.create")) }
                    }
                }
                details.panel {
                    summary { (lang.pick("登记进口冻品批次", "Register a batch")) }
                    form.grid method="post" action="/epidemic/cold/batches" data-testid="batch-form" {
                        (csrf_field(auth))
                        label { (lang.pick("申报地区划", "Declared in")) (select("region_id", &regions, "", None)) }
                        label { (lang.pick("追溯码", "Trace code")) input name="trace_code"; }
                        label { (lang.pick("品名", "Product")) input name="product"; }
                        label { (lang.pick("原产国", "Origin")) input name="origin_country"; }
                        label { (lang.pick("报关单号", "Declaration no.")) input name="declaration_no"; }
                        label { (lang.pick("数量（千克）", "Quantity (kg)")) input name="quantity_kg"; }
                        label { (lang.pick("核酸检测", "Test result")) (select("test_result", &results, "negative", None)) }
                        button type="submit" { (t(lang, "common.create")) }
                    }
                }
            }
        },
    ))
}

async fn back_to_cold<T>(s: &AppState, auth: &Auth, r: Result<T, WorkflowError>) -> PageResult {
    super::form_outcome(
        auth,
        r,
        |_| "/epidemic/cold?saved=1".to_string(),
        |e| async move { cold_page(s, auth, false, Some(&e)).await },
    )
    .await
}

pub async fn create_store(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s
        .epidemic
        .create_cold_store(
            &auth.ctx,
            form.id("region_id")?,
            form.get("name"),
            form.get("address"),
        )
        .await;
    back_to_cold(&s, auth, r).await
}

pub async fn create_batch(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = BatchInput {
        region_id: form.id("region_id")?,
        trace_code: form.get("trace_code").into(),
        product: form.get("product").into(),
        origin_country: form.get("origin_country").into(),
        declaration_no: form.get("declaration_no").into(),
        quantity_kg: form.get("quantity_kg").into(),
        test_result: form.get("test_result").into(),
    };
    let r = s.epidemic.create_batch(&auth.ctx, &input).await;
    back_to_cold(&s, auth, r).await
}

pub async fn store(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    Query(q): Query<Saved>,
) -> PageResult {
    Ok(store_page(&s, &auth, id, q.saved.is_some(), None)
        .await?
        .into_response())
}

async fn store_page(
    s: &AppState,
    auth: &Auth,
    id: i64,
    saved: bool,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let d = s
        .epidemic
        .store_detail(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let dirs: Vec<(String, String)> = Direction::ALL
        .iter()
        .map(|x| (x.as_str().into(), x.name(lang).into()))
        .collect();
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.epidemic"),
        "nav.epidemic",
        html! {
            p { a href="/epidemic/cold" { "← " (lang.pick("冷链追溯", "Cold chain")) } }
            h1 { (d.store.name) }
            p.meta { (d.store.address) }
            @if saved { div.saved role="status" data-testid="saved" { (t(lang, "common.saved")) } }
            (error_box(lang, err))
            h2 { (lang.pick("出入库", "Movements")) }
            table data-testid="movements" { @for (m, code) in &d.movements { tr { td { (format_local_minutes(m.at)) } td { (m.direction.name(lang)) } td { (code) } td { (format_kg(m.quantity_g)) " kg" } } } }
            h2 { (lang.pick("盘库", "Stock checks")) }
            table data-testid="checks" {
                @for (c, lead) in &d.checks {
                    tr data-check=(c.id) { td { (format_local_minutes(c.at)) } td { (c.product) } td { (if c.trace_code.is_empty() { lang.pick("无追溯码", "no trace code").to_string() } else { c.trace_code.clone() }) } td { (format_kg(c.quantity_g)) " kg" } td { @if let Some((reason, excess)) = lead { span.late data-testid="lead" { (reason.name(lang)) " " (format_kg(*excess)) " kg" } } } }
                }
            }
            @if auth.ctx.user.role.can_write() {
                h2 { (lang.pick("登记出入库", "Record a movement")) }
                form.grid method="post" action=(format!("/epidemic/cold/stores/{}/movements", d.store.id)) data-testid="movement-form" {
                    (csrf_field(auth))
                    label { (lang.pick("追溯码", "Trace code")) input name="trace_code"; }
                    label { (lang.pick("方向", "Direction")) (select("direction", &dirs, "in", None)) }
                    label { (lang.pick("数量（千克）", "Quantity (kg)")) input name="quantity_kg"; }
                    label { (lang.pick("时间（空为现在）", "When (empty: now)")) input name="at"; }
                    button type="submit" { (lang.pick("登记", "Record")) }
                }
                h2 { (lang.pick("盘库登记", "Record a stock check")) }
                form.grid method="post" action=(format!("/epidemic/cold/stores/{}/checks", d.store.id)) data-testid="check-form" {
                    (csrf_field(auth))
                    label { (lang.pick("品名", "Product")) input name="product"; }
                    label { (lang.pick("追溯码（无码留空）", "Trace code (empty if none)")) input name="trace_code"; }
                    label { (lang.pick("库存（千克）", "Stock (kg)")) input name="quantity_kg"; }
                    button type="submit" { (lang.pick("登记", "Record")) }
                }
            }
        },
    ))
}

async fn back_to_store<T>(
    s: &AppState,
    auth: &Auth,
    id: i64,
    r: Result<T, WorkflowError>,
) -> PageResult {
    super::form_outcome(
        auth,
        r,
        |_| format!("/epidemic/cold/stores/{id}?saved=1"),
        |e| async move { store_page(s, auth, id, false, Some(&e)).await },
    )
    .await
}

pub async fn movement(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let r = s
        .epidemic
        .add_movement(
            &auth.ctx,
            id,
            form.get("trace_code"),
            form.get("direction"),
            form.get("quantity_kg"),
            form.get("at"),
        )
        .await;
    back_to_store(&s, auth, id, r).await
}

pub async fn check(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s
        .epidemic
        .add_check(
            &auth.ctx,
            id,
            form.get("product"),
            form.get("trace_code"),
            form.get("quantity_kg"),
        )
        .await;
    back_to_store(&s, auth, id, r).await
}

/// The key countries as the map script reads them: name, risk code, label.
fn country_json(lang: Lang, countries: &[jinghai_domain::epidemic::KeyCountry]) -> String {
    let list: Vec<serde_json::Value> = countries
        .iter()
        .map(|c| {
            serde_json::json!({
                "name": c.name,
                "risk": c.risk.as_str(),
                "label": c.risk.name(lang),
            })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}
