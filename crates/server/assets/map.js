// Jinghai live map and alert evidence maps (Leaflet, vendored). Everything
// comes from this server: the coastline, the zones, the vessels (a push
// stream), the alerts. Strings arrive in the user's language from the page.
"use strict";
(function () {
  const KIND_COLOURS = {
    fishing: "#f57c00", cargo: "#2e7d32", tanker: "#c62828", passenger: "#1565c0",
    speedboat: "#f9a825", service: "#00838f", law_enforcement: "#283593",
    other: "#757575", unknown: "#bdbdbd",
  };
  const STATE_OUTLINES = {
    moving: { colour: "#0b2a4a", width: 1.5, dash: [] },
    stopped: { colour: "#555555", width: 1, dash: [] },
    dark: { colour: "#b3261e", width: 1.5, dash: [3, 2] },
  };
  // Zone kinds of FORMATS.md.
  const ZONE_STYLES = {
    jurisdiction: { color: "#1f5f99", weight: 2, dashArray: "8 6", fill: false },
    coverage: { color: "#6b8fb3", weight: 1, dashArray: "2 5", fill: false },
    open_port: { color: "#2e8b57", weight: 1.5, fillOpacity: 0.15 },
    anchorage: { color: "#4682b4", weight: 1.5, fillOpacity: 0.15 },
    fishing_port: { color: "#1e90ff", weight: 1.5, fillOpacity: 0.2 },
    cove: { color: "#d2691e", weight: 1.5, fillOpacity: 0.25 },
    uninhabited_island: { color: "#8b7d6b", weight: 1.5, fillOpacity: 0.3 },
    unlicensed_dock: { color: "#b8860b", weight: 1.5, fillOpacity: 0.3 },
    temporary_berth: { color: "#daa520", weight: 1.5, fillOpacity: 0.3 },
    restricted: { color: "#b3261e", weight: 1.5, fillOpacity: 0.15, dashArray: "6 3" },
    boundary: { color: "#8e44ad", weight: 3, dashArray: "10 6" },
  };
  const SEA = "#bcd8ee";

  const pad = (n) => String(n).padStart(2, "0");
  function when(ms) {
    if (!ms) return "—";
    const d = new Date(ms);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === "text") e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }
  async function getJson(url) {
    const r = await fetch(url, { credentials: "same-origin" });
    if (!r.ok) throw new Error(`${url}: ${r.status}`);
    return r.json();
  }
  function zoneStyle(kind) {
    return Object.assign({ color: "#555", weight: 1, fillOpacity: 0.1 }, ZONE_STYLES[kind] || {});
  }

  // The base map: sea-blue background, the offline coastline, and the
  // configured tile layer when there is one.
  function baseMap(container) {
    const map = L.map(container, { preferCanvas: true, minZoom: 3, maxZoom: 18, zoomSnap: 1 });
    map.attributionControl.setPrefix('<a href="/assets/vendor/LICENSE.leaflet">Leaflet</a> · GSHHG');
    container.style.background = SEA;
    const tiles = container.dataset.tileUrl;
    if (tiles) {
      L.tileLayer(tiles, { attribution: container.dataset.tileAttribution || "", maxZoom: 18 }).addTo(map);
    }
    map.createPane("coast");
    map.getPane("coast").style.zIndex = 350;
    getJson("/assets/basemap/zhejiang-coastline.geojson").then((gj) => {
      L.geoJSON(gj, { pane: "coast", interactive: false, style: { color: "#40505e", weight: 1, opacity: 0.9 } }).addTo(map);
    }).catch(() => {});
    return map;
  }

  function legend(target, S, withVessels) {
    if (!target) return;
    target.textContent = "";
    target.append(el("b", { text: S["map.legend"] || "" }));
    if (withVessels) {
      for (const [k, c] of Object.entries(KIND_COLOURS)) {
        const tri = el("span", { class: "tri" });
        tri.style.borderBottomColor = c;
        target.append(el("span", {}, tri, S["map.kind." + k] || k));
      }
      for (const [k, o] of Object.entries(STATE_OUTLINES)) {
        const sw = el("span", { class: "sw" });
        sw.style.borderColor = o.colour;
        sw.style.borderStyle = o.dash.length ? "dashed" : "solid";
        sw.style.borderWidth = "2px";
        sw.style.background = "#fff";
        target.append(el("span", {}, sw, S["map.state." + k] || k));
      }
    }
    for (const k of Object.keys(ZONE_STYLES)) {
      const sw = el("span", { class: "sw" });
      const st = zoneStyle(k);
      sw.style.borderColor = st.color;
      sw.style.background = st.fill === false ? "transparent" : st.color + "55";
      if (st.dashArray) sw.style.borderStyle = "dashed";
      target.append(el("span", { "data-zone-kind": k }, sw, S["zone." + k] || k));
    }
  }

  // Vessels and clusters on one canvas over the map, redrawn on every
  // change; clicks hit-test the drawn vessels.
  const VesselLayer = L.Layer.extend({
    initialize: function (onClick) {
      this.vessels = new Map();
      this.clusters = [];
      this.selected = null;
      this.onClick = onClick;
    },
    onAdd: function (map) {
      this._map = map;
      this.canvas = L.DomUtil.create("canvas", "leaflet-zoom-hide");
      this.canvas.style.position = "absolute";
      map.getPanes().overlayPane.appendChild(this.canvas);
      map.on("moveend zoomend resize", this.redraw, this);
      map.on("click", this._click, this);
      this.redraw();
    },
    onRemove: function (map) {
      this.canvas.remove();
      map.off("moveend zoomend resize", this.redraw, this);
      map.off("click", this._click, this);
    },
    redraw: function () {
      const map = this._map;
      if (!map) return;
      const size = map.getSize();
      const topLeft = map.containerPointToLayerPoint([0, 0]);
      L.DomUtil.setPosition(this.canvas, topLeft);
      const ratio = window.devicePixelRatio || 1;
      this.canvas.width = size.x * ratio;
      this.canvas.height = size.y * ratio;
      this.canvas.style.width = size.x + "px";
      this.canvas.style.height = size.y + "px";
      const ctx = this.canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, size.x, size.y);
      for (const c of this.clusters) this._cluster(ctx, c);
      for (const v of this.vessels.values()) this._vessel(ctx, v);
    },
    _vessel: function (ctx, v) {
      const p = this._map.latLngToContainerPoint([v.lat, v.lon]);
      const outline = STATE_OUTLINES[v.state] || STATE_OUTLINES.moving;
      const course = v.heading != null ? v.heading : v.cog;
      ctx.save();
      ctx.translate(p.x, p.y);
      ctx.globalAlpha = v.state === "dark" ? 0.55 : 1;
      ctx.fillStyle = KIND_COLOURS[v.kind] || KIND_COLOURS.unknown;
      ctx.strokeStyle = outline.colour;
      ctx.lineWidth = outline.width;
      ctx.setLineDash(outline.dash);
      ctx.beginPath();
      if (v.state === "stopped" || course == null) {
        ctx.moveTo(0, -5); ctx.lineTo(5, 0); ctx.lineTo(0, 5); ctx.lineTo(-5, 0);
      } else {
        ctx.rotate((course * Math.PI) / 180);
        ctx.moveTo(0, -9); ctx.lineTo(5, 6); ctx.lineTo(0, 3); ctx.lineTo(-5, 6);
      }
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
      ctx.restore();
      if (this.selected === v.mmsi) {
        ctx.save();
        ctx.strokeStyle = "#e53935";
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.arc(p.x, p.y, 12, 0, 2 * Math.PI);
        ctx.stroke();
        ctx.restore();
      }
    },
    _cluster: function (ctx, c) {
      const p = this._map.latLngToContainerPoint([c.lat, c.lon]);
      const r = 10 + Math.min(20, Math.log2(c.count) * 3);
      ctx.save();
      ctx.fillStyle = "rgba(31, 95, 153, 0.75)";
      ctx.strokeStyle = "#fff";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = "#fff";
      ctx.font = "bold 12px sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText(String(c.count), p.x, p.y);
      ctx.restore();
    },
    _click: function (e) {
      let best = null;
      let bestD = 12 * 12;
      for (const v of this.vessels.values()) {
        const p = this._map.latLngToContainerPoint([v.lat, v.lon]);
        const d = (p.x - e.containerPoint.x) ** 2 + (p.y - e.containerPoint.y) ** 2;
        if (d < bestD) { best = v; bestD = d; }
      }
      if (best) { this.onClick(best.mmsi); return; }
      for (const c of this.clusters) {
        const p = this._map.latLngToContainerPoint([c.lat, c.lon]);
        if ((p.x - e.containerPoint.x) ** 2 + (p.y - e.containerPoint.y) ** 2 < 26 * 26) {
          this._map.setView([c.lat, c.lon], this._map.getZoom() + 2);
          return;
        }
      }
    },
  });

  function alertMarker(a, S) {
    const icon = L.divIcon({ className: "alert-pin", html: "!", iconSize: [18, 18] });
    const m = L.marker([a.lat, a.lon], { icon, title: S["event." + a.kind] || a.kind, zIndexOffset: 1000 });
    const body = el("div", {},
      el("b", { text: S["event." + a.kind] || a.kind }), el("br"),
      `MMSI ${a.mmsi}`, el("br"),
      when(a.start_ms || a.start_at), el("br"),
      el("a", { href: `/alerts/${a.id}`, text: S["map.alert.open"] || "→" }));
    m.bindPopup(body);
    return m;
  }

  // ---- layers of records: risks, cards, patrol coverage ------------------
  // Off until ticked in the layer control; each loads its (scoped) JSON the
  // first time it is shown. Markers are DOM elements (few of them), so they
  // can be styled and clicked.

  function recordLayers(map, S) {
    const layers = { risks: L.layerGroup(), cards: L.layerGroup(), patrols: L.layerGroup() };
    const counts = {};
    const pin = (cls, text, attrs) => L.divIcon({
      className: cls, iconSize: [20, 20],
      html: `<span ${Object.entries(attrs).map(([k, v]) => `${k}="${String(v).replace(/[^\w-]/g, "")}"`).join(" ")}>${text}</span>`,
    });
    function lazy(name, load) {
      let state = "idle";
      layers[name].on("add", () => {
        if (state !== "idle") return;
        state = "loading";
        load().then((n) => {
          state = "done";
          counts[name] = n;
          map.getContainer().dataset[name + "Layer"] = String(n);
        }).catch(() => { state = "idle"; });
      });
    }
    lazy("risks", async () => {
      const d = await getJson("/api/v1/map/risks");
      for (const r of d.risks) {
        const m = L.marker([r.lat, r.lon], {
          icon: pin(r.overdue ? "risk-pin overdue" : "risk-pin", r.overdue ? "!" : "◆", { "data-risk": r.id }),
          title: r.place, zIndexOffset: r.overdue ? 900 : 500,
        });
        m.bindPopup(el("div", { "data-testid": "risk-popup" },
          el("b", { text: r.place }), el("br"),
          `${r.region_name} · ${r.category_name} · ${r.severity_name}`, el("br"),
          r.status_name, el("br"),
          r.deadline ? `${S["map.risk.deadline"]}: ${r.deadline}` : null,
          r.overdue ? el("span", { class: "late", text: ` ${S["map.risk.overdue"]}` }) : null,
          el("br"),
          el("a", { href: `/risks/${r.id}`, text: S["map.risk.open"] || "→" })));
        layers.risks.addLayer(m);
      }
      return d.risks.length;
    });
    lazy("cards", async () => {
      const d = await getJson("/api/v1/cards");
      let n = 0;
      for (const c of d.cards) {
        if (c.lat == null || c.lon == null || c.status !== "active") continue;
        const m = L.marker([c.lat, c.lon], {
          icon: pin(`card-pin ${c.color}${c.overdue ? " overdue" : ""}`, "", { "data-card": c.id }),
          title: c.place_name, zIndexOffset: 800,
        });
        m.bindPopup(el("div", { "data-testid": "card-popup" },
          el("b", { text: `${S["map.card." + c.color] || c.color} · ${c.place_name}` }), el("br"),
          c.reason, el("br"),
          c.fix_deadline ? `${S["map.card.fix_by"]}: ${c.fix_deadline}` : null,
          c.overdue ? el("span", { class: "late", text: ` ${S["map.risk.overdue"]}` }) : null,
          c.fix_deadline ? el("br") : null,
          el("a", { href: `/scoring/regions/${c.region_id}`, text: S["map.card.open"] || "→" })));
        layers.cards.addLayer(m);
        n += 1;
      }
      return n;
    });
    lazy("patrols", async () => {
      const d = await getJson("/api/v1/map/patrols");
      const style = (f) => {
        const k = f.properties.kind;
        if (k === "zone") return { color: "#1f5fbf", weight: 2, fillOpacity: 0.04, dashArray: "4 3" };
        if (k === "track") return { color: "#16803c", weight: 3 };
        return { color: "#c0392b", weight: 0, fillColor: "#e74c3c", fillOpacity: 0.45 };
      };
      const g = L.geoJSON(d, {
        style,
        onEachFeature: (f, layer) => {
          const p = f.properties;
          const what = p.kind === "zone"
            ? `${S["map.patrol.zone"]} · ${S["map.patrol.covered"]} ${Math.round(p.ratio * 100)}%`
            : p.kind === "track" ? `${S["map.patrol.track"]} · ${p.vessel}` : `${S["map.patrol.blind"]} · ${p.count}`;
          layer.bindPopup(el("div", { "data-testid": "patrol-popup", "data-kind": p.kind },
            el("b", { text: p.plan }), el("br"), what, el("br"),
            el("a", { href: `/patrols/${p.plan_id}`, text: S["map.patrol.open"] || "→" })));
        },
      });
      layers.patrols.addLayer(g);
      const blind = d.features.filter((f) => f.properties.kind === "blind_spots").length;
      map.getContainer().dataset.patrolBlind = String(blind);
      return d.plans;
    });
    L.control.layers(null, {
      [S["map.layer.risks"]]: layers.risks,
      [S["map.layer.cards"]]: layers.cards,
      [S["map.layer.patrols"]]: layers.patrols,
    }, { collapsed: false, position: "topright" }).addTo(map);
    return { layers, counts };
  }

  // ---- the live map --------------------------------------------------------

  function liveMap(container) {
    const S = JSON.parse(container.dataset.strings || "{}");
    const feeds = JSON.parse(container.dataset.feeds || "[]");
    const map = baseMap(container);
    const panel = document.getElementById("vessel-panel");
    const state = {
      map, feeds, vessels: null, alerts: new Map(), source: null, panelMmsi: null,
      updates: 0, lastEvent: null, clock: 0, track: null,
    };
    const vessels = new VesselLayer((mmsi) => openPanel(mmsi));
    state.vessels = vessels.vessels;
    window.jinghaiMap = state;

    // Where to look first: the feeds' jurisdictions, else the Zhejiang coast.
    const boxes = feeds.filter((f) => f.bbox).map((f) => f.bbox);
    if (boxes.length) {
      const b = boxes.reduce((a, c) => [Math.min(a[0], c[0]), Math.min(a[1], c[1]), Math.max(a[2], c[2]), Math.max(a[3], c[3])]);
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [20, 20] });
    } else {
      map.setView([29.9, 122.0], 9);
    }

    const zonesLayer = L.geoJSON(null, {
      style: (f) => zoneStyle(f.properties.kind),
      onEachFeature: (f, layer) => layer.bindTooltip(`${f.properties.name} · ${S["zone." + f.properties.kind] || f.properties.kind}`, { sticky: true }),
    }).addTo(map);
    getJson("/api/v1/map/zones").then((gj) => zonesLayer.addData(gj)).catch(() => {});
    state.zones = zonesLayer;
    vessels.addTo(map);
    const alertsLayer = L.layerGroup().addTo(map);
    state.records = recordLayers(map, S);
    const trackLayer = L.layerGroup().addTo(map);
    legend(document.querySelector("[data-testid=map-legend]"), S, true);

    function addAlert(a, fresh) {
      if (state.alerts.has(a.id)) return;
      const m = alertMarker(a, S);
      state.alerts.set(a.id, m);
      m.addTo(alertsLayer);
      if (fresh && m._icon) m._icon.classList.add("fresh");
    }
    // The open alerts already on the desk.
    getJson("/api/v1/alerts").then((list) => {
      for (const a of list.filter((x) => x.status !== "dismissed" && x.status !== "escalated").slice(0, 200)) {
        addAlert({ id: a.id, kind: a.kind, mmsi: a.mmsi, lat: a.lat, lon: a.lon, start_ms: a.start_at }, false);
      }
    }).catch(() => {});

    const clockEl = document.querySelector("[data-testid=map-clock]");
    const countEl = document.querySelector("[data-testid=map-count]");
    const linkEl = document.querySelector("[data-testid=map-link]");

    function onPicture(data) {
      if (data.full || data.clustered) vessels.vessels.clear();
      for (const v of data.vessels) vessels.vessels.set(v.mmsi, v);
      vessels.clusters = data.clustered ? data.clusters : [];
      for (const a of data.alerts) addAlert(a, true);
      state.clock = Math.max(0, ...data.feeds.map((f) => f.now_ms));
      state.updates += 1;
      state.lastEvent = Date.now();
      if (clockEl) clockEl.textContent = when(state.clock);
      if (countEl) countEl.textContent = `${S["map.in_view"] || ""} ${data.total} ${S["map.vessels"] || ""}`;
      container.dataset.updates = String(state.updates);
      vessels.redraw();
      if (state.panelMmsi && vessels.vessels.has(state.panelMmsi)) refreshPanelHead(vessels.vessels.get(state.panelMmsi));
    }

    function connect() {
      if (state.source) state.source.close();
      const b = map.getBounds().pad(0.2);
      const bbox = [b.getWest(), Math.max(-90, b.getSouth()), b.getEast(), Math.min(90, b.getNorth())].map((x) => x.toFixed(5)).join(",");
      const src = new EventSource(`/api/v1/map/stream?bbox=${bbox}&zoom=${map.getZoom()}`);
      src.addEventListener("picture", (ev) => onPicture(JSON.parse(ev.data)));
      src.onopen = () => { if (linkEl) { linkEl.textContent = S["map.live"] || ""; linkEl.classList.remove("off"); } };
      src.onerror = () => { if (linkEl) { linkEl.textContent = S["map.offline"] || ""; linkEl.classList.add("off"); } };
      state.source = src;
    }
    let reconnect = null;
    map.on("moveend", () => { clearTimeout(reconnect); reconnect = setTimeout(connect, 250); });
    connect();

    // ---- the vessel panel ----
    function row(label, value) {
      return el("tr", {}, el("th", { text: label }), el("td", {}, value));
    }
    function fmt(n, digits, unit) {
      return n == null ? "—" : `${Number(n).toFixed(digits)}${unit}`;
    }
    function refreshPanelHead(v) {
      const head = panel.querySelector("[data-testid=vessel-live]");
      if (!head) return;
      head.replaceChildren(
        row(S["map.panel.state"], S["map.state." + v.state] || v.state),
        row(S["map.panel.position"], `${v.lat.toFixed(5)}, ${v.lon.toFixed(5)}`),
        row(S["map.panel.speed"], `${fmt(v.sog, 1, " kn")} / ${fmt(v.cog, 0, "°")} / ${fmt(v.heading, 0, "°")}`),
        row(S["map.panel.last"], when(v.last_ms)));
    }
    async function openPanel(mmsi) {
      state.panelMmsi = mmsi;
      vessels.selected = mmsi;
      vessels.redraw();
      let d;
      try {
        d = await getJson(`/api/v1/map/vessels/${mmsi}`);
      } catch (e) {
        return;
      }
      panel.hidden = false;
      panel.dataset.mmsi = String(mmsi);
      const close = el("button", { class: "close", type: "button", title: S["map.panel.close"], text: "×" });
      close.onclick = () => { panel.hidden = true; state.panelMmsi = null; vessels.selected = null; trackLayer.clearLayers(); vessels.redraw(); };
      const live = el("tbody", { "data-testid": "vessel-live" });
      const reg = d.registry;
      const regRows = reg
        ? [row(S["map.panel.owner"], reg.owner_name), row(S["map.panel.registry_no"], reg.registry_no || "—"),
           row(S["map.panel.flag"], reg.flag), row(S["map.panel.home_port"], reg.home_port || "—"),
           row(S["map.panel.international"], reg.international ? "✓" : "—")]
        : [el("tr", {}, el("td", { colspan: "2", class: "late", text: S["map.panel.unregistered"] }))];
      const events = d.open_events.length
        ? el("ul", {}, ...d.open_events.map((e) => el("li", { text: `${S["event." + e.kind] || e.kind} · ${when(e.start_ms)}` })))
        : el("p", { text: S["map.panel.none"] });
      const alerts = d.alerts.length
        ? el("ul", { "data-testid": "vessel-alerts" }, ...d.alerts.map((a) => el("li", {},
            el("a", { href: `/alerts/${a.id}`, text: S["event." + a.kind] || a.kind }), ` · ${when(a.start_at)}`)))
        : el("p", { text: S["map.panel.none"] });
      const hours = el("select", { name: "hours" }, ...[1, 3, 6, 12, 24].map((h) => el("option", { value: String(h), text: `${h} ${S["map.panel.hours"]}` })));
      hours.value = "3";
      const play = el("button", { type: "button", "data-testid": "track-play", text: S["map.panel.play"] });
      const slider = el("input", { type: "range", min: "0", max: "1000", value: "1000", "data-testid": "track-slider" });
      const at = el("span", { class: "at" });
      panel.replaceChildren(
        el("h2", {}, el("span", { "data-testid": "vessel-name", text: d.name || `MMSI ${d.mmsi}` }), close),
        el("table", { class: "kv" },
          el("tbody", {},
            row(S["map.panel.mmsi"], el("code", { text: String(d.mmsi) })),
            d.ais_name ? row(S["map.panel.ais_name"], d.ais_name) : null,
            row(S["map.panel.kind"], S["map.kind." + d.kind] || d.kind),
            row(S["map.panel.district"], d.feed.district_name)),
          live),
        el("h3", { text: S["map.panel.registry"] }),
        el("table", { class: "kv", "data-testid": "vessel-registry" }, el("tbody", {}, ...regRows)),
        el("h3", { text: S["map.panel.open_events"] }), events,
        el("h3", { text: S["map.panel.recent_alerts"] }), alerts,
        el("h3", { text: S["map.panel.track"] }),
        el("div", { class: "playback" }, hours, play, slider, at));
      refreshPanelHead(d);
      hours.onchange = () => loadTrack(mmsi, Number(hours.value), slider, play, at);
      loadTrack(mmsi, 3, slider, play, at);
    }

    // Track window and playback: the line, and a marker moved along it by
    // the slider or the play button (the whole window in about 20 s).
    async function loadTrack(mmsi, hours, slider, play, at) {
      trackLayer.clearLayers();
      if (state.track && state.track.timer) clearInterval(state.track.timer);
      let t;
      try {
        t = await getJson(`/api/v1/map/vessels/${mmsi}/track?hours=${hours}`);
      } catch (e) {
        return;
      }
      const pts = t.points;
      state.track = { mmsi, points: pts, timer: null };
      if (!pts.length) { at.textContent = S["map.panel.no_track"]; return; }
      L.polyline(pts.map((p) => [p.lat, p.lon]), { color: "#e53935", weight: 2, opacity: 0.8 }).addTo(trackLayer);
      const ghost = L.circleMarker([pts[pts.length - 1].lat, pts[pts.length - 1].lon], { radius: 6, color: "#e53935", fillColor: "#fff", fillOpacity: 1, weight: 3 }).addTo(trackLayer);
      const t0 = pts[0].time_ms;
      const t1 = pts[pts.length - 1].time_ms;
      function show(fraction) {
        const when_ = t0 + (t1 - t0) * fraction;
        let i = 0;
        while (i < pts.length - 2 && pts[i + 1].time_ms < when_) i++;
        const a = pts[i];
        const b = pts[Math.min(i + 1, pts.length - 1)];
        const f = b.time_ms > a.time_ms ? Math.min(1, Math.max(0, (when_ - a.time_ms) / (b.time_ms - a.time_ms))) : 0;
        ghost.setLatLng([a.lat + (b.lat - a.lat) * f, a.lon + (b.lon - a.lon) * f]);
        at.textContent = when(when_);
        at.dataset.time = String(Math.round(when_));
      }
      slider.oninput = () => show(Number(slider.value) / 1000);
      show(1);
      play.onclick = () => {
        if (state.track.timer) {
          clearInterval(state.track.timer);
          state.track.timer = null;
          play.textContent = S["map.panel.play"];
          return;
        }
        if (Number(slider.value) >= 1000) slider.value = "0";
        play.textContent = S["map.panel.pause"];
        state.track.timer = setInterval(() => {
          const next = Math.min(1000, Number(slider.value) + 5);
          slider.value = String(next);
          show(next / 1000);
          if (next >= 1000) {
            clearInterval(state.track.timer);
            state.track.timer = null;
            play.textContent = S["map.panel.play"];
          }
        }, 100);
      };
    }

    // ---- search ----
    const form = document.querySelector("form.mapsearch");
    if (form) {
      const input = form.querySelector("input");
      const list = document.getElementById("map-search-hits");
      let hits = [];
      let pending = null;
      const label = (h) => `${h.name || "—"} (${h.mmsi})`;
      input.addEventListener("input", () => {
        clearTimeout(pending);
        pending = setTimeout(async () => {
          try {
            hits = (await getJson(`/api/v1/map/search?q=${encodeURIComponent(input.value)}`)).results;
          } catch (e) {
            hits = [];
          }
          list.replaceChildren(...hits.map((h) => el("option", { value: label(h) })));
          const exact = hits.find((h) => label(h) === input.value);
          if (exact) go(exact);
        }, 200);
      });
      form.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        try {
          hits = (await getJson(`/api/v1/map/search?q=${encodeURIComponent(input.value.replace(/.*\((\d+)\)$/, "$1"))}`)).results;
        } catch (e) {
          hits = [];
        }
        if (hits.length) go(hits[0]);
        else input.setCustomValidity(S["map.search.none"] || "");
        input.reportValidity();
        input.setCustomValidity("");
      });
      function go(h) {
        map.setView([h.lat, h.lon], Math.max(map.getZoom(), 13));
        openPanel(h.mmsi);
      }
    }

    // `#mmsi=…` (from an alert page) opens that vessel.
    const m = /mmsi=(\d+)/.exec(location.hash);
    if (m) {
      getJson(`/api/v1/map/vessels/${m[1]}`).then((d) => {
        map.setView([d.lat, d.lon], 13);
        openPanel(d.mmsi);
      }).catch(() => {});
    }
  }

  // ---- an alert's evidence ---------------------------------------------------

  function evidenceMap(container) {
    const S = JSON.parse(container.dataset.strings || "{}");
    const e = JSON.parse(container.dataset.evidence || "{}");
    const map = baseMap(container);
    // Layers are made first and added once the view is set (a canvas layer
    // cannot be drawn on a map without one).
    const bounds = L.latLngBounds([[e.alert.lat, e.alert.lon]]);
    const drawn = { zone: 0, lines: 0 };
    const layers = [];
    if (e.zone) {
      const z = L.geoJSON(e.zone, { style: zoneStyle(e.zone.properties.kind) })
        .bindTooltip(`${e.zone.properties.name} · ${S["zone." + e.zone.properties.kind] || ""}`);
      bounds.extend(z.getBounds());
      layers.push(z);
      drawn.zone = 1;
    }
    const line = (points, colour) => {
      if (!points.length) return;
      const ll = points.map((p) => [p.lat, p.lon]);
      const l = L.polyline(ll, { color: colour, weight: 3 });
      bounds.extend(l.getBounds());
      layers.push(l,
        L.circleMarker(ll[0], { radius: 4, color: colour, fillOpacity: 1 }).bindTooltip(when(points[0].time_ms)),
        L.circleMarker(ll[ll.length - 1], { radius: 6, color: colour, fillColor: "#fff", fillOpacity: 1, weight: 3 })
          .bindTooltip(when(points[points.length - 1].time_ms)));
      drawn.lines += 1;
    };
    line(e.track || [], "#1565c0");
    line(e.counterpart || [], "#f57c00");
    layers.push(alertMarker({ id: e.alert.id, kind: e.alert.kind, mmsi: e.alert.mmsi, lat: e.alert.lat, lon: e.alert.lon, start_ms: e.alert.start_at }, S));
    map.fitBounds(bounds.pad(0.3), { maxZoom: 15 });
    for (const l of layers) l.addTo(map);
    container.dataset.trackPoints = String((e.track || []).length);
    container.dataset.counterpartPoints = String((e.counterpart || []).length);
    container.dataset.ready = "1";
    const lg = document.querySelector("[data-testid=evidence-legend]");
    if (lg) {
      lg.textContent = "";
      const swatch = (colour, text) => {
        const sw = el("span", { class: "sw" });
        sw.style.background = colour;
        return el("span", {}, sw, text);
      };
      lg.append(el("b", { text: S["map.legend"] || "" }),
        swatch("#1565c0", S["map.evidence.track"]),
        swatch("#f57c00", S["map.evidence.counterpart"]),
        swatch("#b3261e", S["map.evidence.place"]));
      if (e.zone) lg.append(swatch(zoneStyle(e.zone.properties.kind).color, `${S["map.evidence.zone"]}: ${e.zone.properties.name}`));
    }
    window.jinghaiEvidence = { map, evidence: e, drawn };
  }

  function start() {
    if (typeof L === "undefined") return;
    const live = document.getElementById("map");
    if (live) liveMap(live);
    const ev = document.getElementById("evidence-map");
    if (ev) evidenceMap(ev);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
