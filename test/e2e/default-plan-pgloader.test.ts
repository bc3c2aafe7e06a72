import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultPlanPath } from '../../src/demo/plan-args.js';
import { fileSha256 } from '../../src/demo/workspace.js';
import { runCli } from '../helpers/cli.js';
import { expectBackOnSqlite, expectMigrated, installation, type Installation } from '../helpers/default-plan.js';

function onPath(program: string): boolean {
  try {
    execFileSync('/bin/sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why the pgloader branch cannot run here, or undefined when it can. */
async function whyNot(): Promise<string | undefined> {
  if (!onPath('pgloader')) return 'pgloader not installed: the pgloader branch is not tested';
  const validation = await runCli(['validate', defaultPlanPath]);
  if (`${validation.stdout}${validation.stderr}`.includes('got "align-schema"'))
    return 'the sqlite-to-pg mode align-schema is not available yet: the pgloader branch is not tested';
  return undefined;
}

const skipReason = await whyNot();
if (skipReason) console.log(skipReason);

const installs: Installation[] = [];
afterAll(async () => {
  for (const i of installs) await i.stop();
});

describe('runbook exec plans/sqlite-to-pg.yaml --var transfer_tool=pgloader', () => {
  it.skipIf(skipReason !== undefined)('loads with pgloader, repairs the schema, switches the app, and the app can write', async () => {
    const inst = await installation('default_pgloader');
    installs.push(inst);
    const result = await inst.exec({ vars: ['transfer_tool=pgloader'] });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const ran = inst.journal().flatMap((e) => (e.type === 'step-end' && e.status === 'succeeded' ? [e.step] : []));
    expect(ran).toEqual(
      expect.arrayContaining([
        'pgloader-present',
        'transfer-pgloader',
        'repair-pgloader',
        'verify-counts',
        'switch-env',
        'smoke',
        'app-writes',
      ]),
    );
    expect(ran).not.toContain('transfer');
    await expectMigrated(inst.app, inst.databaseUrl);
    expect(readFileSync(inst.app.envPath, 'utf8')).toContain(`DATABASE_URL=${inst.databaseUrl}\n`);
  });

  it.skipIf(skipReason !== undefined)('a failure after the pgloader load rolls back to SQLite', async () => {
    const inst = await installation('default_pgloader_fail');
    installs.push(inst);
    const result = await inst.exec({ vars: ['transfer_tool=pgloader'], failAt: 'smoke' });
    expect(result.code).toBe(1);
    expect(fileSha256(inst.app.envPath)).toBe(inst.before.env);
    await expectBackOnSqlite(inst);
  });
});
