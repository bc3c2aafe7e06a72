// Rollbacks of the default plan against the app's real behaviour: it reads DATABASE_URL from its
// environment before .env, holds catalogue.db open while it runs, and saves files through its
// full-text tables.
import Database from 'better-sqlite3';
import { readFileSync, readlinkSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPlanPath, demoAdminPassword } from '../../src/demo/plan-args.js';
import type { RunEvent } from '../../src/engine/events.js';
import { listRuns } from '../../src/run/list-runs.js';
import { expectBackOnSqlite, installPerTest, signIn, type Installation } from '../helpers/default-plan.js';

const install = installPerTest();

const runEnd = (events: readonly RunEvent[]) => events.find((e): e is Extract<RunEvent, { type: 'run-end' }> => e.type === 'run-end');

/** The SQLite files the running stand-in holds open, by /proc/<pid>/fd. */
function openDatabaseFiles(app: Installation['app']): string[] {
  const pid = readFileSync(join(app.dir, 'standin.pid'), 'utf8').trim();
  const fds = join('/proc', pid, 'fd');
  return readdirSync(fds)
    .map((fd) => {
      try {
        return readlinkSync(join(fds, fd));
      } catch {
        return '';
      }
    })
    .filter((target) => target.includes('catalogue.db'));
}

describe('the default plan rolls back to an app that really is on SQLite', () => {
  it("with DATABASE_URL=postgres… in runbook's environment (the fallback), the restarted app still ends on SQLite", async () => {
    const inst = await install('rollback_env_leak');
    const result = await inst.exec({ failAt: 'smoke', env: { RUNBOOK_DATABASE_URL: undefined, DATABASE_URL: inst.databaseUrl } });
    expect(result.stderr).toContain('warning RB505 var "database_url" is taken from DATABASE_URL');
    expect(result.code).toBe(1);
    const events = inst.journal();
    // The app did run on PostgreSQL before the failure: the leak would have mattered.
    expect(events.some((e) => e.type === 'step-end' && e.step === 'app-on-postgresql' && e.status === 'succeeded')).toBe(true);
    expect(runEnd(events)).toMatchObject({ status: 'failed-rolled-back', exitCode: 1 });
    await expectBackOnSqlite(inst);
  });

  it('while the app holds catalogue.db open, nothing written after the rollback goes to a renamed file', async () => {
    const inst = await install('rollback_open_file');
    const result = await inst.exec({ failAt: 'app-deletes' });
    expect(result.code).toBe(1);
    // The app started after the restore holds the live file, not a copy moved aside.
    const open = openDatabaseFiles(inst.app);
    expect(open.length).toBeGreaterThan(0);
    for (const file of open) expect(file).toBe(inst.app.cataloguePath);
    await expectBackOnSqlite(inst);
    const call = await signIn(inst.app.appUrl, demoAdminPassword);
    const saved = await call('POST', '/api/files', { title: 'после отката', filename: 'after-rollback' });
    expect(saved.status).toBe(201);
    const db = new Database(inst.app.cataloguePath, { readonly: true });
    try {
      expect(db.prepare("SELECT title FROM files WHERE filename = 'after-rollback'").all()).toEqual([{ title: 'после отката' }]);
    } finally {
      db.close();
    }
  });
});

describe("the app's own write after the switch", () => {
  it('fails when the full-text tables are left out of PostgreSQL: rollback, exit 1, and the report names the missing table', async () => {
    const inst = await install('write_without_fts');
    const plan = join(inst.app.dir, 'sqlite-to-pg-without-fts.yaml');
    const text = readFileSync(defaultPlanPath, 'utf8');
    expect(text).toContain('    virtual_tables: empty\n');
    writeFileSync(plan, text.replace('    virtual_tables: empty\n', '    virtual_tables: skip\n'));
    const result = await inst.exec({ plan });
    expect(result.code).toBe(1);
    const events = inst.journal();
    expect(runEnd(events)).toMatchObject({ status: 'failed-rolled-back', exitCode: 1, failedStep: 'app-writes' });
    const report = readFileSync(join(listRuns(inst.app.dir)[0]!.dir, 'report.md'), 'utf8');
    expect(report).toContain('relation \\"files_fts\\" does not exist');
    await expectBackOnSqlite(inst);
  });
});
