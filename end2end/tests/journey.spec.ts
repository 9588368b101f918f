// The phone journey as a busy GP takes it: the shortest complete feedback
// form in the offline app on a 360×740 phone, counting every tap and screen,
// with Continue in view without scrolling, focus on each new screen's heading
// (or its error summary) and axe on every screen.
import { test, expect, Locator, Page } from "@playwright/test";
import { AppServer } from "./app-server";
import { appReady, axe, installAndEnrol, openPhone } from "./phone";

test.describe.configure({ timeout: 180_000 });

/** Before this journey was shortened (issue 16): 24 taps over 14 screens. */
const TAPS_BEFORE = 24;
const SCREENS_BEFORE = 14;

let server: AppServer | null = null;
test.afterEach(async () => {
  await server?.down();
  server = null;
});

/** The new screen has taken focus on its heading or its error summary, and is at its top. */
async function focusedOnArrival(page: Page) {
  await expect
    .poll(() => page.evaluate(() => (document.activeElement?.matches("main h1, main .nhsuk-error-summary") ? "heading" : document.activeElement?.outerHTML.slice(0, 80))))
    .toBe("heading");
}

test("the shortest feedback form at 360×740: fewer taps and screens than before, Continue in view, focus on each heading", async () => {
  server = await AppServer.start();
  const { context } = await openPhone(server, 360);
  const page = context.pages()[0] ?? (await context.newPage());
  // Nothing in the console from the first visit on: no 401 before enrolling, no missing icon.
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`${page.url()}: ${message.text()}`);
  });
  await installAndEnrol(page, server, { name: "Dr A Example", role: "GP" });
  // A GP is offered the feedback form, not the quality team's checklists.
  await expect(page.getByRole("button", { name: /^Start: / })).toHaveCount(0);

  let taps = 0;
  let screens = 1;
  const titles: string[] = [await page.title()];
  const tap = async (target: Locator) => {
    await target.click();
    taps++;
  };
  const onNewScreen = async () => {
    screens++;
    await focusedOnArrival(page);
    await expect.poll(() => page.title()).not.toBe(titles[titles.length - 1]);
    titles.push(await page.title());
    await axe(page);
  };
  const continueInView = async () => {
    const button = page.getByRole("button", { name: "Continue" });
    const box = (await button.boundingBox())!;
    expect(box.y + box.height, `Continue on "${await page.title()}" is within the 740 px screen`).toBeLessThanOrEqual(740);
    await tap(button);
    await onNewScreen();
  };

  await tap(page.getByRole("button", { name: "Give feedback about a care home" }));
  await onNewScreen();
  await tap(page.getByLabel("Search by name or town"));
  await page.getByLabel("Search by name or town").pressSequentially("heron h");
  await tap(page.getByLabel(/Heron House/));
  await continueInView();
  await expect(page.getByRole("heading", { name: "When was your visit?" })).toBeVisible();
  await tap(page.getByLabel("Morning"));
  await continueInView();
  await expect(page.getByRole("heading", { name: "Why did you visit? (optional)" })).toBeVisible();
  await continueInView();
  for (const heading of ["How did the residents appear?", "What was the physical environment like?", "How did staff and residents interact?", "What was the level of staffing?"]) {
    await expect(page.getByRole("heading", { name: heading })).toBeVisible();
    await tap(page.getByLabel("Good", { exact: true }));
    await continueInView();
  }
  await expect(page.getByRole("heading", { name: "Is anyone at immediate risk of harm?" })).toBeVisible();
  await tap(page.getByLabel("No", { exact: true }));
  await continueInView();
  await tap(page.getByLabel("Yes", { exact: true }));
  await tap(page.getByLabel("What is their role?"));
  await page.getByLabel("What is their role?").pressSequentially("Nurse in charge");
  await continueInView();
  await tap(page.getByLabel("No", { exact: true }));
  await continueInView();
  await expect(page.getByRole("heading", { name: "Check your answers before sending" })).toBeVisible();
  await tap(page.getByRole("button", { name: "Send observation" }));
  await expect(page.getByRole("heading", { name: "Observation sent" })).toBeVisible();
  await onNewScreen();

  console.log(`shortest feedback form in the app: ${taps} taps over ${screens} screens (before: ${TAPS_BEFORE} taps, ${SCREENS_BEFORE} screens)`);
  expect(taps).toBeLessThan(TAPS_BEFORE);
  expect(screens).toBeLessThan(SCREENS_BEFORE);
  // Each screen named itself in the title, as a new page would.
  expect(new Set(titles).size, titles.join(" | ")).toBe(titles.length);
  // The role and organisation page was passed by, and is one "Change" away on the check page.
  expect(titles.some((title) => title.startsWith("Your role"))).toBe(false);
  expect(errors).toEqual([]);
  await context.close();
});

/** Enrols on the server's own page, as the access-code letter says, leaving the app unopened. */
async function enrolOnTheServersPage(page: Page, server: AppServer, name: string) {
  const code = server.addOrganisation(`Puddlecombe Surgery ${Math.random().toString(36).slice(2, 8)}`);
  await page.goto("/enrol?next=app");
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("GP", { exact: true }).check();
  await page.getByLabel("Access code").fill(code);
}

test("a first visit to the app: nothing on the page moves when the app takes over from the server's page", async () => {
  server = await AppServer.start();
  const { context } = await openPhone(server, 360);
  const page = context.pages()[0] ?? (await context.newPage());
  await enrolOnTheServersPage(page, server, "Dr C Example");
  // Every layout shift from the first paint on, as Lighthouse counts them (CLS).
  await page.addInitScript(() => {
    (window as unknown as { shifts: number[] }).shifts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) {
        if (!entry.hadRecentInput) (window as unknown as { shifts: number[] }).shifts.push(entry.value);
      }
    }).observe({ type: "layout-shift", buffered: true });
    // As a slow phone answers: whether the browser keeps what is stored comes after the page is drawn.
    const persisted = navigator.storage.persisted.bind(navigator.storage);
    navigator.storage.persisted = () => new Promise((resolve) => setTimeout(() => resolve(persisted()), 500));
  });
  await page.getByRole("button", { name: "Enrol this device" }).click();
  await expect(page).toHaveURL(/\/app$/);
  // The server's page, then the app once the worker has fetched it.
  await appReady(page);
  await expect(page.getByTestId("enrolled-as")).toHaveText(/Dr C Example/);
  // The app's look at the phone's storage (how full, whether kept) answers a moment later.
  await page.evaluate(() => Promise.all([navigator.storage.estimate(), navigator.storage.persisted()]));
  await page.waitForTimeout(500);
  const shifts = await page.evaluate(() => (window as unknown as { shifts: number[] }).shifts);
  const total = shifts.reduce((sum, value) => sum + value, 0);
  expect(total, `layout shifts ${JSON.stringify(shifts)}`).toBeLessThan(0.01);
  await context.close();
});

test("a phone not enrolled yet runs no wasm on the app's page, which says how to enrol; the worker keeps the app for later", async () => {
  server = await AppServer.start();
  const { context } = await openPhone(server, 320);
  const page = context.pages()[0] ?? (await context.newPage());
  const wasm: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname.endsWith(".wasm")) wasm.push(new URL(request.url()).pathname);
  });
  await page.goto("/app");
  await expect(page.getByRole("button", { name: "Enrol this device" })).toBeVisible();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
  const cached = await page.evaluate(async () => (await (await caches.open((await caches.keys())[0])).keys()).map((r) => new URL(r.url).pathname));
  expect(cached.filter((path) => path.endsWith(".wasm")).length).toBeGreaterThan(0);
  await page.waitForTimeout(1_000);
  expect(wasm, "the page itself asked for no wasm").toEqual([]);
  await expect(page.locator("html[data-hydrated]")).toHaveCount(0);
  await axe(page);
  await context.close();
});

test("a first visit to the app: the server's start page works before any wasm, which a tap on Give feedback then fetches", async () => {
  server = await AppServer.start();
  const { context } = await openPhone(server, 360);
  const page = context.pages()[0] ?? (await context.newPage());
  await enrolOnTheServersPage(page, server, "Dr A Example");
  // The service worker, which would fetch the app in the background, never gets going here.
  await page.addInitScript(() => {
    navigator.serviceWorker.register = () => new Promise(() => {});
  });
  const wasm: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname.endsWith(".wasm")) wasm.push(new URL(request.url()).pathname);
  });
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.getByRole("button", { name: "Enrol this device" }).click();
  await expect(page).toHaveURL(/\/app$/);
  await expect(page.getByText("Enrolled as Dr A Example")).toBeVisible();
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(1_000);
  expect(wasm, "no wasm before the page needs it").toEqual([]);
  await axe(page);

  await page.getByRole("button", { name: "Give feedback about a care home" }).click();
  await expect(page.getByText("Opening the form…")).toBeVisible();
  await expect(page.getByRole("heading", { name: /Which service did you visit/ })).toBeVisible({ timeout: 30_000 });
  expect(wasm.length, "the tap fetched the app").toBeGreaterThan(0);
  // The address is the draft's first page: Back goes to the start, not to another new draft.
  expect(page.url()).toMatch(/\/app#\/draft\/[0-9a-f-]{36}\/[a-z-]+$/);
  await page.goBack();
  await expect(page.getByTestId("draft-count")).toHaveText("1 draft");
  // And again from the app's own start page.
  await page.getByRole("button", { name: "Give feedback about a care home" }).click();
  await expect(page.getByRole("heading", { name: /Which service did you visit/ })).toBeVisible();
  expect(errors).toEqual([]);
  await context.close();
});

test("the app's start page puts the form first and, with no signal, says calmly what waits, by home", async () => {
  server = await AppServer.start();
  const { context } = await openPhone(server, 320);
  const page = context.pages()[0] ?? (await context.newPage());
  await installAndEnrol(page, server, { name: "Dr A Example", role: "GP" });
  const primary = page.getByRole("button", { name: "Give feedback about a care home" });
  const box = (await primary.boundingBox())!;
  expect(box.y + box.height).toBeLessThanOrEqual(640);
  await expect(page.getByRole("heading", { name: "Waiting to send" })).toHaveCount(0);

  await context.setOffline(true);
  await server.down();
  await primary.click();
  await page.getByLabel("Search by name or town").fill("heron h");
  await page.getByLabel(/Heron House/).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Morning").check();
  for (let n = 0; n < 2; n++) await page.getByRole("button", { name: "Continue" }).click();
  for (let n = 0; n < 4; n++) {
    await page.getByLabel("Good", { exact: true }).check();
    await page.getByRole("button", { name: "Continue" }).click();
  }
  await page.getByLabel("No", { exact: true }).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("No", { exact: true }).check();
  await page.getByLabel("Why not?").fill("No one was free");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("No", { exact: true }).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Send observation" }).click();
  await expect(page.getByRole("heading", { name: "Saved on this device" })).toBeVisible();
  await page.getByRole("link", { name: "Go to the start" }).click();

  // Above the waiting box, still first: the next form.
  await expect(page.getByRole("heading", { name: "Waiting to send" })).toBeVisible();
  const order = await page.evaluate(() => {
    const main = document.querySelector("main")!;
    const at = (el: Element | null) => (el ? Array.from(main.querySelectorAll("*")).indexOf(el) : -1);
    const start = Array.from(main.querySelectorAll("button")).find((b) => b.textContent === "Give feedback about a care home")!;
    return at(start) < at(main.querySelector("[data-testid=outbox]"));
  });
  expect(order).toBe(true);
  await expect(page.getByTestId("waiting")).toContainText("Heron House");
  await expect(page.getByTestId("sync-error")).toHaveText("No signal. It will send by itself.");
  const colour = await page.getByTestId("sync-error").evaluate((el) => getComputedStyle(el).color);
  expect(colour, "not alarm red").not.toBe("rgb(213, 40, 27)");
  await axe(page);
  await context.close();
});

test("the next form on the same 320×640 phone: the home last visited is one tap away, the contact given before waits behind Yes and leaves only after Yes; axe on every screen", async () => {
  server = await AppServer.start();
  const { context } = await openPhone(server, 320);
  const page = context.pages()[0] ?? (await context.newPage());
  await installAndEnrol(page, server, { name: "Dr B Example", role: "GP" });
  const contact = `dr.b.${Math.random().toString(36).slice(2, 8)}@example.nhs.uk`;
  // What leaves the phone, request by request (the page's and its service worker's).
  const sent: string[] = [];
  context.on("request", (request) => {
    if (request.method() === "POST") sent.push(request.postData() ?? "");
  });
  const next = async () => {
    await page.getByRole("button", { name: "Continue" }).click();
    await axe(page);
  };
  const shortestForm = async (choose: () => Promise<void>, contactPage: () => Promise<void>) => {
    await page.getByRole("button", { name: "Give feedback about a care home" }).click();
    await axe(page);
    await choose();
    await next();
    await page.getByLabel("Morning").check();
    await next();
    await next();
    for (let n = 0; n < 4; n++) {
      await page.getByLabel("Good", { exact: true }).check();
      await next();
    }
    await page.getByLabel("No", { exact: true }).check();
    await next();
    await page.getByLabel("Yes", { exact: true }).check();
    await page.getByLabel("What is their role?").fill("Nurse in charge");
    await next();
    await expect(page.getByRole("heading", { name: "Can we contact you about this?" })).toBeVisible();
    await contactPage();
    await next();
    await expect(page.getByRole("heading", { name: "Check your answers before sending" })).toBeVisible();
    await page.getByRole("button", { name: "Send observation" }).click();
    await expect(page.getByRole("heading", { name: "Observation sent" })).toBeVisible();
    await axe(page);
    await expect.poll(() => server!.submissionIds().length).toBeGreaterThan(0);
    await page.getByRole("link", { name: "Go to the start" }).click();
  };

  // The first form: the home found by searching, the contact typed.
  await shortestForm(
    async () => {
      await expect(page.getByRole("group", { name: "Recently visited" })).toHaveCount(0);
      await page.getByLabel("Search by name or town").fill("heron h");
      await page.getByLabel(/Heron House/).check();
    },
    async () => {
      await page.getByLabel("Yes, by email").check();
      // The email keyboard, and the browser's own saved address.
      const email = page.getByLabel("Email address");
      await expect(email).toHaveAttribute("type", "email");
      await expect(email).toHaveAttribute("autocomplete", "email");
      await expect(email).toHaveValue("");
      await email.fill("not an address");
      await next();
      await expect(page.getByRole("link", { name: "Enter an email address in the correct format, like name@example.com" })).toBeVisible();
      await axe(page);
      await page.getByLabel("Email address").fill(contact);
      await page.getByLabel("Yes, by phone").check();
      await expect(page.getByLabel("Phone number")).toHaveAttribute("type", "tel");
      await page.getByLabel("Yes, by email").check();
    },
  );
  await expect.poll(() => server!.submissionIds().length).toBe(1);
  expect(sent.filter((body) => body.includes(contact)).length).toBeGreaterThan(0);

  // The next form: Heron House is one tap from "Recently visited"; the contact is
  // filled in behind "Yes", and after "No" it never leaves the phone.
  sent.length = 0;
  await shortestForm(
    async () => {
      const recent = page.getByRole("group", { name: "Recently visited" });
      await expect(recent).toBeVisible();
      await recent.getByLabel(/Heron House/).check();
    },
    async () => {
      await page.getByLabel("Yes, by email").check();
      await expect(page.getByLabel("Email address")).toHaveValue(contact);
      await page.getByLabel("No", { exact: true }).check();
    },
  );
  await expect.poll(() => server!.submissionIds().length).toBe(2);
  expect(sent.length).toBeGreaterThan(0);
  expect(sent.filter((body) => body.includes(contact))).toEqual([]);
  await context.close();
});
