// A phone for the browser tests: Debian's Chromium with a profile that
// survives closing it, enrolled once online and installed for offline use.
import { expect, chromium, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppServer } from "./app-server";

export const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const launch = {
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
};

/** A browser profile that survives closing the browser, as a phone's does. */
export async function openPhone(server: AppServer, width = 360, profile = mkdtempSync(join(tmpdir(), "chf-phone-"))) {
  const screen = { viewport: { width, height: width === 320 ? 640 : 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
  const context = await chromium.launchPersistentContext(profile, { ...launch, ...screen, baseURL: server.url });
  return { context, profile };
}

/** Zero axe violations, and nothing wider than the screen. */
export async function axe(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(results.violations.map((v) => `${page.url()} ${v.id}: ${v.help}`)).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

export async function appReady(page: Page) {
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await expect(page.getByRole("heading", { name: "Tell us what you saw" })).toBeVisible();
  await expect(page.getByTestId("app-opening")).toHaveCount(0);
}

export async function continueOn(page: Page) {
  await page.getByRole("button", { name: "Continue" }).click();
}

/** Enrols in the app while online, and waits until it is installed for offline use. */
export async function installAndEnrol(page: Page, server: AppServer, { name = "Nurse B Example", role = "District or community nurse" } = {}) {
  const code = server.addOrganisation(`Puddlecombe Surgery ${Math.random().toString(36).slice(2, 8)}`);
  await page.goto("/app");
  await appReady(page);
  await page.getByRole("button", { name: "Enrol this device" }).click();
  await expect(page).toHaveURL(/\/enrol\?next=app$/);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel(role, { exact: true }).check();
  await page.getByLabel("Access code").fill(code);
  await page.getByRole("button", { name: "Enrol this device" }).click();
  await expect(page).toHaveURL(/\/app$/);
  await appReady(page);
  await expect(page.getByTestId("enrolled-as")).toHaveText(new RegExp(name));
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null && localStorage.getItem("chf.register.v1") !== null, null, { timeout: 20_000 });
  await page.waitForFunction(async () => (await caches.keys()).length === 1 && (await (await caches.open((await caches.keys())[0])).keys()).length >= 10, null, { timeout: 20_000 });
}
