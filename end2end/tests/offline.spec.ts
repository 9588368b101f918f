// The offline app (/app) in real Chromium against a real server and database:
// installed once online, then used with no signal, closed, reopened, synced.
import { test, expect, Page, BrowserContext } from "@playwright/test";
import { join } from "node:path";
import { AppServer } from "./app-server";
import { root } from "./server";
import { allSaved, appReady, axe, continueOn, everythingStored, fillAppForm, installAndEnrol, killBrowser, openPhone, send, storedRecords } from "./phone";

test.describe.configure({ timeout: 180_000 });

let servers: AppServer[] = [];
test.afterEach(async () => {
  await Promise.all(servers.map((s) => s.down()));
  servers = [];
});

async function serve(flags: string[] = []): Promise<AppServer> {
  const server = await AppServer.start(flags);
  servers.push(server);
  return server;
}

/** A server of its own and a phone that has visited once online and enrolled. */
async function installedPhone(flags: string[] = [], role?: string) {
  const server = await serve(flags);
  const { context, profile } = await openPhone(server);
  const page = context.pages()[0] ?? (await context.newPage());
  await installAndEnrol(page, server, role ? { role } : {});
  return { server, context, profile, page };
}

async function goOffline(context: BrowserContext, server: AppServer) {
  await context.setOffline(true);
  await server.down();
}

test("online once, then three forms with no signal survive a browser restart and arrive exactly once", { tag: "@store" }, async () => {
  const installed = await installedPhone();
  const { server, profile } = installed;
  let { context, page } = installed;

  await goOffline(context, server);
  await page.reload();
  await appReady(page);
  const sent: string[] = [];
  for (let n = 0; n < 3; n++) {
    await fillAppForm(page, { check: n === 0 });
    // The README's pictures, taken as the app is: they follow it.
    if (n === 0) await page.screenshot({ path: join(root, "docs", "screenshots", "phone-check.png") });
    sent.push(await send(page));
    await expect(page.getByTestId("queued")).toHaveText("Saved on this device. It will be sent when you are back online.");
    if (n === 0) await axe(page);
    await page.getByRole("link", { name: "Go to the start" }).click();
  }
  // One more, left half done.
  await page.getByRole("button", { name: "Give feedback about a care home" }).click();
  await page.getByLabel("Search by name or town").fill("heron");
  await page.getByLabel(/Heron House/).check();
  await page.goto("/app");
  await appReady(page);
  await expect(page.getByTestId("outbox-status")).toHaveText(/3 forms waiting to be sent/);
  await expect(page.getByTestId("draft-count")).toHaveText("1 draft");
  await axe(page);
  await page.screenshot({ path: join(root, "docs", "screenshots", "phone-start.png") });
  await context.close();

  ({ context } = await openPhone(server, 360, profile));
  await context.setOffline(true);
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto("/app");
  await appReady(page);
  await expect(page.getByTestId("outbox-status")).toHaveText(/3 forms waiting to be sent/);
  await expect(page.getByTestId("draft-count")).toHaveText("1 draft");
  await expect(page.getByTestId("draft")).toContainText("Heron House");
  expect(server.submissionIds()).toEqual([]);

  await server.up();
  await context.setOffline(false);
  await expect(page.getByTestId("outbox-status")).toHaveText("Nothing waiting to be sent.", { timeout: 30_000 });
  expect(server.submissionIds().sort()).toEqual([...sent].sort());
  await expect(page.getByTestId("draft-count")).toHaveText("1 draft");
  await context.close();
});

test("a reply lost after the server stored the batch: the retry makes no duplicate", { tag: "@store" }, async () => {
  const { server, context, page } = await installedPhone(["--test-lose-sync-replies", "1"]);
  const replies: number[] = [];
  page.on("response", (response) => {
    if (response.url().endsWith("/api/v1/sync")) replies.push(response.status());
  });
  await fillAppForm(page);
  const id = await send(page);
  // The first reply is lost (503 after the commit); the backoff timer retries
  // by itself, the server recognises the id, and only then does the form leave.
  await expect(page.getByTestId("sent-panel")).toBeVisible({ timeout: 30_000 });
  expect(replies).toEqual([503, 200]);
  await expect(page.getByTestId("outbox-status")).toHaveText("Nothing waiting to be sent.");
  expect(server.submissionIds()).toEqual([id]);
  await context.close();
});

test("a server that stores each batch but answers 503: the phone keeps to its backoff, Background Sync or not", async () => {
  const { server, context, page } = await installedPhone(["--test-lose-sync-replies", "100000"]);
  // Chromium has Background Sync: before, each failure asked for one, which
  // fired at once and sent again, hundreds of times a minute.
  expect(await page.evaluate(async () => "sync" in (await navigator.serviceWorker.ready))).toBe(true);
  let requests = 0;
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/api/v1/sync")) requests++;
  });
  await fillAppForm(page);
  const id = await send(page);
  await page.waitForTimeout(60_000);
  console.log(`sync requests in the minute after Send, every reply 503: ${requests}`);
  expect(requests, "sync requests in the minute after Send").toBeGreaterThanOrEqual(3);
  expect(requests, "sync requests in the minute after Send").toBeLessThanOrEqual(10);
  await expect(page.getByTestId("sync-error")).toContainText("Trying again at");
  expect(server.submissionIds()).toEqual([id]);
  await context.close();
});

test("a request the server holds for 90 s does not hold up the next form", async () => {
  const { server, context, page } = await installedPhone();
  let requests = 0;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/v1/sync", async (route) => {
    if (requests++ > 0) return route.continue();
    // The first request gets no answer for 90 s, as from a server that hangs.
    await Promise.race([released, new Promise((resolve) => setTimeout(resolve, 90_000))]);
    await route.abort().catch(() => {});
  });
  await fillAppForm(page);
  const first = await send(page);
  // Within the app (no reload, which would cancel the held request).
  await page.getByRole("link", { name: "Go to the start" }).click();
  await expect(page.getByRole("heading", { name: "Tell us what you saw" })).toBeVisible();
  await fillAppForm(page, { staffing: "Serious concerns" });
  const sentAt = Date.now();
  const second = await send(page);
  await expect.poll(() => server.submissionIds().sort(), { timeout: 45_000 }).toEqual([first, second].sort());
  expect(requests, "the held request, then one that carried both").toBe(2);
  console.log(`both forms stored ${((Date.now() - sentAt) / 1000).toFixed(1)} s after the second Send, the first request still held`);
  release();
  await context.close();
});

test("an outbox larger than the server takes in one request goes in batches cut by size; a form too large alone is refused on the phone", async () => {
  // A small limit stands for long checklists: 17 forms of about 1.5 KB against 20,000 bytes.
  const { server, context, page } = await installedPhone(["--max-body-bytes", "20000"]);
  const today = new Date().toISOString().slice(0, 10);
  const form = (comment: string) => ({
    request: {
      id: crypto.randomUUID(),
      form_id: "professional-feedback",
      form_version: 1,
      submitted_at: new Date().toISOString(),
      answers: {
        service: "1-000000001", visit_date: today, visit_time: "morning", role: "gp", organisation: "Puddlecombe Surgery",
        appearance: "good", environment: "good", interaction: "not_observed", staffing: "serious_concerns", staffing_comment: comment,
        risk_of_harm: "no", shared_with_staff: "yes", shared_with_role: "Nurse in charge", contact_ok: "no",
      },
    },
    queued_at: Date.now(),
  });
  const outbox = [form("x".repeat(30_000)), ...Array.from({ length: 17 }, (_, n) => form(`${n} `.padEnd(1000, "y")))];
  await page.evaluate((items) => localStorage.setItem("chf.outbox.v1", JSON.stringify(items)), outbox);
  const bodies: number[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/api/v1/sync")) bodies.push((request.postData() ?? "").length);
  });
  await page.reload();
  await appReady(page);
  await expect.poll(() => server.submissionIds().length, { timeout: 30_000 }).toBe(17);
  expect(Math.max(...bodies), "every request under the server's limit").toBeLessThanOrEqual(20_000);
  await expect(page.getByTestId("rejected")).toContainText("too large to send");
  console.log(`17 forms in ${bodies.length} requests of ${bodies.join(", ")} bytes; the 30 KB one refused on the phone`);
  await context.close();
});

test("a form refused for its date is corrected on the phone and sent again, stored once under its first id", { tag: "@store" }, async () => {
  const { server, context, page } = await installedPhone();
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const id = crypto.randomUUID();
  // As from a phone whose clock ran three days ahead: its own check let the date through.
  const refused = {
    request: {
      id, form_id: "professional-feedback", form_version: 1, submitted_at: new Date().toISOString(),
      answers: {
        service: "1-000000001", visit_date: day(3), visit_time: "morning", role: "gp", organisation: "Puddlecombe Surgery",
        appearance: "good", environment: "good", interaction: "not_observed", staffing: "good",
        risk_of_harm: "no", shared_with_staff: "yes", shared_with_role: "Nurse in charge", contact_ok: "no",
      },
    },
    queued_at: Date.now(),
  };
  await page.evaluate((items) => localStorage.setItem("chf.outbox.v1", JSON.stringify(items)), [refused]);
  await page.reload();
  await appReady(page);
  await expect(page.getByTestId("rejected")).toBeVisible({ timeout: 15_000 });
  await page.getByRole("button", { name: /Correct and send again/ }).click();
  await expect(page.getByRole("heading", { name: "When was your visit?" })).toBeVisible();
  await expect(page.locator(".nhsuk-error-summary")).toBeVisible();
  const [year, month, date] = day(0).split("-");
  const visit = page.getByRole("group", { name: "Date of your visit" });
  await visit.getByLabel("Day").fill(String(Number(date)));
  await visit.getByLabel("Month").fill(String(Number(month)));
  await visit.getByLabel("Year").fill(year);
  for (let n = 0; n < 15; n++) {
    if (await page.getByRole("heading", { name: "Check your answers before sending" }).isVisible()) break;
    await continueOn(page);
  }
  await expect(page.getByRole("heading", { name: "Check your answers before sending" })).toBeVisible();
  await page.getByRole("button", { name: "Send observation" }).click();
  await expect.poll(() => server.submissionIds(), { timeout: 30_000 }).toEqual([id]);
  await context.close();
});

test("the server is down for a while: the phone backs off, then delivers without a reload", async () => {
  const { server, context, page } = await installedPhone();
  await server.down();
  await fillAppForm(page, { staffing: "Serious concerns" });
  const id = await send(page);
  await expect(page.getByTestId("queued")).toBeVisible();
  await expect(page.getByTestId("sync-error")).toHaveText(/^The server cannot be reached just now. It will send by itself. Trying again at/);
  await expect(page.getByTestId("sync-error")).toContainText("Trying again at");
  await page.waitForTimeout(5_000);
  await server.up();
  await expect(page.getByTestId("sent-panel")).toBeVisible({ timeout: 45_000 });
  expect(server.submissionIds()).toEqual([id]);
  await context.close();
});

test("the signal returns while another sender holds the outbox: the form goes once it is free, not half a minute later", async () => {
  const { server, context, page } = await installedPhone();
  await goOffline(context, server);
  await fillAppForm(page);
  const id = await send(page);
  await expect(page.getByTestId("queued")).toBeVisible();
  await allSaved(page);
  await server.up();
  // Another tab or the service worker sending (here: holding the lock for 3 s).
  await page.evaluate(
    () => new Promise<void>((held) => navigator.locks.request("chf-outbox", () => (held(), new Promise((r) => setTimeout(r, 3_000))))),
  );
  await context.setOffline(false);
  await expect.poll(() => server.submissionIds(), { timeout: 12_000 }).toEqual([id]);
  await context.close();
});

test("two tabs coming back online at once: each form goes up in one request only, and arrives once", { tag: "@store" }, async () => {
  const { server, context, page: first } = await installedPhone();
  await goOffline(context, server);
  for (let n = 0; n < 3; n++) {
    await fillAppForm(first);
    await send(first);
    await first.goto("/app");
    await appReady(first);
  }
  const second = await context.newPage();
  await second.goto("/app");
  await appReady(second);
  await expect(second.getByTestId("outbox-status")).toHaveText(/3 forms waiting/);

  // Which forms each request the server answered carried.
  const carried = new Map<string, number>();
  const count = (page: Page) =>
    page.on("response", (response) => {
      const request = response.request();
      if (request.method() !== "POST" || !request.url().endsWith("/api/v1/sync") || response.status() !== 200) return;
      for (const item of JSON.parse(request.postData() ?? "{}").items ?? []) carried.set(item.id, (carried.get(item.id) ?? 0) + 1);
    });
  count(first);
  count(second);
  await server.up();
  // Both tabs get the `online` event at the same moment, and both try to send.
  await context.setOffline(false);
  await expect(first.getByTestId("outbox-status")).toHaveText("Nothing waiting to be sent.", { timeout: 30_000 });
  await expect(second.getByTestId("outbox-status")).toHaveText("Nothing waiting to be sent.", { timeout: 30_000 });
  expect(server.submissionIds()).toHaveLength(3);
  expect([...carried.values()], "each form in exactly one request").toEqual([1, 1, 1]);
  await context.close();
});

// Once in five local runs (2026-11-30) the navigation made just as the new
// worker took over got no response at all and the test timed out; the cause is
// not found yet. One retry keeps that from failing CI, and the report still
// lists the test as flaky when it happens.
test.describe(() => {
  test.describe.configure({ retries: 1 });
  test("a new version is deployed while drafts exist: every draft survives the update", async () => {
    const installed = await installedPhone(["--release-label", "one"]);
    const { server, context } = installed;
    let page = installed.page;
    const before = await page.evaluate(async () => (await caches.keys()).join());
    for (let n = 0; n < 2; n++) {
      await page.getByRole("button", { name: "Give feedback about a care home" }).click();
      await page.getByLabel("Search by name or town").fill("heron");
      await page.getByLabel(/Heron House/).check();
      await continueOn(page);
      await page.getByLabel("Afternoon").check();
      await page.goto("/app");
      await appReady(page);
    }
    await expect(page.getByTestId("draft-count")).toHaveText("2 drafts");

    await server.down();
    await server.up(["--release-label", "two"]);
    await page.reload();
    await appReady(page);
    await expect(page.getByTestId("update-ready")).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId("draft-count")).toHaveText("2 drafts");

    // Closing the app lets the new version take over at the next open.
    await page.close();
    page = await context.newPage();
    await page.goto("/app");
    await appReady(page);
    await page.waitForFunction((old) => caches.keys().then((keys) => keys.length === 1 && keys.join() !== old), before, { timeout: 20_000 });
    await expect(page.getByTestId("draft-count")).toHaveText("2 drafts");
    // "Continue" resumes at the first page still to answer; the answers given are all there.
    await page.getByRole("button", { name: /^Continue/ }).first().click();
    await expect(page.getByRole("heading", { name: "How did the residents appear?" })).toBeVisible();
    for (let n = 0; n < 3; n++) await page.getByRole("link", { name: "Back", exact: true }).click();
    await expect(page.getByRole("heading", { name: "When was your visit?" })).toBeVisible();
    await expect(page.getByLabel("Afternoon")).toBeChecked();
    await context.close();
  });
});

test("with no network the app opens from the cache to an interactive form", async () => {
  const { server, context, page } = await installedPhone();
  await goOffline(context, server);
  const fresh = await context.newPage();
  await fresh.goto("/app");
  await appReady(fresh);
  await fresh.getByRole("button", { name: "Give feedback about a care home" }).click();
  await fresh.getByLabel("Search by name or town").fill("heron");
  await expect(fresh.getByLabel(/Heron House/)).toBeVisible();
  // The shared validation runs on the phone too.
  await fresh.getByLabel("Search by name or town").fill("");
  await continueOn(fresh);
  await expect(fresh.locator(".nhsuk-error-summary")).toBeFocused();
  await expect(fresh).toHaveTitle(/^Error: /);
  await axe(fresh);
  await context.close();
});

test("the start page opens without the form's pieces of wasm; the worker keeps them, so a form opens with no signal", async () => {
  const server = await serve();
  const { context } = await openPhone(server);
  const page = context.pages()[0] ?? (await context.newPage());
  const wasm: string[] = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (path.endsWith(".wasm")) wasm.push(path);
  });
  await installAndEnrol(page, server);
  // The page asked only for the main wasm, by its content-hashed name; the
  // worker fetched the pieces for its cache (its requests are not the page's).
  expect(wasm.length).toBeGreaterThan(0);
  expect(wasm.filter((path) => !/^\/pkg\/chf\.[\w-]{22}\.wasm$/.test(path))).toEqual([]);
  const cached = await page.evaluate(async () =>
    (await (await caches.open((await caches.keys())[0])).keys()).map((request) => new URL(request.url).pathname),
  );
  const pieces = cached.filter((path) => path.endsWith(".wasm") && !path.startsWith("/pkg/chf."));
  expect(pieces.length, `pieces of wasm kept by the worker, among ${cached}`).toBeGreaterThan(0);

  await goOffline(context, server);
  await page.getByRole("button", { name: "Give feedback about a care home" }).click();
  await expect(page.getByRole("heading", { name: /Which service did you visit/ })).toBeVisible();
  expect(wasm.filter((path) => !path.startsWith("/pkg/chf.")).length, "the form's piece came when the form opened").toBeGreaterThan(0);
  await context.close();
});

test("an unsent draft is flagged three days before it expires, deleted after 14 days, or deleted by hand", async () => {
  const { server, context, page } = await installedPhone();
  // Drafts as an earlier version kept them (in localStorage), aged as if the
  // phone had sat in a drawer: 12 and 15 days. This version moves them into
  // its own store on start, then expires the old one.
  await page.evaluate(() => {
    const day = 24 * 60 * 60 * 1000;
    const draft = (age: number) => ({
      id: crypto.randomUUID(), form_id: "professional-feedback", form_version: 1, answers: {}, updated_at: Date.now() - age * day,
    });
    localStorage.setItem("chf.drafts.v1", JSON.stringify([draft(12), draft(15)]));
  });
  await page.reload();
  await appReady(page);
  await expect(page.getByTestId("draft-count")).toHaveText("1 draft");
  await expect(page.getByTestId("expiry-warning")).toHaveText("Deleted in 2 days unless you send it");
  await axe(page);
  // Deleting asks first; cancelling keeps the draft.
  page.once("dialog", (dialog) => dialog.dismiss());
  await page.getByRole("button", { name: /^Delete/ }).click();
  await expect(page.getByTestId("draft-count")).toHaveText("1 draft");
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: /^Delete/ }).click();
  await expect(page.getByTestId("draft-count")).toHaveText("No drafts on this phone.");
  await page.reload();
  await appReady(page);
  await expect(page.getByTestId("draft-count")).toHaveText("No drafts on this phone.");
  await context.close();
});

/** The phone's browser comes back after being killed, still with no signal. */
async function restartOffline(server: AppServer, profile: string) {
  const { context } = await openPhone(server, 360, profile);
  await context.setOffline(true);
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/**
 * A phone enrolled on an earlier day: the browser closed normally since. Chromium
 * writes cookies to disk every 30 s, so a kill sooner after enrolling would also
 * take the enrolment cookie, which is not what these tests are about.
 */
async function phoneEnrolledEarlier(role?: string) {
  const installed = await installedPhone([], role);
  await installed.context.close();
  const { context } = await openPhone(installed.server, 360, installed.profile);
  const page = context.pages()[0] ?? (await context.newPage());
  return { ...installed, context, page };
}

test("the browser killed 0.3 s after Send with no signal, five times over: every form is in the outbox after each restart", async () => {
  const installed = await phoneEnrolledEarlier();
  const { server, profile } = installed;
  let { context, page } = installed;
  await goOffline(context, server);
  for (let n = 1; n <= 5; n++) {
    await page.goto("/app");
    await appReady(page);
    await fillAppForm(page);
    await page.getByRole("button", { name: "Send observation" }).click();
    await page.waitForTimeout(300);
    killBrowser(profile);
    ({ context, page } = await restartOffline(server, profile));
    await page.goto("/app");
    await appReady(page);
    await expect(page.getByTestId("outbox-status")).toHaveText(n === 1 ? "1 form waiting to be sent." : `${n} forms waiting to be sent.`);
    await expect(page.getByTestId("draft-count")).toHaveText("No drafts on this phone.");
    console.log(`kill ${n} of 5, 0.3 s after Send: ${n} in the outbox after restart`);
  }
  await server.up();
  await context.setOffline(false);
  await expect(page.getByTestId("outbox-status")).toHaveText("Nothing waiting to be sent.", { timeout: 30_000 });
  expect(server.submissionIds()).toHaveLength(5);
  await context.close();
});

test("the browser killed 0.3 s after a QuIS tap, five times over: the counts and the running timer are there after each restart", async () => {
  const installed = await phoneEnrolledEarlier("Trained QuIS observer");
  const { server, profile } = installed;
  let { context, page } = installed;
  await goOffline(context, server);
  await page.goto("/app");
  await appReady(page);
  await page.getByRole("button", { name: "Start: Interaction observation (QuIS)" }).click();
  await page.getByLabel("Search by name or town").fill("heron");
  await page.getByLabel(/Heron House/).check();
  await continueOn(page);
  await continueOn(page);
  await expect(page.getByRole("heading", { name: "Count each interaction" })).toBeVisible();
  await page.getByLabel("Observation period, in minutes").fill("20");
  await page.getByRole("button", { name: "Start the timer" }).click();
  await expect(page.getByTestId("tally-time")).toHaveText(/^19:5\d left$/);
  const address = page.url();
  for (let n = 1; n <= 5; n++) {
    await page.getByRole("button", { name: /^Positive social \d+$/ }).click();
    await page.waitForTimeout(300);
    killBrowser(profile);
    ({ context, page } = await restartOffline(server, profile));
    await page.goto(address);
    await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
    await expect(page.getByRole("heading", { name: "Count each interaction" })).toBeVisible();
    await expect(page.getByLabel("Positive social", { exact: true })).toHaveValue(String(n));
    await expect(page.getByTestId("tally-time")).toHaveText(/^1\d:\d\d left$/);
    console.log(`kill ${n} of 5, 0.3 s after a tap: count ${n}, timer ${await page.getByTestId("tally-time").textContent()}`);
  }
  await context.close();
});

test("what is typed is sealed on the phone: a phrase from a form is nowhere in plain text in localStorage, IndexedDB or Cache Storage", async () => {
  const { server, context, page } = await installedPhone();
  const phrase = `Matron Quillfeather ${Math.random().toString(36).slice(2, 10)}`;
  // A form as an earlier version kept it, in plain localStorage: moved and sealed on start.
  const earlier = `Deputy Hollowmere ${Math.random().toString(36).slice(2, 10)}`;
  await goOffline(context, server);
  await page.evaluate((role) => {
    const today = new Date().toISOString().slice(0, 10);
    const item = {
      request: {
        id: crypto.randomUUID(), form_id: "professional-feedback", form_version: 1, submitted_at: new Date().toISOString(),
        answers: {
          service: "1-000000001", visit_date: today, visit_time: "morning", role: "gp", organisation: "Puddlecombe Surgery",
          appearance: "good", environment: "good", interaction: "good", staffing: "good",
          risk_of_harm: "no", shared_with_staff: "yes", shared_with_role: role, contact_ok: "no",
        },
      },
      queued_at: Date.now(),
    };
    localStorage.setItem("chf.outbox.v1", JSON.stringify([item]));
  }, earlier);
  await page.reload();
  await appReady(page);
  await fillAppForm(page, { sharedWith: phrase });
  await send(page);
  // One more, left as a draft with the phrase in it.
  await page.getByRole("link", { name: "Go to the start" }).click();
  await fillAppForm(page, { sharedWith: phrase });
  await page.goto("/app");
  await appReady(page);
  await expect(page.getByTestId("outbox-status")).toHaveText("2 forms waiting to be sent.");
  await allSaved(page);
  // The reader reads plain text where there is some.
  await page.evaluate(() => localStorage.setItem("probe", "plain words"));
  const stored = await everythingStored(page);
  expect(stored).toContain("plain words");
  expect(stored.length, "the outbox, the draft and the cached app were all read").toBeGreaterThan(100_000);
  expect(await storedRecords(page)).toEqual(expect.arrayContaining(["profile", "register"]));
  expect(stored).not.toContain(phrase);
  expect(stored).not.toContain(earlier);
  expect(stored).not.toContain("Puddlecombe Surgery");
  // The app itself still reads it all back, and sends it.
  await server.up();
  await context.setOffline(false);
  await page.goto("/app");
  await appReady(page);
  await expect(page.getByTestId("outbox-status")).toHaveText("Nothing waiting to be sent.", { timeout: 30_000 });
  expect(server.submissionIds()).toHaveLength(2);
  await context.close();
});

test("every page closed, the signal back: the service worker sends the outbox on Background Sync", async () => {
  const { server, context, page } = await installedPhone();
  await server.down();
  await fillAppForm(page);
  const id = await send(page);
  await expect(page.getByTestId("sync-error")).toBeVisible();
  // No page of the app is left open; a blank one keeps the browser and gives DevTools a way in.
  const blank = await context.newPage();
  await page.close();
  const devtools = await context.newCDPSession(blank);
  const registrations: { registrationId: string; scopeURL: string }[] = [];
  devtools.on("ServiceWorker.workerRegistrationUpdated", (event) => registrations.push(...event.registrations));
  await devtools.send("ServiceWorker.enable");
  await expect.poll(() => registrations.length).toBeGreaterThan(0);
  await server.up();
  // Headless Chromium never sees its network "come back" (it never lost it), so
  // DevTools fires the sync event the browser would fire then. The worker
  // keeps to the backoff the page left (it fails the event until it is due).
  const origin = new URL(server.url).origin;
  const { registrationId } = registrations.find((r) => r.scopeURL.startsWith(origin))!;
  for (let tries = 0; tries < 20 && server.submissionIds().length === 0; tries++) {
    await devtools.send("ServiceWorker.dispatchSyncEvent", { origin, registrationId, tag: "chf-outbox", lastChance: false });
    await blank.waitForTimeout(1_000);
  }
  expect(server.submissionIds()).toEqual([id]);
  expect(context.pages().map((p) => p.url())).toEqual(["about:blank"]);
  // Opened again: the worker's sending is what the app shows.
  const again = await context.newPage();
  await again.goto("/app");
  await appReady(again);
  await expect(again.getByTestId("outbox-status")).toHaveText("Nothing waiting to be sent.");
  await context.close();
});

test("Leave this phone: a warning that lists the unsent form, then nothing is left in any storage", async () => {
  const { server, context, page } = await installedPhone();
  await goOffline(context, server);
  await fillAppForm(page);
  await send(page);
  await page.getByRole("link", { name: "Go to the start" }).click();
  await page.getByRole("button", { name: "Leave this phone" }).click();
  const warning = page.getByTestId("leave-warning");
  await expect(warning).toContainText("1 form has not been sent and will be lost");
  await expect(page.getByTestId("leave-unsent")).toContainText("Heron House");
  await axe(page);
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("outbox-status")).toHaveText("1 form waiting to be sent.");
  await page.getByRole("button", { name: "Leave this phone" }).click();
  await page.getByRole("button", { name: "Delete everything and leave" }).click();
  await expect(page.getByTestId("storage-problem")).toContainText("Everything this app kept on this phone has been deleted.");
  const left = await page.evaluate(async () => ({
    databases: (await indexedDB.databases()).map((db) => db.name),
    localStorage: localStorage.length,
    caches: (await caches.keys()).length,
  }));
  expect(left).toEqual({ databases: [], localStorage: 0, caches: 0 });
  await context.close();
});

test("a phone whose enrolment was withdrawn deletes what it kept and says why", async () => {
  const { server, context, page } = await installedPhone();
  await page.getByRole("button", { name: "Give feedback about a care home" }).click();
  // The new draft is on disk before the page goes (under load the write can take a moment).
  await expect(page.getByRole("heading", { name: /Which service did you visit/ })).toBeVisible();
  await allSaved(page);
  await page.goto("/app");
  await appReady(page);
  await expect(page.getByTestId("draft-count")).toHaveText("1 draft");
  server.revokeDevices();
  await page.reload();
  await appReady(page);
  await expect(page.getByTestId("storage-problem")).toContainText("enrolment was withdrawn");
  await expect(page.getByTestId("draft-count")).toHaveText("No drafts on this phone.");
  const databases = await page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name));
  expect(databases).toEqual([]);
  await context.close();
});

test("the phone's key removed (site data partly cleared): the app says so plainly, starts clean and still works", async () => {
  const { context, page } = await installedPhone();
  await page.getByRole("button", { name: "Give feedback about a care home" }).click();
  await page.goto("/app");
  await appReady(page);
  await expect(page.getByTestId("draft-count")).toHaveText("1 draft");
  await allSaved(page);
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.open("chf");
        request.onsuccess = () => {
          const transaction = request.result.transaction("keys", "readwrite");
          transaction.objectStore("keys").clear();
          transaction.oncomplete = () => (request.result.close(), resolve());
          transaction.onerror = () => reject(transaction.error);
        };
      }),
  );
  await page.reload();
  await appReady(page);
  await expect(page.getByTestId("storage-problem")).toContainText("could not be read");
  await expect(page.getByTestId("draft-count")).toHaveText("No drafts on this phone.");
  await page.getByRole("button", { name: "Give feedback about a care home" }).click();
  await expect(page.getByRole("heading", { name: /Which service did you visit/ })).toBeVisible();
  await context.close();
});

test("a full phone: the start page and Send say so in plain words, Send never fails silently, and the form is kept as a draft", async () => {
  const { context, page } = await installedPhone();
  // As a phone with 4 MB left would report it.
  await page.addInitScript(() => {
    navigator.storage.estimate = async () => ({ quota: 50_000_000, usage: 45_800_000 });
  });
  await page.reload();
  await appReady(page);
  await expect(page.getByTestId("storage-risk")).toContainText("This phone is nearly out of space (4.0 MB left for this app)");
  await fillAppForm(page);
  await expect(page.getByTestId("storage-risk")).toContainText("nearly out of space");
  // The disk is now full: every write fails as IndexedDB fails then.
  await page.evaluate(() => {
    IDBObjectStore.prototype.put = () => {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    };
  });
  await page.getByRole("button", { name: "Send observation" }).click();
  await expect(page.getByTestId("send-failed")).toContainText("Not saved: This phone's storage is full");
  await expect(page.getByRole("heading", { name: "Check your answers before sending" })).toBeVisible();
  await axe(page);
  // Space freed (a fresh start): nothing was lost; the form is still a draft, ready to send.
  await page.goto("/app");
  await page.reload();
  await appReady(page);
  await expect(page.getByTestId("draft-count")).toHaveText("1 draft");
  await expect(page.getByTestId("outbox-status")).toHaveText("Nothing waiting to be sent.");
  await context.close();
});
