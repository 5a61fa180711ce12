//! Versioned migrations, embedded in the binary.
//!
//! Each backend has its own numbered SQL files under `migrations/<backend>/`.
//! The runner records each applied migration's checksum in `_migrations`; if a
//! released file is edited later, the checksums differ and the store refuses
//! to start rather than run against a schema it cannot vouch for.

/// One embedded migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

impl Migration {
    /// FNV-1a 64 of the SQL text, hex. Not cryptographic: it guards against
    /// accidental edits, not against an attacker who can write the schema.
    pub fn checksum(&self) -> String {
        let mut h: u64 = 0xcbf29ce484222325;
        for b in self.sql.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        format!("{h:016x}")
    }
}

/// A migration and whether it is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    pub version: i64,
    pub name: String,
    pub applied: bool,
}

/// Both backends' lists from one table of (version, name, file), so they
/// cannot disagree on what a version is.
macro_rules! migrations {
    ($backend:literal: $(($version:literal, $name:literal, $file:literal)),* $(,)?) => {
        &[$(Migration { version: $version, name: $name, sql: include_str!(concat!("../migrations/", $backend, "/", $file, ".sql")) }),*]
    };
}

macro_rules! both {
    ($($row:tt),* $(,)?) => {
        pub const SQLITE: &[Migration] = migrations!("sqlite": $($row),*);
        pub const POSTGRES: &[Migration] = migrations!("postgres": $($row),*);
    };
}

both![
    (1, "foundation", "0001_foundation"),
    (2, "reports", "0002_reports"),
    (3, "risks", "0003_risks"),
    (4, "alerts", "0004_alerts"),
    (5, "alert_desk", "0005_alert_desk"),
    (6, "registries", "0006_registries"),
    (7, "clues_cases", "0007_clues_cases"),
    (
        8,
        "scoring_bulletins_patrols",
        "0008_scoring_bulletins_patrols"
    ),
    (10, "intl_individual_duty", "0010_intl_individual_duty"),
    (11, "job_leases", "0011_job_leases"),
    (13, "notification_keys", "0013_notification_keys"),
    (14, "guards", "0014_guards"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Released migrations are frozen: this list pins their checksums. Adding
    /// a migration adds a line here; changing an existing line means a
    /// released migration was edited, which is not allowed.
    const RELEASED: &[(&str, i64, &str)] = &[
        ("sqlite", 1, "bc6db19a2276eae6"),
        ("sqlite", 2, "51631f1782b1cc2f"),
        ("sqlite", 3, "5d8a08dc197e314e"),
        ("postgres", 1, "89b00ba291a689d3"),
        ("postgres", 2, "b67afb543723be6f"),
        ("postgres", 3, "cf60735ad273e18f"),
        ("sqlite", 4, "ab3eb4f34a0c0f26"),
        ("postgres", 4, "47c47b8e1908d177"),
        ("sqlite", 5, "60c641d7d5d5fa15"),
        ("postgres", 5, "60c641d7d5d5fa15"),
        ("sqlite", 6, "fd2f3392ae7d9f86"),
        ("postgres", 6, "58ceed171f3632c5"),
        ("sqlite", 8, "cba9e3a6e05861c1"),
        ("postgres", 8, "0fcab84f5318b732"),
        ("sqlite", 10, "9762ce6f8de75744"),
        ("postgres", 10, "e4a2b268f7fac4a3"),
        ("sqlite", 7, "14949a01ae502fbc"),
        ("postgres", 7, "1d74cc515ab3d93d"),
        ("sqlite", 11, "7d7edadf7d7a5b57"),
        ("postgres", 11, "7d7edadf7d7a5b57"),
        ("sqlite", 13, "f953015d006c9a31"),
        ("postgres", 13, "f953015d006c9a31"),
        ("sqlite", 14, "48815a747b18d157"),
        ("postgres", 14, "48815a747b18d157"),
    ];

    #[test]
    fn released_migrations_are_unchanged() {
        for (backend, version, expected) in RELEASED {
            let list = if *backend == "sqlite" {
                SQLITE
            } else {
                POSTGRES
            };
            let m = list
                .iter()
                .find(|m| m.version == *version)
                .expect("released migration exists");
            assert_eq!(
                &m.checksum(),
                expected,
                "{backend} migration {version} was edited after release"
            );
        }
    }

    #[test]
    fn versions_increase_and_backends_agree() {
        // Numbers are handed out to parallel branches in advance (0010 is
        // issue #8's), so a branch may have gaps; the order must still hold.
        for list in [SQLITE, POSTGRES] {
            assert_eq!(list[0].version, 1);
            for w in list.windows(2) {
                assert!(
                    w[0].version < w[1].version,
                    "{} then {}",
                    w[0].version,
                    w[1].version
                );
            }
        }
        let names = |l: &[Migration]| l.iter().map(|m| m.name).collect::<Vec<_>>();
        assert_eq!(names(SQLITE), names(POSTGRES));
    }
}
