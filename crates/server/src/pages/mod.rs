//! HTML pages, rendered on the server with maud (escaped by default: nothing
//! a user typed is ever rendered raw).

pub mod admin;
pub mod alerts;
pub mod bulletins;
pub mod cases;
pub mod daily;
pub mod duty;
pub mod epidemic;
pub mod individual;
pub mod intl;
pub mod map;
pub mod patrols;
pub mod places;
pub mod port_reports;
pub mod risks;
pub mod scoring;
pub mod tips;
pub mod vessels;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jinghai_domain::Lang;
use jinghai_workflow::{Ctx, WorkflowError};
use maud::{html, Markup, DOCTYPE};

use crate::auth::{form_urlencoded_pairs, Auth, ClientAddr, UiLang, LANG_COOKIE};
use crate::error::{ApiError, Flavor};
use crate::i18n::t;
use crate::AppState;

/// A capability of SPEC.md and the issue that brings it.
pub struct Module {
    pub slug: &'static str,
    /// Where the module lives once built; `None` while it is pending.
    pub href: Option<&'static str>,
    pub nav_key: &'static str,
    pub issue: u32,
    pub zh: &'static str,
    pub en: &'static str,
}

/// The capabilities whose pages arrive with later issues.
pub const MODULES: &[Module] = &[
    Module { slug: "map", href: Some("/map"), nav_key: "nav.map", issue: 5, zh: "实时海上态势：船舶、航迹、重点区域与预警一张图，离线岸线底图。", en: "Live maritime picture: vessels, tracks, zones and alerts on one offline map." },
    Module { slug: "alerts", href: Some("/alerts"), nav_key: "nav.alerts", issue: 5, zh: "自动预警：未报告进港、AIS 关闭、海上搭靠过驳、可疑停靠、闯入限制区域、越界、未登记船舶、位置异常；指派、签收、转线索或说明理由后排除。", en: "Automatic alerts — unreported port entry, AIS gaps, encounters, landing stops, restricted entry, boundary crossing, unregistered vessels, position jumps — assigned, acknowledged, turned into clues or dismissed with a reason." },
    Module { slug: "vessels", href: Some("/vessels"), nav_key: "nav.vessels", issue: 5, zh: "渔船、货船、客船、快艇、国际航行船舶档案，船东信息，“三无”船舶，船舶专属码。", en: "Vessel registry: fishing, cargo, passenger, speedboats, international; owners; stateless (三无) vessels; vessel QR codes." },
    Module { slug: "places", href: Some("/places"), nav_key: "nav.places", issue: 5, zh: "对外开放口岸、锚地、码头、岙口、无人岛、临时停靠点、卡口、界线，以及“一港二企三库”风险点。", en: "Open ports, anchorages, docks, coves, uninhabited islands, temporary berths, checkpoints, boundary lines and the port/company/warehouse risk points." },
    Module { slug: "port-reports", href: Some("/port-reports"), nav_key: "nav.port_reports", issue: 5, zh: "渔船进出港报告（含在船人员、行程与接触史），与 AIS 实际进出港比对。", en: "Fishing-vessel departure/arrival reports with persons aboard, reconciled against AIS." },
    Module { slug: "patrols", href: Some("/patrols"), nav_key: "nav.patrols", issue: 9, zh: "巡航计划与巡航轨迹，巡航面积计算，巡航盲区展示。", en: "Patrol plans and tracks, patrol area, blind spots." },
    Module { slug: "individual", href: Some("/individual"), nav_key: "nav.individual", issue: 8, zh: "非法入境人员、走私人员、海上求助人员的个案处置与闭环隔离管控。", en: "Individual case handling and closed-loop quarantine of found entrants." },
    Module { slug: "intl", href: Some("/intl"), nav_key: "nav.intl", issue: 8, zh: "入境国际航行船舶日报、五类船舶全员核酸、“三不”、船员换班。", en: "Inbound international vessels, whole-crew testing categories, the three-no rule, crew change." },
    Module { slug: "epidemic", href: Some("/epidemic"), nav_key: "nav.epidemic", issue: 8, zh: "重点人员一对一管控、重点国家风险图、进口冷链追溯（浙冷链）。", en: "Key persons, key-country risk map, cold-chain tracing." },
    Module { slug: "clues", href: Some("/clues"), nav_key: "nav.clues", issue: 7, zh: "线索登记与自动串并（船舶、人员、电话、车辆、地点），跨部门移交与签收。", en: "Clues with automatic linking by vessel, person, phone, vehicle or place; hand-over between agencies." },
    Module { slug: "cases", href: Some("/cases"), nav_key: "nav.cases", issue: 7, zh: "立案侦查、强制措施、起送审查起诉，查获物品分类登记与处置。", en: "Cases: filing, coercive measures, prosecution; seizures by category and their disposal." },
    Module { slug: "tips", href: Some("/tips"), nav_key: "nav.tips", issue: 7, zh: "24 小时举报：公众举报页面、回执码查询、分拣为线索、举报奖励与抽查。", en: "24-hour public tips: public form, follow-up code, triage, rewards and spot checks." },
    Module { slug: "daily", href: Some("/daily"), nav_key: "nav.daily", issue: 6, zh: "“净海”行动日报表（46 项指标、8 个工作组），逐级汇总与官方格式导出。", en: "The 46-indicator daily report of the 8 working groups, rolled up and exported in the official layout." },
    Module { slug: "risks", href: Some("/risks"), nav_key: "nav.risks", issue: 6, zh: "风险清单：整改措施、责任单位与责任人、整改时限、每周进展、销号。", en: "Risk list with measures, owners, deadlines, weekly progress and close-out." },
    Module { slug: "scoring", href: Some("/scoring"), nav_key: "nav.scoring", issue: 9, zh: "精密智控考核评价，加扣分台账，红黄牌。", en: "Evaluation scoring ledger, red and yellow cards." },
    Module { slug: "bulletins", href: Some("/bulletins"), nav_key: "nav.bulletins", issue: 9, zh: "每周通报：打私成果、“三无”船舶查扣、风险整改、落后单位，推送钉钉工作群。", en: "Weekly bulletins, pushed to the DingTalk work group." },
    Module { slug: "duty", href: Some("/duty"), nav_key: "nav.duty", issue: 8, zh: "24 小时值班：重大情况 24 小时内上报省级，时限督办与逾期提醒。", en: "24-hour duty desk: deadlines, escalation to the province, overdue notices." },
];

/// Navigation: (group key, [(label key, href)]).
fn nav(ctx: &Ctx) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let m = |slug: &str| {
        MODULES
            .iter()
            .find(|m| m.slug == slug)
            .and_then(|m| m.href)
            .map(str::to_string)
            .unwrap_or_else(|| format!("/m/{slug}"))
    };
    let mut groups = vec![
        (
            "nav.group.watch",
            vec![
                ("nav.map", m("map")),
                ("nav.alerts", m("alerts")),
                ("nav.vessels", m("vessels")),
                ("nav.places", m("places")),
                ("nav.port_reports", m("port-reports")),
                ("nav.patrols", m("patrols")),
            ],
        ),
        (
            "nav.group.cases",
            vec![
                ("nav.clues", m("clues")),
                ("nav.cases", m("cases")),
                ("nav.tips", m("tips")),
                ("nav.individual", m("individual")),
                ("nav.intl", m("intl")),
                ("nav.epidemic", m("epidemic")),
            ],
        ),
        (
            "nav.group.reports",
            vec![
                ("nav.daily", m("daily")),
                ("nav.risks", m("risks")),
                ("nav.scoring", m("scoring")),
                ("nav.bulletins", m("bulletins")),
                ("nav.duty", m("duty")),
            ],
        ),
    ];
    let mut system = vec![
        ("nav.regions", "/admin/regions".to_string()),
        ("nav.units", "/admin/units".to_string()),
        ("nav.taskforce", "/admin/task-force".to_string()),
    ];
    if ctx.user.role.can_administer() {
        system.push(("nav.users", "/admin/users".to_string()));
    }
    if ctx.user.role.can_read_audit() {
        system.push(("nav.audit", "/admin/audit".to_string()));
    }
    system.push(("nav.api", "/api/docs".to_string()));
    groups.push(("nav.group.system", system));
    groups
}

/// The page frame: header, navigation, content.
pub fn layout(
    lang: Lang,
    auth: Option<&Auth>,
    title: &str,
    active: &str,
    content: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(if lang == Lang::Zh { "zh-CN" } else { "en" }) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (t(lang, "app.name")) }
                link rel="stylesheet" href="/assets/app.css";
                script src="/assets/app.js" defer {}
                @if auth.is_some() { script src="/assets/duty.js" defer {} }
            }
            body {
                header.top {
                    a.brand href="/" { span.logo { "净海" } span.sub { (t(lang, "app.title")) } }
                    div.who {
                        @if let Some(a) = auth {
                            span.user data-testid="current-user" { (a.ctx.user.display_name) " · " (lang.pick(a.ctx.user.role.zh(), a.ctx.user.role.en())) }
                        }
                        a.lang href=(format!("/lang/{}", if lang == Lang::Zh { "en" } else { "zh" })) { (t(lang, "lang.switch")) }
                        @if let Some(a) = auth {
                            form.inline method="post" action="/logout" {
                                input type="hidden" name="_csrf" value=(a.csrf);
                                button.link type="submit" { (t(lang, "logout")) }
                            }
                        }
                    }
                }
                div.shell {
                    @if let Some(a) = auth {
                        nav.side {
                            a.navitem.(if active == "nav.home" { "active" } else { "" }) href="/" { (t(lang, "nav.home")) }
                            @for (group, items) in nav(&a.ctx) {
                                div.navgroup { (t(lang, group)) }
                                @for (key, href) in items {
                                    a.navitem.(if active == key { "active" } else { "" }) href=(href) {
                                        (t(lang, key))
                                        @if key == "nav.duty" { " " span.badge data-unread-badge data-testid="unread-badge" hidden {} }
                                    }
                                }
                            }
                        }
                    }
                    main { (content) }
                }
            }
        }
    }
}

pub fn error_page(lang: Lang, status: StatusCode, message: &str) -> Markup {
    layout(
        lang,
        None,
        t(lang, "error.title"),
        "",
        html! {
            h1 { (t(lang, "error.title")) " (" (status.as_u16()) ")" }
            p.error data-testid="error-message" { (message) }
            p { a href="/" { (t(lang, "nav.home")) } }
        },
    )
}

/// How a form post ends: on success, a redirect (post/redirect/get); on an
/// error the user can act on — invalid input (400) or not allowed (403) —
/// the same page again with the message and what was typed; on anything
/// else, the error page.
pub async fn form_outcome<T, Fut>(
    auth: &Auth,
    result: Result<T, WorkflowError>,
    redirect_to: impl FnOnce(&T) -> String,
    page_again: impl FnOnce(WorkflowError) -> Fut,
) -> Result<Response, ApiError>
where
    Fut: std::future::Future<Output = Result<Markup, ApiError>>,
{
    match result {
        Ok(v) => Ok(Redirect::to(&redirect_to(&v)).into_response()),
        Err(e @ (WorkflowError::Invalid(_) | WorkflowError::Forbidden { .. })) => {
            let status = if matches!(e, WorkflowError::Invalid(_)) {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::FORBIDDEN
            };
            Ok((status, page_again(e).await?).into_response())
        }
        Err(e) => Err(auth.err(e)),
    }
}

/// The `?behind=&region=&day=` filter of a list page: the records behind a
/// prefilled number of the daily report (see `jinghai_workflow::records`).
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct BehindQuery {
    pub behind: Option<String>,
    pub region: Option<String>,
    pub day: Option<String>,
}

/// The filter a list page was opened with, and the ids of the records it
/// keeps (those the caller may see).
pub struct Behind {
    pub filter: jinghai_workflow::records::BehindFilter,
    pub ids: std::collections::HashSet<i64>,
}

impl Behind {
    pub fn keeps(this: &Option<Behind>, id: i64) -> bool {
        this.as_ref().is_none_or(|b| b.ids.contains(&id))
    }
}

pub async fn behind(
    s: &crate::AppState,
    auth: &Auth,
    q: &BehindQuery,
) -> Result<Option<Behind>, ApiError> {
    let Some(filter) = jinghai_workflow::records::BehindFilter::parse(
        q.behind.as_deref(),
        q.region.as_deref(),
        q.day.as_deref(),
    )
    .map_err(|e| auth.err(e))?
    else {
        return Ok(None);
    };
    let ids = s
        .records
        .ids(&auth.ctx, &filter)
        .await
        .map_err(|e| auth.err(e))?;
    Ok(Some(Behind { filter, ids }))
}

/// The line above a filtered list: what it shows, how many, and a way back.
pub fn behind_banner(lang: Lang, b: &Option<Behind>) -> Markup {
    html! {
        @if let Some(b) = b {
            @let (zh, en) = b.filter.behind.names();
            p.notice data-testid="behind" data-behind=(b.filter.behind.as_str()) {
                (t(lang, "filter.active")) "：" (lang.pick(zh, en)) " · "
                (b.filter.region_prefix) " · " (jinghai_domain::report::format_day(b.filter.day))
                " · " span data-testid="behind-count" { (b.ids.len()) } " · "
                a href=(b.filter.behind.page()) { (t(lang, "filter.clear")) }
            }
        }
    }
}

/// Field errors shown above a form.
pub fn error_box(lang: Lang, err: Option<&WorkflowError>) -> Markup {
    html! {
        @if let Some(e) = err {
            div.errors role="alert" data-testid="form-errors" {
                @match e {
                    WorkflowError::Invalid(fields) => { ul { @for f in fields { li { b { (f.field) } "：" (f.message(lang)) } } } }
                    other => { p { (other.user_message(lang)) } }
                }
            }
        }
    }
}

pub async fn not_found(UiLang(lang): UiLang, uri: axum::http::Uri) -> Response {
    let flavor = if uri.path().starts_with("/api/") {
        Flavor::Json
    } else {
        Flavor::Html
    };
    ApiError::new(WorkflowError::NotFound, lang, flavor).into_response()
}

// --- sign-in ---

pub async fn login_page(UiLang(lang): UiLang) -> Markup {
    login_form(lang, None, "")
}

fn login_form(lang: Lang, err: Option<&WorkflowError>, username: &str) -> Markup {
    layout(
        lang,
        None,
        t(lang, "login.title"),
        "",
        html! {
            div.login {
                h1 { (t(lang, "app.title")) }
                h2 { (t(lang, "login.title")) }
                (error_box(lang, err))
                form method="post" action="/login" {
                    label { (t(lang, "login.username")) input name="username" value=(username) autocomplete="username" required autofocus; }
                    label { (t(lang, "login.password")) input name="password" type="password" autocomplete="current-password" required; }
                    button type="submit" { (t(lang, "login.submit")) }
                }
            }
        },
    )
}

/// The sign-in form. It carries no CSRF token (there is no session yet);
/// instead the request must come from this site (Origin/Referer check), and
/// the session cookie is SameSite=Strict.
pub async fn login_submit(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if !same_origin(&headers) {
        return ApiError::csrf(lang, Flavor::Html).into_response();
    }
    let f = form_urlencoded_pairs(&body);
    let username = f.get("username").map(String::as_str).unwrap_or("");
    let password = f.get("password").map(String::as_str).unwrap_or("");
    match state.accounts.login(username, password, &addr).await {
        Ok(signed) => {
            let cookie = crate::api::session_cookie(&state, &signed.token);
            ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
        }
        Err(e) => {
            let err = ApiError::new(e, lang, Flavor::Html);
            (err.status(), login_form(lang, Some(&err.error), username)).into_response()
        }
    }
}

/// True when Origin (or, failing that, Referer) names the Host we serve.
fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let from = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match from {
        // Non-browser clients send neither; browsers always send Origin on POST.
        None => true,
        Some(url) => url
            .split("://")
            .nth(1)
            .map(|rest| rest.split('/').next() == Some(host))
            .unwrap_or(false),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    form: crate::auth::SignedForm,
) -> Result<Response, ApiError> {
    let auth = &form.auth;
    state
        .accounts
        .logout(&auth.token, &auth.ctx)
        .await
        .map_err(|e| auth.err(e))?;
    Ok((
        [(header::SET_COOKIE, crate::api::clear_session_cookie())],
        Redirect::to("/login"),
    )
        .into_response())
}

pub async fn switch_lang(Path(code): Path<String>, headers: HeaderMap) -> Response {
    let lang = Lang::parse(&code);
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split("://").nth(1))
        .and_then(|r| r.find('/').map(|i| r[i..].to_string()))
        .filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/lang/"))
        .unwrap_or_else(|| "/".to_string());
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
        lang.code()
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}

// --- dashboard and modules ---

pub async fn home(State(state): State<AppState>, auth: Auth) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let ctx = &auth.ctx;
    let region = state
        .admin
        .region(ctx, ctx.user.region_id)
        .await
        .map_err(|e| auth.err(e))?;
    let regions = state.admin.regions(ctx).await.map_err(|e| auth.err(e))?;
    let units = state.admin.units(ctx).await.map_err(|e| auth.err(e))?;
    let unit_name = ctx
        .user
        .unit_id
        .and_then(|id| units.iter().find(|u| u.id == id))
        .map(|u| u.name.clone())
        .unwrap_or_default();
    // What needs attention today: the daily report's missing sections and the
    // risk list's flags, for the user's regions.
    let today = state.reports.today();
    let top = regions
        .iter()
        .filter(|r| r.level <= jinghai_domain::RegionLevel::District)
        .min_by_key(|r| r.level);
    let missing_today = match top {
        Some(r) => Some(
            state
                .reports
                .rollup(ctx, r.id, today, today)
                .await
                .map_err(|e| auth.err(e))?
                .missing
                .len(),
        ),
        None => None,
    };
    let risks = state.risks.list(ctx).await.map_err(|e| auth.err(e))?;
    let overdue = risks.iter().filter(|r| r.overdue(today)).count();
    let alert_counts = state.alerts.counts(ctx).await.map_err(|e| auth.err(e))?;
    let duty = state.duty.desk(ctx).await.map_err(|e| auth.err(e))?;
    let duty_overdue = duty
        .items
        .iter()
        .filter(|i| i.state == jinghai_domain::duty::DeadlineState::Overdue)
        .count();
    let awaiting_check = risks
        .iter()
        .filter(|r| r.status == jinghai_domain::risk::RiskStatus::PendingCheck)
        .count();
    Ok(layout(
        lang,
        Some(&auth),
        t(lang, "nav.home"),
        "nav.home",
        html! {
            h1 { (t(lang, "home.welcome")) "，" (ctx.user.display_name) }
            div.cards {
                div.card {
                    h3 { (t(lang, "home.scope")) }
                    p data-testid="scope-region" { (region.name) " (" (region.code) ")" }
                    p { (unit_name) }
                    p { (lang.pick(ctx.user.role.zh(), ctx.user.role.en())) }
                }
                @if let Some(n) = missing_today {
                    a.card href="/daily/summary" data-testid="home-missing" { h3 { (lang.pick("今日日报未报送", "Daily report sections missing today")) } p.big.(if n > 0 { "red" } else { "" }) { (n) } }
                }
                a.card href="/alerts?overdue=1" data-testid="home-alerts-overdue" { h3 { (lang.pick("超时未签收预警", "Overdue alerts")) } p.big.(if alert_counts.overdue > 0 { "red" } else { "" }) { (alert_counts.overdue) } }
                a.card href="/alerts?status=new" data-testid="home-alerts-new" { h3 { (lang.pick("待指派预警", "Alerts to assign")) } p.big { (alert_counts.new) } }
                a.card href="/duty" data-testid="home-duty-overdue" { h3 { (lang.pick("值班督办逾期", "Overdue on the duty desk")) } p.big.(if duty_overdue > 0 { "red" } else { "" }) { (duty_overdue) } }
                a.card href="/duty" data-testid="home-lost" { h3 { (lang.pick("失管漏管人员", "Persons lost from control")) } p.big.(if duty.lost.is_empty() { "" } else { "red" }) { (duty.lost.len()) } }
                a.card href="/risks?flag=overdue" data-testid="home-overdue" { h3 { (lang.pick("逾期风险", "Overdue risks")) } p.big.(if overdue > 0 { "red" } else { "" }) { (overdue) } }
                a.card href="/risks?status=pending_check" { h3 { (lang.pick("待验收销号", "Awaiting close-out check")) } p.big { (awaiting_check) } }
                div.card { h3 { (t(lang, "nav.regions")) } p.big { (regions.len()) } }
                div.card { h3 { (t(lang, "nav.units")) } p.big { (units.len()) } }
            }
            h2 { (t(lang, "home.modules")) }
            div.modules {
                @for m in MODULES {
                    a.module href=(m.href.map(str::to_string).unwrap_or_else(|| format!("/m/{}", m.slug))) {
                        h3 { (t(lang, m.nav_key)) }
                        p { (lang.pick(m.zh, m.en)) }
                    }
                }
            }
        },
    ))
}

pub async fn module_page(auth: Auth, Path(slug): Path<String>) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let m = MODULES
        .iter()
        .find(|m| m.slug == slug)
        .ok_or_else(|| auth.err(WorkflowError::NotFound))?;
    Ok(layout(
        lang,
        Some(&auth),
        t(lang, m.nav_key),
        m.nav_key,
        html! {
            h1 { (t(lang, m.nav_key)) }
            p { (lang.pick(m.zh, m.en)) }
            div.notice data-testid="module-pending" {
                p { (t(lang, "module.pending")) }
                p { (t(lang, "module.tracked")) " #" (m.issue) }
            }
        },
    ))
}

pub async fn api_docs(auth: Auth) -> Markup {
    let lang = auth.lang;
    layout(
        lang,
        Some(&auth),
        t(lang, "nav.api"),
        "nav.api",
        html! {
            h1 { (t(lang, "nav.api")) }
            p { "OpenAPI: " a href="/api/openapi.json" { "/api/openapi.json" } }
            p { (lang.pick("修改数据的接口须在请求头 X-CSRF-Token 中携带登录时返回的 csrf_token。", "Calls that change data must send the csrf_token returned at sign-in in the X-CSRF-Token header.")) }
            table {
                thead { tr { th { "Method" } th { "Path" } th { "" } } }
                tbody {
                    @for (method, path, summary) in crate::routes::api_routes() {
                        tr { td { code { (method) } } td { code { (path) } } td { (summary) } }
                    }
                }
            }
        },
    )
}

/// Renders a `<select>` of (value, label) options.
pub fn select(
    name: &str,
    options: &[(String, String)],
    selected: &str,
    allow_empty: Option<&str>,
) -> Markup {
    html! {
        select name=(name) {
            @if let Some(empty) = allow_empty { option value="" { (empty) } }
            @for (v, label) in options {
                option value=(v) selected[v == selected] { (label) }
            }
        }
    }
}

/// A hidden CSRF field for forms.
pub fn csrf_field(auth: &Auth) -> Markup {
    html! { input type="hidden" name="_csrf" value=(auth.csrf); }
}
