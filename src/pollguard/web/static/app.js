// PollGuard pages: shared helpers. Every page's data comes from /api/v1 through pg.api().
"use strict";
const pg = (() => {
  const lang = document.body.dataset.lang || "id";
  const locale = lang === "en" ? "en-GB" : "id-ID";
  // The operation's clock and level names, as the server put them in <body>: every time a
  // page shows is on the Posko's clock with its name ("14.05 WITA"), whatever the zone of
  // the laptop showing it, and "{kecamatan}" in a string is what the province calls one.
  const zone = {name: document.body.dataset.zone || "WIB",
                iana: document.body.dataset.zoneIana || "Asia/Jakarta"};
  const words = (() => {
    try { return JSON.parse(document.body.dataset.levels || "{}"); } catch (e) { return {}; }
  })();
  let strings = null;
  let me = null;

  function cookie(name) {
    const m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : "";
  }

  async function i18n() {
    if (!strings) {
      const r = await fetch(`/api/v1/i18n/${lang}`);
      strings = r.ok ? await r.json() : {};
    }
    return strings;
  }

  // A partner's own words first: "for.<role>.<key>" when the catalogue has it (a KPU or
  // Bawaslu observer reads "Pemungutan suara dimulai" where the police read "Pemungutan dibuka").
  function t(key, vars) {
    const own = me && strings ? strings[`for.${me.role}.${key}`] : undefined;
    let s = own || (strings && strings[key]) || key;
    // A function as the replacement: a value's "$&" or "$1" stays as it is.
    for (const [k, v] of Object.entries({...words, ...(vars || {})})) {
      s = s.replaceAll(`{${k}}`, () => String(v));
    }
    return s;
  }

  async function session() {
    if (!me) {
      const r = await fetch("/api/v1/session", {credentials: "same-origin"});
      if (r.status === 401) { location.href = "/login?next=" + encodeURIComponent(location.pathname); throw new Error("401"); }
      me = await r.json();
    }
    return me;
  }

  // A call to the API: JSON in and out; state-changing calls carry the CSRF token.
  async function api(path, {method = "GET", body} = {}) {
    const headers = {"Accept": "application/json"};
    if (method !== "GET") {
      const s = await session();
      headers["X-CSRF-Token"] = s.csrf || "";
    }
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const sep = path.includes("?") ? "&" : "?";
    const r = await fetch(`/api/v1${path}${sep}lang=${lang}`, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body)});
    if (r.status === 401) { location.href = "/login?next=" + encodeURIComponent(location.pathname); throw new Error("401"); }
    const data = r.status === 204 ? null : await r.json().catch(() => null);
    if (!r.ok) {
      // The server's reason in the page's language (it reads the lang= above), as it is; its
      // code and status ride on the error for the page to decide on (err.code, err.status).
      const detail = data && data.detail;
      // A refused request body: each reason as the server wrote it (it names the field).
      const msg = typeof detail === "string" ? detail :
        Array.isArray(detail) && detail.every((d) => d && typeof d.msg === "string") ?
          detail.map((d) => d.msg).join("; ") : detail ? JSON.stringify(detail) :
          t("error.error") + ` (${r.status})`;
      const err = new Error(msg);
      err.status = r.status;
      err.code = (data && data.code) || "";
      throw err;
    }
    return data;
  }

  function can(permission) { return !!me && me.permissions.includes(permission); }

  // Links only to places that are not code (no javascript:, data: ...): paths of this site,
  // http(s), tel:, mailto:, geo:. Read as the browser reads them, so "java\tscript:" is caught.
  const SAFE_SCHEMES = new Set(["http:", "https:", "tel:", "mailto:", "geo:"]);
  const URL_ATTRS = new Set(["href", "src", "action", "formaction", "xlink:href", "poster"]);
  function safeUrl(value) {
    const s = String(value);
    try {
      return SAFE_SCHEMES.has(new URL(s, location.href).protocol) ? s : "#";
    } catch (e) {
      return "#";
    }
  }

  // The one way pages make DOM: el(tag, attrs, ...children). Children that are not nodes
  // become text nodes, so whatever the server sends (names, notes, incident texts) is shown as
  // text, never parsed as HTML. Attributes are set as attributes; "on..." keys take functions
  // only (as listeners, never as inline handlers); URLs that would run code become "#".
  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (/^on/i.test(k)) {
        if (typeof v === "function") e.addEventListener(k.slice(2).toLowerCase(), v);
      } else if (k === "class") e.className = v;
      else if (URL_ATTRS.has(k.toLowerCase())) e.setAttribute(k, safeUrl(v));
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  // For the few library calls that take nothing but an HTML string (Leaflet's attribution
  // line and layer-switch names): text made safe to put there.
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;",
      '"': "&quot;", "'": "&#39;"}[c]));
  }

  function fmt(n, digits = 0) {
    return Number(n).toLocaleString(lang === "en" ? "en-GB" : "id-ID",
      {minimumFractionDigits: digits, maximumFractionDigits: digits});
  }

  function showError(target, err) {
    target.hidden = false;
    target.textContent = String(err.message || err);
  }

  // Risk classes in order of the map/tps ``classes`` list, and their colours: the server's
  // (reports/colours.py), which every page carries as --cls-* properties on <html>.
  const CLASSES = ["kurang_rawan", "rawan", "sangat_rawan", "khusus"];
  const rootStyle = getComputedStyle(document.documentElement);
  const COLORS = Object.fromEntries(["none", ...CLASSES].map((c) =>
    [c, rootStyle.getPropertyValue(`--cls-${c}`).trim()]));

  // A class chip: coloured, labelled in the page's language.
  function chip(cls) {
    return el("span", {class: "chip " + (cls || "none"), "data-cls": cls || ""},
      cls ? t(`cls.${cls}`) : "—");
  }

  // A table cell; numbers right-aligned.
  function td(value, {num = false, digits = 0, cls} = {}) {
    const shown = value === null || value === undefined || value === "" ? "—" :
      num && typeof value === "number" ? fmt(value, digits) : value;
    return el("td", {class: [num ? "num" : "", cls || ""].join(" ").trim() || undefined}, shown);
  }

  // Times from the API are UTC; one without an offset is UTC too. null where there is none.
  function instant(value) {
    if (value === null || value === undefined || value === "") return null;
    const d = value instanceof Date ? value : typeof value === "number" ? new Date(value) :
      new Date(/([zZ]|[+-]\d\d:?\d\d)$/.test(value) ? value : value + "Z");
    return isNaN(d) ? null : d;
  }

  // The one way a page writes a time: on the operation's clock, with its name. date() with
  // the day ("27 Nov 2024, 08.05 WITA"), time() without ("08.05.12 WITA"); a UTC string, a
  // Date or milliseconds.
  function date(value, {seconds = false} = {}) {
    const d = instant(value);
    if (!d) return value ? String(value) : "—";
    return d.toLocaleString(locale, {
      timeZone: zone.iana, year: "numeric", month: "short", day: "2-digit", hour: "2-digit",
      minute: "2-digit", second: seconds ? "2-digit" : undefined}) + " " + zone.name;
  }
  function time(value, {seconds = true} = {}) {
    const d = instant(value);
    if (!d) return value ? String(value) : "—";
    return d.toLocaleTimeString(locale, {timeZone: zone.iana, hour: "2-digit", minute: "2-digit",
      second: seconds ? "2-digit" : undefined}) + " " + zone.name;
  }

  function ready(on = true) { document.body.dataset.ready = on ? "1" : "0"; }

  // A page's start-up, the same on every page: its strings and the signed-in account first,
  // then the page's own init(me). A failure is shown in errorBox and marks the page as failed
  // (body[data-ready="error"], or the element `mark` names; null marks nothing); `failed(e)`
  // tidies up what the page had begun.
  function start(init, {errorBox = null, mark = document.body, failed = null} = {}) {
    const run = async () => {
      await i18n();
      await init(await session());
    };
    return run().catch((e) => {
      if (errorBox) showError(errorBox, e);
      if (failed) failed(e);
      if (mark) mark.dataset.ready = "error";
    });
  }

  // The stale-response guard: when a page asks again before an answer comes (another filter,
  // page, selection), only the newest answer may be shown. const guard = pg.latest(); then for
  // each request: const current = guard(); ... await pg.api(...); if (!current()) return;
  // A key keeps separate sequences (one per incident, say): guard(id).
  function latest() {
    const asked = new Map();
    return (key = "") => {
      const mine = (asked.get(key) || 0) + 1;
      asked.set(key, mine);
      return () => asked.get(key) === mine;
    };
  }

  function debounce(fn, ms = 300) {
    let timer = null;
    return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  }

  // Copying a text (a WhatsApp message, a roll): the browser's clipboard on a secure page
  // (https or localhost), else the old way (a hidden textarea selected and copied), else the
  // page's #copy-fallback box with the text selected for the user to copy by hand (the
  // partial _copy.html). copyOnClick(button, () => text) wires a button to it and says
  // "Tersalin" on it, and to screen readers in #copy-status, for a moment.
  async function toClipboard(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch (e) { /* refused: try the old way */ }
    }
    const area = el("textarea", {readonly: true, class: "copy-buffer", "aria-hidden": "true"});
    area.value = text;
    document.body.append(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    return ok;
  }

  function copyOnClick(button, text) {
    const label = button.textContent;
    const status = document.getElementById("copy-status");
    const fallback = document.getElementById("copy-fallback");
    const fallbackText = document.getElementById("copy-fallback-text");
    const close = document.getElementById("copy-fallback-close");
    if (close && !close.dataset.wired) {
      close.dataset.wired = "1";
      close.addEventListener("click", () => { fallback.hidden = true; });
    }
    let timer = null;
    button.addEventListener("click", async () => {
      const value = text();
      if (await toClipboard(value)) {
        if (fallback) fallback.hidden = true;
        button.textContent = t("plot.copied");
        button.classList.add("copied");
        if (status) status.textContent = t("plot.copied");
        clearTimeout(timer);
        timer = setTimeout(() => {
          button.textContent = label;
          button.classList.remove("copied");
          if (status) status.textContent = "";
        }, 2500);
      } else if (fallback && fallbackText) {  // no clipboard at all: the text, selected
        fallbackText.value = value;
        fallback.hidden = false;
        fallbackText.focus();
        fallbackText.select();
      }
    });
    return button;
  }

  // The optional basemap: a tile layer (under the outlines, in Leaflet's tile pane) only when
  // the server names one: the tile archive it serves itself at /tiles/{z}/{x}/{y}, or a tile
  // server. Only the archive's zooms and bounds are asked for; past its highest zoom its tiles
  // are enlarged. Resolves to the settings; settings.basemap is null when there is none.
  async function basemap(map) {
    const s = await api("/settings");
    const b = s.basemap;
    if (b) {
      const options = {attribution: escapeHtml(b.attribution || ""), maxZoom: 18};
      if (b.min_zoom != null) options.minZoom = b.min_zoom;
      if (b.max_zoom != null) options.maxNativeZoom = b.max_zoom;
      if (b.bounds) options.bounds = L.latLngBounds(b.bounds);
      L.tileLayer(b.url, options).addTo(map);
    }
    return s;
  }

  // Permanent map labels (Leaflet tooltips) that never overlap: the most important first (the
  // caller's order, e.g. the larger region), each at its own point if it is free, else nudged
  // above, below or beside it, else hidden (class "clash") until a closer zoom parts them.
  // Run again on every zoom and resize; returns the labels shown, for a test to measure.
  function declutter(map, tips) {
    const frame = map.getContainer().getBoundingClientRect();
    const placed = [];
    const overlaps = (a, b) => a.left < b.right && a.right > b.left &&
                               a.top < b.bottom && a.bottom > b.top;
    for (const tip of tips) {
      const node = tip.getElement();
      if (!node) continue;
      node.classList.remove("clash");
      node.style.marginLeft = node.style.marginTop = "";
      const at = node.getBoundingClientRect();
      const w = at.width + 2;
      const h = at.height + 2;
      const tries = [[0, 0], [0, -h], [0, h], [w / 2, 0], [-w / 2, 0], [w / 2, -h], [-w / 2, -h],
                     [w / 2, h], [-w / 2, h]];
      const free = tries.find(([dx, dy]) => {
        const b = {left: at.left + dx, right: at.right + dx, top: at.top + dy,
                   bottom: at.bottom + dy};
        return b.left >= frame.left && b.right <= frame.right && b.top >= frame.top &&
               b.bottom <= frame.bottom && !placed.some((p) => overlaps(b, p));
      });
      if (!free) { node.classList.add("clash"); continue; }
      const [dx, dy] = free;
      if (dx || dy) { node.style.marginLeft = `${dx}px`; node.style.marginTop = `${dy}px`; }
      placed.push({left: at.left + dx, right: at.right + dx, top: at.top + dy,
                   bottom: at.bottom + dy});
    }
    return placed.length;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const out = document.getElementById("logout");
    if (out) out.addEventListener("click", async () => {
      await api("/session", {method: "DELETE"}).catch(() => null);
      location.href = "/login";
    });
  });

  return {lang, cookie, i18n, t, session, api, can, el, safeUrl, escapeHtml, fmt, showError,
          CLASSES, COLORS, chip, td, instant, date, time, zone, ready, start, latest, debounce,
          basemap, copyOnClick, declutter};
})();
