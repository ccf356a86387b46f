// The TNI's part of the plan (GET /tni): per Kodim what it has, what the plan asks of it and
// what it lacks; its static posts and mobile teams on a map and in a list. Soldiers are counted,
// never named: the route carries no personal data.
"use strict";
(() => {
  const {el, t, td} = pg;
  const $ = (id) => document.getElementById(id);
  const errorBox = $("tni-error");
  const COLOUR = {static: "#3b5d23", mobile: "#c28f00"};
  let map = null;
  let layer = null;
  let picture = null;

  function kodimRow(r) {
    const total = r.kodim === "total";
    return el("tr", {class: total ? "total" : undefined, "data-kodim": r.kodim},
      el("td", {}, total ? t("tni.total") : r.name), td(r.available, {num: true}),
      td(r.static_posts, {num: true}), td(r.at_tps, {num: true}), td(r.mobile_teams, {num: true}),
      td(r.in_mobile, {num: true}), td(r.short, {num: true, cls: r.short > 0 ? "short" : ""}));
  }

  function where(p) {
    return p.kind === "static" ? p.label : t("tni.kecamatan", {name: p.label});
  }

  function kodimName(p) { return p.kodim ? p.kodim_name : t("tni.korem"); }

  function renderPosts() {
    const chosen = $("tni-filter").value;
    const shown = picture.posts.filter((p) => !chosen || p.kodim === chosen);
    $("tni-posts").tBodies[0].replaceChildren(...(shown.length ? shown.map((p) =>
      el("tr", {"data-post": p.id, "data-kind": p.kind},
        el("td", {}, t(`tni.kind.${p.kind}`)), el("td", {}, where(p)), el("td", {}, kodimName(p)),
        td(p.soldiers, {num: true})))
      : [el("tr", {}, el("td", {colspan: 4}, t("tni.none")))]));
    layer.clearLayers();
    const points = [];
    // Mobile teams first, so the static posts at TPS are drawn over them.
    for (const p of [...shown].sort((a, b) => (a.kind === "static") - (b.kind === "static"))) {
      const ll = [p.lat, p.lon];
      points.push(ll);
      const style = {color: "#101828", weight: 1, fillColor: COLOUR[p.kind], fillOpacity: .9};
      const m = L.circleMarker(ll, {...style, radius: p.kind === "static" ? 5 : 7});
      m.bindTooltip(() => el("div", {}, `${t(`tni.kind.${p.kind}`)}: ${where(p)} · ` +
                                      `${kodimName(p)} · ${t("tni.soldiers", {n: pg.fmt(p.soldiers)})}`));
      layer.addLayer(m);
    }
    if (points.length) map.fitBounds(L.latLngBounds(points), {padding: [20, 20], maxZoom: 12});
  }

  async function init() {
    picture = await pg.api("/tni");
    $("tni-kodim").tBodies[0].replaceChildren(...(picture.kodim.length ? picture.kodim.map(kodimRow)
      : [el("tr", {}, el("td", {colspan: 7}, t("tni.no_plan")))]));
    const filter = $("tni-filter");
    for (const r of picture.kodim.filter((r) => r.kodim !== "total")) {
      filter.append(el("option", {value: r.kodim}, r.name));
    }
    filter.addEventListener("change", renderPosts);
    map = L.map($("tni-map"), {minZoom: 5, maxZoom: 18});
    const [settings, frame] = await Promise.all([pg.basemap(map), pg.api("/map/frame")]);
    // The kab/kota outlines for orientation: on a plain ground (no basemap) land is filled.
    // Each name at the point the server found well inside its region (``label``), the larger
    // regions' first; a name that would overlap another is nudged or hidden (pg.declutter).
    const named = [];
    for (const r of frame.regions.filter((r) => r.level === "kabkota")) {
      const poly = L.polygon(r.outline, {interactive: false, color: "#344054", weight: 1.2,
        fillColor: "#f4f1e8", fillOpacity: settings.basemap ? 0 : 1}).addTo(map);
      const box = poly.getBounds();
      const tip = L.tooltip({permanent: true, direction: "center", interactive: false,
                             className: "region-label tni-region"})
        .setLatLng(r.label).setContent(el("span", {title: r.name}, r.label_name)).addTo(map);
      named.push({tip, size: (box.getNorth() - box.getSouth()) * (box.getEast() - box.getWest())});
    }
    const tips = named.sort((a, b) => b.size - a.size).map((n) => n.tip);
    const declutter = () => pg.declutter(map, tips);
    map.on("zoomend moveend resize", declutter);
    layer = L.layerGroup().addTo(map);
    renderPosts();
    declutter();
    $("tni-status").textContent = picture.plan_id ? t("tni.plan", {id: picture.plan_id}) : t("tni.no_plan");
    pg.ready();
  }

  pg.start(init, {errorBox});
})();
