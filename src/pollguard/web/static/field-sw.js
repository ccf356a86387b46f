// The field app's service worker (served as /field-sw.js, which fills in the version and the
// shell): /field opens with no signal. The page and API reads go to the network first and fall
// back to the last copy; static files come from the cache and are refreshed behind it. Reports
// (POST) are never touched here: the page queues them itself and sends them when it can.
"use strict";
const VERSION = "__PG_VERSION__";
const CACHE = `pg-field-${VERSION}`;
const SHELL = ["__PG_SHELL__"];
// Never cached: the session (it carries the CSRF token) and the live event stream.
const NEVER = [/^\/api\/v1\/session\b/, /^\/api\/v1\/events\b/];
const SLOW_MS = 4000;  // on a weak signal, show the last copy after this long

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // One by one, so that a file that cannot be fetched does not stop the rest; a page that
    // answered with the login form (session gone) is not kept as the field page.
    await Promise.all(SHELL.map(async (path) => {
      try {
        const r = await fetch(path, {credentials: "same-origin", cache: "no-cache"});
        if (r.ok && !r.redirected) await cache.put(path, r);
      } catch (e) { /* offline while installing: the next visit fills it in */ }
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("pg-field-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  // The page asks for this on logout: the cached page and API answers name the officer.
  if (event.data === "forget") event.waitUntil(caches.delete(CACHE));
});

async function cached(request) {
  const cache = await caches.open(CACHE);
  return (await cache.match(request)) || (await cache.match(request, {ignoreSearch: true}));
}

async function keep(request, response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

// Network first; the cached copy when the network fails, or when it is slow and a copy exists
// (the network answer still refreshes the cache for next time).
async function networkFirst(event) {
  const request = event.request;
  const network = fetch(request).then((r) => keep(request, r));
  const slow = new Promise((resolve) => setTimeout(resolve, SLOW_MS, "slow"));
  try {
    const first = await Promise.race([network, slow]);
    if (first !== "slow") return first;
    const copy = await cached(request);
    if (!copy) return await network;
    event.waitUntil(network.catch(() => null));
    return copy;
  } catch (e) {
    const copy = await cached(request);
    if (copy) return offline(copy);
    throw e;
  }
}

// A copy served because the network failed says so, for the page's "no signal" banner.
async function offline(copy) {
  const headers = new Headers(copy.headers);
  headers.set("X-PG-Offline", "1");
  return new Response(await copy.blob(), {status: copy.status, statusText: copy.statusText,
                                          headers});
}

// The cached copy at once, refreshed from the network for next time.
async function staleWhileRevalidate(event) {
  const request = event.request;
  const network = fetch(request).then((r) => keep(request, r));
  const copy = await cached(request);
  if (copy) {
    event.waitUntil(network.catch(() => null));
    return copy;
  }
  return network;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;  // reports and every other write: straight through
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NEVER.some((re) => re.test(url.pathname))) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staleWhileRevalidate(event));
  } else if (request.mode === "navigate" || url.pathname.startsWith("/api/")
             || SHELL.includes(url.pathname)) {
    event.respondWith(networkFirst(event));
  }
});
