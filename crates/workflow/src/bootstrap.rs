//! Operations for the command line, acting as the system rather than a
//! signed-in user: creating the first regions and the first administrator of
//! a new installation, and resetting a password from the server's console.
//! The same validation as the UI applies; the audit log names the CLI.

use std::sync::Arc;

use jinghai_domain::audit::Actor;
use jinghai_domain::region::check_child;
use jinghai_domain::user::{check_password, check_username};
use jinghai_domain::validate::required_text;
use jinghai_domain::{FieldError, Region, RegionCode, Role, User};
use jinghai_store::{NewRegion, NewUser, Store, StoreError};

use crate::accounts::hash_password;
use crate::{Clock, WorkflowError, WorkflowResult};

fn cli() -> Actor {
    Actor::system("命令行 jinghai CLI")
}

async fn region_by_code(store: &Arc<dyn Store>, code: &str) -> WorkflowResult<Region> {
    let code = RegionCode::parse(code).map_err(WorkflowError::invalid)?;
    store
        .find_region_by_code(code.as_str())
        .await?
        .ok_or_else(|| {
            WorkflowError::invalid(FieldError::new(
                "region",
                format!("区划 {code} 不存在"),
                format!("region {code} does not exist"),
            ))
        })
}

/// Adds a region under `parent_code` (none for a province).
pub async fn add_region(
    store: &Arc<dyn Store>,
    clock: &Arc<dyn Clock>,
    code: &str,
    name: &str,
    parent_code: Option<&str>,
) -> WorkflowResult<Region> {
    let code = RegionCode::parse(code).map_err(WorkflowError::invalid)?;
    let name = required_text("name", name, 64).map_err(WorkflowError::invalid)?;
    let parent = match parent_code {
        Some(p) => Some(region_by_code(store, p).await?),
        None => None,
    };
    let level = code.implied_level();
    check_child(parent.as_ref(), &code, level).map_err(WorkflowError::invalid)?;
    let new = NewRegion {
        code: code.clone(),
        name,
        level,
        parent_id: parent.map(|p| p.id),
    };
    store
        .create_region(&cli(), clock.now(), &new)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => WorkflowError::invalid(FieldError::new(
                "code",
                format!("区划代码 {code} 已存在"),
                format!("region code {code} already exists"),
            )),
            other => other.into(),
        })
}

/// Adds a user in the region with `region_code`.
pub async fn add_user(
    store: &Arc<dyn Store>,
    clock: &Arc<dyn Clock>,
    username: &str,
    display_name: &str,
    role: Role,
    region_code: &str,
    password: &str,
) -> WorkflowResult<User> {
    let username = check_username(username).map_err(WorkflowError::invalid)?;
    let display_name =
        required_text("display_name", display_name, 64).map_err(WorkflowError::invalid)?;
    check_password(password).map_err(WorkflowError::invalid)?;
    let region = region_by_code(store, region_code).await?;
    let new = NewUser {
        username: username.clone(),
        display_name,
        password_hash: hash_password(password)?,
        role,
        region_id: region.id,
        unit_id: None,
    };
    store
        .create_user(&cli(), clock.now(), &new)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => WorkflowError::invalid(FieldError::new(
                "username",
                format!("用户名 {username} 已被使用"),
                format!("username {username} is taken"),
            )),
            other => other.into(),
        })
}

/// Sets a user's password by username.
pub async fn set_password(
    store: &Arc<dyn Store>,
    clock: &Arc<dyn Clock>,
    username: &str,
    password: &str,
) -> WorkflowResult<()> {
    check_password(password).map_err(WorkflowError::invalid)?;
    let (user, _) = store
        .find_login(username.trim())
        .await?
        .ok_or(WorkflowError::NotFound)?;
    Ok(store
        .set_password(&cli(), clock.now(), user.id, &hash_password(password)?)
        .await?)
}
