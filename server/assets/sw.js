// Care Home Feedback service worker. The server fills in VERSION (a hash of
// the built files) so every release installs a new worker. Drafts and the
// outbox live in the page's localStorage, never in these caches, so a new
// version can replace the caches without losing anything.
"use strict";

const VERSION = "__VERSION__";
const CACHE = "chf-" + VERSION;
const APP = "/app";
const REGISTER = "/api/v1/register";
const SHELL = [
  APP,
  "/pkg/chf.js",
  "/pkg/chf.wasm",
  "/pkg/chf.css",
  "/manifest.webmanifest",
  "/favicon.svg",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/maskable-512.png",
  REGISTER,
];

self.addEventListener("install", (event) => {
  // No skipWaiting(): an open form keeps the version it started with; the new
  // one takes over the next time the app is opened.
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })))),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("chf-") && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

async function fromCache(request) {
  const cache = await caches.open(CACHE);
  return cache.match(request, { ignoreSearch: true });
}

async function cacheFirst(request) {
  return (await fromCache(request)) || fetch(request);
}

// The register changes rarely but should be fresh when there is signal.
async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok) (await caches.open(CACHE)).put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await fromCache(request);
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === APP) {
    // The app opens from the cache at once, signal or not.
    event.respondWith(fromCache(APP).then((cached) => cached || fetch(request)));
  } else if (url.pathname === REGISTER) {
    event.respondWith(networkFirst(request));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate") {
    // Any other page with no signal: the app, which works offline.
    event.respondWith(fetch(request).catch(() => fromCache(APP).then((cached) => cached || Response.error())));
  }
});

// Background Sync: the outbox is in the page's storage, which a worker cannot
// read, so the worker asks any open window of the app to send it.
self.addEventListener("sync", (event) => {
  if (event.tag !== "chf-outbox") return;
  event.waitUntil(
    self.clients.matchAll({ type: "window" }).then((clients) => clients.forEach((client) => client.postMessage("sync"))),
  );
});
