// Where the server under test runs, and the real tools the tests use on it:
// the `server` command line (to add an organisation) and the SQLite file.
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const port = Number(process.env.E2E_PORT ?? 3901);
export const baseURL = `http://127.0.0.1:${port}`;
export const root = resolve(__dirname, "..", "..");
export const serverBin = join(root, "target", "release", "server");
export const dataDir = process.env.E2E_DATA_DIR ?? join(tmpdir(), `chf-e2e-${port}`);

/** Adds an organisation with `server org add` and returns its access code. */
export function addOrganisation(name: string): string {
  const out = execFileSync(serverBin, ["--data-dir", dataDir, "org", "add", name], {
    env: { ...process.env, RUST_LOG: "warn" },
  }).toString();
  const code = out.trim().split(" ").pop();
  if (!code || !/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(code)) throw new Error(`no access code in: ${out}`);
  return code;
}

/** The stored submission with this id, read straight from the database file. */
export function storedSubmission(id: string): { severity: string; severity_reason: string; form_id: string; form_version: number; answers: any } | null {
  const script = [
    "import json, sqlite3, sys",
    "db = sqlite3.connect(sys.argv[1])",
    "row = db.execute('SELECT severity, severity_reason, form_id, form_version, answers FROM submissions WHERE id = ?', (sys.argv[2],)).fetchone()",
    "print(json.dumps(None if row is None else dict(zip(['severity', 'severity_reason', 'form_id', 'form_version', 'answers'], row))))",
  ].join("\n");
  const out = execFileSync("python3", ["-c", script, join(dataDir, "chf.db"), id]).toString();
  const row = JSON.parse(out);
  if (row) row.answers = JSON.parse(row.answers);
  return row;
}

/** How many submissions the database holds. */
export function submissionCount(): number {
  const script = "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM submissions').fetchone()[0])";
  return Number(execFileSync("python3", ["-c", script, join(dataDir, "chf.db")]).toString().trim());
}
