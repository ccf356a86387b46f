// The live picture (see live.js): the progress board, one row per Polres in view and the
// total: TPS opened, closed, counted and escorted, TPS not reported yet, and the open
// incidents per severity (as the server counts them). Rows: #progress-board tr[data-region].
"use strict";
(() => {
  const live = window.pgLive;
  if (!live) return;
  const {el, t, fmt} = pg;
  const board = live.board;
  const PHASES = ["set_up", "voting_open", "voting_closed", "counting", "counted",
                  "box_escorted"];
  const SEVERITIES = ["3", "2", "1"];  // berat first

  const atLeast = (phases, from) => PHASES.slice(PHASES.indexOf(from))
    .reduce((n, p) => n + (Number(phases?.[p]) || 0), 0);

  function boardRow(attrs, name, r, bySev) {
    const tps = Number(r.tps) || 0;
    const cell = (n, key) => el("td", {class: "num" + (n ? "" : " zero"), "data-col": key,
      title: tps ? `${fmt(100 * n / tps, 0)}%` : undefined},
      el("span", {class: "big"}, fmt(n)),
      tps && n ? el("span", {class: "pct"}, `${fmt(100 * n / tps, 0)}%`) : null);
    const sev = bySev || {};
    return el("tr", attrs,
      // The column says Polres: "Polres Bungo" reads "Bungo" (a Polresta keeps its name).
      el("th", {scope: "row", title: name}, String(name).replace(/^Polres\s+/, "")),
      el("td", {class: "num", "data-col": "tps"}, el("span", {class: "big"}, fmt(tps))),
      cell(atLeast(r.phases, "voting_open"), "opened"),
      cell(atLeast(r.phases, "voting_closed"), "closed"),
      cell(atLeast(r.phases, "counted"), "counted"),
      cell(atLeast(r.phases, "box_escorted"), "escorted"),
      el("td", {class: "num" + (Number(r.not_reported) ? " waiting" : ""),
                "data-col": "not_reported"}, el("span", {class: "big"}, fmt(r.not_reported || 0))),
      el("td", {class: "num sevs", "data-col": "incidents"}, SEVERITIES.map((s) => {
        const n = Number(sev[s]) || 0;
        return el("span", {class: `sev-count sev-${s}` + (n ? "" : " zero"), "data-severity": s,
                           title: t(`live.sev.${s}`)}, fmt(n));
      })));
  }

  function renderBoard(p) {
    if (!p) return;
    const regions = p.regions || [];
    for (const r of regions) live.regionNames[r.code] = r.name;
    const body = board.tBodies[0];
    body.replaceChildren(...regions.map((r) => boardRow(
      {"data-region": r.code}, r.name || r.code, r, r.incidents_open_by_severity)));
    if (!regions.length) {
      body.append(el("tr", {}, el("td", {colspan: 8, class: "muted"}, t("live.no_regions"))));
    }
    const total = {tps: p.tps, not_reported: p.not_reported, phases: p.phases || {}};
    board.tFoot.replaceChildren(boardRow({class: "total", "data-total": ""}, t("live.total"),
      total, p.incidents_open_by_severity || p.incidents_by_severity));
    board.dataset.updated = new Date().toISOString();
  }

  async function loadProgress() {
    try { renderBoard(await pg.api("/reports/progress")); } catch (e) { live.showError(e); }
  }

  // Presence at post: planned against present per Polres (GET /presence), beside the
  // progress. Check-ins are not live events: the table is read again every 30 s.
  const presence = document.getElementById("presence-board");

  function renderPresence(p) {
    if (!presence || !p) return;
    const num = (n, key) => el("td", {class: "num" + (n ? "" : " zero"), "data-col": key},
                                fmt(n || 0));
    const row = (attrs, name, r) => el("tr", attrs,
      el("th", {scope: "row", title: name}, String(name).replace(/^Polres\s+/, "")),
      num(r.planned, "planned"), num(r.present, "present"), num(r.marked, "marked"),
      num(r.empty_posts, "empty_posts"));
    presence.tBodies[0].replaceChildren(...(p.polres || []).map((r) =>
      row({"data-region": r.code}, r.name || r.code, r)));
    presence.tFoot.replaceChildren(row({class: "total", "data-total": ""}, t("live.total"),
                                       p.total));
    presence.dataset.updated = new Date().toISOString();
  }

  async function loadPresence() {
    if (!presence) return;
    try { renderPresence(await pg.api("/presence")); } catch (e) { live.showError(e); }
  }

  if (presence) { loadPresence(); setInterval(loadPresence, 30_000); }

  Object.assign(live, {renderBoard, loadProgress, renderPresence, loadPresence});
})();
