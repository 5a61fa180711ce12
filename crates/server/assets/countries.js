// The key-country risk map (疫情防控): the world's countries from the offline
// base map, coloured by the risk level the office set for each key country.
// Countries are matched by Chinese name, English name or ISO code; names
// that match no shape (small states, typos) are listed under the map.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("country-map");
  if (!el || !window.L) return;
  const keyed = JSON.parse(el.dataset.countries || "[]");
  const colours = { high: "#c0392b", medium: "#e67e22", low: "#f1c40f" };
  const norm = (s) => String(s || "").trim().toLowerCase().replace(/\s+/g, " ");
  const map = L.map(el, { attributionControl: false, worldCopyJump: true }).setView([25, 60], 2);
  fetch("/assets/basemap/world-countries.geojson")
    .then((r) => r.json())
    .then((world) => {
      const byName = new Map();
      for (const f of world.features) {
        const p = f.properties;
        for (const n of [p.name_zh, p.name_en, p.iso_a3]) byName.set(norm(n), f);
      }
      const riskOf = new Map();
      const unmatched = [];
      for (const c of keyed) {
        const f = byName.get(norm(c.name));
        if (f) riskOf.set(f.properties.iso_a3, c);
        else unmatched.push(c.name);
      }
      L.geoJSON(world, {
        style: (f) => {
          const c = riskOf.get(f.properties.iso_a3);
          return c
            ? { color: "#555", weight: 1, fillColor: colours[c.risk] || "#999", fillOpacity: 0.8, className: "risk-" + c.risk }
            : { color: "#999", weight: 0.5, fillColor: "#eee", fillOpacity: 0.6, className: "risk-none" };
        },
        // Small states are points at their capital.
        pointToLayer: (f, at) => L.circleMarker(at, { radius: 5 }),
        onEachFeature: (f, layer) => {
          const c = riskOf.get(f.properties.iso_a3);
          const label = f.properties.name_zh + " " + f.properties.name_en + (c ? " · " + c.label : "");
          layer.bindTooltip(label);
        },
      }).addTo(map);
      el.dataset.matched = String(riskOf.size);
      const list = document.getElementById("country-unmatched");
      if (list && unmatched.length) {
        list.textContent = (list.dataset.prefix || "") + unmatched.join("、");
        list.hidden = false;
      }
    })
    .catch(() => {
      el.dataset.matched = "error";
    });
});
