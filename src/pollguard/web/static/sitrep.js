// The situation report (laporan situasi): the same sections as the PDF, from GET /sitrep,
// refreshed every 60 seconds. Sections the role may not see come back null and stay hidden.
"use strict";
(() => {
  const {el, t, fmt, td} = pg;
  const $ = (id) => document.getElementById(id);
  const errorBox = $("sitrep-error");
  const REFRESH_MS = 60 * 1000;
  const SEVERITIES = ["3", "2", "1"];
  const STATUSES = ["available", "dispatched", "on_scene", "returning"];
  const answers = pg.latest();

  // Times are written by pg.date and pg.time: on the operation's clock (the zone the page was
  // served with, the same the report's header.time_zone names), whatever the browser's.

  function day(iso) {
    if (!iso) return "—";
    return new Date(iso + "T00:00:00Z").toLocaleDateString(pg.lang === "en" ? "en-GB" : "id-ID",
      {timeZone: "UTC", day: "numeric", month: "long", year: "numeric"});
  }

  function age(minutes) {
    if (minutes < 60) return t("sitrep.minutes", {n: minutes});
    return t("sitrep.hours", {h: Math.floor(minutes / 60), m: String(minutes % 60).padStart(2, "0")});
  }

  function sev(n) { return el("span", {class: `sev s${n}`, "data-sev": n}, t(`sitrep.sev.${n}`)); }

  function renderHeader(s) {
    const h = s.header;
    const facts = [
      ["sitrep.time", pg.date(h.as_of)],
      ["sitrep.operation", h.operation || "—"],
      ["sitrep.jurisdiction", h.whole ? t("sitrep.whole", {name: h.jurisdiction}) : h.jurisdiction || "—"],
      ["sitrep.plan", h.plan_id ? t("sitrep.plan_value", {id: h.plan_id, at: pg.date(h.plan_created_at),
                                                            assessment: h.plan_assessment_id ?? "—"})
                                : t("sitrep.none")],
      ["sitrep.assessment", h.assessment_id ? t("sitrep.assessment_value", {id: h.assessment_id,
                                                                              day: day(h.assessment_as_of)})
                                            : t("sitrep.none")],
      ["sitrep.made_by", h.made_by || "—"]];
    $("sitrep-header").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", {}, t(k)),
                                                                        el("dd", {"data-fact": k}, v)]));
    const open = s.incidents.items.filter((i) => i.open).length;
    const tiles = [["tps", s.total.tps], ["not_reported", s.total.not_reported], ["open", open]];
    if (h.reserves) {
      tiles.push(["sent", s.dispatches.filter((d) => d.status !== "available").length]);
      tiles.push(["ready", s.force.reduce((n, f) => n + f.by_status.available, 0)]);
    }
    $("sitrep-metrics").replaceChildren(...tiles.map(([k, v]) => el("div", {class: "metric", "data-metric": k},
      el("span", {class: "value"}, fmt(v)), t(`sitrep.tile.${k}`))));
    $("sitrep-personnel").hidden = h.personnel;
  }

  function statusRow(p, name, total = false) {
    const r = p.reached;
    return el("tr", {class: total ? "total" : undefined, "data-polres": p.code || "total"},
      el("td", {}, name), td(p.tps, {num: true}), td(r.voting_open, {num: true}),
      td(r.voting_closed, {num: true}), td(r.counted, {num: true}), td(r.box_escorted, {num: true}),
      td(p.not_reported, {num: true}),
      el("td", {class: "num"}, SEVERITIES.map((k) => p.open_incidents_by_severity[k] || 0).join("/")));
  }

  function renderStatus(s) {
    $("sitrep-status").tBodies[0].replaceChildren(...s.polres.map((p) => statusRow(p, p.name)),
                                                  statusRow(s.total, t("sitrep.total"), true));
  }

  function headRow(table, keys) {
    table.tHead.rows[0].replaceChildren(...keys.map(([k, num]) => el("th", {class: num ? "num" : undefined}, t(k))));
  }

  function renderIncidents(s) {
    const h = s.header;
    const o = s.incidents.open_by_severity;
    const c = s.incidents.closed_by_severity;
    const sum = (m) => Object.values(m).reduce((a, b) => a + b, 0);
    $("sitrep-inc-summary").textContent = t("sitrep.inc_summary", {
      open: fmt(sum(o)), o3: fmt(o["3"]), o2: fmt(o["2"]), o1: fmt(o["1"]), closed: fmt(sum(c))});
    const table = $("sitrep-incidents");
    const keys = [["sitrep.col.time"], ["sitrep.col.polres"], ["sitrep.col.tps"], ["sitrep.col.kind"],
                  ["sitrep.col.sev"], ["sitrep.col.status"], ["sitrep.col.level"], ["sitrep.col.age", true],
                  ["sitrep.col.verified"]];
    if (h.reserves) keys.push(["sitrep.col.units", true]);
    if (h.personnel) keys.push(["sitrep.col.reporter"]);
    headRow(table, keys);
    const rows = s.incidents.items.map((i) => el("tr", {class: i.open ? undefined : "closed",
                                                      "data-incident": i.id, "data-status": i.status},
      el("td", {class: "time"}, pg.date(i.reported_at)), el("td", {}, i.polres_name), el("td", {title: i.tps_id}, i.tps_name),
      el("td", {}, pg.lang === "en" ? i.kind_label_en : i.kind_label_id), el("td", {}, sev(i.severity)),
      el("td", {}, t(`sitrep.status.${i.status}`)), el("td", {}, t(`sitrep.level.${i.level}`)),
      el("td", {class: "num"}, age(i.age_min)), el("td", {}, i.verified ? "✔ " + t("sitrep.yes") : t("sitrep.no")),
      h.reserves ? td(i.units_sent, {num: true}) : null,
      h.personnel ? el("td", {}, i.reported_by || "—") : null));
    table.tBodies[0].replaceChildren(...(rows.length ? rows :
      [el("tr", {}, el("td", {colspan: keys.length, class: "muted"}, t("sitrep.no_incidents")))]));
  }

  function renderReserves(s) {
    const h = s.header;
    const shown = h.reserves;
    $("sitrep-hidden").hidden = shown;
    for (const name of ["dispatches", "force", "floor"]) {
      document.querySelector(`[data-section="${name}"]`).hidden = !shown || (name === "floor" && !h.whole && !s.floor_warnings.length);
    }
    if (!shown) return;
    const table = $("sitrep-dispatches");
    const keys = [["sitrep.col.unit"], ["sitrep.col.unit_kind"], ["sitrep.col.officers", true],
                  ["sitrep.col.status"], ["sitrep.col.incident"], ["sitrep.col.since"]];
    if (h.personnel) keys.push(["sitrep.col.by"]);
    headRow(table, keys);
    const kinds = new Map(s.incidents.items.map((i) => [i.id, pg.lang === "en" ? i.kind_label_en : i.kind_label_id]));
    const rows = s.dispatches.map((d) => el("tr", {"data-dispatch": d.id, "data-status": d.status},
      el("td", {title: d.unit_id}, d.unit_name), el("td", {}, t(`sitrep.kind.${d.kind}`)), td(d.officers, {num: true}),
      el("td", {}, t(`sitrep.unit.${d.status}`)), el("td", {title: d.incident_id}, `${d.tps_name} · ${kinds.get(d.incident_id) || d.incident_id}`),
      el("td", {class: "time"}, pg.date(d.since)), h.personnel ? el("td", {}, d.dispatched_by || "—") : null));
    table.tBodies[0].replaceChildren(...(rows.length ? rows :
      [el("tr", {}, el("td", {colspan: keys.length, class: "muted"}, t("sitrep.no_dispatches")))]));

    const total = {teams: 0, officers: 0, officers_available: 0, by_status: {}};
    for (const f of s.force) {
      total.teams += f.teams; total.officers += f.officers; total.officers_available += f.officers_available;
      for (const k of STATUSES) total.by_status[k] = (total.by_status[k] || 0) + f.by_status[k];
    }
    const forceRow = (f, name, isTotal = false) => el("tr", {class: isTotal ? "total" : undefined,
                                                           "data-owner": isTotal ? "total" : f.code},
      el("td", {}, name), td(f.teams, {num: true}), td(f.officers, {num: true}),
      ...STATUSES.map((k) => td(f.by_status[k], {num: true})), td(f.officers_available, {num: true}));
    $("sitrep-force").tBodies[0].replaceChildren(...(s.force.length ?
      [...s.force.map((f) => forceRow(f, f.pool ? t("sitrep.pool", {name: f.name}) : f.name)),
       forceRow(total, t("sitrep.total"), true)] :
      [el("tr", {}, el("td", {colspan: 8, class: "muted"}, t("sitrep.no_force")))]));

    $("sitrep-floor").tBodies[0].replaceChildren(...(s.floor_warnings.length ?
      s.floor_warnings.map((w) => el("tr", {"data-polres": w.code},
        el("td", {}, w.name), td(w.available, {num: true}), td(w.planned, {num: true}), td(w.floor, {num: true}),
        el("td", {}, w.bko.slice(0, 3).map((o) => t("sitrep.bko_item",
          {team: o.team_id, size: o.size, min: fmt(o.minutes)})).join("; ") || t("sitrep.no_bko")))) :
      [el("tr", {}, el("td", {colspan: 5, class: "muted"}, t("sitrep.no_floor")))]));
  }

  // The report as staff write it (the server's one definition, sitrep_narrative), and the
  // same as a WhatsApp message to copy into the Kapolda's group.
  let waText = "";
  function renderNarrative(s) {
    $("sitrep-narrative").replaceChildren(...s.narrative.flatMap((sec) => [
      el("h3", {"data-narrative": sec.number}, `${sec.number}. ${sec.title}`),
      sec.numbered ? el("ol", {}, sec.items.map((x) => el("li", {}, x)))
                   : el("div", {}, sec.items.map((x) => el("p", {}, x)))]));
    waText = s.whatsapp;
    $("sitrep-wa").textContent = waText;
    $("sitrep-copy-wa").disabled = !waText;
  }

  function wireCopy() {
    pg.copyOnClick($("sitrep-copy-wa"), () => waText);
  }

  async function load() {
    const current = answers();
    pg.ready(false);
    try {
      const s = await pg.api("/sitrep");
      if (!current()) return;
      errorBox.hidden = true;
      renderHeader(s);
      renderStatus(s);
      renderIncidents(s);
      renderReserves(s);
      renderNarrative(s);
      $("sitrep-refresh").textContent = t("sitrep.refresh", {t: pg.time(s.header.as_of, {seconds: false})});
    } catch (e) {
      if (!current()) return;
      pg.showError(errorBox, e);
    } finally {
      if (current()) pg.ready(true);
    }
  }

  async function init() {
    $("sitrep-pdf").href = `/api/v1/sitrep.pdf?lang=${pg.lang}`;
    wireCopy();
    await load();
    setInterval(() => { if (!document.hidden) load(); }, REFRESH_MS);
    document.addEventListener("visibilitychange", () => { if (!document.hidden) load(); });
  }

  pg.start(init, {errorBox});
})();
