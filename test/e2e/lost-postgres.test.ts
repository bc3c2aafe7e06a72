import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/events.js';
import { runBin, runCli, type CliResult } from '../helpers/cli.js';
import { startEmbeddedPostgres } from '../helpers/embedded-pg.js';
import { writeBigCatalogue } from '../helpers/big-catalogue.js';
import { copyingInto, freshDatabase, query } from '../helpers/pg.js';
import { workspace, type Workspace } from '../helpers/workspace.js';

/**
 * A catalogue with two big tables (loaded side by side) in the workspace, and a plan that moves
 * it; with `keepTables`, the rollback keeps what the transfer made, as the default plan does.
 */
function migration(ws: Workspace, keepTables = false): string {
  writeBigCatalogue(join(ws.dir, 'catalogue.db'));
  return ws.write(
    'plan.yaml',
    `version: 1
name: lost-postgres
vars:
  database_url: { env: DATABASE_URL, secret: true, required: true }
connections:
  source: { sqlite: catalogue.db }
  target: { postgres: "{{vars.database_url}}" }
steps:
  - id: stop-writes
    kind: shell
    run: touch writes-stopped
    rollback:
      - kind: shell
        run: rm writes-stopped
  - id: transfer
    kind: sqlite-to-pg
    source: source
    target: target
${keepTables ? '    undo_when: "false"\n' : ''}`,
  );
}

const journalOf = (ws: Workspace) => ws.lastJournal();
const runEnd = (events: readonly RunEvent[]) => events.find((e): e is Extract<RunEvent, { type: 'run-end' }> => e.type === 'run-end');

/** What every way of losing PostgreSQL must leave: a named failure, no crash, the other steps undone, the lock free. */
async function expectLostAndReported(ws: Workspace, r: CliResult, password: string): Promise<void> {
  const out = r.stdout + r.stderr;
  expect(out).toMatch(/lost the connection to PostgreSQL \([^)]+\) while copying table "(files|tags)"/);
  expect(out).not.toMatch(/refused a row|cast rule|internal error|Unhandled 'error' event/);
  // No stack trace anywhere.
  expect(out).not.toMatch(/\n\s+at /);
  expect(out).not.toContain(password);
  const events = journalOf(ws);
  const failed = events.find((e): e is Extract<RunEvent, { type: 'step-end' }> => e.type === 'step-end' && e.step === 'transfer');
  expect(failed?.status).toBe('failed');
  expect(failed?.error).toContain('lost the connection to PostgreSQL');
  expect(readFileSync(join(ws.lastRunDir(), 'report.md'), 'utf8')).toContain('lost the connection to PostgreSQL');
  // The step before was rolled back.
  expect(existsSync(join(ws.dir, 'writes-stopped'))).toBe(false);
  // The lock was released: the next run in the same directory starts.
  const next = await runCli(
    ['exec', ws.write('next.yaml', 'version: 1\nname: next\nsteps:\n  - id: a\n    kind: shell\n    run: "true"\n')],
    { cwd: ws.dir },
  );
  expect(next.stderr).toBe('');
  expect(next.code).toBe(0);
}

/** Runs the migration against a server of its own, stops that server (fast shutdown) while "files" is copied, and checks the run. */
async function whileTheServerStops(
  keepTables: boolean,
  check: (ws: Workspace, r: CliResult, password: string) => Promise<void>,
): Promise<void> {
  const server = await startEmbeddedPostgres();
  try {
    const ws = workspace();
    const running = runBin(['exec', migration(ws, keepTables)], { cwd: ws.dir, env: { DATABASE_URL: server.url } });
    await copyingInto(server.url, 'public.files');
    await server.stop();
    await check(ws, await running, server.password);
  } finally {
    await server.stop();
  }
}

describe('losing PostgreSQL in the middle of the transfer (the real binary)', () => {
  it('a backend terminated with pg_terminate_backend: the step fails naming the lost connection, everything is rolled back, exit 1', async () => {
    const ws = workspace();
    const plan = migration(ws);
    const url = await freshDatabase('lost_terminated');
    const password = new URL(url).password;
    const running = runBin(['exec', plan], { cwd: ws.dir, env: { DATABASE_URL: url } });
    const pid = await copyingInto(url, 'public.files');
    await query(url, 'select pg_terminate_backend($1)', [pid]);
    const r = await running;

    expect(r.code).toBe(1);
    expect(runEnd(journalOf(ws))).toMatchObject({ status: 'failed-rolled-back', exitCode: 1 });
    await expectLostAndReported(ws, r, password);
    expect(r.stdout).toContain('while copying table "files"');
    // The transfer's undo dropped what it had created.
    expect(await query(url, "select table_name from information_schema.tables where table_schema = 'public'")).toEqual([]);
  });

  it("the server stopped (fast shutdown), the transfer's tables kept as the default plan does: the step fails naming the lost connection, the rest is rolled back, exit 1", async () => {
    await whileTheServerStops(true, async (ws, r, password) => {
      expect(r.code).toBe(1);
      expect(runEnd(journalOf(ws))).toMatchObject({ status: 'failed-rolled-back', exitCode: 1 });
      await expectLostAndReported(ws, r, password);
    });
  });

  it("the server stopped (fast shutdown) with the transfer's undo to run: the rest is rolled back, and the report says what is left to drop (exit 3)", async () => {
    await whileTheServerStops(false, async (ws, r, password) => {
      // The transfer's tables stay on a server that is gone: the rollback cannot be complete, and says so.
      expect(r.code).toBe(3);
      expect(runEnd(journalOf(ws))).toMatchObject({ status: 'failed-rollback-incomplete', exitCode: 3 });
      const report = readFileSync(join(ws.lastRunDir(), 'report.md'), 'utf8');
      await expectLostAndReported(ws, r, password);
      expect(report).toMatch(
        /cannot undo the transfer into schema "public": cannot connect to "target" \(postgresql:\/\/postgres:\*\*\*\*@[^)]+\): [^;]+; once PostgreSQL is back, undo the transfer by hand: DROP TABLE IF EXISTS "public"."files", "public"."tags", "public"."_runbook_transfer";/,
      );
    });
  });
});
