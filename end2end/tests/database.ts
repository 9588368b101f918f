// The database a server under test keeps its data in: a SQLite file in its
// data folder (the default), or, with E2E_DATABASE=postgres, a PostgreSQL
// database of its own on the machine's server (127.0.0.1:5432). Tests read
// and change it as someone with a database shell would: python's sqlite3 for
// SQLite, psql for PostgreSQL. Their names start with E2E_DATABASE_PREFIX,
// which scripts/test makes for its run and drops by when the run ends.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";

const postgresServer = process.env.E2E_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432";

export const onPostgres = process.env.E2E_DATABASE === "postgres";

/** SQL that differs between the two, by dialect. */
export type Dialects = { sqlite: string; postgres: string };

export class Database {
  private constructor(private readonly dataDir: string, readonly url: string | null) {}

  /** The main server's: the URL scripts/test made, or the data folder's file. */
  static named(dataDir: string, url: string | undefined): Database {
    return new Database(dataDir, onPostgres ? url ?? null : null);
  }

  /** A new one for a server of a test's own. */
  static fresh(dataDir: string): Database {
    if (!onPostgres) return new Database(dataDir, null);
    const name = `${process.env.E2E_DATABASE_PREFIX ?? "chf_e2e_"}${randomBytes(8).toString("hex")}`;
    execFileSync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", `${postgresServer}/postgres`, "-c", `CREATE DATABASE ${name}`]);
    return new Database(dataDir, `${postgresServer}/${name}`);
  }

  /** The `server` flags that name it. */
  get serverArgs(): string[] {
    return this.url ? ["--database-url", this.url] : [];
  }

  /** The rows `sql` returns, each as an array of its columns' values; `?` takes each parameter in turn. */
  rows(sql: string | Dialects, params: (string | number)[] = []): any[][] {
    if (this.url) {
      const query = `SELECT COALESCE(json_agg(t), '[]'::json) FROM (${literal(pick(sql, "postgres"), params)}) t`;
      const out = execFileSync("psql", ["-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", this.url, "-c", query]).toString();
      return (JSON.parse(out) as object[]).map((row) => Object.values(row));
    }
    const script =
      "import json, sqlite3, sys; db = sqlite3.connect(sys.argv[1]); " +
      "print(json.dumps([list(r) for r in db.execute(sys.argv[2], json.loads(sys.argv[3]))]))";
    return JSON.parse(execFileSync("python3", ["-c", script, this.file, pick(sql, "sqlite"), JSON.stringify(params)]).toString());
  }

  /** Runs a statement that returns no rows. */
  run(sql: string | Dialects, params: (string | number)[] = []): void {
    if (this.url) {
      execFileSync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", this.url, "-c", literal(pick(sql, "postgres"), params)]);
      return;
    }
    const script = "import json, sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute(sys.argv[2], json.loads(sys.argv[3])); db.commit()";
    execFileSync("python3", ["-c", script, this.file, pick(sql, "sqlite"), JSON.stringify(params)]);
  }

  private get file(): string {
    return join(this.dataDir, "chf.db");
  }
}

function pick(sql: string | Dialects, dialect: keyof Dialects): string {
  return typeof sql === "string" ? sql : sql[dialect];
}

/** psql takes no bound parameters here: each `?` becomes a quoted literal (the tests' own ids and numbers). */
function literal(sql: string, params: (string | number)[]): string {
  let next = 0;
  return sql.replace(/\?/g, () => {
    if (next >= params.length) throw new Error(`too few parameters for: ${sql}`);
    const value = params[next++];
    return typeof value === "number" ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
  });
}
