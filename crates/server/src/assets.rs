//! Static assets compiled into the binary. Nothing is fetched from the
//! internet: a deployment on a closed network serves everything from here.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// (path under /assets/, content type, bytes)
#[rustfmt::skip]
const ASSETS: &[(&str, &str, &[u8])] = &[
    ("app.css", CSS, include_bytes!("../assets/app.css")),
    ("app.js", JS, include_bytes!("../assets/app.js")),
    ("places.js", JS, include_bytes!("../assets/places.js")),
    ("patrol.js", JS, include_bytes!("../assets/patrol.js")),
    ("risk.js", JS, include_bytes!("../assets/risk.js")),
    ("duty.js", JS, include_bytes!("../assets/duty.js")),
    ("tip.js", JS, include_bytes!("../assets/tip.js")),
    ("countries.js", JS, include_bytes!("../assets/countries.js")),
    // The live map and alert evidence maps.
    ("map.js", JS, include_bytes!("../assets/map.js")),
    ("map.css", CSS, include_bytes!("../assets/map.css")),
    // Leaflet, vendored from npm by scripts/vendor-web.sh (BSD-2-Clause).
    ("vendor/leaflet.js", JS, include_bytes!("../assets/vendor/leaflet.js")),
    ("vendor/leaflet.css", CSS, include_bytes!("../assets/vendor/leaflet.css")),
    ("vendor/LICENSE.leaflet", TEXT, include_bytes!("../assets/vendor/LICENSE.leaflet")),
    ("vendor/images/layers.png", PNG, include_bytes!("../assets/vendor/images/layers.png")),
    ("vendor/images/layers-2x.png", PNG, include_bytes!("../assets/vendor/images/layers-2x.png")),
    ("vendor/images/marker-icon.png", PNG, include_bytes!("../assets/vendor/images/marker-icon.png")),
    ("vendor/images/marker-icon-2x.png", PNG, include_bytes!("../assets/vendor/images/marker-icon-2x.png")),
    ("vendor/images/marker-shadow.png", PNG, include_bytes!("../assets/vendor/images/marker-shadow.png")),
    // The offline base layer: GSHHG full-resolution Zhejiang shoreline (LGPL-3.0).
    ("basemap/zhejiang-coastline.geojson", GEOJSON, include_bytes!("../assets/basemap/zhejiang-coastline.geojson")),
    ("basemap/world-countries.geojson", GEOJSON, include_bytes!("../assets/basemap/world-countries.geojson")),
    ("basemap/README.md", TEXT, include_bytes!("../assets/basemap/README.md")),
];

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const PNG: &str = "image/png";
const TEXT: &str = "text/plain; charset=utf-8";
const GEOJSON: &str = "application/geo+json";

pub async fn serve(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, ctype, bytes)) => (
            [
                (header::CONTENT_TYPE, *ctype),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
