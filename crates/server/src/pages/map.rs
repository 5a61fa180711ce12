//! The live map page: Leaflet over the offline coastline (and a configured
//! tile layer when there is one), vessels drawn on a canvas and kept live by
//! the push stream, zones by kind, alerts as markers, a vessel panel with
//! track playback, search. The script is `assets/map.js`; this page gives it
//! the strings in the user's language, the feeds and the base-layer settings.

use axum::extract::State;
use jinghai_domain::Lang;
use maud::{html, Markup};
use serde_json::json;

use super::layout;
use crate::auth::Auth;
use crate::error::ApiError;
use crate::i18n::{strings_with_prefix, t};
use crate::AppState;

/// The strings map.js uses, as a JSON object in the user's language.
pub fn script_strings(lang: Lang) -> String {
    let mut map: serde_json::Map<String, serde_json::Value> =
        strings_with_prefix(lang, &["map.", "zone."])
            .into_iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
    // Alert kinds, named as the alert desk names them.
    for k in jinghai_engine::EventKind::ALL {
        let (zh, en) = jinghai_domain::alert::kind_names(k.as_str());
        map.insert(format!("event.{}", k.as_str()), json!(lang.pick(zh, en)));
    }
    serde_json::Value::Object(map).to_string()
}

/// Leaflet and the map script, loaded from the binary.
pub fn map_assets() -> Markup {
    html! {
        link rel="stylesheet" href="/assets/vendor/leaflet.css";
        link rel="stylesheet" href="/assets/map.css";
        script src="/assets/vendor/leaflet.js" {}
        script src="/assets/map.js" defer {}
    }
}

/// The attributes map.js reads from its container: language, strings and
/// the base layer.
pub fn base_attrs(s: &AppState, lang: Lang) -> (String, String, String, String) {
    (
        lang.code().to_string(),
        script_strings(lang),
        s.config.map.tile_url.trim().to_string(),
        s.config.map.tile_attribution.clone(),
    )
}

/// `GET /map`
pub async fn page(State(s): State<AppState>, auth: Auth) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let feeds = s.map.feeds(&auth.ctx);
    let (code, strings, tile_url, tile_attribution) = base_attrs(&s, lang);
    let feeds_json = serde_json::to_string(&feeds).unwrap_or_else(|_| "[]".into());
    Ok(layout(
        lang,
        Some(&auth),
        t(lang, "map.title"),
        "nav.map",
        html! {
            (map_assets())
            div.mapbar {
                h1 { (t(lang, "map.title")) }
                form.mapsearch data-testid="map-search" {
                    input type="search" name="q" autocomplete="off" placeholder=(t(lang, "map.search")) list="map-search-hits";
                    datalist id="map-search-hits" {}
                }
                span.clock { (t(lang, "map.clock")) "：" span data-testid="map-clock" { "—" } }
                span.mapcount data-testid="map-count" {}
                span.maplink data-testid="map-link" {}
            }
            @if feeds.is_empty() {
                p.notice data-testid="map-no-feed" { (t(lang, "map.no_feed")) }
            }
            div.mapwrap {
                div #map data-testid="map"
                    data-lang=(code)
                    data-strings=(strings)
                    data-tile-url=(tile_url)
                    data-tile-attribution=(tile_attribution)
                    data-feeds=(feeds_json) {}
                aside #vessel-panel.panel hidden data-testid="vessel-panel" {}
            }
            div.legend data-testid="map-legend" {}
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_zone_kind_and_vessel_kind_has_a_name_in_both_languages() {
        for k in jinghai_engine::ZoneKind::ALL {
            let key = format!("zone.{}", k.as_str());
            assert!(
                crate::i18n::STRINGS.iter().any(|(s, _, _)| *s == key),
                "{key}"
            );
        }
        for k in [
            "fishing",
            "cargo",
            "tanker",
            "passenger",
            "speedboat",
            "service",
            "law_enforcement",
            "other",
            "unknown",
        ] {
            let key = format!("map.kind.{k}");
            assert!(
                crate::i18n::STRINGS.iter().any(|(s, _, _)| *s == key),
                "{key}"
            );
        }
        let zh: serde_json::Value = serde_json::from_str(&script_strings(Lang::Zh)).unwrap();
        assert_eq!(zh["zone.cove"], "岙口");
        let en: serde_json::Value = serde_json::from_str(&script_strings(Lang::En)).unwrap();
        assert_eq!(en["zone.cove"], "Cove");
        assert_eq!(zh["event.encounter"], "海上搭靠/过驳");
    }
}
