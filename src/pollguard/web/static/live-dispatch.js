// The live picture (see live.js): reinforcement. A recommendation for an incident (reserve
// teams by travel time, officers to borrow when none is close enough) to accept as made,
// edit or reject; and the units sent, each with the moves the server offers it (its
// `next_steps`: on scene, returning, available, sent on). Rows: #recommendation
// [data-for-incident][data-loaded], #dispatches tr[data-dispatch-id][data-status].
"use strict";
(() => {
  const live = window.pgLive;
  if (!live) return;
  const {el, t, fmt} = pg;
  const {recBox, dispTable, busy} = live;

  // --- recommendation: teams by travel time, borrowing; accept / edit / reject -------------
  const recommended = pg.latest();
  async function recommend(id) {
    const inc = live.incidents.get(id);
    if (!inc) return;
    const current = recommended();
    live.clearError();
    recBox.hidden = false;
    recBox.dataset.forIncident = id;
    delete recBox.dataset.loaded;
    recBox.replaceChildren(live.cardHeader(t("live.rec.title", {tps: inc.tps_name || `TPS ${inc.tps_id}`}), closeRec),
      el("p", {class: "loading"}, t("common.loading")));
    try {
      const rec = await pg.api(`/incidents/${encodeURIComponent(id)}/recommendation`);
      if (!current()) return;
      renderRec(inc, rec);
      recBox.dataset.loaded = "1";
    } catch (e) {
      if (!current()) return;
      recBox.querySelector(".loading")?.remove();
      recBox.append(el("p", {class: "error", role: "alert"}, String(e.message || e)));
      recBox.dataset.loaded = "error";
    }
  }

  function closeRec() {
    recommended();  // an answer still on its way is not shown
    recBox.hidden = true;
    delete recBox.dataset.forIncident;
    recBox.replaceChildren();
  }

  function renderRec(inc, rec) {
    const teams = rec.teams || [];
    const borrow = rec.borrow;
    let editing = false;
    // What accepting as recommended sends is the server's `first`; the boxes only show it.
    const first = rec.first || "";
    const allowed = rec.allowed || [];  // the server's: no copy of its rules here
    const teamBoxes = teams.map((tm, i) => el("input", {type: "checkbox", name: "team",
      value: tm.team_id, checked: first.startsWith("team") && i === 0, disabled: true,
      "aria-label": tm.call_sign || tm.team_id}));
    const borrowBox = borrow ? el("input", {type: "checkbox", name: "borrow",
      checked: first.endsWith("borrow"), disabled: true}) : null;
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
        for (const d of sent || []) live.dispatches.set(d.id, {...d, tps_id: inc.tps_id});
        renderDispatches();
        closeRec();
        live.notice(t("live.rec.sent", {n: fmt((sent || []).length), tps: inc.tps_name || `TPS ${inc.tps_id}`}));
        live.refreshIncidents();
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
        live.notice(t("live.rec.rejected", {tps: inc.tps_name || `TPS ${inc.tps_id}`}));
      } catch (e) {
        pg.showError(msg, e);
        setBusy(false);
      }
    });

    if (!allowed.includes("dispatch")) { accept.hidden = true; edit.hidden = true; }
    if (!allowed.includes("reject")) reject.hidden = true;
    const parts = [live.cardHeader(t("live.rec.title", {tps: inc.tps_name || `TPS ${inc.tps_id}`}), closeRec),
      rec.need ? el("p", {class: "rec-need"}, t("live.rec.need", {n: fmt(rec.need.officers),
        kind: t(`live.rec.kind.${rec.need.kind}`)})) : null,
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
          el("td", {}, tm.call_sign || tm.team_id,
            tm.leader ? el("div", {class: "note"}, tm.leader) : null,
            tm.adequate === false ? el("div", {class: "note"}, t("live.rec.not_adequate")) :
              null),
          el("td", {title: tm.owner_code}, tm.owner_name || tm.owner_code,
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
            el("td", {title: d.post_id}, d.name || d.post_id),
            el("td", {class: "num"}, fmt(d.take)),
            el("td", {class: "num"}, fmt(d.keep)), el("td", {class: "num"},
              fmt(d.minutes))))))));
    }
    if ((rec.pawas || []).length) {
      parts.push(el("div", {class: "rec-pawas"}, el("h4", {}, t("live.rec.pawas")),
        el("ul", {}, rec.pawas.map((p) => el("li", {},
          t("live.rec.pawas_row", {officer: p.officer, min: fmt(p.minutes)}))))));
    }
    if (allowed.includes("request") && (rec.requests || []).length) {
      parts.push(el("div", {class: "rec-requests"}, el("h4", {}, t("live.rec.requests")),
        el("ul", {}, rec.requests.map((tm) => {
          const ask = el("button", {type: "button", class: "secondary",
            "data-action": "request", "data-team-id": tm.team_id}, t("live.act.request"));
          ask.addEventListener("click", async () => {
            ask.disabled = true;
            try {
              await pg.api(`/incidents/${encodeURIComponent(inc.id)}/requests`,
                           {method: "POST", body: {team_id: tm.team_id,
                                                   note: note.value.trim()}});
              live.notice(t("live.rec.requested", {team: tm.call_sign || tm.team_id}));
            } catch (e) {
              pg.showError(msg, e);
              ask.disabled = false;
            }
          });
          return el("li", {"data-team-id": tm.team_id}, `${tm.call_sign || tm.team_id} · `,
            t("live.rec.team_row", {n: fmt(tm.size), min: fmt(tm.minutes)}), " ", ask);
        }))));
    }
    const asked = el("div", {class: "rec-asked"});
    parts.push(asked);
    parts.push(el("div", {class: "actions"}, accept, edit, note, reject), msg);
    recBox.replaceChildren(...parts.filter(Boolean));
    const names = new Map([...(rec.requests || []), ...teams].map(
      (tm) => [tm.team_id, tm.call_sign || tm.team_id]));
    renderRequests(inc, asked, msg, names);
  }

  // --- BKO requests: the Polda approves or refuses what a Polres asked for ----------------
  async function renderRequests(inc, box, msg, names) {
    let list = [];
    try {
      list = await pg.api(`/incidents/${encodeURIComponent(inc.id)}/requests`);
    } catch (e) {
      return;  // a role that may not read them sees none
    }
    if (!list.length) return;
    box.replaceChildren(el("h4", {}, t("live.rec.asked")), el("ul", {}, list.map((r) => {
      const buttons = (r.next_steps || []).map((to) => {
        const b = el("button", {type: "button", class: to === "approved" ? "" : "secondary",
          "data-action": "decide", "data-to": to}, t(`live.act.request_${to}`));
        b.addEventListener("click", async () => {
          b.disabled = true;
          try {
            const done = await pg.api(
              `/incidents/${encodeURIComponent(inc.id)}/requests/${r.n}/decision`,
              {method: "POST", body: {to}});
            for (const d of done.dispatches || []) {
              live.dispatches.set(d.id, {...d, tps_id: inc.tps_id});
            }
            renderDispatches();
            renderRequests(inc, box, msg, names);
            live.refreshIncidents();
          } catch (e) {
            pg.showError(msg, e);
            b.disabled = false;
          }
        });
        return b;
      });
      return el("li", {"data-request": String(r.n), "data-status": r.status},
        t("live.rec.asked_row", {team: names.get(r.team_id) || r.team_id, n: fmt(r.officers)}),
        " ",
        el("span", {class: "badge"}, t(`live.request.${r.status}`)), " ", ...buttons);
    })));
  }

  // --- dispatches: unit status ----------------------------------------------------------
  function renderDispatches() {
    const body = dispTable.tBodies[0];
    const list = [...live.dispatches.values()];
    body.replaceChildren(...list.map((d) => {
      const inc = live.incidents.get(d.incident_id);
      const working = busy.has(d.id);
      return el("tr", {"data-dispatch-id": d.id, "data-status": d.status,
                       "data-for-incident": d.incident_id, "data-unit-id": d.unit_id},
        // The unit by the name the server gives it (call sign and Danton, or the lending
        // post by its TPS); its code in the tooltip.
        el("td", {}, el("span", {class: "unit-name", title: d.unit_id},
                        d.unit_label || d.unit_id),
          d.kind === "borrowed" ? el("div", {class: "note"}, t("live.borrowed")) : null),
        el("td", {}, d.tps_id ? el("a", {href: `#tps=${d.tps_id}`, title: d.tps_id,
          onclick: (e) => {
            e.preventDefault();
            if (inc) live.selectIncident(inc.id); else live.openTps(d.tps_id);
          }}, inc?.tps_name || d.tps_name || `TPS ${d.tps_id}`) : "—"),
        el("td", {class: "num"}, fmt(d.officers ?? 0)),
        el("td", {}, el("span", {class: `unit-status u-${d.status}`},
          t(`live.unit.${d.status}`))),
        el("td", {class: "act"}, live.canDispatch ? el("div", {class: "live-actions"},
          (d.next_steps || []).map((to) => el("button", {type: "button",
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
    live.clearError();
    try {
      const path = id.split("/").map(encodeURIComponent).join("/");
      const d = await pg.api(`/dispatches/${path}/steps`,
                             {method: "POST", body: {to}});
      if (d && d.id) live.dispatches.set(d.id, {...live.dispatches.get(d.id), ...d});
    } catch (e) {
      live.showError(e);
    } finally {
      busy.delete(id);
      renderDispatches();
      live.refreshIncidents();
    }
  }

  // A dispatch event from the stream: the incidents and the units as the server has them now
  // (status and the moves each offers), read again rather than patched from the event.
  function dispatchEvent() {
    live.refreshIncidents();
  }

  Object.assign(live, {recommend, renderDispatches, dispatchEvent});
})();
