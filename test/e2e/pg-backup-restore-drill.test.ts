import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { freshDatabase, query } from '../helpers/pg.js';
import { runCli } from '../helpers/cli.js';
import { workspace } from '../helpers/workspace.js';

const drill = resolve('plans/examples/pg-backup-restore-drill.yaml');

/** The server URL without a database, as the drill's server_url takes it. */
const serverUrl = () => inject('pgUrl').replace(/\/[^/]*$/, '');

/** A source database with two tables and some rows. */
async function sourceDatabase(): Promise<string> {
  const url = await freshDatabase('drill');
  await query(url, 'create table files (id serial primary key, name text not null)');
  await query(url, "insert into files (name) select 'f' || g from generate_series(1, 25) g");
  await query(url, 'create table tags (id serial primary key, file_id int references files(id), tag text)');
  await query(url, "insert into tags (file_id, tag) select g, 'x' from generate_series(1, 10) g");
  return new URL(url).pathname.slice(1);
}

const databaseExists = async (name: string) => (await query(inject('pgUrl'), 'select 1 from pg_database where datname = $1', [name])).length > 0;

/** The major version of the pg_dump the drill would use, 0 when there is none. */
function pgDumpMajor(): number {
  try {
    return Number(/(\d+)/.exec(execFileSync('pg_dump', ['--version'], { encoding: 'utf8' }))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

describe('plans/examples/pg-backup-restore-drill.yaml on the embedded PostgreSQL', () => {
  it('restores the dump into a scratch database and compares, or fails saying why pg_dump cannot; the scratch database is always dropped', async () => {
    const database = await sourceDatabase();
    const scratch = `${database}_scratch`;
    const ws = workspace();
    const serverMajor = Number((await query(inject('pgUrl'), "select current_setting('server_version_num')::int / 10000 as v"))[0]!.v);
    const r = await runCli(['exec', drill, '--var', `database=${database}`, '--var', `scratch_db=${scratch}`, '--var', 'key_tables=files,tags', '--var', 'min_tables=2'], { cwd: ws.dir, env: { PG_DRILL_SERVER: serverUrl() } });
    const events = ws.lastJournal();
    const ends = events.filter((e) => e.type === 'step-end').map((e) => (e.type === 'step-end' ? `${e.step}:${e.status}` : ''));
    expect(r.stdout).not.toContain(new URL(inject('pgUrl')).password);
    if (pgDumpMajor() >= serverMajor) {
      expect(r.code).toBe(0);
      expect(ends).toEqual(['server-version:succeeded', 'create-scratch:succeeded', 'make-scratch:succeeded', 'pg-dump-fits:succeeded', 'dump:succeeded', 'restore:succeeded', 'restored-tables:succeeded', 'same-counts:succeeded', 'key-table[0]:succeeded', 'key-table[1]:succeeded', 'scratch-drop:succeeded']);
      const dumped = events.find((e): e is Extract<typeof e, { type: 'step-output' }> => e.type === 'step-output' && e.step === 'dump');
      expect(existsSync(join(ws.dir, String(dumped?.outputs.file)))).toBe(true);
    } else {
      // pg_dump on this machine is older than the server: the drill fails there, saying so.
      expect(r.code).toBe(1);
      expect(ends).toEqual(['server-version:succeeded', 'create-scratch:succeeded', 'make-scratch:succeeded', 'pg-dump-fits:failed', 'scratch-drop:succeeded']);
      const failed = events.find((e) => e.type === 'step-end' && e.status === 'failed');
      expect(failed).toMatchObject({ step: 'pg-dump-fits', error: expect.stringContaining(`older than the server (${serverMajor}) and refuses to dump it; set pg_bin`) });
    }
    expect(await databaseExists(scratch)).toBe(false);
    expect(await databaseExists(database)).toBe(true);
  });

  it('drops the scratch database in finally when a step after its creation fails, and the failure stays the run\'s', async () => {
    const database = await sourceDatabase();
    const scratch = `${database}_scratch`;
    const ws = workspace();
    const r = await runCli(['exec', drill, '--var', `database=${database}`, '--var', `scratch_db=${scratch}`, '--fail-at', 'pg-dump-fits'], { cwd: ws.dir, env: { PG_DRILL_SERVER: serverUrl() } });
    const ends = ws.lastJournal().filter((e) => e.type === 'step-end').map((e) => (e.type === 'step-end' ? `${e.step}:${e.status}` : ''));
    expect(ends).toEqual(['server-version:succeeded', 'create-scratch:succeeded', 'make-scratch:succeeded', 'pg-dump-fits:failed', 'scratch-drop:succeeded']);
    expect(ws.lastJournal().at(-1)).toMatchObject({ type: 'run-end', status: 'failed-rolled-back', exitCode: 1, failedStep: 'pg-dump-fits' });
    expect(r.code).toBe(1);
    expect(await databaseExists(scratch)).toBe(false);
  });

  it('never drops a database of the scratch name that it did not create', async () => {
    const database = await sourceDatabase();
    const scratch = `${database}_theirs`;
    await query(inject('pgUrl'), `create database "${scratch}"`);
    const ws = workspace();
    const r = await runCli(['exec', drill, '--var', `database=${database}`, '--var', `scratch_db=${scratch}`], { cwd: ws.dir, env: { PG_DRILL_SERVER: serverUrl() } });
    expect(r.code).toBe(1);
    expect(ws.lastJournal().find((e) => e.type === 'step-end' && e.step === 'scratch-drop')).toMatchObject({ status: 'skipped' });
    expect(await databaseExists(scratch)).toBe(true);
  });
});
