// The risk view: class counts per region (kab/kota, kecamatan, Polres), the region's TPS on a
// small map, the indicators behind the scores, and what changed between two assessments.
"use strict";
(() => {
  const {el, t, fmt} = pg;
  const $ = (id) => document.getElementById(id);
  const errorBox = $("risk-error");
  const levelSel = $("risk-level");
  const classesBody = $("risk-classes").tBodies[0];
  const indBody = $("risk-indicators").tBodies[0];
  const diffBody = $("risk-diff").tBodies[0];
  const beforeSel = $("diff-before");
  const afterSel = $("diff-after");
  const diffNote = $("risk-diff-note");

  const showError = (e) => pg.showError(errorBox, e);
  const state = {tps: null, map: null, layer: null, markers: [], rows: [], selected: null,
                 indicatorNames: {}, fullBounds: null};

  // --- the small map -----------------------------------------------------------------
  async function buildMap() {
    const [tps, frame] = await Promise.all([pg.api("/map/tps"), pg.api("/map/frame")]);
    state.tps = tps;
    const map = L.map("risk-map", {preferCanvas: true, minZoom: 5, maxZoom: 16,
                                     zoomSnap: 0.25});
    map.attributionControl.setPrefix("");
    state.map = map;
    // With a basemap its roads and rivers are the ground: no plain land fill over them.
    const settings = await pg.basemap(map).catch(showError);
    const plainGround = !(settings && settings.basemap);
    const renderer = L.canvas({padding: 0.3});
    const kabs = frame.regions.filter((x) => x.level === "kabkota");
    for (const r of plainGround ? kabs : []) {
      L.polygon(r.outline, {renderer, interactive: false, stroke: false,
        fillColor: "#f7f5ee", fillOpacity: 1}).addTo(map);
    }
    for (const r of frame.regions.filter((x) => x.level === "kecamatan")) {
      L.polygon(r.outline, {renderer, interactive: false, color: "#98a2b3", weight: 0.6,
        fill: false}).addTo(map);
    }
    for (const r of kabs) {
      L.polygon(r.outline, {renderer, interactive: false, color: "#475467", weight: 1.2,
        fill: false}).addTo(map);
    }
    state.fullBounds = L.latLngBounds(frame.bounds);
    if (state.fullBounds.isValid()) map.fitBounds(state.fullBounds, {padding: [10, 10]});
    state.layer = L.layerGroup().addTo(map);
    state.markers = tps.ids.map((id, i) => {
      const cls = tps.cls[i] >= 0 ? tps.classes[tps.cls[i]] : null;
      return L.circleMarker([tps.lat[i], tps.lon[i]], {renderer, radius: 2.5, weight: 0.4,
        color: "#fff", fillColor: pg.COLORS[cls || "none"], fillOpacity: 0.9})
        .bindTooltip(() => el("span", {},
          `TPS ${id} · ${cls ? t(`cls.${cls}`) : "—"} · ${fmt(tps.score[i], 1)}`));
    });
    let radius = 2.5;
    map.on("zoomend", () => {
      const z = map.getZoom();
      const r = z < 8 ? 2.5 : z < 10 ? 3.5 : z < 12 ? 5 : 6.5;
      if (r === radius) return;
      radius = r;
      for (const m of state.markers) m.setRadius(r);
    });
    drawMap(null);
  }

  // Which TPS belong to a region of the chosen level (TPS ids start with the desa code's
  // digits, so a kecamatan's TPS share its code's digits).
  function memberTest(level, code) {
    const tps = state.tps;
    if (level === "kabkota") {
      const ix = tps.kabkota.indexOf(code);
      return (i) => tps.kab[i] === ix;
    }
    if (level === "polres") {
      const ix = tps.polres.indexOf(code);
      return (i) => tps.pol[i] === ix;
    }
    const prefix = code.replaceAll(".", "");
    return (i) => tps.ids[i].startsWith(prefix);
  }

  function drawMap(sel) {
    if (!state.map) return;
    const tps = state.tps;
    const test = sel ? memberTest(sel.level, sel.code) : () => true;
    const onMap = state.map.hasLayer(state.layer);
    if (onMap) state.map.removeLayer(state.layer);
    state.layer.clearLayers();
    const b = L.latLngBounds([]);
    let n = 0;
    for (let i = 0; i < tps.count; i++) {
      if (!test(i)) continue;
      state.layer.addLayer(state.markers[i]);
      b.extend([tps.lat[i], tps.lon[i]]);
      n++;
    }
    state.map.addLayer(state.layer);
    $("risk-map").dataset.tpsDrawn = String(n);
    if (sel && b.isValid()) state.map.fitBounds(b, {padding: [20, 20], maxZoom: 13});
    else if (!sel && state.fullBounds?.isValid()) state.map.fitBounds(state.fullBounds, {padding: [10, 10]});
    $("risk-map-title").textContent = sel ? `${t("risk.map")} · ${sel.name}` : t("risk.map");
    $("risk-map-note").textContent = sel ? t("risk.map_selected", {n: fmt(n)}) :
      t("risk.map_all", {n: fmt(n)});
  }

  // --- class counts per region -------------------------------------------------------
  async function loadClasses() {
    const level = levelSel.value;
    classesBody.replaceChildren(el("tr", {}, el("td", {colspan: 10, class: "loading"},
      t("common.loading"))));
    const rows = await pg.api(`/risk/classes?level=${encodeURIComponent(level)}`);
    state.rows = rows;
    state.selected = null;
    const sum = {tps: 0, kurang_rawan: 0, rawan: 0, sangat_rawan: 0, khusus: 0};
    const shareOf = (r) => (r.tps ? (r.classes.sangat_rawan || 0) / r.tps : 0);
    const maxShare = Math.max(0.0001, ...rows.map(shareOf));
    const trs = rows.map((r) => {
      sum.tps += r.tps;
      for (const c of pg.CLASSES) sum[c] += r.classes[c] || 0;
      const share = shareOf(r);
      return el("tr", {"data-code": r.code, class: "clickable", tabindex: 0,
        onclick: () => select(r, level),
        onkeydown: (e) => { if (e.key === "Enter") select(r, level); }},
        el("td", {}, r.name),
        pg.td(r.tps, {num: true}),
        ...pg.CLASSES.map((c) => pg.td(r.classes[c] || 0, {num: true})),
        el("td", {class: "num"}, el("span", {class: "bar", style: `width:${Math.round(share / maxShare * 48)}px`}),
          `${fmt(share * 100, 1)}%`),
        pg.td(r.mean_score, {num: true, digits: 1}),
        pg.td(r.max_score, {num: true, digits: 1}),
        el("td", {class: "note", title: r.top_indicators.join(", ")},
          r.top_indicators.slice(0, 3).map((c) => state.indicatorNames[c] || c).join("; ")));
    });
    if (rows.length) {
      trs.push(el("tr", {class: "total"}, el("td", {}, t("ws.total")), pg.td(sum.tps, {num: true}),
        ...pg.CLASSES.map((c) => pg.td(sum[c], {num: true})),
        el("td", {class: "num"}, `${fmt(sum.tps ? sum.sangat_rawan / sum.tps * 100 : 0, 1)}%`),
        el("td", {}), el("td", {}), el("td", {})));
    } else {
      trs.push(el("tr", {}, el("td", {colspan: 10, class: "muted"}, t("risk.none"))));
    }
    classesBody.replaceChildren(...trs);
  }

  async function select(r, level) {
    const again = state.selected && state.selected.code === r.code;
    state.selected = again ? null : {code: r.code, name: r.name, level};
    for (const tr of classesBody.rows) {
      tr.classList.toggle("selected", !again && tr.dataset.code === r.code);
    }
    drawMap(state.selected);
    pg.ready(false);
    try { await loadIndicators(state.selected); } catch (e) { showError(e); }
    pg.ready(true);
  }

  // --- indicator breakdown -----------------------------------------------------------
  async function loadIndicators(sel) {
    const rows = await pg.api("/risk/indicators" + (sel ? `?region=${encodeURIComponent(sel.code)}` : ""));
    if (!sel) for (const r of rows) state.indicatorNames[r.code] = r.name;
    $("risk-indicators-title").textContent = sel ?
      `${t("risk.indicators")} · ${sel.name}` : `${t("risk.indicators")} · ${t("risk.whole_area")}`;
    $("risk-indicators").dataset.region = sel ? sel.code : "";
    indBody.replaceChildren(...(rows.length ? rows.map((r) => el("tr", {"data-code": r.code},
      el("td", {class: "mono"}, r.code), el("td", {}, r.name), el("td", {}, r.variable),
      pg.td(r.tps, {num: true}), pg.td(r.points, {num: true, digits: 1}))) :
      [el("tr", {}, el("td", {colspan: 5, class: "muted"}, t("risk.none")))]));
  }

  // --- assessment diff ---------------------------------------------------------------
  async function setupDiff() {
    const list = await pg.api("/assessments");
    const latest = list[list.length - 1];
    $("risk-assessment").textContent = latest ?
      t("risk.assessment_line", {id: latest.id, as_of: latest.as_of, n: fmt(latest.tps_count)}) : "";
    const opts = () => list.slice().reverse().map((a) => el("option", {value: a.id},
      `#${a.id} · ${a.as_of} · ${pg.date(a.created_at)}${a.note ? " · " + a.note : ""}`));
    beforeSel.replaceChildren(...opts());
    afterSel.replaceChildren(...opts());
    if (list.length < 2) {
      beforeSel.disabled = afterSel.disabled = true;
      diffNote.textContent = t("risk.diff_one");
      diffNote.dataset.state = "one";
      diffBody.replaceChildren();
      $("risk-diff").closest(".table-wrap").hidden = true;
      return;
    }
    beforeSel.value = String(list[list.length - 2].id);
    afterSel.value = String(latest.id);
    beforeSel.addEventListener("change", loadDiffSafe);
    afterSel.addEventListener("change", loadDiffSafe);
    await loadDiff();
  }

  async function loadDiffSafe() {
    pg.ready(false);
    try { await loadDiff(); } catch (e) { showError(e); }
    pg.ready(true);
  }

  async function loadDiff() {
    const b = beforeSel.value, a = afterSel.value;
    if (b === a) {
      diffNote.textContent = t("risk.diff_same");
      diffNote.dataset.state = "same";
      diffBody.replaceChildren();
      return;
    }
    const rows = await pg.api(`/risk/diff?before=${b}&after=${a}`);
    diffNote.textContent = t("risk.diff_count", {n: fmt(rows.length)});
    diffNote.dataset.state = "ok";
    const list = (items) => items.length ? el("ul", {class: "plain"}, items.map((x) => el("li", {}, x))) : "—";
    diffBody.replaceChildren(...rows.map((c) => el("tr", {"data-tps": c.tps_id},
      el("td", {class: "mono"}, c.tps_id), el("td", {}, pg.chip(c.before)), el("td", {}, pg.chip(c.after)),
      el("td", {class: "num"}, `${fmt(c.score_before, 1)} → ${fmt(c.score_after, 1)}`),
      el("td", {}, list(c.gained)), el("td", {}, list(c.lost)))));
  }

  async function init() {
    // Indicator names first: the class table names its top indicators with them.
    await loadIndicators(null).catch(showError);
    await Promise.all([buildMap().catch(showError), loadClasses().catch(showError),
                       setupDiff().catch(showError)]);
    levelSel.addEventListener("change", async () => {
      pg.ready(false);
      errorBox.hidden = true;
      try {
        await loadClasses();
        drawMap(null);
        await loadIndicators(null);
      } catch (e) { showError(e); }
      pg.ready(true);
    });
    pg.ready(true);
  }

  pg.start(init, {errorBox});
})();
