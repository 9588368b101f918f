import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

// The release server, on a port scripts/test picked as free, with a fresh
// database in a new temporary folder and the demo register loaded.
const port = Number(process.env.E2E_PORT ?? 3901);
const baseURL = `http://127.0.0.1:${port}`;
const root = resolve(__dirname, "..");
const dataDir = mkdtempSync(join(tmpdir(), "chf-e2e-"));

const chromium = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: chromium,
  },
  projects: [
    {
      name: "phone",
      use: { ...devices["Pixel 5"], viewport: { width: 360, height: 740 }, launchOptions: chromium },
    },
  ],
  webServer: {
    command: `${root}/target/release/server serve --demo --addr 127.0.0.1:${port} --data-dir ${dataDir}`,
    cwd: root,
    url: `${baseURL}/readyz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: { LEPTOS_SITE_ROOT: `${root}/target/site`, RUST_LOG: "warn" },
  },
});
