// The live picture (see live.js): the progress board, one row per Polres in view (per
// Polsek for a Polres or Polsek account: the server's `level`), by name, and the total: TPS opened, closed, counted and escorted, TPS not reported yet, and the open
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
      // The column says Polres (or Polsek): "Polres Bungo" reads "Bungo" (a Polresta keeps
      // its name), "Polsek Gunung Kerinci" "Gunung Kerinci".
      el("th", {scope: "row", title: name}, String(name).replace(/^Pol(res|sek)\s+/, "")),
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
    const head = board.tHead && board.tHead.rows[0] && board.tHead.rows[0].cells[0];
    if (head && p.level) head.textContent = t(`filter.${p.level}`);
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

  // Presence at post (GET /presence), beside the progress: planned against present per
  // Polres; under it each Polres's Polsek, folded (<details>, the ones opened stay open), and
  // the posts with nobody present by their TPS names, in the server's order (its `empty`).
  // Check-ins are not live events: all of it is read again every 30 s.
  const presence = document.getElementById("presence-board");
  const polsekBox = document.getElementById("presence-polsek");
  const emptyList = document.getElementById("presence-empty");
  const EMPTY_SHOWN = 25;  // the rest is counted, not listed (a wall screen, not a register)
  const presenceNum = (n, key) => el("td", {class: "num" + (n ? "" : " zero"), "data-col": key},
                                     fmt(n || 0));
  const presenceRow = (attrs, name, r) => el("tr", attrs,
    el("th", {scope: "row", title: name}, String(name).replace(/^Pol(res|sek)\s+/, "")),
    presenceNum(r.planned, "planned"), presenceNum(r.present, "present"),
    presenceNum(r.marked, "marked"), presenceNum(r.empty_posts, "empty_posts"));

  function renderPolsek(p) {
    if (!polsekBox) return;
    const opened = new Set([...polsekBox.querySelectorAll("details[open]")]
      .map((d) => d.dataset.polres));
    const groups = (p.polres || []).map((r) => {
      const rows = (p.polsek || []).filter((s) => s.polres_code === r.code);
      if (!rows.length) return null;
      return el("details", {"data-polres": r.code, open: opened.has(r.code)},
        el("summary", {}, r.name || r.code, " ",
           el("span", {class: "note"}, t("presence.post_counts",
                                         {present: fmt(r.present), planned: fmt(r.planned)}))),
        el("table", {class: "live-board"},
          el("thead", {}, el("tr", {},
            el("th", {scope: "col"}, t("filter.polsek")),
            ...["planned", "present", "marked", "empty_posts"].map((k) =>
              el("th", {scope: "col", class: "num"}, t(`presence.col.${k}`))))),
          el("tbody", {}, rows.map((s) => presenceRow({"data-polsek": s.code},
                                                       s.name || s.code, s)))));
    }).filter(Boolean);
    polsekBox.replaceChildren(...groups);
  }

  function renderEmpty(p) {
    if (!emptyList) return;
    const empty = (p.posts || []).filter((r) => r.empty);
    const item = (r) => el("li", {class: "empty", "data-post-id": r.post_id},
      (r.tps_names && r.tps_names.length ? r.tps_names : r.tps_ids).join("; "),
      el("span", {class: "counts", "data-col": "present"},
         t("presence.post_counts", {present: fmt(r.present), planned: fmt(r.planned)})),
      r.polsek_code ? el("span", {class: "note"}, ` · ${polsekName(p, r.polsek_code)}`) : null);
    emptyList.replaceChildren(...empty.slice(0, EMPTY_SHOWN).map(item));
    if (empty.length > EMPTY_SHOWN) {
      emptyList.append(el("li", {class: "more muted"},
                          t("presence.more", {n: fmt(empty.length - EMPTY_SHOWN)})));
    } else if (!empty.length && (p.posts || []).length) {
      emptyList.append(el("li", {class: "muted"}, t("presence.none_empty")));
    }
    emptyList.dataset.count = String(empty.length);
  }

  const polsekName = (p, code) => (p.polsek || []).find((s) => s.code === code)?.name || code;

  function renderPresence(p) {
    if (!presence || !p) return;
    presence.tBodies[0].replaceChildren(...(p.polres || []).map((r) =>
      presenceRow({"data-region": r.code}, r.name || r.code, r)));
    presence.tFoot.replaceChildren(presenceRow({class: "total", "data-total": ""},
                                               t("live.total"), p.total));
    renderPolsek(p);
    renderEmpty(p);
    presence.dataset.updated = new Date().toISOString();
  }

  async function loadPresence() {
    if (!presence) return;
    try { renderPresence(await pg.api("/presence")); } catch (e) { live.showError(e); }
  }

  // The route's permission (plan:read): observers have no presence box at all.
  if (presence) pg.session().then(() => {
    if (!pg.can("plan:read")) { presence.closest("section").hidden = true; return; }
    loadPresence();
    setInterval(loadPresence, 30_000);
  }).catch(() => null);  // no session: the page goes to the login

  Object.assign(live, {renderBoard, loadProgress, renderPresence, loadPresence});
})();
