// Jinghai web UI helpers. No framework, no network: served by the binary.
"use strict";
document.addEventListener("submit", (ev) => {
  const form = ev.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) ev.preventDefault();
});

// The alert desk's new-alert notice: every 15 s ask the server for alerts
// newer than the newest on the page; for the kinds this user chose (kept in
// localStorage, per browser), show a banner, flash the title and beep (Web
// Audio: no sound file, nothing fetched). The page is not reloaded, so a
// half-typed dismissal reason is never lost.
(function alertNotice() {
  const table = document.querySelector('table[data-testid="alerts"]');
  const banner = document.getElementById("alert-banner");
  if (!table || !banner) return;
  const KEY = "jinghai.alertNotice.kinds";
  const boxes = Array.from(document.querySelectorAll('input[name="notify"]'));
  let chosen = [];
  try { chosen = JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (_) { chosen = []; }
  boxes.forEach((b) => {
    b.checked = chosen.includes(b.value);
    b.addEventListener("change", () => {
      chosen = boxes.filter((x) => x.checked).map((x) => x.value);
      localStorage.setItem(KEY, JSON.stringify(chosen));
    });
  });
  const en = table.dataset.lang === "en";
  let newest = Number(table.dataset.newest || "0");
  const title = document.title;
  function beep() {
    try {
      const ctx = new (window.AudioContext || window.webkitAudioContext)();
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.2;
      osc.connect(gain).connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.4);
    } catch (_) { /* no audio device: the banner still shows */ }
  }
  async function poll() {
    try {
      const r = await fetch("/api/v1/alerts?after_id=" + newest + "&limit=100", { credentials: "same-origin" });
      if (!r.ok) return;
      const fresh = await r.json();
      if (!Array.isArray(fresh) || fresh.length === 0) return;
      newest = Math.max(newest, ...fresh.map((a) => a.id));
      table.dataset.newest = String(newest);
      const wanted = fresh.filter((a) => chosen.includes(a.kind));
      if (wanted.length === 0) return;
      const kinds = Array.from(new Set(wanted.map((a) => a.kind)));
      const label = (k) => (boxes.find((b) => b.value === k)?.parentElement?.textContent || k).trim();
      banner.textContent = (en ? "New alerts: " : "新预警：") + wanted.length + " (" + kinds.map(label).join(", ") + ") ";
      const link = document.createElement("a");
      link.href = window.location.pathname + window.location.search;
      link.textContent = en ? "Refresh the list" : "刷新列表";
      banner.appendChild(link);
      banner.hidden = false;
      banner.dataset.count = String(wanted.length);
      document.title = (en ? "[New alert] " : "【新预警】") + title;
      beep();
    } catch (_) { /* offline for a moment: try again next round */ }
  }
  window.jinghaiPollAlerts = poll; // tests call it instead of waiting 15 s
  setInterval(poll, 15000);
})();
