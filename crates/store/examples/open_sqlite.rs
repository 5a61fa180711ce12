//! Opens an embedded store, migrates it, writes a region and reads the audit log.
//!
//! `cargo run -p jinghai-store --example open_sqlite`

use jinghai_domain::audit::Actor;
use jinghai_domain::{RegionCode, RegionLevel, Role, Scope};
use jinghai_store::{AuditFilter, NewRegion};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("jinghai-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let store =
        jinghai_store::open(&format!("sqlite://{}", dir.join("example.db").display())).await?;
    println!("applied {} migration(s)", store.migrate().await?.len());
    let zj = NewRegion {
        code: RegionCode::parse("330000")?,
        name: "浙江省".into(),
        level: RegionLevel::Province,
        parent_id: None,
    };
    store
        .create_region(&Actor::system("example"), 0, &zj)
        .await?;
    let scope = Scope {
        user_id: 0,
        role: Role::Admin,
        region_prefix: "33".into(),
        unit_id: None,
    };
    for e in store.list_audit(&scope, &AuditFilter::default()).await? {
        println!(
            "{} {} {}: {}",
            e.actor_name,
            e.action.as_str(),
            e.entity,
            e.after.unwrap_or_default()
        );
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
