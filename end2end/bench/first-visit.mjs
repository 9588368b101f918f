// Benchmark (not a test): what a phone downloads on its first visit to a page,
// brotli as served. A fresh browser opens the page and waits until nothing
// more loads (for /app, until the app has taken over from the server's start
// page, which it does once the service worker has fetched it). Each
// same-origin file is then fetched again with `accept-encoding: br` and its
// size counted (Chromium does not ask for brotli over plain http).
// Prints what the page itself fetched (the first-visit figure: what the phone
// waits for), then what the service worker fetched in the background to work
// offline, file by file with totals.
// Usage: node first-visit.mjs BASE_URL PATH [COOKIE_VALUE]
import { chromium } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [baseURL, path, device] = process.argv.slice(2);
const origin = new URL(baseURL).origin;
// A persistent profile: Playwright reports a service worker's own requests only there.
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "chf-bench-")), {
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
  baseURL,
  viewport: { width: 360, height: 740 },
});
if (device) await context.addCookies([{ name: "chf_device", value: device, url: baseURL }]);
const page = context.pages()[0] ?? (await context.newPage());
const byPage = [];
const byWorker = [];
const answered = [];
context.on("request", (request) => {
  const url = new URL(request.url());
  if (url.origin !== origin) return;
  const name = url.pathname + url.search;
  const list = request.serviceWorker() ? byWorker : byPage;
  answered.push(
    request.response().then((response) => {
      // What the worker answered from its cache never touched the network.
      if (list === byPage && response?.fromServiceWorker()) return;
      if (!list.includes(name)) list.push(name);
    }),
  );
});
await page.goto(path, { waitUntil: "networkidle" });
if (path === "/app") await page.waitForFunction(() => performance.getEntriesByName("chf-app-ready").length > 0, null, { timeout: 60_000 });
await page.waitForLoadState("networkidle");
await page.waitForTimeout(500);
await Promise.allSettled(answered);
await context.close();

const pageTotal = report(byPage);
console.log(`${"first visit total".padEnd(60)} ${String(pageTotal).padStart(8)} bytes (${Math.round(pageTotal / 1024)} KB; target 150 KB)`);
if (byWorker.length) {
  console.log("then, in the background, the service worker fetched for use with no signal:");
  const workerTotal = report(byWorker);
  console.log(`${"service worker total".padEnd(60)} ${String(workerTotal).padStart(8)} bytes (${Math.round(workerTotal / 1024)} KB)`);
}

function report(urls) {
  let total = 0;
  for (const url of urls) {
    const [size, encoding] = asSent(url);
    total += size;
    console.log(`${url.slice(0, 60).padEnd(60)} ${String(size).padStart(8)} bytes${encoding === "br" ? " (brotli)" : ""}`);
  }
  return total;
}

// The bytes on the wire and their encoding, as curl receives them asking for brotli.
function asSent(url) {
  const args = ["-s", "-o", "/dev/null", "-D", "-", "-w", "size=%{size_download}", "-H", "accept-encoding: br"];
  if (device) args.push("-b", `chf_device=${device}`);
  const out = execFileSync("curl", [...args, new URL(url, baseURL).href]).toString();
  const encoding = /^content-encoding:\s*(\S+)/im.exec(out)?.[1] ?? "identity";
  return [Number(/size=(\d+)/.exec(out)[1]), encoding];
}
