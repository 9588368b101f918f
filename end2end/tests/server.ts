// Where the server under test runs, and the real tools the tests use on it:
// the `server` command line (to add an organisation) and its database.
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Database } from "./database";

export const port = Number(process.env.E2E_PORT ?? 3901);
export const baseURL = `http://127.0.0.1:${port}`;
export const root = resolve(__dirname, "..", "..");
export const serverBin = join(root, "target", "release", "server");
export const dataDir = process.env.E2E_DATA_DIR ?? join(tmpdir(), `chf-e2e-${port}`);
/** With E2E_DATABASE=postgres, E2E_DATABASE_URL names the database scripts/test made. */
export const database = Database.named(dataDir, process.env.E2E_DATABASE_URL);

/** Adds an organisation with `server org add` and returns its access code. */
export function addOrganisation(name: string): string {
  const out = execFileSync(serverBin, ["--data-dir", dataDir, ...database.serverArgs, "org", "add", name], {
    env: { ...process.env, RUST_LOG: "warn" },
  }).toString();
  const code = out.trim().split(" ").pop();
  if (!code || !/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(code)) throw new Error(`no access code in: ${out}`);
  return code;
}

/** The stored submission with this id, read straight from the database. */
export function storedSubmission(id: string): { severity: string; severity_reason: string; form_id: string; form_version: number; answers: any } | null {
  const rows = database.rows("SELECT severity, severity_reason, form_id, form_version, answers FROM submissions WHERE id = ?", [id]);
  if (rows.length === 0) return null;
  const [severity, severity_reason, form_id, form_version, answers] = rows[0];
  return { severity, severity_reason, form_id, form_version: Number(form_version), answers: JSON.parse(answers) };
}

/** How many submissions the database holds. */
export function submissionCount(): number {
  return Number(database.rows("SELECT COUNT(*) FROM submissions")[0][0]);
}
