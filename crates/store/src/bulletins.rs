//! Storage of weekly bulletins: the archive (numbered per region and year,
//! one per region and week, with the rendered files), the regions' DingTalk
//! robots and every push attempt. Expanded per backend by
//! `impl_bulletin_store!`.

use async_trait::async_trait;
use jinghai_domain::audit::Actor;
use jinghai_domain::bulletin::{Bulletin, PushAttempt, Robot};
use jinghai_domain::report::Day;
use jinghai_domain::time::Millis;
use jinghai_domain::Scope;

use crate::Result;

/// A bulletin about to be archived, with its rendered files.
#[derive(Debug, Clone)]
pub struct NewBulletin {
    pub region_id: i64,
    pub year: i32,
    pub number: i32,
    pub week_from: Day,
    pub week_to: Day,
    pub title: String,
    pub issued_on: Day,
    pub summary: String,
    pub content: jinghai_domain::bulletin::BulletinContent,
    pub pdf: Vec<u8>,
    pub xlsx: Vec<u8>,
    pub push_status: String,
}

/// Which archived file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulletinFile {
    Pdf,
    Xlsx,
}

// One attempt's record is a handful of plain fields; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
#[async_trait]
pub trait BulletinStore: Send + Sync {
    /// The next free number of a region's bulletins in a year.
    async fn next_bulletin_number(&self, region_id: i64, year: i32) -> Result<i32>;
    /// Archives a bulletin. A second one for the same region and week, or a
    /// number taken meanwhile, is a conflict.
    async fn create_bulletin(&self, actor: &Actor, at: Millis, b: &NewBulletin)
        -> Result<Bulletin>;
    async fn list_bulletins(&self, scope: &Scope) -> Result<Vec<Bulletin>>;
    async fn get_bulletin(&self, scope: &Scope, id: i64) -> Result<Bulletin>;
    async fn get_bulletin_file(
        &self,
        scope: &Scope,
        id: i64,
        file: BulletinFile,
    ) -> Result<Vec<u8>>;
    /// Records one push attempt and the bulletin's resulting push status.
    async fn add_push_attempt(
        &self,
        actor: &Actor,
        at: Millis,
        bulletin_id: i64,
        attempt: i32,
        ok: bool,
        detail: &str,
        status: &str,
    ) -> Result<PushAttempt>;
    async fn list_push_attempts(&self, bulletin_id: i64) -> Result<Vec<PushAttempt>>;
    /// Sets (or, with an empty webhook, removes) a region's robot.
    async fn set_robot(
        &self,
        actor: &Actor,
        at: Millis,
        region_id: i64,
        webhook: &str,
        secret: &str,
    ) -> Result<Option<Robot>>;
    /// The robot of exactly this region, for pushing (internal: no scope).
    async fn get_robot_unscoped(&self, region_id: i64) -> Result<Option<Robot>>;
    async fn list_robots(&self, scope: &Scope) -> Result<Vec<Robot>>;
}

macro_rules! bulletin_select {
    () => {
        "SELECT id, region_id, region_code, year, number, week_from, week_to, title, issued_on, summary, content, created_by, created_at, push_status FROM bulletins"
    };
}

macro_rules! impl_bulletin_store {
    ($store:ident, $db:ty, $begin:literal) => {
        fn bulletin_from_row(r: &DbRow) -> $crate::Result<jinghai_domain::bulletin::Bulletin> {
            Ok(jinghai_domain::bulletin::Bulletin {
                id: r.try_get("id")?,
                region_id: r.try_get("region_id")?,
                region_code: r.try_get("region_code")?,
                year: r.try_get("year")?,
                number: r.try_get("number")?,
                week_from: r.try_get("week_from")?,
                week_to: r.try_get("week_to")?,
                title: r.try_get("title")?,
                issued_on: r.try_get("issued_on")?,
                summary: r.try_get("summary")?,
                content: {
                    let text: String = r.try_get("content")?;
                    serde_json::from_str(&text).map_err(|e| corrupt("bulletin content", &e.to_string()))?
                },
                created_by: r.try_get("created_by")?,
                created_at: r.try_get("created_at")?,
                push_status: r.try_get("push_status")?,
            })
        }

        fn robot_from_row(r: &DbRow) -> $crate::Result<jinghai_domain::bulletin::Robot> {
            Ok(jinghai_domain::bulletin::Robot {
                region_id: r.try_get("region_id")?,
                region_code: r.try_get("region_code")?,
                webhook: r.try_get("webhook")?,
                secret: r.try_get("secret")?,
                updated_by: r.try_get("updated_by")?,
                updated_at: r.try_get("updated_at")?,
            })
        }

        fn push_from_row(r: &DbRow) -> $crate::Result<jinghai_domain::bulletin::PushAttempt> {
            Ok(jinghai_domain::bulletin::PushAttempt {
                id: r.try_get("id")?,
                bulletin_id: r.try_get("bulletin_id")?,
                attempt: r.try_get("attempt")?,
                at: r.try_get("at")?,
                ok: r.try_get("ok")?,
                detail: r.try_get("detail")?,
            })
        }

        /// What the audit log keeps of a robot: never the secret or token.
        fn robot_snapshot(r: &jinghai_domain::bulletin::Robot) -> Option<String> {
            Some(format!(
                r#"{{"region_code":{},"webhook":{},"secret":"***"}}"#,
                serde_json::to_string(&r.region_code).unwrap_or_default(),
                serde_json::to_string(&jinghai_domain::bulletin::redact_token(&r.webhook)).unwrap_or_default()
            ))
        }

        #[allow(clippy::too_many_arguments)]
        #[async_trait::async_trait]
        impl $crate::BulletinStore for $store {
            async fn next_bulletin_number(&self, region_id: i64, year: i32) -> $crate::Result<i32> {
                let row = sqlx::query("SELECT COALESCE(MAX(number), 0) AS n FROM bulletins WHERE region_id = $1 AND year = $2")
                    .bind(region_id).bind(year).fetch_one(&self.pool).await?;
                let n: i32 = row.try_get("n")?;
                Ok(n + 1)
            }

            async fn create_bulletin(&self, actor: &$crate::Actor, at: $crate::Millis, b: &$crate::NewBulletin) -> $crate::Result<jinghai_domain::bulletin::Bulletin> {
                let mut tx = self.pool.begin_with($begin).await?;
                let region = region_in_tx(&mut tx, b.region_id).await?;
                let id: i64 = sqlx::query(
                    "INSERT INTO bulletins (region_id, region_code, year, number, week_from, week_to, title, issued_on, summary, content, pdf, xlsx, created_by, created_at, push_status) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
                )
                .bind(b.region_id).bind(region.code.as_str()).bind(b.year).bind(b.number).bind(b.week_from).bind(b.week_to)
                .bind(&b.title).bind(b.issued_on).bind(&b.summary).bind(serde_json::to_string(&b.content).map_err(|e| corrupt("bulletin content", &e.to_string()))?).bind(&b.pdf).bind(&b.xlsx)
                .bind(&actor.name).bind(at).bind(&b.push_status)
                .fetch_one(&mut *tx).await
                .map_err(|e| map_err(e, "a bulletin for this region and week, or with this number, already exists"))?
                .try_get("id")?;
                let row = sqlx::query(concat!(bulletin_select!(), " WHERE id = $1")).bind(id).fetch_one(&mut *tx).await?;
                let bulletin = bulletin_from_row(&row)?;
                write_audit(&mut tx, &$crate::NewAudit::of(actor, at, $crate::AuditAction::Create, "bulletin", id, &bulletin.region_code).after(snapshot(&bulletin))).await?;
                tx.commit().await?;
                Ok(bulletin)
            }

            async fn list_bulletins(&self, scope: &$crate::Scope) -> $crate::Result<Vec<jinghai_domain::bulletin::Bulletin>> {
                let rows = sqlx::query(concat!(bulletin_select!(), " WHERE region_code LIKE $1 ORDER BY week_from DESC, id DESC"))
                    .bind(scope.region_like()).fetch_all(&self.pool).await?;
                rows.iter().map(bulletin_from_row).collect()
            }

            async fn get_bulletin(&self, scope: &$crate::Scope, id: i64) -> $crate::Result<jinghai_domain::bulletin::Bulletin> {
                let row = sqlx::query(concat!(bulletin_select!(), " WHERE id = $1 AND region_code LIKE $2"))
                    .bind(id).bind(scope.region_like()).fetch_optional(&self.pool).await?;
                bulletin_from_row(&row.ok_or($crate::StoreError::NotFound)?)
            }

            async fn get_bulletin_file(&self, scope: &$crate::Scope, id: i64, file: $crate::BulletinFile) -> $crate::Result<Vec<u8>> {
                let sql = match file {
                    $crate::BulletinFile::Pdf => "SELECT pdf AS data FROM bulletins WHERE id = $1 AND region_code LIKE $2",
                    $crate::BulletinFile::Xlsx => "SELECT xlsx AS data FROM bulletins WHERE id = $1 AND region_code LIKE $2",
                };
                let row = sqlx::query(sql).bind(id).bind(scope.region_like()).fetch_optional(&self.pool).await?;
                Ok(row.ok_or($crate::StoreError::NotFound)?.try_get("data")?)
            }

            async fn add_push_attempt(&self, actor: &$crate::Actor, at: $crate::Millis, bulletin_id: i64, attempt: i32, ok: bool, detail: &str, status: &str) -> $crate::Result<jinghai_domain::bulletin::PushAttempt> {
                let mut tx = self.pool.begin_with($begin).await?;
                let row = sqlx::query(concat!(bulletin_select!(), " WHERE id = $1")).bind(bulletin_id).fetch_optional(&mut *tx).await?;
                let bulletin = bulletin_from_row(&row.ok_or($crate::StoreError::NotFound)?)?;
                let id: i64 = sqlx::query("INSERT INTO bulletin_pushes (bulletin_id, attempt, at, ok, detail) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                    .bind(bulletin_id).bind(attempt).bind(at).bind(ok).bind(detail)
                    .fetch_one(&mut *tx).await?.try_get("id")?;
                sqlx::query("UPDATE bulletins SET push_status = $1 WHERE id = $2").bind(status).bind(bulletin_id).execute(&mut *tx).await?;
                let push = jinghai_domain::bulletin::PushAttempt { id, bulletin_id, attempt, at, ok, detail: detail.to_string() };
                write_audit(&mut tx, &$crate::NewAudit::of(actor, at, $crate::AuditAction::Create, "bulletin_push", id, &bulletin.region_code).after(snapshot(&push))).await?;
                tx.commit().await?;
                Ok(push)
            }

            async fn list_push_attempts(&self, bulletin_id: i64) -> $crate::Result<Vec<jinghai_domain::bulletin::PushAttempt>> {
                let rows = sqlx::query("SELECT id, bulletin_id, attempt, at, ok, detail FROM bulletin_pushes WHERE bulletin_id = $1 ORDER BY id")
                    .bind(bulletin_id).fetch_all(&self.pool).await?;
                rows.iter().map(push_from_row).collect()
            }

            async fn set_robot(&self, actor: &$crate::Actor, at: $crate::Millis, region_id: i64, webhook: &str, secret: &str) -> $crate::Result<Option<jinghai_domain::bulletin::Robot>> {
                let mut tx = self.pool.begin_with($begin).await?;
                let region = region_in_tx(&mut tx, region_id).await?;
                let select = "SELECT region_id, region_code, webhook, secret, updated_by, updated_at FROM dingtalk_robots WHERE region_id = $1";
                let before = sqlx::query(select).bind(region_id).fetch_optional(&mut *tx).await?.as_ref().map(robot_from_row).transpose()?;
                if webhook.is_empty() {
                    sqlx::query("DELETE FROM dingtalk_robots WHERE region_id = $1").bind(region_id).execute(&mut *tx).await?;
                } else {
                    sqlx::query(
                        "INSERT INTO dingtalk_robots (region_id, region_code, webhook, secret, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (region_id) DO UPDATE SET webhook = excluded.webhook, secret = excluded.secret, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                    )
                    .bind(region_id).bind(region.code.as_str()).bind(webhook).bind(secret).bind(&actor.name).bind(at)
                    .execute(&mut *tx).await?;
                }
                let after = sqlx::query(select).bind(region_id).fetch_optional(&mut *tx).await?.as_ref().map(robot_from_row).transpose()?;
                let action = match (&before, &after) {
                    (None, _) => $crate::AuditAction::Create,
                    (Some(_), None) => $crate::AuditAction::Delete,
                    _ => $crate::AuditAction::Update,
                };
                write_audit(&mut tx, &$crate::NewAudit::of(actor, at, action, "dingtalk_robot", region_id, region.code.as_str())
                    .before(before.as_ref().and_then(robot_snapshot)).after(after.as_ref().and_then(robot_snapshot))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn get_robot_unscoped(&self, region_id: i64) -> $crate::Result<Option<jinghai_domain::bulletin::Robot>> {
                let row = sqlx::query("SELECT region_id, region_code, webhook, secret, updated_by, updated_at FROM dingtalk_robots WHERE region_id = $1")
                    .bind(region_id).fetch_optional(&self.pool).await?;
                row.as_ref().map(robot_from_row).transpose()
            }

            async fn list_robots(&self, scope: &$crate::Scope) -> $crate::Result<Vec<jinghai_domain::bulletin::Robot>> {
                let rows = sqlx::query("SELECT region_id, region_code, webhook, secret, updated_by, updated_at FROM dingtalk_robots WHERE region_code LIKE $1 ORDER BY region_code")
                    .bind(scope.region_like()).fetch_all(&self.pool).await?;
                rows.iter().map(robot_from_row).collect()
            }
        }
    };
}
