// The planning workspace: plan versions, force balance per Polres, a draft re-plan with the
// planner's changes (N, reserve share, TPS classes, the guard of single TPS), its shortfalls
// and minimum-change diff (who moves, by name, from where to where and why), acceptance after
// a confirmation, the Sprin amendment between two versions; and re-vote (PSU) plans. The
// server checks every value the planner types: the page sends what was typed and shows the
// server's reason.
"use strict";
(() => {
  const {el, t, fmt} = pg;
  const $ = (id) => document.getElementById(id);
  const errorBox = $("workspace-error");
  const infoBox = $("workspace-info");
  const planSelect = $("plan-select");
  const balanceBody = $("balance").tBodies[0];
  const listBody = $("plan-list").tBodies[0];
  const draftBox = $("draft");
  const movesBody = $("moves").tBodies[0];
  const acceptBtn = $("accept");
  const replanBtn = $("replan");
  const shareInput = $("reserve-share");

  const state = {me: null, canWrite: false, polda: false, list: null, selected: null,
                 balance: null, shownDraft: null, shownMoved: 0, pending: new Map(), busy: false,
                 guards: new Map(), guardPick: null, psuTps: new Map()};

  function clearMessages() {
    errorBox.hidden = true;
    errorBox.textContent = "";
    infoBox.hidden = true;
    infoBox.textContent = "";
  }
  const showError = (e) => pg.showError(errorBox, e);
  function info(text) { infoBox.hidden = false; infoBox.textContent = text; }

  // --- plan versions -----------------------------------------------------------------
  function statusBadge(p) {
    if (state.list && p.id === state.list.current) {
      return el("span", {class: "badge current"}, t("ws.status.current"));
    }
    return el("span", {class: "badge " + p.status}, t(`ws.status.${p.status}`));
  }

  async function loadPlans(select) {
    pg.ready(false);
    state.list = await pg.api("/plans");
    const {current, plans} = state.list;
    planSelect.replaceChildren(...plans.map((p) => el("option", {value: p.id},
      `#${p.id} · ${p.id === current ? t("ws.status.current") : t(`ws.status.${p.status}`)}` +
      ` · ${pg.date(p.created_at)}`)));
    listBody.replaceChildren(...plans.map((p) => el("tr", {
      "data-plan-id": p.id, "data-status": p.status, class: "clickable", tabindex: 0,
      onclick: () => choose(p.id),
      onkeydown: (e) => { if (e.key === "Enter") choose(p.id); }},
      el("td", {class: "num"}, `#${p.id}`),
      el("td", {}, pg.date(p.created_at)),
      el("td", {}, statusBadge(p)),
      el("td", {title: p.author}, p.author_label),
      el("td", {class: "num"}, p.parent_id ? `#${p.parent_id}` : "—"),
      el("td", {}, p.note || ""),
      pg.td(p.posts, {num: true}),
      pg.td(p.uncovered_tps, {num: true, cls: p.uncovered_tps > 0 ? "warn" : ""}),
      pg.td(p.travel_km_total, {num: true, digits: 1}))));
    if (!plans.length) {
      listBody.replaceChildren(el("tr", {}, el("td", {colspan: 9, class: "muted"},
        t("ws.no_plans"))));
      balanceBody.replaceChildren(el("tr", {}, el("td", {colspan: 13, class: "muted"},
        t("ws.no_plans"))));
      pg.ready(true);
      return;
    }
    renderPsuList(state.list.psu || []);
    renderAmendmentPick(plans, current);
    const wanted = plans.some((p) => p.id === select) ? select : (current ?? plans[0].id);
    await selectPlan(wanted);
  }

  function renderPsuList(list) {
    $("psu-plans").hidden = !list.length;
    const plotting = pg.can("personnel:read");
    $("psu-list").tBodies[0].replaceChildren(...list.map((p) => el("tr", {"data-plan-id": p.id},
      el("td", {class: "num"}, `#${p.id}`),
      el("td", {}, p.psu_date || "—"),
      el("td", {}, pg.date(p.created_at)),
      el("td", {title: p.author}, p.author_label),
      el("td", {}, p.note || ""),
      pg.td(p.posts, {num: true}),
      pg.td(p.officers_at_tps, {num: true}),
      el("td", {}, plotting ? el("a", {href: `/plotting?plan=${p.id}`}, t("ws.psu_plotting")) :
        ""))));
  }

  // --- the Sprin amendment between two versions (DOCX and PDF) --------------------------
  function amendmentUrl(before, after, ext) {
    return `/api/v1/plans/${after}/amendment/${before}.${ext}`;
  }

  function linkAmendment(docx, pdf, before, after) {
    for (const [a, ext] of [[docx, "docx"], [pdf, "pdf"]]) {
      a.href = amendmentUrl(before, after, ext);
      a.setAttribute("download", `sprin_perubahan_${before}_${after}.${ext}`);
    }
  }

  function renderAmendmentPick(plans, current) {
    const box = $("amendment-pick");
    box.hidden = !(pg.can("personnel:read") && plans.length >= 2);
    if (box.hidden) return;
    const before = $("amendment-before");
    const after = $("amendment-after");
    const options = () => plans.map((p) => el("option", {value: p.id},
      `#${p.id} · ${p.id === current ? t("ws.status.current") : t(`ws.status.${p.status}`)}`));
    before.replaceChildren(...options());
    after.replaceChildren(...options());
    const newest = plans[0].id;
    before.value = String(current ?? plans[1].id);
    after.value = String(newest !== Number(before.value) ? newest : plans[1].id);
    const update = () => linkAmendment($("amendment-pick-docx"), $("amendment-pick-pdf"),
                                       before.value, after.value);
    before.onchange = update;
    after.onchange = update;
    update();
  }

  async function choose(id) {
    if (state.busy) return;
    clearMessages();
    try { await selectPlan(id); } catch (e) { showError(e); pg.ready(true); }
  }

  function planInfo(id) { return state.list.plans.find((p) => p.id === id); }

  async function selectPlan(id) {
    pg.ready(false);
    state.selected = id;
    planSelect.value = String(id);
    for (const tr of listBody.rows) {
      tr.classList.toggle("selected", Number(tr.dataset.planId) === id);
    }
    const p = planInfo(id);
    $("plan-status").replaceChildren(p ? statusBadge(p) : "");
    const balance = await pg.api(`/plans/${id}/balance`);
    state.balance = balance;
    renderBalance(balance);
    if (p && p.status === "draft") {
      const changes = await pg.api(`/plans/${id}/changes`);
      const parent = p.parent_id ? planInfo(p.parent_id) : null;
      showDraft({id, base: p.parent_id, posts: p.posts, uncovered: p.uncovered_tps,
                 travel: p.travel_km_total, eta: balance.reserve_eta_p95_min,
                 etaBefore: parent ? parent.reserve_eta_p95_min : null, moved: changes.moved,
                 moves: changes.moves, shortfalls: balance.shortfalls, guards: balance.guards});
    } else {
      hideDraft();
    }
    pg.ready(true);
  }

  // --- force balance -----------------------------------------------------------------
  function renderBalance(b) {
    const edit = state.canWrite;
    for (const x of document.querySelectorAll(".edit-only")) x.hidden = !edit;
    $("balance-caption").textContent = t("ws.balance_caption", {
      share: fmt(b.reserve_share * 100, 0), min: b.min_n, max: b.max_n});
    const sum = {tps: 0, posts: 0, available: 0, duties: 0, at_tps: 0, reserve: 0, bko_in: 0,
                 lent: 0, shortage: 0, uncovered: 0};
    const rows = b.rows.map((r) => {
      for (const k of Object.keys(sum)) sum[k] += r[k];
      const pool = r.code === "pool";
      const nText = r.n === null ? "—" :
        r.n_range.length === 2 && r.n_range[0] !== r.n_range[1] ?
          `${r.n} (${r.n_range[0]}–${r.n_range[1]})` : String(r.n);
      const cells = [
        el("td", {}, pool ? `${r.name} (${t("ws.pool")})` : r.name),
        pg.td(r.tps, {num: true}), pg.td(r.posts, {num: true}), pg.td(r.available, {num: true}),
        pg.td(r.duties, {num: true}), pg.td(r.at_tps, {num: true}),
        pg.td(r.reserve, {num: true}), pg.td(r.bko_in, {num: true}), pg.td(r.lent, {num: true}),
        pg.td(r.shortage, {num: true, cls: r.shortage > 0 ? "warn" : ""}),
        pg.td(r.uncovered, {num: true, cls: r.uncovered > 0 ? "warn" : ""}),
        el("td", {class: "num", "data-n": r.n ?? ""}, nText)];
      if (edit) {
        const input = el("input", {type: "number", class: "n-input", min: b.min_n,
          max: b.max_n, step: 1, value: pool || r.n === null ? undefined : r.n,
          disabled: pool, "data-polres": r.code, "data-original": r.n ?? "",
          "aria-label": `${t("ws.col.new_n")} ${r.name}`});
        input.addEventListener("input", () => {
          input.classList.toggle("changed", input.value !== input.dataset.original);
          summarise();
        });
        cells.push(el("td", {class: "num"}, input));
      }
      return el("tr", {"data-polres": r.code}, cells);
    });
    rows.push(el("tr", {class: "total"},
      el("td", {}, t("ws.total")),
      ...Object.keys(sum).map((k) => pg.td(sum[k], {num: true})),
      el("td", {}), edit ? el("td", {}) : null));
    balanceBody.replaceChildren(...rows);
    if (edit) {
      shareInput.value = String(b.reserve_share);
      shareInput.dataset.original = String(b.reserve_share);
      shareInput.classList.remove("changed");
      shareInput.disabled = !state.polda;
      $("reserve-share-note").textContent = state.polda ? t("ws.reserve_share_help") :
        t("ws.reserve_share_polda_only");
    }
    summarise();
  }

  // --- the planner's changes ---------------------------------------------------------
  function changedN() {
    const out = {};
    for (const input of balanceBody.querySelectorAll("input.n-input:not(:disabled)")) {
      if (input.value !== "" && input.value !== input.dataset.original) {
        out[input.dataset.polres] = Number(input.value);
      }
    }
    return out;
  }

  function changedShare() {
    if (!state.polda || shareInput.disabled || shareInput.value === "") return null;
    const v = Number(shareInput.value);
    return Math.abs(v - Number(shareInput.dataset.original)) > 1e-9 ? v : null;
  }

  function summarise() {
    if (!state.canWrite) return;
    const n = Object.keys(changedN()).length;
    const share = changedShare() !== null ? t("ws.share_changed") : t("ws.share_same");
    $("replan-summary").textContent = t("ws.pending", {n, share, classes: state.pending.size,
                                                       guards: state.guards.size});
  }

  shareInput.addEventListener("input", () => {
    shareInput.classList.toggle("changed", changedShare() !== null);
    summarise();
  });

  function renderPending() {
    $("class-changes").replaceChildren(...[...state.pending].map(([id, c]) =>
      el("li", {"data-tps": id, "data-cls": c.cls},
        el("span", {class: "mono"}, id), c.desa ? el("span", {class: "note"}, c.desa) : null,
        c.before ? pg.chip(c.before) : null, "→", pg.chip(c.cls),
        el("button", {type: "button", class: "small secondary", title: t("common.remove"),
          "aria-label": t("common.remove"),
          onclick: () => { state.pending.delete(id); renderPending(); }}, "×"))));
    summarise();
  }

  async function addClassChange() {
    clearMessages();
    const input = $("class-tps");
    const id = input.value.trim();
    const cls = $("class-value").value;
    if (!/^\d{6,20}$/.test(id)) { showError(t("ws.bad_tps_id")); return; }
    const btn = $("class-add");
    btn.disabled = true;
    try {
      const d = await pg.api(`/tps/${encodeURIComponent(id)}`);
      state.pending.set(id, {cls, before: d.cls, desa: `${d.desa}, ${d.kecamatan}`});
      input.value = "";
      renderPending();
    } catch (e) {
      showError(e);
    } finally {
      btn.disabled = false;
    }
  }

  $("class-add").addEventListener("click", addClassChange);
  $("class-tps").addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); addClassChange(); }
  });

  // --- picking a TPS by name or number (the server searches the TPS the account sees) -----
  function tpsPicker(input, results, onPick) {
    const answers = pg.latest();
    let shown = [];
    const pick = (c) => { results.replaceChildren(); shown = []; input.value = ""; onPick(c); };
    const search = pg.debounce(async () => {
      const q = input.value.trim();
      const current = answers();
      const plan = state.selected ?? (state.list && state.list.current);
      if (!q || plan === null || plan === undefined) {
        shown = [];
        results.replaceChildren();
        return;
      }
      try {
        const found = await pg.api(`/plans/${plan}/tps?q=${encodeURIComponent(q)}&limit=12`);
        if (!current()) return;
        shown = found;
        results.replaceChildren(...(found.length ? found.map((c) => el("li", {},
          el("button", {type: "button", class: "small secondary tps-choice", "data-tps": c.id,
                        onclick: () => pick(c)},
            el("b", {}, c.label), " ", el("span", {class: "note mono"}, c.id),
            " ", c.cls ? pg.chip(c.cls) : null,
            c.pattern ? el("span", {class: "note"}, ` ${c.pattern}`) : null))) :
          [el("li", {class: "muted"}, t("ws.tps_none_found", {q}))]));
      } catch (e) {
        if (current()) showError(e);
      }
    }, 250);
    input.addEventListener("input", search);
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        if (shown.length) pick(shown[0]);
      }
    });
  }

  // A typed number as it stands (the server says whether it will do); empty: null.
  function typed(input) {
    const v = input.value.trim();
    return v === "" ? null : Number(v);
  }

  // --- the guard of a single TPS: officers and equipment, a post of its own --------------
  const equipmentBox = $("guard-equipment");

  function addEquipmentRow(name = "", count = "") {
    const row = el("div", {class: "row equipment-row"},
      el("input", {type: "text", class: "eq-name", maxlength: 60, value: name,
                   placeholder: "CCTV", "aria-label": t("ws.equipment_name")}),
      el("input", {type: "number", class: "eq-count", inputmode: "numeric", value: count,
                   placeholder: "1", "aria-label": t("ws.equipment_count")}),
      el("button", {type: "button", class: "small secondary", title: t("common.remove"),
                    "aria-label": t("common.remove"), onclick: () => row.remove()}, "×"));
    equipmentBox.append(row);
    return row;
  }

  function typedEquipment() {
    const out = {};
    for (const row of equipmentBox.querySelectorAll(".equipment-row")) {
      const name = row.querySelector(".eq-name").value.trim();
      const count = typed(row.querySelector(".eq-count"));
      if (name === "" && count === null) continue;
      out[name] = count;
    }
    return out;
  }

  function equipmentText(eq) {
    const items = Object.entries(eq || {});
    return items.length ? items.map(([k, v]) => `${k} ${v}`).join(", ") : "—";
  }

  function chooseGuardTps(c) {
    state.guardPick = c;
    $("guard-chosen").replaceChildren(el("b", {"data-tps": c.id}, c.label),
      " · ", el("span", {class: "mono"}, c.id),
      c.pattern ? ` · ${t("ws.guard_now", {pattern: c.pattern, n: c.officers})}` : "");
    $("guard-officers").focus();
  }

  function renderGuards() {
    $("guard-changes").replaceChildren(...[...state.guards].map(([id, g]) =>
      el("li", {"data-tps": id, "data-officers": g.officers ?? ""},
        el("b", {}, g.label), el("span", {class: "mono note"}, id), "→",
        el("span", {}, t("ws.guard_officers_n", {n: g.officers ?? "?"})),
        el("span", {class: "note"}, equipmentText(g.equipment)),
        el("button", {type: "button", class: "small secondary", title: t("common.remove"),
          "aria-label": t("common.remove"),
          onclick: () => { state.guards.delete(id); renderGuards(); }}, "×"))));
    summarise();
  }

  $("guard-equipment-add").addEventListener("click", () => {
    addEquipmentRow().querySelector(".eq-name").focus();
  });
  $("guard-add").addEventListener("click", () => {
    clearMessages();
    const c = state.guardPick;
    if (!c) { showError(t("ws.guard_pick_first")); return; }
    state.guards.set(c.id, {label: c.label, officers: typed($("guard-officers")),
                            equipment: typedEquipment()});
    state.guardPick = null;
    $("guard-chosen").textContent = t("ws.guard_none_chosen");
    equipmentBox.replaceChildren();
    renderGuards();
  });

  function validate(n, share) {
    const b = state.balance;
    for (const [code, v] of Object.entries(n)) {
      if (!Number.isInteger(v) || v < b.min_n || v > b.max_n) {
        const row = b.rows.find((r) => r.code === code);
        return t("ws.bad_n", {name: row ? row.name : code, min: b.min_n, max: b.max_n});
      }
    }
    if (share !== null && !(share >= 0 && share <= 0.9)) return t("ws.bad_share");
    return null;
  }

  function setBusy(on) {
    state.busy = on;
    document.body.dataset.busy = on ? "1" : "0";
    replanBtn.disabled = on;
    acceptBtn.disabled = on;
    $("psu-create").disabled = on;
    planSelect.disabled = on;
    replanBtn.setAttribute("aria-busy", on ? "true" : "false");
  }

  async function replan() {
    clearMessages();
    const base = state.selected;
    const n = changedN();
    const share = changedShare();
    const problem = validate(n, share);
    if (problem) { showError(problem); return; }
    const body = {n_by_polres: n, classes: Object.fromEntries(
      [...state.pending].map(([id, c]) => [id, c.cls])), note: $("replan-note").value.trim(),
      guards: Object.fromEntries([...state.guards].map(([id, g]) =>
        [id, {officers: g.officers, equipment: g.equipment}])),
      keep_staging: $("keep-staging").checked};
    if (share !== null) body.reserve_share = share;
    setBusy(true);
    pg.ready(false);
    hideDraft();
    const started = Date.now();
    const label = replanBtn.textContent;
    const tick = () => {
      replanBtn.replaceChildren(el("span", {class: "spinner"}),
        t("ws.replanning", {s: Math.round((Date.now() - started) / 1000)}));
    };
    tick();
    const timer = setInterval(tick, 500);
    try {
      const r = await pg.api(`/plans/${base}/drafts`, {method: "POST", body});
      clearInterval(timer);
      replanBtn.textContent = label;
      state.pending.clear();
      renderPending();
      state.guards.clear();
      renderGuards();
      $("replan-note").value = "";
      $("keep-staging").checked = false;
      await loadPlans(base);
      showDraft({id: r.plan_id, base: r.base_id, posts: r.posts, uncovered: r.uncovered_tps,
                 travel: r.travel_km_total, eta: r.reserve_eta_p95_min,
                 etaBefore: r.reserve_eta_p95_min_before, restaged: r.restaged, moved: r.moved,
                 moves: r.moves, shortfalls: r.shortfalls, guards: r.guards});
      for (const tr of listBody.rows) {
        tr.classList.toggle("draft-new", Number(tr.dataset.planId) === r.plan_id);
      }
      draftBox.scrollIntoView({behavior: "smooth", block: "start"});
    } catch (e) {
      showError(e);
    } finally {
      clearInterval(timer);
      replanBtn.textContent = label;
      setBusy(false);
      pg.ready(true);
    }
  }
  replanBtn.addEventListener("click", replan);

  // --- a draft: metrics, who moves, acceptance ---------------------------------------
  function metric(value, label, key) {
    return el("div", {class: "metric", "data-metric": key}, el("b", {}, value), el("span", {}, label));
  }

  // Minutes, or "n/a" where the plan has no rawan or sangat rawan TPS to reach.
  const minutes = (v) => (v === null || v === undefined ? t("ws.na") : fmt(v, 1));

  function renderGuardPosts(tbody, list) {
    tbody.replaceChildren(...(list.length ? list.map((g) => {
      const alone = g.post_tps.length === 1 && g.post_tps[0] === g.tps_id;
      return el("tr", {"data-tps": g.tps_id, "data-post": g.post_id ?? "",
                       "data-officers": g.officers ?? "", "data-alone": alone ? "1" : "0"},
        el("td", {}, el("div", {}, g.tps), el("div", {class: "mono note"}, g.tps_id)),
        el("td", {}, g.kecamatan),
        pg.td(g.asked_officers, {num: true}),
        g.post_id ? el("td", {}, el("div", {class: "mono"}, g.post_id),
          el("div", {class: "note"}, alone ? t("ws.post_alone") :
            t("ws.post_shared", {n: g.post_tps.length}))) :
          el("td", {class: "warn"}, t("ws.no_post")),
        pg.td(g.officers, {num: true,
          cls: g.officers !== null && g.officers !== g.asked_officers ? "warn" : ""}),
        pg.td(g.plotted, {num: true, cls: g.officers !== null && g.plotted < g.officers ?
          "warn" : ""}),
        el("td", {}, equipmentText(g.equipment)));
    }) : [el("tr", {}, el("td", {colspan: 7, class: "muted"}, t("ws.no_guards")))]));
  }

  function renderShortfalls(tbody, list) {
    tbody.replaceChildren(...(list.length ? list.map((x) => el("tr",
      {"data-what": x.what, "data-owner": x.owner},
      el("td", {class: "num"}, x.order), el("td", {}, x.owner_name), el("td", {}, x.text),
      pg.td(x.officers, {num: true}), pg.td(x.bko, {num: true}))) :
      [el("tr", {}, el("td", {colspan: 5, class: "muted"}, t("ws.no_shortfalls")))]));
  }

  function showDraft(d) {
    state.shownDraft = d.id;
    draftBox.hidden = false;
    draftBox.dataset.draftId = String(d.id);
    $("draft-title").textContent = d.base ?
      t("ws.draft_title", {id: d.id, base: d.base}) : t("ws.draft_title_root", {id: d.id});
    const base = d.base ? planInfo(d.base) : null;
    const delta = (now, before, digits = 0) => {
      if (!base || before === undefined) return fmt(now, digits);
      const diff = now - before;
      if (Math.abs(diff) < 10 ** -digits / 2) return fmt(now, digits);
      return `${fmt(now, digits)} (${diff > 0 ? "+" : "−"}${fmt(Math.abs(diff), digits)})`;
    };
    $("draft-metrics").replaceChildren(
      metric(delta(d.posts, base?.posts), t("ws.m.posts"), "posts"),
      metric(delta(d.uncovered, base?.uncovered_tps), t("ws.m.uncovered"), "uncovered"),
      metric(delta(d.travel, base?.travel_km_total, 1), t("ws.m.travel"), "travel"),
      metric(`${minutes(d.etaBefore)} → ${minutes(d.eta)}`, t("ws.m.eta"), "eta"),
      metric(fmt(d.moved), t("ws.m.moved"), "moved"));
    $("draft-staging").textContent = d.restaged === true ? t("ws.restaged") :
      d.restaged === false ? t("ws.staging_kept") : "";
    renderGuardPosts($("guard-posts").tBodies[0], d.guards || []);
    renderShortfalls($("shortfalls").tBodies[0], d.shortfalls || []);
    // who moves: rank, name and NRP (for an account that may read them), from and to in
    // words (post with its TPS and desa, a team's call sign, "tidak ditugaskan"), and why
    movesBody.replaceChildren(...(d.moves.length ? d.moves.map((m) => el("tr",
      {"data-nrp": m.nrp ?? ""},
      el("td", {"data-label": t("ws.col.officer")},
        m.name ? el("div", {class: "who"}, `${m.rank || ""} ${m.name}`.trim()) : null,
        m.nrp ? el("div", {class: "nrp mono"}, `NRP ${m.nrp}`) : null, m.name ? null : "—"),
      el("td", {"data-target": m.before, "data-label": t("ws.col.before")},
        m.before_text || m.before || "—"),
      el("td", {"data-target": m.after, "data-label": t("ws.col.after")},
        m.after_text || m.after || "—"),
      el("td", {"data-label": t("ws.col.reason")}, m.reason))) :
      [el("tr", {}, el("td", {colspan: 4, class: "muted"}, t("ws.no_moves")))]));
    state.shownMoved = d.moved;
    const p = planInfo(d.id);
    const isDraft = !p || p.status === "draft";
    acceptBtn.hidden = !(state.canWrite && isDraft);
    $("accept-note").textContent = state.canWrite && isDraft ? t("ws.accept_help") : "";
    const inForce = state.list ? state.list.current : null;
    const amend = $("amendment");
    amend.hidden = !(pg.can("personnel:read") && inForce !== null && inForce !== d.id);
    if (!amend.hidden) linkAmendment($("amendment-docx"), $("amendment-pdf"), inForce, d.id);
  }

  function hideDraft() {
    state.shownDraft = null;
    state.shownMoved = 0;
    $("amendment").hidden = true;
    draftBox.hidden = true;
    delete draftBox.dataset.draftId;
    acceptBtn.hidden = true;
  }

  acceptBtn.addEventListener("click", async () => {
    const id = state.shownDraft;
    if (id === null || state.busy) return;
    // accepting replaces the plan in force for every officer who moves: ask first
    if (!window.confirm(t("ws.accept_confirm", {id, n: fmt(state.shownMoved)}))) return;
    clearMessages();
    setBusy(true);
    pg.ready(false);
    try {
      const r = await pg.api(`/plans/${id}/accept`, {method: "POST"});
      hideDraft();
      await loadPlans(null);
      info(t("ws.accepted", {id: r.plan_id}));
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
      pg.ready(true);
    }
  });

  // --- a re-vote (PSU): a plan of its own beside the plan in force ----------------------
  const psuError = $("psu-error");

  function renderPsuTps() {
    $("psu-tps").replaceChildren(...[...state.psuTps].map(([id, label]) =>
      el("li", {"data-tps": id}, el("b", {}, label), el("span", {class: "mono note"}, id),
        el("button", {type: "button", class: "small secondary", title: t("common.remove"),
          "aria-label": t("common.remove"),
          onclick: () => { state.psuTps.delete(id); renderPsuTps(); }}, "×"))));
  }

  function showPsu(r) {
    $("psu-result").hidden = false;
    $("psu-result").dataset.planId = String(r.plan_id);
    $("psu-title").textContent = t("ws.psu_title", {id: r.plan_id, date: r.psu_date});
    $("psu-metrics").replaceChildren(
      metric(fmt(r.posts), t("ws.m.posts"), "posts"),
      metric(fmt(r.officers_at_tps), t("ws.m.at_tps"), "at_tps"),
      metric(fmt(r.officers_on_duties), t("ws.m.duties"), "duties"),
      metric(fmt(r.officers_in_reserve), t("ws.m.reserve"), "reserve"),
      metric(fmt(r.bko), t("ws.m.bko"), "bko"),
      metric(minutes(r.reserve_eta_p95_min), t("ws.m.eta"), "eta"));
    renderGuardPosts($("psu-posts").tBodies[0], r.tps);
    renderShortfalls($("psu-shortfalls").tBodies[0], r.shortfalls);
  }

  $("psu-create").addEventListener("click", async () => {
    if (state.busy) return;
    clearMessages();
    psuError.hidden = true;
    const body = {tps_ids: [...state.psuTps.keys()], date: $("psu-date").value || null,
                  officers_per_tps: typed($("psu-officers")),
                  from_units: $("psu-units").value.split(",").map((u) => u.trim())
                    .filter((u) => u !== ""),
                  note: $("psu-note").value.trim()};
    const escort = typed($("psu-escort"));
    if (escort !== null) body.escort = escort;
    const btn = $("psu-create");
    const label = btn.textContent;
    setBusy(true);
    pg.ready(false);
    btn.replaceChildren(el("span", {class: "spinner"}), t("ws.psu_planning"));
    try {
      const r = await pg.api("/psu", {method: "POST", body});
      state.psuTps.clear();
      renderPsuTps();
      $("psu-note").value = "";
      showPsu(r);
      await loadPlans(state.selected);
      $("psu-result").scrollIntoView({behavior: "smooth", block: "start"});
    } catch (e) {
      pg.showError(psuError, e);
    } finally {
      btn.textContent = label;
      setBusy(false);
      pg.ready(true);
    }
  });

  planSelect.addEventListener("change", () => choose(Number(planSelect.value)));

  async function init(me) {
    state.me = me;
    state.canWrite = pg.can("plan:write");
    state.polda = state.me.unit_code === null;
    if (state.canWrite) {
      tpsPicker($("guard-q"), $("guard-results"), chooseGuardTps);
      tpsPicker($("psu-q"), $("psu-results"), (c) => {
        state.psuTps.set(c.id, c.label);
        renderPsuTps();
      });
      if (pg.can("tps:read")) {
        pg.api("/regions").then((r) => $("psu-unit-names").replaceChildren(
          ...r.polres.map((u) => el("option", {value: u.name})))).catch(() => null);
      }
    }
    await loadPlans(null);
  }

  pg.start(init, {errorBox});
})();
