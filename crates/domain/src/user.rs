//! Users and roles.

use serde::{Deserialize, Serialize};

/// What a user may do. Where a user may do it is their region ([`crate::Scope`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员: manages regions, units, users and the task force in their region.
    Admin,
    /// 专班办公室: sees everything in the region, approves reports, reads the audit log.
    TaskForceOffice,
    /// 工作组成员: works the records of their unit and working group.
    GroupMember,
    /// 镇街/网格员: town, street, village and grid workers.
    TownWorker,
    /// 领导（只读）: reads everything in the region, changes nothing.
    Leader,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::TaskForceOffice,
        Role::GroupMember,
        Role::TownWorker,
        Role::Leader,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::TaskForceOffice => "task_force_office",
            Role::GroupMember => "group_member",
            Role::TownWorker => "town_worker",
            Role::Leader => "leader",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::TaskForceOffice => "专班办公室",
            Role::GroupMember => "工作组成员",
            Role::TownWorker => "镇街/网格员",
            Role::Leader => "领导（只读）",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::TaskForceOffice => "Task-force office",
            Role::GroupMember => "Working-group member",
            Role::TownWorker => "Town / grid worker",
            Role::Leader => "Leader (read-only)",
        }
    }

    /// Manage regions, units, users and the task-force configuration.
    pub fn can_administer(self) -> bool {
        self == Role::Admin
    }

    /// Read the audit log.
    pub fn can_read_audit(self) -> bool {
        matches!(self, Role::Admin | Role::TaskForceOffice)
    }

    /// Create or change operational records (alerts, clues, reports …).
    pub fn can_write(self) -> bool {
        self != Role::Leader
    }
}

/// A user account. The password hash never leaves the store layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub region_id: i64,
    /// Code of `region_id`, kept on the user so scoping needs no lookup.
    pub region_code: String,
    pub unit_id: Option<i64>,
    pub active: bool,
}

/// Rules for a username: 3–32 characters of ASCII letters, digits, `.`, `_`, `-`.
pub fn check_username(s: &str) -> Result<String, crate::FieldError> {
    let s = s.trim();
    let ok = (3..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(s.to_string())
    } else {
        Err(crate::FieldError::new(
            "username",
            "用户名须为 3–32 位字母、数字或 . _ -",
            "username must be 3–32 letters, digits, '.', '_' or '-'",
        ))
    }
}

/// Rules for a password: at least 8 characters with a letter and a digit.
pub fn check_password(s: &str) -> Result<(), crate::FieldError> {
    let long = s.chars().count() >= 8 && s.len() <= 256;
    let mixed = s.chars().any(|c| c.is_alphabetic()) && s.chars().any(|c| c.is_ascii_digit());
    if long && mixed {
        Ok(())
    } else {
        Err(crate::FieldError::new(
            "password",
            "密码至少 8 位，且须同时包含字母和数字",
            "password must be at least 8 characters with both letters and digits",
        ))
    }
}
