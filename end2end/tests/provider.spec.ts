// A care home's own account in a real browser at a desk (1280 px): the
// commissioner shares an observation; the home's manager reads it without
// who sent it, replies and plans actions; the commissioner sees the reply;
// another home's manager finds nothing; a reply after the window is refused
// and the inbox flags it. Each test has its own server and database.
import { test, expect, Page } from "@playwright/test";
import { AppServer } from "./app-server";
import { axe } from "./phone";
import { deviceToken, sendObservation } from "./observations";

const PASSWORD = "correct horse battery staple";
const HOME_A = "1-000000007";
const HOME_B = "1-000000008";

test.describe.configure({ timeout: 120_000 });
test.use({ viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false });

async function logIn(page: Page, server: AppServer, email: string, path: string) {
  await page.goto(`${server.url}${path}`);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** axe at 1280 px and at 320 px, then back. */
async function checkBothWidths(page: Page) {
  await axe(page);
  await page.setViewportSize({ width: 320, height: 640 });
  await axe(page);
  await page.setViewportSize({ width: 1280, height: 800 });
}

test("a home reads what was shared without who sent it, replies and plans; another home gets 404; a late reply is refused and flagged", { tag: "@store" }, async ({ browser }) => {
  const server = await AppServer.start();
  try {
    server.addUser("jo@example.org", "Jo Test", "commissioner", PASSWORD);
    server.addUser("manager@home-a.example.org", "Ada Manager", "provider", PASSWORD, [HOME_A]);
    server.addUser("manager@home-b.example.org", "Bea Manager", "provider", PASSWORD, [HOME_B]);
    const token = await deviceToken(server);
    const answers = {
      service: HOME_A,
      staffing: "serious_concerns",
      staffing_comment: "One carer for twenty residents at breakfast",
      concern_types: ["lack_of_supervision"],
      contact_ok: "yes",
      contact_details: "nurse.visitor@example.org",
    };
    const id = await sendObservation(server, token, answers);
    const late = await sendObservation(server, token, answers);

    // The commissioner shares both with the home.
    const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const jo = await desk.newPage();
    await logIn(jo, server, "jo@example.org", `/triage/observations/${id}`);
    await expect(jo.getByRole("heading", { name: "Share with the home" })).toBeVisible();
    await jo.locator("#share-note").fill("Please tell us how breakfast is staffed.");
    await jo.getByRole("button", { name: "Share with the home" }).click();
    await expect(jo.getByTestId("step-done")).toHaveText("Done: Shared with the home");
    await expect(jo.getByTestId("sharing")).toContainText("Its reply is due by");
    await checkBothWidths(jo);
    await jo.goto(`${server.url}/triage/observations/${late}`);
    await jo.getByRole("button", { name: "Share with the home" }).click();
    await expect(jo.getByTestId("step-done")).toHaveText("Done: Shared with the home");

    // The home's manager: its homes, what was shared, never who sent it.
    const home = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const ada = await home.newPage();
    await logIn(ada, server, "manager@home-a.example.org", "/login");
    await expect(ada).toHaveURL(/\/provider$/);
    await expect(ada.getByRole("heading", { level: 1, name: "Your homes" })).toBeVisible();
    await expect(ada.getByTestId("shared-row")).toHaveCount(2);
    await checkBothWidths(ada);
    await ada.goto(`${server.url}/provider/observations/${id}`);
    await expect(ada.getByText("One carer for twenty residents at breakfast")).toBeVisible();
    await expect(ada.getByTestId("unit-message")).toContainText("Please tell us how breakfast is staffed.");
    await expect(ada.getByTestId("seen").locator(".nhsuk-summary-list__row", { hasText: "Visitor's role" })).toContainText("District or community nurse");
    const text = await ada.locator("main").innerText();
    for (const hidden of ["Nurse B Example", "Nettlebury Practice", "nurse.visitor@example.org"]) expect(text).not.toContain(hidden);
    await checkBothWidths(ada);

    // A reply, and an action plan: a date in the past is refused, then one is added and done.
    await ada.getByLabel("Add a reply").fill("We have added a second carer at breakfast from Monday.");
    await ada.getByRole("button", { name: "Send reply" }).click();
    await expect(ada.getByTestId("saved")).toHaveText("Your reply was sent to the quality team.");
    await expect(ada.getByTestId("replies")).toContainText("We have added a second carer at breakfast from Monday.");
    await ada.getByLabel("What will be done").fill("Review the breakfast rota every week");
    await ada.getByLabel("Who will do it").fill("Registered manager");
    await ada.getByLabel("Day").fill("1");
    await ada.getByLabel("Month").fill("1");
    await ada.getByLabel("Year").fill("2020");
    await ada.getByRole("button", { name: "Add action" }).click();
    await expect(ada.getByRole("alert")).toBeFocused();
    await ada.getByRole("link", { name: "The date it will be done by must be today or in the future" }).click();
    await expect(ada.locator("#due-day")).toBeFocused();
    await expect(ada.getByLabel("What will be done")).toHaveValue("Review the breakfast rota every week");
    await checkBothWidths(ada);
    await ada.getByLabel("Year").fill(String(new Date().getFullYear() + 1));
    await ada.getByRole("button", { name: "Add action" }).click();
    await expect(ada.getByTestId("saved")).toHaveText("The action was added to your plan.");
    await expect(ada.getByTestId("action")).toContainText("Review the breakfast rota every week");
    await ada.getByRole("button", { name: /Mark as done/ }).click();
    await expect(ada.getByTestId("saved")).toHaveText("The action was marked as done.");
    await expect(ada.getByTestId("action")).toContainText("Done");
    await checkBothWidths(ada);

    // The commissioner sees the reply and the plan on the timeline.
    await jo.goto(`${server.url}/triage/observations/${id}`);
    await expect(jo.locator(".timeline").getByText("Reply from the home")).toBeVisible();
    await expect(jo.locator(".timeline").getByText("We have added a second carer at breakfast from Monday.")).toBeVisible();
    await expect(jo.locator(".timeline").getByText(/Action done by the home: Review the breakfast rota/)).toBeVisible();

    // Another home's manager: nothing listed, and 404 by the address.
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const bea = await other.newPage();
    await logIn(bea, server, "manager@home-b.example.org", "/login");
    await expect(bea.getByTestId("shared-row")).toHaveCount(0);
    const response = await bea.goto(`${server.url}/provider/observations/${id}`);
    expect(response!.status()).toBe(404);
    await expect(bea.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await checkBothWidths(bea);

    // Twenty days later the second is past its 14-day window: refused, and the inbox says so.
    server.shareEarlier(late, 20);
    await ada.goto(`${server.url}/provider/observations/${late}`);
    await expect(ada.getByTestId("reply-state")).toContainText("Reply overdue since");
    await expect(ada.getByLabel("Add a reply")).toHaveCount(0);
    const refused = await ada.request.post(`${server.url}/provider/observations/${late}/replies`, {
      form: { csrf: await ada.locator("input[name=csrf]").first().inputValue(), reply: "Sorry, we are late" },
      headers: { origin: server.url },
    });
    expect(refused.status()).toBe(422);
    expect(await refused.text()).toContain("The time to reply ended on");
    await jo.goto(`${server.url}/triage`);
    const row = jo.locator("tr", { has: jo.locator(`a[href="/triage/observations/${late}"]`) });
    await expect(row.getByTestId("reply-overdue")).toHaveText("Reply overdue");
    await desk.close();
    await home.close();
    await other.close();
  } finally {
    await server.down();
  }
});

test("a home completes its My Home Life self-assessment online, sees it among its earlier ones and shares it with the unit", { tag: "@store" }, async ({ browser }) => {
  const server = await AppServer.start();
  try {
    server.addUser("jo@example.org", "Jo Test", "commissioner", PASSWORD);
    server.addUser("manager@home-a.example.org", "Ada Manager", "provider", PASSWORD, [HOME_A]);
    const home = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const ada = await home.newPage();
    await logIn(ada, server, "manager@home-a.example.org", "/login");
    await ada.getByRole("link", { name: "Self-assessment", exact: true }).click();
    await expect(ada.getByRole("heading", { level: 1, name: "My Home Life self-assessment" })).toBeVisible();
    await checkBothWidths(ada);
    await ada.getByRole("button", { name: /Start a self-assessment/ }).first().click();
    await expect(ada.getByRole("heading", { level: 1, name: /Self-assessment: / })).toBeVisible();
    await checkBothWidths(ada);

    // Saved with one theme missing: every problem listed, what was typed kept.
    const themes = ["Maintaining identity", "Creating community", "Sharing decision-making", "Managing transitions",
      "Improving health and healthcare", "Supporting a good end of life", "Keeping the workforce fit for purpose", "Promoting a positive culture"];
    for (const theme of themes.slice(0, 7)) {
      await ada.getByRole("group", { name: new RegExp(theme) }).getByLabel("Working on it").check();
    }
    await ada.locator("#identity_comment").fill("Life story books in every room");
    await ada.getByRole("button", { name: "Save self-assessment" }).click();
    await expect(ada.getByRole("alert")).toBeFocused();
    await expect(ada.getByRole("link", { name: "Select a rating for promoting a positive culture" })).toBeVisible();
    await expect(ada.locator("#identity_comment")).toHaveValue("Life story books in every room");
    await checkBothWidths(ada);
    await ada.getByRole("group", { name: /Promoting a positive culture/ }).getByLabel("Doing well").check();
    await ada.getByRole("button", { name: "Save self-assessment" }).click();
    await expect(ada.getByTestId("saved")).toContainText("Your self-assessment was saved");
    await expect(ada.getByTestId("checklist-summary")).toBeVisible();
    await checkBothWidths(ada);
    await ada.getByRole("button", { name: "Share with the quality team" }).click();
    await expect(ada.getByTestId("shared-at")).toContainText("Shared with the quality team on");
    await ada.getByRole("link", { name: "Back to self-assessments" }).click();
    await expect(ada.getByTestId("self-assessment")).toHaveCount(1);

    // The unit sees it on the home's page.
    const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const jo = await desk.newPage();
    await logIn(jo, server, "jo@example.org", `/triage/services/${HOME_A}`);
    await expect(jo.getByTestId("shared-self-assessment")).toContainText("Ada Manager");
    await desk.close();
    await home.close();
  } finally {
    await server.down();
  }
});
