// `runbook rollback RUN` an hour "later": a separate process, after a run that succeeded, puts the
// system back as it was before the run, from the journal's recorded values alone.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretEnv, demoAdminPassword } from '../../src/demo/plan-args.js';
import { fileSha256 } from '../../src/demo/workspace.js';
import { runBin } from '../helpers/cli.js';
import { expectBackOnSqlite, expectMigrated, installPerTest } from '../helpers/default-plan.js';
import { query } from '../helpers/pg.js';
import { workspace } from '../helpers/workspace.js';

const install = installPerTest();

/** Tables in the target database outside PostgreSQL's own schemas. */
async function userTables(url: string): Promise<string[]> {
  const rows = await query<{ name: string }>(
    url,
    "select table_schema || '.' || table_name as name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') order by 1",
  );
  return rows.map((r) => r.name);
}

describe('runbook rollback RUN after a successful run (a separate process)', () => {
  it('of the default plan: .env as before, catalogue.db as backed up, the app healthy on SQLite, no table left in PostgreSQL', async () => {
    const inst = await install('rollback_later');
    const migrated = await inst.exec({ vars: ['drop_target_on_rollback=true'] });
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(0);
    await expectMigrated(inst.app, inst.databaseUrl);
    expect(await userTables(inst.databaseUrl)).not.toEqual([]);

    const later = await runBin(['rollback', 'last', '--yes'], { cwd: inst.app.dir, env: secretEnv(inst.databaseUrl, demoAdminPassword) });
    expect(later.stderr).toBe('');
    expect(later.code).toBe(0);
    expect(later.stdout).toContain('run rolled back');
    expect(fileSha256(inst.app.envPath)).toBe(inst.before.env);
    await expectBackOnSqlite(inst);
    expect(await userTables(inst.databaseUrl)).toEqual([]);
    const events = inst.journal();
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'rolled-back', exitCode: 0 });
    expect(JSON.stringify(events)).not.toContain(demoAdminPassword);
  });
});

describe('runbook rollback RUN of plans/examples/rotate-logs.yaml', () => {
  it('puts the logs back where they were; the step without a rollback is said to have nothing to undo', async () => {
    const ws = workspace();
    mkdirSync(join(ws.dir, 'logs'));
    writeFileSync(join(ws.dir, 'logs', 'app.log'), 'line 1\nline 2\n');
    const before = fileSha256(join(ws.dir, 'logs', 'app.log'));
    const plan = resolve('plans/examples/rotate-logs.yaml');
    expect((await runBin(['exec', plan], { cwd: ws.dir })).code).toBe(0);
    expect(readdirSync(join(ws.dir, 'logs'))).toEqual([]);

    const later = await runBin(['rollback', 'last'], { cwd: ws.dir });
    expect(later.stderr).toBe('');
    expect(later.code).toBe(0);
    expect(readdirSync(join(ws.dir, 'logs'))).toEqual(['app.log']);
    expect(fileSha256(join(ws.dir, 'logs', 'app.log'))).toBe(before);
    expect(readdirSync(join(ws.dir, 'logs-archive'))).toEqual([]);
    const report = readFileSync(join(ws.lastRunDir(), 'report.md'), 'utf8');
    expect(report).toContain('Nothing to undo (no rollback declared) in 2 finished step(s): `check-archive`, `make-archive-dir`.');
    expect(report).toContain('- **move-logs**\n  - done: Put the logs back where they were');
  });
});

describe('runbook rollback RUN with a var whose recorded value had a password masked', () => {
  const password = 'pw-Str4nge-9';
  const url = `postgresql://app:${password}@127.0.0.1:5999/catalogue`;
  const plan = (env: string) => `version: 1
name: masked-var
vars:
  target_url:
    description: Where the app's data goes (not marked secret; its password is masked anyway)
${env}steps:
  - id: note-target
    kind: shell
    run: echo noted
    rollback:
      - kind: shell
        run: printf '%s' {{vars.target_url}} > undo-saw.txt
`;

  it('takes the value from its environment variable again, never "****", and refuses without it', async () => {
    const ws = workspace();
    const file = ws.write('plan.yaml', plan('    env: TARGET_URL\n'));
    expect((await runBin(['exec', file], { cwd: ws.dir, env: { TARGET_URL: url } })).code).toBe(0);
    expect(JSON.stringify(ws.lastJournal())).not.toContain(password);

    const refused = await runBin(['rollback', 'last'], { cwd: ws.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /recorded var target_url with a password masked, .* give it again in the environment: target_url in TARGET_URL/,
    );
    expect(existsSync(join(ws.dir, 'undo-saw.txt'))).toBe(false);

    const later = await runBin(['rollback', 'last'], { cwd: ws.dir, env: { TARGET_URL: url } });
    expect(later.stderr).toBe('');
    expect(later.code).toBe(0);
    expect(readFileSync(join(ws.dir, 'undo-saw.txt'), 'utf8')).toBe(url);
    expect(JSON.stringify(ws.lastJournal())).not.toContain(password);
  });

  it('says how to give it again when the var has no environment variable', async () => {
    const ws = workspace();
    const file = ws.write('plan.yaml', plan(''));
    expect((await runBin(['exec', file, '--var', `target_url=${url}`], { cwd: ws.dir })).code).toBe(0);
    const refused = await runBin(['rollback', 'last'], { cwd: ws.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('target_url (it has no env: in the plan)');
    expect(refused.stderr).toContain('hint: add env: NAME to the var in the plan (and --allow-changed-plan), or mark it secret: true');
    expect(refused.stderr).not.toContain(password);
    expect(existsSync(join(ws.dir, 'undo-saw.txt'))).toBe(false);
  });
});
