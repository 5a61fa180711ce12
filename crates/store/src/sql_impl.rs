//! The one implementation of [`crate::Store`], written once and expanded per
//! backend by `impl_store!`. Write transactions start with the backend's
//! `$begin` statement: SQLite needs `BEGIN IMMEDIATE`, because a deferred
//! transaction that reads and then writes fails at once with "database is
//! locked" when another connection wrote in between (it cannot wait: its
//! snapshot is stale); an immediate one takes the write lock first and waits. SQL here must be valid on both SQLite and
//! PostgreSQL: `$n` placeholders, `RETURNING`, `ON CONFLICT … DO UPDATE`,
//! `LIKE` on region-code prefixes, `BIGINT` epoch-millisecond times.

/// The column lists of the records read back, once each, so that a new
/// column is added in one place. (Macros, not consts: `concat!` needs
/// literals, and sqlx takes only `&'static str` SQL.)
macro_rules! region_select {
    () => {
        "SELECT id, code, name, level, parent_id FROM regions"
    };
}
macro_rules! unit_select {
    () => {
        "SELECT id, name, agency, region_id, region_code, parent_unit_id FROM units"
    };
}
macro_rules! user_select { () => { "SELECT id, username, display_name, role, region_id, region_code, unit_id, active FROM users" }; }
macro_rules! entry_select { () => { "SELECT id, form_id, region_id, region_code, section, day, unit_id, status, notes, updated_at, updated_by, submitted_at, reviewed_at, reviewed_by, review_comment FROM report_entries" }; }
macro_rules! risk_select { () => { "SELECT id, region_id, region_code, place, lat, lon, category, description, severity, found_by, found_on, measure, responsible_unit_id, responsible_person, deadline, status, evidence, check_comment, closed_on, last_update_on, created_at FROM risks" }; }
macro_rules! alert_select { () => { "SELECT id, event_key, region_id, region_code, kind, mmsi, other_mmsi, start_at, end_at, lat, lon, zone_id, detail, status, assigned_unit_id, created_at FROM alerts" }; }

macro_rules! impl_store {
    ($store:ident, $db:ty, $backend:expr, $migrations:expr, $begin:literal) => {
        use sqlx::Row as _;
        use $crate::{
            Actor, Agency, AuditAction, AuditEntry, AuditFilter, Backend, GroupAssignment, Millis,
            MigrationStatus, NewAudit, NewRegion, NewUnit, NewUser, Region, RegionCode, RegionLevel,
            Result, Role, Scope, Session, StoreError, Unit, User, UserPatch, WorkingGroup,
            AlertWrite, BulkEntry, Day, EntryState, EntryStatus, NewRisk, RiskPlan, RiskTransition, EntryWrite, FormDef, Milli, ReportEntry, ReportForm,
        };

        type DbRow = <$db as sqlx::Database>::Row;
        type Tx<'a> = sqlx::Transaction<'a, $db>;

        /// Maps constraint violations to errors that name what clashed.
        fn map_err(e: sqlx::Error, what: &str) -> StoreError {
            if let Some(db) = e.as_database_error() {
                if db.is_unique_violation() {
                    return StoreError::Conflict(what.to_string());
                }
                if db.is_foreign_key_violation() {
                    return StoreError::InUse(what.to_string());
                }
            }
            StoreError::Database(e)
        }

        fn corrupt(what: &str, value: &str) -> StoreError {
            StoreError::Corrupt(format!("{what}: {value:?}"))
        }

        fn region_from_row(r: &DbRow) -> Result<Region> {
            let code: String = r.try_get("code")?;
            let level: String = r.try_get("level")?;
            Ok(Region {
                id: r.try_get("id")?,
                code: RegionCode::parse(&code).map_err(|_| corrupt("region code", &code))?,
                name: r.try_get("name")?,
                level: RegionLevel::parse(&level).ok_or_else(|| corrupt("region level", &level))?,
                parent_id: r.try_get("parent_id")?,
            })
        }

        fn unit_from_row(r: &DbRow) -> Result<Unit> {
            let agency: String = r.try_get("agency")?;
            Ok(Unit {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                agency: Agency::parse(&agency).ok_or_else(|| corrupt("agency", &agency))?,
                region_id: r.try_get("region_id")?,
                region_code: r.try_get("region_code")?,
                parent_unit_id: r.try_get("parent_unit_id")?,
            })
        }

        fn user_from_row(r: &DbRow) -> Result<User> {
            let role: String = r.try_get("role")?;
            Ok(User {
                id: r.try_get("id")?,
                username: r.try_get("username")?,
                display_name: r.try_get("display_name")?,
                role: Role::parse(&role).ok_or_else(|| corrupt("role", &role))?,
                region_id: r.try_get("region_id")?,
                region_code: r.try_get("region_code")?,
                unit_id: r.try_get("unit_id")?,
                active: r.try_get("active")?,
            })
        }

        fn audit_from_row(r: &DbRow) -> Result<AuditEntry> {
            let action: String = r.try_get("action")?;
            Ok(AuditEntry {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                actor_user_id: r.try_get("actor_user_id")?,
                actor_name: r.try_get("actor_name")?,
                action: AuditAction::parse(&action).ok_or_else(|| corrupt("audit action", &action))?,
                entity: r.try_get("entity")?,
                entity_id: r.try_get("entity_id")?,
                region_code: r.try_get("region_code")?,
                before: r.try_get("before_json")?,
                after: r.try_get("after_json")?,
            })
        }

        fn snapshot<T: serde::Serialize>(v: &T) -> Option<String> {
            serde_json::to_string(v).ok()
        }


        async fn write_audit(tx: &mut Tx<'_>, a: &NewAudit) -> Result<()> {
            sqlx::query(
                "INSERT INTO audit_log (at, actor_user_id, actor_name, action, entity, entity_id, region_code, before_json, after_json) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(a.at)
            .bind(a.actor.user_id)
            .bind(&a.actor.name)
            .bind(a.action.as_str())
            .bind(a.entity)
            .bind(a.entity_id)
            .bind(&a.region_code)
            .bind(&a.before)
            .bind(&a.after)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }


        fn form_from_row(r: &DbRow) -> Result<ReportForm> {
            let text: String = r.try_get("definition")?;
            let def: FormDef = serde_json::from_str(&text).map_err(|e| corrupt("report form", &e.to_string()))?;
            Ok(ReportForm { id: r.try_get("id")?, def })
        }


        fn entry_from_row(r: &DbRow) -> Result<ReportEntry> {
            let status: String = r.try_get("status")?;
            Ok(ReportEntry {
                id: r.try_get("id")?,
                form_id: r.try_get("form_id")?,
                region_id: r.try_get("region_id")?,
                region_code: r.try_get("region_code")?,
                section: r.try_get("section")?,
                day: r.try_get("day")?,
                unit_id: r.try_get("unit_id")?,
                status: EntryStatus::parse(&status).ok_or_else(|| corrupt("entry status", &status))?,
                notes: r.try_get("notes")?,
                values: Vec::new(),
                updated_at: r.try_get("updated_at")?,
                updated_by: r.try_get("updated_by")?,
                submitted_at: r.try_get("submitted_at")?,
                reviewed_at: r.try_get("reviewed_at")?,
                reviewed_by: r.try_get("reviewed_by")?,
                review_comment: r.try_get("review_comment")?,
            })
        }

        async fn entry_in_tx(tx: &mut Tx<'_>, id: i64) -> Result<ReportEntry> {
            let row = sqlx::query(concat!(entry_select!(), " WHERE id = $1"))
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
            let mut e = entry_from_row(&row.ok_or(StoreError::NotFound)?)?;
            let vals = sqlx::query("SELECT indicator, value FROM report_values WHERE entry_id = $1 ORDER BY indicator").bind(id).fetch_all(&mut **tx).await?;
            e.values = vals.iter().map(|r| Ok((r.try_get("indicator")?, r.try_get("value")?))).collect::<Result<_>>()?;
            Ok(e)
        }

        /// Recomputes the totals of one form-day for every region prefix above
        /// (and including) the entry's region.
        async fn recompute_totals(tx: &mut Tx<'_>, form_id: i64, day: Day, region_code: &str) -> Result<()> {
            let level = RegionCode::parse(region_code).map(|c| c.implied_level()).unwrap_or(RegionLevel::Village);
            for l in RegionLevel::ALL.iter().filter(|l| l.prefix_len() <= level.prefix_len()) {
                let prefix = &region_code[..l.prefix_len()];
                sqlx::query("DELETE FROM report_totals WHERE form_id = $1 AND prefix = $2 AND day = $3")
                    .bind(form_id).bind(prefix).bind(day).execute(&mut **tx).await?;
                sqlx::query(
                    "INSERT INTO report_totals (form_id, prefix, day, indicator, value) \
                     SELECT e.form_id, $2, e.day, v.indicator, SUM(v.value) FROM report_values v JOIN report_entries e ON e.id = v.entry_id \
                     WHERE e.form_id = $1 AND e.day = $3 AND e.region_code LIKE $4 AND e.status IN ('submitted', 'approved') \
                     GROUP BY e.form_id, e.day, v.indicator",
                )
                .bind(form_id).bind(prefix).bind(day).bind(format!("{prefix}%"))
                .execute(&mut **tx).await?;
            }
            Ok(())
        }



        fn risk_from_row(r: &DbRow) -> Result<jinghai_domain::risk::RiskItem> {
            use jinghai_domain::risk::{RiskCategory, RiskStatus, Severity};
            let category: String = r.try_get("category")?;
            let severity: String = r.try_get("severity")?;
            let status: String = r.try_get("status")?;
            Ok(jinghai_domain::risk::RiskItem {
                id: r.try_get("id")?,
                region_id: r.try_get("region_id")?,
                region_code: r.try_get("region_code")?,
                place: r.try_get("place")?,
                lat: r.try_get("lat")?,
                lon: r.try_get("lon")?,
                category: RiskCategory::parse(&category).ok_or_else(|| corrupt("risk category", &category))?,
                description: r.try_get("description")?,
                severity: Severity::parse(&severity).ok_or_else(|| corrupt("severity", &severity))?,
                found_by: r.try_get("found_by")?,
                found_on: r.try_get("found_on")?,
                measure: r.try_get("measure")?,
                responsible_unit_id: r.try_get("responsible_unit_id")?,
                responsible_person: r.try_get("responsible_person")?,
                deadline: r.try_get("deadline")?,
                status: RiskStatus::parse(&status).ok_or_else(|| corrupt("risk status", &status))?,
                evidence: r.try_get("evidence")?,
                check_comment: r.try_get("check_comment")?,
                closed_on: r.try_get("closed_on")?,
                last_update_on: r.try_get("last_update_on")?,
                created_at: r.try_get("created_at")?,
            })
        }

        fn attachment_from_row(r: &DbRow) -> Result<jinghai_domain::risk::Attachment> {
            Ok(jinghai_domain::risk::Attachment {
                id: r.try_get("id")?,
                risk_id: r.try_get("risk_id")?,
                file_name: r.try_get("file_name")?,
                content_type: r.try_get("content_type")?,
                size: r.try_get("size")?,
                uploaded_by: r.try_get("uploaded_by")?,
                uploaded_at: r.try_get("uploaded_at")?,
            })
        }

        async fn risk_in_tx(tx: &mut Tx<'_>, id: i64) -> Result<jinghai_domain::risk::RiskItem> {
            let row = sqlx::query(concat!(risk_select!(), " WHERE id = $1"))
                .bind(id).fetch_optional(&mut **tx).await?;
            risk_from_row(&row.ok_or(StoreError::NotFound)?)
        }


        fn alert_from_row(r: &DbRow) -> Result<jinghai_domain::alert::Alert> {
            let status: String = r.try_get("status")?;
            Ok(jinghai_domain::alert::Alert {
                id: r.try_get("id")?,
                event_key: r.try_get("event_key")?,
                region_id: r.try_get("region_id")?,
                region_code: r.try_get("region_code")?,
                kind: r.try_get("kind")?,
                mmsi: r.try_get("mmsi")?,
                other_mmsi: r.try_get("other_mmsi")?,
                start_at: r.try_get("start_at")?,
                end_at: r.try_get("end_at")?,
                lat: r.try_get("lat")?,
                lon: r.try_get("lon")?,
                zone_id: r.try_get("zone_id")?,
                detail: r.try_get("detail")?,
                status: jinghai_domain::alert::AlertStatus::parse(&status).ok_or_else(|| corrupt("alert status", &status))?,
                assigned_unit_id: r.try_get("assigned_unit_id")?,
                created_at: r.try_get("created_at")?,
            })
        }

        async fn region_in_tx(tx: &mut Tx<'_>, id: i64) -> Result<Region> {
            let sql = concat!(region_select!(), " WHERE id = $1");
            let row = sqlx::query(sql).bind(id).fetch_optional(&mut **tx).await?;
            region_from_row(&row.ok_or(StoreError::NotFound)?)
        }

        async fn unit_in_tx(tx: &mut Tx<'_>, id: i64) -> Result<Unit> {
            let sql = concat!(unit_select!(), " WHERE id = $1");
            let row = sqlx::query(sql).bind(id).fetch_optional(&mut **tx).await?;
            unit_from_row(&row.ok_or(StoreError::NotFound)?)
        }

        async fn user_in_tx(tx: &mut Tx<'_>, id: i64) -> Result<User> {
            let sql = concat!(user_select!(), " WHERE id = $1");
            let row = sqlx::query(sql).bind(id).fetch_optional(&mut **tx).await?;
            user_from_row(&row.ok_or(StoreError::NotFound)?)
        }

        #[async_trait::async_trait]
        impl $crate::Store for $store {
            fn backend(&self) -> Backend {
                $backend
            }

            async fn migrate(&self) -> Result<Vec<MigrationStatus>> {
                sqlx::raw_sql(
                    "CREATE TABLE IF NOT EXISTS _migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)",
                )
                .execute(&self.pool)
                .await?;
                let applied = self.applied_checksums().await?;
                let mut done = Vec::new();
                for m in $migrations {
                    match applied.iter().find(|(v, _)| *v == m.version) {
                        Some((_, sum)) if *sum == m.checksum() => continue,
                        Some(_) => {
                            return Err(StoreError::Migration(format!(
                                "migration {} ({}) differs from the one applied to this database; released migrations must never be edited",
                                m.version, m.name
                            )))
                        }
                        None => {}
                    }
                    let mut tx = self.pool.begin_with($begin).await?;
                    sqlx::raw_sql(m.sql)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| StoreError::Migration(format!("migration {} ({}) failed: {e}", m.version, m.name)))?;
                    sqlx::query("INSERT INTO _migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
                        .bind(m.version)
                        .bind(m.name)
                        .bind(m.checksum())
                        .bind(0_i64)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    tracing::info!(version = m.version, name = m.name, "applied migration");
                    done.push(MigrationStatus { version: m.version, name: m.name.to_string(), applied: true });
                }
                if let Some((v, _)) = applied.iter().find(|(v, _)| !$migrations.iter().any(|m| m.version == *v)) {
                    return Err(StoreError::Migration(format!(
                        "the database has migration {v}, which this binary does not know: it was written by a newer version of Jinghai"
                    )));
                }
                Ok(done)
            }

            async fn migration_status(&self) -> Result<Vec<MigrationStatus>> {
                let applied = self.applied_checksums().await.unwrap_or_default();
                Ok($migrations
                    .iter()
                    .map(|m| MigrationStatus {
                        version: m.version,
                        name: m.name.to_string(),
                        applied: applied.iter().any(|(v, _)| *v == m.version),
                    })
                    .collect())
            }

            async fn ping(&self) -> Result<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            // --- regions ---

            async fn list_regions(&self, scope: &Scope) -> Result<Vec<Region>> {
                let rows = sqlx::query(concat!(region_select!(), " WHERE code LIKE $1 ORDER BY code"))
                    .bind(scope.region_like())
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(region_from_row).collect()
            }

            async fn get_region(&self, scope: &Scope, id: i64) -> Result<Region> {
                let row = sqlx::query(concat!(region_select!(), " WHERE id = $1 AND code LIKE $2"))
                    .bind(id)
                    .bind(scope.region_like())
                    .fetch_optional(&self.pool)
                    .await?;
                region_from_row(&row.ok_or(StoreError::NotFound)?)
            }

            async fn get_region_unscoped(&self, id: i64) -> Result<Region> {
                let row = sqlx::query(concat!(region_select!(), " WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                region_from_row(&row.ok_or(StoreError::NotFound)?)
            }

            async fn find_region_by_code(&self, code: &str) -> Result<Option<Region>> {
                let row = sqlx::query(concat!(region_select!(), " WHERE code = $1"))
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(region_from_row).transpose()
            }

            async fn create_region(&self, actor: &Actor, at: Millis, new: &NewRegion) -> Result<Region> {
                let mut tx = self.pool.begin_with($begin).await?;
                let id: i64 = sqlx::query("INSERT INTO regions (code, name, level, parent_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                    .bind(new.code.as_str())
                    .bind(&new.name)
                    .bind(new.level.as_str())
                    .bind(new.parent_id)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| map_err(e, &format!("region code {} already exists", new.code)))?
                    .try_get("id")?;
                let region = region_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "region", id, region.code.as_str()).before(None).after(snapshot(&region))).await?;
                tx.commit().await?;
                Ok(region)
            }

            async fn rename_region(&self, actor: &Actor, at: Millis, id: i64, name: &str) -> Result<Region> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = region_in_tx(&mut tx, id).await?;
                sqlx::query("UPDATE regions SET name = $1 WHERE id = $2").bind(name).bind(id).execute(&mut *tx).await?;
                let after = region_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "region", id, after.code.as_str()).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn delete_region(&self, actor: &Actor, at: Millis, id: i64) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = region_in_tx(&mut tx, id).await?;
                sqlx::query("DELETE FROM regions WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| map_err(e, &format!("region {} still has sub-regions, units or users", before.name)))?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Delete, "region", id, before.code.as_str()).before(snapshot(&before)).after(None)).await?;
                tx.commit().await?;
                Ok(())
            }

            // --- units ---

            async fn list_units(&self, scope: &Scope) -> Result<Vec<Unit>> {
                let rows = sqlx::query(concat!(unit_select!(), " WHERE region_code LIKE $1 OR id = $2 ORDER BY region_code, name"))
                    .bind(scope.region_like())
                    .bind(scope.unit_id.unwrap_or(-1))
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(unit_from_row).collect()
            }

            async fn get_unit(&self, scope: &Scope, id: i64) -> Result<Unit> {
                let row = sqlx::query(concat!(unit_select!(), " WHERE id = $1 AND (region_code LIKE $2 OR id = $3)"))
                    .bind(id)
                    .bind(scope.region_like())
                    .bind(scope.unit_id.unwrap_or(-1))
                    .fetch_optional(&self.pool)
                    .await?;
                unit_from_row(&row.ok_or(StoreError::NotFound)?)
            }

            async fn get_unit_unscoped(&self, id: i64) -> Result<Unit> {
                let mut tx = self.pool.begin_with($begin).await?;
                let unit = unit_in_tx(&mut tx, id).await?;
                tx.commit().await?;
                Ok(unit)
            }

            async fn create_unit(&self, actor: &Actor, at: Millis, new: &NewUnit) -> Result<Unit> {
                let mut tx = self.pool.begin_with($begin).await?;
                let region = region_in_tx(&mut tx, new.region_id).await?;
                let id: i64 = sqlx::query("INSERT INTO units (name, agency, region_id, region_code, parent_unit_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                    .bind(&new.name)
                    .bind(new.agency.as_str())
                    .bind(new.region_id)
                    .bind(region.code.as_str())
                    .bind(new.parent_unit_id)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| map_err(e, &format!("a unit named {} already exists in {}", new.name, region.name)))?
                    .try_get("id")?;
                let unit = unit_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "unit", id, &unit.region_code).before(None).after(snapshot(&unit))).await?;
                tx.commit().await?;
                Ok(unit)
            }

            async fn update_unit(&self, actor: &Actor, at: Millis, id: i64, name: &str, agency: Agency) -> Result<Unit> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = unit_in_tx(&mut tx, id).await?;
                sqlx::query("UPDATE units SET name = $1, agency = $2 WHERE id = $3")
                    .bind(name)
                    .bind(agency.as_str())
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| map_err(e, &format!("a unit named {name} already exists in this region")))?;
                let after = unit_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "unit", id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn delete_unit(&self, actor: &Actor, at: Millis, id: i64) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = unit_in_tx(&mut tx, id).await?;
                sqlx::query("DELETE FROM units WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| map_err(e, &format!("unit {} still has users, sub-units or task-force roles", before.name)))?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Delete, "unit", id, &before.region_code).before(snapshot(&before)).after(None)).await?;
                tx.commit().await?;
                Ok(())
            }

            // --- users ---

            async fn list_users(&self, scope: &Scope) -> Result<Vec<User>> {
                let rows = sqlx::query(concat!(user_select!(), " WHERE region_code LIKE $1 ORDER BY region_code, username"))
                    .bind(scope.region_like())
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(user_from_row).collect()
            }

            async fn get_user(&self, scope: &Scope, id: i64) -> Result<User> {
                let row = sqlx::query(concat!(user_select!(), " WHERE id = $1 AND (region_code LIKE $2 OR id = $3)"))
                    .bind(id)
                    .bind(scope.region_like())
                    .bind(scope.user_id)
                    .fetch_optional(&self.pool)
                    .await?;
                user_from_row(&row.ok_or(StoreError::NotFound)?)
            }

            async fn find_login(&self, username: &str) -> Result<Option<(User, String)>> {
                let row = sqlx::query("SELECT id, username, display_name, role, region_id, region_code, unit_id, active, password_hash FROM users WHERE username = $1")
                    .bind(username)
                    .fetch_optional(&self.pool)
                    .await?;
                match row {
                    None => Ok(None),
                    Some(r) => Ok(Some((user_from_row(&r)?, r.try_get("password_hash")?))),
                }
            }

            async fn create_user(&self, actor: &Actor, at: Millis, new: &NewUser) -> Result<User> {
                let mut tx = self.pool.begin_with($begin).await?;
                let region = region_in_tx(&mut tx, new.region_id).await?;
                let id: i64 = sqlx::query("INSERT INTO users (username, display_name, password_hash, role, region_id, region_code, unit_id, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8) RETURNING id")
                    .bind(&new.username)
                    .bind(&new.display_name)
                    .bind(&new.password_hash)
                    .bind(new.role.as_str())
                    .bind(new.region_id)
                    .bind(region.code.as_str())
                    .bind(new.unit_id)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| map_err(e, &format!("username {} is taken", new.username)))?
                    .try_get("id")?;
                let user = user_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "user", id, &user.region_code).before(None).after(snapshot(&user))).await?;
                tx.commit().await?;
                Ok(user)
            }

            async fn update_user(&self, actor: &Actor, at: Millis, id: i64, patch: &UserPatch) -> Result<User> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = user_in_tx(&mut tx, id).await?;
                let region = region_in_tx(&mut tx, patch.region_id).await?;
                sqlx::query("UPDATE users SET display_name = $1, role = $2, region_id = $3, region_code = $4, unit_id = $5, active = $6 WHERE id = $7")
                    .bind(&patch.display_name)
                    .bind(patch.role.as_str())
                    .bind(patch.region_id)
                    .bind(region.code.as_str())
                    .bind(patch.unit_id)
                    .bind(patch.active)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| map_err(e, "the unit does not exist"))?;
                if !patch.active {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
                }
                let after = user_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "user", id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn set_password(&self, actor: &Actor, at: Millis, id: i64, password_hash: &str) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                let user = user_in_tx(&mut tx, id).await?;
                sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(password_hash).bind(id).execute(&mut *tx).await?;
                // A new password ends every session of the account.
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
                let note = Some(r#"{"password":"changed"}"#.to_string());
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "user", id, &user.region_code).before(None).after(note)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn count_users(&self) -> Result<i64> {
                Ok(sqlx::query("SELECT COUNT(*) AS n FROM users").fetch_one(&self.pool).await?.try_get("n")?)
            }

            // --- sessions ---

            async fn create_session(&self, token_hash: &str, user_id: i64, csrf: &str, now: Millis, expires_at: Millis) -> Result<()> {
                sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(&self.pool).await?;
                sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(token_hash)
                    .bind(user_id)
                    .bind(csrf)
                    .bind(now)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn get_session(&self, token_hash: &str, now: Millis) -> Result<Option<Session>> {
                let row = sqlx::query(
                    "SELECT u.id, u.username, u.display_name, u.role, u.region_id, u.region_code, u.unit_id, u.active, \
                     r.level AS region_level, s.csrf_token, s.expires_at \
                     FROM sessions s JOIN users u ON u.id = s.user_id JOIN regions r ON r.id = u.region_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                let Some(r) = row else { return Ok(None) };
                let level: String = r.try_get("region_level")?;
                Ok(Some(Session {
                    user: user_from_row(&r)?,
                    region_level: RegionLevel::parse(&level).ok_or_else(|| corrupt("region level", &level))?,
                    csrf_token: r.try_get("csrf_token")?,
                    expires_at: r.try_get("expires_at")?,
                }))
            }

            async fn delete_session(&self, token_hash: &str) -> Result<()> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
                Ok(())
            }

            async fn delete_sessions_of(&self, user_id: i64) -> Result<()> {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&self.pool).await?;
                Ok(())
            }

            // --- task force ---

            async fn list_group_assignments(&self, scope: &Scope, district_id: i64) -> Result<Vec<GroupAssignment>> {
                // The district must be visible to the caller.
                self.get_region(scope, district_id).await?;
                let rows = sqlx::query("SELECT working_group, lead_unit_id FROM task_force_groups WHERE district_region_id = $1")
                    .bind(district_id)
                    .fetch_all(&self.pool)
                    .await?;
                let mut out = Vec::new();
                for group in WorkingGroup::ALL {
                    let lead = rows
                        .iter()
                        .find(|r| r.try_get::<String, _>("working_group").map(|g| g == group.as_str()).unwrap_or(false))
                        .map(|r| r.try_get::<Option<i64>, _>("lead_unit_id"))
                        .transpose()?
                        .flatten();
                    out.push(GroupAssignment { district_region_id: district_id, group, lead_unit_id: lead });
                }
                Ok(out)
            }

            async fn set_group_lead(&self, actor: &Actor, at: Millis, district_id: i64, group: WorkingGroup, unit_id: Option<i64>) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                let district = region_in_tx(&mut tx, district_id).await?;
                let before: Option<Option<i64>> = sqlx::query("SELECT lead_unit_id FROM task_force_groups WHERE district_region_id = $1 AND working_group = $2")
                    .bind(district_id)
                    .bind(group.as_str())
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|r| r.try_get("lead_unit_id"))
                    .transpose()?;
                sqlx::query(
                    "INSERT INTO task_force_groups (district_region_id, working_group, lead_unit_id) VALUES ($1, $2, $3) \
                     ON CONFLICT (district_region_id, working_group) DO UPDATE SET lead_unit_id = excluded.lead_unit_id",
                )
                .bind(district_id)
                .bind(group.as_str())
                .bind(unit_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| map_err(e, "the unit does not exist"))?;
                let snap = |lead: Option<i64>| snapshot(&GroupAssignment { district_region_id: district_id, group, lead_unit_id: lead });
                write_audit(
                    &mut tx,
                    &NewAudit::of(actor, at, if before.is_some() { AuditAction::Update } else { AuditAction::Create }, "task_force_group", district_id, district.code.as_str()).before(before.map(snap).flatten()).after(snap(unit_id)),
                )
                .await?;
                tx.commit().await?;
                Ok(())
            }


            // --- reports ---

            async fn upsert_report_form(&self, actor: &Actor, at: Millis, def: &FormDef) -> Result<i64> {
                let text = serde_json::to_string(def).map_err(|e| corrupt("report form", &e.to_string()))?;
                let mut tx = self.pool.begin_with($begin).await?;
                let existing = sqlx::query("SELECT id, definition FROM report_forms WHERE code = $1").bind(&def.code).fetch_optional(&mut *tx).await?;
                let id = match existing {
                    Some(r) => {
                        let id: i64 = r.try_get("id")?;
                        let before: String = r.try_get("definition")?;
                        if before != text {
                            sqlx::query("UPDATE report_forms SET definition = $1 WHERE id = $2").bind(&text).bind(id).execute(&mut *tx).await?;
                            write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "report_form", id, "").before(Some(before)).after(Some(text))).await?;
                        }
                        id
                    }
                    None => {
                        let id: i64 = sqlx::query("INSERT INTO report_forms (code, definition, created_at) VALUES ($1, $2, $3) RETURNING id")
                            .bind(&def.code).bind(&text).bind(at).fetch_one(&mut *tx).await?.try_get("id")?;
                        write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "report_form", id, "").after(Some(text))).await?;
                        id
                    }
                };
                tx.commit().await?;
                Ok(id)
            }

            async fn get_report_form(&self, code: &str) -> Result<Option<ReportForm>> {
                let row = sqlx::query("SELECT id, definition FROM report_forms WHERE code = $1").bind(code).fetch_optional(&self.pool).await?;
                row.as_ref().map(form_from_row).transpose()
            }

            async fn list_report_forms(&self) -> Result<Vec<ReportForm>> {
                let rows = sqlx::query("SELECT id, definition FROM report_forms ORDER BY id").fetch_all(&self.pool).await?;
                rows.iter().map(form_from_row).collect()
            }

            async fn list_report_entries(&self, scope: &Scope, form_id: i64, from: Day, to: Day) -> Result<Vec<ReportEntry>> {
                let rows = sqlx::query(concat!(entry_select!(), " WHERE form_id = $1 AND day >= $2 AND day <= $3 AND region_code LIKE $4 ORDER BY day, region_code, section"))
                    .bind(form_id).bind(from).bind(to).bind(scope.region_like())
                    .fetch_all(&self.pool).await?;
                let mut entries: Vec<ReportEntry> = rows.iter().map(entry_from_row).collect::<Result<_>>()?;
                if entries.is_empty() {
                    return Ok(entries);
                }
                let vals = sqlx::query("SELECT v.entry_id, v.indicator, v.value FROM report_values v JOIN report_entries e ON e.id = v.entry_id WHERE e.form_id = $1 AND e.day >= $2 AND e.day <= $3 AND e.region_code LIKE $4")
                    .bind(form_id).bind(from).bind(to).bind(scope.region_like())
                    .fetch_all(&self.pool).await?;
                let mut by_entry: std::collections::HashMap<i64, Vec<(String, Milli)>> = std::collections::HashMap::new();
                for r in &vals {
                    by_entry.entry(r.try_get("entry_id")?).or_default().push((r.try_get("indicator")?, r.try_get("value")?));
                }
                for e in &mut entries {
                    e.values = by_entry.remove(&e.id).unwrap_or_default();
                    e.values.sort();
                }
                Ok(entries)
            }

            async fn get_report_entry(&self, scope: &Scope, id: i64) -> Result<ReportEntry> {
                let mut tx = self.pool.begin_with($begin).await?;
                let e = entry_in_tx(&mut tx, id).await?;
                tx.commit().await?;
                if scope.covers_region(&e.region_code) { Ok(e) } else { Err(StoreError::NotFound) }
            }

            async fn save_report_entry(&self, actor: &Actor, at: Millis, w: &EntryWrite) -> Result<ReportEntry> {
                let mut tx = self.pool.begin_with($begin).await?;
                let region = region_in_tx(&mut tx, w.region_id).await?;
                let existing: Option<i64> = sqlx::query("SELECT id FROM report_entries WHERE form_id = $1 AND region_id = $2 AND section = $3 AND day = $4")
                    .bind(w.form_id).bind(w.region_id).bind(&w.section).bind(w.day)
                    .fetch_optional(&mut *tx).await?.map(|r| r.try_get("id")).transpose()?;
                let submitted_at = if w.status == EntryStatus::Submitted { Some(at) } else { None };
                let (id, before) = match existing {
                    Some(id) => {
                        let before = entry_in_tx(&mut tx, id).await?;
                        sqlx::query("UPDATE report_entries SET unit_id = $1, status = $2, notes = $3, updated_at = $4, updated_by = $5, submitted_at = COALESCE($6, submitted_at) WHERE id = $7")
                            .bind(w.unit_id).bind(w.status.as_str()).bind(&w.notes).bind(at).bind(actor.user_id).bind(submitted_at).bind(id)
                            .execute(&mut *tx).await?;
                        sqlx::query("DELETE FROM report_values WHERE entry_id = $1").bind(id).execute(&mut *tx).await?;
                        (id, Some(before))
                    }
                    None => {
                        let id: i64 = sqlx::query("INSERT INTO report_entries (form_id, region_id, region_code, section, day, unit_id, status, notes, updated_at, updated_by, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id")
                            .bind(w.form_id).bind(w.region_id).bind(region.code.as_str()).bind(&w.section).bind(w.day).bind(w.unit_id)
                            .bind(w.status.as_str()).bind(&w.notes).bind(at).bind(actor.user_id).bind(submitted_at)
                            .fetch_one(&mut *tx).await
                            .map_err(|e| map_err(e, "this section of this day already exists"))?
                            .try_get("id")?;
                        (id, None)
                    }
                };
                for (k, v) in &w.values {
                    sqlx::query("INSERT INTO report_values (entry_id, indicator, value) VALUES ($1, $2, $3)").bind(id).bind(k).bind(*v).execute(&mut *tx).await?;
                }
                recompute_totals(&mut tx, w.form_id, w.day, region.code.as_str()).await?;
                let after = entry_in_tx(&mut tx, id).await?;
                let action = if before.is_some() { AuditAction::Update } else { AuditAction::Create };
                write_audit(&mut tx, &NewAudit::of(actor, at, action, "report_entry", id, region.code.as_str()).before(before.as_ref().and_then(snapshot)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn set_report_status(&self, actor: &Actor, at: Millis, id: i64, status: EntryStatus, reviewer: Option<i64>, comment: &str) -> Result<ReportEntry> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = entry_in_tx(&mut tx, id).await?;
                sqlx::query("UPDATE report_entries SET status = $1, reviewed_at = $2, reviewed_by = $3, review_comment = $4 WHERE id = $5")
                    .bind(status.as_str()).bind(at).bind(reviewer).bind(comment).bind(id)
                    .execute(&mut *tx).await?;
                recompute_totals(&mut tx, before.form_id, before.day, &before.region_code).await?;
                let after = entry_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "report_entry", id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn report_rollup(&self, form_id: i64, prefix: &str, from: Day, to: Day) -> Result<Vec<(String, Milli)>> {
                let rows = sqlx::query("SELECT indicator, CAST(SUM(value) AS BIGINT) AS total FROM report_totals WHERE form_id = $1 AND prefix = $2 AND day >= $3 AND day <= $4 GROUP BY indicator ORDER BY indicator")
                    .bind(form_id).bind(prefix).bind(from).bind(to)
                    .fetch_all(&self.pool).await?;
                rows.iter().map(|r| Ok((r.try_get("indicator")?, r.try_get::<Option<i64>, _>("total")?.unwrap_or(0)))).collect()
            }

            async fn report_series(&self, form_id: i64, prefix: &str, from: Day, to: Day) -> Result<Vec<(Day, String, Milli)>> {
                let rows = sqlx::query("SELECT day, indicator, value FROM report_totals WHERE form_id = $1 AND prefix = $2 AND day >= $3 AND day <= $4 ORDER BY day, indicator")
                    .bind(form_id).bind(prefix).bind(from).bind(to)
                    .fetch_all(&self.pool).await?;
                rows.iter().map(|r| Ok((r.try_get("day")?, r.try_get("indicator")?, r.try_get("value")?))).collect()
            }

            async fn report_entry_states(&self, scope: &Scope, form_id: i64, from: Day, to: Day) -> Result<Vec<EntryState>> {
                let rows = sqlx::query("SELECT region_id, day, section, status, submitted_at FROM report_entries WHERE form_id = $1 AND day >= $2 AND day <= $3 AND region_code LIKE $4")
                    .bind(form_id).bind(from).bind(to).bind(scope.region_like())
                    .fetch_all(&self.pool).await?;
                rows.iter()
                    .map(|r| {
                        let status: String = r.try_get("status")?;
                        Ok(EntryState {
                            region_id: r.try_get("region_id")?,
                            day: r.try_get("day")?,
                            section: r.try_get("section")?,
                            status: EntryStatus::parse(&status).ok_or_else(|| corrupt("entry status", &status))?,
                            submitted_at: r.try_get("submitted_at")?,
                        })
                    })
                    .collect()
            }

            async fn bulk_insert_report_entries(&self, form_id: i64, entries: &[BulkEntry]) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                let next: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) AS m FROM report_entries").fetch_one(&mut *tx).await?.try_get("m")?;
                // Explicit ids, so values can name their entry without a round trip per row.
                for (chunk_no, chunk) in entries.chunks(500).enumerate() {
                    let base = next + 1 + (chunk_no * 500) as i64;
                    let mut q = sqlx::QueryBuilder::<$db>::new("INSERT INTO report_entries (id, form_id, region_id, region_code, section, day, status, updated_at) ");
                    q.push_values(chunk.iter().enumerate(), |mut b, (i, e)| {
                        b.push_bind(base + i as i64).push_bind(form_id).push_bind(e.region_id).push_bind(e.region_code.clone()).push_bind(e.section.clone()).push_bind(e.day).push_bind(e.status.as_str()).push_bind(0_i64);
                    });
                    q.build().execute(&mut *tx).await?;
                    let values: Vec<(i64, &String, Milli)> = chunk.iter().enumerate().flat_map(|(i, e)| e.values.iter().map(move |(k, v)| (base + i as i64, k, *v))).collect();
                    for vchunk in values.chunks(1000) {
                        let mut q = sqlx::QueryBuilder::<$db>::new("INSERT INTO report_values (entry_id, indicator, value) ");
                        q.push_values(vchunk, |mut b, (id, k, v)| {
                            b.push_bind(*id).push_bind((*k).clone()).push_bind(*v);
                        });
                        q.build().execute(&mut *tx).await?;
                    }
                }
                tx.commit().await?;
                Ok(())
            }

            async fn rebuild_report_totals(&self, form_id: i64) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query("DELETE FROM report_totals WHERE form_id = $1").bind(form_id).execute(&mut *tx).await?;
                // Entries are filed per district: totals exist for the district,
                // its city and its province (prefixes of 6, 4 and 2 digits).
                for len in [2_i32, 4, 6] {
                    sqlx::query(
                        "INSERT INTO report_totals (form_id, prefix, day, indicator, value) \
                         SELECT e.form_id, SUBSTR(e.region_code, 1, $2), e.day, v.indicator, SUM(v.value) \
                         FROM report_values v JOIN report_entries e ON e.id = v.entry_id \
                         WHERE e.form_id = $1 AND e.status IN ('submitted', 'approved') \
                         GROUP BY e.form_id, SUBSTR(e.region_code, 1, $2), e.day, v.indicator",
                    )
                    .bind(form_id).bind(len)
                    .execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            // --- risks ---

            async fn create_risk(&self, actor: &Actor, at: Millis, n: &NewRisk) -> Result<jinghai_domain::risk::RiskItem> {
                let mut tx = self.pool.begin_with($begin).await?;
                let region = region_in_tx(&mut tx, n.region_id).await?;
                let id: i64 = sqlx::query("INSERT INTO risks (region_id, region_code, place, lat, lon, category, description, severity, found_by, found_on, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11) RETURNING id")
                    .bind(n.region_id).bind(region.code.as_str()).bind(&n.place).bind(n.lat).bind(n.lon).bind(n.category.as_str())
                    .bind(&n.description).bind(n.severity.as_str()).bind(&n.found_by).bind(n.found_on).bind(at)
                    .fetch_one(&mut *tx).await?.try_get("id")?;
                let risk = risk_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "risk", id, &risk.region_code).after(snapshot(&risk))).await?;
                tx.commit().await?;
                Ok(risk)
            }

            async fn get_risk(&self, scope: &Scope, id: i64) -> Result<jinghai_domain::risk::RiskItem> {
                let row = sqlx::query(concat!(risk_select!(), " WHERE id = $1 AND (region_code LIKE $2 OR responsible_unit_id = $3)"))
                    .bind(id).bind(scope.region_like()).bind(scope.unit_id.unwrap_or(-1))
                    .fetch_optional(&self.pool).await?;
                risk_from_row(&row.ok_or(StoreError::NotFound)?)
            }

            async fn list_risks(&self, scope: &Scope) -> Result<Vec<jinghai_domain::risk::RiskItem>> {
                let rows = sqlx::query(concat!(risk_select!(), " WHERE region_code LIKE $1 OR responsible_unit_id = $2 ORDER BY id DESC"))
                    .bind(scope.region_like()).bind(scope.unit_id.unwrap_or(-1))
                    .fetch_all(&self.pool).await?;
                rows.iter().map(risk_from_row).collect()
            }

            async fn set_risk_plan(&self, actor: &Actor, at: Millis, id: i64, p: &RiskPlan) -> Result<jinghai_domain::risk::RiskItem> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = risk_in_tx(&mut tx, id).await?;
                sqlx::query("UPDATE risks SET measure = $1, responsible_unit_id = $2, responsible_person = $3, deadline = $4, status = CASE WHEN status = 'open' THEN 'rectifying' ELSE status END WHERE id = $5")
                    .bind(&p.measure).bind(p.responsible_unit_id).bind(&p.responsible_person).bind(p.deadline).bind(id)
                    .execute(&mut *tx).await.map_err(|e| map_err(e, "the unit does not exist"))?;
                let after = risk_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "risk", id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn add_risk_update(&self, actor: &Actor, at: Millis, id: i64, day: Day, progress: &str) -> Result<jinghai_domain::risk::RiskUpdate> {
                let mut tx = self.pool.begin_with($begin).await?;
                let risk = risk_in_tx(&mut tx, id).await?;
                let uid: i64 = sqlx::query("INSERT INTO risk_updates (risk_id, day, progress, reported_by, reported_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                    .bind(id).bind(day).bind(progress).bind(&actor.name).bind(at)
                    .fetch_one(&mut *tx).await?.try_get("id")?;
                sqlx::query("UPDATE risks SET last_update_on = $1 WHERE id = $2").bind(day).bind(id).execute(&mut *tx).await?;
                let update = jinghai_domain::risk::RiskUpdate { id: uid, risk_id: id, day, progress: progress.to_string(), reported_by: actor.name.clone(), reported_at: at };
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "risk_update", uid, &risk.region_code).after(snapshot(&update))).await?;
                tx.commit().await?;
                Ok(update)
            }

            async fn list_risk_updates(&self, risk_id: i64) -> Result<Vec<jinghai_domain::risk::RiskUpdate>> {
                let rows = sqlx::query("SELECT id, risk_id, day, progress, reported_by, reported_at FROM risk_updates WHERE risk_id = $1 ORDER BY id").bind(risk_id).fetch_all(&self.pool).await?;
                rows.iter()
                    .map(|r| Ok(jinghai_domain::risk::RiskUpdate { id: r.try_get("id")?, risk_id: r.try_get("risk_id")?, day: r.try_get("day")?, progress: r.try_get("progress")?, reported_by: r.try_get("reported_by")?, reported_at: r.try_get("reported_at")? }))
                    .collect()
            }

            async fn add_risk_attachment(&self, actor: &Actor, at: Millis, id: i64, file_name: &str, content_type: &str, bytes: &[u8]) -> Result<jinghai_domain::risk::Attachment> {
                let mut tx = self.pool.begin_with($begin).await?;
                let risk = risk_in_tx(&mut tx, id).await?;
                let aid: i64 = sqlx::query("INSERT INTO risk_attachments (risk_id, file_name, content_type, size, data, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                    .bind(id).bind(file_name).bind(content_type).bind(bytes.len() as i64).bind(bytes).bind(&actor.name).bind(at)
                    .fetch_one(&mut *tx).await?.try_get("id")?;
                let att = jinghai_domain::risk::Attachment { id: aid, risk_id: id, file_name: file_name.to_string(), content_type: content_type.to_string(), size: bytes.len() as i64, uploaded_by: actor.name.clone(), uploaded_at: at };
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "risk_attachment", aid, &risk.region_code).after(snapshot(&att))).await?;
                tx.commit().await?;
                Ok(att)
            }

            async fn list_risk_attachments(&self, risk_id: i64) -> Result<Vec<jinghai_domain::risk::Attachment>> {
                let rows = sqlx::query("SELECT id, risk_id, file_name, content_type, size, uploaded_by, uploaded_at FROM risk_attachments WHERE risk_id = $1 ORDER BY id").bind(risk_id).fetch_all(&self.pool).await?;
                rows.iter().map(attachment_from_row).collect()
            }

            async fn get_risk_attachment(&self, scope: &Scope, id: i64) -> Result<(jinghai_domain::risk::Attachment, Vec<u8>)> {
                let row = sqlx::query("SELECT a.id, a.risk_id, a.file_name, a.content_type, a.size, a.uploaded_by, a.uploaded_at, a.data FROM risk_attachments a JOIN risks r ON r.id = a.risk_id WHERE a.id = $1 AND (r.region_code LIKE $2 OR r.responsible_unit_id = $3)")
                    .bind(id).bind(scope.region_like()).bind(scope.unit_id.unwrap_or(-1))
                    .fetch_optional(&self.pool).await?;
                let r = row.ok_or(StoreError::NotFound)?;
                Ok((attachment_from_row(&r)?, r.try_get("data")?))
            }

            async fn set_risk_status(&self, actor: &Actor, at: Millis, id: i64, t: &RiskTransition) -> Result<jinghai_domain::risk::RiskItem> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = risk_in_tx(&mut tx, id).await?;
                sqlx::query("UPDATE risks SET status = $1, evidence = COALESCE($2, evidence), check_comment = COALESCE($3, check_comment), closed_on = $4 WHERE id = $5")
                    .bind(t.status.as_str()).bind(&t.evidence).bind(&t.check_comment).bind(t.closed_on).bind(id)
                    .execute(&mut *tx).await?;
                let after = risk_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "risk", id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            // --- alerts ---

            async fn upsert_alert(&self, at: Millis, a: &AlertWrite) -> Result<i64> {
                let mut tx = self.pool.begin_with($begin).await?;
                let region = region_in_tx(&mut tx, a.region_id).await?;
                let id: i64 = sqlx::query(
                    "INSERT INTO alerts (event_key, region_id, region_code, kind, mmsi, other_mmsi, start_at, end_at, lat, lon, zone_id, detail, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) \
                     ON CONFLICT (event_key) DO UPDATE SET end_at = excluded.end_at, detail = excluded.detail, updated_at = excluded.updated_at RETURNING id",
                )
                .bind(&a.event_key).bind(a.region_id).bind(region.code.as_str()).bind(&a.kind).bind(a.mmsi).bind(a.other_mmsi)
                .bind(a.start_at).bind(a.end_at).bind(a.lat).bind(a.lon).bind(&a.zone_id).bind(&a.detail).bind(at)
                .fetch_one(&mut *tx).await?.try_get("id")?;
                tx.commit().await?;
                Ok(id)
            }

            async fn list_alerts(&self, scope: &Scope, limit: i64) -> Result<Vec<jinghai_domain::alert::Alert>> {
                let rows = sqlx::query(concat!(alert_select!(), " WHERE region_code LIKE $1 OR assigned_unit_id = $2 ORDER BY start_at DESC, id DESC LIMIT $3"))
                    .bind(scope.region_like()).bind(scope.unit_id.unwrap_or(-1)).bind(limit.clamp(1, 5000))
                    .fetch_all(&self.pool).await?;
                rows.iter().map(alert_from_row).collect()
            }

            async fn find_alerts(&self, scope: &Scope, f: &jinghai_domain::alert::AlertFilter, limit: i64) -> Result<Vec<jinghai_domain::alert::Alert>> {
                // One statement for every combination: an absent filter binds
                // NULL and its clause is true. (The CASTs give PostgreSQL the
                // parameter types it cannot infer from `$n IS NULL`.)
                let rows = sqlx::query(concat!(alert_select!(), " WHERE (region_code LIKE $1 OR assigned_unit_id = $2)",
                        " AND (CAST($3 AS TEXT) IS NULL OR kind = $3)",
                        " AND (CAST($4 AS TEXT) IS NULL OR zone_id = $4)",
                        " AND (CAST($5 AS TEXT) IS NULL OR status = $5)",
                        " AND (CAST($6 AS BIGINT) IS NULL OR assigned_unit_id = $6)",
                        " AND (CAST($7 AS BIGINT) IS NULL OR mmsi = $7 OR other_mmsi = $7)",
                        " AND (CAST($8 AS BIGINT) IS NULL OR start_at >= $8)",
                        " AND (CAST($9 AS BIGINT) IS NULL OR start_at < $9)",
                        " AND (CAST($10 AS BIGINT) IS NULL OR (status IN ('new', 'assigned') AND created_at < $10))",
                        " AND (CAST($11 AS BIGINT) IS NULL OR id > $11)",
                        " ORDER BY start_at DESC, id DESC LIMIT $12"))
                    .bind(scope.region_like()).bind(scope.unit_id.unwrap_or(-1))
                    .bind(f.kind.as_deref()).bind(f.zone_id.as_deref()).bind(f.status.map(|s| s.as_str()))
                    .bind(f.unit_id).bind(f.mmsi).bind(f.from).bind(f.to)
                    .bind(f.raised_before_unacknowledged).bind(f.after_id)
                    .bind(limit.clamp(1, 5000))
                    .fetch_all(&self.pool).await?;
                rows.iter().map(alert_from_row).collect()
            }

            async fn count_alerts(&self, scope: &Scope, overdue_before: Millis) -> Result<jinghai_domain::alert::AlertCounts> {
                let row = sqlx::query(concat!("SELECT",
                        " COALESCE(SUM(CASE WHEN status IN ('new', 'assigned', 'acknowledged') THEN 1 ELSE 0 END), 0) AS open,",
                        " COALESCE(SUM(CASE WHEN status = 'new' THEN 1 ELSE 0 END), 0) AS fresh,",
                        " COALESCE(SUM(CASE WHEN status IN ('new', 'assigned') AND created_at < $3 THEN 1 ELSE 0 END), 0) AS overdue",
                        " FROM alerts WHERE region_code LIKE $1 OR assigned_unit_id = $2"))
                    .bind(scope.region_like()).bind(scope.unit_id.unwrap_or(-1)).bind(overdue_before)
                    .fetch_one(&self.pool).await?;
                Ok(jinghai_domain::alert::AlertCounts {
                    open: row.try_get::<i64, _>("open")?,
                    new: row.try_get::<i64, _>("fresh")?,
                    overdue: row.try_get::<i64, _>("overdue")?,
                })
            }

            async fn get_alert(&self, scope: &Scope, id: i64) -> Result<jinghai_domain::alert::Alert> {
                let row = sqlx::query(concat!(alert_select!(), " WHERE id = $1 AND (region_code LIKE $2 OR assigned_unit_id = $3)"))
                    .bind(id).bind(scope.region_like()).bind(scope.unit_id.unwrap_or(-1))
                    .fetch_optional(&self.pool).await?;
                alert_from_row(&row.ok_or(StoreError::NotFound)?)
            }

            async fn set_alert_status(&self, actor: &Actor, at: Millis, id: i64, status: jinghai_domain::alert::AlertStatus, unit_id: Option<i64>, note: &str) -> Result<jinghai_domain::alert::Alert> {
                let mut tx = self.pool.begin_with($begin).await?;
                let select = concat!(alert_select!(), " WHERE id = $1");
                let before = alert_from_row(&sqlx::query(select).bind(id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?)?;
                let ack = if status == jinghai_domain::alert::AlertStatus::Acknowledged { Some(at) } else { None };
                sqlx::query("UPDATE alerts SET status = $1, assigned_unit_id = COALESCE($2, assigned_unit_id), acknowledged_at = COALESCE($3, acknowledged_at), note = $4, updated_at = $5 WHERE id = $6")
                    .bind(status.as_str()).bind(unit_id).bind(ack).bind(note).bind(at).bind(id)
                    .execute(&mut *tx).await.map_err(|e| map_err(e, "the unit does not exist"))?;
                let after = alert_from_row(&sqlx::query(select).bind(id).fetch_one(&mut *tx).await?)?;
                let snap = |a: &jinghai_domain::alert::Alert| Some(format!(r#"{{"status":"{}","assigned_unit_id":{},"note":{}}}"#, a.status.as_str(), a.assigned_unit_id.map(|u| u.to_string()).unwrap_or_else(|| "null".into()), serde_json::to_string(note).unwrap_or_default()));
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "alert", id, &after.region_code).before(snap(&before)).after(snap(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            // --- audit ---

            async fn append_audit(&self, entry: &NewAudit) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                write_audit(&mut tx, entry).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn list_audit(&self, scope: &Scope, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
                let rows = sqlx::query(
                    "SELECT id, at, actor_user_id, actor_name, action, entity, entity_id, region_code, before_json, after_json \
                     FROM audit_log WHERE region_code LIKE $1 \
                     AND ($2 IS NULL OR entity = $2) AND ($3 IS NULL OR action = $3) \
                     AND ($4 IS NULL OR actor_name LIKE $4) AND ($5 IS NULL OR at >= $5) AND ($6 IS NULL OR at < $6) \
                     ORDER BY id DESC LIMIT $7",
                )
                .bind(scope.region_like())
                .bind(&f.entity)
                .bind(f.action.map(|a| a.as_str()))
                .bind(f.actor.as_ref().map(|a| format!("%{a}%")))
                .bind(f.from)
                .bind(f.to)
                .bind(if f.limit <= 0 { 200 } else { f.limit.min(5000) })
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(audit_from_row).collect()
            }
        }

        impl $store {
            async fn applied_checksums(&self) -> Result<Vec<(i64, String)>> {
                let rows = sqlx::query("SELECT version, checksum FROM _migrations ORDER BY version").fetch_all(&self.pool).await?;
                rows.iter().map(|r| Ok((r.try_get("version")?, r.try_get("checksum")?))).collect()
            }
        }
    };
}
