// My assignment: a field officer's own post (or duty, or reserve team) in the plan in force,
// sized for a phone.
"use strict";
(() => {
  const {el, t, fmt} = pg;
  const card = document.getElementById("assignment");
  const errorBox = document.getElementById("me-error");

  function render(a) {
    card.dataset.state = "assigned";
    card.dataset.nrp = a.nrp;
    card.dataset.role = a.role;
    const cls = a.tps.length ? a.tps[0].cls : null;
    const geo = `geo:${a.lat},${a.lon}`;
    card.replaceChildren(
      el("p", {class: "who-line"}, `${a.rank} ${a.name}`),
      el("p", {class: "muted"}, `${t("col.nrp")} `, el("span", {class: "mono", "data-field": "nrp"}, a.nrp),
        ` · ${t("me.plan", {id: a.plan_id})}`),
      el("div", {class: "target", "data-field": "target"},
        el("div", {class: "note"}, t(`role.${a.role}`)), a.target_label, " ",
        cls ? pg.chip(cls) : null),
      el("dl", {class: "kv"},
        el("dt", {}, t("me.role")), el("dd", {}, t(`role.${a.role}`)),
        el("dt", {}, t("me.target_id")), el("dd", {class: "mono"}, a.target_id),
        el("dt", {}, t("col.pair")), el("dd", {}, String(a.pair)),
        el("dt", {}, t("me.partners")), el("dd", {"data-field": "partners"},
          a.partners.length ? el("ul", {class: "plain"}, a.partners.map((p) =>
            el("li", {}, `${p.rank} ${p.name}`))) : "—")),
      ...a.tps.map((p) => el("div", {class: "me-post", "data-post": p.id},
        el("h2", {}, t("me.post_tps", {n: p.tps_ids.length}), " ", pg.chip(p.cls)),
        el("ul", {class: "plain tps-list"}, p.tps_ids.map((id) =>
          el("li", {class: "mono", "data-tps": id}, `TPS ${id}`))),
        el("p", {class: "note"}, t("tps.post_force_value", {officers: fmt(p.officers),
                                                             linmas: fmt(p.linmas)})))),
      el("h2", {}, t("me.location")),
      el("p", {}, el("span", {class: "mono", "data-field": "coords"},
        `${a.lat.toFixed(5)}, ${a.lon.toFixed(5)}`), el("br"),
        el("a", {class: "big-link", href: geo}, t("me.open_maps"))),
      el("div", {id: "me-map", role: "region", "aria-label": t("me.location")}),
      el("p", {class: "note"}, t("me.ring")));
    return cls;
  }

  async function drawMap(a, cls) {
    const map = L.map("me-map", {zoomControl: true, attributionControl: true})
      .setView([a.lat, a.lon], 14);
    map.attributionControl.setPrefix("");
    L.control.scale({imperial: false}).addTo(map);
    await pg.basemap(map).catch((e) => pg.showError(errorBox, e));
    L.circle([a.lat, a.lon], {radius: 1000, color: "#1f4e8c", weight: 1, dashArray: "4 4",
      fill: false, interactive: false}).addTo(map);
    L.circleMarker([a.lat, a.lon], {radius: 10, color: "#14213d", weight: 2,
      fillColor: pg.COLORS[cls] || "#1f4e8c", fillOpacity: 0.95})
      .bindTooltip(el("span", {}, a.target_label),
                   {permanent: true, direction: "top", offset: [0, -10]})
      .addTo(map);
  }

  async function init() {
    let a;
    try {
      a = await pg.api("/me/assignment");
    } catch (e) {
      if (e.status === 404) {
        card.dataset.state = "none";
        card.replaceChildren(el("h2", {}, t("me.none_title")), el("p", {}, t("me.none")));
        pg.ready(true);
        return;
      }
      throw e;
    }
    const cls = render(a);
    await drawMap(a, cls);
    pg.ready(true);
  }

  pg.start(init, {errorBox, failed: () => card.querySelector(".loading")?.remove()});
})();
