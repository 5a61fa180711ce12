// The places editor: existing places and the offline coastline on a Leaflet
// map, and a small click-to-add-vertex editor that fills the form's hidden
// `geometry` field with GeoJSON. A polygon that cannot be a zone (fewer than
// 3 distinct corners, edges that cross) is refused here, before it is sent;
// the server applies the same rule again (jinghai_domain::geometry).
"use strict";
(function () {
  const mapEl = document.getElementById("places-map");
  const form = document.querySelector("form[data-testid=place-form]");
  if (!mapEl || !form || !window.L) return;
  const zh = document.documentElement.lang !== "en";
  const say = (z, e) => (zh ? z : e);
  const geomInput = form.querySelector("input[name=geometry]");
  const kindSelect = form.querySelector("select[name=kind]");
  const errorBox = document.querySelector("[data-testid=draw-error]");
  const status = document.querySelector("[data-testid=draw-status]");

  const map = L.map(mapEl, { preferCanvas: true }).setView([29.88, 121.95], 10);
  fetch("/assets/basemap/zhejiang-coastline.geojson")
    .then((r) => r.json())
    .then((g) => L.geoJSON(g, { style: { color: "#5a6876", weight: 1 }, interactive: false }).addTo(map))
    .catch(() => {});

  const colours = { jurisdiction: "#1d3557", coverage: "#8ecae6", open_port: "#2a9d8f", anchorage: "#219ebc",
    fishing_port: "#06d6a0", cove: "#e76f51", uninhabited_island: "#f4a261", unlicensed_dock: "#d62828",
    temporary_berth: "#fb8500", restricted: "#9d0208", boundary: "#6a040f" };
  const existing = L.featureGroup().addTo(map);
  fetch(mapEl.dataset.placesUrl, { credentials: "same-origin" })
    .then((r) => r.json())
    .then((places) => {
      for (const p of places) {
        const colour = colours[p.kind] || "#7b2cbf";
        const layer = L.geoJSON(p.geometry, {
          style: { color: colour, weight: 2, fillOpacity: 0.15 },
          pointToLayer: (_f, ll) => L.circleMarker(ll, { radius: 6, color: colour }),
        });
        layer.bindTooltip(p.name + " (" + p.code + ")");
        layer.on("click", () => { window.location = "/places/" + p.id; });
        existing.addLayer(layer);
      }
      const editing = mapEl.dataset.editing;
      if (editing) {
        const g = JSON.parse(editing);
        const b = L.geoJSON(g).getBounds();
        if (b.isValid()) map.fitBounds(b.pad(0.5));
      } else if (existing.getLayers().length) {
        map.fitBounds(existing.getBounds().pad(0.1));
      }
    })
    .catch(() => {});

  // --- drawing ---
  let vertices = [];
  const sketch = L.layerGroup().addTo(map);
  const mode = () => {
    const k = kindSelect.value;
    const opt = kindSelect.selectedOptions[0];
    if (opt && opt.dataset.shape) return opt.dataset.shape;
    return k === "boundary" ? "line" : "polygon";
  };

  function redraw() {
    sketch.clearLayers();
    const lls = vertices.map((v) => [v[1], v[0]]);
    for (const ll of lls) sketch.addLayer(L.circleMarker(ll, { radius: 4, color: "#d62828" }));
    if (lls.length > 1) {
      sketch.addLayer(mode() === "polygon" ? L.polygon(lls, { color: "#d62828" }) : L.polyline(lls, { color: "#d62828" }));
    }
    if (status) status.textContent = say("已取点 ", "Vertices: ") + vertices.length;
    geomInput.value = vertices.length ? JSON.stringify(geometry()) : "";
  }

  function geometry() {
    const m = mode();
    if (m === "point") return { type: "Point", coordinates: vertices[vertices.length - 1] };
    if (m === "line") return { type: "LineString", coordinates: vertices };
    const ring = vertices.slice();
    if (ring.length && (ring[0][0] !== ring[ring.length - 1][0] || ring[0][1] !== ring[ring.length - 1][1])) ring.push(ring[0]);
    return { type: "Polygon", coordinates: [ring] };
  }

  function cross(a, b, c, d) {
    const o = (p, q, r) => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
    return o(a, b, c) * o(a, b, d) < 0 && o(c, d, a) * o(c, d, b) < 0;
  }

  // The same rule as jinghai_domain::geometry::check_ring, for a drawn ring.
  function ringProblem(ring) {
    const n = ring.length - 1;
    const distinct = [];
    for (const p of ring.slice(0, n)) if (!distinct.some((q) => q[0] === p[0] && q[1] === p[1])) distinct.push(p);
    if (distinct.length < 3) return say("多边形至少需要 3 个不同的顶点（现有 " + distinct.length + " 个）", "a polygon needs at least 3 distinct corners (it has " + distinct.length + ")");
    let area = 0;
    for (let i = 0; i < n; i++) area += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
    if (Math.abs(area) < 1e-14) return say("多边形面积为零（所有顶点在一条直线上）", "the polygon has zero area (all corners on one line)");
    for (let i = 0; i < n; i++) for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue;
      if (cross(ring[i], ring[i + 1], ring[j], ring[j + 1])) return say("多边形自相交（第 " + (i + 1) + " 条边与第 " + (j + 1) + " 条边交叉），请重新绘制", "the polygon crosses itself (edges " + i + " and " + j + "); draw it again");
    }
    return null;
  }

  function problem() {
    if (!geomInput.value) return say("请先在地图上绘制场所", "draw the place on the map first");
    const g = JSON.parse(geomInput.value);
    if (g.type === "Polygon") return ringProblem(g.coordinates[0]);
    if (g.type === "LineString" && g.coordinates.length < 2) return say("界线至少需要 2 个点", "a line needs at least 2 points");
    return null;
  }

  function showError(text) {
    if (!errorBox) return;
    errorBox.textContent = text || "";
    errorBox.hidden = !text;
  }

  function addVertex(lat, lon) {
    const p = [Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6];
    if (mode() === "point") vertices = [p];
    else vertices.push(p);
    showError(null);
    redraw();
  }

  map.on("click", (ev) => addVertex(ev.latlng.lat, ev.latlng.lng));
  kindSelect.addEventListener("change", redraw);
  const clear = document.querySelector("[data-testid=draw-clear]");
  if (clear) clear.addEventListener("click", () => { vertices = []; showError(null); redraw(); });
  const undo = document.querySelector("[data-testid=draw-undo]");
  if (undo) undo.addEventListener("click", () => { vertices.pop(); redraw(); });

  form.addEventListener("submit", (ev) => {
    const p = problem();
    if (p) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
      showError(p);
    }
  });

  // Start from the place being edited.
  if (mapEl.dataset.editing) {
    const g = JSON.parse(mapEl.dataset.editing);
    if (g.type === "Point") vertices = [g.coordinates];
    else if (g.type === "LineString") vertices = g.coordinates.slice();
    else if (g.type === "Polygon") vertices = g.coordinates[0].slice(0, -1);
    redraw();
  }

  // For keyboard users and tests: the editor's operations without a mouse.
  window.placesEditor = { addVertex, clear: () => { vertices = []; redraw(); }, problem, map, shown: () => existing.getLayers().length };
})();
