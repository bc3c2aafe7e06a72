import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultPlanPath, demoAdminPassword } from '../../src/demo/plan-args.js';
import { fileSha256 } from '../../src/demo/workspace.js';
import type { RunEvent } from '../../src/engine/events.js';
import { runCli } from '../helpers/cli.js';
import { query } from '../helpers/pg.js';
import {
  backups,
  expectBackOnSqlite,
  expectMigrated,
  installPerTest,
  runFiles,
  sqliteCounts,
  sqliteValue,
} from '../helpers/default-plan.js';
import { readAll } from '../helpers/workspace.js';

const stepIds = (parse(readFileSync(defaultPlanPath, 'utf8')) as { steps: { id: string }[] }).steps.map((s) => s.id);

type End = Extract<RunEvent, { type: 'run-end' }>;
type ActionEnd = Extract<RunEvent, { type: 'rollback-action-end' }>;
const of = <T extends RunEvent['type']>(events: readonly RunEvent[], type: T) =>
  events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);

const install = installPerTest();

describe('runbook validate and plan on plans/sqlite-to-pg.yaml', () => {
  it('the default plan is valid', async () => {
    const result = await runCli(['validate', defaultPlanPath]);
    expect(result.stderr + result.stdout).not.toMatch(/error/);
    expect(result.code).toBe(0);
  });

  it('the dry run shows every step, its rendered commands and rollbacks, and no secret', async () => {
    const result = await runCli(
      ['plan', defaultPlanPath, '--var', 'restart_cmd=systemctl restart agregator', '--var', 'app_dir=/srv/agregator'],
      {
        env: { RUNBOOK_DATABASE_URL: 'postgresql://u:secretpw@h/db', AGREGATOR_ADMIN_PASSWORD: 'admin-secret-pw' },
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    stepIds.forEach((id, i) => expect(result.stdout).toContain(`${i + 1}. ${id} [`));
    expect(result.stdout).toContain('run: pgloader "sqlite://${RUNBOOK_VALUE_1}" "$DATABASE_URL"');
    expect(result.stdout).toContain(
      'RUNBOOK_VALUE_1: /srv/agregator/catalogue.db  ← {{path (path run.cwd vars.app_dir) vars.sqlite_path}}',
    );
    expect(result.stdout).toContain('run: alembic upgrade head');
    expect(result.stdout).toContain('run: sh -c "${RUNBOOK_VALUE_1}"');
    expect(result.stdout).toContain("RUNBOOK_VALUE_1: 'systemctl restart agregator'  ← {{vars.restart_cmd}}");
    expect(result.stdout).toContain('unset_env: DATABASE_URL, SQLALCHEMY_DATABASE_URI');
    expect(result.stdout).toContain('set: DATABASE_URL=postgresql://u:****@h/db');
    expect(result.stdout).toContain('restore the SQLite file from this backup if it changed since');
    expect(result.stdout).toContain('[http-smoke] The app is back on SQLite and its key pages work');
    expect(result.stdout).toContain('"password":"****"');
    expect(result.stdout).not.toContain('secretpw');
    expect(result.stdout).not.toContain('admin-secret-pw');
  });
});

describe('runbook exec plans/sqlite-to-pg.yaml on the stand-in app and an embedded PostgreSQL', () => {
  it('moves every row, switches the app to PostgreSQL, and the app can write there', async () => {
    const { app, databaseUrl, exec, journal } = await install('default_ok');
    const source = sqliteCounts(app.cataloguePath);
    const result = await exec();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    await expectMigrated(app, databaseUrl);

    const env = readFileSync(app.envPath, 'utf8');
    expect(env).toContain(`DATABASE_URL=${databaseUrl}\n`);
    expect(env).toContain(`PORT=${app.port}\n`);

    const sqliteBackups = backups(app).filter((f) => f.endsWith('.db'));
    expect(sqliteBackups).toHaveLength(1);
    expect(sqliteValue(sqliteBackups[0]!, 'PRAGMA integrity_check')).toBe('ok');
    expect(sqliteCounts(sqliteBackups[0]!)).toEqual(source);
    // pg_dump either wrote a dump or (older than the server) failed and left nothing behind.
    for (const file of backups(app)) expect(statSync(file).size, file).toBeGreaterThan(0);

    const ends = of(journal(), 'step-end');
    expect(ends.filter((e) => e.status === 'succeeded').map((e) => e.step)).toEqual(
      expect.arrayContaining([
        'stop-app',
        'backup',
        'transfer',
        'verify-counts',
        'verify-writable',
        'switch-env',
        'restart',
        'app-on-postgresql',
        'smoke',
        'app-writes',
        'app-deletes',
        'keep-backup',
      ]),
    );
    // The probe file went in and out through the app's API.
    const probe = `runbook-write-probe-${of(journal(), 'run-start')[0]?.runId}`;
    expect(await query(databaseUrl, 'select id from files where filename = $1', [probe])).toEqual([]);
    expect(
      (await query<{ action: string }>(databaseUrl, "select action from user_action_log where action like 'file_%' order by id")).map(
        (r) => r.action,
      ),
    ).toEqual(['file_create', 'file_delete']);
    expect(ends.filter((e) => e.status === 'failed' && !e.continued)).toEqual([]);
  });

  it('writes no secret to the terminal or the run directory', async () => {
    const { app, databaseUrl, exec } = await install('default_secrets');
    const result = await exec();
    expect(result.code).toBe(0);
    const password = new URL(databaseUrl).password;
    const written = readAll(runFiles(app));
    for (const secret of [password, demoAdminPassword]) {
      expect(result.stdout + result.stderr).not.toContain(secret);
      expect(written).not.toContain(secret);
    }
  });

  it.each(['transfer', 'verify-counts'])(
    'a failure at %s, before switch-env, starts the stopped app again on SQLite and checks it',
    async (step) => {
      // .env and catalogue.db were not touched yet, so their being as before proves no rollback: only
      // what the rollback did is asserted here (the app, stopped by the run, serves again from SQLite).
      const inst = await install(`default_fail_${step.replace('-', '_')}`);
      const result = await inst.exec({ failAt: step });
      expect(result.code).toBe(1);
      const events = inst.journal();
      expect(of(events, 'run-end')[0]).toMatchObject<Partial<End>>({ status: 'failed-rolled-back', exitCode: 1, failedStep: step });
      expect(of(events, 'rollback-end')[0]).toMatchObject({ complete: true, failed: [] });
      const undone = of(events, 'rollback-action-end')
        .filter((e) => e.status === 'succeeded')
        .map((e) => `${e.step}: ${e.title}`);
      const started = undone.indexOf('stop-app: Start the app on SQLite');
      expect(undone.slice(started, started + 2)).toEqual([
        'stop-app: Start the app on SQLite',
        'stop-app: The app is back on SQLite and its key pages work',
      ]);
      expect(await inst.database()).toMatchObject({ ok: true, dialect: 'sqlite' });
    },
  );

  it.each([
    ['restart', "after switch-env, before the app restarts; the transfer's undo on", true],
    ['smoke', 'after the app restarted on PostgreSQL', false],
    ['app-deletes', 'after the app wrote to PostgreSQL', false],
  ] as const)(
    'a failure at %s (%s) rolls back: .env byte for byte, catalogue.db as before, the app on SQLite, no table left behind',
    async (step, _when, dropTables) => {
      const inst = await install(`default_fail_${step.replace('-', '_')}`);
      const { app, before, exec, journal } = inst;
      const result = await exec({ failAt: step, vars: dropTables ? ['drop_target_on_rollback=true'] : [] });
      expect(result.code).toBe(1);
      const events = journal();
      expect(of(events, 'run-end')[0]).toMatchObject<Partial<End>>({ status: 'failed-rolled-back', exitCode: 1, failedStep: step });
      expect(of(events, 'rollback-end')[0]).toMatchObject({ complete: true, failed: [] });
      const undone = of(events, 'rollback-action-end').filter((e) => e.status === 'succeeded');
      const order = undone.map((e) => `${e.step}: ${e.title}`);

      // switch-env had written the target's URL into .env: its rollback put the old bytes back.
      expect(order.some((t) => t.startsWith('switch-env:'))).toBe(true);
      expect(fileSha256(app.envPath)).toBe(before.env);

      // catalogue.db: the backup holds its bytes from before the run, and when the rollback reached it
      // (before the app was started again, which writes to it) it still had them.
      const backup = of(events, 'step-end').find((e) => e.step === 'backup' && e.status === 'succeeded')?.undo as {
        source_sha256: string;
        backup_sha256: string;
        backup: string;
      };
      expect(backup.source_sha256).toBe(before.catalogue);
      expect(fileSha256(backup.backup)).toBe(backup.backup_sha256);
      expect(undone.find((e) => e.step === 'backup')?.note).toBe('catalogue.db unchanged since the backup; nothing to restore');
      // Since then only the app's own start-up writes, row by row as the demo compares.
      await expectBackOnSqlite(inst);

      // Newest first: the app is stopped (once it was started on PostgreSQL), .env and catalogue.db go back, and only then is it started on SQLite and checked.
      const started = order.indexOf('stop-app: Start the app on SQLite');
      expect(order.slice(started, started + 2)).toEqual([
        'stop-app: Start the app on SQLite',
        'stop-app: The app is back on SQLite and its key pages work',
      ]);
      expect(order.findIndex((t) => t.startsWith('switch-env:'))).toBeLessThan(started);
      expect(order.findIndex((t) => t.startsWith('backup:'))).toBeLessThan(started);
      if (step !== 'restart') {
        expect(order).toContain('restart: Stop the app');
        expect(order.indexOf('restart: Stop the app')).toBeLessThan(order.findIndex((t) => t.startsWith('switch-env:')));
      }
      if (step === 'app-deletes') {
        // The probe file's own rollback deleted it through the app while it ran on PostgreSQL.
        expect(order).toContain('app-writes: Delete the probe file record through the app');
      }

      // PostgreSQL: the transfer's undo dropped every table it made; with it off (the default) its
      // tables stay for inspection, and nothing else does (no state table, no scratch schema).
      const tables = (
        await query<{ name: string }>(
          inst.databaseUrl,
          "select table_schema || '.' || table_name as name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')",
        )
      )
        .map((r) => r.name)
        .sort();
      const made = of(events, 'step-output').find((e) => e.step === 'transfer')?.outputs as {
        counts: Record<string, number>;
        virtual_tables: { name: string }[];
      };
      expect(tables).toEqual(
        dropTables ? [] : [...Object.keys(made.counts), ...made.virtual_tables.map((t) => t.name)].map((t) => `public.${t}`).sort(),
      );
    },
  );

  it('a wrong admin password fails the checks for real; the app is put back on SQLite and the run says who must look', async () => {
    const inst = await install('default_wrong_password');
    const { app, before, exec, journal } = inst;
    const result = await exec({ adminPassword: 'not-the-admin-password' });
    const events = journal();
    const failed = of(events, 'step-end').find((e) => e.status === 'failed');
    expect(failed?.step).toBe('app-on-postgresql');
    expect(failed?.error).toContain('401');
    // The rollback restores .env and restarts the app on SQLite, but its own login check fails with the same password: a human must look.
    expect(result.code).toBe(3);
    expect(of(events, 'run-end')[0]?.status).toBe('failed-rollback-incomplete');
    const checks = of(events, 'rollback-action-end').filter((e): e is ActionEnd => e.step === 'stop-app');
    expect(checks.map((e) => [e.title, e.status])).toEqual(
      expect.arrayContaining([
        ['Start the app on SQLite', 'succeeded'],
        ['The app is back on SQLite and its key pages work', 'failed'],
      ]),
    );
    expect(fileSha256(app.envPath)).toBe(before.env);
    await expectBackOnSqlite(inst);
  });
});
