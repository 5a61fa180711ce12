//! Administration: the region tree, units, users and the task force.
//!
//! Only admins change these, and only inside their own region: an admin of
//! Beilun district can add a town under Beilun but nothing under Zhenhai.
//! Everyone may read what their scope covers.

use std::sync::Arc;

use jinghai_domain::region::check_child;
use jinghai_domain::taskforce::GroupAssignment;
use jinghai_domain::user::{check_password, check_username};
use jinghai_domain::validate::required_text;
use jinghai_domain::AuditEntry;
use jinghai_domain::{
    Agency, FieldError, Region, RegionCode, RegionLevel, Role, Unit, User, WorkingGroup,
};
use jinghai_store::{AuditFilter, NewRegion, NewUnit, NewUser, Store, StoreError, UserPatch};

use crate::accounts::hash_password;
use crate::{Clock, Ctx, WorkflowError, WorkflowResult};

/// A region as submitted by a form or the API.
#[derive(Debug, Clone, Default)]
pub struct RegionInput {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_id: Option<i64>,
}

/// A unit as submitted.
#[derive(Debug, Clone, Default)]
pub struct UnitInput {
    pub name: String,
    pub agency: String,
    pub region_id: Option<i64>,
    pub parent_unit_id: Option<i64>,
}

/// A user as submitted. `password` is required on create, ignored on update.
#[derive(Debug, Clone, Default)]
pub struct UserInput {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: String,
    pub region_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub active: bool,
}

/// Collects field errors so a form shows all of them at once.
#[derive(Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }
    fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }
    fn finish(self) -> WorkflowResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(WorkflowError::Invalid(self.0))
        }
    }
}

fn conflict(field: &str, zh: String, en: String) -> impl Fn(StoreError) -> WorkflowError + '_ {
    move |e| match e {
        StoreError::Conflict(_) => {
            WorkflowError::invalid(FieldError::new(field, zh.clone(), en.clone()))
        }
        other => other.into(),
    }
}

fn in_use(zh: String, en: String) -> impl Fn(StoreError) -> WorkflowError {
    move |e| match e {
        StoreError::InUse(_) => WorkflowError::forbidden(&zh, &en),
        other => other.into(),
    }
}

/// The administration service.
pub struct Admin {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl Admin {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Admin {
        Admin { store, clock }
    }

    fn require_admin(ctx: &Ctx) -> WorkflowResult<()> {
        if ctx.user.role.can_administer() {
            Ok(())
        } else {
            Err(WorkflowError::forbidden(
                "只有系统管理员可以执行此操作",
                "only an administrator may do this",
            ))
        }
    }

    // --- regions ---

    pub async fn regions(&self, ctx: &Ctx) -> WorkflowResult<Vec<Region>> {
        Ok(self.store.list_regions(&ctx.scope).await?)
    }

    pub async fn region(&self, ctx: &Ctx, id: i64) -> WorkflowResult<Region> {
        Ok(self.store.get_region(&ctx.scope, id).await?)
    }

    pub async fn create_region(&self, ctx: &Ctx, input: &RegionInput) -> WorkflowResult<Region> {
        Self::require_admin(ctx)?;
        let mut errs = Errors::default();
        let code = errs.take(RegionCode::parse(&input.code));
        let name = errs.take(required_text("name", &input.name, 64));
        let level = RegionLevel::parse(input.level.trim());
        if level.is_none() {
            errs.push(FieldError::new(
                "level",
                "请选择区划层级",
                "choose a region level",
            ));
        }
        let parent = match input.parent_id {
            Some(pid) => match self.store.get_region(&ctx.scope, pid).await {
                Ok(p) => Some(p),
                Err(StoreError::NotFound) => {
                    errs.push(FieldError::new(
                        "parent_id",
                        "上级区划不存在或不在您的管辖范围内",
                        "the parent region does not exist or is outside your region",
                    ));
                    None
                }
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        if let (Some(code), Some(level)) = (&code, level) {
            if input.parent_id.is_none() || parent.is_some() {
                errs.take(check_child(parent.as_ref(), code, level));
            }
            if parent.is_none()
                && input.parent_id.is_none()
                && !ctx.scope.covers_region(code.as_str())
            {
                errs.push(FieldError::new(
                    "code",
                    "该区划不在您的管辖范围内",
                    "this region is outside your region",
                ));
            }
        }
        errs.finish()?;
        let (Some(code), Some(name), Some(level)) = (code, name, level) else {
            return Err(WorkflowError::NotFound);
        };
        let new = NewRegion {
            code: code.clone(),
            name,
            level,
            parent_id: input.parent_id,
        };
        self.store
            .create_region(&ctx.actor(), self.clock.now(), &new)
            .await
            .map_err(conflict(
                "code",
                format!("区划代码 {code} 已存在"),
                format!("region code {code} already exists"),
            ))
    }

    pub async fn rename_region(&self, ctx: &Ctx, id: i64, name: &str) -> WorkflowResult<Region> {
        Self::require_admin(ctx)?;
        let name = required_text("name", name, 64).map_err(WorkflowError::invalid)?;
        self.store.get_region(&ctx.scope, id).await?;
        Ok(self
            .store
            .rename_region(&ctx.actor(), self.clock.now(), id, &name)
            .await?)
    }

    pub async fn delete_region(&self, ctx: &Ctx, id: i64) -> WorkflowResult<()> {
        Self::require_admin(ctx)?;
        let region = self.store.get_region(&ctx.scope, id).await?;
        if region.scope_prefix() == ctx.scope.region_prefix {
            return Err(WorkflowError::forbidden(
                "不能删除您自己所在的区划",
                "you cannot delete your own region",
            ));
        }
        self.store
            .delete_region(&ctx.actor(), self.clock.now(), id)
            .await
            .map_err(in_use(
                format!("“{}”下仍有下级区划、单位或用户，不能删除", region.name),
                format!("{} still has sub-regions, units or users", region.name),
            ))
    }

    // --- units ---

    pub async fn units(&self, ctx: &Ctx) -> WorkflowResult<Vec<Unit>> {
        Ok(self.store.list_units(&ctx.scope).await?)
    }

    pub async fn unit(&self, ctx: &Ctx, id: i64) -> WorkflowResult<Unit> {
        Ok(self.store.get_unit(&ctx.scope, id).await?)
    }

    pub async fn create_unit(&self, ctx: &Ctx, input: &UnitInput) -> WorkflowResult<Unit> {
        Self::require_admin(ctx)?;
        let mut errs = Errors::default();
        let name = errs.take(required_text("name", &input.name, 64));
        let agency = Agency::parse(input.agency.trim());
        if agency.is_none() {
            errs.push(FieldError::new(
                "agency",
                "请选择所属部门",
                "choose an agency",
            ));
        }
        let region = self.region_field(ctx, input.region_id, &mut errs).await?;
        if let Some(pid) = input.parent_unit_id {
            if self.store.get_unit(&ctx.scope, pid).await.is_err() {
                errs.push(FieldError::new(
                    "parent_unit_id",
                    "上级单位不存在或不在您的管辖范围内",
                    "the parent unit does not exist or is outside your region",
                ));
            }
        }
        errs.finish()?;
        let (Some(name), Some(agency), Some(region)) = (name, agency, region) else {
            return Err(WorkflowError::NotFound);
        };
        let new = NewUnit {
            name: name.clone(),
            agency,
            region_id: region.id,
            parent_unit_id: input.parent_unit_id,
        };
        self.store
            .create_unit(&ctx.actor(), self.clock.now(), &new)
            .await
            .map_err(conflict(
                "name",
                format!("“{}”已有名为“{name}”的单位", region.name),
                format!("{} already has a unit named {name}", region.name),
            ))
    }

    pub async fn update_unit(
        &self,
        ctx: &Ctx,
        id: i64,
        name: &str,
        agency: &str,
    ) -> WorkflowResult<Unit> {
        Self::require_admin(ctx)?;
        let unit = self.store.get_unit(&ctx.scope, id).await?;
        if !ctx.scope.covers_region(&unit.region_code) {
            return Err(WorkflowError::NotFound);
        }
        let mut errs = Errors::default();
        let name = errs.take(required_text("name", name, 64));
        let agency = Agency::parse(agency.trim());
        if agency.is_none() {
            errs.push(FieldError::new(
                "agency",
                "请选择所属部门",
                "choose an agency",
            ));
        }
        errs.finish()?;
        let (Some(name), Some(agency)) = (name, agency) else {
            return Err(WorkflowError::NotFound);
        };
        self.store
            .update_unit(&ctx.actor(), self.clock.now(), id, &name, agency)
            .await
            .map_err(conflict(
                "name",
                format!("本区划已有名为“{name}”的单位"),
                format!("this region already has a unit named {name}"),
            ))
    }

    pub async fn delete_unit(&self, ctx: &Ctx, id: i64) -> WorkflowResult<()> {
        Self::require_admin(ctx)?;
        let unit = self.store.get_unit(&ctx.scope, id).await?;
        if !ctx.scope.covers_region(&unit.region_code) {
            return Err(WorkflowError::NotFound);
        }
        self.store
            .delete_unit(&ctx.actor(), self.clock.now(), id)
            .await
            .map_err(in_use(
                format!("单位“{}”仍有用户、下级单位或专班职责，不能删除", unit.name),
                format!(
                    "unit {} still has users, sub-units or task-force roles",
                    unit.name
                ),
            ))
    }

    // --- users ---

    pub async fn users(&self, ctx: &Ctx) -> WorkflowResult<Vec<User>> {
        Ok(self.store.list_users(&ctx.scope).await?)
    }

    pub async fn user(&self, ctx: &Ctx, id: i64) -> WorkflowResult<User> {
        Ok(self.store.get_user(&ctx.scope, id).await?)
    }

    pub async fn create_user(&self, ctx: &Ctx, input: &UserInput) -> WorkflowResult<User> {
        Self::require_admin(ctx)?;
        let mut errs = Errors::default();
        let username = errs.take(check_username(&input.username));
        let display_name = errs.take(required_text("display_name", &input.display_name, 64));
        errs.take(check_password(&input.password));
        let role = self.role_field(&input.role, &mut errs);
        let region = self.region_field(ctx, input.region_id, &mut errs).await?;
        self.unit_field(ctx, input.unit_id, &mut errs).await?;
        errs.finish()?;
        let (Some(username), Some(display_name), Some(role), Some(region)) =
            (username, display_name, role, region)
        else {
            return Err(WorkflowError::NotFound);
        };
        let new = NewUser {
            username: username.clone(),
            display_name,
            password_hash: hash_password(&input.password)?,
            role,
            region_id: region.id,
            unit_id: input.unit_id,
        };
        self.store
            .create_user(&ctx.actor(), self.clock.now(), &new)
            .await
            .map_err(conflict(
                "username",
                format!("用户名 {username} 已被使用"),
                format!("username {username} is taken"),
            ))
    }

    pub async fn update_user(&self, ctx: &Ctx, id: i64, input: &UserInput) -> WorkflowResult<User> {
        Self::require_admin(ctx)?;
        let existing = self.store.get_user(&ctx.scope, id).await?;
        let mut errs = Errors::default();
        let display_name = errs.take(required_text("display_name", &input.display_name, 64));
        let role = self.role_field(&input.role, &mut errs);
        let region = self.region_field(ctx, input.region_id, &mut errs).await?;
        self.unit_field(ctx, input.unit_id, &mut errs).await?;
        if existing.id == ctx.user.id && (!input.active || role != Some(Role::Admin)) {
            errs.push(FieldError::new(
                "role",
                "不能停用自己的账号或取消自己的管理员角色",
                "you cannot deactivate yourself or drop your own admin role",
            ));
        }
        errs.finish()?;
        let (Some(display_name), Some(role), Some(region)) = (display_name, role, region) else {
            return Err(WorkflowError::NotFound);
        };
        let patch = UserPatch {
            display_name,
            role,
            region_id: region.id,
            unit_id: input.unit_id,
            active: input.active,
        };
        Ok(self
            .store
            .update_user(&ctx.actor(), self.clock.now(), id, &patch)
            .await?)
    }

    /// Sets a new password (an admin for a user in their region, or anyone for themselves).
    pub async fn set_password(&self, ctx: &Ctx, id: i64, password: &str) -> WorkflowResult<()> {
        if id != ctx.user.id {
            Self::require_admin(ctx)?;
        }
        self.store.get_user(&ctx.scope, id).await?;
        check_password(password).map_err(WorkflowError::invalid)?;
        Ok(self
            .store
            .set_password(
                &ctx.actor(),
                self.clock.now(),
                id,
                &hash_password(password)?,
            )
            .await?)
    }

    // --- task force ---

    pub async fn task_force(
        &self,
        ctx: &Ctx,
        district_id: i64,
    ) -> WorkflowResult<Vec<GroupAssignment>> {
        let district = self.store.get_region(&ctx.scope, district_id).await?;
        if district.level != RegionLevel::District {
            return Err(WorkflowError::invalid(FieldError::new(
                "district",
                "专班按区/县设置",
                "task forces are set per district",
            )));
        }
        Ok(self
            .store
            .list_group_assignments(&ctx.scope, district_id)
            .await?)
    }

    pub async fn set_group_lead(
        &self,
        ctx: &Ctx,
        district_id: i64,
        group: &str,
        unit_id: Option<i64>,
    ) -> WorkflowResult<()> {
        Self::require_admin(ctx)?;
        let district = self.store.get_region(&ctx.scope, district_id).await?;
        let mut errs = Errors::default();
        if district.level != RegionLevel::District {
            errs.push(FieldError::new(
                "district",
                "专班按区/县设置",
                "task forces are set per district",
            ));
        }
        let group = WorkingGroup::parse(group.trim());
        if group.is_none() {
            errs.push(FieldError::new(
                "group",
                "未知的工作组",
                "unknown working group",
            ));
        }
        self.unit_field(ctx, unit_id, &mut errs).await?;
        errs.finish()?;
        let Some(group) = group else {
            return Err(WorkflowError::NotFound);
        };
        Ok(self
            .store
            .set_group_lead(&ctx.actor(), self.clock.now(), district_id, group, unit_id)
            .await?)
    }

    // --- audit ---

    /// The audit log of the caller's region (admins and the task-force office).
    pub async fn audit(&self, ctx: &Ctx, filter: &AuditFilter) -> WorkflowResult<Vec<AuditEntry>> {
        if !ctx.user.role.can_read_audit() {
            return Err(WorkflowError::forbidden(
                "只有管理员和专班办公室可以查看审计日志",
                "only administrators and the task-force office may read the audit log",
            ));
        }
        Ok(self.store.list_audit(&ctx.scope, filter).await?)
    }

    // --- field helpers ---

    fn role_field(&self, role: &str, errs: &mut Errors) -> Option<Role> {
        let r = Role::parse(role.trim());
        if r.is_none() {
            errs.push(FieldError::new("role", "请选择角色", "choose a role"));
        }
        r
    }

    async fn region_field(
        &self,
        ctx: &Ctx,
        id: Option<i64>,
        errs: &mut Errors,
    ) -> WorkflowResult<Option<Region>> {
        let Some(id) = id else {
            errs.push(FieldError::new(
                "region_id",
                "请选择所属区划",
                "choose a region",
            ));
            return Ok(None);
        };
        match self.store.get_region(&ctx.scope, id).await {
            Ok(r) => Ok(Some(r)),
            Err(StoreError::NotFound) => {
                errs.push(FieldError::new(
                    "region_id",
                    "区划不存在或不在您的管辖范围内",
                    "the region does not exist or is outside your region",
                ));
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn unit_field(
        &self,
        ctx: &Ctx,
        id: Option<i64>,
        errs: &mut Errors,
    ) -> WorkflowResult<()> {
        let Some(id) = id else { return Ok(()) };
        match self.store.get_unit(&ctx.scope, id).await {
            Ok(u) if ctx.scope.covers_region(&u.region_code) => Ok(()),
            Ok(_) | Err(StoreError::NotFound) => {
                errs.push(FieldError::new(
                    "unit_id",
                    "单位不存在或不在您的管辖范围内",
                    "the unit does not exist or is outside your region",
                ));
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }
}
