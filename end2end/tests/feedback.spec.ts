import { test, expect, Page, Browser } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { addOrganisation, storedSubmission } from "./server";

const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

// A whole journey is about 15 pages, each checked with axe.
test.describe.configure({ timeout: 120_000 });

/** Pages with JavaScript off: axe cannot run in them (it is a script); the
 * same server-rendered pages are checked in the other journeys. */
const scriptless = new WeakSet<Page>();

/** Zero axe violations, and nothing wider than the screen. */
async function checkPage(page: Page) {
  if (scriptless.has(page)) return;
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(results.violations.map((v) => `${page.url()} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(", ")})`)).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `horizontal overflow on ${page.url()}`).toBeLessThanOrEqual(0);
}

async function continueOn(page: Page) {
  await page.getByRole("button", { name: "Continue" }).click();
}

async function enrol(page: Page) {
  const code = addOrganisation(`Puddlecombe Surgery ${Date.now()}-${Math.random().toString(36).slice(2, 6)}`);
  await page.goto("/feedback");
  await checkPage(page);
  await page.getByRole("button", { name: "Enrol this device" }).click();
  await expect(page).toHaveURL(/\/enrol$/);
  await checkPage(page);
  await page.getByLabel("Your name").fill("Dr A Example");
  await page.getByLabel("GP", { exact: true }).check();
  await page.getByLabel("Access code").fill(code.toLowerCase());
  await page.getByRole("button", { name: "Enrol this device" }).click();
  await expect(page).toHaveURL(/\/feedback$/);
  await expect(page.getByText("Enrolled as Dr A Example")).toBeVisible();
}

type Answers = { risk?: "Yes" | "No"; environment?: string };

/** Walks the whole form from the start page to the check page. */
async function fillForm(page: Page, answers: Answers = {}) {
  await page.getByRole("button", { name: "Start now" }).click();
  await expect(page).toHaveURL(/\/feedback\/service$/);
  await checkPage(page);
  await page.getByLabel("Search by name or town").fill("heron");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByLabel(/Heron House/).check();
  await continueOn(page);

  await expect(page.getByRole("heading", { name: "When was your visit?" })).toBeVisible();
  await checkPage(page);
  // The NHS date pattern, today's date already in its three boxes.
  const date = page.getByRole("group", { name: "Date of your visit" });
  await expect(date.getByLabel("Day")).toHaveValue(/^\d{1,2}$/);
  await expect(date.getByLabel("Month")).toHaveValue(/^\d{1,2}$/);
  await expect(date.getByLabel("Year")).toHaveValue(/^\d{4}$/);
  await page.getByLabel("Morning").check();
  await continueOn(page);

  // Remembered from enrolment: not asked twice.
  await expect(page.getByLabel("GP", { exact: true })).toBeChecked();
  await expect(page.getByLabel("Your organisation")).toHaveValue(/Puddlecombe Surgery/);
  await checkPage(page);
  await continueOn(page);

  await checkPage(page);
  await page.getByLabel("Why did you visit? (optional)").fill("Medication review");
  await continueOn(page);

  for (const [heading, rating] of [
    ["How did the residents appear?", "Good"],
    ["What was the physical environment like?", answers.environment ?? "Some concerns"],
    ["How did staff and residents interact?", "Good"],
    ["What was the level of staffing?", "Good"],
  ]) {
    await expect(page.getByRole("heading", { name: heading })).toBeVisible();
    await expect(page.getByText("Do not include residents' names").first()).toBeVisible();
    await checkPage(page);
    await page.getByLabel(rating, { exact: true }).check();
    if (rating !== "Good") await page.getByLabel(/What did you see/).fill("Strong odour in the lounge");
    await continueOn(page);
  }

  if ((answers.environment ?? "Some concerns") !== "Good") {
    await expect(page.getByRole("heading", { name: "What kinds of concern did you see?" })).toBeVisible();
    await checkPage(page);
    await page.getByLabel("Poor environment or hygiene").check();
    await continueOn(page);
  }

  await expect(page.getByRole("heading", { name: "Is anyone at immediate risk of harm?" })).toBeVisible();
  await checkPage(page);
  await page.getByLabel(answers.risk ?? "No", { exact: true }).check();
  if (answers.risk === "Yes") {
    // Asked only once someone is at risk: has the call been made?
    await continueOn(page);
    await expect(page.getByRole("link", { name: "Select whether you have called" })).toBeVisible();
    await page.getByLabel("Yes, I have called").check();
  }
  await continueOn(page);

  await checkPage(page);
  await page.getByLabel("Yes", { exact: true }).check();
  await page.getByLabel("What is their role?").fill("Nurse in charge");
  await continueOn(page);

  await checkPage(page);
  await page.getByLabel("No", { exact: true }).check();
  await continueOn(page);
  await expect(page).toHaveURL(/\/feedback\/check$/);
  await checkPage(page);
}

/** Sends from the check page; returns the submission id from the confirmation's address. */
async function send(page: Page): Promise<string> {
  await page.getByRole("button", { name: "Send observation" }).click();
  await expect(page.getByRole("heading", { name: "Observation sent" })).toBeVisible();
  await checkPage(page);
  const id = page.url().split("/").pop()!;
  await expect(page.getByTestId("reference")).toHaveText(id.slice(0, 8).toUpperCase());
  return id;
}

function summaryValue(page: Page, question: string) {
  return page.locator(".nhsuk-summary-list__row", { has: page.locator("dt", { hasText: question }) }).locator(".nhsuk-summary-list__value");
}

async function fullJourneyWithAChange(page: Page) {
  await enrol(page);
  await fillForm(page);
  await expect(summaryValue(page, "Which service did you visit?")).toHaveText("Heron House, " + (await summaryValue(page, "Which service did you visit?").textContent())!.split(", ")[1]);
  await expect(summaryValue(page, "What was the level of staffing?")).toHaveText("Good");

  await page.getByRole("link", { name: "Change what was the level of staffing?" }).click();
  await expect(page).toHaveURL(/\/feedback\/staffing\?return=check$/);
  await page.getByLabel("Serious concerns", { exact: true }).check();
  // A red report with no detail is refused: the form's version 2 asks for it.
  await continueOn(page);
  await expect(page.getByRole("link", { name: "Describe what you saw: serious concerns need the detail" })).toBeVisible();
  await page.getByLabel(/What did you see/).fill("One carer for 30 residents");
  await continueOn(page);
  await expect(page).toHaveURL(/\/feedback\/check$/);
  await expect(summaryValue(page, "What was the level of staffing?")).toHaveText("Serious concerns: One carer for 30 residents");

  const id = await send(page);
  const row = storedSubmission(id);
  expect(row).not.toBeNull();
  expect(row!.severity).toBe("red");
  expect(row!.severity_reason).toBe("Serious concerns: staffing; Some concerns: environment");
  expect([row!.form_id, row!.form_version]).toEqual(["professional-feedback", 3]);
  expect(row!.answers.service).toEqual({ type: "service", value: "1-000000003" });
}

test("a GP fills in the whole form on a 360 px phone, changes an answer and sends it", { tag: "@store" }, async ({ page }) => {
  await fullJourneyWithAChange(page);
});

test("the whole form works on a 320 px screen", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });
  await fullJourneyWithAChange(await context.newPage());
  await context.close();
});

test("the whole form works with JavaScript turned off", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  scriptless.add(page);
  await fullJourneyWithAChange(page);
  await context.close();
});

test("the form's pages are plain HTML: a phone downloads no script or wasm for them", async ({ page }) => {
  await enrol(page);
  const fetched: string[] = [];
  page.on("request", (request) => fetched.push(new URL(request.url()).pathname));
  await page.goto("/feedback/visit");
  await expect(page.getByRole("heading", { name: "When was your visit?" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(fetched.filter((path) => /\.(js|wasm)$/.test(path))).toEqual([]);
  // Named by its content, so a browser keeps it for a year and a release still shows at once.
  const stylesheet = fetched.find((path) => /^\/pkg\/chf\.[\w-]{22}\.css$/.test(path));
  expect(stylesheet, `a content-named stylesheet among ${fetched}`).toBeTruthy();
  const response = await page.request.get(stylesheet!);
  expect(response.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  expect((await page.request.get("/favicon.svg")).headers()["cache-control"]).toBe("no-cache");
});

test("a missing answer shows the error summary, focused, linking to the field", async ({ page }) => {
  await enrol(page);
  await page.goto("/feedback/appearance");
  await continueOn(page);
  const summary = page.locator(".nhsuk-error-summary");
  await expect(summary).toBeFocused();
  await expect(summary.getByRole("heading", { name: "There is a problem" })).toBeVisible();
  await expect(page).toHaveTitle(/^Error: /);
  await checkPage(page);
  await summary.getByRole("link", { name: "Select how the residents appeared" }).click();
  await expect(page.locator("#appearance")).toBeFocused();
  await expect(page.locator(".nhsuk-error-message")).toContainText("Select how the residents appeared");
});

test("saying someone is at risk of harm shows the stop-and-call panel and makes the observation red", async ({ page }) => {
  await enrol(page);
  await page.goto("/feedback/risk");
  const panel = page.getByTestId("safeguarding-panel");
  await expect(panel).toBeHidden();
  await page.getByLabel("Yes", { exact: true }).check();
  await expect(panel).toBeVisible();
  await expect(panel).toContainText("call 999");
  await expect(panel.getByRole("link", { name: "Call 999" })).toHaveAttribute("href", "tel:999");
  await checkPage(page);
  await continueOn(page);

  await page.goto("/feedback");
  await page.getByRole("button", { name: "Continue your form" }).click();
  // The check page sends people to the first unanswered page; fill the rest.
  await page.getByRole("button", { name: "Send observation" }).click();
  await expect(page).toHaveURL(/\/feedback\/service\?return=check$/);
  await page.goto("/feedback");
  await page.getByRole("button", { name: "Delete it and start again" }).click();
  await fillForm(page, { risk: "Yes", environment: "Good" });
  await expect(page.getByTestId("safeguarding-panel")).toBeVisible();
  const id = await send(page);
  const row = storedSubmission(id)!;
  expect([row.severity, row.severity_reason]).toEqual(["red", "Immediate risk of harm"]);
});

test("a wrong access code is refused on its field, keeping the name", async ({ page }) => {
  await page.goto("/enrol");
  await page.getByLabel("Your name").fill("Dr A Example");
  await page.getByLabel("Paramedic").check();
  await page.getByLabel("Access code").fill("AAAA-BBBB-CCCC");
  await page.getByRole("button", { name: "Enrol this device" }).click();
  await expect(page.locator(".nhsuk-error-summary")).toBeFocused();
  await expect(page.getByRole("link", { name: "Enter the access code your organisation gave you" })).toBeVisible();
  await expect(page.getByLabel("Your name")).toHaveValue("Dr A Example");
  await expect(page.getByLabel("Paramedic")).toBeChecked();
  await checkPage(page);
});
