//! The audit record: who did what to which record, when, with the record's
//! state before and after. Records are append-only: the store offers no
//! update or delete for them.

use serde::{Deserialize, Serialize};

use crate::time::Millis;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Create,
    Update,
    Delete,
    Login,
    LoginFailed,
    Logout,
}

impl AuditAction {
    pub const ALL: [AuditAction; 6] = [
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Delete,
        AuditAction::Login,
        AuditAction::LoginFailed,
        AuditAction::Logout,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
            AuditAction::Login => "login",
            AuditAction::LoginFailed => "login_failed",
            AuditAction::Logout => "logout",
        }
    }

    pub fn parse(s: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            AuditAction::Create => "新建",
            AuditAction::Update => "修改",
            AuditAction::Delete => "删除",
            AuditAction::Login => "登录",
            AuditAction::LoginFailed => "登录失败",
            AuditAction::Logout => "退出",
        }
    }
}

/// One audit record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Millis,
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    pub action: AuditAction,
    /// The kind of record, e.g. `region`, `unit`, `user`.
    pub entity: String,
    pub entity_id: Option<i64>,
    /// Region code of the record, so the log is scoped like the record.
    pub region_code: String,
    /// JSON snapshot of the record before the change (none for a create).
    pub before: Option<String>,
    /// JSON snapshot after the change (none for a delete).
    pub after: Option<String>,
}

/// Who is acting, as recorded in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
}

impl Actor {
    /// An action taken by the system itself (seeding, migrations, the CLI).
    pub fn system(what: &str) -> Actor {
        Actor {
            user_id: None,
            name: what.to_string(),
        }
    }
}
