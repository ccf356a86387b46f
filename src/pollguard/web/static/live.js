// The live picture on the operations map (voting day): the event stream (/api/v1/events), the
// progress board per Polres, the open incidents with their workflow, recommendations and
// dispatches, and a ring on the map at every TPS with an open incident.
// In six files, loaded in this order by templates/map.html: live.js (this one: the state and
// helpers they share, and the start-up), live-rings.js (the rings on the map), live-board.js
// (the progress board), live-incidents.js (the incidents, their steps and detail),
// live-dispatch.js (recommendations, dispatches, unit status), live-feed.js (the feed and the
// event stream). Each adds its functions to window.pgLive and calls the others' through it.
// Shown only to accounts with incident:read. The buttons are the steps the server offers for
// each incident and unit (their next_steps, empty where the account's role may not act): no
// workflow is copied here.
// DOM contract: #live-status[data-state=open|closed]; #live-feed li[data-kind][data-tps-id]
// [data-client-id|data-incident-id]; #progress-board tr[data-region]; #incidents
// tr[data-incident-id][data-status] and button[data-action]; #dispatches tr[data-dispatch-id]
// [data-status]; #live[data-ready="1"] once the first load is done.
"use strict";
(() => {
  const root = document.getElementById("live");
  if (!root) return;
  const {el, t, fmt} = pg;
  const $ = (id) => document.getElementById(id);
  const errorBox = $("live-error");
  const noticeBox = $("live-notice");

  const live = window.pgLive = {
    root, page: document.querySelector(".map-page"), errorBox,
    statusEl: $("live-status"), board: $("progress-board"), incTable: $("incident-table"),
    incCount: $("incidents-count"), detailBox: $("incident-detail"), recBox: $("recommendation"),
    dispTable: $("dispatches"), feed: $("live-feed"), clock: $("live-clock"),
    canStep: false, canDispatch: false,  // incident:write, dispatch:write
    kinds: {},  // code -> {label_id, label_en, severity}
    incidents: new Map(),  // id -> Incident: the open ones and the resolved ones
    resolved: new Map(),  // id -> Incident resolved, waiting to be closed
    dispatches: new Map(),  // id -> Dispatch
    selected: null,  // the incident whose detail is open
    busy: new Set(),  // incidents / dispatches with a request in flight
  };

  // Times as every page writes them (pg.instant, pg.time): on the operation's clock.
  const parseTime = pg.instant;
  function hms(iso) {
    return pg.time(parseTime(iso) || new Date());
  }
  function ageText(ms) {
    const min = Math.max(0, Math.floor(ms / 60000));
    if (min < 60) return t("live.minutes", {n: fmt(min)});
    return t("live.hours", {h: fmt(Math.floor(min / 60)), m: String(min % 60).padStart(2, "0")});
  }
  function countdown(ms) {
    const s = Math.max(0, Math.round(ms / 1000));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }
  const kindLabel = (code) => {
    const k = live.kinds[code];
    if (!k) return code || "—";
    return pg.lang === "en" ? k.label_en : k.label_id;
  };
  const sevBadge = (sev) => el("span", {class: `sev sev-${sev}`, "data-severity": sev},
    t(`live.sev.${sev}`));
  const bySeverityThenAge = (a, b) => (b.severity - a.severity) ||
    ((parseTime(a.reported_at) || 0) - (parseTime(b.reported_at) || 0));

  function notice(text) {
    noticeBox.hidden = false;
    noticeBox.textContent = text;
    clearTimeout(notice.timer);
    notice.timer = setTimeout(() => { noticeBox.hidden = true; }, 8000);
  }
  const showError = (e) => pg.showError(errorBox, e);
  const clearError = () => { errorBox.hidden = true; errorBox.textContent = ""; };

  function cardHeader(title, onClose) {
    return el("header", {}, el("h4", {}, title),
      el("button", {type: "button", class: "close", title: t("common.close"),
                    "aria-label": t("common.close"), onclick: onClose}, "×"));
  }
  function openTps(id) {
    if (window.pgMap) window.pgMap.openTps(id);
  }

  Object.assign(live, {parseTime, hms, ageText, countdown, kindLabel, sevBadge,
                       bySeverityThenAge, notice, showError, clearError, cardHeader, openTps});

  // --- start-up -----------------------------------------------------------------------------
  async function init() {
    if (!pg.can("incident:read")) return;  // the column stays hidden
    live.canStep = pg.can("incident:write");
    live.canDispatch = pg.can("dispatch:write");
    root.hidden = false;
    root.dataset.canStep = live.canStep ? "1" : "0";
    root.dataset.canDispatch = live.canDispatch ? "1" : "0";
    // Dispatches are reserve information: not for observers.
    $("dispatch-box").hidden = !pg.can("reserve:read");
    live.page.classList.add("live-on");
    live.resizeMap();
    const collapse = $("live-collapse");
    collapse.addEventListener("click", () => {
      const folded = live.page.classList.toggle("live-folded");
      collapse.setAttribute("aria-expanded", String(!folded));
      collapse.textContent = folded ? t("live.expand") : t("live.collapse");
      live.resizeMap();
    });
    live.showRings();
    live.connect();
    const list = await pg.api("/incident-kinds").catch(() => []);
    for (const k of list || []) live.kinds[k.code] = k;
    await Promise.all([live.loadProgress(), live.loadResolved().catch(showError)]);
    await live.loadIncidents();
    live.renderDispatches();
    live.tick();
    setInterval(live.tick, 1000);
    root.dataset.ready = "1";
  }

  // Once the page is parsed, every live-*.js file has added its part.
  document.addEventListener("DOMContentLoaded", () => pg.start(init, {errorBox, mark: root}));
})();
