// The live picture (see live.js): the event stream (/api/v1/events) and the feed of what it
// brings, newest first. Each event also updates its part of the picture: the progress board,
// the incident (fetched again for its new next steps), the dispatch. Feed items:
// #live-feed li[data-kind][data-tps-id][data-client-id|data-incident-id].
"use strict";
(() => {
  const live = window.pgLive;
  if (!live) return;
  const {el, t, fmt} = pg;
  const {feed, statusEl} = live;
  const FEED_MAX = 200;
  const seenEvents = new Set();

  function feedItem(kind, data, eventId) {
    const attrs = {"data-kind": kind, "data-tps-id": data.tps_id || undefined,
                   "data-event-id": eventId || undefined};
    let tag, text, sev = null;
    if (kind === "report") {
      attrs["data-client-id"] = data.client_id;
      if (data.kind === "incident") {
        tag = t("live.feed.report_incident");
        text = live.kindLabel(data.incident_kind);
        sev = data.severity;
      } else {
        tag = t("live.feed.report");
        text = data.phase ? t(`live.phase.${data.phase}`) : "—";
      }
    } else if (kind === "incident") {
      attrs["data-incident-id"] = data.id;
      attrs["data-status"] = data.status;
      tag = t("live.feed.incident");
      // Observers (no reserve:read) read what happens at the TPS, not the police's levels.
      const what = !pg.can("reserve:read") ? t(`live.status.${data.status}`) :
        data.action === "incident.escalated" ?
        t("live.feed.escalated", {level: t(`live.level.${data.level}`)}) :
        `${t(`live.status.${data.status}`)} · ${t(`live.level.${data.level}`)}`;
      text = `${live.kindLabel(data.kind)} · ${what}` +
        (data.verified && pg.can("reserve:read") ? ` · ${t("live.verified")}` : "");
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
      const inc = live.incidents.get(data.incident_id);
      if (inc) attrs["data-tps-id"] = inc.tps_id;
      tag = t("live.feed.dispatch");
      // The unit by the name the stream gives it (call sign and Danton, or the lending post).
      text = `${data.unit_label || live.dispatches.get(data.id)?.unit_label || data.unit_id} · ` +
        t(`live.unit.${data.status}`) +
        (data.officers ? ` · ${t("live.officers", {n: fmt(data.officers)})}` : "");
    }
    const tps = attrs["data-tps-id"];
    // A TPS by the name the stream gives it (else as the API names its incidents).
    const tpsName = (id) => (data.tps_id === id && data.tps_name) ||
      [...live.incidents.values()].find((i) => i.tps_id === id && i.tps_name)?.tps_name ||
      `TPS ${id}`;
    const li = el("li", attrs,
      el("time", {}, live.hms(data.at)),
      el("span", {class: `tag k-${kind}`}, tag),
      sev ? live.sevBadge(sev) : null,
      tps ? el("b", {title: tps}, tpsName(tps)) : null,
      el("span", {class: "what"}, text));
    li.addEventListener("click", () => {
      const incId = attrs["data-incident-id"] || (kind === "report" && data.kind === "incident" ?
        data.client_id : null);
      if (incId && live.incidents.has(incId)) live.selectIncident(incId);
      else if (tps) live.openTps(tps);
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
      if (wasOpen) live.resync();
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
      if (type === "progress") { live.renderBoard(data); return; }
      if (type === "assessment") {
        const moved = Array.isArray(data.reclassified) ? data.reclassified : [];
        const n = moved.length || Number(data.reclassified) || 0;
        // The map shows the new version at once; the notice names the TPS that moved.
        if (window.pgMap && window.pgMap.reclassify) {
          window.pgMap.reclassify().catch(live.showError);
        }
        if (n) {
          const named = moved.slice(0, 3).map((c) =>
            `${c.name || c.tps_id}: ${t(`cls.${c.after}`)}`).join("; ");
          live.notice(t("live.reassessed", {n: fmt(n)}) + (named ? ` — ${named}` : "") +
                      (moved.length > 3 ? " …" : ""));
        }
        return;
      }
      feedItem(type, data, ev.lastEventId);
      if (type === "incident") {
        // Where it stands now and what may be done next: the server says (the event does
        // not carry the next steps).
        live.track(data.id);
      } else if (type === "dispatch" && data.id) {
        live.dispatchEvent(data);  // incidents and units read again: table, rings, panel
      }
    } catch (e) {
      live.showError(e);
    }
  }

  Object.assign(live, {connect});
})();
