// After a transfer failure, `exec --from transfer --outputs-from RUN` does not back up or check again:
// it uses what the failed run recorded (the backup's path, the tools found, the server version).
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/events.js';
import { runCli } from '../helpers/cli.js';
import { expectMigrated, installPerTest } from '../helpers/default-plan.js';
import { execArgs, secretEnv, demoAdminPassword } from '../../src/demo/plan-args.js';
import { listRuns } from '../../src/run/list-runs.js';

const install = installPerTest();

const outputsOf = (events: readonly RunEvent[], step: string) =>
  events.find((e): e is Extract<RunEvent, { type: 'step-output' }> => e.type === 'step-output' && e.step === step)?.outputs;

describe('the default plan from the transfer on', () => {
  it('skips the backup and the checks before it, and uses their recorded outputs', async () => {
    const inst = await install('from_transfer');
    const failed = await inst.exec({ failAt: 'transfer' });
    expect(failed.code).toBe(1);
    const failedRun = listRuns(inst.app.dir)[0]!.id;
    const backup = outputsOf(inst.journal(), 'backup');
    expect(backup?.path).toBeDefined();

    const args = [...execArgs(inst.app), '--from', 'transfer', '--outputs-from', failedRun];
    const r = await runCli(args, { cwd: inst.app.dir, env: secretEnv(inst.databaseUrl, demoAdminPassword) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await expectMigrated(inst.app, inst.databaseUrl);
    const events = inst.journal();
    const ran = events.filter((e): e is Extract<RunEvent, { type: 'step-start' }> => e.type === 'step-start').map((e) => e.step);
    expect(ran[0]).toBe('transfer');
    for (const step of ['sqlite-intact', 'target-empty', 'tools', 'backup']) expect(ran).not.toContain(step);
    expect(outputsOf(events, 'backup')).toEqual(backup);
    const note = events.find((e): e is Extract<RunEvent, { type: 'step-end' }> => e.type === 'step-end' && e.step === 'keep-backup');
    expect(note?.note).toContain(String(backup?.path));
  });
});
