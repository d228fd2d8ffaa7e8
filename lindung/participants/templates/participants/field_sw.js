/* Lindung field mode: the registration form and its assets, kept on the phone so the
   form opens without signal. Served by participants/field_views.py (service_worker),
   which fills in the version, so every deploy that changes a cached file installs a new
   worker and this worker's activate step drops the old cache. */
"use strict";
{% autoescape off %}
const CACHE_PREFIX = "lindung-field-";
const CACHE = CACHE_PREFIX + "{{ version }}";
const FORM_URL = "{{ form_url }}";
const ASSETS = {{ assets_json }};
const OPTIONS_URL = "{{ options_prefix }}";
{% endautoescape %}
// On a weak signal the page would hang: after this long the cached copy answers.
const NETWORK_WAIT_MS = 6000;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(ASSETS);
    try {
      // The form as the signed-in user sees it now; every online visit refreshes it.
      const response = await fetch(FORM_URL, { credentials: "same-origin" });
      if (response.ok && !response.redirected) await cache.put(FORM_URL, response);
    } catch (error) {
      // Offline while installing: the next online visit stores the form.
    }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

async function cached(key) {
  const cache = await caches.open(CACHE);
  return cache.match(key);
}

async function networkFirst(request, key) {
  const network = fetch(request).then(async (response) => {
    // A redirect means the session ended (the sign-in page): never keep that as the form.
    if (response.ok && !response.redirected) {
      const cache = await caches.open(CACHE);
      await cache.put(key, response.clone());
    }
    return response;
  });
  network.catch(() => undefined);
  const slow = new Promise((resolve) => setTimeout(() => resolve(null), NETWORK_WAIT_MS));
  try {
    const first = await Promise.race([network, slow]);
    if (first) return first;
    return (await cached(key)) || network;
  } catch (error) {
    const copy = await cached(key);
    if (copy) return copy;
    throw error;
  }
}

async function cacheFirst(request) {
  return (await cached(request)) || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  // Sends (POST) always go to the network: the page's own queue handles failures.
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === FORM_URL) {
    event.respondWith(networkFirst(request, FORM_URL));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname === OPTIONS_URL) {
    // Villages of each district chosen while online stay available offline.
    event.respondWith(networkFirst(request, request));
  }
});
