// The login form: posts JSON with the double-submit CSRF token, then opens the page asked for.
"use strict";
document.getElementById("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const error = document.getElementById("login-error");
  error.hidden = true;
  const r = await fetch("/api/v1/session", {
    method: "POST", credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRF-Token": pg.cookie("pg_csrf")},
    body: JSON.stringify({username: document.getElementById("username").value,
                          password: document.getElementById("password").value})});
  if (r.ok) {
    // Only a page of this site: "//host", "/\\host" or "javascript:" lead home instead.
    const next = new URLSearchParams(location.search).get("next");
    let to = "/";
    try {
      const u = new URL(next || "/", location.origin);
      if (next && u.origin === location.origin) to = u.pathname + u.search + u.hash;
    } catch (e) { /* not a URL: home */ }
    location.href = to;
    return;
  }
  await pg.i18n();
  const data = await r.json().catch(() => ({}));
  error.hidden = false;
  error.textContent = r.status === 429 ? pg.t("login.too_many") :
    r.status === 401 ? pg.t("login.wrong") : String(data.detail || r.status);
});
