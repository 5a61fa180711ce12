//! The weekly bulletin (每周通报, seed 000 §五(四)): the office of a region
//! issues one per week. Its figures are gathered from the other modules
//! (daily-report totals for anti-smuggling results, 三无 vessels and sea
//! violations; the alert desk; the risk list with overdue items named;
//! units that reported late or not at all, or let risks run over; the
//! scoring ranking one level down), numbered 〔year〕N号 per region and year,
//! rendered to PDF (official layout, CJK font embedded) and XLSX, archived
//! with its figures, and pushed as a Markdown summary to the region's
//! DingTalk robot when one is configured, with retries; every attempt is
//! recorded and shown.
//!
//! Pushing is behind [`Pusher`], implemented over HTTP by the server (this
//! crate knows no HTTP).

use std::collections::BTreeMap;
use std::sync::Arc;

use jinghai_domain::alert::AlertStatus;
use jinghai_domain::bulletin::{
    chinese_date, number_label, week_label, week_start, year_of, Bulletin, BulletinContent,
    OverdueRisk, PushAttempt, Robot, Shortfall,
};
use jinghai_domain::report::{day_of, format_value, parse_day, Day};
use jinghai_domain::risk::RiskStatus;
use jinghai_domain::{FieldError, RegionLevel, Role};
use jinghai_store::{BulletinFile, NewBulletin, Store, StoreError};
use rust_xlsxwriter::{Chart, ChartType, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::pdf::{Doc, Font, BLACK, RED};
use crate::reports::Reports;
use crate::scoring::Scoring;
use crate::{Clock, Ctx, WorkflowError, WorkflowResult};

/// Sends a bulletin's summary to a robot: one attempt, no retry.
#[async_trait::async_trait]
pub trait Pusher: Send + Sync {
    /// `Ok` with the robot's answer, or `Err` with what went wrong.
    async fn push(&self, robot: &Robot, title: &str, markdown: &str) -> Result<String, String>;
    /// Waits between attempts.
    async fn pause(&self, ms: u64);
}

/// A pusher for installations without one: every push fails, saying so.
pub struct NoPusher;

#[async_trait::async_trait]
impl Pusher for NoPusher {
    async fn push(&self, _: &Robot, _: &str, _: &str) -> Result<String, String> {
        Err("no DingTalk client in this build".into())
    }
    async fn pause(&self, _: u64) {}
}

/// How pushes are retried.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: u32,
    /// Wait before the second attempt; doubled before each later one.
    pub first_backoff_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 3,
            first_backoff_ms: 1000,
        }
    }
}

/// A bulletin with its push history.
#[derive(Debug, Clone)]
pub struct BulletinDetail {
    pub bulletin: Bulletin,
    pub pushes: Vec<PushAttempt>,
    pub robot: Option<Robot>,
    pub can_push: bool,
}

pub struct Bulletins {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    font: Option<Font>,
    pusher: Arc<dyn Pusher>,
    retry: RetryPolicy,
}

fn invalid(field: &str, zh: impl Into<String>, en: impl Into<String>) -> WorkflowError {
    WorkflowError::invalid(FieldError::new(field, zh, en))
}

fn is_office(ctx: &Ctx) -> bool {
    matches!(ctx.user.role, Role::TaskForceOffice | Role::Admin) && ctx.user.role.can_write()
}

fn internal(what: &str, e: impl std::fmt::Display) -> WorkflowError {
    WorkflowError::Store(StoreError::Corrupt(format!("{what}: {e}")))
}

/// The office that issues documents for a region.
pub fn office_of(region_name: &str) -> String {
    format!("{region_name}“净海”行动专班办公室")
}

impl Bulletins {
    /// `font`: the CJK font for PDFs (see [`crate::pdf`]); without one,
    /// issuing a bulletin fails with a message that says how to install one.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        font: Option<Font>,
        pusher: Arc<dyn Pusher>,
        retry: RetryPolicy,
    ) -> Bulletins {
        Bulletins {
            store,
            clock,
            font,
            pusher,
            retry,
        }
    }

    pub fn today(&self) -> Day {
        day_of(self.clock.now())
    }

    pub async fn list(&self, ctx: &Ctx) -> WorkflowResult<Vec<Bulletin>> {
        Ok(self.store.list_bulletins(&ctx.scope).await?)
    }

    pub async fn detail(&self, ctx: &Ctx, id: i64) -> WorkflowResult<BulletinDetail> {
        let bulletin = self.store.get_bulletin(&ctx.scope, id).await?;
        Ok(BulletinDetail {
            pushes: self.store.list_push_attempts(id).await?,
            robot: self.store.get_robot_unscoped(bulletin.region_id).await?,
            can_push: is_office(ctx),
            bulletin,
        })
    }

    pub async fn file(
        &self,
        ctx: &Ctx,
        id: i64,
        file: BulletinFile,
    ) -> WorkflowResult<(Bulletin, Vec<u8>)> {
        let b = self.store.get_bulletin(&ctx.scope, id).await?;
        let bytes = self.store.get_bulletin_file(&ctx.scope, id, file).await?;
        Ok((b, bytes))
    }

    pub async fn robots(&self, ctx: &Ctx) -> WorkflowResult<Vec<Robot>> {
        Ok(self.store.list_robots(&ctx.scope).await?)
    }

    /// The office sets (or, with an empty webhook, removes) its region's robot.
    pub async fn set_robot(
        &self,
        ctx: &Ctx,
        region_id: Option<i64>,
        webhook: &str,
        secret: &str,
    ) -> WorkflowResult<Option<Robot>> {
        if !is_office(ctx) {
            return Err(WorkflowError::forbidden(
                "钉钉机器人由专班办公室配置",
                "the task-force office configures the DingTalk robot",
            ));
        }
        let Some(region_id) = region_id else {
            return Err(invalid("region_id", "请选择区划", "choose a region"));
        };
        let region = self.store.get_region(&ctx.scope, region_id).await?;
        let webhook = webhook.trim();
        let secret = secret.trim();
        if !webhook.is_empty() {
            let mut errs = Vec::new();
            if !(webhook.starts_with("https://") || webhook.starts_with("http://"))
                || webhook.len() > 500
                || webhook.contains(char::is_whitespace)
            {
                errs.push(FieldError::new("webhook", "Webhook 地址须以 https:// 开头（如 https://oapi.dingtalk.com/robot/send?access_token=…）", "the webhook must be an https:// address (e.g. https://oapi.dingtalk.com/robot/send?access_token=…)"));
            }
            if !secret.starts_with("SEC") || secret.len() < 10 || secret.len() > 200 {
                errs.push(FieldError::new(
                    "secret",
                    "加签密钥须为机器人安全设置中以 SEC 开头的字符串",
                    "the signing secret is the SEC… string from the robot's security settings",
                ));
            }
            if !errs.is_empty() {
                return Err(WorkflowError::Invalid(errs));
            }
        }
        Ok(self
            .store
            .set_robot(&ctx.actor(), self.clock.now(), region.id, webhook, secret)
            .await?)
    }

    /// Gathers the figures of a region's week.
    pub async fn compose(
        &self,
        ctx: &Ctx,
        region_id: i64,
        week_from: Day,
    ) -> WorkflowResult<BulletinContent> {
        let region = self.store.get_region(&ctx.scope, region_id).await?;
        if region.level > RegionLevel::District {
            return Err(invalid(
                "region_id",
                "每周通报按区/县及以上区划印发",
                "weekly bulletins are issued for districts and above",
            ));
        }
        let week_to = week_from + 6;
        let reports = Reports::new(self.store.clone(), self.clock.clone());
        let rollup = reports.rollup(ctx, region.id, week_from, week_to).await?;
        let value = |key: &str| {
            rollup
                .form
                .def
                .indicator(key)
                .map(|(_, i)| format!("{} {}", format_value(i, rollup.value(key)), i.unit))
                .unwrap_or_default()
        };
        let label = |key: &str| {
            rollup
                .form
                .def
                .indicator(key)
                .map(|(_, i)| i.zh.clone())
                .unwrap_or_default()
        };
        let smuggling = [
            "as_vehicles",
            "as_vessels",
            "as_persons",
            "as_goods_tonnes",
            "cs_cases_filed",
            "cs_coercive",
            "cs_prosecution",
        ]
        .iter()
        .map(|k| (label(k), value(k)))
        .collect();
        let sea = [
            "vc_stateless_seized",
            "mp_ships_seized",
            "mp_ships_checked",
            "mp_persons_checked",
            "ee_inbound_ships",
            "ee_outbound_ships",
        ]
        .iter()
        .map(|k| (label(k), value(k)))
        .collect();

        let in_week = |ms: i64| (week_from..=week_to).contains(&day_of(ms));
        let alerts: Vec<_> = self
            .store
            .list_alerts(&ctx.scope, 5000)
            .await?
            .into_iter()
            .filter(|a| region.contains_code(&a.region_code) && in_week(a.start_at))
            .collect();
        let count =
            |s: &[AlertStatus]| alerts.iter().filter(|a| s.contains(&a.status)).count() as i64;

        let units = self.store.list_units(&ctx.scope).await?;
        let unit_name = |id: Option<i64>| {
            id.and_then(|id| units.iter().find(|u| u.id == id))
                .map(|u| u.name.clone())
                .unwrap_or_else(|| "（未指定）".into())
        };
        let regions = self.store.list_regions(&ctx.scope).await?;
        let region_name = |code: &str| {
            regions
                .iter()
                .filter(|r| r.contains_code(code))
                .max_by_key(|r| r.level)
                .map(|r| r.name.clone())
                .unwrap_or_default()
        };
        let risks: Vec<_> = self
            .store
            .list_risks(&ctx.scope)
            .await?
            .into_iter()
            .filter(|r| region.contains_code(&r.region_code))
            .collect();
        let as_of = week_to.min(self.today());
        let overdue_risks: Vec<OverdueRisk> = risks
            .iter()
            .filter(|r| r.overdue(as_of + 1))
            .map(|r| OverdueRisk {
                risk_id: r.id,
                place: r.place.clone(),
                region: region_name(&r.region_code),
                unit: unit_name(r.responsible_unit_id),
                deadline: r.deadline.unwrap_or(as_of),
                days_overdue: as_of - r.deadline.unwrap_or(as_of),
            })
            .collect();

        // Units that fell short: daily sections missing or late, risks overdue.
        let mut short: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
        for g in &rollup.missing {
            short.entry(unit_name(g.unit_id)).or_default().0 += 1;
        }
        for g in &rollup.late {
            short.entry(unit_name(g.unit_id)).or_default().1 += 1;
        }
        for r in &overdue_risks {
            short.entry(r.unit.clone()).or_default().2 += 1;
        }
        let mut shortfalls: Vec<Shortfall> = short
            .into_iter()
            .map(|(who, (missing, late, overdue))| {
                let mut what = Vec::new();
                if missing > 0 {
                    what.push(format!("日报漏报 {missing} 项次"));
                }
                if late > 0 {
                    what.push(format!("日报迟报 {late} 项次"));
                }
                if overdue > 0 {
                    what.push(format!("风险逾期未整改 {overdue} 项"));
                }
                Shortfall {
                    who,
                    what: what.join("，"),
                }
            })
            .collect();

        let level = region
            .level
            .child()
            .filter(|l| *l <= RegionLevel::Town)
            .unwrap_or(region.level);
        let scoring = Scoring::new(self.store.clone(), self.clock.clone());
        let ranking: Vec<_> = scoring
            .ranking(ctx, level, week_from, week_to)
            .await?
            .into_iter()
            .filter(|r| region.contains_code(&r.region_code))
            .collect();
        for r in ranking.iter().filter(|r| r.points < 0) {
            shortfalls.push(Shortfall {
                who: r.name.clone(),
                what: format!("本周评价扣分 {} 分", -r.deducted),
            });
        }
        let cards = self
            .store
            .list_cards(&ctx.scope)
            .await?
            .into_iter()
            .filter(|c| {
                region.contains_code(&c.region_code) && (week_from..=week_to).contains(&c.issued_on)
            })
            .map(|c| (c.color.zh().to_string(), c.place_name, c.reason))
            .collect();
        let office = office_of(&region.name);
        Ok(BulletinContent {
            title: format!(
                "关于{}“净海”行动工作情况的通报",
                week_label(week_from, week_to)
            ),
            region_name: region.name.clone(),
            office,
            number_label: String::new(),
            week_from,
            week_to,
            issued_on: self.today(),
            smuggling,
            sea,
            alerts_total: alerts.len() as i64,
            alerts_escalated: count(&[AlertStatus::Escalated]),
            alerts_dismissed: count(&[AlertStatus::Dismissed]),
            alerts_open: count(&[
                AlertStatus::New,
                AlertStatus::Assigned,
                AlertStatus::Acknowledged,
            ]),
            risks_total: risks.len() as i64,
            risks_closed_this_week: risks
                .iter()
                .filter(|r| {
                    r.closed_on
                        .is_some_and(|d| (week_from..=week_to).contains(&d))
                })
                .count() as i64,
            risks_rectifying: risks
                .iter()
                .filter(|r| r.status == RiskStatus::Rectifying)
                .count() as i64,
            risks_pending_check: risks
                .iter()
                .filter(|r| r.status == RiskStatus::PendingCheck)
                .count() as i64,
            overdue_risks,
            shortfalls,
            ranking_level: level.zh().to_string(),
            ranking,
            cards,
        })
    }

    /// Issues the bulletin of `region_id` for the week holding `week` (a
    /// day, `YYYY-MM-DD`; default: last week): gathers, numbers, renders,
    /// archives and pushes it.
    pub async fn issue(
        &self,
        ctx: &Ctx,
        region_id: Option<i64>,
        week: &str,
    ) -> WorkflowResult<Bulletin> {
        if !is_office(ctx) {
            return Err(WorkflowError::forbidden(
                "每周通报由专班办公室印发",
                "the task-force office issues weekly bulletins",
            ));
        }
        let Some(region_id) = region_id else {
            return Err(invalid("region_id", "请选择区划", "choose a region"));
        };
        let today = self.today();
        let day = match week.trim() {
            "" => today - 7,
            s => parse_day(s).ok_or_else(|| {
                invalid("week", "日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD")
            })?,
        };
        let week_from = week_start(day);
        if week_from > today {
            return Err(invalid(
                "week",
                "不能印发未来一周的通报",
                "cannot issue a bulletin for a future week",
            ));
        }
        let Some(font) = &self.font else {
            return Err(invalid(
                "font",
                "服务器没有可用的中文字体，无法生成 PDF：请安装 fonts-noto-cjk 或 fonts-wqy-zenhei，或在配置中设置 bulletin_font",
                "no CJK font on the server for the PDF: install fonts-noto-cjk or fonts-wqy-zenhei, or set bulletin_font in the configuration",
            ));
        };
        if self
            .store
            .list_bulletins(&ctx.scope)
            .await?
            .iter()
            .any(|b| b.region_id == region_id && b.week_from == week_from)
        {
            return Err(invalid(
                "week",
                "该区划本周的通报已经印发",
                "this region's bulletin for that week is already issued",
            ));
        }
        let mut content = self.compose(ctx, region_id, week_from).await?;
        let year = year_of(today);
        let robot = self.store.get_robot_unscoped(region_id).await?;
        // The number is taken when archived; a clash with a bulletin issued
        // at the same moment takes the next one.
        for _ in 0..3 {
            let number = self.store.next_bulletin_number(region_id, year).await?;
            content.number_label = number_label(year, number);
            let pdf = render_pdf(&content, font.clone()).map_err(|e| internal("pdf", e))?;
            let xlsx = render_xlsx(&content).map_err(|e| internal("xlsx", e))?;
            let new = NewBulletin {
                region_id,
                year,
                number,
                week_from,
                week_to: week_from + 6,
                title: content.title.clone(),
                issued_on: today,
                summary: summary(&content),
                content: content.clone(),
                pdf,
                xlsx,
                push_status: if robot.is_some() {
                    "pending".into()
                } else {
                    "none".into()
                },
            };
            match self
                .store
                .create_bulletin(&ctx.actor(), self.clock.now(), &new)
                .await
            {
                Ok(b) => {
                    if robot.is_some() {
                        return self.push(ctx, b.id).await;
                    }
                    return Ok(b);
                }
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(invalid(
            "week",
            "通报编号冲突，请重试",
            "the bulletin number clashed; try again",
        ))
    }

    /// Pushes a bulletin's summary to its region's robot, retrying with
    /// backoff; every attempt is recorded. Returns the bulletin with its
    /// new push status.
    pub async fn push(&self, ctx: &Ctx, id: i64) -> WorkflowResult<Bulletin> {
        if !is_office(ctx) {
            return Err(WorkflowError::forbidden(
                "由专班办公室推送通报",
                "the task-force office pushes bulletins",
            ));
        }
        let b = self.store.get_bulletin(&ctx.scope, id).await?;
        let Some(robot) = self.store.get_robot_unscoped(b.region_id).await? else {
            return Err(invalid(
                "robot",
                "该区划尚未配置钉钉机器人",
                "no DingTalk robot is configured for this region",
            ));
        };
        let first = self.store.list_push_attempts(id).await?.len() as i32;
        let title = format!("{}{}", b.title, b.number_label());
        let mut wait = self.retry.first_backoff_ms;
        for k in 0..self.retry.attempts.max(1) {
            if k > 0 {
                self.pusher.pause(wait).await;
                wait = wait.saturating_mul(2);
            }
            let result = self.pusher.push(&robot, &title, &b.summary).await;
            let last = k + 1 == self.retry.attempts.max(1);
            let (ok, detail, status) = match &result {
                Ok(answer) => (true, answer.clone(), "sent"),
                Err(e) if last => (false, e.clone(), "failed"),
                Err(e) => (false, e.clone(), "retrying"),
            };
            tracing::info!(
                bulletin = id,
                attempt = first + k as i32 + 1,
                ok,
                "dingtalk push"
            );
            self.store
                .add_push_attempt(
                    &ctx.actor(),
                    self.clock.now(),
                    id,
                    first + k as i32 + 1,
                    ok,
                    &detail,
                    status,
                )
                .await?;
            if ok {
                break;
            }
        }
        Ok(self.store.get_bulletin(&ctx.scope, id).await?)
    }
}

/// The DingTalk summary: Markdown, short enough for a phone.
pub fn summary(c: &BulletinContent) -> String {
    let mut s = format!(
        "#### {}每周通报 {}\n\n{}\n\n",
        c.region_name,
        c.number_label,
        week_label(c.week_from, c.week_to)
    );
    let join = |v: &[(String, String)]| {
        v.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join("，")
    };
    s.push_str(&format!("- **打击走私**：{}\n", join(&c.smuggling)));
    s.push_str(&format!("- **“三无”船舶与海上违法**：{}\n", join(&c.sea)));
    s.push_str(&format!(
        "- **预警处置**：预警 {} 条，转线索 {} 条，排除 {} 条，待处置 {} 条\n",
        c.alerts_total, c.alerts_escalated, c.alerts_dismissed, c.alerts_open
    ));
    s.push_str(&format!(
        "- **风险整改**：共 {} 项，本周销号 {} 项，整改中 {} 项，逾期 {} 项",
        c.risks_total,
        c.risks_closed_this_week,
        c.risks_rectifying,
        c.overdue_risks.len()
    ));
    if !c.overdue_risks.is_empty() {
        let names: Vec<String> = c
            .overdue_risks
            .iter()
            .map(|r| format!("{}（{}）", r.place, r.unit))
            .collect();
        s.push_str(&format!("：{}", names.join("、")));
    }
    s.push('\n');
    if !c.shortfalls.is_empty() {
        let names: Vec<String> = c
            .shortfalls
            .iter()
            .map(|f| format!("{}（{}）", f.who, f.what))
            .collect();
        s.push_str(&format!("- **工作落后**：{}\n", names.join("；")));
    }
    if !c.ranking.is_empty() {
        let top: Vec<String> = c
            .ranking
            .iter()
            .take(5)
            .map(|r| format!("{}. {} {:+}", r.rank, r.name, r.points))
            .collect();
        s.push_str(&format!(
            "- **评价排名**（{}）：{}\n",
            c.ranking_level,
            top.join("；")
        ));
    }
    s.push_str(&format!("\n{} {}", c.office, chinese_date(c.issued_on)));
    s
}

/// The bulletin in the layout of an official document: red header with the
/// issuing office, the number, a red rule, the title, numbered sections,
/// tables and a ranking chart, the office and date at the end.
pub fn render_pdf(c: &BulletinContent, font: Font) -> Result<Vec<u8>, crate::pdf::PdfError> {
    let mut d = Doc::new(font);
    let body = 15.0;
    d.centered(&c.office, 24.0, RED, true);
    d.space(10.0);
    d.centered(&format!("净海通报{}", c.number_label), 15.0, BLACK, false);
    d.rule(RED, 2.0);
    d.space(12.0);
    d.centered(&c.title, 19.0, BLACK, true);
    d.space(8.0);
    d.paragraph("各镇（街道）、各成员单位：", body, false);
    d.paragraph(
        &format!(
            "现将{}全{}“净海”行动打击走私、查扣“三无”船舶、查处海上违法违规活动、整改风险漏洞等情况通报如下。",
            week_label(c.week_from, c.week_to),
            if c.region_name.ends_with('省') { "省" } else if c.region_name.ends_with('市') { "市" } else { "区" }
        ),
        body,
        true,
    );
    let list = |v: &[(String, String)]| {
        v.iter()
            .map(|(k, v)| format!("{k}{v}"))
            .collect::<Vec<_>>()
            .join("，")
    };
    d.heading("一、打击走私成果", body);
    d.paragraph(&format!("本周{}。", list(&c.smuggling)), body, true);
    d.heading("二、“三无”船舶查扣和海上违法违规查处", body);
    d.paragraph(&format!("本周{}。", list(&c.sea)), body, true);
    d.paragraph(
        &format!(
            "海上态势系统本周自动预警 {} 条，转为线索 {} 条，核查排除 {} 条，尚待处置 {} 条。",
            c.alerts_total, c.alerts_escalated, c.alerts_dismissed, c.alerts_open
        ),
        body,
        true,
    );
    d.heading("三、风险隐患整改进展", body);
    d.paragraph(
        &format!(
            "风险清单共 {} 项，本周销号 {} 项，整改中 {} 项，待验收 {} 项，逾期未整改 {} 项{}",
            c.risks_total,
            c.risks_closed_this_week,
            c.risks_rectifying,
            c.risks_pending_check,
            c.overdue_risks.len(),
            if c.overdue_risks.is_empty() {
                "。"
            } else {
                "，具体如下："
            }
        ),
        body,
        true,
    );
    if !c.overdue_risks.is_empty() {
        let rows: Vec<Vec<String>> = c
            .overdue_risks
            .iter()
            .map(|r| {
                vec![
                    r.place.clone(),
                    r.region.clone(),
                    r.unit.clone(),
                    chinese_date(r.deadline),
                    format!("{} 天", r.days_overdue),
                ]
            })
            .collect();
        d.table(
            &["风险点", "区划", "责任单位", "整改时限", "逾期"],
            &rows,
            &[3.0, 2.0, 3.0, 2.2, 1.2],
            10.5,
        );
    }
    d.heading("四、工作落后单位", body);
    if c.shortfalls.is_empty() {
        d.paragraph("本周各单位均按要求完成工作。", body, true);
    } else {
        for (i, f) in c.shortfalls.iter().enumerate() {
            d.paragraph(&format!("{}. {}：{}。", i + 1, f.who, f.what), body, true);
        }
    }
    if !c.cards.is_empty() {
        for (color, place, reason) in &c.cards {
            d.paragraph(&format!("对“{place}”亮{color}：{reason}。"), body, true);
        }
    }
    d.heading(
        &format!("五、精密智控评价排名（{}）", c.ranking_level),
        body,
    );
    if c.ranking.is_empty() {
        d.paragraph("本周无评价记录。", body, true);
    } else {
        let rows: Vec<Vec<String>> = c
            .ranking
            .iter()
            .map(|r| {
                vec![
                    r.rank.to_string(),
                    r.name.clone(),
                    format!("{:+}", r.added),
                    format!("{:+}", r.deducted),
                    format!("{:+}", r.points),
                ]
            })
            .collect();
        d.table(
            &["名次", "区划", "加分", "扣分", "得分"],
            &rows,
            &[1.0, 3.0, 1.2, 1.2, 1.2],
            10.5,
        );
        let bars: Vec<(String, f64)> = c
            .ranking
            .iter()
            .map(|r| (r.name.clone(), r.points as f64))
            .collect();
        d.bar_chart(&bars, 10.5);
    }
    d.paragraph("请各地各单位对照通报问题，举一反三，立即整改，逾期风险务必于下周内整改到位并报送整改情况。", body, true);
    d.space(24.0);
    d.right_aligned(&c.office, body);
    d.right_aligned(&chinese_date(c.issued_on), body);
    d.render()
}

/// The bulletin's figures as a workbook: the summary, overdue risks, units
/// that fell short, and the ranking with a chart.
pub fn render_xlsx(c: &BulletinContent) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let base = Format::new()
        .set_font_name("SimSun")
        .set_font_size(11)
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let head = base.clone().set_bold().set_align(FormatAlign::Center);
    let title = Format::new()
        .set_font_name("SimSun")
        .set_font_size(16)
        .set_bold()
        .set_align(FormatAlign::Center);
    let red = Format::new()
        .set_font_name("SimSun")
        .set_font_size(18)
        .set_bold()
        .set_font_color("#D00000")
        .set_align(FormatAlign::Center);
    {
        let ws = wb.add_worksheet();
        ws.set_name("通报")?;
        ws.set_column_width(0, 30)?;
        ws.set_column_width(1, 50)?;
        ws.merge_range(0, 0, 0, 1, &c.office, &red)?;
        ws.merge_range(1, 0, 1, 1, &format!("净海通报{}", c.number_label), &title)?;
        ws.merge_range(2, 0, 2, 1, &c.title, &title)?;
        let mut row = 4u32;
        let mut put =
            |ws: &mut rust_xlsxwriter::Worksheet, k: &str, v: &str| -> Result<(), XlsxError> {
                ws.write_string_with_format(row, 0, k, &head)?;
                ws.write_string_with_format(row, 1, v, &base)?;
                row += 1;
                Ok(())
            };
        put(ws, "通报周期", &week_label(c.week_from, c.week_to))?;
        for (k, v) in c.smuggling.iter().chain(&c.sea) {
            put(ws, k, v)?;
        }
        put(
            ws,
            "预警（总数/转线索/排除/待处置）",
            &format!(
                "{}/{}/{}/{}",
                c.alerts_total, c.alerts_escalated, c.alerts_dismissed, c.alerts_open
            ),
        )?;
        put(
            ws,
            "风险（总数/本周销号/整改中/待验收/逾期）",
            &format!(
                "{}/{}/{}/{}/{}",
                c.risks_total,
                c.risks_closed_this_week,
                c.risks_rectifying,
                c.risks_pending_check,
                c.overdue_risks.len()
            ),
        )?;
        put(ws, "印发日期", &chinese_date(c.issued_on))?;
    }
    let table = |wb: &mut Workbook,
                 name: &str,
                 cols: &[&str],
                 rows: Vec<Vec<String>>|
     -> Result<(), XlsxError> {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        for (i, h) in cols.iter().enumerate() {
            ws.write_string_with_format(0, i as u16, *h, &head)?;
            ws.set_column_width(i as u16, 18)?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (i, v) in row.iter().enumerate() {
                ws.write_string_with_format(r as u32 + 1, i as u16, v, &base)?;
            }
        }
        Ok(())
    };
    table(
        &mut wb,
        "逾期风险",
        &["风险点", "区划", "责任单位", "整改时限", "逾期天数"],
        c.overdue_risks
            .iter()
            .map(|r| {
                vec![
                    r.place.clone(),
                    r.region.clone(),
                    r.unit.clone(),
                    chinese_date(r.deadline),
                    r.days_overdue.to_string(),
                ]
            })
            .collect(),
    )?;
    table(
        &mut wb,
        "落后单位",
        &["单位/区划", "情况"],
        c.shortfalls
            .iter()
            .map(|f| vec![f.who.clone(), f.what.clone()])
            .collect(),
    )?;
    {
        let ws = wb.add_worksheet();
        ws.set_name("评价排名")?;
        for (i, h) in ["名次", "区划", "加分", "扣分", "得分"].iter().enumerate() {
            ws.write_string_with_format(0, i as u16, *h, &head)?;
            ws.set_column_width(i as u16, 14)?;
        }
        for (r, x) in c.ranking.iter().enumerate() {
            let r32 = r as u32 + 1;
            ws.write_number_with_format(r32, 0, x.rank as f64, &base)?;
            ws.write_string_with_format(r32, 1, &x.name, &base)?;
            ws.write_number_with_format(r32, 2, x.added as f64, &base)?;
            ws.write_number_with_format(r32, 3, x.deducted as f64, &base)?;
            ws.write_number_with_format(r32, 4, x.points as f64, &base)?;
        }
        if !c.ranking.is_empty() {
            let n = c.ranking.len() as u32;
            let mut chart = Chart::new(ChartType::Bar);
            chart
                .add_series()
                .set_categories(("评价排名", 1, 1, n, 1))
                .set_values(("评价排名", 1, 4, n, 4))
                .set_name("得分");
            chart
                .title()
                .set_name(&format!("精密智控评价得分（{}）", c.ranking_level));
            ws.insert_chart(1, 6, &chart)?;
        }
    }
    wb.save_to_buffer()
}
