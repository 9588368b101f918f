// A phone for the browser tests: Debian's Chromium with a profile that
// survives closing it, enrolled once online and installed for offline use.
import { expect, chromium, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { execFileSync } from "node:child_process";
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

/** How long a page may take to download and start the wasm. Under a full run's load (two
 * workers, a server and Chromium each, on 2 cores) compiling it once took over 10 s; speed is
 * measured by `scripts/bench`, not here. */
export const HYDRATION_TIMEOUT = 30_000;

export async function appReady(page: Page) {
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1, { timeout: HYDRATION_TIMEOUT });
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
  // Not enrolled yet: the server's page says how; the app itself waits for the enrolment.
  await page.getByRole("button", { name: "Enrol this device" }).click();
  await expect(page).toHaveURL(/\/enrol\?next=app$/);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel(role, { exact: true }).check();
  await page.getByLabel("Access code").fill(code);
  await page.getByRole("button", { name: "Enrol this device" }).click();
  await expect(page).toHaveURL(/\/app$/);
  await appReady(page);
  await expect(page.getByTestId("enrolled-as")).toHaveText(new RegExp(name));
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
  await expect.poll(() => storedRecords(page), { timeout: 20_000 }).toContain("register");
  await allSaved(page);
  await page.waitForFunction(async () => (await caches.keys()).length === 1 && (await (await caches.open((await caches.keys())[0])).keys()).length >= 10, null, { timeout: 20_000 });
}

/** From the app's start page to its check page; `staffing` other than Good adds the concerns page. */
export async function fillAppForm(page: Page, { staffing = "Good", check = false, sharedWith = "Nurse in charge" } = {}) {
  await page.getByRole("button", { name: "Give feedback about a care home" }).click();
  await expect(page.getByRole("heading", { name: /Which service did you visit/ })).toBeVisible();
  if (check) await axe(page);
  await page.getByLabel("Search by name or town").fill("heron");
  await page.getByLabel(/Heron House/).check();
  await continueOn(page);
  await expect(page.getByRole("heading", { name: "When was your visit?" })).toBeVisible();
  await page.getByLabel("Morning").check();
  await continueOn(page);
  // Role and organisation come from the phone: their page is passed by.
  await expect(page.getByRole("heading", { name: "Why did you visit? (optional)" })).toBeVisible();
  await continueOn(page);
  for (const [heading, rating] of [
    ["How did the residents appear?", "Good"],
    ["What was the physical environment like?", "Good"],
    ["How did staff and residents interact?", "Good"],
    ["What was the level of staffing?", staffing],
  ]) {
    await expect(page.getByRole("heading", { name: heading })).toBeVisible();
    await page.getByLabel(rating, { exact: true }).check();
    if (rating === "Serious concerns") {
      // A red report with no detail is refused: the form's version 2 asks for it.
      await continueOn(page);
      await expect(page.getByRole("link", { name: "Describe what you saw: serious concerns need the detail" })).toBeVisible();
      await page.getByLabel(/What did you see/).fill("One carer for twenty residents at lunch.");
    }
    await continueOn(page);
  }
  if (staffing !== "Good") {
    await page.getByLabel("Lack of supervision").check();
    await continueOn(page);
  }
  await expect(page.getByRole("heading", { name: "Is anyone at immediate risk of harm?" })).toBeVisible();
  await page.getByLabel("No", { exact: true }).check();
  await continueOn(page);
  await page.getByLabel("Yes", { exact: true }).check();
  await page.getByLabel("What is their role?").fill(sharedWith);
  await continueOn(page);
  await page.getByLabel("No", { exact: true }).check();
  await continueOn(page);
  await expect(page.getByRole("heading", { name: "Check your answers before sending" })).toBeVisible();
  if (check) await axe(page);
}

export async function send(page: Page) {
  await page.getByRole("button", { name: "Send observation" }).click();
  await expect(page.getByRole("heading", { name: /Saved on this device|Observation sent/ })).toBeVisible();
  return page.url().split("/").pop()!;
}

/** The names of the records the app keeps in IndexedDB (the names are not secret; the values are sealed). */
export async function storedRecords(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    if (!(await indexedDB.databases()).some((db) => db.name === "chf")) return [];
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open("chf");
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const names = await new Promise<IDBValidKey[]>((resolve, reject) => {
      const request = db.transaction("records").objectStore("records").getAllKeys();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return names.map(String);
  });
}

/** Waits until every change the app made is on disk (it marks `<html data-unsaved>` until then). */
export async function allSaved(page: Page) {
  await expect(page.locator("html[data-unsaved]")).toHaveCount(0);
}

/** Everything readable in the page's origin: localStorage, every IndexedDB record (binary decoded as text) and Cache Storage. */
export async function everythingStored(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const parts: string[] = [];
    for (let n = 0; n < localStorage.length; n++) {
      const key = localStorage.key(n)!;
      parts.push(key, localStorage.getItem(key) ?? "");
    }
    const text = (value: unknown): string => {
      if (value instanceof ArrayBuffer) return new TextDecoder().decode(value);
      if (ArrayBuffer.isView(value)) return new TextDecoder().decode(value as Uint8Array);
      if (value && typeof value === "object") return JSON.stringify(value) + " " + Object.values(value).map(text).join(" ");
      return String(value);
    };
    const request = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    for (const info of await indexedDB.databases()) {
      const db = await request(indexedDB.open(info.name!));
      for (const store of Array.from(db.objectStoreNames)) {
        const [keys, values] = await Promise.all([
          request(db.transaction(store).objectStore(store).getAllKeys()),
          request(db.transaction(store).objectStore(store).getAll()),
        ]);
        parts.push(info.name!, store, ...keys.map(String), ...values.map(text));
      }
      db.close();
    }
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const cached of await cache.keys()) parts.push(name, cached.url, await (await cache.match(cached))!.text());
    }
    return parts.join("\n");
  });
}

/** Kills the phone's browser as a phone's OS would (SIGKILL, no chance to write anything). */
export function killBrowser(profile: string) {
  const processes = execFileSync("ps", ["-eo", "pid=,args="]).toString().split("\n");
  const browsers = processes.filter((line) => line.includes(`--user-data-dir=${profile}`) && !line.includes("--type="));
  if (browsers.length === 0) throw new Error(`no browser running on ${profile}`);
  for (const line of browsers) process.kill(parseInt(line.trim(), 10), "SIGKILL");
}
