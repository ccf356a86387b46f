// The plotting tables: every officer's place and position in a plan (guards, duties, reserve
// teams, Pawas, command) or a re-vote (PSU) plan, filtered by Polres/Polsek, searched (NRP,
// name, position, post or TPS id), sorted and paged on the server; each officer's WhatsApp
// message and each Polsek's, Polres's and reserve team's roll to copy into its group; and the
// plan's documents. ?plan=ID opens that plan.
"use strict";
(() => {
  const {el, t, fmt} = pg;
  const $ = (id) => document.getElementById(id);
  const errorBox = $("plotting-error");
  const planSelect = $("plotting-plan");
  const selPolres = $("plotting-polres");
  const selPolsek = $("plotting-polsek");
  const search = $("plotting-q");
  const table = $("plotting-table");
  const body = table.tBodies[0];
  const totalEl = $("plotting-total");
  const prev = $("plotting-prev");
  const next = $("plotting-next");
  const LIMIT = 100;

  const q = {plan: null, polres: "", polsek: "", q: "", sort: "target_id", desc: false,
             offset: 0};
  const names = {pool: null};
  let polsekAll = [];
  const answers = pg.latest();
  let total = 0;
  let first = true;

  const showError = (e) => pg.showError(errorBox, e);
  const clearError = () => { errorBox.hidden = true; errorBox.textContent = ""; };

  function fillPolsek() {
    const keep = selPolsek.value;
    const shown = polsekAll.filter((p) => !q.polres || p.polres === q.polres);
    selPolsek.replaceChildren(el("option", {value: ""}, t("filter.all")),
      ...shown.map((p) => el("option", {value: p.code}, p.name)));
    selPolsek.value = shown.some((p) => p.code === keep) ? keep : "";
    q.polsek = selPolsek.value;
  }

  function markSort() {
    for (const th of table.tHead.querySelectorAll("th[data-sort]")) {
      if (th.dataset.sort === q.sort) th.setAttribute("aria-sort", q.desc ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    }
  }

  async function load() {
    const current = answers();
    clearError();
    const params = new URLSearchParams({sort: q.sort, desc: String(q.desc),
                                        offset: String(q.offset), limit: String(LIMIT),
                                        texts: "true"});
    if (q.polres) params.set("polres", q.polres);
    if (q.polsek) params.set("polsek", q.polsek);
    if (q.q) params.set("q", q.q);
    table.setAttribute("aria-busy", "true");
    if (!first) pg.ready(false);
    try {
      const data = await pg.api(`/plans/${q.plan}/plotting?${params}`);
      if (!current()) return;
      render(data);
    } catch (e) {
      if (!current()) return;
      showError(e);
      body.replaceChildren(el("tr", {}, el("td", {colspan: 15, class: "muted"}, "—")));
    } finally {
      if (current()) {
        table.removeAttribute("aria-busy");
        if (!first) pg.ready(true);
      }
    }
  }

  function tpsCell(ids) {
    if (!ids.length) return el("td", {}, "—");
    const map = pg.can("tps:read");
    const link = (id) => map ?
      el("a", {href: `/map#tps=${id}`, title: t("plot.open_map")}, id) : el("span", {}, id);
    const SHOW = 3;
    return el("td", {"data-tps": ids.join(" ")},
      el("div", {class: "tps-ids"}, ids.slice(0, SHOW).map(link)),
      ids.length > SHOW ? el("details", {class: "tps-more"},
        el("summary", {}, t("plot.more", {n: ids.length - SHOW})),
        el("div", {class: "tps-ids"}, ids.slice(SHOW).map(link))) : null);
  }

  function render(data) {
    total = data.total;
    totalEl.textContent = fmt(total);
    totalEl.dataset.total = String(total);
    markSort();
    if (!data.rows.length) {
      body.replaceChildren(el("tr", {}, el("td", {colspan: 15, class: "muted"},
        q.q ? t("plot.none_found", {q: q.q}) : t("plot.none"))));
    } else {
      body.replaceChildren(...data.rows.map((r) => el("tr", {"data-nrp": r.nrp,
        "data-role": r.role, "data-target": r.target_id},
        el("td", {class: "mono"}, r.nrp),
        el("td", {}, r.name),
        el("td", {}, r.message ? copyButton(t("plot.copy_wa"), () => r.message,
                                            {"data-copy": "wa"}) : "—"),
        el("td", {}, r.rank),
        el("td", {}, r.unit),
        el("td", {class: "mono"}, r.phone ? el("a", {href: `tel:${r.phone}`}, r.phone) : "—"),
        el("td", {}, t(`role.${r.role}`)),
        el("td", {}, r.position || "—"),
        el("td", {}, el("div", {class: "mono"}, r.target_id),
          r.target && r.target !== r.target_id ? el("div", {class: "note"}, r.target) : null),
        el("td", {}, r.kecamatan || "—"),
        el("td", {}, r.cls ? pg.chip(r.cls) : "—"),
        tpsCell(r.tps),
        el("td", {class: "num"}, r.pair),
        pg.td(r.travel_km, {num: true, digits: 1}),
        el("td", {}, r.bko_to ? names[r.bko_to] || r.bko_to : ""))));
    }
    const from = total ? q.offset + 1 : 0;
    const to = Math.min(q.offset + LIMIT, total);
    $("plotting-range").textContent = t("common.range", {from: fmt(from), to: fmt(to),
                                                         total: fmt(total)});
    prev.disabled = q.offset === 0;
    next.disabled = q.offset + LIMIT >= total;
  }

  // --- copying a text for WhatsApp: pg.copyOnClick (the clipboard, else a selected text) --
  function copyButton(label, text, attrs = {}) {
    return pg.copyOnClick(el("button", {type: "button", class: "small secondary copy", ...attrs},
                                label), text);
  }

  // The rolls of the chosen Polres (or the chosen Polsek's; the account's own when it has
  // one), each to copy.
  const rollAnswers = pg.latest();
  async function loadRolls() {
    const current = rollAnswers();
    const list = $("rolls");
    const polsek = polsekAll.find((p) => p.code === q.polsek);
    const polres = q.polres || (polsek ? polsek.polres : "");
    const params = polres ? `?${new URLSearchParams({polres})}` : "";
    try {
      const rolls = await pg.api(`/plans/${q.plan}/rolls${params}`);
      if (!current()) return;
      $("rolls-note").textContent = rolls.length ? t("plot.rolls_help") : t("plot.rolls_pick");
      list.replaceChildren(...rolls.map((r) => el("li", {"data-roll": r.kind, "data-key": r.key,
        class: r.key === q.polsek ? "selected" : undefined},
        el("span", {class: "note"}, t(`plot.roll.${r.kind}`)),
        el("span", {class: "roll-title"}, r.title),
        copyButton(t("plot.copy_roll"), () => r.text, {"data-copy": "roll"}),
        el("details", {}, el("summary", {}, t("plot.roll_show")), el("pre", {}, r.text)))));
    } catch (e) {
      if (!current()) return;
      list.replaceChildren(el("li", {class: "error"}, String(e.message || e)));
    }
  }
  async function loadDownloads() {
    const list = $("downloads");
    try {
      const docs = await pg.api(`/plans/${q.plan}/exports`);
      const kindLabel = (k) => t(`plot.doc.${k}`);
      list.replaceChildren(...(docs.length ? docs.map((d) => el("li", {},
        el("a", {href: d.url, "data-kind": d.kind, "data-owner": d.owner ?? "", download: d.name,
                 title: d.name},
          `${kindLabel(d.kind)} · ${d.owner ? names[d.owner] || d.owner :
            d.kind === "summary" ? t("plot.whole_polda") : t("ws.pool")}`))) :
        [el("li", {class: "muted"}, t("plot.no_docs"))]));
    } catch (e) {
      list.replaceChildren(el("li", {class: "error"}, String(e.message || e)));
    }
  }

  function restart() { q.offset = 0; load(); }

  async function init() {
    const [regions, plans] = await Promise.all([
      pg.api("/regions"), pg.can("plan:read") ? pg.api("/plans") : null]);
    for (const p of regions.polres) names[p.code] = p.name;
    for (const p of regions.polsek) names[p.code] = p.name;
    names.pool = t("ws.pool");
    polsekAll = regions.polsek;
    selPolres.append(...regions.polres.map((p) => el("option", {value: p.code}, p.name)));
    fillPolsek();
    const psu = (plans && plans.psu) || [];
    if (plans && (plans.plans.length || psu.length)) {
      planSelect.replaceChildren(...plans.plans.map((p) => el("option", {value: p.id},
        `#${p.id} · ${p.id === plans.current ? t("ws.status.current") :
          t(`ws.status.${p.status}`)} · ${pg.date(p.created_at)}`)),
        psu.length ? el("optgroup", {label: t("plot.psu_plans")}, psu.map((p) =>
          el("option", {value: p.id}, `#${p.id} · PSU ${p.psu_date || ""}`))) : null);
      const asked = Number(new URLSearchParams(location.search).get("plan"));
      const known = [...plans.plans, ...psu].some((p) => p.id === asked);
      q.plan = known ? asked : (plans.current ?? (plans.plans[0] || psu[0]).id);
      planSelect.value = String(q.plan);
    } else {
      const m = await pg.api("/map/tps");
      q.plan = m.plan_id;
      planSelect.closest("label").hidden = true;
    }
    if (q.plan === null) {
      body.replaceChildren(el("tr", {}, el("td", {colspan: 15, class: "muted"}, t("ws.no_plans"))));
      $("downloads").replaceChildren();
      $("rolls-section").hidden = true;
      pg.ready(true);
      return;
    }

    planSelect.addEventListener("change", () => {
      q.plan = Number(planSelect.value);
      restart();
      loadDownloads();
      loadRolls();
    });
    selPolres.addEventListener("change", () => {
      q.polres = selPolres.value;
      fillPolsek();
      restart();
      loadRolls();
    });
    selPolsek.addEventListener("change", () => {
      q.polsek = selPolsek.value;
      restart();
      if (!q.polres) loadRolls();
      for (const li of $("rolls").children) {
        li.classList.toggle("selected", !!q.polsek && li.dataset.key === q.polsek);
      }
    });
    const searchNow = pg.debounce(() => {
      const v = search.value.trim();
      if (v === q.q) return;
      q.q = v;
      restart();
    }, 300);
    search.addEventListener("input", searchNow);
    search.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); searchNow(); } });
    for (const th of table.tHead.querySelectorAll("th[data-sort]")) {
      th.tabIndex = 0;
      const sortBy = () => {
        if (q.sort === th.dataset.sort) q.desc = !q.desc;
        else { q.sort = th.dataset.sort; q.desc = false; }
        restart();
      };
      th.addEventListener("click", sortBy);
      th.addEventListener("keydown", (e) => { if (e.key === "Enter") sortBy(); });
    }
    prev.addEventListener("click", () => { q.offset = Math.max(0, q.offset - LIMIT); load(); });
    next.addEventListener("click", () => {
      if (q.offset + LIMIT < total) { q.offset += LIMIT; load(); }
    });

    await Promise.all([load(), loadDownloads(), loadRolls()]);
    first = false;
    pg.ready(true);
  }

  pg.start(init, {errorBox});
})();
