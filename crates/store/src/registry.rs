//! The registries' storage: vessels (with photos and the captain's token of
//! the vessel code), places (zones and risk points, geometry as GeoJSON
//! text), port reports with the persons aboard, and the AIS port entries the
//! live engine saw. Every change is audited in its transaction; the AIS port
//! entries are machine records, like alerts, and are not.
//!
//! One body for both backends (`impl_registry_store!`, expanded in
//! `sqlite.rs` and `postgres.rs` after `impl_store!`, whose helpers it uses).

use async_trait::async_trait;
use jinghai_domain::audit::Actor;
use jinghai_domain::registry::{
    CaptainToken, OwnerKind, PersonAboard, Place, PortEntry, PortReport, ReportKind,
    StatelessStatus, Vessel, VesselPhoto,
};
use jinghai_domain::time::Millis;
use jinghai_domain::Scope;

use crate::Result;

/// A vessel as written (create, edit, import).
#[derive(Debug, Clone, PartialEq)]
pub struct VesselWrite {
    pub region_id: i64,
    pub mmsi: i64,
    pub name: String,
    pub kind: String,
    pub flag: String,
    pub international: bool,
    pub home_port: String,
    pub owner_kind: OwnerKind,
    pub owner_name: String,
    pub owner_contact: String,
    pub owner_phone: String,
    pub registry_no: String,
    pub stateless: StatelessStatus,
    pub notes: String,
}

/// A new vessel with its first captain's token.
#[derive(Debug, Clone)]
pub struct NewVessel {
    pub vessel: VesselWrite,
    pub token: String,
    pub token_expires_at: Millis,
}

/// What the vessel list shows.
#[derive(Debug, Clone, Default)]
pub struct VesselFilter {
    /// Part of the name, MMSI, registry number or owner.
    pub text: Option<String>,
    pub kind: Option<String>,
    pub stateless: Option<StatelessStatus>,
    pub limit: i64,
}

/// A place as written.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceWrite {
    pub region_id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub applies_to: Option<String>,
    pub geometry: String,
    pub lat: f64,
    pub lon: f64,
    pub notes: String,
}

/// A port report as written.
#[derive(Debug, Clone, PartialEq)]
pub struct PortReportWrite {
    pub vessel_id: Option<i64>,
    pub region_id: i64,
    pub mmsi: i64,
    pub kind: ReportKind,
    pub port_code: String,
    pub reported_at: Millis,
    pub persons_aboard: Option<i64>,
    pub itinerary: String,
    pub contact_history: String,
    pub source: String,
    pub persons: Vec<PersonAboard>,
}

/// An AIS port entry as the live engine saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct PortEntryWrite {
    pub region_id: i64,
    pub mmsi: i64,
    pub port_code: String,
    pub entry_at: Millis,
    pub lat: f64,
    pub lon: f64,
}

/// How an import of places treats a code that exists: its record is updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
}

/// What [`RegistryStore::registry_revisions`] returns: one opaque string
/// per registry, different whenever its rows changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryRevisions {
    pub vessels: String,
    pub places: String,
    pub reports: String,
}

#[async_trait]
pub trait RegistryStore: Send + Sync {
    // --- vessels ---
    async fn list_vessels(&self, scope: &Scope, filter: &VesselFilter) -> Result<Vec<Vessel>>;
    async fn get_vessel(&self, scope: &Scope, id: i64) -> Result<Vessel>;
    /// For the captain's page (the token is checked by the caller) and feeds.
    async fn get_vessel_unscoped(&self, id: i64) -> Result<Vessel>;
    /// The record holding `mmsi`, wherever it is (duplicate checks).
    async fn find_vessel_by_mmsi_unscoped(&self, mmsi: i64) -> Result<Option<Vessel>>;
    /// Creates vessels in one transaction: all or none.
    async fn create_vessels(
        &self,
        actor: &Actor,
        at: Millis,
        new: &[NewVessel],
    ) -> Result<Vec<Vessel>>;
    async fn update_vessel(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        w: &VesselWrite,
    ) -> Result<Vessel>;
    /// The captain's token of a vessel (the caller has checked scope or token).
    async fn vessel_token_unscoped(&self, vessel_id: i64) -> Result<CaptainToken>;
    /// Replaces the captain's token (rotation); audited without the token itself.
    async fn set_vessel_token(
        &self,
        actor: &Actor,
        at: Millis,
        vessel_id: i64,
        token: &str,
        expires_at: Millis,
    ) -> Result<CaptainToken>;
    async fn add_vessel_photo(
        &self,
        actor: &Actor,
        at: Millis,
        vessel_id: i64,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<VesselPhoto>;
    async fn list_vessel_photos(&self, vessel_id: i64) -> Result<Vec<VesselPhoto>>;
    /// A photo and its bytes, if its vessel is visible to the caller.
    async fn get_vessel_photo(&self, scope: &Scope, id: i64) -> Result<(VesselPhoto, Vec<u8>)>;

    // --- places ---
    async fn list_places(&self, scope: &Scope) -> Result<Vec<Place>>;
    /// A cheap fingerprint of a district's vessels, places and port reports
    /// (count, latest change, highest id of each): a stream worker polls it
    /// and reloads what changed.
    async fn registry_revisions(&self, district_code: &str) -> Result<RegistryRevisions>;
    async fn get_place(&self, scope: &Scope, id: i64) -> Result<Place>;
    async fn create_place(&self, actor: &Actor, at: Millis, w: &PlaceWrite) -> Result<Place>;
    async fn update_place(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        w: &PlaceWrite,
    ) -> Result<Place>;
    async fn delete_place(&self, actor: &Actor, at: Millis, id: i64) -> Result<()>;
    /// Creates or updates (by district and code) every place in one transaction.
    async fn import_places(
        &self,
        actor: &Actor,
        at: Millis,
        rows: &[PlaceWrite],
    ) -> Result<ImportCounts>;

    // --- port reports ---
    /// Creates reports (with their persons) in one transaction: all or none.
    async fn create_port_reports(
        &self,
        actor: &Actor,
        at: Millis,
        rows: &[PortReportWrite],
    ) -> Result<Vec<PortReport>>;
    /// Reports made between two times (inclusive), without their persons.
    async fn list_port_reports(
        &self,
        scope: &Scope,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<PortReport>>;
    /// One report with its persons.
    async fn get_port_report(&self, scope: &Scope, id: i64) -> Result<PortReport>;
    /// Counts the reports of a district (for the first import of a feed's file).
    async fn count_port_reports_unscoped(&self, region_prefix: &str) -> Result<i64>;

    // --- AIS port entries ---
    /// Records an entry (the same vessel, port and time once). Not audited.
    async fn record_port_entry(&self, at: Millis, e: &PortEntryWrite) -> Result<()>;
    async fn list_port_entries(
        &self,
        scope: &Scope,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<PortEntry>>;
}

macro_rules! vessel_select { () => { "SELECT id, region_id, region_code, mmsi, name, kind, flag, international, home_port, owner_kind, owner_name, owner_contact, owner_phone, registry_no, stateless, notes, created_at, updated_at FROM vessels" }; }
macro_rules! place_select { () => { "SELECT id, region_id, region_code, code, name, kind, applies_to, geometry, lat, lon, notes, updated_at FROM places" }; }
macro_rules! report_select { () => { "SELECT id, vessel_id, region_id, region_code, mmsi, kind, port_code, reported_at, persons_aboard, itinerary, contact_history, source, entered_by, created_at FROM port_reports" }; }

macro_rules! impl_registry_store {
    ($store:ident, $db:ty, $begin:literal) => {
        fn reg_vessel_from_row(r: &DbRow) -> Result<jinghai_domain::registry::Vessel> {
            use jinghai_domain::registry::{OwnerKind, StatelessStatus};
            let owner_kind: String = r.try_get("owner_kind")?;
            let stateless: String = r.try_get("stateless")?;
            Ok(jinghai_domain::registry::Vessel {
                id: r.try_get("id")?,
                region_id: r.try_get("region_id")?,
                region_code: r.try_get("region_code")?,
                mmsi: r.try_get("mmsi")?,
                name: r.try_get("name")?,
                kind: r.try_get("kind")?,
                flag: r.try_get("flag")?,
                international: r.try_get("international")?,
                home_port: r.try_get("home_port")?,
                owner_kind: OwnerKind::parse(&owner_kind).ok_or_else(|| corrupt("owner kind", &owner_kind))?,
                owner_name: r.try_get("owner_name")?,
                owner_contact: r.try_get("owner_contact")?,
                owner_phone: r.try_get("owner_phone")?,
                registry_no: r.try_get("registry_no")?,
                stateless: StatelessStatus::parse(&stateless).ok_or_else(|| corrupt("stateless status", &stateless))?,
                notes: r.try_get("notes")?,
                created_at: r.try_get("created_at")?,
                updated_at: r.try_get("updated_at")?,
            })
        }

        fn reg_photo_from_row(r: &DbRow) -> Result<jinghai_domain::registry::VesselPhoto> {
            Ok(jinghai_domain::registry::VesselPhoto {
                id: r.try_get("id")?,
                vessel_id: r.try_get("vessel_id")?,
                file_name: r.try_get("file_name")?,
                content_type: r.try_get("content_type")?,
                size: r.try_get("size")?,
                uploaded_by: r.try_get("uploaded_by")?,
                uploaded_at: r.try_get("uploaded_at")?,
            })
        }

        fn reg_place_from_row(r: &DbRow) -> Result<jinghai_domain::registry::Place> {
            Ok(jinghai_domain::registry::Place {
                id: r.try_get("id")?,
                region_id: r.try_get("region_id")?,
                region_code: r.try_get("region_code")?,
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                kind: r.try_get("kind")?,
                applies_to: r.try_get("applies_to")?,
                geometry: r.try_get("geometry")?,
                lat: r.try_get("lat")?,
                lon: r.try_get("lon")?,
                notes: r.try_get("notes")?,
                updated_at: r.try_get("updated_at")?,
            })
        }

        fn reg_report_from_row(r: &DbRow) -> Result<jinghai_domain::registry::PortReport> {
            let kind: String = r.try_get("kind")?;
            Ok(jinghai_domain::registry::PortReport {
                id: r.try_get("id")?,
                vessel_id: r.try_get("vessel_id")?,
                region_id: r.try_get("region_id")?,
                region_code: r.try_get("region_code")?,
                mmsi: r.try_get("mmsi")?,
                kind: jinghai_domain::registry::ReportKind::parse(&kind).ok_or_else(|| corrupt("report kind", &kind))?,
                port_code: r.try_get("port_code")?,
                reported_at: r.try_get("reported_at")?,
                persons_aboard: r.try_get("persons_aboard")?,
                itinerary: r.try_get("itinerary")?,
                contact_history: r.try_get("contact_history")?,
                source: r.try_get("source")?,
                entered_by: r.try_get("entered_by")?,
                persons: Vec::new(),
                created_at: r.try_get("created_at")?,
            })
        }

        async fn reg_vessel_in_tx(tx: &mut Tx<'_>, id: i64) -> Result<jinghai_domain::registry::Vessel> {
            let row = sqlx::query(concat!(vessel_select!(), " WHERE id = $1")).bind(id).fetch_optional(&mut **tx).await?;
            reg_vessel_from_row(&row.ok_or(StoreError::NotFound)?)
        }

        async fn reg_place_in_tx(tx: &mut Tx<'_>, id: i64) -> Result<jinghai_domain::registry::Place> {
            let row = sqlx::query(concat!(place_select!(), " WHERE id = $1")).bind(id).fetch_optional(&mut **tx).await?;
            reg_place_from_row(&row.ok_or(StoreError::NotFound)?)
        }

        async fn reg_persons(pool_or_tx: impl sqlx::Executor<'_, Database = $db>, report_id: i64) -> Result<Vec<jinghai_domain::registry::PersonAboard>> {
            let rows = sqlx::query("SELECT name, id_number, phone FROM port_report_persons WHERE report_id = $1 ORDER BY id").bind(report_id).fetch_all(pool_or_tx).await?;
            rows.iter().map(|r| Ok(jinghai_domain::registry::PersonAboard { name: r.try_get("name")?, id_number: r.try_get("id_number")?, phone: r.try_get("phone")? })).collect()
        }

        /// The district (6-digit prefix) a region code belongs to: places are unique per district.
        fn reg_district(code: &str) -> &str {
            &code[..code.len().min(6)]
        }

        #[async_trait::async_trait]
        impl $crate::RegistryStore for $store {
            async fn list_vessels(&self, scope: &Scope, f: &$crate::VesselFilter) -> Result<Vec<jinghai_domain::registry::Vessel>> {
                // Lower-cased on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
                let text = f.text.as_ref().map(|t| t.trim()).filter(|t| !t.is_empty()).map(|t| format!("%{}%", t.to_lowercase()));
                let rows = sqlx::query(concat!(vessel_select!(), " WHERE region_code LIKE $1 AND ($2 IS NULL OR LOWER(name) LIKE $2 OR CAST(mmsi AS TEXT) LIKE $2 OR LOWER(registry_no) LIKE $2 OR LOWER(owner_name) LIKE $2) AND ($3 IS NULL OR kind = $3) AND ($4 IS NULL OR stateless = $4) ORDER BY mmsi LIMIT $5"))
                    .bind(scope.region_like()).bind(text).bind(f.kind.as_ref().filter(|k| !k.is_empty())).bind(f.stateless.map(|s| s.as_str()))
                    .bind(if f.limit <= 0 { 5000 } else { f.limit.min(50_000) })
                    .fetch_all(&self.pool).await?;
                rows.iter().map(reg_vessel_from_row).collect()
            }

            async fn get_vessel(&self, scope: &Scope, id: i64) -> Result<jinghai_domain::registry::Vessel> {
                let row = sqlx::query(concat!(vessel_select!(), " WHERE id = $1 AND region_code LIKE $2")).bind(id).bind(scope.region_like()).fetch_optional(&self.pool).await?;
                reg_vessel_from_row(&row.ok_or(StoreError::NotFound)?)
            }

            async fn get_vessel_unscoped(&self, id: i64) -> Result<jinghai_domain::registry::Vessel> {
                let row = sqlx::query(concat!(vessel_select!(), " WHERE id = $1")).bind(id).fetch_optional(&self.pool).await?;
                reg_vessel_from_row(&row.ok_or(StoreError::NotFound)?)
            }

            async fn find_vessel_by_mmsi_unscoped(&self, mmsi: i64) -> Result<Option<jinghai_domain::registry::Vessel>> {
                let row = sqlx::query(concat!(vessel_select!(), " WHERE mmsi = $1")).bind(mmsi).fetch_optional(&self.pool).await?;
                row.as_ref().map(reg_vessel_from_row).transpose()
            }

            async fn create_vessels(&self, actor: &Actor, at: Millis, new: &[$crate::NewVessel]) -> Result<Vec<jinghai_domain::registry::Vessel>> {
                let mut tx = self.pool.begin_with($begin).await?;
                let mut out = Vec::with_capacity(new.len());
                let mut codes: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
                for n in new {
                    let v = &n.vessel;
                    let code = match codes.get(&v.region_id) {
                        Some(c) => c.clone(),
                        None => {
                            let c = region_in_tx(&mut tx, v.region_id).await?.code.as_str().to_string();
                            codes.insert(v.region_id, c.clone());
                            c
                        }
                    };
                    let id: i64 = sqlx::query("INSERT INTO vessels (region_id, region_code, mmsi, name, kind, flag, international, home_port, owner_kind, owner_name, owner_contact, owner_phone, registry_no, stateless, notes, captain_token, token_expires_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING id")
                        .bind(v.region_id).bind(&code).bind(v.mmsi).bind(&v.name).bind(&v.kind).bind(&v.flag).bind(v.international).bind(&v.home_port)
                        .bind(v.owner_kind.as_str()).bind(&v.owner_name).bind(&v.owner_contact).bind(&v.owner_phone).bind(&v.registry_no).bind(v.stateless.as_str()).bind(&v.notes)
                        .bind(&n.token).bind(n.token_expires_at).bind(at)
                        .fetch_one(&mut *tx).await.map_err(|e| map_err(e, &format!("MMSI {} is already registered", v.mmsi)))?.try_get("id")?;
                    let vessel = reg_vessel_in_tx(&mut tx, id).await?;
                    write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "vessel", id, &vessel.region_code).after(snapshot(&vessel))).await?;
                    out.push(vessel);
                }
                tx.commit().await?;
                Ok(out)
            }

            async fn update_vessel(&self, actor: &Actor, at: Millis, id: i64, v: &$crate::VesselWrite) -> Result<jinghai_domain::registry::Vessel> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = reg_vessel_in_tx(&mut tx, id).await?;
                let region = region_in_tx(&mut tx, v.region_id).await?;
                sqlx::query("UPDATE vessels SET region_id = $1, region_code = $2, mmsi = $3, name = $4, kind = $5, flag = $6, international = $7, home_port = $8, owner_kind = $9, owner_name = $10, owner_contact = $11, owner_phone = $12, registry_no = $13, stateless = $14, notes = $15, updated_at = $16 WHERE id = $17")
                    .bind(v.region_id).bind(region.code.as_str()).bind(v.mmsi).bind(&v.name).bind(&v.kind).bind(&v.flag).bind(v.international).bind(&v.home_port)
                    .bind(v.owner_kind.as_str()).bind(&v.owner_name).bind(&v.owner_contact).bind(&v.owner_phone).bind(&v.registry_no).bind(v.stateless.as_str()).bind(&v.notes)
                    .bind(at).bind(id)
                    .execute(&mut *tx).await.map_err(|e| map_err(e, &format!("MMSI {} is already registered", v.mmsi)))?;
                let after = reg_vessel_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "vessel", id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn vessel_token_unscoped(&self, vessel_id: i64) -> Result<jinghai_domain::registry::CaptainToken> {
                let row = sqlx::query("SELECT id, captain_token, token_expires_at FROM vessels WHERE id = $1").bind(vessel_id).fetch_optional(&self.pool).await?.ok_or(StoreError::NotFound)?;
                Ok(jinghai_domain::registry::CaptainToken { vessel_id: row.try_get("id")?, token: row.try_get("captain_token")?, expires_at: row.try_get("token_expires_at")? })
            }

            async fn set_vessel_token(&self, actor: &Actor, at: Millis, vessel_id: i64, token: &str, expires_at: Millis) -> Result<jinghai_domain::registry::CaptainToken> {
                let mut tx = self.pool.begin_with($begin).await?;
                let vessel = reg_vessel_in_tx(&mut tx, vessel_id).await?;
                let before: Millis = sqlx::query("SELECT token_expires_at FROM vessels WHERE id = $1").bind(vessel_id).fetch_one(&mut *tx).await?.try_get("token_expires_at")?;
                sqlx::query("UPDATE vessels SET captain_token = $1, token_expires_at = $2, updated_at = $3 WHERE id = $4").bind(token).bind(expires_at).bind(at).bind(vessel_id).execute(&mut *tx).await?;
                // The token itself stays out of the audit log: the log is widely readable.
                let snap = |e: Millis| Some(format!(r#"{{"captain_token":"(rotated)","token_expires_at":{e}}}"#));
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "vessel_token", vessel_id, &vessel.region_code).before(snap(before)).after(snap(expires_at))).await?;
                tx.commit().await?;
                Ok(jinghai_domain::registry::CaptainToken { vessel_id, token: token.to_string(), expires_at })
            }

            async fn add_vessel_photo(&self, actor: &Actor, at: Millis, vessel_id: i64, file_name: &str, content_type: &str, bytes: &[u8]) -> Result<jinghai_domain::registry::VesselPhoto> {
                let mut tx = self.pool.begin_with($begin).await?;
                let vessel = reg_vessel_in_tx(&mut tx, vessel_id).await?;
                let id: i64 = sqlx::query("INSERT INTO vessel_photos (vessel_id, file_name, content_type, size, data, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                    .bind(vessel_id).bind(file_name).bind(content_type).bind(bytes.len() as i64).bind(bytes).bind(&actor.name).bind(at)
                    .fetch_one(&mut *tx).await?.try_get("id")?;
                let photo = jinghai_domain::registry::VesselPhoto { id, vessel_id, file_name: file_name.to_string(), content_type: content_type.to_string(), size: bytes.len() as i64, uploaded_by: actor.name.clone(), uploaded_at: at };
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "vessel_photo", id, &vessel.region_code).after(snapshot(&photo))).await?;
                tx.commit().await?;
                Ok(photo)
            }

            async fn list_vessel_photos(&self, vessel_id: i64) -> Result<Vec<jinghai_domain::registry::VesselPhoto>> {
                let rows = sqlx::query("SELECT id, vessel_id, file_name, content_type, size, uploaded_by, uploaded_at FROM vessel_photos WHERE vessel_id = $1 ORDER BY id").bind(vessel_id).fetch_all(&self.pool).await?;
                rows.iter().map(reg_photo_from_row).collect()
            }

            async fn get_vessel_photo(&self, scope: &Scope, id: i64) -> Result<(jinghai_domain::registry::VesselPhoto, Vec<u8>)> {
                let row = sqlx::query("SELECT p.id, p.vessel_id, p.file_name, p.content_type, p.size, p.uploaded_by, p.uploaded_at, p.data FROM vessel_photos p JOIN vessels v ON v.id = p.vessel_id WHERE p.id = $1 AND v.region_code LIKE $2")
                    .bind(id).bind(scope.region_like()).fetch_optional(&self.pool).await?;
                let r = row.ok_or(StoreError::NotFound)?;
                Ok((reg_photo_from_row(&r)?, r.try_get("data")?))
            }

            // --- places ---

            async fn registry_revisions(&self, district_code: &str) -> Result<$crate::RegistryRevisions> {
                let like = format!("{district_code}%");
                let row = sqlx::query(
                    "SELECT \
                       (SELECT COUNT(*) FROM vessels WHERE region_code LIKE $1) AS vn, \
                       (SELECT COALESCE(MAX(updated_at), 0) FROM vessels WHERE region_code LIKE $1) AS vu, \
                       (SELECT COALESCE(MAX(id), 0) FROM vessels WHERE region_code LIKE $1) AS vi, \
                       (SELECT COUNT(*) FROM places WHERE region_code LIKE $1) AS pn, \
                       (SELECT COALESCE(MAX(updated_at), 0) FROM places WHERE region_code LIKE $1) AS pu, \
                       (SELECT COALESCE(MAX(id), 0) FROM places WHERE region_code LIKE $1) AS pi, \
                       (SELECT COUNT(*) FROM port_reports WHERE region_code LIKE $1) AS rn, \
                       (SELECT COALESCE(MAX(id), 0) FROM port_reports WHERE region_code LIKE $1) AS ri",
                )
                .bind(like)
                .fetch_one(&self.pool)
                .await?;
                let part = |a: &str, b: &str, c: Option<&str>| -> Result<String> {
                    let x: i64 = row.try_get(a)?;
                    let y: i64 = row.try_get(b)?;
                    let z: i64 = match c { Some(c) => row.try_get(c)?, None => 0 };
                    Ok(format!("{x}:{y}:{z}"))
                };
                Ok($crate::RegistryRevisions {
                    vessels: part("vn", "vu", Some("vi"))?,
                    places: part("pn", "pu", Some("pi"))?,
                    reports: part("rn", "ri", None)?,
                })
            }

            async fn list_places(&self, scope: &Scope) -> Result<Vec<jinghai_domain::registry::Place>> {
                let rows = sqlx::query(concat!(place_select!(), " WHERE region_code LIKE $1 ORDER BY code")).bind(scope.region_like()).fetch_all(&self.pool).await?;
                rows.iter().map(reg_place_from_row).collect()
            }

            async fn get_place(&self, scope: &Scope, id: i64) -> Result<jinghai_domain::registry::Place> {
                let row = sqlx::query(concat!(place_select!(), " WHERE id = $1 AND region_code LIKE $2")).bind(id).bind(scope.region_like()).fetch_optional(&self.pool).await?;
                reg_place_from_row(&row.ok_or(StoreError::NotFound)?)
            }

            async fn create_place(&self, actor: &Actor, at: Millis, w: &$crate::PlaceWrite) -> Result<jinghai_domain::registry::Place> {
                let mut tx = self.pool.begin_with($begin).await?;
                let place = reg_insert_place(&mut tx, actor, at, w).await?;
                tx.commit().await?;
                Ok(place)
            }

            async fn update_place(&self, actor: &Actor, at: Millis, id: i64, w: &$crate::PlaceWrite) -> Result<jinghai_domain::registry::Place> {
                let mut tx = self.pool.begin_with($begin).await?;
                let place = reg_update_place(&mut tx, actor, at, id, w).await?;
                tx.commit().await?;
                Ok(place)
            }

            async fn delete_place(&self, actor: &Actor, at: Millis, id: i64) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = reg_place_in_tx(&mut tx, id).await?;
                sqlx::query("DELETE FROM places WHERE id = $1").bind(id).execute(&mut *tx).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Delete, "place", id, &before.region_code).before(snapshot(&before))).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn import_places(&self, actor: &Actor, at: Millis, rows: &[$crate::PlaceWrite]) -> Result<$crate::ImportCounts> {
                let mut tx = self.pool.begin_with($begin).await?;
                let mut counts = $crate::ImportCounts::default();
                for w in rows {
                    let region = region_in_tx(&mut tx, w.region_id).await?;
                    let existing: Option<i64> = sqlx::query("SELECT id FROM places WHERE district_code = $1 AND code = $2")
                        .bind(reg_district(region.code.as_str())).bind(&w.code).fetch_optional(&mut *tx).await?
                        .map(|r| r.try_get("id")).transpose()?;
                    match existing {
                        Some(id) => { reg_update_place(&mut tx, actor, at, id, w).await?; counts.updated += 1; }
                        None => { reg_insert_place(&mut tx, actor, at, w).await?; counts.created += 1; }
                    }
                }
                tx.commit().await?;
                Ok(counts)
            }

            // --- port reports ---

            async fn create_port_reports(&self, actor: &Actor, at: Millis, rows: &[$crate::PortReportWrite]) -> Result<Vec<jinghai_domain::registry::PortReport>> {
                let mut tx = self.pool.begin_with($begin).await?;
                let mut out = Vec::with_capacity(rows.len());
                for w in rows {
                    let region = region_in_tx(&mut tx, w.region_id).await?;
                    let id: i64 = sqlx::query("INSERT INTO port_reports (vessel_id, region_id, region_code, mmsi, kind, port_code, reported_at, persons_aboard, itinerary, contact_history, source, entered_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id")
                        .bind(w.vessel_id).bind(w.region_id).bind(region.code.as_str()).bind(w.mmsi).bind(w.kind.as_str()).bind(&w.port_code).bind(w.reported_at)
                        .bind(w.persons_aboard).bind(&w.itinerary).bind(&w.contact_history).bind(&w.source).bind(&actor.name).bind(at)
                        .fetch_one(&mut *tx).await.map_err(|e| map_err(e, "the vessel does not exist"))?.try_get("id")?;
                    for p in &w.persons {
                        sqlx::query("INSERT INTO port_report_persons (report_id, name, id_number, phone) VALUES ($1, $2, $3, $4)")
                            .bind(id).bind(&p.name).bind(&p.id_number).bind(&p.phone).execute(&mut *tx).await?;
                    }
                    let row = sqlx::query(concat!(report_select!(), " WHERE id = $1")).bind(id).fetch_one(&mut *tx).await?;
                    let mut report = reg_report_from_row(&row)?;
                    report.persons = w.persons.clone();
                    write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "port_report", id, &report.region_code).after(snapshot(&report))).await?;
                    out.push(report);
                }
                tx.commit().await?;
                Ok(out)
            }

            async fn list_port_reports(&self, scope: &Scope, from: Millis, to: Millis) -> Result<Vec<jinghai_domain::registry::PortReport>> {
                let rows = sqlx::query(concat!(report_select!(), " WHERE region_code LIKE $1 AND reported_at >= $2 AND reported_at <= $3 ORDER BY reported_at DESC, id DESC LIMIT 20000"))
                    .bind(scope.region_like()).bind(from).bind(to).fetch_all(&self.pool).await?;
                rows.iter().map(reg_report_from_row).collect()
            }

            async fn get_port_report(&self, scope: &Scope, id: i64) -> Result<jinghai_domain::registry::PortReport> {
                let row = sqlx::query(concat!(report_select!(), " WHERE id = $1 AND region_code LIKE $2")).bind(id).bind(scope.region_like()).fetch_optional(&self.pool).await?;
                let mut report = reg_report_from_row(&row.ok_or(StoreError::NotFound)?)?;
                report.persons = reg_persons(&self.pool, id).await?;
                Ok(report)
            }

            async fn count_port_reports_unscoped(&self, region_prefix: &str) -> Result<i64> {
                Ok(sqlx::query("SELECT COUNT(*) AS n FROM port_reports WHERE region_code LIKE $1").bind(format!("{region_prefix}%")).fetch_one(&self.pool).await?.try_get("n")?)
            }

            // --- AIS port entries ---

            async fn record_port_entry(&self, at: Millis, e: &$crate::PortEntryWrite) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                let region = region_in_tx(&mut tx, e.region_id).await?;
                sqlx::query("INSERT INTO port_entries (region_id, region_code, mmsi, port_code, entry_at, lat, lon, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (region_id, mmsi, port_code, entry_at) DO NOTHING")
                    .bind(e.region_id).bind(region.code.as_str()).bind(e.mmsi).bind(&e.port_code).bind(e.entry_at).bind(e.lat).bind(e.lon).bind(at)
                    .execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn list_port_entries(&self, scope: &Scope, from: Millis, to: Millis) -> Result<Vec<jinghai_domain::registry::PortEntry>> {
                let rows = sqlx::query("SELECT id, region_id, region_code, mmsi, port_code, entry_at, lat, lon FROM port_entries WHERE region_code LIKE $1 AND entry_at >= $2 AND entry_at <= $3 ORDER BY entry_at DESC LIMIT 20000")
                    .bind(scope.region_like()).bind(from).bind(to).fetch_all(&self.pool).await?;
                rows.iter().map(|r| Ok(jinghai_domain::registry::PortEntry {
                    id: r.try_get("id")?, region_id: r.try_get("region_id")?, region_code: r.try_get("region_code")?, mmsi: r.try_get("mmsi")?,
                    port_code: r.try_get("port_code")?, entry_at: r.try_get("entry_at")?, lat: r.try_get("lat")?, lon: r.try_get("lon")?,
                })).collect()
            }
        }

        async fn reg_insert_place(tx: &mut Tx<'_>, actor: &Actor, at: Millis, w: &$crate::PlaceWrite) -> Result<jinghai_domain::registry::Place> {
            let region = region_in_tx(tx, w.region_id).await?;
            let code = region.code.as_str();
            let id: i64 = sqlx::query("INSERT INTO places (region_id, region_code, district_code, code, name, kind, applies_to, geometry, lat, lon, notes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id")
                .bind(w.region_id).bind(code).bind(reg_district(code)).bind(&w.code).bind(&w.name).bind(&w.kind).bind(&w.applies_to).bind(&w.geometry).bind(w.lat).bind(w.lon).bind(&w.notes).bind(at)
                .fetch_one(&mut **tx).await.map_err(|e| map_err(e, &format!("a place with id {} already exists in this district", w.code)))?.try_get("id")?;
            let place = reg_place_in_tx(tx, id).await?;
            write_audit(tx, &NewAudit::of(actor, at, AuditAction::Create, "place", id, &place.region_code).after(snapshot(&place))).await?;
            Ok(place)
        }

        async fn reg_update_place(tx: &mut Tx<'_>, actor: &Actor, at: Millis, id: i64, w: &$crate::PlaceWrite) -> Result<jinghai_domain::registry::Place> {
            let before = reg_place_in_tx(tx, id).await?;
            let region = region_in_tx(tx, w.region_id).await?;
            let code = region.code.as_str();
            sqlx::query("UPDATE places SET region_id = $1, region_code = $2, district_code = $3, code = $4, name = $5, kind = $6, applies_to = $7, geometry = $8, lat = $9, lon = $10, notes = $11, updated_at = $12 WHERE id = $13")
                .bind(w.region_id).bind(code).bind(reg_district(code)).bind(&w.code).bind(&w.name).bind(&w.kind).bind(&w.applies_to).bind(&w.geometry).bind(w.lat).bind(w.lon).bind(&w.notes).bind(at).bind(id)
                .execute(&mut **tx).await.map_err(|e| map_err(e, &format!("a place with id {} already exists in this district", w.code)))?;
            let after = reg_place_in_tx(tx, id).await?;
            write_audit(tx, &NewAudit::of(actor, at, AuditAction::Update, "place", id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
            Ok(after)
        }
    };
}
