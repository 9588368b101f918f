// Benchmark (not a test): what a phone downloads on its first visit to a page,
// brotli as served. A fresh browser with the service worker blocked opens the
// page and waits until nothing more loads (for /app, until its start page is
// drawn); each same-origin file it asked for is then fetched again with
// `accept-encoding: br` and its size counted (Chromium does not ask for brotli
// over plain http). Prints one line per file and the total.
// Usage: node first-visit.mjs BASE_URL PATH [COOKIE_VALUE]
import { chromium } from "@playwright/test";
import { execFileSync } from "node:child_process";

const [baseURL, path, device] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const context = await browser.newContext({ baseURL, serviceWorkers: "block", viewport: { width: 360, height: 740 } });
if (device) await context.addCookies([{ name: "chf_device", value: device, url: baseURL }]);
const page = await context.newPage();
const urls = [];
page.on("request", (request) => {
  const url = new URL(request.url());
  if (url.origin === new URL(baseURL).origin && !urls.includes(url.pathname + url.search)) urls.push(url.pathname + url.search);
});
await page.goto(path, { waitUntil: "networkidle" });
if (path === "/app") await page.waitForFunction(() => performance.getEntriesByName("chf-app-ready").length > 0, null, { timeout: 30_000 });
await page.waitForLoadState("networkidle");
await browser.close();

let total = 0;
for (const url of urls) {
  const [size, encoding] = asSent(url);
  total += size;
  console.log(`${url.slice(0, 60).padEnd(60)} ${String(size).padStart(8)} bytes${encoding === "br" ? " (brotli)" : ""}`);
}
console.log(`${"first visit total".padEnd(60)} ${String(total).padStart(8)} bytes (${Math.round(total / 1024)} KB; target 150 KB)`);

// The bytes on the wire and their encoding, as curl receives them asking for brotli.
function asSent(url) {
  const args = ["-s", "-o", "/dev/null", "-D", "-", "-w", "size=%{size_download}", "-H", "accept-encoding: br"];
  if (device) args.push("-b", `chf_device=${device}`);
  const out = execFileSync("curl", [...args, new URL(url, baseURL).href]).toString();
  const encoding = /^content-encoding:\s*(\S+)/im.exec(out)?.[1] ?? "identity";
  return [Number(/size=(\d+)/.exec(out)[1]), encoding];
}
