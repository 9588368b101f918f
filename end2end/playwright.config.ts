import { defineConfig, devices } from "@playwright/test";
import { baseURL, database, dataDir, port, root, serverBin } from "./tests/server";

// The release server, on a port scripts/test picked as free, with a fresh
// database (in the folder scripts/test made, or with E2E_DATABASE=postgres the
// PostgreSQL database it made), and the demo register loaded.

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
    command: [serverBin, ...database.serverArgs, "serve", "--demo", "--addr", `127.0.0.1:${port}`, "--data-dir", dataDir].join(" "),
    cwd: root,
    url: `${baseURL}/readyz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: { LEPTOS_SITE_ROOT: `${root}/target/site`, RUST_LOG: "warn" },
  },
});
