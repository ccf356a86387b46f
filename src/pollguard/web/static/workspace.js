// The planning workspace: plan versions, force balance per Polres, a draft re-plan with the
// planner's changes (N, reserve share, TPS classes), its minimum-change diff, acceptance.
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
                 balance: null, shownDraft: null, pending: new Map(), busy: false};

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
      el("td", {}, p.author),
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
    const wanted = plans.some((p) => p.id === select) ? select : (current ?? plans[0].id);
    await selectPlan(wanted);
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
      showDraft({id, base: p.parent_id, posts: p.posts, uncovered: p.uncovered_tps,
                 travel: p.travel_km_total, eta: p.reserve_eta_p95_min, moved: changes.moved,
                 moves: changes.moves});
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
    $("replan-summary").textContent = t("ws.pending", {n, share, classes: state.pending.size});
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
      [...state.pending].map(([id, c]) => [id, c.cls])), note: $("replan-note").value.trim()};
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
      $("replan-note").value = "";
      await loadPlans(base);
      showDraft({id: r.plan_id, base: r.base_id, posts: r.posts, uncovered: r.uncovered_tps,
                 travel: r.travel_km_total, eta: r.reserve_eta_p95_min, moved: r.moved,
                 moves: r.moves});
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
      metric(delta(d.eta, base?.reserve_eta_p95_min, 1), t("ws.m.eta"), "eta"),
      metric(fmt(d.moved), t("ws.m.moved"), "moved"));
    movesBody.replaceChildren(...(d.moves.length ? d.moves.map((m) => el("tr",
      {"data-nrp": m.nrp ?? ""},
      el("td", {class: "mono"}, m.nrp ?? "—"), el("td", {}, m.before), el("td", {}, m.after),
      el("td", {}, m.reason))) :
      [el("tr", {}, el("td", {colspan: 4, class: "muted"}, t("ws.no_moves")))]));
    const p = planInfo(d.id);
    const isDraft = !p || p.status === "draft";
    acceptBtn.hidden = !(state.canWrite && isDraft);
    $("accept-note").textContent = state.canWrite && isDraft ? t("ws.accept_help") : "";
  }

  function hideDraft() {
    state.shownDraft = null;
    draftBox.hidden = true;
    delete draftBox.dataset.draftId;
    acceptBtn.hidden = true;
  }

  acceptBtn.addEventListener("click", async () => {
    const id = state.shownDraft;
    if (id === null || state.busy) return;
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

  planSelect.addEventListener("change", () => choose(Number(planSelect.value)));

  async function init(me) {
    state.me = me;
    state.canWrite = pg.can("plan:write");
    state.polda = state.me.unit_code === null;
    await loadPlans(null);
  }

  pg.start(init, {errorBox});
})();
