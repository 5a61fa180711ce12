//! Who sees what: region codes and the scoping rule.
//!
//! `cargo run -p jinghai-domain --example scope`

use jinghai_domain::{RegionCode, Role, Scope};

fn main() {
    let meishan = RegionCode::parse("330206008").expect("valid code");
    println!("梅山街道 {meishan} is a {:?}", meishan.implied_level());
    let town_worker = Scope {
        user_id: 1,
        role: Role::TownWorker,
        region_prefix: "330206008".into(),
        unit_id: Some(14),
    };
    for (code, name) in [("330206008201", "梅港村"), ("330206009201", "白峰村")] {
        println!(
            "a 梅山 town worker {} records of {name}",
            if town_worker.sees(code, None, &[]) {
                "sees"
            } else {
                "does not see"
            }
        );
    }
    println!(
        "…but sees a 白峰 record handed to their unit: {}",
        town_worker.sees("330206009201", Some(3), &[14])
    );
}
