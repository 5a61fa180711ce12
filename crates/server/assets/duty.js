// The duty desk's badge: the number of unread notices to the signed-in
// user's unit, next to 值班督办 in the navigation (issue #8). Refreshed every
// minute, like the server's sweep that creates them.
(function () {
  var badge = document.querySelector('[data-unread-badge]');
  if (!badge) return;
  function refresh() {
    fetch('/api/v1/notifications/count', { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (v) {
        if (!v) return;
        badge.textContent = String(v.unread);
        badge.hidden = v.unread === 0;
      })
      .catch(function () {});
  }
  refresh();
  setInterval(refresh, 60000);
})();
