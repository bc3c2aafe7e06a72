import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunEvent } from '../../src/engine/events.js';
import type { PgServer } from '../helpers/embedded-pg.js';
import { freshDatabase, query } from '../helpers/pg.js';
import { startSystemPostgres, systemPgBin, whySystemPgMissing } from '../helpers/system-pg.js';
import { runCli } from '../helpers/cli.js';
import { workspace } from '../helpers/workspace.js';

const drill = resolve('plans/examples/pg-backup-restore-drill.yaml');

/** The server URL without a database, as the drill's server_url takes it. */
const serverUrl = () => inject('pgUrl').replace(/\/[^/]*$/, '');

/** Two tables and some rows in the database of `url`. */
async function fillSource(url: string): Promise<void> {
  await query(url, 'create table files (id serial primary key, name text not null)');
  await query(url, "insert into files (name) select 'f' || g from generate_series(1, 25) g");
  await query(url, 'create table tags (id serial primary key, file_id int references files(id), tag text)');
  await query(url, "insert into tags (file_id, tag) select g, 'x' from generate_series(1, 10) g");
}

/** A source database on the embedded server, filled by fillSource. */
async function sourceDatabase(): Promise<string> {
  const url = await freshDatabase('drill');
  await fillSource(url);
  return new URL(url).pathname.slice(1);
}

/** The steps that ended, as `id:status`, in order. */
const stepEnds = (events: readonly RunEvent[]) => events.flatMap((e) => (e.type === 'step-end' ? [`${e.step}:${e.status}`] : []));

const databaseExists = async (name: string) =>
  (await query(inject('pgUrl'), 'select 1 from pg_database where datname = $1', [name])).length > 0;

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
    const r = await runCli(
      [
        'exec',
        drill,
        '--var',
        `database=${database}`,
        '--var',
        `scratch_db=${scratch}`,
        '--var',
        'key_tables=files,tags',
        '--var',
        'min_tables=2',
      ],
      { cwd: ws.dir, env: { PG_DRILL_SERVER: serverUrl() } },
    );
    const events = ws.lastJournal();
    const ends = stepEnds(events);
    expect(r.stdout).not.toContain(new URL(inject('pgUrl')).password);
    if (pgDumpMajor() >= serverMajor) {
      expect(r.code).toBe(0);
      expect(ends).toEqual([
        'server-version:succeeded',
        'create-scratch:succeeded',
        'make-scratch:succeeded',
        'pg-dump-fits:succeeded',
        'dump:succeeded',
        'restore:succeeded',
        'restored-tables:succeeded',
        'same-counts:succeeded',
        'key-table[0]:succeeded',
        'key-table[1]:succeeded',
        'scratch-drop:succeeded',
      ]);
      const dumped = events.find((e): e is Extract<typeof e, { type: 'step-output' }> => e.type === 'step-output' && e.step === 'dump');
      expect(existsSync(join(ws.dir, String(dumped?.outputs.file)))).toBe(true);
    } else {
      // pg_dump on this machine is older than the server: the drill fails there, saying so.
      expect(r.code).toBe(1);
      expect(ends).toEqual([
        'server-version:succeeded',
        'create-scratch:succeeded',
        'make-scratch:succeeded',
        'pg-dump-fits:failed',
        'scratch-drop:succeeded',
      ]);
      const failed = events.find((e) => e.type === 'step-end' && e.status === 'failed');
      expect(failed).toMatchObject({
        step: 'pg-dump-fits',
        error: expect.stringContaining(`older than the server (${serverMajor}) and refuses to dump it; set pg_bin`),
      });
    }
    expect(await databaseExists(scratch)).toBe(false);
    expect(await databaseExists(database)).toBe(true);
  });

  it("drops the scratch database in finally when a step after its creation fails, and the failure stays the run's", async () => {
    const database = await sourceDatabase();
    const scratch = `${database}_scratch`;
    const ws = workspace();
    const r = await runCli(
      ['exec', drill, '--var', `database=${database}`, '--var', `scratch_db=${scratch}`, '--fail-at', 'pg-dump-fits'],
      { cwd: ws.dir, env: { PG_DRILL_SERVER: serverUrl() } },
    );
    const ends = stepEnds(ws.lastJournal());
    expect(ends).toEqual([
      'server-version:succeeded',
      'create-scratch:succeeded',
      'make-scratch:succeeded',
      'pg-dump-fits:failed',
      'scratch-drop:succeeded',
    ]);
    expect(ws.lastJournal().at(-1)).toMatchObject({
      type: 'run-end',
      status: 'failed-rolled-back',
      exitCode: 1,
      failedStep: 'pg-dump-fits',
    });
    expect(r.code).toBe(1);
    expect(await databaseExists(scratch)).toBe(false);
  });

  it('never drops a database of the scratch name that it did not create', async () => {
    const database = await sourceDatabase();
    const scratch = `${database}_theirs`;
    await query(inject('pgUrl'), `create database "${scratch}"`);
    const ws = workspace();
    const r = await runCli(['exec', drill, '--var', `database=${database}`, '--var', `scratch_db=${scratch}`], {
      cwd: ws.dir,
      env: { PG_DRILL_SERVER: serverUrl() },
    });
    expect(r.code).toBe(1);
    expect(ws.lastJournal().find((e) => e.type === 'step-end' && e.step === 'scratch-drop')).toMatchObject({ status: 'skipped' });
    expect(await databaseExists(scratch)).toBe(true);
  });
});

const systemPgMissing = whySystemPgMissing();
if (systemPgMissing) console.log(`SKIPPED: the drill's success path is not tested: ${systemPgMissing}`);

describe.skipIf(systemPgMissing !== undefined)(
  `plans/examples/pg-backup-restore-drill.yaml on a PostgreSQL server of ${systemPgBin} with its own pg_dump`,
  () => {
    let server: PgServer;
    beforeAll(async () => {
      server = await startSystemPostgres();
    });
    afterAll(async () => {
      await server?.stop();
    });

    const urlOf = (database: string) => Object.assign(new URL(server.url), { pathname: `/${database}` }).toString();
    const exists = async (name: string) => (await query(server.url, 'select 1 from pg_database where datname = $1', [name])).length > 0;

    /** A filled source database; from template0, so nothing put into template1 for the scratch database reaches the dump. */
    async function systemSource(name: string): Promise<void> {
      await query(server.url, `create database "${name}" template template0`);
      await fillSource(urlOf(name));
    }

    /** Runs the drill on the system server with its own pg_dump and pg_restore. */
    async function drillRun(database: string, scratch: string) {
      const ws = workspace();
      const r = await runCli(
        [
          'exec',
          drill,
          '--var',
          `database=${database}`,
          '--var',
          `scratch_db=${scratch}`,
          '--var',
          'key_tables=files,tags',
          '--var',
          'min_tables=2',
          '--var',
          `pg_bin=${systemPgBin}`,
        ],
        { cwd: ws.dir, env: { PG_DRILL_SERVER: server.url.replace(/\/[^/]*$/, '') } },
      );
      expect(`${r.stdout}${r.stderr}`).not.toContain(server.password);
      return { r, ws, events: ws.lastJournal() };
    }

    const outputsOf = (events: readonly RunEvent[], step: string) =>
      events.find((e): e is Extract<RunEvent, { type: 'step-output' }> => e.type === 'step-output' && e.step === step)?.outputs;

    it('dumps, restores into a scratch database, finds every table equal, drops the scratch database in finally and exits 0', async () => {
      await systemSource('drill_ok');
      const { r, ws, events } = await drillRun('drill_ok', 'drill_ok_scratch');
      expect(r.code, r.stderr).toBe(0);
      expect(stepEnds(events)).toEqual([
        'server-version:succeeded',
        'create-scratch:succeeded',
        'make-scratch:succeeded',
        'pg-dump-fits:succeeded',
        'dump:succeeded',
        'restore:succeeded',
        'restored-tables:succeeded',
        'same-counts:succeeded',
        'key-table[0]:succeeded',
        'key-table[1]:succeeded',
        'scratch-drop:succeeded',
      ]);
      expect(outputsOf(events, 'server-version')).toMatchObject({ value: 15 });
      expect(outputsOf(events, 'same-counts')).toMatchObject({
        counts: { files: { source: 25, target: 25 }, tags: { source: 10, target: 10 } },
        total_source: 35,
        total_target: 35,
      });
      expect(existsSync(join(ws.dir, String(outputsOf(events, 'dump')?.file)))).toBe(true);
      expect(events.at(-1)).toMatchObject({ type: 'run-end', exitCode: 0 });
      expect(await exists('drill_ok_scratch')).toBe(false);
      expect(await exists('drill_ok')).toBe(true);
    });

    it('fails at the compare when the restored data differs from the source, and still drops the scratch database in finally', async () => {
      await systemSource('drill_differs');
      // Every database created from template1 (the drill's createdb) gets an event trigger that adds
      // a row to "tags" as pg_restore creates it: the restore succeeds, its data differs.
      const template1 = urlOf('template1');
      await query(
        template1,
        `
      create function drill_extra_row() returns event_trigger language plpgsql as $$
      begin
        if exists (select 1 from pg_event_trigger_ddl_commands() where command_tag = 'CREATE TABLE' and object_identity = 'public.tags') then
          insert into public.tags (id, tag) values (1000, 'added while restoring');
        end if;
      end $$;
      create event trigger drill_extra_row on ddl_command_end when tag in ('CREATE TABLE') execute function drill_extra_row();`,
      );
      try {
        const { r, events } = await drillRun('drill_differs', 'drill_differs_scratch');
        expect(r.code).toBe(1);
        expect(stepEnds(events)).toEqual([
          'server-version:succeeded',
          'create-scratch:succeeded',
          'make-scratch:succeeded',
          'pg-dump-fits:succeeded',
          'dump:succeeded',
          'restore:succeeded',
          'restored-tables:succeeded',
          'same-counts:failed',
          'scratch-drop:succeeded',
        ]);
        expect(events.find((e) => e.type === 'step-end' && e.step === 'same-counts')).toMatchObject({
          error: expect.stringContaining('tags'),
        });
        expect(events.at(-1)).toMatchObject({ type: 'run-end', exitCode: 1, failedStep: 'same-counts' });
        expect(await exists('drill_differs_scratch')).toBe(false);
      } finally {
        await query(template1, 'drop event trigger drill_extra_row; drop function drill_extra_row()');
      }
    });
  },
);
