// Closing the loop in real Chromium: what a visiting professional hears back
// on their phone after a commissioner acts, online and then with no signal.
// Each test has its own server and database (with the demo data).
import { test, expect } from "@playwright/test";
import { AppServer } from "./app-server";
import { appReady, axe, fillAppForm, installAndEnrol, openPhone, send } from "./phone";

const PASSWORD = "correct horse battery staple";

test.describe.configure({ timeout: 180_000 });

test("a GP's form closed with a shared outcome: the phone shows Closed and the outcome after one sync, and again offline", { tag: "@store" }, async ({ browser }) => {
  const server = await AppServer.start();
  const { context } = await openPhone(server);
  try {
    server.addUser("jo@example.org", "Jo Test", "commissioner", PASSWORD);
    const phone = context.pages()[0] ?? (await context.newPage());
    await installAndEnrol(phone, server, { name: "Dr A Example", role: "GP" });
    await fillAppForm(phone, { staffing: "Some concerns" });
    const id = await send(phone);
    await expect(phone.getByTestId("sent-panel")).toBeVisible();
    await expect(phone.getByTestId("sent-state")).toHaveText("Received");
    const reference = (await phone.getByTestId("reference").textContent())!.trim();

    // The commissioner, at a desk: acknowledges, then records an outcome and
    // closes, sharing both notes; a staff-only note stays in the unit.
    const desk = await browser.newContext({ viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false });
    const page = await desk.newPage();
    await page.goto(`${server.url}/triage/observations/${id}`);
    await page.getByLabel("Email address").fill("jo@example.org");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByRole("heading", { level: 1, name: /Observation about Heron House/ })).toBeVisible();
    await axe(page);
    await page.getByLabel("Officer").selectOption({ label: "Jo Test" });
    await page.locator("#assign-note").fill("Staff only: ring the manager before 10");
    await page.getByRole("button", { name: "Acknowledge and assign" }).click();
    await expect(page.getByTestId("step-done")).toHaveText("Done: Acknowledged and assigned to Jo Test");

    // Sharing an empty note is refused, and the box stays ticked.
    await page.getByLabel("Quality support visit").check();
    await page.locator("#outcome-share").check();
    await page.getByRole("button", { name: "Record outcome" }).click();
    await expect(page.getByRole("alert")).toBeFocused();
    await expect(page.getByRole("link", { name: "Enter the note to share with the visitor" })).toBeVisible();
    await expect(page.locator("#outcome-share")).toBeChecked();
    await axe(page);
    await page.getByLabel("Quality support visit").check();
    await page.locator("#outcome-note").fill("We visited the home and agreed an extra carer at breakfast.");
    await page.getByRole("button", { name: "Record outcome" }).click();
    await expect(page.getByTestId("step-done")).toHaveText("Done: Outcome recorded: Quality support visit");
    await page.locator("#close-note").fill("Staffing is back to safe levels. Thank you for telling us.");
    await page.locator("#close-share").check();
    await page.getByRole("button", { name: "Close", exact: true }).click();
    await expect(page.getByTestId("step-done")).toHaveText("Done: Closed");
    await expect(page.locator(".timeline").getByText("Shared with the visitor")).toHaveCount(2);
    await axe(page);
    await page.setViewportSize({ width: 320, height: 640 });
    await axe(page);
    await desk.close();

    // The phone, after one sync (opening the app syncs), shows it closed with what was shared.
    await phone.goto("/app");
    await appReady(phone);
    const item = phone.getByTestId("sent-item");
    await expect(item).toHaveCount(1);
    await expect(item.getByTestId("sent-reference")).toHaveText(reference);
    await expect(item.getByTestId("sent-state")).toHaveText("Closed");
    await expect(item.getByTestId("you-said")).toContainText("Quality support visit. We visited the home and agreed an extra carer at breakfast.");
    await expect(item.getByTestId("you-said")).toContainText("Staffing is back to safe levels. Thank you for telling us.");
    await expect(item).not.toContainText("ring the manager");
    await expect(item).toContainText("Heron House");
    await axe(phone);

    // No signal, the server gone, the app reopened: still there, from the phone.
    await context.setOffline(true);
    await server.down();
    await phone.reload();
    await appReady(phone);
    await expect(item.getByTestId("sent-state")).toHaveText("Closed");
    await expect(item.getByTestId("you-said")).toContainText("We visited the home and agreed an extra carer at breakfast.");
    await phone.setViewportSize({ width: 320, height: 640 });
    await axe(phone);
    await phone.goto(`/app#/done/${id}`);
    await expect(phone.getByTestId("sent-state")).toHaveText("Closed");
  } finally {
    await context.close();
    await server.down();
  }
});
