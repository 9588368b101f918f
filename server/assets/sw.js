// Care Home Feedback service worker. The server fills in VERSION (a hash of
// the built files) so every release installs a new worker. Drafts and the
// outbox live sealed in IndexedDB (app/src/pages/offline/phone.rs), never in
// these caches, so a new version can replace the caches without losing
// anything; on Background Sync the worker sends the outbox itself, so forms
// go when the signal returns even with every tab closed.
"use strict";

const VERSION = "__VERSION__";
const CACHE = "chf-" + VERSION;
const APP = "/app";
// The server's copy of the app's page for everyone: it names no one, since
// the caches are not sealed as IndexedDB is. Found under APP (ignoreSearch).
const APP_SHELL = APP + "?shell";
const REGISTER = "/api/v1/register";
// Every built file under /pkg (the script, the stylesheet, the wasm and the
// pieces split from it), as the server found them at start.
const PKG_FILES = __PKG_FILES__;
const SHELL = [
  APP_SHELL,
  ...PKG_FILES,
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

// Background Sync. The pages ask for one after a failed send; the browser
// fires it when it is online, and again later (minutes apart) while the
// handler fails. The worker sends under the same lock as the pages (one
// sender at a time) and honours the same backoff: before it is due, it
// fails the event, which asks the browser to try again later.
self.addEventListener("sync", (event) => {
  if (event.tag !== "chf-outbox") return;
  event.waitUntil(sendOutbox());
});

// The shapes below are those of app/src/pages/offline/phone.rs (records and
// their keys), app/src/domain/sync.rs (the batch and its reply) and
// pages/offline/sync.rs (the backoff); the Rust side is the reference.
const DB = "chf";
const DB_VERSION = 1;
const RECORDS = "records";
const KEYS = "keys";
const MAX_BATCH = 25;
const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

function requested(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function committed(transaction) {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onabort = transaction.onerror = () => reject(transaction.error);
  });
}

async function sendOutbox() {
  // After "Leave this phone" there is no database, and none must be made.
  if (!(await indexedDB.databases()).some((db) => db.name === DB)) return;
  await navigator.locks.request("chf-outbox", { ifAvailable: true }, async (lock) => {
    if (!lock) return; // a page is sending
    const db = await requested(indexedDB.open(DB, DB_VERSION));
    try {
      while (await sendBatch(db)) {}
    } finally {
      db.close();
    }
  });
}

/** Sends one batch; true when more are waiting. */
async function sendBatch(db) {
  const key = await requested(db.transaction(KEYS).objectStore(KEYS).get("device"));
  if (!key) return false;
  const store = db.transaction(RECORDS).objectStore(RECORDS);
  const [names, values] = await Promise.all([requested(store.getAllKeys()), requested(store.getAll())]);
  const sealed = new Map(names.map((name, n) => [name, values[n]]));
  const open = async (name) => {
    const value = sealed.get(name);
    if (!value) return null;
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: value.iv }, key, value.data);
    return JSON.parse(new TextDecoder().decode(plain));
  };
  const log = (await open("sync")) || {};
  if (log.retry_at && log.retry_at > Date.now()) throw new Error("the backoff says to wait");
  const profile = await open("profile");
  const limit = (profile && profile.max_body_bytes) || DEFAULT_MAX_BODY_BYTES;
  const waiting = [];
  for (const name of names.filter((name) => name.startsWith("outbox/"))) {
    const item = await open(name);
    if (item && !item.rejected) waiting.push(item);
  }
  waiting.sort((a, b) => a.queued_at - b.queued_at);
  // As domain::sync::batch_len cuts it; one too large alone is left to the page to refuse.
  const parts = [];
  let used = 0;
  for (const item of waiting.slice(0, MAX_BATCH)) {
    const json = JSON.stringify(item.request);
    const size = new TextEncoder().encode(json).length;
    if (used + size + 1 > limit - 64) break;
    parts.push(json);
    used += size + 1;
  }
  if (parts.length === 0) return false;
  let response;
  try {
    response = await fetch("/api/v1/sync", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"items":[${parts.join(",")}]}`,
      credentials: "same-origin",
      signal: AbortSignal.timeout(20_000),
    });
  } catch (error) {
    await failed(db, key, log, "No connection to the server.");
    throw error;
  }
  if (response.status !== 200) {
    await failed(db, key, log, `The server could not take them just now (error ${response.status}).`);
    // Not enrolled or withdrawn: the app says so when next opened; retrying will not help.
    if (response.status === 401 || response.status === 403) return false;
    throw new Error(`the server answered ${response.status}`);
  }
  const reply = await response.json();
  const now = Date.now();
  const changes = [];
  for (const outcome of reply.outcomes) {
    if (outcome.status === "accepted" || outcome.status === "already_received") {
      changes.push([`outbox/${outcome.id}`, null]);
      changes.push([`sent/${outcome.receipt.id}`, { receipt: outcome.receipt, confirmed_at: now }]);
    } else if (outcome.status === "rejected") {
      const item = waiting.find((item) => item.request.id === outcome.id);
      if (item) changes.push([`outbox/${outcome.id}`, { ...item, rejected: { reason: outcome.reason, fields: outcome.fields || [] } }]);
    }
  }
  changes.push(["sync", { ...log, last_success: now, last_error: null, failures: 0, retry_at: null }]);
  await write(db, key, changes);
  return waiting.length > parts.length;
}

/** Records a failure and the next time anyone may try, as the pages do. */
async function failed(db, key, log, message) {
  const failures = (log.failures || 0) + 1;
  const delay = Math.min(2_000 * 2 ** Math.min(failures - 1, 16), 300_000) * (0.5 + 0.5 * Math.random());
  await write(db, key, [["sync", { ...log, last_error: message, failures, retry_at: Date.now() + delay }]]);
}

/** Seals and writes the changes in one strict transaction, then tells the pages. */
async function write(db, key, changes) {
  const sealedChanges = [];
  for (const [name, value] of changes) {
    if (value === null) {
      sealedChanges.push([name, null]);
      continue;
    }
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode(JSON.stringify(value)));
    sealedChanges.push([name, { iv, data }]);
  }
  const transaction = db.transaction(RECORDS, "readwrite", { durability: "strict" });
  const store = transaction.objectStore(RECORDS);
  for (const [name, value] of sealedChanges) {
    if (value === null) store.delete(name);
    else store.put(value, name);
  }
  await committed(transaction);
  const channel = new BroadcastChannel("chf-records");
  channel.postMessage("changed");
  channel.close();
}
