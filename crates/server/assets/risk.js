// A risk item's place on a Leaflet map over the offline coastline. On a form
// (`data-form` names it) a click sets the form's latitude and longitude;
// typed values move the marker; a value out of range is refused here with a
// message before the form is sent (the server checks again). Without a form
// the map only shows where the risk is.
"use strict";
(function () {
  function start(el) {
    if (!window.L) return;
    const zh = document.documentElement.lang !== "en";
    const say = (z, e) => (zh ? z : e);
    const form = el.dataset.form ? document.querySelector(el.dataset.form) : null;
    const latInput = form ? form.querySelector("input[name=lat]") : null;
    const lonInput = form ? form.querySelector("input[name=lon]") : null;
    const errorBox = form ? form.querySelector("[data-testid=pick-error]") : null;
    const map = L.map(el, { preferCanvas: true, attributionControl: false }).setView([29.88, 121.95], 10);
    el.style.background = "#bcd8ee";
    fetch("/assets/basemap/zhejiang-coastline.geojson")
      .then((r) => r.json())
      .then((g) => L.geoJSON(g, { style: { color: "#40505e", weight: 1 }, interactive: false }).addTo(map))
      .catch(() => {});
    let marker = null;

    function place(lat, lon, zoom) {
      if (!marker) {
        marker = L.circleMarker([lat, lon], { radius: 8, color: "#b3261e", weight: 3, fillColor: "#fff", fillOpacity: 1 }).addTo(map);
      } else {
        marker.setLatLng([lat, lon]);
      }
      map.setView([lat, lon], zoom || Math.max(map.getZoom(), 12));
      el.dataset.lat = String(lat);
      el.dataset.lon = String(lon);
    }
    function clear() {
      if (marker) marker.remove();
      marker = null;
      delete el.dataset.lat;
      delete el.dataset.lon;
    }
    function showError(text) {
      if (!errorBox) return;
      errorBox.textContent = text || "";
      errorBox.hidden = !text;
    }

    // The same rule as the server (jinghai_workflow::risks): both or
    // neither; numbers; latitude within ±90, longitude within ±180.
    function problem() {
      const la = latInput.value.trim();
      const lo = lonInput.value.trim();
      if (!la && !lo) return null;
      const check = (s, range, z, e) => {
        if (s === "") return null;
        const v = Number(s);
        if (!Number.isFinite(v)) return say(`${z}须为数字（-${range} 到 ${range}），收到“${s}”`, `the ${e} must be a number from -${range} to ${range}, not “${s}”`);
        if (Math.abs(v) > range) return say(`${z} ${s} 超出范围：须在 -${range} 到 ${range} 之间`, `${e} ${s} is out of range: it must be between -${range} and ${range}`);
        return null;
      };
      const p = check(la, 90, "纬度", "latitude") || check(lo, 180, "经度", "longitude");
      if (p) return p;
      if (!la || !lo) return say("经纬度须同时填写（或在地图上点选）", "give both latitude and longitude (or pick the place on the map)");
      return null;
    }

    function fromInputs() {
      const p = problem();
      showError(p);
      if (p) return;
      if (!latInput.value.trim()) { clear(); return; }
      place(Number(latInput.value), Number(lonInput.value));
    }

    const lat0 = Number(el.dataset.lat0);
    const lon0 = Number(el.dataset.lon0);
    if (el.dataset.lat0 && el.dataset.lon0 && Number.isFinite(lat0) && Number.isFinite(lon0)) place(lat0, lon0, 13);

    function pick(lat, lon) {
      const round = (v) => Math.round(v * 1e6) / 1e6;
      latInput.value = String(round(lat));
      lonInput.value = String(round(lon));
      showError(null);
      place(round(lat), round(lon));
    }

    if (form && latInput && lonInput) {
      map.on("click", (ev) => pick(ev.latlng.lat, ev.latlng.lng));
      latInput.addEventListener("change", fromInputs);
      lonInput.addEventListener("change", fromInputs);
      form.addEventListener("submit", (ev) => {
        const p = problem();
        if (p) {
          ev.preventDefault();
          ev.stopImmediatePropagation();
          showError(p);
        }
      });
      // For keyboard users and tests: picking without a mouse.
      window.riskPicker = { pick, problem, map };
    }
    // A map inside a closed <details> has no size until it opens.
    const details = el.closest("details");
    if (details) details.addEventListener("toggle", () => map.invalidateSize());
    el.dataset.ready = "1";
  }
  function all() {
    for (const el of document.querySelectorAll("[data-risk-map]")) start(el);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
})();
