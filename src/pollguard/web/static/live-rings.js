// The live picture (see live.js): a ring on the map at every TPS with an incident in the panel.
// Waits for map.js (window.pgMap), then draws one ring per TPS: coloured by its most severe
// incident, pulsing while one waits to be acknowledged, the number of incidents inside; a
// click opens the most urgent one. Ring: .live-ring[data-tps-id].
"use strict";
(() => {
  const live = window.pgLive;
  if (!live) return;
  const {el, t} = pg;
  const tpsCoords = new Map();  // TPS id -> [lat, lon] | null (for incidents sent without)
  const markers = new Map();  // TPS id -> its Leaflet ring
  let ringLayer = null;

  function whenMap() {
    return new Promise((resolve) => {
      const look = () => (window.pgMap ? resolve(window.pgMap) : setTimeout(look, 100));
      look();
    });
  }
  function resizeMap() {
    if (window.pgMap) window.pgMap.map.invalidateSize();
  }
  function showRings() {
    whenMap().then((m) => {
      m.map.invalidateSize();
      ringLayer = L.layerGroup().addTo(m.map);
      drawRings();
    });
  }

  async function coordsOf(inc) {
    if (inc.lat !== null && inc.lat !== undefined && inc.lon !== null && inc.lon !== undefined) {
      return [inc.lat, inc.lon];
    }
    if (inc.tps_lat !== null && inc.tps_lat !== undefined) return [inc.tps_lat, inc.tps_lon];
    if (!tpsCoords.has(inc.tps_id)) {
      tpsCoords.set(inc.tps_id, null);
      try {
        const d = await pg.api(`/tps/${encodeURIComponent(inc.tps_id)}`);
        tpsCoords.set(inc.tps_id, [d.lat, d.lon]);
      } catch (e) { /* a TPS out of view: no ring */ }
    }
    return tpsCoords.get(inc.tps_id);
  }

  function byTps() {
    const groups = new Map();
    for (const inc of [...live.incidents.values()].sort(live.bySeverityThenAge)) {
      if (!groups.has(inc.tps_id)) groups.set(inc.tps_id, []);
      groups.get(inc.tps_id).push(inc);
    }
    return groups;
  }

  function ringIcon(list) {
    const top = list[0];
    const cls = ["live-ring", `sev-${top.severity}`,
                 list.some((i) => i.status === "reported") ? "unacked" : "",
                 list.some((i) => i.id === live.selected) ? "selected" : ""].join(" ").trim();
    return L.divIcon({className: cls, iconSize: [26, 26], iconAnchor: [13, 13],
                      html: el("span", {class: "live-ring-core"}, String(list.length))});
  }

  let drawing = null, drawAgain = false;
  function drawRings() {
    if (!ringLayer) return;
    if (drawing) { drawAgain = true; return; }
    drawing = placeRings().catch(live.showError).finally(() => {
      drawing = null;
      if (drawAgain) { drawAgain = false; drawRings(); }
    });
  }

  async function placeRings() {
    const groups = byTps();
    for (const [tps, m] of markers) {
      if (!groups.has(tps)) { ringLayer.removeLayer(m); markers.delete(tps); }
    }
    for (const [tps, list] of groups) {
      const at = await coordsOf(list[0]);
      if (!at) continue;
      let m = markers.get(tps);
      if (!m) {
        m = L.marker(at, {icon: ringIcon(list), zIndexOffset: 2000, keyboard: false,
                          riseOnHover: true, title: list[0].tps_name || `TPS ${tps}`})
          .bindTooltip(() => ringTip(byTps().get(tps) || []), {direction: "top"});
        m.on("click", () => {
          const now = byTps().get(tps);
          if (now && now.length) live.selectIncident(now[0].id, {pan: false});
        });
        m.addTo(ringLayer);
        markers.set(tps, m);
      } else {
        m.setLatLng(at);
        m.setIcon(ringIcon(list));
      }
      m.getElement()?.setAttribute("data-tps-id", tps);
    }
  }

  function ringTip(list) {
    if (!list.length) return el("div");
    return el("div", {}, el("b", {}, list[0].tps_name || `TPS ${list[0].tps_id}`), list.map((inc) => el("div", {},
      `${t(`live.sev.${inc.severity}`)} · ${live.kindLabel(inc.kind)} · ` +
      t(`live.status.${inc.status}`))));
  }

  // Where the map holds a TPS's ring (to pan to it), if it has one.
  const ringAt = (tps) => markers.get(tps)?.getLatLng() || null;

  Object.assign(live, {resizeMap, showRings, drawRings, ringAt});
})();
