// The live picture on the operations map (voting day): the event stream (/api/v1/events), the
// progress board per Polres, the open incidents with their workflow, recommendations and
// dispatches, and a ring on the map at every TPS with an open incident.
// Shown only to accounts with incident:read; the buttons follow the account's permissions
// (incident:write: the workflow steps; dispatch:write: recommendations and unit status).
// DOM contract: #live-status[data-state=open|closed]; #live-feed li[data-kind][data-tps-id]
// [data-client-id|data-incident-id]; #progress-board tr[data-region]; #incidents
// tr[data-incident-id][data-status] and button[data-action]; #dispatches tr[data-dispatch-id]
// [data-status]; #live[data-ready="1"] once the first load is done.
"use strict";
(() => {
  const root = document.getElementById("live");
  if (!root) return;
  const {el, t, fmt} = pg;
  const page = document.querySelector(".map-page");
  const statusEl = document.getElementById("live-status");
  const errorBox = document.getElementById("live-error");
  const noticeBox = document.getElementById("live-notice");
  const board = document.getElementById("progress-board");
  const incTable = document.getElementById("incident-table");
  const incCount = document.getElementById("incidents-count");
  const detailBox = document.getElementById("incident-detail");
  const recBox = document.getElementById("recommendation");
  const dispTable = document.getElementById("dispatches");
  const feed = document.getElementById("live-feed");
  const clock = document.getElementById("live-clock");
  const collapse = document.getElementById("live-collapse");

  const FEED_MAX = 200;
  const PHASES = ["set_up", "voting_open", "voting_closed", "counting", "counted",
                  "box_escorted"];
  const SEVERITIES = ["3", "2", "1"];  // berat first
  const OPEN = new Set(["reported", "acknowledged", "responding", "resolved"]);
  // The workflow's next steps, as buttons: action -> the status it moves to.
  const STEPS = {reported: [["acknowledge", "acknowledged"]],
                 acknowledged: [["respond", "responding"]],
                 responding: [["resolve", "resolved"]],
                 resolved: [["close", "closed"], ["respond", "responding"]]};
  const UNIT_NEXT = {dispatched: ["on_scene", "returning"], on_scene: ["returning"],
                     returning: ["available"], available: []};

  let canStep = false, canDispatch = false;
  let kinds = {};  // code -> {label_id, label_en, severity}
  let regionNames = {};  // Polres code -> name (from the progress board)
  let incidents = new Map();  // id -> Incident: the open ones and the resolved ones
  const resolved = new Map();  // id -> Incident resolved, waiting to be closed
  let dispatches = new Map();  // id -> Dispatch
  let selected = null;  // the incident whose detail is open
  const verify = new Set();  // incidents whose "verified" box is ticked
  const busy = new Set();  // incidents / dispatches with a request in flight
  const overdueAsked = new Set();  // "id@due" whose escalation already triggered a reload
  const tpsCoords = new Map();  // TPS id -> [lat, lon] | null (for incidents sent without)
  const seenEvents = new Set();
  const markers = new Map();  // TPS id -> its Leaflet ring
  let ringLayer = null;

  const showError = (e) => pg.showError(errorBox, e);
  const clearError = () => { errorBox.hidden = true; errorBox.textContent = ""; };
  const locale = pg.lang === "en" ? "en-GB" : "id-ID";

  function parseTime(iso) {
    if (!iso) return null;
    const d = new Date(/([zZ]|[+-]\d\d:?\d\d)$/.test(iso) ? iso : iso + "Z");
    return isNaN(d) ? null : d;
  }
  function hms(iso) {
    const d = parseTime(iso) || new Date();
    return d.toLocaleTimeString(locale, {hour: "2-digit", minute: "2-digit", second: "2-digit"});
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
    const k = kinds[code];
    if (!k) return code || "—";
    return pg.lang === "en" ? k.label_en : k.label_id;
  };
  const sevBadge = (sev) => el("span", {class: `sev sev-${sev}`, "data-severity": sev},
    t(`live.sev.${sev}`));

  function notice(text) {
    noticeBox.hidden = false;
    noticeBox.textContent = text;
    clearTimeout(notice.timer);
    notice.timer = setTimeout(() => { noticeBox.hidden = true; }, 8000);
  }

  // --- the map: wait for map.js, then rings on TPS with open incidents --------------------
  function whenMap() {
    return new Promise((resolve) => {
      const look = () => (window.pgMap ? resolve(window.pgMap) : setTimeout(look, 100));
      look();
    });
  }
  function resizeMap() {
    if (window.pgMap) window.pgMap.map.invalidateSize();
  }

  async function coordsOf(inc) {
    if (inc.lat !== null && inc.lat !== undefined && inc.lon !== null && inc.lon !== undefined) {
      return [inc.lat, inc.lon];
    }
    if (!tpsCoords.has(inc.tps_id)) {
      tpsCoords.set(inc.tps_id, null);
      try {
        const d = await pg.api(`/tps/${encodeURIComponent(inc.tps_id)}`);
        tpsCoords.set(inc.tps_id, [d.lat, d.lon]);
      } catch (e) { /* a TPS out of view: no ring */ }
    }
    return tpsCoords.get(inc.tps_id);
  }

  // One ring per TPS: coloured by its most severe open incident, pulsing while one waits to be
  // acknowledged, the number of open incidents inside; a click opens the most urgent one.
  function byTps() {
    const groups = new Map();
    for (const inc of [...incidents.values()].sort(bySeverityThenAge)) {
      if (!groups.has(inc.tps_id)) groups.set(inc.tps_id, []);
      groups.get(inc.tps_id).push(inc);
    }
    return groups;
  }

  function ringIcon(list) {
    const top = list[0];
    const cls = ["live-ring", `sev-${top.severity}`,
                 list.some((i) => i.status === "reported") ? "unacked" : "",
                 list.some((i) => i.id === selected) ? "selected" : ""].join(" ").trim();
    return L.divIcon({className: cls, iconSize: [26, 26], iconAnchor: [13, 13],
                      html: el("span", {class: "live-ring-core"}, String(list.length))});
  }

  let drawing = null, drawAgain = false;
  function drawRings() {
    if (!ringLayer) return;
    if (drawing) { drawAgain = true; return; }
    drawing = placeRings().catch(showError).finally(() => {
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
                          riseOnHover: true, title: `TPS ${tps}`})
          .bindTooltip(() => ringTip(byTps().get(tps) || []), {direction: "top"});
        m.on("click", () => {
          const now = byTps().get(tps);
          if (now && now.length) selectIncident(now[0].id, {pan: false});
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
    return el("div", {}, el("b", {}, `TPS ${list[0].tps_id}`), list.map((inc) => el("div", {},
      `${t(`live.sev.${inc.severity}`)} · ${kindLabel(inc.kind)} · ` +
      t(`live.status.${inc.status}`))));
  }

  // --- progress board -------------------------------------------------------------------
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
    for (const r of regions) regionNames[r.code] = r.name;
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
    try { renderBoard(await pg.api("/reports/progress")); } catch (e) { showError(e); }
  }

  // --- incidents ------------------------------------------------------------------------
  const bySeverityThenAge = (a, b) => (b.severity - a.severity) ||
    ((parseTime(a.reported_at) || 0) - (parseTime(b.reported_at) || 0));

  // ?open=true holds reported, acknowledged and responding; a resolved incident still waits
  // for its close: those come from one look at every incident, then from the stream.
  // The same look finds units still out for incidents already closed.
  async function loadResolved() {
    const data = await pg.api("/incidents?open=false");
    for (const i of data.incidents || []) {
      if (i.status === "resolved") resolved.set(i.id, i);
      else if (!OPEN.has(i.status)) {
        for (const d of unitsOf(i)) if (d.status !== "available") dispatches.set(d.id, d);
      }
    }
  }
  const unitsOf = (inc) => (inc.dispatches || []).map((d) => ({...d, tps_id: inc.tps_id}));
  async function trackResolved(id, status) {
    if (status !== "resolved") { resolved.delete(id); return; }
    try {
      const i = await pg.api(`/incidents/${encodeURIComponent(id)}`);
      if (i.status === "resolved") resolved.set(i.id, i); else resolved.delete(i.id);
      refreshIncidents();
    } catch (e) { /* out of view, or gone */ }
  }

  let loading = 0;
  async function loadIncidents() {
    const mine = ++loading;
    try {
      const data = await pg.api("/incidents?open=true");
      if (mine !== loading) return;
      const open = (data.incidents || []).filter((i) => OPEN.has(i.status));
      for (const i of open) resolved.delete(i.id);
      incidents = new Map([...resolved.values(), ...open].map((i) => [i.id, i]));
      // Units of the incidents in the panel, and units still out for incidents closed since.
      const before = dispatches;
      dispatches = new Map();
      for (const i of incidents.values()) for (const d of unitsOf(i)) dispatches.set(d.id, d);
      for (const [id, d] of before) {
        if (!dispatches.has(id) && d.status !== "available") dispatches.set(id, d);
      }
      renderIncidents();
      renderDispatches();
      drawRings();
      if (selected && incidents.has(selected)) renderDetail(incidents.get(selected));
      else if (selected) closeDetail();
    } catch (e) {
      if (mine === loading) showError(e);
    }
  }
  const refreshIncidents = pg.debounce(loadIncidents, 200);

  function actionButtons(inc) {
    if (!canStep && !canDispatch) return null;
    const box = el("div", {class: "live-actions"});
    const working = busy.has(inc.id);
    if (canStep) {
      if (!inc.verified && inc.status !== "resolved") {
        box.append(el("label", {class: "verify"},
          el("input", {type: "checkbox", name: "verified", checked: verify.has(inc.id),
                       onchange: (e) => {
                         if (e.target.checked) verify.add(inc.id); else verify.delete(inc.id);
                       }}), t("live.verified")));
      }
      for (const [action, to] of STEPS[inc.status] || []) {
        const label = inc.status === "resolved" && action === "respond" ? "live.act.reopen" :
          `live.act.${action}`;
        box.append(el("button", {type: "button", class: "small", "data-action": action,
          "data-to": to, disabled: working, onclick: () => step(inc.id, to)}, t(label)));
      }
    }
    if (canDispatch && inc.status !== "resolved") {
      box.append(el("button", {type: "button", class: "small secondary",
        "data-action": "recommend", disabled: working,
        onclick: () => recommend(inc.id)}, t("live.act.recommend")));
    }
    return box;
  }

  function incidentRow(inc, now) {
    const due = parseTime(inc.due_at);
    const since = parseTime(inc.reported_at);
    const row = el("tr", {"data-incident-id": inc.id, "data-status": inc.status,
      "data-severity": inc.severity, "data-tps-id": inc.tps_id, "data-level": inc.level,
      class: ["clickable", selected === inc.id ? "selected" : "",
              inc.status === "reported" ? "unacked" : ""].join(" ").trim(),
      onclick: (e) => { if (!e.target.closest("button, input, label, a")) selectIncident(inc.id); }},
      el("td", {}, sevBadge(inc.severity)),
      el("td", {},
        el("div", {class: "inc-kind"}, kindLabel(inc.kind),
          inc.verified ? el("span", {class: "verified", title: t("live.verified")}, " ✓") : null),
        el("div", {class: "note"},
          el("a", {href: `#tps=${inc.tps_id}`, class: "mono", onclick: (e) => {
            e.preventDefault(); openTps(inc.tps_id);
          }}, inc.tps_id),
          inc.polres_code ? ` · ${regionNames[inc.polres_code] || inc.polres_code}` : "")),
      el("td", {},
        el("div", {class: `status st-${inc.status}`}, t(`live.status.${inc.status}`)),
        el("div", {class: "note"}, t(`live.level.${inc.level}`))),
      el("td", {class: "num"},
        el("div", {"data-since": since ? since.getTime() : ""},
          since ? ageText(now - since) : "—"),
        due ? el("div", {class: "due", "data-due": due.getTime(),
                         title: t("live.due_title", {at: hms(inc.due_at)})},
          t("live.due", {t: countdown(due - now)})) : null),
      el("td", {class: "act"}, actionButtons(inc)));
    return row;
  }

  function renderIncidents() {
    const now = Date.now();
    const list = [...incidents.values()].sort(bySeverityThenAge);
    const body = incTable.tBodies[0];
    body.replaceChildren(...list.map((i) => incidentRow(i, now)));
    if (!list.length) {
      body.append(el("tr", {class: "empty"},
        el("td", {colspan: 5, class: "muted"}, t("live.no_incidents"))));
    }
    incCount.textContent = list.length ? `(${fmt(list.length)})` : "";
    incTable.dataset.count = String(list.length);
  }

  async function step(id, to) {
    const inc = incidents.get(id);
    if (!inc || busy.has(id)) return;
    busy.add(id);
    renderIncidents();
    clearError();
    const body = {to};
    if (verify.has(id)) body.verified = true;
    try {
      const r = await pg.api(`/incidents/${encodeURIComponent(id)}/steps`,
                             {method: "POST", body});
      verify.delete(id);
      const updated = r && r.incident ? r.incident : r;
      if (updated && updated.id) {
        if (OPEN.has(updated.status)) incidents.set(updated.id, updated);
        else incidents.delete(updated.id);
        if (updated.status === "resolved") resolved.set(updated.id, updated);
        else resolved.delete(updated.id);
      }
      const moved = (r && r.reclassified) || [];
      notice(moved.length ? t("live.reclassified", {n: fmt(moved.length)}) :
        t("live.stepped", {tps: inc.tps_id, status: t(`live.status.${to}`)}));
    } catch (e) {
      showError(e);
    } finally {
      busy.delete(id);
      renderIncidents();
      drawRings();
      if (selected === id) {
        if (incidents.has(id)) renderDetail(incidents.get(id)); else closeDetail();
      }
      refreshIncidents();
    }
  }

  // --- one incident's detail ------------------------------------------------------------
  function openTps(id) {
    if (window.pgMap) window.pgMap.openTps(id);
  }

  function selectIncident(id, {pan = true} = {}) {
    const inc = incidents.get(id);
    if (!inc) return;
    selected = id;
    renderIncidents();
    drawRings();
    renderDetail(inc);
    const row = incTable.querySelector(`tr[data-incident-id="${CSS.escape(id)}"]`);
    if (row) row.scrollIntoView({block: "nearest"});
    const m = markers.get(inc.tps_id);
    if (pan && m && window.pgMap) window.pgMap.map.panTo(m.getLatLng());
  }

  function closeDetail() {
    selected = null;
    detailBox.hidden = true;
    delete detailBox.dataset.forIncident;
    renderIncidents();
    drawRings();
  }

  function cardHeader(title, onClose) {
    return el("header", {}, el("h4", {}, title),
      el("button", {type: "button", class: "close", title: t("common.close"),
                    "aria-label": t("common.close"), onclick: onClose}, "×"));
  }

  function renderDetail(inc) {
    detailBox.hidden = false;
    detailBox.dataset.forIncident = inc.id;
    detailBox.replaceChildren(
      cardHeader(`${kindLabel(inc.kind)} · TPS ${inc.tps_id}`, closeDetail),
      el("dl", {class: "kv"},
        el("dt", {}, t("live.col.severity")), el("dd", {}, sevBadge(inc.severity)),
        el("dt", {}, t("live.col.status")), el("dd", {}, t(`live.status.${inc.status}`),
          inc.verified ? ` · ${t("live.verified")}` : ""),
        el("dt", {}, t("live.col.level")), el("dd", {}, t(`live.level.${inc.level}`)),
        el("dt", {}, t("live.reported_at")), el("dd", {}, pg.date(inc.reported_at,
                                                                     {seconds: true})),
        inc.reported_by ? el("dt", {}, t("live.reported_by")) : null,
        inc.reported_by ? el("dd", {class: "mono"}, inc.reported_by) : null,
        el("dt", {}, "TPS"), el("dd", {}, el("a", {href: `#tps=${inc.tps_id}`, class: "mono",
          onclick: (e) => { e.preventDefault(); openTps(inc.tps_id); }}, inc.tps_id))),
      inc.text ? el("p", {class: "inc-text"}, inc.text) : null,
      el("h4", {}, t("live.history")),
      el("ol", {class: "inc-history"}, (inc.history || []).map((h) => el("li", {},
        el("time", {}, hms(h.at)), " ", el("b", {}, t(`live.status.${h.status}`)),
        h.level ? ` → ${t(`live.level.${h.level}`)}` : "",
        h.by ? el("span", {class: "note"}, ` · ${h.by}`) : null,
        h.note ? el("div", {class: "note"}, h.note) : null))));
  }

  // --- recommendation: teams by travel time, borrowing; accept / edit / reject -------------
  async function recommend(id) {
    const inc = incidents.get(id);
    if (!inc) return;
    clearError();
    recBox.hidden = false;
    recBox.dataset.forIncident = id;
    delete recBox.dataset.loaded;
    recBox.replaceChildren(cardHeader(t("live.rec.title", {tps: inc.tps_id}), closeRec),
      el("p", {class: "loading"}, t("common.loading")));
    try {
      const rec = await pg.api(`/incidents/${encodeURIComponent(id)}/recommendation`);
      if (recBox.dataset.forIncident !== id) return;
      renderRec(inc, rec);
      recBox.dataset.loaded = "1";
    } catch (e) {
      if (recBox.dataset.forIncident !== id) return;
      recBox.querySelector(".loading")?.remove();
      recBox.append(el("p", {class: "error", role: "alert"}, String(e.message || e)));
      recBox.dataset.loaded = "error";
    }
  }

  function closeRec() {
    recBox.hidden = true;
    delete recBox.dataset.forIncident;
    recBox.replaceChildren();
  }

  function renderRec(inc, rec) {
    const teams = rec.teams || [];
    const borrow = rec.borrow;
    let editing = false;
    const teamBoxes = teams.map((tm, i) => el("input", {type: "checkbox", name: "team",
      value: tm.team_id, checked: rec.within && i === 0, disabled: true,
      "aria-label": tm.team_id}));
    const borrowBox = borrow ? el("input", {type: "checkbox", name: "borrow", checked: true,
      disabled: true}) : null;
    const note = el("input", {type: "text", name: "note", maxlength: 500,
      placeholder: t("live.rec.note"), "aria-label": t("live.rec.note")});
    const accept = el("button", {type: "button", "data-action": "dispatch"},
      t("live.act.dispatch"));
    const edit = el("button", {type: "button", class: "secondary", "data-action": "edit",
      "aria-pressed": "false"}, t("live.act.edit"));
    const reject = el("button", {type: "button", class: "secondary", "data-action": "reject"},
      t("live.act.reject"));
    const msg = el("p", {class: "error", role: "alert", hidden: true});

    edit.addEventListener("click", () => {
      editing = !editing;
      edit.setAttribute("aria-pressed", String(editing));
      for (const b of teamBoxes) b.disabled = !editing;
      if (borrowBox) borrowBox.disabled = !editing;
      accept.textContent = editing ? t("live.act.dispatch_chosen") : t("live.act.dispatch");
    });
    const setBusy = (on) => { for (const b of [accept, edit, reject]) b.disabled = on; };
    accept.addEventListener("click", async () => {
      const body = {};
      if (editing) {
        body.team_ids = teamBoxes.filter((b) => b.checked).map((b) => b.value);
        body.borrow = !!(borrowBox && borrowBox.checked);
        if (!body.team_ids.length && !body.borrow) {
          pg.showError(msg, t("live.rec.nothing"));
          return;
        }
      }
      if (note.value.trim()) body.note = note.value.trim();
      setBusy(true);
      try {
        const sent = await pg.api(`/incidents/${encodeURIComponent(inc.id)}/dispatches`,
                                  {method: "POST", body});
        for (const d of sent || []) dispatches.set(d.id, {...d, tps_id: inc.tps_id});
        renderDispatches();
        closeRec();
        notice(t("live.rec.sent", {n: fmt((sent || []).length), tps: inc.tps_id}));
        refreshIncidents();
      } catch (e) {
        pg.showError(msg, e);
        setBusy(false);
      }
    });
    reject.addEventListener("click", async () => {
      const text = note.value.trim();
      if (!text) {
        pg.showError(msg, t("live.rec.reject_needs_note"));
        note.focus();
        return;
      }
      setBusy(true);
      try {
        await pg.api(`/incidents/${encodeURIComponent(inc.id)}/rejections`,
                     {method: "POST", body: {note: text}});
        closeRec();
        notice(t("live.rec.rejected", {tps: inc.tps_id}));
      } catch (e) {
        pg.showError(msg, e);
        setBusy(false);
      }
    });

    const parts = [cardHeader(t("live.rec.title", {tps: inc.tps_id}), closeRec),
      el("p", {class: rec.within ? "muted" : "bad"},
        rec.within ? t("live.rec.within", {min: fmt(teams[0]?.minutes ?? 0)}) :
          t("live.rec.not_within"))];
    if (teams.length) {
      parts.push(el("table", {class: "data rec-teams"},
        el("thead", {}, el("tr", {}, el("th", {}, ""), el("th", {}, t("live.col.unit")),
          el("th", {}, t("live.rec.owner")), el("th", {class: "num"}, t("live.col.officers")),
          el("th", {class: "num"}, t("live.rec.minutes")), el("th", {class: "num"}, "km"))),
        el("tbody", {}, teams.map((tm, i) => el("tr", {"data-team-id": tm.team_id},
          el("td", {}, teamBoxes[i]),
          el("td", {class: "mono"}, tm.team_id),
          el("td", {}, regionNames[tm.owner_code] || tm.owner_code,
            tm.own ? null : el("span", {class: "badge draft"}, " BKO")),
          el("td", {class: "num"}, fmt(tm.size)),
          el("td", {class: "num"}, fmt(tm.minutes)),
          el("td", {class: "num"}, fmt(tm.km, 1)))))));
    } else {
      parts.push(el("p", {class: "muted"}, t("live.rec.no_teams")));
    }
    if (borrow) {
      parts.push(el("div", {class: "rec-borrow"},
        el("label", {}, borrowBox, " ", t("live.rec.borrow", {n: fmt(borrow.officers)})),
        borrow.short ? el("p", {class: "bad"}, t("live.rec.short", {n: fmt(borrow.short)})) :
          null,
        el("table", {class: "data"},
          el("thead", {}, el("tr", {}, el("th", {}, t("live.rec.donor")),
            el("th", {class: "num"}, t("live.rec.take")),
            el("th", {class: "num"}, t("live.rec.keep")),
            el("th", {class: "num"}, t("live.rec.minutes")))),
          el("tbody", {}, (borrow.donors || []).map((d) => el("tr", {"data-post-id": d.post_id},
            el("td", {class: "mono"}, d.post_id), el("td", {class: "num"}, fmt(d.take)),
            el("td", {class: "num"}, fmt(d.keep)), el("td", {class: "num"},
              fmt(d.minutes))))))));
    }
    parts.push(el("div", {class: "actions"}, accept, edit, note, reject), msg);
    recBox.replaceChildren(...parts);
  }

  // --- dispatches: unit status ----------------------------------------------------------
  function renderDispatches() {
    const body = dispTable.tBodies[0];
    const list = [...dispatches.values()];
    body.replaceChildren(...list.map((d) => {
      const inc = incidents.get(d.incident_id);
      const working = busy.has(d.id);
      return el("tr", {"data-dispatch-id": d.id, "data-status": d.status,
                       "data-for-incident": d.incident_id, "data-unit-id": d.unit_id},
        el("td", {}, el("span", {class: "mono"}, d.unit_id),
          d.kind === "borrowed" ? el("div", {class: "note"}, t("live.borrowed")) : null),
        el("td", {class: "mono"}, d.tps_id ? el("a", {href: `#tps=${d.tps_id}`, onclick: (e) => {
          e.preventDefault();
          if (inc) selectIncident(inc.id); else openTps(d.tps_id);
        }}, d.tps_id) : "—"),
        el("td", {class: "num"}, fmt(d.officers ?? 0)),
        el("td", {}, el("span", {class: `unit-status u-${d.status}`},
          t(`live.unit.${d.status}`))),
        el("td", {class: "act"}, canDispatch ? el("div", {class: "live-actions"},
          (UNIT_NEXT[d.status] || []).map((to) => el("button", {type: "button",
            class: "small secondary", "data-action": "unit", "data-to": to, disabled: working,
            onclick: () => unitStep(d.id, to)}, t(`live.unit_to.${to}`)))) : null));
    }));
    if (!list.length) {
      body.append(el("tr", {class: "empty"},
        el("td", {colspan: 5, class: "muted"}, t("live.no_dispatches"))));
    }
  }

  async function unitStep(id, to) {
    if (busy.has(id)) return;
    busy.add(id);
    renderDispatches();
    clearError();
    try {
      const path = id.split("/").map(encodeURIComponent).join("/");
      const d = await pg.api(`/dispatches/${path}/steps`,
                             {method: "POST", body: {to}});
      if (d && d.id) dispatches.set(d.id, {...dispatches.get(d.id), ...d});
    } catch (e) {
      showError(e);
    } finally {
      busy.delete(id);
      renderDispatches();
    }
  }

  // --- the feed -------------------------------------------------------------------------
  function feedItem(kind, data, eventId) {
    const attrs = {"data-kind": kind, "data-tps-id": data.tps_id || undefined,
                   "data-event-id": eventId || undefined};
    let tag, text, sev = null;
    if (kind === "report") {
      attrs["data-client-id"] = data.client_id;
      if (data.kind === "incident") {
        tag = t("live.feed.report_incident");
        text = kindLabel(data.incident_kind);
        sev = data.severity;
      } else {
        tag = t("live.feed.report");
        text = data.phase ? t(`live.phase.${data.phase}`) : "—";
      }
    } else if (kind === "incident") {
      attrs["data-incident-id"] = data.id;
      attrs["data-status"] = data.status;
      tag = t("live.feed.incident");
      const what = data.action === "incident.escalated" ?
        t("live.feed.escalated", {level: t(`live.level.${data.level}`)}) :
        `${t(`live.status.${data.status}`)} · ${t(`live.level.${data.level}`)}`;
      text = `${kindLabel(data.kind)} · ${what}` + (data.verified ? ` · ${t("live.verified")}` : "");
      sev = data.severity;
    } else if (data.action === "dispatch.rejected") {
      attrs["data-incident-id"] = data.incident_id;
      attrs["data-status"] = "rejected";
      tag = t("live.feed.dispatch");
      text = t("live.feed.rejected") + (data.note ? `: ${data.note}` : "");
    } else {
      attrs["data-incident-id"] = data.incident_id;
      attrs["data-dispatch-id"] = data.id;
      attrs["data-status"] = data.status;
      const inc = incidents.get(data.incident_id);
      if (inc) attrs["data-tps-id"] = inc.tps_id;
      tag = t("live.feed.dispatch");
      text = `${data.unit_id} · ${t(`live.unit.${data.status}`)}` +
        (data.officers ? ` · ${t("live.officers", {n: fmt(data.officers)})}` : "");
    }
    const tps = attrs["data-tps-id"];
    const li = el("li", attrs,
      el("time", {}, hms(data.at)),
      el("span", {class: `tag k-${kind}`}, tag),
      sev ? sevBadge(sev) : null,
      tps ? el("b", {class: "mono"}, tps) : null,
      el("span", {class: "what"}, text));
    li.addEventListener("click", () => {
      const incId = attrs["data-incident-id"] || (kind === "report" && data.kind === "incident" ?
        data.client_id : null);
      if (incId && incidents.has(incId)) selectIncident(incId);
      else if (tps) openTps(tps);
    });
    feed.prepend(li);
    li.classList.add("fresh");
    setTimeout(() => li.classList.remove("fresh"), 4000);
    while (feed.children.length > FEED_MAX) feed.lastElementChild.remove();
  }

  // --- the event stream -----------------------------------------------------------------
  let source = null, retries = 0, wasOpen = false, retryTimer = null;
  function setState(state) {
    statusEl.dataset.state = state;
    statusEl.querySelector(".live-status-text").textContent = t(`live.${state}`);
  }

  function connect() {
    clearTimeout(retryTimer);
    if (source) source.close();
    source = new EventSource("/api/v1/events");
    source.addEventListener("open", () => {
      setState("open");
      retries = 0;
      // Back after a break: what happened meanwhile (progress comes with the connection).
      if (wasOpen) refreshIncidents();
      wasOpen = true;
    });
    source.addEventListener("error", () => {
      setState("closed");
      // The browser retries by itself while CONNECTING; a stream refused for good (an
      // error status) is CLOSED: try again after a while, longer each time.
      if (source.readyState === EventSource.CLOSED) {
        retryTimer = setTimeout(connect, Math.min(30000, 2000 * 2 ** retries++));
      }
    });
    for (const type of ["report", "incident", "dispatch", "progress", "assessment"]) {
      source.addEventListener(type, (ev) => onEvent(type, ev));
    }
  }

  function onEvent(type, ev) {
    if (ev.lastEventId) {
      const key = `${type}:${ev.lastEventId}`;
      if (seenEvents.has(key)) return;
      seenEvents.add(key);
      if (seenEvents.size > 2000) seenEvents.delete(seenEvents.values().next().value);
    }
    let data;
    try { data = JSON.parse(ev.data); } catch (e) { return; }
    try {
      if (type === "progress") { renderBoard(data); return; }
      if (type === "assessment") {
        const n = Array.isArray(data.reclassified) ? data.reclassified.length :
          Number(data.reclassified) || 0;
        if (n) notice(t("live.reassessed", {n: fmt(n)}));
        return;
      }
      feedItem(type, data, ev.lastEventId);
      if (type === "incident") {
        trackResolved(data.id, data.status);
        const known = incidents.get(data.id);
        if (known) {
          if (OPEN.has(data.status)) {
            incidents.set(data.id, {...known, status: data.status, level: data.level,
                                    verified: data.verified, severity: data.severity});
          } else {
            incidents.delete(data.id);
          }
          renderIncidents();
          drawRings();
        }
        refreshIncidents();
      } else if (type === "dispatch" && data.id) {
        const known = dispatches.get(data.id);
        dispatches.set(data.id, {...(known || {}), ...data});
        renderDispatches();
        refreshIncidents();
      }
    } catch (e) {
      showError(e);
    }
  }

  // --- ages, countdowns, clock ------------------------------------------------------------
  function tick() {
    const now = Date.now();
    clock.textContent = new Date(now).toLocaleTimeString(locale,
      {hour: "2-digit", minute: "2-digit", second: "2-digit"});
    for (const c of incTable.querySelectorAll("[data-since]")) {
      const since = Number(c.dataset.since);
      if (since) c.textContent = ageText(now - since);
    }
    let reload = false;
    for (const c of incTable.querySelectorAll("[data-due]")) {
      const left = Number(c.dataset.due) - now;
      c.classList.toggle("soon", left < 120000);
      if (left > 0) {
        c.textContent = t("live.due", {t: countdown(left)});
      } else {
        c.textContent = t("live.escalating");
        c.classList.add("overdue");
        const key = `${c.closest("tr")?.dataset.incidentId}@${c.dataset.due}`;
        if (!overdueAsked.has(key)) { overdueAsked.add(key); reload = true; }
      }
    }
    if (reload) setTimeout(loadIncidents, 1500);
  }

  async function start() {
    await pg.i18n();
    await pg.session();
    if (!pg.can("incident:read")) return;  // the column stays hidden
    canStep = pg.can("incident:write");
    canDispatch = pg.can("dispatch:write");
    root.hidden = false;
    root.dataset.canStep = canStep ? "1" : "0";
    root.dataset.canDispatch = canDispatch ? "1" : "0";
    // Dispatches are reserve information: not for observers.
    document.getElementById("dispatch-box").hidden = !pg.can("reserve:read");
    page.classList.add("live-on");
    resizeMap();
    collapse.addEventListener("click", () => {
      const folded = page.classList.toggle("live-folded");
      collapse.setAttribute("aria-expanded", String(!folded));
      collapse.textContent = folded ? t("live.expand") : t("live.collapse");
      resizeMap();
    });
    whenMap().then((m) => {
      m.map.invalidateSize();
      ringLayer = L.layerGroup().addTo(m.map);
      drawRings();
    });
    connect();
    const list = await pg.api("/incident-kinds").catch(() => []);
    for (const k of list || []) kinds[k.code] = k;
    await Promise.all([loadProgress(), loadResolved().catch(showError)]);
    await loadIncidents();
    renderDispatches();
    tick();
    setInterval(tick, 1000);
    root.dataset.ready = "1";
  }

  start().catch((e) => { showError(e); root.dataset.ready = "error"; });
})();
