// The patrol map: the planned zone (blue), the tracks (green) and the blind
// spots (red) from /api/v1/patrols/{id}/coverage, on the offline coastline.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("patrol-map");
  if (!el || !window.L) return;
  const map = L.map(el, { attributionControl: false });
  fetch("/assets/basemap/zhejiang-coastline.geojson")
    .then((r) => r.json())
    .then((g) => L.geoJSON(g, { style: { color: "#888", weight: 1, fillOpacity: 0.05 } }).addTo(map))
    .catch(() => {});
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then((r) => r.json())
    .then((g) => {
      const style = (f) => {
        const k = f.properties.kind;
        if (k === "zone") return { color: "#1f5fbf", weight: 2, fillOpacity: 0.05 };
        if (k === "track") return { color: "#16803c", weight: 3 };
        return { color: "#c0392b", weight: 0, fillColor: "#e74c3c", fillOpacity: 0.45 };
      };
      const layer = L.geoJSON(g, { style }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [20, 20] });
      el.dataset.loaded = String(g.features.length);
    });
});
