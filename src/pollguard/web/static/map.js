// The operations map: every TPS by class on one canvas, posts, reserve teams and their reach,
// Polres/Polsek headquarters and region outlines; filters; a click opens one TPS's detail.
// Readiness contract: #map[data-tps-drawn] = markers drawn, body[data-ready="1"], window.pgMap.
"use strict";
(() => {
  const mapEl = document.getElementById("map");
  const detail = document.getElementById("tps-detail");
  const errorBox = document.getElementById("map-error");
  const countEl = document.getElementById("map-count");
  const selKab = document.getElementById("filter-kabkota");
  const selPol = document.getElementById("filter-polres");
  const selCls = document.getElementById("filter-class");
  const {el, t, fmt} = pg;

  const showError = (err) => pg.showError(errorBox, err);

  function radiusFor(zoom) {
    return zoom < 8 ? 2.5 : zoom < 10 ? 3.5 : zoom < 12 ? 5 : 7;
  }

  // A pane with its own canvas. Only the TPS pane takes the mouse: a canvas above another
  // would swallow its clicks.
  function canvasPane(map, name, z, interactive) {
    const pane = map.createPane(name);
    pane.style.zIndex = String(z);
    if (!interactive) pane.style.pointerEvents = "none";
    return L.canvas({pane: name, padding: 0.3});
  }

  async function init() {
    const canPosts = pg.can("plan:read");
    const canReserves = pg.can("reserve:read");
    const soft = (p) => p.catch((e) => { showError(e); return null; });
    const [tps, frame, regions, posts, reserves, tniPosts] = await Promise.all([
      pg.api("/map/tps"), pg.api("/map/frame"), pg.api("/regions"),
      canPosts ? soft(pg.api("/map/posts")) : null,
      canReserves ? soft(pg.api("/map/reserves")) : null,
      canPosts ? soft(pg.api("/map/tni")) : null]);

    const map = L.map(mapEl, {preferCanvas: true, zoomControl: false, minZoom: 5, maxZoom: 18,
                              zoomSnap: 0.5, attributionControl: true});
    map.attributionControl.setPrefix("");
    const rOutline = canvasPane(map, "outlines", 350, false);
    const rReach = canvasPane(map, "reach", 360, false);
    const rPosts = canvasPane(map, "posts", 420, false);
    const rTps = canvasPane(map, "tps", 450, true);
    // With a basemap its roads and rivers are the ground: no plain land fill over them.
    const settings = await soft(pg.basemap(map));
    const plainGround = !(settings && settings.basemap);

    const bounds = L.latLngBounds(frame.bounds);
    if (bounds.isValid()) map.fitBounds(bounds, {padding: [20, 20]});
    else map.setView([-1.6, 103.6], 8);

    // Controls: the filter panel (the template's), zoom, layers, legend, scale.
    const FilterControl = L.Control.extend({
      onAdd() {
        const box = document.getElementById("map-filters");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }});
    new FilterControl({position: "topleft"}).addTo(map);
    L.control.zoom({position: "topleft", zoomInTitle: t("map.zoom_in"),
                    zoomOutTitle: t("map.zoom_out")}).addTo(map);
    L.control.scale({position: "bottomright", imperial: false}).addTo(map);

    const names = {};
    for (const r of frame.regions) names[r.code] = r.name;
    for (const u of frame.units) names[u.code] = u.name;
    for (const k of regions.kabkota) names[k.code] = k.name;
    for (const p of regions.polres) names[p.code] = p.name;
    const polresOfKab = {};
    for (const k of regions.kabkota) polresOfKab[k.code] = k.polres;

    // --- outlines: kab/kota land fill, kecamatan lines, kab/kota lines and names ----------
    // Each outline is a multipolygon (rings with holes, islands): the real boundary when the
    // scenario has one, else a hull around the region's TPS (``real`` says which).
    const outlineLayer = L.layerGroup();
    const kabs = frame.regions.filter((r) => r.level === "kabkota");
    const kecs = frame.regions.filter((r) => r.level === "kecamatan");
    for (const r of plainGround ? kabs : []) {
      outlineLayer.addLayer(L.polygon(r.outline, {renderer: rOutline, interactive: false,
        stroke: false, fillColor: "#f7f5ee", fillOpacity: 1}));
    }
    for (const r of kecs) {
      outlineLayer.addLayer(L.polygon(r.outline, {renderer: rOutline, interactive: false,
        color: "#98a2b3", weight: 0.7, fill: false, code: r.code}));
    }
    const labels = [];
    for (const r of kabs) {
      const poly = L.polygon(r.outline, {renderer: rOutline, interactive: false,
        color: "#344054", weight: 1.6, fill: false, code: r.code});
      outlineLayer.addLayer(poly);
      const box = poly.getBounds();
      const tip = L.tooltip({permanent: true, direction: "center", className: "region-label",
        interactive: false}).setLatLng(r.label).setContent(el("span", {title: r.name}, r.label_name));
      outlineLayer.addLayer(tip);
      labels.push({tip, size: (box.getNorth() - box.getSouth()) * (box.getEast() - box.getWest())});
    }
    // Names that would overlap at this zoom: the larger region's stays, the other is nudged
    // or hidden (class "clash") until a closer zoom parts them (pg.declutter, as on /tni).
    labels.sort((a, b) => b.size - a.size);
    const tips = labels.map((l) => l.tip);
    const declutter = () => pg.declutter(map, tips);
    outlineLayer.addTo(map);
    map.on("zoomend resize overlayadd", declutter);
    declutter();

    // --- reserve teams and their 30-minute reach ------------------------------------------
    const reserveLayer = L.layerGroup();
    const reserveItems = (reserves || []).map((r) => {
      const group = L.layerGroup([
        L.circle([r.lat, r.lon], {radius: r.reach_km * 1000, renderer: rReach,
          interactive: false, color: "#0b7285", weight: 1, opacity: 0.7, fillColor: "#0b7285",
          fillOpacity: 0.05}),
        L.marker([r.lat, r.lon], {icon: L.divIcon({className: "reserve-icon",
          iconSize: [16, 14], iconAnchor: [8, 16]}), keyboard: false, zIndexOffset: 500})
          .bindTooltip(() => el("div", {},
            el("b", {}, t("map.reserve_team")), " ", r.id, el("br"),
            `${r.owner_name} · ${r.staging_name}`, el("br"),
            t("map.reserve_size", {n: fmt(r.size)}), el("br"),
            t("map.reach", {km: fmt(r.reach_km, 1)})))]);
      return {r, group};
    });

    // --- Polres / Polsek headquarters -----------------------------------------------------
    const unitLayer = L.layerGroup();
    const unitItems = frame.units.map((u) => {
      const big = u.kind === "polres";
      const m = L.marker([u.lat, u.lon], {icon: L.divIcon({
        className: "unit-icon" + (big ? " polres" : ""), iconSize: big ? [13, 13] : [8, 8]}),
        keyboard: false, zIndexOffset: big ? 200 : 0})
        .bindTooltip(() => el("b", {}, u.name));
      return {u, m};
    });

    // --- posts (rings; a click on empty map finds the nearest) ----------------------------
    const postLayer = L.layerGroup();
    const postItems = (posts || []).map((p) => ({p, m: L.circleMarker([p.lat, p.lon], {
      renderer: rPosts, interactive: false, radius: 5, color: "#14213d", weight: 1.5,
      fill: false})}));

    // --- TNI: static posts at sangat rawan TPS, a mobile team per kecamatan (counted, never
    // named). On at first for partners who see the plan but not personnel: the TNI liaison.
    const tniLayer = L.layerGroup((tniPosts || []).map((p) => L.circleMarker([p.lat, p.lon], {
      renderer: rPosts, radius: p.kind === "static" ? 4 : 7, color: "#1d2a12", weight: 1,
      fillColor: p.kind === "static" ? "#3b5d23" : "#c28f00", fillOpacity: 0.9})
      .bindTooltip(() => el("div", {}, el("b", {}, t(`tni.kind.${p.kind}`)), " ",
        p.kind === "static" ? p.label : t("tni.kecamatan", {name: p.label}), el("br"),
        `${p.kodim ? p.kodim_name : t("tni.korem")} · ${t("tni.soldiers", {n: fmt(p.soldiers)})}`))));

    // --- TPS: one circle marker each, on the TPS canvas ----------------------------------
    const tpsLayer = L.layerGroup();
    const hasPlan = tps.plan_id !== null;
    const clsOf = (i) => (tps.cls[i] >= 0 ? tps.classes[tps.cls[i]] : null);
    let radius = radiusFor(map.getZoom());
    const markers = tps.ids.map((id, i) => {
      const cls = clsOf(i);
      const unguarded = hasPlan && !tps.guarded[i];
      const m = L.circleMarker([tps.lat[i], tps.lon[i]], {renderer: rTps, radius,
        fillColor: pg.COLORS[cls || "none"], fillOpacity: 0.92,
        color: unguarded ? "#101828" : "#ffffff", weight: unguarded ? 1.6 : 0.6,
        bubblingMouseEvents: false});
      m.bindTooltip(() => el("div", {}, el("b", {}, `TPS ${id}`), el("br"),
        `${cls ? t(`cls.${cls}`) : "—"} · ${t("tps.score")} ${fmt(tps.score[i], 1)}`,
        unguarded ? [el("br"), t("map.unguarded")] : null), {direction: "top"});
      m.on("click", () => openTps(id));
      return m;
    });
    map.on("zoomend", () => {
      const r = radiusFor(map.getZoom());
      if (r === radius) return;
      radius = r;
      for (const m of markers) m.setRadius(r);
    });

    // --- filters -------------------------------------------------------------------------
    const total = {};
    for (const c of tps.classes) total[c] = 0;
    for (let i = 0; i < tps.count; i++) { const c = clsOf(i); if (c) total[c]++; }
    // Options: the codes the TPS arrays hold, named from /regions.
    const named = (list) => Object.fromEntries(list.map((x) => [x.code, x.name]));
    const kabName = named(regions.kabkota), polName = named(regions.polres);
    const byName = (a, b) => a[1].localeCompare(b[1]);
    for (const [code, name] of tps.kabkota.map((c) => [c, kabName[c] || c]).sort(byName)) {
      selKab.append(el("option", {value: code}, name));
    }
    for (const [code, name] of tps.polres.map((c) => [c, polName[c] || c]).sort(byName)) {
      selPol.append(el("option", {value: code}, name));
    }
    for (const c of tps.classes) {
      selCls.append(el("option", {value: c}, `${t(`cls.${c}`)} (${fmt(total[c])})`));
    }

    const shown = {counts: {}, tps: 0};
    function applyFilters({fit = false} = {}) {
      const kab = selKab.value, pol = selPol.value, cls = selCls.value;
      // A kab/kota of another Polres cannot match: grey it out.
      for (const o of selKab.options) {
        o.disabled = !!(o.value && pol && polresOfKab[o.value] && polresOfKab[o.value] !== pol);
      }
      const kabIx = kab ? tps.kabkota.indexOf(kab) : -1;
      const polIx = pol ? tps.polres.indexOf(pol) : -1;
      const clsIx = cls ? tps.classes.indexOf(cls) : -1;
      const onMap = map.hasLayer(tpsLayer);
      if (onMap) map.removeLayer(tpsLayer);
      tpsLayer.clearLayers();
      const counts = {};
      for (const c of tps.classes) counts[c] = 0;
      const fitTo = L.latLngBounds([]);
      let n = 0;
      for (let i = 0; i < tps.count; i++) {
        if (kab && tps.kab[i] !== kabIx) continue;
        if (pol && tps.pol[i] !== polIx) continue;
        if (cls && tps.cls[i] !== clsIx) continue;
        tpsLayer.addLayer(markers[i]);
        const c = clsOf(i);
        if (c) counts[c]++;
        n++;
        if (fit) fitTo.extend([tps.lat[i], tps.lon[i]]);
      }
      if (onMap) map.addLayer(tpsLayer);

      const polOfKab = kab ? polresOfKab[kab] : null;
      postLayer.clearLayers();
      for (const {p, m} of postItems) {
        if (kab && !p.kecamatan.startsWith(kab + ".")) continue;
        if (pol && p.polres !== pol) continue;
        if (cls && p.cls !== cls) continue;
        postLayer.addLayer(m);
      }
      reserveLayer.clearLayers();
      for (const {r, group} of reserveItems) {
        if (pol && r.owner !== pol) continue;
        if (kab && r.owner !== polOfKab) continue;
        reserveLayer.addLayer(group);
      }
      unitLayer.clearLayers();
      for (const {u, m} of unitItems) {
        const owner = u.kind === "polres" ? u.code : u.parent;
        if (pol && owner !== pol) continue;
        if (kab && owner !== polOfKab) continue;
        unitLayer.addLayer(m);
      }
      shown.counts = counts;
      shown.tps = n;
      if (fit) {
        if (fitTo.isValid()) map.fitBounds(fitTo, {padding: [30, 30], maxZoom: 13});
        else if (bounds.isValid()) map.fitBounds(bounds, {padding: [20, 20]});
      }
      updateCounts();
    }

    function updateCounts() {
      const drawn = map.hasLayer(tpsLayer) ? shown.tps : 0;
      countEl.textContent = t("map.count", {n: fmt(shown.tps), total: fmt(tps.count)});
      for (const c of tps.classes) {
        const cell = legend.querySelector(`[data-count="${c}"]`);
        if (cell) cell.textContent = fmt(shown.counts[c] || 0);
      }
      mapEl.dataset.tpsDrawn = String(drawn);
    }

    // --- legend: a row for every symbol the map draws, and only for those ------------------
    const unassessed = tps.cls.filter((c) => c < 0).length;
    const symbol = (key, sym, text) => el("tr", {"data-sym": key},
      el("td", {}, el("span", {class: `sym ${sym}`})), el("td", {colspan: 2}, text));
    const lineText = (key, level) => {
      const list = level === "kabkota" ? kabs : kecs;
      return list.every((r) => r.real) ? t(key) : t("map.legend.approximate", {what: t(key)});
    };
    const has = (kind) => unitItems.some(({u}) => u.kind === kind);
    // A phone's map is small: there the legend starts folded (its title opens it).
    const legend = el("details", {class: "map-panel map-legend", id: "map-legend",
                                  open: window.matchMedia("(min-width: 701px)").matches},
      el("summary", {}, t("map.legend.title")),
      el("table", {},
        el("tbody", {},
          tps.classes.map((c) => el("tr", {"data-cls": c},
            el("td", {}, el("span", {class: "dot", style: `background:${pg.COLORS[c]}`})),
            el("td", {}, t(`cls.${c}`)),
            el("td", {class: "num", "data-count": c}, fmt(total[c])))),
          unassessed ? el("tr", {"data-cls": "none"},
            el("td", {}, el("span", {class: "dot", style: `background:${pg.COLORS.none}`})),
            el("td", {}, t("map.legend.no_class")),
            el("td", {class: "num"}, fmt(unassessed))) : null,
          hasPlan ? symbol("unguarded", "unguarded", t("map.unguarded")) : null,
          postItems.length ? symbol("post", "post", t("map.layer.posts")) : null,
          reserveItems.length ? symbol("reserve", "reserve", t("map.legend.reserve")) : null,
          reserveItems.length ? symbol("reach", "reach", t("map.legend.reach")) : null,
          tniPosts && tniPosts.length ? symbol("tni", "tni", t("map.layer.tni")) : null,
          has("polres") ? symbol("polres", "unit polres", t("map.legend.polres")) : null,
          has("polsek") ? symbol("polsek", "unit", t("map.legend.polsek")) : null,
          kabs.length ? symbol("kabkota", "line kab",
            lineText("map.legend.kabkota_line", "kabkota")) : null,
          kecs.length ? symbol("kecamatan", "line kec",
            lineText("map.legend.kecamatan_line", "kecamatan")) : null)));
    const LegendControl = L.Control.extend({onAdd() {
      L.DomEvent.disableClickPropagation(legend);
      return legend;
    }});
    new LegendControl({position: "bottomleft"}).addTo(map);

    // --- layers on the map, and their switch ----------------------------------------------
    // Leaflet's layer switch takes its names as HTML only: escaped.
    const overlays = {};
    const layerName = (key) => pg.escapeHtml(t(key));
    overlays[layerName("map.layer.tps")] = tpsLayer;
    if (canPosts && posts) overlays[layerName("map.layer.posts")] = postLayer;
    if (canReserves && reserves) overlays[layerName("map.layer.reserves")] = reserveLayer;
    if (tniPosts && tniPosts.length) overlays[layerName("map.layer.tni")] = tniLayer;
    overlays[layerName("map.layer.units")] = unitLayer;
    overlays[layerName("map.layer.outlines")] = outlineLayer;
    applyFilters();
    // Posts stay off at first: at Polda scale their rings hide the TPS classes.
    if (canReserves && reserves) reserveLayer.addTo(map);
    unitLayer.addTo(map);
    tpsLayer.addTo(map);
    if (tniPosts && tniPosts.length && !pg.can("personnel:read")) tniLayer.addTo(map);
    L.control.layers(null, overlays, {position: "topleft", collapsed: false}).addTo(map);
    map.on("overlayadd overlayremove", updateCounts);

    for (const s of [selKab, selPol, selCls]) {
      s.addEventListener("change", () => {
        try { applyFilters({fit: s !== selCls}); } catch (e) { showError(e); }
      });
    }

    // A click on the map away from a TPS: the nearest post within a few pixels.
    map.on("click", (ev) => {
      if (!map.hasLayer(postLayer)) return;
      let best = null, bestD = 9;
      for (const {p, m} of postItems) {
        if (!postLayer.hasLayer(m)) continue;
        const d = map.latLngToContainerPoint([p.lat, p.lon]).distanceTo(ev.containerPoint);
        if (d < bestD) { best = p; bestD = d; }
      }
      if (best) {
        L.popup().setLatLng([best.lat, best.lon]).setContent(postPopup(best)).openOn(map);
      }
    });

    function postPopup(p) {
      return el("div", {class: "post-popup"},
        el("b", {}, `${t("tps.post")} ${p.id}`), el("br"),
        pg.chip(p.cls), " ", names[p.kecamatan] || p.kecamatan, el("br"),
        t("map.post_line", {officers: fmt(p.officers), linmas: fmt(p.linmas), tps: fmt(p.tps),
                            n: fmt(p.n)}));
    }

    // --- one TPS's detail ---------------------------------------------------------------
    let highlight = null;
    const detailAnswers = pg.latest();
    async function openTps(id) {
      const current = detailAnswers();
      detail.hidden = false;
      detail.dataset.tpsId = id;
      detail.dataset.loaded = "0";
      detail.replaceChildren(detailHeader(`TPS ${id}`), el("p", {class: "loading"},
        t("common.loading")));
      const i = tps.ids.indexOf(id);
      if (highlight) { highlight.remove(); highlight = null; }
      if (i >= 0) {
        const ll = L.latLng(tps.lat[i], tps.lon[i]);
        highlight = L.circleMarker(ll, {renderer: rTps, radius: 11, color: "#101828",
          weight: 3, fill: false, interactive: false}).addTo(map);
        if (!map.getBounds().contains(ll)) map.panTo(ll);
      }
      try {
        const d = await pg.api(`/tps/${encodeURIComponent(id)}`);
        if (!current()) return;
        renderDetail(d);
        detail.dataset.loaded = "1";
      } catch (e) {
        if (!current()) return;
        detail.append(el("p", {class: "error", role: "alert"}, String(e.message || e)));
        detail.querySelector(".loading")?.remove();
        detail.dataset.loaded = "error";
      }
    }

    function closeDetail() {
      detail.hidden = true;
      delete detail.dataset.tpsId;
      if (highlight) { highlight.remove(); highlight = null; }
    }

    function detailHeader(title) {
      return el("header", {},
        el("h2", {}, title),
        el("button", {type: "button", class: "close", title: t("common.close"),
                      "aria-label": t("common.close"), onclick: closeDetail}, "×"));
    }

    function tpsLinks(ids, current) {
      return el("div", {class: "tps-ids"}, ids.map((x) => x === current ?
        el("span", {}, x) :
        el("a", {href: `#tps=${x}`, onclick: (e) => { e.preventDefault(); openTps(x); }}, x)));
    }

    function renderDetail(d) {
      const parts = [detailHeader(`TPS ${String(d.number).padStart(3, "0")} · ${d.desa}`),
        el("p", {class: "mono", "data-field": "id"}, d.id)];
      const classLine = el("p", {"data-field": "class"}, t("tps.class_planned"), " ",
        pg.chip(d.cls));
      if (d.assessed_cls && d.assessed_cls !== d.cls) {
        classLine.append(" · ", t("tps.class_assessed"), " ", pg.chip(d.assessed_cls));
      }
      parts.push(classLine);
      parts.push(el("dl", {class: "kv"},
        el("dt", {}, t("tps.desa")), el("dd", {}, d.desa),
        el("dt", {}, t("tps.kecamatan")), el("dd", {}, d.kecamatan),
        el("dt", {}, t("tps.kabkota")), el("dd", {}, d.kabkota),
        el("dt", {}, t("tps.polres")), el("dd", {}, d.polres),
        el("dt", {}, t("tps.voters")), el("dd", {}, d.voters === null ? "—" : fmt(d.voters)),
        el("dt", {}, t("tps.location")), el("dd", {}, t(`loc.${d.location_type}`)),
        el("dt", {}, t("tps.score")), el("dd", {"data-field": "score"},
          d.score === null ? "—" : fmt(d.score, 1)),
        el("dt", {}, t("tps.coords")), el("dd", {class: "mono"},
          `${d.lat.toFixed(5)}, ${d.lon.toFixed(5)}`)));

      parts.push(el("h3", {}, t("tps.reasons")));
      if (d.reasons.length) {
        parts.push(el("table", {class: "data", id: "tps-reasons"},
          el("thead", {}, el("tr", {}, el("th", {}, t("tps.reason")),
            el("th", {class: "num"}, t("tps.points")))),
          el("tbody", {}, d.reasons.map((r) => el("tr", {"data-code": r.code},
            el("td", {class: r.factor === "threshold" ? "threshold" : undefined}, r.text),
            el("td", {class: "num"}, r.factor === "threshold" ? "" : fmt(r.points, 1)))))));
      } else {
        parts.push(el("p", {class: "muted"}, t("tps.no_reasons")));
      }

      parts.push(el("h3", {}, t("tps.post")));
      if (d.post) {
        const p = d.post;
        parts.push(el("dl", {class: "kv", id: "tps-post", "data-post-id": p.id},
          el("dt", {}, t("tps.post_id")), el("dd", {class: "mono"}, p.id),
          el("dt", {}, t("tps.pattern")), el("dd", {}, p.pattern),
          el("dt", {}, t("tps.post_class")), el("dd", {}, pg.chip(p.cls)),
          el("dt", {}, t("tps.post_force")), el("dd", {},
            t("tps.post_force_value", {officers: fmt(p.officers), linmas: fmt(p.linmas)})),
          el("dt", {}, t("tps.post_tps", {n: p.tps_ids.length})),
          el("dd", {}, tpsLinks(p.tps_ids, d.id))));
      } else {
        parts.push(el("p", {class: "muted"}, hasPlan ? t("tps.no_post") : t("tps.no_plan")));
      }

      parts.push(el("h3", {}, t("tps.guards"), ` (${fmt(d.guards_count)})`));
      if (d.guards === null) {
        parts.push(el("p", {class: "muted", id: "tps-guards-count"},
          t("tps.guards_hidden", {n: fmt(d.guards_count)})));
      } else if (!d.guards.length) {
        parts.push(el("p", {class: "muted"}, t("tps.no_guards")));
      } else {
        parts.push(el("table", {class: "data", id: "tps-guards"},
          el("thead", {}, el("tr", {},
            el("th", {}, `${t("col.rank")} / ${t("col.name")}`), el("th", {}, t("col.nrp")),
            el("th", {}, t("col.phone")), el("th", {class: "num"}, t("col.pair")))),
          el("tbody", {}, d.guards.map((g) => el("tr", {"data-nrp": g.nrp},
            el("td", {}, el("span", {"data-field": "rank"}, g.rank), " ",
              el("span", {"data-field": "name"}, g.name),
              el("div", {class: "note"}, g.unit),
              g.bko_to ? el("div", {class: "note"}, `BKO → ${names[g.bko_to] || g.bko_to}`) : null),
            el("td", {class: "mono"}, g.nrp),
            el("td", {}, g.phone ? el("a", {href: `tel:${g.phone}`}, g.phone) : "—"),
            el("td", {class: "num"}, g.pair))))));
      }
      detail.replaceChildren(...parts);
    }

    // A new assessment (a verified incident reassessed in the background; the live stream
    // says so): the classes and scores again from /map/tps, the markers recoloured in place.
    async function reclassify() {
      const fresh = await pg.api("/map/tps");
      const at = new Map(tps.ids.map((id, i) => [id, i]));
      fresh.ids.forEach((id, j) => {
        const i = at.get(id);
        if (i === undefined) return;
        tps.cls[i] = fresh.cls[j] >= 0 ? tps.classes.indexOf(fresh.classes[fresh.cls[j]]) : -1;
        tps.score[i] = fresh.score[j];
        markers[i].setStyle({fillColor: pg.COLORS[clsOf(i) || "none"]});
      });
      tps.assessment_id = fresh.assessment_id;
      mapEl.dataset.assessmentId = String(fresh.assessment_id ?? "");
      applyFilters();
      // What else follows a new version (replan-offer.js: the re-plan offered to planners).
      document.dispatchEvent(new CustomEvent("pg:assessment",
        {detail: {assessment_id: fresh.assessment_id}}));
    }

    window.pgMap = {map, tpsLayer, outlineLayer, openTps, closeTps: closeDetail, reclassify};
    updateCounts();
    document.body.dataset.ready = "1";

    // /map#tps=ID (the plotting table links here) opens that TPS.
    const fromHash = () => {
      const wanted = new URLSearchParams(location.hash.slice(1)).get("tps");
      if (wanted && wanted !== detail.dataset.tpsId) openTps(wanted);
    };
    window.addEventListener("hashchange", fromHash);
    fromHash();
  }

  // The map marks itself ready once drawn (body[data-ready="1"]); a failure only says why.
  pg.start(init, {errorBox, mark: null});
})();
