//! The scoping rule: what a signed-in user may see.
//!
//! A user sees the records of their region and every region under it, the
//! records of their own unit wherever they are, and records handed to their
//! unit. Every list and every read in the store takes a [`Scope`]; there is no
//! unscoped read path for request handlers.

use serde::Serialize;

use crate::user::{Role, User};

/// The visibility of one signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scope {
    pub user_id: i64,
    pub role: Role,
    /// Region-code prefix of the user's region (e.g. `330206` for Beilun).
    pub region_prefix: String,
    pub unit_id: Option<i64>,
}

impl Scope {
    /// Builds the scope of `user`, whose region is at `level`.
    pub fn of(user: &User, level: crate::RegionLevel) -> Scope {
        let len = level.prefix_len().min(user.region_code.len());
        Scope {
            user_id: user.id,
            role: user.role,
            region_prefix: user.region_code[..len].to_string(),
            unit_id: user.unit_id,
        }
    }

    /// True when a record of region `code` is in this user's regions.
    pub fn covers_region(&self, code: &str) -> bool {
        code.starts_with(&self.region_prefix)
    }

    /// True when a record in region `code`, owned by `owner_unit`, handed to
    /// `granted_units`, is visible.
    pub fn sees(&self, code: &str, owner_unit: Option<i64>, granted_units: &[i64]) -> bool {
        self.covers_region(code)
            || (self.unit_id.is_some()
                && (owner_unit == self.unit_id
                    || granted_units.iter().any(|u| Some(*u) == self.unit_id)))
    }

    /// The `LIKE` pattern for SQL prefix matching of region codes.
    pub fn region_like(&self) -> String {
        format!("{}%", self.region_prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(prefix: &str, unit: Option<i64>) -> Scope {
        Scope {
            user_id: 1,
            role: Role::TownWorker,
            region_prefix: prefix.into(),
            unit_id: unit,
        }
    }

    #[test]
    fn region_unit_and_grant() {
        let town_a = scope("330206008", Some(7));
        assert!(town_a.sees("330206008201", None, &[]));
        assert!(!town_a.sees("330206009000", None, &[]));
        assert!(town_a.sees("330206009000", Some(7), &[]));
        assert!(town_a.sees("330206009000", Some(3), &[7]));
        assert!(!town_a.sees("330206009000", Some(3), &[4]));
        let no_unit = scope("330206008", None);
        assert!(!no_unit.sees("330206009000", None, &[]));
    }
}
