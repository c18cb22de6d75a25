// Keeps the holder's page working with no network: the page's own files come from this
// cache first (refreshed in the background when online); the API is never cached, so a
// ticket opened offline shows the pass and key this phone already holds (IndexedDB).
const CACHE = 'holder-v1';
const SHELL = ['./', 'index.html', 'app.js', 'qr.js', 'rotating.js', 'style.css', 'manifest.json'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin) return;
  if (!url.pathname.startsWith('/holder/')) return;  // the API goes to the network
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const cached = await cache.match(event.request, { ignoreSearch: true });
      const fresh = fetch(event.request)
        .then((response) => {
          if (response.ok) cache.put(event.request, response.clone());
          return response;
        })
        .catch(() => undefined);
      return cached || (await fresh) || new Response('offline', { status: 503 });
    }));
});
