//! The domain crate stays free of IO, async runtimes, databases and HTTP:
//! its only dependencies are serde, thiserror and pinyin (a static
//! character → pinyin table, no IO, used to normalise names).

#[test]
fn domain_depends_on_serde_and_thiserror_only() {
    let manifest =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .unwrap_or("")
        .split("\n[")
        .next()
        .unwrap_or("");
    let names: Vec<&str> = deps
        .lines()
        .filter_map(|l| l.split(['=', '.']).next())
        .map(str::trim)
        .filter(|n| !n.is_empty() && !n.starts_with('#'))
        .collect();
    assert_eq!(
        names,
        ["serde", "thiserror", "pinyin"],
        "jinghai-domain must not grow IO dependencies"
    );
}
