// The re-plan offered after verified incidents raised TPS in class, on the live map and in the
// risk view: which TPS of the account's jurisdiction rose since the plan in force, by name, and
// a button that asks for the draft that guards them more heavily, then links to it.
// The server says what to offer and to whom (GET /plans/{id}/raised: its tps, may_draft and
// the draft path to POST): nothing here decides who may plan or which TPS count. The live
// stream's new assessments reach this file as the document event "pg:assessment" (map.js
// sends it once the markers show the new version); the risk view asks once, on load.
// DOM contract: #replan-offer[data-state=none|offered|drafting|made][data-plan-id]
// [data-draft-id]; button[data-action="replan"]; a[data-draft-id] links to the draft.
"use strict";
(() => {
  const box = document.getElementById("replan-offer");
  if (!box) return;
  const {el, t, fmt} = pg;
  const guard = pg.latest();
  let offer = null;  // the server's last answer
  let made = null;  // the draft made from this page: {plan_id, moved}

  function hide() {
    box.hidden = true;
    box.dataset.state = "none";
    box.replaceChildren();
  }

  function names(rows) {
    const shown = rows.slice(0, 3).map((r) => `${r.name} (${t(`cls.${r.risk_class}`)})`);
    const more = rows.length > 3 ? ` ${t("replan.more", {n: fmt(rows.length - 3)})}` : "";
    return shown.join("; ") + more;
  }

  function madeLinks() {
    if (!made) return null;
    const id = made.plan_id;
    return el("p", {class: "replan-made"},
      t("replan.made", {id, moved: fmt(made.moved)}), " ",
      pg.can("personnel:read") ? el("a", {href: `/plotting?plan=${id}`, "data-draft-id": id},
        t("replan.open_plotting", {id})) : null, " ",
      el("a", {href: "/workspace", "data-draft-id": id}, t("replan.open_workspace")));
  }

  function render() {
    if (!offer || !offer.may_draft || !offer.tps.length || !offer.draft) {
      if (!made) { hide(); return; }
      box.replaceChildren(madeLinks());
      box.hidden = false;
      return;
    }
    const error = el("span", {class: "error", role: "alert", hidden: true});
    const button = el("button", {type: "button", class: "small", "data-action": "replan",
      onclick: () => draft(button, error)}, t("replan.draft"));
    const links = madeLinks();  // only once a draft is made here (null is no node)
    box.replaceChildren(
      el("p", {}, t("replan.raised", {n: fmt(offer.tps.length), plan: offer.plan_id,
        names: names(offer.tps)}), " — ", button, " ", error),
      ...(links ? [links] : []));
    box.dataset.planId = String(offer.plan_id);
    box.dataset.state = made ? "made" : "offered";
    box.hidden = false;
  }

  async function draft(button, error) {
    button.disabled = true;
    button.textContent = t("replan.making");
    box.dataset.state = "drafting";
    try {
      const r = await pg.api(offer.draft, {method: "POST"});
      made = {plan_id: r.plan_id, moved: r.moved};
      box.dataset.draftId = String(r.plan_id);
      render();
    } catch (e) {
      button.disabled = false;
      button.textContent = t("replan.draft");
      box.dataset.state = "offered";
      pg.showError(error, e);
    }
  }

  async function refresh() {
    if (!pg.can("plan:read")) return;  // the route's permission: no plans, no offer
    const current = guard();
    const plans = await pg.api("/plans");
    if (!current()) return;
    if (plans.current === null || plans.current === undefined) { offer = null; render(); return; }
    const answer = await pg.api(`/plans/${plans.current}/raised`);
    if (!current()) return;
    offer = answer;
    render();
  }

  document.addEventListener("pg:assessment", () => { refresh().catch(() => {}); });
  pg.start(refresh, {mark: null});
})();
