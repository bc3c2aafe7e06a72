import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBin } from '../../helpers/cli.js';
import { workspace } from '../../helpers/workspace.js';

const original = '# the app reads this\nDATABASE_URL=sqlite:///catalogue.db\nFLASK_SECRET_KEY=kept\n';

describe('stdout closed right after the switch (real process, real pipe)', () => {
  it('loses only the output: the run goes on, rolls back the switch, and journals and reports everything', async () => {
    const ws = workspace();
    writeFileSync(join(ws.dir, '.env'), original);
    // The restart waits until the reader is gone, then writes: every line after the switch meets a closed pipe.
    const plan = ws.write(
      'plan.yaml',
      `version: 1
name: closed-output
steps:
  - id: switch
    kind: env-switch
    file: .env
    set: { DATABASE_URL: "postgresql://app@127.0.0.1:5432/app" }
  - id: restart
    kind: shell
    run: while [ ! -f reader-gone ]; do sleep 0.05; done; for i in 1 2 3 4 5; do echo restart line $i; done; exit 4
`,
    );
    const run = startBin(['exec', plan], { cwd: ws.dir });
    // Like \`runbook exec ... | sed '/env-switch/q'\`: the reader quits as soon as it sees the switch.
    await new Promise<void>((seen) => run.child.stdout.on('data', () => run.output.stdout.includes('[env-switch]') && seen()));
    run.child.stdout.destroy();
    writeFileSync(join(ws.dir, 'reader-gone'), '');
    expect(await run.exited).toBe(1);
    expect(readFileSync(join(ws.dir, '.env'), 'utf8')).toBe(original);
    expect(run.output.stderr).toContain(
      'runbook: standard output is gone (EPIPE); the run goes on, and its journal and report have everything',
    );
    const events = ws.lastJournal();
    expect(events.find((e) => e.type === 'rollback-action-end')).toMatchObject({ step: 'switch', status: 'succeeded' });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'failed-rolled-back', exitCode: 1, failedStep: 'restart' });
    const report = readFileSync(join(ws.lastRunDir(), 'report.md'), 'utf8');
    expect(report).toContain('Rollback complete: every finished step was undone.');
    expect(readFileSync(join(ws.lastRunDir(), 'steps', '02-restart', 'stdout.log'), 'utf8')).toContain('restart line 5');
  });
});
