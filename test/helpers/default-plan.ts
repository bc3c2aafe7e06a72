import Database from 'better-sqlite3';
import { afterEach, expect } from 'vitest';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { demoAdminPassword, execArgs, secretEnv, type PlanRunOptions } from '../../src/demo/plan-args.js';
import { appDatabase, restartStandin, stopStandin, type AppDatabase } from '../../src/demo/standin.js';
import { rowsSinceBackup } from '../../src/demo/backup-compare.js';
import { backupOf } from '../../src/demo/demo-summary.js';
import { fingerprints, type Fingerprints } from '../../src/demo/demo-summary.js';
import { createAppWorkspace, type AppWorkspace } from '../../src/demo/workspace.js';
import type { RunEvent } from '../../src/engine/events.js';
import { readJournal } from '../../src/run/journal.js';
import { listRuns } from '../../src/run/list-runs.js';
import { runCli, type CliResult } from './cli.js';
import { freshDatabase, query } from './pg.js';

/** An Agregator installation on SQLite with its stand-in running, and a fresh target database. */
export interface Installation {
  readonly app: AppWorkspace;
  readonly databaseUrl: string;
  /** .env and catalogue.db as they were before any run. */
  readonly before: Fingerprints;
  /** Runs the default plan in-process in the app's directory; `adminPassword` overrides the right one, `env` adds to the environment. */
  exec(
    options?: PlanRunOptions & { readonly adminPassword?: string; readonly env?: Record<string, string | undefined> },
  ): Promise<CliResult>;
  /** The newest run's journal. */
  journal(): RunEvent[];
  /** Which database the app serves from, by its admin overview. */
  database(): Promise<AppDatabase>;
  /** Stops the stand-in and removes the workspace. */
  stop(): Promise<void>;
}

/** Generates a catalogue, starts the stand-in on it, and makes a fresh database on the run's PostgreSQL. */
export async function installation(label: string): Promise<Installation> {
  const app = await createAppWorkspace({ adminPassword: demoAdminPassword });
  const databaseUrl = await freshDatabase(label);
  const started = await restartStandin(app.dir);
  if (!started.ok) throw new Error(`the stand-in did not start: ${started.output}`);
  return {
    app,
    databaseUrl,
    before: fingerprints(app),
    exec: (options = {}) =>
      runCli(execArgs(app, options), {
        cwd: app.dir,
        env: { ...secretEnv(databaseUrl, options.adminPassword ?? demoAdminPassword), ...options.env },
      }),
    journal: () => readJournal(join(listRuns(app.dir)[0]!.dir, 'journal.jsonl')),
    database: () => appDatabase(app.appUrl, demoAdminPassword),
    stop: async () => {
      await stopStandin(app.dir);
      rmSync(app.dir, { recursive: true, force: true });
    },
  };
}

/** Makes an installation for a test and stops it after the test; call at the top level of a test file. */
export function installPerTest(): (label: string) => Promise<Installation> {
  let current: Installation | undefined;
  afterEach(async () => {
    await current?.stop();
    current = undefined;
  });
  return async (label) => {
    current = await installation(label);
    return current;
  };
}

/** Row counts of every ordinary table of a SQLite file (the app's full-text tables and their storage left out). */
export function sqliteCounts(path: string): Record<string, number> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%\\_fts%' ESCAPE '\\' ORDER BY name",
      )
      .pluck()
      .all() as string[];
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get() as number]));
  } finally {
    db.close();
  }
}

/** One value of one SQLite query. */
export function sqliteValue(path: string, sql: string): unknown {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).pluck().get();
  } finally {
    db.close();
  }
}

/** Row counts of the given tables in a PostgreSQL database; with `upToId`, only rows whose id is at most that. */
export async function postgresCounts(
  url: string,
  tables: readonly string[],
  upToId: Readonly<Record<string, number>> = {},
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const limit = upToId[t];
    const [row] = await query<{ n: string }>(
      url,
      `select count(*) as n from "${t}"${limit === undefined ? '' : ' where id <= $1'}`,
      limit === undefined ? [] : [limit],
    );
    counts[t] = Number(row?.n);
  }
  return counts;
}

/** The files in the app's backups/ folder. */
export function backups(app: AppWorkspace): string[] {
  return readdirSync(app.backupsDir).map((f) => join(app.backupsDir, f));
}

/** A signed-in session on the app, as a browser would hold it. */
export async function signIn(
  appUrl: string,
  password = demoAdminPassword,
): Promise<(method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> }>> {
  let cookie = '';
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${appUrl}${path}`, {
      method,
      headers: { ...(cookie && { cookie }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) cookie = setCookie.split(';')[0] ?? '';
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const login = await call('POST', '/api/auth/login', { username: 'admin', password });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return call;
}

/** Every file under the app's .runbook/ (run directories, lock). */
export function runFiles(app: AppWorkspace): string[] {
  const root = join(app.dir, '.runbook');
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((f) => join(root, f))
    .filter((f) => statSync(f).isFile());
}

/** Tables the app writes to during the plan's checks: start-up task, AI search, logins and the probe file. */
const writtenBySmoke = ['task_records', 'ai_search_metrics', 'ai_search_snippet_cache', 'user_action_log'];

/**
 * Asserts a finished migration: every table holds as many rows in PostgreSQL as in SQLite (rows
 * the smoke checks added come after the source's largest id), the app serves from PostgreSQL,
 * and a signed-in AI search writes rows with fresh ids (the sequences continue after the data).
 */
export async function expectMigrated(app: AppWorkspace, databaseUrl: string): Promise<void> {
  const source = sqliteCounts(app.cataloguePath);
  expect(Object.keys(source)).toHaveLength(23);
  const maxIds = Object.fromEntries(
    writtenBySmoke.map((t) => [t, Number(sqliteValue(app.cataloguePath, `SELECT coalesce(max(id), 0) FROM "${t}"`))]),
  );
  expect(await postgresCounts(databaseUrl, Object.keys(source), maxIds)).toEqual(source);

  expect(await appDatabase(app.appUrl, demoAdminPassword)).toEqual({ ok: true, dialect: 'postgresql', files: source.files });
  const call = await signIn(app.appUrl);
  const search = await call('POST', '/api/ai-search', { query: 'отчёт' });
  expect(search.status).toBe(200);
  const [task] = await query<{ max: number }>(databaseUrl, 'select max(id)::int as max from task_records');
  expect(search.body.task_id).toBe(task?.max);
  expect(search.body.task_id).toBeGreaterThan(maxIds.task_records!);
  expect(search.body.metric_id).toBeGreaterThan(maxIds.ai_search_metrics!);
}

/**
 * Asserts a rolled-back run: the app serves from SQLite (by its admin overview), and catalogue.db
 * holds every row of the run's verified backup; rows added since are only the app's own writes at
 * its restart and the rollback's checks (a start-up task, logins).
 */
export async function expectBackOnSqlite(inst: Installation): Promise<void> {
  expect(await inst.database()).toMatchObject({ ok: true, dialect: 'sqlite' });
  const backup = backupOf(inst.journal());
  expect(backup).toBeDefined();
  const { lost, added } = rowsSinceBackup(inst.app.cataloguePath, backup!);
  expect(lost).toEqual({});
  expect(Object.keys(added).filter((t) => t !== 'task_records' && t !== 'user_action_log')).toEqual([]);
  expect(readdirSync(inst.app.dir).filter((f) => f.includes('.replaced-'))).toEqual([]);
}
