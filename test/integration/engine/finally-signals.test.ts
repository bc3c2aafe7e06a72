// A signal while a finally step runs: the first lets the cleanup finish (only a second one stops
// it), so what runbook prints must say that, not that it stops the step and rolls back.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBin } from '../../helpers/cli.js';
import { workspace } from '../../helpers/workspace.js';

const plan = `version: 1
name: cleanup
steps:
  - id: make
    kind: shell
    run: touch made
    rollback:
      - kind: shell
        run: rm made
finally:
  - id: tidy
    kind: shell
    run: touch started; while ! test -e go; do sleep 0.05; done; touch tidied
`;

async function waitForFile(path: string): Promise<void> {
  while (!existsSync(path)) await new Promise((r) => setTimeout(r, 25));
}

/** A run of the plan whose finally step is running. */
async function tidyRunning() {
  const ws = workspace();
  const run = startBin(['exec', ws.write('plan.yaml', plan)], { cwd: ws.dir });
  await waitForFile(join(ws.dir, 'started'));
  return { ws, run };
}

describe('a signal during a finally step (real process, real signal)', () => {
  it('lets the step finish and says so; nothing is rolled back', async () => {
    const { ws, run } = await tidyRunning();
    run.child.kill('SIGTERM');
    await ws.waitForEvent((e) => e.type === 'interrupt');
    ws.write('go', '');
    expect(await run.exited).toBe(0);
    expect(existsSync(join(ws.dir, 'tidied'))).toBe(true);
    expect(existsSync(join(ws.dir, 'made'))).toBe(true);
    expect(run.output.stdout).toContain('interrupted (SIGTERM) during the finally steps: they go on (a second signal stops them)');
    expect(run.output.stdout).not.toContain('rolling back');
    expect(readFileSync(join(ws.lastRunDir(), 'report.md'), 'utf8')).toContain('SIGTERM (#1) during finally');
  });

  it('a second signal stops it, and the output says the finally steps are stopped', async () => {
    const { ws, run } = await tidyRunning();
    run.child.kill('SIGINT');
    await ws.waitForEvent((e) => e.type === 'interrupt');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(1);
    expect(existsSync(join(ws.dir, 'tidied'))).toBe(false);
    expect(run.output.stdout).toContain('interrupted again (SIGINT): stopping the finally steps');
  });
});
