//! The alert list: what the maritime engine raised in the user's regions.
//! (The full desk — map evidence, assignment, acknowledgement, dismissal —
//! is issue #5.)

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use jinghai_domain::alert::kind_names;
use jinghai_domain::time::format_local_minutes;
use maud::html;

use super::layout;
use crate::auth::Auth;
use crate::error::ApiError;
use crate::i18n::t;
use crate::AppState;

pub async fn list(State(s): State<AppState>, auth: Auth) -> Result<Response, ApiError> {
    let lang = auth.lang;
    let alerts = s
        .alerts
        .recent(&auth.ctx, 500)
        .await
        .map_err(|e| auth.err(e))?;
    Ok(layout(lang, Some(&auth), t(lang, "nav.alerts"), "nav.alerts", html! {
        h1 { (t(lang, "nav.alerts")) }
        p.notice { (lang.pick("以下为海上态势引擎自动发现的预警。指派、签收、转线索与地图证据展示将在预警处置台（任务 #5）上线。", "Alerts found by the maritime engine. Assignment, acknowledgement, escalation and evidence on the map arrive with the alert desk (issue #5).")) }
        table data-testid="alerts" {
            tr { th { (lang.pick("类型", "Kind")) } th { "MMSI" } th { (lang.pick("对方船舶", "Counterpart")) } th { (lang.pick("开始", "Start")) } th { (lang.pick("结束", "End")) } th { (lang.pick("区域", "Zone")) } th { (lang.pick("位置", "Position")) } th { (lang.pick("状态", "Status")) } }
            @for a in &alerts {
                @let (zh, en) = kind_names(&a.kind);
                tr data-kind=(a.kind) {
                    td { (lang.pick(zh, en)) }
                    td { code { (a.mmsi) } }
                    td { @if let Some(o) = a.other_mmsi { code { (o) } } }
                    td { (format_local_minutes(a.start_at)) }
                    td { (a.end_at.map(format_local_minutes).unwrap_or_else(|| lang.pick("持续中", "ongoing").into())) }
                    td { (a.zone_id.clone().unwrap_or_default()) }
                    td { (format!("{:.4}, {:.4}", a.lat, a.lon)) }
                    td { (lang.pick(a.status.zh(), a.status.en())) }
                }
            }
        }
    })
    .into_response())
}
