// A runner killed while its parent does not reap it stays a zombie: its pid and start time still
// exist in /proc, but it is dead and will never release its lock.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { procStat } from '../../../src/steps/process/proc.js';
import { runBin } from '../../helpers/cli.js';
import { workspace } from '../../helpers/workspace.js';

const plan = `version: 1
name: zombie
steps:
  - id: wait
    kind: shell
    run: sleep 30
`;

describe('the lock of a runner that died but was not reaped (a zombie)', () => {
  it('is taken over by unlock, and `runbook runs` says the run crashed', async () => {
    const ws = workspace();
    const file = ws.write('plan.yaml', plan);
    // The shell becomes `sleep`, which never waits for the runner it started.
    const parent = spawn(
      'sh',
      ['-c', `"${process.execPath}" "${resolve('bin/runbook.js')}" exec "${file}" >/dev/null 2>&1 & exec sleep 60`],
      { cwd: ws.dir, stdio: 'ignore' },
    );
    try {
      await ws.waitForEvent((e) => e.type === 'step-start');
      const pid = (JSON.parse(readFileSync(resolve(ws.dir, '.runbook/lock'), 'utf8')) as { pid: number }).pid;
      process.kill(pid, 'SIGKILL');
      while (procStat(pid)?.state !== 'Z') await new Promise((r) => setTimeout(r, 25));
      const runs = await runBin(['runs'], { cwd: ws.dir });
      expect(runs.stdout).toContain('crashed at wait');
      const unlock = await runBin(['unlock'], { cwd: ws.dir });
      expect(unlock.stderr).toBe('');
      expect(unlock.code).toBe(0);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
