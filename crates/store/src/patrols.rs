//! Storage of patrol plans and patrol records (with their tracks, as JSON
//! text `[[t, lat, lon], …]`). Expanded per backend by `impl_patrol_store!`.

use async_trait::async_trait;
use jinghai_domain::audit::Actor;
use jinghai_domain::patrol::{PatrolPlan, PatrolRecord, TrackPoint, TrackSource};
use jinghai_domain::time::Millis;
use jinghai_domain::Scope;

use crate::Result;

/// A plan about to be stored.
#[derive(Debug, Clone)]
pub struct NewPatrolPlan {
    pub region_id: i64,
    pub name: String,
    pub zone: Vec<[f64; 2]>,
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub unit_id: i64,
    pub vessels: String,
    pub personnel: i32,
    pub personnel_names: String,
    pub sweep_m: f64,
}

/// A patrol record about to be stored.
#[derive(Debug, Clone)]
pub struct NewPatrolRecord {
    pub plan_id: i64,
    pub unit_id: i64,
    pub vessel: String,
    pub mmsi: Option<i64>,
    pub source: TrackSource,
    pub started_at: Millis,
    pub ended_at: Millis,
    pub personnel: i32,
    pub vessels: i32,
    pub ships_checked: i32,
    pub persons_checked: i32,
    pub ships_seized: i32,
    pub track: Vec<TrackPoint>,
    pub length_km: f64,
    pub area_km2: f64,
    pub notes: String,
}

#[async_trait]
pub trait PatrolStore: Send + Sync {
    async fn create_patrol_plan(
        &self,
        actor: &Actor,
        at: Millis,
        p: &NewPatrolPlan,
    ) -> Result<PatrolPlan>;
    /// Plans in the caller's regions, or of the caller's unit.
    async fn list_patrol_plans(&self, scope: &Scope) -> Result<Vec<PatrolPlan>>;
    async fn get_patrol_plan(&self, scope: &Scope, id: i64) -> Result<PatrolPlan>;
    async fn add_patrol_record(
        &self,
        actor: &Actor,
        at: Millis,
        r: &NewPatrolRecord,
    ) -> Result<PatrolRecord>;
    async fn list_patrol_records(&self, plan_id: i64) -> Result<Vec<PatrolRecord>>;
    /// Records under a region prefix that started in `[from, to)`.
    async fn list_patrol_records_between(
        &self,
        scope: &Scope,
        prefix: &str,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<PatrolRecord>>;
}

macro_rules! patrol_plan_select {
    () => {
        "SELECT id, region_id, region_code, name, zone, starts_at, ends_at, unit_id, vessels, personnel, personnel_names, sweep_m, created_by, created_at FROM patrol_plans"
    };
}
macro_rules! patrol_record_select {
    () => {
        "SELECT id, plan_id, region_id, region_code, unit_id, vessel, mmsi, source, started_at, ended_at, personnel, vessels, ships_checked, persons_checked, ships_seized, track, length_km, area_km2, notes, created_by, created_at FROM patrol_records"
    };
}

macro_rules! impl_patrol_store {
    ($store:ident, $db:ty, $begin:literal) => {
        fn patrol_plan_from_row(r: &DbRow) -> $crate::Result<jinghai_domain::patrol::PatrolPlan> {
            let zone: String = r.try_get("zone")?;
            Ok(jinghai_domain::patrol::PatrolPlan {
                id: r.try_get("id")?,
                region_id: r.try_get("region_id")?,
                region_code: r.try_get("region_code")?,
                name: r.try_get("name")?,
                zone: serde_json::from_str(&zone).map_err(|e| corrupt("patrol zone", &e.to_string()))?,
                starts_at: r.try_get("starts_at")?,
                ends_at: r.try_get("ends_at")?,
                unit_id: r.try_get("unit_id")?,
                vessels: r.try_get("vessels")?,
                personnel: r.try_get("personnel")?,
                personnel_names: r.try_get("personnel_names")?,
                sweep_m: r.try_get("sweep_m")?,
                created_by: r.try_get("created_by")?,
                created_at: r.try_get("created_at")?,
            })
        }

        fn patrol_record_from_row(r: &DbRow) -> $crate::Result<jinghai_domain::patrol::PatrolRecord> {
            let source: String = r.try_get("source")?;
            let track: String = r.try_get("track")?;
            let raw: Vec<(i64, f64, f64)> = serde_json::from_str(&track).map_err(|e| corrupt("patrol track", &e.to_string()))?;
            Ok(jinghai_domain::patrol::PatrolRecord {
                id: r.try_get("id")?,
                plan_id: r.try_get("plan_id")?,
                region_id: r.try_get("region_id")?,
                region_code: r.try_get("region_code")?,
                unit_id: r.try_get("unit_id")?,
                vessel: r.try_get("vessel")?,
                mmsi: r.try_get("mmsi")?,
                source: jinghai_domain::patrol::TrackSource::parse(&source).ok_or_else(|| corrupt("track source", &source))?,
                started_at: r.try_get("started_at")?,
                ended_at: r.try_get("ended_at")?,
                personnel: r.try_get("personnel")?,
                vessels: r.try_get("vessels")?,
                ships_checked: r.try_get("ships_checked")?,
                persons_checked: r.try_get("persons_checked")?,
                ships_seized: r.try_get("ships_seized")?,
                track: raw.into_iter().map(|(t, lat, lon)| jinghai_domain::patrol::TrackPoint { t, lat, lon }).collect(),
                length_km: r.try_get("length_km")?,
                area_km2: r.try_get("area_km2")?,
                notes: r.try_get("notes")?,
                created_by: r.try_get("created_by")?,
                created_at: r.try_get("created_at")?,
            })
        }

        #[async_trait::async_trait]
        impl $crate::PatrolStore for $store {
            async fn create_patrol_plan(&self, actor: &$crate::Actor, at: $crate::Millis, p: &$crate::NewPatrolPlan) -> $crate::Result<jinghai_domain::patrol::PatrolPlan> {
                let mut tx = self.pool.begin_with($begin).await?;
                let region = region_in_tx(&mut tx, p.region_id).await?;
                let zone = serde_json::to_string(&p.zone).map_err(|e| corrupt("patrol zone", &e.to_string()))?;
                let id: i64 = sqlx::query(
                    "INSERT INTO patrol_plans (region_id, region_code, name, zone, starts_at, ends_at, unit_id, vessels, personnel, personnel_names, sweep_m, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                )
                .bind(p.region_id).bind(region.code.as_str()).bind(&p.name).bind(&zone).bind(p.starts_at).bind(p.ends_at).bind(p.unit_id)
                .bind(&p.vessels).bind(p.personnel).bind(&p.personnel_names).bind(p.sweep_m).bind(&actor.name).bind(at)
                .fetch_one(&mut *tx).await.map_err(|e| map_err(e, "the unit does not exist"))?
                .try_get("id")?;
                let row = sqlx::query(concat!(patrol_plan_select!(), " WHERE id = $1")).bind(id).fetch_one(&mut *tx).await?;
                let plan = patrol_plan_from_row(&row)?;
                write_audit(&mut tx, &$crate::NewAudit::of(actor, at, $crate::AuditAction::Create, "patrol_plan", id, &plan.region_code).after(snapshot(&plan))).await?;
                tx.commit().await?;
                Ok(plan)
            }

            async fn list_patrol_plans(&self, scope: &$crate::Scope) -> $crate::Result<Vec<jinghai_domain::patrol::PatrolPlan>> {
                let rows = sqlx::query(concat!(patrol_plan_select!(), " WHERE region_code LIKE $1 OR unit_id = $2 ORDER BY starts_at DESC, id DESC"))
                    .bind(scope.region_like()).bind(scope.unit_id.unwrap_or(-1)).fetch_all(&self.pool).await?;
                rows.iter().map(patrol_plan_from_row).collect()
            }

            async fn get_patrol_plan(&self, scope: &$crate::Scope, id: i64) -> $crate::Result<jinghai_domain::patrol::PatrolPlan> {
                let row = sqlx::query(concat!(patrol_plan_select!(), " WHERE id = $1 AND (region_code LIKE $2 OR unit_id = $3)"))
                    .bind(id).bind(scope.region_like()).bind(scope.unit_id.unwrap_or(-1)).fetch_optional(&self.pool).await?;
                patrol_plan_from_row(&row.ok_or($crate::StoreError::NotFound)?)
            }

            async fn add_patrol_record(&self, actor: &$crate::Actor, at: $crate::Millis, p: &$crate::NewPatrolRecord) -> $crate::Result<jinghai_domain::patrol::PatrolRecord> {
                let mut tx = self.pool.begin_with($begin).await?;
                let plan_row = sqlx::query(concat!(patrol_plan_select!(), " WHERE id = $1")).bind(p.plan_id).fetch_optional(&mut *tx).await?;
                let plan = patrol_plan_from_row(&plan_row.ok_or($crate::StoreError::NotFound)?)?;
                let raw: Vec<(i64, f64, f64)> = p.track.iter().map(|q| (q.t, q.lat, q.lon)).collect();
                let track = serde_json::to_string(&raw).map_err(|e| corrupt("patrol track", &e.to_string()))?;
                let id: i64 = sqlx::query(
                    "INSERT INTO patrol_records (plan_id, region_id, region_code, unit_id, vessel, mmsi, source, started_at, ended_at, personnel, vessels, ships_checked, persons_checked, ships_seized, track, length_km, area_km2, notes, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id",
                )
                .bind(p.plan_id).bind(plan.region_id).bind(&plan.region_code).bind(p.unit_id).bind(&p.vessel).bind(p.mmsi).bind(p.source.as_str())
                .bind(p.started_at).bind(p.ended_at).bind(p.personnel).bind(p.vessels).bind(p.ships_checked).bind(p.persons_checked).bind(p.ships_seized)
                .bind(&track).bind(p.length_km).bind(p.area_km2).bind(&p.notes).bind(&actor.name).bind(at)
                .fetch_one(&mut *tx).await.map_err(|e| map_err(e, "the unit does not exist"))?
                .try_get("id")?;
                let row = sqlx::query(concat!(patrol_record_select!(), " WHERE id = $1")).bind(id).fetch_one(&mut *tx).await?;
                let record = patrol_record_from_row(&row)?;
                let mut snap = record.clone();
                snap.track = Vec::new();
                write_audit(&mut tx, &$crate::NewAudit::of(actor, at, $crate::AuditAction::Create, "patrol_record", id, &record.region_code).after(snapshot(&snap))).await?;
                tx.commit().await?;
                Ok(record)
            }

            async fn list_patrol_records(&self, plan_id: i64) -> $crate::Result<Vec<jinghai_domain::patrol::PatrolRecord>> {
                let rows = sqlx::query(concat!(patrol_record_select!(), " WHERE plan_id = $1 ORDER BY started_at, id"))
                    .bind(plan_id).fetch_all(&self.pool).await?;
                rows.iter().map(patrol_record_from_row).collect()
            }

            async fn list_patrol_records_between(&self, scope: &$crate::Scope, prefix: &str, from: $crate::Millis, to: $crate::Millis) -> $crate::Result<Vec<jinghai_domain::patrol::PatrolRecord>> {
                let rows = sqlx::query(concat!(patrol_record_select!(), " WHERE (region_code LIKE $1 OR unit_id = $2) AND region_code LIKE $3 AND started_at >= $4 AND started_at < $5 ORDER BY started_at, id"))
                    .bind(scope.region_like()).bind(scope.unit_id.unwrap_or(-1)).bind(format!("{prefix}%")).bind(from).bind(to)
                    .fetch_all(&self.pool).await?;
                rows.iter().map(patrol_record_from_row).collect()
            }
        }
    };
}
