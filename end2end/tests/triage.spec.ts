// Triage in a real browser: a commissioner logs in, takes an urgent
// observation from new to closed and reads the timeline; a new observation
// appears in an open inbox without a reload; two commissioners clash; the
// CSV export. Each test has its own server and database (with the demo data).
import { readFileSync } from "fs";
import { test, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { AppServer } from "./app-server";
import { deviceToken, sendObservation } from "./observations";

const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const PASSWORD = "correct horse battery staple";

test.describe.configure({ timeout: 90_000 });

/** Zero axe violations, and nothing wider than the screen. */
async function checkPage(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(results.violations.map((v) => `${page.url()} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(", ")})`)).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `horizontal overflow on ${page.url()}`).toBeLessThanOrEqual(0);
}

async function logIn(page: Page, server: AppServer, email: string, check = false) {
  await page.goto(`${server.url}/triage`);
  await expect(page).toHaveURL(/\/login\?next=%2Ftriage$/);
  if (check) {
    await checkPage(page);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByRole("alert")).toBeFocused();
    await expect(page.getByRole("link", { name: "Enter your email address" })).toBeVisible();
    await checkPage(page);
  }
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/triage$/);
}

test("a commissioner takes an urgent observation from new to closed and reads the timeline", { tag: "@store" }, async ({ page }) => {
  const server = await AppServer.start();
  try {
    server.addUser("jo@example.org", "Jo Test", "commissioner", PASSWORD);
    const token = await deviceToken(server);
    const id = await sendObservation(server, token, {
      staffing: "serious_concerns",
      staffing_comment: "One carer for twenty residents at breakfast",
      concern_types: ["lack_of_supervision"],
    });

    await logIn(page, server, "jo@example.org", true);
    await expect(page.getByRole("heading", { level: 1, name: "Inbox" })).toBeVisible();
    await checkPage(page);
    const item = page.locator(".inbox__item", { has: page.locator(`a[href="/triage/observations/${id}"]`) });
    await expect(item).toContainText("Red");
    await expect(item).toContainText("Serious concerns: staffing");
    await item.locator(".inbox__service").click();

    await expect(page.getByText("One carer for twenty residents at breakfast")).toBeVisible();
    await checkPage(page);

    // A note with nothing in it: the error summary takes focus and links to the field.
    await page.getByRole("button", { name: "Add note" }).click();
    await expect(page.getByRole("alert")).toBeFocused();
    await checkPage(page);
    await page.getByRole("link", { name: "Enter a note" }).click();
    await expect(page.locator("#note-note")).toBeFocused();

    await page.getByLabel("Officer").selectOption({ label: "Jo Test" });
    await page.locator("#assign-note").fill("Calling the manager now");
    await page.getByRole("button", { name: "Acknowledge and assign" }).click();
    await expect(page.getByRole("status")).toHaveText("Done: Acknowledged and assigned to Jo Test");
    await expect(page.locator(".timeline").getByText("Acknowledged and assigned to Jo Test")).toBeVisible();

    await page.getByLabel("Safeguarding referral").check();
    await page.locator("#outcome-note").fill("Referred to the adult safeguarding team");
    await page.getByRole("button", { name: "Record outcome" }).click();
    await expect(page.getByRole("status")).toHaveText("Done: Outcome recorded: Safeguarding referral");
    await expect(page.locator(".timeline").getByText("Outcome recorded: Safeguarding referral")).toBeVisible();

    await page.getByRole("button", { name: "Close", exact: true }).click();
    await expect(page.locator(".inbox__tags")).toContainText("Closed");
    await checkPage(page);

    const timeline = page.locator(".timeline__what");
    await expect(timeline).toHaveText([
      "Received",
      "Acknowledged and assigned to Jo Test",
      "Outcome recorded: Safeguarding referral",
      "Closed",
    ]);
    await expect(page.locator(".timeline")).toContainText("Calling the manager now");
    await expect(page.locator(".timeline")).toContainText("by Jo Test");
    await expect(page.getByRole("button", { name: "Reopen" })).toBeVisible();

    // The service's picture over time, and the flagged services.
    await page.locator('a[href="/triage/services/1-000000007"]').click();
    await expect(page.getByRole("heading", { level: 3, name: "Staffing" })).toBeVisible();
    await checkPage(page);
    await page.getByRole("link", { name: "All homes" }).first().click();
    await expect(page.getByRole("heading", { level: 1, name: "All homes" })).toBeVisible();
    await checkPage(page);
    await page.goto(`${server.url}/triage/observations/${id}`);

    // Closed observations leave the default (open) inbox.
    await page.getByRole("link", { name: "Back to the inbox" }).click();
    await expect(page.locator(`a[href="/triage/observations/${id}"]`)).toHaveCount(0);
  } finally {
    await server.down();
  }
});

test("a new observation appears in an open inbox without a reload, and the CSV has its columns", { tag: "@store" }, async ({ page }) => {
  const server = await AppServer.start();
  try {
    server.addUser("jo@example.org", "Jo Test", "commissioner", PASSWORD);
    const token = await deviceToken(server);
    await logIn(page, server, "jo@example.org");
    await page.evaluate(() => ((window as any).notReloaded = true));
    const before = await page.locator("#results").textContent();

    const id = await sendObservation(server, token, { environment: "some_concerns", environment_comment: "Lounge cold", concern_types: ["poor_environment"] });
    await expect(page.locator(`a[href="/triage/observations/${id}"]`)).toBeVisible();
    await expect(page.locator("#results")).not.toHaveText(before!);
    expect(await page.evaluate(() => (window as any).notReloaded)).toBe(true);
    await checkPage(page);

    const csv = await page.request.get(`${server.url}/triage/export.csv?severity=amber`);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe(
      "id,received_at,service_location_id,service_name,severity,severity_reason,status,assigned_to,overdue,link," +
        "visit_date,visitor_role,visitor_organisation,form,form_version,outcome,closed_at",
    );
    expect(lines.some((line) => line.startsWith(`${id},`))).toBe(true);
    expect(lines.slice(1).every((line) => line.split(",")[4] === "amber")).toBe(true);
  } finally {
    await server.down();
  }
});

test("at 1280×800 the inbox's first screen holds 8 observations, risk of harm first; filters fold; a reference finds its observation; all homes sorts", { tag: "@store" }, async ({ page }) => {
  const server = await AppServer.start();
  try {
    server.addUser("jo@example.org", "Jo Test", "commissioner", PASSWORD);
    const token = await deviceToken(server);
    const id = await sendObservation(server, token, { interaction: "some_concerns", interaction_comment: "Nobody spoke to residents" });
    await page.setViewportSize({ width: 1280, height: 800 });
    await logIn(page, server, "jo@example.org");

    // The demo's risk-of-harm report is five days old and unacknowledged: first, ahead of newer reds.
    const rows = page.locator(".inbox__item");
    await expect(rows.first()).toHaveAttribute("data-risk-of-harm", "yes");
    await expect(rows.first()).toContainText("Risk of harm");
    const onFirstScreen = await rows.evaluateAll((all) => all.filter((row) => row.getBoundingClientRect().bottom <= window.innerHeight).length);
    expect(onFirstScreen).toBeGreaterThanOrEqual(8);
    await expect(page.getByTestId("since")).toContainText("In the last 7 days");
    await checkPage(page);

    // Filters fold away; the ones in force are listed and each removes itself.
    await expect(page.getByLabel("Status")).toBeHidden();
    await page.getByText("Filter observations").click();
    await page.getByLabel("Red", { exact: true }).check();
    await page.getByRole("button", { name: "Apply filters" }).click();
    const chip = page.getByRole("link", { name: "Remove filter Severity: Red" });
    await expect(chip).toBeVisible();
    await expect(page.getByLabel("Status")).toBeHidden();
    await checkPage(page);
    await chip.click();
    await expect(page.getByRole("link", { name: /Remove filter/ })).toHaveCount(0);
    await expect(page.getByTestId("since")).toContainText("Since you last looked");

    // The reference a phone's confirmation shows (the id's first eight characters) finds the observation.
    const reference = id.replace(/-/g, "").slice(0, 8).toUpperCase();
    await page.getByText("Filter observations").click();
    await page.getByLabel("Words in the answers, or a reference").fill(reference);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page.locator("#results")).toHaveText("1 observation");
    await expect(page.locator(`a[href="/triage/observations/${id}"]`)).toBeVisible();

    await page.getByRole("link", { name: "All homes" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "All homes" })).toBeVisible();
    await expect(page.locator("#results")).toHaveText("109 services, sorted by risk (flagged, then most red, most amber, most open)");
    await checkPage(page);
    await page.getByRole("link", { name: "Open: sort by most open items" }).click();
    await expect(page.locator("th[aria-sort]")).toContainText("Open");
    await page.setViewportSize({ width: 320, height: 800 });
    await checkPage(page);
    await page.goto(`${server.url}/triage`);
    await checkPage(page);
  } finally {
    await server.down();
  }
});

test("a commissioner groups two observations about one home into a concern and closes it, at 1280 and 320 px", { tag: "@store" }, async ({ page }) => {
  const server = await AppServer.start();
  try {
    server.addUser("jo@example.org", "Jo Test", "commissioner", PASSWORD);
    const token = await deviceToken(server);
    const amber = { service: "1-000000011", environment: "some_concerns", environment_comment: "Lounge cold", concern_types: ["poor_environment"] };
    const first = await sendObservation(server, token, amber);
    const second = await sendObservation(server, token, { ...amber, environment_comment: "Heating off again" });
    await page.setViewportSize({ width: 1280, height: 800 });
    await logIn(page, server, "jo@example.org");

    await page.locator(`a[href="/triage/observations/${first}#concern"]`).click();
    await page.getByLabel("A new concern", { exact: true }).check();
    await page.getByLabel("Title of a new concern").fill("Cold lounge this winter");
    await page.getByRole("button", { name: "Group", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Concern: Cold lounge this winter" })).toBeVisible();
    await expect(page.getByRole("status")).toContainText("Done: Observation");
    await checkPage(page);

    await page.goto(`${server.url}/triage/observations/${second}`);
    await page.getByLabel("Add to “Cold lounge this winter” (1 observations)").check();
    await page.getByRole("button", { name: "Group", exact: true }).click();
    await expect(page.getByTestId("concern-observation")).toHaveCount(2);
    await expect(page.getByText("Heating off again")).toBeVisible();

    await page.getByLabel("Officer").selectOption({ label: "Jo Test" });
    await page.getByRole("button", { name: "Assign", exact: true }).click();
    await expect(page.getByRole("status")).toHaveText("Done: Assigned to Jo Test");
    await page.locator("#close-note").fill("Heating repaired; seen on a visit");
    await page.getByRole("button", { name: "Close concern" }).click();
    await expect(page.getByRole("status")).toHaveText("Done: Closed");
    await expect(page.getByRole("button", { name: "Reopen" })).toBeVisible();
    for (const width of [1280, 320]) {
      await page.setViewportSize({ width, height: 800 });
      await checkPage(page);
    }
    for (const width of [1280, 320]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(`${server.url}/triage/concerns`);
      await expect(page.getByRole("heading", { level: 1, name: "Open concerns" })).toBeVisible();
      await checkPage(page);
      await page.goto(`${server.url}/triage/services/1-000000011`);
      await expect(page.getByRole("link", { name: "Cold lounge this winter" })).toBeVisible();
      await expect(page.locator(".chart__bars").first()).toBeVisible();
      await checkPage(page);
    }
    await page.emulateMedia({ media: "print" });
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  } finally {
    await server.down();
  }
});

test("an analyst downloads one form version's answers from the forms page, at 1280 and 320 px", { tag: "@store" }, async ({ page }) => {
  const server = await AppServer.start();
  try {
    server.addUser("jo@example.org", "Jo Test", "commissioner", PASSWORD);
    const token = await deviceToken(server);
    const id = await sendObservation(server, token, { staffing: "some_concerns", staffing_comment: "=1+1 bells slow" });
    await logIn(page, server, "jo@example.org");
    for (const width of [1280, 320]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(`${server.url}/triage/forms`);
      await expect(page.getByRole("heading", { name: "Export answers for a report" })).toBeVisible();
      await checkPage(page);
    }
    await page.getByLabel("Form and version").selectOption("professional-feedback@1");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download the answers (CSV)" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^professional-feedback-v1-answers-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = readFileSync(await download.path(), "utf8");
    const lines = text.trim().split("\r\n");
    expect(lines[0].startsWith("id,received_at,service_location_id,service_name,severity,severity_reason,")).toBe(true);
    const row = lines.find((line: string) => line.startsWith(`${id},`));
    expect(row).toContain("Some concerns");
    expect(row).toContain("'=1+1 bells slow");
  } finally {
    await server.down();
  }
});

test("an observation's page puts what was seen first, reads at 1280 and 320 px, and prints without navigation or forms", { tag: "@store" }, async ({ page }) => {
  const server = await AppServer.start();
  try {
    server.addUser("jo@example.org", "Jo Test", "commissioner", PASSWORD);
    const token = await deviceToken(server);
    const id = await sendObservation(server, token, { staffing: "serious_concerns", staffing_comment: "One carer at lunch" });
    await logIn(page, server, "jo@example.org");
    for (const width of [1280, 320]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(`${server.url}/triage/observations/${id}`);
      await expect(page.getByRole("heading", { name: "What was seen" })).toBeVisible();
      await checkPage(page);
    }
    const forms = await page.locator("main form").all();
    expect(forms.length).toBeGreaterThan(0);
    await page.emulateMedia({ media: "print" });
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
    await expect(page.getByRole("heading", { name: "What to do next" })).toBeHidden();
    for (const form of forms) await expect(form).toBeHidden();
    await expect(page.getByRole("heading", { name: "What was seen" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Timeline" })).toBeVisible();
  } finally {
    await server.down();
  }
});

test("two commissioners acting at once: the second is told, and keeps what they typed", { tag: "@store" }, async ({ browser }) => {
  const server = await AppServer.start();
  // Two people: two browser contexts, each with its own session cookie.
  const joContext = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const samContext = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const jo = await joContext.newPage();
  const sam = await samContext.newPage();
  try {
    server.addUser("jo@example.org", "Jo Test", "commissioner", PASSWORD);
    server.addUser("sam@example.org", "Sam Test", "commissioner", PASSWORD);
    const token = await deviceToken(server);
    const id = await sendObservation(server, token, { appearance: "serious_concerns", appearance_comment: "Residents in nightwear at noon" });
    await logIn(jo, server, "jo@example.org");
    await logIn(sam, server, "sam@example.org");
    await jo.goto(`${server.url}/triage/observations/${id}`);
    await sam.goto(`${server.url}/triage/observations/${id}`);

    await jo.getByLabel("Officer").selectOption({ label: "Jo Test" });
    await jo.getByRole("button", { name: "Acknowledge and assign" }).click();
    await expect(jo.locator(".timeline").getByText("Acknowledged and assigned to Jo Test")).toBeVisible();

    await sam.getByLabel("Officer").selectOption({ label: "Sam Test" });
    await sam.locator("#assign-note").fill("I know this home well");
    await sam.getByRole("button", { name: "Acknowledge and assign" }).click();
    await expect(sam.getByRole("alert")).toContainText("Someone else changed this observation");
    await expect(sam.locator("#assign-note")).toHaveValue("I know this home well");
    await expect(sam.locator(".timeline").getByText("Acknowledged and assigned to Jo Test")).toBeVisible();
    await checkPage(sam);
  } finally {
    await joContext.close();
    await samContext.close();
    await server.down();
  }
});
