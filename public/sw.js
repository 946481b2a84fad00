/* RecLens service worker: the studio keeps working offline after its first load.
 *
 * Network first for every same-origin GET (so a new build is never hidden behind a stale cache),
 * falling back to the cache when offline. Cached responses are whole Response objects, so the
 * COOP/COEP headers that threaded WASM needs come back with them.
 *
 * Precache: the page sends the URLs it loaded; the worker fetches them and every hashed build
 * asset they name (lazy chunks, the analysis worker, tfjs WASM binaries), so the asset list is
 * read from the build itself rather than kept by hand.
 */
const CACHE = 'reclens-v1';
const SCOPE = new URL(self.registration.scope);
const HASHED_ASSET = /[\w.-]+-[\w-]{8}\.(?:js|css|wasm)(?=["'`)\s?#]|$)/g;
const MAX_ASSETS = 200;

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

function cacheable(request, response) {
  return request.method === 'GET' && response.status === 200 && response.type === 'basic' && !request.headers.has('range');
}

/** Fetches URLs into the cache, following the hashed asset names found in HTML and JS. */
async function precache(urls) {
  const cache = await caches.open(CACHE);
  const queue = urls.map((u) => new URL(u, SCOPE).href).filter((u) => u.startsWith(SCOPE.origin));
  const seen = new Set();
  while (queue.length > 0 && seen.size < MAX_ASSETS) {
    const url = queue.shift();
    if (seen.has(url) || url.endsWith('.map')) continue;
    seen.add(url);
    try {
      const response = await fetch(url, { cache: 'no-cache' });
      if (!response.ok) continue;
      await cache.put(url, response.clone());
      const type = response.headers.get('content-type') ?? '';
      if (/html|javascript/.test(type)) {
        for (const name of (await response.text()).match(HASHED_ASSET) ?? []) queue.push(new URL(`assets/${name}`, SCOPE).href);
      }
    } catch {
      // Offline or gone: it is fetched again on the next visit.
    }
  }
}

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'precache' && Array.isArray(event.data.urls)) event.waitUntil(precache(event.data.urls));
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== SCOPE.origin) return;
  event.respondWith(
    (async () => {
      try {
        const response = await fetch(request);
        if (cacheable(request, response)) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((c) => c.put(request, copy)));
        }
        return response;
      } catch (error) {
        // ignoreVary: the server varies on Origin, which module-script requests send and precache fetches do not.
        const cached = await caches.match(request, { ignoreSearch: request.mode === 'navigate', ignoreVary: true });
        if (cached) return cached;
        // Any page of the studio is the same single page.
        if (request.mode === 'navigate') {
          const shell = await caches.match(SCOPE.href, { ignoreVary: true });
          if (shell) return shell;
        }
        throw error;
      }
    })(),
  );
});
