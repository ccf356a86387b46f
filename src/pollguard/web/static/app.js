// PollGuard pages: shared helpers. Every page's data comes from /api/v1 through pg.api().
"use strict";
const pg = (() => {
  const lang = document.body.dataset.lang || "id";
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

  function t(key, vars) {
    let s = (strings && strings[key]) || key;
    for (const [k, v] of Object.entries(vars || {})) s = s.replaceAll(`{${k}}`, v);
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
      const detail = data && data.detail;
      const msg = typeof detail === "string" ? detail : JSON.stringify(detail);
      throw new Error(`${r.status}: ${msg}`);
    }
    return data;
  }

  function can(permission) { return !!me && me.permissions.includes(permission); }

  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function fmt(n, digits = 0) {
    return Number(n).toLocaleString(lang === "en" ? "en-GB" : "id-ID",
      {minimumFractionDigits: digits, maximumFractionDigits: digits});
  }

  function showError(target, err) {
    target.hidden = false;
    target.textContent = String(err.message || err);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const out = document.getElementById("logout");
    if (out) out.addEventListener("click", async () => {
      await api("/session", {method: "DELETE"}).catch(() => null);
      location.href = "/login";
    });
  });

  return {lang, cookie, i18n, t, session, api, can, el, fmt, showError};
})();
