import { test, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { HYDRATION_TIMEOUT } from "./phone";

// Collects errors the page logs, so a failed hydration (which leaves a dead
// page but no visible error) fails the test.
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  return errors;
}

test("the register page is server-rendered with the whole demo register, and loads no wasm", async ({ page }) => {
  const fetched: string[] = [];
  page.on("request", (request) => fetched.push(new URL(request.url()).pathname));
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Register of services" })).toBeVisible();
  await expect(page.getByTestId("results-summary")).toHaveText("109 services in the register");
  await expect(page.locator(".service-card")).toHaveCount(50);
  // The live search is a small script of its own; the offline app's wasm is not fetched.
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1, { timeout: HYDRATION_TIMEOUT });
  expect(fetched).toContain("/register.js");
  expect(fetched.filter((path) => path.endsWith(".wasm") || /^\/pkg\/.*\.js$/.test(path))).toEqual([]);
});

test("search without JavaScript submits the form and filters on the server", { tag: "@store" }, async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await page.goto("/");
  await page.getByLabel("Search by name or town").fill("Gullhaven");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\?q=Gullhaven$/);
  await expect(page.getByTestId("results-summary")).toHaveText(/^\d+ services match “Gullhaven”$/);
  const metas = await page.locator(".service-card__meta").allTextContents();
  expect(metas.length).toBeGreaterThan(1);
  for (const meta of metas) expect(meta).toContain("Gullhaven");
  await context.close();
});

test("once hydrated, results follow the typing without a page load", { tag: "@store" }, async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/");
  // The app marks <html> from an effect, which only runs once hydrated.
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1, { timeout: HYDRATION_TIMEOUT });
  let navigations = 0;
  page.on("framenavigated", () => navigations++);

  await page.getByLabel("Search by name or town").pressSequentially("heron");
  await expect(page.getByTestId("results-summary")).toHaveText("4 services match “heron”");
  await expect(page.locator(".service-card__name")).toHaveText(["Heron Court", "Heron House", "Heron Lodge", "Heron Manor"]);
  expect(navigations).toBe(0);
  expect(page.url()).not.toContain("?q=");

  await page.getByLabel("Search by name or town").fill("no such place");
  await expect(page.getByTestId("results-summary")).toHaveText("No services match “no such place”");
  await expect(page.locator(".service-card")).toHaveCount(0);
  // The server cannot be reached: the last results stay, with a message.
  await page.route("**/?q=*", (route) => route.abort());
  await page.getByLabel("Search by name or town").fill("heron");
  await expect(page.getByRole("alert")).toHaveText("The register could not be searched. Try again shortly.");
  await page.unroute("**/?q=*");
  await page.getByLabel("Search by name or town").fill("heron house");
  await expect(page.getByTestId("results-summary")).toHaveText("1 service matches “heron house”");
  await expect(page.getByRole("alert")).toBeHidden();
  expect(errors.filter((error) => !error.includes("net::ERR_FAILED"))).toEqual([]);
});

test("hostile search text is shown as text, never run", { tag: "@store" }, async ({ page }) => {
  const errors = watchErrors(page);
  let dialogs = 0;
  page.on("dialog", (dialog) => {
    dialogs++;
    return dialog.dismiss();
  });
  await page.goto("/?q=" + encodeURIComponent('<img src=x onerror="alert(1)">'));
  await expect(page.getByTestId("results-summary")).toHaveText('No services match “<img src=x onerror="alert(1)">”');
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1, { timeout: HYDRATION_TIMEOUT });
  expect(dialogs).toBe(0);
  expect(errors).toEqual([]);
});

test("the register page has no axe violations and fits a 320 px screen", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto("/");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1, { timeout: HYDRATION_TIMEOUT });
  await page.locator(".nhsuk-details__summary").first().click();
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
