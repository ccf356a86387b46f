// The live picture (see live.js): the incidents panel. It holds the open incidents (the
// server's `open`) and the resolved ones waiting to be closed; each row offers the incident's
// next steps as the server lists them (`next_steps`: none for a role that may not act), a
// "verified" box and, with dispatch:write, a recommendation. A click opens its detail.
// Rows: #incidents tr[data-incident-id][data-status], button[data-action][data-to].
"use strict";
(() => {
  const live = window.pgLive;
  if (!live) return;
  const {el, t, fmt} = pg;
  const {incTable, detailBox, busy} = live;
  const verify = new Set();  // incidents whose "verified" box is ticked
  const overdueAsked = new Set();  // "id@due" whose escalation already triggered a reload
  // A step's button says what it does: the verb of the status it moves to. A step back to a
  // status the incident has had before (resolved -> responding) reopens it.
  const VERB = {acknowledged: "acknowledge", responding: "respond", resolved: "resolve",
                closed: "close"};
  const stepLabel = (inc, to) => (inc.history || []).some((h) => h.status === to) ?
    "live.act.reopen" : `live.act.${VERB[to] || to}`;

  // Resolved but not closed: out of the open list, still on the panel for its close.
  const waitsForClose = (i) => !i.open && i.status === "resolved";
  const unitsOf = (inc) => (inc.dispatches || []).map((d) => ({...d, tps_id: inc.tps_id}));

  // Where an incident the server sent goes: the panel (open, or waiting for its close), or
  // out of it.
  function place(i) {
    if (waitsForClose(i)) live.resolved.set(i.id, i); else live.resolved.delete(i.id);
    if (i.open || waitsForClose(i)) live.incidents.set(i.id, i);
    else live.incidents.delete(i.id);
  }

  // ?open=true holds the open incidents; a resolved one still waits for its close: those come
  // from one look at every incident, then from the stream. The same look finds units still
  // out for incidents already closed.
  async function loadResolved() {
    const data = await pg.api("/incidents?open=false");
    for (const i of data.incidents || []) {
      if (waitsForClose(i)) live.resolved.set(i.id, i);
      else if (!i.open) {
        for (const d of unitsOf(i)) if (d.status !== "available") live.dispatches.set(d.id, d);
      }
    }
  }

  // After an event about an incident: the incident as the server has it now (its status and
  // next steps), and its units.
  const tracked = pg.latest();
  async function track(id) {
    const current = tracked(id);
    try {
      const i = await pg.api(`/incidents/${encodeURIComponent(id)}`);
      if (!current()) return;
      place(i);
      for (const d of unitsOf(i)) {
        if (live.incidents.has(i.id) || live.dispatches.has(d.id)) live.dispatches.set(d.id, d);
      }
      renderIncidents();
      live.renderDispatches();
      live.drawRings();
      if (live.selected === id) {
        if (live.incidents.has(id)) renderDetail(live.incidents.get(id)); else closeDetail();
      }
    } catch (e) { /* out of view, or gone */ }
  }

  // The panel and the unit table re-read from the server (after every dispatch event and a
  // reconnect), never patched here: a unit patched from events went stale ("returning" while
  // the server had it available) once its incident closed and its later events were missed.
  const listed = pg.latest();
  async function loadIncidents() {
    const current = listed();
    try {
      const [data, units] = await Promise.all([pg.api("/incidents?open=true"),
        pg.can("reserve:read") ? pg.api("/units").catch(() => null) : null]);
      if (!current()) return;
      const open = (data.incidents || []).filter((i) => i.open);
      for (const i of open) live.resolved.delete(i.id);
      live.incidents = new Map([...live.resolved.values(), ...open].map((i) => [i.id, i]));
      // Units of the incidents in the panel, then every team the server says is still out.
      const before = live.dispatches;
      live.dispatches = new Map();
      for (const i of live.incidents.values()) {
        for (const d of unitsOf(i)) live.dispatches.set(d.id, d);
      }
      const teams = new Set();
      for (const tm of (units && units.teams) || []) {
        teams.add(tm.team_id);
        if (!tm.dispatch_id) continue;
        const was = live.dispatches.get(tm.dispatch_id) || before.get(tm.dispatch_id);
        const incidentId = tm.dispatch_id.slice(0, tm.dispatch_id.lastIndexOf("/"));
        live.dispatches.set(tm.dispatch_id, {kind: "team", officers: tm.size,
          incident_id: incidentId, tps_id: live.incidents.get(incidentId)?.tps_id, ...was,
          id: tm.dispatch_id, unit_id: tm.team_id, unit_label: tm.label, status: tm.status,
          next_steps: tm.next_steps});
      }
      // Borrowed officers are no team: those still out for a closed incident are asked again.
      for (const [id, d] of before) {
        if (live.dispatches.has(id) || d.status === "available") continue;
        if (units && teams.has(d.unit_id)) continue;  // a team the server has back
        live.dispatches.set(id, d);
        if (!live.incidents.has(d.incident_id)) track(d.incident_id);
      }
      renderIncidents();
      live.renderDispatches();
      live.drawRings();
      if (live.selected && live.incidents.has(live.selected)) {
        renderDetail(live.incidents.get(live.selected));
      } else if (live.selected) closeDetail();
    } catch (e) {
      if (current()) live.showError(e);
    }
  }
  const refreshIncidents = pg.debounce(loadIncidents, 200);
  // Back on the stream after a break: everything that may have moved meanwhile, read again.
  async function resync() {
    await loadResolved().catch(live.showError);
    await loadIncidents();
  }

  function actionButtons(inc) {
    if (!live.canStep && !live.canDispatch) return null;
    const box = el("div", {class: "live-actions"});
    const working = busy.has(inc.id);
    if (live.canStep && !inc.verified && inc.open) {
      box.append(el("label", {class: "verify"},
        el("input", {type: "checkbox", name: "verified", checked: verify.has(inc.id),
                     onchange: (e) => {
                       if (e.target.checked) verify.add(inc.id); else verify.delete(inc.id);
                     }}), t("live.verified")));
    }
    for (const to of inc.next_steps || []) {
      box.append(el("button", {type: "button", class: "small", "data-action": VERB[to] || to,
        "data-to": to, disabled: working, onclick: () => step(inc.id, to)},
        t(stepLabel(inc, to))));
    }
    if (live.canDispatch && inc.open) {
      box.append(el("button", {type: "button", class: "small secondary",
        "data-action": "recommend", disabled: working,
        onclick: () => live.recommend(inc.id)}, t("live.act.recommend")));
    }
    return box;
  }

  // The server's `reporter_present`: false marks a report from an officer not at his post
  // (null: not plotted, or check-ins not in use: no mark).
  const absentMark = (inc) => inc.reporter_present === false ?
    el("span", {class: "reporter-absent", "data-reporter-absent": "",
                title: t("presence.reporter_absent_title")},
       ` · ${t("presence.reporter_absent")}`) : null;

  function incidentRow(inc, now) {
    const due = live.parseTime(inc.due_at);
    const since = live.parseTime(inc.reported_at);
    const row = el("tr", {"data-incident-id": inc.id, "data-status": inc.status,
      "data-severity": inc.severity, "data-tps-id": inc.tps_id, "data-level": inc.level,
      class: ["clickable", live.selected === inc.id ? "selected" : "",
              inc.status === "reported" ? "unacked" : ""].join(" ").trim(),
      onclick: (e) => { if (!e.target.closest("button, input, label, a")) selectIncident(inc.id); }},
      el("td", {}, live.sevBadge(inc.severity)),
      el("td", {},
        el("div", {class: "inc-kind"}, live.kindLabel(inc.kind),
          inc.verified ? el("span", {class: "verified", title: t("live.verified")}, " ✓") : null,
          absentMark(inc)),
        el("div", {class: "note"},
          // The TPS by name; a click on it, as on the row, selects and flies to it (the
          // detail card links to the TPS itself).
          el("span", {class: "inc-tps", title: inc.tps_id}, inc.tps_name || `TPS ${inc.tps_id}`),
          inc.polres_name ? ` · ${inc.polres_name}` : "")),
      el("td", {},
        el("div", {class: `status st-${inc.status}`}, t(`live.status.${inc.status}`)),
        el("div", {class: "note"}, t(`live.level.${inc.level}`))),
      el("td", {class: "num"},
        el("div", {"data-since": since ? since.getTime() : ""},
          since ? live.ageText(now - since) : "—"),
        due ? el("div", {class: "due", "data-due": due.getTime(),
                         title: t("live.due_title", {at: live.hms(inc.due_at)})},
          t("live.due", {t: live.countdown(due - now)})) : null),
      el("td", {class: "act"}, actionButtons(inc)));
    return row;
  }

  function renderIncidents() {
    const now = Date.now();
    const list = [...live.incidents.values()].sort(live.bySeverityThenAge);
    const body = incTable.tBodies[0];
    body.replaceChildren(...list.map((i) => incidentRow(i, now)));
    if (!list.length) {
      body.append(el("tr", {class: "empty"},
        el("td", {colspan: 5, class: "muted"}, t("live.no_incidents"))));
    }
    live.incCount.textContent = list.length ? `(${fmt(list.length)})` : "";
    incTable.dataset.count = String(list.length);
  }

  async function step(id, to) {
    const inc = live.incidents.get(id);
    if (!inc || busy.has(id)) return;
    busy.add(id);
    renderIncidents();
    live.clearError();
    const body = {to};
    if (verify.has(id)) body.verified = true;
    try {
      const r = await pg.api(`/incidents/${encodeURIComponent(id)}/steps`,
                             {method: "POST", body});
      verify.delete(id);
      const updated = r && r.incident ? r.incident : r;
      if (updated && updated.id) place(updated);
      const moved = (r && r.reclassified) || [];
      live.notice(moved.length ? t("live.reclassified", {n: fmt(moved.length)}) :
        r && r.reassessing ? t("live.reassessing") :
        t("live.stepped", {tps: inc.tps_name || `TPS ${inc.tps_id}`, status: t(`live.status.${to}`)}));
    } catch (e) {
      live.showError(e);
    } finally {
      busy.delete(id);
      renderIncidents();
      live.drawRings();
      if (live.selected === id) {
        if (live.incidents.has(id)) renderDetail(live.incidents.get(id)); else closeDetail();
      }
      refreshIncidents();
    }
  }

  // --- one incident's detail ----------------------------------------------------------------
  function selectIncident(id, {pan = true} = {}) {
    const inc = live.incidents.get(id);
    if (!inc) return;
    live.selected = id;
    renderIncidents();
    live.drawRings();
    renderDetail(inc);
    const row = incTable.querySelector(`tr[data-incident-id="${CSS.escape(id)}"]`);
    if (row) row.scrollIntoView({block: "nearest"});
    if (pan && window.pgMap) flyTo(inc);
  }

  // Where the map flies on a click: the ring if drawn, else the phone's point, else the TPS
  // (the server sends its location, so an incident sent without one still has a place).
  function flyTo(inc) {
    const ring = live.ringAt(inc.tps_id);
    const has = (a, b) => a !== null && a !== undefined && b !== null && b !== undefined;
    const at = ring || (has(inc.lat, inc.lon) ? [inc.lat, inc.lon] :
      has(inc.tps_lat, inc.tps_lon) ? [inc.tps_lat, inc.tps_lon] : null);
    if (!at) return;
    const map = window.pgMap.map;
    map.flyTo(at, Math.max(map.getZoom(), 13), {duration: 0.6});
  }

  function closeDetail() {
    live.selected = null;
    detailBox.hidden = true;
    delete detailBox.dataset.forIncident;
    renderIncidents();
    live.drawRings();
  }

  function renderDetail(inc) {
    detailBox.hidden = false;
    detailBox.dataset.forIncident = inc.id;
    detailBox.replaceChildren(
      live.cardHeader(`${live.kindLabel(inc.kind)} · ${inc.tps_name || `TPS ${inc.tps_id}`}`,
                      closeDetail),
      el("dl", {class: "kv"},
        el("dt", {}, t("live.col.severity")), el("dd", {}, live.sevBadge(inc.severity)),
        el("dt", {}, t("live.col.status")), el("dd", {}, t(`live.status.${inc.status}`),
          inc.verified ? ` · ${t("live.verified")}` : ""),
        el("dt", {}, t("live.col.level")), el("dd", {}, t(`live.level.${inc.level}`)),
        el("dt", {}, t("live.reported_at")), el("dd", {}, pg.date(inc.reported_at,
                                                                     {seconds: true})),
        inc.reported_by ? el("dt", {}, t("live.reported_by")) : null,
        inc.reported_by ? el("dd", {class: "mono"}, inc.reported_by, absentMark(inc)) : null,
        el("dt", {}, "TPS"), el("dd", {}, el("a", {href: `#tps=${inc.tps_id}`, title: inc.tps_id,
          onclick: (e) => { e.preventDefault(); live.openTps(inc.tps_id); }},
          inc.tps_name || `TPS ${inc.tps_id}`))),
      inc.text ? el("p", {class: "inc-text"}, inc.text) : null,
      el("h4", {}, t("live.history")),
      el("ol", {class: "inc-history"}, (inc.history || []).map((h) => el("li", {},
        el("time", {}, live.hms(h.at)), " ", el("b", {}, t(`live.status.${h.status}`)),
        h.level ? ` → ${t(`live.level.${h.level}`)}` : "",
        h.by ? el("span", {class: "note step-by", title: h.by}, ` · ${h.by_label || h.by}`)
          : null,
        h.note ? el("div", {class: "note"}, h.note) : null))));
  }

  // --- ages, countdowns, clock --------------------------------------------------------------
  function tick() {
    const now = Date.now();
    live.clock.textContent = pg.time(now);
    for (const c of incTable.querySelectorAll("[data-since]")) {
      const since = Number(c.dataset.since);
      if (since) c.textContent = live.ageText(now - since);
    }
    let reload = false;
    for (const c of incTable.querySelectorAll("[data-due]")) {
      const left = Number(c.dataset.due) - now;
      c.classList.toggle("soon", left < 120000);
      if (left > 0) {
        c.textContent = t("live.due", {t: live.countdown(left)});
      } else {
        c.textContent = t("live.escalating");
        c.classList.add("overdue");
        const key = `${c.closest("tr")?.dataset.incidentId}@${c.dataset.due}`;
        if (!overdueAsked.has(key)) { overdueAsked.add(key); reload = true; }
      }
    }
    if (reload) setTimeout(loadIncidents, 1500);
  }

  Object.assign(live, {loadResolved, loadIncidents, refreshIncidents, resync, track,
                       renderIncidents, selectIncident, tick});
})();
