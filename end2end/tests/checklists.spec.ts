// Observation checklists on a phone, each one filled in both with no signal
// (sent once back online) and with a signal (sent at once), arriving with its
// severity and its summary in triage and on the service's page; an admin
// publishes a new version of a checklist, the phone picks it up, and a draft
// started on the old version is still finished and sent on it.
import { test, expect, Page, BrowserContext } from "@playwright/test";
import { AppServer } from "./app-server";
import { allSaved, appReady, axe, continueOn, installAndEnrol, openPhone } from "./phone";

const PASSWORD = "correct horse battery staple";

test.describe.configure({ timeout: 180_000 });

let servers: AppServer[] = [];
test.afterEach(async () => {
  await Promise.all(servers.map((s) => s.down()));
  servers = [];
});

/** A server of its own and a 320 px phone, enrolled and installed for offline use. */
async function installedPhone() {
  const server = await AppServer.start();
  servers.push(server);
  const { context } = await openPhone(server, 320);
  const page = context.pages()[0] ?? (await context.newPage());
  await installAndEnrol(page, server, { name: "Q Officer Example", role: "Quality officer (integrated commissioning unit)" });
  return { server, context, page };
}

/** Signal back: the outbox empties by itself once the person is on the start page. */
async function backOnline(server: AppServer, context: BrowserContext, page: Page) {
  await server.up();
  await context.setOffline(false);
  await page.getByRole("link", { name: "Go to the start" }).click();
  await expect(page.getByTestId("outbox-status")).toHaveText("Nothing waiting to be sent.", { timeout: 30_000 });
}

async function chooseHeronHouse(page: Page) {
  await page.getByLabel("Search by name or town").fill("heron");
  await page.getByLabel(/Heron House/).check();
  await continueOn(page);
}

/** Rates each page in turn, writing evidence where given. */
async function rate(page: Page, ratings: [string, string, string?][]) {
  for (const [heading, rating, evidence] of ratings) {
    await expect(page.getByRole("heading", { name: heading })).toBeVisible();
    await page.getByLabel(rating, { exact: true }).check();
    if (evidence) await page.getByLabel(/Evidence|What you saw and heard/).fill(evidence);
    await continueOn(page);
  }
}

async function noRiskOfHarm(page: Page) {
  await expect(page.getByRole("heading", { name: "Is anyone at immediate risk of harm?" })).toBeVisible();
  await page.getByLabel("No", { exact: true }).check();
  await continueOn(page);
}

async function checkYourAnswers(page: Page) {
  await expect(page.getByRole("heading", { name: "Check your answers before sending" })).toBeVisible();
}

/** A quality audit up to "check your answers": amber for staffing; `checkErrors` also leaves the visit type out once. */
async function fillAudit(page: Page, checkErrors = false) {
  await page.getByRole("button", { name: "Start: Quality audit" }).click();
  await chooseHeronHouse(page);
  await expect(page.getByRole("heading", { name: "What kind of visit was it?" })).toBeVisible();
  if (checkErrors) {
    await continueOn(page);
    await expect(page.getByRole("link", { name: "Select whether the visit was announced" })).toBeVisible();
    await axe(page);
  }
  await page.getByLabel("Unannounced").check();
  await continueOn(page);
  await rate(page, [
    ["Involvement and information", "Good"],
    ["Personalised care and support", "Excellent"],
    ["Safeguarding and safety", "Good"],
    ["Suitability of staffing", "Requires improvement", "Rota shows two carers short on three nights out of seven."],
    ["Quality of management", "Good"],
  ]);
  await noRiskOfHarm(page);
  await checkYourAnswers(page);
}

/** The rest of an experts-by-experience visit, from its date: amber for staff time. */
async function fillExpertsVisitFromDate(page: Page) {
  await expect(page.getByRole("heading", { name: "When was your visit?" })).toBeVisible();
  await continueOn(page);
  await rate(page, [
    ["Strong, visible management", "Good"],
    ["Staff with the time and skills to do their job", "Some concerns", "Staff said they had no time to sit with people."],
    ["Knowing each resident and how their needs change", "Good"],
    ["A varied programme of activities", "Not seen on this visit"],
    ["Choice and flexibility around food", "Good"],
    ["Regular access to health professionals", "Good"],
    ["Meeting personal, cultural and lifestyle needs", "Good"],
    ["An open culture that seeks feedback", "Good"],
  ]);
  await noRiskOfHarm(page);
  await checkYourAnswers(page);
}

async function fillExpertsVisit(page: Page) {
  await page.getByRole("button", { name: "Start: Experts-by-experience visit" }).click();
  await chooseHeronHouse(page);
  await fillExpertsVisitFromDate(page);
}

/** A QuIS observation typed into the number fields, as without the timer: amber for a negative interaction. */
async function fillQuisByHand(page: Page) {
  await page.getByRole("button", { name: "Start: Interaction observation (QuIS)" }).click();
  await chooseHeronHouse(page);
  await expect(page.getByRole("heading", { name: "When was your observation?" })).toBeVisible();
  await continueOn(page);
  await page.getByLabel("Observation period, in minutes").fill("20");
  await page.getByText("Type or correct the counts").click();
  await page.getByLabel("Positive social", { exact: true }).fill("6");
  await page.getByLabel("Basic care", { exact: true }).fill("3");
  await page.getByLabel("Negative protective", { exact: true }).fill("1");
  await continueOn(page);
  await noRiskOfHarm(page);
  await checkYourAnswers(page);
  await expect(page.getByText("10 in 20 minutes: Positive social 6 (60%), Basic care 3 (30%)")).toBeVisible();
}

/** A My Home Life self-assessment: green, however far each theme has to go. */
async function fillMyHomeLife(page: Page) {
  await page.getByRole("button", { name: "Start: My Home Life self-assessment" }).click();
  await chooseHeronHouse(page);
  await expect(page.getByRole("heading", { name: "When was this assessment done?" })).toBeVisible();
  await continueOn(page);
  await rate(page, [
    ["Personalise: Maintaining identity", "Doing well"],
    ["Personalise: Creating community", "Doing well"],
    ["Personalise: Sharing decision-making", "Working on it", "Residents' meeting minutes show two changes made this month."],
    ["Navigate: Managing transitions", "Doing well"],
    ["Navigate: Improving health and healthcare", "Doing well"],
    ["Navigate: Supporting a good end of life", "Not started yet"],
    ["Transform: Keeping the workforce fit for purpose", "Doing well"],
    ["Transform: Promoting a positive culture", "Doing well"],
  ]);
  await checkYourAnswers(page);
}

/** A commissioner's page, logged in on the way to `path`. */
async function asCommissioner(server: AppServer, context: BrowserContext, path: string): Promise<Page> {
  server.addUser("jo@example.org", "Jo Commissioner", "commissioner", PASSWORD);
  const staff = await context.newPage();
  await staff.goto(path);
  await staff.getByLabel("Email address").fill("jo@example.org");
  await staff.getByLabel("Password").fill(PASSWORD);
  await staff.getByRole("button", { name: "Log in" }).click();
  return staff;
}

/** Sends from "check your answers" with a signal: no outbox wait, the server has it. */
async function sendWithSignal(page: Page) {
  await axe(page);
  await page.getByRole("button", { name: "Send observation" }).click();
  await expect(page.getByTestId("sent-panel")).toBeVisible({ timeout: 30_000 });
}

test("a quality audit filled in with no signal arrives once back online, amber for what requires improvement", async () => {
  const { server, context, page } = await installedPhone();
  await context.setOffline(true);
  await server.down();
  await page.reload();
  await appReady(page);
  await expect(page.getByRole("heading", { name: "Observation checklists" })).toBeVisible();
  await axe(page);

  await fillAudit(page, true);
  await expect(page.getByText("Rota shows two carers short")).toBeVisible();
  await axe(page);
  await page.getByRole("button", { name: "Send observation" }).click();
  await expect(page.getByTestId("queued")).toHaveText("Saved on this device. It will be sent when you are back online.");
  expect(server.submissionRows()).toEqual([]);

  await backOnline(server, context, page);
  const rows = server.submissionRows();
  expect(rows.map(([, form, version, severity]) => [form, version, severity])).toEqual([["quality-audit", 1, "amber"]]);
  await context.close();
});

/** Logs in as an admin over HTTP and publishes a definition; returns the status. */
async function publishAsAdmin(server: AppServer, definition: unknown): Promise<number> {
  server.addUser("ada@example.org", "Ada Admin", "admin", PASSWORD);
  const login = await fetch(`${server.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email: "ada@example.org", password: PASSWORD, next: "/triage" }),
  });
  expect(login.status).toBe(303);
  const cookie = login.headers.getSetCookie()[0].split(";")[0];
  const me = await (await fetch(`${server.url}/api/v1/triage/me`, { headers: { cookie } })).json();
  const published = await fetch(`${server.url}/api/v1/forms`, {
    method: "POST",
    headers: { cookie, "x-csrf-token": me.csrf_token, "content-type": "application/json" },
    body: JSON.stringify(definition),
  });
  return published.status;
}

test("an admin publishes a new checklist version: the phone picks it up, and a draft on the old one is still sent on it", { tag: "@store" }, async () => {
  const { server, context, page } = await installedPhone();
  // A draft of the experts-by-experience visit, begun on version 1.
  await page.getByRole("button", { name: "Start: Experts-by-experience visit" }).click();
  await chooseHeronHouse(page);
  await page.goto("/app");
  await appReady(page);
  await expect(page.getByTestId("draft-count")).toHaveText("1 draft");

  const forms = await (await fetch(`${server.url}/api/v1/forms`)).json();
  const v1 = forms.definitions.find((d: { id: string; version: number }) => d.id === "experts-by-experience" && d.version === 1);
  const v2 = { ...v1, version: 2, title: "Experts-by-experience visit (revised)" };
  expect(await publishAsAdmin(server, v2)).toBe(201);

  // The next sync brings version 2; then, with no signal, both versions work.
  await page.reload();
  await appReady(page);
  await expect(page.getByRole("button", { name: "Start: Experts-by-experience visit (revised)" })).toBeVisible();
  await allSaved(page);
  await context.setOffline(true);
  await server.down();
  await page.reload();
  await appReady(page);
  await expect(page.getByRole("button", { name: "Start: Experts-by-experience visit (revised)" })).toBeVisible();
  await axe(page);

  await page.getByRole("button", { name: "Continue" }).first().click();
  await fillExpertsVisitFromDate(page);
  await page.getByRole("button", { name: "Send observation" }).click();
  await expect(page.getByTestId("queued")).toBeVisible();

  await backOnline(server, context, page);
  expect(server.submissionRows().map(([, form, version, severity]) => [form, version, severity])).toEqual([["experts-by-experience", 1, "amber"]]);
  await context.close();
});

/** A QuIS category's button: its name, then its count. */
function tap(page: Page, category: string) {
  return page.getByRole("button", { name: new RegExp(`^${category} \\d+$`) });
}

const QUIS_CATEGORIES = ["Positive social", "Basic care", "Neutral", "Negative protective", "Negative restrictive"];

test("QuIS on one screen for one hand, with no signal: the time in view, a button per category with its count, undo, a tap after time asks first; percentages in triage", async () => {
  const { server, context, page } = await installedPhone();
  // The browser's clock, so that "time is up" comes without a minute's wait.
  await context.clock.install();
  await context.setOffline(true);
  await server.down();
  await page.reload();
  await appReady(page);
  await page.getByRole("button", { name: "Start: Interaction observation (QuIS)" }).click();
  await chooseHeronHouse(page);
  await expect(page.getByRole("heading", { name: "When was your observation?" })).toBeVisible();
  await continueOn(page);

  await expect(page.getByRole("heading", { name: "Count each interaction" })).toBeVisible();
  await page.getByLabel("Observation period, in minutes").fill("1");
  await page.getByRole("button", { name: "Start the timer" }).click();
  await expect(page.getByTestId("tally-time")).toHaveText(/^0:5\d left$/);
  await expect(page.getByRole("button", { name: "Start the timer" })).toBeHidden();
  // One screen on a 320×640 phone: scrolled to the last row of buttons, the time and every button are in view.
  await page.locator(".tally__grid").evaluate((grid) => grid.scrollIntoView({ block: "end" }));
  await expect(page.getByTestId("tally-time")).toBeInViewport({ ratio: 1 });
  for (const category of QUIS_CATEGORIES) await expect(tap(page, category)).toBeInViewport({ ratio: 1 });
  // The number fields are there to correct a count, not in the way.
  await expect(page.getByLabel("Positive social", { exact: true })).toBeHidden();

  const taps: [string, number][] = [["Positive social", 3], ["Basic care", 1], ["Negative restrictive", 2]];
  for (const [category, times] of taps) {
    for (let n = 0; n < times; n++) await tap(page, category).click();
  }
  await expect(tap(page, "Positive social")).toHaveText(/Positive social\s*3/);
  await page.getByRole("button", { name: "Undo Negative restrictive" }).click();
  await expect(tap(page, "Negative restrictive")).toHaveText(/Negative restrictive\s*1/);
  await expect(page.getByLabel("Negative restrictive", { exact: true })).toHaveValue("1");
  await expect(page.getByRole("button", { name: "Undo Neutral" })).toBeDisabled();
  await page.getByText("What counts as each kind of interaction").click();
  await expect(page.getByText("Ignoring, stopping or belittling someone")).toBeVisible();
  await axe(page);

  // Time up: a tap asks first.
  await page.clock.fastForward("01:01");
  await expect(page.getByTestId("tally-time")).toHaveText("Time is up. Stop counting.");
  await tap(page, "Neutral").click();
  await expect(page.getByRole("alert")).toContainText("Time is up. Count this Neutral interaction anyway?");
  await page.getByRole("button", { name: "Do not count it" }).click();
  await expect(tap(page, "Neutral")).toHaveText(/Neutral\s*0/);
  await tap(page, "Basic care").click();
  await page.getByRole("button", { name: "Count it", exact: true }).click();
  await expect(tap(page, "Basic care")).toHaveText(/Basic care\s*2/);

  // A typed count is checked like any other answer.
  await page.getByText("Type or correct the counts").click();
  await page.getByLabel("Neutral", { exact: true }).fill("1000");
  await continueOn(page);
  await expect(page.getByRole("link", { name: "Enter a whole number from 0 to 999" })).toBeVisible();
  await expect(page.getByLabel("Positive social", { exact: true })).toHaveValue("3");
  await axe(page);
  await page.getByLabel("Neutral", { exact: true }).fill("0");
  await continueOn(page);
  await noRiskOfHarm(page);
  await expect(page.getByText("6 in 1 minute: Positive social 3 (50%), Basic care 2 (33%)")).toBeVisible();
  await axe(page);
  await page.getByRole("button", { name: "Send observation" }).click();
  await expect(page.getByTestId("queued")).toBeVisible();

  await backOnline(server, context, page);
  const [[id, form, , severity]] = server.submissionRows();
  expect([form, severity]).toEqual(["interaction-observation", "amber"]);

  // In triage, the observation carries its QuIS results.
  const staff = await asCommissioner(server, context, `/triage/observations/${id}`);
  await expect(staff.getByRole("heading", { name: "QuIS results" })).toBeVisible();
  const summary = staff.getByTestId("checklist-summary");
  await expect(summary).toContainText("6 in 1 minute");
  await expect(summary).toContainText("Positive social");
  await expect(summary).toContainText("3 (50%)");
  await axe(staff);
  await context.close();
});

test("QuIS taps are saved as they happen: a reload keeps every count", async () => {
  const { context, page } = await installedPhone();
  await page.getByRole("button", { name: "Start: Interaction observation (QuIS)" }).click();
  await chooseHeronHouse(page);
  await continueOn(page);
  await expect(page.getByRole("heading", { name: "Count each interaction" })).toBeVisible();
  for (let n = 0; n < 7; n++) await tap(page, "Positive social").click();
  await tap(page, "Basic care").click();
  await expect(page.getByLabel("Positive social", { exact: true })).toHaveValue("7");
  // The phone locks, or the tab is closed and opened again: the app reopens on the same page.
  await page.reload();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await expect(page.getByRole("heading", { name: "Count each interaction" })).toBeVisible();
  await expect(page.getByLabel("Positive social", { exact: true })).toHaveValue("7");
  await expect(page.getByLabel("Basic care", { exact: true })).toHaveValue("1");
  await context.close();
});

test("a My Home Life self-assessment with no signal arrives once back online, themes grouped in triage", { tag: "@store" }, async () => {
  const { server, context, page } = await installedPhone();
  await context.setOffline(true);
  await server.down();
  await page.reload();
  await appReady(page);
  await fillMyHomeLife(page);
  await axe(page);
  await page.getByRole("button", { name: "Send observation" }).click();
  await expect(page.getByTestId("queued")).toBeVisible();
  await backOnline(server, context, page);
  const [[id, form, , severity]] = server.submissionRows();
  expect([form, severity]).toEqual(["my-home-life", "green"]);

  const staff = await asCommissioner(server, context, `/triage/observations/${id}`);
  const summary = staff.getByTestId("checklist-summary");
  await expect(summary).toContainText("Overall (the theme furthest to go)");
  await expect(summary).toContainText("Navigate: supporting a good end of life");
  await expect(summary).toContainText("Not started yet");
  await context.close();
});

// The same checklists with a signal: sent at once, and each one's summary is
// on the service's page under "Latest checklists".
const withSignal: [string, (page: Page) => Promise<void>, string, string, string][] = [
  ["Quality audit", fillAudit, "quality-audit", "amber", "Requires improvement"],
  ["Experts-by-experience visit", fillExpertsVisit, "experts-by-experience", "amber", "Some concerns"],
  ["Interaction observation (QuIS)", fillQuisByHand, "interaction-observation", "amber", "6 (60%)"],
  ["My Home Life self-assessment", fillMyHomeLife, "my-home-life", "green", "Not started yet"],
];
for (const [title, fill, formId, expectedSeverity, inSummary] of withSignal) {
  test(`${title} sent with a signal shows its summary on the service's page`, { tag: "@store" }, async () => {
    const { server, context, page } = await installedPhone();
    await fill(page);
    await sendWithSignal(page);
    const [[id, form, version, severity]] = server.submissionRows();
    expect([form, version, severity]).toEqual([formId, 1, expectedSeverity]);

    const staff = await asCommissioner(server, context, `/triage/observations/${id}`);
    await expect(staff.getByTestId("checklist-summary")).toContainText(inSummary);
    await staff.getByRole("link", { name: /Heron House/ }).first().click();
    const latest = staff.getByTestId("latest-checklist");
    await expect(latest).toHaveCount(1);
    await expect(latest.getByRole("heading", { name: title })).toBeVisible();
    await expect(latest.getByTestId("checklist-summary")).toContainText(inSummary);
    await axe(staff);
    await context.close();
  });
}
