// The field app: a plotted officer's phone on voting day. A report is written to the phone's
// storage before anything is sent and leaves the queue only once the server has stored it, so
// a dead signal loses nothing; a resend is harmless because the server keeps one report per
// client_id. Reads (assignment, incident kinds) keep a copy here too, for a page opened with no
// signal (the service worker serves the page itself).
"use strict";
(() => {
  const {el, t} = pg;
  const KEY = "pg.field.reports.v1";  // every report made on this phone: queued, sent, rejected
  const ME_KEY = "pg.field.me.v1";
  const ASSIGNMENT_KEY = "pg.field.assignment.v1";
  const KINDS_KEY = "pg.field.kinds.v1";
  // Everything this page keeps on the phone: a logout on a shared phone removes it all.
  const STORED = [KEY, ME_KEY, ASSIGNMENT_KEY, KINDS_KEY];
  const FLUSH_MS = 15000;
  const KEEP_SENT = 100;  // sent reports kept for the list; queued and rejected ones are all kept
  const LATER = new Set([401, 408, 429]);  // refusals that mean "not now" rather than "never"
  const FIX_MAX_AGE_MS = 120000;
  const WAIT_MS = 20000;  // a request on a weak signal is given up after this (and retried)

  const $ = (id) => document.getElementById(id);
  const statusForm = $("status-form");
  const incidentForm = $("incident-form");
  const errorBox = $("field-error");

  let me = read(ME_KEY, null);  // {username, nrp}: whose reports this page sends
  let csrf = null;
  let assignment = null;
  let kinds = [];
  let fix = null;  // the last GPS fix: {lat, lon, at}

  // ---- the phone's storage ---------------------------------------------------------------
  function read(key, fallback) {
    try {
      const v = JSON.parse(localStorage.getItem(key));
      return v === null || v === undefined ? fallback : v;
    } catch (e) {
      return fallback;
    }
  }

  function write(key, value) { localStorage.setItem(key, JSON.stringify(value)); }

  function mine(r) { return !me || !r.by || r.by === me.username; }

  function reports() { return read(KEY, []).filter(mine); }

  function pending() { return reports().filter((r) => r.state === "queued"); }

  // Change one stored report, re-reading the list first (another tab may have changed it).
  function update(clientId, changes) {
    const list = read(KEY, []);
    const item = list.find((r) => r.client_id === clientId);
    if (!item) return;
    Object.assign(item, changes);
    const sent = list.filter((r) => r.state === "sent");
    const drop = new Set(sent.slice(0, Math.max(0, sent.length - KEEP_SENT)));
    write(KEY, list.filter((r) => !drop.has(r)));
  }

  // A v4 UUID. crypto.randomUUID needs a secure context; getRandomValues works everywhere.
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // Into the queue, stored, then an attempt to send. Throws (and sends nothing) when the phone
  // cannot store it, so the officer knows it was not kept.
  function enqueue(body) {
    const item = {client_id: body.client_id, by: me ? me.username : null, body,
                  state: "queued", made_at: body.sent_at, attempts: 0, reason: null};
    const list = read(KEY, []);
    list.push(item);
    write(KEY, list);
    render();
    flush();
    return item;
  }

  // ---- sending ---------------------------------------------------------------------------
  // fetch, given up after WAIT_MS: on a signal that comes and goes a request can hang for
  // minutes, and the queue would wait behind it. A report given up on is simply sent again.
  function timedFetch(url, options) {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), WAIT_MS);
    return fetch(url, {...options, signal: stop.signal}).finally(() => clearTimeout(timer));
  }

  async function session(force) {
    if (csrf && !force) return csrf;
    const r = await timedFetch("/api/v1/session", {credentials: "same-origin", cache: "no-store",
                                              headers: {"Accept": "application/json"}});
    if (r.status === 401) return null;
    if (!r.ok) throw new Error(`session: ${r.status}`);
    remember(await r.json());
    return csrf;
  }

  function remember(s) {
    csrf = s.csrf || null;
    me = {username: s.username, nrp: s.nrp || null};
    write(ME_KEY, me);
  }

  function reasonOf(status, data) {
    const detail = data && data.detail;
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail)) {
      return detail.map((d) => [...(d.loc || []).slice(1), d.msg].filter(Boolean).join(": "))
        .join("; ");
    }
    return `HTTP ${status}`;
  }

  // One report: "sent", "rejected", "csrf", "login", "offline", "later" or "server".
  async function send(item, token) {
    let r;
    try {
      r = await timedFetch(`/api/v1/reports?lang=${pg.lang}`, {
        method: "POST", credentials: "same-origin", cache: "no-store",
        headers: {"Content-Type": "application/json", "Accept": "application/json",
                  "X-CSRF-Token": token || ""},
        body: JSON.stringify(item.body)});
    } catch (e) {
      return "offline";
    }
    if (r.status === 200 || r.status === 201) {
      update(item.client_id, {state: "sent", sent_ok_at: new Date().toISOString(), reason: null});
      return "sent";
    }
    const reason = reasonOf(r.status, await r.json().catch(() => null));
    if (r.status === 401) return "login";
    if (r.status === 403 && /csrf/i.test(reason)) return "csrf";
    if (r.status >= 400 && r.status < 500 && !LATER.has(r.status)) {
      update(item.client_id, {state: "rejected", reason});
      return "rejected";
    }
    update(item.client_id, {attempts: (item.attempts || 0) + 1, reason});
    return r.status >= 500 ? "server" : "later";
  }

  async function flushOnce() {
    if (!pending().length) return;
    let token;
    try {
      token = await session(false);
    } catch (e) {
      setOnline(false);
      return;
    }
    if (token === null) { loginAgain(true); return; }
    loginAgain(false);
    const tried = new Set();
    for (;;) {
      // Re-read each time: a report made while this runs is sent in the same round.
      const next = pending().find((r) => !tried.has(r.client_id));
      if (!next) break;
      tried.add(next.client_id);
      let out = await send(next, token);
      if (out === "csrf") {  // logged in again elsewhere: fetch the new token once
        token = await session(true).catch(() => null);
        out = token ? await send(next, token) : "login";
      }
      if (out === "offline") { setOnline(false); break; }
      setOnline(true);
      if (out === "login" || out === "csrf") { loginAgain(true); break; }
      if (out === "later") break;
      render();  // "server": this one waits for the next round, the others still go
    }
  }

  let flushing = null;
  // One flush at a time, across tabs too where the browser has Web Locks.
  function flush() {
    if (!flushing) {
      const run = navigator.locks ? navigator.locks.request("pg-field-flush", flushOnce)
        : flushOnce();
      flushing = run.catch((e) => pg.showError(errorBox, e)).finally(() => {
        flushing = null;
        render();
      });
    }
    return flushing;
  }

  // ---- what the officer sees -------------------------------------------------------------
  function setOnline(on) {
    const bar = $("net");
    bar.dataset.online = on ? "1" : "0";
    const text = $("net-text");
    text.textContent = on ? text.dataset.onlineText : text.dataset.offlineText;
  }

  function loginAgain(show) { $("login-again").hidden = !show; }

  function kindLabel(code) {
    const k = kinds.find((x) => x.code === code);
    return k ? (pg.lang === "en" ? k.label_en : k.label_id) : code;
  }

  // A TPS as people name it ("TPS 002 Renah Kayu Embun"), from the assignment.
  function tpsName(id) {
    const s = assignment && (assignment.stations || []).find((x) => x.id === id);
    return s ? s.name : `TPS ${id}`;
  }

  function describe(body) {
    if (body.kind === "status") {
      return t("field.what_status", {tps: tpsName(body.tps_id),
                                     phase: t(`field.phase.${body.phase}`)});
    }
    return t("field.what_incident", {tps: tpsName(body.tps_id), kind: kindLabel(body.incident_kind),
                                     severity: body.severity});
  }

  // The day's phases in the server's order (from the assignment: no copy is kept here).
  function order() { return (assignment && assignment.phases) || []; }

  // The furthest phase of each TPS: the server's, or one this phone has reported since
  // (queued or sent; rejected reports do not count). A rank in order(); -1 for none.
  function reachedPhases() {
    const phases = order();
    const out = {};
    for (const s of (assignment && assignment.stations) || []) {
      out[s.id] = s.phase ? phases.indexOf(s.phase) : -1;
    }
    for (const r of reports()) {
      if (r.body.kind !== "status" || r.state === "rejected") continue;
      const rank = phases.indexOf(r.body.phase);
      if (rank > (out[r.body.tps_id] ?? -1)) out[r.body.tps_id] = rank;
    }
    return out;
  }

  // The one phase a TPS's row offers: the first the server allows that this phone has not
  // reported yet; null when the day is done there.
  function nextPhase(station, at) {
    const phases = order();
    return station.next_phases.find((p) => phases.indexOf(p) > at) || null;
  }

  function tpsIds() {
    return assignment ? assignment.tps.flatMap((p) => p.tps_ids) : [];
  }

  function renderPost(saved) {
    const card = $("post");
    const a = assignment;
    card.dataset.state = "assigned";
    card.dataset.nrp = a.nrp;
    const cls = a.tps.length ? a.tps[0].cls : null;
    const n = tpsIds().length;
    $("post-body").replaceChildren(...[
      el("h1", {}, a.target_label, " ", cls ? pg.chip(cls) : null),
      el("p", {class: "muted"}, t("field.officer", {rank: a.rank, name: a.name, nrp: a.nrp}),
        n ? ` · ${t("field.post_tps", {n})}` : ""),
      a.tps.length ? null : el("p", {class: "bad"}, t("field.no_tps", {target: a.target_label})),
      saved ? el("p", {class: "note"}, t("field.saved_copy")) : null].filter(Boolean));
    renderCalls();
  }

  // One tel: button per person to call: the partners, then Pawas, Polsek and Posko.
  function renderCalls() {
    const a = assignment;
    const calls = [
      ...(a.partners || []).filter((p) => p.phone).map((p) => ({
        kind: "partner", label: t("field.call.partner", {rank: p.rank, name: p.name}),
        phone: p.phone})),
      ...(a.contacts || [])];
    const box = $("post-calls");
    box.replaceChildren(...(calls.length ? [el("span", {class: "calls-title"}, t("field.calls"))]
      : []), ...calls.map((c) => el("a", {class: "call", href: `tel:${c.phone.replace(/[^0-9+]/g, "")}`,
      "data-call": c.kind}, el("span", {class: "call-who"}, c.label),
      el("span", {class: "call-no"}, c.phone))));
  }

  // One compact row per TPS: its name, where it stands, and the next phase as one button.
  function renderPhases() {
    const reached = reachedPhases();
    const phases = order();
    const box = $("tps-phases");
    box.replaceChildren(...((assignment && assignment.stations) || []).map((s) => {
      const at = reached[s.id] ?? -1;
      const next = nextPhase(s, at);
      return el("div", {class: "tps-row", "data-tps": s.id, "data-reached": at >= 0 ? phases[at] : ""},
        el("div", {class: "tps-what"},
          el("span", {class: "tps-name"}, s.name),
          el("span", {class: "tps-now"}, at >= 0 ? t(`field.phase.${phases[at]}`)
            : t("field.phase_none"))),
        next ? el("button", {type: "button", class: "phase next", "data-tps": s.id,
                             "data-phase": next}, t("field.next_phase", {phase: t(`field.phase.${next}`)}))
          : at === phases.length - 1 ? el("span", {class: "phase-done"}, "✓ ", t("field.all_phases"))
          : null);  // a Pawas or Kapolsek watches the phases; the post's guards report them
    }));
  }

  function renderIncidentForm() {
    const tpsSelect = incidentForm.elements.tps_id;
    const chosen = tpsSelect.value;
    tpsSelect.replaceChildren(...tpsIds().map((id) => el("option", {value: id}, tpsName(id))));
    if (chosen && tpsIds().includes(chosen)) tpsSelect.value = chosen;
    const kindSelect = incidentForm.elements.incident_kind;
    const kind = kindSelect.value;
    kindSelect.replaceChildren(kindSelect.options[0],
      ...kinds.map((k) => el("option", {value: k.code, "data-severity": k.severity},
        pg.lang === "en" ? k.label_en : k.label_id)));
    kindSelect.value = kind;
    $("kinds-missing").hidden = kinds.length > 0;
    const usable = tpsIds().length > 0;
    for (const e of incidentForm.elements) e.disabled = !usable;
  }

  function renderList() {
    const all = reports();
    $("queue-count").textContent = String(all.filter((r) => r.state === "queued").length);
    $("net").dataset.queued = $("queue-count").textContent;
    const shown = all.slice().sort((a, b) => (a.made_at < b.made_at ? 1 : -1)).slice(0, 50);
    $("sent-empty").hidden = shown.length > 0;
    $("sent-list").replaceChildren(...shown.map((r) => el("li", {
      "data-client-id": r.client_id, "data-state": r.state, "data-kind": r.body.kind,
      class: `state-${r.state}`},
      el("span", {class: "when"}, pg.date(r.made_at, {seconds: true})),
      el("span", {class: "what"}, describe(r.body),
        r.body.lat !== undefined && r.body.lat !== null ? ` · ${t("field.with_location")}` : ""),
      el("span", {class: "badge"}, t(`field.state.${r.state}`)),
      r.state === "rejected" ? el("span", {class: "reason"}, r.reason || "") : null,
      r.state === "rejected" ? el("button", {type: "button", class: "link",
        "data-remove": r.client_id}, t("field.remove")) : null)));
  }

  function render() {
    renderList();
    if (assignment) renderPhases();
  }

  // ---- making reports --------------------------------------------------------------------
  // The officer's position when the phone has (or quickly gets) one, else none: a report never
  // waits long for GPS.
  function position() {
    if (fix && Date.now() - fix.at < FIX_MAX_AGE_MS) return Promise.resolve(fix);
    if (!navigator.geolocation) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), 8000);
      navigator.geolocation.getCurrentPosition((p) => {
        clearTimeout(timer);
        fix = {lat: p.coords.latitude, lon: p.coords.longitude, at: Date.now()};
        resolve(fix);
      }, () => { clearTimeout(timer); resolve(null); },
      {enableHighAccuracy: true, timeout: 7000, maximumAge: 60000});
    });
  }

  // Warm the GPS at load only where permission is already granted: never a prompt unasked.
  async function warmPosition() {
    if (!navigator.permissions || !navigator.geolocation) return;
    const p = await navigator.permissions.query({name: "geolocation"}).catch(() => null);
    if (p && p.state === "granted") position();
  }

  function note(text) {
    const box = $("incident-note");
    box.hidden = false;
    box.textContent = text;
  }

  statusForm.addEventListener("submit", (ev) => ev.preventDefault());
  statusForm.addEventListener("click", (ev) => {
    const b = ev.target.closest("button[data-phase]");
    if (!b || b.disabled) return;
    const tps = b.dataset.tps;
    const phase = b.dataset.phase;
    b.disabled = true;  // a double tap reports once
    try {
      enqueue({client_id: uuid(), tps_id: tps, kind: "status", phase,
               sent_at: new Date().toISOString()});
    } catch (e) {
      pg.showError(errorBox, e);
    }
  });

  incidentForm.elements.incident_kind.addEventListener("change", (ev) => {
    const opt = ev.target.selectedOptions[0];
    if (opt && opt.dataset.severity) incidentForm.elements.severity.value = opt.dataset.severity;
  });

  incidentForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = incidentForm.elements;
    if (!f.incident_kind.value || !f.tps_id.value) return;
    const submit = incidentForm.querySelector("button[type=submit]");
    submit.disabled = true;
    try {
      const body = {client_id: uuid(), tps_id: f.tps_id.value, kind: "incident",
                    incident_kind: f.incident_kind.value, severity: Number(f.severity.value),
                    text: f.text.value.trim(), sent_at: new Date().toISOString()};
      const where = f.use_location.checked ? await position() : null;
      if (where) { body.lat = where.lat; body.lon = where.lon; }
      enqueue(body);
      note(t("field.kept", {what: describe(body)}));
      f.text.value = "";
      f.incident_kind.value = "";
      f.severity.value = "2";
    } catch (e) {
      pg.showError(errorBox, e);
    } finally {
      submit.disabled = false;
    }
  });

  $("sent-list").addEventListener("click", (ev) => {
    const b = ev.target.closest("button[data-remove]");
    if (!b) return;
    write(KEY, read(KEY, []).filter((r) => !(r.client_id === b.dataset.remove &&
                                            r.state === "rejected")));
    render();
  });

  $("flush-now").addEventListener("click", () => flush());

  // The incident form opens from the button that is always on screen, with the first choice
  // ready for the thumb; the officer's TPS is preselected when he guards only one.
  $("report-incident").addEventListener("click", () => {
    const card = $("incident-card");
    card.hidden = false;
    card.scrollIntoView({block: "start"});
    const kind = incidentForm.elements.incident_kind;
    if (!kind.disabled) kind.focus({preventScroll: true});
  });
  $("incident-close").addEventListener("click", () => { $("incident-card").hidden = true; });

  // ---- loading ---------------------------------------------------------------------------
  // A read that keeps its last good answer on the phone for when there is no signal.
  async function saved(path, key) {
    try {
      const r = await fetch(`/api/v1${path}`, {credentials: "same-origin",
                                               headers: {"Accept": "application/json"}});
      if (r.status === 401) {
        location.href = "/login?next=/field";
        throw new Error("401");
      }
      const data = await r.json().catch(() => null);
      const copy = r.headers.get("X-PG-Offline") === "1";  // the service worker's last copy
      setOnline(!copy);
      if (!r.ok) return {status: r.status, data, saved: false};
      if (!copy) write(key, data);
      return {status: r.status, data, saved: copy};
    } catch (e) {
      if (String(e.message) !== "401") setOnline(false);  // no answer at all: no signal
      const copy = read(key, null);
      if (copy === null) throw e;
      return {status: 200, data: copy, saved: true};
    }
  }

  async function loadKinds() {
    const got = await saved("/incident-kinds", KINDS_KEY).catch(() => null);
    if (got && got.status === 200 && Array.isArray(got.data)) {
      kinds = got.data;
      renderIncidentForm();
    }
  }

  async function loadSession() {
    try {
      const token = await session(true);
      if (token === null) {
        location.href = "/login?next=/field";
        throw new Error("401");
      }
      setOnline(true);
    } catch (e) {
      if (String(e.message) === "401") throw e;
      setOnline(false);  // no signal: keep the officer remembered from last time
    }
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/field-sw.js", {scope: "/field"}).catch(() => null);
  }

  function offerInstall() {
    let prompt = null;
    const button = $("install");
    window.addEventListener("beforeinstallprompt", (ev) => {
      ev.preventDefault();
      prompt = ev;
      button.hidden = false;
    });
    button.addEventListener("click", async () => {
      if (!prompt) return;
      button.hidden = true;
      prompt.prompt();
      prompt = null;
    });
  }

  // Logging out of a shared phone: the next officer must find nothing of this one (his post,
  // his reports, the cached pages that name him). Unsent reports would be lost, so he is
  // asked first; this runs before the shared helper ends the session.
  window.addEventListener("click", (ev) => {
    if (!ev.target.closest || !ev.target.closest("#logout")) return;
    const n = read(KEY, []).filter((r) => r.state === "queued").length;
    if (n && !confirm(t("field.logout_pending", {n}))) {
      ev.stopPropagation();
      ev.preventDefault();
      return;
    }
    for (const key of STORED) localStorage.removeItem(key);
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("forget");
    }
    if (window.caches) {
      caches.keys().then((names) => Promise.all(names.filter((x) => x.startsWith("pg-field-"))
        .map((x) => caches.delete(x)))).catch(() => null);
    }
  }, true);

  async function start() {
    registerWorker();
    offerInstall();
    await pg.i18n().catch(() => null);
    await loadSession();
    const [got] = await Promise.all([saved("/me/assignment", ASSIGNMENT_KEY), loadKinds()]);
    if (got.status === 404) {
      $("post").dataset.state = "none";
      $("post-body").replaceChildren(el("h1", {}, t("field.not_plotted_title")),
                                     el("p", {}, t("field.not_plotted")));
    } else if (got.status !== 200) {
      throw new Error(`${got.status}: ${reasonOf(got.status, got.data)}`);
    } else {
      assignment = got.data;
      renderPost(got.saved);
    }
    renderIncidentForm();
    render();
    warmPosition();
    window.addEventListener("online", () => { setOnline(true); flush(); });
    window.addEventListener("offline", () => setOnline(false));
    if (!navigator.onLine) setOnline(false);
    window.addEventListener("storage", (ev) => { if (ev.key === KEY) render(); });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") flush();
    });
    setInterval(() => {
      if (!kinds.length) loadKinds();
      flush();
    }, FLUSH_MS);
    pg.ready(true);
    await flush();
  }

  setOnline(navigator.onLine);
  render();
  start().catch((e) => {
    pg.showError(errorBox, e);
    $("post").querySelector(".loading")?.remove();
    document.body.dataset.ready = "error";
  });
})();
