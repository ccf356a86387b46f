// The audit trail: who changed what and when, newest first, and whether the hash chain holds.
"use strict";
(() => {
  const {el, t, fmt} = pg;
  const $ = (id) => document.getElementById(id);
  const errorBox = $("audit-error");
  const chain = $("chain-status");
  const actionSel = $("audit-action");
  const body = $("audit-table").tBodies[0];
  const prev = $("audit-prev");
  const next = $("audit-next");
  const LIMIT = 100;
  const q = {offset: 0, action: ""};
  let total = 0;
  const answers = pg.latest();

  // A translated label for the actions we know; others are shown as they are.
  function actionLabel(action) {
    const key = "audit.act." + action;
    const label = t(key);
    return label === key ? action : label;
  }

  // The detail as stored, each code the server named (`names`: TPS, post, team, officer,
  // unit) shown by its name, the code in the tooltip.
  function detailCell(detail, names) {
    const entries = Object.entries(detail || {});
    if (!entries.length) return el("td", {class: "detail"}, "—");
    const named = names || {};
    const nameOf = (v) => Object.hasOwn(named, v) ? named[v] : v;
    const show = (v) => v === null || v === undefined ? "—" :
      Array.isArray(v) ? v.map(show).join(", ") || "—" :
      typeof v === "object" ? Object.entries(v).map(([a, b]) => `${nameOf(a)}=${show(b)}`).join(", ") || "—" :
      String(nameOf(String(v)));
    const codes = (v) => v === null || typeof v !== "object" ?
      (Object.hasOwn(named, String(v)) ? [String(v)] : []) :
      Object.entries(v).flatMap(([a, b]) => [...(Array.isArray(v) ? [] : codes(a)), ...codes(b)]);
    return el("td", {class: "detail"}, entries.map(([k, v]) => {
      const raw = codes(v);
      return el("span", raw.length ? {title: raw.join(", ")} : {}, el("b", {}, `${k}:`), " ",
                show(v));
    }));
  }

  // The subject by the name the server gives it; the stored subject in the tooltip.
  const subjectCell = (e) => e.subject_name ?
    el("td", {}, el("span", {title: e.subject, "data-subject": e.subject}, e.subject_name)) :
    el("td", {}, e.subject);

  function renderChain(page) {
    chain.classList.toggle("ok", page.chain_ok);
    chain.classList.toggle("bad", !page.chain_ok);
    chain.dataset.ok = page.chain_ok ? "1" : "0";
    if (page.chain_ok) {
      delete chain.dataset.brokenAt;
      chain.textContent = "✔ " + t("audit.chain_ok");
    } else {
      chain.dataset.brokenAt = String(page.broken_at ?? "");
      chain.textContent = "✖ " + t("audit.chain_broken", {n: page.broken_at ?? "?",
                                                          reason: page.reason || "—"});
    }
  }

  async function load() {
    const current = answers();
    pg.ready(false);
    errorBox.hidden = true;
    const params = new URLSearchParams({limit: String(LIMIT), offset: String(q.offset)});
    if (q.action) params.set("action", q.action);
    try {
      const page = await pg.api(`/audit?${params}`);
      if (!current()) return;
      total = page.total;
      renderChain(page);
      $("audit-total").textContent = fmt(total);
      body.replaceChildren(...(page.entries.length ? page.entries.map((e) => el("tr",
        {"data-seq": e.seq, "data-action": e.action, title: `${t("audit.hash")}: ${e.hash}`},
        el("td", {class: "num"}, e.seq),
        el("td", {class: "time"}, pg.date(e.at, {seconds: true})),
        el("td", {class: "audit-actor", title: e.actor}, e.actor_name || e.actor),
        el("td", {}, el("span", {title: e.action}, actionLabel(e.action))),
        subjectCell(e),
        detailCell(e.detail, e.names))) :
        [el("tr", {}, el("td", {colspan: 6, class: "muted"}, t("audit.none")))]));
      const from = total ? q.offset + 1 : 0;
      $("audit-range").textContent = t("common.range", {from: fmt(from),
        to: fmt(Math.min(q.offset + LIMIT, total)), total: fmt(total)});
      prev.disabled = q.offset === 0;
      next.disabled = q.offset + LIMIT >= total;
    } catch (e) {
      if (!current()) return;
      pg.showError(errorBox, e);
      if (!chain.dataset.ok) { chain.textContent = ""; }
    } finally {
      if (current()) pg.ready(true);
    }
  }

  async function init() {
    actionSel.addEventListener("change", () => { q.action = actionSel.value; q.offset = 0; load(); });
    prev.addEventListener("click", () => { q.offset = Math.max(0, q.offset - LIMIT); load(); });
    next.addEventListener("click", () => { if (q.offset + LIMIT < total) { q.offset += LIMIT; load(); } });
    await load();
  }

  pg.start(init, {errorBox});
})();
