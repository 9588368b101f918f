// Observations sent as a phone sends them, through the real API, for the
// tests of the pages that show them.
import { expect } from "@playwright/test";
import { AppServer } from "./app-server";

/** An enrolled device's token, through the real enrolment API. */
export async function deviceToken(server: AppServer): Promise<string> {
  const code = server.addOrganisation(`Nettlebury Practice ${Date.now()}`);
  const response = await fetch(`${server.url}/api/v1/devices`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Nurse B Example", role: "district_nurse", access_code: code }),
  });
  expect(response.status).toBe(201);
  return (await response.json()).token;
}

/** Sends an observation as a phone would and returns its id. */
export async function sendObservation(server: AppServer, token: string, answers: Record<string, unknown>): Promise<string> {
  const id = crypto.randomUUID();
  const today = new Date().toISOString().slice(0, 10);
  const body = {
    id,
    form_id: "professional-feedback",
    form_version: 1,
    submitted_at: new Date().toISOString(),
    answers: {
      service: "1-000000007",
      visit_date: today,
      visit_time: "morning",
      role: "district_nurse",
      organisation: "Nettlebury Practice",
      appearance: "good",
      environment: "good",
      interaction: "good",
      staffing: "good",
      risk_of_harm: "no",
      shared_with_staff: "yes",
      shared_with_role: "Deputy manager",
      contact_ok: "no",
      ...answers,
    },
  };
  const response = await fetch(`${server.url}/api/v1/submissions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return id;
}
