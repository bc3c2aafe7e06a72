// The default plan's runner killed with SIGKILL at step boundaries and in the middle of the backup,
// the transfer and the smoke checks (the moment read from the journal, never a sleep). After each
// kill, `runbook resume` ends where an uninterrupted run ends, and `runbook rollback` puts the app
// back on SQLite with no table left in PostgreSQL. One PostgreSQL server; a database per case.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoAdminPassword, execArgs, secretEnv } from '../../src/demo/plan-args.js';
import { fileSha256 } from '../../src/demo/workspace.js';
import type { RunEvent } from '../../src/engine/events.js';
import { readJournal } from '../../src/run/journal.js';
import { listRuns, readRunState } from '../../src/run/list-runs.js';
import { runBin, startBin } from '../helpers/cli.js';
import { expectBackOnSqlite, expectMigrated, installPerTest, type Installation } from '../helpers/default-plan.js';
import { query } from '../helpers/pg.js';

const install = installPerTest();

/** Tables in the target database outside PostgreSQL's own schemas. */
async function userTables(url: string): Promise<string[]> {
  const rows = await query<{ name: string }>(
    url,
    "select table_schema || '.' || table_name as name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') order by 1",
  );
  return rows.map((r) => r.name);
}

const runDir = (inst: Installation) => listRuns(inst.app.dir)[0]?.dir;

/** Polls the newest run's journal until an event matches. */
async function journalHas(inst: Installation, test: (e: RunEvent) => boolean): Promise<void> {
  for (;;) {
    const dir = runDir(inst);
    if (dir && existsSync(join(dir, 'journal.jsonl')) && readJournal(join(dir, 'journal.jsonl')).some(test)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ended = (step: string) => (e: RunEvent) => e.type === 'step-end' && e.step === step;
const started = (step: string) => (e: RunEvent) => e.type === 'step-start' && e.step === step;

/** When to kill: after the journal shows `at`, and (mid-step) once `inside` holds too. */
interface KillPoint {
  readonly name: string;
  readonly at: (e: RunEvent) => boolean;
  readonly inside?: (inst: Installation) => Promise<boolean>;
  /** The step the rebuilt state must name as running, for a kill in the middle of a step. */
  readonly running?: string;
}

/** The backup's temp file is noted in the run's trail before it is written: the backup is under way. */
const backupUnderWay = async (inst: Installation) => readdirSync(inst.app.backupsDir).some((f) => f.endsWith('.tmp'));
/** The transfer has finished some tables and not all: its state table says so. */
const transferUnderWay = async (inst: Installation) => {
  try {
    const [row] = await query<{ done: number; all: number }>(
      inst.databaseUrl,
      "select count(*) filter (where status = 'complete')::int as done, count(*)::int as all from public._runbook_transfer",
    );
    return (row?.done ?? 0) > 0 && (row?.done ?? 0) < (row?.all ?? 0);
  } catch {
    return false;
  }
};

const points: readonly KillPoint[] = [
  { name: 'after stop-app', at: ended('stop-app') },
  { name: 'in the middle of the backup', at: started('backup'), inside: backupUnderWay, running: 'backup' },
  { name: 'after the backup', at: ended('backup') },
  { name: 'in the middle of the transfer', at: started('transfer'), inside: transferUnderWay, running: 'transfer' },
  { name: 'after the transfer', at: ended('transfer') },
  { name: 'after switch-env', at: ended('switch-env') },
  { name: 'in the middle of the smoke checks', at: started('smoke'), running: 'smoke' },
];

/** Starts the default plan as a real process, kills it with SIGKILL at the point, and takes its lock over. */
async function killAt(inst: Installation, point: KillPoint): Promise<string> {
  const run = startBin(execArgs(inst.app, { vars: ['drop_target_on_rollback=true'] }), {
    cwd: inst.app.dir,
    env: secretEnv(inst.databaseUrl, demoAdminPassword),
  });
  await journalHas(inst, point.at);
  while (point.inside && !(await point.inside(inst))) await new Promise((r) => setTimeout(r, 5));
  run.child.kill('SIGKILL');
  expect(await run.exited).toBe('SIGKILL');
  const dir = runDir(inst)!;
  const state = readRunState(dir)!;
  expect(state.end).toBeUndefined();
  if (point.running) expect(state.running?.id).toBe(point.running);
  expect((await runBin(['unlock'], { cwd: inst.app.dir })).code).toBe(0);
  return dir.split('/').pop()!;
}

const carryOn = (inst: Installation, command: 'resume' | 'rollback', id: string) =>
  runBin([command, id, '--yes'], { cwd: inst.app.dir, env: secretEnv(inst.databaseUrl, demoAdminPassword) });

describe('kill -9 of the runner, then resume: the end state of an uninterrupted run', () => {
  it.each(points.map((p) => [p.name, p] as const))('%s', async (_, point) => {
    const inst = await install(`kill_resume_${point.name.replace(/\W+/g, '_')}`);
    const id = await killAt(inst, point);
    const resumed = await carryOn(inst, 'resume', id);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    await expectMigrated(inst.app, inst.databaseUrl);
    expect(readFileSync(inst.app.envPath, 'utf8')).toContain(`DATABASE_URL=${inst.databaseUrl}\n`);
    // The app ran on PostgreSQL after the switch: catalogue.db is as it was before the run.
    expect(fileSha256(inst.app.cataloguePath)).toBe(inst.before.catalogue);
    expect((await runBin(['runs'], { cwd: inst.app.dir })).stdout).toBe(`${id}  succeeded (resumed) (exit 0)\n`);
  });
});

describe('kill -9 of the runner, then rollback: the state before the run', () => {
  it.each(points.map((p) => [p.name, p] as const))('%s', async (_, point) => {
    const inst = await install(`kill_rollback_${point.name.replace(/\W+/g, '_')}`);
    const id = await killAt(inst, point);
    const rolledBack = await carryOn(inst, 'rollback', id);
    expect(rolledBack.code).toBe(0);
    expect(fileSha256(inst.app.envPath)).toBe(inst.before.env);
    const backedUp = readJournal(join(runDir(inst)!, 'journal.jsonl')).some(ended('backup'));
    if (backedUp) await expectBackOnSqlite(inst);
    else expect(await inst.database()).toMatchObject({ ok: true, dialect: 'sqlite' });
    expect(await userTables(inst.databaseUrl)).toEqual([]);
    expect(readdirSync(inst.app.backupsDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
