// A server of our own for the offline tests, which stop it, restart it on the
// same port (a service worker's cache belongs to one origin), or start it as a
// new release. Each has its own fresh database (and its own folder).
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "./database";
import { root, serverBin } from "./server";

export class AppServer {
  private child: ChildProcess | null = null;
  readonly dataDir = mkdtempSync(join(tmpdir(), "chf-offline-"));
  readonly database = Database.fresh(this.dataDir);

  private constructor(readonly port: number, private flags: string[]) {}

  static async start(flags: string[] = []): Promise<AppServer> {
    const server = new AppServer(await freePort(), flags);
    await server.up();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts (again), optionally as a different release. */
  async up(flags: string[] = this.flags): Promise<void> {
    this.flags = flags;
    this.child = spawn(serverBin, [...this.database.serverArgs, "serve", "--demo", "--addr", `127.0.0.1:${this.port}`, "--data-dir", this.dataDir, ...flags], {
      cwd: root,
      env: { ...process.env, LEPTOS_SITE_ROOT: join(root, "target", "site"), RUST_LOG: "warn" },
      stdio: "inherit",
    });
    for (let tries = 0; tries < 100; tries++) {
      try {
        if ((await fetch(`${this.url}/readyz`)).ok) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server on ${this.port} did not become ready`);
  }

  /** Stops it, as a server that is down (or a phone with no signal) looks. */
  async down(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }

  addOrganisation(name: string): string {
    const out = execFileSync(serverBin, ["--data-dir", this.dataDir, ...this.database.serverArgs, "org", "add", name], { env: { ...process.env, RUST_LOG: "warn" } }).toString();
    return out.trim().split(" ").pop()!;
  }

  /** Adds a staff account with `server user add` and the given password. */
  addUser(email: string, name: string, role: "commissioner" | "admin" | "provider", password: string, services: string[] = []): void {
    const args = ["--data-dir", this.dataDir, ...this.database.serverArgs, "user", "add", "--email", email, "--name", name, "--role", role];
    for (const service of services) args.push("--service", service);
    execFileSync(serverBin, args, { env: { ...process.env, RUST_LOG: "warn", CHF_PASSWORD: password } });
  }

  /** Moves an observation's sharing with its home `days` into the past, reply window and all, as time passing would. */
  shareEarlier(id: string, days: number): void {
    this.database.run(
      {
        sqlite:
          "UPDATE submissions SET shared_with_provider_at = strftime('%Y-%m-%dT%H:%M:%fZ', shared_with_provider_at, ?), " +
          "reply_due_at = strftime('%Y-%m-%dT%H:%M:%fZ', reply_due_at, ?) WHERE id = ?",
        postgres:
          "UPDATE submissions SET " +
          "shared_with_provider_at = to_char((shared_with_provider_at::timestamptz + ?::interval) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), " +
          "reply_due_at = to_char((reply_due_at::timestamptz + ?::interval) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') WHERE id = ?",
      },
      [`-${days} days`, `-${days} days`, id],
    );
  }

  /** Withdraws every phone's enrolment but the demo's, as `server device revoke` does. */
  revokeDevices(): void {
    const ids = this.database
      .rows("SELECT d.id FROM devices d JOIN organisations o ON o.id = d.organisation_id WHERE o.name <> 'Demo Surgery (fictional)'")
      .map((row) => row[0] as string);
    for (const id of ids) {
      execFileSync(serverBin, ["--data-dir", this.dataDir, ...this.database.serverArgs, "device", "revoke", id], { env: { ...process.env, RUST_LOG: "warn" } });
    }
  }

  /** Stored submissions (not the demo's) as [id, form id, form version, severity]. */
  submissionRows(): [string, string, number, string][] {
    return this.database
      .rows(
        "SELECT s.id, s.form_id, s.form_version, s.severity FROM submissions s JOIN devices d ON d.id = s.device_id " +
          "JOIN organisations o ON o.id = d.organisation_id WHERE o.name <> 'Demo Surgery (fictional)' ORDER BY s.received_at",
      )
      .map(([id, form, version, severity]) => [id, form, Number(version), severity]);
  }

  /** Stored submissions (not the demo's), straight from the database. */
  submissionIds(): string[] {
    return this.database
      .rows(
        "SELECT s.id FROM submissions s JOIN devices d ON d.id = s.device_id JOIN organisations o ON o.id = d.organisation_id " +
          "WHERE o.name <> 'Demo Surgery (fictional)'",
      )
      .map((row) => row[0] as string);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1", () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}
