// Starts the app's wasm on /app, or waits (see pages/offline.rs). The
// hydration scripts wait inert in the template until then.
(() => {
  const scripts = document.getElementById("chf-app-scripts");
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    for (const node of scripts.content.children) document.head.append(document.importNode(node, true));
  };
  const worker = navigator.serviceWorker;
  // From the worker's cache (the app is there too), or at a screen of its own: at once.
  if (!worker || worker.controller || location.hash.length > 2) return start();
  // A first visit: the server's page is the start page. A link to start a
  // form starts the app at once; otherwise it waits until the worker holds it.
  addEventListener("hashchange", () => {
    const status = document.getElementById("app-status");
    if (status) status.textContent = "Opening the form…";
    start();
  });
  worker.register("/sw.js").catch(start);
  // What this phone keeps shows only once the app runs.
  if (!indexedDB.databases) return start();
  indexedDB.databases().then((databases) => databases.some((db) => db.name === "chf") && start(), start);
  // Until a phone is enrolled the app has nothing to do (the page says how to
  // enrol); the worker still fetches it, for after enrolment.
  addEventListener("DOMContentLoaded", () => {
    const visitor = document.getElementById("app-first")?.dataset.visitor;
    if (visitor === "enrolled" || visitor === "shell") worker.addEventListener("controllerchange", start);
  });
})();
