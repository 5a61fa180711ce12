//! Server configuration, layered: built-in defaults, then a TOML file, then
//! `JINGHAI_*` environment variables. An unknown key in the file or the
//! environment refuses to start, naming the key, so a typo never silently
//! falls back to a default.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A value that must not appear in logs or `Debug` output.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("\"\"")
        } else {
            f.write_str("\"***\"")
        }
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Where the embedded database and uploaded files live.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; empty means `sqlite://<data_dir>/jinghai.db`.
    pub database_url: Secret,
    /// Log filter (`info`, `jinghai=debug` …).
    pub log: String,
    /// How long a sign-in lasts, in hours.
    pub session_hours: u32,
    /// The UI language for users who have not chosen one: `zh` or `en`.
    pub default_lang: String,
    /// Mark session cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Minutes an alert may wait for acknowledgement before the desk shows
    /// it as overdue.
    pub alert_ack_minutes: u32,
    /// Days of closed-loop quarantine before release (seed 003: 14); the
    /// test schedule follows it.
    pub quarantine_days: u32,
    /// Maritime feeds, one per district (`[[maritime]]` tables; file only).
    pub maritime: Vec<crate::live::FeedConfig>,
    /// The CJK font (TrueType or CFF OpenType, `.ttf/.otf/.ttc`) embedded in
    /// bulletin PDFs; empty tries the Debian Noto CJK and WenQuanYi paths.
    pub bulletin_font: Option<PathBuf>,
    /// The live map (`[map]`).
    pub map: MapConfig,
    /// The AIS stream through NATS JetStream (`[stream]`, issue #10): the
    /// named feed's receivers are published to the broker and engine
    /// workers (`jinghai stream worker`) raise its alerts. None (the
    /// default): every feed runs in this process.
    pub stream: Option<jinghai_stream::StreamConfig>,
}

/// The live map's base layer.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MapConfig {
    /// A tile layer drawn over the sea-blue background and the offline
    /// coastline, e.g. an intranet Tianditu WMTS:
    /// `http://tiles.example.gov/vec_w/wmts?...&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}`.
    /// Needs `{z}`, `{x}` and `{y}`; empty: the offline coastline only.
    pub tile_url: String,
    /// Credit shown for the tiles.
    pub tile_attribution: String,
}

impl MapConfig {
    fn check(&self) -> Result<(), String> {
        let url = self.tile_url.trim();
        if url.is_empty() {
            return Ok(());
        }
        if !(url.starts_with("http://") || url.starts_with("https://") || url.starts_with('/')) {
            return Err(format!(
                "map.tile_url must be an http(s):// URL or a path on this server, got {url:?}"
            ));
        }
        for p in ["{z}", "{x}", "{y}"] {
            if !url.contains(p) {
                return Err(format!(
                    "map.tile_url needs {p} (with {{z}}, {{x}}, {{y}}): {url:?}"
                ));
            }
        }
        Ok(())
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".parse().expect("valid default address"),
            data_dir: PathBuf::from("jinghai-data"),
            database_url: Secret::default(),
            log: "info".into(),
            session_hours: 12,
            default_lang: "zh".into(),
            secure_cookies: false,
            alert_ack_minutes: jinghai_workflow::alerts::DEFAULT_ACK_MINUTES,
            quarantine_days: 14,
            maritime: Vec::new(),
            bulletin_font: None,
            map: MapConfig::default(),
            stream: None,
        }
    }
}

/// Why the configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("environment variable {name}: {message}")]
    Env { name: String, message: String },
}

/// Environment variables with this prefix are configuration.
pub const ENV_PREFIX: &str = "JINGHAI_";
/// …except these, which belong to the test harness.
const ENV_RESERVED: &[&str] = &["JINGHAI_TEST_"];

impl Config {
    /// Defaults → optional TOML file → environment.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut table = toml::Table::new();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.into(),
                source,
            })?;
            table = text.parse::<toml::Table>().map_err(|e| ConfigError::File {
                path: path.into(),
                message: e.to_string(),
            })?;
            // Validate the file on its own so errors name the file.
            toml::Value::Table(table.clone())
                .try_into::<Config>()
                .map_err(|e| ConfigError::File {
                    path: path.into(),
                    message: e.to_string(),
                })?;
        }
        for (name, value) in env {
            let Some(key) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            if ENV_RESERVED.iter().any(|r| name.starts_with(r)) {
                continue;
            }
            let key = key.to_ascii_lowercase();
            // `[map]` keys: JINGHAI_MAP_TILE_URL, JINGHAI_MAP_TILE_ATTRIBUTION.
            if let Some(map_key @ ("tile_url" | "tile_attribution")) = key.strip_prefix("map_") {
                let map = table
                    .entry("map")
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                if let toml::Value::Table(t) = map {
                    t.insert(map_key.to_string(), toml::Value::String(value.clone()));
                }
                continue;
            }
            // `[stream]` url: JINGHAI_STREAM_URL (the rest from the file).
            if key == "stream_url" {
                let stream = table
                    .entry("stream")
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                if let toml::Value::Table(t) = stream {
                    t.insert("url".into(), toml::Value::String(value.clone()));
                }
                continue;
            }
            let parsed = match key.as_str() {
                "listen" | "data_dir" | "database_url" | "log" | "default_lang" | "bulletin_font" => toml::Value::String(value.clone()),
                "session_hours" | "alert_ack_minutes" | "quarantine_days" => toml::Value::Integer(value.trim().parse().map_err(|_| ConfigError::Env {
                    name: name.clone(),
                    message: format!("expected a whole number, got {value:?}"),
                })?),
                "secure_cookies" => toml::Value::Boolean(value.trim().parse().map_err(|_| ConfigError::Env {
                    name: name.clone(),
                    message: format!("expected true or false, got {value:?}"),
                })?),
                _ => {
                    return Err(ConfigError::Env {
                        name: name.clone(),
                        message: "unknown configuration key (known: listen, data_dir, database_url, log, session_hours, default_lang, secure_cookies, alert_ack_minutes, bulletin_font, quarantine_days, map_tile_url, map_tile_attribution, stream_url)".into(),
                    })
                }
            };
            table.insert(key, parsed);
        }
        let config: Config =
            toml::Value::Table(table)
                .try_into()
                .map_err(|e: toml::de::Error| ConfigError::Env {
                    name: "JINGHAI_*".into(),
                    message: e.to_string(),
                })?;
        config.map.check().map_err(|message| ConfigError::Env {
            name: "map.tile_url".into(),
            message,
        })?;
        if let Some(stream) = &config.stream {
            let known = config.maritime.iter().any(|f| f.name == stream.feed);
            if !known {
                return Err(ConfigError::Env {
                    name: "stream.feed".into(),
                    message: format!(
                        "must name one of the [[maritime]] feeds, got {:?}",
                        stream.feed
                    ),
                });
            }
            stream.grid.validate().map_err(|e| ConfigError::Env {
                name: "stream.grid".into(),
                message: e.to_string(),
            })?;
        }
        if !matches!(config.default_lang.as_str(), "zh" | "en") {
            return Err(ConfigError::Env {
                name: "default_lang".into(),
                message: "must be zh or en".into(),
            });
        }
        Ok(config)
    }

    /// The database URL, defaulting to SQLite in the data directory.
    pub fn database_url(&self) -> String {
        if self.database_url.0.is_empty() {
            format!("sqlite://{}", self.data_dir.join("jinghai.db").display())
        } else {
            self.database_url.0.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn layers_defaults_file_env() {
        let dir = std::env::temp_dir().join(format!("jh-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("c.toml");
        std::fs::write(&file, "listen = \"0.0.0.0:9000\"\nlog = \"debug\"\n").unwrap();
        let c = Config::load(
            Some(&file),
            env(&[
                ("JINGHAI_LOG", "warn"),
                ("PATH", "/bin"),
                ("JINGHAI_TEST_DATABASE_URL", "x"),
            ]),
        )
        .unwrap();
        assert_eq!(c.listen.to_string(), "0.0.0.0:9000", "file over default");
        assert_eq!(c.log, "warn", "env over file");
        assert_eq!(c.session_hours, 12, "default kept");
        assert!(c.database_url().starts_with("sqlite://jinghai-data/"));
    }

    #[test]
    fn unknown_keys_are_refused_by_name() {
        let dir = std::env::temp_dir().join(format!("jh-cfg2-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("c.toml");
        std::fs::write(&file, "listne = \"0.0.0.0:9000\"\n").unwrap();
        let e = Config::load(Some(&file), env(&[])).unwrap_err().to_string();
        assert!(e.contains("listne"), "{e}");
        let e = Config::load(None, env(&[("JINGHAI_LISTNE", "x")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("JINGHAI_LISTNE"), "{e}");
        let e = Config::load(None, env(&[("JINGHAI_SESSION_HOURS", "many")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("JINGHAI_SESSION_HOURS"), "{e}");
    }

    #[test]
    fn map_tile_url_from_file_or_env_and_checked() {
        let dir = std::env::temp_dir().join(format!("jh-cfg3-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("c.toml");
        std::fs::write(
            &file,
            "[map]\ntile_url = \"http://tiles.local/{z}/{x}/{y}.png\"\ntile_attribution = \"内网天地图\"\n",
        )
        .unwrap();
        let c = Config::load(Some(&file), env(&[])).unwrap();
        assert_eq!(c.map.tile_url, "http://tiles.local/{z}/{x}/{y}.png");
        assert_eq!(c.map.tile_attribution, "内网天地图");
        assert_eq!(
            Config::load(None, env(&[])).unwrap().map,
            MapConfig::default()
        );
        let c = Config::load(
            None,
            env(&[("JINGHAI_MAP_TILE_URL", "/tiles/{z}/{x}/{y}.png")]),
        )
        .unwrap();
        assert_eq!(c.map.tile_url, "/tiles/{z}/{x}/{y}.png");
        let e = Config::load(
            None,
            env(&[("JINGHAI_MAP_TILE_URL", "http://tiles.local/{z}/{x}.png")]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("{y}"), "{e}");
        let e = Config::load(
            None,
            env(&[("JINGHAI_MAP_TILE_URL", "ftp://x/{z}/{x}/{y}")]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("map.tile_url"), "{e}");
        std::fs::write(&file, "[map]\ntile_ulr = \"x\"\n").unwrap();
        let e = Config::load(Some(&file), env(&[])).unwrap_err().to_string();
        assert!(e.contains("tile_ulr"), "{e}");
    }

    #[test]
    fn stream_section_names_a_feed() {
        let dir = std::env::temp_dir().join(format!("jh-cfg4-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("c.toml");
        let feed = "[[maritime]]\nname = \"beilun\"\ndistrict = \"330206\"\nzones = \"z\"\nvessels = \"v\"\n";
        std::fs::write(
            &file,
            format!("{feed}[stream]\nurl = \"nats://a:4222,nats://b:4222\"\nfeed = \"beilun\"\nreplicas = 3\n[stream.grid]\ncell_deg = 0.5\n"),
        )
        .unwrap();
        let c = Config::load(Some(&file), env(&[])).unwrap();
        let s = c.stream.unwrap();
        assert_eq!(
            (s.replicas, s.grid.cell_deg, s.grid.partitions),
            (3, 0.5, 8)
        );
        assert_eq!(
            Config::load(None, env(&[])).unwrap().stream,
            None,
            "no broker by default"
        );
        let c = Config::load(Some(&file), env(&[("JINGHAI_STREAM_URL", "nats://c:4222")])).unwrap();
        assert_eq!(c.stream.unwrap().url, "nats://c:4222");
        std::fs::write(
            &file,
            format!("{feed}[stream]\nurl = \"nats://a:4222\"\nfeed = \"zhenhai\"\n"),
        )
        .unwrap();
        let e = Config::load(Some(&file), env(&[])).unwrap_err().to_string();
        assert!(e.contains("stream.feed"), "{e}");
        std::fs::write(&file, format!("{feed}[stream]\nurl = \"nats://a:4222\"\nfeed = \"beilun\"\n[stream.grid]\nhalo_deg = 0.9\n")).unwrap();
        let e = Config::load(Some(&file), env(&[])).unwrap_err().to_string();
        assert!(e.contains("halo_deg"), "{e}");
    }

    #[test]
    fn secrets_hidden_from_debug() {
        let c = Config {
            database_url: Secret("postgres://u:pw@h/db".into()),
            ..Config::default()
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("pw@"), "{shown}");
    }
}
