// Benchmark (not a test): time from opening the installed app with no network
// to its interactive start page, from the app's own performance mark
// ("chf-app-ready", measured from the navigation's start). Median of runs.
// Usage: node offline-open.mjs BASE_URL ACCESS_CODE [RUNS]
import { chromium } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [baseURL, code, runs = "9"] = process.argv.slice(2);
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "chf-bench-")), {
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  viewport: { width: 360, height: 740 },
  baseURL,
});
const page = context.pages()[0] ?? (await context.newPage());
await page.goto("/enrol?next=app");
await page.getByLabel("Your name").fill("Bench");
await page.getByLabel("GP", { exact: true }).check();
await page.getByLabel("Access code").fill(code);
await page.getByRole("button", { name: "Enrol this device" }).click();
await page.waitForFunction(() => navigator.serviceWorker.controller !== null && localStorage.getItem("chf.register.v1") !== null);
await page.waitForFunction(async () => (await caches.keys()).length === 1);
await page.close();

await context.setOffline(true);
const times = [];
for (let n = 0; n < Number(runs); n++) {
  const tab = await context.newPage();
  await tab.goto("/app");
  await tab.getByRole("button", { name: "Start a new form" }).waitFor();
  times.push(await tab.evaluate(() => performance.getEntriesByName("chf-app-ready")[0]?.startTime ?? NaN));
  await tab.close();
}
await context.close();
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`runs (ms): ${times.map((t) => t.toFixed(0)).join(", ")}`);
console.log(`median: ${median.toFixed(0)} ms (target 300 ms)`);
