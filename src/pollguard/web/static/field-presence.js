// Presence at post (field app): "Hadir di pos" / "Tinggalkan pos". Self-contained beside
// field.js: it owns only #presence-card. The phone's location goes with the check; without one
// (denied, no fix) the officer types why. A check-in farther than the profile's radius is
// stored and marked by the server, never refused: the card says so.
(function () {
  "use strict";
  const card = document.getElementById("presence-card");
  if (!card) return;
  const note = card.querySelector("#presence-note");
  const reason = card.querySelector("#presence-reason");

  function where() {
    return new Promise((resolve) => {
      if (!navigator.geolocation) { resolve(null); return; }
      navigator.geolocation.getCurrentPosition(
        (p) => resolve({lat: p.coords.latitude, lon: p.coords.longitude}),
        () => resolve(null), {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
    });
  }

  async function send(kind) {
    note.hidden = false;
    note.className = "note";
    note.textContent = pg.t("common.loading");
    const at = await where();
    const body = at ? {...at} : {reason: reason.value.trim()};
    if (!at && !body.reason) {
      reason.closest("label").hidden = false;
      note.className = "bad";
      note.textContent = pg.t("presence.need_reason");
      reason.focus();
      return;
    }
    try {
      const c = await pg.api(`/presence/${kind}`, {method: "POST", body});
      const key = kind === "checkout" ? "presence.left"
        : c.inside === false ? "presence.outside" : c.inside === null ? "presence.no_location"
          : "presence.present";
      note.className = c.marked ? "bad" : "ok";
      note.textContent = pg.t(key, {m: c.distance_m === null ? "" : pg.fmt(Math.round(c.distance_m))});
    } catch (e) {
      note.className = "bad";
      note.textContent = e.message;
    }
  }

  card.querySelector("#presence-in").addEventListener("click", () => send("checkin"));
  card.querySelector("#presence-out").addEventListener("click", () => send("checkout"));
})();
