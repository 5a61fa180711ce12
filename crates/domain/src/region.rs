//! The administrative region tree and its codes.
//!
//! Codes follow the 12-digit statistical division code (统计用区划代码) built
//! on GB/T 2260: `PP CC DD TTT VVV` — province, city, district (county),
//! town/street, village/community. A region's *scope prefix* is the part of
//! its code that its descendants share, so "is X under Y" is a prefix test,
//! which both SQL backends can answer with an indexed `LIKE 'prefix%'`.

use serde::{Deserialize, Serialize};

use crate::validate::FieldError;

/// Level in the tree. The order is top-down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Province,
    City,
    District,
    Town,
    Village,
}

impl RegionLevel {
    pub const ALL: [RegionLevel; 5] = [
        RegionLevel::Province,
        RegionLevel::City,
        RegionLevel::District,
        RegionLevel::Town,
        RegionLevel::Village,
    ];

    /// Number of leading code digits that identify a region of this level.
    pub fn prefix_len(self) -> usize {
        match self {
            RegionLevel::Province => 2,
            RegionLevel::City => 4,
            RegionLevel::District => 6,
            RegionLevel::Town => 9,
            RegionLevel::Village => 12,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RegionLevel::Province => "province",
            RegionLevel::City => "city",
            RegionLevel::District => "district",
            RegionLevel::Town => "town",
            RegionLevel::Village => "village",
        }
    }

    pub fn parse(s: &str) -> Option<RegionLevel> {
        RegionLevel::ALL.into_iter().find(|l| l.as_str() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            RegionLevel::Province => "省",
            RegionLevel::City => "市",
            RegionLevel::District => "区/县",
            RegionLevel::Town => "镇/街道",
            RegionLevel::Village => "村/社区",
        }
    }

    /// The level directly below, if any.
    pub fn child(self) -> Option<RegionLevel> {
        match self {
            RegionLevel::Province => Some(RegionLevel::City),
            RegionLevel::City => Some(RegionLevel::District),
            RegionLevel::District => Some(RegionLevel::Town),
            RegionLevel::Town => Some(RegionLevel::Village),
            RegionLevel::Village => None,
        }
    }
}

/// A validated 12-digit region code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RegionCode(String);

impl RegionCode {
    /// Accepts 12 digits, or a shorter GB/T 2260 code (6 digits, or 9 for a
    /// town) which is padded with zeros.
    pub fn parse(s: &str) -> Result<RegionCode, FieldError> {
        let s = s.trim();
        let bad = || {
            FieldError::new(
                "code",
                format!("区划代码必须是 6、9 或 12 位数字：{s:?}"),
                format!("region code must be 6, 9 or 12 digits: {s:?}"),
            )
        };
        if !matches!(s.len(), 6 | 9 | 12) || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let mut code = s.to_string();
        while code.len() < 12 {
            code.push('0');
        }
        if &code[..2] == "00" {
            return Err(bad());
        }
        Ok(RegionCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level implied by which digit groups are non-zero.
    pub fn implied_level(&self) -> RegionLevel {
        let c = self.0.as_bytes();
        let zero = |r: std::ops::Range<usize>| c[r].iter().all(|&b| b == b'0');
        if !zero(9..12) {
            RegionLevel::Village
        } else if !zero(6..9) {
            RegionLevel::Town
        } else if !zero(4..6) {
            RegionLevel::District
        } else if !zero(2..4) {
            RegionLevel::City
        } else {
            RegionLevel::Province
        }
    }

    /// The prefix shared by this region and everything under it.
    pub fn scope_prefix(&self, level: RegionLevel) -> &str {
        &self.0[..level.prefix_len()]
    }
}

impl std::fmt::Display for RegionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One node of the region tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub id: i64,
    pub code: RegionCode,
    pub name: String,
    pub level: RegionLevel,
    pub parent_id: Option<i64>,
}

impl Region {
    /// The prefix every descendant's code starts with.
    pub fn scope_prefix(&self) -> &str {
        self.code.scope_prefix(self.level)
    }

    /// True when `code` is this region or below it.
    pub fn contains_code(&self, code: &str) -> bool {
        code.starts_with(self.scope_prefix())
    }
}

/// Checks that a new region fits under its parent: one level down, and its
/// code extends the parent's prefix with a non-zero group of its own.
pub fn check_child(
    parent: Option<&Region>,
    code: &RegionCode,
    level: RegionLevel,
) -> Result<(), FieldError> {
    if code.implied_level() != level {
        return Err(FieldError::new(
            "code",
            format!("区划代码 {code} 与层级“{}”不符", level.zh()),
            format!("region code {code} does not match level {}", level.as_str()),
        ));
    }
    match parent {
        None if level != RegionLevel::Province => Err(FieldError::new(
            "parent_id",
            "只有省级区划可以没有上级",
            "only a province may have no parent region",
        )),
        None => Ok(()),
        Some(p) => {
            if p.level.child() != Some(level) {
                return Err(FieldError::new(
                    "level",
                    format!("“{}”下只能建立下一级区划", p.name),
                    format!(
                        "a region under {} must be exactly one level below it",
                        p.name
                    ),
                ));
            }
            if !p.contains_code(code.as_str()) {
                return Err(FieldError::new(
                    "code",
                    format!("区划代码 {code} 不在上级“{}”({}) 之下", p.name, p.code),
                    format!(
                        "region code {code} is not under its parent {} ({})",
                        p.name, p.code
                    ),
                ));
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(id: i64, code: &str, level: RegionLevel) -> Region {
        Region {
            id,
            code: RegionCode::parse(code).unwrap(),
            name: code.to_string(),
            level,
            parent_id: None,
        }
    }

    #[test]
    fn codes_pad_and_imply_levels() {
        let cases = [
            ("330000", RegionLevel::Province),
            ("330200", RegionLevel::City),
            ("330206", RegionLevel::District),
            ("330206008", RegionLevel::Town),
            ("330206008201", RegionLevel::Village),
        ];
        for (code, level) in cases {
            assert_eq!(
                RegionCode::parse(code).unwrap().implied_level(),
                level,
                "{code}"
            );
        }
        for bad in ["", "33020", "3302060081", "33a206", "000000"] {
            assert!(RegionCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn containment_is_by_prefix_of_level() {
        let beilun = region(1, "330206", RegionLevel::District);
        assert!(beilun.contains_code("330206008000"));
        assert!(!beilun.contains_code("330211001000"));
        let town = region(2, "330206008", RegionLevel::Town);
        assert!(town.contains_code("330206008201"));
        assert!(!town.contains_code("330206009000"));
    }

    #[test]
    fn child_must_fit_parent() {
        let beilun = region(1, "330206", RegionLevel::District);
        let ok = RegionCode::parse("330206010").unwrap();
        assert!(check_child(Some(&beilun), &ok, RegionLevel::Town).is_ok());
        let other = RegionCode::parse("330211010").unwrap();
        assert_eq!(
            check_child(Some(&beilun), &other, RegionLevel::Town)
                .unwrap_err()
                .field,
            "code"
        );
        let village = RegionCode::parse("330206010001").unwrap();
        assert_eq!(
            check_child(Some(&beilun), &village, RegionLevel::Village)
                .unwrap_err()
                .field,
            "level"
        );
        assert!(check_child(None, &ok, RegionLevel::Town).is_err());
    }
}
